"""Building the course snapshot (``engine.course.CourseSnapshot``) from the database, and
caching it.

Built from about eight queries and cached under the course's ``content_version``: authoring
changes and refits bump the version, so a stale snapshot is never read. Two cache levels: a
small per-process dict (no I/O at all on the hot path), then Django's cache (Redis in
production, local memory in the embedded default) shared by processes.
"""

import logging
import threading
from collections import OrderedDict
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch

from apps.assessments.selectors import answer_key_for
from apps.curriculum.graph import topological_order
from apps.curriculum.models import Choice, Course, Item, Lesson, Skill, SkillPrerequisite, Status
from apps.recommendations.engine.bkt import BktParams
from apps.recommendations.engine.course import (
    DEFAULT_BKT,
    CourseSnapshot,
    ItemNode,
    LessonNode,
    PolicyValues,
    SkillNode,
)
from apps.recommendations.engine.learner_model import LearnerModelParams
from apps.recommendations.engine.learner_model_json import learner_model_from_json
from apps.recommendations.models import CoursePolicy, LearnerModelFit, SkillParameters

LOCAL_SNAPSHOTS = 16
logger = logging.getLogger(__name__)


def learner_item_view(item: Item) -> dict[str, Any]:
    return {
        "id": item.id,
        "slug": item.slug,
        "type": item.type,
        "stem_html": item.stem_html,
        "choices": [{"key": c.key, "text_html": c.text_html} for c in item.choices.all()],
        "hints_html": list(item.hints_html),
        "skills": [s.slug for s in item.skills.all()],
        # The phone keyboard to offer: digits only for a whole-number answer; a fraction needs
        # "/" and a space, which numeric keypads lack. (The web page's only; not in the API.)
        "whole_number": item.numeric_answer is not None
        and float(item.numeric_answer).is_integer()
        and not item.tolerance,
    }


def policy_values(course_id: int) -> PolicyValues:
    policy = CoursePolicy.objects.filter(course_id=course_id).first()
    return PolicyValues() if policy is None else policy_values_of(policy)


def policy_values_of(policy: CoursePolicy) -> PolicyValues:
    return PolicyValues(
        mastery_threshold=policy.mastery_threshold,
        min_correct_answers=policy.min_correct_answers,
        min_retrievability=policy.min_retrievability,
        desired_retention=policy.desired_retention,
        wheel_spinning_attempts=policy.wheel_spinning_attempts,
        max_in_a_row=policy.max_in_a_row,
        step_away_answers=policy.step_away_answers,
        target_success=policy.target_success,
        recent_items=policy.recent_items,
        placement_max_items=policy.placement_max_items,
        placement_target_se=policy.placement_target_se,
        daily_goal=policy.daily_goal,
        show_streak=policy.show_streak,
    )


def _params_by_skill(course_id: int) -> dict[int, BktParams]:
    rows = SkillParameters.objects.filter(skill__course_id=course_id, is_active=True)
    return {
        row.skill_id: BktParams(
            prior=row.prior, learn=row.learn, guess=row.guess, slip=row.slip, forget=row.forget
        )
        for row in rows
    }


def build_snapshot(course: Course) -> CourseSnapshot:
    skills = list(Skill.objects.filter(course=course).order_by("position", "id"))
    edges = list(
        SkillPrerequisite.objects.filter(skill__course=course).values_list(
            "skill_id", "prerequisite_id"
        )
    )
    items = list(
        Item.objects.filter(course=course, status=Status.PUBLISHED)
        .order_by("position", "id")
        .prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("position", "id")),
            Prefetch("skills", queryset=Skill.objects.only("id", "slug")),
        )
    )
    lessons = list(
        Lesson.objects.filter(course=course, status=Status.PUBLISHED)
        .order_by("position", "id")
        .prefetch_related(Prefetch("skills", queryset=Skill.objects.only("id")))
    )
    params = _params_by_skill(course.pk)
    requires: dict[int, list[int]] = {s.pk: [] for s in skills}
    dependents: dict[int, list[int]] = {s.pk: [] for s in skills}
    for skill_id, prerequisite_id in edges:
        requires[skill_id].append(prerequisite_id)
        dependents[prerequisite_id].append(skill_id)
    items_of: dict[int, list[int]] = {s.pk: [] for s in skills}
    item_nodes = {}
    for item in items:
        skill_ids = tuple(s.pk for s in item.skills.all())
        for skill_id in skill_ids:
            items_of[skill_id].append(item.pk)
        item_nodes[item.pk] = ItemNode(
            id=item.pk,
            slug=item.slug,
            type=item.type,
            skill_ids=skill_ids,
            a=item.irt_a,
            b=item.irt_b,
            c=item.irt_c,
            key=answer_key_for(item),
            explanation_html=item.explanation_html,
            learner_view=learner_item_view(item),
        )
    lessons_of: dict[int, list[int]] = {s.pk: [] for s in skills}
    for lesson in lessons:
        for skill in lesson.skills.all():
            lessons_of.setdefault(skill.pk, []).append(lesson.pk)
    skill_nodes = {
        s.pk: SkillNode(
            id=s.pk,
            slug=s.slug,
            name=s.name,
            position=s.position,
            prerequisite_ids=tuple(requires[s.pk]),
            params=params.get(s.pk, DEFAULT_BKT),
            lesson_ids=tuple(lessons_of.get(s.pk, [])),
            item_ids=tuple(items_of[s.pk]),
        )
        for s in skills
    }
    order = topological_order([s.pk for s in skills], edges)
    return CourseSnapshot(
        course_id=course.pk,
        slug=course.slug,
        title=course.title,
        version=course.content_version,
        policy=policy_values(course.pk),
        skills=skill_nodes,
        skill_order=tuple(order),
        items=item_nodes,
        lessons={lesson.pk: LessonNode(lesson.pk, lesson.slug, lesson.title) for lesson in lessons},
        dependents={k: tuple(v) for k, v in dependents.items()},
        learner_model=active_learner_model(course.pk),
    )


def active_learner_model(course_id: int) -> LearnerModelParams | None:
    """The course's fitted next-answer predictor; None before the first fit, or when the
    stored parameters cannot be read (then predictions fall back, see ``engine.success``)."""
    fit = LearnerModelFit.objects.filter(course_id=course_id, is_active=True).first()
    if fit is None:
        return None
    try:
        return learner_model_from_json(fit.params)
    except (KeyError, TypeError, ValueError):
        logger.warning("unreadable learner model", extra={"course_id": course_id, "fit": fit.pk})
        return None


_local: "OrderedDict[tuple[int, int], CourseSnapshot]" = OrderedDict()
_local_lock = threading.Lock()


def _cache_key(course_id: int, version: int) -> str:
    return f"course-snapshot:v4:{course_id}:{version}"


def _cached(key: tuple[int, int]) -> CourseSnapshot | None:
    with _local_lock:
        snapshot = _local.get(key)
        if snapshot is not None:
            _local.move_to_end(key)
            return snapshot
    snapshot = cache.get(_cache_key(*key))
    if snapshot is not None:
        _keep_local(key, snapshot)
    return snapshot


def _keep_local(key: tuple[int, int], snapshot: CourseSnapshot) -> None:
    with _local_lock:
        _local[key] = snapshot
        while len(_local) > LOCAL_SNAPSHOTS:
            _local.popitem(last=False)


def course_snapshot(course: Course) -> CourseSnapshot:
    """The snapshot for ``course`` at its current ``content_version``."""
    key = (course.pk, course.content_version)
    snapshot = _cached(key)
    if snapshot is None:
        snapshot = build_snapshot(course)
        cache.set(_cache_key(*key), snapshot, timeout=settings.COURSE_SNAPSHOT_CACHE_SECONDS)
        _keep_local(key, snapshot)
    return snapshot


def course_snapshot_at(course_id: int, content_version: int) -> CourseSnapshot:
    """The snapshot of a course whose current version the caller read already (the answer
    path reads it with its lock): no query unless it has to be built."""
    snapshot = _cached((course_id, content_version))
    if snapshot is not None:
        return snapshot
    return course_snapshot(Course.objects.get(pk=course_id))


def clear_local_snapshots() -> None:
    with _local_lock:
        _local.clear()
