"""Fixtures shared by the whole suite."""

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from tests.accounts.factories import AdminFactory, LearnerFactory, TeacherFactory
from tests.helpers import client_for

REPO = Path(__file__).resolve().parent


def _clear_throttles() -> None:
    from django.core.cache import caches

    from apps.core.throttling import CACHE_ERRORS, FALLBACK_CACHE, THROTTLE_CACHE

    caches[FALLBACK_CACHE].clear()
    caches["auth"].clear()  # users cached by access token (ids are reused after a rollback)
    with contextlib.suppress(*CACHE_ERRORS):  # a test pointed it at a Redis that is down
        caches[THROTTLE_CACHE].clear()


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    # Throttle counters and cached snapshots must not leak from one test into the next (rolled
    # back rows free their ids for reuse, so a stale snapshot key could match a new course).
    from apps.recommendations.snapshot import clear_local_snapshots

    cache.clear()
    _clear_throttles()
    clear_local_snapshots()
    yield
    cache.clear()
    _clear_throttles()
    clear_local_snapshots()


@pytest.fixture
def learner(db):  # type: ignore[no-untyped-def]
    return LearnerFactory()


@pytest.fixture
def teacher(db):  # type: ignore[no-untyped-def]
    return TeacherFactory()


@pytest.fixture
def admin_user(db):  # type: ignore[no-untyped-def]
    return AdminFactory()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def as_user():  # type: ignore[no-untyped-def]
    return client_for


def _database_url_for_subprocess() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{settings['NAME']}"


@pytest.fixture
def celery_worker_process(transactional_db) -> Iterator[subprocess.Popen]:  # type: ignore[no-untyped-def]
    """A real `celery worker` process on the test database and the test broker."""
    from adaptive_learning.celery import app
    from apps.core.tasks import ping

    app.control.purge()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "adaptive_learning.settings.test",
        "DATABASE_URL": _database_url_for_subprocess(),
    }
    log_path = REPO / "var" / "test-celery-worker.log"
    with open(log_path, "w") as log:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "adaptive_learning",
                "worker",
                "--pool=solo",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "INFO",
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 90
        result = ping.delay()
        while not result.ready():
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Celery worker did not start; see {log_path}")
            time.sleep(0.2)
        assert result.get(timeout=5) == "pong"
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Remove this session's folder of the file-based auth cache (settings.test)."""
    import shutil

    from django.conf import settings

    if settings.CACHES["auth"]["BACKEND"].endswith("FileBasedCache"):
        shutil.rmtree(settings.CACHES["auth"]["LOCATION"], ignore_errors=True)
