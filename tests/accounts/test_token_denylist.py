"""Logging out ends the access token sent with the logout (a denylist by jti until it would
expire); the user's other tokens keep working; expired entries are pruned."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts import services
from apps.accounts.models import AccessTokenDenylist
from apps.accounts.tasks import flush_expired_tokens
from tests.accounts.factories import PASSWORD, LearnerFactory

pytestmark = pytest.mark.django_db


def log_in(username):  # type: ignore[no-untyped-def]
    """A device: a client holding its own token pair."""
    client = APIClient()
    tokens = client.post(
        reverse("api-token"), {"username": username, "password": PASSWORD}, format="json"
    ).json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    return client, tokens


def test_after_logout_the_same_access_token_is_a_401_and_other_devices_keep_working():
    # given: one user on two devices
    user = LearnerFactory()
    phone, phone_tokens = log_in(user.username)
    laptop, _ = log_in(user.username)
    assert phone.get(reverse("api-me")).status_code == 200
    # when
    out = phone.post(reverse("api-logout"), {"refresh": phone_tokens["refresh"]}, format="json")
    # then
    assert out.status_code == 205
    after = phone.get(reverse("api-me"))
    assert after.status_code == 401
    assert after.json()["error"]["code"] == "token_revoked"
    assert "ended by a logout" in after.json()["error"]["message"]
    assert laptop.get(reverse("api-me")).status_code == 200
    entry = AccessTokenDenylist.objects.get()
    # kept exactly as long as the token would have lived
    assert timezone.now() < entry.expires_at <= timezone.now() + timedelta(minutes=15)


def test_logout_without_an_access_token_still_revokes_the_refresh_token(api_client):
    user = LearnerFactory()
    _, tokens = log_in(user.username)
    out = api_client.post(reverse("api-logout"), {"refresh": tokens["refresh"]}, format="json")
    assert out.status_code == 205
    assert not AccessTokenDenylist.objects.exists()


def test_the_denylist_check_is_one_indexed_query(as_user):
    client = as_user(LearnerFactory())
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("api-me")).status_code == 200
    denylist_queries = [q for q in queries if "accesstokendenylist" in q["sql"].lower()]
    assert len(denylist_queries) == 1
    assert '"jti" =' in denylist_queries[0]["sql"]


def test_expired_entries_are_pruned_by_the_nightly_token_flush():
    now = timezone.now()
    services.access_token_revoke(
        jti="old", expires_at=int((now - timedelta(minutes=1)).timestamp())
    )
    services.access_token_revoke(
        jti="live", expires_at=int((now + timedelta(minutes=5)).timestamp())
    )
    assert flush_expired_tokens.apply().get() == "flushed"
    assert list(AccessTokenDenylist.objects.values_list("jti", flat=True)) == ["live"]


def test_revoking_twice_is_harmless():
    expires = int((timezone.now() + timedelta(minutes=5)).timestamp())
    first = services.access_token_revoke(jti="same", expires_at=expires)
    second = services.access_token_revoke(jti="same", expires_at=expires)
    assert first.pk == second.pk


def test_the_nightly_flush_also_prunes_old_login_logs():
    from axes.models import AccessLog

    now = timezone.now()
    old = AccessLog.objects.create(username="a", ip_address="127.0.0.1", user_agent="x")
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=now - timedelta(days=31))
    recent = AccessLog.objects.create(username="b", ip_address="127.0.0.1", user_agent="x")
    flush_expired_tokens.apply().get()
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [recent.pk]
