"""The answer form of the practice and placement pages, read and submitted in one place."""

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from apps.core.exceptions import ApplicationError, NotFound
from apps.curriculum.models import Course
from apps.recommendations.results import AnswerOutcome
from apps.recommendations.services.answers import answer_submit
from apps.web.access import AuthedRequest
from apps.web.forms import AnswerMetaForm
from apps.web.learner.practice_page import answer_from, item_view

INCOMPLETE = "The form was incomplete; reload the page."


class IncompleteAnswerForm(Exception):
    """The hidden fields did not come back: nothing can be recorded (a 400)."""


@dataclass(frozen=True)
class PostedAnswer:
    item: dict[str, Any]  # the learner's view of the question answered
    answer: str | list[str]
    meta: dict[str, Any]  # the form's hidden fields, to show the same form again
    outcome: AnswerOutcome | None  # None when the answer was refused
    error: str | None  # why it was refused, for the learner


def answer_posted(
    *, request: AuthedRequest, course: Course, attempt_id: int | None = None
) -> PostedAnswer:
    """Submit the posted answer. Raises IncompleteAnswerForm, or Http404 for an item that is
    not a question of this course the learner may answer."""
    form = AnswerMetaForm(request.POST)
    if not form.is_valid():
        raise IncompleteAnswerForm
    item = item_view(course=course, item_id=form.cleaned_data["item"])
    if item is None:
        raise Http404("No such question in this course.")
    answer = answer_from(request.POST, item)
    meta = form.cleaned_data | {"client_id": str(form.cleaned_data["client_id"])}
    try:
        outcome = answer_submit(
            learner=request.user,
            item_id=item["id"],
            answer=answer,
            client_id=form.cleaned_data["client_id"],
            time_taken_ms=form.time_taken_ms(),
            attempt_id=attempt_id,
            hint_used=form.cleaned_data["hint_used"],
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except ApplicationError as error:
        message = " ".join(error.fields.get("answer", [])) or error.message
        return PostedAnswer(item, answer, meta, None, message)
    return PostedAnswer(item, answer, meta, outcome, None)
