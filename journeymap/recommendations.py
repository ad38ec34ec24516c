"""What to fix first: the findings of a run grouped into recommendations, one per rule.

A recommendation is "apply this rule's fix wherever it was found". It is ranked by the
friction it removes (the finding points of :mod:`journeymap.metrics`: critical 25, high
10, medium 4, low 1), then by how many journeys (so how many customers) it concerns,
then by how many findings it clears. Pure: it reads an
:class:`~journeymap.findings.AuditResult` and nothing else, so reports only show it.

>>> from journeymap.findings import AuditResult
>>> recommendations(AuditResult(()))
()
"""

from __future__ import annotations

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


def total_points(result: AuditResult) -> int:
    """The friction points of the whole run (the sum over its journeys)."""
    return sum(j.metrics.friction_points for j in result.journeys)


def recommendations(result: AuditResult) -> tuple[Recommendation, ...]:
    """One recommendation per rule with findings, the most friction removed first."""
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
            )
        )
    found.sort(key=lambda r: (-r.points, -len(r.journeys), -r.findings, r.severity.rank, r.rule))
    return tuple(found)
