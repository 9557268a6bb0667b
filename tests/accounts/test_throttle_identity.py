"""The API's login throttle keys on the real peer: a random X-Forwarded-For per request does
not buy a fresh allowance (NUM_PROXIES defaults to 0; behind the ALB the chart sets 1)."""

import uuid

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from tests.accounts.factories import LearnerFactory

pytestmark = pytest.mark.django_db


def wrong_login(client, username, forwarded):
    return client.post(
        reverse("api-token"),
        {"username": username, "password": "wrong"},
        format="json",
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_the_default_trusts_no_forwarded_header():
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0


def test_a_random_forwarded_address_per_request_is_still_throttled(monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/minute"})
    user = LearnerFactory()
    client = APIClient()
    statuses = [
        wrong_login(client, user.username, f"10.{n}.{uuid.uuid4().int % 250}.1").status_code
        for n in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]


def test_behind_one_proxy_the_address_it_appended_is_the_client(monkeypatch, settings):
    """With NUM_PROXIES = 1 the last X-Forwarded-For entry (the ALB's) identifies the client;
    what the client put before it is ignored."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "2/minute"})
    user = LearnerFactory()
    client = APIClient()
    same_client = [
        wrong_login(client, user.username, f"{uuid.uuid4().int % 250}.0.0.9, 203.0.113.7")
        for _ in range(3)
    ]
    other_client = wrong_login(client, user.username, "198.51.100.4")
    assert [r.status_code for r in same_client] == [401, 401, 429]
    assert other_client.status_code == 401
