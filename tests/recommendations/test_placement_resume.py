"""Placement integrity over the API: the pending item is stable across re-fetches (and app
restarts), an answer must be for the item presented, and starting again resumes (200) without
a second diagnostic assessment or attempt."""

import uuid

import pytest

from apps.assessments.models import Assessment, AssessmentKind, Attempt, ItemResponse
from apps.curriculum import services as authoring
from apps.recommendations.models import SkillMastery
from apps.recommendations.services import placement
from apps.recommendations.snapshot import course_snapshot
from tests.accounts.factories import LearnerFactory
from tests.helpers import client_for
from tests.recommendations.builders import chain_course, numeric_item

pytestmark = pytest.mark.django_db

START = "/api/v1/placement/"
ANSWERS = "/api/v1/practice/answers/"


@pytest.fixture
def course():
    return chain_course(slug="place", skills=3, items_per_skill=6)


def wide_course():
    """Eighteen unrelated skills: too many knowledge states to list, so the placement falls
    back to the IRT CAT, whose pick is randomesque among the best few."""
    course = authoring.course_create(
        author=None, slug="wide", title="Wide", status="published", is_public=True
    )
    for n in range(18):
        authoring.skill_create(course=course, slug=f"w{n}", name=f"W {n}", prerequisites=[])
        for k in range(3):
            numeric_item(course, f"w{n}-i{k}", (f"w{n}",), answer=float(k), b=0.0)
    return course


def start(client, course):
    return client.post(START, {"course": course.slug}, format="json")


def answer(client, attempt, item_id, value="99"):
    body = {"client_id": str(uuid.uuid4()), "item": item_id, "attempt": attempt, "answer": value}
    return client.post(ANSWERS, body, format="json")


def test_starting_again_resumes_with_200_the_same_attempt_and_item(course):
    client = client_for(LearnerFactory())
    first = start(client, course)
    again = start(client, course)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["attempt"] == first.json()["attempt"]
    assert again.json()["next"]["item"]["id"] == first.json()["next"]["item"]["id"]
    assert Attempt.objects.count() == 1
    assert Assessment.objects.filter(course=course, kind=AssessmentKind.DIAGNOSTIC).count() == 1


def test_the_attempt_start_endpoint_resumes_a_placement_with_200(course):
    client = client_for(LearnerFactory())
    first = start(client, course).json()
    assessment = Attempt.objects.get(pk=first["attempt"]).assessment
    resumed = client.post(f"/api/v1/assessments/{assessment.pk}/attempts/")
    assert resumed.status_code == 200
    assert resumed.json()["attempt"]["id"] == first["attempt"]
    assert Attempt.objects.count() == 1


def test_a_course_with_its_own_diagnostic_gets_no_second_one(course):
    # given a course that names its placement (as the demo course and imports do)
    own = Assessment.objects.create(
        course=course, slug="place-placement", title="Placement", kind=AssessmentKind.DIAGNOSTIC
    )
    client = client_for(LearnerFactory())
    # when a learner starts the placement, through both endpoints
    body = start(client, course).json()
    client.post(f"/api/v1/assessments/{own.pk}/attempts/")
    # then it runs on that assessment, and there is still one
    assert Attempt.objects.get(pk=body["attempt"]).assessment == own
    assert list(Assessment.objects.filter(course=course, kind=AssessmentKind.DIAGNOSTIC)) == [own]
    assert Attempt.objects.count() == 1


@pytest.mark.parametrize("build", [lambda: chain_course(slug="p2", skills=3), wide_course])
def test_the_pending_item_is_the_same_on_every_fetch_and_after_a_restart(build):
    course = build()
    wide = course.slug == "wide"
    assert (placement._knowledge_states(course_snapshot(course)) is None) == wide
    client = client_for(LearnerFactory())
    body = start(client, course).json()
    attempt = body["attempt"]
    answer(client, attempt, body["next"]["item"]["id"])
    seen = set()
    for _ in range(8):
        placement._structures.clear()  # as after an app restart: nothing cached
        seen.add(client.get(f"{START}{attempt}/").json()["next"]["item"]["id"])
        seen.add(start(client, course).json()["next"]["item"]["id"])
    assert len(seen) == 1


def test_an_answer_for_another_item_is_a_409_naming_item_and_stores_nothing(course):
    learner = LearnerFactory()
    client = client_for(learner)
    body = start(client, course).json()
    presented = body["next"]["item"]["id"]
    other = course.items.exclude(pk=presented).order_by("pk").first()
    # when the client answers an item of its own choosing (an easy one, right)
    response = answer(client, body["attempt"], other.pk, str(other.numeric_answer))
    # then
    assert response.status_code == 409
    assert "item" in response.json()["error"]["fields"]
    assert not ItemResponse.objects.filter(learner=learner).exists()
    assert not SkillMastery.objects.filter(learner=learner).exists()
    assert Attempt.objects.get(pk=body["attempt"]).n_answered == 0
    # and the item presented is still accepted
    assert answer(client, body["attempt"], presented).status_code == 201


def test_a_retried_answer_to_the_presented_item_returns_the_first_result(course):
    client = client_for(LearnerFactory())
    body = start(client, course).json()
    payload = {
        "client_id": str(uuid.uuid4()),
        "item": body["next"]["item"]["id"],
        "attempt": body["attempt"],
        "answer": "99",
    }
    first = client.post(ANSWERS, payload, format="json")
    retry = client.post(ANSWERS, payload, format="json")  # the placement has moved on since
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == first.json()
    assert ItemResponse.objects.count() == 1
