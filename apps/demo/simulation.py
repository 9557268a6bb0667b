"""Simulated learners for demos, benchmarks and load tests.

The answers follow the engine's generative model (`engine/simulate.py`): each skill is a BKT
process with its own true parameters (drawn like `make_course` draws them), each learner has an
ability theta ~ N(0, 1), and an answer to item j on skill s is right with probability
    sigmoid(logit(base) + w a_j (theta - b_j)),   base = 1 - slip_s if s is known, else guess_s.
What this module adds is a course's shape and a learner's habits:
- sessions: each learner practises on a share of the days (Beta(2, 3), mean 40%), one session
  a day of 5 + Poisson(10) answers, starting between 08:00 and 20:00, over the D days that end
  now; each answer takes a log-normal time (median 20 s right, 30 s wrong);
- order: a learner works on one skill at a time, chosen among the skills whose prerequisites
  they have finished, mostly in course order, and moves on after three right answers in a row
  or 15 attempts (so some wheel-spin); 15% of answers review a skill practised before.
Loops run over answer steps, vectorised over learners. Rows are written in bulk, then the
learners' state is rebuilt from them (`learner_state_rebuild`, FSRS cards included).
"""

import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

import numpy as np
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from scipy.special import expit, logit

from apps.accounts.models import Role, User
from apps.assessments.grading import AnswerKey
from apps.assessments.models import ItemResponse
from apps.core.exceptions import ApplicationError
from apps.curriculum.models import Course, ItemType
from apps.recommendations.engine.arrays import BoolArray, FloatArray, IntArray
from apps.recommendations.engine.bkt import BktParams
from apps.recommendations.engine.course import CourseSnapshot
from apps.recommendations.engine.simulate import make_course
from apps.recommendations.recalculation.mastery_history import mastery_history_replay
from apps.recommendations.recalculation.rebuild import RebuildResult, learner_state_rebuild
from apps.recommendations.recalculation.sql import from_microseconds, insert_rows, to_microseconds
from apps.recommendations.snapshot import course_snapshot

DAY_US = 86_400_000_000
SECOND_US = 1_000_000
STREAK_TO_MOVE_ON = 3
MAX_ATTEMPTS_PER_SKILL = 15
REVIEW_SHARE = 0.15
INSERT_CHUNK = 10_000


@dataclass(frozen=True, eq=False, slots=True)
class SimulatedHistory:
    """Generated answers in time order (learner is an index 0..n-1), with the truth behind."""

    learner: IntArray
    item_id: IntArray
    correct: BoolArray
    created_us: IntArray
    time_taken_ms: IntArray
    theta: FloatArray
    true_params: dict[str, BktParams]  # skill slug -> parameters that generated the answers


@dataclass(frozen=True, slots=True)
class SimulationResult:
    learners: int
    responses: int
    first_at: datetime | None
    last_at: datetime | None
    rebuild: RebuildResult | None
    timings: dict[str, float] = field(default_factory=dict)
    learner_ids: list[int] = field(default_factory=list)
    history_written: int = 0  # (answer, skill) mastery changes stored, with with_history=True


@dataclass(slots=True)
class _Shape:
    """The course as the generator needs it; skills indexed in course order, items by position
    in `item_ids`."""

    slugs: tuple[str, ...]
    prerequisites: BoolArray  # [skill, prerequisite]
    item_of_pair: IntArray  # item positions grouped by skill
    first_pair: IntArray  # [skill] offset into item_of_pair
    pair_count: IntArray  # [skill] published items
    item_ids: IntArray
    a: FloatArray  # [item position]
    b: FloatArray

    @classmethod
    def of(cls, snapshot: CourseSnapshot) -> "_Shape":
        order = list(snapshot.skill_order)
        index = {skill_id: position for position, skill_id in enumerate(order)}
        prerequisites = np.zeros((len(order), len(order)), dtype=np.bool_)
        for skill_id in order:
            for prerequisite in snapshot.skills[skill_id].prerequisite_ids:
                prerequisites[index[skill_id], index[prerequisite]] = True
        item_ids = sorted(snapshot.items)
        position = {item_id: n for n, item_id in enumerate(item_ids)}
        items = [[position[i] for i in snapshot.skills[skill_id].item_ids] for skill_id in order]
        counts = np.array([len(positions) for positions in items], dtype=np.int64)
        return cls(
            slugs=tuple(snapshot.skills[skill_id].slug for skill_id in order),
            prerequisites=prerequisites,
            item_of_pair=np.array([i for positions in items for i in positions], dtype=np.int64),
            first_pair=np.cumsum(counts) - counts,
            pair_count=counts,
            item_ids=np.array(item_ids, dtype=np.int64),
            a=np.array([snapshot.items[i].a for i in item_ids], dtype=np.float64),
            b=np.array([snapshot.items[i].b for i in item_ids], dtype=np.float64),
        )


@dataclass(frozen=True, slots=True)
class _Truth:
    """The generating model: BKT parameters per skill (columns), abilities, ability weight."""

    prior: FloatArray
    learn: FloatArray
    guess: FloatArray
    slip: FloatArray
    forget: FloatArray
    theta: FloatArray
    ability_weight: float

    @classmethod
    def of(
        cls, params: tuple[BktParams, ...], theta: FloatArray, ability_weight: float
    ) -> "_Truth":
        names = ("prior", "learn", "guess", "slip", "forget")
        columns = {n: np.array([getattr(p, n) for p in params], dtype=np.float64) for n in names}
        return cls(**columns, theta=theta, ability_weight=ability_weight)


@dataclass(slots=True)
class _Learners:
    """Where every learner is, updated one answer step at a time."""

    known: BoolArray  # [learner, skill] true state
    finished: BoolArray  # [learner, skill] moved on from it (or nothing to practise)
    attempts: IntArray  # [learner, skill]
    current: IntArray  # [learner] skill being worked on, -1 for none
    streak: IntArray  # [learner] right answers in a row on the current skill


def _next_skills(shape: _Shape, state: _Learners, rows: IntArray, rng: np.random.Generator) -> None:
    """Pick each of `rows`' next skill: prerequisites finished, mostly in course order."""
    finished = state.finished[rows]
    blocked = (~finished).astype(np.int64) @ shape.prerequisites.T.astype(np.int64) > 0
    eligible = ~finished & ~blocked & (shape.pair_count > 0)
    score = np.arange(len(shape.slugs)) + rng.exponential(1.5, finished.shape)
    score[~eligible] = np.inf
    choice = np.argmin(score, axis=1)
    state.current[rows] = np.where(np.isfinite(score.min(axis=1)), choice, -1)
    state.streak[rows] = 0


def _review_skills(state: _Learners, rows: IntArray, rng: np.random.Generator) -> IntArray:
    practised = state.attempts[rows] > 0
    score = np.where(practised, rng.random(practised.shape), np.inf)
    return np.where(practised.any(axis=1), np.argmin(score, axis=1), -1)


def _sessions(
    n_learners: int, days: int, rng: np.random.Generator
) -> tuple[IntArray, IntArray, IntArray]:
    """(learner, day, answers) per session, learner-major then by day."""
    activity = rng.beta(2.0, 3.0, n_learners)
    active = rng.random((n_learners, days)) < activity[:, None]
    # Everyone simulated shows up at least once, or they would be accounts without a history.
    active[np.arange(n_learners), rng.integers(0, days, n_learners)] = True
    length = np.where(active, 5 + rng.poisson(10.0, (n_learners, days)), 0).ravel()
    learner = np.repeat(np.arange(n_learners), days)
    day = np.tile(np.arange(days), n_learners)
    keep = length > 0
    return learner[keep], day[keep], length[keep].astype(np.int64)


def _step(
    shape: _Shape, truth: _Truth, state: _Learners, rows: IntArray, rng: np.random.Generator
) -> tuple[IntArray, IntArray, BoolArray]:
    """One answer from each of `rows` (learners still practising): (rows, item positions,
    correct), and each learner's state moved on."""
    stuck = state.current[rows] < 0
    _next_skills(
        shape, state, rows[stuck | state.finished[rows, np.maximum(state.current[rows], 0)]], rng
    )
    review = (state.current[rows] < 0) | (rng.random(len(rows)) < REVIEW_SHARE)
    skill = np.where(review, _review_skills(state, rows, rng), state.current[rows])
    rows, skill, review = rows[skill >= 0], skill[skill >= 0], review[skill >= 0]
    item = shape.item_of_pair[shape.first_pair[skill] + rng.integers(0, shape.pair_count[skill])]
    known = state.known[rows, skill]
    base = np.where(known, 1.0 - truth.slip[skill], truth.guess[skill])
    shift = truth.ability_weight * shape.a[item] * (truth.theta[rows] - shape.b[item])
    correct = rng.random(len(rows)) < expit(logit(base) + shift)
    draw = rng.random(len(rows))
    state.known[rows, skill] = np.where(
        known, draw >= truth.forget[skill], draw < truth.learn[skill]
    )
    state.attempts[rows, skill] += 1
    streak = np.where(correct, state.streak[rows] + 1, 0)
    state.streak[rows] = np.where(review, state.streak[rows], streak)
    moves_on = (streak >= STREAK_TO_MOVE_ON) | (
        state.attempts[rows, skill] >= MAX_ATTEMPTS_PER_SKILL
    )
    done = ~review & moves_on
    state.finished[rows[done], skill[done]] = True
    return rows, item, correct


def _answer_steps(
    shape: _Shape, truth: _Truth, n_answers: IntArray, rng: np.random.Generator
) -> tuple[IntArray, IntArray, IntArray, BoolArray]:
    """(learner, step, item id, correct) for every answer, step-major."""
    n_learners, n_skills = len(truth.theta), len(shape.slugs)
    state = _Learners(
        known=rng.random((n_learners, n_skills)) < truth.prior,
        finished=np.broadcast_to(shape.pair_count == 0, (n_learners, n_skills)).copy(),
        attempts=np.zeros((n_learners, n_skills), dtype=np.int64),
        current=np.full(n_learners, -1, dtype=np.int64),
        streak=np.zeros(n_learners, dtype=np.int64),
    )
    parts = []
    for step in range(int(n_answers.max(initial=0))):
        rows, item, correct = _step(shape, truth, state, np.flatnonzero(n_answers > step), rng)
        parts.append((rows, np.full(len(rows), step), shape.item_ids[item], correct))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, np.zeros(0, dtype=np.bool_)
    return tuple(np.concatenate([part[k] for part in parts]) for k in range(4))  # type: ignore[return-value]


def _session_start_us(
    session_day: IntArray, days: int, now: datetime, rng: np.random.Generator
) -> IntArray:
    """Each session starts between 08:00 and 20:00 of its day; the last day ends now."""
    hour_us = rng.uniform(8 * 3600, 20 * 3600, len(session_day)).astype(np.int64) * SECOND_US
    start: IntArray = to_microseconds(now) - (days - session_day) * DAY_US + hour_us
    return start


def _within_session_us(session: IntArray, spent_us: IntArray) -> IntArray:
    """Time from the session's start to each answer: a cumulative sum restarting per session
    (rows of a session are contiguous)."""
    total = np.cumsum(spent_us)
    first = np.flatnonzero(np.r_[True, session[1:] != session[:-1]]) if len(session) else session
    before = np.repeat(total[first] - spent_us[first], np.diff(np.r_[first, len(session)]))
    result: IntArray = total - before
    return result


def simulate_history(
    *,
    snapshot: CourseSnapshot,
    n_learners: int,
    days: int,
    now: datetime,
    seed: int = 0,
    ability_weight: float = 0.5,
) -> SimulatedHistory:
    """Generate the answers (no database)."""
    rng = np.random.default_rng(seed)
    shape = _Shape.of(snapshot)
    params = make_course(n_skills=len(shape.slugs), items_per_skill=1, seed=seed).skill_params
    theta = rng.normal(0.0, 1.0, n_learners)
    session_learner, session_day, session_length = _sessions(n_learners, days, rng)
    n_answers = np.bincount(session_learner, weights=session_length, minlength=n_learners)
    truth = _Truth.of(params, theta, ability_weight)
    learner, step, item, correct = _answer_steps(shape, truth, n_answers.astype(np.int64), rng)
    # Learner-major, step order: a learner's k-th answer takes their k-th session slot.
    order = np.lexsort((step, learner))
    learner, item, correct = learner[order], item[order], correct[order]
    first_row = np.searchsorted(learner, np.arange(n_learners))
    slot_start = np.cumsum(n_answers).astype(np.int64) - n_answers.astype(np.int64)
    slot = slot_start[learner] + np.arange(len(learner)) - first_row[learner]
    session = np.repeat(np.arange(len(session_length)), session_length)[slot]
    median_ms = np.where(correct, 20_000.0, 30_000.0)
    taken = np.clip(rng.lognormal(np.log(median_ms), 0.5), 2_000, 300_000).astype(np.int64)
    pause_us = rng.exponential(8.0, len(taken)).astype(np.int64) * SECOND_US
    created = _session_start_us(session_day, days, now, rng)[session] + _within_session_us(
        session, taken * 1000 + pause_us
    )
    created = np.minimum(created, to_microseconds(now))
    by_time = np.argsort(created, kind="stable")
    return SimulatedHistory(
        learner=learner[by_time],
        item_id=item[by_time],
        correct=correct[by_time],
        created_us=created[by_time],
        time_taken_ms=taken[by_time],
        theta=theta,
        true_params=dict(zip(shape.slugs, params, strict=True)),
    )


def _typed(value: float) -> str:
    """How a learner would type the number: 7/13 rather than 0.5384615384615384."""
    fraction = Fraction(value).limit_denominator(1000)
    return str(fraction) if abs(float(fraction) - value) < 1e-9 else f"{value:.6g}"


def _answers(key: AnswerKey) -> tuple[object, object]:
    """A plausible (right, wrong) answer as stored after grading (numbers as typed text)."""
    if key.type == ItemType.NUMERIC and key.numeric_answer is not None:
        return _typed(key.numeric_answer), _typed(key.numeric_answer + 2 * key.tolerance + 1)
    if key.type in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE):
        right = sorted(key.correct_keys)
        wrong = [k for k in key.choice_keys if k not in key.correct_keys][:1] or right[:-1]
        if key.type == ItemType.SINGLE_CHOICE:
            return right[0], wrong[0] if wrong else ""
        return right, wrong
    return (key.accepted_answers[0] if key.accepted_answers else ""), "not sure"


def _create_learners(prefix: str, course: Course, count: int) -> list[User]:
    stem = f"{prefix}-{course.slug}-"
    start = User.objects.filter(username__startswith=stem).count()
    names = [f"{stem}{start + n:05d}" for n in range(1, count + 1)]
    if User.objects.filter(username__in=names).exists():
        raise ApplicationError(
            f"Usernames starting {stem!r} are taken; choose another prefix.",
            fields={"prefix": ["Already used."]},
        )
    return User.objects.bulk_create(
        User(
            username=name,
            role=Role.LEARNER,
            password=make_password(None),  # unusable: nobody signs in as a simulated learner
            display_name=f"Simulated learner {name.rsplit('-', 1)[-1]}",
        )
        for name in names
    )


def _insert_responses(
    history: SimulatedHistory, users: list[User], snapshot: CourseSnapshot
) -> None:
    answers = {item_id: _answers(node.key) for item_id, node in snapshot.items.items()}
    user_ids = [user.pk for user in users]
    fields = ["client_id", "learner", "item", "answer", "correct", "score", "time_taken_ms"]
    for start in range(0, len(history.item_id), INSERT_CHUNK):
        stop = start + INSERT_CHUNK
        rows = zip(
            history.learner[start:stop].tolist(),
            history.item_id[start:stop].tolist(),
            history.correct[start:stop].tolist(),
            history.created_us[start:stop].tolist(),
            history.time_taken_ms[start:stop].tolist(),
            strict=True,
        )
        insert_rows(
            ItemResponse,
            [*fields, "created_at"],
            (
                (
                    uuid.uuid4(),
                    user_ids[learner],
                    item_id,
                    answers[item_id][0 if correct else 1],
                    correct,
                    1.0 if correct else 0.0,
                    taken,
                    from_microseconds(created),
                )
                for learner, item_id, correct, created, taken in rows
            ),
        )


def simulate_learners(
    *,
    course: Course,
    learners: int,
    days: int,
    seed: int = 0,
    prefix: str = "sim",
    ability_weight: float = 0.5,
    rebuild: bool = True,
    with_history: bool = False,
    force: bool = False,
    now: datetime | None = None,
) -> SimulationResult:
    """Create `learners` simulated accounts with `days` of practice ending now in `course`.

    `with_history` also replays their mastery over time (each answer's change of each tagged
    skill, stored on the answer as the hot path does), which the teacher's drill-down charts;
    benchmarks leave it off."""
    if settings.ENVIRONMENT == "production" and not force:
        raise ApplicationError("Refusing to create simulated learners under production settings.")
    if learners < 1 or days < 1:
        raise ApplicationError("Simulate at least one learner over at least one day.")
    now = now or timezone.now()
    started = time.perf_counter()
    snapshot = course_snapshot(course)
    history = simulate_history(
        snapshot=snapshot,
        n_learners=learners,
        days=days,
        now=now,
        seed=seed,
        ability_weight=ability_weight,
    )
    generated = time.perf_counter()
    with transaction.atomic():
        users = _create_learners(prefix, course, learners)
        _insert_responses(history, users, snapshot)
    inserted = time.perf_counter()
    result = (
        learner_state_rebuild(course=course, learners=users, replay_memory=True)
        if rebuild
        else None
    )
    timings = {"generate": generated - started, "insert": inserted - generated}
    if result is not None:
        timings["rebuild"] = time.perf_counter() - inserted
    learner_ids = [user.pk for user in users]
    history_written = 0
    if with_history:
        replayed = time.perf_counter()
        with transaction.atomic():
            history_written = mastery_history_replay(course=course, learner_ids=learner_ids)
        timings["history"] = time.perf_counter() - replayed
    return SimulationResult(
        learners=learners,
        responses=len(history.item_id),
        first_at=from_microseconds(history.created_us[0]) if len(history.item_id) else None,
        last_at=from_microseconds(history.created_us[-1]) if len(history.item_id) else None,
        rebuild=result,
        timings=timings,
        learner_ids=learner_ids,
        history_written=history_written,
    )
