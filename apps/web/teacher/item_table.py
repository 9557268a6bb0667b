"""The item analysis table as the page shows it: sorted by any column (``?sort=p`` ascending,
``?sort=-p`` descending) and filtered by flag (``?flagged=1`` any flag, ``?flag=too_hard``
one), with each item's question as short plain text. Plain links, so it works without
JavaScript; unknown values fall back to the defaults, never to an error."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils.text import Truncator

from apps.curriculum.maths import plain_text
from apps.curriculum.models import Course
from apps.recommendations.snapshot import course_snapshot
from apps.web.teacher.item_analysis_page import FLAG_LABELS, ItemStats

QUESTION_CHARS = 90


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    value: Callable[[ItemStats], Any]
    numeric: bool = True


COLUMNS = [
    Column("item", "Item", lambda i: i.slug, numeric=False),
    Column("skills", "Skills", lambda i: ", ".join(i.skills).lower(), numeric=False),
    Column("learners", "Learners", lambda i: i.learners),
    Column("answers", "Answers", lambda i: i.responses),
    Column("p", "% right", lambda i: i.p_correct),
    Column("r", "rpb", lambda i: i.r_pb),
    Column("a", "a", lambda i: i.a),
    Column("b", "b", lambda i: i.b),
    Column("c", "c", lambda i: i.c),
    Column("expected", "Expected", lambda i: i.expected),
    Column("z", "z", lambda i: i.z),
    Column("flags", "Flags", lambda i: len(i.flags)),
]
BY_KEY = {column.key: column for column in COLUMNS}
DEFAULT_SORT = "item"


@dataclass(frozen=True)
class ItemRow:
    stats: ItemStats
    item_id: int
    question: str  # plain text, shortened


@dataclass(frozen=True)
class SortHeader:
    column: Column
    href: str  # the link that sorts by this column (the other way when it is the current one)
    aria_sort: str  # "ascending", "descending" or "none"


@dataclass(frozen=True)
class ItemTable:
    rows: list[ItemRow]
    headers: list[SortHeader]
    sort: str
    descending: bool
    flag: str  # "" every item, "any" every flagged one, or one flag's key


def question_text(stem_html: str) -> str:
    """The question as short plain text for a table row (maths kept readable: 2/9 + 5/9)."""
    return Truncator(plain_text(stem_html)).chars(QUESTION_CHARS)


def _parse_sort(raw: str) -> tuple[str, bool]:
    descending = raw.startswith("-")
    key = raw.lstrip("-")
    return (key, descending) if key in BY_KEY else (DEFAULT_SORT, False)


def _parse_flag(query: QueryDict) -> str:
    flag = str(query.get("flag", ""))
    if flag in FLAG_LABELS:
        return flag
    return "any" if query.get("flagged") == "1" else ""


def _sorted(rows: list[ItemRow], key: str, descending: bool) -> list[ItemRow]:
    """Missing values (no answers yet) last whichever the direction."""
    value = BY_KEY[key].value
    present = [r for r in rows if value(r.stats) is not None]
    missing = [r for r in rows if value(r.stats) is None]
    present.sort(key=lambda r: (value(r.stats), r.stats.slug), reverse=descending)
    return present + missing


def _href(query: QueryDict, key: str, descending: bool) -> str:
    params = query.copy()
    params["sort"] = f"-{key}" if descending else key
    return f"?{params.urlencode()}"


def item_table(*, course: Course, items: list[ItemStats], query: QueryDict) -> ItemTable:
    snapshot = course_snapshot(course)
    by_slug = {node.slug: node for node in snapshot.items.values()}
    key, descending = _parse_sort(query.get("sort", DEFAULT_SORT))
    flag = _parse_flag(query)
    if flag == "any":
        items = [i for i in items if i.flags]
    elif flag:
        items = [i for i in items if flag in i.flags]
    rows = [
        ItemRow(
            stats=i,
            item_id=by_slug[i.slug].id,
            question=question_text(by_slug[i.slug].learner_view["stem_html"]),
        )
        for i in items
        if i.slug in by_slug
    ]
    headers = []
    for column in COLUMNS:
        current = column.key == key
        # A first click sorts numbers from the top (largest first), names from A.
        first_descending = column.numeric
        next_descending = (not descending) if current else first_descending
        aria = ("descending" if descending else "ascending") if current else "none"
        headers.append(SortHeader(column, _href(query, column.key, next_descending), aria))
    return ItemTable(_sorted(rows, key, descending), headers, key, descending, flag)
