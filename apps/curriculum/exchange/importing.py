"""``course_import``: everything is checked before anything is written, then one transaction.

A file whose name ends in ``.csv`` holds items for an existing course; anything else is a JSON
course document (format v1, see FORMAT.md).
"""

import logging
import re
from dataclasses import dataclass, fields
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from apps.accounts.models import User
from apps.curriculum.exchange.assessment_models import assessment_model
from apps.curriculum.exchange.checks import canonical_course, course_problems
from apps.curriculum.exchange.csv_format import cell_path, parse_items_csv
from apps.curriculum.exchange.decoding import DecodeFailed, decode_text, parse_json
from apps.curriculum.exchange.export import FORMAT_NAME, FORMAT_VERSION
from apps.curriculum.exchange.items import canonical_item, item_problems, slug_error
from apps.curriculum.exchange.problems import ImportFailed, Problem, capped
from apps.curriculum.exchange.rendering import Renderer
from apps.curriculum.exchange.schema import structural_problems
from apps.curriculum.exchange.writer import Counts, write_course, write_items
from apps.curriculum.models import Course
from apps.curriculum.services import course_touch

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportResult:
    course: Course
    source: str
    created: bool
    dry_run: bool
    written: Counts
    removed: Counts
    archived_items: int

    def summary(self) -> str:
        def listed(counts: Counts) -> str:
            parts = [f"{getattr(counts, f.name)} {f.name}" for f in fields(counts)]
            return ", ".join(p for p in parts if not p.startswith("0 ")) or "nothing"

        verb = "created" if self.created else "updated"
        text = f"{self.source}: {verb} course {self.course.slug!r}: {listed(self.written)}"
        if self.removed != Counts():
            text += f"; removed {listed(self.removed)}"
        if self.archived_items:
            text += f"; archived {self.archived_items} answered items no longer in the file"
        return text + (" (dry run: nothing was saved)." if self.dry_run else ".")


def _fail(source: str, problems: list[Problem]) -> ImportFailed:
    return ImportFailed(capped(problems, source))


def _header_problems(source: str, document: object) -> list[Problem]:
    if not isinstance(document, dict):
        return [Problem(source, "$", "Expected a JSON object with format, version and course.")]
    if document.get("format") != FORMAT_NAME:
        found = document.get("format")
        return [
            Problem(
                source, "$.format", f"Must be {FORMAT_NAME!r} (found {found!r}): not a course file."
            )
        ]
    version = document.get("version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        return [
            Problem(
                source,
                "$.version",
                f"Unsupported version {version!r}; this server reads version {FORMAT_VERSION}.",
            )
        ]
    return []


def _replace_problems(
    source: str, data: dict[str, Any], course: Course | None, replace: bool, slug_path: str
) -> list[Problem]:
    """What only the database can tell: the slug is taken; an assessment to delete was taken."""
    if course is None:
        return []
    if not replace:
        return [
            Problem(
                source,
                slug_path,
                f"A course {course.slug!r} exists; import with replace to update it.",
            )
        ]
    keep = {row["slug"] for row in data["assessments"]}
    attempted = (
        assessment_model()
        ._default_manager.filter(course=course, attempts__isnull=False)
        .values_list("slug", flat=True)
        .distinct()
    )
    return [
        Problem(
            source,
            "$.course.assessments",
            f"Assessment {slug!r} is missing from the file but learners have attempted it; "
            "keep it in the file (deleting it would delete their attempts).",
        )
        for slug in sorted(set(attempted) - keep)
    ]


def _import_json(
    source: str,
    text: str,
    author: User | None,
    replace: bool,
    course_slug: str | None,
    dry_run: bool,
    publish: bool,
) -> ImportResult:
    document = parse_json(source, text)
    problems = _header_problems(source, document) or structural_problems(source, document)
    if problems:
        raise _fail(source, problems)
    course_data = document["course"]
    if course_slug is not None:
        if (message := slug_error(course_slug)) is not None:
            raise _fail(source, [Problem(source, "course_slug", message)])
        course_data = {**course_data, "slug": course_slug}
    problems = course_problems(source, course_data)
    if problems:
        raise _fail(source, problems)
    data = canonical_course(course_data)
    with transaction.atomic():
        course = Course.objects.select_for_update().filter(slug=data["slug"]).first()
        slug_path = "$.course.slug" if course_slug is None else "course_slug"
        problems = _replace_problems(source, data, course, replace, slug_path)
        if problems:
            raise _fail(source, problems)
        written = write_course(data=data, course=course, author=author, publish=publish)
        transaction.set_rollback(dry_run)
    return ImportResult(
        course=written.course,
        source=source,
        created=written.created,
        dry_run=dry_run,
        written=written.written,
        removed=written.removed,
        archived_items=written.archived_items,
    )


def _row_order(problem: Problem) -> int:
    match = re.match(r"row (\d+)", problem.path)
    return int(match.group(1)) if match else 0


def _import_csv(
    source: str, text: str, replace: bool, course_slug: str | None, dry_run: bool
) -> ImportResult:
    if not course_slug:
        raise _fail(source, [Problem(source, "course_slug", "Name the course the items go into.")])
    items, rows, problems = parse_items_csv(source, text)
    if not items and not problems:
        problems = [Problem(source, cell_path(2), "The file has a header row but no items.")]
    with transaction.atomic():
        course = Course.objects.select_for_update().filter(slug=course_slug).first()
        if course is None:
            raise _fail(source, [Problem(source, "course_slug", f"No course {course_slug!r}.")])
        skills = {skill.slug: skill for skill in course.skills.all()}
        existing = {item.slug: item for item in course.items.only("id", "slug")}

        def locate(index: int, field: str, position: int | None) -> str:
            return cell_path(rows[index], field.replace(".", "_"))

        problems += item_problems(items, skills, locate, source)
        if not replace:
            problems += [
                Problem(
                    source,
                    cell_path(row, "slug"),
                    f"Item {item['slug']!r} exists in {course_slug!r}; import with replace "
                    "to update it.",
                )
                for item, row in zip(items, rows, strict=True)
                if item["slug"] in existing
            ]
        if problems:
            raise _fail(source, sorted(problems, key=_row_order))
        last = max((item.position for item in course.items.only("position")), default=-1)
        written = write_items(
            course=course,
            rows=[canonical_item(item) for item in items],
            skills=skills,
            existing=existing if replace else {},
            remove_missing=replace,
            first_position=0 if replace else last + 1,
            now=timezone.now(),
            renderer=Renderer(),
        )
        course_touch(course=course)
        transaction.set_rollback(dry_run)
    return ImportResult(
        course=course,
        source=source,
        created=False,
        dry_run=dry_run,
        written=Counts(items=len(written.by_slug), choices=written.choices),
        removed=Counts(items=written.deleted),
        archived_items=written.archived,
    )


def course_import(
    *,
    source_name: str,
    content: bytes | str,
    author: User | None,
    replace: bool = False,
    course_slug: str | None = None,
    dry_run: bool = False,
    publish: bool = False,
) -> ImportResult:
    """Import a course file (JSON) or items (CSV, into ``course_slug``). All or nothing.

    ``replace`` upserts into an existing course by slug and removes what the file no longer
    has; for JSON, ``course_slug`` imports under another slug. ``dry_run`` checks and writes,
    then rolls back. A new course is a private draft unless ``publish``, which takes the
    course's status and visibility from the file (an existing course keeps its own without it).
    Raises ``ImportFailed`` listing every problem found.
    """
    try:
        text = decode_text(source_name, content)
        if source_name.lower().endswith(".csv"):
            return _import_csv(source_name, text, replace, course_slug, dry_run)
        return _import_json(source_name, text, author, replace, course_slug, dry_run, publish)
    except DecodeFailed as exc:
        raise ImportFailed([exc.problem]) from None
    except (DatabaseError, ProtectedError) as exc:
        # Validation should have caught it (or another import won a race for the slug); the
        # transaction is rolled back either way, so say so instead of answering with a 500.
        logger.exception("course import of %s refused by the database", source_name)
        raise ImportFailed(
            [
                Problem(
                    source_name, "$", f"The database refused the import ({exc}); nothing was saved."
                )
            ]
        ) from exc
