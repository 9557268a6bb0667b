"""Concurrent learners answering through gunicorn, with a row-count check, against a baseline.

    python bench/load_learners.py [--users 50] [--duration 60] [--database-url URL]

Sets up a scratch database (``--database-url``, else BENCH_DATABASE_URL, else a fresh SQLite
file under var/; a PostgreSQL database named there is dropped and created afresh, so name one
of your own), imports the demo course and its classroom (``seed_demo``'s accounts and course),
creates one learner account per user enrolled in the demo class, and starts gunicorn on
127.0.0.1 (bench.bench_settings: the app plus the baseline views). Then, in the same run:

* the baseline: as many clients POST to ``/bench/insert/`` (one INSERT in a transaction) for
  ``--baseline-duration`` seconds;
* the load: each learner loops ``GET /api/v1/practice/next/`` -> answer the item it gives
  (``POST /api/v1/practice/answers/`` with a fresh client_id; a lesson is marked read), and
  resends ``--retry-share`` of its answers with the same client_id, as a phone does when the
  reply is lost, and sends ``--race-share`` twice at once on two connections (a double tap):
  each pair must be answered 201 and 200 with the same response.

Prints throughput, p50/p95/p99 latency per request kind, errors, the ratio against the baseline,
and checks the database: every acknowledged answer (2xx with its client_id) is stored exactly
once. Exits 1 on any error, lost or duplicated answer.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.load_client import Learner, Poster, Stats, percentile, run_threads  # noqa: E402
from bench.scratch import scratch_environment  # noqa: E402

DEMO_COURSE = "fractions"


def postgres_database(url: str, *, create: bool) -> None:
    """Drop the run's database, then create it empty if ``create`` (through the server's
    maintenance database ``postgres``)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = sql.Identifier(parts.path.lstrip("/"))
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(name))
        if create:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(name))


def prepare(env: dict[str, str], users: int) -> list[str]:
    """Migrate, seed the demo course and class, and make ``users`` enrolled learners; their
    access tokens (minted directly: the login throttle and lockout are not what is measured)."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from rest_framework_simplejwt.tokens import RefreshToken

    from apps.accounts.models import Classroom, Enrollment, Role, User
    from apps.demo.seed import accounts, course
    from apps.demo.seed.accounts import DEMO_CLASSROOM

    call_command("migrate", verbosity=0)
    for part in (accounts, course):
        part.seed(lambda line: None)
    classroom = Classroom.objects.get(name=DEMO_CLASSROOM)
    # "!" is Django's unusable-password marker: these accounts authenticate by token only.
    learners = User.objects.bulk_create(
        User(username=f"load{n}", role=Role.LEARNER, password="!")  # noqa: S106
        for n in range(users)
    )
    learners = list(User.objects.filter(username__startswith="load").order_by("id"))
    Enrollment.objects.bulk_create(Enrollment(classroom=classroom, learner=u) for u in learners)
    return [str(RefreshToken.for_user(u).access_token) for u in learners]


def stored_answers(client_ids: set[str]) -> tuple[dict[str, int], int]:
    """Rows per acknowledged client_id, and rows the load learners have in all."""
    from django.db.models import Count

    from apps.assessments.models import ItemResponse

    rows = ItemResponse.objects.filter(learner__username__startswith="load")
    counts = {
        str(row["client_id"]): row["n"]
        for row in rows.values("client_id").annotate(n=Count("id"))
        if str(row["client_id"]) in client_ids
    }
    return counts, rows.count()


def start_gunicorn(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "adaptive_learning.wsgi:application",
            *("--workers", str(workers), "--threads", str(threads)),
            *("--bind", f"127.0.0.1:{port}", "--timeout", "60"),
            *("--access-logfile", "/dev/null", "--log-level", "warning"),
        ],
        cwd=REPO,
        env={**os.environ, **env},
        start_new_session=True,
    )
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
            return server
        except OSError:
            if server.poll() is not None:
                sys.exit(f"gunicorn exited with {server.returncode}")
            time.sleep(0.5)
    stop(server)
    sys.exit("gunicorn did not answer /health within a minute")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def report(stats: Stats, seconds: float, baseline: Stats, baseline_seconds: float) -> None:
    print(f"{'request':<10}{'count':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for kind, values in [*sorted(stats.latencies.items()), *baseline.latencies.items()]:
        span = baseline_seconds if kind == "baseline" else seconds
        figures = [percentile(values, share) * 1000 for share in (0.5, 0.95, 0.99)]
        print(
            f"{kind:<10}{len(values):>8}{len(values) / span:>9.1f}"
            + "".join(f"{figure:>9.1f}" for figure in figures)
        )
    answers = sum(len(stats.latencies.get(kind, [])) for kind in ("answer", "retry", "race"))
    insert_rate = len(baseline.latencies.get("baseline", [])) / baseline_seconds
    print(f"answer submits (incl. retries, double taps) / s = {answers / seconds:.1f}")
    print(f"answer rate / insert-one-row rate = {answers / seconds / insert_rate:.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--baseline-duration", type=float, default=None, help="default: 10 s")
    parser.add_argument("--retry-share", type=float, default=0.1)
    parser.add_argument("--race-share", type=float, default=0.03, help="answers sent twice at once")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--port", type=int, default=8031)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--drop-database", action="store_true", help="drop a PostgreSQL database afterwards"
    )
    args = parser.parse_args()
    baseline_duration = args.baseline_duration or min(10.0, args.duration)

    env = scratch_environment("load-learners", AUTH_THROTTLE_RATE="1000000/second")
    # No Redis and no worker: the tasks an answer queues stay in an in-process broker.
    env |= {"CELERY_BROKER_URL": "memory://", "CELERY_RESULT_BACKEND": "cache+memory://"}
    os.environ.pop("REDIS_URL", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    on_postgres = urlsplit(env["DATABASE_URL"]).scheme.startswith("postgres")
    if on_postgres:
        postgres_database(env["DATABASE_URL"], create=True)
    tokens = prepare(env, args.users)
    from django.db import connections

    connections.close_all()  # SQLite: no open handle while gunicorn writes
    server = start_gunicorn(env, args.port, args.workers, args.threads)
    try:
        baseline = Stats()
        deadline = time.monotonic() + baseline_duration
        posters = [
            Poster(port=args.port, path="/bench/insert/", stats=baseline, deadline=deadline)
            for _ in range(args.users)
        ]
        baseline_seconds = run_threads(list(posters))
        stats = Stats()
        deadline = time.monotonic() + args.duration
        learners = [
            Learner(
                port=args.port,
                token=token,
                course=DEMO_COURSE,
                stats=stats,
                deadline=deadline,
                retry_share=args.retry_share,
                race_share=args.race_share,
                seed=n,
            )
            for n, token in enumerate(tokens)
        ]
        seconds = run_threads(list(learners))
    finally:
        stop(server)

    database = "PostgreSQL" if on_postgres else "SQLite (WAL)"
    print(
        f"{args.users} learners x {args.duration:g} s, gunicorn {args.workers} workers x "
        f"{args.threads} threads, {database}, {os.cpu_count()} CPUs"
    )
    report(stats, seconds, baseline, baseline_seconds)
    counts, total_rows = stored_answers(set(stats.acknowledged))
    missing = len(set(stats.acknowledged) - set(counts))
    duplicated = sum(1 for n in counts.values() if n > 1)
    errors = sum(stats.errors.values()) + sum(baseline.errors.values())
    print(
        f"acknowledged answers {len(stats.acknowledged)}, stored rows {total_rows}, "
        f"missing {missing}, duplicated {duplicated}, retries or double taps answered differently "
        f"{stats.retry_mismatches}, errors {errors} {stats.errors | baseline.errors or ''}"
    )
    failed = errors or missing or duplicated or stats.retry_mismatches or not stats.acknowledged
    if on_postgres and args.drop_database:
        connections.close_all()
        postgres_database(env["DATABASE_URL"], create=False)
    print("FAILED" if failed else "OK: every acknowledged answer is stored exactly once")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
