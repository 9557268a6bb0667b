"""The hot path: one answer in, feedback and the next activity out, in one transaction.

Grade, store the Response, update the BKT posterior of each tagged skill, the FSRS memory card
and the ability, then choose what comes next. The learner's ability row is locked first, so two
answers from the same learner in the same course queue up instead of losing an update, and a
retried submit (same client id) finds the first one's receipt under that lock and returns it.
The query count is bounded and independent of the course's size (the course comes from the
cached snapshot).
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from apps.accounts.models import User
from apps.assessments.grading import AnswerInvalid, grade
from apps.assessments.models import Attempt, AttemptStatus, Response
from apps.core.exceptions import ApplicationError
from apps.curriculum.models import Item
from apps.curriculum.selectors import course_visible_to
from apps.recommendations import metrics
from apps.recommendations.engine.ability import estimate_eap
from apps.recommendations.engine.bkt import BktPosterior, bkt_update_posterior
from apps.recommendations.engine.irt import ItemBank
from apps.recommendations.engine.memory import rating_from_response, review
from apps.recommendations.learner_state import learner_view
from apps.recommendations.models import (
    AnswerReceipt,
    LearnerAbility,
    MasteryChange,
    RecommendationLog,
    SkillMastery,
)
from apps.recommendations.payloads import recommendation_payload
from apps.recommendations.policy import next_activity
from apps.recommendations.scheduling import scheduler_for
from apps.recommendations.services.locks import lock_ability
from apps.recommendations.services.quiz import quiz_next_payload
from apps.recommendations.snapshot import CourseSnapshot, ItemNode, course_snapshot

MASTERY_FIELDS = [
    "p_known",
    "attempts",
    "correct_count",
    "last_practised_at",
    "mastered_at",
    "memory_state",
    "review_due_at",
    "wheel_spinning",
    "attempts_since_mastery",
    "updated_at",
]


@dataclass(frozen=True)
class AnswerOutcome:
    payload: dict[str, Any]
    created: bool  # False when a retry got the stored result of the first submit


def _item_for(learner: User, item_id: int) -> Item:
    item = Item.objects.select_related("course").filter(pk=item_id).first()
    if item is None or not course_visible_to(user=learner, course=item.course):
        raise ApplicationError(
            "No such item.",
            fields={"item": [f"No item {item_id} you can answer."]},
            code="not_found",
            status_code=404,
        )
    return item


def _attempt_for(learner: User, attempt_id: int | None, course_id: int) -> Attempt | None:
    if attempt_id is None:
        return None
    attempt = (
        Attempt.objects.select_for_update()
        .select_related("assessment")
        .filter(pk=attempt_id, learner=learner)
        .first()
    )
    if attempt is None or attempt.assessment.course_id != course_id:
        raise ApplicationError(
            "Unknown attempt.", fields={"attempt": ["No such attempt of yours in this course."]}
        )
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise ApplicationError(
            "Attempt finished.", fields={"attempt": ["This attempt is already finished."]}
        )
    return attempt


def _update_skills(
    *,
    learner: User,
    snapshot: CourseSnapshot,
    node: ItemNode,
    rows: dict[int, SkillMastery],
    correct: bool,
    seconds: float | None,
    now: datetime,
) -> list[tuple[SkillMastery, float]]:
    """New state of each skill the item is tagged with; returns (row, p_before) pairs."""
    policy = snapshot.policy
    scheduler = scheduler_for(policy.desired_retention)
    rating = rating_from_response(correct=correct, response_seconds=seconds)
    changed = []
    for skill_id in node.skill_ids:
        skill = snapshot.skills[skill_id]
        row = rows.get(skill_id) or SkillMastery(
            learner=learner,
            skill_id=skill_id,
            course_id=snapshot.course_id,
            p_known=skill.params.prior,
        )
        before = row.p_known
        posterior = bkt_update_posterior(skill.params, BktPosterior(before, row.attempts), correct)
        memory = review(row.memory_state, rating=rating, reviewed_at=now, scheduler=scheduler)
        row.p_known = posterior.p_known
        row.attempts += 1
        row.correct_count += int(correct)
        row.last_practised_at = now
        row.memory_state, row.review_due_at = memory.card_state, memory.due
        if row.p_known >= policy.mastery_threshold and row.mastered_at is None:
            row.mastered_at = now
        if row.mastered_at is None:
            row.attempts_since_mastery = row.attempts
        row.wheel_spinning = (
            row.mastered_at is None and row.attempts >= policy.wheel_spinning_attempts
        )
        row.updated_at = now
        rows[skill_id] = row
        changed.append((row, before))
    return changed


def _update_ability(ability: LearnerAbility, node: ItemNode, correct: bool) -> None:
    """Sequential EAP: the stored estimate is the prior for this one new response. The nightly
    recalculation recomputes the exact EAP from every response."""
    bank = ItemBank.from_arrays(a=[node.a], b=[node.b], c=[node.c])
    estimate = estimate_eap(
        [1.0 if correct else 0.0],
        bank,
        prior_mean=ability.theta,
        prior_sd=max(ability.standard_error, 0.05),
    )
    ability.theta, ability.standard_error = estimate.theta, estimate.standard_error
    ability.n_responses += 1
    ability.save(update_fields=["theta", "standard_error", "n_responses", "updated_at"])


def _mastery_payload(
    snapshot: CourseSnapshot, changed: list[tuple[SkillMastery, float]]
) -> list[dict[str, Any]]:
    threshold = snapshot.policy.mastery_threshold
    return [
        {
            "skill": snapshot.skills[row.skill_id].slug,
            "name": snapshot.skills[row.skill_id].name,
            "before": round(before, 4),
            "after": round(row.p_known, 4),
            "threshold": threshold,
            "mastered": row.p_known >= threshold,
            "mastered_now": before < threshold <= row.p_known,
            "attempts": row.attempts,
        }
        for row, before in changed
    ]


def answer_submit(
    *,
    learner: User,
    item_id: int,
    answer: object,
    client_id: uuid.UUID,
    time_taken_ms: int | None = None,
    attempt_id: int | None = None,
    now: datetime | None = None,
) -> AnswerOutcome:
    now = now or timezone.now()
    item = _item_for(learner, item_id)
    try:
        with transaction.atomic():
            outcome = _submit_locked(
                learner, item, answer, client_id, time_taken_ms, attempt_id, now
            )
    except IntegrityError:
        # The client id is stored already: by a request we could not see under our lock
        # (another course), or long ago, its receipt since pruned.
        return AnswerOutcome(_stored_result(learner, client_id, now), created=False)
    if outcome.created:
        metrics.answer_recorded(correct=outcome.payload["correct"])
    return outcome


def _stored_result(learner: User, client_id: uuid.UUID, now: datetime) -> dict[str, Any]:
    receipt = AnswerReceipt.objects.filter(client_id=client_id, learner=learner).first()
    if receipt is not None:
        return receipt.payload
    response = Response.objects.select_related("item__course").filter(client_id=client_id).first()
    if response is None or response.learner_id != learner.pk:
        raise ApplicationError(
            "That client_id is already in use.",
            code="conflict",
            status_code=409,
            fields={"client_id": ["Already used for another answer."]},
        )
    return _rebuilt_payload(learner, response, now)


def _rebuilt_payload(learner: User, response: Response, now: datetime) -> dict[str, Any]:
    """The feedback of an answer whose receipt was pruned, rebuilt from the log (the same
    fields; 'next' is what comes next now)."""
    snapshot = course_snapshot(response.item.course)
    changes = MasteryChange.objects.filter(response=response).select_related("skill")
    threshold = snapshot.policy.mastery_threshold
    ability = LearnerAbility.objects.filter(learner=learner, course=response.item.course).first()
    view = learner_view(learner=learner, snapshot=snapshot, now=now)
    return {
        "response_id": response.pk,
        "client_id": str(response.client_id),
        "item": response.item.slug,
        "correct": response.correct,
        "score": response.score,
        "answer": response.answer,
        "explanation_html": response.item.explanation_html,
        "mastery": [
            {
                "skill": change.skill.slug,
                "name": change.skill.name,
                "before": round(change.p_before, 4),
                "after": round(change.p_after, 4),
                "threshold": threshold,
                "mastered": change.p_after >= threshold,
                "mastered_now": change.p_before < threshold <= change.p_after,
                "attempts": 0,
            }
            for change in changes
        ],
        "ability": {
            "theta": round(ability.theta, 4) if ability else 0.0,
            "standard_error": round(ability.standard_error, 4) if ability else 1.0,
        },
        "next": recommendation_payload(snapshot, next_activity(snapshot, view)),
        "answered_at": response.created_at.isoformat(),
    }


def _submit_locked(
    learner: User,
    item: Item,
    answer: object,
    client_id: uuid.UUID,
    time_taken_ms: int | None,
    attempt_id: int | None,
    now: datetime,
) -> AnswerOutcome:
    ability = lock_ability(learner, item.course_id)
    receipt = AnswerReceipt.objects.filter(client_id=client_id).first()
    if receipt is not None:
        if receipt.learner_id != learner.pk:
            raise ApplicationError(
                "That client_id is already in use.",
                code="conflict",
                status_code=409,
                fields={"client_id": ["Already used for another answer."]},
            )
        return AnswerOutcome(receipt.payload, created=False)
    snapshot = course_snapshot(item.course)
    node = snapshot.items.get(item.pk)
    if node is None:
        raise ApplicationError(
            "This item is not published.", fields={"item": ["Not open for answers."]}
        )
    try:
        graded = grade(node.key, answer)
    except AnswerInvalid as error:
        raise ApplicationError(str(error), fields={"answer": [str(error)]}) from error
    attempt = _attempt_for(learner, attempt_id, item.course_id)
    rows = {
        row.skill_id: row
        for row in SkillMastery.objects.filter(learner=learner, course_id=item.course_id)
    }
    response = Response.objects.create(
        client_id=client_id,
        learner=learner,
        item=item,
        attempt=attempt,
        answer=graded.answer,
        correct=graded.correct,
        score=graded.score,
        time_taken_ms=time_taken_ms,
        created_at=now,
    )
    seconds = time_taken_ms / 1000 if time_taken_ms else None
    changed = _update_skills(
        learner=learner,
        snapshot=snapshot,
        node=node,
        rows=rows,
        correct=graded.correct,
        seconds=seconds,
        now=now,
    )
    SkillMastery.objects.bulk_create(
        [row for row, _ in changed],
        update_conflicts=True,
        unique_fields=["learner", "skill"],
        update_fields=MASTERY_FIELDS,
    )
    MasteryChange.objects.bulk_create(
        MasteryChange(
            response=response,
            learner=learner,
            skill_id=row.skill_id,
            p_before=before,
            p_after=row.p_known,
            created_at=now,
        )
        for row, before in changed
    )
    _update_ability(ability, node, graded.correct)
    if attempt is not None:
        Attempt.objects.filter(pk=attempt.pk).update(
            n_answered=F("n_answered") + 1, n_correct=F("n_correct") + int(graded.correct)
        )
    payload = {
        "response_id": response.pk,
        "client_id": str(client_id),
        "item": node.slug,
        "correct": graded.correct,
        "score": graded.score,
        "answer": graded.answer,
        "explanation_html": node.explanation_html,
        "mastery": _mastery_payload(snapshot, changed),
        "ability": {
            "theta": round(ability.theta, 4),
            "standard_error": round(ability.standard_error, 4),
        },
        "next": _next_payload(learner, snapshot, rows, ability.theta, attempt, now),
        "answered_at": now.isoformat(),
    }
    AnswerReceipt.objects.create(
        client_id=client_id, learner=learner, response=response, payload=payload, created_at=now
    )
    return AnswerOutcome(payload, created=True)


def _next_payload(
    learner: User,
    snapshot: CourseSnapshot,
    rows: dict[int, SkillMastery],
    theta: float,
    attempt: Attempt | None,
    now: datetime,
) -> dict[str, Any]:
    if attempt is not None and attempt.assessment.kind == "diagnostic":
        from apps.recommendations.services.placement import placement_next_payload

        return placement_next_payload(learner=learner, attempt=attempt, snapshot=snapshot)
    if attempt is not None and attempt.assessment.kind == "quiz":
        return quiz_next_payload(attempt=attempt, snapshot=snapshot)
    view = learner_view(learner=learner, snapshot=snapshot, now=now, rows=rows, theta=theta)
    recommendation = next_activity(snapshot, view)
    RecommendationLog.objects.create(
        learner=learner,
        course_id=snapshot.course_id,
        kind=recommendation.kind,
        skill_id=recommendation.skill_id,
        item_id=recommendation.item_id,
        lesson_id=recommendation.lesson_id,
        reason=recommendation.reason,
        created_at=now,
    )
    return recommendation_payload(snapshot, recommendation)
