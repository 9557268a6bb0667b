"""Rebuild learners' state in a course from the response log, in bulk.

Mastery: every (learner, skill) sequence is replayed through the skill's parameters in force in
one vectorised pass (`replay_bkt`), which gives what the hot path's answer-by-answer updates give
for the same responses and parameters; attempts, correct answers, when it was first mastered and
the wheel-spinning flag follow from the same rows. Ability: the exact EAP over every response
with the items' current parameters (see `recalculation_ability`). The predictor's `model_state`:
the same rows through the course's active learner model (`learner_model.model_states`); None
while there is none (a state means nothing apart from the fit it was filtered with).

Kept as they are: the FSRS memory card (it records when reviews happened, which a refit does not
change), and the p_known / mastered_at of skills seeded by a placement test (the seed is
evidence the per-skill log does not hold). `replay_memory=True` also rebuilds the memory cards
from the log, for learners that have none (simulated histories).

Writes go in batches of learners, each in a transaction that first locks the learners' ability
rows, the same lock the hot path takes. A learner who answered after the log was read is left
out of that batch (their newer answer is not in this replay); the next run picks them up.
"""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from fsrs import Card

from apps.accounts.models import User
from apps.assessments.models import ItemResponse
from apps.curriculum.models import Course
from apps.recommendations.engine.arrays import BoolArray, FloatArray, IntArray
from apps.recommendations.engine.bkt_replay import BktReplay, replay_bkt
from apps.recommendations.engine.evidence import answer_guess_floors, evidence_mask, repeat_depth
from apps.recommendations.engine.mastery import MasteryPolicy, answer_weight, wheel_spinning
from apps.recommendations.engine.memory import CardState, rating_from_response
from apps.recommendations.engine.sequences import sequence_ids
from apps.recommendations.models import LearnerAbility, SkillMastery
from apps.recommendations.recalculation.ability import eap_from_responses
from apps.recommendations.recalculation.learner_model import (
    ModelStates,
    answer_log_of,
    model_states,
)
from apps.recommendations.recalculation.log import (
    LEARNER_BATCH,
    CourseResponses,
    CourseStructure,
    course_responses_load,
    course_structure_load,
)
from apps.recommendations.recalculation.sql import from_microseconds, upsert_rows
from apps.recommendations.scheduling import scheduler_for

MASTERY_FIELDS = [
    "p_known",
    "attempts",
    "correct_count",
    "attempts_since_mastery",
    "last_practised_at",
    "mastered_at",
    "wheel_spinning",
    "updated_at",
    "model_state",
    "right_streak",
]
MASTERY_INSERT = [
    "learner",
    "skill",
    "course",
    "p_known",
    "attempts",
    "correct_count",
    "attempts_since_mastery",
    "last_practised_at",
    "mastered_at",
    "seeded_by_placement",
    "wheel_spinning",
    "updated_at",
    "model_state",
    "right_streak",
]
MEMORY_FIELDS = ["memory_state", "review_due_at"]
ABILITY_FIELDS = ["theta", "standard_error", "n_responses", "updated_at"]
NOT_MASTERED = -1


@dataclass(frozen=True, eq=False, slots=True)
class LearnerStates:
    """Rebuilt state, not yet written. Sequences are (learner, skill) pairs with responses."""

    learner_ids: IntArray  # learner code -> user id
    theta: FloatArray  # [learner code]
    standard_error: FloatArray
    n_responses: IntArray
    seq_learner: IntArray  # [sequence] learner code
    seq_skill: IntArray  # [sequence] skill code
    p_known: FloatArray
    attempts: IntArray
    correct_count: IntArray
    right_streak: FloatArray  # weighed (engine.mastery.answer_weight)
    attempts_since_mastery: IntArray
    last_us: IntArray
    mastered_us: IntArray  # NOT_MASTERED when the replay never reached the threshold
    memory: list[tuple[CardState, datetime]] | None  # [sequence] card and due date
    model: ModelStates | None  # [sequence] the learner model's state; None without a model


@dataclass(frozen=True, slots=True)
class RebuildResult:
    learners: int
    learners_written: int
    learners_skipped: int  # answered while the rebuild ran; left for the next run
    masteries_written: int
    abilities_written: int
    timings: dict[str, float] = field(default_factory=dict)


def sequence_runs(sequence_of_row: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Rows grouped by sequence (time order kept): the order, each run's start and end."""
    order = np.argsort(sequence_of_row, kind="stable")
    ordered = sequence_of_row[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(order) else order
    ends = np.r_[starts[1:], len(order)].astype(np.int64)
    return order.astype(np.int64), starts.astype(np.int64), ends


def posterior_after_each(replay: BktReplay, order: IntArray, ends: IntArray) -> FloatArray:
    """P(known) after each answer, rows in `order`: the next answer's "before" in the same
    sequence, or the sequence's final posterior for its last answer."""
    p_after = np.empty(len(order))
    p_after[:-1] = replay.p_known_before[order][1:]
    p_after[ends - 1] = replay.p_known
    return p_after


def right_streaks(right: FloatArray, starts: IntArray, ends: IntArray) -> FloatArray:
    """Per row (in sequence order), the weighed right answers in a row up to and including it,
    as the answer path keeps ``SkillMastery.right_streak``: a wrong answer (weight 0) and the
    start of a sequence begin a new count. Vectorised with a forward fill of the last reset."""
    size = len(right)
    if size == 0:
        return np.zeros(0)
    total = np.cumsum(right)
    reset = right <= 0
    reset[starts] = True
    last = np.maximum.accumulate(np.where(reset, np.arange(size), 0))
    result: FloatArray = total - (total - right)[last]
    return result


def _first_crossing(
    replay: BktReplay,
    order: IntArray,
    starts: IntArray,
    ends: IntArray,
    streak: FloatArray,
    policy: MasteryPolicy,
) -> IntArray:
    """Per sequence, the position of the answer after which the skill was first learnt (that
    answer's time is mastered_at), or the sequence's length if it never was. ``streak`` (the
    weighed right answers in a row after each answer) is in ``order``. Credits are not in the
    log: the rows that hold them are kept as they are."""
    size = len(order)
    p_after = posterior_after_each(replay, order, ends)
    position = np.arange(size) - np.repeat(starts, ends - starts)
    crossed = np.where(policy.learnt(p_after, streak, False), position, size)
    first: IntArray = np.minimum.reduceat(crossed, starts) if size else crossed
    return np.minimum(first, ends - starts)


def learner_states_compute(
    *, structure: CourseStructure, responses: CourseResponses, replay_memory: bool = False
) -> LearnerStates:
    """Every learner's state in the course from `responses` (all of those learners' answers).
    Mastery follows the answers that are evidence (`engine.evidence`, as the answer path);
    the ability every answer."""
    all_responses = responses
    responses = evidence_responses(structure, responses)
    log, response_of_row, learner_ids = responses.skill_log(structure)
    # Per row: the item's guess floor, raised after a hint (as the answer path).
    floor = answer_guess_floors(
        structure.item_guess_floor[responses.item_code], responses.hint_used, responses.correct
    )[response_of_row]
    replay = replay_bkt(log, structure.params, guess_floor=floor)
    model = None
    if structure.learner_model is not None and log.size:
        # The same rows and codes as `log`: its sequences are numbered as the BKT replay's.
        answers = answer_log_of(structure, responses, log, response_of_row)
        model = model_states(structure.learner_model, answers)
    sequence_of_row, seq_skill = sequence_ids(log.learner, log.skill)
    order, starts, ends = sequence_runs(sequence_of_row)
    attempts = (ends - starts).astype(np.int64)
    correct = log.correct[order]
    hinted = responses.hint_used[response_of_row]
    right = np.where(correct, answer_weight(floor[order]), 0.0)
    streak = right_streaks(right, starts, ends)
    first = _first_crossing(replay, order, starts, ends, streak, structure.policy.mastery)
    mastered = first < attempts
    created = responses.created_us[response_of_row][order]
    _, learner_code = all_responses.learner_codes()
    theta, standard_error = eap_from_responses(
        learner_code=learner_code,
        item_code=all_responses.item_code,
        correct=all_responses.correct,
        n_learners=len(learner_ids),
        a=structure.item_a,
        b=structure.item_b,
        c=structure.item_c,
    )
    return LearnerStates(
        learner_ids=learner_ids,
        theta=theta,
        standard_error=standard_error,
        n_responses=np.bincount(learner_code, minlength=len(learner_ids)).astype(np.int64),
        seq_learner=replay.sequence_learner,
        seq_skill=seq_skill,
        p_known=replay.p_known,
        attempts=attempts,
        correct_count=(
            np.add.reduceat(correct.astype(np.int64), starts) if log.size else attempts.copy()
        ),
        right_streak=streak[ends - 1] if log.size else np.zeros(len(starts)),
        attempts_since_mastery=first,
        last_us=created[ends - 1],
        mastered_us=np.where(
            mastered, created[starts + np.where(mastered, first, 0)], NOT_MASTERED
        ),
        memory=(
            _replay_memory(structure, starts, ends, correct, hinted[order], created)
            if replay_memory
            else None
        ),
        model=model,
    )


def evidence_responses(structure: CourseStructure, responses: CourseResponses) -> CourseResponses:
    """The answers that are evidence on skills (``engine.evidence``, as the answer path)."""
    return responses.subset(
        evidence_mask(
            learner=responses.learner_id,
            item=responses.item_code,
            created_us=responses.created_us,
            depth=_repeat_depths(structure)[responses.item_code],
        )
    )


def _repeat_depths(structure: CourseStructure) -> IntArray:
    """item code -> ``evidence.repeat_depth`` (the answer path's, from the same pools)."""
    pool = np.bincount(
        [code for skills in structure.skills_of_item for code in skills],
        minlength=structure.n_skills,
    )
    recent = structure.policy.recent_items
    return np.array(
        [
            repeat_depth(recent_items=recent, pool=int(min(pool[list(skills)])))
            if skills
            else recent
            for skills in structure.skills_of_item
        ],
        dtype=np.int64,
    )


def _replay_memory(
    structure: CourseStructure,
    starts: IntArray,
    ends: IntArray,
    correct: BoolArray,
    hinted: BoolArray,
    created_us: IntArray,
) -> list[tuple[CardState, datetime]]:
    """FSRS cards from the log, as the hot path would have left them. py-fsrs is scalar, so this
    loops over responses: it serves simulated histories, never the nightly path."""
    scheduler = scheduler_for(structure.policy.desired_retention)
    cards = []
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        card = Card(card_id=0, due=from_microseconds(created_us[start]))
        for row in range(start, end):
            rating = rating_from_response(correct=bool(correct[row]), hint_used=bool(hinted[row]))
            card, _ = scheduler.review_card(card, rating, from_microseconds(created_us[row]))
        cards.append((card.to_dict(), card.due))
    return cards


def _mastery_rows(
    structure: CourseStructure, states: LearnerStates, sequences: IntArray, writable: set[int]
) -> list[list[Any]]:
    """Rows in MASTERY_INSERT order (plus the memory card when replayed)."""
    now = timezone.now()
    rows = []
    for index in sequences.tolist():
        learner_id = int(states.learner_ids[states.seq_learner[index]])
        if learner_id not in writable:
            continue
        mastered_us = states.mastered_us[index]
        row = [
            learner_id,
            int(structure.skill_ids[states.seq_skill[index]]),
            structure.course_id,
            float(states.p_known[index]),
            int(states.attempts[index]),
            int(states.correct_count[index]),
            int(states.attempts_since_mastery[index]),
            from_microseconds(states.last_us[index]),
            None if mastered_us == NOT_MASTERED else from_microseconds(mastered_us),
            False,  # seeded_by_placement: only for rows this creates; never updated here
            False,  # wheel_spinning, set by _keep_credits
            now,
            None if states.model is None else states.model.as_json(index),
            float(states.right_streak[index]),
        ]
        if states.memory is not None:
            row.extend(states.memory[index])
        rows.append(row)
    return rows


def _ability_rows(
    structure: CourseStructure, states: LearnerStates, writable: set[int]
) -> list[list[Any]]:
    now = timezone.now()
    return [
        [
            int(states.learner_ids[code]),
            structure.course_id,
            float(states.theta[code]),
            float(states.standard_error[code]),
            int(states.n_responses[code]),
            now,
        ]
        for code in range(len(states.learner_ids))
        if int(states.learner_ids[code]) in writable
    ]


def _keep_credits(
    structure: CourseStructure, rows: list[list[Any]], learner_ids: list[int]
) -> None:
    """Credited skills (by placement, or by mastering a dependent skill) keep their P(known)
    and mastered_at: the credit is evidence the skill's own log does not hold."""
    credited = SkillMastery.objects.filter(
        Q(seeded_by_placement=True) | Q(credited_by__isnull=False),
        learner_id__in=learner_ids,
        course_id=structure.course_id,
    )
    seeds = {
        (learner_id, skill_id): (p_known, mastered_at, since)
        for learner_id, skill_id, p_known, mastered_at, since in credited.values_list(
            "learner_id", "skill_id", "p_known", "mastered_at", "attempts_since_mastery"
        )
    }
    limit = structure.policy.wheel_spinning_attempts
    for row in rows:
        seed = seeds.get((row[0], row[1]))
        if seed is not None:
            row[3], row[8], row[6] = seed
        row[10] = bool(wheel_spinning(row[8] is None, row[4], limit))


def _write_batch(
    structure: CourseStructure,
    states: LearnerStates,
    learner_ids: list[int],
    sequences: IntArray,
    log_max_id: int,
    fence: Callable[[], None] | None,
) -> tuple[int, int, int]:
    """(learners written, masteries, abilities) for one batch, in one transaction; `fence`
    first, inside it (a run's lock check: a taken-over run writes no more batches)."""
    with transaction.atomic():
        if fence is not None:
            fence()
        list(
            LearnerAbility.objects.select_for_update()
            .filter(learner_id__in=learner_ids, course_id=structure.course_id)
            .values_list("id", flat=True)
        )
        busy = set(
            ItemResponse.objects.filter(
                learner_id__in=learner_ids,
                item_id__in=structure.item_ids.tolist(),
                id__gt=log_max_id,
            )
            .values_list("learner_id", flat=True)
            .distinct()
        )
        writable = set(learner_ids) - busy
        masteries = _mastery_rows(structure, states, sequences, writable)
        _keep_credits(structure, masteries, sorted(writable))
        memory = MEMORY_FIELDS if states.memory is not None else []
        upsert_rows(
            SkillMastery,
            MASTERY_INSERT + memory,
            masteries,
            unique=["learner", "skill"],
            update=MASTERY_FIELDS + memory,
        )
        abilities = _ability_rows(structure, states, writable)
        upsert_rows(
            LearnerAbility,
            ["learner", "course", *ABILITY_FIELDS],
            abilities,
            unique=["learner", "course"],
            update=ABILITY_FIELDS,
        )
    return len(writable), len(masteries), len(abilities)


def learner_states_write(
    *,
    structure: CourseStructure,
    states: LearnerStates,
    log_max_id: int,
    progress: Callable[[int], None] | None = None,
    fence: Callable[[], None] | None = None,
) -> RebuildResult:
    """Write rebuilt states in batches of learners; `progress` gets each batch's size, `fence`
    runs at the start of each batch's transaction (it raises to stop the writes)."""
    by_learner = np.argsort(states.seq_learner, kind="stable")
    bounds = np.searchsorted(states.seq_learner[by_learner], np.arange(len(states.learner_ids) + 1))
    written = masteries = abilities = 0
    for start in range(0, len(states.learner_ids), LEARNER_BATCH):
        stop = min(start + LEARNER_BATCH, len(states.learner_ids))
        batch = [int(i) for i in states.learner_ids[start:stop]]
        sequences = by_learner[bounds[start] : bounds[stop]]
        counts = _write_batch(structure, states, batch, sequences, log_max_id, fence)
        written, masteries, abilities = (
            written + counts[0],
            masteries + counts[1],
            abilities + counts[2],
        )
        if progress is not None:
            progress(stop - start)
    return RebuildResult(
        learners=len(states.learner_ids),
        learners_written=written,
        learners_skipped=len(states.learner_ids) - written,
        masteries_written=masteries,
        abilities_written=abilities,
    )


def learner_state_rebuild(
    *,
    course: Course,
    learners: Iterable[User] | None = None,
    replay_memory: bool = False,
) -> RebuildResult:
    """Recompute mastery and ability of `learners` (all who answered, if None) in `course`
    from their responses, with the parameters in force."""
    started = time.perf_counter()
    structure = course_structure_load(course_id=course.pk)
    ids = None if learners is None else sorted({user.pk for user in learners})
    responses = course_responses_load(structure=structure, learner_ids=ids)
    loaded = time.perf_counter()
    states = learner_states_compute(
        structure=structure, responses=responses, replay_memory=replay_memory
    )
    computed = time.perf_counter()
    result = learner_states_write(structure=structure, states=states, log_max_id=responses.max_id)
    return RebuildResult(
        learners=result.learners,
        learners_written=result.learners_written,
        learners_skipped=result.learners_skipped,
        masteries_written=result.masteries_written,
        abilities_written=result.abilities_written,
        timings={
            "load": loaded - started,
            "replay": computed - loaded,
            "write": time.perf_counter() - computed,
        },
    )
