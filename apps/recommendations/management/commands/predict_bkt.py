"""Predict each response of a CSV log from the responses before it, with fitted BKT params."""

import json
from argparse import ArgumentParser
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from apps.recommendations.engine.bkt_replay import replay_bkt
from apps.recommendations.engine.csvio import (
    EngineInputError,
    read_bkt_params,
    read_response_log,
    write_rows,
)


class Command(BaseCommand):
    help = (
        "For each row learner,skill,correct of the CSV (in time order), print the predicted "
        "probability of a correct answer given that learner's earlier rows on the skill. "
        "--params is the JSON that fit_bkt prints."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--params", required=True, help="JSON printed by fit_bkt")
        parser.add_argument("--csv", required=True, dest="csv_path", help="response log CSV")
        parser.add_argument("--format", default="csv", help="csv (default) or jsonl")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["format"] not in ("csv", "jsonl"):
            raise CommandError(f"unknown --format {options['format']!r}: use csv or jsonl")
        try:
            params_by_skill = read_bkt_params(options["params"])
            log = read_response_log(options["csv_path"])
        except EngineInputError as error:
            raise CommandError(str(error)) from None
        unknown = [name for name in log.skill_names if name not in params_by_skill]
        if unknown:
            first_row = int(np.flatnonzero(log.skill == log.skill_names.index(unknown[0]))[0])
            raise CommandError(
                f"{options['csv_path']}: skill {unknown[0]!r} (first at data row "
                f"{first_row + 1}) has no parameters in {options['params']}"
            )
        replay = replay_bkt(log, [params_by_skill[name] for name in log.skill_names])
        learners = np.array(log.learner_names, dtype=object)[log.learner]
        skills = np.array(log.skill_names, dtype=object)[log.skill]
        rows = list(
            zip(
                learners,
                skills,
                log.correct.astype(int),
                np.round(replay.p_correct, 6),
                strict=True,
            )
        )
        if options["format"] == "csv":
            write_rows(self.stdout, ("learner", "skill", "correct", "p"), rows)
            return
        for learner, skill, correct, p in rows:
            line = {"learner": learner, "skill": skill, "correct": int(correct), "p": float(p)}
            self.stdout.write(json.dumps(line))
