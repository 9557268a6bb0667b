"""The next-best-activity policy on hand-built graphs (no database)."""

import random
from datetime import UTC, datetime, timedelta

from apps.assessments.grading import AnswerKey
from apps.recommendations.engine.bkt import BktParams
from apps.recommendations.engine.course import (
    CourseSnapshot,
    ItemNode,
    LessonNode,
    PolicyValues,
    SkillNode,
)
from apps.recommendations.engine.policy import (
    LearnerView,
    SkillStatus,
    next_activity,
    rank_recommendations,
)

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)
PARAMS = BktParams(prior=0.2, learn=0.2, guess=0.2, slip=0.1)


def make_snapshot(
    edges: dict[str, list[str]],
    *,
    items_per_skill: int = 3,
    lessons: dict[str, str] | None = None,
    learn: dict[str, float] | None = None,
) -> CourseSnapshot:
    """Skills named by letters; ``edges[x]`` lists what x requires. Item ids: skill index*10+k."""
    names = list(edges)
    ids = {name: i + 1 for i, name in enumerate(names)}
    items = {}
    skills = {}
    lesson_nodes = {}
    for name in names:
        item_ids = tuple(ids[name] * 10 + k for k in range(items_per_skill))
        for k, item_id in enumerate(item_ids):
            items[item_id] = ItemNode(
                item_id,
                f"{name}{k}",
                "numeric",
                (ids[name],),
                1.0,
                -1.0 + k,
                0.0,
                AnswerKey(type="numeric", numeric_answer=1.0),
                "",
                {"id": item_id},
            )
        lesson_ids: tuple[int, ...] = ()
        if lessons and name in lessons:
            lesson_nodes[ids[name] * 100] = LessonNode(
                ids[name] * 100, f"lesson-{name}", lessons[name]
            )
            lesson_ids = (ids[name] * 100,)
        params = BktParams(prior=0.2, learn=(learn or {}).get(name, 0.2), guess=0.2, slip=0.1)
        skills[ids[name]] = SkillNode(
            ids[name],
            name.lower(),
            name,
            ids[name],
            tuple(ids[p] for p in edges[name]),
            params,
            lesson_ids,
            item_ids,
        )
    return CourseSnapshot(
        1,
        "c",
        "Course",
        1,
        PolicyValues(),
        skills,
        tuple(ids[n] for n in names),
        items,
        lesson_nodes,
    )


def view(statuses: dict[int, SkillStatus], *, read=(), recent=(), theta=0.0) -> LearnerView:
    return LearnerView(statuses, frozenset(read), tuple(recent), theta, NOW)


MASTERED = SkillStatus(
    p_known=0.99,
    attempts=8,
    last_practised_at=NOW - timedelta(days=1),
    mastered_at=NOW - timedelta(days=1),
    review_due_at=NOW + timedelta(days=5),
    retrievability=0.97,
)


def test_entry_skill_first_with_a_reason():
    snap = make_snapshot({"Counting": [], "Adding": ["Counting"]})
    rec = next_activity(snap, view({}), random.Random(1))
    assert (rec.kind, rec.skill_id) == ("practice", 1)
    assert rec.reason == "Start here: Counting needs nothing learnt before it."
    assert rec.item_id in {10, 11, 12}


def test_ready_reason_names_the_mastered_prerequisites():
    snap = make_snapshot({"A": [], "B": [], "C": ["A", "B"]})
    rec = next_activity(snap, view({1: MASTERED, 2: MASTERED}), random.Random(1))
    assert (rec.kind, rec.skill_id, rec.reason) == ("practice", 3, "Ready: you mastered A and B.")


def test_locked_skills_are_never_recommended():
    snap = make_snapshot({"A": [], "B": ["A"], "C": ["B"]})
    ranked = rank_recommendations(
        snap, view({1: SkillStatus(p_known=0.5, attempts=3)}), rng=random.Random(0)
    )
    assert [r.skill_id for r in ranked] == [1]
    assert ranked[0].reason == "Keep going: A is at 50%; it counts as mastered at 95%."


def test_due_review_comes_before_new_material():
    snap = make_snapshot({"A": [], "B": ["A"]})
    faded = SkillStatus(
        p_known=0.97,
        attempts=9,
        last_practised_at=NOW - timedelta(days=6),
        mastered_at=NOW - timedelta(days=7),
        review_due_at=NOW - timedelta(hours=2),
        retrievability=0.7,
    )
    rec = next_activity(snap, view({1: faded}), random.Random(0))
    assert (rec.kind, rec.skill_id) == ("review", 1)
    assert rec.reason == "Review due: you last practised A 6 days ago."


def test_most_faded_review_first():
    snap = make_snapshot({"A": [], "B": [], "C": []})

    def due(r):
        return SkillStatus(
            p_known=0.97,
            attempts=9,
            last_practised_at=NOW - timedelta(days=3),
            mastered_at=NOW - timedelta(days=9),
            review_due_at=NOW - timedelta(days=1),
            retrievability=r,
        )

    ranked = rank_recommendations(
        snap, view({1: due(0.85), 2: due(0.6), 3: MASTERED}), rng=random.Random(0)
    )
    assert [r.skill_id for r in ranked if r.kind == "review"] == [2, 1]


def test_frontier_ranked_by_expected_gain():
    # B is further from mastery and learns faster: (1 - 0.3) * 0.4 beats (1 - 0.6) * 0.2.
    snap = make_snapshot({"A": [], "B": []}, learn={"A": 0.2, "B": 0.4})
    ranked = rank_recommendations(
        snap,
        view({1: SkillStatus(p_known=0.6, attempts=4), 2: SkillStatus(p_known=0.3, attempts=2)}),
        rng=random.Random(0),
    )
    assert [r.skill_id for r in ranked] == [2, 1]
    assert abs(ranked[0].expected_gain - 0.28) < 1e-9


def test_a_new_skill_starts_with_its_unread_lesson_then_practice():
    snap = make_snapshot({"A": [], "B": ["A"]}, lessons={"B": "Meet B"})
    first = next_activity(snap, view({1: MASTERED}), random.Random(0))
    assert (first.kind, first.lesson_id) == ("lesson", 200)
    assert first.reason == "Ready: you mastered A. Start with the lesson \u201cMeet B\u201d."
    after = next_activity(snap, view({1: MASTERED}, read=[200]), random.Random(0))
    assert (after.kind, after.skill_id) == ("practice", 2)


def test_items_seen_recently_are_avoided_and_difficulty_tracks_ability():
    snap = make_snapshot({"A": []}, items_per_skill=6)
    picks = {
        next_activity(snap, view({}, recent=[10, 11, 12], theta=3.0), random.Random(s)).item_id
        for s in range(30)
    }
    assert picks <= {
        13,
        14,
        15,
    }  # fresh and the hardest (b = 2, 3, 4 are most informative at theta 3)
    low = {next_activity(snap, view({}, theta=-2.0), random.Random(s)).item_id for s in range(30)}
    assert low <= {10, 11, 12}


def test_when_every_item_was_seen_recently_the_oldest_comes_back():
    snap = make_snapshot({"A": []}, items_per_skill=3)
    rec = next_activity(snap, view({}, recent=[12, 10, 11]), random.Random(0))
    assert rec.item_id == 11


def test_everything_mastered():
    snap = make_snapshot({"A": [], "B": ["A"]})
    rec = next_activity(snap, view({1: MASTERED, 2: MASTERED}), random.Random(0))
    assert rec.kind == "complete"
    assert rec.reason.startswith("You have mastered every skill in Course.")
