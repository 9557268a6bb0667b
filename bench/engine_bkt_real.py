"""BKT EM fit on a log shaped like a real skill-builder log, against pyBKT, in the same run.

The log (`engine/simulate_skill_builder.py`, seeded) has the shape of ASSISTments 2009: 3,361
learners, 110 Zipf-skewed skills, about 410k answers, mostly short (learner, skill) sequences
with a long tail and long runs of one answer. Ours is `fit_bkt_skills` with the nightly options
(5 starts), standard and with forgetting; pyBKT 1.4.3 (C++ build, OpenMP) gets the same data,
5 starts, standard and `forgets=True`. Fits alternate (ours, pyBKT, ours, ...) and the best of
`--repeats` is kept: the machine is shared. Both are scored with the same exact forward pass.

    python bench/engine_bkt_real.py [--repeats 3] [--seed 0] [--ours-only]
"""

import argparse
import os
import sys
import time
from pathlib import Path

# Set before numpy loads (see engine_bkt.py); pyBKT's OpenMP threads are not affected.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apps.recommendations.engine.bkt import BktParams
from apps.recommendations.engine.bkt_fit import BktFitOptions, fit_bkt_skills
from apps.recommendations.engine.bkt_replay import bkt_log_likelihood
from apps.recommendations.engine.sequences import ResponseLog, sequence_ids
from apps.recommendations.engine.simulate_skill_builder import simulate_skill_builder
from bench.engine_bkt import fit_pybkt

RESTARTS = 5  # pyBKT's default num_fits, and the nightly refit's restarts


def describe(log: ResponseLog) -> str:
    sizes = np.sort(np.bincount(log.skill, minlength=len(log.skill_names)))[::-1]
    sequence_of_row, _ = sequence_ids(log.learner, log.skill)
    lengths = np.bincount(sequence_of_row)
    order = np.argsort(sequence_of_row, kind="stable")
    answers, sequences = log.correct[order], sequence_of_row[order]
    breaks = np.flatnonzero((answers[1:] != answers[:-1]) | (sequences[1:] != sequences[:-1]))
    runs = np.diff(np.concatenate(([0], breaks + 1, [log.size])))
    return (
        f"{log.size:,} answers, {len(np.unique(log.learner)):,} learners, {len(sizes)} skills "
        f"(largest {sizes[0]:,} / {sizes[1]:,} / {sizes[2]:,}, median {int(np.median(sizes)):,}, "
        f"smallest {sizes[-1]:,}); {len(lengths):,} sequences, length median "
        f"{int(np.median(lengths))}, p90 {int(np.percentile(lengths, 90))}, max {lengths.max()}; "
        f"runs of one answer: mean {runs.mean():.1f}, {int((runs >= 10).sum()):,} of 10 or more, "
        f"longest {runs.max()}; {log.correct.mean():.1%} right"
    )


def fit_ours(log: ResponseLog, *, forgets: bool) -> tuple[float, list[BktParams]]:
    options = BktFitOptions(fit_forget=forgets, restarts=RESTARTS, seed=0)
    started = time.perf_counter()
    fits = fit_bkt_skills(log, options)
    return time.perf_counter() - started, [fit.params for fit in fits]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--ours-only", action="store_true", help="skip pyBKT (profiling)")
    args = parser.parse_args()
    log = simulate_skill_builder(seed=args.seed)
    print(describe(log))
    print(
        f"{'model':>9} {'ours s':>16} {'pyBKT s':>16} {'speed-up':>9} "
        f"{'LL ours':>14} {'LL pyBKT':>14} {'LL diff %':>9}"
    )
    for forgets in (False, True):
        ours_times, theirs_times = [], []
        ours_params: list[BktParams] = []
        theirs_params: list[BktParams] | None = None
        for _ in range(args.repeats):
            seconds, ours_params = fit_ours(log, forgets=forgets)
            ours_times.append(seconds)
            reference = None if args.ours_only else fit_pybkt(log, forgets=forgets)
            if reference is not None:
                theirs_times.append(reference[0])
                theirs_params = reference[1]
        ours_ll = float(bkt_log_likelihood(log, ours_params).sum())
        name = "forgets" if forgets else "standard"
        ours_range = f"{min(ours_times):.2f}-{max(ours_times):.2f}"
        if theirs_params is None:
            print(f"{name:>9} {ours_range:>16} {'n/a':>16} {'n/a':>9} {ours_ll:>14.2f}")
            continue
        theirs_ll = float(bkt_log_likelihood(log, theirs_params).sum())
        theirs_range = f"{min(theirs_times):.2f}-{max(theirs_times):.2f}"
        print(
            f"{name:>9} {ours_range:>16} {theirs_range:>16} "
            f"{min(theirs_times) / min(ours_times):>8.2f}x {ours_ll:>14.2f} {theirs_ll:>14.2f} "
            f"{100 * (ours_ll - theirs_ll) / abs(theirs_ll):>+9.4f}"
        )


if __name__ == "__main__":
    main()
