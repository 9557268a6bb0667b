"""A layered (Sugiyama) drawing of a directed acyclic graph, top to bottom, in plain Python.

The four classic steps, each small enough to read:

1. layers by longest path: a node sits one layer below its deepest predecessor;
2. a dummy vertex wherever an edge skips a layer, so long edges get a slot of their own in every
   layer they cross and are routed *between* boxes, never under them;
3. crossing reduction by barycentre sweeps (down, then up, keeping the best order seen);
4. x coordinates: each vertex pulled towards the mean of its neighbours, then pushed apart just
   enough to keep order and spacing (a least-squares fit solved by merging blocks).

Edges are routed through their dummies: straight down through a layer, and in the gap between
two layers a curve whose y only increases, so it stays in the gap. No Django here, no
randomness: the same graph always gives the same drawing.

Why not a library: ``grandalf`` (PyPI) does this too, but it is marked alpha, its last release
(0.8) is from 2023, it is GPL/EPL-licensed and routes no edges for us; this module (about 300
lines) is tested in tests/dashboards/test_map_layout.py.
"""

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Point = tuple[float, float]

SWEEPS = 12  # barycentre sweeps; small graphs settle in two or three
COORDINATE_PASSES = 16
DUMMY_WIDTH = 8.0
DUMMY_GAP = 10.0  # between a dummy and its neighbour: room for the edge, not for a box
DUMMY_WEIGHT = 4.0  # long edges pull harder, so they run straight
PORT_STEP = 14.0  # between two edges leaving (or entering) the same box


@dataclass(frozen=True)
class Box:
    key: str
    x: float  # left
    y: float  # top
    width: float
    height: float

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Route:
    """An edge as points: the source's bottom, the top and bottom of each dummy, the target's
    top. Consecutive points in different layers are joined by a curve in the gap between them;
    points in the same layer (a dummy's top and bottom) by a vertical line."""

    source: str
    target: str
    points: tuple[Point, ...]


@dataclass(frozen=True)
class GraphLayout:
    boxes: dict[str, Box]
    routes: tuple[Route, ...]
    layer_of: dict[str, int]
    order: dict[str, int]  # position among the real nodes of its layer, left to right
    width: float
    height: float


def longest_path_layers(keys: Sequence[str], edges: Sequence[tuple[str, str]]) -> dict[str, int]:
    """Layer 0 for nodes without predecessors, else one below the deepest predecessor. Edges to
    unknown keys and edges that would close a cycle are ignored (the curriculum refuses cycles;
    this only keeps a bad graph from looping)."""
    known = set(keys)
    preds: dict[str, list[str]] = {key: [] for key in keys}
    for source, target in edges:
        if source in known and target in known and source != target:
            preds[target].append(source)
    layer: dict[str, int] = {}
    visiting: set[str] = set()

    def depth(key: str) -> int:
        if key in layer:
            return layer[key]
        visiting.add(key)
        below = [depth(p) for p in preds[key] if p not in visiting]
        visiting.discard(key)
        layer[key] = 1 + max(below) if below else 0
        return layer[key]

    for key in keys:
        depth(key)
    return layer


def _crossings(upper: list[int], lower: list[int], down: dict[int, list[int]]) -> int:
    position = {v: i for i, v in enumerate(lower)}
    ends = [(i, position[w]) for i, v in enumerate(upper) for w in down[v]]
    return sum(
        1
        for a, (u1, w1) in enumerate(ends)
        for u2, w2 in ends[a + 1 :]
        if (u1 - u2) * (w1 - w2) < 0
    )


def _by_barycentre(
    layer: list[int], fixed_layer: list[int], neighbours: dict[int, list[int]]
) -> list[int]:
    """``layer`` sorted by the mean position of each vertex's neighbours in ``fixed_layer``; a
    vertex without any keeps its own position. sorted() is stable, so ties keep their order
    and the result is deterministic."""
    fixed = {v: i for i, v in enumerate(fixed_layer)}
    here = {v: i for i, v in enumerate(layer)}

    def barycentre(v: int) -> float:
        placed = [fixed[w] for w in neighbours[v]]
        return sum(placed) / len(placed) if placed else float(here[v])

    return sorted(layer, key=barycentre)


def _order_layers(
    layers: list[list[int]], down: dict[int, list[int]], up: dict[int, list[int]]
) -> list[list[int]]:
    def total(candidate: list[list[int]]) -> int:
        return sum(_crossings(a, b, down) for a, b in itertools.pairwise(candidate))

    def sweep(
        current: list[list[int]], indices: range, neighbours: dict[int, list[int]], step: int
    ) -> None:
        for index in indices:
            current[index] = _by_barycentre(current[index], current[index - step], neighbours)

    best = [list(layer) for layer in layers]
    best_count = total(best)
    current = [list(layer) for layer in layers]
    for _ in range(SWEEPS):
        sweep(current, range(1, len(current)), up, 1)
        sweep(current, range(len(current) - 2, -1, -1), down, -1)
        count = total(current)
        if count < best_count:
            best, best_count = [list(layer) for layer in current], count
        if best_count == 0:
            break
    return best


@dataclass
class _Block:
    """Neighbouring vertices pushed together, moving as one: ``shift`` is where its first
    vertex would sit if every vertex were at its own offset."""

    start: int
    weighted: float  # sum of weight * (desired - offset)
    weight: float

    @property
    def shift(self) -> float:
        return self.weighted / self.weight


def _pack(desired: list[float], weights: list[float], gaps: list[float]) -> list[float]:
    """Positions as close as possible (weighted least squares) to ``desired`` with
    x[i+1] - x[i] >= gaps[i]: vertices whose wishes would overlap merge into a block that sits
    at its members' weighted mean (the pool-adjacent-violators algorithm)."""
    offsets = list(itertools.accumulate(gaps, initial=0.0))
    blocks: list[_Block] = []
    for i, (want, weight) in enumerate(zip(desired, weights, strict=True)):
        blocks.append(_Block(i, weight * (want - offsets[i]), weight))
        while len(blocks) > 1 and blocks[-2].shift > blocks[-1].shift:
            last = blocks.pop()  # it would overlap the block before: they move together
            blocks[-1].weighted += last.weighted
            blocks[-1].weight += last.weight
    result = [0.0] * len(desired)
    ends = [block.start for block in blocks[1:]] + [len(desired)]
    for block, end in zip(blocks, ends, strict=True):
        for i in range(block.start, end):
            result[i] = block.shift + offsets[i]
    return result


def layered_graph_layout(
    keys: Sequence[str],
    edges: Sequence[tuple[str, str]],
    widths: Mapping[str, float],
    *,
    height: float,
    h_gap: float,
    v_gap: float,
    margin: float,
) -> GraphLayout:
    """Boxes and routes for the graph; ``keys`` in a stable order (it breaks ties)."""
    layer_of = longest_path_layers(keys, edges)
    # Vertices are numbered: the real nodes first (0 .. len(keys) - 1), then the dummies.
    width_of = [float(widths[key]) for key in keys]
    vertex_layer = [layer_of[key] for key in keys]
    index = {key: i for i, key in enumerate(keys)}
    down: dict[int, list[int]] = {i: [] for i in range(len(keys))}
    up: dict[int, list[int]] = {i: [] for i in range(len(keys))}
    chains: list[tuple[str, str, list[int]]] = []
    for source, target in dict.fromkeys(edges):  # dict.fromkeys: drop repeats, keep order
        if source not in index or target not in index or layer_of[source] >= layer_of[target]:
            continue
        chain = [index[source]]
        for layer in range(layer_of[source] + 1, layer_of[target]):
            dummy = len(width_of)
            width_of.append(DUMMY_WIDTH)
            vertex_layer.append(layer)
            down[dummy], up[dummy] = [], []
            chain.append(dummy)
        chain.append(index[target])
        for a, b in itertools.pairwise(chain):
            down[a].append(b)
            up[b].append(a)
        chains.append((source, target, chain))
    real = len(keys)
    layers: list[list[int]] = [[] for _ in range(max(vertex_layer, default=-1) + 1)]
    for v, layer in enumerate(vertex_layer):
        layers[layer].append(v)
    layers = _order_layers(layers, down, up)
    x = _coordinates(layers, width_of, real, down, up, h_gap)
    left = min((x[v] - width_of[v] / 2 for v in range(len(x))), default=0.0)
    x = [value - left + margin for value in x]
    top = [margin + layer * (height + v_gap) for layer in range(len(layers))]
    boxes = {
        key: Box(key, x[i] - width_of[i] / 2, top[layer_of[key]], width_of[i], height)
        for i, key in enumerate(keys)
    }
    routes = _routes(chains, x, [top[layer] for layer in vertex_layer], height, boxes)
    right = max((x[v] + width_of[v] / 2 for v in range(len(x))), default=0.0)
    order = {keys[v]: i for layer in layers for i, v in enumerate(w for w in layer if w < real)}
    return GraphLayout(
        boxes=boxes,
        routes=routes,
        layer_of=layer_of,
        order=order,
        width=right + margin,
        height=top[-1] + height + margin if top else 2 * margin,
    )


def _coordinates(
    layers: list[list[int]],
    width_of: list[float],
    real: int,
    down: dict[int, list[int]],
    up: dict[int, list[int]],
    h_gap: float,
) -> list[float]:
    x = [0.0] * len(width_of)

    def gaps(layer: list[int]) -> list[float]:
        return [
            (width_of[a] + width_of[b]) / 2 + (h_gap if a < real and b < real else DUMMY_GAP)
            for a, b in itertools.pairwise(layer)
        ]

    for layer in layers:  # start packed to the left
        for v, value in zip(
            layer, _pack([0.0] * len(layer), [1.0] * len(layer), gaps(layer)), strict=True
        ):
            x[v] = value
    weight = [1.0 if v < real else DUMMY_WEIGHT for v in range(len(width_of))]
    for sweep in range(COORDINATE_PASSES):
        neighbours = up if sweep % 2 == 0 else down
        indices = range(len(layers)) if sweep % 2 == 0 else range(len(layers) - 1, -1, -1)
        for i in indices:
            layer = layers[i]
            desired = [
                sum(x[w] for w in neighbours[v]) / len(neighbours[v]) if neighbours[v] else x[v]
                for v in layer
            ]
            for v, value in zip(
                layer, _pack(desired, [weight[v] for v in layer], gaps(layer)), strict=True
            ):
                x[v] = value
    return x


def _ports(count: int, centre: float, width: float) -> list[float]:
    step = min(PORT_STEP, 0.7 * width / max(count - 1, 1))
    return [centre + (k - (count - 1) / 2) * step for k in range(count)]


def _routes(
    chains: list[tuple[str, str, list[int]]],
    x: list[float],
    top: list[float],
    height: float,
    boxes: dict[str, Box],
) -> tuple[Route, ...]:
    """``top``: the top of each vertex's layer."""
    # Edges leave a box in the left-to-right order of where they go, and enter in the order of
    # where they come from, so edges at one box do not cross each other at its border.
    leaving: dict[str, list[int]] = {}
    entering: dict[str, list[int]] = {}
    for n, (source, target, _chain) in enumerate(chains):
        leaving.setdefault(source, []).append(n)
        entering.setdefault(target, []).append(n)
    start: dict[int, float] = {}
    end: dict[int, float] = {}
    for key, ns in leaving.items():
        ns.sort(key=lambda n: (x[chains[n][2][1]], n))
        for n, port in zip(ns, _ports(len(ns), boxes[key].centre, boxes[key].width), strict=True):
            start[n] = port
    for key, ns in entering.items():
        ns.sort(key=lambda n: (x[chains[n][2][-2]], n))
        for n, port in zip(ns, _ports(len(ns), boxes[key].centre, boxes[key].width), strict=True):
            end[n] = port
    routes = []
    for n, (source, target, chain) in enumerate(chains):
        source_box, target_box = boxes[source], boxes[target]
        points: list[Point] = [(start[n], source_box.y + source_box.height)]
        for dummy in chain[1:-1]:
            points += [(x[dummy], top[dummy]), (x[dummy], top[dummy] + height)]
        points.append((end[n], target_box.y))
        routes.append(Route(source, target, tuple(points)))
    return tuple(routes)
