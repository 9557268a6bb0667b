"""The per-(learner, course) lock that serialises one learner's writes in one course: the
learner's state row (``LearnerAbility``), taken with the row lock of an upsert or a
SELECT ... FOR UPDATE. On SQLite, ``transaction_mode = IMMEDIATE`` takes the database's write
lock at BEGIN, which serialises every writer anyway."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.db import IntegrityError, connection, transaction

from apps.accounts.models import User
from apps.core.insert import column_of, concrete_field
from apps.curriculum.models import Course, Item
from apps.curriculum.selectors import course_list_for
from apps.recommendations.models import LearnerAbility
from apps.recommendations.state_row import decoded

# A new state row: no answers and no lessons read in the course yet (reading a lesson creates
# the row, so a learner without one has read none).
NEW_ROW: dict[str, Any] = {"recent": [], "lessons_read": {}}


def lock_ability(learner: User, course_id: int) -> LearnerAbility:
    """Take the per-(learner, course) lock; create the row on the learner's first write."""
    ability = (
        LearnerAbility.objects.select_for_update()
        .filter(learner=learner, course_id=course_id)
        .first()
    )
    if ability is not None:
        return ability
    try:
        with transaction.atomic():
            return LearnerAbility.objects.create(learner=learner, course_id=course_id, **NEW_ROW)
    except IntegrityError:  # a concurrent first write created it: wait for its lock
        return LearnerAbility.objects.select_for_update().get(learner=learner, course_id=course_id)


MAX_ID = 2**63 - 1  # a bigint key
_SENTINEL_ID = -7_301_946_285  # no real user's id: marks where the user's id goes
_visible_sql: dict[tuple[str, bool], tuple[str, tuple[Any, ...]]] = {}


def _visible_courses_sql(user: User) -> tuple[str, list[Any]]:
    """``course_list_for``'s SQL for ``user``, compiled once per role (compiling it cost more
    than running it): compiled for a stand-in user, whose id is then swapped for the real one."""
    key = (user.role, user.is_superuser)
    compiled = _visible_sql.get(key)
    if compiled is None:
        stand_in = User(pk=_SENTINEL_ID, role=user.role, is_superuser=user.is_superuser)
        sql, params = course_list_for(user=stand_in).values("pk").query.sql_with_params()
        compiled = _visible_sql[key] = (sql, tuple(params))
    sql, params = compiled
    return sql, [user.pk if param == _SENTINEL_ID else param for param in params]


@dataclass(slots=True)
class AnswerLock:
    """The learner's state row in the item's course, locked; read with the course's current
    content version by the same statement."""

    state_id: int
    course_id: int
    content_version: int
    theta: float
    standard_error: float
    n_responses: int
    recent: Any  # the JSON columns, decoded (state_row's shapes; None: not tracked yet)
    lessons_read: Any


def lock_for_answer(*, learner: User, item_id: int, now: datetime) -> AnswerLock | None:
    """One statement for the start of an answer: find the item's course among those the
    learner may see (``course_list_for``, the one home of that rule), create the learner's
    state row there or lock the existing one, and return it with the course's content
    version. None when there is no such item the learner can answer."""
    if not 0 < item_id <= MAX_ID:
        return None  # no such row, and the driver could not even bind it
    visible_sql, visible_params = _visible_courses_sql(learner)
    quote = connection.ops.quote_name
    state, item, course = LearnerAbility._meta.db_table, Item._meta.db_table, Course._meta.db_table
    # Only table names and the ORM's compiled visibility query are formatted in; values bound.
    sql = (
        f"INSERT INTO {quote(state)} (learner_id, course_id, theta, standard_error, "  # noqa: S608
        "n_responses, recent, lessons_read, content_version, updated_at) "
        f"SELECT %s, c.id, 0.0, 1.0, 0, '[]', '{{}}', c.content_version, %s "
        f"FROM {quote(item)} i INNER JOIN {quote(course)} c ON c.id = i.course_id "
        f"WHERE i.id = %s AND c.id IN ({visible_sql}) "  # nosec B608
        "ON CONFLICT (learner_id, course_id) DO UPDATE SET "
        "content_version = excluded.content_version, updated_at = excluded.updated_at "
        "RETURNING id, course_id, content_version, theta, standard_error, n_responses, recent, "
        "lessons_read"
    )
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(sql, [learner.pk, at, item_id, *visible_params])
        row = cursor.fetchone()
    if row is None:
        return None
    state_id, course_id, version, theta, standard_error, n_responses, recent, lessons = row
    return AnswerLock(
        state_id=state_id,
        course_id=course_id,
        content_version=version,
        theta=theta,
        standard_error=standard_error,
        n_responses=n_responses,
        recent=decoded(recent),
        lessons_read=decoded(lessons),
    )


_STATE_UPDATE = (
    "theta",
    "standard_error",
    "n_responses",
    "recent",
    "lessons_read",
    "updated_at",
)


@cache
def _state_update_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    fields = [concrete_field(LearnerAbility, name) for name in _STATE_UPDATE]
    assignments = ", ".join(f"{quote(column_of(field))} = %s" for field in fields)
    table = quote(LearnerAbility._meta.db_table)
    return f"UPDATE {table} SET {assignments} WHERE id = %s"  # noqa: S608  # nosec B608


def state_row_update(state_id: int, **values: Any) -> None:
    """The answer's last statement: the state row's new ability, counts and recent answers
    (SQL prepared once per process; each value prepared by its field as the ORM would)."""
    fields = [concrete_field(LearnerAbility, name) for name in _STATE_UPDATE]
    params = [field.get_db_prep_save(values[field.name], connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(_state_update_sql(connection.vendor), [*params, state_id])
