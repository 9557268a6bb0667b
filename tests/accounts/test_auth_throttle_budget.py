"""The auth throttle keys on the client address and the account: a school behind one NAT is not
locked out by its own pupils' token refreshes, and refresh has its own, higher budget; one
account hammering login from one address is still throttled."""

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle
from rest_framework_simplejwt.tokens import RefreshToken

from apps.core import throttling
from tests.accounts.factories import PASSWORD, LearnerFactory
from tests.core.test_throttles_without_redis import redis_down  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

SCHOOL = "203.0.113.10"


def refresh(client, token, address=SCHOOL):
    return client.post(
        reverse("api-token-refresh"), {"refresh": token}, format="json", REMOTE_ADDR=address
    )


def login(client, username, password="wrong", address=SCHOOL):  # noqa: S107
    return client.post(
        reverse("api-token"),
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=address,
    )


def test_refresh_has_its_own_higher_default_budget():
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert rates["auth"] == "20/minute"
    assert rates["auth_refresh"] == "120/minute"


def test_thirty_learners_behind_one_address_each_refresh_without_429():
    # given 30 pupils of one school, one address, the default budgets
    tokens = [str(RefreshToken.for_user(LearnerFactory())) for _ in range(30)]
    client = APIClient()
    # when each refreshes (more than the old shared 20 per minute per address)
    statuses = [refresh(client, token).status_code for token in tokens]
    # then
    assert statuses == [200] * 30


def test_one_account_refreshing_past_its_budget_is_throttled_but_not_its_classmates(
    monkeypatch,
):
    monkeypatch.setattr(
        ScopedRateThrottle, "THROTTLE_RATES", {"auth": "20/minute", "auth_refresh": "3/minute"}
    )
    client = APIClient()
    token = str(RefreshToken.for_user(LearnerFactory()))
    statuses = []
    for _ in range(4):
        response = refresh(client, token)
        statuses.append(response.status_code)
        token = response.json().get("refresh", token)
    classmate = refresh(client, str(RefreshToken.for_user(LearnerFactory())))
    assert statuses == [200, 200, 200, 429]
    assert classmate.status_code == 200


def test_garbage_refresh_tokens_share_the_address_budget(monkeypatch):
    """A token that does not verify names no account, so varying it buys no fresh budget."""
    monkeypatch.setattr(
        ScopedRateThrottle, "THROTTLE_RATES", {"auth": "20/minute", "auth_refresh": "2/minute"}
    )
    client = APIClient()
    statuses = [refresh(client, f"garbage-{n}").status_code for n in range(3)]
    assert statuses == [401, 401, 429]


def test_one_account_hammering_login_gets_429_and_others_behind_the_address_do_not(monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/minute"})
    target, classmate = LearnerFactory(), LearnerFactory()
    client = APIClient()
    # when one account is hammered, its username spelled in different cases
    spellings = [target.username, target.username.upper(), target.username, target.username]
    statuses = [login(client, name).status_code for name in spellings]
    # then it is throttled; a classmate at the same address still logs in
    assert statuses == [401, 401, 401, 429]
    assert login(client, classmate.username, PASSWORD).status_code == 200


def test_the_account_keyed_throttle_still_limits_when_redis_is_down(redis_down, monkeypatch):  # noqa: F811
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "2/minute"})
    user = LearnerFactory()
    client = APIClient()
    statuses = [login(client, user.username).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    assert throttling.throttle_backend() == "per-process"
