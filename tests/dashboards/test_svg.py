"""The SVG drawing functions: layout, well-formed markup, text twins for every colour."""

import xml.etree.ElementTree as ET

from apps.web.charts import (
    ChartPoint,
    MapNode,
    layered_layout,
    mastery_line_chart_svg,
    mastery_map_svg,
    wrap_name,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: object) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 - our own output, not untrusted input


def diamond() -> list[MapNode]:
    """a -> b, a -> c, (b, c) -> d, and e alone."""
    return [
        MapNode("a", "Adding", "mastered", 97, ()),
        MapNode("e", "Estimating", "not_started", 20, ()),
        MapNode("b", "Bonds", "learning", 55, ("a",)),
        MapNode("c", "Comparing <fractions> & more", "needs_review", 96, ("a",)),
        MapNode("d", "Dividing", "locked", 20, ("b", "c")),
    ]


def test_layers_follow_prerequisite_depth_and_slots_follow_prerequisites():
    layout = layered_layout(diamond())
    assert {key: layer for key, (layer, _) in layout.items()} == {
        "a": 0,
        "e": 0,
        "b": 1,
        "c": 1,
        "d": 2,
    }
    assert layout["a"][1] == 0
    assert layout["e"][1] == 1
    assert sorted(layout[k][1] for k in "bc") == [0, 1]


def test_depth_is_the_longest_chain_not_the_shortest():
    nodes = [
        MapNode("a", "A", "mastered", 99, ()),
        MapNode("b", "B", "mastered", 99, ("a",)),
        MapNode("c", "C", "learning", 50, ("a", "b")),
    ]
    assert layered_layout(nodes)["c"][0] == 2


def test_map_is_well_formed_with_an_arrow_per_edge_and_labels_on_every_node():
    svg = str(mastery_map_svg(diamond(), id_prefix="m", title="Map of <Fractions>"))
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "m-title m-desc"
    assert root.find(f"{SVG}title").text == "Map of <Fractions>"
    assert (
        "1 mastered; 1 needs review; 1 learning; 1 ready to learn; 1 locked"
        in root.find(f"{SVG}desc").text
    )
    edges = root.findall(f".//{SVG}path[@class='map-edge']")
    assert len(edges) == 4
    assert all(e.get("marker-end") == "url(#m-arrow)" for e in edges)
    nodes = {g.get("data-skill"): g for g in root.findall(f".//{SVG}g[@data-skill]")}
    assert set(nodes) == set("abcde")
    texts = ["".join(t.itertext()) for t in nodes["c"].findall(f"{SVG}text")]
    assert texts == ["Comparing", "<fractions> & more", "↻ Needs review · 96%"]
    assert nodes["c"].find(f"{SVG}title").text == "Comparing <fractions> & more: Needs review, 96%"
    assert nodes["d"].get("class") == "map-node map-node--locked"
    assert "⊘ Locked · 20%" in "".join(nodes["d"].itertext())
    assert "&lt;fractions&gt; &amp;" in svg  # escaped in the source, not just parsed back


def test_edges_run_from_the_bottom_of_the_prerequisite_to_the_top_of_the_skill():
    root = parse(mastery_map_svg(diamond()[:3], id_prefix="m", title="t"))
    rects = {
        g.get("data-skill"): g.find(f"{SVG}rect")
        for g in root.iter(f"{SVG}g")
        if g.get("data-skill")
    }
    (edge,) = root.findall(f".//{SVG}path[@class='map-edge']")
    start, *_, end = edge.get("d").replace("M", "").replace("C", "").split()
    bottom = float(rects["a"].get("y")) + float(rects["a"].get("height"))
    assert float(start.split(",")[1]) == bottom
    assert float(end.split(",")[1]) == float(rects["b"].get("y")) - 2


def test_long_names_wrap_onto_three_lines_then_shorten():
    # Widths are measured in the map's font (apps/web/text_width.py), not counted in characters.
    assert wrap_name("Adding fractions") == ["Adding fractions"]
    assert wrap_name("Equivalent fractions with unlike denominators and more words") == [
        "Equivalent fractions",
        "with unlike",
        "denominators and mo…",
    ]
    assert wrap_name("Supercalifragilisticexpialidocious fractions") == [
        "Supercalifragilisticex…",
        "fractions",
    ]


def test_an_empty_course_draws_nothing():
    assert mastery_map_svg([], id_prefix="m", title="t") == ""


def test_line_chart_has_a_point_per_answer_the_goal_and_a_summary():
    points = [ChartPoint(v, f"Answer {n}") for n, v in enumerate([0.4, 0.7, 0.96], start=1)]
    svg = str(
        mastery_line_chart_svg(
            title="Mastery of <b>", start=0.2, points=points, threshold=0.95, id_prefix="c"
        )
    )
    root = parse(svg)
    assert root.find(f"{SVG}desc").text == (
        "From 20% to 96% over 3 answers; reached the goal of 95%."
    )
    circles = root.findall(f"{SVG}circle")
    assert [c.find(f"{SVG}title").text for c in circles] == ["Answer 1", "Answer 2", "Answer 3"]
    assert [c.get("class") for c in circles][-1] == "chart-point chart-point--goal"
    line = root.find(f"{SVG}polyline").get("points").split()
    assert len(line) == 4  # the starting point, then one per answer
    ys = [float(p.split(",")[1]) for p in line]
    assert ys == sorted(ys, reverse=True)  # rising mastery draws upwards
    goal = root.find(f".//{SVG}line[@class='chart-goal']")
    assert goal is not None
    assert "goal 95%" in svg


def test_line_chart_not_reaching_the_goal_says_so():
    svg = str(
        mastery_line_chart_svg(
            title="t", start=0.2, points=[ChartPoint(0.1, "a")], threshold=0.95, id_prefix="c"
        )
    )
    assert "From 20% to 10% over 1 answer; still below the goal of 95%." in svg
