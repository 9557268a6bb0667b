"""Check real API responses against the OpenAPI 3.0 schema that drf-spectacular generates.

The schema is generated in-process, each response is matched to its operation by path template,
method and status code, and the JSON body is validated with jsonschema. OpenAPI 3.0 is not JSON
Schema, so schemas are converted first:

* ``nullable: true`` becomes a type list including ``"null"`` (or ``anyOf [..., null]`` when the
  schema has no ``type``, as drf-spectacular's ``allOf: [$ref]`` wrappers have);
* ``$ref: #/components/schemas/X`` points at ``#/$defs/X`` of the converted document;
* ``readOnly``/``writeOnly`` stay as annotations (JSON Schema 2020-12 validates neither), and
  OpenAPI-only keywords (``discriminator``, ``example``, ``xml``, ``externalDocs``) are dropped;
* strictness: every schema that lists ``properties`` and says nothing about
  ``additionalProperties`` gets ``additionalProperties: false``, so an undocumented key in a body
  is drift, not silently accepted.
"""

import copy
import functools
import json
import re
from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match

COMPONENT_REF = "#/components/schemas/"
OPENAPI_ONLY = {"nullable", "discriminator", "example", "xml", "externalDocs"}
SCHEMA_KEYWORDS = {"items", "not", "additionalProperties"}
SCHEMA_LIST_KEYWORDS = {"allOf", "anyOf", "oneOf"}


@functools.cache
def _generated_schema() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def openapi_schema() -> dict[str, Any]:
    """The project's OpenAPI document (generated once per test process; a private copy)."""
    return copy.deepcopy(_generated_schema())


def to_json_schema(node: Any) -> Any:
    """One OpenAPI 3.0 schema object as JSON Schema 2020-12 (see the module docstring)."""
    if isinstance(node, bool) or not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in OPENAPI_ONLY:
            continue
        if key == "$ref":
            if not value.startswith(COMPONENT_REF):
                raise ValueError(f"Unsupported $ref {value!r}")
            out[key] = "#/$defs/" + value.removeprefix(COMPONENT_REF)
        elif key == "properties":
            out[key] = {name: to_json_schema(sub) for name, sub in value.items()}
        elif key in SCHEMA_KEYWORDS:
            out[key] = to_json_schema(value)
        elif key in SCHEMA_LIST_KEYWORDS:
            out[key] = [to_json_schema(sub) for sub in value]
        else:  # type, enum, required, format, minimum, description, readOnly, ...: as they are
            out[key] = copy.deepcopy(value)
    if "properties" in out and "additionalProperties" not in out:
        # Strict: a key the schema does not document is drift. (drf-spectacular puts at most one
        # schema in an allOf, so this cannot reject keys documented by a sibling allOf member.)
        out["additionalProperties"] = False
    if node.get("nullable"):
        if "type" in out:
            types = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["type"] = [*types, "null"] if "null" not in types else types
            if "enum" in out and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def _is_null_branch(errors: list[ValidationError]) -> bool:
    """The complaint of the `null` alternative of a nullable anyOf/oneOf (noise, not the cause)."""
    return len(errors) == 1 and (
        (errors[0].validator == "type" and errors[0].validator_value == "null")
        or (errors[0].validator == "enum" and errors[0].validator_value == [None])
    )


def _causes(error: ValidationError) -> Iterator[ValidationError]:
    """The errors worth reading: inside a nullable wrapper, the non-null branch's errors."""
    if not error.context:
        yield error
        return
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    real = [errors for errors in branches.values() if not _is_null_branch(errors)]
    if len(real) == 1:
        for sub in real[0]:
            yield from _causes(sub)
    else:  # real alternatives (polymorphism): the most relevant one
        yield best_match(error.context) or error


def _matches(template: str, path: str) -> bool:
    pieces = re.split(r"\{[^}]+\}", template)
    return re.fullmatch("[^/]+".join(re.escape(piece) for piece in pieces), path) is not None


class SchemaChecker:
    """Validates responses and collects every mismatch, so one run reports all the drift."""

    def __init__(self, schema: dict[str, Any] | None = None) -> None:
        self.schema = schema if schema is not None else openapi_schema()
        self.defs = {
            name: to_json_schema(sub)
            for name, sub in self.schema.get("components", {}).get("schemas", {}).items()
        }
        self.problems: list[str] = []
        self.checked: list[str] = []

    def template_for(self, path: str, method: str) -> str | None:
        """The schema's path template for a concrete path (literal segments beat parameters)."""
        candidates = [t for t in self.schema["paths"] if _matches(t, path)]
        candidates.sort(key=lambda t: t.count("{"))
        with_method = [t for t in candidates if method.lower() in self.schema["paths"][t]]
        return (with_method or candidates or [None])[0]

    def check(self, response: Any, label: str = "") -> Any:
        """Validate one test-client response; returns its JSON body (None when it has none)."""
        path = response.request["PATH_INFO"]
        method = response.request["REQUEST_METHOD"].upper()
        status = str(response.status_code)
        body_bytes = response.content
        body = json.loads(body_bytes) if body_bytes else None
        template = self.template_for(path, method)
        endpoint = f"{method} {template or path} -> {status}" + (f" [{label}]" if label else "")
        if template is None:
            self.problems.append(f"{endpoint}: path is not in the schema")
            return body
        operation = self.schema["paths"][template].get(method.lower())
        if operation is None:
            self.problems.append(f"{endpoint}: method is not documented for this path")
            return body
        documented = operation.get("responses", {})
        if status not in documented:
            self.problems.append(
                f"{endpoint}: status {status} is not documented (documented: "
                f"{', '.join(sorted(documented))}); body {_short(body)}"
            )
            return body
        content = documented[status].get("content") or {}
        if "application/json" not in content:
            # Errors too: every error status is documented with the Error body (apps.core.schema).
            if body_bytes:
                self.problems.append(f"{endpoint}: body {_short(body)} but none is documented")
            return body
        media_type = response.get("Content-Type", "")
        if not media_type.startswith("application/json"):
            self.problems.append(f"{endpoint}: Content-Type {media_type!r}, not application/json")
        root = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$defs": self.defs,
            **to_json_schema(content["application/json"].get("schema", {})),
        }
        Draft202012Validator.check_schema(root)
        validator = Draft202012Validator(root, format_checker=FormatChecker())
        self.checked.append(endpoint)
        causes = [cause for error in validator.iter_errors(body) for cause in _causes(error)]
        for cause in sorted(causes, key=lambda c: ([str(p) for p in c.absolute_path], c.message)):
            self.problems.append(f"{endpoint}: {cause.json_path}: {cause.message}")
        return body

    def assert_no_drift(self) -> None:
        problems = list(dict.fromkeys(self.problems))  # the same drift seen twice, once
        assert not problems, (
            f"{len(problems)} response(s) differ from the OpenAPI schema:\n" + "\n".join(problems)
        )


def _short(body: Any, limit: int = 300) -> str:
    text = json.dumps(body, default=str)
    return text if len(text) <= limit else text[:limit] + "…"
