"""One error shape for every API 4xx: ``{"error": {"code", "message", "fields"}}``.

``message`` always names the offending field(s) so a client can show it as is; ``fields`` maps
each field (dotted for nested input, e.g. ``choices.0.text``) to its messages.
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)
# What a 503 for a lost database tells clients to wait: long enough for a failover or a pooler
# to reconnect, short enough that a learner's answer is retried within the same minute.
DATABASE_RETRY_AFTER_SECONDS = 5


class ApplicationError(Exception):
    """A business rule said no. Services raise it (or a subclass below); the one exception
    handler maps the class to an HTTP status. Services never name a status code."""

    default_code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        # Field problems share the code of serializer validation errors, so clients branch once.
        self.code = code or ("validation_error" if self.fields else self.default_code)


class NotFound(ApplicationError):
    """No such thing, or not one the user may see (the two are not told apart)."""

    default_code = "not_found"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message, code=self.default_code, fields=fields)


class Conflict(ApplicationError):
    """The request clashes with what is stored (e.g. an id already used for something else)."""

    default_code = "conflict"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message, code=self.default_code, fields=fields)


class Forbidden(ApplicationError):
    """The user is known but may not do this."""

    default_code = "permission_denied"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message, code=self.default_code, fields=fields)


# The one place where a domain error becomes an HTTP status (most specific class first).
STATUS_OF_ERROR: tuple[tuple[type[ApplicationError], int], ...] = (
    (NotFound, status.HTTP_404_NOT_FOUND),
    (Conflict, status.HTTP_409_CONFLICT),
    (Forbidden, status.HTTP_403_FORBIDDEN),
    (ApplicationError, status.HTTP_400_BAD_REQUEST),
)


def status_for(error: ApplicationError) -> int:
    return next(code for kind, code in STATUS_OF_ERROR if isinstance(error, kind))


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error detail into ``{"a.b.0.c": ["msg", ...]}``."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = key if not prefix else f"{prefix}.{key}"
            if key == "non_field_errors" and not prefix:
                name = "non_field_errors"
            flat.update(flatten_errors(value, name))
        return flat
    if isinstance(detail, list):
        if all(not isinstance(v, dict | list) for v in detail):
            return {prefix or "non_field_errors": [str(v) for v in detail]}
        flat = {}
        for index, value in enumerate(detail):
            if value:
                flat.update(flatten_errors(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or "non_field_errors": [str(detail)]}


def _message_from_fields(fields: dict[str, list[str]]) -> str:
    parts = []
    for name, messages in fields.items():
        text = " ".join(messages)
        parts.append(text if name == "non_field_errors" else f"{name}: {text}")
    return " ".join(parts) or "Invalid input."


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def application_error_body(exc: ApplicationError) -> dict:
    """The body of a domain error; its message names the fields at fault."""
    message = exc.message
    if exc.fields and not any(name in message for name in exc.fields):
        message = f"{message} ({_message_from_fields(exc.fields)})"
    return error_body(exc.code, message, exc.fields)


def validation_error_body(detail: Any) -> dict:
    """The body of a serializer's validation errors (``ValidationError.detail``)."""
    fields = flatten_errors(detail)
    return error_body("validation_error", _message_from_fields(fields), fields)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, OperationalError | InterfaceError):
        # The database is down or the connection broke: the client may retry, so say so in the
        # API's shape (a 503) instead of Django's HTML 500. Logged, as it needs an operator.
        logger.exception("API request failed: the database is unavailable")
        body = error_body("database_unavailable", "The database is unavailable; try again shortly.")
        return Response(
            body,
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, Http404):
        # A lookup by a path parameter failed (a selector's or get_object_or_404's Http404).
        missing = str(exc) or "Not found."
        return Response(
            error_body("not_found", missing, _path_fields(missing, context)),
            status=status.HTTP_404_NOT_FOUND,
        )
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, ApplicationError):
        return Response(application_error_body(exc), status=status_for(exc))

    response = exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: let Django log it and answer 500

    if isinstance(exc, exceptions.ValidationError):
        response.data = validation_error_body(exc.detail)
    elif isinstance(exc, exceptions.APIException):
        response.data = error_body(_code_of(exc), readable_message(exc.detail))
    return response


def readable_message(detail: Any) -> str:
    """A sentence from an exception's detail. simplejwt's InvalidToken carries a dict
    (``{"detail", "code", "messages"}``) whose ``str()`` is a Python repr: take its text."""
    if isinstance(detail, dict):
        if "detail" in detail:
            return readable_message(detail["detail"])
        return _message_from_fields(flatten_errors(detail))
    if isinstance(detail, list):
        return " ".join(readable_message(part) for part in detail) or "Invalid request."
    return str(detail)


def _code_of(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    if isinstance(exc.detail, dict) and isinstance(exc.detail.get("code"), str):
        return str(exc.detail["code"])  # simplejwt's dict detail names its code
    return str(exc.default_code)


def _path_fields(message: str, context: dict[str, Any]) -> dict[str, list[str]]:
    """A 404 names the path parameter at fault, so a client knows which id or slug to check."""
    kwargs = context.get("kwargs") or {}
    name = _parameter_at_fault(message, list(kwargs))
    if name is None:
        return {}
    return {name: [f"{message.rstrip('.')}: {str(kwargs[name])!r}."]}


def _parameter_at_fault(message: str, names: list[str]) -> str | None:
    """The only parameter; or the one whose noun the message names (``skill_slug`` for "No such
    skill."); or else the one plain ``slug``/``pk`` of the outer resource ("No such course." under
    ``courses/<slug>/skills/<skill_slug>/``). None when that cannot be told."""
    if len(names) == 1:
        return names[0]
    text = message.lower()
    named = [name for name in names if "_" in name and name.split("_")[0] in text]
    if len(named) == 1:
        return named[0]
    plain = [name for name in names if "_" not in name]
    return plain[0] if not named and len(plain) == 1 else None
