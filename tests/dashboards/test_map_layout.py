"""The mastery map's layered layout (apps/web/graph_layout.py) as drawn by apps/web/charts.py:
edges never pass under a box, layers follow prerequisites, labels fit their boxes in the map's
font, and the same graph always gives the same drawing."""

import itertools
import json
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from apps.web import charts
from apps.web.charts import MapNode, map_layout, mastery_map_svg
from apps.web.graph_layout import _pack, layered_graph_layout, longest_path_layers
from apps.web.text_width import text_width

SVG = "{http://www.w3.org/2000/svg}"
DEMO = Path(__file__).resolve().parents[2] / "apps" / "demo" / "courses" / "fractions.json"
STATES = list(charts.STATE_LABELS)
RECT = ("x", "y", "width", "height")


def demo_nodes(*, new_learner: bool = False) -> list[MapNode]:
    """The demo course, every state in turn, or as a new learner sees it."""
    skills = json.loads(DEMO.read_text())["course"]["skills"]

    def state(n: int, skill: dict) -> str:  # type: ignore[type-arg]
        if new_learner:
            return "locked" if skill["prerequisites"] else "not_started"
        return STATES[n % len(STATES)]

    return [
        MapNode(s["slug"], s["name"], state(n, s), 100 - n, tuple(s["prerequisites"]))
        for n, s in enumerate(skills)
    ]


def random_dag(seed: int, size: int = 30) -> list[MapNode]:
    """Nodes in topological order, each with up to three earlier prerequisites, some far back
    (long edges that cross several layers)."""
    rng = random.Random(seed)
    nodes: list[MapNode] = []
    for n in range(size):
        earlier = [node.key for node in nodes]
        prerequisites = tuple(rng.sample(earlier, min(len(earlier), rng.randint(0, 3))))
        name = " ".join(rng.choice(["Adding", "fractions", "of", "denominators", "mixed"])
                        for _ in range(rng.randint(1, 6)))  # fmt: skip
        nodes.append(MapNode(f"k{n}", name, rng.choice(STATES), rng.randint(0, 100), prerequisites))
    return nodes


GRAPHS = [pytest.param(demo_nodes(), id="demo")] + [
    pytest.param(random_dag(seed), id=f"random-{seed}") for seed in range(6)
]


def cubic(p0, p1, p2, p3, t):  # type: ignore[no-untyped-def]
    return tuple(
        (1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t**2 * c + t**3 * d
        for a, b, c, d in zip(p0, p1, p2, p3, strict=True)
    )


def sampled_path(d: str, steps: int = 40) -> list[tuple[float, float]]:
    """Points along an SVG path made of M, C and L commands (what edge_path draws)."""
    points: list[tuple[float, float]] = []
    for command, args in re.findall(r"([MCL])([^MCL]*)", d):
        coords = [tuple(map(float, pair.split(","))) for pair in args.split()]
        if command == "M":
            points.append(coords[0])
        elif command == "L":
            start = points[-1]
            points += [
                tuple(a + (b - a) * i / steps for a, b in zip(start, coords[0], strict=True))
                for i in range(1, steps + 1)
            ]
        else:
            start = points[-1]
            points += [cubic(start, *coords, i / steps) for i in range(1, steps + 1)]
    return points  # type: ignore[return-value]


def drawn(nodes: list[MapNode]) -> tuple[dict[str, dict[str, float]], list[ET.Element], ET.Element]:
    root = ET.fromstring(str(mastery_map_svg(nodes, id_prefix="m", title="t")))  # noqa: S314
    rects = {
        g.get("data-skill"): {k: float(g.find(f"{SVG}rect").get(k)) for k in RECT}
        for g in root.iter(f"{SVG}g")
        if g.get("data-skill")
    }  # fmt: skip
    return rects, root.findall(f".//{SVG}path[@class='map-edge']"), root


@pytest.mark.parametrize("nodes", GRAPHS)
def test_no_edge_passes_under_a_box(nodes):  # type: ignore[no-untyped-def]
    rects, edges, _ = drawn(nodes)
    assert len(edges) == sum(len(node.prerequisites) for node in nodes)
    for edge in edges:
        for x, y in sampled_path(edge.get("d")):
            under = [
                key
                for key, r in rects.items()
                if r["x"] + 0.5 < x < r["x"] + r["width"] - 0.5
                and r["y"] + 0.5 < y < r["y"] + r["height"] - 0.5
            ]
            assert under == [], (edge.get("data-from"), edge.get("data-to"), x, y)


@pytest.mark.parametrize("nodes", GRAPHS)
def test_edges_join_their_own_boxes(nodes):  # type: ignore[no-untyped-def]
    rects, edges, _ = drawn(nodes)
    for edge in edges:
        points = sampled_path(edge.get("d"))
        source, target = rects[edge.get("data-from")], rects[edge.get("data-to")]
        (x0, y0), (x1, y1) = points[0], points[-1]
        assert y0 == source["y"] + source["height"]
        assert source["x"] <= x0 <= source["x"] + source["width"]
        assert y1 == target["y"] - charts.ARROW_GAP
        assert target["x"] <= x1 <= target["x"] + target["width"]
        ys = [y for _, y in points]
        assert ys == sorted(ys)  # always downwards: from a prerequisite to what needs it


@pytest.mark.parametrize("nodes", GRAPHS)
def test_layers_respect_prerequisites_and_boxes_do_not_overlap(nodes):  # type: ignore[no-untyped-def]
    layout = map_layout(nodes)
    for node in nodes:
        below = [layout.layer_of[p] for p in node.prerequisites]
        # Longest path: exactly one layer below the deepest prerequisite.
        assert layout.layer_of[node.key] == (1 + max(below) if below else 0)
        for p in node.prerequisites:
            assert layout.boxes[p].y + layout.boxes[p].height < layout.boxes[node.key].y
    boxes = sorted(layout.boxes.values(), key=lambda b: (b.y, b.x))
    for a, b in itertools.pairwise(boxes):
        if a.y == b.y:
            assert a.x + a.width + charts.H_GAP <= b.x + 1e-6
    assert min(b.x for b in boxes) >= charts.MARGIN - 1e-6
    assert max(b.x + b.width for b in boxes) <= layout.width - charts.MARGIN + 1e-6


@pytest.mark.parametrize("nodes", GRAPHS)
def test_labels_fit_their_boxes_at_the_font_size_used(nodes):  # type: ignore[no-untyped-def]
    assert charts.FONT_SIZE >= 14
    rects, _, root = drawn(nodes)
    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "map.css").read_text()
    assert f"font-size: {charts.FONT_SIZE}px" in css
    for g in root.iter(f"{SVG}g"):
        if not g.get("data-skill"):
            continue
        rect = rects[g.get("data-skill")]
        for text in g.findall(f"{SVG}text"):
            bold = text.get("class") == "map-node-name"
            width = text_width(text.text or "", size=charts.FONT_SIZE, bold=bold)
            assert width <= rect["width"] - 2 * charts.PAD_X, text.text
            # Centred in the box, baseline within it with room for the descenders.
            assert float(text.get("x")) == pytest.approx(rect["x"] + rect["width"] / 2, abs=0.1)
            assert (
                rect["y"] + charts.FONT_SIZE
                <= float(text.get("y"))
                <= rect["y"] + rect["height"] - 4
            )


def test_the_demo_map_fits_a_laptop_and_names_are_whole():
    # The page's card is about 1070px wide at a 1280px window: the demo map as a new learner
    # sees it fits without scrolling, and none of its 22 names needed shortening.
    assert map_layout(demo_nodes(new_learner=True)).width <= 1070
    _, _, root = drawn(demo_nodes())
    names = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "map-node-name"]
    assert not any(name.endswith("…") for name in names)


@pytest.mark.parametrize("nodes", GRAPHS)
def test_the_same_graph_always_gives_the_same_drawing(nodes):  # type: ignore[no-untyped-def]
    first = str(mastery_map_svg(nodes, id_prefix="m", title="t"))
    assert all(
        str(mastery_map_svg(list(nodes), id_prefix="m", title="t")) == first for _ in range(3)
    )


def test_crossing_reduction_untangles_a_crossed_pair():
    # Given in an order that crosses (a->y, b->x with x before y), the sweeps swap a layer.
    layout = layered_graph_layout(
        ["a", "b", "x", "y"],
        [("a", "y"), ("b", "x")],
        dict.fromkeys("abxy", 100.0),
        height=50,
        h_gap=10,
        v_gap=40,
        margin=0,
    )
    ends = {key: layout.boxes[key].centre for key in "abxy"}
    assert (ends["a"] < ends["b"]) == (ends["y"] < ends["x"])


def test_a_long_edge_gets_a_dummy_point_in_each_layer_it_crosses():
    layout = layered_graph_layout(
        ["a", "b", "c", "d"],
        [("a", "b"), ("b", "c"), ("c", "d"), ("a", "d")],
        dict.fromkeys("abcd", 100.0),
        height=50,
        h_gap=10,
        v_gap=40,
        margin=0,
    )
    (long_edge,) = [r for r in layout.routes if (r.source, r.target) == ("a", "d")]
    # Source bottom, top and bottom of the dummies in layers 1 and 2, target top.
    assert [y for _, y in long_edge.points] == [50, 90, 140, 180, 230, 270]


def test_a_cycle_or_unknown_prerequisite_does_not_loop_or_fail():
    assert longest_path_layers(["a", "b"], [("a", "b"), ("b", "a"), ("z", "a")]) in (
        {"a": 0, "b": 1},
        {"a": 1, "b": 0},
    )
    nodes = [
        MapNode("a", "A", "learning", 1, ("b", "zz")),
        MapNode("b", "B", "learning", 1, ("a",)),
    ]
    assert "data-skill" in str(mastery_map_svg(nodes, id_prefix="m", title="t"))


def test_pack_keeps_order_and_gaps_as_close_to_the_wish_as_it_can():
    assert _pack([0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [10.0, 10.0]) == [-10.0, 0.0, 10.0]
    assert _pack([0.0, 100.0], [1.0, 1.0], [10.0]) == [0.0, 100.0]
    # A heavier vertex moves less.
    assert _pack([0.0, 0.0], [3.0, 1.0], [8.0]) == [-2.0, 6.0]
