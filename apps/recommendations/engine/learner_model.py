"""The combined next-answer model: a K-state HMM per skill under a logistic layer.

P(correct) for a learner's next answer on a skill = sigmoid(w0 + w . z + d_item), where z
holds the features of `learner_model_features` (the HMM's logit and state distribution, right
and wrong answers decayed per answer and in time, attempts, streaks, the gap since the last
answer, a (theta - b) when the caller knows it) and d_item is the item's fitted easiness.

Live use, per answer (O(K^2) and a few dozen floating-point operations):

    state = initial_state(params, skill="fractions")          # no answers yet
    p = predict(params, state, item="q17", at=now)            # before the answer is seen
    state = update(params, state, correct=True, at=now)       # store state.as_json()

Nightly: `fit_learner_model(answers)` refits, then `replay_learner_model(params, answers)`
rebuilds every (learner, skill) state from the log (states are tied to the parameters they
were filtered with: the HMM's states are relabelled by each fit). Unseen skills use the
pooled HMM and unseen items get d = 0; `LearnerModelReplay` says where that happened.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from apps.recommendations.engine.answer_log import AnswerLog
from apps.recommendations.engine.arrays import BoolArray, FloatArray, IntArray
from apps.recommendations.engine.hmm_skill import HmmParams
from apps.recommendations.engine.hmm_skill_fit import HmmFitOptions, fit_hmm_skills
from apps.recommendations.engine.learner_model_features import (
    FeatureState,
    SkillState,
    advance,
    feature_matrix,
    feature_names,
)
from apps.recommendations.engine.learner_model_logistic import (
    LogisticLayer,
    fit_logistic,
    log_loss,
)
from apps.recommendations.engine.sequences import pack_sequences, sequence_ids

__all__ = [
    "LearnerModelOptions",
    "LearnerModelParams",
    "LearnerModelReplay",
    "SkillState",
    "final_skill_states",
    "fit_learner_model",
    "initial_state",
    "predict",
    "replay_learner_model",
    "update",
]


@dataclass(frozen=True, slots=True)
class LearnerModelOptions:
    hmm: HmmFitOptions = field(default_factory=HmmFitOptions)
    # Ridge penalties on the item intercepts to choose from, on held-out training learners.
    item_penalties: tuple[float, ...] = (1.0, 3.0, 10.0, 30.0)
    weight_penalty: float = 1.0
    validation_share: float = 0.2
    seed: int = 0


@dataclass(frozen=True, eq=False, slots=True)
class LearnerModelParams:
    skill_names: tuple[str, ...]
    item_names: tuple[str, ...]
    hmm: HmmParams  # one group per skill name, then the pooled group
    layer: LogisticLayer
    uses_time: bool
    uses_irt: bool
    item_penalty: float
    skill_index: dict[str, int] = field(init=False, repr=False)
    item_index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.hmm.start.shape[0] != len(self.skill_names) + 1:
            raise ValueError("the HMM needs one group per skill plus the pooled group")
        if len(self.layer.item_effect) != len(self.item_names):
            raise ValueError("one item effect per item name is needed")
        expected = len(self.feature_names)
        if len(self.layer.weights) != expected:
            raise ValueError(f"the logistic layer needs {expected} weights")
        object.__setattr__(self, "skill_index", {n: i for i, n in enumerate(self.skill_names)})
        object.__setattr__(self, "item_index", {n: i for i, n in enumerate(self.item_names)})

    @property
    def feature_names(self) -> tuple[str, ...]:
        return feature_names(self.hmm.n_states, uses_time=self.uses_time, uses_irt=self.uses_irt)

    def skill_group(self, skill: str) -> int:
        return self.skill_index.get(skill, self.hmm.pooled_group)

    def item_code(self, item: str | None) -> int:
        return -1 if item is None else self.item_index.get(item, -1)


def _seconds(at: datetime | float | None) -> float:
    if at is None:
        return float("nan")
    if isinstance(at, datetime):
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("datetimes must be timezone-aware")
        return at.timestamp()
    return float(at)


def initial_state(params: LearnerModelParams, skill: str) -> SkillState:
    """The state of a learner who has not answered on `skill` yet."""
    start = params.hmm.start[params.skill_group(skill)][None, :]
    return SkillState.from_arrays(skill, FeatureState.initial(start))


def _checked(params: LearnerModelParams, state: SkillState) -> FeatureState:
    if len(state.hmm) != params.hmm.n_states:
        raise ValueError("the state was built for a model with a different number of states")
    return state.arrays()


def update(
    params: LearnerModelParams,
    state: SkillState,
    *,
    correct: bool,
    at: datetime | float | None = None,
) -> SkillState:
    """The state after one answer on the state's skill (at: aware datetime or seconds)."""
    group = params.skill_group(state.skill)
    new = advance(
        _checked(params, state),
        params.hmm.emission[group][None, :],
        params.hmm.transition[group][None, :, :],
        np.array([bool(correct)]),
        np.array([_seconds(at)]),
    )
    return SkillState.from_arrays(state.skill, new)


def predict(
    params: LearnerModelParams,
    state: SkillState,
    *,
    item: str | None = None,
    at: datetime | float | None = None,
    irt_shift: float | None = None,
) -> float:
    """P(correct) of the next answer; `irt_shift` is a (theta - b) (or theta - b) if known."""
    group = params.skill_group(state.skill)
    features = feature_matrix(
        _checked(params, state),
        params.hmm.emission[group][None, :],
        np.array([_seconds(at)]),
        np.array([0.0 if irt_shift is None else float(irt_shift)]),
        uses_time=params.uses_time,
        uses_irt=params.uses_irt,
    )
    return float(params.layer.probability(features, np.array([params.item_code(item)]))[0])


@dataclass(frozen=True, eq=False, slots=True)
class LearnerModelReplay:
    p_correct: FloatArray  # [row] before the row's answer
    skill_fitted: BoolArray  # [row] False: the pooled HMM served an unseen skill
    item_fitted: BoolArray  # [row] False: no item, or an item the fit never saw
    sequence_learner: IntArray  # [sequence] learner code of each (learner, skill) pair
    sequence_skill: IntArray  # [sequence] skill code
    final_state: FeatureState  # [sequence] after the pair's last answer


def _replay_features(
    hmm: HmmParams,
    answers: AnswerLog,
    group_of_skill: IntArray,
    irt_shift: FloatArray,
    *,
    uses_time: bool,
    uses_irt: bool,
) -> tuple[FloatArray, IntArray, IntArray, FeatureState]:
    """Features per row (before each answer), one loop over time steps for all sequences."""
    sequence_of_row, skill_of_sequence = sequence_ids(answers.learner, answers.skill)
    n_sequences = len(skill_of_sequence)
    packed = pack_sequences(sequence_of_row, n_sequences)
    group_of_rank = group_of_skill[skill_of_sequence[packed.sequence_of_rank]]
    emission, transition = hmm.emission[group_of_rank], hmm.transition[group_of_rank]
    state = FeatureState.initial(hmm.start[group_of_rank])
    correct, at = packed.to_packed(answers.correct), packed.to_packed(answers.seconds)
    shift = packed.to_packed(irt_shift)
    n_features = len(feature_names(hmm.n_states, uses_time=uses_time, uses_irt=uses_irt))
    features = np.empty((answers.size, n_features))
    for step in range(packed.n_steps):
        start, end = int(packed.offsets[step]), int(packed.offsets[step + 1])
        head = state.head(end - start)
        here = slice(start, end)
        features[here] = feature_matrix(
            head,
            emission[: end - start],
            at[here],
            shift[here],
            uses_time=uses_time,
            uses_irt=uses_irt,
        )
        state.assign_head(
            advance(
                head, emission[: end - start], transition[: end - start], correct[here], at[here]
            )
        )
    by_sequence = np.empty(n_sequences, dtype=np.int64)
    by_sequence[packed.sequence_of_rank] = np.arange(n_sequences)
    final = FeatureState(
        **{name: getattr(state, name)[by_sequence] for name in FeatureState.__slots__}
    )
    _, first_row = np.unique(sequence_of_row, return_index=True)
    return features[packed.packed_of_row], answers.learner[first_row], skill_of_sequence, final


def final_skill_states(
    replay: LearnerModelReplay, answers: AnswerLog
) -> list[tuple[str, str, SkillState]]:
    """(learner name, skill name, state after the last answer) per (learner, skill) pair of
    the replayed log: what the nightly rebuild stores. One Python step per pair."""
    return [
        (
            answers.learner_names[learner],
            answers.skill_names[skill],
            SkillState.from_arrays(answers.skill_names[skill], replay.final_state, index),
        )
        for index, (learner, skill) in enumerate(
            zip(replay.sequence_learner.tolist(), replay.sequence_skill.tolist(), strict=True)
        )
    ]


def _codes(names: tuple[str, ...], index: Mapping[str, int], missing: int) -> IntArray:
    return np.array([index.get(name, missing) for name in names], dtype=np.int64)


def replay_learner_model(
    params: LearnerModelParams, answers: AnswerLog, irt_shift: FloatArray | None = None
) -> LearnerModelReplay:
    """Every row's prediction from the rows before it on the same (learner, skill)."""
    group_of_skill = _codes(answers.skill_names, params.skill_index, params.hmm.pooled_group)
    item_of_code = _codes(answers.item_names, params.item_index, -1)
    shift = np.zeros(answers.size) if irt_shift is None else np.asarray(irt_shift, dtype=np.float64)
    features, learners, skills, final = _replay_features(
        params.hmm,
        answers,
        group_of_skill,
        shift,
        uses_time=params.uses_time,
        uses_irt=params.uses_irt,
    )
    item = np.append(item_of_code, -1)[answers.item]  # code -1 (no item) picks the appended -1
    return LearnerModelReplay(
        p_correct=params.layer.probability(features, item),
        skill_fitted=group_of_skill[answers.skill] != params.hmm.pooled_group,
        item_fitted=item >= 0,
        sequence_learner=learners,
        sequence_skill=skills,
        final_state=final,
    )


def fit_learner_model(
    answers: AnswerLog,
    options: LearnerModelOptions | None = None,
    irt_shift: FloatArray | None = None,
) -> LearnerModelParams:
    """The nightly refit: the HMM per skill, then the logistic layer over its features.

    The item penalty is chosen by log-loss on a share of the training learners held out from
    the layer's fit (the HMM is fitted once, on every training learner), then the layer is
    refitted on all of them.
    """
    options = options or LearnerModelOptions()
    n_skills = len(answers.skill_names)
    hmm = fit_hmm_skills(
        learner=answers.learner,
        skill=answers.skill,
        correct=answers.correct,
        n_skills=n_skills,
        options=options.hmm,
    ).params
    uses_time, uses_irt = answers.has_times, irt_shift is not None
    shift = np.zeros(answers.size) if irt_shift is None else np.asarray(irt_shift, dtype=np.float64)
    features, *_ = _replay_features(
        hmm, answers, np.arange(n_skills), shift, uses_time=uses_time, uses_irt=uses_irt
    )
    penalty, validation_layer = _choose_item_penalty(features, answers, options)
    layer = fit_logistic(
        features,
        answers.correct,
        answers.item,
        n_items=len(answers.item_names),
        item_penalty=penalty,
        weight_penalty=options.weight_penalty,
        warm_start=validation_layer,
    )
    return LearnerModelParams(
        skill_names=answers.skill_names,
        item_names=answers.item_names,
        hmm=hmm,
        layer=layer,
        uses_time=uses_time,
        uses_irt=uses_irt,
        item_penalty=penalty,
    )


def _choose_item_penalty(
    features: FloatArray, answers: AnswerLog, options: LearnerModelOptions
) -> tuple[float, LogisticLayer | None]:
    """The penalty with the lowest held-out log-loss, and the layer fitted with it."""
    candidates = options.item_penalties
    if len(candidates) == 1 or not answers.has_items:
        return candidates[0], None
    rng = np.random.default_rng(options.seed)
    held_learner = rng.random(len(answers.learner_names)) < options.validation_share
    held = held_learner[answers.learner]
    if held.all() or not held.any():
        return candidates[0], None
    losses, layers = [], []
    layer: LogisticLayer | None = None
    for penalty in candidates:
        layer = fit_logistic(
            features[~held],
            answers.correct[~held],
            answers.item[~held],
            n_items=len(answers.item_names),
            item_penalty=penalty,
            weight_penalty=options.weight_penalty,
            warm_start=layer,
        )
        p = layer.probability(features[held], answers.item[held])
        losses.append(log_loss(p, answers.correct[held]))
        layers.append(layer)
    best = int(np.argmin(losses))
    return candidates[best], layers[best]
