"""Small helpers the reporters share (wording of figures, never analysis)."""

from __future__ import annotations

import re

from ..findings import AuditResult, Metrics, Severity
from ..visible import visible


def number(value: float) -> str:
    """``3`` for 3.0, ``4.5`` for 4.5."""
    return f"{value:g}"


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def handoffs_text(metrics: Metrics) -> str:
    if metrics.handoffs_unbounded:
        return "unbounded (transfer loop)"
    if metrics.max_handoffs_to_resolution is None:
        return "n/a"
    return str(metrics.max_handoffs_to_resolution)


def severity_counts(result: AuditResult) -> str:
    """``2 critical, 1 high`` (only the severities that occur)."""
    parts = [f"{result.count(s)} {s.value}" for s in Severity if result.count(s)]
    return ", ".join(parts)


_MARKUP = re.compile(r"([\\`*_\[\]|~!#{}])")


def md_cell(text: str) -> str:
    """Journey text as inert Markdown prose: no links, images, emphasis, HTML or table
    breaks come through (also safe inside a table cell)."""
    text = visible(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKUP.sub(r"\\\1", text)


def md_code(text: str) -> str:
    """Journey text (a step id, a file name) as a code span it cannot break out of: the
    fence is longer than any run of backticks inside."""
    text = visible(text).replace("|", "\\|")
    runs = [len(r) for r in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"
