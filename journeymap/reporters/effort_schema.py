"""JSON Schemas of the expected-effort and traffic objects (their ``to_json()``).

For the audit document's schema (:mod:`journeymap.reporters.json_schema`) to include:
:data:`EFFORT` is one journey's :class:`~journeymap.traffic.expected.JourneyEffort`,
:data:`TRAFFIC` a log's :class:`~journeymap.traffic.Traffic`, and
:data:`TRAFFIC_AUDIT` the whole :class:`~journeymap.traffic.audit.TrafficAudit`.
``tests/test_traffic.py`` validates real outputs against them.
"""

from __future__ import annotations

from typing import Any

from ..traffic.expected import OUTCOMES

_STR = {"type": "string"}
_INT = {"type": "integer", "minimum": 0}
_NUM = {"type": "number"}
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

_PROBLEM = _object({"file": _STR, "line": _INT, "column": _INT, "message": _STR, "kind": _STR})

JOURNEY_TRAFFIC = _object(
    {
        "journey": _STR,
        "contacts": _INT,
        "outcomes": _map(_INT),
        "steps": {
            "type": "array",
            "items": _object(
                {
                    "step": _STR,
                    "contacts": _INT,
                    "visits": _INT,
                    "gave_up": _INT,
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
                    "count": _INT,
                    "example": _STR,
                    "file": _STR,
                    "line": _INT,
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
        "rows": _INT,
        "contacts": _INT,
        "late_rows": _INT,
        "unordered_rows": _INT,
        "journeys": _map(JOURNEY_TRAFFIC),
        "unknown": {
            "type": "array",
            "items": _object(
                {"block": _STR, "rows": _INT, "file": _STR, "line": _INT, "column": _INT}
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
