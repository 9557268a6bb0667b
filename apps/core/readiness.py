"""Liveness and readiness checks.

Liveness (/health) touches nothing outside the process, so a slow database never gets pods
killed. Readiness (/ready) checks each dependency the app needs to serve traffic and names the
ones that failed, so the load balancer stops sending requests and ops know why.
"""

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connections

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    milliseconds: float
    error: str = ""


def check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 returned an unexpected row")


def check_cache() -> None:
    key = f"ready:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    # django-redis is configured to fail open, so an outage shows up as a missing value.
    if cache.get(key) != "1":
        raise RuntimeError("cache round trip failed (value not read back)")
    cache.delete(key)


def check_broker() -> None:
    from adaptive_learning.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0.2, interval_max=0.5, timeout=2
        )


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
}


def run_checks(names: list[str] | None = None) -> list[CheckResult]:
    results = []
    for name in names if names is not None else settings.READINESS_CHECKS:
        started = time.perf_counter()
        try:
            CHECKS[name]()
        except Exception as error:
            elapsed = (time.perf_counter() - started) * 1000
            # /ready is reachable without credentials, and drivers put hosts, ports, user names
            # and whole DSNs in their messages: the answer names the dependency and the error's
            # class only, and the full message goes to the log, which only ops read.
            logger.warning("readiness check %s failed", name, exc_info=True)
            message = f"{name} unavailable ({type(error).__name__})"
            results.append(CheckResult(name, False, round(elapsed, 1), message))
        else:
            elapsed = (time.perf_counter() - started) * 1000
            results.append(CheckResult(name, True, round(elapsed, 1)))
    return results
