"""One call for the CLI and the gallery: expected effort, and traffic when a log is given.

:func:`audit_traffic` builds the run's graph once, works out every journey's
expected effort from the shares in the files (:mod:`journeymap.traffic.expected`), and with a
contact log lays it on the design (:mod:`journeymap.traffic.logs`) and works the effort out
again with the observed shares. :meth:`TrafficAudit.customers_affected` counts the
contacts a fix would reach, for ranking recommendations when traffic is known.

>>> from journeymap.reading import load_text
>>> loaded, _ = load_text('''
... journey: demo
... entry: menu
... nodes:
...   menu: {type: menu, options: {"1": {to: bye, share: 0.75}, "0": {to: desk, share: 0.25}}}
...   desk: {type: agent, next: bye}
...   bye: {type: end}
... ''')
>>> found = audit_traffic([loaded])
>>> round(found.design["demo"].reach_person, 3), found.traffic is None
(0.245, True)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..analysis import Analysis
from ..config import Settings
from ..engine import analyse
from ..findings import AuditResult, Finding
from ..loader import LoadedJourney
from .expected import JourneyEffort, reach_any, run_effort
from .logs import WINDOW, JourneyTraffic, Traffic, read_traffic, with_observed_shares


@dataclass(frozen=True)
class TrafficAudit:
    """Expected effort per journey, from the design and (with a log) from traffic."""

    design: dict[str, JourneyEffort]
    """From the shares in the files (assumed where missing)."""
    traffic: Traffic | None = None
    """What the log shows (``None`` without a log)."""
    observed: dict[str, JourneyEffort] = field(default_factory=dict)
    """From the shares observed in the log, where contacts left a step (empty without a
    log)."""
    analysis: Analysis | None = field(default=None, repr=False, compare=False)
    """The analysis the figures rest on (observed shares when there is a log)."""
    customers: dict[str, float] = field(default_factory=dict)
    """Contacts of the log who reach a step of a rule's findings, by rule id (see
    :meth:`with_customers`; empty without a log)."""

    def seen(self, journey: str) -> JourneyTraffic | None:
        """The log's traffic of ``journey``; ``None`` without a log or when no contact of
        the log started in it."""
        found = self.traffic.journeys.get(journey) if self.traffic is not None else None
        return found if found is not None and found.contacts else None

    def effort(self, journey: str) -> JourneyEffort:
        """The figures to show for ``journey``: observed when there is a log."""
        return self.observed.get(journey) or self.design[journey]

    def customers_affected(self, findings: Iterable[Finding]) -> float:
        """Contacts of the log (customers per customer who starts, without a log) who
        reach one or more of the steps the ``findings`` sit at, summed over their
        journeys: what fixing them would touch."""
        if self.analysis is None:
            return 0.0
        by_journey: dict[str, set[str]] = {}
        for finding in findings:
            name = finding.node  # where the customers meet the problem, and the fix goes
            node = name if ":" in name else f"{finding.journey}:{name}"
            if node in self.analysis.graph:
                by_journey.setdefault(finding.journey, set()).add(node)
        total = 0.0
        for journey, nodes in by_journey.items():
            if journey not in self.analysis.journey_entries:
                continue
            weight = 1.0
            if self.traffic is not None:
                found = self.traffic.journeys.get(journey)
                weight = float(found.contacts) if found is not None else 0.0
            total += weight * reach_any(self.analysis, journey, nodes)
        return total

    def with_customers(self, result: AuditResult) -> TrafficAudit:
        """These figures with :attr:`customers` counted for the findings of ``result``
        (only when a log was given: without one there are no customers to count)."""
        if self.traffic is None:
            return self
        by_rule: dict[str, list[Finding]] = {}
        for finding in result.findings:
            by_rule.setdefault(finding.rule, []).append(finding)
        counted = {rule: self.customers_affected(hits) for rule, hits in sorted(by_rule.items())}
        return replace(self, customers=counted)

    def to_json(self) -> dict[str, Any]:
        return {
            "design": {k: v.to_json() for k, v in self.design.items()},
            "observed": {k: v.to_json() for k, v in self.observed.items()},
            "traffic": None if self.traffic is None else self.traffic.to_json(),
            "customers_by_rule": {k: round(v, 1) for k, v in self.customers.items()},
        }


def audit_traffic(
    journeys: Sequence[LoadedJourney],
    settings: Settings | None = None,
    log: str | os.PathLike[str] | None = None,
    fmt: str | None = None,
    window: int = WINDOW,
    analysis: Analysis | None = None,
) -> TrafficAudit:
    """Expected effort for ``journeys`` (one run, each journey's ``audit:`` block on top
    of ``settings``, as :func:`journeymap.engine.analyse` builds it; give ``analysis``
    when it is built already), and the traffic of ``log`` when given. Never raises on
    a bad log: see ``traffic.problems``."""
    if analysis is None:
        analysis = analyse(journeys, settings)
    graph = analysis.graph
    design = run_effort(analysis)
    if log is None:
        return TrafficAudit(design, analysis=analysis)
    traffic = read_traffic(log, graph, fmt, window)
    observed_graph, _ = with_observed_shares(graph, traffic)
    observed_analysis = Analysis(observed_graph, analysis.journey_settings)
    observed = {
        j: e
        for j, e in run_effort(observed_analysis, source="observed").items()
        if traffic.journeys.get(j) is not None and traffic.journeys[j].contacts
    }
    return TrafficAudit(design, traffic, observed, observed_analysis)
