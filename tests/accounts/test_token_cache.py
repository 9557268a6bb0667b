"""The user behind an access token is cached (no query per request), and every change to the
user or the token is seen at once: deactivation, a new role, a logout."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Role
from tests.accounts.factories import LearnerFactory, TeacherFactory
from tests.helpers import client_for

pytestmark = pytest.mark.django_db
ME = "/api/v1/me/"


def user_queries(client) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(ME).status_code == 200
    return sum('FROM "accounts_user"' in query["sql"] for query in captured)


def test_a_token_used_again_costs_no_user_query():
    client = client_for(LearnerFactory())
    assert user_queries(client) >= 1  # read, checked and cached
    assert user_queries(client) == 0


def test_deactivating_a_user_ends_their_cached_token_at_once():
    learner = LearnerFactory()
    client = client_for(learner)
    user_queries(client)
    user_queries(client)
    learner.is_active = False
    learner.save()
    assert client.get(ME).status_code == 401


def test_a_role_change_is_seen_on_the_next_request():
    teacher = TeacherFactory()
    client = client_for(teacher)
    assert client.get(ME).json()["role"] == "teacher"
    teacher.role = Role.LEARNER
    teacher.save()
    assert client.get(ME).json()["role"] == "learner"


def test_a_logged_out_token_is_refused_though_it_was_cached():
    learner = LearnerFactory()
    client = client_for(learner)
    user_queries(client)
    user_queries(client)
    access = client._credentials["HTTP_AUTHORIZATION"].split()[1]
    from rest_framework_simplejwt.tokens import RefreshToken

    refresh = str(RefreshToken.for_user(learner))
    out = client.post("/api/v1/auth/logout/", {"refresh": refresh}, format="json")
    assert out.status_code in (200, 204, 205), out.content
    again = client_for(None)
    again.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    assert again.get(ME).status_code == 401


def test_a_lost_generation_is_a_miss_never_a_stale_hit():
    from django.core.cache import caches

    learner = LearnerFactory()
    client = client_for(learner)
    user_queries(client)
    user_queries(client)
    caches["auth"].delete(f"user-gen:{learner.pk}")  # evicted, or the cache restarted
    assert user_queries(client) >= 1
