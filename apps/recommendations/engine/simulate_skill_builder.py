"""A response log shaped like a public skill-builder log (ASSISTments 2009 is the model).

What makes such a log unlike `simulate.simulate_bkt`'s even grid, and what the BKT fit has to
handle fast:

- skill sizes are Zipf-skewed: a few skills have tens of thousands of answers, most a few
  hundred;
- most (learner, skill) sequences are short: a problem set ends at three right answers in a
  row, so a learner who knows the skill stops after three or four answers;
- some learners are stuck (they do not learn and rarely guess right): long runs of wrong
  answers until they give up;
- learners come back to a skill for another problem set (big skills more often), so the
  sequences have a long tail.

Each skill follows BKT with forgetting (per-skill parameters in typical ranges); stuck
sequences break the model on purpose, as real logs do. Learners differ in how many skills they
practise (lognormal activity). Loops run over time steps; sequences are vectorised.
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import expit, logit

from apps.recommendations.engine.arrays import BoolArray, FloatArray, IntArray
from apps.recommendations.engine.sequences import ResponseLog

RIGHT_IN_A_ROW = 3  # a skill-builder problem set is done after three right answers in a row


@dataclass(frozen=True, slots=True)
class SkillBuilderShape:
    n_learners: int = 3361
    n_skills: int = 110
    n_answers: int = 408_000  # the target; the simulated count lands close to it
    zipf_exponent: float = 1.5  # skill size ~ (rank + zipf_offset) ** -zipf_exponent
    zipf_offset: float = 6.0
    mean_set_length: float = 7.9  # answers per problem set, used to plan the sequence counts
    stuck_share: float = 0.07  # sequences of a learner who cannot learn the skill
    stuck_give_up: float = 1 / 15  # per-answer chance that a stuck learner gives up
    give_up: float = 0.03  # the same for the others
    return_tail: float = 1.3  # Pareto index of the extra problem sets per sequence
    ability_spread: float = 0.8  # SD of a learner's ability on the logit scale
    max_length: int = 2000


def _skill_sizes(shape: SkillBuilderShape) -> FloatArray:
    weights = (np.arange(shape.n_skills) + shape.zipf_offset) ** -shape.zipf_exponent
    sizes: FloatArray = shape.n_answers * weights / weights.sum()
    return sizes


def _sequences(
    shape: SkillBuilderShape, rng: np.random.Generator
) -> tuple[IntArray, IntArray, IntArray]:
    """(learner, skill, problem sets) per sequence: distinct learners within a skill."""
    sizes = _skill_sizes(shape)
    activity = rng.lognormal(0.0, 1.0, shape.n_learners)
    activity /= activity.sum()
    learners, skills, sets = [], [], []
    for skill, size in enumerate(sizes.tolist()):
        wanted = max(20.0, size / shape.mean_set_length)
        count = int(min(wanted, 0.9 * shape.n_learners))
        learners.append(rng.choice(shape.n_learners, size=count, replace=False, p=activity))
        skills.append(np.full(count, skill))
        # Big skills reach their size through more problem sets per learner; a few learners
        # come back many times (a Pareto tail): the long sequences of real logs.
        # (numpy's Pareto is the Lomax form, mean 1 / (tail - 1): scaled to mean 1.)
        extra = max(wanted / count - 1.0, 0.0) + 0.3
        tail = np.minimum(rng.pareto(shape.return_tail, count), 200.0) * (shape.return_tail - 1)
        sets.append(1 + rng.poisson(extra * tail))
    return (
        np.concatenate(learners).astype(np.int64),
        np.concatenate(skills).astype(np.int64),
        np.concatenate(sets).astype(np.int64),
    )


def simulate_skill_builder(shape: SkillBuilderShape | None = None, *, seed: int = 0) -> ResponseLog:
    """Rows are ordered by step, then sequence: a valid time order for every sequence."""
    shape = shape or SkillBuilderShape()
    rng = np.random.default_rng(seed)
    n_skills = shape.n_skills
    prior = rng.uniform(0.3, 0.8, n_skills)
    learn = rng.uniform(0.08, 0.35, n_skills)
    guess = rng.uniform(0.15, 0.3, n_skills)
    slip = rng.uniform(0.05, 0.15, n_skills)
    forget = rng.uniform(0.0, 0.05, n_skills)
    learner, skill, sets_left = _sequences(shape, rng)
    n = len(learner)
    # Abler learners know more, learn faster and slip less: heterogeneity BKT does not model,
    # which (as in real logs) leaves EM a flatter likelihood to climb.
    ability = rng.normal(0.0, shape.ability_spread, shape.n_learners)[learner]
    stuck = rng.random(n) < shape.stuck_share
    known = ~stuck & (rng.random(n) < expit(logit(prior[skill]) + ability))
    streak = np.zeros(n, dtype=np.int64)
    # A stuck learner cannot learn and guesses rarely: long runs of wrong answers.
    seq_learn = np.where(stuck, 0.0, expit(logit(learn[skill]) + ability))
    seq_slip = expit(logit(slip[skill]) - 0.5 * ability)
    seq_guess = np.where(stuck, 0.3 * guess[skill], guess[skill])
    quit_hazard = np.where(stuck, shape.stuck_give_up, shape.give_up)
    running = np.ones(n, dtype=np.bool_)
    parts: list[tuple[IntArray, BoolArray]] = []
    for _ in range(shape.max_length):
        active = np.flatnonzero(running)
        if len(active) == 0:
            break
        p_right = np.where(known[active], 1.0 - seq_slip[active], seq_guess[active])
        right = rng.random(len(active)) < p_right
        parts.append((active, right))
        streak[active] = np.where(right, streak[active] + 1, 0)
        draw = rng.random(len(active))
        known[active] = np.where(
            known[active], draw >= forget[skill[active]], draw < seq_learn[active]
        )
        set_done = (streak[active] >= RIGHT_IN_A_ROW) | (
            rng.random(len(active)) < quit_hazard[active]
        )
        finished = active[set_done]
        sets_left[finished] -= 1
        streak[finished] = 0
        running[finished[sets_left[finished] <= 0]] = False
    rows = np.concatenate([part[0] for part in parts])
    return ResponseLog(
        learner=learner[rows],
        skill=skill[rows],
        correct=np.concatenate([part[1] for part in parts]),
        learner_names=tuple(f"learner{index}" for index in range(shape.n_learners)),
        skill_names=tuple(f"skill{index:03d}" for index in range(n_skills)),
    )
