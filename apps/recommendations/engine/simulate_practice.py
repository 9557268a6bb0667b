"""A realistic practice log for the next-answer predictors: a K-state HMM per skill, items of
varying difficulty, timestamps, forgetting over long gaps, stuck learners, and skill-builder
stopping (a run on a skill ends after a streak of right answers, as in ASSISTments).

The answer to item j in state k is correct with probability sigmoid(logit(e_k) - b_j). Between
two answers the state moves by the skill's transition matrix; across a long gap (a new
session), a learner in a state above the lowest non-stuck one also falls one state with
probability 1 - exp(-gap / forget_days). Rows come out ordered by learner, then skill, then
time, the order many public files use. All loops run over time steps.
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import expit, logit

from apps.recommendations.engine.arrays import BoolArray, FloatArray, IntArray
from apps.recommendations.engine.hmm_skill import HmmParams

DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class PracticeSettings:
    n_learners: int = 1000
    skills_per_learner: int = 6
    items_per_skill: int = 40
    item_sd: float = 0.8  # spread of item difficulty b on the logit scale
    median_length: float = 12.0  # median of the drawn run length on a skill
    max_length: int = 200
    stop_after_streak: int | None = 3  # None: no mastery stopping
    session_break: float = 0.1  # probability that the next answer starts a new session
    break_days: float = 3.0  # mean gap between sessions
    answer_seconds: float = 40.0  # mean gap within a session
    forget_days: float = 5.0


@dataclass(frozen=True, eq=False, slots=True)
class SimulatedPractice:
    learner: IntArray
    skill: IntArray
    item: IntArray
    correct: BoolArray
    seconds: FloatArray  # since the start of the simulation
    state: IntArray  # true HMM state when answering
    truth: HmmParams  # per skill (no pooled group)
    item_difficulty: FloatArray  # [item]
    item_skill: IntArray  # [item]

    @property
    def size(self) -> int:
        return len(self.correct)

    def rows(self, mask: BoolArray) -> "SimulatedPractice":
        """The rows where `mask` holds (e.g. a set of learners), in the same order."""
        return SimulatedPractice(
            learner=self.learner[mask],
            skill=self.skill[mask],
            item=self.item[mask],
            correct=self.correct[mask],
            seconds=self.seconds[mask],
            state=self.state[mask],
            truth=self.truth,
            item_difficulty=self.item_difficulty,
            item_skill=self.item_skill,
        )


def stuck_truth(n_skills: int, seed: int = 0) -> HmmParams:
    """4 states per skill: stuck (P(correct) < 0.1, sticky), not known, partly known, known;
    learning moves up one state, forgetting down one, a few unknown learners get stuck."""
    rng = np.random.default_rng(seed)
    emission = np.column_stack(
        [
            rng.uniform(0.02, 0.08, n_skills),
            rng.uniform(0.2, 0.35, n_skills),
            rng.uniform(0.55, 0.7, n_skills),
            rng.uniform(0.88, 0.96, n_skills),
        ]
    )
    start = rng.dirichlet([1.5, 4.0, 2.0, 2.5], n_skills)
    transition = np.zeros((n_skills, 4, 4))
    learn = rng.uniform(0.1, 0.3, n_skills)
    master = rng.uniform(0.15, 0.35, n_skills)
    forget = rng.uniform(0.02, 0.08, n_skills)
    transition[:, 0, 1] = rng.uniform(0.02, 0.06, n_skills)  # unstuck
    transition[:, 1, 0] = rng.uniform(0.02, 0.06, n_skills)  # get stuck
    transition[:, 1, 2] = learn
    transition[:, 2, 3] = master
    transition[:, 2, 1] = forget
    transition[:, 3, 2] = forget
    for state in range(4):
        transition[:, state, state] = 1.0 - transition[:, state].sum(axis=1)
    return HmmParams(start=start, transition=transition, emission=emission)


def _lengths(rng: np.random.Generator, count: int, settings: PracticeSettings) -> IntArray:
    drawn = rng.lognormal(np.log(settings.median_length), 0.9, count)
    return np.clip(np.round(drawn), 1, settings.max_length).astype(np.int64)


def _draw_state(rng: np.random.Generator, probabilities: FloatArray) -> IntArray:
    cumulative = np.cumsum(probabilities, axis=1)
    draws = rng.random(len(probabilities))[:, None]
    state: IntArray = np.minimum((draws > cumulative).sum(axis=1), probabilities.shape[1] - 1)
    return state.astype(np.int64)


def simulate_practice(
    truth: HmmParams, settings: PracticeSettings | None = None, *, seed: int = 0
) -> SimulatedPractice:
    settings = settings or PracticeSettings()
    rng = np.random.default_rng(seed)
    n_skills = truth.start.shape[0]
    n_items = n_skills * settings.items_per_skill
    difficulty = rng.normal(0.0, settings.item_sd, n_items)
    item_skill = np.repeat(np.arange(n_skills), settings.items_per_skill)
    per_learner = min(settings.skills_per_learner, n_skills)
    skills = np.argsort(rng.random((settings.n_learners, n_skills)), axis=1)[:, :per_learner]
    seq_skill = np.sort(skills, axis=1).ravel()
    seq_learner = np.repeat(np.arange(settings.n_learners), per_learner)
    n_sequences = len(seq_skill)
    lengths = _lengths(rng, n_sequences, settings)
    state = _draw_state(rng, truth.start[seq_skill])
    clock = rng.uniform(0.0, 30 * DAY, n_sequences)
    running = np.ones(n_sequences, dtype=np.bool_)
    streak = np.zeros(n_sequences, dtype=np.int64)
    columns: list[tuple[IntArray, IntArray, BoolArray, FloatArray, IntArray, IntArray]] = []
    for step in range(int(lengths.max())):
        running &= lengths > step
        if not running.any():
            break
        item = seq_skill * settings.items_per_skill + rng.integers(
            0, settings.items_per_skill, n_sequences
        )
        p = expit(logit(truth.emission[seq_skill, state]) - difficulty[item])
        correct = rng.random(n_sequences) < p
        index = np.flatnonzero(running)
        columns.append(
            (
                index,
                item[index],
                correct[index],
                clock[index],
                state[index],
                np.full(len(index), step),
            )
        )
        streak = np.where(correct, streak + 1, 0)
        if settings.stop_after_streak is not None:
            running &= streak < settings.stop_after_streak
        state = _draw_state(rng, truth.transition[seq_skill, state])
        new_session = rng.random(n_sequences) < settings.session_break
        gap = np.where(
            new_session,
            rng.exponential(settings.break_days * DAY, n_sequences),
            rng.exponential(settings.answer_seconds, n_sequences),
        )
        clock += gap
        forgets = rng.random(n_sequences) < 1.0 - np.exp(-gap / (settings.forget_days * DAY))
        state = np.where(forgets & (state >= 2), state - 1, state)
    sequence = np.concatenate([column[0] for column in columns])
    step_of_row = np.concatenate([column[5] for column in columns])
    order = np.lexsort((step_of_row, sequence))
    return SimulatedPractice(
        learner=seq_learner[sequence][order].astype(np.int64),
        skill=seq_skill[sequence][order].astype(np.int64),
        item=np.concatenate([column[1] for column in columns])[order].astype(np.int64),
        correct=np.concatenate([column[2] for column in columns])[order],
        seconds=np.concatenate([column[3] for column in columns])[order],
        state=np.concatenate([column[4] for column in columns])[order].astype(np.int64),
        truth=truth,
        item_difficulty=difficulty,
        item_skill=item_skill,
    )
