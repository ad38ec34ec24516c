"""Output formats: each turns an :class:`~journeymap.findings.AuditResult` into text.

Reporters never analyse: they only read the result. Each format is one small
module with a ``format(result, options) -> str`` function, registered in
:data:`FORMATTERS` under its :class:`Format`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from ..findings import AuditResult
from . import html, json_report, markdown, sarif, text


class Format(StrEnum):
    """The output formats of ``journeymap audit --format``."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    SARIF = "sarif"
    HTML = "html"


@dataclass(frozen=True)
class Options:
    """How a report should look (not what it says)."""

    color: bool = False
    verbose: bool = False
    diagrams: dict[str, str] | None = None
    """SVG diagrams by journey id, for formats that embed them (HTML)."""


Formatter = Callable[[AuditResult, Options], str]

FORMATTERS: dict[Format, Formatter] = {
    Format.TEXT: lambda result, options: text.format(result, options.color, options.verbose),
    Format.JSON: lambda result, options: json_report.format(result),
    Format.MARKDOWN: lambda result, options: markdown.format(result),
    Format.SARIF: lambda result, options: sarif.format(result),
    Format.HTML: lambda result, options: html.format(result, options.diagrams),
}


def render(result: AuditResult, fmt: Format, options: Options | None = None) -> str:
    """The report of ``result`` in format ``fmt``."""
    return FORMATTERS[fmt](result, options or Options())


__all__ = ["FORMATTERS", "Format", "Options", "render"]
