"""One course's structure and response log as numpy arrays: the recalculation's input.

Everything is read in bulk (``values_list``; the log in one streamed query, or one query per
batch of learners), never row by row. Skills and items are coded 0..n-1 in id order, which is
the layout the engine works on.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from django.db import connection
from django.db.models import CharField, Count, Expression, F, Func, Max, Q, QuerySet
from django.db.models.functions import Cast

from apps.assessments.models import ItemResponse
from apps.curriculum.models import Choice, Item, ItemSkill, Skill
from apps.recommendations.engine.arrays import BoolArray, FloatArray, IntArray
from apps.recommendations.engine.bkt import BktParams, item_guess_floors
from apps.recommendations.engine.course import DEFAULT_BKT, PolicyValues
from apps.recommendations.engine.learner_model import LearnerModelParams
from apps.recommendations.engine.sequences import ResponseLog, log_from_item_responses
from apps.recommendations.models import SkillParameters
from apps.recommendations.recalculation.sql import datetimes_to_microseconds, read_chunks
from apps.recommendations.snapshot import active_learner_model, policy_values

# Learner ids per `IN (...)` list: far below SQLite's 32766 host parameters, and short
# transactions when writing.
LEARNER_BATCH = 500


@dataclass(frozen=True, eq=False, slots=True)
class CourseStructure:
    """Skills, items (every status: old answers to archived items still count), their tags,
    the parameters in force and the policy values the learner state depends on."""

    course_id: int
    skill_ids: IntArray  # skill code -> id, ascending
    skill_slugs: tuple[str, ...]
    item_ids: IntArray  # item code -> id, ascending
    skills_of_item: tuple[tuple[int, ...], ...]  # item code -> skill codes
    item_a: FloatArray
    item_b: FloatArray
    item_c: FloatArray
    params: tuple[BktParams, ...]  # skill code -> active parameters, DEFAULT_BKT until fitted
    fitted: BoolArray  # skill code -> has active fitted parameters
    policy: PolicyValues
    # The active next-answer predictor (``snapshot.active_learner_model``); None before a fit.
    learner_model: LearnerModelParams | None = None
    item_choices: IntArray | None = None  # item code -> number of choices (0: typed answer)

    @property
    def item_guess_floor(self) -> FloatArray:
        """item code -> chance of a right answer by guessing (``bkt.item_guess_floors``), as
        the answer path's ``ItemNode.guess_floor``."""
        choices = np.zeros(self.n_items) if self.item_choices is None else self.item_choices
        return item_guess_floors(self.item_c, choices)

    @property
    def n_skills(self) -> int:
        return len(self.skill_ids)

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    def item_codes(self, item_ids: IntArray) -> IntArray:
        codes: IntArray = np.searchsorted(self.item_ids, item_ids).astype(np.int64)
        return codes

    def with_params(self, params: Sequence[BktParams]) -> "CourseStructure":
        return replace(self, params=tuple(params))

    def with_items(self, a: FloatArray, b: FloatArray, c: FloatArray) -> "CourseStructure":
        return replace(self, item_a=a, item_b=b, item_c=c)

    def with_learner_model(self, params: LearnerModelParams | None) -> "CourseStructure":
        return replace(self, learner_model=params)


def course_structure_load(*, course_id: int) -> CourseStructure:
    """Six queries, whatever the size of the course."""
    skills = list(
        Skill.objects.filter(course_id=course_id).order_by("id").values_list("id", "slug")
    )
    items = list(
        Item.objects.filter(course_id=course_id)
        .order_by("id")
        .values_list("id", "irt_a", "irt_b", "irt_c")
    )
    tags = ItemSkill.objects.filter(item__course_id=course_id).values_list("item_id", "skill_id")
    active = {
        row.skill_id: BktParams(
            prior=row.prior, learn=row.learn, guess=row.guess, slip=row.slip, forget=row.forget
        )
        for row in SkillParameters.objects.filter(skill__course_id=course_id, is_active=True)
    }
    skill_ids = np.array([row[0] for row in skills], dtype=np.int64)
    item_ids = np.array([row[0] for row in items], dtype=np.int64)
    skill_code = {skill_id: code for code, skill_id in enumerate(skill_ids.tolist())}
    tagged: list[list[int]] = [[] for _ in items]
    item_code = {item_id: code for code, item_id in enumerate(item_ids.tolist())}
    for item_id, skill_id in tags:
        tagged[item_code[item_id]].append(skill_code[skill_id])
    return CourseStructure(
        course_id=course_id,
        skill_ids=skill_ids,
        skill_slugs=tuple(row[1] for row in skills),
        item_ids=item_ids,
        skills_of_item=tuple(tuple(sorted(codes)) for codes in tagged),
        item_a=np.array([row[1] for row in items], dtype=np.float64),
        item_b=np.array([row[2] for row in items], dtype=np.float64),
        item_c=np.array([row[3] for row in items], dtype=np.float64),
        params=tuple(active.get(int(skill_id), DEFAULT_BKT) for skill_id in skill_ids),
        fitted=np.array([int(skill_id) in active for skill_id in skill_ids], dtype=np.bool_),
        policy=policy_values(course_id),
        learner_model=active_learner_model(course_id),
        item_choices=_choice_counts(course_id, item_ids),
    )


def _choice_counts(course_id: int, item_ids: IntArray) -> IntArray:
    counts = dict(
        Choice.objects.filter(item__course_id=course_id)
        .values("item_id")
        .annotate(n=Count("id"))
        .values_list("item_id", "n")
    )
    return np.array([counts.get(int(i), 0) for i in item_ids], dtype=np.int64)


@dataclass(frozen=True, eq=False, slots=True)
class CourseResponses:
    """Responses to a course's items in time order (per learner at least)."""

    response_id: IntArray
    learner_id: IntArray
    item_code: IntArray
    correct: BoolArray
    created_us: IntArray  # microseconds since the epoch, UTC
    hint_used: BoolArray  # a hint was open: weaker evidence (``engine.evidence``)

    @property
    def size(self) -> int:
        return len(self.response_id)

    @property
    def max_id(self) -> int:
        return int(self.response_id.max()) if self.size else 0

    def subset(self, rows: BoolArray | IntArray) -> "CourseResponses":
        return CourseResponses(
            response_id=self.response_id[rows],
            learner_id=self.learner_id[rows],
            item_code=self.item_code[rows],
            correct=self.correct[rows],
            created_us=self.created_us[rows],
            hint_used=self.hint_used[rows],
        )

    def for_learners(self, learner_ids: IntArray) -> "CourseResponses":
        return self.subset(np.isin(self.learner_id, learner_ids))

    def learner_codes(self) -> tuple[IntArray, IntArray]:
        """(learner ids ascending, code of each row's learner)."""
        ids, codes = np.unique(self.learner_id, return_inverse=True)
        return ids.astype(np.int64), codes.astype(np.int64)

    def skill_log(self, structure: CourseStructure) -> tuple[ResponseLog, IntArray, IntArray]:
        """One row per (response, skill of its item), with each row's response index and the
        learner ids behind the log's learner codes."""
        learner_ids, learner_code = self.learner_codes()
        names = (tuple(str(i) for i in learner_ids), tuple(structure.skill_slugs))
        log = log_from_item_responses(
            learner=learner_code,
            item=self.item_code,
            correct=self.correct,
            skills_of_item=structure.skills_of_item,
            learner_names=names[0],
            skill_names=names[1],
        )
        return log, _response_rows(self.item_code, structure), learner_ids


def _response_rows(item_code: IntArray, structure: CourseStructure) -> IntArray:
    """Index of the response behind each row of `log_from_item_responses` (same expansion)."""
    tag_counts = np.array([len(tags) for tags in structure.skills_of_item], dtype=np.int64)
    return np.repeat(np.arange(len(item_code), dtype=np.int64), tag_counts[item_code])


def _empty_responses() -> CourseResponses:
    return CourseResponses(
        response_id=np.zeros(0, dtype=np.int64),
        learner_id=np.zeros(0, dtype=np.int64),
        item_code=np.zeros(0, dtype=np.int64),
        correct=np.zeros(0, dtype=np.bool_),
        created_us=np.zeros(0, dtype=np.int64),
        hint_used=np.zeros(0, dtype=np.bool_),
    )


def _utc_text(field: str) -> Expression | F:
    """The datetime as UTC text ("2026-10-29 13:28:21.157205"), which numpy parses a column at
    a time: Django's converters (SQLite) and its timezone-aware psycopg loader (PostgreSQL)
    parse row by row in Python, most of the time of reading a million rows."""
    if connection.vendor == "sqlite":
        return Cast(field, output_field=CharField())  # stored as UTC text already
    if connection.vendor == "postgresql":
        utc = Func(F(field), template="(%(expressions)s AT TIME ZONE 'UTC')")
        return Cast(utc, output_field=CharField())
    return F(field)


def _course_rows(structure: CourseStructure, max_id: int | None) -> "QuerySet[ItemResponse]":
    queryset = ItemResponse.objects.filter(item_id__in=structure.item_ids.tolist())
    return queryset if max_id is None else queryset.filter(id__lte=max_id)


def _read(
    structure: CourseStructure,
    learner_ids: Iterable[int] | None,
    max_id: int | None = None,
    learner_range: tuple[int, int] | None = None,
) -> CourseResponses:
    queryset = _course_rows(structure, max_id)
    if learner_ids is not None:
        queryset = queryset.filter(learner_id__in=list(learner_ids))
    if learner_range is not None:
        queryset = queryset.filter(
            learner_id__gte=learner_range[0], learner_id__lte=learner_range[1]
        )
    # Unordered: SQLite sorted a million-row log in a temporary B-tree in 1.5 s, numpy's
    # lexsort takes 0.1 s (time order, ties broken by id, as ItemResponse.Meta.ordering).
    rows = (
        queryset.order_by()
        .annotate(created=_utc_text("created_at"))
        .values_list("id", "learner_id", "item_id", "correct", "created", "hint_used")
    )
    parts = []
    for chunk in read_chunks(rows):
        ids, learners, items, correct, moments, hinted = zip(*chunk, strict=True)
        parts.append(
            CourseResponses(
                response_id=np.array(ids, dtype=np.int64),
                learner_id=np.array(learners, dtype=np.int64),
                item_code=structure.item_codes(np.array(items, dtype=np.int64)),
                correct=np.array(correct, dtype=np.bool_),
                created_us=datetimes_to_microseconds(moments),
                hint_used=np.array(hinted, dtype=np.bool_),
            )
        )
    log = _concatenate(parts)
    return log.subset(np.lexsort((log.response_id, log.created_us)))


def _concatenate(parts: list[CourseResponses]) -> CourseResponses:
    if not parts:
        return _empty_responses()
    if len(parts) == 1:
        return parts[0]
    return CourseResponses(
        response_id=np.concatenate([p.response_id for p in parts]),
        learner_id=np.concatenate([p.learner_id for p in parts]),
        item_code=np.concatenate([p.item_code for p in parts]),
        correct=np.concatenate([p.correct for p in parts]),
        created_us=np.concatenate([p.created_us for p in parts]),
        hint_used=np.concatenate([p.hint_used for p in parts]),
    )


def course_responses_load(
    *,
    structure: CourseStructure,
    learner_ids: Sequence[int] | None = None,
    max_id: int | None = None,
    learner_range: tuple[int, int] | None = None,
) -> CourseResponses:
    """The course's responses, oldest first per learner: of some learners only (`learner_ids`,
    or the ids within `learner_range`, both ends included), up to response `max_id`."""
    if structure.n_items == 0:
        return _empty_responses()
    if learner_ids is None:
        return _read(structure, None, max_id, learner_range)
    return _concatenate(
        [
            _read(structure, learner_ids[start : start + LEARNER_BATCH], max_id, learner_range)
            for start in range(0, len(learner_ids), LEARNER_BATCH)
        ]
    )


def course_log_max_id(*, structure: CourseStructure) -> int:
    """The newest response to the course's items (0 without any): the run reads up to it, so
    every chunk of learners sees the log as it was when the run began reading."""
    if structure.n_items == 0:
        return 0
    top = _course_rows(structure, None).aggregate(top=Max("id"))["top"]
    return int(top or 0)


def course_learner_ids(
    *,
    structure: CourseStructure,
    max_id: int,
    since: int = 0,
    or_item_codes: IntArray | None = None,
) -> IntArray:
    """Learners (ascending ids) with responses up to `max_id` that are newer than `since`, or
    that answered one of `or_item_codes`; one query, the distinct ids only."""
    if structure.n_items == 0:
        return np.zeros(0, dtype=np.int64)
    queryset = _course_rows(structure, max_id)
    condition = Q(id__gt=since)
    if or_item_codes is not None and len(or_item_codes):
        condition |= Q(item_id__in=structure.item_ids[or_item_codes].tolist())
    if since > 0 or or_item_codes is not None:
        queryset = queryset.filter(condition)
    ids = queryset.order_by().values_list("learner_id", flat=True).distinct()
    return np.sort(np.fromiter(ids.iterator(chunk_size=20_000), dtype=np.int64))


def course_items_answered_since(*, structure: CourseStructure, since: int, max_id: int) -> IntArray:
    """Codes (ascending) of the items answered after response `since`, up to `max_id`."""
    if structure.n_items == 0 or since >= max_id:
        return np.zeros(0, dtype=np.int64)
    rows = _course_rows(structure, max_id).filter(id__gt=since)
    items = np.fromiter(
        rows.order_by().values_list("item_id", flat=True).distinct(), dtype=np.int64
    )
    return np.sort(structure.item_codes(items))
