"""A plain description of a diagram: what to draw, not how.

Built from a journey and its audit by :mod:`.build`; turned into DOT by
:mod:`.dot`. Another renderer (Mermaid, a table) could read the same objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..findings import Severity


@dataclass(frozen=True)
class Badge:
    """One finding shown on the step it is about."""

    element_id: str
    rule: str
    name: str
    severity: Severity
    message: str
    number: int = 0
    """The finding's number on this diagram (its callout), listed in the legend."""


@dataclass(frozen=True)
class Node:
    """A step (or, in the teams view, a team; or a step of another journey)."""

    key: str
    element_id: str
    title: str
    kind: str
    """The step type, or ``team``, ``other-journey``."""
    lines: tuple[str, ...] = ()
    team: str | None = None
    outcome: str | None = None
    hurdles: float | None = None
    severity: Severity | None = None
    badges: tuple[Badge, ...] = ()
    tooltip: str = ""
    entry: bool = False
    context: bool = False
    """Shown only to make findings readable (the focus view): drawn muted."""
    change: str | None = None
    """In a diff diagram: ``added``, ``changed`` or ``removed`` (a ghost)."""


@dataclass(frozen=True)
class Edge:
    """A route between two steps (or the handoffs between two teams)."""

    source: str
    target: str
    element_id: str
    kind: str
    label: str = ""
    secondary: bool = False
    """An error or retry route, drawn lighter."""
    context: str | None = None
    """``warm``/``cold`` for transfers."""
    severity: Severity | None = None
    tooltip: str = ""
    weight: int = 1
    change: str | None = None
    """In a diff diagram: ``added`` or ``removed`` (a ghost of the old route)."""


@dataclass(frozen=True)
class Cluster:
    """A team's swimlane."""

    key: str
    label: str
    kind: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Diagram:
    """Everything one picture shows."""

    name: str
    title: str
    subtitle: str
    view: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    clusters: tuple[Cluster, ...] = ()
    legend: tuple[tuple[str, str], ...] = field(default=())
    """``(swatch, words)`` rows, in order."""
    callouts: tuple[Badge, ...] = ()
    """The findings shown, by their number on the diagram (the legend lists them)."""
