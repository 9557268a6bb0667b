"""Next-best activity: which skill to work on, which item or lesson, and a reason a learner
understands. Pure functions over a snapshot and plain data (no database access), so tests
drive them with hand-built graphs.

Order: due reviews first; else a skill on the learning frontier (every prerequisite learnt, the
skill not yet). A new frontier skill with an unread lesson starts with that lesson. Within a
skill: the most informative item near the learner's ability that was not among their recent
answers.

Stuck learners are moved, not drilled (Beck & Gong 2013 on wheel-spinning; interleaving:
Rohrer & Taylor 2007). Two rules, both from the learner's recent answers:
- **no long runs**: after ``max_in_a_row`` answers in a row on one skill without learning it,
  the next activity is something else: a prerequisite the errors point to (the weakest one),
  another ready skill, the lesson again; the skill comes back after that.
- **stuck skills rest**: a skill never learnt after ``wheel_spinning_attempts`` answers is
  stuck; it is offered again only after ``step_away_answers`` answers on other things (first
  the lesson again, if it was not re-read), unless there is nothing else to do.
Ready skills are ranked by how close they are to being learnt, discounted by unproductive
attempts, so a skill that is not moving gives way to one that is.
"""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import numpy as np

from apps.recommendations.engine.course import CourseSnapshot, SkillNode
from apps.recommendations.engine.mastery import prerequisites_met, shown_percent
from apps.recommendations.engine.success import SkillEvidence, item_success

TOP_K_ITEMS = 3  # randomesque: vary between the few items nearest the target chance


@dataclass(frozen=True, slots=True)
class SkillStatus:
    p_known: float
    attempts: int = 0
    last_practised_at: datetime | None = None
    mastered_at: datetime | None = None
    review_due_at: datetime | None = None
    retrievability: float | None = None
    right_streak: float = 0.0  # weighed (engine.mastery.answer_weight)
    credited: bool = False
    model_state: Mapping[str, Any] | None = None  # the next-answer predictor's (JSON)


@dataclass(frozen=True, slots=True)
class LearnerView:
    """What the policy needs to know about one learner in one course."""

    skills: Mapping[int, SkillStatus]
    read_lesson_ids: frozenset[int]
    # Newest first, ``policy.history_window`` of them; the first ``recent_items`` are not asked
    # again, and the whole window shows runs on one skill and how long a skill has rested.
    recent_item_ids: Sequence[int]
    theta: float
    now: datetime
    lesson_read_at: Mapping[int, datetime] = field(default_factory=dict)  # latest reading


@dataclass(frozen=True, slots=True)
class Recommendation:
    kind: str  # "review", "practice", "lesson" or "complete"
    skill_id: int | None
    item_id: int | None
    lesson_id: int | None
    reason: str
    expected_gain: float = 0.0
    p_correct: float | None = None  # the chance of answering the item right (engine.success)


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


def evidence_of(view: LearnerView) -> dict[int, SkillEvidence]:
    """What ``engine.success`` reads of the learner's state, per skill."""
    return {
        skill_id: SkillEvidence(status.p_known, status.model_state)
        for skill_id, status in view.skills.items()
    }


def success_chance(
    snapshot: CourseSnapshot,
    view: LearnerView,
    item_id: int,
    evidence: Mapping[int, SkillEvidence] | None = None,
) -> float:
    """The learner's chance of answering this item right now (``engine.success``)."""
    evidence = evidence_of(view) if evidence is None else evidence
    return item_success(snapshot, snapshot.items[item_id], evidence, theta=view.theta, at=view.now)


def choose_item(
    snapshot: CourseSnapshot,
    skill: SkillNode,
    view: LearnerView,
    rng: random.Random,
    evidence: Mapping[int, SkillEvidence] | None = None,
) -> int | None:
    """An item whose predicted chance of a right answer is nearest the course's target
    (desirable difficulty: hard enough to learn from, easy enough to keep going), not among
    the learner's recent answers (if avoidable); randomesque among the nearest few."""
    if not skill.item_ids:
        return None
    recent = list(view.recent_item_ids[: snapshot.policy.recent_items])
    candidates = [item_id for item_id in skill.item_ids if item_id not in recent]
    if not candidates:  # everything was seen recently: the one seen longest ago
        return max(skill.item_ids, key=recent.index)
    target = snapshot.policy.target_success
    evidence = evidence_of(view) if evidence is None else evidence
    distance = {
        item_id: abs(success_chance(snapshot, view, item_id, evidence) - target)
        for item_id in candidates
    }
    nearest = sorted(candidates, key=lambda item_id: (distance[item_id], item_id))
    return rng.choice(nearest[:TOP_K_ITEMS])


def is_learnt(snapshot: CourseSnapshot, view: LearnerView, skill_id: int) -> bool:
    """The mastery rule on the learner's stored state (no row: nothing learnt)."""
    status = view.skills.get(skill_id)
    if status is None:
        return False
    return snapshot.policy.is_learnt(status.p_known, status.right_streak, status.credited)


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
    """Skills not yet learnt whose prerequisites all are, the most promising first: closest to
    being learnt, discounted by answers that have not moved it, then course order."""
    order = snapshot.skill_order
    policy = snapshot.policy
    learnt_row = np.array([is_learnt(snapshot, view, s) for s in order], dtype=np.bool_)
    ready_mask = prerequisites_met(learnt_row[None, :], snapshot.prerequisite_columns())[0]
    ready = []
    for index, skill_id in enumerate(order):
        skill = snapshot.skills[skill_id]
        status = _status(view, skill)
        if learnt_row[index] or not ready_mask[index] or not (skill.item_ids or skill.lesson_ids):
            continue
        unproductive = status.attempts if status.mastered_at is None else 0
        promise = status.p_known / (1.0 + unproductive / max(policy.wheel_spinning_attempts, 1))
        ready.append((index, skill, status, promise))
    ready.sort(key=lambda entry: (-round(entry[3], 9), entry[0]))
    return [
        (skill, status, (1 - status.p_known) * skill.params.learn) for _, skill, status, _ in ready
    ]


@dataclass(frozen=True, slots=True)
class SkillHistory:
    """What the recent answers say about one skill."""

    run: int  # answers in a row on it, newest first
    since: int  # answers on other things since it was last practised (window size if never)


def skill_history(snapshot: CourseSnapshot, view: LearnerView, skill: SkillNode) -> SkillHistory:
    recent = view.recent_item_ids
    run = 0
    since = len(recent)
    for position, item_id in enumerate(recent):
        item = snapshot.items.get(item_id)
        on_skill = item is not None and skill.id in item.skill_ids
        if on_skill and since == len(recent):
            since = position
        if on_skill and run == position:
            run += 1  # reading its lesson in between neither ends nor extends the run
    return SkillHistory(run=run, since=since)


def frontier_reason(snapshot: CourseSnapshot, skill: SkillNode, status: SkillStatus) -> str:
    threshold = snapshot.policy.mastery_threshold
    if status.attempts > 0:
        return (
            f"Keep going: {skill.name} is at {shown_percent(status.p_known)}%; "
            f"it counts as mastered at {shown_percent(threshold)}% with "
            f"{snapshot.policy.min_correct_answers} right answers."
        )
    if skill.prerequisite_ids:
        return f"Ready: you mastered {_names(snapshot, skill.prerequisite_ids)}."
    return f"Start here: {skill.name} needs nothing learnt before it."


@dataclass(slots=True)
class _Planner:
    """One ranking: the frontier split by what the recent answers allow."""

    snapshot: CourseSnapshot
    view: LearnerView
    rng: random.Random
    history: dict[int, SkillHistory] = field(default_factory=dict)

    def of(self, skill: SkillNode) -> SkillHistory:
        if skill.id not in self.history:
            self.history[skill.id] = skill_history(self.snapshot, self.view, skill)
        return self.history[skill.id]

    def too_long(self, skill: SkillNode) -> bool:
        return self.of(skill).run >= self.snapshot.policy.max_in_a_row

    def resting(self, skill: SkillNode, status: SkillStatus) -> bool:
        policy = self.snapshot.policy
        stuck = status.mastered_at is None and status.attempts >= policy.wheel_spinning_attempts
        return stuck and self.of(skill).since < policy.step_away_answers

    def practice(
        self, kind: str, skill: SkillNode, reason: str, gain: float = 0.0
    ) -> Recommendation:
        """Practice of ``skill``; its item is chosen only if it ranks within the limit
        (``_with_items``): on the answer path only the first one is ever shown."""
        return Recommendation(kind, skill.id, None, None, reason, gain)

    def lesson_again(self, skill: SkillNode, status: SkillStatus) -> Recommendation | None:
        """The skill's lesson, unless it was read again since the skill was last practised."""
        if not skill.lesson_ids:
            return None
        read_at = max(
            (
                self.view.lesson_read_at[i]
                for i in skill.lesson_ids
                if i in self.view.lesson_read_at
            ),
            default=None,
        )
        practised = status.last_practised_at
        if read_at is not None and (practised is None or read_at >= practised):
            return None
        lesson = self.snapshot.lessons[skill.lesson_ids[0]]
        return Recommendation(
            "lesson",
            skill.id,
            None,
            lesson.id,
            f"{skill.name} is not clicking yet after {status.attempts} tries. Read the lesson "
            f"\u201c{lesson.title}\u201d again; it will come back after a break.",
        )

    def weak_prerequisite(self, skill: SkillNode) -> Recommendation | None:
        """A review of what the errors on ``skill`` point to: the least secure of the skills it
        builds on (directly first), if one is not secure."""
        policy = self.snapshot.policy
        candidates = []
        for depth, ids in enumerate((skill.prerequisite_ids, self.snapshot.ancestors(skill.id))):
            for prerequisite_id in ids:
                prerequisite = self.snapshot.skills[prerequisite_id]
                status = _status(self.view, prerequisite)
                recall = status.retrievability if status.retrievability is not None else 1.0
                secure = (
                    is_learnt(self.snapshot, self.view, prerequisite_id)
                    and recall >= policy.min_retrievability
                    and status.right_streak >= policy.min_correct_answers
                )
                if prerequisite.item_ids and not secure and not self.too_long(prerequisite):
                    candidates.append((depth, min(status.p_known, recall), prerequisite))
        if not candidates:
            return None
        _, _, weakest = min(candidates, key=lambda entry: (entry[0], entry[1]))
        return self.practice(
            "review",
            weakest,
            f"Your answers on {skill.name} point to {weakest.name}, which it builds on: "
            "a short review of it first.",
        )


def rank_recommendations(
    snapshot: CourseSnapshot, view: LearnerView, *, limit: int = 5, rng: random.Random | None = None
) -> list[Recommendation]:
    rng = rng or random.Random()  # variety, not security
    plan = _Planner(snapshot, view, rng)
    ranked: list[Recommendation] = []
    for skill, status in due_reviews(snapshot, view):
        if plan.too_long(skill):
            continue
        when = (
            days_ago(status.last_practised_at, view.now)
            if status.last_practised_at
            else "a while ago"
        )
        ranked.append(
            plan.practice("review", skill, f"Review due: you last practised {skill.name} {when}.")
        )
    paused: list[tuple[SkillNode, SkillStatus]] = []
    resting: list[tuple[SkillNode, SkillStatus]] = []
    for skill, status, gain in frontier(snapshot, view):
        if plan.too_long(skill):
            paused.append((skill, status))
            continue
        if plan.resting(skill, status):
            resting.append((skill, status))
            continue
        unread = [i for i in skill.lesson_ids if i not in view.read_lesson_ids]
        reason = frontier_reason(snapshot, skill, status)
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
            ranked.append(plan.practice("practice", skill, reason, gain))
    ranked = _step_away(plan, paused, resting, ranked)
    if not ranked:
        ranked.append(_complete(snapshot, view))
    return _with_items(plan, ranked[:limit])


def _with_items(plan: _Planner, ranked: list[Recommendation]) -> list[Recommendation]:
    """Choose the item of each practice among ``ranked`` (lessons have none), with its
    chance of success; the learner's evidence is read once for all of them."""
    snapshot, view = plan.snapshot, plan.view
    evidence = evidence_of(view)
    chosen = []
    for recommendation in ranked:
        if recommendation.lesson_id is None and recommendation.skill_id is not None:
            skill = snapshot.skills[recommendation.skill_id]
            item_id = choose_item(snapshot, skill, view, plan.rng, evidence)
            if item_id is not None:
                chance = success_chance(snapshot, view, item_id, evidence)
                recommendation = replace(recommendation, item_id=item_id, p_correct=chance)
        chosen.append(recommendation)
    return chosen


def _step_away(
    plan: _Planner,
    paused: list[tuple[SkillNode, SkillStatus]],
    resting: list[tuple[SkillNode, SkillStatus]],
    ranked: list[Recommendation],
) -> list[Recommendation]:
    """Put what moves a learner off a long run first: for a skill that is stuck, the lesson
    again or the prerequisite its errors point to; else whatever else is ready. Resting and
    paused skills come last, so they return once nothing else is left."""
    snapshot = plan.snapshot
    limit = snapshot.policy.wheel_spinning_attempts
    moves: list[Recommendation] = []
    just_stuck = [(skill, status) for skill, status in resting if plan.of(skill).since == 0]
    for skill, status in paused + just_stuck:
        stuck = status.attempts >= limit
        prerequisite = plan.weak_prerequisite(skill)
        lesson = plan.lesson_again(skill, status) if stuck or not ranked else None
        for move in (prerequisite, lesson):
            if move is not None:
                moves.append(move)
                break
    if ranked and paused and not moves:
        first = ranked[0]
        names = _names(snapshot, [skill.id for skill, _ in paused])
        ranked[0] = Recommendation(
            first.kind,
            first.skill_id,
            first.item_id,
            first.lesson_id,
            f"Time for something different: {names} will come back later. {first.reason}",
            first.expected_gain,
        )
    later = [
        plan.practice(
            "practice",
            skill,
            f"Back to {skill.name}: it is at {shown_percent(status.p_known)}%; a fresh try after a "
            "break.",
        )
        for skill, status in resting
        if not plan.too_long(skill) and skill.item_ids
    ]
    ordered = moves + ranked + later
    if not ordered and (paused or resting):
        # Nothing else to do: a learnt skill to keep fresh, else the paused skill after all.
        ordered = _refresh(plan) or [
            plan.practice("practice", skill, frontier_reason(snapshot, skill, status))
            for skill, status in paused
            if skill.item_ids
        ]
    return ordered


def _refresh(plan: _Planner) -> list[Recommendation]:
    """Nothing new is possible right now: practise a learnt skill to keep it fresh."""
    snapshot, view = plan.snapshot, plan.view
    learnt_skills = [
        snapshot.skills[s]
        for s in snapshot.skill_order
        if snapshot.skills[s].item_ids
        and is_learnt(snapshot, view, s)
        and not plan.too_long(snapshot.skills[s])
    ]
    if not learnt_skills:
        return []
    weakest = min(learnt_skills, key=lambda s: _status(view, s).retrievability or 1.0)
    return [
        plan.practice(
            "review", weakest, f"A change of scene: practise {weakest.name} to keep it fresh."
        )
    ]


def _complete(snapshot: CourseSnapshot, view: LearnerView) -> Recommendation:
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
        None,  # chosen with the others (_with_items)
        None,
        f"You have mastered every skill in {snapshot.title}. "
        f"Practise {weakest.name} to keep it fresh.",
    )


def next_activity(
    snapshot: CourseSnapshot, view: LearnerView, rng: random.Random | None = None
) -> Recommendation:
    return rank_recommendations(snapshot, view, limit=1, rng=rng)[0]
