"""The networkx view of journeys: one node per step, one edge per way out.

Nodes are named ``"JOURNEY:STEP"`` so that several journeys linked by
cross-journey targets live in one graph. Each node carries:

``journey``, ``step`` (the step id), ``type``, ``team`` (or ``None``),
``channel`` (the step's own or its journey's), ``entry`` (``True`` for the
journey's entry steps), ``model`` (the validated step), ``file``, ``line`` and
``column`` (where the step id stands).

Each edge (a :class:`networkx.MultiDiGraph`, since two ways out of one step may
lead to the same place) carries ``kind`` (one of
:data:`journeymap.model.EXIT_KINDS`), ``choice`` (the option key or branch label),
``label``, ``share``, ``context`` (``"warm"``/``"cold"`` on transfers, else
``None``), ``order`` (its rank among the step's ways out) and ``line``/``column``
of the route in the file.

Examples
--------
>>> from journeymap.reading import load_text
>>> loaded, _ = load_text('''
... journey: demo
... entry: hello
... nodes:
...   hello: {type: menu, options: {"1": bye}, no_input: hello}
...   bye: {type: end}
... ''')
>>> g = build_graph([loaded])
>>> sorted(g.nodes)
['demo:bye', 'demo:hello']
>>> [(u, v, d["kind"], d["choice"]) for u, v, d in g.edges(data=True)]
[('demo:hello', 'demo:bye', 'option', '1'), ('demo:hello', 'demo:hello', 'no_input', None)]
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from .loader import LoadedJourney
from .model import Transfer, route_meaning


def node_id(journey: str, step: str) -> str:
    """The graph name of a step: ``"JOURNEY:STEP"``."""
    return f"{journey}:{step}"


def resolve_target(journey: str, target: str) -> str:
    """The graph name of a route's target, written in journey ``journey``.

    >>> resolve_target("sales", "queue"), resolve_target("sales", "billing:queue")
    ('sales:queue', 'billing:queue')
    """
    return target if ":" in target else node_id(journey, target)


def _name_key(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _link_estate(graph: nx.MultiDiGraph, journeys: Sequence[LoadedJourney]) -> None:
    """Link ``external`` steps that name another journey of the run to its entries.

    Imported flows hand over to other flows by name (a Connect ``TransferToFlow``,
    a Genesys ``transferToFlow``); when that flow is in the same run, the
    customer goes on there, so a folder of a company's flows is one estate.
    A name matches a journey's id or title, or the end of a title made from a
    file name (``...__RulesEngineQueue``).
    """
    by_name: dict[str, LoadedJourney] = {}
    for loaded in journeys:
        for name in (loaded.id, loaded.journey.title or ""):
            if name:
                by_name.setdefault(_name_key(name), loaded)
    for loaded in journeys:
        for step_id, step in loaded.journey.nodes.items():
            if step.type != "external" or not step.target:
                continue
            wanted = _name_key(step.target)
            other = by_name.get(wanted)
            if other is None and len(wanted) >= 4:
                other = next(
                    (
                        j
                        for j in journeys
                        if _name_key(j.journey.title or "").endswith(wanted)
                        or _name_key(j.id).endswith(wanted)
                    ),
                    None,
                )
            if other is None or other is loaded:
                continue
            source = node_id(loaded.id, step_id)
            for order, entry in enumerate(other.journey.entry):
                line, column = loaded.step_position(step_id)
                graph.add_edge(
                    source,
                    node_id(other.id, entry),
                    kind="next",
                    choice=None,
                    label=f"to {other.journey.title or other.id}",
                    share=None,
                    context=None,
                    order=order,
                    line=line,
                    column=column,
                )


def build_graph(journeys: Sequence[LoadedJourney]) -> nx.MultiDiGraph:
    """Build one graph of ``journeys``, with cross-journey targets linked.

    Routes whose target is not among ``journeys`` are left out (the loader
    refuses such files, so this only happens when a caller passes a subset).
    The graph's ``journeys`` attribute maps each journey id to its
    :class:`~journeymap.loader.LoadedJourney`.
    """
    graph = nx.MultiDiGraph(journeys={j.id: j for j in journeys})
    nodes = []
    for loaded in journeys:
        journey = loaded.journey
        entries = set(journey.entry)
        for step_id, step in journey.nodes.items():
            line, column = loaded.step_position(step_id)
            nodes.append(
                (
                    node_id(journey.journey, step_id),
                    {
                        "journey": journey.journey,
                        "step": step_id,
                        "type": step.type,
                        "team": step.team,
                        "channel": step.channel or journey.channel,
                        "entry": step_id in entries,
                        "model": step,
                        "file": loaded.step_files.get(step_id, loaded.file),
                        "line": line,
                        "column": column,
                    },
                )
            )
    graph.add_nodes_from(nodes)
    add_edge = graph.add_edge  # one call per route: add_edges_from looks each up again
    known = {n for n, _ in nodes}
    keys: dict[tuple[str, str], int] = {}  # parallel routes numbered here: 0, 1, ...
    for loaded in journeys:
        jid = loaded.id
        value_at = loaded.source.value_at
        for step_id, step in loaded.journey.nodes.items():
            source = node_id(jid, step_id)
            for order, way in enumerate(step.exits()):
                target = resolve_target(jid, way.route.to)
                if target not in known:
                    continue
                path = ("nodes", step_id, *way.path)
                position = value_at(path)
                line, column = position if position is not None else loaded.position(path)
                route = way.route
                pair = (source, target)
                key = keys[pair] = keys.get(pair, -1) + 1
                add_edge(
                    source,
                    target,
                    key,
                    kind=way.kind,
                    choice=way.key,
                    label=route.label,
                    meaning=route_meaning(way.kind, way.key, route.label),
                    share=route.share,
                    context=route.context if isinstance(route, Transfer) else None,
                    order=order,
                    line=line,
                    column=column,
                )
    _link_estate(graph, journeys)
    return graph
