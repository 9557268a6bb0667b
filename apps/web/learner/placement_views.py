"""Placement test pages: start, one adaptive item at a time, result. Answers go through the
same idempotent service as practice, tied to the attempt; then POST-redirect-GET, since the
next item is chosen afresh from all answers so far."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.assessments.models import Attempt, AttemptStatus
from apps.curriculum.models import Course
from apps.curriculum.selectors import course_get_for
from apps.recommendations.services.placement import (
    placement_finish,
    placement_next,
    placement_start,
)
from apps.web.access import AuthedRequest, learner_required
from apps.web.forms import fresh_answer_meta
from apps.web.learner.answer_form import INCOMPLETE, IncompleteAnswerForm, answer_posted
from apps.web.learner.placement_page import (
    placement_attempt_for,
    placement_attempts,
    placement_result,
)


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
    try:
        posted = answer_posted(request=request, course=course, attempt_id=attempt.pk)
    except IncompleteAnswerForm:
        return HttpResponse(INCOMPLETE, status=400)
    if posted.outcome is None:
        context = {
            "course": course,
            "attempt": attempt,
            "progress": {"answered": attempt.n_answered},
            "item": posted.item,
            "meta": posted.meta,
            "answer_error": posted.error,
            "given": posted.answer,
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
