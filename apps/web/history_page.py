"""A learner's attempts (the response log), newest first, for their history and teachers.

Each line carries the question as it reads, the answer in words (each chosen option's text, not
"a, b, e"), and, for the learner's own history only, the right answer: teachers who are not the
course's authors never see answer keys.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.text import Truncator

from apps.accounts.models import User
from apps.assessments.models import ItemResponse
from apps.curriculum.maths import plain_text
from apps.curriculum.models import Course
from apps.web.answer_review import answer_words, right_answer_words, stored_item_view

PAGE_SIZE = 25
STEM_WORDS = 14


@dataclass(frozen=True)
class AttemptLine:
    id: int
    created_at: datetime
    course: str
    item: str
    stem: str
    question_html: str  # the whole question, as rendered for learners
    answer: str  # in words
    right_answer: str  # in words; empty unless asked for (the learner's own history)
    correct: bool
    score: float
    seconds: float | None
    placement: bool


def response_list(*, learner: User, course: Course | None = None) -> QuerySet[ItemResponse]:
    responses = ItemResponse.objects.filter(learner=learner)
    if course is not None:
        responses = responses.filter(item__course=course)
    return (
        responses.select_related("item__course", "attempt__assessment")
        .prefetch_related("item__choices")
        .order_by("-created_at", "-id")
    )


def attempt_line(response: ItemResponse, *, with_right_answer: bool = False) -> AttemptLine:
    item = response.item
    return AttemptLine(
        id=response.pk,
        created_at=response.created_at,
        course=item.course.title,
        item=item.slug,
        stem=Truncator(plain_text(item.stem_html)).words(STEM_WORDS),
        question_html=item.stem_html,
        answer=answer_words(stored_item_view(item), response.answer),
        right_answer=right_answer_words(item) if with_right_answer else "",
        correct=response.correct,
        score=response.score,
        seconds=response.time_taken_ms / 1000 if response.time_taken_ms else None,
        placement=response.in_placement,
    )


def attempt_page(
    *,
    learner: User,
    course: Course | None,
    page: str | int | None,
    per_page: int = PAGE_SIZE,
    with_right_answers: bool = False,
) -> tuple[Page, list[AttemptLine]]:
    """One page of attempts; an out-of-range or malformed page number gives the last/first.
    ``with_right_answers``: only for the learner's own history."""
    paginator = Paginator(response_list(learner=learner, course=course), per_page)
    current = paginator.get_page(page)
    return current, [
        attempt_line(response, with_right_answer=with_right_answers)
        for response in current.object_list
    ]
