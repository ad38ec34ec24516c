"""Describe what a diagram of one journey shows, from the journey and its audit.

Three views:

``full``
    every step, teams as swimlanes, every route, the audit on top;
``teams``
    one box per team, arrows weighted by the routes between teams (the silo
    picture), cold transfers marked;
``focus``
    only the steps and routes of the findings (optionally of some rules), with
    their neighbours drawn muted for context.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable

from ..findings import Finding, JourneyAudit, Severity
from ..loader import LoadedJourney
from ..model import RECOVERY_KINDS
from .description import Badge, Cluster, Diagram, Edge, Node

VIEWS = ("full", "teams", "focus")
PROMPT_CHARS = 34
SILO_RULES = frozenset(
    {"cold-handoff", "team-ping-pong", "too-many-handoffs", "siloed-team", "transfer-loop"}
)

LEGEND = (
    ("critical", "critical"),
    ("high", "high"),
    ("medium", "medium"),
    ("low", "low"),
    ("", "finding: border colour; each badge is a finding's number and rule (listed here)"),
    ("", "hexagon menu · parallelogram question · cylinder queue · ellipse person"),
    ("", "ends: green resolved · red disconnected · orange unresolved · grey abandoned"),
    ("", "dashed grey: error/retry route · red dashed: cold handoff · green: warm"),
    ("", "Σ n: hurdles on the easiest way to the step · double border: entry"),
)


def element_id(prefix: str, *parts: str) -> str:
    """A stable id for an SVG element: readable, unique, safe in HTML.

    >>> element_id("step", "bank", "main menu")
    'step-bank-main_menu-9601'
    >>> element_id("step", "bank", "main_menu")
    'step-bank-main_menu'
    """
    raw = "-".join(parts)
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", raw)
    if safe != raw:
        safe += "-" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:4]
    return f"{prefix}-{safe}"


def _short(text: str, limit: int = PROMPT_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


TOOLTIP_LINES = 12
TOOLTIP_CHARS = 3000
"""Graphviz refuses quoted strings over 16 KiB; a tooltip is for reading anyway."""


def _tooltip(lines: Iterable[str]) -> str:
    """Lines joined for a tooltip, cut to a readable (and Graphviz-safe) size."""
    shown = list(dict.fromkeys(lines))
    extra = len(shown) - TOOLTIP_LINES
    text = "\n".join(shown[:TOOLTIP_LINES])
    if len(text) > TOOLTIP_CHARS:
        text = text[: TOOLTIP_CHARS - 1] + "…"
    if extra > 0:
        text += f"\n… and {extra} more"
    return text


def _worst(severities: Iterable[Severity]) -> Severity | None:
    return min(severities, key=lambda s: s.rank, default=None)


def _figures(audit: JourneyAudit) -> str:
    m = audit.metrics
    counts = {s: sum(1 for f in audit.findings if f.severity is s) for s in Severity}
    found = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n) or "none"
    person = (
        "no person reachable"
        if m.hurdles_to_person is None
        else f"easiest way to a person {m.hurdles_to_person:g} "
        f"hurdle{'' if m.hurdles_to_person == 1 else 's'}"
    )
    return (
        f"{m.steps} step{'' if m.steps == 1 else 's'} · {len(audit.findings)} "
        f"finding{'' if len(audit.findings) == 1 else 's'} ({found}) · {person} · "
        f"friction {m.friction_score}/100"
    )


def _badge(journey: str, finding: Finding, number: int = 0) -> Badge:
    return Badge(
        element_id=element_id("finding", journey, finding.fingerprint),
        rule=finding.rule,
        name=finding.name,
        severity=finding.severity,
        message=finding.message,
        number=number,
    )


def _edge_label(kind: str, choice: str | None, label: str | None, share: float | None) -> str:
    if kind in ("option", "branch"):
        text = choice or ""
        if label:
            text = f"{text} {label}".strip()
    elif kind == "transfer":
        text = label or "transfer"
    elif kind == "next":
        text = label or ""
    else:
        text = kind
    if share is not None:
        text = f"{text} {share:.0%}".strip()
    return text


def lanes(loaded: LoadedJourney) -> dict[str, str | None]:
    """The swimlane of each step: its team; for a step with no team (an end, usually),
    the one team every step leading to it belongs to, so a goodbye sits in the lane
    that says it; None when its callers are in several teams or none."""
    journey = loaded.journey
    callers: dict[str, set[str | None]] = {}
    for step in journey.nodes.values():
        for way in step.exits():
            callers.setdefault(way.route.to, set()).add(step.team)
    found: dict[str, str | None] = {}
    for step_id, step in journey.nodes.items():
        if step.team is not None:
            found[step_id] = step.team
            continue
        teams = callers.get(step_id, set())
        found[step_id] = next(iter(teams)) if len(teams) == 1 else None
    return found


def describe(
    loaded: LoadedJourney,
    audit: JourneyAudit,
    view: str = "full",
    rules: Collection[str] = (),
) -> Diagram:
    """The diagram of one journey in ``view``; ``rules`` (ids or names) narrows the
    findings shown (all when empty)."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; use one of {', '.join(VIEWS)}")
    findings = [f for f in audit.findings if not rules or f.rule in rules or f.name in rules]
    title = f"{audit.title} ({audit.journey})" if audit.title else audit.journey
    if view == "teams":
        nodes, edges, clusters = _teams(loaded, findings)
    else:
        nodes, edges, clusters = _steps(loaded, audit, findings, focus=view == "focus")
    return Diagram(
        name=audit.journey,
        title=title,
        subtitle=_figures(audit),
        view=view,
        nodes=tuple(nodes),
        edges=tuple(edges),
        clusters=tuple(clusters),
        legend=LEGEND if view != "teams" else (*LEGEND[:5], LEGEND[7]),
        callouts=tuple(sorted({b for n in nodes for b in n.badges}, key=lambda b: b.number)),
    )


def _steps(
    loaded: LoadedJourney,
    audit: JourneyAudit,
    findings: list[Finding],
    focus: bool,
) -> tuple[list[Node], list[Edge], list[Cluster]]:
    journey = loaded.journey
    jid = journey.journey
    touching: dict[str, list[Finding]] = {}
    badges: dict[str, list[Badge]] = {}
    route_marks: dict[tuple[str, str, str], list[Finding]] = {}
    for number, f in enumerate(findings, 1):  # numbered: the legend lists them
        badges.setdefault(f.node, []).append(_badge(jid, f, number))
        for name in dict.fromkeys((f.node, *f.nodes)):
            touching.setdefault(name, []).append(f)
        for r in f.routes:
            route_marks.setdefault((r.source, r.target, r.kind), []).append(f)

    shown: set[str] = set(journey.nodes)
    context: set[str] = set()
    if focus:
        involved = {n for f in findings for n in (f.node, *f.nodes, *f.path)}
        involved = {n for n in involved if n in journey.nodes}
        near: set[str] = set()
        for step_id, step in journey.nodes.items():
            for way in step.exits():
                target = way.route.to
                if step_id in touching and target in journey.nodes:
                    near.add(target)
                if target in touching:
                    near.add(step_id)
        context = near - involved
        shown = involved | context

    nodes: list[Node] = []
    stubs: dict[str, Node] = {}
    edges: list[Edge] = []
    entries = set(journey.entry)
    lane = lanes(loaded)
    for step_id, step in journey.nodes.items():
        if step_id not in shown:
            continue
        about = touching.get(step_id, [])
        tooltip = _tooltip(
            [step.say or step_id, *(f"{f.rule} {f.name}: {f.message}" for f in about)]
        )
        lines = (_short(step.say),) if step.say else ()
        nodes.append(
            Node(
                key=step_id,
                element_id=element_id("step", jid, step_id),
                title=step_id,
                kind=step.type,
                lines=lines,
                team=lane.get(step_id),
                outcome=getattr(step, "outcome", None),
                hurdles=audit.metrics.step_hurdles.get(step_id),
                severity=_worst(f.severity for f in about),
                badges=tuple(badges.get(step_id, ())),
                tooltip=tooltip,
                entry=step_id in entries,
                context=step_id in context,
            )
        )
        for order, way in enumerate(step.exits()):
            target = way.route.to
            if ":" in target:
                if focus and step_id not in touching:
                    continue
                if target not in stubs:
                    other, _, other_step = target.partition(":")
                    stubs[target] = Node(
                        key=target,
                        element_id=element_id("step", other, other_step),
                        title=target,
                        kind="other-journey",
                        lines=("another journey",),
                        tooltip=f"step `{other_step}` of journey `{other}`",
                    )
            elif target not in shown:
                continue
            marks = route_marks.get((step_id, target, way.kind), [])
            edges.append(
                Edge(
                    source=step_id,
                    target=target,
                    element_id=element_id("route", jid, step_id, str(order)),
                    kind=way.kind,
                    label=_edge_label(way.kind, way.key, way.route.label, way.route.share),
                    secondary=way.kind in RECOVERY_KINDS,
                    context=getattr(way.route, "context", None),
                    severity=_worst(f.severity for f in marks),
                    tooltip=_tooltip(f"{f.rule} {f.name}: {f.message}" for f in marks),
                )
            )
    nodes.extend(stubs.values())
    edges = _merge_parallel(edges)
    teams = {n.key: n.team for n in nodes}
    edges, connectors = _connectors(jid, edges, teams)
    nodes.extend(connectors)
    clusters = []
    for team_id, team in journey.teams.items():
        members = tuple(n.key for n in nodes if n.team == team_id)
        if members:
            clusters.append(Cluster(team_id, team.name or team_id, team.kind, members))
    return nodes, edges, clusters


HUB_IN_DEGREE = 2
"""A step that this many error or retry routes lead to is drawn as a connector at
each source ("→ general_queue") instead of with long crossing arrows."""


def _merge_parallel(edges: list[Edge]) -> list[Edge]:
    """One arrow for routes with the same ends, its labels joined ("1, 2")."""
    merged: dict[tuple[str, str, bool], list[Edge]] = {}
    for edge in edges:
        merged.setdefault((edge.source, edge.target, edge.secondary), []).append(edge)
    result = []
    for group in merged.values():
        first = group[0]
        if len(group) == 1:
            result.append(first)
            continue
        labels = [e.label for e in group if e.label]
        cold = any(e.context == "cold" for e in group)
        result.append(
            Edge(
                source=first.source,
                target=first.target,
                element_id=first.element_id,
                kind=first.kind,
                label=", ".join(dict.fromkeys(labels)),
                secondary=first.secondary,
                context="cold" if cold else first.context,
                severity=_worst(e.severity for e in group if e.severity is not None),
                tooltip=_tooltip(e.tooltip for e in group if e.tooltip),
                weight=len(group),
            )
        )
    return result


def _connectors(
    journey: str, edges: list[Edge], teams: dict[str, str | None]
) -> tuple[list[Edge], list[Node]]:
    incoming: dict[str, int] = {}
    for edge in edges:
        if edge.secondary and edge.source != edge.target:
            incoming[edge.target] = incoming.get(edge.target, 0) + 1
    hubs = {t for t, n in incoming.items() if n >= HUB_IN_DEGREE}
    kept: list[Edge] = []
    nodes: list[Node] = []
    for edge in edges:
        if not (edge.secondary and edge.target in hubs and edge.source != edge.target):
            kept.append(edge)
            continue
        key = f"{edge.source}→{edge.target}"
        nodes.append(
            Node(
                key=key,
                element_id=element_id("to", journey, edge.source, edge.target),
                title=f"→ {edge.target}",
                kind="connector",
                team=teams.get(edge.source),
                tooltip=f"{edge.label} leads to {edge.target}",
            )
        )
        kept.append(
            Edge(
                source=edge.source,
                target=key,
                element_id=edge.element_id,
                kind=edge.kind,
                label=edge.label,
                secondary=True,
                severity=edge.severity,
                tooltip=edge.tooltip,
            )
        )
    return kept, nodes


def _teams(
    loaded: LoadedJourney, findings: list[Finding]
) -> tuple[list[Node], list[Edge], list[Cluster]]:
    journey = loaded.journey
    jid = journey.journey
    no_team = "(no team)"

    def team_of(step_id: str) -> str:
        if ":" in step_id:
            return step_id.partition(":")[0] + " (other journey)"
        return journey.nodes[step_id].team or no_team

    def is_plain_end(step_id: str) -> bool:
        step = journey.nodes.get(step_id)
        return step is not None and step.type == "end" and step.team is None

    lane = lanes(loaded)
    steps_per_team: dict[str, int] = {}
    shared_ends = 0
    for step_id in journey.nodes:  # every step counted: an end in the lane that says it
        if is_plain_end(step_id) and lane.get(step_id) is None:
            shared_ends += 1
            continue
        key = lane.get(step_id) or team_of(step_id)
        steps_per_team[key] = steps_per_team.get(key, 0) + 1
    counts: dict[tuple[str, str], list[int]] = {}
    for step_id, step in journey.nodes.items():
        for way in step.exits():
            if is_plain_end(way.route.to):
                continue  # the end of the conversation is nobody's team
            source, target = team_of(step_id), team_of(way.route.to)
            if source == target:
                continue
            pair = counts.setdefault((source, target), [0, 0])
            pair[0] += 1
            if way.kind == "transfer" and getattr(way.route, "context", "cold") != "warm":
                pair[1] += 1
    if shared_ends:
        steps_per_team["(ends shared by teams)"] = shared_ends
    silo = [f for f in findings if f.name in SILO_RULES]
    per_team: dict[str, list[Finding]] = {}
    for f in silo:
        per_team.setdefault(team_of(f.node), []).append(f)
    nodes = []
    keys = list(steps_per_team)
    keys += [t for pair in counts for t in pair if t not in keys]
    for key in dict.fromkeys(keys):
        team = journey.teams.get(key)
        about = per_team.get(key, [])
        count = steps_per_team.get(key, 0)
        nodes.append(
            Node(
                key=key,
                element_id=element_id("team", jid, key),
                title=(team.name or key) if team else key,
                kind="team",
                lines=(f"{count} step{'s' if count != 1 else ''}",)
                + ((f"kind: {team.kind}",) if team and team.kind != "human" else ()),
                severity=_worst(f.severity for f in about),
                badges=tuple(_badge(jid, f, findings.index(f) + 1) for f in about),
                tooltip=_tooltip(f"{f.rule} {f.name}: {f.message}" for f in about) or key,
            )
        )
    edges = []
    for (source, target), (total, cold) in counts.items():
        label = f"{total} route{'s' if total != 1 else ''}"
        if cold:
            label += f" ({cold} cold)"
        edges.append(
            Edge(
                source=source,
                target=target,
                element_id=element_id("handoff", jid, source, target),
                kind="handoff",
                label=label,
                context="cold" if cold else None,
                weight=total,
                tooltip=f"{label} from {source} to {target}",
            )
        )
    return nodes, edges, []
