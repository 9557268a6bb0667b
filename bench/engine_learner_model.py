"""Next-answer predictors: fit time and held-out AUC of BKT, BKT with forgetting and the
combined model, against pyBKT (standard and with forgetting) on the same simulated log.

The log (`simulate_practice`): 50 skills, each a 4-state HMM with a stuck state, items of
varying difficulty, forgetting over long gaps, skill-builder stopping after 3 right answers,
rows ordered by learner then skill. Every model is fitted on 80% of the learners and predicts
the other 20%, each answer from the answers before it. pyBKT runs with its defaults (OpenMP
over both cores, 5 starts); this engine is single-threaded numpy.

    python bench/engine_learner_model.py [--learners 10000] [--bootstrap 200]
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
from scipy.stats import rankdata

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apps.recommendations.engine.answer_log import AnswerLog
from apps.recommendations.engine.learner_model_kinds import fit_model, predict_with_model
from apps.recommendations.engine.simulate_practice import (
    PracticeSettings,
    SimulatedPractice,
    simulate_practice,
    stuck_truth,
)

N_SKILLS = 50


def auc(correct: np.ndarray, p: np.ndarray) -> float:
    ranks = rankdata(p)
    positives = int(correct.sum())
    negatives = len(correct) - positives
    return float((ranks[correct].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def answer_log(sim: SimulatedPractice, mask: np.ndarray) -> AnswerLog:
    return AnswerLog(
        learner=sim.learner[mask],
        skill=sim.skill[mask],
        correct=sim.correct[mask],
        item=sim.item[mask],
        seconds=sim.seconds[mask],
        learner_names=tuple(f"learner{i}" for i in range(int(sim.learner.max()) + 1)),
        skill_names=tuple(f"skill{i}" for i in range(N_SKILLS)),
        item_names=tuple(f"item{i}" for i in range(len(sim.item_difficulty))),
    )


def pybkt_runs(sim: SimulatedPractice, test: np.ndarray) -> dict[str, tuple[float, np.ndarray]]:
    """pyBKT fit seconds and held-out predictions (in row order), standard and forgets."""
    try:
        import pandas as pd
        from pyBKT.models import Model
    except ImportError:
        return {}

    def frame(mask: np.ndarray) -> "pd.DataFrame":
        return pd.DataFrame(
            {
                "order_id": np.flatnonzero(mask),
                "user_id": sim.learner[mask],
                "skill_name": np.array([f"skill{s}" for s in range(N_SKILLS)])[sim.skill[mask]],
                "correct": sim.correct[mask].astype(int),
            }
        )

    train, held = frame(~test), frame(test)
    runs = {}
    for name, forgets in (("pyBKT", False), ("pyBKT forgets", True)):
        model = Model(seed=0, num_fits=5)
        started = time.perf_counter()
        model.fit(data=train, forgets=forgets)
        seconds = time.perf_counter() - started
        predicted = model.predict(data=held).sort_values("order_id")
        runs[name] = (seconds, predicted["correct_predictions"].to_numpy())
    return runs


def bootstrap_difference(
    correct: np.ndarray, better: np.ndarray, worse: np.ndarray, learner: np.ndarray, draws: int
) -> tuple[float, float]:
    """90% interval of AUC(better) - AUC(worse), resampling learners."""
    rng = np.random.default_rng(0)
    learners = np.unique(learner)
    rows_of = np.split(np.argsort(learner, kind="stable"), np.cumsum(np.bincount(learner))[:-1])
    differences = []
    for _ in range(draws):
        rows = np.concatenate([rows_of[i] for i in rng.choice(learners, len(learners))])
        differences.append(auc(correct[rows], better[rows]) - auc(correct[rows], worse[rows]))
    low, high = np.quantile(differences, [0.05, 0.95])
    return float(low), float(high)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--bootstrap", type=int, default=200)
    args = parser.parse_args()
    sim = simulate_practice(
        stuck_truth(N_SKILLS, seed=1), PracticeSettings(n_learners=args.learners), seed=2
    )
    test = sim.learner % 5 == 0
    train, held = answer_log(sim, ~test), answer_log(sim, test)
    print(
        f"{sim.size} answers ({train.size} train, {held.size} held out), "
        f"{args.learners} learners, {N_SKILLS} skills, {len(sim.item_difficulty)} items"
    )
    results: dict[str, tuple[float, np.ndarray]] = {}
    for kind in ("bkt", "bkt-forgets", "combined"):
        started = time.perf_counter()
        document = fit_model(kind, train)
        seconds = time.perf_counter() - started
        results[kind] = (seconds, predict_with_model(document, held).p_correct)
    reference = pybkt_runs(sim, test)
    results.update(reference)
    print(f"{'model':<14} {'fit s':>8} {'AUC':>8} {'accuracy':>9}")
    for name, (seconds, p) in results.items():
        accuracy = float(np.mean((p >= 0.5) == held.correct))
        print(f"{name:<14} {seconds:>8.2f} {auc(held.correct, p):>8.4f} {accuracy:>9.4f}")
    if reference:
        for ours, theirs in (("bkt", "pyBKT"), ("bkt-forgets", "pyBKT forgets")):
            ratio = results[theirs][0] / results[ours][0]
            print(f"fit time {theirs} / {ours}: {ratio:.2f}")
        ratio = results["pyBKT forgets"][0] / results["combined"][0]
        print(f"fit time pyBKT forgets / combined: {ratio:.2f}")
    low, high = bootstrap_difference(
        held.correct,
        results["combined"][1],
        results["bkt-forgets"][1],
        held.learner,
        args.bootstrap,
    )
    gain = auc(held.correct, results["combined"][1]) - auc(held.correct, results["bkt-forgets"][1])
    print(
        f"AUC combined - bkt-forgets: {gain:+.4f} "
        f"(90% interval over learners {low:+.4f} to {high:+.4f})"
    )


if __name__ == "__main__":
    main()
