"""One INSERT ... ON CONFLICT DO NOTHING RETURNING the new row's key, for SQLite and PostgreSQL
alike: the ORM's ``bulk_create(ignore_conflicts=True)`` cannot say whether the row went in."""

from typing import Any

from django.db import connection, models


def concrete_field(model: type[models.Model], name: str) -> "models.Field[Any, Any]":
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a concrete field")
    return field


def column_of(field: "models.Field[Any, Any] | None") -> str:
    if field is None or field.column is None:
        raise TypeError("a field with a column was expected")
    return str(field.column)


def insert_unless_present(
    model: type[models.Model], values: dict[str, Any], *, unique: str
) -> int | None:
    """Insert one row of ``model`` from ``values`` (field names to Python values, prepared by
    each field as the ORM would); the new primary key, or None when a row with the same
    ``unique`` field exists already (nothing is written then)."""
    meta = model._meta
    fields = [concrete_field(model, name) for name in values]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column_of(field)) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    conflict = quote(column_of(concrete_field(model, unique)))
    # Only the model's own table and column names are formatted in, quoted; values are bound.
    key = quote(column_of(meta.pk))
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders}) "  # noqa: S608  # nosec B608
        f"ON CONFLICT ({conflict}) DO NOTHING RETURNING {key}"
    )
    params = [field.get_db_prep_save(values[field.name], connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else int(row[0])
