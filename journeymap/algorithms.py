"""Pure graph functions the rules are built from; each is linear or near-linear.

Nothing here knows about journeys: nodes are any hashable names, and the
functions work on any :class:`networkx.DiGraph` or ``MultiDiGraph``. Every
function that returns a set or a list returns it in a deterministic order
(the graph's node order), so audits are byte-identical across runs.

Examples
--------
>>> import networkx as nx
>>> g = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "b"), ("a", "d")])
>>> sorted(can_reach(g, {"d"}))
['a', 'd']
>>> traps(g, exits={"d"})
[['b', 'c']]
>>> parents = bfs_tree(g, ["a"])
>>> path_to(parents, "c")
['a', 'b', 'c']
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Collection, Hashable, Iterable
from typing import Any, TypeVar

import networkx as nx

N = TypeVar("N", bound=Hashable)


class Adjacency:
    """A graph's ways out and in as plain lists: the searches here only need
    ``out_edges``, ``successors`` and ``predecessors``, and networkx's views cost more
    than the searches themselves on large graphs.

    >>> import networkx as nx
    >>> adj = Adjacency(nx.MultiDiGraph([(1, 2), (1, 3)]))
    >>> adj.successors(1), adj.predecessors(3)
    ([2, 3], [1])
    """

    def __init__(
        self,
        graph: Any,
        reverse: bool = False,
        keep: Callable[[Any, Any, dict[str, Any]], bool] | None = None,
        with_data: bool = True,
        nodes: list[Any] | None = None,
    ) -> None:
        # ``graph``: a networkx graph, or its edge list with ``nodes`` given
        nodes = nodes if nodes is not None else list(graph)
        self._routes: dict[Any, list[tuple[Any, dict[str, Any]]]] = (
            {n: [] for n in nodes} if with_data else {}
        )
        self._succ: dict[Any, list[Any]] = {n: [] for n in nodes}
        self._pred: dict[Any, list[Any]] = {n: [] for n in nodes}
        pairs: set[tuple[Any, Any]] = set()
        edges = graph if isinstance(graph, list) else graph.edges(data=True)
        for u, v, data in edges:
            if keep is not None and not keep(u, v, data):
                continue
            if reverse:
                u, v = v, u
            if with_data:
                self._routes[u].append((v, data))
            if (u, v) not in pairs:  # neighbours once each, as networkx gives them
                pairs.add((u, v))
                self._succ[u].append(v)
                self._pred[v].append(u)

    def out_edges(self, node: Any, data: bool = True) -> list[tuple[Any, Any, dict[str, Any]]]:
        return [(node, v, d) for v, d in self._routes[node]]

    def reversed(self) -> Adjacency:
        """The same graph with every route turned round, sharing these lists (its ways
        out carry no edge data)."""
        turned = object.__new__(Adjacency)
        turned._routes = {}
        turned._succ, turned._pred = self._pred, self._succ
        return turned

    def routes(self, node: Any) -> list[tuple[Any, dict[str, Any]]]:
        """``(target, edge data)`` for each way out of ``node``."""
        return self._routes[node]

    def successors(self, node: Any) -> list[Any]:
        return self._succ[node]

    @property
    def successor_lists(self) -> dict[Any, list[Any]]:
        """Every node's successors at once, for hot loops (index it: no call per node)."""
        return self._succ

    def predecessors(self, node: Any) -> list[Any]:
        return self._pred[node]


def bfs_tree(
    graph: Any,
    sources: Iterable[N],
    *,
    expand: Callable[[N], bool] | None = None,
    follow: Callable[[N, N, dict[str, Any]], bool] | None = None,
) -> dict[N, N | None]:
    """Breadth-first search from ``sources``; map each reached node to its parent.

    ``expand(node)`` false stops the search at ``node`` (it is reached, its ways
    out are not followed); ``follow(u, v, data)`` false skips one edge. Sources
    map to ``None``. Runs in O(nodes + edges).

    >>> import networkx as nx
    >>> g = nx.DiGraph([(1, 2), (2, 3)])
    >>> bfs_tree(g, [1], expand=lambda n: n != 2)
    {1: None, 2: 1}
    """
    parents: dict[N, N | None] = {}
    queue: deque[N] = deque()
    for source in sources:
        if source not in parents:
            parents[source] = None
            queue.append(source)
    while queue:
        node = queue.popleft()
        if expand is not None and not expand(node):
            continue
        if follow is None:
            for target in graph.successors(node):
                if target not in parents:
                    parents[target] = node
                    queue.append(target)
            continue
        for _, target, data in graph.out_edges(node, data=True):
            if target in parents:
                continue
            if not follow(node, target, data):
                continue
            parents[target] = node
            queue.append(target)
    return parents


def path_to(parents: dict[N, N | None], node: N) -> list[N]:
    """The path from a search's source to ``node``, read off ``parents``."""
    path: list[N] = []
    current: N | None = node
    while current is not None:
        path.append(current)
        current = parents[current]
    path.reverse()
    return path


def can_reach(
    graph: Any,
    targets: Collection[N],
    *,
    through: Callable[[N], bool] | None = None,
) -> set[N]:
    """Every node from which some node of ``targets`` can be reached.

    ``through(node)`` false means paths may end at ``node`` but not pass it
    (the node is not added as a way towards the targets unless it is one).
    O(nodes + edges), by a search backwards from the targets.

    >>> import networkx as nx
    >>> g = nx.DiGraph([("a", "m"), ("m", "q"), ("b", "q")])
    >>> sorted(can_reach(g, {"q"}, through=lambda n: n != "m"))
    ['b', 'q']
    """
    seen: set[N] = set(targets)
    queue: deque[N] = deque(targets)
    while queue:
        node = queue.popleft()
        for pred in graph.predecessors(node):
            if pred in seen:
                continue
            if through is not None and not through(pred):
                continue
            seen.add(pred)
            queue.append(pred)
    return seen


def traps(graph: Any, exits: Collection[N]) -> list[list[N]]:
    """Loops a walker can enter and never leave towards ``exits``.

    Returns the strongly connected components (with a cycle) made only of nodes that
    cannot reach any exit and with no way out of the component at all (where a
    walker ends up: a loop that leads on to another such loop is not one of them),
    each in graph order. O(nodes + edges).
    """
    order = {n: i for i, n in enumerate(graph.nodes)}
    free = can_reach(graph, exits)
    stuck = graph.subgraph(n for n in graph.nodes if n not in free)
    found: list[list[N]] = []
    for component in nx.strongly_connected_components(stuck):
        members = sorted(component, key=order.__getitem__)
        closed = all(succ in component for n in members for succ in graph.successors(n))
        if closed and (len(members) > 1 or stuck.has_edge(members[0], members[0])):
            found.append(members)
    found.sort(key=lambda c: order[c[0]])
    return found


def shortest_path(
    graph: Any,
    source: N,
    target: N,
    *,
    allowed: Callable[[N], bool] | None = None,
    first_hop: N | None = None,
) -> list[N] | None:
    """A shortest path from ``source`` to ``target`` (by number of routes), or None.

    ``allowed(node)`` restricts the nodes the path may pass; ``first_hop``
    forces the path's second node (to find a cycle through a given edge).
    """
    starts = [first_hop] if first_hop is not None else [source]
    parents: dict[N, N | None] = {}
    for start in starts:
        parents[start] = None
    if first_hop is not None and first_hop == target:
        return [source, target]
    queue: deque[N] = deque(starts)
    while queue:
        node = queue.popleft()
        for succ in graph.successors(node):
            if succ in parents:
                continue
            if allowed is not None and not allowed(succ) and succ != target:
                continue
            parents[succ] = node
            if succ == target:
                found = path_to(parents, succ)
                return [source, *found] if first_hop is not None else found
            queue.append(succ)
    return None


def cheapest_paths(
    graph: Any,
    sources: Iterable[N],
    node_cost: Callable[[N], float],
    edge_cost: Callable[[N, N, dict[str, Any]], float],
    order: dict[N, int] | None = None,
) -> tuple[dict[N, float], dict[N, N | None]]:
    """Dijkstra from ``sources``: the least total cost to reach each node.

    A path's cost is the sum of the costs of the nodes it enters (sources
    included) and the routes it takes; costs must not be negative. Ties break
    on the graph's node order (pass ``order``, the node-to-index map, when
    calling often on one big graph), so results are deterministic.
    O((nodes + edges) log nodes) for the part of the graph reached.
    """
    if order is None:
        order = {n: i for i, n in enumerate(graph.nodes)}
    dist: dict[N, float] = {}
    parents: dict[N, N | None] = {}
    heap: list[tuple[float, int, int, N, N | None]] = []
    pushed = 0
    for source in sources:
        heapq.heappush(heap, (node_cost(source), order[source], pushed, source, None))
        pushed += 1
    while heap:
        cost, _, _, node, parent = heapq.heappop(heap)
        if node in dist:
            continue
        dist[node] = cost
        parents[node] = parent
        best: dict[N, float] = {}
        for _, succ, data in graph.out_edges(node, data=True):
            step = edge_cost(node, succ, data)
            if succ not in best or step < best[succ]:
                best[succ] = step
        for succ, step in best.items():
            if succ not in dist:
                heapq.heappush(
                    heap, (cost + step + node_cost(succ), order[succ], pushed, succ, node)
                )
                pushed += 1
    return dist, parents


def fewest_marked(
    graph: Any,
    sources: Iterable[N],
    marked: Callable[[N], bool],
) -> tuple[dict[N, int], dict[N, N | None]]:
    """0-1 breadth-first search: the fewest ``marked`` nodes on a path to each node.

    Sources count too when marked. O(nodes + edges).

    >>> import networkx as nx
    >>> g = nx.DiGraph([("e", "m1"), ("m1", "m2"), ("m2", "q"), ("e", "m3"), ("m3", "q")])
    >>> fewest_marked(g, ["e"], lambda n: n.startswith("m"))[0]["q"]
    1
    """
    dist: dict[N, int] = {}
    parents: dict[N, N | None] = {}
    queue: deque[tuple[int, N, N | None]] = deque()
    for source in sources:
        queue.append((1 if marked(source) else 0, source, None))
    while queue:
        cost, node, parent = queue.popleft()
        if node in dist:
            continue
        dist[node] = cost
        parents[node] = parent
        for succ in graph.successors(node):
            if succ in dist:
                continue
            if marked(succ):
                queue.append((cost + 1, succ, node))
            else:
                queue.appendleft((cost, succ, node))
    return dist, parents
