"""Import a course (JSON) or a course's items (CSV); see apps/curriculum/exchange/FORMAT.md."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.curriculum.exchange import ImportFailed, course_import


class Command(BaseCommand):
    help = (
        "Import a course file (JSON, format v1) or items (a .csv file, with --course). All or "
        "nothing: on any problem every problem is printed and nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A .json course file or a .csv items file.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Update the existing course with this slug to match the file.",
        )
        parser.add_argument(
            "--course",
            metavar="SLUG",
            help="The course the CSV items go into; for JSON, import under this slug instead.",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Take the course's status and visibility from the file; without it a new "
            "course is a private draft and an existing one keeps its own.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report, but save nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: cannot read the file ({exc.strerror}).") from None
        try:
            result = course_import(
                source_name=str(path),
                content=content,
                author=None,
                replace=options["replace"],
                course_slug=options["course"],
                publish=options["publish"],
                dry_run=options["dry_run"],
            )
        except ImportFailed as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(exc.message + " Nothing was written.") from None
        self.stdout.write(self.style.SUCCESS(result.summary()))
