"""Run the nightly recalculation now, in the foreground, with a progress bar per course."""

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from apps.curriculum.models import Course
from apps.recommendations.models import RunStatus
from apps.recommendations.recalculation.course import (
    PHASES,
    recalculate_course,
    recalculation_fail,
    recalculation_start,
)


class Command(BaseCommand):
    help = (
        "Refit BKT per skill, calibrate IRT items and rebuild the affected learners, as the "
        "nightly task does: only what has new responses since the last run, or all with --full."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--course", metavar="SLUG", help="only this course")
        parser.add_argument("--full", action="store_true", help="refit and rebuild everything")

    def handle(self, *args: Any, **options: Any) -> None:
        course = None
        if options["course"]:
            course = Course.objects.filter(slug=options["course"]).first()
            if course is None:
                raise CommandError(f"No course with slug {options['course']!r}.")
        run = recalculation_start(trigger="command", course=course, full=options["full"])
        if run.status == RunStatus.SKIPPED:
            raise CommandError(f"{run.error} Try again when it has finished, or after that time.")
        course_ids = run.counts.get("planned_course_ids", [])
        slugs = dict(Course.objects.filter(pk__in=course_ids).values_list("pk", "slug"))
        try:
            for course_id in tqdm(course_ids, desc="courses", unit="course", disable=None):
                with tqdm(
                    total=len(PHASES), desc=slugs.get(course_id, "?"), leave=False, disable=None
                ) as bar:

                    def advance(phase: str, bar: tqdm = bar) -> None:  # type: ignore[type-arg]
                        bar.set_postfix_str(phase)
                        bar.update(1)

                    recalculate_course(
                        run_id=run.pk, course_id=course_id, full=options["full"], progress=advance
                    )
        except BaseException as error:  # Ctrl-C included: never leave the lock behind
            recalculation_fail(run_id=run.pk, error=f"{type(error).__name__}: {error}")
            raise CommandError(f"Run {run.pk} failed: {error}") from error
        run.refresh_from_db()
        self.stdout.write(
            json.dumps(
                {
                    "run": run.pk,
                    "status": run.status,
                    "counts": run.counts.get("totals", {}),
                    "timings": run.timings,
                    "courses": run.counts.get("courses", {}),
                },
                indent=2,
            )
        )
        if run.status != RunStatus.SUCCEEDED:
            raise CommandError(f"Run {run.pk} ended {run.status}: {run.error}")
