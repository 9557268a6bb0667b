"""The policy, not the model: simulated learners with known knowledge practise the demo course.

    python bench/policy_simulation.py [--learners 20] [--answers 120] [--seed 0]

Works on a scratch database (SQLite at var/bench-policy.sqlite3, or BENCH_DATABASE_URL). Each
learner type (knows nothing, pure guesser, knows all, knows a prerequisite-closed half, stuck on
one skill, forgets after 30 days away) runs through the real services in-process: the placement
test, then what the system recommends (`apps/demo/policy_simulation.py`). The baseline in the
same run is "practise skills in course order until each is shown mastered" through the same
answer service, without placement. Figures per type and policy:

    false        skills shown mastered but not known: most at one check (max over learners) /
                 skills ever so, summed over learners
    rec@N        share of the known part shown mastered after N answers (placement included),
                 mean over learners; >=80%@40 counts learners at the goal
    to known     answers until the whole known part was shown mastered (median; reached/n)
    to all       answers until every skill was shown mastered (median; reached/n)
    run          most answers in a row on one skill without it becoming mastered (max; median),
                 and the longest run of any kind (max)

then the stuck learners (answers on the stuck skill, its longest run, moved off) and the
forgetting learners (skills forgotten, days back until each was recommended again, forgotten
skills still shown mastered on return and at the end).
"""

import argparse
import math
import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.scratch import scratch_environment  # noqa: E402

if TYPE_CHECKING:
    from apps.demo.policy_simulation import RunMetrics

os.environ.update(scratch_environment("policy", LOG_LEVEL="WARNING"))
POLICIES = ("adaptive", "course_order")
RUN_GOAL_SHARE = 0.8


def setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _median(values: Sequence[float]) -> str:
    return f"{statistics.median(values):.0f}" if values else "-"


def _reached(values: Sequence[int | None]) -> str:
    done = [v for v in values if v is not None]
    return f"{_median(done)} ({len(done)}/{len(values)})"


def _share(values: Sequence[float | None]) -> str:
    known = [v for v in values if v is not None]
    return f"{100 * statistics.mean(known):.0f}%" if known else "-"


def _row(name: str, policy: str, metrics: "list[RunMetrics]") -> list[str]:
    at_goal = [m.recognised[40] for m in metrics if m.recognised[40] is not None]
    longest = [m.longest_without_progress for m in metrics]
    return [
        name,
        policy,
        str(len(metrics)),
        f"{max(m.false_max for m in metrics)} / {sum(len(m.false_ever) for m in metrics)}",
        *(_share([m.recognised[n] for m in metrics]) for n in (20, 40, 60, 120)),
        f"{sum(v >= RUN_GOAL_SHARE for v in at_goal)}/{len(at_goal)}" if at_goal else "-",
        _reached([m.answers_to_known for m in metrics]),
        _reached([m.answers_to_complete for m in metrics]),
        f"{max(longest)} ({_median(longest)})",
        str(max(m.longest_any for m in metrics)),
    ]


def _ratios(adaptive: "list[RunMetrics]", baseline: "list[RunMetrics]") -> str:
    def mean_at_40(metrics: "list[RunMetrics]") -> float | None:
        shares = [m.recognised[40] for m in metrics if m.recognised[40] is not None]
        return statistics.mean(shares) if shares else None

    ours, theirs = mean_at_40(adaptive), mean_at_40(baseline)
    recognised = f"{ours / theirs:.2f}x" if ours is not None and theirs else "-"
    run = max(m.longest_without_progress for m in adaptive)
    base_run = max(m.longest_without_progress for m in baseline)
    longest = f"{run / base_run:.2f}x" if base_run else "-"
    return f"recognised {recognised}, run {longest}"


HEADER = [
    "learner",
    "policy",
    "n",
    "false",
    "rec@20",
    "rec@40",
    "rec@60",
    "rec@120",
    ">=80%@40",
    "to known",
    "to all",
    "run",
    "any run",
]


def _print_table(rows: list[list[str]]) -> None:
    widths = [max(len(row[j]) for row in [HEADER, *rows]) for j in range(len(HEADER))]
    for row in [HEADER, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def _print_stuck(policy: str, metrics: "list[RunMetrics]") -> None:
    on_it = [m.stuck_answers for m in metrics if m.stuck_answers is not None]
    longest = [m.stuck_longest for m in metrics if m.stuck_longest is not None]
    if not on_it:
        print(f"stuck, {policy}: the stuck skill was never recommended")
        return
    print(
        f"stuck, {policy}: {len(on_it)}/{len(metrics)} reached the stuck skill; answers on it "
        f"{_median(on_it)} (median), {_share([m.stuck_share for m in metrics])} of the answers "
        f"from then on; longest run on it {max(longest)}; moved off "
        f"{sum(bool(m.moved_off_stuck) for m in metrics)}/{len(on_it)}"
    )


def _print_forgetting(policy: str, metrics: "list[RunMetrics]") -> None:
    days = [d for m in metrics for d in m.review_days]
    seen = sorted(d for d in days if d is not None)
    median, longest = (statistics.median(seen), max(seen)) if seen else (math.nan, math.nan)
    print(
        f"forgets, {policy}: {len(days)} skills forgotten ({len(metrics)} learners); "
        f"recommended again {len(seen)}/{len(days)}, days back until then median {median:.1f}, "
        f"max {longest:.1f}; forgotten but shown mastered on return "
        f"{sum(m.stale_at_return for m in metrics)}, at the end "
        f"{sum(m.stale_at_end for m in metrics)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=20, help="per type and policy")
    parser.add_argument("--answers", type=int, default=120, help="per learner, placement included")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    (REPO / "var").mkdir(exist_ok=True)
    setup()
    from django.db import connection

    from apps.demo.policy_simulation import (
        demo_course,
        policy_metrics,
        run_limit,
        simulate_policy,
        standard_types,
    )
    from apps.recommendations.snapshot import course_snapshot

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    course = demo_course()
    snapshot = course_snapshot(course)
    types = standard_types()
    print(
        f"course {course.slug}: {len(snapshot.skills)} skills, {len(snapshot.items)} items; "
        f"{args.learners} learners per type and policy, {args.answers} answers each "
        f"(forgetting learners then 14 days x 10 more); run limit {run_limit(snapshot)}"
    )
    started = time.perf_counter()
    runs = simulate_policy(
        course=course,
        learner_types=types,
        learners=args.learners,
        answers=args.answers,
        seed=args.seed,
        policies=POLICIES,
    )
    elapsed = time.perf_counter() - started
    answers = sum(run.checks[-1].answers for run in runs if run.checks)
    print(
        f"{answers:,} answers in {elapsed:.0f} s ({1000 * elapsed / max(answers, 1):.1f} ms each)\n"
    )
    rows, by_key = [], {}
    for policy in POLICIES:
        for kind in types:
            chosen = [r for r in runs if r.policy == policy and r.learner_type == kind]
            by_key[policy, kind.name] = [policy_metrics(r) for r in chosen]
            rows.append(_row(kind.name, policy, by_key[policy, kind.name]))
    _print_table(sorted(rows, key=lambda row: ([k.name for k in types].index(row[0]), row[1])))
    print()
    for policy in POLICIES:
        _print_stuck(policy, by_key[policy, "stuck"])
        _print_forgetting(policy, by_key[policy, "forgets"])
    print("\nadaptive / course order (known part shown mastered after 40 answers; longest run):")
    for kind in types:
        print(f"  {kind.name:<14} {_ratios(*(by_key[p, kind.name] for p in POLICIES))}")


if __name__ == "__main__":
    main()
