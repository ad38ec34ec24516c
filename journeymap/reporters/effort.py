"""The words and tables the reports show for expected effort and traffic.

Pure helpers for the reporters (text, Markdown, HTML): each takes one journey's
:class:`~journeymap.effort.JourneyEffort` and, when a log was given, its
:class:`~journeymap.traffic.JourneyTraffic`, and returns text. Every output that
rests on assumed shares says so.

>>> from journeymap.effort import JourneyEffort, StepEffort
>>> from journeymap.patience import Patience
>>> steps = (StepEffort("menu", 1.0, 1.0, 0.05, 1.0, 8.0, True),)
>>> e = JourneyEffort("demo", 1.5, 30.0, 0.4, 0.05, {}, (), steps, steps, (), ("menu",),
...                   False, Patience())
>>> print("\\n".join(summary_lines(e)))
expected effort (shares from the design; assumed at 1 step: menu):
  1.5 hurdles and 30 s per customer; 40% reach a person; 5.0% give up
  where they give up: menu 5.0%
"""

from __future__ import annotations

import html

from ..effort import JourneyEffort
from ..traffic import JourneyTraffic


def percent(value: float) -> str:
    """A share as a percentage with one decimal below 10 %.

    >>> percent(0.1234), percent(0.0321), percent(0.0)
    ('12%', '3.2%', '0%')
    """
    if value == 0:
        return "0%"
    return f"{value * 100:.1f}%" if value < 0.1 else f"{value * 100:.0f}%"


def basis(effort: JourneyEffort) -> str:
    """What the figures rest on, in words."""
    where = "observed in the log" if effort.source == "observed" else "from the design"
    notes = []
    if effort.assumed:
        plural = "s" if len(effort.assumed) > 1 else ""
        notes.append(f"assumed at {len(effort.assumed)} step{plural}: {', '.join(effort.assumed)}")
    if effort.entries_assumed:
        notes.append("entries taken in equal shares")
    return f"shares {where}" + (f"; {'; '.join(notes)}" if notes else "")


def summary_lines(
    effort: JourneyEffort, traffic: JourneyTraffic | None = None, top: int = 5
) -> list[str]:
    """Plain-text lines for the text report (no colour, no indentation of the first)."""
    lines = [
        f"expected effort ({basis(effort)}):",
        f"  {effort.expected_hurdles:.3g} hurdles and {effort.expected_seconds:.0f} s per "
        f"customer; {percent(effort.reach_person)} reach a person; "
        f"{percent(effort.give_up)} give up",
    ]
    if effort.jump_ship:
        spots = ", ".join(f"{s.step} {percent(s.give_up)}" for s in effort.jump_ship[:top])
        lines.append(f"  where they give up: {spots}")
    if traffic is not None:
        lines.append(f"observed in the log ({traffic.contacts:,} contacts):")
        gave = traffic.outcomes.get("gave_up", 0)
        lines.append(
            f"  {gave:,} gave up"
            + (
                ": " + ", ".join(f"{s.step} {s.gave_up:,}" for s in traffic.jump_ship[:top])
                if traffic.jump_ship
                else ""
            )
        )
        if traffic.never_visited:
            lines.append(f"  never visited: {', '.join(traffic.never_visited)}")
        for d in traffic.drift[:top]:
            where = f"{d.source} -> {d.target}" if d.source else f"started at {d.target}"
            lines.append(f"  not in the design: {where} ({d.count:,} contacts, e.g. {d.example})")
    return lines


def markdown_section(
    effort: JourneyEffort, traffic: JourneyTraffic | None = None, top: int = 10
) -> str:
    """A Markdown section: the figures, then the jump-ship ranking as a table."""
    out = [
        "#### Where customers jump ship",
        "",
        f"*{basis(effort)}*",
        "",
        f"- **{effort.expected_hurdles:.3g}** hurdles and **{effort.expected_seconds:.0f} s** "
        "per customer",
        f"- **{percent(effort.reach_person)}** reach a person; "
        f"**{percent(effort.give_up)}** give up",
        "",
    ]
    if effort.jump_ship:
        observed = {s.step: s for s in traffic.steps} if traffic is not None else {}
        head = "| step | give up there | reach it |"
        rule = "|---|---:|---:|"
        if traffic is not None:
            head += " observed abandonment |"
            rule += "---:|"
        out += [head, rule]
        for s in effort.jump_ship[:top]:
            row = f"| `{s.step}` | {percent(s.give_up)} | {percent(s.reach)} |"
            if traffic is not None:
                seen = observed.get(s.step)
                row += f" {percent(seen.abandonment) if seen else '-'} |"
            out.append(row)
        out.append("")
    if traffic is not None and (traffic.drift or traffic.never_visited):
        for d in traffic.drift[:top]:
            where = f"`{d.source}` → `{d.target}`" if d.source else f"start at `{d.target}`"
            out.append(f"- not in the design: {where} ({d.count:,} contacts)")
        if traffic.never_visited:
            steps = ", ".join(f"`{s}`" for s in traffic.never_visited)
            out.append(f"- never visited: {steps}")
        out.append("")
    return "\n".join(out)


def html_section(
    effort: JourneyEffort, traffic: JourneyTraffic | None = None, top: int = 10
) -> str:
    """An HTML fragment (escaped): the figures and the jump-ship table, with classes
    ``jump-ship``, ``figures`` and ``basis`` for the report's style sheet."""
    e = html.escape
    rows = []
    observed = {s.step: s for s in traffic.steps} if traffic is not None else {}
    for s in effort.jump_ship[:top]:
        cells = [f"<td><code>{e(s.step)}</code></td>"]
        cells += [f'<td class="num">{percent(v)}</td>' for v in (s.give_up, s.reach)]
        if traffic is not None:
            seen = observed.get(s.step)
            cells.append(f'<td class="num">{percent(seen.abandonment) if seen else "-"}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    head = "<th>step</th><th>give up there</th><th>reach it</th>"
    if traffic is not None:
        head += "<th>observed abandonment</th>"
    table = (
        f'<table class="jump-ship"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        if rows
        else ""
    )
    return (
        '<section class="effort"><h4>Where customers jump ship</h4>'
        f'<p class="basis">{e(basis(effort))}</p>'
        f'<p class="figures">{effort.expected_hurdles:.3g} hurdles and '
        f"{effort.expected_seconds:.0f} s per customer; {percent(effort.reach_person)} reach "
        f"a person; {percent(effort.give_up)} give up</p>{table}</section>"
    )
