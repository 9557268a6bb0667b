"""Strict input on the practice, answer, attempt and placement APIs and on every list:
a 400 (or a 409 for a reused client_id) naming the field or parameter, and nothing stored."""

import json
import uuid

import pytest

from apps.assessments.models import Assessment, Attempt, ItemResponse
from apps.curriculum import services as authoring
from apps.curriculum.models import Status
from apps.curriculum.validation import ChoiceSpec, ItemSpec
from apps.recommendations.models import LearnerAbility, RecommendationLog, SkillMastery
from tests.accounts.factories import ClassroomFactory, LearnerFactory, TeacherFactory
from tests.helpers import client_for
from tests.recommendations.builders import chain_course, choice_item

pytestmark = pytest.mark.django_db

ANSWERS = "/api/v1/practice/answers/"
STORED = (
    ItemResponse,
    SkillMastery,
    LearnerAbility,
    RecommendationLog,
    Attempt,
    Assessment,
)


def stored_rows() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in STORED}


def error_fields(response) -> list[str]:  # type: ignore[no-untyped-def]
    return list(response.json()["error"]["fields"])


@pytest.fixture
def course():
    course = chain_course(skills=2, items_per_skill=3)
    choice_item(course, "single", ("s1",))
    authoring.item_save(
        course=course,
        slug="multi",
        status=Status.PUBLISHED,
        spec=ItemSpec(
            type="multiple_choice",
            stem="Pick a and c",
            skills=("s1",),
            choices=(
                ChoiceSpec("a", "A", True),
                ChoiceSpec("b", "B", False),
                ChoiceSpec("c", "C", True),
            ),
        ),
    )
    authoring.item_save(
        course=course,
        slug="text",
        status=Status.PUBLISHED,
        spec=ItemSpec(
            type="short_text", stem="Say half", skills=("s1",), accepted_answers=("half",)
        ),
    )
    course.refresh_from_db()
    return course


def item_id(course, slug: str) -> int:  # type: ignore[no-untyped-def]
    return course.items.get(slug=slug).pk


def answer(client, item: int, value: object, client_id: object = None):  # type: ignore[no-untyped-def]
    body = {"client_id": str(uuid.uuid4()) if client_id is None else client_id, "item": item}
    # Sent as ASCII JSON, so a lone surrogate travels as the escape "\\ud800" a client sends.
    text = json.dumps({**body, "answer": value})
    return client.post(ANSWERS, text, content_type="application/json")


@pytest.mark.parametrize(
    "client_id", [142, 1.5, True, ["6f1c2a7e-3b1d-4c55-9e0f-2a8d7c9b1e42"], "142", "not-a-uuid", ""]
)
def test_a_client_id_that_is_not_a_uuid_string_is_a_400(course, client_id):
    client = client_for(LearnerFactory())
    before = stored_rows()
    response = answer(client, item_id(course, "s1-i1"), "1", client_id=client_id)
    assert response.status_code == 400, response.json()
    assert error_fields(response) == ["client_id"]
    assert "client_id" in response.json()["error"]["message"]
    assert stored_rows() == before


@pytest.mark.parametrize(
    ("slug", "value"),
    [
        ("multi", "a"),  # a lone key was taken for ["a"] and scored
        ("multi", {"a": True}),
        ("multi", [["a"]]),
        ("multi", [1]),
        ("single", ["a"]),
        ("single", 1),
        ("text", ["half"]),
        ("text", 0.5),
        ("s1-i1", ["1"]),
        ("s1-i1", True),
        ("s1-i1", {"value": 1}),
    ],
)
def test_an_answer_of_the_wrong_json_type_is_a_400(course, slug, value):
    client = client_for(LearnerFactory())
    before = stored_rows()
    response = answer(client, item_id(course, slug), value)
    assert response.status_code == 400, response.json()
    assert error_fields(response) == ["answer"]
    assert "answer" in response.json()["error"]["message"]
    assert stored_rows() == before


@pytest.mark.parametrize(
    ("slug", "value"),
    [
        ("text", "half\x00"),
        ("text", "\x00"),
        ("s1-i1", "1\x00"),
        ("single", "a\x00"),
        ("multi", ["a", "c\x00"]),
        ("text", "half\ud800"),
    ],
)
def test_answer_text_with_a_nul_byte_or_a_lone_surrogate_is_a_400(course, slug, value):
    client = client_for(LearnerFactory())
    before = stored_rows()
    response = answer(client, item_id(course, slug), value)
    assert response.status_code == 400, response.json()
    assert error_fields(response) == ["answer"]
    assert stored_rows() == before


def test_answers_of_the_right_type_are_graded(course):
    client = client_for(LearnerFactory())
    assert answer(client, item_id(course, "multi"), ["c", "a"]).json()["correct"] is True
    assert answer(client, item_id(course, "single"), "a").json()["correct"] is True
    assert answer(client, item_id(course, "text"), "Half").json()["correct"] is True
    assert answer(client, item_id(course, "s1-i1"), 1).json()["correct"] is True
    assert answer(client, item_id(course, "s1-i2"), "2").json()["correct"] is True
    assert ItemResponse.objects.count() == 5


def test_the_same_client_id_with_the_same_item_and_answer_is_the_first_feedback(course):
    client, client_id = client_for(LearnerFactory()), str(uuid.uuid4())
    first = answer(client, item_id(course, "multi"), ["a", "c"], client_id=client_id)
    assert first.status_code == 201
    before = stored_rows()
    # The same answer, keys in another order: stored normalised, so the same answer.
    again = answer(client, item_id(course, "multi"), ["c", "a"], client_id=client_id)
    assert again.status_code == 200, again.json()
    assert again.json() == first.json()
    assert stored_rows() == before


@pytest.mark.parametrize(
    ("slug", "value"),
    [("s1-i2", "1"), ("s1-i1", "2"), ("s1-i1", 2), ("multi", ["a"])],
)
def test_a_client_id_reused_for_another_item_or_answer_is_a_409(course, slug, value):
    client, client_id = client_for(LearnerFactory()), str(uuid.uuid4())
    assert answer(client, item_id(course, "s1-i1"), "1", client_id=client_id).status_code == 201
    before = stored_rows()
    response = answer(client, item_id(course, slug), value, client_id=client_id)
    assert response.status_code == 409, response.json()
    error = response.json()["error"]
    assert error["code"] == "client_id_reused"
    assert list(error["fields"]) == ["client_id"]
    assert "client_id" in error["message"]
    assert stored_rows() == before


def test_a_client_id_reused_in_another_course_is_a_409(course):
    other = chain_course(slug="other", skills=1, items_per_skill=2)
    client, client_id = client_for(LearnerFactory()), str(uuid.uuid4())
    assert answer(client, item_id(course, "s1-i1"), "1", client_id=client_id).status_code == 201
    before = stored_rows()
    response = answer(client, item_id(other, "s1-i1"), "1", client_id=client_id)
    assert response.status_code == 409, response.json()
    assert response.json()["error"]["code"] == "client_id_reused"
    assert stored_rows() == before


def test_the_schema_documents_the_409_of_the_answer_endpoint(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    responses = schema["paths"][ANSWERS]["post"]["responses"]
    assert "409" in responses
    assert "client_id_reused" in responses["409"]["description"]


@pytest.mark.parametrize("value", ["abc", "-1", "0", "21", "1.5", "1e1"])
def test_recommendations_limit_out_of_range_is_a_400(course, value):
    client = client_for(LearnerFactory())
    before = stored_rows()
    response = client.get("/api/v1/recommendations/", {"course": course.slug, "limit": value})
    assert response.status_code == 400, response.json()
    assert error_fields(response) == ["limit"]
    assert stored_rows() == before


def test_recommendations_limit_in_range_is_used(course):
    client = client_for(LearnerFactory())
    response = client.get("/api/v1/recommendations/", {"course": course.slug, "limit": "1"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


def test_a_placement_course_with_a_nul_byte_is_a_400(course):
    client = client_for(LearnerFactory())
    before = stored_rows()
    response = client.post("/api/v1/placement/", {"course": course.slug + "\x00"}, format="json")
    assert response.status_code == 400, response.json()
    assert error_fields(response) == ["course"]
    assert stored_rows() == before


def _list_urls(course, classroom_id: int) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Every paginated list of the API, with the role that may read it."""
    return [
        ("learner", "/api/v1/courses/"),
        ("learner", f"/api/v1/courses/{course.slug}/modules/"),
        ("learner", f"/api/v1/courses/{course.slug}/skills/"),
        ("learner", f"/api/v1/courses/{course.slug}/lessons/"),
        ("learner", f"/api/v1/courses/{course.slug}/items/"),
        ("learner", f"/api/v1/courses/{course.slug}/assessments/"),
        ("learner", "/api/v1/attempts/"),
        ("learner", "/api/v1/practice/history/"),
        ("learner", "/api/v1/classrooms/"),
        ("teacher", f"/api/v1/classrooms/{classroom_id}/learners/"),
        ("teacher", f"/api/v1/classrooms/{classroom_id}/courses/"),
        ("teacher", f"/api/v1/classrooms/{classroom_id}/wheel-spinning/"),
        ("teacher", f"/api/v1/classrooms/{classroom_id}/departures/"),
    ]


@pytest.fixture
def readers(course):  # type: ignore[no-untyped-def]
    teacher = TeacherFactory()
    classroom = ClassroomFactory(owner=teacher)
    return {
        "learner": client_for(LearnerFactory()),
        "teacher": client_for(teacher),
    }, _list_urls(course, classroom.pk)


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("page_size", "abc"),
        ("page_size", "-1"),
        ("page_size", "0"),
        ("page_size", "501"),
        ("page_size", "2.5"),
        ("page", "abc"),
        ("page", "-5"),
        ("page", "0"),
    ],
)
def test_every_list_refuses_a_bad_page_parameter(readers, param, value):
    clients, urls = readers
    for role, url in urls:
        assert clients[role].get(url).status_code == 200, url
        before = stored_rows()
        response = clients[role].get(url, {param: value})
        assert response.status_code == 400, (url, response.json())
        assert error_fields(response) == [param], url
        assert param in response.json()["error"]["message"]
        assert stored_rows() == before


def test_a_page_past_the_last_is_a_404_naming_page(readers):
    clients, _ = readers
    response = clients["learner"].get("/api/v1/courses/", {"page": "7"})
    assert response.status_code == 404, response.json()
    assert error_fields(response) == ["page"]


def test_good_page_parameters_still_page(course):
    client = client_for(LearnerFactory())
    url = f"/api/v1/courses/{course.slug}/items/"
    first = client.get(url, {"page_size": "2"}).json()
    assert (first["count"], len(first["results"])) == (9, 2)
    last = client.get(url, {"page_size": "2", "page": "last"}).json()
    assert len(last["results"]) == 1
    assert client.get(url, {"page_size": ""}).json()["count"] == 9


@pytest.mark.parametrize(
    ("url", "query", "param"),
    [
        ("/api/v1/courses/chain/items/", {"type": "bogus"}, "type"),
        ("/api/v1/courses/", {"status": "bogus"}, "status"),
        ("/api/v1/attempts/", {"course": "chain\x00"}, "course"),
        ("/api/v1/courses/", {"q": "a\x00"}, "q"),
        ("/api/v1/courses/chain/items/", {"skill": "s1\x00"}, "skill"),
    ],
)
def test_bad_filter_values_are_a_400_naming_the_parameter(course, url, query, param):
    client = client_for(LearnerFactory())
    response = client.get(url, query)
    assert response.status_code == 400, response.json()
    assert error_fields(response) == [param]


def test_the_schema_bounds_page_size(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/attempts/"]["get"]["parameters"]}
    assert parameters["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 500}
    assert parameters["page"]["schema"] == {"type": "integer", "minimum": 1}
