"""Items as CSV, for authors who write questions in a spreadsheet.

One row per item; the header row names the columns (any order, all required). Cells holding
several values separate them with ``|``; a choice is ``key=text`` with ``*`` before the key of
a correct one (``*b=3/5``). Inside such cells ``\\|``, ``\\=``, ``\\*`` and ``\\\\`` stand for
the literal characters. See FORMAT.md.
"""

import csv
import io
import math
from typing import Any

from apps.curriculum.exchange.export import export_items
from apps.curriculum.exchange.items import canonical_item
from apps.curriculum.exchange.problems import Problem
from apps.curriculum.models import Choice, Course, ItemType, Status

COLUMNS = (
    "slug",
    "type",
    "stem",
    "skills",
    "choices",
    "answer",
    "tolerance",
    "accepted_answers",
    "hints",
    "explanation",
    "irt_a",
    "irt_b",
    "irt_c",
    "status",
)
LIST_COLUMNS = ("skills", "accepted_answers", "hints")
NUMBER_COLUMNS = {"answer": "answer", "tolerance": "tolerance"}
IRT_COLUMNS = {"irt_a": "a", "irt_b": "b", "irt_c": "c"}
ESCAPED = "\\|=*"
KEY_LENGTH = Choice._meta.get_field("key").max_length or 16


def _escape(text: str, specials: str = "|") -> str:
    """Escape ``specials``, and a backslash only where it would otherwise read as an escape,
    so Markdown (``**bold**``) and LaTeX (``\\frac``) stay as typed."""
    out = []
    for i, ch in enumerate(text):
        if ch in specials:
            out.append(f"\\{ch}")
        elif ch == "\\" and (i + 1 == len(text) or text[i + 1] in ESCAPED):
            out.append("\\\\")
        else:
            out.append(ch)
    return "".join(out)


def _join(values: list[str]) -> str:
    return "|".join(_escape(v) for v in values)


def _number(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def _row(item: dict[str, Any]) -> list[str]:
    choices = [
        f"{'*' if c['correct'] else ''}{_escape(c['key'], '|=*')}={_escape(c['text'])}"
        for c in item.get("choices", [])
    ]
    cells = {
        "slug": item["slug"],
        "type": item["type"],
        "stem": item["stem"],
        "skills": _join(item["skills"]),
        "choices": "|".join(choices),
        "answer": _number(item.get("answer")),
        "tolerance": _number(item.get("tolerance")),
        "accepted_answers": _join(item.get("accepted_answers", [])),
        "hints": _join(item["hints"]),
        "explanation": item["explanation"],
        "irt_a": _number(item["irt"]["a"]),
        "irt_b": _number(item["irt"]["b"]),
        "irt_c": _number(item["irt"]["c"]),
        "status": item["status"],
    }
    return [cells[column] for column in COLUMNS]


def items_to_csv(course: Course) -> str:
    """Every item of the course, in authored order, as CSV text (UTF-8 when encoded)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for item in export_items(course):
        writer.writerow(_row(canonical_item(item)))
    return out.getvalue()


# ------------------------------------------------------------------------------------ reading


def split_cell(cell: str, separator: str = "|") -> list[tuple[str, list[bool]]]:
    """Split on unescaped ``separator``; each part comes with which characters were escaped."""
    parts: list[tuple[str, list[bool]]] = []
    text: list[str] = []
    escaped: list[bool] = []
    chars = iter(cell)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, "")
            if nxt and nxt in ESCAPED:
                text.append(nxt)
                escaped.append(True)
                continue
            text.append(ch)  # a backslash before anything else is literal (e.g. LaTeX)
            escaped.append(False)
            if nxt:
                text.append(nxt)
                escaped.append(False)
            continue
        if ch == separator:
            parts.append(("".join(text), escaped))
            text, escaped = [], []
            continue
        text.append(ch)
        escaped.append(False)
    parts.append(("".join(text), escaped))
    return parts


def _values(cell: str) -> list[str]:
    if not cell.strip():
        return []
    return [text.strip() for text, _ in split_cell(cell)]


def _choice(part: str, escaped: list[bool]) -> dict[str, Any]:
    at = next((i for i, ch in enumerate(part) if ch == "=" and not escaped[i]), None)
    if at is None:
        raise ValueError(f"{part.strip()!r} is not key=text")
    key, correct = part[:at].strip(), False
    leading = len(part[:at]) - len(part[:at].lstrip())
    if key.startswith("*") and not escaped[leading]:
        key, correct = key[1:].strip(), True
    if len(key) > KEY_LENGTH:
        raise ValueError(f"The key {key!r} is longer than {KEY_LENGTH} characters")
    return {"key": key, "text": part[at + 1 :].strip(), "correct": correct}


def _float(cell: str) -> float:
    value = float(cell)
    if not math.isfinite(value):
        raise ValueError
    return value


class CellError(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def _item_from_cells(cells: dict[str, str]) -> dict[str, Any]:
    """The row as an item object of the JSON format: empty cells are absent keys."""
    item: dict[str, Any] = {
        "slug": cells["slug"].strip(),
        "type": cells["type"].strip(),
        "stem": cells["stem"],
        "skills": _values(cells["skills"]),
        "hints": _values(cells["hints"]),
        "explanation": cells["explanation"],
        "status": cells["status"].strip() or Status.DRAFT,
    }
    if item["type"] not in ItemType.values:
        raise CellError("type", f"Must be one of {', '.join(ItemType.values)}.")
    if item["status"] not in Status.values:
        raise CellError("status", f"Must be one of {', '.join(Status.values)}.")
    if cells["choices"].strip():
        try:
            item["choices"] = [_choice(*part) for part in split_cell(cells["choices"])]
        except ValueError as exc:
            raise CellError("choices", f"{exc}; write choices as *a=right|b=wrong.") from None
    if cells["accepted_answers"].strip():
        item["accepted_answers"] = _values(cells["accepted_answers"])
    for column in (*NUMBER_COLUMNS, *IRT_COLUMNS):
        cell = cells[column].strip()
        if not cell:
            continue
        try:
            number = _float(cell)
        except ValueError:
            raise CellError(column, f"{cell!r} is not a number.") from None
        if column in IRT_COLUMNS:
            item.setdefault("irt", {})[IRT_COLUMNS[column]] = number
        else:
            item[NUMBER_COLUMNS[column]] = number
    return item


def cell_path(row: int, column: str | None = None) -> str:
    return f"row {row}" if column is None else f'row {row}, column "{column}"'


def _header_problems(source: str, header: list[str]) -> list[Problem]:
    names = [name.strip() for name in header]
    problems = [
        Problem(
            source, cell_path(1, name), f"Unknown column; the columns are {', '.join(COLUMNS)}."
        )
        for name in names
        if name not in COLUMNS
    ]
    problems += [
        Problem(source, cell_path(1, name), "The column appears twice.")
        for name in dict.fromkeys(n for n in names if names.count(n) > 1)
    ]
    problems += [
        Problem(source, cell_path(1), f'Missing column "{name}".')
        for name in COLUMNS
        if name not in names
    ]
    return problems


def parse_items_csv(
    source: str, text: str
) -> tuple[list[dict[str, Any]], list[int], list[Problem]]:
    """Items in the JSON format's shape, the spreadsheet row of each, and the rows' problems
    (wrong cell counts, unknown types, non-numbers). Blank rows are skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    items: list[dict[str, Any]] = []
    rows: list[int] = []
    problems: list[Problem] = []
    try:
        header = next(reader)
        problems += _header_problems(source, header)
        if problems:
            return [], [], problems
        names = [name.strip() for name in header]
        for row_number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(names):
                problems.append(
                    Problem(
                        source,
                        cell_path(row_number),
                        f"The row has {len(cells)} cells; the header has {len(names)}.",
                    )
                )
                continue
            try:
                items.append(_item_from_cells(dict(zip(names, cells, strict=True))))
                rows.append(row_number)
            except CellError as exc:
                problems.append(Problem(source, cell_path(row_number, exc.column), str(exc)))
    except csv.Error as exc:
        problems.append(Problem(source, f"line {reader.line_num}", f"Not valid CSV: {exc}."))
    return items, rows, problems
