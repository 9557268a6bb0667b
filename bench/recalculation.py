"""Nightly recalculation time for 1e5 and 1e6 simulated responses, per phase, and how it grows.

    python bench/recalculation.py [--sizes 100000 1000000]

Works on a scratch database: SQLite at var/bench-recalc.sqlite3 by default, or
BENCH_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/bench_recalc, an existing
database). Never the development database. For each size it empties the database, imports the
demo course (22 skills, 267 items), simulates learners over 30 days with `simulate_learners`
(about 200 answers each: 500 learners for 1e5, 5000 for 1e6; bulk inserts, not timed as part of
the recalculation), then times a full recalculation through the same service the Celery task
and `manage.py recalculate --full` call, end to end against the database:

    load             read the course's whole response log (one streamed query)
    bkt_fit          EM fit of every skill (5 starts), new parameter versions written
    irt_calibration  2PL calibration of the items from first answers, items written
    replay           BKT replay of every learner x skill and exact EAP of every learner (numpy)
    write            mastery and ability rows upserted in batches of 500 learners
    publish          content_version bump

and then an incremental run with no new responses (the typical quiet night).
"""

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # see bench/README.md (engine section)

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SQLITE_PATH = REPO / "var" / "bench-recalc.sqlite3"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{SQLITE_PATH}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adaptive_learning.settings.base")
os.environ.setdefault("LOG_LEVEL", "WARNING")

PHASES = ("load", "bkt_fit", "irt_calibration", "replay", "write", "publish")
ANSWERS_PER_LEARNER = 200  # what simulate_learners gives over 30 days of the demo course


def setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fresh_course():  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    from apps.curriculum.exchange import course_import
    from apps.demo.seed.course import DEMO_FILE

    call_command("flush", interactive=False, verbosity=0)
    return course_import(source_name=DEMO_FILE.name, content=DEMO_FILE.read_bytes(), author=None)


def measure(size: int) -> dict[str, float]:
    from apps.demo.simulation import simulate_learners
    from apps.recommendations.recalculation.course import (
        recalculate_course,
        recalculation_start,
    )

    course = fresh_course().course
    learners = max(size // ANSWERS_PER_LEARNER, 1)
    started = time.perf_counter()
    simulated = simulate_learners(
        course=course, learners=learners, days=30, seed=size, prefix="bench", rebuild=False
    )
    print(
        f"  {simulated.responses:,} responses from {learners:,} learners generated and inserted"
        f" in {time.perf_counter() - started:.1f} s (not part of the figures below)"
    )
    figures: dict[str, float] = {"responses": float(simulated.responses)}
    for label, full in (("full", True), ("quiet", False)):
        started = time.perf_counter()
        run = recalculation_start(trigger="bench", full=full)
        for course_id in run.counts.get("planned_course_ids", []):
            recalculate_course(run_id=run.pk, course_id=course_id, full=full)
        figures[f"{label}_total"] = time.perf_counter() - started
        run.refresh_from_db()
        assert run.status == "succeeded", run.error
        if full:
            counts = run.counts["courses"][course.slug]
            print(
                f"  full run: {counts['skills_fitted']} skills fitted, "
                f"{counts['items_calibrated']} items calibrated "
                f"({counts['items_implausible']} implausible kept), "
                f"{counts['learners_rebuilt']:,} learners, "
                f"{counts['masteries_written']:,} mastery rows"
            )
            figures.update(run.timings["courses"][course.slug])
    return figures


def report(results: dict[int, dict[str, float]]) -> None:
    sizes = sorted(results)
    header = f"{'phase':<16}" + "".join(f"{f'{size:,} resp.':>16}" for size in sizes)
    if len(sizes) == 2:
        header += f"{'ratio':>9}"
    print("\n" + header)
    rows = [*PHASES, "full_total", "quiet_total"]
    for phase in rows:
        values = [results[size].get(phase, 0.0) for size in sizes]
        line = f"{phase:<16}" + "".join(f"{value:>14.2f} s" for value in values)
        if len(sizes) == 2 and values[0] > 0.005:
            line += f"{values[1] / values[0]:>8.1f}x"
        print(line)
    if len(sizes) == 2:
        grown = results[sizes[1]]["responses"] / results[sizes[0]]["responses"]
        print(f"(responses grew {grown:.1f}x; a ratio near that is linear growth)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()
    SQLITE_PATH.parent.mkdir(exist_ok=True)
    setup()
    from django.db import connection

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    results = {}
    for size in args.sizes:
        print(f"\n{size:,} responses")
        results[size] = measure(size)
    report(results)


if __name__ == "__main__":
    main()
