"""One past answer reopened from the history: the question as it was asked, the learner's
answer marked against the right one, the explanation and how it moved each skill."""

from dataclasses import dataclass

from django.http import Http404

from apps.accounts.models import User
from apps.assessments.models import ItemResponse
from apps.assessments.selectors import answer_key_for
from apps.recommendations.history import mastery_moves
from apps.web.answer_review import AnswerReview, answer_review, stored_item_view


@dataclass(frozen=True)
class SkillMove:
    name: str
    before: float
    after: float


@dataclass(frozen=True)
class PastAnswer:
    response: ItemResponse
    review: AnswerReview
    explanation_html: str
    moves: list[SkillMove]


def past_answer(*, learner: User, response_id: int) -> PastAnswer:
    """The learner's own answer ``response_id``; Http404 for anyone else's."""
    response = (
        ItemResponse.objects.select_related("item__course", "attempt__assessment")
        .prefetch_related("item__choices")
        .filter(pk=response_id, learner=learner)
        .first()
    )
    if response is None:
        raise Http404("No such answer of yours.")
    item = response.item
    moves = [
        SkillMove(move.skill.name, move.p_before, move.p_after)
        for move in mastery_moves([response])[response.pk]
    ]
    return PastAnswer(
        response=response,
        review=answer_review(
            item=stored_item_view(item),
            key=answer_key_for(item),
            answer=response.answer,
            correct=response.correct,
        ),
        explanation_html=item.explanation_html,
        moves=moves,
    )
