"""Adaptive-testing step time on a 2000-item bank: selection and the ability update.

The hot path of one answer in a placement test: pick the next item (max information,
randomesque top 5, content balancing over 5 skills) and update theta + SE by EAP. Compared with
catsim's MaxInfoSelector.select on the same bank and estimate. Target: a step under 5 ms.

    python bench/engine_cat.py [--items 2000] [--repeats 300]
"""

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # see bench/engine_bkt.py

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apps.recommendations.engine.cat import CatConfig, next_ability, select_next_item
from apps.recommendations.engine.cat_simulation import simulate_cat
from apps.recommendations.engine.irt import ItemBank


def per_call_ms(function: Callable[[], object], repeats: int) -> float:
    function()  # warm up
    started = time.perf_counter()
    for _ in range(repeats):
        function()
    return 1000 * (time.perf_counter() - started) / repeats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=300)
    args = parser.parse_args()
    rng = np.random.default_rng(5)
    bank = ItemBank.from_arrays(
        a=rng.lognormal(0.1, 0.3, args.items),
        b=rng.normal(0.0, 1.2, args.items),
        c=rng.uniform(0.0, 0.25, args.items),
        skill=rng.integers(0, 5, args.items),
    )
    administered = rng.choice(args.items, size=20, replace=False).tolist()
    responses = rng.integers(0, 2, 20).tolist()
    targets = (0.2,) * 5
    exposure = np.random.default_rng(1)

    select_ms = per_call_ms(
        lambda: select_next_item(
            items=bank,
            theta=0.3,
            administered=administered,
            rng=exposure,
            randomesque_k=5,
            skill_targets=targets,
        ),
        args.repeats,
    )
    update_ms = per_call_ms(
        lambda: next_ability(items=bank, administered=administered, responses=responses),
        args.repeats,
    )
    print(f"bank of {args.items} items, 20 already administered")
    print(f"select_next_item (top-5, 5 skills): {select_ms:7.3f} ms")
    print(f"next_ability (EAP, 21 points)     : {update_ms:7.3f} ms")
    print(f"one CAT step                       : {select_ms + update_ms:7.3f} ms (target < 5 ms)")

    truth = np.random.default_rng(2).normal(size=500)
    config = CatConfig(max_items=30, se_target=0.3, randomesque_k=5, skill_targets=targets)
    started = time.perf_counter()
    result = simulate_cat(items=bank, true_theta=truth, config=config, seed=3)
    seconds = time.perf_counter() - started
    steps = int(result.test_length.sum())
    print(
        f"batch simulation: 500 examinees, {steps} steps, {1000 * seconds / steps:.3f} ms per "
        f"examinee-step; RMSE {result.rmse:.3f}, bias {result.bias:+.3f}, "
        f"mean length {result.mean_length:.1f}"
    )
    try:
        from catsim.item_bank import ItemBank as CatsimBank
        from catsim.selection import MaxInfoSelector
    except ImportError:
        print("catsim: not installed (see requirements-ref.txt); no baseline ratio")
        return
    catsim_bank = CatsimBank(np.column_stack([bank.a, bank.b, bank.c, np.ones(args.items)]))
    selector = MaxInfoSelector()
    catsim_ms = per_call_ms(
        lambda: selector.select(
            item_bank=catsim_bank, administered_items=administered, est_theta=0.3
        ),
        args.repeats,
    )
    print(
        f"catsim MaxInfoSelector.select     : {catsim_ms:7.3f} ms "
        f"(ours {catsim_ms / select_ms:.1f}x faster, with exposure control and balancing)"
    )


if __name__ == "__main__":
    main()
