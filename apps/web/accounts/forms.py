from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html

from apps.accounts.models import Role


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
    role = forms.ChoiceField(
        label="I am a",
        choices=[(Role.LEARNER, "Learner"), (Role.TEACHER, "Teacher")],
        initial=Role.LEARNER,
        widget=forms.RadioSelect,
    )

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
