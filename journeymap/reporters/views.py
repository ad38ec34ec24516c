"""Diagrams for the HTML report beyond the full view: each journey drawn in one view."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..findings import AuditResult
from ..loader import LoadedJourney


def svg_views(
    journeys: Sequence[LoadedJourney],
    result: AuditResult,
    view: str,
    timeout: float,
    note: Callable[[str], None],
) -> dict[str, str]:
    """Each journey's diagram in ``view`` as SVG, by journey id. A diagram that cannot be
    drawn is left out and ``note`` is told why; without Graphviz there are none."""
    from ..diagram import INSTALL_HINT, RenderError, diagram_source
    from ..diagram import render as run_graphviz

    found: dict[str, str] = {}
    for journey, journey_audit in zip(journeys, result.journeys, strict=True):
        source, engine = diagram_source(journey, journey_audit, view)
        try:
            found[journey.id] = run_graphviz(source, "svg", engine, timeout).decode("utf-8")
        except RenderError as exc:
            note(f"note: no {view} diagram of {journey.id} in the report: {exc}")
            if str(exc) == INSTALL_HINT:
                break
    return found
