"""SARIF 2.1.0 for code-scanning tools (GitHub code scanning and others).

One ``reportingDescriptor`` per rule with its docs; one result per finding with
the YAML file's line and column, the step as a logical location, the path that
shows it as a code flow, and a fingerprint that survives edits that only move
lines. Input problems (files that could not be loaded) are reported as
``toolExecutionNotifications``.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..findings import AuditResult, Finding, Severity
from ..rules import RULES


def _uri(path: str) -> str:
    """A file path as a relative URI reference: separators as ``/``, every character
    that is not allowed in a URI (spaces, ``#``, ``?``, ``%``, controls) percent-encoded."""
    return quote(path.replace("\\", "/"), safe="/-._~!$&'()*+,;=:@")


SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/journeymap/journeymap"
FINGERPRINT = "journeymapFinding/v1"

LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
SECURITY_SEVERITY = {  # GitHub sorts alerts by this (0-10)
    Severity.CRITICAL: "9.0",
    Severity.HIGH: "7.0",
    Severity.MEDIUM: "5.0",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}


def _rule(rule: Any) -> dict[str, Any]:
    markdown = (
        f"**What it finds.** {rule.what}\n\n**Why it matters.** {rule.why}\n\n"
        f"**Example.**\n\n```yaml\n{rule.example}\n```\n\n**How to fix it.** {rule.fix}"
    )
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.what},
        "help": {"text": f"{rule.why} {rule.fix}", "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "tags": [rule.family, "customer-journey"],
            "problem.severity": LEVELS[rule.severity],
            "security-severity": SECURITY_SEVERITY[rule.severity],
        },
    }


def _location(f: Finding, step: str, message: str | None = None) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(f.file)},
            "region": {"startLine": f.line, "startColumn": f.column},
        },
        "logicalLocations": [
            {"name": step, "fullyQualifiedName": f"{f.journey}:{step}", "kind": "member"}
        ],
    }
    if message:
        location["message"] = {"text": message}
    return location


def _result(f: Finding, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index[f.rule],
        "level": LEVELS[f.severity],
        "message": {"text": f.message},
        "locations": [_location(f, f.node)],
        "partialFingerprints": {FINGERPRINT: f.fingerprint},
        "properties": {
            "severity": f.severity.value,
            "journey": f.journey,
            "nodes": list(f.nodes),
            **({"vendorBlock": f.source_ref} if f.source_ref else {}),
        },
    }
    if f.path:
        result["codeFlows"] = [
            {
                "message": {"text": "a path from an entry that shows it"},
                "threadFlows": [
                    {
                        "locations": [
                            {
                                "location": {
                                    "message": {"text": step},
                                    "logicalLocations": [
                                        {"name": step, "fullyQualifiedName": f"{f.journey}:{step}"}
                                    ],
                                }
                            }
                            for step in f.path
                        ]
                    }
                ],
            }
        ]
    return result


def document(result: AuditResult) -> dict[str, Any]:
    """The SARIF log of ``result`` as plain data."""
    index = {rule.id: i for i, rule in enumerate(RULES)}
    notifications = [
        {
            "level": "error",
            "message": {"text": p.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(p.file)},
                        # a problem with the file as a whole (line 0) has no region
                        **(
                            {"region": {"startLine": p.line, "startColumn": p.column}}
                            if p.line > 0
                            else {}
                        ),
                    }
                }
            ],
            "descriptor": {"id": p.kind},
        }
        for p in result.problems
    ]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "journeymap",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(rule) for rule in RULES],
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": not result.problems,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": [_result(f, index) for f in result.findings],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def format(result: AuditResult) -> str:
    """The SARIF log of ``result``, indented, ending in a newline."""
    return json.dumps(document(result), indent=2, ensure_ascii=False) + "\n"
