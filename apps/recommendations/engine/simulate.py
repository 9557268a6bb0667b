"""The generative model: simulated learners answering items, with known true parameters.

- `simulate_bkt`: pure BKT sequences per (learner, skill) from given parameters; used to check
  that fitting recovers them and for the BKT benchmarks.
- `simulate_irt_table`: a persons x items 0/1 table from item parameters and abilities.
- `simulate_learners`: a whole course. Each skill follows BKT (prior, learn, forget); each item
  belongs to one skill and has IRT parameters; each learner has an ability theta. The answer to
  item j on skill s is correct with probability
      sigmoid(logit(base) + w a_j (theta - b_j)),  base = 1 - slip_s if s is known else guess_s
  so w = 0 gives pure BKT and larger w lets ability and item difficulty matter. Learners
  practise random skills at random times; rows come out in time order.
All loops run over time steps; learners and skills are vectorised.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import expit, logit

from apps.recommendations.engine.arrays import BoolArray, FloatArray, IntArray
from apps.recommendations.engine.bkt import BktParams
from apps.recommendations.engine.irt import ItemBank, probability
from apps.recommendations.engine.sequences import ResponseLog


def _columns(params: Sequence[BktParams]) -> dict[str, FloatArray]:
    return {
        name: np.array([getattr(p, name) for p in params], dtype=np.float64)
        for name in ("prior", "learn", "guess", "slip", "forget")
    }


def simulate_bkt(
    *,
    params: Sequence[BktParams],
    n_learners: int,
    max_length: int,
    min_length: int | None = None,
    seed: int = 0,
) -> ResponseLog:
    """Every learner practises every skill for a length drawn from [min_length, max_length].

    Rows are ordered by step, then skill, then learner: a valid time order for each sequence.
    """
    rng = np.random.default_rng(seed)
    columns = _columns(params)
    n_skills = len(params)
    shape = (n_skills, n_learners)
    lengths = rng.integers(min_length or max_length, max_length + 1, size=shape)
    known = rng.random(shape) < columns["prior"][:, None]
    skills = np.broadcast_to(np.arange(n_skills)[:, None], shape)
    learners = np.broadcast_to(np.arange(n_learners)[None, :], shape)
    parts: list[tuple[IntArray, IntArray, BoolArray]] = []
    for step in range(max_length):
        p_correct = np.where(known, 1.0 - columns["slip"][:, None], columns["guess"][:, None])
        correct = rng.random(shape) < p_correct
        running = lengths > step
        parts.append((learners[running], skills[running], correct[running]))
        draw = rng.random(shape)
        known = np.where(
            known, draw >= columns["forget"][:, None], draw < columns["learn"][:, None]
        )
    return ResponseLog(
        learner=np.concatenate([part[0] for part in parts]).astype(np.int64),
        skill=np.concatenate([part[1] for part in parts]).astype(np.int64),
        correct=np.concatenate([part[2] for part in parts]),
        learner_names=tuple(f"learner{index}" for index in range(n_learners)),
        skill_names=tuple(f"skill{index}" for index in range(n_skills)),
    )


def simulate_irt_table(
    *, items: ItemBank, theta: FloatArray, seed: int = 0, missing_share: float = 0.0
) -> FloatArray:
    """persons x items 0/1 table; a share of cells is blanked to NaN at random."""
    rng = np.random.default_rng(seed)
    p = probability(theta[:, None], items.a, items.b, items.c)
    table = (rng.random(p.shape) < p).astype(np.float64)
    table[rng.random(p.shape) < missing_share] = np.nan
    return table


@dataclass(frozen=True, eq=False, slots=True)
class Course:
    items: ItemBank  # item.skill codes the skill of each item
    skill_params: tuple[BktParams, ...]


def make_course(*, n_skills: int, items_per_skill: int, seed: int = 0) -> Course:
    """Random but typical parameters: BKT in the ranges seen in tutoring data, 2PL items."""
    rng = np.random.default_rng(seed)
    skill_params = tuple(
        BktParams(
            prior=float(rng.uniform(0.1, 0.5)),
            learn=float(rng.uniform(0.05, 0.3)),
            guess=float(rng.uniform(0.1, 0.3)),
            slip=float(rng.uniform(0.05, 0.15)),
        )
        for _ in range(n_skills)
    )
    n_items = n_skills * items_per_skill
    items = ItemBank.from_arrays(
        a=rng.lognormal(0.0, 0.25, n_items),
        b=rng.normal(0.0, 1.0, n_items),
        skill=np.repeat(np.arange(n_skills), items_per_skill),
    )
    return Course(items=items, skill_params=skill_params)


@dataclass(frozen=True, eq=False, slots=True)
class SimulatedLog:
    """Time-ordered responses with the truth behind them."""

    learner: IntArray
    item: IntArray
    skill: IntArray
    correct: BoolArray
    seconds: FloatArray  # time of the answer since the start of the simulation
    known: BoolArray  # whether the skill was known when answering
    theta: FloatArray  # [learner] true ability

    def response_log(self) -> ResponseLog:
        n_learners, n_skills = len(self.theta), int(self.skill.max()) + 1
        return ResponseLog(
            learner=self.learner,
            skill=self.skill,
            correct=self.correct,
            learner_names=tuple(f"learner{index}" for index in range(n_learners)),
            skill_names=tuple(f"skill{index}" for index in range(n_skills)),
        )


def simulate_learners(
    *,
    course: Course,
    n_learners: int,
    responses_per_learner: int,
    ability_weight: float = 0.5,
    mean_gap_seconds: float = 120.0,
    seed: int = 0,
) -> SimulatedLog:
    rng = np.random.default_rng(seed)
    columns = _columns(course.skill_params)
    n_skills = len(course.skill_params)
    items = course.items
    item_order = np.argsort(items.skill, kind="stable")
    per_skill = np.bincount(items.skill, minlength=n_skills)
    first_item = np.cumsum(per_skill) - per_skill
    theta = rng.normal(0.0, 1.0, n_learners)
    known = rng.random((n_learners, n_skills)) < columns["prior"]
    learners = np.arange(n_learners)
    clock = np.zeros(n_learners)
    steps: list[tuple[IntArray, IntArray, BoolArray, FloatArray, BoolArray]] = []
    for _ in range(responses_per_learner):
        skill = rng.integers(0, n_skills, n_learners)
        item = item_order[first_item[skill] + rng.integers(0, per_skill[skill])]
        was_known = known[learners, skill]
        base = np.where(was_known, 1.0 - columns["slip"][skill], columns["guess"][skill])
        shift = ability_weight * items.a[item] * (theta - items.b[item])
        correct = rng.random(n_learners) < expit(logit(base) + shift)
        clock += rng.exponential(mean_gap_seconds, n_learners)
        steps.append((item, skill, correct, clock.copy(), was_known))
        draw = rng.random(n_learners)
        known[learners, skill] = np.where(
            was_known, draw >= columns["forget"][skill], draw < columns["learn"][skill]
        )
    seconds = np.concatenate([step[3] for step in steps])
    order = np.argsort(seconds, kind="stable")
    return SimulatedLog(
        learner=np.tile(learners, responses_per_learner)[order].astype(np.int64),
        item=np.concatenate([step[0] for step in steps])[order].astype(np.int64),
        skill=np.concatenate([step[1] for step in steps])[order].astype(np.int64),
        correct=np.concatenate([step[2] for step in steps])[order],
        seconds=seconds[order],
        known=np.concatenate([step[4] for step in steps])[order],
        theta=theta,
    )
