"""2PL calibration by marginal maximum likelihood on 5000 examinees x 40 items.

This engine (Bock-Aitkin EM, 61 points on [-6, 6], vectorised Fisher-scoring M-step) against
girth's `twopl_mml` on the same simulated table. Both solutions are scored with the same
marginal log-likelihood (61-point grid) and against the generating parameters.

    python bench/engine_irt.py [--persons 5000] [--items 40]
"""

import argparse
import os
import sys
import time
from pathlib import Path

# Small matrix products run faster on one BLAS thread than on two contending threads of a
# shared 2-core machine; set before numpy loads. (pyBKT's OpenMP threads are not affected.)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apps.recommendations.engine.irt import ItemBank
from apps.recommendations.engine.irt_calibrate import (
    calibrate_irt,
    marginal_log_likelihood,
)
from apps.recommendations.engine.simulate import simulate_irt_table


def rmse(estimate: np.ndarray, truth: np.ndarray) -> float:
    return float(np.sqrt(np.mean((estimate - truth) ** 2)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=5000)
    parser.add_argument("--items", type=int, default=40)
    args = parser.parse_args()
    rng = np.random.default_rng(2024)
    items = ItemBank.from_arrays(
        a=rng.lognormal(0.0, 0.3, args.items), b=rng.normal(0.0, 1.0, args.items)
    )
    table = simulate_irt_table(items=items, theta=rng.normal(size=args.persons), seed=1)

    started = time.perf_counter()
    result = calibrate_irt(table)
    ours_seconds = time.perf_counter() - started
    print(f"{args.persons} x {args.items}, 2PL")
    print(
        f"ours : {ours_seconds:7.2f} s, {result.iterations} EM cycles, "
        f"LL {result.log_likelihood:.3f}, RMSE a {rmse(result.items.a, items.a):.4f}, "
        f"b {rmse(result.items.b, items.b):.4f}"
    )
    try:
        from girth import twopl_mml
    except ImportError:
        print("girth: not installed (see requirements-ref.txt); no baseline ratio")
        return
    started = time.perf_counter()
    reference = twopl_mml(table.T.astype(int))
    girth_seconds = time.perf_counter() - started
    a, b = reference["Discrimination"], reference["Difficulty"]
    girth_ll = marginal_log_likelihood(table, a=a, b=b)
    print(
        f"girth: {girth_seconds:7.2f} s, LL {girth_ll:.3f}, RMSE a {rmse(a, items.a):.4f}, "
        f"b {rmse(b, items.b):.4f}"
    )
    print(
        f"speed-up {girth_seconds / ours_seconds:.2f}x, "
        f"LL difference {result.log_likelihood - girth_ll:+.3f} (ours - girth)"
    )


if __name__ == "__main__":
    main()
