"""One page of the class heatmap's grid: the learners matching a name search, in the heatmap's
order, ``PAGE_SIZE`` at a time, each row's cells written as HTML.

A class of 200 x 30 is 6,000 cells; a page of 50 learners is a quarter of them, which a
teacher can take in, and the search finds anyone on another page. The counts, the skill
cards, the rankings and the stuck list above and below the grid stay over the whole class.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from apps.curriculum.models import Course
from apps.recommendations.class_grid import LearnerCells
from apps.recommendations.class_mastery import HeatmapRow
from apps.recommendations.engine.mastery import shown_percent
from apps.web.charts import STATE_LABELS
from apps.web.teacher.heatmap_page import HeatmapLayout, is_not_started

PAGE_SIZE = 50
MAX_QUERY = 100
URL_PLACEHOLDER = 987654321  # a learner id in a reversed address, replaced per learner


@dataclass(frozen=True)
class GridRow:
    row: HeatmapRow
    url: str  # the learner's drill-down
    cells: SafeString

    @property
    def html(self) -> SafeString:
        """The whole table row, built in Python like its cells (the template's tags cost 0.1 ms
        a row); the learner's name and username are escaped here."""
        row = self.row
        stuck = row.wheel_spinning
        badge = (
            f' <span class="badge badge-warn" title="Stuck on {stuck} skill'
            f'{"" if stuck == 1 else "s"}">⚠ {stuck}</span>'
            if stuck
            else ""
        )
        return format_html(
            '<tr data-learner="{}"><th scope="row" class="sticky-col"><a href="{}">{}</a>{}</th>'
            '<td class="num">{}/{}</td>{}</tr>',
            row.learner.username,
            self.url,
            row.learner.shown_name,
            mark_safe(badge),  # noqa: S308  # nosec B308, B703: numbers and constant text
            row.mastered,
            len(row.skill_order),
            self.cells,
        )


@dataclass(frozen=True)
class StuckLearner:
    row: HeatmapRow
    url: str
    skills: str  # "Skill 1 (14 answers, 41%); Skill 4 (...)", escaped by the template


@dataclass(frozen=True)
class HeatmapGrid:
    rows: list[GridRow]
    stuck: list[StuckLearner]  # the whole class's, not only this page's
    query: str
    number: int  # this page, from 1
    pages: int
    matching: int  # learners matching the search (all of the class without one)
    total: int

    @property
    def first(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0

    @property
    def page_numbers(self) -> range:
        return range(1, self.pages + 1)

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


def _page_number(value: str | None, pages: int) -> int:
    try:
        number = int(value or 1)
    except ValueError:
        number = 1
    return min(max(number, 1), pages)


def _matches(row: HeatmapRow, needle: str) -> bool:
    learner = row.learner
    return needle in learner.shown_name.casefold() or needle in learner.username.casefold()


def _learner_url(classroom_pk: int, course: Course) -> Callable[[HeatmapRow], str]:
    """The drill-down's address for a row; reversed once, not once per learner."""
    pattern = reverse("class-learner", args=[classroom_pk, URL_PLACEHOLDER])
    prefix, suffix = pattern.rsplit(str(URL_PLACEHOLDER), 1)
    query = f"?{urlencode({'course': course.slug})}"
    return lambda row: f"{prefix}{row.learner.pk}{suffix}{query}"


def _stuck_learners(layout: HeatmapLayout, url: Callable[[HeatmapRow], str]) -> list[StuckLearner]:
    return [
        StuckLearner(
            row,
            url(row),
            "; ".join(
                f"{name} ({answers} answers, {percent}%)" for name, answers, percent in row.stuck_on
            ),
        )
        for row in layout.heatmap.wheel_spinning_rows
    ]


def heatmap_grid(
    layout: HeatmapLayout, *, classroom_pk: int, page: str | None, query: str | None
) -> HeatmapGrid:
    """The rows of page ``page`` among the learners whose name or username contains
    ``query`` (any case), in the heatmap's sort order, and the class's stuck learners."""
    rows = layout.heatmap.rows
    url = _learner_url(classroom_pk, layout.heatmap.course)
    needle = (query or "").strip()[:MAX_QUERY]
    matching = [row for row in rows if _matches(row, needle.casefold())] if needle else rows
    pages = max(1, -(-len(matching) // PAGE_SIZE))
    number = _page_number(page, pages)
    shown = matching[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    return HeatmapGrid(
        rows=[GridRow(row, url(row), cells_html(row.values, layout.order)) for row in shown],
        stuck=_stuck_learners(layout, url),
        query=needle,
        number=number,
        pages=pages,
        matching=len(matching),
        total=len(rows),
    )


def cells_html(values: LearnerCells, order: tuple[int, ...]) -> SafeString:
    """A row's cells in the layout's column order, built in Python: the template language
    spends ten times as long per cell. One class per state (teacher.css draws the state's
    symbol, with the state's name as its spoken text), the percentage as text, and a short
    title: the state in words and the answers. A cell without answers has no number.

    Every value is a number or one of our own constant labels: nothing needs escaping."""
    html = []
    for index in order:
        state = values.states[index]
        label = STATE_LABELS.get(state)
        if label is None:
            state, label = "unknown", "Unknown"
        attempts = int(values.attempts[index])
        if is_not_started(state, attempts):
            html.append(
                f'<td class="cell cell--{state} cell--not-started" '
                f'title="Not started, {label.lower()}"></td>'
            )
            continue
        percent = shown_percent(values.p_known[index])
        answers = f"{attempts} answer{'' if attempts == 1 else 's'}"
        if values.wheel_spinning[index]:
            html.append(
                f'<td class="cell cell--{state} cell--stuck" title="{label}, {answers}, stuck">'
                f"{percent}</td>"
            )
        else:
            html.append(f'<td class="cell cell--{state}" title="{label}, {answers}">{percent}</td>')
    # Safe to mark safe (bandit B308, B703): only int() of the numbers, the state (checked
    # against STATE_LABELS) and constant labels; no skill or learner name is in a cell (they
    # are in the row and column headers, which the template escapes).
    return mark_safe("".join(html))  # noqa: S308  # nosec B308, B703
