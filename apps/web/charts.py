"""Charts and graphs as inline SVG strings, drawn on the server: no chart library, no CDN.

Plain functions of plain data, so tests parse their output. Every text and attribute value
passes through ``escape``. Colours come from classes styled in ``static/css/app.css`` (one
palette, checked for contrast by a test), and every colour has a text twin in the drawing:
state names, percentages and symbols are written out, never implied by hue alone.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from apps.recommendations.engine.mastery import shown_percent
from apps.web.graph_layout import Box, GraphLayout, layered_graph_layout
from apps.web.text_width import text_width

# Symbols double the colour of a state, for readers who cannot tell the hues apart. All are in
# DejaVu Sans, the fallback font of the Debian images the pages are tested on.
STATE_LABELS = {
    "mastered": "Mastered",
    "needs_review": "Needs review",
    "learning": "Learning",
    "not_started": "Ready to learn",
    "locked": "Locked",
}
STATE_SYMBOLS = {
    "mastered": "✓",
    "needs_review": "↻",
    "learning": "◐",
    "not_started": "○",
    "locked": "⊘",
}

# The map's geometry, in CSS px: the SVG is drawn at exactly this size and never scaled down
# (static/css/map.css; it scrolls in its box instead), so 14px here is 14px on screen.
FONT_SIZE = 14  # names (bold) and states; at least 14px, the floor for legibility
LINE_HEIGHT = 18
PAD_X = 8
PAD_Y = 10
STATE_GAP = 4  # between the name and the state line
MIN_NODE_WIDTH = 128
COMFORTABLE_WIDTH = 184  # names take as few lines as a box this wide allows
MAX_NODE_WIDTH = 216  # only names with a long word get this wide
NAME_WIDTH = MAX_NODE_WIDTH - 2 * PAD_X
NAME_LINES = 3  # beyond this the name ends in "…"; the full name is in its <title> and the table
H_GAP = 16
V_GAP = 56  # the gap between layers, where edges curve
MARGIN = 12
ARROW_GAP = 2  # the arrowhead's tip stops just short of the box's border


@dataclass(frozen=True)
class MapNode:
    key: str
    name: str
    state: str
    percent: int
    prerequisites: tuple[str, ...]


def _fits(text: str, width: float = NAME_WIDTH) -> bool:
    return text_width(text, size=FONT_SIZE, bold=True) <= width


def _shorten(text: str, width: float) -> str:
    while text and not _fits(text + "…", width):
        text = text[:-1].rstrip()
    return text + "…"


def wrap_name(name: str, width: float = NAME_WIDTH, lines: int = NAME_LINES) -> list[str]:
    """Break a skill name at spaces into at most ``lines`` lines that each fit ``width`` px
    at the map's font; a word too long for a line, or a name too long for all of them, ends
    in an ellipsis."""
    wrapped: list[str] = []
    words = name.split()
    while words and len(wrapped) < lines:
        line = words.pop(0)
        while words and _fits(f"{line} {words[0]}", width):
            line += " " + words.pop(0)
        if len(wrapped) == lines - 1 and words:
            line = _shorten(" ".join([line, *words]), width)
            words = []
        wrapped.append(line if _fits(line, width) else _shorten(line, width))
    return wrapped


def fit_name(name: str, at_least: int = MIN_NODE_WIDTH) -> tuple[list[str], int]:
    """The name's lines and its box's width (in steps of 4px, from ``at_least``): as few lines
    as a box up to ``COMFORTABLE_WIDTH`` allows, in the narrowest box that keeps that many, so
    a wide layer still fits a laptop's screen. A name with a long word may take a box up to
    ``MAX_NODE_WIDTH``; a name too long even for that is shortened there."""
    widest = max(at_least, MAX_NODE_WIDTH)
    comfortable = wrap_name(name, max(at_least, COMFORTABLE_WIDTH) - 2 * PAD_X)
    # Greedy wrapping needs no more lines in a wider box, so the comfortable width sets the
    # fewest lines; a shortened name there is whole (or not) only in a wider box.
    fewest = len(comfortable) if not comfortable[-1].endswith("…") else NAME_LINES
    for width in range(at_least, widest + 1, 4):
        lines = wrap_name(name, width - 2 * PAD_X)
        if len(lines) <= fewest and not lines[-1].endswith("…"):
            return lines, width
    return wrap_name(name, widest - 2 * PAD_X), widest


def _state_line(node: MapNode) -> str:
    label = STATE_LABELS.get(node.state, node.state)
    return f"{STATE_SYMBOLS.get(node.state, '')} {label} · {node.percent}%"


def _node_box(node: MapNode) -> tuple[list[str], int]:
    """The name's lines and the box width, wide enough for the state line too."""
    state = math.ceil(text_width(_state_line(node), size=FONT_SIZE)) + 2 * PAD_X
    return fit_name(node.name, at_least=max(MIN_NODE_WIDTH, state))


def _fitted(nodes: Sequence[MapNode]) -> dict[str, tuple[list[str], int]]:
    return {node.key: _node_box(node) for node in nodes}


def layered_layout(nodes: Sequence[MapNode]) -> dict[str, tuple[int, int]]:
    """(layer, position in the layer) per node, as the map draws them: the layer is the longest
    chain of prerequisites below the node, the position the outcome of crossing reduction."""
    layout = map_layout(nodes)
    return {key: (layout.layer_of[key], layout.order[key]) for key in layout.boxes}


def map_layout(
    nodes: Sequence[MapNode], fitted: dict[str, tuple[list[str], int]] | None = None
) -> GraphLayout:
    """Boxes and edge routes of the map (apps/web/graph_layout.py), sized to the wrapped names."""
    fitted = fitted if fitted is not None else _fitted(nodes)
    most = max((len(lines) for lines, _ in fitted.values()), default=1)
    return layered_graph_layout(
        [node.key for node in nodes],
        [(p, node.key) for node in nodes for p in node.prerequisites],
        {key: width for key, (_, width) in fitted.items()},
        height=2 * PAD_Y + most * LINE_HEIGHT + STATE_GAP + LINE_HEIGHT,
        h_gap=H_GAP,
        v_gap=V_GAP,
        margin=MARGIN,
    )


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def edge_path(points: Sequence[tuple[float, float]]) -> str:
    """SVG path data through a route's points: a curve with vertical ends across each gap
    between layers (its y only increases, so it stays in the gap), a straight line down
    through each layer a long edge crosses."""
    (x0, y0), *rest = points
    parts = [f"M{_number(x0)},{_number(y0)}"]
    last_x, last_y = x0, y0
    for n, (x, y) in enumerate(rest):
        if n == len(rest) - 1:
            y -= ARROW_GAP
        if n % 2:  # a dummy's top to its bottom
            parts.append(f"L{_number(x)},{_number(y)}")
        else:
            mid = (last_y + y) / 2
            parts.append(
                f"C{_number(last_x)},{_number(mid)} {_number(x)},{_number(mid)} "
                f"{_number(x)},{_number(y)}"
            )
        last_x, last_y = x, y
    return " ".join(parts)


def mastery_map_svg(nodes: Sequence[MapNode], *, id_prefix: str, title: str) -> SafeString:
    """The prerequisite graph: one box per skill, arrows from a prerequisite to what needs it."""
    if not nodes:
        return SafeString("")
    fitted = _fitted(nodes)
    layout = map_layout(nodes, fitted)
    width, height = math.ceil(layout.width), math.ceil(layout.height)
    marker = f"{id_prefix}-arrow"
    counts = dict.fromkeys(STATE_LABELS, 0)
    for node in nodes:
        counts[node.state] = counts.get(node.state, 0) + 1
    summary = "; ".join(f"{counts[s]} {STATE_LABELS[s].lower()}" for s in STATE_LABELS if counts[s])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="mastery-map" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{len(nodes)} skills: {escape(summary)}. '
        "Arrows point from a prerequisite to the skill that needs it. "
        "The table below lists the same information.</desc>",
        f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" class="map-arrowhead"/></marker></defs>',
        '<g class="map-edges">',
    ]
    for route in layout.routes:
        parts.append(
            f'<path class="map-edge" data-from="{escape(route.source)}" '
            f'data-to="{escape(route.target)}" d="{edge_path(route.points)}" '
            f'marker-end="url(#{marker})"/>'
        )
    parts.append("</g>")
    for node in nodes:
        parts.append(_node_svg(node, layout.boxes[node.key], fitted[node.key][0]))
    parts.append("</svg>")
    # Safe to mark safe (bandit B308, B703): built here from numbers and our own constants;
    # every name, label and title passes through escape() (tests/dashboards/
    # test_hostile_content.py feeds it markup).
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308, B703


def _node_svg(node: MapNode, box: Box, lines: list[str]) -> str:
    label = STATE_LABELS.get(node.state, node.state)
    centre = _number(box.centre)
    # Names sit centred in the space above the state line; the baseline is 14px below a line's
    # top (DejaVu Sans: ascent 0.93em, so the glyphs start just inside the line).
    name_space = box.height - 2 * PAD_Y - STATE_GAP - LINE_HEIGHT
    first = box.y + PAD_Y + (name_space - len(lines) * LINE_HEIGHT) / 2
    names = "".join(
        f'<text x="{centre}" y="{_number(first + LINE_HEIGHT * i + FONT_SIZE)}" '
        f'text-anchor="middle" class="map-node-name">{escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    state_y = box.y + box.height - PAD_Y - LINE_HEIGHT + FONT_SIZE
    return (
        f'<g class="map-node map-node--{escape(node.state)}" data-skill="{escape(node.key)}">'
        f"<title>{escape(node.name)}: {escape(label)}, {node.percent}%</title>"
        f'<rect x="{_number(box.x)}" y="{_number(box.y)}" width="{_number(box.width)}" '
        f'height="{_number(box.height)}" rx="8"/>{names}'
        f'<text x="{centre}" y="{_number(state_y)}" text-anchor="middle" '
        f'class="map-node-state">{escape(_state_line(node))}</text></g>'
    )


@dataclass(frozen=True)
class ChartPoint:
    value: float  # 0..1
    label: str  # the tooltip: when, and what happened


CHART_WIDTH = 340
CHART_HEIGHT = 150
PLOT_LEFT = 40
PLOT_RIGHT = 12
PLOT_TOP = 12
PLOT_BOTTOM = 30


def mastery_line_chart_svg(
    *,
    title: str,
    start: float,
    points: Sequence[ChartPoint],
    threshold: float,
    id_prefix: str,
) -> SafeString:
    """Mastery of one skill after each answer (x: answers on this skill, y: P(known)), with the
    goal as a dashed line. Answer number rather than clock time on x: practice comes in bursts,
    and a time axis would pile a session's answers into one vertical smear."""
    plot_w = CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT
    plot_h = CHART_HEIGHT - PLOT_TOP - PLOT_BOTTOM
    steps = max(len(points), 1)

    def x_at(index: int) -> float:
        return PLOT_LEFT + plot_w * index / steps

    def y_at(value: float) -> float:
        return PLOT_TOP + plot_h * (1 - min(max(value, 0.0), 1.0))

    values = [start, *(p.value for p in points)]
    last = values[-1]
    verdict = "reached the goal" if last >= threshold else "still below the goal"
    desc = (
        f"From {shown_percent(start)}% to {shown_percent(last)}% over {len(points)} "
        f"answer{'s' if len(points) != 1 else ''}; {verdict} of {shown_percent(threshold)}%."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="line-chart" '
        f'viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" role="img" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(desc)}</desc>',
        '<g class="chart-axes">',
    ]
    for tick in (0.0, 0.5, 1.0):
        y = y_at(tick)
        parts.append(
            f'<line class="chart-gridline" x1="{PLOT_LEFT}" y1="{y:.1f}" '
            f'x2="{CHART_WIDTH - PLOT_RIGHT}" y2="{y:.1f}"/>'
            f'<text class="chart-tick" x="{PLOT_LEFT - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{tick:.0%}</text>'
        )
    goal_y = y_at(threshold)
    parts.append(
        f'<line class="chart-goal" x1="{PLOT_LEFT}" y1="{goal_y:.1f}" '
        f'x2="{CHART_WIDTH - PLOT_RIGHT}" y2="{goal_y:.1f}"/>'
        # Top left: the line starts low (the prior), so the label rarely sits on it.
        f'<text class="chart-goal-label" x="{PLOT_LEFT + 4}" y="{goal_y - 4:.1f}" '
        f'text-anchor="start">goal {shown_percent(threshold)}%</text>'
        f'<text class="chart-tick" x="{PLOT_LEFT + plot_w / 2:.1f}" '
        f'y="{CHART_HEIGHT - 6}" text-anchor="middle">answers on this skill ({len(points)})'
        "</text></g>"
    )
    coordinates = " ".join(f"{x_at(i):.1f},{y_at(v):.1f}" for i, v in enumerate(values))
    parts.append(f'<polyline class="chart-line" points="{coordinates}"/>')
    for index, point in enumerate(points, start=1):
        mastered = point.value >= threshold
        parts.append(
            f'<circle class="chart-point{" chart-point--goal" if mastered else ""}" '
            f'cx="{x_at(index):.1f}" cy="{y_at(point.value):.1f}" r="3.5">'
            f"<title>{escape(point.label)}</title></circle>"
        )
    parts.append("</svg>")
    # Safe to mark safe (bandit B308, B703): built here from numbers and our own constants;
    # every name, label and title passes through escape() (tests/dashboards/
    # test_hostile_content.py feeds it markup).
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308, B703
