"""Annotated diagrams: findings -> a plain description -> DOT -> SVG/PNG/PDF.

>>> import journeymap
>>> from journeymap.diagram import diagram_source
>>> loaded = journeymap.load_paths(["journeys/"])      # doctest: +SKIP
>>> result = journeymap.audit_journeys(loaded.journeys)  # doctest: +SKIP
>>> print(diagram_source(loaded.journeys[0], result.journeys[0]))  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from typing import Any

from ..findings import JourneyAudit
from ..loader import LoadedJourney
from .build import VIEWS, describe, element_id
from .description import Diagram, Edge, Node
from .dot import to_dot
from .mermaid import to_mermaid
from .render import DEFAULT_TIMEOUT, FORMATS, INSTALL_HINT, LARGE, RenderError, is_large, render


def diagram_source(
    loaded: LoadedJourney,
    audit: JourneyAudit,
    view: str = "full",
    rules: Collection[str] = (),
) -> tuple[str, str]:
    """The DOT source of a journey's diagram, and the layout engine for it."""
    diagram = describe(loaded, audit, view, rules)
    return to_dot(diagram, "dot", is_large(len(diagram.nodes))), "dot"


def mermaid_source(
    loaded: LoadedJourney,
    audit: JourneyAudit,
    view: str = "full",
    rules: Collection[str] = (),
) -> str:
    """The journey's diagram as Mermaid flowchart text (no Graphviz needed)."""
    return to_mermaid(describe(loaded, audit, view, rules))


def diff_diagram_source(
    loaded: LoadedJourney,
    audit: JourneyAudit,
    change: Any,
    old: LoadedJourney | None = None,
) -> str:
    """The DOT source of a journey's new version after a change (a
    :class:`~journeymap.diff.JourneyDiff`): only the findings the change introduced are
    marked, steps it added or changed have a blue border, routes it added are blue, and
    the steps it removed are drawn as dashed ghosts with their old routes dotted."""
    introduced = dataclasses.replace(audit, findings=change.introduced, silenced=())
    diagram = describe(loaded, introduced, "full")
    added = {s.step for s in change.steps if s.kind == "added"}
    touched = {s.step for s in change.steps if s.kind not in ("added", "removed")}
    new_routes = {
        s.step for s in change.steps if s.kind in ("route-added", "route-repointed", "added")
    }
    nodes = [
        dataclasses.replace(
            n, change="added" if n.key in added else "changed" if n.key in touched else None
        )
        for n in diagram.nodes
    ]
    edges = [
        dataclasses.replace(e, change="added") if e.source in new_routes else e
        for e in diagram.edges
    ]
    if old is not None:
        renamed = set(change.renames)
        shown = {n.key for n in nodes}
        for step in change.steps:
            if step.kind != "removed" or step.step in renamed:
                continue
            ghost = f"removed:{step.step}"
            nodes.append(
                Node(
                    key=ghost,
                    element_id=element_id("removed", loaded.id, step.step),
                    title=step.step,
                    kind=old.journey.nodes[step.step].type,
                    lines=("removed by this change",),
                    tooltip=f"`{step.step}` is removed by this change",
                    change="removed",
                )
            )
            for source_id, source in old.journey.nodes.items():
                if source_id not in shown:
                    continue
                for order, way in enumerate(source.exits()):
                    if way.route.to == step.step:
                        edges.append(
                            Edge(
                                source=source_id,
                                target=ghost,
                                element_id=element_id(
                                    "removed-route", loaded.id, source_id, str(order)
                                ),
                                kind=way.kind,
                                label=way.key or way.kind,
                                change="removed",
                            )
                        )
    shown = {n.key for n in nodes}
    for n, step in enumerate(change.steps):  # routes the change took away, as ghosts
        if step.kind in ("route-removed", "route-repointed") and step.old_target in shown:
            edges.append(
                Edge(
                    source=step.step,
                    target=step.old_target,
                    element_id=element_id("removed-route", loaded.id, step.step, str(n)),
                    kind="removed",
                    label=f"was: {(step.label or '').replace('`', '')}",
                    change="removed",
                )
            )
    diagram = dataclasses.replace(
        diagram,
        nodes=tuple(nodes),
        edges=tuple(edges),
        subtitle=f"{diagram.subtitle} · what this change does: blue = added or changed, "
        "dashed grey = removed, badges = findings it introduces",
    )
    return to_dot(diagram, "dot", is_large(len(diagram.nodes)))


__all__ = [
    "DEFAULT_TIMEOUT",
    "FORMATS",
    "INSTALL_HINT",
    "LARGE",
    "VIEWS",
    "Diagram",
    "RenderError",
    "describe",
    "diagram_source",
    "diff_diagram_source",
    "element_id",
    "is_large",
    "mermaid_source",
    "render",
    "to_dot",
    "to_mermaid",
]
