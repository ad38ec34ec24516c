"""GitLab Code Quality report (the ``codequality`` artifact of a CI job).

A JSON array with one issue per finding: ``description``, ``check_name`` (the
rule), ``fingerprint`` (the same line-independent fingerprint baselines use, so
GitLab can tell new issues from old ones), ``severity`` and ``location``
(``path`` and ``lines.begin``). Problems in the input are issues too
(``check_name`` ``journeymap/<kind>``, severity ``blocker``).

Severities map one to one: critical → ``blocker``, high → ``critical``, medium →
``major``, low → ``minor``, info → ``info``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..findings import AuditResult, Severity

SEVERITIES = {
    Severity.CRITICAL: "blocker",
    Severity.HIGH: "critical",
    Severity.MEDIUM: "major",
    Severity.LOW: "minor",
    Severity.INFO: "info",
}


def format(result: AuditResult) -> str:
    """The Code Quality report of ``result`` (JSON text)."""
    issues: list[dict[str, Any]] = []
    for p in result.problems:
        key = "\x1f".join((p.file, p.kind, p.message))
        issues.append(
            {
                "type": "issue",
                "description": p.message,
                "check_name": f"journeymap/{p.kind}",
                "fingerprint": hashlib.sha256(key.encode("utf-8")).hexdigest()[:32],
                "severity": "blocker",
                "location": {"path": p.file, "lines": {"begin": max(p.line, 1)}},
            }
        )
    for audit in result.journeys:
        for f in audit.findings:
            issues.append(
                {
                    "type": "issue",
                    "description": f"{f.rule} {f.name}: {f.message} (step `{f.node}`)",
                    "check_name": f.name,
                    "categories": ["Customer journey"],
                    "fingerprint": f.fingerprint,
                    "severity": SEVERITIES[f.severity],
                    "location": {"path": f.file, "lines": {"begin": f.line}},
                }
            )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
