"""Create simulated learners with realistic practice histories in a course (demos, benchmarks,
load tests). Refuses to run under production settings unless --force."""

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.core.exceptions import ApplicationError
from apps.curriculum.models import Course
from apps.demo.simulation import simulate_learners


class Command(BaseCommand):
    help = (
        "Simulate N learners practising a course over D days ending now (the engine's "
        "generative model: BKT learning, IRT items, abilities), store their responses and "
        "rebuild their mastery, ability and review schedule."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--course", required=True, metavar="SLUG")
        parser.add_argument("--learners", required=True, type=int, metavar="N")
        parser.add_argument("--days", required=True, type=int, metavar="D")
        parser.add_argument("--seed", type=int, default=0, metavar="S")
        parser.add_argument("--prefix", default="sim", help="username prefix (default: sim)")
        parser.add_argument(
            "--history",
            action="store_true",
            help="also write mastery over time per answer (the teacher's drill-down charts)",
        )
        parser.add_argument(
            "--force", action="store_true", help="run even under production settings"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        course = Course.objects.filter(slug=options["course"]).first()
        if course is None:
            raise CommandError(f"No course with slug {options['course']!r}.")
        try:
            result = simulate_learners(
                course=course,
                learners=options["learners"],
                days=options["days"],
                seed=options["seed"],
                prefix=options["prefix"],
                with_history=options["history"],
                force=options["force"],
            )
        except ApplicationError as error:
            raise CommandError(error.message) from None
        rebuild = result.rebuild
        self.stdout.write(
            json.dumps(
                {
                    "course": course.slug,
                    "learners": result.learners,
                    "responses": result.responses,
                    "first_at": result.first_at.isoformat() if result.first_at else None,
                    "last_at": result.last_at.isoformat() if result.last_at else None,
                    "masteries_written": rebuild.masteries_written if rebuild else 0,
                    "abilities_written": rebuild.abilities_written if rebuild else 0,
                    "history_written": result.history_written,
                    "seconds": {name: round(value, 3) for name, value in result.timings.items()},
                },
                indent=2,
            )
        )
