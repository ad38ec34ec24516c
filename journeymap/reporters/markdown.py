"""A Markdown report a team can paste into a pull request."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..findings import AuditResult, JourneyAudit, Severity
from ..rules import get_rule
from .common import handoffs_text, md_cell, md_code, number, plural, severity_counts
from .effort import log_summary, markdown_lines

if TYPE_CHECKING:
    from ..traffic.audit import TrafficAudit

ICONS = {
    Severity.CRITICAL: "🟥",
    Severity.HIGH: "🟧",
    Severity.MEDIUM: "🟨",
    Severity.LOW: "🟦",
    Severity.INFO: "⬜",
}


_cell = md_cell
_code = md_code


def _journey(
    audit: JourneyAudit, mermaid: str | None = None, effort: TrafficAudit | None = None
) -> list[str]:
    m = audit.metrics
    title = (
        f"{_cell(audit.title)} ({_code(audit.journey)})" if audit.title else _code(audit.journey)
    )
    lines = [f"## {title}", "", f"File: {_code(audit.file)}", ""]
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
        lines += [f"Easiest way to a person: {' → '.join(map(_code, m.path_to_person))}", ""]
    if effort is not None and audit.journey in effort.design:
        lines += markdown_lines(effort.effort(audit.journey), effort.seen(audit.journey))
    if mermaid:  # drawn inline by code hosts and wikis
        fence = "`" * max(3, max((len(r) for r in re.findall(r"`+", mermaid)), default=0) + 1)
        lines += [f"{fence}mermaid", mermaid.rstrip("\n"), fence, ""]
    if not audit.findings:
        lines += ["No findings.", ""]
    for severity in Severity:
        group = [f for f in audit.findings if f.severity is severity]
        if not group:
            continue
        lines += [f"### {ICONS[severity]} {severity.value.capitalize()} ({len(group)})", ""]
        previous = None
        for f in group:
            rule = get_rule(f.rule)
            lines.append(
                f"- **{f.rule} `{f.name}`** at {_code(f.node)} "
                f"({_cell(f.file)}:{f.line}:{f.column}): {_cell(f.message)}"
            )
            if f.path:
                lines.append(f"  - path: {' → '.join(map(_code, f.path))}")
            if f.source_ref:
                lines.append(f"  - vendor block: {_code(f.source_ref)}")
            if rule is not None:  # the same advice is not repeated item after item
                fix = _cell(rule.fix) if f.rule != previous else "as above"
                lines.append(f"  - fix: {fix}")
            previous = f.rule
        lines.append("")
    if audit.silenced:
        lines += ["Silenced in the journey:", ""]
        for s in audit.silenced:
            reason = f": {_cell(s.reason)}" if s.reason else ""
            lines.append(
                f"- {s.finding.rule} `{s.finding.name}` at {_code(s.finding.node)}{reason}"
            )
        lines.append("")
    return lines


LIMIT = 60_000
"""Characters a report may take to fit a pull-request comment (GitHub caps a comment at
65,536)."""
TABLE_ROWS = 100
"""Journeys listed in the summary table of a report that had to be shortened."""


def format(
    result: AuditResult,
    limit: int = LIMIT,
    mermaid: dict[str, str] | None = None,
    effort: TrafficAudit | None = None,
) -> str:
    """The Markdown report of ``result``. When the whole report would not fit in
    ``limit`` characters (a pull-request comment), it is shortened: the summary table
    lists the worst journeys, then each journey's findings follow worst first, folded
    in ``<details>``, as many as fit, and a last line says how many were left out.
    ``mermaid`` (Mermaid text by journey id) embeds each journey's diagram, drawn
    inline by code hosts; a shortened report leaves the diagrams out. ``effort`` adds
    each journey's expected effort and jump-ship ranking (and a log's traffic)."""
    mermaid = mermaid or {}
    counts = severity_counts(result)
    head = [
        "# journeymap audit",
        "",
        f"{plural(len(result.journeys), 'journey')} audited, "
        f"{plural(len(result.findings), 'finding')}" + (f" ({counts})" if counts else "") + ".",
        "",
    ]
    if result.problems:
        head += ["**Files that could not be audited:**", ""]
        head += [
            f"- {_code(f'{p.file}:{p.line}:{p.column}')} {_cell(p.message)}"
            for p in result.problems
        ]
        head.append("")
    if effort is not None and effort.traffic is not None:
        head += [md_cell(log_summary(effort.traffic)) + ".", ""]
    ranked = sorted(
        result.journeys,
        key=lambda j: (-j.metrics.friction_points, -len(j.findings), j.journey),
    )
    full = "\n".join(
        head
        + _table(ranked)
        + [line for a in result.journeys for line in _journey(a, mermaid.get(a.journey), effort)]
    ).rstrip()
    if len(full) + 1 <= limit:
        return full + "\n"
    lines = head + _table(ranked[:TABLE_ROWS])
    if len(ranked) > TABLE_ROWS:
        lines += [f"… and {len(ranked) - TABLE_ROWS} more journeys, less friction.", ""]
    text = "\n".join(lines)
    shown = 0
    for audit in ranked:
        worst = audit.worst()
        summary = (
            f"{_cell(audit.journey)}: friction {audit.metrics.friction_score}/100, "
            f"{plural(len(audit.findings), 'finding')}"
            + (f", worst {worst.value}" if worst else "")
        )
        block = "\n".join(
            [
                "",
                f"<details><summary>{_html(summary)}</summary>",
                "",
                *_journey(audit, effort=effort),
                "</details>",
            ]
        )
        if len(text) + len(block) + 200 > limit:
            break
        text += block
        shown += 1
    if shown < len(ranked):
        text += (
            f"\n\n… {plural(len(ranked) - shown, 'journey')} not shown, to fit a comment: "
            "write the whole report to a file with `journeymap audit -f markdown -o FILE`."
        )
    return text.rstrip() + "\n"


def _table(ranked: list[JourneyAudit]) -> list[str]:
    if len(ranked) < 2:
        return []
    lines = ["| journey | friction | findings | worst |", "| --- | ---: | ---: | --- |"]
    for j in ranked:
        worst = j.worst()
        lines.append(
            f"| {_code(j.journey)} | {j.metrics.friction_score} | {len(j.findings)} | "
            f"{ICONS[worst] + ' ' + worst.value if worst else '–'} |"
        )
    return [*lines, ""]


def _html(text: str) -> str:
    """Text for inside an HTML element of the Markdown (a ``<summary>``)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
