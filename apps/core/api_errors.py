"""Errors Django answers itself (no DRF view ran) in the API's one shape, under /api/ only.

DRF's views go through ``apps.core.exceptions.api_exception_handler``. What is left reaches
Django's error handlers: an unknown URL (404), a SuspiciousOperation or a body over the limit
(400, here 413 for the size), a PermissionDenied outside DRF (403) and a crash (500). Under
``/api/`` these answer ``{"error": {"code", "message", "fields"}}``; every other path keeps
Django's HTML pages, which the web app's templates style.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from apps.core.exceptions import error_body

API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def json_error(
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> JsonResponse:
    return JsonResponse(error_body(code, message, fields), status=status)


def byte_limit_text(limit: int) -> str:
    return f"{limit:,} bytes ({limit / 2**20:.3g} MB)"


def too_large(limit: int) -> JsonResponse:
    return json_error(
        413,
        "request_too_large",
        f"The request body is larger than the {byte_limit_text(limit)} this API accepts.",
    )


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not is_api_request(request):
        return defaults.bad_request(request, exception)  # type: ignore[arg-type]
    if isinstance(exception, RequestDataTooBig):
        return too_large(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
    # The exception's text may echo attacker-chosen input (a Host header): not repeated.
    return json_error(400, "bad_request", "The request is malformed and was refused.")


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not is_api_request(request):
        return defaults.permission_denied(request, exception)  # type: ignore[arg-type]
    return json_error(403, "permission_denied", "You do not have permission to do this.")


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not is_api_request(request):
        return defaults.page_not_found(request, exception)  # type: ignore[arg-type]
    return json_error(
        404,
        "not_found",
        f"No API endpoint at {request.path}; the endpoints are listed at /api/schema/.",
    )


def handler500(request: HttpRequest) -> HttpResponse:
    if not is_api_request(request):
        return defaults.server_error(request)
    return json_error(500, "server_error", "Something went wrong on our side; it has been logged.")
