"""The OpenAPI schema documents the errors each operation can really answer, in the one shape.

``ApiAutoSchema`` (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS) adds, to what a view's
``@extend_schema`` declares, the statuses that follow from the view itself:

* 400 where there is a request body or query parameters (validation, malformed JSON);
* 401 where a token is read (any authenticator, and simplejwt's token views);
* 403 where a permission class can refuse (anything but AllowAny);
* 404 where the path has a parameter or the list is paginated (a page past the last);
* 413 where there is a body; 429 where a throttle applies.

Every 4xx/5xx response, declared or added, gets the ``Error`` body. A view's own description
of a status is kept. Operations marked with ``apps.core.deprecation.deprecated`` are
``deprecated: true``.
"""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework_simplejwt.views import TokenViewBase

from apps.core.deprecation import deprecation_for


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Stable and machine-readable: `validation_error`, `not_found`, "
        "`token_not_valid`, `token_revoked`, `throttled`, `request_too_large`, ..."
    )
    message = serializers.CharField(
        help_text="A sentence a person can read; it names the offending fields."
    )
    # DRF's metaclass moves declared fields off the class, so this does not shadow
    # Serializer.fields at runtime; only the type checker sees the clash.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Each offending field or parameter (dotted for nested input, e.g. "
        "`choices.0.text`) and its messages; empty when no field is at fault.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


DESCRIPTIONS = {
    "400": "Invalid input; `error.fields` names each bad field or parameter.",
    "401": "No valid token: missing, malformed, expired, revoked or of the wrong type.",
    "403": "Not allowed for your role, or not yours.",
    "404": "No such thing (or not visible to you), or no such page; `error.fields` names the "
    "parameter.",
    "413": "The request body is over the size limit.",
    "429": "Too many requests; retry after `Retry-After` seconds.",
}
RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds to wait before trying again.",
    }
}


CONDITIONAL_PARAMETERS = [
    {
        "in": "header",
        "name": "If-None-Match",
        "schema": {"type": "string"},
        "description": "The ETag of the copy you hold: a 304 without a body if it is current.",
    },
    {
        "in": "header",
        "name": "If-Modified-Since",
        "schema": {"type": "string"},
        "description": "An HTTP date: a 304 if nothing changed since (ETags are preferred).",
    },
]
ETAG_HEADERS = {
    "ETag": {"schema": {"type": "string"}, "description": "Send it back as If-None-Match."},
    "Cache-Control": {"schema": {"type": "string"}, "description": "`private, no-cache`."},
}


def _document_conditional_get(operation: dict[str, Any]) -> None:
    """Course content answers conditional GETs (``apps.curriculum.api.caching``)."""
    operation.setdefault("parameters", []).extend(CONDITIONAL_PARAMETERS)
    responses = operation["responses"]
    if "200" in responses:
        responses["200"].setdefault("headers", {}).update(ETAG_HEADERS)
    responses["304"] = {
        "description": "Not modified: the copy you hold (If-None-Match) is current; no body.",
        "headers": {"ETag": ETAG_HEADERS["ETag"]},
    }


class ApiAutoSchema(AutoSchema):
    def is_deprecated(self) -> bool:
        return deprecation_for(type(self.view), self.method) is not None or super().is_deprecated()

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses: dict[str, Any] = operation["responses"]
        for status in self._error_statuses(operation):
            responses.setdefault(status, {"description": DESCRIPTIONS[status]})
        error = {
            "application/json": {"schema": self.resolve_serializer(ErrorSerializer, "response").ref}
        }
        for status, response in responses.items():
            if int(status) >= 400 and not response.get("content"):
                response["content"] = error
            if status == "429":
                response.setdefault("headers", RETRY_AFTER)
        if self.method == "GET" and getattr(self.view, "conditional_get", False):
            _document_conditional_get(operation)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _error_statuses(self, operation: dict[str, Any]) -> list[str]:
        parameters = operation.get("parameters", [])
        locations = {parameter.get("in") for parameter in parameters}
        # A page past the last is a 404 naming `page` (apps.core.pagination).
        paginated = any(p.get("in") == "query" and p.get("name") == "page" for p in parameters)
        has_body = "requestBody" in operation
        view = self.view
        statuses = {
            "400": has_body or "query" in locations,
            "401": bool(view.get_authenticators()) or isinstance(view, TokenViewBase),
            "403": any(not isinstance(p, AllowAny) for p in view.get_permissions()),
            "404": "path" in locations or paginated,
            "413": has_body,
            "429": bool(view.get_throttles()),
        }
        return [status for status, applies in statuses.items() if applies]
