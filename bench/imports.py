"""Course import and export time: the demo course (22 skills, 267 items, 22 lessons).

    python bench/imports.py [--repeats 3]

On a scratch database (SQLite under var/ by default, PostgreSQL with BENCH_DATABASE_URL
pointing at an empty database). Times, best of `repeats`, each under a fresh course slug:
checking the file without writing it (parse, schema, references, cycles: the baseline, the
part every import pays before touching the database), the whole import (one transaction), a
dry run (the same writes, rolled back) and the export of the imported course back to JSON.
Prints milliseconds, SQL statements and the ratio of each to the check alone.
"""

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.scratch import scratch_environment  # noqa: E402


def best_ms(function: Callable[[int], object], repeats: int) -> tuple[float, int]:
    """Best wall time in ms over `repeats` calls (each gets its index) and SQL statements of
    the last call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, statements = [], 0
    for index in range(repeats):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            function(index)
            times.append(1000 * (time.perf_counter() - started))
        statements = len(queries)
    return min(times), statements


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    os.environ.update(scratch_environment("imports"))
    import django

    django.setup()
    from django.core.management import call_command

    from apps.curriculum.exchange import course_import
    from apps.curriculum.exchange.checks import course_problems
    from apps.curriculum.exchange.decoding import parse_json
    from apps.curriculum.exchange.export import course_export
    from apps.curriculum.exchange.schema import structural_problems
    from apps.curriculum.models import Course
    from apps.demo.seed.course import DEMO_FILE

    call_command("migrate", verbosity=0)
    text = DEMO_FILE.read_text(encoding="utf-8")
    source = DEMO_FILE.name

    def check(_: int) -> None:
        document = parse_json(source, text)
        assert not structural_problems(source, document)
        assert not course_problems(source, document["course"])

    def import_(index: int) -> None:
        result = course_import(
            source_name=source, content=text, author=None, course_slug=f"c{index}"
        )
        assert result.written.items == 267

    def dry_run(index: int) -> None:
        course_import(
            source_name=source, content=text, author=None, course_slug=f"d{index}", dry_run=True
        )

    def export(index: int) -> None:
        json.dumps(course_export(course=Course.objects.get(slug=f"c{index}")))

    baseline, _ = best_ms(check, args.repeats)
    print(f"database: {django.db.connection.vendor}; demo course, best of {args.repeats}")
    print(f"{'step':<34} {'ms':>8} {'SQL':>5} {'x check':>8}")
    print(f"{'check the file (baseline)':<34} {baseline:8.1f} {0:5d} {1:8.1f}")
    for name, function in [
        ("import (one transaction)", import_),
        ("dry run (written, rolled back)", dry_run),
        ("export to JSON", export),
    ]:
        ms, statements = best_ms(function, args.repeats)
        print(f"{name:<34} {ms:8.1f} {statements:5d} {ms / baseline:8.1f}")


if __name__ == "__main__":
    main()
