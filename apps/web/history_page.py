"""A learner's attempts (the response log), newest first, for their history and teachers."""

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.html import strip_tags
from django.utils.text import Truncator

from apps.accounts.models import User
from apps.assessments.models import ItemResponse
from apps.curriculum.models import Course

PAGE_SIZE = 25
STEM_WORDS = 14


@dataclass(frozen=True)
class AttemptLine:
    id: int
    created_at: datetime
    course: str
    item: str
    stem: str
    answer: str
    correct: bool
    score: float
    seconds: float | None
    placement: bool


def response_list(*, learner: User, course: Course | None = None) -> QuerySet[ItemResponse]:
    responses = ItemResponse.objects.filter(learner=learner)
    if course is not None:
        responses = responses.filter(item__course=course)
    return responses.select_related("item__course", "attempt__assessment").order_by(
        "-created_at", "-id"
    )


def answer_text(answer: object) -> str:
    if isinstance(answer, list):
        return ", ".join(str(part) for part in answer)
    return "" if answer is None else str(answer)


def attempt_line(response: ItemResponse) -> AttemptLine:
    return AttemptLine(
        id=response.pk,
        created_at=response.created_at,
        course=response.item.course.title,
        item=response.item.slug,
        stem=Truncator(strip_tags(response.item.stem_html)).words(STEM_WORDS),
        answer=answer_text(response.answer),
        correct=response.correct,
        score=response.score,
        seconds=response.time_taken_ms / 1000 if response.time_taken_ms else None,
        placement=response.in_placement,
    )


def attempt_page(
    *, learner: User, course: Course | None, page: str | int | None, per_page: int = PAGE_SIZE
) -> tuple[Page, list[AttemptLine]]:
    """One page of attempts; an out-of-range or malformed page number gives the last/first."""
    paginator = Paginator(response_list(learner=learner, course=course), per_page)
    current = paginator.get_page(page)
    return current, [attempt_line(response) for response in current.object_list]
