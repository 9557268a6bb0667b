"""When Redis is down the login throttle keeps limiting (per process) and /ready says so.

The Redis here is a real client pointed at a port nothing listens on: the connection is
refused, as in an outage; no mock."""

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from apps.core import throttling
from tests.accounts.factories import LearnerFactory

pytestmark = pytest.mark.django_db

UNREACHABLE = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": UNREACHABLE,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.2,
                "SOCKET_TIMEOUT": 0.2,
                "IGNORE_EXCEPTIONS": False,
            },
        },
    }
    caches[throttling.FALLBACK_CACHE].clear()
    yield
    throttling._last_error_at = None
    caches[throttling.FALLBACK_CACHE].clear()


def test_the_login_throttle_still_limits_when_redis_is_down(redis_down, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/minute"})
    user = LearnerFactory()
    client = APIClient()
    statuses = [
        client.post(
            reverse("api-token"), {"username": user.username, "password": "wrong"}, format="json"
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 429]


def test_ready_says_the_throttles_are_per_process_while_redis_is_down(redis_down):
    assert Client().get("/ready").json()["throttle_backend"] == "shared"
    user = LearnerFactory()
    APIClient().post(
        reverse("api-token"), {"username": user.username, "password": "wrong"}, format="json"
    )
    assert Client().get("/ready").json()["throttle_backend"] == "per-process"
