"""The project's middleware. OpsEndpointsMiddleware answers /health, /ready and /metrics
before any other middleware runs.

Kubelet probes and Prometheus reach pods by IP, so these requests carry a Host header that
ALLOWED_HOSTS rightly rejects and arrive over plain HTTP that SECURE_SSL_REDIRECT would bounce.
Serving them here, first, keeps both protections on for everything else.
"""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import is_valid_path

from apps.core import metrics
from apps.core.api_errors import API_PREFIX, too_large
from apps.core.deprecation import deprecation_for
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


# Unsafe methods only: a redirect would drop their body (APPEND_SLASH answers a 301, which
# clients follow with a GET). GET and HEAD keep the redirect to the one canonical URL.
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class ApiTrailingSlashMiddleware:
    """Under /api/, ``POST /api/v1/practice/answers`` reaches ``.../answers/``.

    Rewrites the path before URL resolution when only the slashed path exists, so the request
    is served as sent, body and all. Must run before CommonMiddleware, whose APPEND_SLASH
    would otherwise turn the 404 into a body-dropping redirect.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if (
            request.method in BODY_METHODS
            and path.startswith(API_PREFIX)
            and not path.endswith("/")
            and not is_valid_path(path, getattr(request, "urlconf", None))
            and is_valid_path(f"{path}/", getattr(request, "urlconf", None))
        ):
            request.path_info = f"{path}/"
            request.path = f"{request.path}/"
        return self.get_response(request)


class ApiBodySizeMiddleware:
    """Refuses an API body over the limit with a JSON 413 before anything reads it.

    Django checks DATA_UPLOAD_MAX_MEMORY_SIZE only when ``request.body`` or ``request.POST`` is
    read; DRF's JSON parser reads the stream itself, so without this a 6 MB JSON body would be
    parsed whole. Multipart bodies carry uploads (a course import is up to 10 MB), so they get
    API_MULTIPART_MAX_BYTES; their form fields stay under Django's own limits.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            limit = self.limit_for(request)
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0  # as Django and DRF read it: no body
            if limit is not None and length > limit:
                return too_large(limit)
        return self.get_response(request)

    @staticmethod
    def limit_for(request: HttpRequest) -> int | None:
        if request.content_type == "multipart/form-data":
            return int(settings.API_MULTIPART_MAX_BYTES)
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class DeprecationHeadersMiddleware:
    """Adds ``Deprecation``/``Sunset``/``Link`` to responses of views marked with
    ``apps.core.deprecation.deprecated`` (the resolved view's handler for the method)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is None:
            return response
        view_class = getattr(match.func, "view_class", None)
        mark = deprecation_for(view_class, request.method or "GET")
        if mark is not None:
            for name, value in mark.headers().items():
                existing = response.headers.get(name) if name == "Link" else None
                response.headers[name] = f"{existing}, {value}" if existing else value
        return response
