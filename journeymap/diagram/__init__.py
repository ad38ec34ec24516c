"""Annotated diagrams: findings -> a plain description -> DOT -> SVG/PNG/PDF.

>>> import journeymap
>>> from journeymap.diagram import diagram_source
>>> loaded = journeymap.load_paths(["journeys/"])      # doctest: +SKIP
>>> result = journeymap.audit_journeys(loaded.journeys)  # doctest: +SKIP
>>> print(diagram_source(loaded.journeys[0], result.journeys[0]))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Collection

from ..findings import JourneyAudit
from ..loader import LoadedJourney
from .build import VIEWS, describe, element_id
from .description import Diagram
from .dot import to_dot
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
    "element_id",
    "is_large",
    "render",
    "to_dot",
]
