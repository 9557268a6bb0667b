"""Server-rendered account pages: sign-up (login, logout and passwords are Django's views).

The home page and the classroom actions live with the dashboards in
``apps.recommendations.views``: they show courses and progress, which this app cannot import.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from apps.accounts import services
from apps.core.exceptions import ApplicationError
from apps.web.accounts.forms import SignUpForm


def _form_errors_from(form: SignUpForm, error: ApplicationError) -> None:
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
    return render(request, "web/accounts/signup.html", {"form": form}, status=status)
