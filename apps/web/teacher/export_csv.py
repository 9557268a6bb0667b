"""Class mastery as CSV: one row per learner and skill, for spreadsheets and school systems."""

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime

from django.utils import timezone
from django.utils.text import slugify

from apps.accounts.models import Classroom
from apps.curriculum.models import Course
from apps.recommendations.class_mastery import class_mastery_rows
from apps.recommendations.snapshot import course_snapshot

HEADER = (
    "learner",
    "learner_name",
    "course",
    "skill",
    "skill_name",
    "p_known",
    "state",
    "attempts",
    "last_practised",
)
# A cell starting with one of these is a formula to Excel and LibreOffice; names are typed by
# users, so neutralise them (OWASP "CSV injection") with a leading apostrophe.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _iso(moment: datetime | None) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def class_mastery_csv_rows(
    *, classroom: Classroom, courses: Iterable[Course], now: datetime | None = None
) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [HEADER]
    for course in courses:
        snapshot = course_snapshot(course)
        skills = {
            skill_id: (skill.slug, _safe(skill.name)) for skill_id, skill in snapshot.skills.items()
        }
        for learner, cells in class_mastery_rows(classroom=classroom, course=course, now=now):
            who = (_safe(learner.username), _safe(learner.shown_name), course.slug)
            rows.extend(
                (
                    *who,
                    *skills[cell.skill_id],
                    f"{cell.p_known:.4f}",
                    cell.state,
                    str(cell.attempts),
                    _iso(cell.last_practised_at),
                )
                for cell in cells
            )
    return rows


def to_csv(rows: Iterable[Iterable[str]]) -> str:
    """RFC 4180 style: CRLF line ends, fields with commas, quotes or newlines quoted."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def export_filename(classroom: Classroom, course: Course | None, today: date) -> str:
    parts = [slugify(classroom.name) or f"class-{classroom.pk}"]
    if course is not None:
        parts.append(course.slug)
    parts.append(f"mastery-{today:%Y-%m-%d}")
    return "-".join(parts) + ".csv"
