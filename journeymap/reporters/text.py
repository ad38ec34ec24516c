"""The terminal report: findings grouped by journey, with file:line:col."""

from __future__ import annotations

from ..findings import AuditResult, JourneyAudit, Severity
from ..rules import get_rule
from ..visible import visible
from .common import handoffs_text, number, plural, severity_counts

COLORS = {
    Severity.CRITICAL: "1;31",
    Severity.HIGH: "31",
    Severity.MEDIUM: "33",
    Severity.LOW: "36",
    Severity.INFO: "2",
}
BOLD = "1"


def _style(text: str, color: bool, code: str) -> str:
    """``text`` in an ANSI colour when ``color`` is on."""
    return f"\033[{code}m{text}\033[0m" if color else text


def _hurdles(value: float) -> str:
    return f"{number(value)} hurdle{'' if value == 1 else 's'}"


def _figures(audit: JourneyAudit) -> str:
    m = audit.metrics
    if m.hurdles_to_person is None:
        person = "no person reachable"
    else:
        person = f"easiest way to a person {_hurdles(m.hurdles_to_person)}"
        if m.menus_before_person is not None:
            person += f" ({plural(m.menus_before_person, 'menu')})"
    if m.hurdles_to_resolution is None:
        resolution = "no resolution reachable"
    else:
        resolution = f"to a resolution {_hurdles(m.hurdles_to_resolution)}"
    return (
        f"{plural(m.steps, 'step')} · {person} · {resolution} · "
        f"most handoffs {handoffs_text(m)} · friction {m.friction_score}/100"
    )


def _journey(audit: JourneyAudit, color: bool, verbose: bool) -> list[str]:
    title = f"{audit.title} ({audit.journey})" if audit.title else audit.journey
    lines = [_style(visible(f"{audit.file} — {title}"), color, BOLD)]
    for f in audit.findings:
        severity = _style(f"{f.severity.value:<8}", color, COLORS[f.severity])
        lines.append(
            f"{visible(f.file)}:{f.line}:{f.column}: {severity} {f.rule} {f.name}: "
            f"{visible(f.message)}"
        )
        if f.path:
            lines.append(visible(f"    path: {' → '.join(f.path)}"))
        if f.source_ref:
            lines.append(visible(f"    vendor block: {f.source_ref}"))
        if verbose:
            rule = get_rule(f.rule)
            if rule is not None:
                lines.append(f"    fix:  {rule.fix}")
    if not audit.findings:
        lines.append("  no findings")
    lines.append(f"  {_figures(audit)}")
    if audit.silenced:
        quiet = ", ".join(
            f"{s.finding.name} at `{s.finding.node}`" + (f" ({s.reason})" if s.reason else "")
            for s in audit.silenced
        )
        lines.append(visible(f"  silenced: {quiet}"))
    return lines


def format(result: AuditResult, color: bool = False, verbose: bool = False) -> str:
    """The terminal report of ``result``."""
    lines: list[str] = []
    for problem in result.problems:
        shown = visible(str(problem))
        lines.append(f"{shown} (not audited)" if problem.kind != "unknown-rule" else shown)
    if result.problems:
        lines.append("")
    for audit in result.journeys:
        lines.extend(_journey(audit, color, verbose))
        lines.append("")
    if len(result.journeys) > 1:
        lines.append("Journeys, worst first:")
        ranked = sorted(
            result.journeys,
            key=lambda j: (-j.metrics.friction_score, -len(j.findings), j.journey),
        )
        width = max(len(j.journey) for j in ranked)
        for j in ranked:
            worst = j.worst()
            lines.append(
                f"  {visible(j.journey):<{width}}  friction {j.metrics.friction_score:>3}/100  "
                f"{plural(len(j.findings), 'finding'):>12}"
                + (f"  worst {worst.value}" if worst else "")
            )
        lines.append("")
    total = len(result.findings)
    silenced = sum(len(j.silenced) for j in result.journeys)
    baselined = sum(j.baselined for j in result.journeys)
    counts = severity_counts(result)
    summary = (
        f"{plural(len(result.journeys), 'journey')} audited, {plural(total, 'finding')}"
        + (f" ({counts})" if counts else "")
        + f", {silenced} silenced"
        + (f", {baselined} accepted by the baseline" if baselined else "")
    )
    if result.problems:
        summary += f"; {plural(len(result.problems), 'input problem')}"
    lines.append(summary)
    return "\n".join(lines) + "\n"
