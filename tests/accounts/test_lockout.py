"""Login lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords the right one is refused
too, on the browser login, the admin login and the API token endpoint, until the cool-off."""

import uuid
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from tests.accounts.factories import PASSWORD, AdminFactory, LearnerFactory

pytestmark = pytest.mark.django_db

WRONG_TRIES = 30


@pytest.fixture(autouse=True)
def _generous_api_throttle(monkeypatch):  # type: ignore[no-untyped-def]
    # The API's own throttle (20/minute) would answer first; these tests are about the lockout.
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "1000/minute"})


def browser_login(client, username, password, path="login", **headers):  # type: ignore[no-untyped-def]
    return client.post(reverse(path), {"username": username, "password": password}, **headers)


def api_login(client, username, password, **headers):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("api-token"), {"username": username, "password": password}, format="json", **headers
    )


def end_cool_off() -> None:
    """Time travel: every recorded failure is now older than the cool-off."""
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.first().attempt_time  # type: ignore[union-attr]
        - settings.AXES_COOLOFF_TIME
        - timedelta(seconds=1)
    )


def test_the_defaults_are_ten_failures_and_fifteen_minutes():
    assert (10, timedelta(minutes=15)) == (settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME)


def test_browser_login_locks_out_and_the_right_password_is_refused_until_the_cool_off(client):
    user = LearnerFactory()
    wrong = [browser_login(client, user.username, "wrong").status_code for _ in range(WRONG_TRIES)]
    locked = browser_login(client, user.username, PASSWORD)
    assert wrong[:9] == [200] * 9  # the form again, with its error
    assert set(wrong[10:]) == {429}
    assert locked.status_code == 429
    assert b"Too many failed logins" in locked.content
    assert "_auth_user_id" not in client.session
    # after the cool-off
    end_cool_off()
    again = browser_login(client, user.username, PASSWORD)
    assert (again.status_code, again["Location"]) == (302, reverse("home"))


def test_admin_login_locks_out(client):
    admin = AdminFactory()
    for _ in range(WRONG_TRIES):
        browser_login(client, admin.username, "wrong", path="admin:login")
    locked = browser_login(client, admin.username, PASSWORD, path="admin:login")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    end_cool_off()
    assert browser_login(client, admin.username, PASSWORD, path="admin:login").status_code == 302


def test_api_token_locks_out_with_a_json_429(api_client):
    user = LearnerFactory()
    statuses = [
        api_login(api_client, user.username, "wrong").status_code for _ in range(WRONG_TRIES)
    ]
    locked = api_login(api_client, user.username, PASSWORD)
    assert statuses[:9] == [401] * 9
    assert set(statuses[10:]) == {429}
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json"
    assert locked.json()["error"]["code"] == "locked_out"
    assert "Too many failed logins" in locked.json()["error"]["message"]
    assert "access" not in locked.json()
    end_cool_off()
    assert api_login(api_client, user.username, PASSWORD).status_code == 200


def test_axes_reset_unlocks(client):
    from axes.utils import reset

    user = LearnerFactory()
    for _ in range(WRONG_TRIES):
        browser_login(client, user.username, "wrong")
    reset(username=user.username.lower())
    reset(ip="127.0.0.1")
    assert browser_login(client, user.username, PASSWORD).status_code == 302


@pytest.mark.parametrize("via", ["browser", "api"])
def test_a_random_forwarded_address_does_not_escape_the_lockout(client, via):
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0
    user = LearnerFactory()
    api = APIClient()

    def attempt(password):  # type: ignore[no-untyped-def]
        forwarded = {
            "HTTP_X_FORWARDED_FOR": f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.1"
        }
        if via == "browser":
            return browser_login(client, user.username, password, **forwarded)
        return api_login(api, user.username, password, **forwarded)

    for _ in range(WRONG_TRIES):
        attempt("wrong")
    assert attempt(PASSWORD).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_behind_one_proxy_the_appended_address_is_the_client(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    user = LearnerFactory()
    for _ in range(WRONG_TRIES):
        browser_login(client, user.username, "wrong", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    other_client = browser_login(
        client, user.username, PASSWORD, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.4"
    )
    assert other_client.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


def test_case_and_width_variants_of_a_username_share_one_count(client, settings):
    settings.AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # the per-account rule alone
    user = LearnerFactory(username="learner")
    for variant in ["Learner", "LEARNER", "ｌｅａｒｎｅｒ", "learner "] * 3:
        browser_login(client, variant, "wrong")
    assert browser_login(client, "learner", PASSWORD).status_code == 429
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [user.username]


def test_logging_into_ones_own_account_does_not_clear_guesses_at_another(client):
    victim, attacker = LearnerFactory(), LearnerFactory()
    for _ in range(3):
        for _ in range(3):
            browser_login(client, victim.username, "guess")
        assert browser_login(client, attacker.username, PASSWORD).status_code == 302
        client.logout()
    # 9 guesses at the victim survived the attacker's own logins; the 10th locks out.
    browser_login(client, victim.username, "guess")
    assert browser_login(client, victim.username, PASSWORD).status_code == 429


def test_a_successful_login_clears_that_accounts_own_failures(client):
    user = LearnerFactory()
    for _ in range(9):
        browser_login(client, user.username, "typo")
    assert browser_login(client, user.username, PASSWORD).status_code == 302
    client.logout()
    assert not AccessAttempt.objects.filter(username=user.username).exists()
