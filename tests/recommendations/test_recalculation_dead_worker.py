"""kill -9 of a whole `celery worker` (main process and pool) in the middle of a recalculation:
its heartbeat stops, so within the lock's TTL the run is found dead, failed with the reason,
its lock freed, and the work done again: by the watchdog on a new worker, or by
`manage.py recalculate`.

The killed worker runs with a pause after each phase (RECALCULATION_PHASE_PAUSE_SECONDS, a
test-only setting) so the kill surely lands mid-run; the real work is done in full.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path
from typing import TypeVar

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from adaptive_learning.celery import app
from apps.core.tasks import ping
from apps.demo.simulation import simulate_learners
from apps.recommendations.models import RecalculationLock, RecalculationRun, RunStatus
from apps.recommendations.tasks import recalculate_all, recalculation_watchdog
from conftest import _database_url_for_subprocess
from tests.recommendations.builders import chain_course

pytestmark = pytest.mark.celery_worker

REPO = Path(__file__).resolve().parents[2]
HEARTBEAT = 0.5
TTL = 3.0
T = TypeVar("T")


def start_worker(
    started: list[subprocess.Popen[bytes]], name: str, **settings: float
) -> subprocess.Popen[bytes]:
    """A prefork `celery worker` in a process group of its own (main process and pool child),
    on the test database and broker, with the given RECALCULATION_* settings; added to
    `started` at once, so it is killed at the end even if it never answers."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "adaptive_learning.settings.test",
        "DATABASE_URL": _database_url_for_subprocess(),
        "CELERY_WORKER_CONCURRENCY": "1",
        **{f"RECALCULATION_{key.upper()}": str(value) for key, value in settings.items()},
    }
    log = open(REPO / "var" / f"test-celery-{name}.log", "w")  # noqa: SIM115 (the worker's)
    command = [sys.executable, "-m", "celery", "-A", "adaptive_learning", "worker"]
    options = ["--pool=prefork", "--without-heartbeat", "--without-gossip", "--without-mingle"]
    worker = subprocess.Popen(
        [*command, *options, "-n", f"{name}@%h", "-l", "INFO"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, to kill it whole
    )
    log.close()
    started.append(worker)
    result = ping.delay()
    wait_for(lambda: result.ready() or worker.poll() is not None, 90, f"{name} to start")
    assert worker.poll() is None, f"worker {name} exited; see var/test-celery-{name}.log"
    return worker


def kill_group(worker: subprocess.Popen[bytes]) -> None:
    """kill -9 of the worker's whole process group: nothing gets to clean up."""
    with contextlib.suppress(ProcessLookupError):  # the group is gone already
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=20)


def wait_for(found: Callable[[], T | None], seconds: float, what: str) -> T:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds} s for {what}")


@pytest.fixture
def workers(transactional_db, settings) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Workers started by the test, killed whole at the end; this process uses the same
    heartbeat and TTL as they do."""
    settings.RECALCULATION_HEARTBEAT_SECONDS = HEARTBEAT
    settings.RECALCULATION_LOCK_TTL_SECONDS = TTL
    app.control.purge()
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for worker in started:
        kill_group(worker)


def kill_a_worker_mid_run(workers: list[subprocess.Popen[bytes]]) -> RecalculationRun:
    """Two courses, a nightly run on a worker that pauses after each phase, killed whole once
    the first course's heartbeat has beaten twice. Returns the dead run."""
    for slug in ("alpha", "beta"):
        course = chain_course(slug=slug, skills=2, items_per_skill=3)
        simulate_learners(course=course, learners=40, days=4, seed=6, prefix=slug)
    doomed = start_worker(
        workers, "doomed", heartbeat_seconds=HEARTBEAT, lock_ttl_seconds=TTL, phase_pause_seconds=2
    )
    recalculate_all.delay(full=True)
    lock = wait_for(lambda: RecalculationLock.objects.first(), 60, "the run to take the lock")
    beats = {lock.expires_at}

    def beating() -> bool:
        beats.update(RecalculationLock.objects.values_list("expires_at", flat=True))
        return len(beats) >= 3

    wait_for(beating, 30, "the course task's heartbeat")
    run = RecalculationRun.objects.get(pk=lock.run_id)
    assert run.status == RunStatus.RUNNING
    assert run.counts["courses"] == {}  # mid-run: no course finished yet
    kill_group(doomed)
    assert RecalculationLock.objects.get().run_id == run.pk  # left behind, as today
    return run


def assert_failed_as_dead(run: RecalculationRun, taken_over_by: str) -> None:
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.error.startswith("Worker stopped responding: no heartbeat since "), run.error
    assert run.error.endswith(f"taken over by {taken_over_by}."), run.error


def test_the_watchdog_on_a_new_worker_fails_the_dead_run_and_redoes_it(workers):
    dead = kill_a_worker_mid_run(workers)
    killed_at = time.monotonic()
    start_worker(workers, "successor", heartbeat_seconds=HEARTBEAT, lock_ttl_seconds=TTL)

    # when: the beat's watchdog check reaches the new worker, once a minute (here: each second)
    def reaped() -> int | None:
        result: int | None = recalculation_watchdog.delay().get(timeout=30)
        return result

    assert wait_for(reaped, 60, "the watchdog to find the dead run") == dead.pk

    # then: failed within the TTL (plus a check's delay), and the same run done again
    assert time.monotonic() - killed_at < TTL + 30
    assert_failed_as_dead(dead, "the watchdog")
    redone = wait_for(
        lambda: (
            RecalculationRun.objects.filter(trigger="watchdog")
            .exclude(status=RunStatus.RUNNING)
            .first()
        ),
        120,
        "the restarted run to end",
    )
    assert redone.status == RunStatus.SUCCEEDED, redone.error
    assert redone.full
    assert sorted(redone.counts["courses"]) == ["alpha", "beta"]
    assert not RecalculationLock.objects.exists()

    # and the command runs to completion after it
    call_command("recalculate", "--full", stdout=StringIO(), stderr=StringIO())
    assert RecalculationRun.objects.get(trigger="command").status == RunStatus.SUCCEEDED
    assert not RecalculationLock.objects.exists()


def test_the_command_takes_over_from_a_killed_worker_and_a_new_worker_runs_after(workers):
    dead = kill_a_worker_mid_run(workers)

    # when: an operator runs the command at once, the last heartbeat is too recent to tell a
    # dead worker from a slow one: refused; once the TTL is over, it takes over
    with pytest.raises(CommandError, match=f"run {dead.pk} holds the recalculation lock"):
        call_command("recalculate", "--full", stdout=StringIO(), stderr=StringIO())
    wait_for(
        lambda: RecalculationLock.objects.filter(expires_at__lte=timezone.now()).exists(),
        TTL + 5,
        "the dead run's lock to expire",
    )
    call_command("recalculate", "--full", stdout=StringIO(), stderr=StringIO())

    # then
    command_run = RecalculationRun.objects.get(trigger="command", status=RunStatus.SUCCEEDED)
    assert command_run.status == RunStatus.SUCCEEDED, command_run.error
    assert sorted(command_run.counts["courses"]) == ["alpha", "beta"]
    assert_failed_as_dead(dead, f"run {command_run.pk}")
    assert not RecalculationLock.objects.exists()

    # and a new worker finishes a nightly run
    start_worker(workers, "successor", heartbeat_seconds=HEARTBEAT, lock_ttl_seconds=TTL)
    run_id = recalculate_all.delay(full=True).get(timeout=60)
    redone = wait_for(
        lambda: (
            RecalculationRun.objects.exclude(status=RunStatus.RUNNING).filter(pk=run_id).first()
        ),
        120,
        "the new worker's run to end",
    )
    assert redone.status == RunStatus.SUCCEEDED, redone.error
    assert sorted(redone.counts["courses"]) == ["alpha", "beta"]
    assert not RecalculationLock.objects.exists()
