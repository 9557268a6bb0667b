"""/metrics: django-prometheus's request, database and cache metrics plus business gauges.

Business gauges (active learners, users by role, ...) are read from the database at scrape time
by providers that each app registers, so they are right whichever process served the answers.
Results are cached briefly so a scrape every 15 s costs a few cheap queries at most.
"""

import contextlib
import hmac
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import prometheus_client
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector


@dataclass(frozen=True)
class GaugeSample:
    name: str
    documentation: str
    labels: dict[str, str]
    value: float


logger = logging.getLogger(__name__)
GaugeProvider = Callable[[], Iterable[GaugeSample]]
_providers: list[GaugeProvider] = []
CACHE_KEY = "metrics:business-gauges"
CACHE_SECONDS = 15


def register_gauge_provider(provider: GaugeProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def collect_business_samples() -> list[GaugeSample]:
    cached = cache.get(CACHE_KEY)
    if cached is not None:
        return cached
    samples: list[GaugeSample] = []
    for provider in _providers:
        try:
            samples.extend(provider())
        except DatabaseError:
            # A database outage must not take the request and cache metrics down with it:
            # Prometheus still scrapes those, and /ready reports the database.
            logger.warning("metrics provider %s failed", provider.__qualname__, exc_info=True)
    cache.set(CACHE_KEY, samples, CACHE_SECONDS)
    return samples


class BusinessCollector(Collector):
    def describe(self) -> Iterable[Metric]:
        # Without describe() the registry would call collect() at registration, which would
        # query the database while Django is still starting (and deadlock on the registry lock).
        return []

    def collect(self) -> Iterable[Metric]:
        families: dict[str, GaugeMetricFamily] = {}
        for sample in collect_business_samples():
            family = families.get(sample.name)
            if family is None:
                family = GaugeMetricFamily(
                    sample.name, sample.documentation, labels=sorted(sample.labels)
                )
                families[sample.name] = family
            family.add_metric([sample.labels[k] for k in sorted(sample.labels)], sample.value)
        return list(families.values())


_business_collector = BusinessCollector()


def register_business_collector() -> None:
    with contextlib.suppress(ValueError):  # already registered (autoreload, tests)
        prometheus_client.REGISTRY.register(_business_collector)


def _refusal(request: HttpRequest) -> HttpResponse | None:
    """Why this scrape may not read the metrics (a response to send), or None when it may.

    With a token, only "Authorization: Bearer <token>" reads them. Without one they are open
    only where METRICS_PUBLIC says so (development by default; production refuses, so a
    forgotten token never leaves the business gauges and request figures open to anyone).
    """
    token = settings.METRICS_TOKEN
    if token:
        header = request.headers.get("Authorization", "")
        if hmac.compare_digest(header.encode(), f"Bearer {token}".encode()):
            return None
        return HttpResponse("metrics token required\n", status=401, content_type="text/plain")
    if settings.METRICS_PUBLIC:
        return None
    return HttpResponse(
        "metrics are disabled: set METRICS_TOKEN (or METRICS_PUBLIC=true to serve them openly)\n",
        status=403,
        content_type="text/plain",
    )


def metrics_view(request: HttpRequest) -> HttpResponse:
    refusal = _refusal(request)
    if refusal is not None:
        return refusal
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Several gunicorn workers: merge their files, then add the database-derived gauges.
        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(_business_collector)
    else:
        registry = prometheus_client.REGISTRY
    payload = prometheus_client.generate_latest(registry)
    return HttpResponse(payload, content_type=prometheus_client.CONTENT_TYPE_LATEST)
