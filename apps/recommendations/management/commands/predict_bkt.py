"""Predict each response of a CSV log from the responses before it, with fitted BKT params."""

import json
from argparse import ArgumentParser
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from apps.recommendations.engine.bkt_replay import replay_bkt
from apps.recommendations.engine.course import DEFAULT_BKT
from apps.recommendations.engine.csvio import (
    EngineInputError,
    read_bkt_params_file,
    read_response_log,
    write_rows,
)
from apps.recommendations.engine.sequences import ResponseLog

COLUMNS = ("learner", "skill", "correct", "p", "params")


class Command(BaseCommand):
    help = (
        "For each row learner,skill,correct of the CSV (in time order), print the predicted "
        "probability of a correct answer given that learner's earlier rows on the skill. "
        "--params is the JSON that fit_bkt prints. A skill without fitted parameters there is "
        "predicted with the course defaults: its rows say params=default, and stderr names it."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--params", required=True, help="JSON printed by fit_bkt")
        parser.add_argument("--csv", required=True, dest="csv_path", help="response log CSV")
        parser.add_argument("--format", default="csv", help="csv (default) or jsonl")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["format"] not in ("csv", "jsonl"):
            raise CommandError(f"unknown --format {options['format']!r}: use csv or jsonl")
        try:
            params_file = read_bkt_params_file(options["params"])
            log = read_response_log(options["csv_path"])
        except EngineInputError as error:
            raise CommandError(str(error)) from None
        defaulted = {
            name: params_file.not_fitted.get(name, f"not in {options['params']}")
            for name in log.skill_names
            if name not in params_file.params or name in params_file.not_fitted
        }
        params = [params_file.params.get(name, DEFAULT_BKT) for name in log.skill_names]
        replay = replay_bkt(log, params)
        if defaulted:
            self._report_defaults(log, defaulted)
        is_fitted = np.array([name not in defaulted for name in log.skill_names], dtype=np.bool_)
        rows = list(
            zip(
                np.array(log.learner_names, dtype=object)[log.learner],
                np.array(log.skill_names, dtype=object)[log.skill],
                log.correct.astype(int),
                np.round(replay.p_correct, 6),
                np.where(is_fitted[log.skill], "fitted", "default"),
                strict=True,
            )
        )
        if options["format"] == "csv":
            write_rows(self.stdout, COLUMNS, rows)
            return
        for learner, skill, correct, p, source in rows:
            values = (learner, skill, int(correct), float(p), str(source))
            self.stdout.write(json.dumps(dict(zip(COLUMNS, values, strict=True))))

    def _report_defaults(self, log: ResponseLog, defaulted: dict[str, str]) -> None:
        row_counts = np.bincount(log.skill, minlength=len(log.skill_names))
        listed = "; ".join(
            f"{name} ({reason}, {row_counts[log.skill_names.index(name)]} rows)"
            for name, reason in defaulted.items()
        )
        defaults = ", ".join(f"{key} {value}" for key, value in DEFAULT_BKT.as_dict().items())
        self.stderr.write(
            f"{len(defaulted)} of {len(log.skill_names)} skills have no fitted parameters and "
            f"were predicted with the defaults ({defaults}; params=default): {listed}"
        )
