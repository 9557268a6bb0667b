"""Simulated adaptive tests: many examinees with known abilities, one step for all at a time.

Each examinee's answer to item j is correct when P_j(true theta) >= u, with u uniform on [0, 1).
The uniforms are drawn as an (examinees, max_items) table from `default_rng(seed)`, row by row,
which for fixed-length tests is the order catsim's Simulator draws them in, so the two can be
run on the same examinees, bank and random numbers. Exposure control draws from its own stream.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from apps.recommendations.engine.arrays import FloatArray, IntArray, as_float_array
from apps.recommendations.engine.cat import CatConfig, abilities_after_responses, select_items
from apps.recommendations.engine.irt import ItemBank, probability


@dataclass(frozen=True, eq=False, slots=True)
class CatSimulation:
    true_theta: FloatArray
    theta: FloatArray  # final estimate per examinee
    standard_error: FloatArray
    test_length: IntArray
    administered: IntArray  # (examinees, max_items), -1 after the end of the test
    responses: FloatArray  # (examinees, max_items), NaN after the end of the test

    @property
    def bias(self) -> float:
        return float(np.mean(self.theta - self.true_theta))

    @property
    def rmse(self) -> float:
        return float(np.sqrt(np.mean((self.theta - self.true_theta) ** 2)))

    @property
    def mean_length(self) -> float:
        return float(np.mean(self.test_length))


def simulate_cat(
    *,
    items: ItemBank,
    true_theta: npt.ArrayLike,
    config: CatConfig,
    seed: int = 0,
) -> CatSimulation:
    truth = as_float_array(true_theta)
    n_examinees, max_items = len(truth), config.max_items
    uniforms = np.random.default_rng(seed).uniform(size=(n_examinees, max_items))
    exposure_rng = np.random.default_rng(seed + 1)
    targets = None if config.skill_targets is None else as_float_array(config.skill_targets)
    n_skills = 0 if targets is None else len(targets)
    counts = np.zeros((n_examinees, max(n_skills, 1)))
    theta = np.full(n_examinees, config.initial_theta)
    standard_error = np.full(n_examinees, np.inf)
    administered = np.full((n_examinees, max_items), -1, dtype=np.int64)
    responses = np.full((n_examinees, max_items), np.nan)
    available = np.ones((n_examinees, items.size), dtype=np.bool_)
    active = np.ones(n_examinees, dtype=np.bool_)
    lengths = np.zeros(n_examinees, dtype=np.int64)
    for step in range(max_items):
        # The same checks as `cat.stop_reason`, for every examinee at once.
        precise = (step >= config.min_items) & (standard_error < config.se_target)
        active &= ~precise & (step < items.size)
        rows = np.flatnonzero(active)
        if len(rows) == 0:
            break
        chosen = select_items(
            items=items,
            theta=theta[rows],
            available=available[rows],
            rng=exposure_rng,
            randomesque_k=config.randomesque_k,
            skill_targets=targets,
            skill_counts=counts[rows] if targets is not None else None,
        )
        rows, chosen = rows[chosen >= 0], chosen[chosen >= 0]
        active[:] = False
        active[rows] = True
        p = probability(truth[rows], items.a[chosen], items.b[chosen], items.c[chosen])
        administered[rows, step] = chosen
        responses[rows, step] = (p >= uniforms[rows, step]).astype(np.float64)
        available[rows, chosen] = False
        if targets is not None:
            counts[rows, items.skill[chosen]] += 1.0
        lengths[rows] += 1
        theta[rows], standard_error[rows] = abilities_after_responses(
            items=items,
            administered=administered[rows, : step + 1],
            responses=responses[rows, : step + 1],
            previous_theta=theta[rows],
            estimator=config.estimator,
        )
    return CatSimulation(
        true_theta=truth,
        theta=theta,
        standard_error=standard_error,
        test_length=lengths,
        administered=administered,
        responses=responses,
    )
