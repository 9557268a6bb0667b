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
    right_streak=8,
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
    assert ranked[0].reason == (
        "Keep going: A is at 50%; it counts as mastered at 95% with 3 right answers."
    )


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


def test_frontier_prefers_the_skill_closest_to_mastery():
    snap = make_snapshot({"A": [], "B": []}, learn={"A": 0.2, "B": 0.4})
    ranked = rank_recommendations(
        snap,
        view({1: SkillStatus(p_known=0.6, attempts=4), 2: SkillStatus(p_known=0.3, attempts=2)}),
        rng=random.Random(0),
    )
    assert [r.skill_id for r in ranked] == [1, 2]
    # The expected gain of one step is (1 - p) * learn: BKT's posterior is a martingale.
    assert abs(ranked[1].expected_gain - 0.7 * 0.4) < 1e-9


def test_a_skill_that_is_not_moving_gives_way_to_one_that_is():
    """A is nearer the threshold but 12 answers have not got it there."""
    snap = make_snapshot({"A": [], "B": []})
    ranked = rank_recommendations(
        snap,
        view({1: SkillStatus(p_known=0.5, attempts=12), 2: SkillStatus(p_known=0.3, attempts=1)}),
        rng=random.Random(0),
    )
    assert [r.skill_id for r in ranked][:2] == [2, 1]


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


def stuck_on(skill_items, n, *, start=NOW - timedelta(minutes=30)):
    """n answers in a row on the given items (newest first) with their times."""
    items = [skill_items[k % len(skill_items)] for k in range(n)]
    times = [start + timedelta(minutes=n - k) for k in range(n)]
    return items, times


def test_after_the_run_limit_another_ready_skill_comes_first():
    snap = make_snapshot({"A": [], "B": []})
    items, times = stuck_on([10, 11, 12], 6)
    learner = LearnerView(
        {1: SkillStatus(p_known=0.6, attempts=6, last_practised_at=times[0])},
        frozenset(),
        items,
        0.0,
        NOW,
    )
    rec = next_activity(snap, learner, random.Random(0))
    assert (rec.kind, rec.skill_id) == ("practice", 2)
    assert rec.reason.startswith("Time for something different: A will come back later.")
    shorter = LearnerView(learner.skills, frozenset(), items[:5], 0.0, NOW)
    assert next_activity(snap, shorter, random.Random(0)).skill_id == 1


def test_a_stuck_learner_is_sent_back_to_the_lesson_then_the_skill_rests():
    snap = make_snapshot({"A": [], "B": [], "C": []}, lessons={"A": "Meet A"})
    items, times = stuck_on([10, 11, 12], 10)
    stuck = SkillStatus(p_known=0.17, attempts=10, last_practised_at=times[0])
    read_long_ago = {100: NOW - timedelta(days=1)}
    learner = LearnerView({1: stuck}, frozenset({100}), items, 0.0, NOW, read_long_ago)
    rec = next_activity(snap, learner, random.Random(0))
    assert (rec.kind, rec.lesson_id) == ("lesson", 100)
    assert "not clicking yet after 10 tries" in rec.reason
    # Read again now: A rests while B is practised, for step_away_answers answers.
    reread = LearnerView({1: stuck}, frozenset({100}), items, 0.0, NOW, {100: NOW})
    assert next_activity(snap, reread, random.Random(0)).skill_id in {2, 3}
    elsewhere = [20, 30, 21, 31, 22, 32, 20, *items]
    later = LearnerView({1: stuck}, frozenset({100}), elsewhere, 0.0, NOW, {100: NOW})
    resting = rank_recommendations(snap, later, rng=random.Random(0))
    assert [r.skill_id for r in resting] == [2, 3, 1]  # A only once nothing else is left
    rested = LearnerView({1: stuck}, frozenset({100}), [31, *elsewhere], 0.0, NOW, {100: NOW})
    back = rank_recommendations(snap, rested, rng=random.Random(0))
    assert 1 in [r.skill_id for r in back if r.kind == "practice"]


def test_errors_point_to_a_prerequisite_that_is_not_secure():
    """C builds on A. A was only credited (no answers of its own); a run of wrong answers on
    C sends the learner to review A."""
    snap = make_snapshot({"A": [], "B": [], "C": ["A"]})
    items, times = stuck_on([30, 31, 32], 6)
    statuses = {
        1: SkillStatus(p_known=0.96, credited=True, mastered_at=NOW - timedelta(days=1)),
        3: SkillStatus(p_known=0.3, attempts=6, last_practised_at=times[0]),
    }
    learner = LearnerView(statuses, frozenset(), items, 0.0, NOW, {})
    rec = next_activity(snap, learner, random.Random(0))
    assert (rec.kind, rec.skill_id) == ("review", 1)
    assert (
        rec.reason
        == "Your answers on C point to A, which it builds on: a short review of it first."
    )


def test_a_one_skill_course_still_breaks_the_run_with_the_lesson():
    snap = make_snapshot({"A": []}, lessons={"A": "Meet A"})
    items, times = stuck_on([10, 11, 12], 6)
    status = SkillStatus(p_known=0.3, attempts=6, last_practised_at=times[0])
    learner = LearnerView(
        {1: status}, frozenset({100}), items, 0.0, NOW, {100: NOW - timedelta(days=1)}
    )
    assert next_activity(snap, learner, random.Random(0)).kind == "lesson"


def _simulate(snap, *, can_learn, answers, rng_seed=0):
    """Drive the policy with a learner who never answers right on the skills they cannot
    learn and always right on the others (learnt after 3 right answers); return the kinds
    and skills recommended."""
    rng = random.Random(rng_seed)
    statuses: dict[int, SkillStatus] = {}
    recent: list[int] = []
    times: list[datetime] = []
    readings: dict[int, datetime] = {}
    trail = []
    now = NOW
    for _ in range(answers):
        now += timedelta(minutes=1)
        learner = LearnerView(
            dict(statuses), frozenset(readings), list(recent), 0.0, now, dict(readings)
        )
        rec = next_activity(snap, learner, rng)
        trail.append((rec.kind, rec.skill_id))
        if rec.kind == "lesson":
            readings[rec.lesson_id] = now
            continue
        skill = snap.skills[rec.skill_id]
        old = statuses.get(skill.id, SkillStatus(p_known=0.2))
        right = can_learn(skill.name)
        correct = old.right_streak + int(right)
        p = min(0.99, old.p_known + 0.3) if right else max(0.05, old.p_known * 0.8)
        learnt = p >= 0.95 and correct >= 3
        statuses[skill.id] = SkillStatus(
            p_known=p,
            attempts=old.attempts + 1,
            last_practised_at=now,
            mastered_at=old.mastered_at or (now if learnt else None),
            review_due_at=now + timedelta(days=30),
            retrievability=1.0 if old.mastered_at or learnt else None,
            right_streak=correct,
        )
        recent.insert(0, rec.item_id)
        times.insert(0, now)
        recent, times = recent[:40], times[:40]
    return trail


def _longest_run(trail, skill_id):
    longest = run = 0
    for kind, skill in trail:
        run = run + 1 if (kind != "lesson" and skill == skill_id) else 0
        longest = max(longest, run)
    return longest


def test_a_stuck_learner_is_never_drilled_beyond_the_limit():
    snap = make_snapshot(
        {"A": [], "B": ["A"], "C": ["A"], "D": ["B", "C"]}, lessons={"B": "Meet B"}
    )
    trail = _simulate(snap, can_learn=lambda name: name != "B", answers=80)
    limit = snap.policy.max_in_a_row
    assert all(_longest_run(trail, skill) <= limit for skill in snap.skills)
    practised = {skill for kind, skill in trail if kind != "lesson"}
    assert {1, 2, 3} <= practised  # C was learnt although B never was
    assert ("lesson", 2) in trail[trail.index(("lesson", 2)) + 1 :]  # sent back to the lesson
    assert sum(1 for kind, skill in trail if skill == 2 and kind == "practice") < 60


def test_a_learner_who_learns_nothing_is_moved_between_the_ready_skills():
    snap = make_snapshot({"A": [], "B": [], "C": ["A", "B"]})
    trail = _simulate(snap, can_learn=lambda name: False, answers=60)
    assert all(_longest_run(trail, skill) <= snap.policy.max_in_a_row for skill in snap.skills)
    assert {skill for _, skill in trail} == {1, 2}
