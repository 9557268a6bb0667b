"""The hot path through the API: feedback, idempotency, concurrency, bounded queries."""

import threading
import uuid

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from apps.assessments.models import ItemResponse
from apps.curriculum import services as authoring
from apps.recommendations.answer_log import mastery_steps
from apps.recommendations.models import LearnerAbility, SkillMastery
from tests.accounts.factories import ClassroomFactory, LearnerFactory
from tests.helpers import client_for
from tests.recommendations.builders import chain_course, numeric_item

URL = "/api/v1/practice/answers/"


def item_id(course, slug):
    return course.items.get(slug=slug).pk


def submit(client, item, answer, client_id=None, **extra):
    body = {"client_id": str(client_id or uuid.uuid4()), "item": item, "answer": answer, **extra}
    return client.post(URL, body, format="json")


@pytest.fixture
def course(db):
    return chain_course(skills=3, items_per_skill=4)


@pytest.mark.django_db
def test_feedback_carries_correctness_explanation_mastery_and_the_next_activity(course):
    learner = LearnerFactory()
    response = submit(client_for(learner), item_id(course, "s1-i2"), "2", time_taken_ms=4000)
    body = response.json()
    assert response.status_code == 201
    assert (body["correct"], body["score"], body["item"]) == (True, 1.0, "s1-i2")
    assert body["explanation_html"] == "<p>It is 2.0.</p>"
    [change] = body["mastery"]
    assert change["skill"] == "s1"
    assert change["after"] > change["before"] == 0.2
    assert body["next"]["kind"] == "practice"
    assert body["next"]["skill"]["slug"] == "s1"
    assert body["next"]["item"]["id"] != item_id(course, "s1-i2")  # not the one just answered
    assert "numeric_answer" not in str(body["next"])
    row = SkillMastery.objects.get(learner=learner)
    assert (row.attempts, row.correct_count) == (1, 1)
    assert row.p_known == pytest.approx(change["after"], abs=1e-4)
    assert row.memory_state["state"] in (1, 2)
    assert row.review_due_at is not None
    assert LearnerAbility.objects.get(learner=learner).theta > 0


@pytest.mark.django_db
def test_a_wrong_answer_lowers_mastery(course):
    client = client_for(LearnerFactory())
    submit(client, item_id(course, "s1-i0"), "0")
    body = submit(client, item_id(course, "s1-i1"), "7").json()
    assert body["correct"] is False
    assert body["mastery"][0]["after"] < body["mastery"][0]["before"]


@pytest.mark.django_db
def test_a_retried_submit_returns_the_first_result_and_stores_nothing_new(course):
    client = client_for(LearnerFactory())
    client_id = uuid.uuid4()
    first = submit(client, item_id(course, "s1-i1"), "1", client_id=client_id)
    again = submit(client, item_id(course, "s1-i1"), "1", client_id=client_id)
    # The id with a different answer (a buggy client) is a 409, not the first result.
    changed = submit(client, item_id(course, "s1-i1"), "9", client_id=client_id)
    assert first.status_code == 201
    assert again.status_code == 200
    assert changed.status_code == 409
    assert again.json() == first.json()
    assert ItemResponse.objects.count() == 1
    assert len(ItemResponse.objects.get().mastery_changes) == 1
    assert SkillMastery.objects.get().attempts == 1
    assert LearnerAbility.objects.get().n_responses == 1


@pytest.mark.django_db
def test_someone_elses_client_id_is_a_conflict(course):
    client_id = uuid.uuid4()
    submit(client_for(LearnerFactory()), item_id(course, "s1-i1"), "1", client_id=client_id)
    other = submit(client_for(LearnerFactory()), item_id(course, "s1-i1"), "1", client_id=client_id)
    assert other.status_code == 409
    assert ItemResponse.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"item": 1, "answer": "1"}, "client_id"),
        ({"client_id": "not-a-uuid", "item": 1, "answer": "1"}, "client_id"),
        ({"client_id": str(uuid.uuid4()), "answer": "1"}, "item"),
        ({"client_id": str(uuid.uuid4()), "item": "x", "answer": "1"}, "item"),
        ({"client_id": str(uuid.uuid4()), "item": 1}, "answer"),
        (
            {"client_id": str(uuid.uuid4()), "item": 1, "answer": "1", "time_taken_ms": -5},
            "time_taken_ms",
        ),
    ],
)
def test_malformed_requests_are_400_naming_the_field(course, payload, field):
    response = client_for(LearnerFactory()).post(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert ItemResponse.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("answer", ["", "banana", ["1"], {"x": 1}, "1" * 100, None])
def test_malformed_answers_are_400_and_nothing_is_stored(course, answer):
    response = submit(client_for(LearnerFactory()), item_id(course, "s1-i1"), answer)
    assert response.status_code == 400
    assert "answer" in response.json()["error"]["fields"]
    assert (ItemResponse.objects.count(), SkillMastery.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_items_of_courses_you_cannot_see_or_drafts_are_refused(course):
    hidden = chain_course(slug="hidden", skills=1, public=False)
    client = client_for(LearnerFactory())
    assert submit(client, item_id(hidden, "s1-i0"), "0").status_code == 404
    draft = numeric_item(course, "draft-one", ("s1",), 1.0)
    draft.status = "draft"
    draft.save()
    authoring.course_touch(course=course)
    assert submit(client, draft.pk, "1").status_code == 400
    assert submit(client, 999_999, "1").status_code == 404
    assert client_for(None).post(URL, {}, format="json").status_code == 401
    assert ItemResponse.objects.count() == 0


def statements_for_one_answer(course, learner, slug, answer, client=None):
    client, item = client or client_for(learner), item_id(course, slug)
    with CaptureQueriesContext(connection) as captured:
        response = submit(client, item, answer)
    assert response.status_code == 201
    return [query["sql"] for query in captured]


@pytest.mark.django_db
def test_an_answer_costs_five_statements_whatever_the_course_size():
    small = chain_course(slug="small", skills=2, items_per_skill=2)
    large = chain_course(slug="large", skills=30, items_per_skill=10)
    hidden = chain_course(slug="enrolled", skills=30, items_per_skill=10, public=False)
    learner = LearnerFactory()
    classroom = ClassroomFactory()
    classroom.courses.add(hidden)
    classroom.enrollments.create(learner=learner)
    client = client_for(learner)
    # The first answer in each course builds its cached snapshot (and the token's user is
    # read and cached): not counted.
    for course in (small, large, hidden):
        statements_for_one_answer(course, learner, "s1-i0", "0", client)
    # The first answer of a learner new to the course creates the state row in the same
    # statement that would lock it.
    newcomer = LearnerFactory()
    newcomer_client = client_for(newcomer)
    statements_for_one_answer(small, newcomer, "s1-i0", "0", newcomer_client)  # user cached
    first = statements_for_one_answer(large, newcomer, "s1-i0", "0", newcomer_client)
    counts = {
        course.slug: statements_for_one_answer(course, learner, "s1-i1", "1", client)
        for course in (small, large, hidden)
    }
    # The state row's lock (with the visibility check and the course's content version), the
    # skill rows, the response's insert, the skill rows' upsert, the state row's update; no
    # query for the user (cached by token), the item or the course (the cached snapshot), the
    # enrolment (inside the lock's statement), the recent answers or the lessons read (kept
    # on the state row); plus the test transaction's savepoint pair for BEGIN/COMMIT.
    for statements in [first, *counts.values()]:
        assert len(statements) == 5 + 2, statements
        assert statements[0].startswith("SAVEPOINT")
        assert statements[-1].startswith("RELEASE")
        assert "INSERT INTO" in statements[1]
        assert "ON CONFLICT" in statements[1]


@pytest.mark.django_db
def test_authoring_changes_invalidate_the_cached_course(course):
    client = client_for(LearnerFactory())
    submit(client, item_id(course, "s1-i0"), "0")
    item = course.items.get(slug="s1-i1")
    spec = authoring.item_spec_from(item)
    from dataclasses import replace

    authoring.item_save(
        course=course,
        slug=item.slug,
        spec=replace(spec, numeric_answer=42.0),
        status="published",
        item=item,
    )
    assert submit(client, item.pk, "42").json()["correct"] is True


@pytest.mark.django_db(transaction=True)
def test_concurrent_answers_from_one_learner_lose_no_update(course):
    learner = LearnerFactory()
    # Distinct items: a second answer to one of them would be a repeat (engine.evidence),
    # stored but no evidence, so it would not show whether concurrent updates chain.
    items = [item_id(course, f"s1-i{k}") for k in range(4)]
    barrier = threading.Barrier(len(items))
    statuses = []

    def answer(item):
        try:
            barrier.wait()
            statuses.append(submit(client_for(learner), item, "0").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * len(items)
    row = SkillMastery.objects.get(learner=learner)
    assert row.attempts == len(items) == ItemResponse.objects.filter(learner=learner).count()
    assert LearnerAbility.objects.get(learner=learner).n_responses == len(items)
    # Each change starts where the previous one ended: a chain, no lost update.
    changes = [
        step
        for stored in ItemResponse.objects.filter(learner=learner)
        .order_by("id")
        .values_list("mastery_changes", flat=True)
        for step in mastery_steps(stored)
    ]
    assert [c.before for c in changes[1:]] == [c.after for c in changes[:-1]]


@pytest.mark.django_db
def test_a_retry_after_the_receipt_was_pruned_is_rebuilt_from_the_log(course):
    from datetime import timedelta

    from django.utils import timezone

    from apps.recommendations.tasks import prune_answer_receipts

    client = client_for(LearnerFactory())
    client_id = uuid.uuid4()
    first = submit(client, item_id(course, "s1-i1"), "1", client_id=client_id).json()
    ItemResponse.objects.update(created_at=timezone.now() - timedelta(days=31))
    assert prune_answer_receipts() == 1
    again = submit(client, item_id(course, "s1-i1"), "1", client_id=client_id)
    assert again.status_code == 200
    body = again.json()
    kept = ["response_id", "client_id", "item", "correct", "score", "answer", "explanation_html"]
    assert {k: body[k] for k in kept} == {k: first[k] for k in kept}
    assert [(m["skill"], m["before"], m["after"]) for m in body["mastery"]] == [
        (m["skill"], m["before"], m["after"]) for m in first["mastery"]
    ]
    # Rebuilt by the same builder as the first feedback: the skill's attempts after that answer.
    assert [m["attempts"] for m in body["mastery"]] == [m["attempts"] for m in first["mastery"]]
    assert set(body) == set(first)
    assert body["next"]["kind"] == "practice"
    assert ItemResponse.objects.count() == 1
    assert SkillMastery.objects.get().attempts == 1
    other = submit(client_for(LearnerFactory()), item_id(course, "s1-i1"), "1", client_id=client_id)
    assert other.status_code == 409
