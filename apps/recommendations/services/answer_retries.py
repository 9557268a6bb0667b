"""Retries: the same ``client_id`` sent again. A retry (same learner, item and answer) gets the
first submit's feedback back, from its receipt or, once the receipt is pruned, rebuilt from the
log; anything else reusing the id is a client bug and a 409."""

from collections import Counter
from datetime import datetime
from typing import Any

from apps.accounts.models import User
from apps.assessments.grading import AnswerInvalid, grade
from apps.assessments.models import ItemResponse
from apps.core.exceptions import Conflict
from apps.recommendations.activity import activity_view
from apps.recommendations.engine.evidence import answer_guess_floor
from apps.recommendations.engine.mastery import answer_weight
from apps.recommendations.engine.policy import next_activity
from apps.recommendations.learner_state import learner_view
from apps.recommendations.models import AnswerReceipt, LearnerAbility, MasteryChange, SkillMastery
from apps.recommendations.results import AnswerFeedback
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


def receipt_for(submission: Submission) -> AnswerReceipt | None:
    """The receipt of an earlier submit with this client id, if it was this learner's (its
    response joined in, for the retry check, in the same statement)."""
    receipt = (
        AnswerReceipt.objects.select_related("response")
        .filter(client_id=submission.client_id)
        .first()
    )
    if receipt is not None and receipt.learner_id != submission.learner.pk:
        raise client_id_reused("Already used for another answer.")
    return receipt


def require_same_answer(submission: Submission, first: ItemResponse) -> None:
    """A retry resends what was sent: the same item and the same answer (compared as stored,
    i.e. normalised by grading). Anything else reusing the id is a client bug, refused."""
    if first.item_id != submission.item.pk:
        raise client_id_reused(f"Already used for an answer to item {first.item_id}.")
    node = course_snapshot(submission.item.course).items.get(submission.item.pk)
    try:
        given = grade(node.key, submission.answer).answer if node else submission.answer
    except AnswerInvalid:
        given = submission.answer
    if given != first.answer:
        raise client_id_reused("Already used for a different answer to this item.")


def stored_body(submission: Submission) -> dict[str, Any]:
    learner = submission.learner
    response = (
        ItemResponse.objects.select_related("item__course", "receipt")
        .filter(client_id=submission.client_id)
        .first()
    )
    if response is None or response.learner_id != learner.pk:
        raise client_id_reused("Already used for another answer.")
    require_same_answer(submission, response)
    receipt = getattr(response, "receipt", None)
    if receipt is not None:
        return receipt.payload
    now = submission.received_at or submission.now
    return render_feedback(_rebuilt_feedback(learner, response, now))


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
    ).values_list("skill_id", "response__item_id", "response__correct", "response__hint_used")
    attempts: Counter[int] = Counter()
    streak: dict[int, float] = {}
    streak_before: dict[int, float] = {}
    for skill_id, item_id, was_right, hinted in history.order_by("response_id"):
        attempts[skill_id] += 1
        node = snapshot.items.get(item_id)
        streak_before[skill_id] = streak.get(skill_id, 0.0)
        floor = answer_guess_floor(
            node.guess_floor if node else 0.0, hint_used=hinted, correct=was_right
        )
        weight = float(answer_weight(floor))
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
    return feedback_of(
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
