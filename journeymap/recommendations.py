"""What to fix first: the findings of a run grouped into recommendations, one per rule.

A recommendation is "apply this rule's fix wherever it was found". When a contact log
is known it is ranked first by the customers it touches (counted beforehand by
:mod:`journeymap.traffic.audit`). Then by the friction it removes (the finding points
of :mod:`journeymap.metrics`: critical 25, high 10, medium 4, low 1), then by how many
journeys (so how many customers) it concerns, then by how many findings it clears.
Pure: it reads an :class:`~journeymap.findings.AuditResult` (and those counts) and
nothing else, so reports only show it.

>>> from journeymap.findings import AuditResult
>>> recommendations(AuditResult(()))
()
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .findings import AuditResult, Severity
from .metrics import SEVERITY_POINTS
from .rules import get_rule


@dataclass(frozen=True)
class Recommendation:
    """Fix every finding of one rule."""

    rule: str
    """The rule's id (``JM101``)."""
    name: str
    severity: Severity
    findings: int
    """How many findings the fix clears."""
    journeys: tuple[str, ...]
    """The journeys concerned, worst (most friction points) first."""
    points: int
    """Friction points removed: the sum of the points of the findings cleared."""
    family: str
    """The rule's theme: loops, dead ends, hurdles, silos or wiring."""
    customers: float | None = None
    """Contacts of a traffic log who reach a step of its findings (``None``: no log)."""


def total_points(result: AuditResult) -> int:
    """The friction points of the whole run (the sum over its journeys)."""
    return sum(j.metrics.friction_points for j in result.journeys)


def recommendations(
    result: AuditResult, customers: Mapping[str, float] | None = None
) -> tuple[Recommendation, ...]:
    """One recommendation per rule with findings, the most friction removed first; with
    ``customers`` (contacts a rule's findings reach, by rule id, from a traffic log: see
    :meth:`journeymap.traffic.audit.TrafficAudit.with_customers`) the most customers
    affected first, then the most friction."""
    weight = {j.journey: j.metrics.friction_points for j in result.journeys}
    by_rule: dict[str, list[tuple[str, int]]] = {}
    severities: dict[str, tuple[str, Severity]] = {}
    for finding in result.findings:
        by_rule.setdefault(finding.rule, []).append(
            (finding.journey, SEVERITY_POINTS[finding.severity])
        )
        severities[finding.rule] = (finding.name, finding.severity)
    found = []
    for rule_id, hits in by_rule.items():
        journeys = sorted({j for j, _ in hits}, key=lambda j: (-weight.get(j, 0), j))
        rule = get_rule(rule_id)
        name, severity = severities[rule_id]
        found.append(
            Recommendation(
                rule=rule_id,
                name=name,
                severity=severity,
                findings=len(hits),
                journeys=tuple(journeys),
                points=sum(p for _, p in hits),
                family=rule.family if rule is not None else "other",
                customers=None if customers is None else customers.get(rule_id, 0.0),
            )
        )
    found.sort(
        key=lambda r: (
            -round(r.customers or 0.0, 6),
            -r.points,
            -len(r.journeys),
            -r.findings,
            r.severity.rank,
            r.rule,
        )
    )
    return tuple(found)
