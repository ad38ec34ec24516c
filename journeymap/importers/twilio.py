"""Twilio Studio flow definitions -> journey data.

Each state becomes a step named after it, keeping its name in ``source``:
``say-play`` and ``send-message`` a ``message``; ``gather-input-on-call`` a
``menu`` when a ``split-based-on`` on its digits follows (keys from the
split's conditions; ``timeout`` is ``no_input``, ``noMatch`` ``no_match``),
else an ``input``; ``split-based-on`` and code (``run-function``,
``make-http-request``) a ``condition`` whose branches are all possible;
``enqueue-call`` and ``send-to-flex`` a ``queue`` (the team behind the queue
or workflow) and its ``agent``; ``connect-call-to`` an ``agent``;
``record-voicemail`` a ``self_service`` step; ``set-variables`` passes through.
A transition with no ``next`` ends the call: ``resolved`` after a normal event,
``disconnected`` after a failure or time-out. The trigger's ``incomingCall``,
``incomingMessage`` ... targets are the entries.
"""

from __future__ import annotations

import re
from typing import Any

DYNAMIC = "(dynamic prompt)"
FAILURE_EVENTS = re.compile(r"fail|timeout|nomatch|busy|noanswer|hangup|error", re.I)
CODE = {"run-function", "make-http-request", "split-based-on", "add-twiml-redirect"}
CHANNELS = {
    "incomingCall": "phone",
    "incomingMessage": "sms",
    "incomingConversationMessage": "chat",
    "incomingRequest": "app",
    "incomingParent": "app",
}


def _definition(data: Any) -> dict[str, Any] | None:
    if isinstance(data, dict) and isinstance(data.get("definition"), dict):
        data = data["definition"]
    if isinstance(data, dict) and isinstance(data.get("states"), list):
        return data
    return None


def looks_like(data: Any) -> bool:
    """Whether ``data`` is a Studio flow definition (bare or in a REST revision)."""
    return _definition(data) is not None


def block_paths(data: Any) -> dict[str, tuple[str | int, ...]]:
    """Where each state stands in the export, by name."""
    prefix: tuple[str | int, ...] = ("definition",) if "definition" in data else ()
    flow = _definition(data) or {"states": []}
    return {
        str(s.get("name")): (*prefix, "states", i)
        for i, s in enumerate(flow["states"])
        if isinstance(s, dict)
    }


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "state"


def _text(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return DYNAMIC if "{{" in value else value.strip()


def convert(data: Any, name: str) -> dict[str, Any]:
    """Journey data (plain dicts, ready for YAML) for a Studio flow named ``name``."""
    flow = _definition(data)
    if flow is None:
        raise ValueError("not a Twilio Studio flow")
    states = {s["name"]: s for s in flow["states"]}
    title = str(flow.get("description") or name)
    team = _slug(title).lower()[:40]
    teams: dict[str, Any] = {team: {"name": title, "kind": "automated"}}
    nodes: dict[str, Any] = {}
    ends = {"resolved": "call_ends", "disconnected": "call_dropped"}

    def way(target: str | None, event: str) -> str:
        if target is not None and target in states:
            return _slug(target)
        outcome = "disconnected" if FAILURE_EVENTS.search(event) else "resolved"
        nodes[ends[outcome]] = {"type": "end", "outcome": outcome}
        return ends[outcome]

    def events(state: dict[str, Any]) -> list[tuple[str, str | None, dict[str, Any]]]:
        return [
            (str(t.get("event")), t.get("next"), t)
            for t in state.get("transitions") or []
            if isinstance(t, dict)
        ]

    merged: set[str] = set()
    entries: list[str] = []
    channel = "phone"
    for state in flow["states"]:
        kind = state["type"]
        props = state.get("properties") or {}
        sid = _slug(state["name"])
        step: dict[str, Any] = {"team": team, "source": state["name"]}
        outs = events(state)
        first_next = next((n for _, n, _ in outs if n), None)
        if kind == "trigger":
            for event, target, _ in outs:
                if target is not None and target in states:
                    entries.append(_slug(target))
                    if event == "incomingCall":
                        channel = "phone"
                    elif not entries[:-1]:
                        channel = CHANNELS.get(event, "phone")
            continue
        if sid in merged:
            continue
        if kind in ("say-play", "send-message"):
            step["type"] = "message"
            say = _text(props.get("say") or props.get("body")) or (
                DYNAMIC if props.get("play") else None
            )
            if say:
                step["say"] = say
            step["next"] = way(first_next, "done")
        elif kind == "gather-input-on-call":
            step["say"] = _text(props.get("say")) or DYNAMIC
            keypress = next((n for e, n, _ in outs if e in ("keypress", "speech") and n), None)
            split = states.get(keypress or "")
            timeout = next((n for e, n, _ in outs if e == "timeout"), None)
            step["no_input"] = way(timeout, "timeout")
            if (
                split
                and split["type"] == "split-based-on"
                and state["name"] in str((split.get("properties") or {}).get("input", ""))
            ):
                step["type"] = "menu"
                step["options"] = {}
                for event, target, t in events(split):
                    if event == "match":
                        for cond in t.get("conditions") or []:
                            key = str(cond.get("value") or cond.get("friendly_name") or "?")
                            step["options"].setdefault(key, way(target, event))
                    elif event == "noMatch":
                        step["no_match"] = way(target, event)
                merged.add(_slug(split["name"]))  # the split's routes are this menu's
            else:
                step["type"] = "input"
                step["collects"] = [f"{sid}_digits"]
                step["next"] = way(keypress, "keypress")
        elif kind in ("enqueue-call", "send-to-flex"):
            queue = str(props.get("queue_name") or props.get("workflow") or "queue")
            queue_team = _slug(queue if not queue.startswith("WW") else "Flex agents").lower()
            teams.setdefault(
                queue_team, {"name": "Flex agents" if kind == "send-to-flex" else queue}
            )
            agent = f"{sid}_agent"
            step.update(type="queue", team=queue_team, next=agent)
            failure = next((n for e, n, _ in outs if FAILURE_EVENTS.search(e)), None)
            step["on_timeout"] = way(failure, "failed")
            done = next((n for e, n, _ in outs if not FAILURE_EVENTS.search(e)), None)
            nodes[agent] = {
                "type": "agent",
                "team": queue_team,
                "source": state["name"],
                "next": way(done, "callComplete"),
            }
        elif kind == "connect-call-to":
            teams.setdefault("forwarded", {"name": "Forwarded calls", "kind": "vendor"})
            step.update(type="agent", team="forwarded", next=way(first_next, "callCompleted"))
        elif kind == "record-voicemail":
            step.update(type="self_service", say=_text(props.get("say")) or "(records a message)")
            step["next"] = way(
                next((n for e, n, _ in outs if e == "recordingComplete"), None), "done"
            )
            step["on_error"] = way(
                next((n for e, n, _ in outs if e != "recordingComplete"), None), "noAudio"
            )
        elif kind == "set-variables":
            step.update(type="message", next=way(first_next, "next"))
        else:  # decisions by code or data, and anything not known: every way is possible
            step["type"] = "condition"
            step["branches"] = {}
            for event, target, t in outs:
                labels = [
                    str(c.get("friendly_name") or c.get("value")) for c in t.get("conditions") or []
                ] or [event]
                for label in labels:
                    key = label if label not in step["branches"] else f"{label} ({event})"
                    step["branches"][key] = way(target, event)
        nodes[sid] = step
    if not entries:
        start = flow.get("initial_state")
        if isinstance(start, str) and start in states and states[start]["type"] != "trigger":
            entries = [_slug(start)]
    if not entries:
        raise ValueError("the trigger starts nothing (no incomingCall or incomingMessage)")
    return {
        "journey": _slug(name).lower().replace("_", "-")[:80] or "studio-flow",
        "title": title,
        "description": "Imported from a Twilio Studio flow by journeymap.",
        "channel": channel,
        "entry": entries if len(entries) > 1 else entries[0],
        "teams": teams,
        "nodes": nodes,
    }
