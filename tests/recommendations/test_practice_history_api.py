"""GET /api/v1/practice/history/: every answer with its correctness and mastery change."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.assessments.models import ItemResponse
from tests.accounts.factories import LearnerFactory, TeacherFactory
from tests.helpers import client_for
from tests.recommendations.builders import chain_course

pytestmark = pytest.mark.django_db


def _answer(client, item, right=True):
    answer = item["slug"].split("-i")[1] if right else "999"
    body = {"client_id": str(uuid.uuid4()), "item": item["id"], "answer": answer}
    response = client.post("/api/v1/practice/answers/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def _practise(client, course, answers):
    nxt = client.get("/api/v1/practice/next/", {"course": course.slug}).json()
    for right in answers:
        nxt = _answer(client, nxt["item"], right)["next"]


def test_history_lists_each_answer_newest_first_with_its_mastery_change():
    course = chain_course(skills=2, items_per_skill=5)
    learner = LearnerFactory()
    client = client_for(learner)
    _practise(client, course, [True, False, True])
    body = client.get("/api/v1/practice/history/").json()
    assert body["count"] == 3
    rows = body["results"]
    stored = list(ItemResponse.objects.filter(learner=learner).order_by("-created_at", "-id"))
    assert [row["id"] for row in rows] == [r.pk for r in stored]
    assert [row["correct"] for row in rows] == [True, False, True]
    first = rows[-1]
    assert first["course"] == course.slug
    assert first["item"]["slug"] == stored[-1].item.slug
    assert first["item"]["stem_html"]
    assert first["answer"] == stored[-1].answer
    assert first["placement"] is False
    (change,) = first["mastery_changes"]
    assert change["skill"] == "s1"
    assert change["p_after"] > change["p_before"]  # a right answer raised P(known)
    assert rows[1]["mastery_changes"][0]["p_after"] < rows[1]["mastery_changes"][0]["p_before"]


def test_history_filters_by_course_skill_and_date():
    course = chain_course(skills=2, items_per_skill=5)
    other = chain_course(skills=1, items_per_skill=3, slug="other")
    learner = LearnerFactory()
    client = client_for(learner)
    _practise(client, course, [True, True])
    _practise(client, other, [True])
    assert client.get("/api/v1/practice/history/", {"course": "other"}).json()["count"] == 1
    assert client.get("/api/v1/practice/history/", {"skill": "s1"}).json()["count"] == 3
    old = ItemResponse.objects.filter(learner=learner).order_by("id").first()
    ItemResponse.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    since = (timezone.now() - timedelta(days=1)).isoformat()
    recent = client.get("/api/v1/practice/history/", {"since": since}).json()
    assert recent["count"] == 2
    until = client.get("/api/v1/practice/history/", {"until": since}).json()
    assert [row["id"] for row in until["results"]] == [old.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "yesterday"}, "since"),
        ({"until": "2026-13-40"}, "until"),
        ({"course": "not a slug"}, "course"),
        ({"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "until"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(params, field):
    response = client_for(LearnerFactory()).get("/api/v1/practice/history/", params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_history_is_the_learners_own_and_learners_only():
    course = chain_course(skills=1, items_per_skill=3)
    _practise(client_for(LearnerFactory()), course, [True])
    assert client_for(LearnerFactory()).get("/api/v1/practice/history/").json()["count"] == 0
    assert client_for(TeacherFactory()).get("/api/v1/practice/history/").status_code == 403
    assert client_for(None).get("/api/v1/practice/history/").status_code == 401


def test_history_queries_do_not_grow_with_the_page(django_assert_max_num_queries):
    course = chain_course(skills=2, items_per_skill=6)
    learner = LearnerFactory()
    client = client_for(learner)
    _practise(client, course, [True] * 8)
    # the JWT's user, the count, the page, its mastery changes (with skills)
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/practice/history/").json()["count"] == 8
