"""Point 7, deletion: a learner asks for deletion (password-confirmed) from the API and from the
"Your data" page; it is carried out after the grace period by the hourly task, or at once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from adaptive_learning.celery import DEFAULT_BEAT_SCHEDULE
from apps.accounts.models import User
from apps.assessments.models import ItemResponse
from apps.core.exceptions import Conflict
from apps.privacy.models import (
    AuditAction,
    AuditOutcome,
    DeletionRequest,
    DeletionStatus,
    PrivacyAuditEntry,
)
from apps.privacy.tasks import erase_due_learners
from apps.recommendations.models import SkillMastery
from tests.accounts.factories import PASSWORD, LearnerFactory
from tests.helpers import client_for

URL = "/api/v1/me/deletion-request/"

pytestmark = pytest.mark.django_db


def test_a_request_waits_for_the_grace_period(settings, with_history):
    settings.PRIVACY_ERASURE_GRACE_DAYS = 7
    client = client_for(with_history)

    response = client.post(URL, {"password": PASSWORD}, format="json")

    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "pending"
    request = DeletionRequest.objects.get()
    assert request.due_at - request.requested_at == timedelta(days=7)
    assert client.get(URL).json()["id"] == request.pk
    # nothing is erased yet, and asking again returns the same request
    assert User.objects.get(pk=with_history.pk).is_active
    assert client.post(URL, {"password": PASSWORD}, format="json").json()["id"] == request.pk
    assert DeletionRequest.objects.count() == 1
    entry = PrivacyAuditEntry.objects.get()
    assert (entry.action, entry.outcome) == (AuditAction.DELETION_REQUESTED, AuditOutcome.SUCCEEDED)


def test_the_hourly_task_erases_due_requests_only(settings, with_history):
    settings.PRIVACY_ERASURE_GRACE_DAYS = 7
    assert DEFAULT_BEAT_SCHEDULE["erase-due-learners"]["task"] == erase_due_learners.name
    waiting = LearnerFactory()
    client_for(with_history).post(URL, {"password": PASSWORD}, format="json")
    client_for(waiting).post(URL, {"password": PASSWORD}, format="json")
    DeletionRequest.objects.filter(learner=with_history).update(
        due_at=timezone.now() - timedelta(minutes=1)
    )

    assert erase_due_learners.apply().get() == 1

    erased = User.objects.get(pk=with_history.pk)
    assert (erased.username, erased.is_active, erased.email) == (
        f"erased-{erased.pk}",
        False,
        "",
    )
    assert SkillMastery.objects.filter(learner=erased).count() == 0
    assert DeletionRequest.objects.get(learner=erased).status == DeletionStatus.COMPLETED
    assert User.objects.get(pk=waiting.pk).is_active
    assert DeletionRequest.objects.get(learner=waiting).status == DeletionStatus.PENDING
    assert erase_due_learners.apply().get() == 0  # idempotent
    erasure = PrivacyAuditEntry.objects.get(action=AuditAction.ERASURE)
    assert (erasure.actor, erasure.actor_label, erasure.source) == (None, "system", "task")


def test_a_pending_request_can_be_cancelled(settings, with_history):
    settings.PRIVACY_ERASURE_GRACE_DAYS = 7
    client = client_for(with_history)
    client.post(URL, {"password": PASSWORD}, format="json")

    response = client.delete(URL)

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    DeletionRequest.objects.update(due_at=timezone.now() - timedelta(days=1))
    assert erase_due_learners() == 0
    assert User.objects.get(pk=with_history.pk).is_active
    assert client.delete(URL).status_code == 404


def test_with_no_grace_period_the_erasure_is_immediate(settings, with_history, api_client):
    settings.PRIVACY_ERASURE_GRACE_DAYS = 0
    kept = ItemResponse.objects.filter(learner=with_history).count()

    response = client_for(with_history).post(URL, {"password": PASSWORD}, format="json")

    assert response.status_code == 202
    assert response.json()["status"] == "completed"
    erased = User.objects.get(pk=with_history.pk)
    assert not erased.is_active
    assert not erased.has_usable_password()
    assert ItemResponse.objects.filter(learner=erased).count() == kept  # anonymised, kept
    # the account can no longer sign in, with the old token or the old password
    assert client_for(with_history).get("/api/v1/me/").status_code == 401
    token = api_client.post(
        "/api/v1/auth/token/",
        {"username": with_history.username, "password": PASSWORD},
        format="json",
    )
    assert token.status_code == 401


def test_a_wrong_password_is_a_400_naming_the_field_and_changes_nothing(settings, with_history):
    settings.PRIVACY_ERASURE_GRACE_DAYS = 0
    response = client_for(with_history).post(URL, {"password": "not it"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()["error"]["fields"]
    missing = client_for(with_history).post(URL, {}, format="json")
    assert missing.status_code == 400
    assert "password" in missing.json()["error"]["fields"]
    assert DeletionRequest.objects.count() == 0
    assert User.objects.get(pk=with_history.pk).is_active
    entry = PrivacyAuditEntry.objects.get()
    assert (entry.outcome, entry.detail) == (AuditOutcome.REFUSED, "wrong password")


@pytest.mark.parametrize("who", ["anonymous", "teacher", "admin_user"])
def test_only_learners_ask_for_their_own_deletion(who, request, settings):
    settings.PRIVACY_ERASURE_GRACE_DAYS = 0
    user = None if who == "anonymous" else request.getfixturevalue(who)
    response = client_for(user).post(URL, {"password": PASSWORD}, format="json")
    assert response.status_code == (401 if user is None else 403)
    assert DeletionRequest.objects.count() == 0
    if user is not None:
        assert User.objects.get(pk=user.pk).is_active


def test_the_page_asks_for_the_password_and_schedules_the_deletion(settings, client, learner):
    settings.PRIVACY_ERASURE_GRACE_DAYS = 7
    client.force_login(learner)

    wrong = client.post("/account/data/delete/", {"password": "nope"})
    assert wrong.status_code == 400
    assert "That is not your password." in wrong.content.decode()
    assert DeletionRequest.objects.count() == 0

    response = client.post("/account/data/delete/", {"password": PASSWORD}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your account will be erased on" in page
    assert "Cancel the deletion" in page

    cancelled = client.post("/account/data/delete/cancel/", follow=True)
    assert "Your deletion request is cancelled" in cancelled.content.decode()
    assert DeletionRequest.objects.get().status == DeletionStatus.CANCELLED


def test_the_page_erases_at_once_and_signs_out_with_no_grace_period(settings, client, learner):
    settings.PRIVACY_ERASURE_GRACE_DAYS = 0
    client.force_login(learner)

    response = client.post("/account/data/delete/", {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert not User.objects.get(pk=learner.pk).is_active
    assert client.get("/account/data/").status_code == 302  # signed out
    again = client.post("/accounts/login/", {"username": learner.username, "password": PASSWORD})
    assert again.status_code == 200  # the form again, not a redirect into the site


@pytest.mark.parametrize("who", ["teacher", "admin_user"])
def test_the_deletion_page_is_for_learners(who, request, client, settings):
    settings.PRIVACY_ERASURE_GRACE_DAYS = 0
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.post("/account/data/delete/", {"password": PASSWORD}).status_code == 403
    assert User.objects.get(pk=user.pk).is_active
    assert DeletionRequest.objects.count() == 0


@pytest.mark.parametrize(
    "body", ['{"password": "\\ud800"}', '{"password": "%s"}' % ("x" * 5000), '{"password": null}']
)
def test_odd_passwords_are_a_400_naming_the_field(body, settings, learner):
    settings.PRIVACY_ERASURE_GRACE_DAYS = 0
    response = client_for(learner).post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert "password" in response.json()["error"]["fields"]
    assert User.objects.get(pk=learner.pk).is_active


def test_a_request_cancelled_after_the_task_read_it_is_not_carried_out(settings, learner):
    from apps.privacy.services.erasure import learner_erase

    settings.PRIVACY_ERASURE_GRACE_DAYS = 7
    client_for(learner).post(URL, {"password": PASSWORD}, format="json")
    stale = DeletionRequest.objects.get()  # what the task read
    client_for(learner).delete(URL)  # the learner cancels meanwhile

    with pytest.raises(Conflict):
        learner_erase(learner=learner, actor=None, source="task", request=stale)

    assert User.objects.get(pk=learner.pk).is_active
    assert DeletionRequest.objects.get().status == DeletionStatus.CANCELLED
