"""Item calibration on a course-shaped log: many learners, many items, few answers each.

The same Bock-Aitkin EM from a learners x items table (NaN where not answered: the table,
its distinct patterns and the standard errors' per-pattern scores are all dense) and from
long-form answers (`calibrate_irt_answers`: sparse patterns, standard errors from the answered
cells only), in the same run on the same data. Prints time and peak traced memory of each, and
checks that both give the same estimates.

    python bench/engine_irt_sparse.py [--learners 20000] [--items 1000] [--answers 25]
"""

import argparse
import os
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # see bench/engine_irt.py

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apps.recommendations.engine.irt import ItemBank, probability
from apps.recommendations.engine.irt_calibrate import (
    CalibrationOptions,
    CalibrationResult,
    calibrate_irt,
    calibrate_irt_answers,
)


def measured(run: Callable[[], CalibrationResult]) -> tuple[CalibrationResult, float, float]:
    """(result, seconds, peak MiB traced while it ran: numpy reports its buffers)."""
    tracemalloc.start()
    started = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=20_000)
    parser.add_argument("--items", type=int, default=1_000)
    parser.add_argument("--answers", type=int, default=25, help="first answers per learner")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    bank = ItemBank.from_arrays(
        a=rng.lognormal(0.0, 0.3, args.items), b=rng.normal(0.0, 1.0, args.items)
    )
    theta = rng.normal(size=args.learners)
    # Each learner answers `answers` distinct items, chosen at random.
    keys = rng.random((args.learners, args.items)).argsort(axis=1)[:, : args.answers]
    learner = np.repeat(np.arange(args.learners), args.answers)
    item = keys.ravel().astype(np.int64)
    p = probability(theta[learner], bank.a[item], bank.b[item])
    correct = (rng.random(len(p)) < p).astype(np.float64)
    options = CalibrationOptions(model="2pl", max_iterations=1000, tolerance=1e-4)
    print(
        f"{args.learners} learners x {args.items} items, {len(item)} answers "
        f"({100 * args.answers / args.items:.1f}% of the cells), 2PL"
    )

    def long_form() -> CalibrationResult:
        return calibrate_irt_answers(learner, item, correct, n_items=args.items, options=options)

    def table_form() -> CalibrationResult:
        table = np.full((args.learners, args.items), np.nan)
        table[learner, item] = correct
        return calibrate_irt(table, options)

    sparse_result, sparse_s, sparse_mib = measured(long_form)
    cycles = sparse_result.iterations
    print(f"long form : {sparse_s:7.2f} s, peak {sparse_mib:8.1f} MiB, {cycles} EM cycles")
    dense_result, dense_s, dense_mib = measured(table_form)
    cycles = dense_result.iterations
    print(f"table     : {dense_s:7.2f} s, peak {dense_mib:8.1f} MiB, {cycles} EM cycles")
    print(
        f"long form / table: time {sparse_s / dense_s:.2f}, memory {sparse_mib / dense_mib:.3f}; "
        f"max |a diff| {np.max(np.abs(sparse_result.items.a - dense_result.items.a)):.1e}, "
        f"max |b diff| {np.max(np.abs(sparse_result.items.b - dense_result.items.b)):.1e}, "
        f"LL diff {sparse_result.log_likelihood - dense_result.log_likelihood:+.1e}"
    )


if __name__ == "__main__":
    main()
