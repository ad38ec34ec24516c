"""The JSON Schema of the audit document (``journeymap audit --format json``).

Published as ``journeymap schema --report``; a copy is committed in
``audits/report.schema.json`` and the tests validate every JSON report
against it.
"""

from __future__ import annotations

from typing import Any

from ..findings import RESULT_VERSION, Severity
from ..traffic.expected import OUTCOMES

_STR = {"type": "string"}
_INT = {"type": "integer"}
_NUM = {"type": "number"}
_STRS = {"type": "array", "items": _STR}
_NULLABLE_NUM = {"type": ["number", "null"]}
_COUNT = {"type": "integer", "minimum": 0}
_SHARE = {"type": "number", "minimum": 0, "maximum": 1}
_NULL_STR = {"type": ["string", "null"]}


def _object(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [k for k in properties if k not in optional],
        "properties": properties,
    }


def _map(values: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": values}


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

# -- expected effort and traffic (``audit --effort`` / ``--traffic``): the ``to_json()`` of
# journeymap.traffic.expected.JourneyEffort (EFFORT), journeymap.traffic.logs.Traffic
# (TRAFFIC) and journeymap.traffic.audit.TrafficAudit (TRAFFIC_AUDIT)

EFFORT = _object(
    {
        "journey": _STR,
        "source": {
            "enum": ["design", "observed"],
            "description": "shares from the journey files, or observed in a contact log",
        },
        "expected_hurdles": {**_NUM, "description": "hurdles per customer, steps passed"},
        "expected_seconds": {**_NUM, "description": "seconds per customer, steps passed"},
        "reach_person": {**_SHARE, "description": "entered a queue or agent, stayed"},
        "give_up": _SHARE,
        "outcomes": _object({k: _SHARE for k in OUTCOMES}),
        "ends": {
            "type": "array",
            "items": _object({"step": _STR, "outcome": _STR, "share": _SHARE}),
        },
        "steps": {
            "type": "array",
            "items": _object(
                {
                    "step": _STR,
                    "reach": _SHARE,
                    "visits": _NUM,
                    "give_up": _SHARE,
                    "hurdles": _NUM,
                    "seconds": _NUM,
                    "assumed": {"type": "boolean"},
                }
            ),
        },
        "jump_ship": {
            "type": "array",
            "description": "steps where customers give up, the most first",
            "items": _object({"step": _STR, "give_up": _SHARE}),
        },
        "routes": {
            "type": "array",
            "items": _object(
                {
                    "source": _STR,
                    "target": _STR,
                    "kind": _STR,
                    "choice": _NULL_STR,
                    "per_customer": _NUM,
                }
            ),
        },
        "assumed": {
            "type": "array",
            "items": _STR,
            "description": "steps whose route shares were assumed (equal shares)",
        },
        "entries_assumed": {"type": "boolean"},
        "patience": _object(
            {
                "per_hurdle": _SHARE,
                "after_repeat": _NUM,
                "after_long_prompt": _NUM,
                "error_share": _SHARE,
            }
        ),
    }
)

_PROBLEM = _object({"file": _STR, "line": _COUNT, "column": _COUNT, "message": _STR, "kind": _STR})

JOURNEY_TRAFFIC = _object(
    {
        "journey": _STR,
        "contacts": _COUNT,
        "outcomes": _map(_COUNT),
        "steps": {
            "type": "array",
            "items": _object(
                {
                    "step": _STR,
                    "contacts": _COUNT,
                    "visits": _COUNT,
                    "gave_up": _COUNT,
                    "abandonment": _SHARE,
                    "seconds": {"type": ["number", "null"]},
                }
            ),
        },
        "routes": {
            "type": "array",
            "items": _object(
                {
                    "source": _STR,
                    "target": _STR,
                    "kind": _STR,
                    "choice": _NULL_STR,
                    "count": _NUM,
                    "share": _SHARE,
                    "design_share": {"type": ["number", "null"]},
                }
            ),
        },
        "never_visited": {"type": "array", "items": _STR},
        "drift": {
            "type": "array",
            "items": _object(
                {
                    "source": _NULL_STR,
                    "target": _STR,
                    "count": _COUNT,
                    "example": _STR,
                    "file": _STR,
                    "line": _COUNT,
                }
            ),
        },
        "jump_ship": {
            "type": "array",
            "items": _object({"step": _STR, "abandonment": _SHARE}),
        },
    }
)

TRAFFIC = _object(
    {
        "file": _STR,
        "format": {"enum": ["csv", "parquet", "connect", "twilio"]},
        "rows": _COUNT,
        "contacts": _COUNT,
        "late_rows": _COUNT,
        "unordered_rows": _COUNT,
        "journeys": _map(JOURNEY_TRAFFIC),
        "unknown": {
            "type": "array",
            "items": _object(
                {"block": _STR, "rows": _COUNT, "file": _STR, "line": _COUNT, "column": _COUNT}
            ),
        },
        "problems": {"type": "array", "items": _PROBLEM},
    }
)

TRAFFIC_AUDIT = _object(
    {
        "design": _map(EFFORT),
        "observed": _map(EFFORT),
        "traffic": {"anyOf": [TRAFFIC, {"type": "null"}]},
        "customers_by_rule": {
            **_map({"type": "number", "minimum": 0}),
            "description": "contacts of the log who reach a step of a rule's findings, by "
            "rule id (what fixing them would touch); empty without a log",
        },
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
