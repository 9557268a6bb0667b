"""Errors reach ADMINS by mail (Django's error reporting) as well as the JSON log."""

import json
import logging

import pytest
from django.conf import settings
from django.core import mail
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from adaptive_learning.settings.logging_config import parse_admins
from tests.core.helpers import run_django


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the view broke")


urlpatterns = [path("boom/", boom)]


@pytest.mark.parametrize(
    ("value", "admins"),
    [
        ("", []),
        ("ops@example.com", [("ops@example.com", "ops@example.com")]),
        (
            "Ada Ops <ada@example.com>, bob@example.com",
            [("Ada Ops", "ada@example.com"), ("bob@example.com", "bob@example.com")],
        ),
        ('"Ops, night shift" <night@example.com>', [("Ops, night shift", "night@example.com")]),
        (" Ada <ada@example.com> ,, ", [("Ada", "ada@example.com")]),
    ],
)
def test_admins_are_parsed_like_mail_headers(value, admins):
    assert parse_admins(value) == admins


@pytest.mark.parametrize("value", ["not-an-address", "Ada <ada>", "Ops <@example.com>"])
def test_admins_that_mail_no_one_are_refused(value):
    with pytest.raises(ValueError, match="DJANGO_ADMINS"):
        parse_admins(value)


def test_settings_read_admins_and_server_email_from_the_environment():
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "print(repr((settings.ADMINS, settings.SERVER_EMAIL)))\n"
    )
    result = run_django(
        code,
        {
            "DJANGO_SETTINGS_MODULE": "adaptive_learning.settings.base",
            "DJANGO_ADMINS": "Ada Ops <ada@example.com>,bob@example.com",
            "SERVER_EMAIL": "errors@learn.example.com",
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == repr(
        (
            [("Ada Ops", "ada@example.com"), ("bob@example.com", "bob@example.com")],
            "errors@learn.example.com",
        )
    )


def test_production_refuses_admins_with_mail_that_goes_nowhere():
    env = {
        "DJANGO_SETTINGS_MODULE": "adaptive_learning.settings.production",
        "SECRET_KEY": "k3y-" + "x9Q2vL7pZ" * 8,
        "ALLOWED_HOSTS": "learn.example.com",
        "DJANGO_ADMINS": "ops@example.com",
    }
    refused = run_django("import django; django.setup()", {**env, "EMAIL_URL": "consolemail://"})
    assert refused.returncode != 0
    assert "DJANGO_ADMINS is set but EMAIL_URL sends no mail" in refused.stderr
    smtp = {**env, "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.com:587"}
    assert run_django("import django; django.setup()", smtp).returncode == 0


@pytest.mark.django_db
@override_settings(
    ROOT_URLCONF=__name__,
    ADMINS=[("Ops", "ops@example.com")],
    SERVER_EMAIL="errors@learn.example.com",
)
def test_an_unhandled_error_mails_the_admins_and_is_still_logged_as_json():
    records: list[logging.LogRecord] = []
    collector = logging.Handler()
    collector.emit = records.append  # type: ignore[method-assign]
    logging.getLogger("django.request").addHandler(collector)
    try:
        response = Client(raise_request_exception=False).get("/boom/")
    finally:
        logging.getLogger("django.request").removeHandler(collector)
    assert response.status_code == 500
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ops@example.com"]
    assert message.from_email == "errors@learn.example.com"
    assert message.subject.startswith("[Adaptive Learning] ERROR")
    assert "RuntimeError at /boom/\nthe view broke" in message.body
    assert settings.SECRET_KEY not in message.body  # Django's report masks secret settings
    # The same record still becomes one JSON line on stdout.
    # (pytest adds capture handlers of its own next to ours)
    handlers = {type(h).__name__: h for h in logging.getLogger("django").handlers}
    assert {"StreamHandler", "AdminEmailHandler"} <= set(handlers)
    [record] = records
    line = json.loads(handlers["StreamHandler"].format(record))
    assert (line["logger"], line["level"], line["message"]) == (
        "django.request",
        "ERROR",
        "Internal Server Error: /boom/",
    )
