"""The answer path's two statements on the skill rows, in SQL prepared once per process: read
a learner's rows in a course, and upsert the rows an answer changed. Through the ORM these two
cost more Python (building and compiling the queries, per answer) than everything the engine
computes; the rows are the same ``SkillMastery`` instances, converted by each field and the
database backend exactly as the ORM would."""

from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import DateTimeField, Field, JSONField

from apps.core.insert import column_of, concrete_field
from apps.recommendations.models import SkillMastery

_META = SkillMastery._meta
# Written by an answer: all but the key and the identity of the row.
UPSERT_FIELDS = (
    "p_known",
    "attempts",
    "correct_count",
    "right_streak",
    "last_practised_at",
    "mastered_at",
    "memory_state",
    "review_due_at",
    "wheel_spinning",
    "attempts_since_mastery",
    "credited_by",
    "model_state",
    "updated_at",
)

# A new row needs these besides (the rest have defaults in the database).
INSERT_FIELDS = ("learner", "skill", "course", *UPSERT_FIELDS, "seeded_by_placement")


def _concrete() -> list["Field[Any, Any]"]:
    return list(_META.concrete_fields)


@cache
def _read_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column_of(field)) for field in _concrete())
    return (
        f"SELECT {columns} FROM {quote(_META.db_table)} "  # noqa: S608  # nosec B608
        "WHERE learner_id = %s AND course_id = %s"
    )


def mastery_rows_read(*, learner_id: int, course_id: int) -> dict[int, SkillMastery]:
    """The learner's skill rows in the course, by skill id."""
    fields = _concrete()
    converters = []  # only the columns that have any (JSON, times, booleans on SQLite)
    for index, field in enumerate(fields):
        col = field.get_col(_META.db_table)
        functions = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if functions:
            converters.append((index, functions, col))
    attnames = [field.attname for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(_read_sql(connection.vendor), [learner_id, course_id])
        raw = cursor.fetchall()
    rows = {}
    for values in raw:
        converted = list(values)
        for index, functions, col in converters:
            value = converted[index]
            if value is not None:
                for function in functions:
                    value = function(value, col, connection)
                converted[index] = value
        row = SkillMastery.from_db(connection.alias, attnames, converted)
        rows[row.skill_id] = row
    return rows


@cache
def _upsert_sql(vendor: str, n_rows: int) -> str:
    quote = connection.ops.quote_name
    fields = [concrete_field(SkillMastery, name) for name in INSERT_FIELDS]
    columns = ", ".join(quote(column_of(field)) for field in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    updates = ", ".join(
        f"{quote(column)} = excluded.{quote(column)}"
        for column in (column_of(concrete_field(SkillMastery, name)) for name in UPSERT_FIELDS)
    )
    return (
        f"INSERT INTO {quote(_META.db_table)} ({columns}) "  # noqa: S608  # nosec B608
        f"VALUES {', '.join([one] * n_rows)} "
        f"ON CONFLICT (learner_id, skill_id) DO UPDATE SET {updates}"
    )


def mastery_rows_upsert(rows: Sequence[SkillMastery]) -> None:
    """Insert the rows or update their answer-written fields, in one statement."""
    if not rows:
        return
    fields = [concrete_field(SkillMastery, name) for name in INSERT_FIELDS]
    # Numbers, booleans and keys go to the driver as they are; JSON and times need the field.
    prepared = [isinstance(field, JSONField | DateTimeField) for field in fields]
    params = []
    for row in rows:
        for field, prepare in zip(fields, prepared, strict=True):
            value = getattr(row, field.attname)
            params.append(field.get_db_prep_save(value, connection) if prepare else value)
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(connection.vendor, len(rows)), params)
