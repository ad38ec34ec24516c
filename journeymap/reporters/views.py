"""Diagrams for the HTML report: each journey drawn as SVG, each failing alone."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from ..findings import AuditResult
from ..loader import LoadedJourney


def render_svgs(
    drawings: Iterable[tuple[str, str, str]],
    what: str,
    timeout: float,
    note: Callable[[str], None],
) -> dict[str, str]:
    """SVG by journey id of each ``(journey id, DOT source, layout engine)``. A drawing
    Graphviz cannot draw is left out and ``note`` is told why (``no WHAT of JOURNEY in
    the report``); without Graphviz the rest are not tried. ``drawings`` may be a
    generator: each source is built only when it is drawn."""
    from ..diagram import INSTALL_HINT, RenderError
    from ..diagram import render as run_graphviz

    found: dict[str, str] = {}
    for journey, source, engine in drawings:
        try:
            found[journey] = run_graphviz(source, "svg", engine, timeout).decode("utf-8")
        except RenderError as exc:
            note(f"note: no {what} of {journey} in the report: {exc}")
            if str(exc) == INSTALL_HINT:
                break
    return found


def svg_views(
    journeys: Sequence[LoadedJourney],
    result: AuditResult,
    view: str,
    timeout: float,
    note: Callable[[str], None],
    what: str | None = None,
) -> dict[str, str]:
    """Each journey's diagram in ``view`` as SVG, by journey id (see :func:`render_svgs`;
    ``what`` names the diagram in notes, default ``VIEW diagram``)."""
    from ..diagram import diagram_source

    drawings = (
        (journey.id, *diagram_source(journey, journey_audit, view))
        for journey, journey_audit in zip(journeys, result.journeys, strict=True)
    )
    return render_svgs(drawings, what or f"{view} diagram", timeout, note)
