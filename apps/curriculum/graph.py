"""The prerequisite graph as plain data: cycle detection and ordering, no database access.

Edges are ``(skill, prerequisite)`` pairs of node ids (slugs or primary keys).
"""

from collections import defaultdict, deque
from collections.abc import Hashable, Iterable, Sequence
from typing import TypeVar

Node = TypeVar("Node", bound=Hashable)


def prerequisite_map(edges: Iterable[tuple[Node, Node]]) -> dict[Node, list[Node]]:
    requires: dict[Node, list[Node]] = defaultdict(list)
    for skill, prerequisite in edges:
        requires[skill].append(prerequisite)
    return requires


def cycle_if_added(
    edges: Iterable[tuple[Node, Node]], skill: Node, prerequisite: Node
) -> list[Node] | None:
    """The cycle the edge ``skill requires prerequisite`` would close, or None.

    Returned as ``[skill, prerequisite, ..., skill]``: each node requires the next one.
    """
    if skill == prerequisite:
        return [skill, skill]
    requires = prerequisite_map(edges)
    # A cycle appears iff ``skill`` is already (indirectly) a prerequisite of ``prerequisite``.
    parent: dict[Node, Node] = {prerequisite: prerequisite}
    queue: deque[Node] = deque([prerequisite])
    while queue:
        node = queue.popleft()
        for nxt in requires.get(node, []):
            if nxt in parent:
                continue
            parent[nxt] = node
            if nxt == skill:
                path = [skill]
                while path[-1] != prerequisite:
                    path.append(parent[path[-1]])
                return [skill, *reversed(path)]
            queue.append(nxt)
    return None


def find_cycle(nodes: Sequence[Node], edges: Iterable[tuple[Node, Node]]) -> list[Node] | None:
    """Any cycle in the whole graph (for validating an imported course), or None."""
    accepted: list[tuple[Node, Node]] = []
    for skill, prerequisite in edges:
        cycle = cycle_if_added(accepted, skill, prerequisite)
        if cycle is not None:
            return cycle
        accepted.append((skill, prerequisite))
    return None


def topological_order(nodes: Sequence[Node], edges: Iterable[tuple[Node, Node]]) -> list[Node]:
    """Prerequisites first; ties keep the given order (so authors' ordering shows through)."""
    requires = prerequisite_map(edges)
    index = {node: i for i, node in enumerate(nodes)}
    remaining = {node: len(set(requires.get(node, []))) for node in nodes}
    dependents: dict[Node, list[Node]] = defaultdict(list)
    for node in nodes:
        for prerequisite in set(requires.get(node, [])):
            dependents[prerequisite].append(node)
    ready = sorted((n for n in nodes if remaining[n] == 0), key=index.__getitem__)
    order: list[Node] = []
    while ready:
        node = ready.pop(0)
        order.append(node)
        for dependent in dependents[node]:
            remaining[dependent] -= 1
            if remaining[dependent] == 0:
                ready.append(dependent)
                ready.sort(key=index.__getitem__)
    if len(order) != len(nodes):
        raise ValueError("the prerequisite graph has a cycle")
    return order


def describe_cycle(cycle: Sequence[object]) -> str:
    return " → ".join(str(node) for node in cycle)
