"""The consultant's deliverable: one self-contained HTML file.

No network requests: styles, the script and the SVG diagrams are inline.
Every piece of journey text is escaped (a prompt holding ``<script>`` shows as
text). The page prints cleanly (browsers' "Save as PDF"). Clicking a finding
scrolls to its step on the diagram and highlights it.
"""

from __future__ import annotations

import re
from html import escape

from .. import __version__
from ..diagram.build import element_id
from ..diagram.dot import SEVERITY_COLORS
from ..findings import AuditResult, JourneyAudit, Severity
from ..rules import get_rule
from .common import handoffs_text, number, plural

STYLE = """
:root { --ink: #202124; --muted: #5f6368; --line: #dadce0; --accent: #1a73e8; }
* { box-sizing: border-box; }
body { font: 15px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink);
  margin: 0 auto; max-width: 1180px; padding: 2rem 1.5rem 4rem; }
h1 { font-size: 1.9rem; margin: 0 0 .2rem; }
h2 { margin-top: 2.5rem; border-bottom: 2px solid var(--ink); padding-bottom: .3rem; }
h3 { margin-top: 1.8rem; }
.muted { color: var(--muted); } code { font-size: .92em; background: #f1f3f4; padding: 0 .25em;
  border-radius: 3px; }
.cards { display: flex; gap: 1rem; flex-wrap: wrap; margin: 1rem 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1rem; min-width: 9rem; }
.card b { display: block; font-size: 1.8rem; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; }
th, td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: left;
  vertical-align: top; }
th { font-size: .85rem; color: var(--muted); font-weight: 600; }
.sev { display: inline-block; color: #fff; border-radius: 3px; padding: 0 .4em; font-size: .8rem;
  font-weight: 600; text-transform: uppercase; }
.bar { background: #f1f3f4; border-radius: 3px; height: .8rem; width: 10rem; display: inline-block;
  vertical-align: middle; margin-right: .4rem; }
.bar span { display: block; height: 100%; border-radius: 3px; background: #d93025; }
.score { font-size: 2.6rem; font-weight: 700; }
.diagram { border: 1px solid var(--line); border-radius: 8px; overflow: auto; max-height: 80vh;
  margin: 1rem 0; background: #fff; }
.diagram svg { display: block; height: auto; max-width: none; }
tr.finding { cursor: pointer; } tr.finding:hover { background: #f8f9fa; }
tr.finding.active { background: #fef7e0; }
.detail { font-size: .9rem; color: var(--muted); }
.jm-highlight polygon, .jm-highlight ellipse, .jm-highlight path {
  stroke: #9334e6 !important; stroke-width: 7px !important; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .diagram { max-height: none; overflow: visible; border: none; page-break-inside: avoid; }
  .diagram svg { max-width: 100%; }
  section.journey { page-break-before: always; }
  tr.finding { cursor: auto; } .noprint { display: none; }
  a { color: inherit; text-decoration: none; }
}
"""

SCRIPT = """
function jmShow(box) {
  var t = box && box.querySelector('template.lazy');
  if (t) { box.replaceChildren(t.content.cloneNode(true)); }
}
var jmBoxes = document.querySelectorAll('.diagram');
if ('IntersectionObserver' in window) {
  var jmSeen = new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      if (e.isIntersecting) { jmShow(e.target); jmSeen.unobserve(e.target); }
    });
  }, {rootMargin: '800px'});
  jmBoxes.forEach(function (box) { jmSeen.observe(box); });
} else { jmBoxes.forEach(jmShow); }
window.addEventListener('beforeprint', function () { jmBoxes.forEach(jmShow); });
document.querySelectorAll('tr.finding').forEach(function (row) {
  row.addEventListener('click', function () {
    jmShow(row.closest('section') && row.closest('section').querySelector('.diagram'));
    document.querySelectorAll('.jm-highlight').forEach(function (el) {
      el.classList.remove('jm-highlight');
    });
    document.querySelectorAll('tr.finding.active').forEach(function (el) {
      el.classList.remove('active');
    });
    row.classList.add('active');
    var step = document.getElementById(row.dataset.step);
    if (step) {
      step.classList.add('jm-highlight');
      step.scrollIntoView({block: 'center', inline: 'center'});
    }
  });
});
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _words(text: str) -> str:
    """Escaped text with its `code` spans set as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _e(text))


def _sev(severity: Severity) -> str:
    color = SEVERITY_COLORS[severity]
    return f'<span class="sev" style="background:{color}">{_e(severity.value)}</span>'


def _inline_svg(svg: str) -> str:
    """An SVG document as an element to put in the page (no XML prolog)."""
    start = svg.find("<svg")
    body = svg[start:] if start >= 0 else ""
    return re.sub(r"<!--.*?-->", "", body, flags=re.S)


LAZY_FROM = 20
"""From this many journeys on, each diagram waits in a ``<template>`` and is put in the
page when its journey scrolls near (or before printing): a 300-journey report opens at
once instead of laying out 300 diagrams."""


def _journey(audit: JourneyAudit, svg: str | None, lazy: bool = False) -> list[str]:
    m = audit.metrics
    jid = audit.journey
    out = [f'<section class="journey" id="journey-{_e(jid)}">']
    title = f"{audit.title} ({jid})" if audit.title else jid
    out.append(f"<h2>{_e(title)}</h2>")
    out.append(
        f'<p class="muted"><code>{_e(audit.file)}</code> · {plural(m.steps, "step")} · '
        f"{plural(m.routes, 'route')} · {plural(m.teams, 'team')}</p>"
    )
    parts = ", ".join(f"{_e(k)} ({v} points)" for k, v in m.friction_parts.items()) or "nothing"
    person = (
        "no person can be reached"
        if m.hurdles_to_person is None
        else (
            f"{number(m.hurdles_to_person)} hurdle"
            f"{'' if m.hurdles_to_person == 1 else 's'} to a person"
        )
    )
    out.append(
        f'<div class="cards"><div class="card"><span class="muted">friction score</span>'
        f'<b>{m.friction_score}/100</b></div><div class="card"><span class="muted">findings</span>'
        f'<b>{len(audit.findings)}</b></div><div class="card"><span class="muted">easiest way '
        f'to a person</span><b>{_e(person)}</b></div><div class="card"><span class="muted">'
        f"most handoffs</span><b>{_e(handoffs_text(m))}</b></div></div>"
    )
    out.append(f"<p><b>What drives the score:</b> {parts}.</p>")
    if svg:
        drawing = _inline_svg(svg)
        if lazy:
            drawing = f'<template class="lazy">{drawing}</template>'
        out.append(f'<div class="diagram" id="diagram-box-{_e(jid)}">{drawing}</div>')
        out.append(
            '<p class="muted noprint">Click a finding to see it on the diagram; hover '
            "a step or a badge for details.</p>"
        )
    else:
        out.append(
            '<p class="muted">(No diagram: Graphviz could not draw this journey when the '
            "report was written; `journeymap render` says why.)</p>"
        )
    out.append("<h3>Findings</h3>")
    if not audit.findings:
        out.append("<p>No findings.</p>")
    else:
        out.append(
            "<table><thead><tr><th>severity</th><th>rule</th><th>where</th>"
            "<th>finding, why it matters, how to fix it</th></tr></thead><tbody>"
        )
        previous = None
        for f in audit.findings:
            rule = get_rule(f.rule)
            why = _words(rule.why) if rule else ""
            fix = _words(rule.fix) if rule else ""
            explained = (
                f'<div class="detail"><b>Why:</b> {why}</div>'
                f'<div class="detail"><b>Fix:</b> {fix}</div>'
                if f.rule != previous
                else '<div class="detail">Why and fix: as above.</div>'
            )  # the same explanation is not repeated row after row
            previous = f.rule
            path = " → ".join(f"<code>{_e(s)}</code>" for s in f.path)
            step_id = element_id("step", jid, f.node)
            out.append(
                f'<tr class="finding" id="{_e(element_id("row", jid, f.fingerprint))}" '
                f'data-step="{_e(step_id)}" '
                f'data-finding="{_e("a_" + element_id("finding", jid, f.fingerprint))}">'
                f"<td>{_sev(f.severity)}</td><td><b>{_e(f.rule)}</b><br>{_e(f.name)}</td>"
                f'<td><a href="#{_e(step_id)}"><code>{_e(f.node)}</code></a><br>'
                f'<span class="detail">line {f.line}</span></td>'
                f"<td>{_words(f.message)}"
                + (f'<div class="detail">path: {path}</div>' if path else "")
                + (
                    f'<div class="detail">vendor block: <code>{_e(f.source_ref)}</code></div>'
                    if f.source_ref
                    else ""
                )
                + explained
                + "</td></tr>"
            )
        out.append("</tbody></table>")
    out.append("<h3>Hurdles per outcome</h3>")
    out.append(
        "<table><thead><tr><th>the customer reaches</th><th>fewest hurdles</th>"
        "<th>at</th></tr></thead><tbody>"
    )
    if m.hurdles_to_person is not None:
        at = m.path_to_person[-1] if m.path_to_person else ""
        out.append(
            f"<tr><td>a person</td><td>{number(m.hurdles_to_person)}</td>"
            f"<td><code>{_e(at)}</code></td></tr>"
        )
    for outcome, (hurdles, step) in m.outcome_hurdles.items():
        out.append(
            f"<tr><td>an end: {_e(outcome)}</td><td>{number(hurdles)}</td>"
            f"<td><code>{_e(step)}</code></td></tr>"
        )
    out.append("</tbody></table>")
    if m.team_routes:
        teams = sorted({t for row in m.team_routes.values() for t in row} | set(m.team_routes))
        out.append(
            '<h3>Team handoffs</h3><p class="muted">Routes from the team of a row to '
            "the team of a column.</p><table><thead><tr><th>from \\ to</th>"
        )
        out.extend(f"<th>{_e(t)}</th>" for t in teams)
        out.append("</tr></thead><tbody>")
        for source in teams:
            row = m.team_routes.get(source, {})
            cells = "".join(f"<td>{row.get(t, '') if t != source else '–'}</td>" for t in teams)
            out.append(f"<tr><th>{_e(source)}</th>{cells}</tr>")
        out.append("</tbody></table>")
    if audit.silenced or audit.baselined:
        out.append("<h3>Not reported</h3><ul>")
        for s in audit.silenced:
            reason = f": {_e(s.reason)}" if s.reason else ""
            out.append(
                f"<li>{_e(s.finding.rule)} {_e(s.finding.name)} at "
                f"<code>{_e(s.finding.node)}</code>, silenced in the journey{reason}</li>"
            )
        if audit.baselined:
            out.append(f"<li>{plural(audit.baselined, 'finding')} accepted by the baseline</li>")
        out.append("</ul>")
    out.append("</section>")
    return out


def format(result: AuditResult, diagrams: dict[str, str] | None = None) -> str:
    """The HTML report; ``diagrams`` maps journey ids to SVG documents to inline."""
    diagrams = diagrams or {}
    counts = {s: result.count(s) for s in Severity}
    ranked = sorted(
        result.journeys, key=lambda j: (-j.metrics.friction_points, -len(j.findings), j.journey)
    )
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Customer journey audit ({plural(len(result.journeys), 'journey')})</title>",
        f"<style>{STYLE}</style></head><body>",
        "<header><h1>Customer journey audit</h1>",
        f'<p class="muted">Written by journeymap {_e(__version__)}. Each finding names the step '
        "where it can be fixed, why it matters to customers and how to fix it.</p></header>",
        '<section id="summary"><h2>Executive summary</h2><div class="cards">',
        f'<div class="card"><span class="muted">journeys</span><b>{len(result.journeys)}</b></div>',
        f'<div class="card"><span class="muted">findings</span><b>{len(result.findings)}</b></div>',
    ]
    for severity, count in counts.items():
        if count:
            out.append(
                f'<div class="card"><span class="muted">{_e(severity.value)}</span>'
                f'<b style="color:{SEVERITY_COLORS[severity]}">{count}</b></div>'
            )
    out.append("</div>")
    if result.problems:
        out.append("<p><b>Files that could not be audited:</b></p><ul>")
        out.extend(
            f"<li><code>{_e(p.file)}:{p.line}:{p.column}</code> {_e(p.message)}</li>"
            for p in result.problems
        )
        out.append("</ul>")
    out.append(
        "<table><thead><tr><th>journey</th><th>friction score</th><th>findings</th>"
        "<th>what drives it</th></tr></thead><tbody>"
    )
    for j in ranked:
        score = j.metrics.friction_score
        drivers = ", ".join(_e(k) for k in list(j.metrics.friction_parts)[:3]) or "–"
        title = j.title or j.journey
        out.append(
            f'<tr><td><a href="#journey-{_e(j.journey)}">{_e(title)}</a></td>'
            f'<td><span class="bar"><span style="width:{score}%"></span></span>{score}</td>'
            f"<td>{len(j.findings)}</td><td>{drivers}</td></tr>"
        )
    out.append("</tbody></table>")
    out.append(
        '<p class="muted">Friction score (0-100, higher is worse): 25 points per critical '
        "finding, 10 per high, 4 per medium, 1 per low, plus 3 per hurdle on the easiest way "
        "to a person (30 when no person can be reached), capped at 100.</p></section>"
    )
    for audit in result.journeys:
        out.extend(_journey(audit, diagrams.get(audit.journey), len(result.journeys) >= LAZY_FROM))
    out.append(f"<script>{SCRIPT}</script></body></html>")
    return "\n".join(out) + "\n"
