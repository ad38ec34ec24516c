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
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from .analysis import Analysis, Hit
from .config import Settings
from .findings import AuditResult, Finding, JourneyAudit, Route, Silenced
from .graph import build_graph
from .loader import (
    LoadedJourney,
    LoadResult,
    Problem,
    suggest,
)
from .metrics import journey_metrics
from .reading import load_file, load_files, load_paths
from .rules import BY_KEY, RULES, Rule, get_rule
from .source import Limits, bulk


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
    if hit.path is not None:
        named = tuple(a.name(n, journey) for n in hit.path)
    else:  # the shortest path from an entry: the same for every finding at this step
        key = ("named-path", hit.node)
        named = a.memo.get(key)  # type: ignore[assignment]
        if named is None:
            named = a.memo[key] = tuple(a.name(n, journey) for n in a.path(hit.node))
    return Finding(
        rule=rule.id,
        name=rule.name,
        severity=rule.severity,
        message=hit.message,
        journey=journey,
        node=data["step"],
        nodes=tuple(a.name(n, journey) for n in (hit.nodes or (hit.node,))),
        path=named,
        file=data["file"],
        line=line,
        column=column,
        routes=tuple(
            Route(a.name(u, journey), a.name(v, journey), kind, choice)
            for u, v, kind, choice in hit.routes
        ),
        source_ref=a.step(hit.node).source,
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


def analyse(journeys: Sequence[LoadedJourney], settings: Settings | None = None) -> Analysis:
    """The graph of ``journeys`` as one run, and its analysis: what the rules
    (:func:`audit_journeys`) and the expected-effort figures
    (:func:`journeymap.traffic.audit.audit_traffic`) work on. Each journey gets
    ``settings`` with its own ``audit:`` block on top. Build it once to give to both."""
    base = settings or Settings()
    per_journey = {loaded.id: base.for_journey(loaded.journey.audit) for loaded in journeys}
    with bulk():
        return Analysis(build_graph(journeys), per_journey)


def audit_journeys(
    journeys: Sequence[LoadedJourney],
    settings: Settings | None = None,
    rules: Sequence[Rule] | None = None,
    analysis: Analysis | None = None,
) -> AuditResult:
    """Audit already-loaded journeys as one run.

    ``settings`` are the run's settings (each journey's ``audit:`` block goes on
    top); ``rules`` default to those ``settings.select``/``settings.ignore`` keep;
    ``analysis`` is :func:`analyse` of the same journeys and settings, when the caller
    has built it already.
    """
    base = settings or Settings()
    if rules is None:
        rules = select_rules(base.select, [k for k in base.ignore if get_rule(k)])
    with bulk():
        if analysis is None:
            analysis = analyse(journeys, base)
        return _audit(journeys, rules, analysis, _ignore_problems(journeys))


def _audit(
    journeys: Sequence[LoadedJourney],
    rules: Sequence[Rule],
    analysis: Analysis,
    problems: list[Problem],
) -> AuditResult:
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
                step_words={sid: step.say or "" for sid, step in loaded.journey.nodes.items()},
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


def audit_loaded(
    loaded: LoadResult, settings: Settings | None = None, analysis: Analysis | None = None
) -> AuditResult:
    """Audit what :func:`~journeymap.reading.load_paths` loaded, keeping its problems
    (``analysis``: see :func:`audit_journeys`)."""
    result = audit_journeys(loaded.journeys, settings, analysis=analysis)
    return AuditResult(result.journeys, tuple(sorted((*loaded.problems, *result.problems))))


PARALLEL_MIN_FILES = 16
"""Batches of at least this many files are audited by a pool of processes."""


@dataclass(frozen=True)
class _FileOutcome:
    """What a worker learned about one file, audited on its own."""

    file: str
    journey: str | None
    links: frozenset[str]
    """Journey ids this journey's targets name (``JOURNEY:STEP``)."""
    problems: tuple[Problem, ...]
    audit: JourneyAudit | None


def _audit_one(job: tuple[str, Settings, Limits | None]) -> _FileOutcome:
    name, settings, limits = job
    loaded, problems = load_file(name, limits)
    if loaded is None:
        return _FileOutcome(name, None, frozenset(), tuple(problems), None)
    links = frozenset(ref.journey for ref in loaded.cross_references)
    if links:  # audited again with the journeys it links to
        return _FileOutcome(name, loaded.id, links, (), None)
    result = audit_journeys([loaded], settings)
    return _FileOutcome(name, loaded.id, links, result.problems, result.journeys[0])


def _die_with_parent() -> None:  # pragma: no cover - runs in the worker processes
    """Ask Linux to stop this worker when the process that started it dies, even by
    SIGKILL (elsewhere the parent's own clean-up stops the workers)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def audit_files_parallel(
    files: Sequence[str],
    settings: Settings | None = None,
    limits: Limits | None = None,
    workers: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> AuditResult:
    """Audit many files with ``workers`` processes; the same result as one run.

    Each worker loads and audits a file on its own. Journeys linked to others
    by ``JOURNEY:STEP`` targets (either way), and files whose journey id is not
    unique, are then loaded and audited together in this process, so links,
    duplicate ids and cross-journey reachability come out exactly as in
    :func:`audit`.
    """
    settings = settings or Settings()
    jobs = [(name, settings, limits) for name in files]
    outcomes: list[_FileOutcome] = []
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_die_with_parent)
    try:
        chunk = max(1, len(jobs) // (workers * 8))
        for done, outcome in enumerate(pool.map(_audit_one, jobs, chunksize=chunk), 1):
            outcomes.append(outcome)
            if progress is not None:
                progress(done, len(files))
    except BaseException:  # stopped (a signal, Ctrl-C): the workers stop too, now
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    counts: dict[str, int] = {}
    for outcome in outcomes:
        if outcome.journey is not None:
            counts[outcome.journey] = counts.get(outcome.journey, 0) + 1
    linked = {j for o in outcomes for j in o.links} | {o.journey for o in outcomes if o.links}
    joint = [
        o.file
        for o in outcomes
        if o.journey is not None and (o.journey in linked or counts[o.journey] > 1)
    ]
    together = audit_loaded(load_files(joint, limits=limits), settings) if joint else None
    by_file = {j.file: j for j in together.journeys} if together else {}
    journeys: list[JourneyAudit] = []
    problems: list[Problem] = list(together.problems) if together else []
    in_joint = set(joint)
    for outcome in outcomes:
        problems.extend(outcome.problems)
        if outcome.file in in_joint:
            if outcome.file in by_file:  # a duplicate id is left out, as in one run
                journeys.append(by_file[outcome.file])
        elif outcome.audit is not None:
            journeys.append(outcome.audit)
    return AuditResult(tuple(journeys), tuple(sorted(set(problems))))
