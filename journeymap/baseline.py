"""Baselines: accept today's findings, fail only on new ones.

A baseline is a JSON file of finding fingerprints (rule, journey, step and
the steps involved: no line numbers, so edits that only move lines keep a
finding accepted). ``journeymap audit --write-baseline FILE`` records one;
``--baseline FILE`` leaves the recorded findings out of the report and the
exit code, and counts them.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from .findings import AuditResult
from .loader import Problem

BASELINE_VERSION = 1


def baseline_text(result: AuditResult) -> str:
    """The baseline file recording every finding of ``result``."""
    entries = {
        f.fingerprint: {"rule": f.rule, "name": f.name, "journey": f.journey, "node": f.node}
        for f in result.findings
    }
    doc = {"version": BASELINE_VERSION, "findings": dict(sorted(entries.items()))}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def load_baseline(path: Path) -> tuple[set[str] | None, list[Problem]]:
    """The fingerprints recorded in a baseline file."""
    name = str(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return None, [Problem(name, 1, 1, f"cannot read the baseline: {exc.strerror}", "baseline")]
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line, column = getattr(exc, "lineno", 1), getattr(exc, "colno", 1)
        return None, [Problem(name, line, column, f"the baseline is not JSON: {exc}", "baseline")]
    if not (
        isinstance(doc, dict)
        and doc.get("version") == BASELINE_VERSION
        and isinstance(doc.get("findings"), dict)
    ):
        return None, [
            Problem(
                name,
                1,
                1,
                'not a journeymap baseline (expected {"version": 1, "findings": {...}}); '
                "write one with --write-baseline",
                "baseline",
            )
        ]
    return set(doc["findings"]), []


def apply_baseline(result: AuditResult, accepted: set[str]) -> AuditResult:
    """``result`` without the findings in ``accepted``, each journey counting them."""
    journeys = []
    for audit in result.journeys:
        kept = tuple(f for f in audit.findings if f.fingerprint not in accepted)
        journeys.append(replace(audit, findings=kept, baselined=len(audit.findings) - len(kept)))
    return replace(result, journeys=tuple(journeys))
