"""Quadrature rules for integrating over a standard normal ability distribution."""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from apps.recommendations.engine.arrays import FloatArray


@dataclass(frozen=True, eq=False, slots=True)
class Quadrature:
    """Points and weights (summing to 1) approximating N(0, 1)."""

    points: FloatArray
    weights: FloatArray

    @property
    def size(self) -> int:
        return len(self.points)


@lru_cache(maxsize=32)
def gauss_hermite(n_points: int = 21) -> Quadrature:
    """Gauss-Hermite rule for N(0, 1): theta = sqrt(2) x, weight = w / sqrt(pi).

    R's ltm integrates with this rule (21 points for its factor scores). Cached: the hot path
    estimates an ability per answer, and computing the nodes costs more than the estimate.
    The arrays are made read-only so no caller can change the shared rule.
    """
    nodes, weights = np.polynomial.hermite.hermgauss(n_points)
    points, normed = np.sqrt(2.0) * nodes, weights / np.sqrt(np.pi)
    points.flags.writeable = False
    normed.flags.writeable = False
    return Quadrature(points=points, weights=normed)


def equally_spaced(n_points: int = 61, limit: float = 6.0) -> Quadrature:
    """Equally spaced points on [-limit, limit] with normalised normal-density weights.

    R's mirt default for one dimension: 61 points on [-6, 6].
    """
    points = np.linspace(-limit, limit, n_points)
    density = np.exp(-0.5 * points**2)
    return Quadrature(points=points, weights=density / density.sum())
