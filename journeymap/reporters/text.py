"""The terminal report: findings grouped by journey, with file:line:col."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from rich.color import ColorSystem
from rich.style import Style

from ..findings import AuditResult, Finding, JourneyAudit, Severity
from ..rules import get_rule
from ..visible import visible
from .common import handoffs_text, number, plural, severity_counts
from .effort import log_summary, text_lines

if TYPE_CHECKING:
    from ..traffic.audit import TrafficAudit

COLORS = {
    Severity.CRITICAL: Style(color="red", bold=True),
    Severity.HIGH: Style(color="red"),
    Severity.MEDIUM: Style(color="yellow"),
    Severity.LOW: Style(color="cyan"),
    Severity.INFO: Style(dim=True),
}
BOLD = Style(bold=True)


def _style(text: str, color: bool, style: Style) -> str:
    """``text`` in ``style`` (rendered by rich for a standard terminal) when ``color``
    is on."""
    return style.render(text, color_system=ColorSystem.STANDARD) if color else text


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


def _finding_line(f: Finding, color: bool) -> str:
    severity = _style(f"{f.severity.value:<8}", color, COLORS[f.severity])
    return (
        f"{visible(f.file)}:{f.line}:{f.column}: {severity} {f.rule} {f.name}: {visible(f.message)}"
    )


SOURCE_BEFORE, SOURCE_AFTER = 1, 3
"""Lines shown before and after a finding's line with ``--show-source``."""
SOURCE_WIDTH = 120


def _file_lines(file: str, cache: dict[str, list[str]]) -> list[str]:
    """The lines of ``file`` (read once per report; none when it cannot be read)."""
    if file not in cache:
        try:
            with open(file, "rb") as handle:
                raw = handle.read(64 * 1024 * 1024)
            cache[file] = raw.decode("utf-8", errors="replace").splitlines()
        except OSError:
            cache[file] = []
    return cache[file]


def _source(f: Finding, color: bool, cache: dict[str, list[str]]) -> list[str]:
    """The lines of the file around the finding's step, numbered, with a caret under
    the column (like ruff's ``--show-source``)."""
    lines = _file_lines(f.file, cache)
    if not 1 <= f.line <= len(lines):
        return []
    first, last = max(1, f.line - SOURCE_BEFORE), min(len(lines), f.line + SOURCE_AFTER)
    width = len(str(last))
    shown: list[str] = []
    for number_ in range(first, last + 1):
        text = visible(lines[number_ - 1][:SOURCE_WIDTH].expandtabs(4))
        marker = ">" if number_ == f.line else " "
        shown.append(f"   {marker}{number_:>{width}} | {text}")
        if number_ == f.line:
            caret = _style("^", color, COLORS[f.severity])
            shown.append(f"    {' ' * width} | {' ' * max(f.column - 1, 0)}{caret}")
    return shown


def _journey(
    audit: JourneyAudit,
    color: bool,
    verbose: bool,
    show_source: bool = False,
    cache: dict[str, list[str]] | None = None,
    effort: TrafficAudit | None = None,
) -> list[str]:
    title = f"{audit.title} ({audit.journey})" if audit.title else audit.journey
    lines = [_style(visible(f"{audit.file} — {title}"), color, BOLD)]
    for f in audit.findings:
        lines.append(_finding_line(f, color))
        if show_source:
            lines.extend(_source(f, color, cache if cache is not None else {}))
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
    if effort is not None and audit.journey in effort.design:
        seen = effort.seen(audit.journey)
        lines.extend(f"  {line}" for line in text_lines(effort.effort(audit.journey), seen))
    if audit.silenced:
        quiet = ", ".join(
            f"{s.finding.name} at `{s.finding.node}`" + (f" ({s.reason})" if s.reason else "")
            for s in audit.silenced
        )
        lines.append(visible(f"  silenced: {quiet}"))
    return lines


def _statistics(result: AuditResult) -> str:
    """The count of findings per rule, most frequent first (``--statistics``)."""
    counts = Counter((f.rule, f.name, f.severity) for f in result.findings)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    width = max((len(str(n)) for n in counts.values()), default=1)
    lines = [
        f"{n:>{width}}  {rule}  {name:<24} {severity.value}" for (rule, name, severity), n in ranked
    ]
    if result.problems:
        lines.append(
            f"{len(result.problems):>{width}}  {plural(len(result.problems), 'input problem')}"
        )
    return "".join(line + "\n" for line in lines)


def format(
    result: AuditResult,
    color: bool = False,
    verbose: bool = False,
    *,
    quiet: bool = False,
    statistics: bool = False,
    show_source: bool = False,
    effort: TrafficAudit | None = None,
) -> str:
    """The terminal report of ``result``; ``quiet`` prints only the findings and the
    problems, ``statistics`` only the count per rule, ``show_source`` the file's lines
    around each finding; ``effort`` adds each journey's expected effort (and a log's
    traffic)."""
    if statistics:
        return _statistics(result)
    lines: list[str] = []
    for problem in result.problems:
        shown = visible(str(problem))
        lines.append(f"{shown} (not audited)" if problem.kind != "unknown-rule" else shown)
    cache: dict[str, list[str]] = {}
    if quiet:
        for f in result.findings:
            lines.append(_finding_line(f, color))
            if show_source:
                lines.extend(_source(f, color, cache))
        return "".join(line + "\n" for line in lines)
    if result.problems:
        lines.append("")
    for audit in result.journeys:
        lines.extend(_journey(audit, color, verbose, show_source, cache, effort))
        lines.append("")
    if len(result.journeys) > 1:
        lines.append("Journeys, worst first:")
        ranked = sorted(
            result.journeys,
            key=lambda j: (-j.metrics.friction_points, -len(j.findings), j.journey),
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
    if effort is not None and effort.traffic is not None:
        lines.append(visible(log_summary(effort.traffic)))
    lines.append(summary)
    return "\n".join(lines) + "\n"
