"""Classroom management for teachers (their own classrooms) and admins (all): create, share or
reset the join code, open or close joining, assign courses. Each action is a small POST form
that redirects back, so it works without JavaScript."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.accounts import selectors as account_selectors
from apps.accounts import services as account_services
from apps.accounts.models import Classroom
from apps.core.exceptions import ApplicationError
from apps.curriculum import services as curriculum_services
from apps.curriculum.selectors import course_list_for
from apps.web.access import AuthedRequest, teacher_required
from apps.web.accounts.forms import ClassroomCreateForm
from apps.web.classrooms.cards import assignable_courses, classroom_cards
from apps.web.forms import AssignCourseForm


def teacher_home_page(
    request: AuthedRequest, create_form: ClassroomCreateForm | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "cards": classroom_cards(user=request.user),
        "create_form": create_form or ClassroomCreateForm(),
    }
    return render(request, "web/classrooms/home.html", context, status=status)


def _back(request: AuthedRequest, classroom: Classroom) -> HttpResponseRedirect:
    """Back to where the form was (``next``), if that is a page of this site."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("classroom-detail", args=[classroom.pk])
    return redirect(target)


def _assign_form(
    request: AuthedRequest, classroom: Classroom, data: QueryDict | None = None
) -> AssignCourseForm:
    courses = assignable_courses(user=request.user, classroom=classroom)
    return AssignCourseForm(data, choices=[(c.slug, c.title) for c in courses])


@teacher_required
@require_POST
def classroom_create_view(request: AuthedRequest) -> HttpResponse:
    form = ClassroomCreateForm(request.POST)
    if form.is_valid():
        try:
            classroom = account_services.classroom_create(
                owner=request.user,
                name=form.cleaned_data["name"],
            )
        except ApplicationError as error:
            for message in error.fields.get("name", [error.message]):
                form.add_error("name", message)
        else:
            messages.success(
                request, f"Created {classroom.name}. Share the join code {classroom.join_code}."
            )
            return redirect("classroom-detail", pk=classroom.pk)
    return teacher_home_page(request, create_form=form, status=400)


@teacher_required
def classroom_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    classroom = account_selectors.classroom_managed_by(user=request.user, pk=pk)
    context = {
        "classroom": classroom,
        "learners": account_selectors.classroom_learners(classroom=classroom),
        "courses": course_list_for(user=request.user).filter(classrooms=classroom),
        "assign_form": _assign_form(request, classroom),
    }
    return render(request, "web/classrooms/detail.html", context)


@teacher_required
@require_POST
def classroom_regenerate_code_view(request: AuthedRequest, pk: int) -> HttpResponse:
    classroom = account_selectors.classroom_managed_by(user=request.user, pk=pk)
    account_services.classroom_regenerate_code(classroom=classroom)
    messages.success(request, f"New join code for {classroom.name}: {classroom.join_code}.")
    return _back(request, classroom)


@teacher_required
@require_POST
def classroom_joining_view(request: AuthedRequest, pk: int) -> HttpResponse:
    classroom = account_selectors.classroom_managed_by(user=request.user, pk=pk)
    enabled = request.POST.get("enabled") == "1"
    account_services.classroom_set_joining(classroom=classroom, enabled=enabled)
    state = "open" if enabled else "closed"
    messages.success(request, f"Joining {classroom.name} is now {state}.")
    return _back(request, classroom)


@teacher_required
@require_POST
def classroom_assign_course_view(request: AuthedRequest, pk: int) -> HttpResponse:
    classroom = account_selectors.classroom_managed_by(user=request.user, pk=pk)
    form = _assign_form(request, classroom, request.POST)
    if form.is_valid():
        course = assignable_courses(user=request.user, classroom=classroom).get(
            slug=form.cleaned_data["course"]
        )
        curriculum_services.classroom_assign_course(classroom=classroom, course=course)
        messages.success(request, f"{course.title} is now assigned to {classroom.name}.")
        return redirect("classroom-detail", pk=classroom.pk)
    context = {
        "classroom": classroom,
        "learners": account_selectors.classroom_learners(classroom=classroom),
        "courses": course_list_for(user=request.user).filter(classrooms=classroom),
        "assign_form": form,
    }
    return render(request, "web/classrooms/detail.html", context, status=400)


@teacher_required
@require_POST
def classroom_unassign_course_view(request: AuthedRequest, pk: int, slug: str) -> HttpResponse:
    classroom = account_selectors.classroom_managed_by(user=request.user, pk=pk)
    course = course_list_for(user=request.user).filter(classrooms=classroom, slug=slug).first()
    if course is not None:
        curriculum_services.classroom_unassign_course(classroom=classroom, course=course)
        messages.success(request, f"{course.title} is no longer assigned to {classroom.name}.")
    return redirect("classroom-detail", pk=classroom.pk)


@teacher_required
def classroom_remove_learner_confirm_view(
    request: AuthedRequest, pk: int, learner_pk: int
) -> HttpResponse:
    """The confirmation step before removing a learner: what goes (the enrolment) and what
    stays (their answers and progress). Its form posts to ``classroom-remove-learner``, which
    calls ``privacy.services.departures.classroom_learner_remove``."""
    classroom = account_selectors.classroom_managed_by(user=request.user, pk=pk)
    learner = get_object_or_404(
        account_selectors.classroom_learners(classroom=classroom), pk=learner_pk
    )
    context = {"classroom": classroom, "learner": learner}
    return render(request, "web/classrooms/remove_learner.html", context)
