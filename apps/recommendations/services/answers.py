"""The hot path: one answer in, feedback and the next activity out, in one transaction.

Grade, store the ItemResponse, update the BKT posterior of each tagged skill, the FSRS memory card
and the ability, then choose what comes next. The learner's ability row is locked first, so two
answers from the same learner in the same course queue up instead of losing an update, and a
retried submit (same client id) finds the first one's receipt under that lock and returns it.
The query count is bounded and independent of the course's size (the course comes from the
cached snapshot).
"""

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from apps.accounts.models import User
from apps.assessments.grading import AnswerInvalid, Grade, grade
from apps.assessments.models import AssessmentKind, Attempt, AttemptStatus, ItemResponse
from apps.core.exceptions import ApplicationError, Conflict, NotFound
from apps.curriculum.models import Item
from apps.curriculum.selectors import course_visible_to
from apps.recommendations import metrics
from apps.recommendations.activity import activity_view
from apps.recommendations.api.serializers import AnswerFeedbackOutputSerializer
from apps.recommendations.engine.ability import estimate_eap
from apps.recommendations.engine.bkt import (
    BktPosterior,
    bkt_update_posterior,
    with_guess_floor,
)
from apps.recommendations.engine.course import CourseSnapshot, ItemNode
from apps.recommendations.engine.evidence import counts_as_evidence, repeat_depth
from apps.recommendations.engine.irt import ItemBank
from apps.recommendations.engine.mastery import answer_weight, wheel_spinning
from apps.recommendations.engine.memory import credited_card, rating_from_response, review
from apps.recommendations.engine.policy import next_activity
from apps.recommendations.engine.success import SkillEvidence, item_success, model_state_after
from apps.recommendations.learner_state import learner_view, recent_answers
from apps.recommendations.models import (
    AnswerReceipt,
    LearnerAbility,
    MasteryChange,
    RecommendationLog,
    SkillMastery,
)
from apps.recommendations.results import (
    AbilitySummary,
    AnswerFeedback,
    AnswerOutcome,
    NextStep,
    SkillChange,
)
from apps.recommendations.scheduling import scheduler_for
from apps.recommendations.services.locks import lock_ability
from apps.recommendations.services.placement import (
    placement_advance,
    placement_check_presented,
)
from apps.recommendations.services.quiz import quiz_advance
from apps.recommendations.snapshot import course_snapshot

MASTERY_FIELDS = [
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
]
CLIENT_ID_IN_USE = "That client_id is already in use."


class ClientIdReused(Conflict):
    """A client_id sent again with another item or answer, or by another learner: a client
    bug (ids reused), so it is a 409 rather than the first answer's feedback."""

    default_code = "client_id_reused"


def _client_id_reused(why: str) -> ClientIdReused:
    return ClientIdReused(CLIENT_ID_IN_USE, fields={"client_id": [why]})


@dataclass(frozen=True, slots=True)
class _Submission:
    learner: User
    item: Item
    answer: object
    client_id: uuid.UUID
    time_taken_ms: int | None
    attempt_id: int | None
    now: datetime


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
    submission = _Submission(learner, item, answer, client_id, time_taken_ms, attempt_id, now)
    try:
        with transaction.atomic():
            outcome = _submit_locked(submission)
    except IntegrityError:
        # The client id is stored already: by a request we could not see under our lock
        # (another course), or long ago, its receipt since pruned.
        return AnswerOutcome(_stored_body(submission), created=False)
    if outcome.created:
        metrics.answer_recorded(correct=outcome.body["correct"])
    return outcome


def _submit_locked(submission: _Submission) -> AnswerOutcome:
    learner, item, now = submission.learner, submission.item, submission.now
    ability = lock_ability(learner, item.course_id)
    receipt = _receipt_for(submission)
    if receipt is not None:
        _require_same_answer(submission, receipt.response)
        return AnswerOutcome(receipt.payload, created=False)
    snapshot = course_snapshot(item.course)
    node = _published_node(snapshot, item)
    graded = _grade(node, submission.answer)
    attempt = _attempt_for(learner, submission.attempt_id, item.course_id)
    if attempt is not None and attempt.assessment.kind == AssessmentKind.DIAGNOSTIC:
        placement_check_presented(attempt=attempt, snapshot=snapshot, item_id=item.pk)
    rows = {
        row.skill_id: row
        for row in SkillMastery.objects.filter(learner=learner, course_id=item.course_id)
    }
    # Predicted before the answer is seen: the nightly run scores these (model quality).
    predicted = item_success(
        snapshot,
        node,
        {skill_id: SkillEvidence(row.p_known, row.model_state) for skill_id, row in rows.items()},
        theta=ability.theta,
        at=now,
    )
    # Read before this answer is stored, so it is not among them; the policy's view reuses it.
    recent = recent_answers(
        learner=learner, course_id=item.course_id, limit=snapshot.policy.history_window
    )
    response = _store_response(submission, attempt, graded, predicted)
    if counts_as_evidence(
        item_id=item.pk, at=now, recent=recent, depth=_repeat_depth(snapshot, node)
    ):
        changed = _update_skills(
            learner=learner,
            snapshot=snapshot,
            node=node,
            rows=rows,
            correct=graded.correct,
            now=now,
        )
        credited = _credit_prerequisites(
            learner, snapshot, rows, [row for row, _, _ in changed], now
        )
        _store_mastery(learner, response, changed, credited, now)
    else:  # a repeat: stored and shown, but no evidence on the skills (engine.evidence)
        changed = _unchanged_skills(snapshot, node, rows)
    _update_ability(ability, node, graded.correct)
    if attempt is not None:
        Attempt.objects.filter(pk=attempt.pk).update(
            n_answered=F("n_answered") + 1, n_correct=F("n_correct") + int(graded.correct)
        )
    feedback = _feedback(
        response=response,
        item_slug=node.slug,
        explanation_html=node.explanation_html,
        mastery=[
            _row_change(snapshot, row, before, was_learnt) for row, before, was_learnt in changed
        ],
        ability=ability,
        next_step=_next_step(
            learner,
            snapshot,
            rows,
            ability.theta,
            attempt,
            now,
            recent_item_ids=[item.pk] + [item_id for item_id, _ in recent],
        ),
    )
    body = render_feedback(feedback)
    AnswerReceipt.objects.create(
        client_id=submission.client_id,
        learner=learner,
        response=response,
        payload=body,
        created_at=now,
    )
    return AnswerOutcome(body, created=True)


def render_feedback(feedback: AnswerFeedback) -> dict[str, Any]:
    """The body the API answers and the receipt stores: the same serializer renders both."""
    return dict(AnswerFeedbackOutputSerializer(feedback).data)


def skill_change(
    snapshot: CourseSnapshot,
    skill_id: int,
    *,
    before: float,
    after: float,
    attempts: int,
    learnt_before: bool,
    learnt_after: bool,
) -> SkillChange:
    """How one answer moved one skill: the one builder of the feedback's mastery lines."""
    skill = snapshot.skills[skill_id]
    return SkillChange(
        skill=skill.slug,
        name=skill.name,
        before=round(before, 4),
        after=round(after, 4),
        threshold=snapshot.policy.mastery_threshold,
        mastered=learnt_after,
        mastered_now=learnt_after and not learnt_before,
        attempts=attempts,
    )


def _row_change(
    snapshot: CourseSnapshot, row: SkillMastery, before: float, was_learnt: bool
) -> SkillChange:
    return skill_change(
        snapshot,
        row.skill_id,
        before=before,
        after=row.p_known,
        attempts=row.attempts,
        learnt_before=was_learnt,
        learnt_after=snapshot.policy.is_learnt(row.p_known, row.right_streak, row.credited),
    )


def _feedback(
    *,
    response: ItemResponse,
    item_slug: str,
    explanation_html: str,
    mastery: list[SkillChange],
    ability: LearnerAbility | None,
    next_step: NextStep,
) -> AnswerFeedback:
    return AnswerFeedback(
        response_id=response.pk,
        client_id=response.client_id,
        item=item_slug,
        correct=response.correct,
        score=response.score,
        answer=response.answer,
        explanation_html=explanation_html,
        mastery=mastery,
        ability=AbilitySummary(
            theta=round(ability.theta, 4) if ability else 0.0,
            standard_error=round(ability.standard_error, 4) if ability else 1.0,
        ),
        next=next_step,
        answered_at=response.created_at,
    )


def _item_for(learner: User, item_id: int) -> Item:
    item = Item.objects.select_related("course").filter(pk=item_id).first()
    if item is None or not course_visible_to(user=learner, course=item.course):
        raise NotFound("No such item.", fields={"item": [f"No item {item_id} you can answer."]})
    return item


def _receipt_for(submission: _Submission) -> AnswerReceipt | None:
    """The receipt of an earlier submit with this client id, if it was this learner's (its
    response joined in, for the retry check, in the same statement)."""
    receipt = (
        AnswerReceipt.objects.select_related("response")
        .filter(client_id=submission.client_id)
        .first()
    )
    if receipt is not None and receipt.learner_id != submission.learner.pk:
        raise _client_id_reused("Already used for another answer.")
    return receipt


def _require_same_answer(submission: _Submission, first: ItemResponse) -> None:
    """A retry resends what was sent: the same item and the same answer (compared as stored,
    i.e. normalised by grading). Anything else reusing the id is a client bug, refused."""
    if first.item_id != submission.item.pk:
        raise _client_id_reused(f"Already used for an answer to item {first.item_id}.")
    node = course_snapshot(submission.item.course).items.get(submission.item.pk)
    try:
        given = grade(node.key, submission.answer).answer if node else submission.answer
    except AnswerInvalid:
        given = submission.answer
    if given != first.answer:
        raise _client_id_reused("Already used for a different answer to this item.")


def _published_node(snapshot: CourseSnapshot, item: Item) -> ItemNode:
    node = snapshot.items.get(item.pk)
    if node is None:
        raise ApplicationError(
            "This item is not published.", fields={"item": ["Not open for answers."]}
        )
    return node


def _grade(node: ItemNode, answer: object) -> Grade:
    try:
        return grade(node.key, answer)
    except AnswerInvalid as error:
        raise ApplicationError(str(error), fields={"answer": [str(error)]}) from error


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


def _store_response(
    submission: _Submission, attempt: Attempt | None, graded: Grade, predicted: float
) -> ItemResponse:
    return ItemResponse.objects.create(
        client_id=submission.client_id,
        learner=submission.learner,
        item=submission.item,
        attempt=attempt,
        answer=graded.answer,
        correct=graded.correct,
        score=graded.score,
        time_taken_ms=submission.time_taken_ms,
        predicted_correct=predicted,
        created_at=submission.now,
    )


def _update_skills(
    *,
    learner: User,
    snapshot: CourseSnapshot,
    node: ItemNode,
    rows: dict[int, SkillMastery],
    correct: bool,
    now: datetime,
) -> list[tuple[SkillMastery, float, bool]]:
    """New state of each skill the item is tagged with; returns (row, p_before, learnt
    before) triples."""
    policy = snapshot.policy
    scheduler = scheduler_for(policy.desired_retention)
    rating = rating_from_response(correct=correct)
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
        was_learnt = policy.is_learnt(before, row.right_streak, row.credited)
        params = with_guess_floor(skill.params, node.guess_floor)
        posterior = bkt_update_posterior(params, BktPosterior(before, row.attempts), correct)
        memory = review(row.memory_state, rating=rating, reviewed_at=now, scheduler=scheduler)
        row.p_known = posterior.p_known
        row.attempts += 1
        row.correct_count += int(correct)
        # Right answers in a row, weighed; a wrong one starts the count again.
        row.right_streak = (
            row.right_streak + float(answer_weight(node.guess_floor)) if correct else 0.0
        )
        row.last_practised_at = now
        row.memory_state, row.review_due_at = memory.card_state, memory.due
        if snapshot.learner_model is not None:
            row.model_state = model_state_after(
                snapshot.learner_model, skill_id, row.model_state, correct=correct, at=now
            )
        if row.mastered_at is None and policy.is_learnt(
            row.p_known, row.right_streak, row.credited
        ):
            row.mastered_at = now
        if row.mastered_at is None:
            row.attempts_since_mastery = row.attempts
        row.wheel_spinning = bool(
            wheel_spinning(row.mastered_at is None, row.attempts, policy.wheel_spinning_attempts)
        )
        row.updated_at = now
        rows[skill_id] = row
        changed.append((row, before, was_learnt))
    return changed


def _repeat_depth(snapshot: CourseSnapshot, node: ItemNode) -> int:
    pools = [len(snapshot.skills[skill_id].item_ids) for skill_id in node.skill_ids]
    recent = snapshot.policy.recent_items
    return repeat_depth(recent_items=recent, pool=min(pools)) if pools else recent


def _unchanged_skills(
    snapshot: CourseSnapshot, node: ItemNode, rows: dict[int, SkillMastery]
) -> list[tuple[SkillMastery, float, bool]]:
    """The item's skills as they stand, for the feedback of a repeat; none is written."""
    policy = snapshot.policy
    return [
        (row, row.p_known, policy.is_learnt(row.p_known, row.right_streak, row.credited))
        for skill_id in node.skill_ids
        if (row := rows.get(skill_id)) is not None
    ]


def _credit_prerequisites(
    learner: User,
    snapshot: CourseSnapshot,
    rows: dict[int, SkillMastery],
    changed: list[SkillMastery],
    now: datetime,
) -> list[SkillMastery]:
    """Mastering a skill is evidence on everything it builds on: each of those not learnt yet
    is credited (learnt, at the threshold at least), so the learner is not made to prove what
    the graph already implies, and no skill shows mastered above an unproven prerequisite."""
    policy = snapshot.policy
    scheduler = scheduler_for(policy.desired_retention)
    credited: dict[int, SkillMastery] = {}
    for source in changed:
        if not policy.is_learnt(source.p_known, source.right_streak, source.credited):
            continue
        for skill_id in snapshot.ancestors(source.skill_id):
            row = rows.get(skill_id) or SkillMastery(
                learner=learner,
                skill_id=skill_id,
                course_id=snapshot.course_id,
                p_known=snapshot.skills[skill_id].params.prior,
            )
            if skill_id in credited or policy.is_learnt(
                row.p_known, row.right_streak, row.credited
            ):
                continue
            row.p_known = max(row.p_known, policy.mastery_threshold)
            row.credited_by_id = source.skill_id
            row.mastered_at = row.mastered_at or now
            card = credited_card(row.memory_state, at=now, scheduler=scheduler)
            row.memory_state, row.review_due_at = card.card_state, card.due
            row.wheel_spinning = False
            row.updated_at = now
            rows[skill_id] = credited[skill_id] = row
    return list(credited.values())


def _store_mastery(
    learner: User,
    response: ItemResponse,
    changed: list[tuple[SkillMastery, float, bool]],
    credited: list[SkillMastery],
    now: datetime,
) -> None:
    SkillMastery.objects.bulk_create(
        [row for row, _, _ in changed] + credited,
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
        for row, before, _ in changed
    )


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


def _next_step(
    learner: User,
    snapshot: CourseSnapshot,
    rows: dict[int, SkillMastery],
    theta: float,
    attempt: Attempt | None,
    now: datetime,
    *,
    recent_item_ids: list[int],
) -> NextStep:
    if attempt is not None and attempt.assessment.kind == AssessmentKind.DIAGNOSTIC:
        return placement_advance(learner=learner, attempt=attempt, snapshot=snapshot, now=now)
    if attempt is not None and attempt.assessment.kind == AssessmentKind.QUIZ:
        return quiz_advance(attempt=attempt, snapshot=snapshot, now=now)
    view = learner_view(
        learner=learner,
        snapshot=snapshot,
        now=now,
        rows=rows,
        theta=theta,
        recent_item_ids=recent_item_ids[: snapshot.policy.history_window],
    )
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
    return activity_view(snapshot, recommendation)


def _stored_body(submission: _Submission) -> dict[str, Any]:
    learner = submission.learner
    response = (
        ItemResponse.objects.select_related("item__course", "receipt")
        .filter(client_id=submission.client_id)
        .first()
    )
    if response is None or response.learner_id != learner.pk:
        raise _client_id_reused("Already used for another answer.")
    _require_same_answer(submission, response)
    receipt = getattr(response, "receipt", None)
    if receipt is not None:
        return receipt.payload
    return render_feedback(_rebuilt_feedback(learner, response, submission.now))


def _rebuilt_feedback(learner: User, response: ItemResponse, now: datetime) -> AnswerFeedback:
    """The feedback of an answer whose receipt was pruned, rebuilt from the log by the same
    builders ('next' is what comes next now)."""
    course = response.item.course
    snapshot = course_snapshot(course)
    changes = list(MasteryChange.objects.filter(response=response).order_by("id"))
    # The skill's attempts and weighed right answers as they stood after this answer.
    history = MasteryChange.objects.filter(
        learner=learner,
        skill_id__in=[change.skill_id for change in changes],
        response_id__lte=response.pk,
    ).values_list("skill_id", "response__item_id", "response__correct")
    attempts: Counter[int] = Counter()
    streak: dict[int, float] = {}
    streak_before: dict[int, float] = {}
    for skill_id, item_id, was_right in history.order_by("response_id"):
        attempts[skill_id] += 1
        node = snapshot.items.get(item_id)
        streak_before[skill_id] = streak.get(skill_id, 0.0)
        weight = float(answer_weight(node.guess_floor if node else 0.0))
        streak[skill_id] = streak_before[skill_id] + weight if was_right else 0.0
    credited = {
        row.skill_id
        for row in SkillMastery.objects.filter(
            learner=learner, skill_id__in=[change.skill_id for change in changes]
        )
        if row.credited
    }
    policy = snapshot.policy
    ability = LearnerAbility.objects.filter(learner=learner, course=course).first()
    view = learner_view(learner=learner, snapshot=snapshot, now=now)
    return _feedback(
        response=response,
        item_slug=response.item.slug,
        explanation_html=response.item.explanation_html,
        mastery=[
            skill_change(
                snapshot,
                change.skill_id,
                before=change.p_before,
                after=change.p_after,
                attempts=attempts[change.skill_id],
                learnt_before=policy.is_learnt(
                    change.p_before,
                    streak_before.get(change.skill_id, 0.0),
                    change.skill_id in credited,
                ),
                learnt_after=policy.is_learnt(
                    change.p_after, streak.get(change.skill_id, 0.0), change.skill_id in credited
                ),
            )
            for change in changes
            if change.skill_id in snapshot.skills
        ],
        ability=ability,
        next_step=activity_view(snapshot, next_activity(snapshot, view)),
    )
