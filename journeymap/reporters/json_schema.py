"""The JSON Schema of the audit document (``journeymap audit --format json``).

Published as ``journeymap schema --report``; a copy is committed in
``audits/report.schema.json`` and the tests validate every JSON report
against it.
"""

from __future__ import annotations

from typing import Any

from ..findings import RESULT_VERSION, Severity
from .effort_schema import TRAFFIC_AUDIT

_STR = {"type": "string"}
_INT = {"type": "integer"}
_NUM = {"type": "number"}
_STRS = {"type": "array", "items": _STR}
_NULLABLE_NUM = {"type": ["number", "null"]}


def _object(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [k for k in properties if k not in optional],
        "properties": properties,
    }


FINDING = _object(
    {
        "rule": {"type": "string", "pattern": "^JM[0-9]{3}$"},
        "name": _STR,
        "severity": {"enum": [s.value for s in Severity]},
        "message": _STR,
        "journey": _STR,
        "node": _STR,
        "nodes": _STRS,
        "path": {
            **_STRS,
            "description": "The steps that show the finding: a shortest way (fewest steps) "
            "from an entry to `node`, breadth-first, so its length is the step's depth and not "
            "the number of paths through the journey; a step of another journey is "
            "`JOURNEY:STEP`. Empty when no entry reaches the step.",
        },
        "file": _STR,
        "line": {"type": "integer", "minimum": 1},
        "column": {"type": "integer", "minimum": 1},
        "routes": {
            "type": "array",
            "items": _object(
                {"from": _STR, "to": _STR, "kind": _STR, "choice": {"type": ["string", "null"]}}
            ),
        },
        "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{16}$"},
        "source": {"type": ["string", "null"], "description": "the vendor block, if imported"},
    }
)

METRICS = _object(
    {
        "steps": _INT,
        "routes": _INT,
        "teams": _INT,
        "menus": _INT,
        "queues": _INT,
        "agents": _INT,
        "hurdles_to_person": _NULLABLE_NUM,
        "path_to_person": _STRS,
        "hurdles_to_resolution": _NULLABLE_NUM,
        "path_to_resolution": _STRS,
        "menus_before_person": {"type": ["integer", "null"]},
        "max_handoffs_to_resolution": {"type": ["integer", "null"]},
        "handoffs_unbounded": {"type": "boolean"},
        "friction_score": {"type": "integer", "minimum": 0, "maximum": 100},
        "friction_points": {"type": "integer", "minimum": 0},
        "step_hurdles": {"type": "object", "additionalProperties": _NUM},
        "outcome_hurdles": {
            "type": "object",
            "additionalProperties": _object({"hurdles": _NUM, "step": _STR}),
        },
        "team_routes": {
            "type": "object",
            "additionalProperties": {"type": "object", "additionalProperties": _INT},
        },
        "friction_parts": {"type": "object", "additionalProperties": _INT},
    }
)

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "journeymap audit report",
    "description": "The document `journeymap audit --format json` writes.",
    **_object(
        {
            "version": {"const": RESULT_VERSION},
            "tool": _object({"name": {"const": "journeymap"}, "version": _STR}),
            "summary": _object(
                {
                    "journeys": _INT,
                    "findings": _INT,
                    "by_severity": _object({s.value: _INT for s in Severity}),
                    "silenced": _INT,
                    "baselined": _INT,
                    "problems": _INT,
                }
            ),
            "journeys": {
                "type": "array",
                "items": _object(
                    {
                        "journey": _STR,
                        "title": {"type": ["string", "null"]},
                        "file": _STR,
                        "metrics": METRICS,
                        "findings": {"type": "array", "items": FINDING},
                        "baselined": _INT,
                        "silenced": {
                            "type": "array",
                            "items": _object(
                                {
                                    "rule": _STR,
                                    "name": _STR,
                                    "node": _STR,
                                    "line": _INT,
                                    "where": {"enum": ["step", "journey"]},
                                    "reason": _STR,
                                }
                            ),
                        },
                    }
                ),
            },
            "problems": {
                "type": "array",
                "items": _object(
                    {"file": _STR, "line": _INT, "column": _INT, "message": _STR, "kind": _STR}
                ),
            },
            "rules": {
                "type": "object",
                "additionalProperties": _object(
                    {"name": _STR, "severity": _STR, "summary": _STR, "why": _STR, "fix": _STR}
                ),
            },
            "effort": {
                **TRAFFIC_AUDIT,
                "description": "expected effort per journey (`audit --effort`), and a contact "
                "log laid on the design (`audit --traffic`); floats rounded to 6 significant "
                "digits",
            },
        },
        optional=("effort",),
    ),
}
