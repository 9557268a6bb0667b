"""Fixed quizzes: items in order, answered through the practice endpoint, then a score."""

import uuid

import pytest

from apps.assessments.models import Assessment, AssessmentItem, Attempt
from tests.accounts.factories import LearnerFactory
from tests.helpers import client_for
from tests.recommendations.builders import chain_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    course = chain_course(skills=2, items_per_skill=3)
    assessment = Assessment.objects.create(course=course, slug="check", title="Check", kind="quiz")
    for position, slug in enumerate(["s2-i1", "s1-i0", "s1-i2"]):
        AssessmentItem.objects.create(
            assessment=assessment, item=course.items.get(slug=slug), position=position
        )
    return assessment


def answer(client, item, value, attempt):
    body = {"client_id": str(uuid.uuid4()), "item": item["id"], "answer": value, "attempt": attempt}
    response = client.post("/api/v1/practice/answers/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["next"]


def test_a_quiz_asks_its_items_in_order_and_scores_them(quiz):
    client = client_for(LearnerFactory())
    listed = client.get(f"/api/v1/courses/{quiz.course.slug}/assessments/").json()["results"]
    assert [(a["slug"], a["kind"], a["item_count"]) for a in listed] == [("check", "quiz", 3)]
    started = client.post(f"/api/v1/assessments/{quiz.pk}/attempts/")
    assert started.status_code == 201
    flow = started.json()
    attempt = flow["attempt"]["id"]
    assert flow["next"]["item"]["slug"] == "s2-i1"
    assert flow["next"]["reason"] == "Question 1 of 3."
    nxt = answer(client, flow["next"]["item"], "1", attempt)
    assert nxt["item"]["slug"] == "s1-i0"
    nxt = answer(client, nxt["item"], "5", attempt)  # wrong
    finished = answer(client, nxt["item"], "2", attempt)
    assert finished["kind"] == "quiz_finished"
    assert finished["result"] == {
        "answered": 3,
        "of": 3,
        "correct": 2,
        "score": pytest.approx(0.6667, abs=1e-4),
    }
    detail = client.get(f"/api/v1/attempts/{attempt}/").json()
    assert detail["attempt"]["status"] == "finished"
    assert detail["next"] is None
    assert detail["attempt"]["n_answered"] == 3
    assert detail["attempt"]["n_correct"] == 2
    history = client.get("/api/v1/attempts/", {"course": quiz.course.slug}).json()["results"]
    assert [h["id"] for h in history] == [attempt]


def test_finishing_early_counts_unanswered_items_as_zero(quiz):
    client = client_for(LearnerFactory())
    flow = client.post(f"/api/v1/assessments/{quiz.pk}/attempts/").json()
    answer(client, flow["next"]["item"], "1", flow["attempt"]["id"])
    done = client.post(f"/api/v1/attempts/{flow['attempt']['id']}/finish/").json()
    assert done["attempt"]["status"] == "finished"
    assert done["attempt"]["score"] == pytest.approx(1 / 3)


def test_attempts_are_private(quiz):
    flow = client_for(LearnerFactory()).post(f"/api/v1/assessments/{quiz.pk}/attempts/").json()
    other = client_for(LearnerFactory())
    assert other.get(f"/api/v1/attempts/{flow['attempt']['id']}/").status_code == 404
    assert other.post(f"/api/v1/attempts/{flow['attempt']['id']}/finish/").status_code == 404
    assert Attempt.objects.get().status == "in_progress"


def test_practice_assessments_have_no_attempts(quiz):
    practice = Assessment.objects.create(course=quiz.course, slug="p", title="P", kind="practice")
    response = client_for(LearnerFactory()).post(f"/api/v1/assessments/{practice.pk}/attempts/")
    assert response.status_code == 400
    assert "assessment" in response.json()["error"]["fields"]
