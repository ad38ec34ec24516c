"""The reports of ``journeymap diff``: text, JSON, Markdown and SARIF (they never
analyse: everything comes from a :class:`~journeymap.diff.DiffResult`)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from ..diff import DiffResult, FigureChange, JourneyDiff
from ..findings import AuditResult, Finding
from ..visible import visible
from . import sarif
from .common import plural
from .markdown import _cell, _code

DIFF_VERSION = 1

_FINDING = {
    "type": "object",
    "required": ["rule", "name", "severity", "message", "journey", "node", "file", "line",
                 "column", "fingerprint"],
    "properties": {
        "rule": {"type": "string"}, "name": {"type": "string"},
        "severity": {"enum": ["critical", "high", "medium", "low", "info"]},
        "message": {"type": "string"}, "journey": {"type": "string"},
        "node": {"type": "string"}, "file": {"type": "string"},
        "line": {"type": "integer"}, "column": {"type": "integer"},
        "source": {"type": ["string", "null"]}, "fingerprint": {"type": "string"},
    },
    "additionalProperties": False,
}  # fmt: skip
_VALUE = {"type": ["number", "string", "boolean", "null"]}
DIFF_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "journeymap diff report",
    "type": "object",
    "required": ["version", "tool", "summary", "journeys", "problems"],
    "properties": {
        "version": {"const": 1},
        "tool": {"type": "object"},
        "summary": {
            "type": "object",
            "required": ["journeys", "changed", "introduced", "fixed", "worse", "better",
                         "problems"],
            "additionalProperties": {"type": "integer"},
        },
        "journeys": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["journey", "status", "introduced", "fixed", "unchanged",
                             "figures", "steps", "paths", "renames"],
                "properties": {
                    "journey": {"type": "string"},
                    "title": {"type": ["string", "null"]},
                    "status": {"enum": ["changed", "unchanged", "added", "removed"]},
                    "old_file": {"type": ["string", "null"]},
                    "new_file": {"type": ["string", "null"]},
                    "introduced": {"type": "array", "items": _FINDING},
                    "fixed": {"type": "array", "items": _FINDING},
                    "unchanged": {"type": "integer", "minimum": 0},
                    "figures": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name", "label", "old", "new", "change"],
                            "properties": {
                                "name": {"enum": ["person", "hurdles", "resolution", "menus",
                                                  "handoffs", "friction"]},
                                "label": {"type": "string"}, "old": _VALUE, "new": _VALUE,
                                "change": {"enum": ["worse", "better", None]},
                            },
                        },
                    },
                    "steps": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["change", "step", "detail"],
                            "properties": {
                                "change": {"enum": ["added", "removed", "renamed", "retyped",
                                                    "route-added", "route-removed",
                                                    "route-repointed"]},
                                "step": {"type": "string"},
                                "old_step": {"type": ["string", "null"]},
                                "detail": {"type": "string"},
                            },
                        },
                    },
                    "paths": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["to", "old", "new"],
                            "properties": {
                                "to": {"enum": ["person", "resolution"]},
                                "old": {"type": "array", "items": {"type": "string"}},
                                "new": {"type": "array", "items": {"type": "string"}},
                            },
                        },
                    },
                    "renames": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            },
        },
        "problems": {"type": "array"},
    },
}  # fmt: skip
"""The JSON Schema of :func:`format_json`'s document (``journeymap schema --diff``)."""

STEP_WORDS = {
    "added": "added",
    "removed": "removed",
    "renamed": "renamed",
    "retyped": "retyped",
    "route-added": "route added",
    "route-removed": "route removed",
    "route-repointed": "route re-pointed",
}


def _value(value: float | str | bool | None) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _figure(change: FigureChange) -> str:
    verdict = "worse" if change.worse else "better"
    return f"{change.label}: {_value(change.old)} → {_value(change.new)} ({verdict})"


def _summary(result: DiffResult) -> str:
    changed = [j for j in result.journeys if j.status != "unchanged"]
    worse = sum(len(j.worse) for j in result.journeys)
    better = sum(len(j.better) for j in result.journeys)
    return (
        f"{plural(len(result.journeys), 'journey')} compared, {len(changed)} changed: "
        f"{plural(len(result.introduced), 'finding')} introduced, {len(result.fixed)} fixed; "
        f"{plural(worse, 'figure')} worse, {better} better"
    )


def _finding_line(f: Finding) -> str:
    return f"{f.file}:{f.line}:{f.column}: {f.severity.value:<8} {f.rule} {f.name}: {f.message}"


def format_text(result: DiffResult) -> str:
    """The terminal report: per journey, what got worse first, then what got better."""
    lines: list[str] = [visible(str(p)) for p in result.problems]
    if result.problems:
        lines.append("")
    for j in result.journeys:
        if j.status == "unchanged":
            continue
        title = f"{j.title} ({j.journey})" if j.title else j.journey
        lines.append(visible(f"{j.new_file or j.old_file} — {title}: {j.status}"))
        for change in j.worse:
            lines.append(visible(f"  worse:      {_figure(change)}"))
        for f in j.introduced:
            lines.append(visible(f"  introduced: {_finding_line(f)}"))
        for change in j.better:
            lines.append(visible(f"  better:     {_figure(change)}"))
        for f in j.fixed:
            lines.append(
                visible(f"  fixed:      {f.severity.value} {f.rule} {f.name} at `{f.node}`")
            )
        for step in j.steps:
            lines.append(
                visible(f"  {STEP_WORDS[step.kind] + ':':<17} `{step.step}` {step.detail}")
            )
        for path in j.paths:
            lines.append(
                visible(
                    f"  easiest way to a {path.to}: {' → '.join(path.old) or 'none'}\n"
                    f"                          now {' → '.join(path.new) or 'none'}"
                )
            )
        if j.unchanged:
            lines.append(f"  {plural(len(j.unchanged), 'finding')} unchanged")
        lines.append("")
    lines.append(_summary(result))
    return "\n".join(lines) + "\n"


def _finding_json(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "name": f.name,
        "severity": f.severity.value,
        "message": f.message,
        "journey": f.journey,
        "node": f.node,
        "file": f.file,
        "line": f.line,
        "column": f.column,
        "source": f.source_ref,
        "fingerprint": f.fingerprint,
    }


def _journey_json(j: JourneyDiff) -> dict[str, Any]:
    return {
        "journey": j.journey,
        "title": j.title,
        "status": j.status,
        "old_file": j.old_file,
        "new_file": j.new_file,
        "introduced": [_finding_json(f) for f in j.introduced],
        "fixed": [_finding_json(f) for f in j.fixed],
        "unchanged": len(j.unchanged),
        "figures": [
            {
                "name": c.name,
                "label": c.label,
                "old": c.old,
                "new": c.new,
                "change": None if c.worse is None else ("worse" if c.worse else "better"),
            }
            for c in j.figures
        ],
        "steps": [
            {"change": s.kind, "step": s.step, "old_step": s.old_step, "detail": s.detail}
            for s in j.steps
        ],
        "paths": [{"to": p.to, "old": list(p.old), "new": list(p.new)} for p in j.paths],
        "renames": dict(sorted(j.renames.items())),
    }


def format_json(result: DiffResult) -> str:
    """The versioned JSON document (its schema: ``journeymap schema --diff``)."""
    from .. import __version__

    document = {
        "version": DIFF_VERSION,
        "tool": {"name": "journeymap", "version": __version__},
        "summary": {
            "journeys": len(result.journeys),
            "changed": sum(1 for j in result.journeys if j.status != "unchanged"),
            "introduced": len(result.introduced),
            "fixed": len(result.fixed),
            "worse": sum(len(j.worse) for j in result.journeys),
            "better": sum(len(j.better) for j in result.journeys),
            "problems": len(result.problems),
        },
        "journeys": [_journey_json(j) for j in result.journeys],
        "problems": [p.to_json() for p in result.problems],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False, default=str) + "\n"


def _ticks(text: str) -> str:
    """Our own `quoted` names as code spans, everything else as inert prose."""
    parts = re.split(r"`([^`\n]*)`", text)
    return "".join(_code(p) if i % 2 else _cell(p) for i, p in enumerate(parts))


def format_markdown(result: DiffResult, limit: int = 60_000) -> str:
    """A pull-request comment: what got worse first, then what got better, then the
    structure (folded); cut to ``limit`` characters (code hosts cap a comment)."""
    lines = ["# journeymap diff", "", _cell(_summary(result)) + ".", ""]
    if result.problems:
        lines += ["**Files that could not be read:**", ""]
        lines += [
            f"- {_code(f'{p.file}:{p.line}:{p.column}')} {_cell(p.message)}"
            for p in result.problems
        ]
        lines.append("")
    for j in result.journeys:
        if j.status == "unchanged":
            continue
        title = f"{_cell(j.title)} ({_code(j.journey)})" if j.title else _code(j.journey)
        lines += [f"## {title}: {j.status}", ""]
        if j.worse or j.introduced:
            lines += ["**Worse**", ""]
            lines += [f"- 🔺 {_cell(_figure(c))}" for c in j.worse]
            lines += [
                f"- 🔺 {f.severity.value} **{f.rule} `{f.name}`** at {_code(f.node)}: "
                f"{_ticks(f.message)}"
                for f in j.introduced
            ]
            lines.append("")
        if j.better or j.fixed:
            lines += ["**Better**", ""]
            lines += [f"- ✅ {_cell(_figure(c))}" for c in j.better]
            lines += [
                f"- ✅ fixed: {f.severity.value} {f.rule} `{f.name}` at {_code(f.node)}"
                for f in j.fixed
            ]
            lines.append("")
        if j.steps or j.paths:
            lines += ["<details><summary>What changed in the journey</summary>", ""]
            lines += [
                f"- {STEP_WORDS[s.kind]}: {_code(s.step)} {_ticks(s.detail)}" for s in j.steps
            ]
            for p in j.paths:
                old = " → ".join(map(_code, p.old)) or "none"
                new = " → ".join(map(_code, p.new)) or "none"
                lines.append(f"- easiest way to a {p.to}: {old}; now {new}")
            lines += ["", "</details>", ""]
    text = "\n".join(lines).rstrip() + "\n"
    if len(text) > limit:
        cut = text[:limit].rsplit("\n", 1)[0]
        text = cut + "\n\n… (cut to fit a comment: run `journeymap diff` for the rest)\n"
    return text


def format_sarif(result: DiffResult) -> str:
    """SARIF of the introduced findings only (for code scanning on a pull request)."""
    audits = []
    for journey in result.new.journeys if result.new else ():
        diff = next((j for j in result.journeys if j.journey == journey.journey), None)
        introduced = diff.introduced if diff else ()
        audits.append(replace(journey, findings=introduced, silenced=()))
    return sarif.format(AuditResult(tuple(audits), result.problems))
