"""Practice integrity: GET /practice/next/ keeps presenting the pending item until it is
answered or skipped, and answering one item over and over does not farm mastery (online and
in the nightly rebuild alike)."""

import random
import uuid
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from apps.assessments.models import ItemResponse
from apps.recommendations.engine.evidence import counts_as_evidence, evidence_mask
from apps.recommendations.models import RecommendationLog, SkillMastery
from apps.recommendations.recalculation.rebuild import learner_state_rebuild
from tests.accounts.factories import LearnerFactory
from tests.helpers import client_for
from tests.recommendations.builders import chain_course

pytestmark = pytest.mark.django_db

NEXT = "/api/v1/practice/next/"
SKIP = "/api/v1/practice/skip/"
ANSWERS = "/api/v1/practice/answers/"


@pytest.fixture
def course():
    return chain_course(slug="integrity", skills=2, items_per_skill=8)


def answer(client, item_id, value):
    body = {"client_id": str(uuid.uuid4()), "item": item_id, "answer": value}
    return client.post(ANSWERS, body, format="json")


def next_item(client, course):
    response = client.get(NEXT, {"course": course.slug})
    assert response.status_code == 200
    return response.json()["item"]


def test_re_fetching_next_returns_the_same_pending_item_and_writes_nothing(course):
    client = client_for(LearnerFactory())
    # when the learner asks again and again, before and after an answer
    first = [next_item(client, course)["id"] for _ in range(10)]
    feedback = answer(client, first[0], "99").json()  # wrong, on purpose: a hard item
    logs = RecommendationLog.objects.count()
    after = [next_item(client, course)["id"] for _ in range(10)]
    # then one item each time: the one the feedback announced, until it is answered
    assert first == [first[0]] * 10
    assert after == [feedback["next"]["item"]["id"]] * 10
    assert RecommendationLog.objects.count() == logs  # GET writes nothing


def test_skipping_presents_another_item_logs_the_skip_and_is_no_evidence(course):
    learner = LearnerFactory()
    client = client_for(learner)
    pending = next_item(client, course)["id"]
    # when
    skipped = client.post(SKIP, {"course": course.slug}, format="json")
    # then another item, and it is the pending one from now on
    assert skipped.status_code == 200
    new = skipped.json()["item"]["id"]
    assert new != pending
    assert [next_item(client, course)["id"] for _ in range(3)] == [new] * 3
    log = RecommendationLog.objects.filter(learner=learner, kind="skipped").get()
    assert (log.item_id, log.reason) == (pending, "Skipped by the learner.")
    assert not ItemResponse.objects.filter(learner=learner).exists()
    assert not SkillMastery.objects.filter(learner=learner).exists()


def test_skip_bad_input_is_a_400_naming_the_field_and_writes_nothing(course):
    client = client_for(LearnerFactory())
    missing = client.post(SKIP, {}, format="json")
    unknown = client.post(SKIP, {"course": "no-such-course"}, format="json")
    assert missing.status_code == 400
    assert "course" in missing.json()["error"]["fields"]
    assert unknown.status_code == 404
    assert not RecommendationLog.objects.exists()


def test_skip_needs_a_login(course):
    response = client_for(None).post(SKIP, {"course": course.slug}, format="json")
    assert response.status_code == 401
    assert not RecommendationLog.objects.exists()


def test_answering_one_item_over_and_over_does_not_farm_mastery(course):
    # given a skill at 0.70
    learner = LearnerFactory()
    skill = course.skills.get(slug="s1")
    SkillMastery.objects.create(learner=learner, skill=skill, course=course, p_known=0.70)
    item = course.items.get(slug="s1-i3")
    client = client_for(learner)
    # when the learner answers the same item right 8 times
    bodies = [answer(client, item.pk, "3").json() for _ in range(8)]
    # then all 8 are stored, but only the first is evidence
    row = SkillMastery.objects.get(learner=learner, skill=skill)
    assert ItemResponse.objects.filter(learner=learner).count() == 8
    assert [b["correct"] for b in bodies] == [True] * 8
    assert (row.attempts, row.correct_count, row.mastered_at) == (1, 1, None)
    changes = ItemResponse.objects.filter(learner=learner).values_list("mastery_changes", flat=True)
    assert [len(stored) for stored in changes.order_by("id")] == [1] + [0] * 7
    assert bodies[0]["mastery"][0]["after"] > 0.70
    assert all(b["mastery"][0]["before"] == b["mastery"][0]["after"] for b in bodies[1:])
    assert not any(b["mastery"][0]["mastered"] for b in bodies)


def test_the_nightly_rebuild_ignores_the_repeats_as_the_answer_path_does(course):
    learner = LearnerFactory()
    item = course.items.get(slug="s1-i3")
    client = client_for(learner)
    for _ in range(8):
        answer(client, item.pk, "3")
    online = SkillMastery.objects.get(learner=learner)
    # when
    learner_state_rebuild(course=course, learners=[learner])
    # then
    rebuilt = SkillMastery.objects.get(learner=learner)
    assert (rebuilt.attempts, rebuilt.correct_count, rebuilt.right_streak) == (
        online.attempts,
        online.correct_count,
        online.right_streak,
    )
    assert online.attempts == 1
    assert rebuilt.p_known == pytest.approx(online.p_known, abs=1e-9)
    assert rebuilt.mastered_at == online.mastered_at
    assert rebuilt.last_practised_at == online.last_practised_at


def test_an_item_counts_again_once_other_items_came_between(course):
    learner = LearnerFactory()
    client = client_for(learner)
    items = list(course.items.filter(slug__startswith="s1-").order_by("slug"))
    # s1 has 8 items: repeat depth 7; cycling all 8 before the first comes back counts each
    for item in items + items[:1]:
        answer(client, item.pk, item.slug.rsplit("i", 1)[1])
    assert SkillMastery.objects.get(learner=learner, skill__slug="s1").attempts == 9


def test_the_vectorised_rule_agrees_with_the_scalar_one():
    rng = random.Random(7)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    log = []  # (learner, item, at), in time order per learner
    for learner in range(5):
        at = start
        for _ in range(60):
            at += timedelta(minutes=rng.choice([1, 30, 600, 2000]))
            log.append((learner, rng.randrange(6), at))
    depths = {item: item % 4 for item in range(6)}
    expected = []
    for n, (learner, item, at) in enumerate(log):
        earlier = [(i, t) for lrn, i, t in reversed(log[:n]) if lrn == learner]
        expected.append(counts_as_evidence(item_id=item, at=at, recent=earlier, depth=depths[item]))
    shuffled = list(range(len(log)))
    rng.shuffle(shuffled)  # the mask does not depend on the log's order
    got = evidence_mask(
        learner=np.array([log[i][0] for i in shuffled]),
        item=np.array([log[i][1] for i in shuffled]),
        created_us=np.array([int(log[i][2].timestamp() * 1e6) for i in shuffled]),
        depth=np.array([depths[log[i][1]] for i in shuffled]),
    )
    assert got.tolist() == [expected[i] for i in shuffled]
    assert 0 < sum(expected) < len(expected)
