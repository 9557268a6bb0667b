"""The reliability diagram of a model quality report, as an inline SVG string for the admin.

Drawn on the server like the pages' charts (``apps/web/charts.py``, which domain code may not
import): no chart library, every text escaped, a <title> and <desc> for screen readers, and
each point's figures in its own <title>. Its styles live in static/css/admin.css (the
Content-Security-Policy refuses a <style> inside the SVG) and use the admin's CSS variables, so
the chart follows its light and dark themes.

x is the mean prediction of a bin, y the share of right answers in it; a calibrated model's
points lie on the diagonal. The vertical line from the diagonal to each point is that bin's
gap (ECE is their count-weighted mean) and the point's area grows with its answers. Below the
plot, one bar per bin shows how many answers fell in it.
"""

from collections.abc import Sequence
from math import sqrt

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from apps.recommendations.engine.calibration import ReliabilityBin

WIDTH = 380
PLOT_LEFT = 52
PLOT_TOP = 14
PLOT_SIZE = 300
STRIP_GAP = 34
STRIP_HEIGHT = 56
HEIGHT = PLOT_TOP + PLOT_SIZE + STRIP_GAP + STRIP_HEIGHT + 34


def _x(value: float) -> float:
    return PLOT_LEFT + PLOT_SIZE * value


def _y(value: float) -> float:
    return PLOT_TOP + PLOT_SIZE * (1.0 - value)


def _axes() -> list[str]:
    parts = []
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        parts.append(
            f'<line class="grid" x1="{_x(0):.1f}" y1="{_y(tick):.1f}" x2="{_x(1):.1f}" '
            f'y2="{_y(tick):.1f}"/><line class="grid" x1="{_x(tick):.1f}" y1="{_y(0):.1f}" '
            f'x2="{_x(tick):.1f}" y2="{_y(1):.1f}"/>'
            f'<text x="{_x(0) - 6:.1f}" y="{_y(tick) + 4:.1f}" text-anchor="end">{tick:.0%}</text>'
            f'<text x="{_x(tick):.1f}" y="{_y(0) + 14:.1f}" text-anchor="middle">{tick:.0%}</text>'
        )
    parts.append(
        f'<line class="diagonal" x1="{_x(0):.1f}" y1="{_y(0):.1f}" x2="{_x(1):.1f}" '
        f'y2="{_y(1):.1f}"/>'
        # Bottom right: a bin predicted high but never right is rare, so points seldom hide it.
        f'<text x="{_x(0.98):.1f}" y="{_y(0.03):.1f}" text-anchor="end">'
        "dashed diagonal: calibrated</text>"
        f'<text x="{_x(0.5):.1f}" y="{_y(0) + 28:.1f}" text-anchor="middle">predicted P(correct)'
        f'</text><text x="14" y="{_y(0.5):.1f}" text-anchor="middle" '
        f'transform="rotate(-90 14 {_y(0.5):.1f})">observed share right</text>'
    )
    return parts


def _points(filled: Sequence[ReliabilityBin], most: int) -> list[str]:
    parts = []
    curve = " ".join(
        f"{_x(b.mean_predicted or 0):.1f},{_y(b.observed_rate or 0):.1f}" for b in filled
    )
    parts.append(f'<polyline class="curve" points="{curve}"/>')
    for b in filled:
        predicted, observed = b.mean_predicted or 0.0, b.observed_rate or 0.0
        label = (
            f"{b.lower:.0%}–{b.upper:.0%}: {b.count} answers, predicted {predicted:.1%}, "
            f"observed {observed:.1%}"
        )
        radius = 3.0 + 7.0 * sqrt(b.count / most)
        parts.append(
            f'<line class="gap" x1="{_x(predicted):.1f}" y1="{_y(predicted):.1f}" '
            f'x2="{_x(predicted):.1f}" y2="{_y(observed):.1f}"/>'
            f'<circle class="point" cx="{_x(predicted):.1f}" cy="{_y(observed):.1f}" '
            f'r="{radius:.1f}"><title>{escape(label)}</title></circle>'
        )
    return parts


def _count_strip(bins: Sequence[ReliabilityBin], most: int) -> list[str]:
    base = PLOT_TOP + PLOT_SIZE + STRIP_GAP + STRIP_HEIGHT
    parts = [
        f'<line class="grid" x1="{_x(0):.1f}" y1="{base}" x2="{_x(1):.1f}" y2="{base}"/>'
        f'<text x="{_x(0) - 6:.1f}" y="{base - STRIP_HEIGHT / 2 + 4:.1f}" '
        'text-anchor="end">answers</text>'
    ]
    for b in bins:
        height = STRIP_HEIGHT * b.count / most if most else 0.0
        left, width = _x(b.lower) + 1, PLOT_SIZE * (b.upper - b.lower) - 2
        parts.append(
            f'<rect class="bar" x="{left:.1f}" y="{base - height:.1f}" width="{width:.1f}" '
            f'height="{height:.1f}"><title>{b.lower:.0%}–{b.upper:.0%}: {b.count} answers'
            f'</title></rect><text x="{left + width / 2:.1f}" y="{base + 14}" '
            f'text-anchor="middle">{b.count}</text>'
        )
    return parts


def reliability_chart_svg(
    bins: Sequence[ReliabilityBin], *, title: str, ece: float | None, id_prefix: str
) -> SafeString:
    filled = [b for b in bins if b.count and b.mean_predicted is not None]
    total = sum(b.count for b in bins)
    most = max((b.count for b in bins), default=0)
    desc = (
        f"Expected calibration error {ece:.3f} over {total} answers in {len(filled)} bins."
        if ece is not None
        else "No predictions in this window."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="reliability-chart" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-labelledby="{escape(id_prefix)}-title {escape(id_prefix)}-desc">',
        f'<title id="{escape(id_prefix)}-title">{escape(title)}</title>',
        f'<desc id="{escape(id_prefix)}-desc">{escape(desc)}</desc>',
        *_axes(),
        *(_points(filled, most) if filled else []),
        *_count_strip(bins, most),
        "</svg>",
    ]
    # Safe to mark safe (bandit B308, B703): numbers formatted here, and the title, the
    # description and the point labels through escape() (the id prefix too); no caller's text
    # reaches the SVG unescaped.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308, B703
