"""Nightly recalculation time and peak memory at 1e5, 1e6 (and 1e7) responses, per phase.

    python bench/recalculation.py [--sizes 100000 1000000 10000000] [--before DIR]
                                  [--compare-fit 2500]

Works on a scratch database: SQLite at var/bench-recalc.sqlite3 by default, or
BENCH_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/bench_recalc, an existing
database). Never the development database. For each size it empties the database, imports the
demo course (22 skills, 267 items) and simulates learners over 30 days (about 200 answers each:
500 learners for 1e5, 5,000 for 1e6, 50,000 for 1e7). Not timed: on PostgreSQL the answers come
from `simulate_history` (numpy) and go in with one `INSERT ... SELECT FROM unnest(...)` per
500,000 rows; on SQLite through `simulate_learners`. Then, in a fresh child process (so its
memory is the run's own), it times a full recalculation through the same service the Celery
task and `manage.py recalculate --full` call, and an incremental run with no new responses
(the typical quiet night). Phases (course.PHASES; load, replay and write add up over the
chunks of learners):

    load             log extent, the fits' sample of learners, then each chunk's answers
    bkt_fit          EM fit of every skill (5 starts), new parameter versions written
    irt_calibration  item calibration (a, b) from first answers, items written
    learner_model    the next-answer predictor's refit, a new version written
    replay           BKT, learner model and EAP replay of each chunk (numpy)
    write            mastery and ability rows upserted in batches of 500 learners
    publish, quality content_version bump; the live predictions' quality report

Memory: the child's resident set size, sampled every 10 ms by a thread reading /proc/self/statm
(peak per phase, and RSS at the start), and its ru_maxrss (high-water mark of the whole child).

--before DIR: also run each size with another copy of apps/recommendations/recalculation/ (e.g.
`mkdir -p /tmp/before && git archive HEAD apps/recommendations/recalculation | tar -x -C
/tmp/before`, DIR=/tmp/before/apps/recommendations/recalculation), on the same data, first.
--compare-fit N: also refit with a sample of N learners and print how far the parameters move.
--keep-data: measure the data already in the database (built by an earlier run; one size).
"""

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # see bench/README.md (engine section)

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SQLITE_PATH = REPO / "var" / "bench-recalc.sqlite3"
RESULTS_PATH = REPO / "var" / "bench-recalc-results.json"  # every figure of the last run
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{SQLITE_PATH}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adaptive_learning.settings.base")
os.environ.setdefault("LOG_LEVEL", "WARNING")

ANSWERS_PER_LEARNER = 200  # what simulate_learners gives over 30 days of the demo course
INSERT_ROWS = 500_000
RESULT_MARK = "RESULT "
MIB = 2**20
PAGE = os.sysconf("SC_PAGE_SIZE")


def setup(migrate: bool) -> None:
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def fresh_course():  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    from apps.curriculum.exchange import course_import
    from apps.demo.seed.course import DEMO_FILE

    call_command("flush", interactive=False, verbosity=0)
    return course_import(source_name=DEMO_FILE.name, content=DEMO_FILE.read_bytes(), author=None)


@contextmanager
def _indexes_dropped(cursor: Any, table: str) -> Iterator[None]:
    """The table's indexes and unique constraints (not its primary key) dropped while rows go
    in, then rebuilt from their own definitions: building an index over ten million rows once
    is several times faster than updating nine of them row by row (the random client_id UUIDs
    worst of all). Foreign keys are not checked meanwhile (session_replication_role): the rows
    are built from ids just inserted."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype = 'u'",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s"
        " AND indexname NOT IN (SELECT conname FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype IN ('p', 'u'))",
        [table, table],
    )
    indexes = cursor.fetchall()
    for name, _ in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for _, definition in indexes:
            cursor.execute(definition)


def _insert_postgresql(course: Any, learners: int, seed: int) -> int:
    """simulate_history's answers inserted by the database: one statement per INSERT_ROWS rows
    with a column array each (answers are a placeholder: the recalculation never reads them)."""
    import numpy as np
    from django.db import connection, transaction
    from django.utils import timezone

    from apps.demo.simulation import simulate_history
    from apps.recommendations.snapshot import course_snapshot

    history = simulate_history(
        snapshot=course_snapshot(course),
        n_learners=learners,
        days=30,
        now=timezone.now(),
        seed=seed,
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name,"
            " email, is_staff, is_active, date_joined, role, display_name)"
            " SELECT '!', false, 'bench-' || g, '', '', '', false, true, now(), 'learner',"
            " 'Simulated learner ' || g FROM generate_series(1, %s) AS g ORDER BY g RETURNING id",
            [learners],
        )
        user_ids = np.array(sorted(row[0] for row in cursor.fetchall()), dtype=np.int64)
        learner_id = user_ids[history.learner]
        with _indexes_dropped(cursor, "assessments_response"):
            for start in range(0, len(learner_id), INSERT_ROWS):
                part = slice(start, start + INSERT_ROWS)
                cursor.execute(
                    "INSERT INTO assessments_response (client_id, answer, correct, score,"
                    " time_taken_ms, created_at, item_id, learner_id, hint_used)"
                    " SELECT gen_random_uuid(), '\"simulated\"'::jsonb, c, c::int::float, t,"
                    " timestamptz 'epoch' + us * interval '1 microsecond', i, l, false"
                    " FROM unnest(%s::bigint[], %s::bigint[], %s::bool[], %s::bigint[],"
                    " %s::int[]) WITH ORDINALITY AS r(l, i, c, us, t, n) ORDER BY n",
                    [
                        learner_id[part].tolist(),
                        history.item_id[part].tolist(),
                        history.correct[part].tolist(),
                        history.created_us[part].tolist(),
                        history.time_taken_ms[part].tolist(),
                    ],
                )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return len(learner_id)


def build(size: int) -> int:
    from django.db import connection

    from apps.demo.simulation import simulate_learners

    course = fresh_course().course
    learners = max(size // ANSWERS_PER_LEARNER, 1)
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        responses = _insert_postgresql(course, learners, seed=size)
    else:
        responses = simulate_learners(
            course=course, learners=learners, days=30, seed=size, prefix="bench", rebuild=False
        ).responses
    print(
        f"  {responses:,} responses from {learners:,} learners generated and inserted"
        f" in {time.perf_counter() - started:.1f} s (not part of the figures below)",
        flush=True,
    )
    return responses


class RssSampler(threading.Thread):
    """Peak resident set size per phase: a thread samples /proc/self/statm every 10 ms and
    each phase's end (the run's progress callback) closes that phase's window."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.window_peak = self.rss()
        self.phases: dict[str, int] = {}
        self._stop = threading.Event()

    @staticmethod
    def rss() -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * PAGE

    def run(self) -> None:
        while not self._stop.wait(0.01):
            self.window_peak = max(self.window_peak, self.rss())

    def phase_end(self, phase: str) -> None:
        peak = max(self.window_peak, self.rss())
        self.phases[phase] = max(self.phases.get(phase, 0), peak)
        self.window_peak = self.rss()

    def stop(self) -> None:
        self._stop.set()


def _use_code(directory: str) -> None:
    """Import apps.recommendations.recalculation from `directory` (a copy of the package)."""
    import importlib.util

    import apps.recommendations

    name = "apps.recommendations.recalculation"
    spec = importlib.util.spec_from_file_location(
        name, f"{directory}/__init__.py", submodule_search_locations=[directory]
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    apps.recommendations.recalculation = module  # type: ignore[attr-defined]


def _parameters(course_id: int) -> dict[str, list[float]]:
    from apps.curriculum.models import Item
    from apps.recommendations.models import SkillParameters

    active = SkillParameters.objects.filter(skill__course_id=course_id, is_active=True)
    params = {
        f"bkt.{name}": list(active.order_by("skill_id").values_list(name, flat=True))
        for name in ("prior", "learn", "guess", "slip")
    }
    items = Item.objects.filter(course_id=course_id).order_by("id")
    params["irt.a"] = list(items.values_list("irt_a", flat=True))
    params["irt.b"] = list(items.values_list("irt_b", flat=True))
    return params


def child(code: str | None, fit_learners: int | None) -> None:
    """One full and one quiet run, measured; prints RESULT_MARK + JSON."""
    if code:
        _use_code(code)
    setup(migrate=False)
    from apps.curriculum.models import Course
    from apps.recommendations.recalculation import course as course_module
    from apps.recommendations.recalculation.course import recalculate_course, recalculation_start

    if fit_learners is not None:
        from apps.recommendations.recalculation import stream

        stream.FIT_LEARNERS = fit_learners
    sampler = RssSampler()
    sampler.start()
    figures: dict[str, Any] = {"rss_start": sampler.rss() / MIB, "code": code or "current"}
    for label, full in (("full", True), ("quiet", False)):
        started = time.perf_counter()
        run = recalculation_start(trigger="bench", full=full)
        for course_id in run.counts.get("planned_course_ids", []):
            recalculate_course(
                run_id=run.pk, course_id=course_id, full=full, progress=sampler.phase_end
            )
        figures[f"{label}_total"] = time.perf_counter() - started
        run.refresh_from_db()
        assert run.status == "succeeded", run.error
        if full:
            [(slug, counts)] = run.counts["courses"].items()
            figures["counts"] = counts
            figures["timings"] = run.timings["courses"][slug]
            figures["rss_phase"] = {phase: value / MIB for phase, value in sampler.phases.items()}
            figures["maxrss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            figures["params"] = _parameters(Course.objects.get(slug=slug).pk)
    figures["phases"] = list(course_module.PHASES)
    sampler.stop()
    print(RESULT_MARK + json.dumps(figures), flush=True)


def measure(code: str | None = None, fit_learners: int | None = None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child"]
    if code:
        command += ["--code", code]
    if fit_learners is not None:
        command += ["--fit-learners", str(fit_learners)]
    done = subprocess.run(command, check=False, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"measuring run failed:\n{done.stderr}")
    output = done.stdout
    [line] = [line for line in output.splitlines() if line.startswith(RESULT_MARK)]
    figures: dict[str, Any] = json.loads(line[len(RESULT_MARK) :])
    counts = figures["counts"]
    print(
        f"  {figures['code']}: full {figures['full_total']:.2f} s, quiet"
        f" {figures['quiet_total']:.2f} s; {counts['skills_fitted']} skills fitted,"
        f" {counts['items_calibrated']} items calibrated, {counts['learners_rebuilt']:,}"
        f" learners, {counts['masteries_written']:,} mastery rows, fit sample"
        f" {counts.get('fit_sample_learners', 'all')} learners; peak RSS"
        f" {max(figures['rss_phase'].values()):.0f} MiB, ru_maxrss {figures['maxrss']:.0f} MiB",
        flush=True,
    )
    return figures


def compare_fit(full: dict[str, Any], sampled: dict[str, Any], title: str) -> None:
    print(f"  parameters {title}:")
    for name, values in full["params"].items():
        import numpy as np

        difference = np.abs(np.array(sampled["params"][name]) - np.array(values))
        print(f"    {name:<10} max |diff| {difference.max():.4f}, mean {difference.mean():.4f}")


def report(results: dict[tuple[int, str], dict[str, Any]]) -> None:
    sizes = sorted({size for size, _ in results})
    codes = list(dict.fromkeys(code for _, code in results))
    phases = next(iter(results.values()))["phases"]
    for code in codes:
        runs = [results[(size, code)] for size in sizes if (size, code) in results]
        print(f"\n{code}: seconds, peak RSS MiB (sampled)")
        print(f"{'phase':<16}" + "".join(f"{r['counts']['responses']:>22,}" for r in runs))
        for phase in phases:
            cells = [
                f"{r['timings'].get(phase, 0.0):>10.2f} s {r['rss_phase'].get(phase, 0):>6.0f} MiB"
                for r in runs
            ]
            print(f"{phase:<16}" + "".join(f"{cell:>22}" for cell in cells))
        print(f"{'full run':<16}" + "".join(f"{r['full_total']:>20.2f} s" for r in runs))
        print(f"{'quiet run':<16}" + "".join(f"{r['quiet_total']:>20.2f} s" for r in runs))
        print(f"{'ru_maxrss':<16}" + "".join(f"{r['maxrss']:>18.0f} MiB" for r in runs))
        print(f"{'RSS at start':<16}" + "".join(f"{r['rss_start']:>18.0f} MiB" for r in runs))
        for low, high in itertools.pairwise(runs):
            grown = high["counts"]["responses"] / low["counts"]["responses"]
            time_ratio = high["full_total"] / low["full_total"]
            rss_ratio = max(high["rss_phase"].values()) / max(low["rss_phase"].values())
            print(
                f"growth {grown:.1f}x responses: full run {time_ratio:.1f}x,"
                f" peak RSS {rss_ratio:.2f}x"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--before", help="a copy of the recalculation package to compare")
    parser.add_argument("--compare-fit", type=int, help="refit on this many learners, compare")
    parser.add_argument(
        "--keep-data", action="store_true", help="measure the database as it is (one size)"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--code", help=argparse.SUPPRESS)
    parser.add_argument("--fit-learners", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.code, args.fit_learners)
        return
    SQLITE_PATH.parent.mkdir(exist_ok=True)
    setup(migrate=True)
    from django.db import connection

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    results: dict[tuple[int, str], dict[str, Any]] = {}
    for size in args.sizes:
        print(f"\n{size:,} responses", flush=True)
        if not args.keep_data:
            build(size)
        if args.before:
            results[(size, "before")] = measure(code=args.before)
        results[(size, "after")] = measure()
        if args.compare_fit:
            sampled = measure(fit_learners=args.compare_fit)
            title = f"fitted on {args.compare_fit:,} learners minus on all of them"
            compare_fit(results[(size, "after")], sampled, title)
        if args.before:
            compare_fit(results[(size, "before")], results[(size, "after")], "after minus before")
        RESULTS_PATH.write_text(json.dumps({f"{k[0]} {k[1]}": v for k, v in results.items()}))
    report(results)


if __name__ == "__main__":
    main()
