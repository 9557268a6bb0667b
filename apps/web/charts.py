"""Charts and graphs as inline SVG strings, drawn on the server: no chart library, no CDN.

Plain functions of plain data, so tests parse their output. Every text and attribute value
passes through ``escape``. Colours come from classes styled in ``static/css/app.css`` (one
palette, checked for contrast by a test), and every colour has a text twin in the drawing:
state names, percentages and symbols are written out, never implied by hue alone.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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

NODE_WIDTH = 184
NODE_HEIGHT = 66
H_GAP = 20
V_GAP = 52
MARGIN = 12
NAME_CHARS = 24  # what fits on one line of a node at 13px; the full name is in its <title>
NAME_LINES = 2
# A wide graph shrinks to fit its box down to this scale (text stays readable), then scrolls.
# The minimum width is a class per widest-layer size (static/css/steps.css: the CSP allows no
# style attribute); layers wider than MAP_COLUMN_CLASSES keep the widest class's minimum.
MIN_SCALE = 0.6
MAP_COLUMN_CLASSES = 16


@dataclass(frozen=True)
class MapNode:
    key: str
    name: str
    state: str
    percent: int
    prerequisites: tuple[str, ...]


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def wrap_name(name: str, width: int = NAME_CHARS, lines: int = NAME_LINES) -> list[str]:
    """Break a skill name at spaces into at most ``lines`` lines; the last one is shortened
    with an ellipsis when the name is longer still."""
    wrapped: list[str] = []
    words = name.split()
    while words and len(wrapped) < lines - 1:
        line = words.pop(0)
        while words and len(line) + 1 + len(words[0]) <= width:
            line += " " + words.pop(0)
        wrapped.append(_shorten(line, width))
    if words:
        wrapped.append(_shorten(" ".join(words), width))
    return wrapped


def layered_layout(nodes: Sequence[MapNode]) -> dict[str, tuple[int, int]]:
    """(layer, slot) per node: the layer is the node's prerequisite depth (longest chain of
    prerequisites below it); within a layer nodes sit near the mean slot of their
    prerequisites, which keeps most edges short and uncrossed. ``nodes`` must come
    prerequisites first (the course snapshot's order)."""
    depth: dict[str, int] = {}
    for node in nodes:
        known = [depth[p] for p in node.prerequisites if p in depth]
        depth[node.key] = 1 + max(known) if known else 0
    slots: dict[str, int] = {}
    order = {node.key: index for index, node in enumerate(nodes)}
    for layer in range(max(depth.values(), default=-1) + 1):
        members = [node for node in nodes if depth[node.key] == layer]

        def barycentre(node: MapNode) -> tuple[float, int]:
            placed = [slots[p] for p in node.prerequisites if p in slots]
            centre = sum(placed) / len(placed) if placed else float(order[node.key])
            return centre, order[node.key]

        for slot, node in enumerate(sorted(members, key=barycentre)):
            slots[node.key] = slot
    return {key: (depth[key], slots[key]) for key in depth}


def _node_origin(layer_sizes: list[int], widest: int, layer: int, slot: int) -> tuple[int, int]:
    # Each layer is centred under the widest one.
    offset = (widest - layer_sizes[layer]) * (NODE_WIDTH + H_GAP) // 2
    x = MARGIN + offset + slot * (NODE_WIDTH + H_GAP)
    y = MARGIN + layer * (NODE_HEIGHT + V_GAP)
    return x, y


def mastery_map_svg(nodes: Sequence[MapNode], *, id_prefix: str, title: str) -> SafeString:
    """The prerequisite graph: one box per skill, arrows from a prerequisite to what needs it."""
    if not nodes:
        return SafeString("")
    positions = layered_layout(nodes)
    layers = max(layer for layer, _ in positions.values()) + 1
    layer_sizes = [0] * layers
    for layer, _ in positions.values():
        layer_sizes[layer] += 1
    widest = max(layer_sizes)
    width = 2 * MARGIN + widest * NODE_WIDTH + (widest - 1) * H_GAP
    height = 2 * MARGIN + layers * NODE_HEIGHT + (layers - 1) * V_GAP
    origin = {
        key: _node_origin(layer_sizes, widest, layer, slot)
        for key, (layer, slot) in positions.items()
    }
    marker = f"{id_prefix}-arrow"
    counts = dict.fromkeys(STATE_LABELS, 0)
    for node in nodes:
        counts[node.state] = counts.get(node.state, 0) + 1
    summary = "; ".join(f"{counts[s]} {STATE_LABELS[s].lower()}" for s in STATE_LABELS if counts[s])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" '
        f'class="mastery-map map-cols-{min(widest, MAP_COLUMN_CLASSES)}" '
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
    for node in nodes:
        x2, y2 = origin[node.key]
        x2 += NODE_WIDTH // 2
        for prerequisite in node.prerequisites:
            if prerequisite not in origin:
                continue
            x1, y1 = origin[prerequisite]
            x1 += NODE_WIDTH // 2
            y1 += NODE_HEIGHT
            bend = (y2 - y1) / 2
            parts.append(
                f'<path class="map-edge" d="M{x1},{y1} C{x1},{y1 + bend:.0f} '
                f'{x2},{y2 - bend:.0f} {x2},{y2 - 2}" marker-end="url(#{marker})"/>'
            )
    parts.append("</g>")
    for node in nodes:
        parts.append(_node_svg(node, *origin[node.key]))
    parts.append("</svg>")
    # Safe to mark safe (bandit B308, B703): built here from numbers and our own constants;
    # every name, label and title passes through escape() (tests/dashboards/
    # test_hostile_content.py feeds it markup).
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308, B703


def _node_svg(node: MapNode, x: int, y: int) -> str:
    label = STATE_LABELS.get(node.state, node.state)
    symbol = STATE_SYMBOLS.get(node.state, "")
    centre = x + NODE_WIDTH // 2
    lines = wrap_name(node.name)
    top = y + (20 if len(lines) > 1 else 26)
    names = "".join(
        f'<text x="{centre}" y="{top + 16 * i}" text-anchor="middle" class="map-node-name">'
        f"{escape(line)}</text>"
        for i, line in enumerate(lines)
    )
    return (
        f'<g class="map-node map-node--{escape(node.state)}" data-skill="{escape(node.key)}">'
        f"<title>{escape(node.name)}: {escape(label)}, {node.percent}%</title>"
        f'<rect x="{x}" y="{y}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="8"/>{names}'
        f'<text x="{centre}" y="{y + NODE_HEIGHT - 10}" text-anchor="middle" '
        f'class="map-node-state">{escape(symbol)} {escape(label)} · {node.percent}%</text></g>'
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
        f"From {start:.0%} to {last:.0%} over {len(points)} "
        f"answer{'s' if len(points) != 1 else ''}; {verdict} of {threshold:.0%}."
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
        f'text-anchor="start">goal {threshold:.0%}</text>'
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
