"""Server-rendered account pages: sign-up, home, classroom actions. Thin: forms in, services out."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.core.exceptions import ApplicationError

from . import selectors, services
from .forms import ClassroomCreateForm, ClassroomJoinForm, SignUpForm


def _form_errors_from(form, error: ApplicationError) -> None:  # type: ignore[no-untyped-def]
    for field, field_messages in (error.fields or {"__all__": [error.message]}).items():
        target = field if field in form.fields else None
        for message in field_messages:
            form.add_error(target, message)


def signup_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ApplicationError as error:
            if "password" in error.fields:
                error.fields["password1"] = error.fields.pop("password")
            _form_errors_from(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {user.username}! Your account is ready.")
            return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/signup.html", {"form": form}, status=status)


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    classrooms = selectors.classroom_list_for(user=request.user)
    context = {
        "classrooms": classrooms,
        "join_form": ClassroomJoinForm(),
        "create_form": ClassroomCreateForm(),
    }
    return render(request, "accounts/home.html", context)


@login_required
@require_POST
def classroom_join_view(request: HttpRequest) -> HttpResponse:
    form = ClassroomJoinForm(request.POST)
    if form.is_valid():
        try:
            enrollment = services.classroom_join(
                learner=request.user, code=form.cleaned_data["code"]
            )
        except ApplicationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, f"You joined {enrollment.classroom.name}.")
            return redirect("home")
    context = {
        "classrooms": selectors.classroom_list_for(user=request.user),
        "join_form": form,
        "create_form": ClassroomCreateForm(),
    }
    return render(request, "accounts/home.html", context, status=400)


@login_required
@require_POST
def classroom_create_view(request: HttpRequest) -> HttpResponse:
    form = ClassroomCreateForm(request.POST)
    if form.is_valid():
        try:
            classroom = services.classroom_create(
                owner=request.user, name=form.cleaned_data["name"]
            )
        except ApplicationError as error:
            if error.status_code == 403:
                return HttpResponse(error.message, status=403)
            _form_errors_from(form, error)
        else:
            messages.success(
                request, f"Created {classroom.name}. Share the join code {classroom.join_code}."
            )
            return redirect("home")
    context = {
        "classrooms": selectors.classroom_list_for(user=request.user),
        "join_form": ClassroomJoinForm(),
        "create_form": form,
    }
    return render(request, "accounts/home.html", context, status=400)


@login_required
@require_POST
def classroom_regenerate_code_view(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = selectors.classroom_managed_by(user=request.user, pk=pk)
    services.classroom_regenerate_code(classroom=classroom)
    messages.success(request, f"New join code for {classroom.name}: {classroom.join_code}.")
    return redirect(request.POST.get("next") or "home")


@login_required
@require_POST
def classroom_joining_view(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = selectors.classroom_managed_by(user=request.user, pk=pk)
    enabled = request.POST.get("enabled") == "1"
    services.classroom_set_joining(classroom=classroom, enabled=enabled)
    state = "open" if enabled else "closed"
    messages.success(request, f"Joining {classroom.name} is now {state}.")
    return redirect(request.POST.get("next") or "home")
