"""The consultant's deliverable: one self-contained HTML file, on screen and on paper.

No network requests: styles, the script and the SVG diagrams are inline.
Every piece of journey text is escaped (a prompt holding ``<script>`` shows as
text). Clicking a finding scrolls to its step on the diagram and highlights it.

Printed ("Save as PDF"), it is a report a client reads: a cover (client, scope, author,
date: only what is given), a one-page executive summary with what to fix first, the
findings grouped by theme across journeys, each journey with its teams diagram and its
full diagram (scaled to a page, or split into page-sized parts that still read, see
:mod:`.printing`), and a method appendix (rules run, thresholds, hurdle weights, how the
score is computed). Steps are named by what they say, not only by id and line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape, unescape
from typing import TYPE_CHECKING

from .. import __version__
from ..config import Settings
from ..diagram.build import LEGEND, element_id
from ..diagram.dot import SEVERITY_COLORS
from ..findings import AuditResult, Finding, JourneyAudit, Severity
from ..metrics import HURDLE_POINTS, NO_PERSON_POINTS, SCORE_HALF, SEVERITY_POINTS
from ..model import Weights
from ..recommendations import Recommendation, recommendations, total_points
from ..rules import FAMILIES, RULES, get_rule
from .common import handoffs_text, number, plural
from .effort import html_section, log_summary
from .naming import quotation, readable, step_name
from .printing import measure, pages

if TYPE_CHECKING:
    from ..traffic.audit import TrafficAudit

STYLE = """
:root { --ink: #202124; --muted: #5f6368; --line: #dadce0; --accent: #1a73e8; }
* { box-sizing: border-box; }
body { font: 15px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink);
  margin: 0 auto; max-width: 1180px; padding: 2rem 1.5rem 4rem; }
h1 { font-size: 1.9rem; margin: 0 0 .2rem; }
h2 { margin-top: 2.5rem; border-bottom: 2px solid var(--ink); padding-bottom: .3rem; }
h3 { margin-top: 1.8rem; } h4 { margin: 1.4rem 0 .3rem; font-size: 1.05rem; }
.muted { color: var(--muted); } code { font-size: .92em; background: #f1f3f4; padding: 0 .25em;
  border-radius: 3px; }
.cards { display: flex; gap: 1rem; flex-wrap: wrap; margin: 1rem 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1rem; min-width: 9rem; }
.card b { display: block; font-size: 1.8rem; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; }
th, td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: left;
  vertical-align: top; }
th { font-size: .85rem; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; } td.num { white-space: nowrap; }
.sev { display: inline-block; color: #fff; border-radius: 3px; padding: 0 .4em; font-size: .8rem;
  font-weight: 600; text-transform: uppercase; }
.bar { background: #f1f3f4; border-radius: 3px; height: .8rem; width: 10rem; display: inline-block;
  vertical-align: middle; margin-right: .4rem; }
.bar span { display: block; height: 100%; border-radius: 3px; background: #d93025; }
.score { font-size: 2.6rem; font-weight: 700; }
.diagram, .teams-box, .traffic-box { border: 1px solid var(--line); border-radius: 8px;
  overflow: auto; max-height: 80vh; margin: 1rem 0; background: #fff; }
.diagram svg, .teams-box svg, .traffic-box svg { display: block; height: auto; max-width: none; }
tr.finding { cursor: pointer; } tr.finding:hover { background: #f8f9fa; }
tr.finding.active { background: #fef7e0; }
.detail { font-size: .9rem; color: var(--muted); }
.say { color: var(--muted); font-style: italic; }
.step { font-weight: 600; }
.cover dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1.2rem; }
.cover dt { color: var(--muted); } .cover dd { margin: 0; font-weight: 600; }
.kicker { text-transform: uppercase; letter-spacing: .08em; color: var(--muted); margin: 0; }
nav.contents a { margin-right: 1rem; }
.recs td:first-child { font-weight: 700; width: 2rem; }
.rule { margin-bottom: 1.6rem; }
table.places, table.findings, table.recs { table-layout: fixed; }
table.places th:nth-child(1) { width: 22%; } table.places th:nth-child(2) { width: 28%; }
table.findings th:nth-child(1) { width: 2.2rem; } table.findings th:nth-child(2) { width: 6rem; }
table.findings th:nth-child(3) { width: 8.5rem; } table.findings th:nth-child(4) { width: 26%; }
table.recs th:nth-child(1) { width: 2rem; } table.recs th:nth-child(3) { width: 5rem; }
table.recs th:nth-child(4) { width: 8rem; } table.recs th:nth-child(5) { width: 8rem; }
.print-only { display: none; }
.jm-highlight polygon, .jm-highlight ellipse, .jm-highlight path {
  stroke: #9334e6 !important; stroke-width: 7px !important; }
@media print {
  html { font-size: 9.5pt; }
  body { max-width: none; padding: 0; font-size: 1rem; line-height: 1.35; }
  h1 { font-size: 26pt; } h2 { font-size: 16pt; margin-top: 0; } h3 { font-size: 12pt; }
  h4 { font-size: 10.5pt; }
  h2, h3, h4, figcaption, .keep-next { break-after: avoid; page-break-after: avoid; }
  tr, .card, figure, .cover dl, li, .block { break-inside: avoid; page-break-inside: avoid; }
  .print-only { display: block; } .noprint { display: none !important; }
  .diagram.sheeted, .teams-box.sheeted, .traffic-box.sheeted { display: none; }
  .diagram, .teams-box, .traffic-box { max-height: none; overflow: visible; border: none; }
  .diagram svg, .teams-box svg, .traffic-box svg { max-width: 100%; }
  .cover { height: 228mm; display: flex; flex-direction: column; justify-content: center;
    break-after: page; page-break-after: always; }
  .cover h1 { font-size: 32pt; margin-bottom: 1rem; }
  .cover dl { font-size: 12pt; margin-top: 2rem; }
  .cover { border-left: 6px solid var(--accent); padding-left: 1.5rem; }
  .cover .contents { margin-top: 3rem; font-size: 10pt; }
  .cover .contents ol { margin: .3rem 0 0; padding-left: 1.4rem; }
  section.part, section.journey { break-before: page; page-break-before: always; }
  .cards { gap: .5rem; margin: .5rem 0; } .card { padding: .3rem .6rem; min-width: 6rem; }
  .card b { font-size: 14pt; }
  #summary .cards .card { min-width: 0; padding: .2rem .6rem; }
  #summary h3 { margin: 1rem 0 .3rem; } #summary p { margin: .4rem 0; }
  #summary table { margin: .3rem 0 .5rem; }
  th, td { padding: .2rem .35rem; }
  .bar { width: 5rem; height: .6rem; }
  figure.sheet { margin: 0 0 .8rem; }
  figure.sheet figcaption { font-size: 8.5pt; color: var(--muted); margin-bottom: .2rem; }
  figure.sheet svg { display: block; }
  tr.finding { cursor: auto; } tr.finding.active { background: none; }
  a { color: inherit; text-decoration: none; }
}
"""

SCRIPT = """
function jmShow(box) {
  var t = box && box.querySelector('template.lazy');
  if (t) { box.replaceChildren(t.content.cloneNode(true)); }
}
var jmBoxes = document.querySelectorAll('.diagram, .teams-box, .traffic-box');
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

LAZY_FROM = 20
"""From this many journeys on, each diagram waits in a ``<template>`` and is put in the
page when its journey scrolls near (or before printing): a 300-journey report opens at
once instead of laying out 300 diagrams."""

TOP_RECOMMENDATIONS = 5
"""Recommendations on the executive summary (the rest are in the themes)."""
SUMMARY_JOURNEYS = 8
"""Journeys in the executive summary's table; a longer run gets a full ranking after it."""
COVER_JOURNEYS = 12
"""Journeys named in the printed cover's contents (more are only counted)."""
THEME_ROWS = 30
"""Places listed under one rule in the themes; the rest are counted (each journey lists
its own)."""

FAMILY_WORDS = {
    "loops": "customers going round in circles",
    "dead ends": "customers left with no way forward, or no way to a person",
    "hurdles": "effort the customer spends before being served",
    "silos": "handoffs between teams that lose the customer's context",
    "wiring": "flow logic that does not hold together",
}
"""What each family of rules (the themes of the report) is about."""

THRESHOLDS = (
    ("max_hurdles", "too-many-hurdles", "hurdles on the easiest path to a person or a resolution"),
    ("max_menu_depth", "deep-menu", "menus before a person can be reached"),
    ("max_menu_options", "wide-menu", "choices in one menu"),
    ("max_retries", "unbounded-retry", "retries a menu or question may allow"),
    ("max_handoffs", "too-many-handoffs", "handoffs between teams on a path to resolution"),
    ("max_prompt_seconds", "long-prompt", "seconds of one spoken prompt"),
    ("max_greeting_seconds", "long-prompt", "seconds of announcements before the first choice"),
    ("words_per_minute", "long-prompt", "speaking rate used to time prompts"),
)
"""The settings that tune a rule, with the rule and what they limit."""


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


def _prefixed(svg: str, prefix: str) -> str:
    """The SVG with every id (and reference to one) prefixed, so a second view of the same
    journey in the page does not repeat the first view's ids."""
    svg = re.sub(r'(\sid=")', rf"\1{prefix}", svg)
    return re.sub(r'((?:xlink:)?href="#)', rf"\1{prefix}", svg)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _rule_title(name: str) -> str:
    """``Endless loop`` for ``endless-loop``."""
    return _cap(name.replace("-", " "))


# -- naming steps by their words --------------------------------------------------------


def _step(audit: JourneyAudit, step: str, quote: bool = True, link: bool = False) -> str:
    """A step as a reader knows it: its name (a link to it on the diagram, with
    ``link``), and the start of what it says."""
    name = readable(step)
    shown = f'<span class="step">{_e(name)}</span>' if name else f"<code>{_e(step)}</code>"
    if link:
        shown = f'<a href="#{_e(element_id("step", audit.journey, step))}">{shown}</a>'
    words = quotation(audit.step_words.get(step, "")) if quote else None
    return shown + (f' <span class="say">(“{_e(words)}”)</span>' if words else "")


def _message(audit: JourneyAudit, text: str) -> str:
    """A finding's message with the steps it names (`main_menu`) written as words, the id
    and prompt kept in a tooltip."""

    def named(match: re.Match[str]) -> str:
        token = unescape(match.group(1))
        if token not in audit.step_words or readable(token) is None:
            return f"<code>{match.group(1)}</code>"
        said = quotation(audit.step_words[token])
        tip = token + (f": “{said}”" if said else "")
        return f'<span class="step" title="{_e(tip)}">{_e(readable(token))}</span>'

    return re.sub(r"`([^`]+)`", named, _e(text))


def _path(audit: JourneyAudit, path: Sequence[str]) -> str:
    return " → ".join(_e(step_name(s)) for s in path)


# -- diagrams on paper ------------------------------------------------------------------


def _root_id(svg: str) -> str | None:
    found = re.search(r'<g\s+id="([^"]+)"\s+class="graph"', svg)
    return unescape(found.group(1)) if found else None


def _sheets(svg: str, caption: str, lead: str = "") -> str:
    """The print-only pages of a diagram: the drawing without its title and legend (the
    page says them), scaled to a page or split into parts that each fill one; each part
    is a view of the one drawing in the page (``<use>``: nothing is copied). ``""`` when
    it cannot be laid out."""
    drawing = measure(svg)
    root = _root_id(svg)
    if drawing is None or root is None:
        return ""
    sheet, parts = pages(drawing)
    k = drawing.per_unit
    out = ['<div class="sheets print-only">']
    for index, part in enumerate(parts, 1):
        where = ""
        if len(parts) > 1:
            place = []
            if sheet.rows > 1:
                place.append(f"row {part.row} of {sheet.rows}")
            if sheet.columns > 1:
                place.append(f"column {part.column} of {sheet.columns}")
            where = f" · part {index} of {len(parts)} ({', '.join(place)})"
        scale = f" · printed at {round(sheet.scale * 100)} %" if sheet.scale < 1 else ""
        out.append(
            f'<figure class="sheet">{lead if index == 1 else ""}'
            f"<figcaption>{_e(caption)}{where}{scale}</figcaption>"
            f'<svg width="{part.width * k * sheet.scale:.1f}pt" '
            f'height="{part.height * k * sheet.scale:.1f}pt" '
            f'viewBox="{part.x:.2f} {part.y:.2f} {part.width:.2f} {part.height:.2f}" '
            f'role="img" aria-label="{_e(caption)}"><use href="#{_e(root)}"/></svg></figure>'
        )
    out.append("</div>")
    return "\n".join(out)


def _drawing(
    svg: str, box_class: str, box_id: str, caption: str, lazy: bool, lead: str = ""
) -> list[str]:
    """A diagram on screen (a scrolling box, drawn lazily in big reports) and on paper,
    after ``lead`` (a heading and a note), which print keeps on the page of the first part."""
    drawing = _inline_svg(svg)
    sheets = _sheets(drawing, caption, lead)
    if lazy:
        drawing = f'<template class="lazy">{drawing}</template>'
    sheeted = " sheeted" if sheets else ""
    return [
        (f'<div class="noprint">{lead}</div>' if sheets else lead) if lead else "",
        f'<div class="{box_class}{sheeted}" id="{_e(box_id)}">{drawing}</div>',
        *([sheets] if sheets else []),
    ]


def _key() -> str:
    """What the marks on a printed diagram mean (its own legend is not printed)."""
    notes = [words for key, words in LEGEND if not key and not words.startswith("finding:")]
    return (
        "Key: the numbers on the diagram are the findings listed under Findings; a step's "
        "border colour is the severity of its worst finding ("
        + ", ".join(
            f'<b style="color:{SEVERITY_COLORS[s]}">{_e(s.value)}</b>'
            for s in Severity
            if s is not Severity.INFO
        )
        + "). "
        + " · ".join(_e(n) for n in notes)
        + "."
    )


# -- the parts of the report ------------------------------------------------------------


def _cover(result: AuditResult, settings: Settings) -> list[str]:
    report = settings.report
    journeys = plural(len(result.journeys), "journey")
    out = ['<header class="cover" id="cover">']
    if report.client:
        out.append(f'<p class="kicker">Prepared for {_e(report.client)}</p>')
    out.append("<h1>Customer journey audit</h1>")
    out.append(
        f'<p class="muted">{journeys} audited · {plural(len(result.findings), "finding")}. '
        f"Written with journeymap {_e(__version__)}. Each finding names the step where it "
        "can be fixed, why it matters to customers and how to fix it.</p>"
    )
    facts = [
        ("Client", report.client),
        ("Scope", report.scope),
        ("Author", report.author),
        ("Date", report.date),
    ]
    given = [(k, v) for k, v in facts if v]
    if given:
        out.append(
            '<dl class="facts">'
            + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in given)
            + "</dl>"
        )
    titles = [j.title or j.journey for j in result.journeys]
    listed = ": " + "; ".join(_e(t) for t in titles) if 0 < len(titles) <= COVER_JOURNEYS else ""
    out.append(
        '<div class="contents print-only"><b>Contents</b><ol><li>Executive summary: what '
        "to fix first</li><li>Findings by theme, across journeys</li>"
        f"<li>The journeys, one by one{listed}</li><li>Method: rules, thresholds, hurdle "
        "weights, the friction score</li></ol></div>"
    )
    out.append(
        '<nav class="contents noprint"><a href="#summary">Executive summary</a>'
        '<a href="#themes">Findings by theme</a>'
        f'<a href="#journeys">Journeys ({len(result.journeys)})</a>'
        '<a href="#method">Method</a></nav>'
    )
    out.append("</header>")
    return out


def _journey_row(j: JourneyAudit) -> str:
    score = j.metrics.friction_score
    drivers = ", ".join(_e(k) for k in list(j.metrics.friction_parts)[:3]) or "–"
    title = j.title or j.journey
    return (
        f'<tr><td><a href="#journey-{_e(j.journey)}">{_e(title)}</a></td>'
        f'<td class="num"><span class="bar"><span style="width:{score}%"></span></span>'
        f'{score}</td><td class="num">{len(j.findings)}</td><td>{drivers}</td></tr>'
    )


JOURNEY_HEAD = (
    "<table><thead><tr><th>journey</th><th>friction score</th><th>findings</th>"
    "<th>what drives it</th></tr></thead><tbody>"
)


def _titles(result: AuditResult) -> dict[str, str]:
    return {j.journey: j.title or j.journey for j in result.journeys}


def _recommendation(rank: int, rec: Recommendation, titles: dict[str, str], total: int) -> str:
    rule = get_rule(rec.rule)
    names = [titles.get(j, j) for j in rec.journeys]
    shown = ", ".join(_e(n) for n in names[:3])
    if len(names) > 3:
        shown += f" and {len(names) - 3} more"
    share = f" ({round(100 * rec.points / total)} %)" if total else ""
    fix = _words(rule.fix) if rule else ""
    return (
        f"<tr><td>{rank}</td><td><b>{_e(_rule_title(rec.name))}</b> "
        f'{_sev(rec.severity)} <span class="detail">{_e(rec.rule)} · '
        f'<a href="#rule-{_e(rec.rule)}">{plural(rec.findings, "finding")}</a> in {shown}</span>'
        f'<div class="detail"><b>Fix:</b> {fix}</div></td>'
        f'<td class="num">{len(rec.journeys)}</td>'
        + (f'<td class="num">{rec.customers:,.0f}</td>' if rec.customers is not None else "")
        + f'<td class="num">{rec.points}{share}</td></tr>'
    )


def _summary(
    result: AuditResult, ranked: list[JourneyAudit], effort: TrafficAudit | None = None
) -> list[str]:
    counts = {s: result.count(s) for s in Severity}
    out = [
        '<section id="summary" class="part"><h2>Executive summary</h2>',
    ]
    lead = [
        f"{plural(len(result.journeys), 'journey')} audited, "
        f"{plural(len(result.findings), 'finding')}"
    ]
    found = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
    if found:
        lead[0] += f" ({found})"
    no_person = [j for j in result.journeys if j.metrics.hurdles_to_person is None]
    if no_person:
        lead.append(
            f"in {plural(len(no_person), 'journey')} no customer can reach a person"
            if len(no_person) != 1
            else f"in {_e(no_person[0].title or no_person[0].journey)} no customer can "
            "reach a person"
        )
    if ranked and ranked[0].metrics.friction_points:
        worst = ranked[0]
        lead.append(
            f"the most friction is in {_e(worst.title or worst.journey)} "
            f"(score {worst.metrics.friction_score}/100)"
        )
    out.append(f'<p class="lead">{" ".join(_cap(s) + "." for s in lead)}</p>')
    out.append('<div class="cards">')
    out.append(
        f'<div class="card"><span class="muted">journeys</span><b>{len(result.journeys)}</b></div>'
    )
    out.append(
        f'<div class="card"><span class="muted">findings</span><b>{len(result.findings)}</b></div>'
    )
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
            for p in result.problems[:10]
        )
        if len(result.problems) > 10:
            out.append(f"<li>and {len(result.problems) - 10} more</li>")
        out.append("</ul>")
    traffic = effort.traffic if effort is not None else None
    recs = recommendations(result, effort.customers if effort is not None and traffic else None)
    total = total_points(result)
    if traffic is not None:
        out.append(
            f"<p>{_e(_cap(log_summary(traffic)))}. Where a journey's contacts are in the log, "
            "its figures rest on the shares they took.</p>"
        )
    if recs:
        out.append('<h3 class="keep-next">What to fix first</h3>')
        out.append(
            '<p class="muted keep-next">Ranked by the contacts of the log who reach a step '
            "each fix concerns, then by the friction it removes (its findings' points).</p>"
            if traffic is not None
            else '<p class="muted keep-next">Ranked by the friction each fix removes (its '
            "findings' points), then by how many journeys, and so customers, it concerns.</p>"
        )
        customers = '<th class="num">customers affected</th>' if traffic is not None else ""
        out.append(
            '<table class="recs"><thead><tr><th>#</th><th>recommendation</th>'
            f'<th class="num">journeys</th>{customers}'
            '<th class="num">friction points removed</th></tr></thead><tbody>'
        )
        titles = _titles(result)
        out.extend(
            _recommendation(i, rec, titles, total)
            for i, rec in enumerate(recs[:TOP_RECOMMENDATIONS], 1)
        )
        out.append("</tbody></table>")
        if len(recs) > TOP_RECOMMENDATIONS:
            out.append(
                f'<p class="muted">{plural(len(recs) - TOP_RECOMMENDATIONS, "more kind")} of '
                'finding: see <a href="#themes">Findings by theme</a>.</p>'
            )
    out.append('<h3 class="keep-next">Journeys, worst first</h3>')
    out.append(JOURNEY_HEAD)
    out.extend(_journey_row(j) for j in ranked[:SUMMARY_JOURNEYS])
    out.append("</tbody></table>")
    if len(ranked) > SUMMARY_JOURNEYS:
        out.append(
            f'<p class="muted">and {plural(len(ranked) - SUMMARY_JOURNEYS, "more journey")}: '
            'see <a href="#ranking">All journeys</a>.</p>'
        )
    out.append(
        '<p class="muted">Friction score (0-100, higher is worse): the points of the '
        f"findings (critical {SEVERITY_POINTS[Severity.CRITICAL]}, high "
        f"{SEVERITY_POINTS[Severity.HIGH]}, medium {SEVERITY_POINTS[Severity.MEDIUM]}, low "
        f"{SEVERITY_POINTS[Severity.LOW]}) plus {HURDLE_POINTS} per hurdle on the easiest way "
        f"to a person ({NO_PERSON_POINTS} when there is none), as 100 × points / (points + "
        f"{SCORE_HALF}): it never reaches 100, so it keeps ranking journeys "
        '(see <a href="#method">Method</a>).</p></section>'
    )
    if len(ranked) > SUMMARY_JOURNEYS:
        out.append(
            '<section id="ranking" class="part"><h2>All journeys, worst first</h2>' + JOURNEY_HEAD
        )
        out.extend(_journey_row(j) for j in ranked)
        out.append("</tbody></table></section>")
    return out


def _themes(result: AuditResult) -> list[str]:
    by_rule: dict[str, list[tuple[JourneyAudit, Finding]]] = {}
    for audit in result.journeys:
        for f in audit.findings:
            by_rule.setdefault(f.rule, []).append((audit, f))
    out = [
        '<section id="themes" class="part"><h2>Findings by theme</h2>',
        '<p class="muted">Each kind of problem once, with why it matters and how to fix it, '
        "then every place it was found, across journeys.</p>",
    ]
    if not by_rule:
        out.append("<p>No findings.</p></section>")
        return out
    order = {r.id: i for i, r in enumerate(RULES)}
    for family in FAMILIES.values():
        rules = sorted(
            (r for r in by_rule if (get_rule(r) or _NO_RULE).family == family),
            key=lambda r: order.get(r, len(order)),
        )
        if not rules:
            continue
        hits = sum(len(by_rule[r]) for r in rules)
        out.append(
            f'<h3 class="keep-next">{_e(_cap(family))}: {_e(FAMILY_WORDS.get(family, ""))} '
            f'<span class="muted">({plural(hits, "finding")})</span></h3>'
        )
        for rule_id in rules:
            out.extend(_theme_rule(rule_id, by_rule[rule_id]))
    out.append("</section>")
    return out


def _theme_rule(rule_id: str, hits: list[tuple[JourneyAudit, Finding]]) -> list[str]:
    rule = get_rule(rule_id)
    first = hits[0][1]
    journeys = {a.journey for a, _ in hits}
    out = [
        f'<div class="rule" id="rule-{_e(rule_id)}">',
        f'<h4 class="keep-next">{_e(_rule_title(first.name))} {_sev(first.severity)} '
        f'<span class="muted">{_e(rule_id)} · {plural(len(hits), "finding")} in '
        f"{plural(len(journeys), 'journey')}</span></h4>",
    ]
    if rule is not None:
        out.append(
            f'<p class="keep-next">{_words(rule.summary)} <b>Why it matters:</b> '
            f"{_words(rule.why)} <b>How to fix it:</b> {_words(rule.fix)}</p>"
        )
    out.append(
        '<table class="places"><thead><tr><th>journey</th><th>where</th><th>what was found</th>'
        "</tr></thead><tbody>"
    )
    for audit, f in hits[:THEME_ROWS]:
        out.append(
            f'<tr><td><a href="#journey-{_e(audit.journey)}">{_e(audit.title or audit.journey)}'
            f"</a></td><td>{_step(audit, f.node, link=True)}"
            f'<div class="detail">line {f.line}</div></td>'
            f"<td>{_message(audit, f.message)}</td></tr>"
        )
    out.append("</tbody></table>")
    if len(hits) > THEME_ROWS:
        out.append(
            f'<p class="muted">and {plural(len(hits) - THEME_ROWS, "more place")}: each '
            "journey lists its own.</p>"
        )
    out.append("</div>")
    return out


def _journey(
    audit: JourneyAudit,
    svg: str | None,
    teams_svg: str | None,
    lazy: bool = False,
    effort: TrafficAudit | None = None,
    traffic_svg: str | None = None,
) -> list[str]:
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
    if effort is not None and jid in effort.design:
        out.append(html_section(effort.effort(jid), effort.seen(jid)))
    if traffic_svg:
        out.extend(
            _drawing(
                _prefixed(traffic_svg, "traffic-"),
                "traffic-box",
                f"traffic-box-{jid}",
                f"{audit.title or jid}: where customers go and give up",
                lazy,
                '<h3>Traffic</h3><p class="muted">Route width by the customers who take '
                "it; the darker a step, the more customers give up there.</p>",
            )
        )
    if teams_svg:
        out.extend(
            _drawing(
                _prefixed(teams_svg, "teams-"),
                "teams-box",
                f"teams-box-{jid}",
                f"{audit.title or jid}: teams and handoffs",
                lazy,
                '<h3>Teams and handoffs</h3><p class="muted">One box per team, arrows for the '
                "routes between teams.</p>",
            )
        )
    if svg:
        heading = "<h3>Every step and route</h3>" if teams_svg else ""
        out.extend(
            _drawing(
                svg,
                "diagram",
                f"diagram-box-{jid}",
                f"{audit.title or jid}: every step, with the findings",
                lazy,
                heading + f'<p class="muted print-only">{_key()}</p>',
            )
        )
        out.append(
            '<p class="muted noprint">Click a finding to see it on the diagram; hover '
            "a step or a badge for details.</p>"
        )
    else:
        out.append(
            '<p class="muted">(No diagram: Graphviz could not draw this journey when the '
            "report was written; `journeymap render` says why.)</p>"
        )
    out.append('<h3 class="keep-next">Findings</h3>')
    if not audit.findings:
        out.append("<p>No findings.</p>")
    else:
        out.append(
            '<p class="muted print-only keep-next">Why each matters and how to fix it: see '
            "Findings by theme.</p>"
        )
        out.append(
            '<table class="findings"><thead><tr><th class="num">#</th><th>severity</th>'
            "<th>rule</th><th>where</th><th>finding"
            '<span class="noprint">, why it matters, how to fix it</span></th></tr></thead><tbody>'
        )
        previous = None
        for place, f in enumerate(audit.findings, 1):
            rule = get_rule(f.rule)
            why = _words(rule.why) if rule else ""
            fix = _words(rule.fix) if rule else ""
            explained = (
                f'<div class="detail noprint"><b>Why:</b> {why}</div>'
                f'<div class="detail noprint"><b>Fix:</b> {fix}</div>'
                if f.rule != previous
                else '<div class="detail noprint">Why and fix: as above.</div>'
            )  # the same explanation is not repeated row after row
            previous = f.rule
            path = _path(audit, f.path)
            step_id = element_id("step", jid, f.node)
            out.append(
                f'<tr class="finding" id="{_e(element_id("row", jid, f.fingerprint))}" '
                f'data-step="{_e(step_id)}" '
                f'data-finding="{_e("a_" + element_id("finding", jid, f.fingerprint))}">'
                f'<td class="num"><b>{place}</b></td>'
                f"<td>{_sev(f.severity)}</td><td><b>{_e(f.rule)}</b><br>{_e(f.name)}</td>"
                f"<td>{_step(audit, f.node, link=True)}<br>"
                f'<span class="detail"><code>{_e(f.node)}</code> · line {f.line}</span></td>'
                f"<td>{_message(audit, f.message)}"
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
    out.append('<div class="block"><h3>Hurdles per outcome</h3>')
    out.append(
        "<table><thead><tr><th>the customer reaches</th><th>fewest hurdles</th>"
        "<th>at</th></tr></thead><tbody>"
    )
    if m.hurdles_to_person is not None:
        at = m.path_to_person[-1] if m.path_to_person else ""
        out.append(
            f"<tr><td>a person</td><td>{number(m.hurdles_to_person)}</td>"
            f"<td>{_step(audit, at, quote=False) if at else ''}</td></tr>"
        )
    for outcome, (hurdles, step) in m.outcome_hurdles.items():
        out.append(
            f"<tr><td>an end: {_e(outcome)}</td><td>{number(hurdles)}</td>"
            f"<td>{_step(audit, step, quote=False)}</td></tr>"
        )
    out.append("</tbody></table></div>")
    if m.team_routes:
        teams = sorted({t for row in m.team_routes.values() for t in row} | set(m.team_routes))
        out.append(
            '<div class="block"><h3>Team handoffs</h3><p class="muted">Routes from the '
            "team of a row to the team of a column.</p><table><thead><tr><th>from \\ to</th>"
        )
        out.extend(f"<th>{_e(t)}</th>" for t in teams)
        out.append("</tr></thead><tbody>")
        for source in teams:
            row = m.team_routes.get(source, {})
            cells = "".join(f"<td>{row.get(t, '') if t != source else '–'}</td>" for t in teams)
            out.append(f"<tr><th>{_e(source)}</th>{cells}</tr>")
        out.append("</tbody></table></div>")
    if audit.silenced or audit.baselined:
        out.append('<h3 class="keep-next">Not reported</h3><ul>')
        for s in audit.silenced:
            reason = f": {_e(s.reason)}" if s.reason else ""
            out.append(
                f"<li>{_e(s.finding.rule)} {_e(s.finding.name)} at "
                f"{_step(audit, s.finding.node)} (<code>{_e(s.finding.node)}</code>), silenced "
                f"in the journey{reason}</li>"
            )
        if audit.baselined:
            out.append(f"<li>{plural(audit.baselined, 'finding')} accepted by the baseline</li>")
        out.append("</ul>")
    out.append("</section>")
    return out


def _method(
    result: AuditResult,
    settings: Settings,
    rules: Sequence[str] | None,
    effort: TrafficAudit | None = None,
) -> list[str]:
    run = [r for r in RULES if rules is None or r.id in set(rules)]
    ids = {r.id for r in run}
    out = [
        '<section id="method" class="part"><h2>Method</h2>',
        "<p>journeymap reads each journey (every step, route and team, as written in the "
        "journey files or the flow exports they were imported from) and follows every route "
        "a customer can take, across linked journeys. Each rule below looks for one kind of "
        "problem and reports it once, at the step where it can be fixed. Figures such as "
        "hurdles and handoffs are computed from the routes themselves, whichever rules ran. "
        f"Written by journeymap {_e(__version__)}; each rule's docs: <code>journeymap explain "
        "RULE</code>.</p>",
        f'<h3 class="keep-next">Rules run ({len(run)} of {len(RULES)})</h3>',
        '<table class="rules"><thead><tr><th>rule</th><th>theme</th><th>severity</th>'
        "<th>finds</th></tr></thead><tbody>",
    ]
    out.extend(
        f"<tr><td><b>{_e(r.id)}</b> {_e(r.name)}</td><td>{_e(r.family)}</td>"
        f"<td>{_sev(r.severity)}</td><td>{_words(r.summary)}</td></tr>"
        for r in run
    )
    out.append("</tbody></table>")
    skipped = [r for r in RULES if r.id not in ids]
    if skipped:
        out.append(
            "<p>Not run (settings): "
            + ", ".join(f"{_e(r.id)} {_e(r.name)}" for r in skipped)
            + ".</p>"
        )
    silenced = sum(len(j.silenced) for j in result.journeys)
    baselined = sum(j.baselined for j in result.journeys)
    if silenced or baselined:
        left = []
        if silenced:
            left.append(f"{plural(silenced, 'finding')} silenced in the journeys, with a reason")
        if baselined:
            left.append(f"{plural(baselined, 'finding')} accepted by a baseline")
        out.append(f"<p>Not reported: {'; '.join(left)} (each journey lists its own).</p>")
    tuned = [(key, rule, what) for key, rule, what in THRESHOLDS if get_rule(rule) in run]
    if tuned:
        out.append(
            '<h3 class="keep-next">Thresholds</h3><p class="muted keep-next">A journey\'s own '
            "<code>audit:</code> settings may change these for that journey.</p>"
            '<table><thead><tr><th>setting</th><th class="num">value</th><th>limits</th>'
            "<th>rule</th></tr></thead><tbody>"
        )
        out.extend(
            f'<tr><td><code>{_e(key)}</code></td><td class="num">'
            f"{number(getattr(settings, key))}</td><td>{_e(what)}</td><td>{_e(rule)}</td></tr>"
            for key, rule, what in tuned
        )
        out.append("</tbody></table>")
    out.append(
        '<h3 class="keep-next">Hurdle weights</h3><p class="muted keep-next">A hurdle is '
        "something the customer must do or endure; each counts for its weight.</p>"
        '<table><thead><tr><th>weight</th><th class="num">value</th><th>counted for</th></tr>'
        "</thead><tbody>"
    )
    for key, field in Weights.model_fields.items():
        out.append(
            f'<tr><td><code>{_e(key)}</code></td><td class="num">'
            f"{number(getattr(settings.weights, key))}</td>"
            f"<td>{_e(field.description or '')}</td></tr>"
        )
    out.append("</tbody></table>")
    points = ", ".join(f"{s.value} {p}" for s, p in SEVERITY_POINTS.items())
    out.append(
        '<h3 class="keep-next">Friction points and score</h3>'
        "<p>The <b>easiest path</b> to a person (a queue or an agent) or to a resolution is "
        "the one with the fewest hurdles. The <b>friction points</b> of a journey are the "
        f"points of its findings ({_e(points)}) plus {HURDLE_POINTS} per hurdle on the "
        f"easiest path to a person, or {NO_PERSON_POINTS} when no person can be reached. "
        "The <b>friction score</b> (0-100, higher is worse) is "
        f"100 × points / (points + {SCORE_HALF}), rounded down: {SCORE_HALF} points score 50. "
        "It rises steeply for the first problems and never reaches 100, so it keeps ranking "
        "journeys however bad they are; journeys are ranked by their points. A "
        "recommendation's <b>friction removed</b> is the sum of the points of the findings "
        "it clears.</p>"
    )
    if effort is not None:
        p = settings.patience
        out.append(
            '<h3 class="keep-next">Expected effort</h3>'
            "<p>Each journey is read as a Markov chain and solved exactly: at every step a "
            "customer takes each way out with its <code>share</code> (where a step gives none, "
            f"each failure route takes {number(p.error_share)} and the other routes split the "
            "rest equally; the report names those steps), meets the step's hurdles, and at "
            f"each hurdle gives up with probability {number(p.per_hurdle)} (× "
            f"{number(p.after_repeat)} on a retry, × {number(p.after_long_prompt)} around a "
            "long prompt). The default of 2 % per hurdle is an assumption in line with "
            "published abandonment figures, not a measurement: a contact log "
            "(<code>--traffic</code>) shows the real one. A customer reaches a person on "
            "entering a queue or an agent, and nobody gives up on an agent or at an end: "
            "their hurdles count as effort.</p>"
        )
    out.append("</section>")
    return out


class _NoRule:
    family = "other"


_NO_RULE = _NoRule()


def _css_text(text: str) -> str:
    """A CSS string literal holding ``text`` (never ending the ``<style>`` element)."""
    body = "".join(ch if ch.isalnum() or ch in " .,-_()&'/:" else f"\\{ord(ch):x} " for ch in text)
    return f'"{body}"'


def _page_style(settings: Settings) -> str:
    """Page margins, and a footer with the client and the page number on every page but
    the cover (Chromium prints CSS page-margin boxes)."""
    report = settings.report
    left = " · ".join(v for v in (report.client, "Customer journey audit", report.date) if v)
    return (
        "@page { margin: 16mm 14mm 16mm 14mm;"
        f" @bottom-left {{ content: {_css_text(left)}; font: 8pt sans-serif; color: #5f6368; }}"
        ' @bottom-right { content: counter(page) " / " counter(pages); font: 8pt sans-serif;'
        " color: #5f6368; } }"
        " @page :first { @bottom-left { content: none; } @bottom-right { content: none; } }"
    )


def format(
    result: AuditResult,
    diagrams: dict[str, str] | None = None,
    *,
    team_diagrams: dict[str, str] | None = None,
    settings: Settings | None = None,
    rules: Sequence[str] | None = None,
    effort: TrafficAudit | None = None,
    traffic_diagrams: dict[str, str] | None = None,
) -> str:
    """The HTML report; ``diagrams``, ``team_diagrams`` and ``traffic_diagrams`` map
    journey ids to SVG documents (the full, teams and traffic view) to inline;
    ``settings`` give the cover (``report``), the thresholds and the weights; ``rules``
    are the ids of the rules run (default: all); ``effort`` adds the expected effort and
    a log's traffic, and ranks recommendations by customers when there is a log."""
    diagrams = diagrams or {}
    team_diagrams = team_diagrams or {}
    settings = settings or Settings()
    ranked = sorted(
        result.journeys, key=lambda j: (-j.metrics.friction_points, -len(j.findings), j.journey)
    )
    client = f" for {settings.report.client}" if settings.report.client else ""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Customer journey audit{_e(client)} "
        f"({plural(len(result.journeys), 'journey')})</title>",
        f"<style>{STYLE}{_page_style(settings)}</style></head><body>",
    ]
    out.extend(_cover(result, settings))
    out.extend(_summary(result, ranked, effort))
    out.extend(_themes(result))
    lazy = len(result.journeys) >= LAZY_FROM
    out.append('<div id="journeys">')
    for audit in result.journeys:
        out.extend(
            _journey(
                audit,
                diagrams.get(audit.journey),
                team_diagrams.get(audit.journey),
                lazy,
                effort,
                (traffic_diagrams or {}).get(audit.journey),
            )
        )
    out.append("</div>")
    out.extend(_method(result, settings, rules, effort))
    out.append(f"<script>{SCRIPT}</script></body></html>")
    return "\n".join(out) + "\n"
