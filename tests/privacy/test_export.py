"""Point 7, export: a learner downloads everything stored about them, in one JSON document,
from the API and from the "Your data" page; nobody else does, except an admin (test_admin)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.assessments.models import ItemResponse
from apps.privacy.models import AuditAction, AuditOutcome, AuditSource, PrivacyAuditEntry
from apps.privacy.selectors import EXPORT_FORMAT
from apps.privacy.services.export import data_export
from apps.recommendations.models import RecommendationLog, SkillMastery
from tests.accounts.factories import LearnerFactory
from tests.helpers import client_for
from tests.privacy.history import learner_history

URL = "/api/v1/me/data/"
SECTIONS = {
    "format",
    "version",
    "exported_at",
    "profile",
    "enrolments",
    "answers",
    "attempts",
    "placements",
    "mastery",
    "mastery_changes",
    "abilities",
    "recommendations",
    "lessons_read",
    "deletion_requests",
}

pytestmark = pytest.mark.django_db


def test_the_learner_downloads_all_their_data(with_history, enrolled, course):
    learner = with_history
    other = LearnerFactory()
    learner_history(learner=other, course=course, answers=2)

    response = client_for(learner).get(URL)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    body = response.json()
    assert set(body) == SECTIONS
    assert (body["format"], body["version"]) == (EXPORT_FORMAT, 1)
    assert body["profile"]["username"] == learner.username
    assert body["profile"]["email"] == learner.email
    assert [e["classroom"] for e in body["enrolments"]] == ["Year 7 maths"]
    mine = ItemResponse.objects.filter(learner=learner)
    assert [a["id"] for a in body["answers"]] == list(mine.values_list("id", flat=True))
    assert len(body["answers"]) == 5  # the placement answer and four practice answers
    first = body["answers"][0]
    assert set(first) >= {"item", "course", "answer", "correct", "predicted_correct"}
    assert first["course"] == "privacy"
    assert [p["kind"] for p in body["placements"]] == ["diagnostic"]
    assert body["placements"][0]["status"] == "finished"
    assert len(body["mastery"]) == SkillMastery.objects.filter(learner=learner).count() == 2
    logged = RecommendationLog.objects.filter(learner=learner).count()
    followed = mine.filter(next_activity__isnull=False).order_by("created_at", "id")
    recommendations = body["recommendations"]
    assert len(recommendations) == logged + followed.count()
    assert followed.count() == 4  # one after each practice answer, none in the placement test
    assert [r["answer_id"] for r in recommendations if r["answer_id"] is not None] == list(
        followed.values_list("id", flat=True)
    )
    assert [r["created_at"] for r in recommendations] == sorted(
        r["created_at"] for r in recommendations
    )
    after_first = next(r for r in recommendations if r["answer_id"] == followed[0].pk)
    assert after_first["course"] == "privacy"
    assert after_first["kind"] == followed[0].next_activity["kind"]
    assert after_first["reason"] == followed[0].next_activity["reason"]
    changes = body["mastery_changes"]
    moved = [
        (a.pk, step) for a in mine.order_by("created_at", "id") for step in a.mastery_changes or []
    ]
    assert [(c["answer_id"], c["p_before"], c["p_after"]) for c in changes] == [
        (answer_id, before, after) for answer_id, (_, before, after) in moved
    ]
    assert {c["skill"] for c in changes} <= {"s1", "s2"}
    assert [lesson["lesson"] for lesson in body["lessons_read"]] == ["lesson-s1"]
    assert len(body["abilities"]) == 1
    # nothing of the other learner's, and no answer keys
    assert {a["id"] for a in body["answers"]}.isdisjoint(
        ItemResponse.objects.filter(learner=other).values_list("id", flat=True)
    )
    assert "numeric_answer" not in response.content.decode()
    entry = PrivacyAuditEntry.objects.get()
    assert (entry.action, entry.source, entry.outcome) == (
        AuditAction.EXPORT,
        AuditSource.API,
        AuditOutcome.SUCCEEDED,
    )
    assert (entry.actor, entry.actor_label, entry.learner_ref) == (learner, "self", learner.pk)
    assert entry.learner_label == f"learner #{learner.pk}"


def test_the_export_costs_the_same_queries_for_many_answers(learner, course):
    learner_history(learner=learner, course=course, answers=1)
    with CaptureQueriesContext(connection) as few:
        small = client_for(learner).get(URL)
    learner_history(learner=learner, course=course, answers=25)
    with CaptureQueriesContext(connection) as many:
        large = client_for(learner).get(URL)
    assert len(large.json()["answers"]) > len(small.json()["answers"]) + 20
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("who", ["anonymous", "teacher", "admin_user"])
def test_only_learners_have_a_my_data_endpoint(who, request, with_history):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    response = client_for(user).get(URL)
    assert response.status_code == (401 if user is None else 403)
    assert PrivacyAuditEntry.objects.count() == 0


def test_a_teacher_cannot_export_a_learner(teacher, with_history):
    from apps.core.exceptions import Forbidden

    with pytest.raises(Forbidden):
        data_export(learner=with_history, actor=teacher, source=AuditSource.ADMIN)
    entry = PrivacyAuditEntry.objects.get()
    assert (entry.actor_label, entry.outcome) == (teacher.username, AuditOutcome.REFUSED)


def test_a_learner_cannot_export_another_learner(with_history):
    from apps.core.exceptions import Forbidden

    with pytest.raises(Forbidden):
        data_export(learner=with_history, actor=LearnerFactory(), source=AuditSource.API)


def test_the_your_data_page_is_linked_and_downloads_the_same_document(client, with_history):
    client.force_login(with_history)
    home = client.get("/")
    assert 'href="/account/data/"' in home.content.decode()

    page = client.get("/account/data/")
    assert page.status_code == 200
    assert "Download my data (JSON)" in page.content.decode()
    assert "5 answers" in page.content.decode()

    download = client.post("/account/data/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/json"
    assert download["Content-Disposition"].startswith('attachment; filename="my-data-')
    body = json.loads(download.content)
    assert set(body) == SECTIONS
    assert len(body["answers"]) == 5
    assert PrivacyAuditEntry.objects.get().source == AuditSource.WEB


def test_the_download_is_a_post(client, with_history):
    client.force_login(with_history)
    assert client.get("/account/data/download/").status_code == 405
    assert PrivacyAuditEntry.objects.count() == 0


@pytest.mark.parametrize("who", ["teacher", "admin_user"])
def test_the_your_data_page_is_for_learners(who, request, client):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/account/data/").status_code == 403
    assert client.post("/account/data/download/").status_code == 403
    assert PrivacyAuditEntry.objects.count() == 0


def test_anonymous_visitors_go_to_the_login_page(client):
    response = client.get("/account/data/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
