"""Calibrate 2PL or 3PL items by marginal maximum likelihood from a persons x items CSV."""

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.recommendations.engine.csvio import EngineInputError, read_response_table
from apps.recommendations.engine.irt_calibrate import (
    CalibrationOptions,
    UncalibratableItemsError,
    calibrate_irt,
)
from apps.recommendations.engine.quadrature import equally_spaced
from apps.recommendations.engine.reports import calibration_report

MODELS = ("2pl", "3pl")


class Command(BaseCommand):
    help = (
        "Calibrate items (a, b, c) by Bock-Aitkin EM. The CSV is a persons x items table of "
        "0/1 with blank = not answered; a header row of item names is optional."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--csv", required=True, dest="csv_path", help="persons x items CSV")
        parser.add_argument("--model", default="2pl", help="2pl (default) or 3pl")
        parser.add_argument("--quadrature-points", type=int, default=61)
        parser.add_argument(
            "--fixed-guessing", type=float, default=None, help="3pl: fix c at this value"
        )
        parser.add_argument(
            "--max-guessing", type=float, default=0.35, help="3pl: upper bound of c"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        model = str(options["model"]).lower()
        if model not in MODELS:
            raise CommandError(f"unknown --model {options['model']!r}: use 2pl or 3pl")
        if options["quadrature_points"] < 5:
            raise CommandError("--quadrature-points must be at least 5")
        if not 0.0 < options["max_guessing"] < 1.0:
            raise CommandError("--max-guessing must be between 0 and 1")
        try:
            table = read_response_table(options["csv_path"])
        except EngineInputError as error:
            raise CommandError(str(error)) from None
        calibration_options = CalibrationOptions(
            model=model,  # type: ignore[arg-type]  # checked against MODELS above
            quadrature=equally_spaced(options["quadrature_points"]),
            fixed_guessing=options["fixed_guessing"],
            guessing_bounds=(0.0, options["max_guessing"]),
        )
        try:
            result = calibrate_irt(table.values, calibration_options)
        except UncalibratableItemsError as error:
            names = ", ".join(table.item_names[index] for index in error.item_indexes)
            raise CommandError(
                f"{options['csv_path']}: column(s) {names}: {error.reason}"
            ) from None
        report = calibration_report(table.item_names, result)
        self.stdout.write(json.dumps(report, indent=2, allow_nan=False))
