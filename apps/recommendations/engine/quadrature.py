"""Quadrature rules for integrating over a standard normal ability distribution."""

from dataclasses import dataclass

import numpy as np

from .arrays import FloatArray


@dataclass(frozen=True, eq=False, slots=True)
class Quadrature:
    """Points and weights (summing to 1) approximating N(0, 1)."""

    points: FloatArray
    weights: FloatArray

    @property
    def size(self) -> int:
        return len(self.points)


def gauss_hermite(n_points: int = 21) -> Quadrature:
    """Gauss-Hermite rule for N(0, 1): theta = sqrt(2) x, weight = w / sqrt(pi).

    R's ltm integrates with this rule (21 points for its factor scores).
    """
    nodes, weights = np.polynomial.hermite.hermgauss(n_points)
    return Quadrature(points=np.sqrt(2.0) * nodes, weights=weights / np.sqrt(np.pi))


def equally_spaced(n_points: int = 61, limit: float = 6.0) -> Quadrature:
    """Equally spaced points on [-limit, limit] with normalised normal-density weights.

    R's mirt default for one dimension: 61 points on [-6, 6].
    """
    points = np.linspace(-limit, limit, n_points)
    density = np.exp(-0.5 * points**2)
    return Quadrature(points=points, weights=density / density.sum())
