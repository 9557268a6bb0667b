"""Adaptive placement test over the course's knowledge states: start, next item, finish.

The learner's state is a prerequisite-closed set of skills (``engine.knowledge_states``, after
ALEKS): each answer updates the posterior over every such set, so evidence on a skill is
evidence on what it builds on, and the next item is the one whose answer tells most about the
whole state. The test stops once every skill is settled (robustly: no single lucky answer
decides it) or at the course's maximum length. Finishing seeds each skill's starting P(known)
and credits the skills known with the policy's certainty and a right answer on them or on
something built on them; a learner who only guesses is credited with nothing.

A course with too many knowledge states to list (wide graphs) falls back to the IRT CAT on the
ability, with the same support rule for credits. The ability (EAP) is estimated either way.
"""

import math
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass
from datetime import datetime

import numpy as np
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.assessments.models import Assessment, AssessmentKind, Attempt, AttemptStatus, ItemResponse
from apps.assessments.services import attempt_resume_or_start
from apps.core.exceptions import Conflict
from apps.curriculum.models import Course
from apps.recommendations import metrics
from apps.recommendations.engine.ability import estimate_eap
from apps.recommendations.engine.arrays import FloatArray
from apps.recommendations.engine.cat import select_next_item
from apps.recommendations.engine.course import CourseSnapshot
from apps.recommendations.engine.irt import ItemBank
from apps.recommendations.engine.knowledge_states import (
    KnowledgeStructure,
    KnowledgeStructureTooLarge,
    ResponseModel,
    credited_skills,
    posterior_from_responses,
    robust_marginals,
    state_prior,
    stop_reason,
)
from apps.recommendations.engine.knowledge_states import (
    select_next_item as select_informative_item,
)
from apps.recommendations.engine.memory import credited_card
from apps.recommendations.models import SkillMastery
from apps.recommendations.results import (
    AttemptFinished,
    AttemptStep,
    PlacementProgress,
    PlacementResult,
    PlacementState,
)
from apps.recommendations.scheduling import scheduler_for
from apps.recommendations.services.locks import lock_ability
from apps.recommendations.snapshot import course_snapshot

RANDOMESQUE_K = 3
IN_PROGRESS_REASON = "Placement test: answer as well as you can; it adapts to you."
READY_TO_FINISH = "Placement complete: finish it to set your starting point."
FINISHED = "Placement finished: your starting point is set."
# Spread of item difficulty within a skill, added to the ability's uncertainty when asking how
# likely the learner is to know a skill whose items average difficulty b (the CAT fallback).
WITHIN_SKILL_SD = 0.5
# The response model of the knowledge-state test: a careless slip, and a guess at least as
# likely as picking a choice at random (free answers: a small allowance, more cautious than
# the ~0.02 seen in simulations, so a lucky answer moves little).
SLIP = 0.1
FREE_ANSWER_GUESS = 0.05
# No skill is settled, nor the test stopped, before this many answers.
MIN_ITEMS = 10
STRUCTURE_CACHE = 16


@dataclass(frozen=True, eq=False, slots=True)
class _States:
    """The course's knowledge structure and response model, items in ``item_ids`` order."""

    structure: KnowledgeStructure
    model: ResponseModel
    prior: FloatArray
    item_ids: list[int]


_structures: OrderedDict[tuple[object, ...], _States | None] = OrderedDict()
_structures_lock = threading.Lock()


def _guess(snapshot: CourseSnapshot, item_id: int) -> float:
    """The item's guess floor (``ItemNode.guess_floor``), at least the free-answer allowance
    and at most a coin toss."""
    return min(max(snapshot.items[item_id].guess_floor, FREE_ANSWER_GUESS), 0.5)


def _knowledge_states(snapshot: CourseSnapshot) -> _States | None:
    """Built once per course version (about 2 ms for the demo course); None when the course
    has too many knowledge states to list. The key holds the skills and items themselves, not
    only the version, so a course id that comes back (a rolled-back test, a restored database)
    never meets another course's structure."""
    key = (snapshot.course_id, snapshot.version, snapshot.skill_order, tuple(snapshot.items))
    with _structures_lock:
        if key in _structures:
            _structures.move_to_end(key)
            return _structures[key]
    try:
        structure = KnowledgeStructure.from_graph(
            snapshot.skill_order,
            {s: snapshot.skills[s].prerequisite_ids for s in snapshot.skill_order},
        )
    except KnowledgeStructureTooLarge:
        states = None
    else:
        item_ids = list(snapshot.items)
        model = ResponseModel.build(
            structure,
            [structure.columns(snapshot.items[i].skill_ids) for i in item_ids],
            guess=[_guess(snapshot, i) for i in item_ids],
            slip=SLIP,
        )
        states = _States(structure, model, state_prior(structure), item_ids)
    with _structures_lock:
        _structures[key] = states
        while len(_structures) > STRUCTURE_CACHE:
            _structures.popitem(last=False)
    return states


def _coded(states: _States, answered: list[tuple[int, bool]]) -> tuple[list[int], list[bool]]:
    index = {item_id: i for i, item_id in enumerate(states.item_ids)}
    pairs = [(index[item_id], ok) for item_id, ok in answered if item_id in index]
    return [i for i, _ in pairs], [ok for _, ok in pairs]


def placement_assessment(course: Course) -> Assessment:
    """The course's diagnostic assessment: the one it has (an imported course names its own,
    e.g. ``fractions-placement``), else ``placement``, created once (the unique (course, slug)
    constraint settles two first starts racing)."""
    existing = (
        Assessment.objects.filter(course=course, kind=AssessmentKind.DIAGNOSTIC)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    assessment, _ = Assessment.objects.get_or_create(
        course=course,
        slug="placement",
        defaults={"title": f"{course.title}: placement test", "kind": AssessmentKind.DIAGNOSTIC},
    )
    return assessment


def _bank(snapshot: CourseSnapshot) -> tuple[list[int], ItemBank]:
    item_ids = list(snapshot.items)
    skill_codes = {skill_id: code for code, skill_id in enumerate(snapshot.skill_order)}
    return item_ids, ItemBank.from_arrays(
        a=[snapshot.items[i].a for i in item_ids],
        b=[snapshot.items[i].b for i in item_ids],
        c=[snapshot.items[i].c for i in item_ids],
        skill=[skill_codes[snapshot.items[i].skill_ids[0]] for i in item_ids],
    )


def _answered(attempt: Attempt) -> list[tuple[int, bool]]:
    return list(
        ItemResponse.objects.filter(attempt=attempt)
        .order_by("created_at", "id")
        .values_list("item_id", "correct")
    )


def _estimate(
    bank: ItemBank, item_ids: list[int], answered: list[tuple[int, bool]]
) -> tuple[float, float]:
    if not answered:
        return 0.0, 1.0
    index = {item_id: i for i, item_id in enumerate(item_ids)}
    vector = np.full(bank.size, np.nan)
    for item_id, correct in answered:
        if item_id in index:
            vector[index[item_id]] = 1.0 if correct else 0.0
    estimate = estimate_eap(vector, bank)
    return float(estimate.theta), float(estimate.standard_error)


@dataclass(frozen=True, slots=True)
class _Step:
    progress: PlacementProgress
    item_id: int | None
    stop_reason: str | None


def _step(attempt: Attempt, snapshot: CourseSnapshot) -> _Step:
    """Where the placement stands: the next item, or why it should stop (reads only, and
    deterministic, so re-reading the pending item gives the same one)."""
    item_ids, bank = _bank(snapshot)
    answered = _answered(attempt)
    theta, se = _estimate(bank, item_ids, answered)
    policy = snapshot.policy
    progress = PlacementProgress(
        answered=len(answered),
        max_items=policy.placement_max_items,
        theta=round(theta, 4),
        standard_error=round(se, 4),
    )
    states = _knowledge_states(snapshot)
    if states is None:
        return _cat_step(snapshot, bank, item_ids, answered, theta, se, progress, attempt.pk)
    items, correct = _coded(states, answered)
    marginals = robust_marginals(states.structure, states.prior, states.model, items, correct)
    reason = stop_reason(
        marginals,
        len(answered),
        max_items=policy.placement_max_items,
        high=policy.mastery_threshold,
        min_items=min(MIN_ITEMS, policy.placement_max_items),
        items_left=len(set(items)) < len(states.item_ids),
    )
    chosen = None
    if reason is None:
        posterior = _posterior(states, items, correct)
        chosen = select_informative_item(posterior, states.model, items)
        if chosen is None:
            reason = "bank_exhausted"
    return _Step(progress, None if chosen is None else states.item_ids[chosen], reason)


def _posterior(states: _States, items: list[int], correct: list[bool]) -> FloatArray:
    return posterior_from_responses(states.prior, states.model, items, correct)


def _cat_step(
    snapshot: CourseSnapshot,
    bank: ItemBank,
    item_ids: list[int],
    answered: list[tuple[int, bool]],
    theta: float,
    se: float,
    progress: PlacementProgress,
    attempt_id: int,
) -> _Step:
    """The fallback for courses with too many knowledge states: the IRT CAT on the ability."""
    policy = snapshot.policy
    stop = None
    if len(answered) >= policy.placement_max_items:
        stop = "max_length"
    elif answered and se < policy.placement_target_se:
        stop = "se_threshold"
    chosen = None
    if stop is None:
        seen = {item_id for item_id, _ in answered}
        administered = [i for i, item_id in enumerate(item_ids) if item_id in seen]
        targets = [1 / len(snapshot.skill_order)] * len(snapshot.skill_order)
        chosen = select_next_item(
            items=bank,
            theta=theta,
            administered=administered,
            # Seeded by the attempt and its progress: re-reading the pending item (an app
            # restart, a retry) presents the same one, and the answer must be for it.
            rng=np.random.default_rng([attempt_id, len(answered)]),
            randomesque_k=RANDOMESQUE_K,
            skill_targets=targets,
        )
        if chosen is None:
            stop = "bank_exhausted"
    return _Step(progress, None if chosen is None else item_ids[chosen], stop)


def _item_step(attempt: Attempt, snapshot: CourseSnapshot, step: _Step) -> AttemptStep:
    if step.item_id is None:  # a stop rule holds: the learner finishes it (POST .../finish/)
        return AttemptStep("placement", attempt.pk, step.progress, None, READY_TO_FINISH)
    # No hints: the placement measures what the learner knows unaided (web and API alike).
    item = {**snapshot.items[step.item_id].learner_view, "hints_html": []}
    return AttemptStep("placement", attempt.pk, step.progress, item, IN_PROGRESS_REASON)


def placement_next(*, attempt: Attempt, snapshot: CourseSnapshot | None = None) -> AttemptStep:
    """The next placement item, read only (GET never writes): when a stop rule already holds
    (the policy changed since the last answer), an item-less step that asks to finish."""
    snapshot = snapshot or course_snapshot(attempt.assessment.course)
    return _item_step(attempt, snapshot, _step(attempt, snapshot))


def placement_advance(
    *, learner: User, attempt: Attempt, snapshot: CourseSnapshot, now: datetime
) -> AttemptStep | AttemptFinished:
    """After an answer (the caller holds the learner's lock): the next item, or the finished
    result once a stop rule holds."""
    step = _step(attempt, snapshot)
    if step.stop_reason is None:
        return _item_step(attempt, snapshot, step)
    result = _finish_locked(
        learner=learner, attempt=attempt, snapshot=snapshot, reason=step.stop_reason, now=now
    )
    return AttemptFinished("placement_finished", attempt.pk, step.progress, result, FINISHED)


def placement_check_presented(*, attempt: Attempt, snapshot: CourseSnapshot, item_id: int) -> None:
    """An answer into a placement is for the item it presents (under the learner's lock, so
    the presented item cannot move meanwhile); any other item is refused, nothing stored."""
    presented = _step(attempt, snapshot).item_id
    if item_id != presented:
        message = (
            f"This placement presents item {presented}; answer that one."
            if presented is not None
            else "This placement presents no more items; finish it."
        )
        raise Conflict("Not the item the placement presents.", fields={"item": [message]})


@dataclass(frozen=True, slots=True)
class PlacementStart:
    attempt: Attempt
    step: AttemptStep | AttemptFinished
    created: bool  # False: the placement in progress was resumed


@transaction.atomic
def placement_start_or_resume(*, learner: User, course: Course) -> PlacementStart:
    """The learner's placement in progress, or a new one (under the learner's lock, so two
    taps on "start" open one attempt)."""
    assessment = placement_assessment(course)
    lock_ability(learner, course.pk)
    attempt, created = attempt_resume_or_start(learner=learner, assessment=assessment)
    if created:
        metrics.session_started()
    step = placement_advance(
        learner=learner, attempt=attempt, snapshot=course_snapshot(course), now=timezone.now()
    )
    attempt.refresh_from_db()
    return PlacementStart(attempt, step, created)


def placement_start(
    *, learner: User, course: Course
) -> tuple[Attempt, AttemptStep | AttemptFinished]:
    started = placement_start_or_resume(learner=learner, course=course)
    return started.attempt, started.step


def placement_state_after(
    *, attempt: Attempt, step: AttemptStep | AttemptFinished
) -> PlacementState:
    """The placement as it stands after ``step`` (from ``placement_start``)."""
    if isinstance(step, AttemptFinished):
        assert isinstance(step.result, PlacementResult)
        return PlacementState(attempt.pk, "finished", None, step.result)
    return PlacementState(attempt.pk, "in_progress", step, None)


def placement_state(*, attempt: Attempt) -> PlacementState:
    """A placement as the API shows it (reads only)."""
    if attempt.status == AttemptStatus.FINISHED:
        result = PlacementResult(**attempt.result) if attempt.result else None
        return PlacementState(attempt.pk, "finished", None, result)
    return PlacementState(attempt.pk, "in_progress", placement_next(attempt=attempt), None)


def _seed_probability(theta: float, se: float, mean_b: float) -> float:
    z = (theta - mean_b) / math.sqrt(se**2 + WITHIN_SKILL_SD**2)
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


@transaction.atomic
def placement_finish(
    *, learner: User, attempt: Attempt, reason: str = "finished", now: datetime | None = None
) -> PlacementResult:
    """Close the attempt and seed starting mastery from the ability it measured. Under the
    learner's lock, like every writer of their mastery; finishing twice returns the first
    result."""
    lock_ability(learner, attempt.assessment.course_id)
    current = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if current.status == AttemptStatus.FINISHED:
        attempt.status, attempt.result = current.status, current.result
        return PlacementResult(**current.result)
    return _finish_locked(
        learner=learner,
        attempt=attempt,
        snapshot=course_snapshot(attempt.assessment.course),
        reason=reason,
        now=now or timezone.now(),
    )


def _seeded_skills(
    snapshot: CourseSnapshot, answered: list[tuple[int, bool]], theta: float, se: float
) -> tuple[dict[int, float], set[int]]:
    """Starting P(known) per skill, and the skills credited as known (closed under
    prerequisites: knowing a skill implies what it builds on)."""
    states = _knowledge_states(snapshot)
    if states is None:
        return _seeded_from_ability(snapshot, answered, theta, se)
    items, correct = _coded(states, answered)
    marginals = robust_marginals(states.structure, states.prior, states.model, items, correct)
    credited = credited_skills(
        states.structure,
        states.model,
        marginals,
        items,
        correct,
        threshold=snapshot.policy.mastery_threshold,
    )
    seeded, known = {}, set()
    for column, skill_id in enumerate(snapshot.skill_order):
        p = float(marginals[column])
        if credited[column]:
            known.add(skill_id)
            p = max(p, snapshot.policy.mastery_threshold)
        seeded[skill_id] = p
    return seeded, known


def _seeded_from_ability(
    snapshot: CourseSnapshot, answered: list[tuple[int, bool]], theta: float, se: float
) -> tuple[dict[int, float], set[int]]:
    """The CAT fallback: how likely the ability says each skill is known; credited only with
    a right answer on the skill or on one built on it, like the knowledge-state test."""
    policy = snapshot.policy
    right = {skill for item_id, ok in answered if ok for skill in snapshot.items[item_id].skill_ids}
    supported = right | {a for skill in right for a in snapshot.ancestors(skill)}
    known: set[int] = set()
    seeded: dict[int, float] = {}
    for skill_id in reversed(snapshot.skill_order):  # dependents first, so closure flows down
        skill = snapshot.skills[skill_id]
        if not skill.item_ids:
            continue
        mean_b = sum(snapshot.items[i].b for i in skill.item_ids) / len(skill.item_ids)
        p = _seed_probability(theta, se, mean_b)
        if skill_id in known or (p >= policy.mastery_threshold and skill_id in supported):
            known.add(skill_id)
            known.update(snapshot.ancestors(skill_id))
            p = max(p, policy.mastery_threshold)
        seeded[skill_id] = p
    return seeded, known


def _finish_locked(
    *, learner: User, attempt: Attempt, snapshot: CourseSnapshot, reason: str, now: datetime
) -> PlacementResult:
    item_ids, bank = _bank(snapshot)
    answered = _answered(attempt)
    theta, se = _estimate(bank, item_ids, answered)
    seeded, known = _seeded_skills(snapshot, answered, theta, se)
    rows = {
        row.skill_id: row
        for row in SkillMastery.objects.filter(learner=learner, course_id=snapshot.course_id)
    }
    scheduler = scheduler_for(snapshot.policy.desired_retention)
    for skill_id, p in seeded.items():
        row = rows.get(skill_id) or SkillMastery(
            learner=learner,
            skill_id=skill_id,
            course_id=snapshot.course_id,
            p_known=snapshot.skills[skill_id].params.prior,
        )
        if p > row.p_known:  # placement only ever raises the starting point
            row.p_known = p
            if skill_id in known:
                row.seeded_by_placement = True
                row.mastered_at = row.mastered_at or now
                card = credited_card(row.memory_state, at=now, scheduler=scheduler)
                row.memory_state, row.review_due_at = card.card_state, card.due
            row.wheel_spinning = False
            rows[skill_id] = row
    SkillMastery.objects.bulk_create(
        list(rows.values()),
        update_conflicts=True,
        unique_fields=["learner", "skill"],
        update_fields=[
            "p_known",
            "seeded_by_placement",
            "mastered_at",
            "wheel_spinning",
            "memory_state",
            "review_due_at",
        ],
    )
    correct = sum(1 for _, ok in answered if ok)
    result = PlacementResult(
        theta=round(theta, 4),
        standard_error=round(se, 4),
        answered=len(answered),
        correct=correct,
        stop_reason=reason,
        mastered_skills=[snapshot.skills[i].slug for i in snapshot.skill_order if i in known],
    )
    Attempt.objects.filter(pk=attempt.pk).update(
        status=AttemptStatus.FINISHED,
        finished_at=now,
        result=asdict(result),
        score=correct / len(answered) if answered else None,
    )
    attempt.status, attempt.result = AttemptStatus.FINISHED, asdict(result)
    metrics.assessment_completed(kind=AssessmentKind.DIAGNOSTIC)
    return result
