"""Monitor dependencies as a graph: which upstreams silence a dependant, who is behind an upstream, cycles.

An edge `dependant → upstream` says "when the upstream is not up, the dependant's own failure is
probably the upstream's". Pure functions over a mapping `dependant id → upstream ids`; statuses come in
as a function so the caller decides what it knows (the engine's latest beats, maintenance).

The rule (stated once, used by the notifier):
- an upstream *blocks* when its latest status is DOWN, PENDING (it is failing and retrying) or
  MAINTENANCE; a monitor with no beat yet, or a deleted one, does not block;
- only direct upstreams are asked: in A → B → C (C depends on B, B on A), A being down makes B DOWN,
  and B then blocks C; if B is somehow UP, C's failure is C's own;
- the alert of a root upstream names everything behind it, transitively (diamonds counted once).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from kuma.status import DOWN, MAINTENANCE, PENDING

Edges = Mapping[int, Iterable[int]]

#: Statuses of an upstream that hold back a dependant's alerts.
BLOCKING = frozenset({DOWN, PENDING, MAINTENANCE})


def blocking_upstreams(monitor_id: int, edges: Edges, status_of: Callable[[int], int | None]) -> list[int]:
    """The direct upstreams of `monitor_id` that are not up now, in id order."""
    return sorted(u for u in set(edges.get(monitor_id, ())) if status_of(u) in BLOCKING)


def dependants_of(upstream_id: int, edges: Edges) -> list[int]:
    """Every monitor behind `upstream_id`, directly or through others, each once, in id order."""
    reverse: dict[int, set[int]] = {}
    for dependant, upstreams in edges.items():
        for upstream in upstreams:
            reverse.setdefault(upstream, set()).add(dependant)
    seen: set[int] = set()
    todo = [upstream_id]
    while todo:
        for dependant in reverse.get(todo.pop(), ()):
            if dependant not in seen and dependant != upstream_id:
                seen.add(dependant)
                todo.append(dependant)
    return sorted(seen)


def find_cycle(edges: Edges, monitor_id: int, upstreams: Iterable[int]) -> list[int] | None:
    """The cycle that giving `monitor_id` these upstreams would close, as a path from `monitor_id` back
    to itself (e.g. [3, 5, 3]); None when the graph stays acyclic."""
    graph = {k: list(v) for k, v in edges.items()}
    graph[monitor_id] = list(upstreams)
    path: list[int] = []

    def walk(node: int, on_path: set[int]) -> list[int] | None:
        if node == monitor_id and path:
            return [*path, node]
        if node in on_path:
            return None  # a cycle elsewhere that does not pass through monitor_id: not ours to report
        on_path.add(node)
        path.append(node)
        for upstream in graph.get(node, ()):
            found = walk(upstream, on_path)
            if found:
                return found
        path.pop()
        return None

    return walk(monitor_id, set())
