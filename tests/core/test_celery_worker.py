"""Tasks run by a real `celery worker` process over the configured broker."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from apps.accounts.tasks import flush_expired_tokens
from tests.accounts.factories import LearnerFactory

pytestmark = pytest.mark.celery_worker


def test_flush_expired_tokens_runs_on_a_real_worker(celery_worker_process):
    user = LearnerFactory()
    now = timezone.now()
    OutstandingToken.objects.create(
        user=user,
        jti="old",
        token="x",
        created_at=now - timedelta(days=30),
        expires_at=now - timedelta(days=1),
    )
    OutstandingToken.objects.create(
        user=user, jti="new", token="y", created_at=now, expires_at=now + timedelta(days=1)
    )
    result = flush_expired_tokens.delay()
    assert result.get(timeout=60) == "flushed"
    assert list(OutstandingToken.objects.values_list("jti", flat=True)) == ["new"]
