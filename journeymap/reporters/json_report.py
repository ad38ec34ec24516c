"""The JSON document: versioned, stable key order, byte-identical for the same input."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..findings import RESULT_VERSION, AuditResult, Finding, JourneyAudit, Severity
from ..rules import get_rule

if TYPE_CHECKING:
    from ..traffic.audit import TrafficAudit


def finding_data(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "name": f.name,
        "severity": f.severity.value,
        "message": f.message,
        "journey": f.journey,
        "node": f.node,
        "nodes": list(f.nodes),
        "path": list(f.path),
        "file": f.file,
        "line": f.line,
        "column": f.column,
        "routes": [
            {"from": r.source, "to": r.target, "kind": r.kind, "choice": r.choice} for r in f.routes
        ],
        "fingerprint": f.fingerprint,
        "source": f.source_ref,
    }


def journey_data(j: JourneyAudit) -> dict[str, Any]:
    m = j.metrics
    return {
        "journey": j.journey,
        "title": j.title,
        "file": j.file,
        "metrics": {
            "steps": m.steps,
            "routes": m.routes,
            "teams": m.teams,
            "menus": m.menus,
            "queues": m.queues,
            "agents": m.agents,
            "hurdles_to_person": m.hurdles_to_person,
            "path_to_person": list(m.path_to_person),
            "hurdles_to_resolution": m.hurdles_to_resolution,
            "path_to_resolution": list(m.path_to_resolution),
            "menus_before_person": m.menus_before_person,
            "max_handoffs_to_resolution": m.max_handoffs_to_resolution,
            "handoffs_unbounded": m.handoffs_unbounded,
            "friction_score": m.friction_score,
            "friction_points": m.friction_points,
            "step_hurdles": m.step_hurdles,
            "outcome_hurdles": {
                k: {"hurdles": v[0], "step": v[1]} for k, v in m.outcome_hurdles.items()
            },
            "team_routes": m.team_routes,
            "friction_parts": m.friction_parts,
        },
        "findings": [finding_data(f) for f in j.findings],
        "baselined": j.baselined,
        "silenced": [
            {
                "rule": s.finding.rule,
                "name": s.finding.name,
                "node": s.finding.node,
                "line": s.finding.line,
                "where": s.where,
                "reason": s.reason,
            }
            for s in j.silenced
        ],
    }


def rounded(value: Any, digits: int = 6) -> Any:
    """``value`` with every float rounded to ``digits`` significant digits, so figures
    worked out in floating point print the same on every machine.

    >>> rounded({"a": [0.1 + 0.2, 2, None, 123456789.0]})
    {'a': [0.3, 2, None, 123457000.0]}
    """
    if isinstance(value, float):
        return float(f"{value:.{digits}g}")
    if isinstance(value, dict):
        return {k: rounded(v, digits) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(v, digits) for v in value]
    return value


def document(result: AuditResult, effort: TrafficAudit | None = None) -> dict[str, Any]:
    """The JSON document of ``result`` as plain data; with ``effort``, its figures under
    ``effort``."""
    used = sorted({f.rule for f in result.findings})
    rules = {}
    for rule_id in used:
        rule = get_rule(rule_id)
        assert rule is not None
        rules[rule_id] = {
            "name": rule.name,
            "severity": rule.severity.value,
            "summary": rule.summary,
            "why": rule.why,
            "fix": rule.fix,
        }
    return {
        "version": RESULT_VERSION,
        "tool": {"name": "journeymap", "version": __version__},
        "summary": {
            "journeys": len(result.journeys),
            "findings": len(result.findings),
            "by_severity": {s.value: result.count(s) for s in Severity},
            "silenced": sum(len(j.silenced) for j in result.journeys),
            "baselined": sum(j.baselined for j in result.journeys),
            "problems": len(result.problems),
        },
        "journeys": [journey_data(j) for j in result.journeys],
        "problems": [p.to_json() for p in result.problems],
        "rules": rules,
    } | ({"effort": rounded(effort.to_json())} if effort is not None else {})


def format(result: AuditResult, effort: TrafficAudit | None = None) -> str:
    """The JSON document of ``result``, indented, ending in a newline."""
    return json.dumps(document(result, effort), indent=2, ensure_ascii=False) + "\n"
