"""Output formats: each turns an :class:`~journeymap.findings.AuditResult` into text.

Reporters never analyse: they only read the result. Each format is one small
module with a ``format(result, options) -> str`` function, registered in
:data:`FORMATTERS` under its :class:`Format`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from ..config import Settings
from ..findings import AuditResult
from . import github, gitlab, html, json_report, junit, markdown, sarif, text

if TYPE_CHECKING:
    from ..traffic.audit import TrafficAudit


class Format(StrEnum):
    """The output formats of ``journeymap audit --format``."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    SARIF = "sarif"
    HTML = "html"
    GITHUB = "github"
    GITLAB = "gitlab"
    JUNIT = "junit"


@dataclass(frozen=True)
class Options:
    """How a report should look (not what it says)."""

    color: bool = False
    verbose: bool = False
    diagrams: dict[str, str] | None = None
    """SVG diagrams by journey id, for formats that embed them (HTML)."""
    quiet: bool = False
    """Text: only the findings and problems, one line each (no figures, no summary)."""
    statistics: bool = False
    """Text: only the count of findings per rule."""
    show_source: bool = False
    """Text: the lines of the file around each finding's step."""
    mermaid: dict[str, str] | None = None
    """Markdown: Mermaid flowchart text by journey id, embedded under each journey."""
    team_diagrams: dict[str, str] | None = None
    """HTML: the teams view of each journey as SVG, by journey id."""
    settings: Settings | None = None
    """HTML: the run's settings, for the cover (``report``: client, author, scope, date)
    and the method appendix (thresholds, hurdle weights)."""
    rules: tuple[str, ...] | None = None
    """HTML: the ids of the rules run, for the method appendix (default: every rule)."""
    effort: TrafficAudit | None = None
    """Text, JSON, Markdown, HTML: the expected-effort figures and, with a contact log,
    the observed traffic (:func:`journeymap.traffic.audit.audit_traffic`)."""
    traffic_diagrams: dict[str, str] | None = None
    """HTML: the traffic view of each journey as SVG, by journey id."""


Formatter = Callable[[AuditResult, Options], str]

FORMATTERS: dict[Format, Formatter] = {
    Format.TEXT: lambda result, options: text.format(
        result,
        options.color,
        options.verbose,
        quiet=options.quiet,
        statistics=options.statistics,
        show_source=options.show_source,
        effort=options.effort,
    ),
    Format.JSON: lambda result, options: json_report.format(result, options.effort),
    Format.MARKDOWN: lambda result, options: markdown.format(
        result, mermaid=options.mermaid, effort=options.effort
    ),
    Format.SARIF: lambda result, options: sarif.format(result),
    Format.HTML: lambda result, options: html.format(
        result,
        options.diagrams,
        team_diagrams=options.team_diagrams,
        settings=options.settings,
        rules=options.rules,
        effort=options.effort,
        traffic_diagrams=options.traffic_diagrams,
    ),
    Format.GITHUB: lambda result, options: github.format(result),
    Format.GITLAB: lambda result, options: gitlab.format(result),
    Format.JUNIT: lambda result, options: junit.format(result),
}


def render(result: AuditResult, fmt: Format, options: Options | None = None) -> str:
    """The report of ``result`` in format ``fmt``."""
    return FORMATTERS[fmt](result, options or Options())


__all__ = ["FORMATTERS", "Format", "Options", "render"]
