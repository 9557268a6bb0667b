"""Answers /health, /ready and /metrics before any other middleware runs.

Kubelet probes and Prometheus reach pods by IP, so these requests carry a Host header that
ALLOWED_HOSTS rightly rejects and arrive over plain HTTP that SECURE_SSL_REDIRECT would bounce.
Serving them here, first, keeps both protections on for everything else.
"""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse

from apps.core import metrics
from apps.core.readiness import run_checks
from apps.core.throttling import throttle_backend

OPS_PATHS = {"/health", "/health/", "/ready", "/ready/", "/metrics", "/metrics/"}


def health_view(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


def ready_view(request: HttpRequest) -> HttpResponse:
    results = run_checks()
    failed = [r for r in results if not r.ok]
    body: dict[str, object] = {
        "status": "ok" if not failed else "unavailable",
        # Whether rate limits are shared through Redis or held per process (apps.core.throttling)
        "throttle_backend": throttle_backend(),
        "checks": {
            r.name: {"ok": r.ok, "ms": r.milliseconds, **({"error": r.error} if r.error else {})}
            for r in results
        },
    }
    if failed:
        body["message"] = "Not ready: " + ", ".join(r.name for r in failed)
    return JsonResponse(body, status=200 if not failed else 503)


class OpsEndpointsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path not in OPS_PATHS:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        name = request.path.strip("/")
        if name == "health":
            return health_view(request)
        if name == "ready":
            return ready_view(request)
        return metrics.metrics_view(request)


request_logger = logging.getLogger("apps.request")


class RequestLogMiddleware:
    """One JSON log line per request, carrying the request id django-guid assigned."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        request_logger.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response


class PermissionsPolicyMiddleware:
    """Sends ``Permissions-Policy`` denying every feature in settings.PERMISSIONS_POLICY.

    No page uses the camera, microphone, location, payment or USB, so a script that got in (or
    a page that framed ours) cannot ask for them either. Built once: the setting is static.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response
