"""BKT EM fitting: this engine against pyBKT's C++ build on the same synthetic data.

50 skills, 1e5 and 1e6 responses, 5 EM starts each. Both fits are scored with the same exact
forward pass (pyBKT itself reports its log-likelihood truncated to an integer). pyBKT runs with
its defaults (OpenMP over both cores); this engine is single-threaded numpy.

    python bench/engine_bkt.py [--sizes 100000 1000000]
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

from apps.recommendations.engine.bkt import BktParams
from apps.recommendations.engine.bkt_fit import BktFitOptions, fit_bkt_skills
from apps.recommendations.engine.bkt_replay import bkt_log_likelihood, replay_bkt
from apps.recommendations.engine.sequences import ResponseLog
from apps.recommendations.engine.simulate import simulate_bkt

N_SKILLS = 50
MIN_LENGTH, MAX_LENGTH = 5, 35  # 20 responses per (learner, skill) on average


def synthetic_log(n_responses: int, seed: int) -> tuple[ResponseLog, list[BktParams]]:
    rng = np.random.default_rng(seed)
    truth = [
        BktParams(
            prior=float(rng.uniform(0.1, 0.6)),
            learn=float(rng.uniform(0.05, 0.3)),
            guess=float(rng.uniform(0.1, 0.3)),
            slip=float(rng.uniform(0.05, 0.15)),
        )
        for _ in range(N_SKILLS)
    ]
    n_learners = max(1, round(n_responses / (N_SKILLS * (MIN_LENGTH + MAX_LENGTH) / 2)))
    log = simulate_bkt(
        params=truth,
        n_learners=n_learners,
        min_length=MIN_LENGTH,
        max_length=MAX_LENGTH,
        seed=seed,
    )
    return log, truth


def fit_pybkt(log: ResponseLog, *, forgets: bool = False) -> tuple[float, list[BktParams]] | None:
    try:
        import pandas as pd
        from pyBKT.models import Model
    except ImportError:
        return None
    frame = pd.DataFrame(
        {
            "order_id": np.arange(log.size),
            "user_id": log.learner,
            "skill_name": np.array(log.skill_names)[log.skill],
            "correct": log.correct.astype(int),
        }
    )
    started = time.perf_counter()
    model = Model(seed=0, num_fits=5)
    model.fit(data=frame, forgets=forgets)
    elapsed = time.perf_counter() - started
    table = model.params()

    def value(skill: str, name: str) -> float:
        return float(table.loc[(skill, name, "default"), "value"])

    params = [
        BktParams(
            prior=value(skill, "prior"),
            learn=value(skill, "learns"),
            guess=value(skill, "guesses"),
            slip=value(skill, "slips"),
            forget=value(skill, "forgets"),
        )
        for skill in log.skill_names
    ]
    return elapsed, params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()
    print(
        f"{'responses':>10} {'ours s':>8} {'pyBKT s':>8} {'speed-up':>9} "
        f"{'LL ours':>14} {'LL pyBKT':>14} {'LL diff %':>9} {'replay s':>9}"
    )
    for size in args.sizes:
        log, _ = synthetic_log(size, seed=size % 997)
        started = time.perf_counter()
        fits = fit_bkt_skills(log, BktFitOptions(restarts=5, seed=0))
        ours_seconds = time.perf_counter() - started
        ours_ll = float(sum(fit.log_likelihood for fit in fits))
        started = time.perf_counter()
        replay_bkt(log, [fit.params for fit in fits])
        replay_seconds = time.perf_counter() - started
        reference = fit_pybkt(log)
        if reference is None:
            print(
                f"{log.size:>10} {ours_seconds:>8.2f} {'n/a':>8} {'n/a':>9} {ours_ll:>14.2f} "
                f"{'(pyBKT not installed: see requirements-ref.txt)':>14}"
            )
            continue
        pybkt_seconds, pybkt_params = reference
        pybkt_ll = float(bkt_log_likelihood(log, pybkt_params).sum())
        print(
            f"{log.size:>10} {ours_seconds:>8.2f} {pybkt_seconds:>8.2f} "
            f"{pybkt_seconds / ours_seconds:>8.2f}x {ours_ll:>14.2f} {pybkt_ll:>14.2f} "
            f"{100 * (ours_ll - pybkt_ll) / abs(pybkt_ll):>+9.4f} {replay_seconds:>9.3f}"
        )


if __name__ == "__main__":
    main()
