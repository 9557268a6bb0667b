"""Offline first: answers queued on a device and synced in one request
(``POST /api/v1/practice/answers/batch/``), replayed in the order they were answered, each
idempotent by client_id, with per-answer results and the state after; the client's
``answered_at`` drives the learner model and the review schedule."""

import itertools
import uuid
from datetime import UTC, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from apps.assessments.models import ItemResponse
from apps.recommendations.answer_log import mastery_steps
from apps.recommendations.models import SkillMastery
from apps.recommendations.recalculation.rebuild import learner_state_rebuild
from tests.accounts.factories import LearnerFactory
from tests.helpers import client_for
from tests.recommendations.builders import chain_course

pytestmark = pytest.mark.django_db

BATCH = "/api/v1/practice/answers/batch/"
ANSWERS = "/api/v1/practice/answers/"


@pytest.fixture
def course():
    return chain_course(slug="offline", skills=2, items_per_skill=6)


def items(course, skill="s1"):
    return list(course.items.filter(slug__startswith=f"{skill}-").order_by("slug"))


def right(item):
    return item.slug.rsplit("i", 1)[1]


def queued(item, value, at, **extra):
    return {
        "client_id": str(uuid.uuid4()),
        "item": item.pk,
        "answer": value,
        "answered_at": at.isoformat(),
        **extra,
    }


def test_a_queue_is_replayed_in_answer_order_and_each_answer_keeps_its_time(course):
    learner = LearnerFactory()
    client = client_for(learner)
    s1 = items(course)
    start = timezone.now() - timedelta(days=3)
    answers = [queued(item, right(item), start + timedelta(hours=n)) for n, item in enumerate(s1)]
    # when sent in reverse order
    response = client.post(BATCH, {"answers": answers[::-1]}, format="json")
    # then every answer is stored with its own time, and the results follow the request's order
    assert response.status_code == 200
    body = response.json()
    assert [result["index"] for result in body["results"]] == list(range(len(answers)))
    assert [result["status"] for result in body["results"]] == [201] * len(answers)
    assert [r["client_id"] for r in body["results"]] == [a["client_id"] for a in answers[::-1]]
    stored = list(ItemResponse.objects.filter(learner=learner).order_by("id"))
    assert [response.item_id for response in stored] == [item.pk for item in s1]  # replayed by time
    assert [response.created_at for response in stored] == [
        start + timedelta(hours=n) for n in range(len(s1))
    ]
    assert all(response.received_at is not None for response in stored)
    # the mastery line of each answer starts where the previous answer left it
    changes = [step for response in stored for step in mastery_steps(response.mastery_changes)]
    assert len(changes) == len(stored)
    for earlier, later in itertools.pairwise(changes):
        assert later.before == pytest.approx(earlier.after)
    row = SkillMastery.objects.get(learner=learner, skill__slug="s1")
    assert row.last_practised_at == start + timedelta(hours=len(s1) - 1)
    assert row.memory_state["last_review"].startswith(
        (start + timedelta(hours=len(s1) - 1)).astimezone(UTC).isoformat()[:19]
    )
    # and the state after: the course's mastery and what practice presents now
    [state] = body["state"]
    assert state["course"] == course.slug
    skills = {skill["slug"]: skill for skill in state["mastery"]["skills"]}
    assert skills["s1"]["p_known"] == pytest.approx(row.p_known, abs=1e-4)
    assert state["next"]["kind"] in {"practice", "review", "lesson", "complete"}
    got = client.get("/api/v1/practice/next/", {"course": course.slug}).json()
    assert got == state["next"]


def test_the_schedule_goes_by_the_answer_time_not_the_sync_time(course):
    learner = LearnerFactory()
    client = client_for(learner)
    item = items(course)[0]
    answered = timezone.now() - timedelta(days=10)
    client.post(BATCH, {"answers": [queued(item, right(item), answered)]}, format="json")
    row = SkillMastery.objects.get(learner=learner, skill__slug="s1")
    # FSRS reviewed the card at the answer's time: due counted from then, not from the sync
    live = LearnerFactory()
    client_for(live).post(
        ANSWERS,
        {"client_id": str(uuid.uuid4()), "item": item.pk, "answer": right(item)},
        format="json",
    )
    now_row = SkillMastery.objects.get(learner=live, skill__slug="s1")
    interval = now_row.review_due_at - now_row.last_practised_at
    assert row.review_due_at - answered == pytest.approx(interval, abs=timedelta(seconds=5))
    assert row.review_due_at < now_row.review_due_at - timedelta(days=9)


def test_sending_the_batch_again_stores_nothing_and_returns_the_first_feedback(course):
    learner = LearnerFactory()
    client = client_for(learner)
    start = timezone.now() - timedelta(hours=5)
    answers = [
        queued(item, right(item), start + timedelta(minutes=n))
        for n, item in enumerate(items(course))
    ]
    first = client.post(BATCH, {"answers": answers}, format="json").json()
    counts = (ItemResponse.objects.count(), SkillMastery.objects.count())
    attempts = sorted(SkillMastery.objects.values_list("attempts", flat=True))
    # when the response was lost and the device sends the same queue again
    again = client.post(BATCH, {"answers": answers}, format="json").json()
    # then
    assert [r["status"] for r in again["results"]] == [200] * len(answers)
    assert [r["feedback"] for r in again["results"]] == [r["feedback"] for r in first["results"]]
    assert (ItemResponse.objects.count(), SkillMastery.objects.count()) == counts
    assert sorted(SkillMastery.objects.values_list("attempts", flat=True)) == attempts


def test_a_refused_answer_is_reported_in_its_place_and_the_rest_are_stored(course):
    learner = LearnerFactory()
    client = client_for(learner)
    s1 = items(course)
    now = timezone.now()
    used = queued(s1[0], right(s1[0]), now - timedelta(hours=2))
    client.post(BATCH, {"answers": [used]}, format="json")
    answers = [
        queued(s1[1], right(s1[1]), now - timedelta(hours=1)),
        queued(s1[2], right(s1[2]), now + timedelta(days=1)),  # in the future
        queued(s1[3], right(s1[3]), now - timedelta(days=400)),  # too old
        {
            **queued(s1[4], right(s1[4]), now - timedelta(minutes=5)),
            "answered_at": "2026-11-28T10:15:00",
        },
        {**used, "answer": "5"},  # the client_id again, with another answer
        queued(s1[5], ["a"], now - timedelta(minutes=3)),  # a list for a numeric item
        {"item": s1[5].pk, "answer": "5"},  # no client_id
        "not an object",
        {**queued(s1[5], "5", now - timedelta(minutes=2)), "item": 999_999},
        {**queued(s1[5], "5", now - timedelta(minutes=1)), "hint_used": "yes"},
        queued(s1[5], right(s1[5]), now - timedelta(minutes=1), hint_used=True),
    ]
    response = client.post(BATCH, {"answers": answers}, format="json")
    assert response.status_code == 200
    results = response.json()["results"]
    statuses = [result["status"] for result in results]
    assert statuses == [201, 400, 400, 400, 409, 400, 400, 400, 404, 400, 201]
    fields = [sorted((result["error"] or {}).get("fields", {})) for result in results]
    assert fields[1:4] == [["answered_at"]] * 3
    assert fields[4] == ["client_id"]
    assert fields[5] == ["answer"]
    assert fields[6] == ["client_id"]
    assert fields[7] == ["non_field_errors"]
    assert fields[8] == ["item"]
    assert fields[9] == ["hint_used"]
    assert results[7]["client_id"] is None
    assert results[6]["client_id"] is None
    assert results[1]["client_id"] == answers[1]["client_id"]
    for result in results:
        assert (result["feedback"] is None) == (result["error"] is not None)
        if result["error"]:
            assert result["error"]["message"]
    stored = ItemResponse.objects.filter(learner=learner)
    assert sorted(stored.values_list("item_id", flat=True)) == sorted(
        [s1[0].pk, s1[1].pk, s1[5].pk]
    )
    assert stored.get(item=s1[5]).hint_used is True


@override_settings(ANSWER_BATCH_MAX=3)
def test_the_envelope_must_be_a_list_of_one_to_the_maximum(course):
    client = client_for(LearnerFactory())
    item = items(course)[0]
    at = timezone.now() - timedelta(minutes=1)
    too_many = [queued(item, "0", at) for _ in range(4)]
    for body in ({}, {"answers": []}, {"answers": "x"}, {"answers": too_many}):
        response = client.post(BATCH, body, format="json")
        assert response.status_code == 400, body
        assert list(response.json()["error"]["fields"]) == ["answers"]
    assert not ItemResponse.objects.exists()
    assert client_for(None).post(BATCH, {"answers": too_many[:1]}, format="json").status_code == 401


def test_a_clock_a_little_fast_counts_as_now(course):
    learner = LearnerFactory()
    client = client_for(learner)
    item = items(course)[0]
    ahead = timezone.now() + timedelta(seconds=60)
    response = client.post(BATCH, {"answers": [queued(item, "0", ahead)]}, format="json")
    assert response.json()["results"][0]["status"] == 201
    stored = ItemResponse.objects.get(learner=learner)
    assert stored.created_at <= timezone.now()
    assert stored.received_at is None


def test_a_late_answer_older_than_the_last_one_keeps_fsrs_time_going_forward(course):
    learner = LearnerFactory()
    client = client_for(learner)
    first, second = items(course)[:2]
    client.post(
        ANSWERS, {"client_id": str(uuid.uuid4()), "item": first.pk, "answer": "0"}, format="json"
    )
    before = SkillMastery.objects.get(learner=learner, skill__slug="s1")
    # when an answer given yesterday on a phone arrives after today's
    yesterday = timezone.now() - timedelta(days=1)
    response = client.post(BATCH, {"answers": [queued(second, "1", yesterday)]}, format="json")
    assert response.json()["results"][0]["status"] == 201
    after = SkillMastery.objects.get(learner=learner, skill__slug="s1")
    assert after.last_practised_at == before.last_practised_at
    assert after.memory_state["last_review"] >= before.memory_state["last_review"]
    assert after.attempts == before.attempts + 1
    # and the nightly rebuild, which replays by answer time, agrees on counts and times
    learner_state_rebuild(course=course, learners=[learner])
    rebuilt = SkillMastery.objects.get(learner=learner, skill__slug="s1")
    assert (rebuilt.attempts, rebuilt.correct_count) == (after.attempts, after.correct_count)
    assert rebuilt.last_practised_at == after.last_practised_at


def test_the_single_submit_takes_answered_at_and_hint_used_too(course):
    learner = LearnerFactory()
    client = client_for(learner)
    item = items(course)[0]
    at = timezone.now() - timedelta(hours=3)
    response = client.post(
        ANSWERS,
        {
            "client_id": str(uuid.uuid4()),
            "item": item.pk,
            "answer": "0",
            "answered_at": at.isoformat(),
            "hint_used": True,
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["answered_at"] == at.isoformat().replace("+00:00", "Z")
    stored = ItemResponse.objects.get(learner=learner)
    assert (stored.created_at, stored.hint_used) == (at, True)
