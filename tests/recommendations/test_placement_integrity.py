"""Placement writes happen only in POSTs and under the learner's lock: a GET never finishes a
placement, and finishing is idempotent (the second finish returns the first result)."""

import uuid

import pytest
from django.test import Client

from apps.assessments.models import Attempt, AttemptStatus, ItemResponse
from apps.curriculum.services import course_touch
from apps.recommendations.models import CoursePolicy, SkillMastery
from apps.recommendations.services.placement import placement_finish, placement_start
from tests.accounts.factories import LearnerFactory
from tests.helpers import client_for
from tests.recommendations.builders import chain_course

pytestmark = pytest.mark.django_db


def _answered_past_the_limit():
    """A placement in progress whose stop rule holds: the policy was shortened after answers."""
    course = chain_course(skills=2, items_per_skill=6)
    learner = LearnerFactory()
    attempt, _ = placement_start(learner=learner, course=course)
    for item in course.items.order_by("id")[:3]:
        ItemResponse.objects.create(
            learner=learner, item=item, attempt=attempt, answer="x", correct=True, score=1.0
        )
    CoursePolicy.objects.create(course=course, placement_max_items=2)
    course_touch(course=course)  # as the admin does: the cached course sees the new policy
    course.refresh_from_db()
    return course, learner, attempt


def test_a_get_on_a_placement_whose_stop_rule_holds_writes_nothing():
    # given
    course, learner, attempt = _answered_past_the_limit()
    client = client_for(learner)
    # when
    body = client.get(f"/api/v1/placement/{attempt.pk}/").json()
    flow = client.get(f"/api/v1/attempts/{attempt.pk}/").json()
    browser = Client()
    browser.force_login(learner)
    page = browser.get(f"/learn/{course.slug}/placement/{attempt.pk}/")
    # then
    assert body["status"] == "in_progress"
    assert body["next"]["item"] is None
    assert body["next"]["reason"] == "Placement complete: finish it to set your starting point."
    assert flow["next"]["item"] is None
    assert page.status_code == 200
    assert "finish it to set your starting point" in page.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.IN_PROGRESS
    assert not SkillMastery.objects.filter(learner=learner).exists()
    # and finishing it is a POST
    finished = client.post(f"/api/v1/placement/{attempt.pk}/finish/").json()
    assert finished["status"] == "finished"
    assert finished["result"]["answered"] == 3


def test_finishing_twice_returns_the_first_result_and_writes_once():
    _, learner, attempt = _answered_past_the_limit()
    first = placement_finish(learner=learner, attempt=attempt, reason="finished_by_learner")
    seeded = list(SkillMastery.objects.filter(learner=learner).values_list("p_known", flat=True))
    finished_at = Attempt.objects.get(pk=attempt.pk).finished_at
    # when the learner (or a retry) finishes again, through the service and both APIs
    again = placement_finish(
        learner=learner, attempt=Attempt.objects.get(pk=attempt.pk), reason="other"
    )
    client = client_for(learner)
    api = client.post(f"/api/v1/placement/{attempt.pk}/finish/").json()
    flow = client.post(f"/api/v1/attempts/{attempt.pk}/finish/").json()
    # then
    assert again == first
    assert api["result"]["stop_reason"] == "finished_by_learner"
    assert flow["attempt"]["result"]["stop_reason"] == "finished_by_learner"
    assert Attempt.objects.get(pk=attempt.pk).finished_at == finished_at
    assert (
        list(SkillMastery.objects.filter(learner=learner).values_list("p_known", flat=True))
        == seeded
    )


def test_an_answer_to_a_finished_placement_is_refused_and_stores_nothing():
    course, learner, attempt = _answered_past_the_limit()
    placement_finish(learner=learner, attempt=attempt)
    item = course.items.order_by("-id").first()
    response = client_for(learner).post(
        "/api/v1/practice/answers/",
        {"client_id": str(uuid.uuid4()), "item": item.pk, "attempt": attempt.pk, "answer": "1"},
        format="json",
    )
    assert response.status_code == 400
    assert "attempt" in response.json()["error"]["fields"]
    assert ItemResponse.objects.filter(attempt=attempt).count() == 3
