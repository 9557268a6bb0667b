from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.password_validation import password_validators_help_text_html

from apps.accounts import services


class SignUpForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    email = forms.EmailField(
        required=False,
        help_text="Optional; used only to reset your password.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        help_text=password_validators_help_text_html(),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    request_teacher = forms.BooleanField(
        label="I am a teacher: ask for a teacher account",
        required=False,
        help_text=(
            "You start as a learner; an administrator checks the request and makes you a "
            "teacher. Teachers with an invitation link become teachers at once."
        ),
    )
    teacher_note = forms.CharField(
        label="School or note for the administrator",
        required=False,
        max_length=500,
    )
    invitation = forms.CharField(required=False, max_length=128, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self["invitation"].value():
            # An invited teacher is a teacher already, on the address the invitation went to.
            for name in ("email", "request_teacher", "teacher_note"):
                del self.fields[name]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return cleaned


class ClassroomJoinForm(forms.Form):
    code = forms.CharField(
        label="Join code",
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class ClassroomCreateForm(forms.Form):
    name = forms.CharField(label="Classroom name", max_length=120)


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, except that the lookup and the mail happen in a Celery task: the
    page answers the same, in about the same time, for known and unknown addresses."""

    def save(self, domain_override: str | None = None, **kwargs: Any) -> None:  # type: ignore[override]
        request = kwargs.get("request")
        email = self.cleaned_data["email"]
        domain = domain_override or (request.get_host() if request else "localhost")
        use_https = bool(kwargs.get("use_https"))
        services.password_reset_request(email=email, domain=domain, use_https=use_https)


class TeacherRequestForm(forms.Form):
    note = forms.CharField(
        label="School or note for the administrator", required=False, max_length=500
    )
