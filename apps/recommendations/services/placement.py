"""Adaptive placement test on the engine's CAT: start, next item, finish.

Items are chosen by maximum information at the current ability estimate (randomesque among the
top few, balanced across skills) and never repeated; the test stops when the standard error is
below the course's target or at its maximum length. Its result seeds each skill's starting
mastery: skills the learner very probably knows (and everything they build on) start mastered.
"""

import math
from datetime import datetime
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.assessments.models import Assessment, AssessmentKind, Attempt, AttemptStatus, Response
from apps.assessments.services import attempt_resume_or_start
from apps.curriculum.models import Course
from apps.recommendations import metrics
from apps.recommendations.engine.ability import estimate_eap
from apps.recommendations.engine.cat import select_next_item
from apps.recommendations.engine.irt import ItemBank
from apps.recommendations.models import SkillMastery
from apps.recommendations.services.locks import lock_ability
from apps.recommendations.snapshot import CourseSnapshot, course_snapshot

RANDOMESQUE_K = 3
# Spread of item difficulty within a skill, added to the ability's uncertainty when asking how
# likely the learner is to know a skill whose items average difficulty b.
WITHIN_SKILL_SD = 0.5


def placement_assessment(course: Course) -> Assessment:
    assessment, _ = Assessment.objects.get_or_create(
        course=course,
        slug="placement",
        defaults={"title": f"{course.title}: placement test", "kind": AssessmentKind.DIAGNOSTIC},
    )
    return assessment


def _bank(snapshot: CourseSnapshot) -> tuple[list[int], ItemBank]:
    item_ids = list(snapshot.items)
    skill_codes = {skill_id: code for code, skill_id in enumerate(snapshot.skill_order)}
    return item_ids, ItemBank.from_arrays(
        a=[snapshot.items[i].a for i in item_ids],
        b=[snapshot.items[i].b for i in item_ids],
        c=[snapshot.items[i].c for i in item_ids],
        skill=[skill_codes[snapshot.items[i].skill_ids[0]] for i in item_ids],
    )


def _answered(attempt: Attempt) -> list[tuple[int, bool]]:
    return list(
        Response.objects.filter(attempt=attempt)
        .order_by("created_at", "id")
        .values_list("item_id", "correct")
    )


def _estimate(
    bank: ItemBank, item_ids: list[int], answered: list[tuple[int, bool]]
) -> tuple[float, float]:
    if not answered:
        return 0.0, 1.0
    index = {item_id: i for i, item_id in enumerate(item_ids)}
    vector = np.full(bank.size, np.nan)
    for item_id, correct in answered:
        if item_id in index:
            vector[index[item_id]] = 1.0 if correct else 0.0
    estimate = estimate_eap(vector, bank)
    return float(estimate.theta), float(estimate.standard_error)


def placement_next_payload(
    *, learner: User, attempt: Attempt, snapshot: CourseSnapshot | None = None
) -> dict[str, Any]:
    """The next placement item, or the finished result once a stop rule holds."""
    snapshot = snapshot or course_snapshot(attempt.assessment.course)
    item_ids, bank = _bank(snapshot)
    answered = _answered(attempt)
    theta, se = _estimate(bank, item_ids, answered)
    policy = snapshot.policy
    done_reason = None
    if len(answered) >= policy.placement_max_items:
        done_reason = "max_length"
    elif answered and se < policy.placement_target_se:
        done_reason = "se_threshold"
    chosen = None
    if done_reason is None:
        seen = {item_id for item_id, _ in answered}
        administered = [i for i, item_id in enumerate(item_ids) if item_id in seen]
        targets = [1 / len(snapshot.skill_order)] * len(snapshot.skill_order)
        chosen = select_next_item(
            items=bank,
            theta=theta,
            administered=administered,
            randomesque_k=RANDOMESQUE_K,
            skill_targets=targets,
        )
        if chosen is None:
            done_reason = "bank_exhausted"
    progress = {
        "answered": len(answered),
        "max_items": policy.placement_max_items,
        "theta": round(theta, 4),
        "standard_error": round(se, 4),
    }
    if done_reason is not None:
        result = placement_finish(
            learner=learner, attempt=attempt, snapshot=snapshot, reason=done_reason
        )
        return {
            "kind": "placement_finished",
            "attempt": attempt.pk,
            "progress": progress,
            "result": result,
            "reason": "Placement finished: your starting point is set.",
            "item": None,
        }
    assert chosen is not None
    return {
        "kind": "placement",
        "attempt": attempt.pk,
        "progress": progress,
        "item": snapshot.items[item_ids[chosen]].learner_view,
        "reason": "Placement test: answer as well as you can; it adapts to you.",
    }


@transaction.atomic
def placement_start(*, learner: User, course: Course) -> tuple[Attempt, dict[str, Any]]:
    assessment = placement_assessment(course)
    lock_ability(learner, course.pk)
    attempt, created = attempt_resume_or_start(learner=learner, assessment=assessment)
    if created:
        metrics.session_started()
    return attempt, placement_next_payload(learner=learner, attempt=attempt)


def _seed_probability(theta: float, se: float, mean_b: float) -> float:
    z = (theta - mean_b) / math.sqrt(se**2 + WITHIN_SKILL_SD**2)
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def placement_finish(
    *,
    learner: User,
    attempt: Attempt,
    snapshot: CourseSnapshot | None = None,
    reason: str = "finished",
    now: datetime | None = None,
) -> dict[str, Any]:
    """Close the attempt and seed starting mastery from the ability it measured."""
    now = now or timezone.now()
    snapshot = snapshot or course_snapshot(attempt.assessment.course)
    item_ids, bank = _bank(snapshot)
    answered = _answered(attempt)
    theta, se = _estimate(bank, item_ids, answered)
    threshold = snapshot.policy.mastery_threshold
    known: set[int] = set()
    seeded: dict[int, float] = {}
    for skill_id in reversed(snapshot.skill_order):  # dependents first, so closure flows down
        skill = snapshot.skills[skill_id]
        if not skill.item_ids:
            continue
        mean_b = sum(snapshot.items[i].b for i in skill.item_ids) / len(skill.item_ids)
        p = _seed_probability(theta, se, mean_b)
        if p >= threshold or skill_id in known:
            known.add(skill_id)
            known.update(skill.prerequisite_ids)  # knowing a skill implies what it builds on
            p = max(p, threshold)
        seeded[skill_id] = p
    rows = {
        row.skill_id: row
        for row in SkillMastery.objects.filter(learner=learner, course_id=snapshot.course_id)
    }
    for skill_id, p in seeded.items():
        row = rows.get(skill_id) or SkillMastery(
            learner=learner,
            skill_id=skill_id,
            course_id=snapshot.course_id,
            p_known=snapshot.skills[skill_id].params.prior,
        )
        if p > row.p_known:  # placement only ever raises the starting point
            row.p_known, row.seeded_by_placement = p, True
            if p >= threshold and row.mastered_at is None:
                row.mastered_at = now
            row.wheel_spinning = False
            rows[skill_id] = row
    SkillMastery.objects.bulk_create(
        list(rows.values()),
        update_conflicts=True,
        unique_fields=["learner", "skill"],
        update_fields=["p_known", "seeded_by_placement", "mastered_at", "wheel_spinning"],
    )
    correct = sum(1 for _, ok in answered if ok)
    result = {
        "theta": round(theta, 4),
        "standard_error": round(se, 4),
        "answered": len(answered),
        "correct": correct,
        "stop_reason": reason,
        "mastered_skills": [snapshot.skills[i].slug for i in snapshot.skill_order if i in known],
    }
    Attempt.objects.filter(pk=attempt.pk).update(
        status=AttemptStatus.FINISHED,
        finished_at=now,
        result=result,
        score=correct / len(answered) if answered else None,
    )
    attempt.status = AttemptStatus.FINISHED
    metrics.assessment_completed(kind=AssessmentKind.DIAGNOSTIC)
    return result
