"""Export a course as JSON (format v1) or its items as CSV; see exchange/FORMAT.md."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.curriculum.exchange import course_export, items_to_csv
from apps.curriculum.models import Course


class Command(BaseCommand):
    help = "Write a course as JSON (the whole course) or CSV (its items), to stdout or a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The course's slug.")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--output", metavar="FILE", help="Write here instead of stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        course = Course.objects.filter(slug=options["slug"]).first()
        if course is None:
            raise CommandError(f"No course with slug {options['slug']!r}.")
        if options["format"] == "csv":
            text = items_to_csv(course)
        else:
            text = json.dumps(course_export(course=course), ensure_ascii=False, indent=2) + "\n"
        if options["output"]:
            try:
                # newline="" keeps CSV's CRLF row ends as written.
                Path(options["output"]).write_text(text, encoding="utf-8", newline="")
            except OSError as exc:
                raise CommandError(f"{options['output']}: cannot write ({exc.strerror}).") from None
            self.stderr.write(f"Wrote {course.slug!r} to {options['output']}.")
        else:
            self.stdout.write(text, ending="")
