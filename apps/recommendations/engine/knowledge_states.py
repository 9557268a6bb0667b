"""Knowledge-space assessment over a course's prerequisite graph (the placement test).

Knowledge space theory (Doignon & Falmagne, Knowledge Spaces, 1999): what a learner knows is a
knowledge state, a set of skills closed under prerequisites (a down-set of the skill DAG; a
learner who knows a skill knows what it builds on). The states of a course form its knowledge
structure. The ALEKS assessment (Falmagne, Cosyn, Doignon & Thiery 2006, "The assessment of
knowledge, in theory and in practice") keeps a probability over every state, updates it by
Bayes after each answer with a careless-error (slip) and a lucky-guess probability per item,
and asks the question most informative about the state. Evidence on a skill is then evidence
on its prerequisites (and a wrong answer on a prerequisite is evidence against what builds on
it) without any extra rule: both follow from which states survive.

A course of 22 skills has a few hundred to a few thousand states, so inference is exact: the
posterior is a vector over all states and every step is a matrix product. Enumeration stops
with ``KnowledgeStructureTooLarge`` as soon as a graph has more than ``max_states`` states
(wide, shallow graphs grow like 2^skills); the caller then falls back to the IRT CAT.

Response model for an item needing skill set S: P(correct | K) = 1 - slip if S is in K, else
guess. Item selection maximises the mutual information between the next answer and the state
(the expected reduction of the state entropy), randomesque among the top k. The prior keeps a
share on the empty state; crediting asks for a high marginal and direct support, and on
``robust_marginals`` no single lucky answer can tip a skill. Placement: ``select_next_item``
until ``stop_reason`` on the robust marginals, then ``credited_skills`` on them.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np
import numpy.typing as npt

from apps.recommendations.engine.arrays import (
    PROBABILITY_FLOOR,
    BoolArray,
    FloatArray,
    IntArray,
    as_float_array,
    as_int_array,
)

SkillId = TypeVar("SkillId", bound=Hashable)
StopReason = Literal["settled", "max_length", "bank_exhausted"]

DEFAULT_MAX_STATES = 100_000
# Share of the prior on the empty state (see state_prior). Without it 4-9% of simulated
# guessers were credited with the root skill; with 0.2, 1 in 2,000 on plain marginals and none
# on robust ones, for about 1 point less recognition after 15 items than 0.05.
DEFAULT_NOVICE_WEIGHT = 0.2


class KnowledgeStructureTooLarge(ValueError):
    """The graph has more knowledge states than the cap: use the IRT CAT instead."""

    def __init__(self, max_states: int) -> None:
        super().__init__(f"the prerequisite graph has more than {max_states} knowledge states")
        self.max_states = max_states


def _enumerate_down_sets(prerequisites: Sequence[Sequence[int]], max_states: int) -> BoolArray:
    """Every prerequisite-closed skill set, one row each, skills in topological order.

    Adding skills one at a time in topological order, each down-set of the first j skills either
    leaves skill j out or, when it holds all of j's prerequisites, also takes it in. The count
    never falls from one step to the next, so exceeding the cap at any step means the final
    structure would too: memory stays within max_states rows.
    """
    states = np.zeros((1, len(prerequisites)), dtype=np.bool_)  # the empty state
    for skill, required in enumerate(prerequisites):
        extendable = states[:, list(required)].all(axis=1)
        if len(states) + int(extendable.sum()) > max_states:
            raise KnowledgeStructureTooLarge(max_states)
        grown = states[extendable]
        grown[:, skill] = True
        states = np.concatenate([states, grown])
    return states


def _ancestor_matrix(prerequisites: Sequence[Sequence[int]]) -> BoolArray:
    """(skills, skills): row j marks j itself and everything j builds on, transitively."""
    n = len(prerequisites)
    ancestors = np.eye(n, dtype=np.bool_)
    for skill, required in enumerate(prerequisites):  # prerequisites come first
        for prerequisite in required:
            ancestors[skill] |= ancestors[prerequisite]
    return ancestors


@dataclass(frozen=True, slots=True)
class KnowledgeStructure:
    """The knowledge states of a course: ``states[k, j]`` is True when state k holds skill j.

    Columns follow ``skill_ids`` (topological order); ``ancestors[j, i]`` is True when skill j
    is skill i or (transitively) requires it.
    """

    skill_ids: tuple[Hashable, ...]
    prerequisites: tuple[tuple[int, ...], ...]
    states: BoolArray
    ancestors: BoolArray

    @classmethod
    def from_graph(
        cls,
        skill_ids: Sequence[SkillId],
        prerequisites: Mapping[SkillId, Iterable[SkillId]],
        *,
        max_states: int = DEFAULT_MAX_STATES,
    ) -> "KnowledgeStructure":
        """Enumerate the states of a DAG given prerequisites first.

        Raises ``KnowledgeStructureTooLarge`` beyond ``max_states`` states, ``ValueError`` when
        a prerequisite is unknown or comes after the skill needing it (a cycle, or not
        topological order).
        """
        column = {skill: j for j, skill in enumerate(skill_ids)}
        if len(column) != len(skill_ids):
            raise ValueError("skill ids must be unique")
        columns: list[tuple[int, ...]] = []
        for j, skill in enumerate(skill_ids):
            required = tuple(column.get(p, -1) for p in prerequisites.get(skill, ()))
            if any(not 0 <= p < j for p in required):
                raise ValueError(f"skill {skill!r}: prerequisites must be listed before it")
            columns.append(tuple(sorted(set(required))))
        return cls(
            skill_ids=tuple(skill_ids),
            prerequisites=tuple(columns),
            states=_enumerate_down_sets(columns, max_states),
            ancestors=_ancestor_matrix(columns),
        )

    @property
    def n_states(self) -> int:
        return int(self.states.shape[0])

    @property
    def n_skills(self) -> int:
        return int(self.states.shape[1])

    def columns(self, skill_ids: Iterable[Hashable]) -> tuple[int, ...]:
        """Column indices of the given skill ids (KeyError for an unknown id)."""
        index = {skill: j for j, skill in enumerate(self.skill_ids)}
        return tuple(index[skill] for skill in skill_ids)


def _clip_probability(values: npt.ArrayLike) -> FloatArray:
    return np.clip(as_float_array(values), PROBABILITY_FLOOR, 1.0 - PROBABILITY_FLOOR)


def _normalise_log(log_weights: FloatArray) -> FloatArray:
    """exp and normalise along the last axis, shifting by the maximum so nothing underflows."""
    shifted = np.exp(log_weights - log_weights.max(axis=-1, keepdims=True))
    result: FloatArray = shifted / shifted.sum(axis=-1, keepdims=True)
    return result


def state_prior(
    structure: KnowledgeStructure,
    p_known: npt.ArrayLike | None = None,
    *,
    novice_weight: float = DEFAULT_NOVICE_WEIGHT,
) -> FloatArray:
    """(states,) prior: independent Bernoulli(p_known[j]) per skill restricted to the states,
    mixed with ``novice_weight`` on the empty state.

    p_known = 0.5 (the default) is uniform over the states. Alone that is a bad placement prior:
    nearly every state of the demo course holds its root skill (853 of 857), so the root starts
    at P = 0.995 and one lucky answer anywhere credits it. The novice share says that some
    learners taking a placement know nothing of the course, so a guesser's answers are
    explained by the empty state until the evidence says otherwise.
    """
    if not 0.0 <= novice_weight < 1.0:
        raise ValueError("novice_weight must be in [0, 1)")
    p = _clip_probability(0.5 if p_known is None else p_known) * np.ones(structure.n_skills)
    held = structure.states.astype(np.float64)
    product = _normalise_log(held @ np.log(p) + (1.0 - held) @ np.log1p(-p))
    empty = ~structure.states.any(axis=1)
    result: FloatArray = (1.0 - novice_weight) * product + novice_weight * empty
    return result


@dataclass(frozen=True, slots=True)
class ResponseModel:
    """Items against states: ``coverage[i, k]`` is 1.0 when state k holds every skill item i
    needs (``required[i]``), then P(correct) = 1 - slip[i], else guess[i].

    Memory is items x states float64 (267 x 857: 1.8 MB for the demo course).
    """

    required: BoolArray
    coverage: FloatArray
    guess: FloatArray
    slip: FloatArray

    @classmethod
    def build(
        cls,
        structure: KnowledgeStructure,
        item_skills: Sequence[Sequence[int]],
        *,
        guess: npt.ArrayLike,
        slip: npt.ArrayLike,
    ) -> "ResponseModel":
        """Items by the skill columns they need, with guess and slip per item (or scalars).

        Guess and slip must be in (0, 1) with guess + slip < 1: a correct answer is then always
        evidence for the item's skills, and no single answer rules a state out for good.
        """
        n_items = len(item_skills)
        guess_values = np.broadcast_to(as_float_array(guess), (n_items,)).copy()
        slip_values = np.broadcast_to(as_float_array(slip), (n_items,)).copy()
        valid = (guess_values > 0) & (slip_values > 0) & (guess_values + slip_values < 1)
        if not np.all(valid):
            raise ValueError("guess and slip must be positive with guess + slip < 1")
        required = np.zeros((n_items, structure.n_skills), dtype=np.bool_)
        for item, skills in enumerate(item_skills):  # once per course snapshot
            required[item, list(skills)] = True
        missing = required.astype(np.float64) @ (~structure.states).astype(np.float64).T
        return cls(
            required=required,
            coverage=(missing == 0).astype(np.float64),
            guess=guess_values,
            slip=slip_values,
        )

    @property
    def n_items(self) -> int:
        return int(self.coverage.shape[0])


def response_log_likelihood(
    model: ResponseModel, items: npt.ArrayLike, correct: npt.ArrayLike
) -> FloatArray:
    """(responses, states): log P(answer | state) of each (item, correct) pair."""
    item_index = as_int_array(items)
    right = np.asarray(correct, dtype=np.bool_)
    p_correct = np.where(
        model.coverage[item_index] > 0.5,
        1.0 - model.slip[item_index, None],
        model.guess[item_index, None],
    )
    result: FloatArray = np.log(np.where(right[:, None], p_correct, 1.0 - p_correct))
    return result


def posterior_from_responses(
    prior: FloatArray, model: ResponseModel, items: npt.ArrayLike, correct: npt.ArrayLike
) -> FloatArray:
    """(states,) posterior after a whole attempt, summed in log space (order does not matter:
    the state does not change during a placement test)."""
    log_weights = np.log(np.maximum(prior, np.finfo(np.float64).tiny))
    log_weights = log_weights + response_log_likelihood(model, items, correct).sum(axis=0)
    return _normalise_log(log_weights)


def update_posteriors(
    posteriors: FloatArray, model: ResponseModel, items: npt.ArrayLike, correct: npt.ArrayLike
) -> FloatArray:
    """(learners, states) after one answer each: ``items[l]`` answered ``correct[l]``."""
    log_weights = np.log(np.maximum(posteriors, np.finfo(np.float64).tiny))
    return _normalise_log(log_weights + response_log_likelihood(model, items, correct))


def skill_marginals(structure: KnowledgeStructure, posterior: FloatArray) -> FloatArray:
    """P(skill known) per skill, (skills,) or (learners, skills): the posterior mass of the
    states holding it. A prerequisite's marginal is never below that of what builds on it."""
    result: FloatArray = np.clip(posterior @ structure.states.astype(np.float64), 0.0, 1.0)
    return result


def robust_marginals(
    structure: KnowledgeStructure,
    prior: FloatArray,
    model: ResponseModel,
    items: npt.ArrayLike,
    correct: npt.ArrayLike,
) -> FloatArray:
    """(skills,): per skill, the lowest marginal over the attempt and over the attempt with any
    one correct answer left out.

    For a skill the learner does not know, every correct answer on it or on what builds on it
    is a lucky guess. Crediting on these marginals means no single such answer can tip a skill
    over the threshold, so a false credit needs one lucky guess more than the posterior alone
    would. Still a knowledge state's marginals: the minimum of marginals that never rise along
    the graph never rises either.
    """
    item_index = as_int_array(items)
    right = np.asarray(correct, dtype=np.bool_)
    log_likelihood = response_log_likelihood(model, item_index, right)
    log_weights = np.log(np.maximum(prior, np.finfo(np.float64).tiny)) + log_likelihood.sum(axis=0)
    # Leaving answer r out subtracts its row: one posterior per correct answer, all at once.
    candidates = np.vstack([log_weights, log_weights - log_likelihood[right]])
    marginals = skill_marginals(structure, _normalise_log(candidates))
    result: FloatArray = marginals.min(axis=0)
    return result


def _binary_entropy(p: FloatArray) -> FloatArray:
    q = np.clip(p, PROBABILITY_FLOOR, 1.0 - PROBABILITY_FLOOR)
    result: FloatArray = -(q * np.log2(q) + (1.0 - q) * np.log2(1.0 - q))
    return result


def expected_information_gain(posteriors: FloatArray, model: ResponseModel) -> FloatArray:
    """Bits of information the next answer on each item gives about the state.

    The mutual information H(answer) - H(answer | state), which equals the expected drop in the
    state entropy. Given the state the answer is Bernoulli(1 - slip) or Bernoulli(guess), so
    only P(the state covers the item) is needed: (learners, items) from one matrix product.
    """
    covered = np.clip(posteriors @ model.coverage.T, 0.0, 1.0)
    p_correct = model.guess + (1.0 - model.slip - model.guess) * covered
    conditional = covered * _binary_entropy(1.0 - model.slip) + (1.0 - covered) * (
        _binary_entropy(model.guess)
    )
    result: FloatArray = _binary_entropy(p_correct) - conditional
    return result


def select_items(
    posteriors: FloatArray,
    model: ResponseModel,
    available: BoolArray,
    rng: np.random.Generator,
    *,
    randomesque_k: int = 1,
) -> IntArray:
    """One selection step for many learners: item index per row, -1 when none is left.

    Randomesque (Kingsbury & Zara 1989): uniformly among the k most informative available
    items, so the same learner pattern does not always see the same item.
    """
    gain = np.where(available, expected_information_gain(posteriors, model), -np.inf)
    k = max(1, min(randomesque_k, model.n_items))
    top = np.argpartition(-gain, k - 1, axis=1)[:, :k]
    top_gain = np.take_along_axis(gain, top, axis=1)
    keys = np.where(np.isfinite(top_gain), rng.random(top.shape), -1.0)
    chosen = top[np.arange(len(top)), np.argmax(keys, axis=1)]
    none_left = ~np.isfinite(gain[np.arange(len(chosen)), chosen])
    return np.where(none_left, -1, chosen).astype(np.int64)


def select_next_item(
    posterior: FloatArray,
    model: ResponseModel,
    administered: Iterable[int],
    *,
    rng: np.random.Generator | None = None,
    randomesque_k: int = 1,
) -> int | None:
    """The next item for one learner, or None when every item has been administered."""
    available = np.ones((1, model.n_items), dtype=np.bool_)
    available[0, list(administered)] = False
    chosen = select_items(
        posterior[None, :],
        model,
        available,
        rng or np.random.default_rng(),
        randomesque_k=randomesque_k,
    )
    return None if chosen[0] < 0 else int(chosen[0])


def stop_reason(
    marginals: FloatArray,
    n_answered: int,
    *,
    max_items: int,
    low: float = 0.05,
    high: float = 0.95,
    min_items: int = 1,
    items_left: bool = True,
) -> StopReason | None:
    """Why the test should stop now, or None to go on.

    Settled: every skill's marginal at or below ``low`` or at or above ``high`` (after
    ``min_items``), so one more answer is unlikely to change any display.
    """
    if n_answered >= max_items:
        return "max_length"
    if not items_left:
        return "bank_exhausted"
    settled = bool(np.all((marginals <= low) | (marginals >= high)))
    if n_answered >= min_items and settled:
        return "settled"
    return None


def supported_skills(
    structure: KnowledgeStructure,
    model: ResponseModel,
    items: npt.ArrayLike,
    correct: npt.ArrayLike,
) -> BoolArray:
    """(skills,): skills with direct support, a correct answer on an item needing the skill or
    a skill that (transitively) requires it."""
    right_items = as_int_array(items)[np.asarray(correct, dtype=np.bool_)]
    needed: BoolArray = np.any(model.required[right_items], axis=0)
    result: BoolArray = np.any(structure.ancestors & needed[:, None], axis=0)
    return result


def credited_skills(
    structure: KnowledgeStructure,
    model: ResponseModel,
    marginals: FloatArray,
    items: npt.ArrayLike,
    correct: npt.ArrayLike,
    *,
    threshold: float = 0.95,
) -> BoolArray:
    """(skills,): the skills a placement may credit as known.

    A skill qualifies with marginal >= threshold AND direct support (``supported_skills``):
    the prior and the graph alone never credit anything, so a learner who gets nothing right
    is credited with nothing. A skill is credited when it and everything it builds on qualify,
    so the credited set is itself a knowledge state and displays agree with the graph. With
    exact marginals from one posterior this drops nothing (a prerequisite's marginal and support
    are at least its dependent's); it guards marginals that come from elsewhere.
    """
    qualifies = (marginals >= threshold) & supported_skills(structure, model, items, correct)
    result: BoolArray = ~np.any(structure.ancestors & ~qualifies[None, :], axis=1)
    return result
