"""Computerised adaptive testing: item selection, ability update and stopping.

Selection: maximum Fisher information at the current estimate (Lord 1980), with
- randomesque exposure control (Kingsbury & Zara 1989): pick at random among the k most
  informative items, so the single best item is not shown to everyone at the same ability;
- content balancing (Kingsbury & Zara 1989): when target shares per skill are given, draw from
  the skill whose share of the test so far lags its target the most;
- an item already administered is never selected again.
Stopping: when the standard error falls below a threshold, at the maximum length, or when the
bank runs out. With the MLE, an all-right or all-wrong vector has no finite maximum; Dodd's
(1990) heuristic steps halfway to the hardest (easiest) item instead, as catsim does.

`select_next_item` and `next_ability` are the per-learner hot path; `select_items` does one
selection step for many examinees at once (simulations, benchmarks).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from apps.recommendations.engine.ability import (
    AbilityEstimate,
    ItemColumns,
    eap_for_columns,
    information_for_columns,
    mle_for_columns,
    standard_error_from_information,
)
from apps.recommendations.engine.arrays import BoolArray, FloatArray, IntArray, as_float_array
from apps.recommendations.engine.irt import ItemBank, fisher_information

StopReason = Literal["se_threshold", "max_length", "bank_exhausted"]
Estimator = Literal["eap", "mle"]


@dataclass(frozen=True, slots=True)
class CatConfig:
    max_items: int = 20
    se_target: float = 0.3
    min_items: int = 1
    randomesque_k: int = 1
    estimator: Estimator = "eap"
    # Target share of the test per skill code (sums to 1); None disables content balancing.
    skill_targets: tuple[float, ...] | None = None
    initial_theta: float = 0.0


def _balanced_skill_mask(
    items: ItemBank, available: BoolArray, counts: FloatArray, targets: FloatArray
) -> BoolArray:
    """Per examinee, keep only the items of the skill lagging its target share the most.

    `available` (examinees, items); `counts` (examinees, skills) administered per skill.
    """
    n_skills = len(targets)
    skill_of_item = items.skill
    has_items = np.zeros((available.shape[0], n_skills), dtype=np.bool_)
    for skill in range(n_skills):  # a handful of skills per test
        has_items[:, skill] = available[:, skill_of_item == skill].any(axis=1)
    administered = counts.sum(axis=1, keepdims=True)
    deficit = np.where(has_items, targets * (administered + 1.0) - counts, -np.inf)
    chosen = np.argmax(deficit, axis=1)
    mask: BoolArray = available & (skill_of_item[None, :] == chosen[:, None])
    return mask


def select_items(
    *,
    items: ItemBank,
    theta: FloatArray,
    available: BoolArray,
    rng: np.random.Generator,
    randomesque_k: int = 1,
    skill_targets: FloatArray | None = None,
    skill_counts: FloatArray | None = None,
) -> IntArray:
    """One selection step for many examinees: item index per row, -1 when none is left."""
    candidates = available
    if skill_targets is not None and skill_counts is not None:
        candidates = _balanced_skill_mask(items, available, skill_counts, skill_targets)
    information = fisher_information(theta[:, None], items.a, items.b, items.c)
    information = np.where(candidates, information, -np.inf)
    k = max(1, min(randomesque_k, items.size))
    if k == 1:
        chosen = np.argmax(information, axis=1)
    else:
        top = np.argpartition(-information, k - 1, axis=1)[:, :k]
        top_information = np.take_along_axis(information, top, axis=1)
        # Draw uniformly among the top k that are actually available.
        keys = np.where(np.isfinite(top_information), rng.random(top.shape), -1.0)
        chosen = top[np.arange(len(top)), np.argmax(keys, axis=1)]
    none_left = ~np.isfinite(information[np.arange(len(chosen)), chosen])
    return np.where(none_left, -1, chosen).astype(np.int64)


def select_next_item(
    *,
    items: ItemBank,
    theta: float,
    administered: Sequence[int] | IntArray,
    rng: np.random.Generator | None = None,
    randomesque_k: int = 1,
    skill_targets: Sequence[float] | None = None,
) -> int | None:
    """The next item for one learner, or None when every item has been administered."""
    available = np.ones((1, items.size), dtype=np.bool_)
    administered_items = np.asarray(administered, dtype=np.int64)
    available[0, administered_items] = False
    targets = counts = None
    if skill_targets is not None:
        targets = as_float_array(skill_targets)
        counts = np.bincount(items.skill[administered_items], minlength=len(targets)).astype(
            np.float64
        )[None, :]
    chosen = select_items(
        items=items,
        theta=np.array([theta]),
        available=available,
        rng=rng or np.random.default_rng(),
        randomesque_k=randomesque_k,
        skill_targets=targets,
        skill_counts=counts,
    )
    return None if chosen[0] < 0 else int(chosen[0])


def dodd_step(theta: FloatArray, items: ItemBank, all_correct: BoolArray) -> FloatArray:
    """Dodd (1990): halfway towards the hardest item if all right, the easiest if all wrong."""
    hardest, easiest = float(items.b.max()), float(items.b.min())
    result: FloatArray = np.where(
        all_correct, theta + (hardest - theta) / 2.0, theta - (theta - easiest) / 2.0
    )
    return result


def abilities_after_responses(
    *,
    items: ItemBank,
    administered: IntArray,
    responses: FloatArray,
    previous_theta: FloatArray,
    estimator: Estimator,
) -> tuple[FloatArray, FloatArray]:
    """theta and SE per examinee from (examinees, length) administered items and 0/1 answers.

    NaN in `responses` marks the positions not used yet.
    """
    safe_items = np.where(administered >= 0, administered, 0)
    columns = ItemColumns(a=items.a[safe_items], b=items.b[safe_items], c=items.c[safe_items])
    if estimator == "eap":
        estimates = eap_for_columns(responses, columns)
        return estimates.theta, estimates.standard_error
    estimates = mle_for_columns(responses, columns)
    answered = ~np.isnan(responses)
    right = (responses == 1.0).sum(axis=1)
    uniform = (right == 0) | (right == answered.sum(axis=1))
    theta = np.where(uniform, dodd_step(previous_theta, items, right > 0), estimates.theta)
    information = information_for_columns(theta, responses, columns)
    return theta, standard_error_from_information(information)


def next_ability(
    *,
    items: ItemBank,
    administered: Sequence[int] | IntArray,
    responses: Sequence[int] | npt.ArrayLike,
    previous_theta: float = 0.0,
    estimator: Estimator = "eap",
) -> AbilityEstimate:
    """theta and SE for one learner after the responses to the administered items so far."""
    administered_items = np.asarray(administered, dtype=np.int64)[None, :]
    answers = as_float_array(responses)[None, :]
    theta, standard_error = abilities_after_responses(
        items=items,
        administered=administered_items,
        responses=answers,
        previous_theta=np.array([previous_theta]),
        estimator=estimator,
    )
    return AbilityEstimate(
        theta=float(theta[0]),
        standard_error=float(standard_error[0]),
        response_count=int(administered_items.shape[1]),
        method=estimator,
    )


def stop_reason(
    *, standard_error: float, administered_count: int, bank_size: int, config: CatConfig
) -> StopReason | None:
    """Why the test should stop now, or None to go on."""
    if administered_count >= config.max_items:
        return "max_length"
    if administered_count >= bank_size:
        return "bank_exhausted"
    if administered_count >= config.min_items and standard_error < config.se_target:
        return "se_threshold"
    return None
