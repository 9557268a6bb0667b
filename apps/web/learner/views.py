"""Learner pages: home, practice (one item at a time), lessons, the mastery map, history.

Every page works as plain HTML forms; htmx (vendored) swaps the practice panel in place when
JavaScript runs. Feedback is rendered straight from the POST rather than redirected to: a reload
resubmits the same client_id and the service hands back the stored result, so nothing counts
twice.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.accounts import services as account_services
from apps.accounts.selectors import classroom_list_for
from apps.core.exceptions import ApplicationError
from apps.curriculum.selectors import course_get_for, course_list_for, lesson_get_for
from apps.recommendations.engine.mastery import shown_percent
from apps.recommendations.motivation import motivation_for
from apps.recommendations.selectors import ability_for, skill_mastery_list
from apps.recommendations.services.lessons import lesson_mark_read
from apps.recommendations.snapshot import course_snapshot
from apps.web.access import AuthedRequest, learner_required
from apps.web.accounts.forms import ClassroomJoinForm
from apps.web.charts import STATE_LABELS, MapNode, mastery_map_svg
from apps.web.forms import fresh_answer_meta
from apps.web.history_page import attempt_page
from apps.web.learner.answer_form import INCOMPLETE, IncompleteAnswerForm, answer_posted
from apps.web.learner.answer_page import past_answer
from apps.web.learner.home_page import learner_home
from apps.web.learner.practice_page import feedback_review, practice_activity


def learner_home_page(
    request: AuthedRequest, join_form: ClassroomJoinForm | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "courses": learner_home(learner=request.user),
        "classrooms": classroom_list_for(user=request.user),
        "join_form": join_form or ClassroomJoinForm(),
    }
    return render(request, "web/learner/home.html", context, status=status)


@learner_required
def practice_view(request: AuthedRequest, slug: str) -> HttpResponse:
    course = course_get_for(user=request.user, slug=slug)
    activity = practice_activity(learner=request.user, course=course)
    context: dict[str, Any] = {
        "course": course,
        "activity": activity,
        "motivation": motivation_for(learner=request.user, course=course),
    }
    if activity.item:
        context["meta"] = fresh_answer_meta(activity.item["id"])
    return render(request, "web/learner/practice.html", context)


@learner_required
@require_POST
def practice_answer_view(request: AuthedRequest, slug: str) -> HttpResponse:
    course = course_get_for(user=request.user, slug=slug)
    try:
        posted = answer_posted(request=request, course=course)
    except IncompleteAnswerForm:
        return HttpResponse(INCOMPLETE, status=400)
    if posted.outcome is None:
        context = {
            "course": course,
            "activity": practice_activity(learner=request.user, course=course),
            "item": posted.item,
            "meta": posted.meta,
            "answer_error": posted.error,
            "given": posted.answer,
        }
        return render(request, "web/learner/practice.html", context, status=400)
    body = posted.outcome.body
    context = {
        "course": course,
        "motivation": motivation_for(learner=request.user, course=course),
        "feedback": body,
        "review": feedback_review(course=course, item=posted.item, body=body),
    }
    return render(request, "web/learner/practice.html", context)


@learner_required
@require_POST
def lesson_read_view(request: AuthedRequest, slug: str, lesson_slug: str) -> HttpResponse:
    course = course_get_for(user=request.user, slug=slug)
    lesson = lesson_get_for(user=request.user, course=course, slug=lesson_slug)
    lesson_mark_read(learner=request.user, lesson=lesson)
    return redirect("practice", slug=course.slug)


@learner_required
def mastery_map_view(request: AuthedRequest, slug: str) -> HttpResponse:
    course = course_get_for(user=request.user, slug=slug)
    skills = skill_mastery_list(learner=request.user, course=course)
    nodes = [
        MapNode(s.slug, s.name, s.state, shown_percent(s.p_known), s.prerequisites) for s in skills
    ]
    names = {s.slug: s.name for s in skills}
    context = {
        "course": course,
        "skills": skills,
        "names": names,
        "threshold": course_snapshot(course).policy.mastery_threshold,
        "mastery_rule": course_snapshot(course).policy.mastery.describe(),
        "ability": ability_for(learner=request.user, course=course),
        "map_svg": mastery_map_svg(
            nodes, id_prefix="mastery-map", title=f"Mastery map of {course.title}"
        ),
        "legend": list(STATE_LABELS.items()),
        "counts": {state: sum(s.state == state for s in skills) for state in STATE_LABELS},
    }
    return render(request, "web/learner/map.html", context)


@learner_required
def history_view(request: AuthedRequest) -> HttpResponse:
    courses = list(course_list_for(user=request.user))
    selected = next((c for c in courses if c.slug == request.GET.get("course")), None)
    page, attempts = attempt_page(
        learner=request.user,
        course=selected,
        page=request.GET.get("page"),
        with_right_answers=True,
    )
    context = {"courses": courses, "selected": selected, "page": page, "attempts": attempts}
    return render(request, "web/learner/history.html", context)


@learner_required
def history_answer_view(request: AuthedRequest, pk: int) -> HttpResponse:
    past = past_answer(learner=request.user, response_id=pk)
    return render(request, "web/learner/history_answer.html", {"past": past})


@learner_required
@require_POST
def classroom_join_view(request: AuthedRequest) -> HttpResponse:
    form = ClassroomJoinForm(request.POST)
    if form.is_valid():
        try:
            enrollment = account_services.classroom_join(
                learner=request.user,
                code=form.cleaned_data["code"],
            )
        except ApplicationError as error:
            for message in error.fields.get("code", [error.message]):
                form.add_error("code", message)
        else:
            messages.success(request, f"You joined {enrollment.classroom.name}.")
            return redirect("home")
    return learner_home_page(request, join_form=form, status=400)
