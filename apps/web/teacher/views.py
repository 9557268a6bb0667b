"""Teacher pages about learning: the class heatmap, one learner's drill-down, the CSV export
and item analysis. Teachers reach only their own classrooms (404 otherwise), admins all."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from apps.accounts import selectors as account_selectors
from apps.accounts.models import Classroom
from apps.curriculum.models import Course
from apps.curriculum.selectors import course_get_for, course_list_for, is_course_author
from apps.recommendations.class_mastery import SORTS, class_heatmap
from apps.recommendations.snapshot import course_snapshot
from apps.web.access import AuthedRequest, teacher_required
from apps.web.charts import STATE_LABELS, STATE_SYMBOLS
from apps.web.history_page import attempt_page
from apps.web.teacher.export_csv import class_mastery_csv_rows, export_filename, to_csv
from apps.web.teacher.heatmap_page import heatmap_layout
from apps.web.teacher.item_analysis_page import FLAG_LABELS, item_analysis
from apps.web.teacher.item_table import item_table
from apps.web.teacher.learner_page import learner_detail


def _class_courses(request: AuthedRequest, classroom: Classroom) -> list[Course]:
    return list(course_list_for(user=request.user).filter(classrooms=classroom))


def _chosen(courses: list[Course], slug: str | None) -> Course | None:
    """The course named in the query string, else the class's first; 404 for one not assigned."""
    if not slug:
        return courses[0] if courses else None
    course = next((c for c in courses if c.slug == slug), None)
    if course is None:
        raise Http404("That course is not assigned to this classroom.")
    return course


@teacher_required
def class_overview_view(request: AuthedRequest, pk: int) -> HttpResponse:
    classroom = account_selectors.classroom_managed_by(user=request.user, pk=pk)
    courses = _class_courses(request, classroom)
    course = _chosen(courses, request.GET.get("course"))
    heatmap = layout = None
    if course is not None:
        heatmap = class_heatmap(
            classroom=classroom, course=course, sort=request.GET.get("sort", "stuck")
        )
        layout = heatmap_layout(heatmap)
    context = {
        "layout": layout,
        "classroom": classroom,
        "courses": courses,
        "course": course,
        "heatmap": heatmap,
        "sorts": SORTS,
        "legend": [(s, STATE_LABELS[s], STATE_SYMBOLS[s]) for s in STATE_LABELS],
    }
    return render(request, "web/teacher/overview.html", context)


@teacher_required
def class_learner_view(request: AuthedRequest, pk: int, learner_pk: int) -> HttpResponse:
    classroom = account_selectors.classroom_managed_by(user=request.user, pk=pk)
    learner = (
        account_selectors.classroom_learners(classroom=classroom).filter(pk=learner_pk).first()
    )
    if learner is None:
        raise Http404("No such learner in this classroom.")
    courses = _class_courses(request, classroom)
    course = _chosen(courses, request.GET.get("course"))
    detail = page = attempts = None
    if course is not None:
        detail = learner_detail(learner=learner, course=course)
        page, attempts = attempt_page(learner=learner, course=course, page=request.GET.get("page"))
    context = {
        "classroom": classroom,
        "learner": learner,
        "courses": courses,
        "course": course,
        "detail": detail,
        "page": page,
        "attempts": attempts,
        "state_labels": STATE_LABELS,
    }
    return render(request, "web/teacher/learner.html", context)


@teacher_required
def class_export_view(request: AuthedRequest, pk: int) -> HttpResponse:
    classroom = account_selectors.classroom_managed_by(user=request.user, pk=pk)
    courses = _class_courses(request, classroom)
    course = _chosen(courses, request.GET.get("course")) if request.GET.get("course") else None
    rows = class_mastery_csv_rows(classroom=classroom, courses=[course] if course else courses)
    response = HttpResponse(to_csv(rows), content_type="text/csv; charset=utf-8")
    filename = export_filename(classroom, course, timezone.localdate())
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@teacher_required
def item_analysis_view(request: AuthedRequest, slug: str) -> HttpResponse:
    course = course_get_for(user=request.user, slug=slug)
    analysis = item_analysis(user=request.user, course=course)
    table = item_table(course=course, items=analysis.items, query=request.GET)
    context = {
        "course": course,
        "analysis": analysis,
        "table": table,
        "flag_labels": FLAG_LABELS,
        # Authors (and admins) preview in the admin, which shows the key; others see the
        # question as a learner does.
        "is_author": is_course_author(user=request.user, course=course),
    }
    return render(request, "web/teacher/items.html", context)


@teacher_required
def item_preview_view(request: AuthedRequest, slug: str, item_pk: int) -> HttpResponse:
    """The question as a learner sees it: stem, choices and hints, never the answer key."""
    course = course_get_for(user=request.user, slug=slug)
    node = course_snapshot(course).items.get(item_pk)
    if node is None:
        raise Http404("No such published item in this course.")
    context = {"course": course, "item": node.learner_view, "skills": node.skill_ids}
    return render(request, "web/teacher/item_preview.html", context)
