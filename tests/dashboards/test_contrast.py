"""WCAG contrast of the palette, computed from the values in static/css/app.css.

Text needs 4.5:1 against its background (WCAG 2.1 SC 1.4.3, AA); borders, marks, chart lines
and focus rings that carry meaning need 3:1 against what is next to them (SC 1.4.11).
"""

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "app.css"
WHITE = "#ffffff"

# (foreground, background) by variable name; "white" is the literal #fff used by cards,
# buttons and inputs.
TEXT_PAIRS = [
    ("ink", "bg"),
    ("ink", "card"),
    ("muted", "bg"),
    ("muted", "card"),
    ("brand", "card"),
    ("brand", "bg"),
    ("brand-ink", "brand"),
    ("ok", "card"),
    ("warn", "card"),
    ("bad", "card"),
    ("bad", "flag-bg"),
    ("ink", "flag-bg"),
    ("ink", "hint-bg"),
    ("ink", "st-mastered-bg"),
    ("ink", "st-review-bg"),
    ("ink", "st-learning-bg"),
    ("ink", "st-ready-bg"),
    ("ink", "st-locked-bg"),
    ("muted", "st-locked-bg"),  # locked heatmap cells use muted text
    ("ink", "st-stuck-bg"),
    ("chart-goal", "card"),  # the "goal 95%" label on charts
    ("muted", "line"),  # never used as text on the rule colour; guards a careless change
]
NON_TEXT_PAIRS = [
    ("st-mastered-line", "card"),
    ("st-review-line", "card"),
    ("st-learning-line", "card"),
    ("st-ready-line", "card"),
    ("st-locked-line", "card"),
    ("st-stuck-line", "card"),
    ("st-mastered-line", "st-mastered-bg"),
    ("st-review-line", "st-review-bg"),
    ("st-learning-line", "st-learning-bg"),
    ("st-locked-line", "st-locked-bg"),
    ("st-stuck-line", "st-stuck-bg"),
    ("chart-line", "card"),
    ("chart-goal", "card"),
    ("control-line", "card"),
    ("edge", "card"),
    ("focus-ring", "card"),
    ("focus-ring", "bg"),
    # The ring is drawn 2px outside the element with a yellow halo in the gap: the ring meets
    # the page and the halo, the halo meets the element (a primary button's fill, say).
    ("focus-ring", "focus"),
    ("focus", "brand"),
]
# The deliberate exception: ``--line`` draws table rules and card edges, which are decoration
# (the content is legible without them), so it is exempt from 3:1.


def css_variables() -> dict[str, str]:
    variables = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})\b", CSS.read_text()))
    variables["white"] = WHITE
    return variables


def relative_luminance(hex_colour: str) -> float:
    value = hex_colour.lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_formula_on_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#fff", "#ffffff") == pytest.approx(1.0)


@pytest.mark.parametrize(("foreground", "background"), TEXT_PAIRS)
def test_text_colours_meet_aa(foreground, background):
    colours = css_variables()
    ratio = contrast(colours[foreground], colours[background])
    assert ratio >= 4.5, f"--{foreground} on --{background}: {ratio:.2f}:1"


@pytest.mark.parametrize(("foreground", "background"), NON_TEXT_PAIRS)
def test_meaningful_lines_and_marks_meet_3_to_1(foreground, background):
    colours = css_variables()
    ratio = contrast(colours[foreground], colours[background])
    assert ratio >= 3.0, f"--{foreground} against --{background}: {ratio:.2f}:1"


def test_every_state_has_both_a_fill_and_a_line():
    colours = css_variables()
    for state in ("mastered", "review", "learning", "ready", "locked", "stuck"):
        assert f"st-{state}-bg" in colours
        assert f"st-{state}-line" in colours


def report() -> list[str]:
    """The ratios, for the README and reviews: python -m tests.dashboards.test_contrast"""
    colours = css_variables()
    return [
        f"--{f} on --{b}: {contrast(colours[f], colours[b]):.2f}:1"
        for f, b in TEXT_PAIRS + NON_TEXT_PAIRS
    ]


if __name__ == "__main__":
    print("\n".join(report()))  # noqa: T201 - the report is this script's output
