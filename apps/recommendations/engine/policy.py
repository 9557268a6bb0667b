"""Next-best activity: which skill to work on, which item or lesson, and a reason a learner
understands. Pure functions over a snapshot and plain data (no database access), so tests
drive them with hand-built graphs.

Order: due reviews first; else a skill on the learning frontier (all prerequisites mastered,
the skill not yet) ranked by expected gain; a new frontier skill with an unread lesson starts
with that lesson. Within a skill: the most informative item near the learner's ability that
was not among their recent answers.
"""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from apps.recommendations.engine.cat import select_next_item
from apps.recommendations.engine.course import CourseSnapshot, SkillNode
from apps.recommendations.engine.irt import ItemBank
from apps.recommendations.engine.mastery import learnt, prerequisites_met

TOP_K_ITEMS = 3  # randomesque: vary between the few most informative items


@dataclass(frozen=True, slots=True)
class SkillStatus:
    p_known: float
    attempts: int = 0
    last_practised_at: datetime | None = None
    mastered_at: datetime | None = None
    review_due_at: datetime | None = None
    retrievability: float | None = None


@dataclass(frozen=True, slots=True)
class LearnerView:
    """What the policy needs to know about one learner in one course."""

    skills: Mapping[int, SkillStatus]
    read_lesson_ids: frozenset[int]
    recent_item_ids: Sequence[int]  # newest first
    theta: float
    now: datetime


@dataclass(frozen=True, slots=True)
class Recommendation:
    kind: str  # "review", "practice", "lesson" or "complete"
    skill_id: int | None
    item_id: int | None
    lesson_id: int | None
    reason: str
    expected_gain: float = 0.0


def _status(view: LearnerView, skill: SkillNode) -> SkillStatus:
    return view.skills.get(skill.id) or SkillStatus(p_known=skill.params.prior)


def _names(snapshot: CourseSnapshot, ids: Sequence[int]) -> str:
    names = [snapshot.skills[i].name for i in ids]
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def days_ago(then: datetime, now: datetime) -> str:
    days = (now - then).days
    if days <= 0:
        return "today"
    return "yesterday" if days == 1 else f"{days} days ago"


def choose_item(
    snapshot: CourseSnapshot, skill: SkillNode, view: LearnerView, rng: random.Random
) -> int | None:
    """An item near the learner's ability, not among their recent answers (if avoidable):
    the CAT's maximum-information selection with randomesque exposure control."""
    if not skill.item_ids:
        return None
    recent = list(view.recent_item_ids)
    candidates = skill.item_ids
    seen = [index for index, item_id in enumerate(candidates) if item_id in recent]
    if len(seen) == len(candidates):  # everything was seen recently: the one seen longest ago
        return max(candidates, key=recent.index)
    items = [snapshot.items[item_id] for item_id in candidates]
    bank = ItemBank.from_arrays(
        a=[item.a for item in items], b=[item.b for item in items], c=[item.c for item in items]
    )
    chosen = select_next_item(
        items=bank,
        theta=view.theta,
        administered=seen,
        rng=np.random.default_rng(rng.getrandbits(64)),
        randomesque_k=TOP_K_ITEMS,
    )
    assert chosen is not None  # at least one candidate was not seen
    return candidates[chosen]


def due_reviews(snapshot: CourseSnapshot, view: LearnerView) -> list[tuple[SkillNode, SkillStatus]]:
    """Skills learnt once whose memory faded or whose review date came; most urgent first."""
    policy = snapshot.policy
    due = []
    for skill_id in snapshot.skill_order:
        skill = snapshot.skills[skill_id]
        status = _status(view, skill)
        if status.mastered_at is None or not skill.item_ids:
            continue
        faded = (
            status.retrievability is not None and status.retrievability < policy.min_retrievability
        )
        scheduled = status.review_due_at is not None and status.review_due_at <= view.now
        if faded or scheduled:
            due.append((skill, status))
    due.sort(key=lambda pair: pair[1].retrievability if pair[1].retrievability is not None else 1.0)
    return due


def frontier(
    snapshot: CourseSnapshot, view: LearnerView
) -> list[tuple[SkillNode, SkillStatus, float]]:
    """Skills not yet learnt whose prerequisites all are, by expected gain, then course order."""
    order = snapshot.skill_order
    threshold = snapshot.policy.mastery_threshold
    learnt_row = learnt(
        [view.skills[s].p_known if s in view.skills else 0.0 for s in order], threshold
    ) & np.array([s in view.skills for s in order], dtype=np.bool_)
    ready_mask = prerequisites_met(learnt_row[None, :], snapshot.prerequisite_columns())[0]
    ready = []
    for index, skill_id in enumerate(order):
        skill = snapshot.skills[skill_id]
        status = _status(view, skill)
        if learnt_row[index] or not ready_mask[index] or not (skill.item_ids or skill.lesson_ids):
            continue
        # One practice step moves P(known) by (1 - p) * learn in expectation: BKT's
        # posterior is a martingale, so only the learning transition adds to it.
        gain = (1 - status.p_known) * skill.params.learn
        ready.append((index, skill, status, gain))
    ready.sort(key=lambda entry: (-round(entry[3], 9), entry[0]))
    return [(skill, status, gain) for _, skill, status, gain in ready]


def _frontier_reason(snapshot: CourseSnapshot, skill: SkillNode, status: SkillStatus) -> str:
    threshold = snapshot.policy.mastery_threshold
    if status.attempts > 0:
        return (
            f"Keep going: {skill.name} is at {status.p_known:.0%}; "
            f"it counts as mastered at {threshold:.0%}."
        )
    if skill.prerequisite_ids:
        return f"Ready: you mastered {_names(snapshot, skill.prerequisite_ids)}."
    return f"Start here: {skill.name} needs nothing learnt before it."


def rank_recommendations(
    snapshot: CourseSnapshot, view: LearnerView, *, limit: int = 5, rng: random.Random | None = None
) -> list[Recommendation]:
    rng = rng or random.Random()  # variety, not security
    ranked: list[Recommendation] = []
    for skill, status in due_reviews(snapshot, view):
        when = (
            days_ago(status.last_practised_at, view.now)
            if status.last_practised_at
            else "a while ago"
        )
        ranked.append(
            Recommendation(
                "review",
                skill.id,
                choose_item(snapshot, skill, view, rng),
                None,
                f"Review due: you last practised {skill.name} {when}.",
            )
        )
    for skill, status, gain in frontier(snapshot, view):
        unread = [i for i in skill.lesson_ids if i not in view.read_lesson_ids]
        reason = _frontier_reason(snapshot, skill, status)
        if status.attempts == 0 and unread:
            lesson = snapshot.lessons[unread[0]]
            ranked.append(
                Recommendation(
                    "lesson",
                    skill.id,
                    None,
                    lesson.id,
                    f"{reason} Start with the lesson \u201c{lesson.title}\u201d.",
                    gain,
                )
            )
        elif skill.item_ids:
            ranked.append(
                Recommendation(
                    "practice",
                    skill.id,
                    choose_item(snapshot, skill, view, rng),
                    None,
                    reason,
                    gain,
                )
            )
    if not ranked:
        ranked.append(_complete(snapshot, view, rng))
    return ranked[:limit]


def _complete(snapshot: CourseSnapshot, view: LearnerView, rng: random.Random) -> Recommendation:
    """Everything learnt: offer the least fresh skill as optional practice."""
    practised = [snapshot.skills[i] for i in snapshot.skill_order if snapshot.skills[i].item_ids]
    if not practised:
        return Recommendation(
            "complete", None, None, None, "This course has nothing to practise yet."
        )
    weakest = min(practised, key=lambda s: _status(view, s).retrievability or 1.0)
    return Recommendation(
        "complete",
        weakest.id,
        choose_item(snapshot, weakest, view, rng),
        None,
        f"You have mastered every skill in {snapshot.title}. "
        f"Practise {weakest.name} to keep it fresh.",
    )


def next_activity(
    snapshot: CourseSnapshot, view: LearnerView, rng: random.Random | None = None
) -> Recommendation:
    return rank_recommendations(snapshot, view, limit=1, rng=rng)[0]
