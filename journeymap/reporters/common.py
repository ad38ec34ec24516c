"""Small helpers the reporters share (wording of figures, never analysis)."""

from __future__ import annotations

from ..findings import AuditResult, Metrics, Severity


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
