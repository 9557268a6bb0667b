"""Small formatting helpers for the learner and teacher pages."""

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from apps.recommendations.engine.mastery import shown_percent
from apps.recommendations.results import chance_words as _chance_words
from apps.web.charts import STATE_LABELS, STATE_SYMBOLS
from apps.web.teacher.heatmap_page import not_started

register = template.Library()

KIND_LABELS = {
    "practice": "Practise",
    "review": "Review",
    "lesson": "Read",
    "complete": "Keep it fresh",
}


@register.filter
def percent(value: float | None) -> str:
    """0.4213 -> '42%' (rounded down: ``shown_percent``); missing values show as an en dash,
    never as 0%."""
    return "–" if value is None else f"{shown_percent(value)}%"


@register.filter
def state_label(state: str) -> str:
    return STATE_LABELS.get(state, state)


@register.filter
def state_symbol(state: str) -> str:
    return STATE_SYMBOLS.get(state, "")


@register.filter
def chance_words(p_correct: float | None) -> str:
    return _chance_words(p_correct)


@register.filter
def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.title())


@register.filter
def signed(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:+.{digits}f}".replace("-", "−")


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key, "")


@register.simple_tag
def heatmap_cells(cells: Any) -> SafeString:
    """A heatmap row's cells, built in Python: a class of 200 has 6,000 of them, and the
    template language (or format_html's escaping) spends ten times as long per cell. Every
    value here is a number or one of our own constant labels, so nothing needs escaping.
    Number, symbol and state name are written out; the colour (the class) only repeats them.
    """
    html = []
    for cell in cells:
        state = cell.state if cell.state in STATE_LABELS else "unknown"
        label = STATE_LABELS.get(state, "Unknown")
        if not_started(cell):
            # No answers: the prior would read like a score, so the cell says so instead.
            html.append(
                f'<td class="cell cell--{state} cell--not-started" title="Not started, {label}">'
                f'<span aria-hidden="true">–</span><span class="visually-hidden">Not started, '
                f"{label}</span></td>"
            )
            continue
        stuck = ", stuck" if cell.wheel_spinning else ""
        attempts = int(cell.attempts)
        answers = f"{attempts} answer{'' if attempts == 1 else 's'}"
        symbol = "⚠" if cell.wheel_spinning else STATE_SYMBOLS.get(state, "")
        html.append(
            f'<td class="cell cell--{state}{" cell--stuck" if stuck else ""}" '
            f'title="{label}, {int(cell.percent)}%, {answers}{stuck}">{int(cell.percent)}'
            f'<span aria-hidden="true">{symbol}</span><span class="visually-hidden"> {label}'
            f"{stuck}</span></td>"
        )
    # Safe to mark safe (bandit B308, B703): only int() of the numbers, the state (checked
    # against STATE_LABELS) and constant labels and symbols; no skill or learner name is in a
    # cell (they are in the row and column headers, which the template escapes).
    return mark_safe("".join(html))  # noqa: S308  # nosec B308, B703
