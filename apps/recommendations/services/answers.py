"""The hot path: one answer in, feedback and the next activity out, in one transaction.

Grade, store the ItemResponse, update the BKT posterior of each tagged skill, the FSRS memory card
and the ability, then choose what comes next. Five statements, whatever the course's size (the
course comes from the cached snapshot, the user from the authentication cache):

1. lock the learner's state row in the item's course (``locks.lock_for_answer``: it also checks
   the learner may answer there and reads the course's content version), so two answers from
   the same learner in the same course queue up instead of losing an update;
2. read the learner's skill rows in the course;
3. insert the response, carrying what the answer derived (its feedback, how it moved each
   skill, what came next), unless its client id is stored already: then it is a retry, which
   gets the first answer's feedback and writes nothing;
4. upsert the changed skill rows;
5. update the state row (ability, recent answers).
"""

import uuid
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.accounts.models import User
from apps.assessments.grading import AnswerInvalid, Grade, grade
from apps.assessments.models import AssessmentKind, Attempt, AttemptStatus, ItemResponse
from apps.core.exceptions import ApplicationError, NotFound
from apps.core.insert import insert_unless_present
from apps.recommendations import metrics
from apps.recommendations.activity import activity_view
from apps.recommendations.answer_log import (
    MasteryStep,
    NextActivity,
    mastery_changes_json,
    next_activity_json,
)
from apps.recommendations.engine.ability import eap_after_answer
from apps.recommendations.engine.bkt import (
    BktPosterior,
    bkt_update_posterior,
    with_guess_floor,
)
from apps.recommendations.engine.course import CourseSnapshot, ItemNode
from apps.recommendations.engine.evidence import (
    answer_guess_floor,
    counts_as_evidence,
    repeat_depth,
)
from apps.recommendations.engine.mastery import answer_weight, wheel_spinning
from apps.recommendations.engine.memory import credited_card, rating_from_response, review
from apps.recommendations.engine.policy import Recommendation, next_activity
from apps.recommendations.engine.success import SkillEvidence, item_success, model_state_after
from apps.recommendations.learner_state import (
    learner_view,
    lessons_from_state,
    recent_from_state,
)
from apps.recommendations.models import SkillMastery
from apps.recommendations.results import AbilitySummary, AnswerOutcome, NextStep
from apps.recommendations.scheduling import scheduler_for
from apps.recommendations.services.answer_feedback import feedback_of, render_feedback, row_change
from apps.recommendations.services.answer_retries import stored_body
from apps.recommendations.services.locks import AnswerLock, lock_for_answer, state_row_update
from apps.recommendations.services.mastery_store import mastery_rows_read, mastery_rows_upsert
from apps.recommendations.services.placement import (
    placement_advance,
    placement_check_presented,
)
from apps.recommendations.services.quiz import quiz_advance
from apps.recommendations.services.submission import Submission, answer_time
from apps.recommendations.snapshot import course_snapshot_at
from apps.recommendations.state_row import (
    lessons_json,
    recent_after,
    recent_json,
)


class _StoredAlready(Exception):
    """The client id is stored already: a retry (rolls back what this attempt computed)."""


def answer_submit(
    *,
    learner: User,
    item_id: int,
    answer: object,
    client_id: uuid.UUID,
    time_taken_ms: int | None = None,
    attempt_id: int | None = None,
    hint_used: bool = False,
    answered_at: datetime | None = None,
    now: datetime | None = None,
) -> AnswerOutcome:
    """Record one answer. ``answered_at``: the client's time of an answer queued offline (see
    ``submission.answer_time``); ``hint_used``: a hint was open (weaker evidence); ``now``: the
    server's time (tests pass one)."""
    server_now = now or timezone.now()
    at = answer_time(answered_at, server_now=server_now)
    submission = Submission(
        learner=learner,
        item_id=item_id,
        answer=answer,
        client_id=client_id,
        time_taken_ms=time_taken_ms,
        attempt_id=attempt_id,
        now=at,
        hint_used=hint_used,
        received_at=server_now if at < server_now else None,
    )
    try:
        with transaction.atomic():
            outcome = _submit_locked(submission)
    except _StoredAlready:
        # A retry, or the id reused: the first answer's feedback, or a 409 (answer_retries).
        return AnswerOutcome(stored_body(submission), created=False)
    metrics.answer_recorded(correct=outcome.body["correct"])
    return outcome


def _submit_locked(submission: Submission) -> AnswerOutcome:
    learner, now = submission.learner, submission.now
    lock = lock_for_answer(learner=learner, item_id=submission.item_id, now=submission.server_time)
    if lock is None:
        raise NotFound(
            "No such item.",
            fields={"item": [f"No item {submission.item_id} you can answer."]},
        )
    snapshot = course_snapshot_at(lock.course_id, lock.content_version)
    node = _published_node(snapshot, submission.item_id)
    graded = _grade(node, submission.answer)
    attempt = _attempt_for(learner, submission.attempt_id, lock.course_id)
    if attempt is not None:
        # A retry inside an attempt must be recognised before the attempt's checks, which it
        # would fail (the attempt has moved on since).
        if ItemResponse.objects.filter(client_id=submission.client_id).exists():
            raise _StoredAlready
        if attempt.assessment.kind == AssessmentKind.DIAGNOSTIC:
            placement_check_presented(attempt=attempt, snapshot=snapshot, item_id=node.id)
    rows = mastery_rows_read(learner_id=learner.pk, course_id=lock.course_id)
    # Predicted before the answer is seen: the nightly run scores these (model quality).
    predicted = item_success(
        snapshot,
        node,
        {skill_id: SkillEvidence(row.p_known, row.model_state) for skill_id, row in rows.items()},
        theta=lock.theta,
        at=now,
    )
    # The answers before this one and the lessons read, as the state row keeps them.
    recent = recent_from_state(
        lock.recent, learner=learner, course_id=lock.course_id, limit=snapshot.policy.history_window
    )
    readings = lessons_from_state(lock.lessons_read, learner=learner, course_id=lock.course_id)
    steps: list[MasteryStep] = []
    if counts_as_evidence(
        item_id=node.id, at=now, recent=recent, depth=_repeat_depth(snapshot, node)
    ):
        changed = _update_skills(
            learner=learner,
            snapshot=snapshot,
            node=node,
            rows=rows,
            correct=graded.correct,
            hint_used=submission.hint_used,
            now=now,
        )
        credited = _credit_prerequisites(
            learner, snapshot, rows, [row for row, _, _ in changed], now
        )
        to_store = [row for row, _, _ in changed] + credited
        steps = [MasteryStep(row.skill_id, before, row.p_known) for row, before, _ in changed]
    else:  # a repeat: stored and shown, but no evidence on the skills (engine.evidence)
        changed, to_store = _unchanged_skills(snapshot, node, rows), []
    theta, standard_error = _ability_after(lock, node, graded.correct)
    if attempt is not None:
        Attempt.objects.filter(pk=attempt.pk).update(
            n_answered=F("n_answered") + 1, n_correct=F("n_correct") + int(graded.correct)
        )
    recent = recent_after(recent, node.id, now, keep=snapshot.policy.history_window)
    values = _response_values(submission, attempt, graded, predicted, steps)

    def write_state() -> None:
        mastery_rows_upsert(to_store)
        state_row_update(
            lock.state_id,
            theta=theta,
            standard_error=standard_error,
            n_responses=lock.n_responses + 1,
            recent=recent_json(recent),
            lessons_read=lessons_json(readings),
            updated_at=submission.server_time,
        )

    def feedback_body(next_step: NextStep) -> dict[str, Any]:
        return render_feedback(
            feedback_of(
                response_id=None,
                client_id=submission.client_id,
                correct=graded.correct,
                score=graded.score,
                answer=graded.answer,
                answered_at=now,
                item_slug=node.slug,
                explanation_html=node.explanation_html,
                mastery=[
                    row_change(snapshot, row, before, was_learnt)
                    for row, before, was_learnt in changed
                ],
                ability=AbilitySummary(round(theta, 4), round(standard_error, 4)),
                next_step=next_step,
            )
        )

    if attempt is not None:
        # A placement's or quiz's next step reads the attempt's answers and the skills (a
        # placement credits them when it finishes): this answer is stored first, and its
        # feedback added once known (two statements more than in practice).
        response_id = _insert_response(values)
        write_state()
        next_step, _ = _next_step(
            learner, snapshot, rows, theta, attempt, now, recent=recent, readings=readings
        )
        body = feedback_body(next_step)
        ItemResponse.objects.filter(pk=response_id).update(feedback=_without_id(body))
    else:
        next_step, recommendation = _next_step(
            learner, snapshot, rows, theta, attempt, now, recent=recent, readings=readings
        )
        body = feedback_body(next_step)
        values["feedback"] = _without_id(body)
        values["next_activity"] = _next_activity_json(recommendation)
        response_id = _insert_response(values)
        write_state()
    body["response_id"] = response_id
    return AnswerOutcome(body, created=True)


def _without_id(body: dict[str, Any]) -> dict[str, Any]:
    """The feedback as the response keeps it: all but its own id (not known before the
    insert; a retry adds it back)."""
    return {key: value for key, value in body.items() if key != "response_id"}


def _insert_response(values: dict[str, Any]) -> int:
    response_id = insert_unless_present(ItemResponse, values, unique="client_id")
    if response_id is None:
        raise _StoredAlready
    return response_id


def _published_node(snapshot: CourseSnapshot, item_id: int) -> ItemNode:
    node = snapshot.items.get(item_id)
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


def _response_values(
    submission: Submission,
    attempt: Attempt | None,
    graded: Grade,
    predicted: float,
    steps: list[MasteryStep],
) -> dict[str, Any]:
    return {
        "client_id": submission.client_id,
        "learner": submission.learner.pk,
        "item": submission.item_id,
        "attempt": attempt.pk if attempt is not None else None,
        "answer": graded.answer,
        "correct": graded.correct,
        "score": graded.score,
        "time_taken_ms": submission.time_taken_ms,
        "predicted_correct": predicted,
        "hint_used": submission.hint_used,
        "created_at": submission.now,
        "received_at": submission.received_at,
        "mastery_changes": mastery_changes_json(steps),
    }


def _next_activity_json(recommendation: Recommendation | None) -> dict[str, Any] | None:
    if recommendation is None:
        return None
    return next_activity_json(
        NextActivity(
            kind=recommendation.kind,
            skill_id=recommendation.skill_id,
            item_id=recommendation.item_id,
            lesson_id=recommendation.lesson_id,
            reason=recommendation.reason,
        )
    )


def _update_skills(
    *,
    learner: User,
    snapshot: CourseSnapshot,
    node: ItemNode,
    rows: dict[int, SkillMastery],
    correct: bool,
    hint_used: bool,
    now: datetime,
) -> list[tuple[SkillMastery, float, bool]]:
    """New state of each skill the item is tagged with; returns (row, p_before, learnt
    before) triples. A hinted answer is weaker evidence (``engine.evidence``)."""
    policy = snapshot.policy
    scheduler = scheduler_for(policy.desired_retention)
    rating = rating_from_response(correct=correct, hint_used=hint_used)
    floor = answer_guess_floor(node.guess_floor, hint_used=hint_used, correct=correct)
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
        params = with_guess_floor(skill.params, floor)
        posterior = bkt_update_posterior(params, BktPosterior(before, row.attempts), correct)
        memory = review(row.memory_state, rating=rating, reviewed_at=now, scheduler=scheduler)
        row.p_known = posterior.p_known
        row.attempts += 1
        row.correct_count += int(correct)
        # Right answers in a row, weighed; a wrong one starts the count again.
        row.right_streak = row.right_streak + float(answer_weight(floor)) if correct else 0.0
        # An answer synced late may be older than the row's last one.
        row.last_practised_at = max(now, row.last_practised_at or now)
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


def _ability_after(lock: AnswerLock, node: ItemNode, correct: bool) -> tuple[float, float]:
    """Sequential EAP: the stored estimate is the prior for this one new response. The nightly
    recalculation recomputes the exact EAP from every response."""
    return eap_after_answer(
        prior_mean=lock.theta,
        prior_sd=max(lock.standard_error, 0.05),
        a=node.a,
        b=node.b,
        c=node.c,
        correct=correct,
    )


def _next_step(
    learner: User,
    snapshot: CourseSnapshot,
    rows: dict[int, SkillMastery],
    theta: float,
    attempt: Attempt | None,
    now: datetime,
    *,
    recent: list[tuple[int, datetime]],
    readings: dict[int, datetime],
) -> tuple[NextStep, Recommendation | None]:
    """What comes next, and the recommendation to record with the answer (practice presents
    it until it is answered: ``pending``); none inside a placement or quiz."""
    if attempt is not None and attempt.assessment.kind == AssessmentKind.DIAGNOSTIC:
        step = placement_advance(learner=learner, attempt=attempt, snapshot=snapshot, now=now)
        return step, None
    if attempt is not None and attempt.assessment.kind == AssessmentKind.QUIZ:
        return quiz_advance(attempt=attempt, snapshot=snapshot, now=now), None
    view = learner_view(
        learner=learner,
        snapshot=snapshot,
        now=now,
        rows=rows,
        theta=theta,
        recent_item_ids=[item_id for item_id, _ in recent],
        lesson_read_at=readings,
    )
    recommendation = next_activity(snapshot, view)
    return activity_view(snapshot, recommendation), recommendation
