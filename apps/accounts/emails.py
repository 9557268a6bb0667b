"""Account e-mails, sent from Celery tasks (apps.accounts.tasks) so the request that causes one
answers the same, and in about the same time, whether or not the address has an account."""

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import send_mail
from django.template.loader import render_to_string

from apps.accounts.models import User


def password_reset_send(*, email: str, domain: str, use_https: bool) -> int:
    """Mail a reset link to each active account with ``email``; returns how many."""
    # Django's form holds the rules (usable password, active, the token generator); it is
    # only run here, in the worker, instead of in the request.
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return 0
    users = list(form.get_users(form.cleaned_data["email"]))
    if users:
        form.save(domain_override=domain, use_https=use_https)
    return len(users)


def email_in_use_send(*, user_id: int, email: str) -> int:
    """Tell an address's earlier owners that account ``user_id`` now gives it too."""
    newcomer = User.objects.filter(pk=user_id).first()
    owners = list(
        User.objects.filter(email__iexact=email, is_active=True)
        .exclude(pk=user_id)
        .order_by("date_joined")
    )
    if newcomer is None or not owners:
        return 0
    context = {"newcomer": newcomer, "owners": owners}
    subject = render_to_string("registration/email_in_use_subject.txt", context).strip()
    body = render_to_string("registration/email_in_use_email.txt", context)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
