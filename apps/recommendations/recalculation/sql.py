"""Bulk reads and writes for the recalculation and the simulator, below the ORM's per-row cost.

Measured on the development machine: `bulk_create` spends about 130 us per row compiling SQL
(0.8 ms with `update_conflicts`), and `values_list` about 9 us per row converting values, while
the database itself needs a tenth of that. With a million responses that is the difference
between seconds and minutes. So these helpers:
- read through a chunked (server-side on PostgreSQL) cursor, the query still built by the ORM;
- write with each value prepared by its own field's `get_db_prep_save` (UUIDs, JSON and
  datetimes come out as each backend expects): `executemany` on SQLite, one statement per
  5000 rows with a column array each (`unnest`) on PostgreSQL, where `executemany` made a round
  trip per row (250 us a row). Upserts use the INSERT ... ON CONFLICT ... DO UPDATE syntax that
  SQLite (3.24+) and PostgreSQL share.
"""

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

from apps.recommendations.engine.arrays import IntArray

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
CHUNK_ROWS = 20_000
ROWS_PER_STATEMENT = 5000
# Values of these fields go to the driver as they are (ints, floats, bools).
_PLAIN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "FloatField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
}


def to_microseconds(moment: datetime) -> int:
    return (moment - EPOCH) // MICROSECOND


def from_microseconds(value: int | np.integer[Any]) -> datetime:
    return EPOCH + timedelta(microseconds=int(value))


def _connection() -> BaseDatabaseWrapper:
    # The wrapper itself: every attribute read through django.db.connection (a proxy over an
    # asgiref Local) costs microseconds, which adds up over a million values.
    return connections[DEFAULT_DB_ALIAS]


def read_chunks(queryset: models.QuerySet[Any]) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of a `values_list` queryset as the driver returns them, CHUNK_ROWS at a time."""
    sql, params = queryset.query.sql_with_params()
    with _connection().chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK_ROWS):
            yield rows


def datetimes_to_microseconds(values: Sequence[Any]) -> IntArray:
    """Datetimes as the driver returns them to microseconds since the epoch: UTC text (SQLite
    through a Cast), naive UTC datetimes (SQLite's converters) or aware ones (PostgreSQL)."""
    if not values:
        return np.zeros(0, dtype=np.int64)
    if isinstance(values[0], str):
        return np.array(values, dtype="datetime64[us]").astype(np.int64)
    epoch = EPOCH if values[0].tzinfo is not None else EPOCH.replace(tzinfo=None)
    moments: list[datetime] = list(values)
    return np.array([(moment - epoch) // MICROSECOND for moment in moments], dtype=np.int64)


def _preparers(model: type[models.Model], names: Sequence[str]) -> "list[models.Field[Any, Any]]":
    return [model._meta.get_field(name) for name in names]  # type: ignore[misc]


def _prepared(
    fields: "list[models.Field[Any, Any]]", rows: Iterable[Sequence[Any]]
) -> list[list[Any]]:
    connection = _connection()
    prepare = [_preparer(field, connection) for field in fields]
    return [
        [
            value if how is None or value is None else how(value)
            for how, value in zip(prepare, row, strict=True)
        ]
        for row in rows
    ]


def _preparer(field: "models.Field[Any, Any]", connection: BaseDatabaseWrapper) -> Any:
    """How to turn a value of `field` into what the driver takes (None: as it is)."""
    kind = field.get_internal_type()
    if kind in _PLAIN:
        return None
    if kind == "DateTimeField":
        # Values here are always aware datetimes, so get_prep_value (naive-datetime warnings,
        # dates to datetimes) has nothing to do; it was half the cost of a mastery row.
        return connection.ops.adapt_datetimefield_value
    return lambda value: field.get_db_prep_save(value, connection)


def _column(field: "models.Field[Any, Any]") -> str:
    assert field.column is not None  # concrete fields only
    return _connection().ops.quote_name(field.column)


def _insert_sql(model: type[models.Model], fields: "list[models.Field[Any, Any]]") -> str:
    # The only text formatted into this SQL (and the ON CONFLICT clause of upsert_rows) is
    # identifiers and types from the model's own metadata: the table and columns quoted by the
    # backend, the column types from the field definitions. Fields are looked up by name on the
    # model (_preparers), so a name that is not a field raises before any SQL is built, and the
    # names are literals in the recalculation and demo code. Every value is a %s parameter.
    table = _connection().ops.quote_name(model._meta.db_table)
    columns = ", ".join(_column(field) for field in fields)
    if _connection().vendor == "postgresql":
        # One array parameter per column: psycopg's client-side binding (Django's default)
        # parses every %s in Python, which took half the time of a 1000-row VALUES list.
        arrays = ", ".join(f"%s::{field.db_type(_connection())}[]" for field in fields)
        # Safe (bandit B608): model metadata identifiers only, values are parameters (above)
        return f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays})"  # noqa: S608  # nosec B608
    marks = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608  # nosec B608


def _write(sql: str, rows: list[list[Any]]) -> None:
    with _connection().cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            batch = rows[start : start + ROWS_PER_STATEMENT]
            if _connection().vendor == "postgresql":
                cursor.execute(sql, [list(column) for column in zip(*batch, strict=True)])
            else:
                cursor.executemany(sql, batch)  # SQLite: a C loop, no round trips


def insert_rows(
    model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert rows of values for the fields `names` (foreign keys by field name, given ids)."""
    fields = _preparers(model, names)
    prepared = _prepared(fields, rows)
    _write(_insert_sql(model, fields), prepared)
    return len(prepared)


def upsert_rows(
    model: type[models.Model],
    names: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    unique: Sequence[str],
    update: Sequence[str],
) -> int:
    """Insert rows, or update the `update` fields of the row with the same `unique` fields
    (which must be a unique constraint, and unique among `rows` too). Other columns of
    existing rows are left alone."""
    fields = _preparers(model, names)
    conflict = ", ".join(_column(field) for field in _preparers(model, unique))
    assignments = ", ".join(
        f"{_column(field)} = EXCLUDED.{_column(field)}" for field in _preparers(model, update)
    )
    # Safe (bandit B608): quoted column names of the model only, as in _insert_sql
    sql = f"{_insert_sql(model, fields)} ON CONFLICT ({conflict}) DO UPDATE SET {assignments}"  # nosec B608
    prepared = _prepared(fields, rows)
    _write(sql, prepared)
    return len(prepared)
