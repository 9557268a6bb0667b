"""Rate limits that hold when Redis does not.

The shared cache fails open (a Redis outage is cache misses, never a 500), which would make
every throttle forget its history and let a brute-force run through. Throttles therefore use
their own cache alias, ``throttle``, which raises instead, and on a cache error fall back to a
per-process memory cache (``throttle_fallback``): limiting goes on, per gunicorn worker instead
of per deployment (at most workers x the rate), until Redis answers again. ``/ready`` says
which one is in force (``throttle_backend``).
"""

import hashlib
import logging
import time
from typing import Any

from django.core.cache import caches
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError
from rest_framework.throttling import ScopedRateThrottle

logger = logging.getLogger(__name__)

THROTTLE_CACHE = "throttle"
FALLBACK_CACHE = "throttle_fallback"
CACHE_ERRORS = (ConnectionInterrupted, RedisError, OSError)
# How long /ready keeps reporting the fallback after the last cache error.
DEGRADED_SECONDS = 60.0
_last_error_at: float | None = None


def _mark_degraded() -> None:
    global _last_error_at
    _last_error_at = time.monotonic()


def throttle_backend() -> str:
    """'shared' while the throttles' cache answers; 'per-process' after a recent error."""
    if _last_error_at is not None and time.monotonic() - _last_error_at < DEGRADED_SECONDS:
        return "per-process"
    return "shared"


class ResilientScopedRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle on the ``throttle`` cache, falling back to process memory."""

    def allow_request(self, request: Any, view: Any) -> bool:
        self.cache = caches[THROTTLE_CACHE]
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS as error:
            _mark_degraded()
            logger.warning(
                "throttle cache unreachable; limiting per process",
                extra={"error": type(error).__name__},
            )
            self.cache = caches[FALLBACK_CACHE]
            return super().allow_request(request, view)


class AccountScopedRateThrottle(ResilientScopedRateThrottle):
    """The scoped throttle keyed on the client address *and* the account the request is for,
    so pupils behind one school NAT each have their own budget instead of sharing one.

    The view names the account with ``throttle_account(request) -> str | None`` (a normalised
    username, a verified token's user id); a request that names none (sign-up, a garbage
    token) falls back to the address alone, so it cannot buy a fresh budget by varying it."""

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        account = getattr(view, "throttle_account", lambda _request: None)(request)
        ident = self.get_ident(request)
        if account:
            # Hashed: the cache key holds no username, and any string fits a key.
            ident = f"{ident}:{hashlib.sha256(account.encode()).hexdigest()[:32]}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
