"""Input never causes a 500: bad numbers, form bodies, odd strings, deep nesting, a lost DB."""

import json
from pathlib import Path
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import InterfaceError, OperationalError, connection
from rest_framework.test import APIClient

from apps.curriculum.models import Course, Item, Skill
from tests.accounts.factories import TeacherFactory
from tests.curriculum.factories import CourseFactory, SkillFactory
from tests.helpers import client_for

DEMO = Path(__file__).resolve().parents[2] / "apps/demo/courses/fractions.json"


@pytest.mark.parametrize("position", [10**30, 2**63, 2**31])
def test_a_huge_skill_position_is_a_400_naming_the_field(db, position):
    # given
    teacher = TeacherFactory()
    skill = SkillFactory(course=CourseFactory(created_by=teacher), position=3)
    url = f"/api/v1/courses/{skill.course.slug}/skills/{skill.slug}/"
    # when
    response = client_for(teacher).patch(url, {"position": position}, format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["position"]
    skill.refresh_from_db()
    assert skill.position == 3


def test_placement_with_a_form_body_is_a_4xx_in_the_error_shape(learner):
    course = CourseFactory(is_public=True)
    response = client_for(learner).post("/api/v1/placement/", {"course": course.slug})
    assert response.status_code < 500


@pytest.mark.parametrize("fmt", ["multipart", "urlencoded", "json"])
def test_placement_of_a_course_without_items_is_not_a_500(teacher, fmt):
    course = CourseFactory(is_public=True)
    client = client_for(teacher)
    if fmt == "urlencoded":
        body = urlencode({"course": course.slug})
        response = client.post(
            "/api/v1/placement/", body, content_type="application/x-www-form-urlencoded"
        )
    else:
        response = client.post("/api/v1/placement/", {"course": course.slug}, format=fmt)
    assert response.status_code < 500, response.content[:500]


def _import(client, content: bytes):
    upload = SimpleUploadedFile("course.json", content)
    return client.post("/api/v1/courses/import/", {"file": upload}, format="multipart")


def _demo_course() -> dict:
    return json.loads(DEMO.read_text())


def test_an_import_with_a_lone_surrogate_is_a_400_naming_the_field(teacher):
    # given: Python's json accepts "\ud800", which no UTF-8 encoder (nor nh3) can take
    document = _demo_course()
    raw = json.dumps(document)
    stem = json.dumps(document["course"]["items"][0]["stem"])
    raw = raw.replace(stem, '"broken \\ud800 stem"', 1)
    # when
    response = _import(client_for(teacher), raw.encode())
    # then
    assert response.status_code == 400, response.content[:500]
    assert list(response.json()["error"]["fields"]) == ["$.course.items[0].stem"]
    assert (Course.objects.count(), Skill.objects.count(), Item.objects.count()) == (0, 0, 0)


def test_an_import_nested_too_deeply_is_a_400(teacher):
    response = _import(client_for(teacher), b"[" * 100_000)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "import_failed"
    assert Course.objects.count() == 0


def test_a_json_body_nested_too_deeply_is_a_400_on_any_json_endpoint(teacher):
    response = client_for(teacher).post(
        "/api/v1/courses/", b"[" * 100_000, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
    assert Course.objects.count() == 0


# Every API path that takes a body, with its parameters filled in by ``form_world``.
FORM_PATHS = [
    ("post", "/api/v1/auth/logout/"),
    ("post", "/api/v1/auth/register/"),
    ("post", "/api/v1/auth/token/"),
    ("post", "/api/v1/auth/token/refresh/"),
    ("post", "/api/v1/classrooms/"),
    ("patch", "/api/v1/classrooms/{classroom}/"),
    ("post", "/api/v1/classrooms/{classroom}/courses/"),
    ("post", "/api/v1/classrooms/join/"),
    ("post", "/api/v1/courses/"),
    ("patch", "/api/v1/courses/{course}/"),
    ("post", "/api/v1/courses/{course}/items/"),
    ("patch", "/api/v1/courses/{course}/items/s1-i0/"),
    ("post", "/api/v1/courses/{course}/lessons/"),
    ("post", "/api/v1/courses/{course}/modules/"),
    ("post", "/api/v1/courses/{course}/skills/"),
    ("patch", "/api/v1/courses/{course}/skills/s1/"),
    ("post", "/api/v1/courses/import/"),
    ("patch", "/api/v1/me/"),
    ("post", "/api/v1/placement/"),
    ("post", "/api/v1/practice/answers/"),
]


@pytest.fixture
def form_world(db):
    from tests.accounts.factories import AdminFactory, ClassroomFactory
    from tests.recommendations.builders import chain_course

    admin = AdminFactory()
    course = chain_course(skills=2, items_per_skill=3)
    course.created_by = admin
    course.save(update_fields=["created_by"])
    classroom = ClassroomFactory(owner=admin)
    return admin, {"course": course.slug, "classroom": classroom.pk}


@pytest.mark.parametrize("fmt", ["multipart", "urlencoded"])
@pytest.mark.parametrize(("method", "path"), FORM_PATHS)
def test_a_form_body_is_never_a_500(form_world, method, path, fmt):
    # given: the fields the endpoints take, as a form sends them (strings), with huge numbers
    admin, params = form_world
    form = {
        "course": params["course"],
        "slug": "from-a-form",
        "name": "From a form",
        "title": "From a form",
        "type": "numeric",
        "stem": "1 + 1?",
        "skills": "s1",
        "position": str(10**30),
        "item": str(10**30),
        "attempt": str(2**63),
        "answer": "2",
        "client_id": "6f1c1a52-4d8e-4a8f-9c7e-0d7b2d3c9a10",
        "username": "form-user",
        "password": "not-a-real-password-1",
        "refresh": "not-a-token",
        "code": "NOPE",
    }
    client = client_for(admin)
    url = path.format(**params)
    # when
    if fmt == "urlencoded":
        response = getattr(client, method)(
            url, urlencode(form), content_type="application/x-www-form-urlencoded"
        )
    else:
        response = getattr(client, method)(url, form, format="multipart")
    # then
    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400:
        assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_a_lone_surrogate_in_a_json_body_is_a_400_naming_the_field(teacher):
    # given: a question whose Markdown stem nh3 would fail to encode
    skill = SkillFactory(course=CourseFactory(created_by=teacher))
    item = {"slug": "new", "type": "short_text", "stem": "broken \ud800 stem"}
    body = json.dumps({**item, "skills": [skill.slug], "accepted_answers": ["x"]})
    # when
    response = client_for(teacher).post(
        f"/api/v1/courses/{skill.course.slug}/items/", body, content_type="application/json"
    )
    # then
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["stem"]
    assert Item.objects.count() == 0


def test_a_lone_surrogate_as_an_answer_is_not_a_500(learner):
    from tests.recommendations.builders import chain_course

    course = chain_course(skills=1, items_per_skill=1)
    item = course.items.get()
    body = {"client_id": "6f1c1a52-4d8e-4a8f-9c7e-0d7b2d3c9a10", "item": item.pk}
    response = client_for(learner).post(
        "/api/v1/practice/answers/",
        json.dumps({**body, "answer": "x \ud800"}),
        content_type="application/json",
    )
    assert response.status_code < 500, response.content[:500]


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_the_token_endpoint_answers_a_json_503_when_the_database_is_down(learner, error):
    """The database "goes down" by a patch: every new cursor raises ``error``, as psycopg and
    sqlite3 do when the server is gone. An injected failure, not a real outage."""
    outage = error("could not connect to server: Connection refused")
    # when
    with mock.patch.object(connection, "cursor", side_effect=outage):
        response = APIClient().post(
            "/api/v1/auth/token/", {"username": learner.username, "password": "x"}, format="json"
        )
    # then
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "error": {
            "code": "database_unavailable",
            "message": "The database is unavailable; try again shortly.",
            "fields": {},
        }
    }


def test_a_throttled_login_says_when_to_retry(learner, monkeypatch):
    # given: a limit of two logins a minute, both used
    from django.core.cache import caches
    from rest_framework.throttling import ScopedRateThrottle

    caches["throttle"].clear()
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "2/minute"})
    body = {"username": learner.username, "password": "wrong"}
    client = APIClient()
    assert [client.post("/api/v1/auth/token/", body).status_code for _ in range(2)] == [401, 401]
    # when
    response = client.post("/api/v1/auth/token/", body)
    # then
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["error"]["code"] == "throttled"


@pytest.mark.parametrize("answer", ["x\x00", ["a\x00"], {"k\x00": "v"}])
def test_a_nul_character_in_an_answer_is_not_a_500(learner, answer):
    # PostgreSQL's jsonb (and text) refuse U+0000, where SQLite stores it.
    from tests.recommendations.builders import chain_course

    item = chain_course(skills=1, items_per_skill=1).items.get()
    body = {"client_id": "6f1c1a52-4d8e-4a8f-9c7e-0d7b2d3c9a10", "item": item.pk, "answer": answer}
    response = client_for(learner).post("/api/v1/practice/answers/", body, format="json")
    assert response.status_code == 400, response.content[:500]
    assert list(response.json()["error"]["fields"]) == ["answer"]
