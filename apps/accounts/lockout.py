"""Login lockout (django-axes) on every password check: the browser login, the admin login and
the API token endpoint. Settings: ``AXES_*`` in adaptive_learning/settings/base.py.

A client is locked out for ``AXES_COOLOFF_TIME`` after ``AXES_FAILURE_LIMIT`` failures for one
username from one address, or from one address in all. Usernames are public handles (sign-up
has to say when one is taken), so guessing *which* accounts exist is cheap; guessing their
passwords is what the lockout and the API throttle make slow. Unknown usernames count like real
ones, so the lockout itself tells nothing about which exist.
"""

from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from rest_framework.exceptions import Throttled
from rest_framework.throttling import BaseThrottle

from apps.accounts.usernames import username_normalise
from apps.core.exceptions import error_body

LOCKED_OUT_MESSAGE = "Too many failed logins for this account or from this network."


def client_ip(request: HttpRequest) -> str | None:
    """The client's address by the throttles' rule (DRF ``NUM_PROXIES``): the real peer unless
    proxies are configured, so a forged X-Forwarded-For does not buy a fresh allowance."""
    return BaseThrottle().get_ident(request)  # type: ignore[arg-type]  # reads only META


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The username as login resolves it (NFKC, any case), so ``Learner`` and ``ｌｅａｒｎｅｒ``
    share ``learner``'s count instead of each getting a fresh one."""
    raw = (credentials or {}).get("username")
    if raw is None:
        raw = request.POST.get("username") if hasattr(request, "POST") else None
    if raw is None:
        return None
    return username_normalise(str(raw)).lower()[
        : AccessAttempt._meta.get_field("username").max_length
    ]


def _minutes(cool_off: timedelta | None) -> str:
    minutes = max(1, round((cool_off or timedelta()).total_seconds() / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """What a locked-out client gets: a page for people, the API's error shape under /api/."""
    cool_off = get_cool_off(request)
    message = f"{LOCKED_OUT_MESSAGE} Try again in {_minutes(cool_off)}."
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(error_body("locked_out", message), status=429)
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


class LockedOut(Throttled):
    """The API's lockout answer (DRF's Request hides axes' flag from AxesMiddleware, so the
    token view raises this itself)."""

    default_code = "locked_out"
    extra_detail_singular = extra_detail_plural = "Try again in {wait} seconds."

    def __init__(self, request: Any) -> None:
        cool_off = get_cool_off(request)
        super().__init__(
            wait=cool_off.total_seconds() if cool_off else None, detail=LOCKED_OUT_MESSAGE
        )


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler (it holds on SQLite and PostgreSQL alike, and through a Redis
    outage), except that a successful login clears only that username's failures from that
    address. axes' own reset clears every parameter's rows, including the address-wide ones,
    which would let an attacker wipe their guesses at someone else's password by logging into
    their own account in between."""

    def reset_user_attempts(self, request: Any, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()
        return count
