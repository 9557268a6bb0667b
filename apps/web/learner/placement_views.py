"""Placement test pages: start, one adaptive item at a time, result. Answers go through the
same idempotent service as practice, tied to the attempt; then POST-redirect-GET, since the
next item is chosen afresh from all answers so far."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.assessments.models import Attempt, AttemptStatus
from apps.core.exceptions import ApplicationError, NotFound
from apps.curriculum.models import Course
from apps.curriculum.selectors import course_get_for
from apps.recommendations.services.answers import answer_submit
from apps.recommendations.services.placement import (
    placement_finish,
    placement_next,
    placement_start,
)
from apps.web.access import AuthedRequest, learner_required
from apps.web.forms import AnswerMetaForm, fresh_answer_meta
from apps.web.learner.placement_page import (
    placement_attempt_for,
    placement_attempts,
    placement_result,
)
from apps.web.learner.practice_page import answer_from, item_view


@learner_required
def placement_start_view(request: AuthedRequest, slug: str) -> HttpResponse:
    course = course_get_for(user=request.user, slug=slug)
    if request.method == "POST":
        attempt, _ = placement_start(learner=request.user, course=course)
        return redirect("placement", slug=course.slug, pk=attempt.pk)
    attempts = list(placement_attempts(learner=request.user, course=course)[:5])
    context = {
        "course": course,
        "in_progress": next((a for a in attempts if a.status == AttemptStatus.IN_PROGRESS), None),
        "finished": [a for a in attempts if a.status == AttemptStatus.FINISHED],
    }
    return render(request, "web/learner/placement_start.html", context)


def _result_page(request: AuthedRequest, course: Course, attempt: Attempt) -> HttpResponse:
    context = {
        "course": course,
        "attempt": attempt,
        "result": placement_result(course=course, result=attempt.result or {}),
    }
    return render(request, "web/learner/placement_result.html", context)


@learner_required
def placement_view(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    course = course_get_for(user=request.user, slug=slug)
    attempt = placement_attempt_for(learner=request.user, course=course, pk=pk)
    if request.method == "POST":
        return _placement_answer(request, course, attempt)
    if attempt.status == AttemptStatus.FINISHED:
        return _result_page(request, course, attempt)
    step = placement_next(attempt=attempt)
    context = {
        "course": course,
        "attempt": attempt,
        "progress": step.progress,
        "item": step.item,
        "reason": step.reason,
        "meta": fresh_answer_meta(step.item["id"]) if step.item else None,
    }
    return render(request, "web/learner/placement.html", context)


def _placement_answer(request: AuthedRequest, course: Course, attempt: Attempt) -> HttpResponse:
    if attempt.status == AttemptStatus.FINISHED:
        return redirect("placement", slug=course.slug, pk=attempt.pk)
    form = AnswerMetaForm(request.POST)
    if not form.is_valid():
        return HttpResponse("The form was incomplete; reload the page.", status=400)
    item = item_view(course=course, item_id=form.cleaned_data["item"])
    if item is None:
        raise Http404("No such question in this course.")
    answer = answer_from(request.POST, item)
    try:
        answer_submit(
            learner=request.user,
            item_id=item["id"],
            answer=answer,
            client_id=form.cleaned_data["client_id"],
            time_taken_ms=form.time_taken_ms(),
            attempt_id=attempt.pk,
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except ApplicationError as error:
        context = {
            "course": course,
            "attempt": attempt,
            "progress": {"answered": attempt.n_answered},
            "item": item,
            "meta": form.cleaned_data | {"client_id": str(form.cleaned_data["client_id"])},
            "answer_error": " ".join(error.fields.get("answer", [])) or error.message,
            "given": answer,
        }
        return render(request, "web/learner/placement.html", context, status=400)
    return redirect("placement", slug=course.slug, pk=attempt.pk)


@learner_required
@require_POST
def placement_finish_view(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    course = course_get_for(user=request.user, slug=slug)
    attempt = placement_attempt_for(learner=request.user, course=course, pk=pk)
    placement_finish(learner=request.user, attempt=attempt, reason="finished_by_learner")
    return redirect("placement", slug=course.slug, pk=attempt.pk)
