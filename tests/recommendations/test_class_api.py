"""The teacher's class mastery grid and a learner's drill-down as JSON (issue 14, point 5)."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.curriculum.services import classroom_assign_course
from tests.accounts.factories import (
    AdminFactory,
    ClassroomFactory,
    EnrollmentFactory,
    LearnerFactory,
    TeacherFactory,
)
from tests.helpers import client_for
from tests.recommendations.builders import chain_course

pytestmark = pytest.mark.django_db


def _answer_right(client, course, times):
    nxt = client.get("/api/v1/practice/next/", {"course": course.slug}).json()
    for _ in range(times):
        item = nxt["item"]
        body = {
            "client_id": str(uuid.uuid4()),
            "item": item["id"],
            "answer": item["slug"].split("-i")[1],
        }
        response = client.post("/api/v1/practice/answers/", body, format="json")
        assert response.status_code == 201, response.json()
        nxt = response.json()["next"]


@pytest.fixture
def klass():
    course = chain_course(skills=3, items_per_skill=5, public=False)
    classroom = ClassroomFactory()
    classroom_assign_course(classroom=classroom, course=course)
    keen, idle = (EnrollmentFactory(classroom=classroom).learner for _ in range(2))
    _answer_right(client_for(keen), course, 6)
    return {"course": course, "classroom": classroom, "keen": keen, "idle": idle}


def _grid_url(klass, slug=None):
    slug = slug or klass["course"].slug
    return f"/api/v1/classrooms/{klass['classroom'].pk}/courses/{slug}/mastery/"


def test_the_grid_has_every_learner_against_every_skill(klass):
    body = client_for(klass["classroom"].owner).get(_grid_url(klass), {"sort": "progress"}).json()
    assert body["course"] == klass["course"].slug
    assert [skill["slug"] for skill in body["skills"]] == ["s1", "s2", "s3"]
    rows = {row["username"]: row for row in body["learners"]}
    assert set(rows) == {klass["keen"].username, klass["idle"].username}
    assert body["learners"][0]["username"] == klass["idle"].username  # fewest mastered first
    keen = rows[klass["keen"].username]
    assert [cell["skill"] for cell in keen["cells"]] == ["s1", "s2", "s3"]
    assert keen["cells"][0]["state"] == "mastered"
    assert keen["mastered"] >= 1
    idle = rows[klass["idle"].username]
    assert [cell["state"] for cell in idle["cells"]] == ["not_started", "locked", "locked"]
    assert body["skills"][0]["started"] == 1


def test_the_drilldown_has_mastery_and_recent_answers(klass):
    url = (
        f"/api/v1/classrooms/{klass['classroom'].pk}/learners/{klass['keen'].pk}"
        f"/courses/{klass['course'].slug}/"
    )
    body = client_for(klass["classroom"].owner).get(url).json()
    assert body["username"] == klass["keen"].username
    assert body["mastery"]["skills"][0]["state"] == "mastered"
    assert len(body["recent_answers"]) == 6
    assert all(answer["correct"] for answer in body["recent_answers"])
    assert body["recent_answers"][0]["mastery_changes"]


def test_only_the_classrooms_teacher_and_admins_see_it(klass):
    url = _grid_url(klass)
    assert client_for(AdminFactory()).get(url).status_code == 200
    assert client_for(TeacherFactory()).get(url).status_code == 404
    assert client_for(klass["keen"]).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 401
    stranger = LearnerFactory()
    drill = (
        f"/api/v1/classrooms/{klass['classroom'].pk}/learners/{stranger.pk}"
        f"/courses/{klass['course'].slug}/"
    )
    response = client_for(klass["classroom"].owner).get(drill)
    assert response.status_code == 404
    assert "learner_pk" in response.json()["error"]["fields"]


def test_unassigned_course_and_bad_sort_are_named(klass):
    owner = client_for(klass["classroom"].owner)
    other = chain_course(slug="elsewhere", skills=1, items_per_skill=2)
    missing = owner.get(_grid_url(klass, slug=other.slug))
    assert missing.status_code == 404
    assert "slug" in missing.json()["error"]["fields"]
    bad = owner.get(_grid_url(klass), {"sort": "bogus"})
    assert bad.status_code == 400
    assert "sort" in bad.json()["error"]["fields"]


def test_the_grid_costs_the_same_queries_for_a_bigger_class(klass):
    owner = client_for(klass["classroom"].owner)
    owner.get(_grid_url(klass))  # warm the course snapshot cache

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert owner.get(_grid_url(klass)).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for _ in range(5):
        EnrollmentFactory(classroom=klass["classroom"])
    assert count() == before


@pytest.mark.parametrize("sort", ["stuck", "progress", "name"])
def test_a_class_without_learners_has_an_empty_grid(sort):
    # A fuzzer found this one: the column counts of no rows at all.
    course = chain_course(slug="nobody", skills=2, items_per_skill=2, public=False)
    classroom = ClassroomFactory()
    classroom_assign_course(classroom=classroom, course=course)
    url = f"/api/v1/classrooms/{classroom.pk}/courses/{course.slug}/mastery/"
    response = client_for(classroom.owner).get(url, {"sort": sort})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["learners"] == []
    assert [(skill["slug"], skill["started"], skill["mastered"]) for skill in body["skills"]] == [
        ("s1", 0, 0),
        ("s2", 0, 0),
    ]
