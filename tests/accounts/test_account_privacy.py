"""Sign-up and password reset do not tell which e-mail addresses have accounts: the answers are
the same, the request does the same work, and mail goes out from a Celery task."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import User
from tests.accounts.factories import LearnerFactory

pytestmark = pytest.mark.django_db

PASSPHRASE = "plenty of words here"


def reset(client, email):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("password_reset"), {"email": email})
    return response, len(queries)


def test_password_reset_answers_known_and_unknown_addresses_alike(
    client, eager_celery, django_capture_on_commit_callbacks
):
    # given
    LearnerFactory(email="known@example.com")
    # when
    with django_capture_on_commit_callbacks(execute=False) as queued:
        known, known_queries = reset(client, "known@example.com")
        unknown, unknown_queries = reset(client, "nobody@example.com")
    # then: the same redirect, the same work in the request, and no mail sent by it
    assert (known.status_code, known["Location"]) == (302, reverse("password_reset_done"))
    assert (unknown.status_code, unknown["Location"]) == (302, reverse("password_reset_done"))
    assert known_queries == unknown_queries
    assert mail.outbox == []
    # the queued tasks send the one real mail
    assert len(queued) == 2
    for callback in queued:
        callback()
    assert [m.to for m in mail.outbox] == [["known@example.com"]]
    assert "/accounts/reset/" in mail.outbox[0].body


def _sign_up(client, username, email):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("api-register"),
        {"username": username, "password": PASSPHRASE, "email": email},
        format="json",
    )


def test_sign_up_with_an_address_in_use_is_accepted_and_its_owner_is_told(
    api_client, eager_celery, django_capture_on_commit_callbacks
):
    # given
    owner = LearnerFactory(email="owner@example.com")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        fresh = _sign_up(api_client, "fresh", "fresh@example.com")
        taken = _sign_up(api_client, "prober", "Owner@Example.com")
    # then: both are plain successes of the same shape
    assert (fresh.status_code, taken.status_code) == (201, 201)
    assert set(fresh.json()) == set(taken.json())
    assert "e-mail" not in taken.content.decode().lower()
    assert User.objects.get(username="prober").email == "owner@example.com"
    # only the address's owner hears of it, by mail
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]
    assert '"prober"' in mail.outbox[0].body
    assert f'"{owner.username}"' in mail.outbox[0].body


def test_browser_sign_up_with_an_address_in_use_is_accepted(
    client, eager_celery, django_capture_on_commit_callbacks
):
    LearnerFactory(email="owner@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("signup"),
            {
                "username": "second",
                "email": "owner@example.com",
                "password1": PASSPHRASE,
                "password2": PASSPHRASE,
            },
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]


def test_a_taken_username_is_still_reported(api_client):
    """Usernames are public handles: sign-up must say when one is taken. The lockout and the
    auth throttle are what keep probing them slow."""
    LearnerFactory(username="noor")
    response = _sign_up(api_client, "NOOR", "")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["username"]


def test_the_reset_task_runs_on_a_real_worker(celery_worker_process):
    from apps.accounts.tasks import send_password_reset

    LearnerFactory(email="known@example.com")
    sent = send_password_reset.delay(email="known@example.com", domain="testserver", use_https=True)
    not_sent = send_password_reset.delay(email="nobody@example.com", domain="x", use_https=True)
    # The worker's mail goes to its own memory; the counts say what it sent.
    assert (sent.get(timeout=60), not_sent.get(timeout=60)) == (1, 0)
