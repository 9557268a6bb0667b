"""Bytes to text to JSON, refusing what cannot be a course file before anything looks inside."""

import json
import re
from typing import Any

from apps.curriculum.exchange.problems import Problem

MAX_FILE_BYTES = 10 * 1024 * 1024


class DecodeFailed(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def decode_text(source: str, content: bytes | str) -> str:
    """UTF-8 text of the upload (a byte-order mark, as Excel writes, is dropped)."""
    raw = content.encode("utf-8", errors="surrogatepass") if isinstance(content, str) else content
    if len(raw) > MAX_FILE_BYTES:
        limit = f"{MAX_FILE_BYTES:,} bytes ({MAX_FILE_BYTES / 2**20:g} MB)"
        raise DecodeFailed(
            Problem(source, "$", f"The file is {len(raw):,} bytes; the limit is {limit}.")
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start : exc.start + 1].hex()
        raise DecodeFailed(
            Problem(
                source,
                f"line {line}",
                f"The file is not UTF-8 text (byte 0x{byte} at offset {exc.start}); "
                "save it as UTF-8.",
            )
        ) from None
    if not text.strip():
        raise DecodeFailed(Problem(source, "$", "The file is empty."))
    if "\x00" in text:
        # PostgreSQL cannot store it in text columns; a binary file renamed to .json has them.
        line = text[: text.index("\x00")].count("\n") + 1
        raise DecodeFailed(Problem(source, f"line {line}", "The file contains a NUL character."))
    return text


class _NotJson(ValueError):
    """Accepted by Python's json module but not by the format: NaN and Infinity, numbers too
    long to convert, a key repeated in one object."""


def _reject_constant(name: str) -> None:
    raise _NotJson(f"{name} is not a JSON number")


def _parse_int(text: str) -> int:
    # No number in a course needs 19 digits, and Python refuses to convert ones over 4,300.
    if len(text.lstrip("-")) > 18:
        raise _NotJson(f"the number {text[:20]}... is too large")
    return int(text)


# Text a course may not hold, though Python's json accepts it: PostgreSQL cannot store a NUL,
# and a lone surrogate (``"\ud800"``) is no Unicode character, so no UTF-8 encoder (the
# database's, nh3's) can take it.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _unstorable_message(text: str) -> str | None:
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "Text may not contain the NUL character."
    return f"Text may not contain a lone surrogate (\\u{ord(found.group()):04x})."


def _unstorable_text(value: Any, path: str = "$") -> tuple[str, str] | None:
    """Where (a JSON path) and why a string (or key) holds text no database can store."""
    if isinstance(value, str):
        message = _unstorable_message(value)
        return (path, message) if message else None
    if isinstance(value, list):
        for index, inner in enumerate(value):
            if (found := _unstorable_text(inner, f"{path}[{index}]")) is not None:
                return found
    if isinstance(value, dict):
        for key, inner in value.items():
            if (message := _unstorable_message(key)) is not None:
                return path, message
            if (found := _unstorable_text(inner, f"{path}.{key}")) is not None:
                return found
    return None


def _pairs_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # A repeated key would silently keep only its last value (e.g. a second "items" list).
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _NotJson(f"the key {key!r} appears twice in one object")
        seen[key] = value
    return seen


def parse_json(source: str, text: str) -> Any:
    try:
        document = json.loads(
            text,
            object_pairs_hook=_pairs_without_duplicates,
            parse_constant=_reject_constant,
            parse_int=_parse_int,
        )
    except json.JSONDecodeError as exc:
        raise DecodeFailed(
            Problem(
                source,
                f"line {exc.lineno}, column {exc.colno}",
                f"Invalid JSON: {exc.msg}.",
            )
        ) from None
    except _NotJson as exc:
        raise DecodeFailed(Problem(source, "$", f"Invalid JSON: {exc}.")) from None
    except RecursionError:
        raise DecodeFailed(Problem(source, "$", "Invalid JSON: nested too deeply.")) from None
    if (unstorable := _unstorable_text(document)) is not None:
        raise DecodeFailed(Problem(source, *unstorable))
    return document
