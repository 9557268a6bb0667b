"""The OpenAPI schema documents the error body once, as ``Error``, and every error status an
operation can answer (apps.core.schema) with that body."""

import pytest

from tests.core.schema_validation import openapi_schema

ERROR_REF = {"$ref": "#/components/schemas/Error"}


@pytest.fixture(scope="module")
def schema() -> dict:
    return openapi_schema()


def statuses(schema: dict, path: str, method: str) -> list[str]:
    return sorted(schema["paths"][path][method]["responses"])


def test_the_error_component_is_the_one_shape(schema):
    components = schema["components"]["schemas"]
    assert components["Error"]["properties"] == {
        "error": {"$ref": "#/components/schemas/ErrorDetail"}
    }
    assert components["Error"]["required"] == ["error"]
    detail = components["ErrorDetail"]
    assert sorted(detail["properties"]) == ["code", "fields", "message"]
    assert sorted(detail["required"]) == ["code", "fields", "message"]
    assert detail["properties"]["fields"]["additionalProperties"] == {
        "type": "array",
        "items": {"type": "string"},
    }


def test_every_error_response_has_the_error_body(schema):
    missing = [
        f"{method.upper()} {path} -> {status}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        for status, response in operation["responses"].items()
        if int(status) >= 400
        and response.get("content", {}).get("application/json", {}).get("schema") != ERROR_REF
    ]
    assert missing == []


def test_token_endpoints_document_their_errors(schema):
    for path in ("/api/v1/auth/token/", "/api/v1/auth/token/refresh/"):
        assert statuses(schema, path, "post") == ["200", "400", "401", "413", "429"]
    assert (
        "Retry-After"
        in schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]["429"]["headers"]
    )


def test_statuses_follow_from_the_view(schema):
    # Authenticated, a path parameter, no body: 401/403/404 (and 400 for its query params, if
    # any); a body adds 400 and 413.
    course = schema["paths"]["/api/v1/courses/{slug}/"]
    assert {"401", "403", "404"} <= set(course["get"]["responses"])
    assert "413" not in course["get"]["responses"]
    assert {"400", "401", "403", "404", "413"} <= set(course["patch"]["responses"])
    # Sign-up reads no token: no 401 added (register documents its own errors).
    me = statuses(schema, "/api/v1/me/", "get")
    assert "401" in me
    assert "404" not in me
    # A paginated list: a page past the last is a 404 naming `page`.
    assert "404" in statuses(schema, "/api/v1/classrooms/", "get")
    assert "413" not in me
