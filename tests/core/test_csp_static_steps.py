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
    for columns in range(1, charts.MAP_COLUMN_CLASSES + 1):
        width = 2 * charts.MARGIN + columns * charts.NODE_WIDTH + (columns - 1) * charts.H_GAP
        rules.append(
            f".graph-wrap svg.map-cols-{columns}{{min-width:{round(width * charts.MIN_SCALE)}px}}"
        )
    return rules


def test_steps_css_has_every_rule_the_templates_and_charts_use():
    lines = {line.strip() for line in STEPS.read_text().splitlines()}
    missing = [rule[:60] for rule in expected_rules() if rule not in lines]
    assert missing == []


def test_the_mastery_map_picks_its_minimum_width_class():
    nodes = [
        charts.MapNode(
            key=f"s{n}", name=f"Skill {n}", state="learning", percent=10, prerequisites=()
        )
        for n in range(3)
    ]
    svg = charts.mastery_map_svg(nodes, id_prefix="m", title="Map")
    assert 'class="mastery-map map-cols-3"' in svg
    assert "style=" not in svg
    many = [
        charts.MapNode(key=f"s{n}", name="S", state="locked", percent=0, prerequisites=())
        for n in range(40)
    ]
    assert "map-cols-16" in charts.mastery_map_svg(many, id_prefix="w", title="Wide")
