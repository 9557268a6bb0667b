"""A smoke run of bench/load_learners.py: a few learners for a few seconds through a real
gunicorn, on the database engine the suite runs on (a scratch database of its own, never the
test database), with its row-count check: every acknowledged answer stored exactly once."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[2]


def scratch_database_url() -> str | None:
    """A PostgreSQL database next to the suite's (the script creates and drops it); None on
    SQLite, where the script uses a scratch file under var/."""
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return None
    name = f"{parts.path.lstrip('/')}_load_{os.getpid()}"
    return urlunsplit(parts._replace(path=f"/{name}"))


def test_a_short_load_run_stores_every_acknowledged_answer_once():
    # given
    command = [sys.executable, "bench/load_learners.py", "--users", "5", "--duration", "3"]
    command += ["--baseline-duration", "1", "--port", str(8600 + os.getpid() % 300)]
    if url := scratch_database_url():
        command += ["--database-url", url, "--drop-database"]
    # when
    run = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    # then
    assert run.returncode == 0, run.stdout + run.stderr
    assert "OK: every acknowledged answer is stored exactly once" in run.stdout
    assert (
        ", missing 0, duplicated 0, retries or double taps answered differently 0, errors 0 "
        in (run.stdout)
    )
