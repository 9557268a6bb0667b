"""Small SVG figures from shortcodes: ``[[fraction-bar 3/4]]`` and
``[[number-line 0 2 ticks=8 mark=3/4]]`` (the syntax is in exchange/FORMAT.md).

A shortcode is parsed into numbers first; the SVG is then built only from those numbers, so no
author text reaches it. It is inserted after nh3 has cleaned the page (see markdown.py), which
is why it must be trusted by construction. Colours are presentation attributes and classes
(the CSP forbids style attributes); static/css/maths.css restyles them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

SHORTCODE_RE = re.compile(r"\[\[(fraction-bar|number-line)((?:[ \t]+[^\[\]\n]*)?)\]\]")
MAX_PARTS = 24
MAX_BARS = 4
MAX_GAPS = 48
MAX_MARKS = 4
MAX_LABELLED_UNITS = 12
_NUMBER = re.compile(r"^-?\d{1,3}(?:/\d{1,3})?$")
_ORDINALS = {1: "st", 2: "nd", 3: "rd"}


@dataclass(frozen=True)
class FractionBar:
    shaded: int
    parts: int


@dataclass(frozen=True)
class NumberLine:
    start: int
    end: int
    gaps: int
    marks: tuple[Fraction, ...]


Figure = FractionBar | NumberLine


def _number(text: str) -> Fraction | None:
    if not _NUMBER.match(text):
        return None
    numerator, _, denominator = text.partition("/")
    if denominator and int(denominator) == 0:
        return None
    return Fraction(int(numerator), int(denominator or 1))


def _fraction_bar(args: list[str]) -> FractionBar | None:
    if len(args) != 1 or not re.fullmatch(r"\d{1,3}/\d{1,2}", args[0]):
        return None
    shaded, parts = (int(part) for part in args[0].split("/"))
    if not 1 <= parts <= MAX_PARTS or shaded > parts * MAX_BARS:
        return None
    return FractionBar(shaded=shaded, parts=parts)


def _number_line(args: list[str]) -> NumberLine | None:
    positional = [arg for arg in args if "=" not in arg]
    options = dict(arg.split("=", 1) for arg in args if "=" in arg)
    if len(positional) != 2 or set(options) - {"ticks", "mark"}:
        return None
    if not all(re.fullmatch(r"-?\d{1,3}", arg) for arg in positional):
        return None
    start, end = int(positional[0]), int(positional[1])
    gaps_text = options.get("ticks", str(end - start))
    # fullmatch, not isdigit(): "²" is a digit to isdigit() but not to int().
    if start >= end or not re.fullmatch(r"[0-9]{1,2}", gaps_text):
        return None
    if not 1 <= int(gaps_text) <= MAX_GAPS:
        return None
    marks = [_number(text) for text in options.get("mark", "").split(",") if text]
    if len(marks) > MAX_MARKS or any(m is None or not start <= m <= end for m in marks):
        return None
    return NumberLine(start=start, end=end, gaps=int(gaps_text), marks=tuple(marks))  # type: ignore[arg-type]


def parse_figure(name: str, arguments: str) -> Figure | None:
    """The figure a shortcode describes, or None if its arguments are not valid."""
    args = arguments.split()
    return _fraction_bar(args) if name == "fraction-bar" else _number_line(args)


def _svg(label: str, css_class: str, width: int, height: int, body: str) -> str:
    return (
        f'<svg class="figure {css_class}" role="img" aria-label="{label}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg">{body}</svg>'
    )


def _bar_label(bar: FractionBar) -> str:
    if bar.shaded <= bar.parts:
        return f"A bar in {bar.parts} equal parts, {bar.shaded} shaded"
    count = -(-bar.shaded // bar.parts)
    return (
        f"{count} bars, each in {bar.parts} equal parts, {bar.shaded} parts shaded in all "
        "(whole bars first)"
    )


def fraction_bar_svg(bar: FractionBar) -> str:
    width, row = 240, 40
    count = max(1, -(-bar.shaded // bar.parts))
    part = width / bar.parts
    cells = []
    for index in range(count * bar.parts):
        x, y = 1 + (index % bar.parts) * part, 1 + (index // bar.parts) * row
        shaded = index < bar.shaded
        cells.append(
            f'<rect class="{"figure-shaded" if shaded else "figure-empty"}" x="{x:.2f}" '
            f'y="{y}" width="{part:.2f}" height="30" fill="{"#3b5bdb" if shaded else "#fff"}" '
            'stroke="#1f2937" stroke-width="1.5"/>'
        )
    return _svg(_bar_label(bar), "figure-bar", width + 2, count * row - 8, "".join(cells))


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else _ORDINALS.get(n % 10, "th")
    return f"{n}{suffix}"


def _show(value: int) -> str:
    return f"−{-value}" if value < 0 else str(value)


def _line_label(line: NumberLine) -> str:
    label = f"A number line from {_show(line.start)} to {_show(line.end)} in {line.gaps} equal gaps"
    points = []
    for mark in line.marks:
        position = (mark - line.start) * line.gaps / (line.end - line.start)
        if position.denominator == 1:
            points.append(
                f"a point on the {_ordinal(int(position))} tick after {_show(line.start)}"
            )
        else:
            after = int(position)
            points.append(f"a point between the {_ordinal(after)} and {_ordinal(after + 1)} ticks")
    return label + (", with " + " and ".join(points) if points else "")


def number_line_svg(line: NumberLine) -> str:
    width, left, right, axis = 320, 16, 304, 26
    span = line.end - line.start

    def x_of(value: Fraction) -> float:
        return left + float((value - line.start) / span) * (right - left)

    axis_line = f'<line x1="{left}" y1="{axis}" x2="{right}" y2="{axis}" '
    parts = [axis_line + 'stroke="#1f2937" stroke-width="2"/>']
    for gap in range(line.gaps + 1):
        value = line.start + Fraction(span * gap, line.gaps)
        x, whole = x_of(value), value.denominator == 1
        # Past a dozen units the labels would overlap: then only the two ends are labelled.
        labelled = whole and (span <= MAX_LABELLED_UNITS or gap in (0, line.gaps))
        size = 9 if whole else 6
        parts.append(
            f'<line x1="{x:.2f}" y1="{axis - size}" x2="{x:.2f}" y2="{axis + size}" '
            'stroke="#1f2937" stroke-width="2"/>'
        )
        if labelled:
            parts.append(
                f'<text class="figure-label" x="{x:.2f}" y="{axis + 26}" text-anchor="middle" '
                f'font-size="14" fill="#1f2937">{_show(int(value))}</text>'
            )
    for mark in line.marks:
        parts.append(
            f'<circle class="figure-mark" cx="{x_of(mark):.2f}" cy="{axis}" r="6" '
            'fill="#c2255c" stroke="#1f2937" stroke-width="1.5"/>'
        )
    return _svg(_line_label(line), "figure-number-line", width, 56, "".join(parts))


def figure_svg(figure: Figure) -> str:
    if isinstance(figure, FractionBar):
        return fraction_bar_svg(figure)
    return number_line_svg(figure)
