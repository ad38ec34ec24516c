"""A Markdown report a team can paste into a pull request."""

from __future__ import annotations

from ..findings import AuditResult, JourneyAudit, Severity
from ..rules import get_rule
from .common import handoffs_text, number, plural, severity_counts

ICONS = {
    Severity.CRITICAL: "🟥",
    Severity.HIGH: "🟧",
    Severity.MEDIUM: "🟨",
    Severity.LOW: "🟦",
    Severity.INFO: "⬜",
}


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell (and inert as HTML)."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\n", " ")
    )


def _journey(audit: JourneyAudit) -> list[str]:
    m = audit.metrics
    title = f"{audit.title} (`{audit.journey}`)" if audit.title else f"`{audit.journey}`"
    lines = [f"## {_cell(title)}", "", f"File: `{audit.file}`", ""]
    person = "no person reachable" if m.hurdles_to_person is None else number(m.hurdles_to_person)
    resolution = (
        "none reachable" if m.hurdles_to_resolution is None else number(m.hurdles_to_resolution)
    )
    menus = m.menus_before_person
    lines += [
        "| figure | value |",
        "| --- | --- |",
        f"| steps / routes / teams | {m.steps} / {m.routes} / {m.teams} |",
        f"| hurdles on the easiest way to a person | {person} |",
        f"| ... to a resolution | {resolution} |",
        f"| menus before a person | {'n/a' if menus is None else menus} |",
        f"| most handoffs on a path to resolution | {handoffs_text(m)} |",
        f"| friction score | **{m.friction_score}/100** |",
        "",
    ]
    if m.path_to_person:
        lines += [f"Easiest way to a person: {' → '.join(f'`{s}`' for s in m.path_to_person)}", ""]
    if not audit.findings:
        lines += ["No findings.", ""]
    for severity in Severity:
        group = [f for f in audit.findings if f.severity is severity]
        if not group:
            continue
        lines += [f"### {ICONS[severity]} {severity.value.capitalize()} ({len(group)})", ""]
        for f in group:
            rule = get_rule(f.rule)
            lines.append(
                f"- **{f.rule} `{f.name}`** at `{f.node}` ({f.file}:{f.line}:{f.column}): "
                f"{_cell(f.message)}"
            )
            if f.path:
                lines.append(f"  - path: {' → '.join(f'`{s}`' for s in f.path)}")
            if f.source_ref:
                lines.append(f"  - vendor block: `{_cell(f.source_ref)}`")
            if rule is not None:
                lines.append(f"  - fix: {_cell(rule.fix)}")
        lines.append("")
    if audit.silenced:
        lines += ["Silenced in the journey:", ""]
        for s in audit.silenced:
            reason = f": {_cell(s.reason)}" if s.reason else ""
            lines.append(f"- {s.finding.rule} `{s.finding.name}` at `{s.finding.node}`{reason}")
        lines.append("")
    return lines


def format(result: AuditResult) -> str:
    """The Markdown report of ``result``."""
    counts = severity_counts(result)
    lines = [
        "# journeymap audit",
        "",
        f"{plural(len(result.journeys), 'journey')} audited, "
        f"{plural(len(result.findings), 'finding')}" + (f" ({counts})" if counts else "") + ".",
        "",
    ]
    if result.problems:
        lines += ["**Files that could not be audited:**", ""]
        lines += [f"- `{p.file}:{p.line}:{p.column}` {_cell(p.message)}" for p in result.problems]
        lines.append("")
    if len(result.journeys) > 1:
        lines += ["| journey | friction | findings | worst |", "| --- | ---: | ---: | --- |"]
        ranked = sorted(
            result.journeys,
            key=lambda j: (-j.metrics.friction_score, -len(j.findings), j.journey),
        )
        for j in ranked:
            worst = j.worst()
            lines.append(
                f"| `{j.journey}` | {j.metrics.friction_score} | {len(j.findings)} | "
                f"{ICONS[worst] + ' ' + worst.value if worst else '–'} |"
            )
        lines.append("")
    for audit in result.journeys:
        lines += _journey(audit)
    return "\n".join(lines).rstrip() + "\n"
