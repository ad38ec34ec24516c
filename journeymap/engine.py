"""Run the rules over loaded journeys and collect located findings.

This is the library's front door::

    >>> import journeymap
    >>> result = journeymap.audit(["journeys/"])   # doctest: +SKIP
    >>> [f.name for f in result.findings]      # doctest: +SKIP

The analysis is one pass of each rule over the graph of the whole run, so
cross-journey routes are followed; each finding belongs to the journey of the
step it is about.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from .analysis import Analysis, Hit
from .config import Settings
from .findings import AuditResult, Finding, JourneyAudit, Route, Silenced
from .graph import build_graph
from .loader import LoadedJourney, LoadResult, Problem, load_paths, suggest
from .metrics import journey_metrics
from .rules import BY_KEY, RULES, Rule, get_rule
from .source import Limits


def select_rules(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> tuple[Rule, ...]:
    """The rules to run: ``select`` (all when empty) minus ``ignore``; ids or names.

    Raises ``KeyError`` naming the first unknown rule.
    """
    chosen = list(RULES)
    selected = list(select)
    if selected:
        keys = {_rule(k).id for k in selected}
        chosen = [r for r in chosen if r.id in keys]
    dropped = {_rule(k).id for k in ignore}
    return tuple(r for r in chosen if r.id not in dropped)


def _rule(key: str) -> Rule:
    rule = get_rule(key)
    if rule is None:
        raise KeyError(f"unknown rule `{key}`{suggest(key, BY_KEY)}")
    return rule


def _ignore_problems(journeys: Sequence[LoadedJourney]) -> list[Problem]:
    """Unknown rule names in ``ignore`` lists (a typo would silently ignore nothing)."""
    problems = []
    for loaded in journeys:
        places: list[tuple[tuple[str | int, ...], dict[str, str]]] = [
            (("audit", "ignore"), loaded.journey.audit.ignore)
        ]
        places += [(("nodes", sid, "ignore"), s.ignore) for sid, s in loaded.journey.nodes.items()]
        for path, ignored in places:
            for key in ignored:
                if get_rule(key) is None:
                    line, column = loaded.source.key((*path, key))
                    problems.append(
                        Problem(
                            loaded.file,
                            line,
                            column,
                            f"`ignore` names no rule `{key}`{suggest(key, BY_KEY)}; "
                            "see `journeymap rules`",
                            "unknown-rule",
                        )
                    )
    return problems


def _finding(a: Analysis, rule: Rule, hit: Hit) -> Finding:
    data = a.data(hit.node)
    journey = data["journey"]
    loaded = a.graph.graph["journeys"][journey]
    if hit.at is not None:
        line, column = loaded.source.key(hit.at)
    else:
        line, column = data["line"], data["column"]
    path = hit.path if hit.path is not None else a.path(hit.node)
    return Finding(
        rule=rule.id,
        name=rule.name,
        severity=rule.severity,
        message=hit.message,
        journey=journey,
        node=data["step"],
        nodes=tuple(a.name(n, journey) for n in (hit.nodes or (hit.node,))),
        path=tuple(a.name(n, journey) for n in path),
        file=data["file"],
        line=line,
        column=column,
        routes=tuple(
            Route(a.name(u, journey), a.name(v, journey), kind, choice)
            for u, v, kind, choice in hit.routes
        ),
    )


def _silenced(a: Analysis, hit: Hit, finding: Finding) -> Silenced | None:
    keys = (finding.rule, finding.name)
    step_ignore = a.step(hit.node).ignore
    for key in step_ignore:
        rule = get_rule(key)
        if rule is not None and (rule.id in keys):
            return Silenced(finding, step_ignore[key], "step")
    journey_ignore = a.settings(hit.node).ignore
    for key in journey_ignore:
        rule = get_rule(key)
        if rule is not None and rule.id in keys:
            return Silenced(finding, journey_ignore[key], "journey")
    return None


def audit_journeys(
    journeys: Sequence[LoadedJourney],
    settings: Settings | None = None,
    rules: Sequence[Rule] | None = None,
) -> AuditResult:
    """Audit already-loaded journeys as one run.

    ``settings`` are the run's settings (each journey's ``audit:`` block goes on
    top); ``rules`` default to those ``settings.select``/``settings.ignore`` keep.
    """
    base = settings or Settings()
    problems = _ignore_problems(journeys)
    per_journey: dict[str, Settings] = {}
    for loaded in journeys:
        per_journey[loaded.id] = base.for_journey(loaded.journey.audit)
    if rules is None:
        rules = select_rules(base.select, [k for k in base.ignore if get_rule(k)])
    graph = build_graph(journeys)
    analysis = Analysis(graph, per_journey)
    found: dict[str, list[Finding]] = {j.id: [] for j in journeys}
    silenced: dict[str, list[Silenced]] = {j.id: [] for j in journeys}
    for rule in rules:
        for hit in rule.check(analysis):
            finding = _finding(analysis, rule, hit)
            quiet = _silenced(analysis, hit, finding)
            if quiet is not None:
                silenced[finding.journey].append(quiet)
            else:
                found[finding.journey].append(finding)
    audits = []
    for loaded in journeys:
        findings = sorted(found[loaded.id], key=Finding.sort_key)
        audits.append(
            JourneyAudit(
                journey=loaded.id,
                title=loaded.journey.title,
                file=loaded.file,
                metrics=journey_metrics(analysis, loaded.id, findings),
                findings=tuple(findings),
                silenced=tuple(sorted(silenced[loaded.id], key=lambda s: s.finding.sort_key())),
            )
        )
    return AuditResult(tuple(audits), tuple(problems))


def audit(
    paths: Sequence[str | os.PathLike[str]],
    settings: Settings | None = None,
    limits: Limits | None = None,
) -> AuditResult:
    """Load every journey under ``paths`` and audit them as one run.

    Files that cannot be loaded are left out and reported in ``problems``.
    """
    return audit_loaded(load_paths(paths, limits), settings)


def audit_loaded(loaded: LoadResult, settings: Settings | None = None) -> AuditResult:
    """Audit what :func:`~journeymap.loader.load_paths` loaded, keeping its problems."""
    result = audit_journeys(loaded.journeys, settings)
    return AuditResult(result.journeys, tuple(sorted((*loaded.problems, *result.problems))))
