"""Structural checks against the JSON Schema of format v1, as ``Problem``s an author can act on.

jsonschema's own messages quote Python reprs of whole objects; these name the field and the fix.
"""

import json
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from apps.curriculum.exchange.problems import Problem

SCHEMA_PATH = Path(__file__).with_name("course.v1.schema.json")
KIND_NAMES = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
    "null": "null",
}


@cache
def course_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def _inlined(node: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            target = _inlined(definitions[node["$ref"].rsplit("/", 1)[-1]], definitions)
            return {
                **target,
                **{k: _inlined(v, definitions) for k, v in node.items() if k != "$ref"},
            }
        return {k: _inlined(v, definitions) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inlined(v, definitions) for v in node]
    return node


@cache
def _validator() -> Draft202012Validator:
    schema = course_schema()
    Draft202012Validator.check_schema(schema)
    # The schema has no recursion, so its $refs can be expanded once; resolving them on every
    # item made validating the demo course ~3x slower.
    return Draft202012Validator(_inlined(schema, schema["$defs"]))


def json_path(parts: Sequence[str | int]) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _kind_of(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "an object"


def _expected(types: str | list[str]) -> str:
    names = [KIND_NAMES.get(t, t) for t in ([types] if isinstance(types, str) else types)]
    return " or ".join(names)


def _messages(error: ValidationError) -> Iterator[tuple[list[str | int], str]]:
    """(path, message) pairs for one schema error; some errors split into one per field."""
    path: list[str | int] = list(error.absolute_path)
    value, rule, limit = error.instance, error.validator, error.validator_value
    if rule == "required":
        for name in limit:
            if isinstance(value, dict) and name not in value:
                yield [*path, name], "Required field is missing."
    elif rule == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        for name in value:
            if name not in allowed:
                yield [*path, name], f"Unknown field; allowed here: {', '.join(allowed)}."
    elif rule == "type":
        yield path, f"Must be {_expected(limit)}, not {_kind_of(value)}."
    elif rule == "enum":
        yield path, f"Must be one of {', '.join(map(str, limit))} (found {value!r})."
    elif rule == "const":
        yield path, f"Must be {limit!r} (found {value!r})."
    elif rule == "pattern" and limit == "\\S":
        yield path, "May not be blank."
    elif rule == "pattern":
        yield (
            path,
            (
                f"{value!r} is not a slug: use lowercase letters, digits, hyphens and underscores, "
                "starting with a letter or digit."
            ),
        )
    elif rule == "minLength":
        yield path, "May not be empty."
    elif rule == "maxLength":
        yield path, f"Longer than {limit} characters."
    elif rule == "minItems":
        yield path, f"Needs at least {limit} entr{'y' if limit == 1 else 'ies'}."
    elif rule == "uniqueItems":
        repeated = sorted({json.dumps(v) for v in value if value.count(v) > 1})
        yield path, f"Lists the same value twice: {', '.join(repeated)}."
    elif rule in {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}:
        words = {
            "minimum": "at least",
            "maximum": "at most",
            "exclusiveMinimum": "above",
            "exclusiveMaximum": "below",
        }
        yield path, f"Must be {words[rule]} {limit} (found {value!r})."
    else:
        yield path, error.message


def _sort_key(parts: list[str | int]) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, p) if isinstance(p, int) else (1, p) for p in parts)


def structural_problems(source: str, document: Any) -> list[Problem]:
    found: dict[str, list[str]] = {}
    paths: dict[str, list[str | int]] = {}
    for error in _validator().iter_errors(document):
        for parts, message in _messages(error):
            path = json_path(parts)
            paths[path] = parts
            if message not in found.setdefault(path, []):
                found[path].append(message)
    ordered = sorted(found, key=lambda p: _sort_key(paths[p]))
    return [Problem(source, path, message) for path in ordered for message in found[path]]
