"""Point 7, admin: an admin exports or erases a learner from the privacy admin; every export
and erasure is in the read-only audit log. Nobody else reaches any of it."""

import json

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from apps.accounts.models import User
from apps.assessments.models import ItemResponse
from apps.privacy.models import AuditAction, AuditOutcome, PrivacyAuditEntry
from apps.recommendations.models import SkillMastery
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

LEARNERS = reverse("admin:privacy_learneraccount_changelist")
AUDIT = reverse("admin:privacy_privacyauditentry_changelist")


def test_an_admin_exports_a_learner(client, admin_user, with_history, teacher):
    client.force_login(admin_user)
    listing = client.get(LEARNERS).content.decode()
    assert with_history.username in listing
    assert teacher.username not in listing  # learners only

    response = client.post(
        LEARNERS, {"action": "export_data", ACTION_CHECKBOX_NAME: [with_history.pk]}
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="learner-data-')
    body = json.loads(response.content)
    assert body["profile"]["id"] == with_history.pk
    assert len(body["answers"]) == ItemResponse.objects.filter(learner=with_history).count()
    entry = PrivacyAuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.source, entry.learner_ref) == (
        admin_user,
        AuditAction.EXPORT,
        "admin",
        with_history.pk,
    )


def test_an_admin_erases_a_learner_after_confirming(client, admin_user, with_history):
    client.force_login(admin_user)
    form = {"action": "erase_learners", ACTION_CHECKBOX_NAME: [with_history.pk]}

    confirm = client.post(LEARNERS, form)
    assert confirm.status_code == 200
    assert "Yes, erase them" in confirm.content.decode()
    assert User.objects.get(pk=with_history.pk).is_active  # not yet

    done = client.post(LEARNERS, {**form, "confirm": "yes"}, follow=True)

    assert "Erased 1 learner(s)." in done.content.decode()
    erased = User.objects.get(pk=with_history.pk)
    assert not erased.is_active
    assert SkillMastery.objects.filter(learner=erased).count() == 0
    entry = PrivacyAuditEntry.objects.get(action=AuditAction.ERASURE)
    assert (entry.actor, entry.outcome) == (admin_user, AuditOutcome.SUCCEEDED)


def test_the_audit_log_is_read_only(client, admin_user, with_history):
    client.force_login(admin_user)
    client.post(LEARNERS, {"action": "export_data", ACTION_CHECKBOX_NAME: [with_history.pk]})
    entry = PrivacyAuditEntry.objects.get()

    listing = client.get(AUDIT)
    assert listing.status_code == 200
    assert f"learner #{with_history.pk}" in listing.content.decode()
    assert client.get(reverse("admin:privacy_privacyauditentry_add")).status_code == 403
    change = reverse("admin:privacy_privacyauditentry_change", args=[entry.pk])
    assert client.get(change).status_code == 200  # a view, without a save button
    assert client.post(change, {"actor_label": "someone else"}).status_code == 403
    delete = reverse("admin:privacy_privacyauditentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.actor_label == admin_user.username


def test_staff_who_are_not_admins_see_nothing(client, with_history):
    staff = UserFactory(is_staff=True, role="teacher")
    client.force_login(staff)
    assert client.get(LEARNERS).status_code == 403
    assert client.get(AUDIT).status_code == 403
    response = client.post(
        LEARNERS,
        {"action": "erase_learners", ACTION_CHECKBOX_NAME: [with_history.pk], "confirm": "yes"},
    )
    assert response.status_code == 403
    assert User.objects.get(pk=with_history.pk).is_active
    assert PrivacyAuditEntry.objects.count() == 0
