"""static/css/steps.css holds, as classes, the values that used to be inline style attributes
(forbidden by the Content-Security-Policy); it must match the code that picks the classes."""

from pathlib import Path

from apps.web import charts

STEPS = Path(__file__).resolve().parents[2] / "static" / "css" / "steps.css"


def expected_rules() -> list[str]:
    """The rules steps.css must contain; print them to regenerate the file's rule lines."""
    rules = [
        " ".join(f".pct-{var}-{n}{{--{var}:{n}%}}" for n in range(101))
        for var in ("from", "to", "goal")
    ]
    return rules


def test_steps_css_has_every_rule_the_templates_and_charts_use():
    lines = {line.strip() for line in STEPS.read_text().splitlines()}
    missing = [rule[:60] for rule in expected_rules() if rule not in lines]
    assert missing == []


def test_the_mastery_map_needs_no_style_attribute():
    # The map is drawn at its own size and scrolls in its box (static/css/map.css), so it no
    # longer picks a minimum-width class here.
    nodes = [
        charts.MapNode(
            key=f"s{n}", name=f"Skill {n}", state="learning", percent=10, prerequisites=()
        )
        for n in range(3)
    ]
    svg = charts.mastery_map_svg(nodes, id_prefix="m", title="Map")
    assert 'class="mastery-map"' in svg
    assert "style=" not in svg
