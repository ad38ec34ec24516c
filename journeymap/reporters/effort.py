"""The words and tables the reports show for expected effort and traffic.

Pure wording for the reporters (text, Markdown, HTML): each takes one journey's
:class:`~journeymap.traffic.expected.JourneyEffort` and, when a log was given, its
:class:`~journeymap.traffic.JourneyTraffic`, and returns text. Every output that
rests on assumed shares says so.

>>> from journeymap.traffic.expected import JourneyEffort, StepEffort
>>> from journeymap.traffic.patience import Patience
>>> steps = (StepEffort("menu", 1.0, 1.0, 0.05, 1.0, 8.0, True),)
>>> e = JourneyEffort("demo", 1.5, 30.0, 0.4, 0.05, {}, (), steps, steps, (), ("menu",),
...                   False, Patience())
>>> print("\\n".join(text_lines(e)))
expected effort (shares from the design; equal shares assumed at 1 step: menu):
  1.5 hurdles and 30 s per customer; 40% reach a person; 5.0% give up
  where they give up: menu 5.0%
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from ..visible import visible
from .common import md_cell, md_code, plural

if TYPE_CHECKING:
    from ..traffic.expected import JourneyEffort
    from ..traffic.logs import JourneyTraffic, RouteTraffic, Traffic

NAMED = 5
"""Steps named in a list before "and N more"."""
TOP = 10
"""Rows of a jump-ship ranking, drift list or similar."""


def percent(value: float) -> str:
    """A share as a percentage with one decimal below 10 %.

    >>> percent(0.1234), percent(0.0321), percent(0.0), percent(0.00001)
    ('12%', '3.2%', '0%', '<0.1%')
    """
    if value <= 0:
        return "0%"
    if value < 0.0005:
        return "<0.1%"
    return f"{value * 100:.1f}%" if value < 0.1 else f"{value * 100:.0f}%"


def _count(n: int, word: str) -> str:
    """``1,000 contacts``, ``1 contact``."""
    return f"{n:,} {word if n == 1 else word + 's'}"


def _some(names: tuple[str, ...] | list[str], shown: int = NAMED) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def basis(effort: JourneyEffort) -> str:
    """What the figures rest on, in words (the assumptions always named)."""
    where = "observed in the log" if effort.source == "observed" else "from the design"
    notes = []
    if effort.assumed:
        count = plural(len(effort.assumed), "step")
        notes.append(f"equal shares assumed at {count}: {_some(effort.assumed)}")
    if effort.entries_assumed:
        notes.append("entries taken in equal shares")
    return f"shares {where}" + (f"; {'; '.join(notes)}" if notes else "")


def figures(effort: JourneyEffort) -> str:
    """The one-line summary: hurdles, seconds, a person, giving up."""
    return (
        f"{effort.expected_hurdles:.3g} hurdles and {effort.expected_seconds:.0f} s per "
        f"customer; {percent(effort.reach_person)} reach a person; "
        f"{percent(effort.give_up)} give up"
    )


def _where(source: str | None, target: str) -> str:
    return f"{source} -> {target}" if source else f"started at {target}"


def text_lines(effort: JourneyEffort, traffic: JourneyTraffic | None = None) -> list[str]:
    """Plain-text lines for the text report (no colour; the first unindented)."""
    lines = [f"expected effort ({basis(effort)}):", f"  {figures(effort)}"]
    if effort.jump_ship:
        spots = ", ".join(f"{s.step} {percent(s.give_up)}" for s in effort.jump_ship[:NAMED])
        lines.append(f"  where they give up: {spots}")
    if traffic is not None:
        lines.append(f"observed in the log ({_count(traffic.contacts, 'contact')}):")
        gave = traffic.outcomes.get("gave_up", 0)
        spots = ", ".join(f"{s.step} {s.gave_up:,}" for s in traffic.jump_ship[:NAMED])
        lines.append(f"  {gave:,} gave up" + (f": {spots}" if spots else ""))
        times = time_texts(traffic)
        if times:
            lines.append(f"  most time spent at: {', '.join(times)}")
        for text in off_design_texts(traffic)[:NAMED]:
            lines.append(f"  share off the design: {text}")
        if traffic.never_visited:
            lines.append(f"  never visited: {_some(traffic.never_visited)}")
        for d in traffic.drift[:NAMED]:
            lines.append(
                f"  not in the design: {_where(d.source, d.target)} "
                f"({_count(d.count, 'contact')}, e.g. {d.example}; {d.file}:{d.line})"
            )
        if len(traffic.drift) > NAMED:
            lines.append(f"  ... and {len(traffic.drift) - NAMED} more ways not in the design")
    return [visible(line) for line in lines]


def _route_name(r: RouteTraffic) -> str:
    how = f" ({r.choice})" if r.choice else "" if r.kind == "next" else f" ({r.kind})"
    return f"{r.source} -> {r.target}{how}"


def off_design_texts(traffic: JourneyTraffic) -> list[str]:
    """``menu -> pay (1): 70% observed, 50% in the design`` for each route whose observed
    share is off the design's (see :meth:`~journeymap.traffic.logs.JourneyTraffic.off_design`)."""
    return [
        f"{_route_name(r)}: {percent(r.share)} observed, {percent(r.design_share or 0.0)} "
        "in the design"
        for r in traffic.off_design()
    ]


def time_texts(traffic: JourneyTraffic) -> list[str]:
    """``queue 95 s`` for the steps where contacts spent the most time."""
    return [f"{s.step} {s.seconds:.0f} s" for s in traffic.slowest() if s.seconds]


def log_summary(traffic: Traffic) -> str:
    """One line on the log as a whole: what was read and what could not be used."""
    parts = [
        f"{_count(traffic.rows, 'row')}",
        f"{_count(traffic.contacts, 'contact')}",
    ]
    if traffic.unknown:
        parts.append(_count(len(traffic.unknown), "block") + " not in the design")
    if traffic.unordered_rows:
        parts.append(f"{_count(traffic.unordered_rows, 'row')} out of order (sorted)")
    if traffic.late_rows:
        parts.append(f"{_count(traffic.late_rows, 'late row')} left out")
    if traffic.problems:
        parts.append(_count(len(traffic.problems), "problem"))
    return f"traffic log {traffic.file} ({traffic.format}): {', '.join(parts)}"


def markdown_lines(effort: JourneyEffort, traffic: JourneyTraffic | None = None) -> list[str]:
    """A Markdown section: the figures, then the jump-ship ranking as a table."""
    out = [
        "### Where customers jump ship",
        "",
        f"*{md_cell(basis(effort))}*",
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
        rule = "| --- | ---: | ---: |"
        if traffic is not None:
            head += " observed abandonment |"
            rule += " ---: |"
        out += [head, rule]
        for s in effort.jump_ship[:TOP]:
            row = f"| {md_code(s.step)} | {percent(s.give_up)} | {percent(s.reach)} |"
            if traffic is not None:
                seen = observed.get(s.step)
                row += f" {percent(seen.abandonment) if seen else '-'} |"
            out.append(row)
        out.append("")
    if traffic is not None:
        out.append(f"Observed in the log: {_count(traffic.contacts, 'contact')}.")
        out.append("")
        listed = len(out)
        times = time_texts(traffic)
        if times:
            out.append(f"- most time spent at: {md_cell(', '.join(times))}")
        for text in off_design_texts(traffic)[:TOP]:
            out.append(f"- share off the design: {md_cell(text)}")
        for d in traffic.drift[:TOP]:
            where = (
                f"{md_code(d.source)} → {md_code(d.target)}"
                if d.source
                else f"start at {md_code(d.target)}"
            )
            out.append(f"- not in the design: {where} ({_count(d.count, 'contact')})")
        if traffic.never_visited:
            steps = ", ".join(md_code(s) for s in traffic.never_visited[:TOP])
            more = len(traffic.never_visited) - TOP
            out.append(f"- never visited: {steps}" + (f" and {more} more" if more > 0 else ""))
        if len(out) > listed:  # a list was written: end it
            out.append("")
    return out


def html_section(effort: JourneyEffort, traffic: JourneyTraffic | None = None) -> str:
    """An HTML fragment (escaped): the figures and the jump-ship table."""
    e = html.escape
    rows = []
    observed = {s.step: s for s in traffic.steps} if traffic is not None else {}
    for s in effort.jump_ship[:TOP]:
        cells = [f"<td><code>{e(visible(s.step))}</code></td>"]
        cells += [f'<td class="num">{percent(v)}</td>' for v in (s.give_up, s.reach)]
        if traffic is not None:
            seen = observed.get(s.step)
            cells.append(f'<td class="num">{percent(seen.abandonment) if seen else "-"}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    head = '<th>step</th><th class="num">give up there</th><th class="num">reach it</th>'
    if traffic is not None:
        head += '<th class="num">observed abandonment</th>'
    table = (
        f'<table class="jump-ship"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        if rows
        else "<p>Nobody gives up in this model.</p>"
    )
    extra = []
    if traffic is not None:
        extra.append(f"<p>Observed in the log: {_count(traffic.contacts, 'contact')}.</p>")
        times = time_texts(traffic)
        items = [f"<li>most time spent at: {e(visible(', '.join(times)))}</li>"] if times else []
        items += [
            f"<li>share off the design: {e(visible(text))}</li>"
            for text in off_design_texts(traffic)[:TOP]
        ]
        items += [
            f"<li>not in the design: <code>{e(visible(d.source))}</code> → "
            f"<code>{e(visible(d.target))}</code> ({_count(d.count, 'contact')})</li>"
            if d.source
            else f"<li>start at <code>{e(visible(d.target))}</code>, which is no entry "
            f"({_count(d.count, 'contact')})</li>"
            for d in traffic.drift[:TOP]
        ]
        if traffic.never_visited:
            names = ", ".join(f"<code>{e(visible(s))}</code>" for s in traffic.never_visited)
            items.append(f"<li>never visited: {names}</li>")
        if items:
            extra.append(f"<ul>{''.join(items)}</ul>")
    return (
        '<div class="block effort"><h3>Where customers jump ship</h3>'
        f'<p class="muted">{e(visible(basis(effort)))}</p>'
        f"<p><b>{e(figures(effort))}</b></p>{table}{''.join(extra)}</div>"
    )
