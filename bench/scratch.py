"""The scratch database every Django benchmark works on, never the development database."""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def scratch_environment(name: str, **extra: str) -> dict[str, str]:
    """Environment for a benchmark's Django: `BENCH_DATABASE_URL` if set (an empty PostgreSQL
    database), else a fresh SQLite file `var/bench-<name>.sqlite3` (any old one is deleted)."""
    scratch = REPO / "var" / f"bench-{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    return {
        "DJANGO_SETTINGS_MODULE": "bench.bench_settings",
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{scratch}"),
        "OPENBLAS_NUM_THREADS": "1",
        **extra,
    }
