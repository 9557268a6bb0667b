"""Array type aliases shared by the engine modules."""

from typing import TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

# Probabilities are kept this far from 0 and 1 so that logs and ratios stay finite.
PROBABILITY_FLOOR = 1e-12


def as_float_array(values: npt.ArrayLike) -> FloatArray:
    """Return `values` as a float64 array (no copy when it already is one)."""
    return np.asarray(values, dtype=np.float64)


def as_int_array(values: npt.ArrayLike) -> IntArray:
    """Return `values` as an int64 array (no copy when it already is one)."""
    return np.asarray(values, dtype=np.int64)
