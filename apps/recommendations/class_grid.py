"""Every learner of a class classified against a course, cached per learner within one entry
per class and course.

Classifying a class of 200 x 30 costs about 100 ms (decoding the rows' memory cards, FSRS
recall, building the cells), so each learner's classified row is kept under a key made of
what it is computed from: the course and its content_version (skills, graph, policy: the
snapshot), and a fingerprint of the learner's mastery rows in the course, read in the same
query as the learners (how many, the latest ``updated_at``, the sums of P(known) and answers,
how many are stuck or placed). An answer changes that learner's fingerprint, so the next view
classifies that one learner again, not the class: a view right after an answer is never stale.

Recall decays with time alone, so a key also carries a time bucket: a learner's cells are
recomputed at least every ``RECALL_REFRESH_SECONDS`` (staggered by learner, so a class does
not expire at once). A skill's recall crosses the review threshold over days; ten minutes of
delay in showing "due for review" is not something a teacher can see. A caller that passes
``now`` (tests, a what-if) gets a fresh classification and the cache is left alone.
"""

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import CharField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from apps.accounts.models import Classroom, User
from apps.accounts.selectors import classroom_learners
from apps.curriculum.models import Course
from apps.recommendations.engine.course import CourseSnapshot
from apps.recommendations.mastery_states import (
    MasteryRow,
    SkillCell,
    classify_many,
    mastery_rows_of,
)
from apps.recommendations.models import SkillMastery

RECALL_REFRESH_SECONDS = 600
CACHE_SECONDS = 6 * 3600
_STAGGER = 97  # learners' buckets start at as many different offsets
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FINGERPRINT_SELECT = (
    "SELECT COUNT(*) || ':' || MAX(m.updated_at) || ':' || SUM(m.p_known) || ':' || "
    "SUM(m.attempts) || ':' || COUNT(*) FILTER (WHERE m.wheel_spinning) || ':' || "
    "COUNT(*) FILTER (WHERE m.seeded_by_placement)"
)


class LearnerCells(NamedTuple):
    """One learner's cells in course order, as plain tuples (cheap to cache and to load), and
    the row's totals, computed once with the cells."""

    states: tuple[str, ...]
    p_known: tuple[float, ...]
    attempts: tuple[int, ...]
    wheel_spinning: tuple[bool, ...]
    # Microseconds since the epoch: 6,000 aware datetimes took 5 ms to pickle, these nothing.
    practised_us: tuple[int | None, ...]
    mastered: int
    stuck: int
    attempts_unmastered: int  # answers spent on skills not mastered yet
    mean_p_known: float
    latest_practice: datetime | None

    def cells(self, skill_order: Sequence[int]) -> list[SkillCell]:
        return [
            SkillCell(skill_id, state, p, attempts, stuck, _moment(us))
            for skill_id, state, p, attempts, stuck, us in zip(
                skill_order,
                self.states,
                self.p_known,
                self.attempts,
                self.wheel_spinning,
                self.practised_us,
                strict=True,
            )
        ]


def _microseconds(moment: datetime | None) -> int | None:
    return None if moment is None else (moment - EPOCH) // timedelta(microseconds=1)


def _moment(microseconds: int | None) -> datetime | None:
    return None if microseconds is None else EPOCH + timedelta(microseconds=microseconds)


def learner_cells_of(cells: list[SkillCell]) -> LearnerCells:
    practised = [c.last_practised_at for c in cells if c.last_practised_at]
    return LearnerCells(
        states=tuple(c.state for c in cells),
        p_known=tuple(c.p_known for c in cells),
        attempts=tuple(c.attempts for c in cells),
        wheel_spinning=tuple(c.wheel_spinning for c in cells),
        practised_us=tuple(_microseconds(c.last_practised_at) for c in cells),
        mastered=sum(c.state == "mastered" for c in cells),
        stuck=sum(c.wheel_spinning for c in cells),
        attempts_unmastered=sum(c.attempts for c in cells if c.state != "mastered"),
        mean_p_known=sum(c.p_known for c in cells) / len(cells) if cells else 0.0,
        latest_practice=max(practised) if practised else None,
    )


def _learners_with_fingerprints(classroom: Classroom, course: Course) -> list[User]:
    """The class (by username), each learner annotated with ``fingerprint``: what their rows
    in the course add up to, as one string from a correlated subquery (the index on learner
    and course). No extra query: the page reads its learners anyway. Written as SQL because
    the same subquery built from ORM expressions (a Concat of Casts) took longer to compile
    than to run, and a GROUP BY over the users' columns five times as long to run."""
    mastery, user = SkillMastery._meta.db_table, User._meta.db_table
    # Safe (S608, S611): the table names are the models' own, the course id is a parameter.
    where = f'FROM "{mastery}" m WHERE m.learner_id = "{user}"."id" AND m.course_id = %s'
    fingerprint = RawSQL(  # noqa: S611  # nosec B611
        f"{FINGERPRINT_SELECT} {where}",
        (course.pk,),
        output_field=CharField(),
    )
    return list(classroom_learners(classroom=classroom).annotate(fingerprint=fingerprint))


def _key(course: Course, learner: User, now: datetime) -> str:
    offset = (learner.pk % _STAGGER) * RECALL_REFRESH_SECONDS / _STAGGER
    bucket = int((now.timestamp() + offset) // RECALL_REFRESH_SECONDS)
    fingerprint = f"{learner.fingerprint}:{bucket}"  # type: ignore[attr-defined]
    digest = hashlib.blake2b(fingerprint.encode(), digest_size=12).hexdigest()
    return f"{course.pk}:{course.content_version}:{learner.pk}:{digest}"


def _classify(
    snapshot: CourseSnapshot,
    course: Course,
    learner_ids: list[int],
    with_rows: list[int],
    now: datetime,
) -> dict[int, LearnerCells]:
    by_learner: dict[int, dict[int, MasteryRow]] = {pk: {} for pk in learner_ids}
    if with_rows:  # a learner without a row in the course (a newcomer) needs no query
        rows = SkillMastery.objects.filter(course=course, learner_id__in=with_rows)
        for row in mastery_rows_of(rows):
            by_learner[row.learner_id][row.skill_id] = row
    cells = classify_many(snapshot, [by_learner[pk] for pk in learner_ids], now)
    return {pk: learner_cells_of(line) for pk, line in zip(learner_ids, cells, strict=True)}


def class_cells(
    *, classroom: Classroom, course: Course, snapshot: CourseSnapshot, now: datetime | None
) -> list[tuple[User, LearnerCells]]:
    """Each learner of the class (by username) with their classified cells. Two queries at
    most: the learners with their fingerprints, then the rows of those whose cells are not
    cached.

    The cache holds one entry per class and course: every learner's key with their cells. A
    learner's cells are reused only under the same key (same fingerprint, same time bucket);
    so a repeat view loads one value, and after an answer only the learner who answered is
    classified again."""
    moment = now or timezone.now()
    learners = _learners_with_fingerprints(classroom, course)
    keys = [_key(course, learner, moment) for learner in learners]
    entry_key = f"class-cells:v1:{classroom.pk}:{course.pk}"
    cached: dict[str, LearnerCells] = {} if now else (cache.get(entry_key) or {})
    pairs = [(learner.pk, key) for learner, key in zip(learners, keys, strict=True)]
    missing = [(pk, key) for pk, key in pairs if key not in cached]
    if missing:
        ids = {pk for pk, _ in missing}
        with_rows = [lr.pk for lr in learners if lr.pk in ids and lr.fingerprint]  # type: ignore[attr-defined]
        computed = _classify(snapshot, course, [pk for pk, _ in missing], with_rows, moment)
        fresh = {key: computed[pk] for pk, key in missing}
        # Only the class's current keys are kept, so the entry does not grow with old ones.
        cached = {key: fresh[key] if key in fresh else cached[key] for key in keys}
        if not now:
            cache.set(entry_key, cached, timeout=CACHE_SECONDS)
    return [(learner, cached[key]) for learner, key in zip(learners, keys, strict=True)]
