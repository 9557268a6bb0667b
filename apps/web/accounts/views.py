"""Server-rendered account pages: sign-up and the teacher request (login, logout and passwords
are Django's views; the reset form is ours, see QueuedPasswordResetForm).

The home page and the classroom actions live with the dashboards in
``apps.recommendations.views``: they show courses and progress, which this app cannot import.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from apps.accounts import selectors, services
from apps.accounts.models import TeacherRequestStatus
from apps.accounts.requests import request_user
from apps.core.exceptions import ApplicationError
from apps.web.accounts.forms import SignUpForm, TeacherRequestForm

FIELD_OF_SERVICE_ERROR = {"password": "password1", "request_teacher": "__all__"}


def _form_errors_from(form: Form, error: ApplicationError) -> None:
    for field, field_messages in (error.fields or {"__all__": [error.message]}).items():
        field = FIELD_OF_SERVICE_ERROR.get(field, field)
        target = field if field in form.fields and field != "invitation" else None
        for message in field_messages:
            form.add_error(target, message)


def signup_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    initial = {"invitation": request.GET.get("invitation", "")}
    form = SignUpForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_sign_up(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                email=form.cleaned_data.get("email", ""),
                request_teacher=form.cleaned_data.get("request_teacher", False),
                teacher_note=form.cleaned_data.get("teacher_note", ""),
                invitation_token=form.cleaned_data["invitation"],
            )
        except ApplicationError as error:
            _form_errors_from(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {user.username}! Your account is ready.")
            if form.cleaned_data.get("request_teacher") and user.is_learner:
                messages.info(
                    request,
                    "Your request for a teacher account is with an administrator; until it "
                    "is approved you use the site as a learner.",
                )
            return redirect("home")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "invited": bool(form["invitation"].value())}
    return render(request, "web/accounts/signup.html", context, status=status)


@login_required
def teacher_request_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = TeacherRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.teacher_request_create(user=user, note=form.cleaned_data["note"])
        except ApplicationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, "Your request is with an administrator.")
            return redirect("teacher-request")
    context = {
        "form": form,
        "status": selectors.teacher_request_status(user=user),
        "pending": TeacherRequestStatus.PENDING,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "web/accounts/teacher_request.html", context, status=status)
