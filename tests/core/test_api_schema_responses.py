"""Real responses of the practice, mastery, placement and attempt endpoints match the OpenAPI
schema, strictly: a missing required field, a wrong type or an undocumented key is drift.

Each test drives a real flow (authoring services, the test database, a JWT-authenticated
APIClient), checks every response with ``SchemaChecker`` and fails once at the end, listing every
mismatch as ``METHOD /path/{template} -> status [step]: $.json.path: what differs``.
"""

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.assessments.models import Assessment, AssessmentItem
from apps.recommendations.models import CoursePolicy, SkillMastery
from apps.recommendations.services.placement import placement_assessment
from tests.core.schema_validation import SchemaChecker, to_json_schema
from tests.helpers import client_for
from tests.recommendations.builders import chain_course, choice_item

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def course():
    """Two chained skills with a lesson each, numeric items plus a single-choice item, a fixed
    quiz (single choice, numeric) and the placement test; published and public."""
    course = chain_course(slug="contract", skills=2, items_per_skill=3, lessons=True)
    choice_item(course, "s1-choice", ("s1",))
    quiz = Assessment.objects.create(course=course, slug="check", title="Check", kind="quiz")
    for position, slug in enumerate(["s1-choice", "s1-i1", "s2-i2"]):
        AssessmentItem.objects.create(
            assessment=quiz, item=course.items.get(slug=slug), position=position
        )
    placement_assessment(course)
    CoursePolicy.objects.create(course=course, placement_max_items=3)
    return course


@pytest.fixture
def checker() -> SchemaChecker:
    return SchemaChecker()


def right_answer(item: dict) -> str:
    """Builders' numeric items are answered by the digit after '-i'; choice items by 'a'."""
    return "a" if item["type"] == "single_choice" else item["slug"].split("-i")[1]


def wrong_answer(item: dict) -> str:
    return "b" if item["type"] == "single_choice" else "99"


def submit(client, checker, item, answer, label, attempt=None, client_id=None):
    body = {"client_id": client_id or str(uuid.uuid4()), "item": item["id"], "answer": answer}
    if attempt is not None:
        body["attempt"] = attempt
    response = client.post(f"{API}/practice/answers/", body, format="json")
    assert response.status_code in (200, 201), response.content
    return checker.check(response, label)


def test_practice_mastery_and_recommendation_responses_match_the_schema(learner, course, checker):
    client = client_for(learner)
    query = {"course": course.slug}

    lesson = checker.check(client.get(f"{API}/practice/next/", query), "next: a lesson")
    assert lesson["kind"] == "lesson"
    read = client.post(f"{API}/courses/{course.slug}/lessons/{lesson['lesson']['slug']}/read/")
    assert read.status_code == 204
    practice = checker.check(client.get(f"{API}/practice/next/", query), "next: an item")
    assert practice["kind"] == "practice"
    assert practice["item"]

    checker.check(client.get(f"{API}/mastery/", query), "no answers yet: ability null")

    client_id = str(uuid.uuid4())
    item = practice["item"]
    first = client.post(
        f"{API}/practice/answers/",
        {"client_id": client_id, "item": item["id"], "answer": right_answer(item)},
        format="json",
    )
    assert first.status_code == 201
    feedback = checker.check(first, "first submit")
    retry = client.post(
        f"{API}/practice/answers/",
        {"client_id": client_id, "item": item["id"], "answer": right_answer(item)},
        format="json",
    )
    assert retry.status_code == 200
    checker.check(retry, "retry with the same client_id")
    nxt = feedback["next"]["item"]
    submit(client, checker, nxt, wrong_answer(nxt), "a wrong answer")

    checker.check(client.get(f"{API}/mastery/", query), "after answers")
    checker.check(client.get(f"{API}/recommendations/", {**query, "limit": 5}))
    checker.check(client.get(f"{API}/reviews/due/"), "nothing due")

    # Errors: every documented error status has the Error body, which the checker validates.
    bad = client.post(f"{API}/practice/answers/", {"item": "x"}, format="json")
    assert bad.status_code == 400
    checker.check(bad, "bad body")
    missing_course = client.get(f"{API}/practice/next/")
    assert missing_course.status_code == 400
    checker.check(missing_course, "no course")

    checker.assert_no_drift()


def test_due_review_responses_match_the_schema(learner, course, checker):
    long_ago = timezone.now() - timedelta(days=6)
    for skill in course.skills.filter(slug="s1"):
        SkillMastery.objects.create(
            learner=learner,
            skill=skill,
            course=course,
            p_known=0.99,
            attempts=6,
            correct_count=6,
            right_streak=6,
            last_practised_at=long_ago,
            mastered_at=long_ago,
            review_due_at=timezone.now() - timedelta(hours=1),
        )
    client = client_for(learner)
    query = {"course": course.slug}
    due = checker.check(client.get(f"{API}/reviews/due/"), "one due")
    assert [d["skill"] for d in due["results"]] == ["s1"]
    checker.check(client.get(f"{API}/reviews/due/", query), "one due, one course")
    review = checker.check(client.get(f"{API}/practice/next/", query), "next: a review")
    assert review["kind"] == "review"
    checker.check(client.get(f"{API}/recommendations/", query), "review first")
    checker.check(client.get(f"{API}/mastery/", query), "a skill needs review")
    checker.assert_no_drift()


def test_placement_responses_match_the_schema(learner, course, checker):
    client = client_for(learner)
    started = client.post(f"{API}/placement/", {"course": course.slug}, format="json")
    assert started.status_code == 201
    body = checker.check(started, "started")
    attempt = body["attempt"]
    checker.check(client.get(f"{API}/placement/{attempt}/"), "in progress")
    nxt = body["next"]
    for n in range(1, 4):  # placement_max_items=3: the third answer finishes it
        item = nxt["item"]
        feedback = submit(client, checker, item, right_answer(item), f"placement {n}", attempt)
        nxt = feedback["next"]
    assert nxt["kind"] == "placement_finished"
    checker.check(client.get(f"{API}/placement/{attempt}/"), "finished")

    # A second placement, finished early by the learner.
    again = client.post(f"{API}/placement/", {"course": course.slug}, format="json")
    assert again.status_code == 201
    body = checker.check(again, "second placement")
    assert body["attempt"] != attempt
    item = body["next"]["item"]
    submit(client, checker, item, wrong_answer(item), "second placement answer", body["attempt"])
    checker.check(client.post(f"{API}/placement/{body['attempt']}/finish/"), "finished early")
    checker.check(client.post(f"{API}/placement/{body['attempt']}/finish/"), "finished twice")
    checker.assert_no_drift()


def test_assessment_and_attempt_responses_match_the_schema(learner, course, checker):
    client = client_for(learner)
    listed = checker.check(client.get(f"{API}/courses/{course.slug}/assessments/"))
    by_kind = {a["kind"]: a["id"] for a in listed["results"]}
    assert set(by_kind) == {"quiz", "diagnostic"}

    # A quiz: start, answer one, follow it, finish it early.
    started = client.post(f"{API}/assessments/{by_kind['quiz']}/attempts/")
    assert started.status_code == 201
    flow = checker.check(started, "quiz started")
    attempt = flow["attempt"]["id"]
    item = flow["next"]["item"]
    submit(
        client, checker, item, right_answer(item), "quiz answer, before finishing early", attempt
    )
    checker.check(client.get(f"{API}/attempts/{attempt}/"), "quiz in progress")
    checker.check(client.post(f"{API}/attempts/{attempt}/finish/"), "quiz finished early")
    checker.check(client.get(f"{API}/attempts/{attempt}/"), "quiz finished")

    # The quiz again, answered to the end: the last answer's `next` is the quiz result.
    flow = checker.check(client.post(f"{API}/assessments/{by_kind['quiz']}/attempts/"), "again")
    attempt = flow["attempt"]["id"]
    nxt = flow["next"]
    for n in range(1, 4):
        item = nxt["item"]
        feedback = submit(client, checker, item, right_answer(item), f"quiz answer {n}", attempt)
        nxt = feedback["next"]
    assert nxt["kind"] == "quiz_finished"

    # The placement through the attempts API.
    started = client.post(f"{API}/assessments/{by_kind['diagnostic']}/attempts/")
    assert started.status_code == 201
    flow = checker.check(started, "placement started")
    placement = flow["attempt"]["id"]
    item = flow["next"]["item"]
    submit(client, checker, item, wrong_answer(item), "placement answer", placement)
    checker.check(client.get(f"{API}/attempts/{placement}/"), "placement in progress")
    checker.check(client.post(f"{API}/attempts/{placement}/finish/"), "placement finished")

    history = checker.check(client.get(f"{API}/attempts/"), "all attempts")
    assert len(history["results"]) == 3
    checker.check(client.get(f"{API}/attempts/", {"course": course.slug}), "one course")

    unknown = client.get(f"{API}/attempts/999999/")
    assert unknown.status_code == 404
    checker.check(unknown, "not found")
    checker.assert_no_drift()


def test_the_converter_reads_openapi_nullable_and_is_strict():
    """The validator itself: nullable becomes null-able, documented objects are closed."""
    schema = to_json_schema(
        {
            "type": "object",
            "properties": {
                "a": {"type": "integer", "nullable": True},
                "b": {"allOf": [{"$ref": "#/components/schemas/B"}], "nullable": True},
                "c": {"type": "object", "additionalProperties": {}},
                "d": {"type": "string", "enum": ["x"], "nullable": True, "readOnly": True},
            },
        }
    )
    assert schema["additionalProperties"] is False
    assert schema["properties"]["a"]["type"] == ["integer", "null"]
    assert schema["properties"]["b"] == {
        "anyOf": [{"allOf": [{"$ref": "#/$defs/B"}]}, {"type": "null"}]
    }
    assert schema["properties"]["c"]["additionalProperties"] == {}
    assert schema["properties"]["d"]["enum"] == ["x", None]


class FakeResponse:
    """Just what SchemaChecker reads from a test-client response."""

    def __init__(self, method: str, path: str, status: int, body: object) -> None:
        self.request = {"REQUEST_METHOD": method, "PATH_INFO": path}
        self.status_code = status
        self.content = json.dumps(body).encode()

    def get(self, header: str, default: str = "") -> str:
        return "application/json" if header == "Content-Type" else default


TOY_SCHEMA = {
    "openapi": "3.0.3",
    "paths": {
        "/api/v1/things/{id}/": {
            "get": {
                "responses": {
                    "200": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                        }
                    },
                    "404": {"description": "No such thing."},
                }
            }
        }
    },
    "components": {
        "schemas": {
            "Thing": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer", "readOnly": True},
                    "at": {"type": "string", "format": "date-time", "nullable": True},
                    "state": {
                        "nullable": True,
                        "oneOf": [
                            {"$ref": "#/components/schemas/StateEnum"},
                            {"$ref": "#/components/schemas/NullEnum"},
                        ],
                    },
                    "size": {"allOf": [{"$ref": "#/components/schemas/Size"}], "nullable": True},
                    "extra": {"type": "object", "additionalProperties": {}},
                },
                "required": ["id", "at", "size"],
            },
            "Size": {
                "type": "object",
                "properties": {"value": {"type": "number"}},
                "required": ["value"],
            },
            "StateEnum": {"type": "string", "enum": ["on", "off"]},
            "NullEnum": {"enum": [None]},
        }
    },
}


def test_the_checker_reports_drift_with_endpoint_and_json_path():
    checker = SchemaChecker(TOY_SCHEMA)

    def check(body, status=200):
        checker.check(FakeResponse("GET", f"{API}/things/7/", status, body))

    thing = {"id": 7, "at": None, "state": None, "size": None, "extra": {"free": 1}}
    check(thing)
    check({**thing, "at": "2026-11-28T10:15:00+00:00", "state": "on", "size": {"value": 1}})
    assert checker.problems == []
    check({"error": {"code": "not_found"}}, status=404)  # a body where none is documented
    check({**thing, "undocumented": 1})
    check({**thing, "size": {"value": "big", "unit": "cm"}})
    check({**thing, "at": "yesterday", "state": "maybe"})
    check({"id": 7, "size": None})
    check(thing, status=418)
    assert checker.problems == [
        'GET /api/v1/things/{id}/ -> 404: body {"error": {"code": "not_found"}} but none is '
        "documented",
        "GET /api/v1/things/{id}/ -> 200: $: Additional properties are not allowed "
        "('undocumented' was unexpected)",
        "GET /api/v1/things/{id}/ -> 200: $.size: Additional properties are not allowed "
        "('unit' was unexpected)",
        "GET /api/v1/things/{id}/ -> 200: $.size.value: 'big' is not of type 'number'",
        "GET /api/v1/things/{id}/ -> 200: $.at: 'yesterday' is not a 'date-time'",
        "GET /api/v1/things/{id}/ -> 200: $.state: 'maybe' is not one of ['on', 'off']",
        "GET /api/v1/things/{id}/ -> 200: $: 'at' is a required property",
        "GET /api/v1/things/{id}/ -> 418: status 418 is not documented (documented: 200, 404); "
        'body {"id": 7, "at": null, "state": null, "size": null, "extra": {"free": 1}}',
    ]


def test_offline_batch_and_conditional_get_responses_match_the_schema(learner, course, checker):
    client = client_for(learner)
    items = list(course.items.filter(slug__startswith="s1-i").order_by("slug"))
    at = timezone.now() - timedelta(hours=1)
    answers = [
        {
            "client_id": str(uuid.uuid4()),
            "item": item.pk,
            "answer": item.slug.split("-i")[1],
            "answered_at": (at + timedelta(minutes=n)).isoformat(),
            "hint_used": n == 0,
        }
        for n, item in enumerate(items)
    ]
    answers.append({"client_id": "not-a-uuid", "item": items[0].pk, "answer": "0"})
    answers.append({**answers[0], "answer": "7"})  # the id again, another answer: a 409 entry
    url = f"{API}/practice/answers/batch/"
    synced = checker.check(client.post(url, {"answers": answers}, format="json"), "a batch")
    assert [r["status"] for r in synced["results"]] == [201] * len(items) + [400, 409]
    again = checker.check(client.post(url, {"answers": answers[:2]}, format="json"), "again")
    assert [r["status"] for r in again["results"]] == [200, 200]
    checker.check(client.post(url, {"answers": []}, format="json"), "an empty batch")

    # Course content: a 200 with its ETag, then a 304 without a body.
    for path in (f"{API}/courses/{course.slug}/", f"{API}/courses/{course.slug}/items/"):
        first = client.get(path)
        checker.check(first, "content")
        repeat = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        assert repeat.status_code == 304
        checker.check(repeat, "not modified")
    checker.assert_no_drift()
