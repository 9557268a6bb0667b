"""Predict each answer of a CSV log from the answers before it, with a fitted model."""

from argparse import ArgumentParser
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from apps.recommendations.engine.answer_log import read_answer_log
from apps.recommendations.engine.csvio import EngineInputError, write_rows
from apps.recommendations.engine.learner_model_kinds import predict_with_model, read_model_document

OUTPUT_COLUMNS = ("learner", "skill", "correct", "p_correct", "params_used")


class Command(BaseCommand):
    help = (
        "For each row of the CSV (same columns as fit_learner_model, in answer order), print "
        "P(correct) predicted before that answer from the learner's earlier answers on the "
        "skill: one output row per input row, in the same order. params_used says whether the "
        "skill and item had fitted parameters (fitted, default_skill, default_item, "
        "default_skill_item). --params is the JSON that fit_learner_model prints."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--params", required=True, help="JSON printed by fit_learner_model")
        parser.add_argument("--csv", required=True, dest="csv_path", help="answer log CSV")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            document = read_model_document(options["params"])
            answers = read_answer_log(options["csv_path"])
            prediction = predict_with_model(document, answers)
        except EngineInputError as error:
            raise CommandError(str(error)) from None
        except ValueError as error:
            raise CommandError(f"{options['params']}: {error}") from None
        learners = np.array(answers.learner_names, dtype=object)[answers.learner]
        skills = np.array(answers.skill_names, dtype=object)[answers.skill]
        rows = zip(
            learners,
            skills,
            answers.correct.astype(np.int64).tolist(),
            np.round(prediction.p_correct, 6).tolist(),
            prediction.params_used.tolist(),
            strict=True,
        )
        write_rows(self.stdout, OUTPUT_COLUMNS, list(rows))
