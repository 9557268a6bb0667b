"""Retries: the same ``client_id`` sent again. A retry (same learner, item and answer) gets the
first submit's feedback back, as stored with its response or, once that is pruned, rebuilt
from the log; anything else reusing the id is a client bug and a 409."""

from collections import Counter
from datetime import datetime
from typing import Any

from apps.accounts.models import User
from apps.assessments.grading import AnswerInvalid, grade
from apps.assessments.models import ItemResponse
from apps.core.exceptions import Conflict
from apps.recommendations.activity import activity_view
from apps.recommendations.answer_log import mastery_steps
from apps.recommendations.engine.evidence import answer_guess_floor
from apps.recommendations.engine.mastery import answer_weight
from apps.recommendations.engine.policy import next_activity
from apps.recommendations.learner_state import learner_view
from apps.recommendations.models import LearnerAbility, SkillMastery
from apps.recommendations.results import AbilitySummary, AnswerFeedback
from apps.recommendations.services.answer_feedback import (
    feedback_of,
    render_feedback,
    skill_change,
)
from apps.recommendations.services.submission import Submission
from apps.recommendations.snapshot import course_snapshot

CLIENT_ID_IN_USE = "That client_id is already in use."


class ClientIdReused(Conflict):
    """A client_id sent again with another item or answer, or by another learner: a client
    bug (ids reused), so it is a 409 rather than the first answer's feedback."""

    default_code = "client_id_reused"


def client_id_reused(why: str) -> ClientIdReused:
    return ClientIdReused(CLIENT_ID_IN_USE, fields={"client_id": [why]})


def require_same_answer(submission: Submission, first: ItemResponse) -> None:
    """A retry resends what was sent: the same item and the same answer (compared as stored,
    i.e. normalised by grading). Anything else reusing the id is a client bug, refused."""
    if first.item_id != submission.item_id:
        raise client_id_reused(f"Already used for an answer to item {first.item_id}.")
    node = course_snapshot(first.item.course).items.get(first.item_id)
    try:
        given = grade(node.key, submission.answer).answer if node else submission.answer
    except AnswerInvalid:
        given = submission.answer
    if given != first.answer:
        raise client_id_reused("Already used for a different answer to this item.")


def stored_body(submission: Submission) -> dict[str, Any]:
    """The first submit's feedback for a retry: as stored with the response, or rebuilt from
    the log once pruned. A 409 when the id is another learner's or another answer's."""
    learner = submission.learner
    response = (
        ItemResponse.objects.select_related("item__course")
        .filter(client_id=submission.client_id)
        .first()
    )
    if response is None or response.learner_id != learner.pk:
        raise client_id_reused("Already used for another answer.")
    require_same_answer(submission, response)
    if response.feedback is not None:
        return {"response_id": response.pk, **response.feedback}
    return render_feedback(_rebuilt_feedback(learner, response, submission.server_time))


def _rebuilt_feedback(learner: User, response: ItemResponse, now: datetime) -> AnswerFeedback:
    """The feedback of an answer whose stored feedback was pruned, rebuilt from the log by the
    same builders ('next' is what comes next now)."""
    course = response.item.course
    snapshot = course_snapshot(course)
    changes = mastery_steps(response.mastery_changes)
    skill_ids = {change.skill_id for change in changes}
    # The skill's attempts and weighed right answers as they stood after this answer.
    history = (
        ItemResponse.objects.filter(
            learner=learner, item__course=course, pk__lte=response.pk, mastery_changes__isnull=False
        )
        .order_by("created_at", "id")
        .values_list("item_id", "correct", "hint_used", "mastery_changes")
    )
    attempts: Counter[int] = Counter()
    streak: dict[int, float] = {}
    streak_before: dict[int, float] = {}
    for item_id, was_right, hinted, stored in history:
        node = snapshot.items.get(item_id)
        floor = answer_guess_floor(
            node.guess_floor if node else 0.0, hint_used=hinted, correct=was_right
        )
        weight = float(answer_weight(floor))
        for step in mastery_steps(stored):
            if step.skill_id not in skill_ids:
                continue
            attempts[step.skill_id] += 1
            streak_before[step.skill_id] = streak.get(step.skill_id, 0.0)
            streak[step.skill_id] = streak_before[step.skill_id] + weight if was_right else 0.0
    credited = {
        row.skill_id
        for row in SkillMastery.objects.filter(learner=learner, skill_id__in=skill_ids)
        if row.credited
    }
    policy = snapshot.policy
    ability = LearnerAbility.objects.filter(learner=learner, course=course).first()
    view = learner_view(learner=learner, snapshot=snapshot, now=now)
    return feedback_of(
        response_id=response.pk,
        client_id=response.client_id,
        correct=response.correct,
        score=response.score,
        answer=response.answer,
        answered_at=response.created_at,
        item_slug=response.item.slug,
        explanation_html=response.item.explanation_html,
        mastery=[
            skill_change(
                snapshot,
                change.skill_id,
                before=change.before,
                after=change.after,
                attempts=attempts[change.skill_id],
                learnt_before=policy.is_learnt(
                    change.before,
                    streak_before.get(change.skill_id, 0.0),
                    change.skill_id in credited,
                ),
                learnt_after=policy.is_learnt(
                    change.after, streak.get(change.skill_id, 0.0), change.skill_id in credited
                ),
            )
            for change in changes
            if change.skill_id in snapshot.skills
        ],
        ability=AbilitySummary(
            theta=round(ability.theta, 4) if ability else 0.0,
            standard_error=round(ability.standard_error, 4) if ability else 1.0,
        ),
        next_step=activity_view(snapshot, next_activity(snapshot, view)),
    )
