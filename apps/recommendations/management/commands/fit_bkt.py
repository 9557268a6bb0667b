"""Fit Bayesian Knowledge Tracing per skill from a CSV response log and print JSON."""

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.recommendations.engine.bkt_fit import BktFitOptions, fit_bkt_skills
from apps.recommendations.engine.csvio import EngineInputError, read_response_log
from apps.recommendations.engine.reports import bkt_fit_report


class Command(BaseCommand):
    help = (
        "Fit BKT (prior, learn, guess, slip[, forget]) per skill by EM. The CSV has rows "
        "learner,skill,correct (0/1) in time order; a header row is optional. A skill the data "
        "cannot identify (one response, all right or all wrong, ...) gets the course default "
        'parameters, with the reason in its "fallback" field.'
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--csv", required=True, dest="csv_path", help="response log CSV")
        parser.add_argument("--forgets", action="store_true", help="also fit a forget rate")
        parser.add_argument("--restarts", type=int, default=5, help="EM starting points")
        parser.add_argument("--seed", type=int, default=0, help="seed of the random starts")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["restarts"] < 1:
            raise CommandError("--restarts must be at least 1")
        try:
            log = read_response_log(options["csv_path"])
        except EngineInputError as error:
            raise CommandError(str(error)) from None
        fit_options = BktFitOptions(
            fit_forget=options["forgets"], restarts=options["restarts"], seed=options["seed"]
        )
        fits = fit_bkt_skills(log, fit_options)
        report = bkt_fit_report(log.skill_names, fits)
        self.stdout.write(json.dumps(report, indent=2, allow_nan=False))
        fallbacks = [
            f"{name} ({fit.fallback})"
            for name, fit in zip(log.skill_names, fits, strict=True)
            if fit.fallback is not None
        ]
        if fallbacks:
            self.stderr.write(
                f"{len(fallbacks)} of {len(fits)} skills could not be fitted and have the default "
                f'parameters ("fallback" in the output): {"; ".join(fallbacks)}'
            )
