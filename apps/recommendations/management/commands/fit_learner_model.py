"""Fit a next-answer predictor (BKT, BKT with forgetting, or the combined model) on a CSV log."""

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.recommendations.engine.answer_log import read_answer_log
from apps.recommendations.engine.csvio import EngineInputError
from apps.recommendations.engine.hmm_skill_fit import HmmFitOptions
from apps.recommendations.engine.learner_model import LearnerModelOptions
from apps.recommendations.engine.learner_model_kinds import MODEL_KINDS, fit_model


class Command(BaseCommand):
    help = (
        "Fit a model predicting P(correct) of each next answer and print its parameters as "
        "JSON (the --params of predict_learner_model). The CSV has a header with columns "
        "learner, skill, correct (0/1) in answer order, optionally item and timestamp (seconds "
        "or ISO 8601); other columns are ignored. --model bkt: standard BKT; bkt-forgets: BKT "
        "with forgetting; combined (default): a 4-state HMM per skill under a logistic layer "
        "with answer-history, item and (with timestamps) recency features."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--csv", required=True, dest="csv_path", help="answer log CSV")
        parser.add_argument("--model", default="combined", choices=MODEL_KINDS)
        parser.add_argument("--restarts", type=int, default=5, help="BKT EM starting points")
        parser.add_argument(
            "--seed",
            type=int,
            default=0,
            help="seed of BKT's random starts and of the combined model's held-out split",
        )
        parser.add_argument(
            "--states", type=int, default=4, help="HMM states per skill (combined model)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["restarts"] < 1:
            raise CommandError("--restarts must be at least 1")
        if options["states"] < 2:
            raise CommandError("--states must be at least 2")
        try:
            answers = read_answer_log(options["csv_path"])
        except EngineInputError as error:
            raise CommandError(str(error)) from None
        combined = LearnerModelOptions(
            hmm=HmmFitOptions(n_states=options["states"]), seed=options["seed"]
        )
        document = fit_model(
            options["model"],
            answers,
            restarts=options["restarts"],
            seed=options["seed"],
            options=combined,
        )
        self.stdout.write(json.dumps(document, allow_nan=False))
