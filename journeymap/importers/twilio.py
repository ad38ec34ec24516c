"""Twilio Studio flow definitions -> journey data.

Every state becomes a step named after it (its name in ``source``), and every
event the platform can fire is a route. An event with no ``next`` ends the
call or conversation there: it leads to an ``end`` judged by
:mod:`.outcomes` (a failure event, or speech where only keys were wired, is an
error route, so that end is a disconnect). ``hangup`` events are left out: the
customer has already gone.

Widget by widget (Studio widget -> journey steps; routes):

- ``say-play`` -> ``message``; ``audioComplete`` -> ``next``.
- ``send-message`` -> ``message`` (``self_service`` in a flow started by a REST
  request: the text is the service); ``sent`` -> ``next``, ``failed`` ->
  ``on_error``.
- ``gather-input-on-call`` followed by a ``split-based-on`` on its digits ->
  ``menu``: keys from the split's conditions (``matches_any_of`` lists split
  into keys), ``noMatch`` -> ``no_match``, ``timeout`` -> ``no_input``, an
  unwired ``speech`` -> ``on_fail`` (label ``speech (not wired)``).
- other ``gather-input-on-call`` -> ``input``, then a ``condition`` on how the
  caller answered when keypress and speech go to different places;
  ``timeout`` -> ``no_input``.
- ``send-and-wait-for-reply`` -> ``input`` (the reply): ``incomingMessage`` ->
  ``next``, ``timeout`` -> ``no_input``, ``deliveryFailure`` -> ``on_error``.
- ``split-based-on``, ``run-function``, ``make-http-request``, ``run-subflow``
  and anything unknown -> ``condition``: each condition a branch (its friendly
  name; a branch into a state named for a closure, ``say_closed``, is labelled
  ``closed``), ``noMatch`` -> ``no match``, ``fail``/``failed`` -> ``on_error``.
- ``enqueue-call``, ``send-to-flex`` -> ``queue`` of the queue's (or Flex's)
  team, then its ``agent``; ``callComplete`` after the agent,
  ``failedToEnqueue`` -> ``on_error``, ``callFailure`` -> ``on_timeout``.
- ``connect-call-to`` -> ``agent`` (forwarded); ``callCompleted`` -> ``next``.
- ``record-voicemail``, ``capture-payments`` -> ``self_service``; success ->
  ``next``, failures -> ``on_error``.
- ``set-variables`` -> passed through.
- In a flow started by a REST request (outbound), a failure before the customer
  answers or replies means no conversation took place: it leads to an end that
  says so, not to a cut-off.

The trigger's ``incomingCall``, ``incomingMessage`` ... targets are the entries.
A queue's hold music and messages live at its ``wait_url``, outside the flow, so
the two hold rules are silenced there, with that reason.
"""

from __future__ import annotations

import re
from typing import Any

from ..model import CLOSED_LABEL
from .outcomes import JUDGE, judge_ends

DYNAMIC = "(dynamic prompt)"
FAILURE_EVENTS = re.compile(r"fail|timeout|nomatch|error|invalid|maxfailed", re.I)
CHANNELS = {
    "incomingCall": "phone",
    "incomingMessage": "sms",
    "incomingConversationMessage": "chat",
    "incomingRequest": "app",
    "incomingParent": "app",
}
LEFT_OUT = {"hangup"}
NOT_CONNECTED = {"busy", "noAnswer", "failed"}
"""Events of an outbound call or text that mean nobody was reached: no conversation."""
HOLD_ELSEWHERE = {
    "queue-no-wait-estimate": "the hold experience is the queue's wait_url, outside this flow",
    "queue-no-callback": "the hold experience is the queue's wait_url, outside this flow",
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
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_.-") or "state"


def _text(value: Any) -> str | None:
    """The words of a prompt: ``(dynamic prompt)`` when they come from variables; for a
    Liquid template of alternatives (``{% case %} ... {% when %} ...``), the longest
    alternative, since only one of them is said."""
    if not isinstance(value, str) or not value.strip():
        return None
    if "{%" in value:
        parts = [p.strip() for p in re.split(r"\{%.*?%\}", value, flags=re.S)]
        literal = [p for p in parts if p and "{{" not in p and "${" not in p]
        return max(literal, key=len) if literal else DYNAMIC
    return DYNAMIC if "{{" in value or "${" in value else value.strip()


def _closure(name: str) -> bool:
    """Whether a state's name says it is a closure (``say_closed``, ``AfterHours``)."""
    words = re.sub(r"([a-z])([A-Z])", r"\1 \2", name).replace("_", " ").replace("-", " ")
    return CLOSED_LABEL.search(words) is not None


def flow_name(data: Any, fallback: str) -> str:
    """The flow's own name where the export has one."""
    for holder in (data, _definition(data) or {}):
        if isinstance(holder, dict):
            for key in ("friendly_name", "friendlyName", "description"):
                if isinstance(holder.get(key), str) and holder[key].strip():
                    return str(holder[key]).strip()
    return fallback


def convert(data: Any, name: str) -> dict[str, Any]:
    """Journey data (plain dicts, ready for YAML) for a Studio flow from a file named
    ``name``."""
    from .connect import journey_id

    flow = _definition(data)
    if flow is None:
        raise ValueError("not a Twilio Studio flow")
    states: dict[str, dict[str, Any]] = {}
    for state in flow["states"]:
        if not isinstance(state, dict) or not isinstance(state.get("name"), str):
            raise ValueError("every state needs a `name`")
        states[state["name"]] = state
    title = flow_name(data, name)
    team = _slug(title).lower()[:40]
    teams: dict[str, Any] = {team: {"name": title, "kind": "automated"}}
    nodes: dict[str, Any] = {}
    ids = {n: _slug(n) for n in states}

    def events(state: dict[str, Any]) -> list[tuple[str, str | None, dict[str, Any]]]:
        return [
            (str(t.get("event")), t.get("next") if t.get("next") in states else None, t)
            for t in state.get("transitions") or []
            if isinstance(t, dict) and str(t.get("event")) not in LEFT_OUT
        ]

    def way(source: str, target: str | None, event: str) -> str:
        """The step a route leads to: its state, or an end where the call stops."""
        if target is not None:
            return ids[target]
        if (
            outbound
            and source in before_contact
            and (event in NOT_CONNECTED or FAILURE_EVENTS.search(event))
        ):
            nodes["no_conversation"] = {  # nobody was cut off: nobody was there
                "type": "end",
                "outcome": "resolved",
                "say": "(no conversation: the call or text did not reach the customer)",
                "source": source,
            }
            return "no_conversation"
        end = f"{ids[source]}_{_slug(event)}_ends"
        nodes[end] = {"type": "end", "source": source, JUDGE: True}
        return end

    triggers = [s for s in states.values() if s.get("type") == "trigger"]
    trigger_events = [e for t in triggers for e, n, _ in events(t) if n]
    outbound = bool(trigger_events) and all(e == "incomingRequest" for e in trigger_events)
    before_contact = _before_contact(states, events) if outbound else set()
    merged: set[str] = set()
    entries: list[str] = []
    channel = "phone"
    for state in flow["states"]:
        kind = str(state.get("type"))
        props = state.get("properties") if isinstance(state.get("properties"), dict) else {}
        src = state["name"]
        sid = ids[src]
        step: dict[str, Any] = {"team": team, "source": src}
        outs = events(state)
        by_event = {e: n for e, n, _ in outs}
        if kind == "trigger":
            for event, target, _ in outs:
                if target is not None:
                    entries.append(ids[target])
                    if event == "incomingCall":
                        channel = "phone"
                    elif len(entries) == 1:
                        channel = CHANNELS.get(event, "phone")
            continue
        if src in merged:
            continue
        if kind in ("say-play", "send-message"):
            step["type"] = "self_service" if kind == "send-message" and outbound else "message"
            say = _text(props.get("say") or props.get("body")) or (
                DYNAMIC if props.get("play") or props.get("media_url") else None
            )
            if say:
                step["say"] = say
            if kind == "send-message":
                step["channel"] = "sms"
            done = [(e, n) for e, n, _ in outs if not FAILURE_EVENTS.search(e)] or [("done", None)]
            step["next"] = way(src, done[0][1], done[0][0])
            for event, target, _ in outs:
                if FAILURE_EVENTS.search(event):
                    step["on_error"] = way(src, target, event)
        elif kind == "gather-input-on-call":
            step["say"] = _text(props.get("say")) or DYNAMIC
            keypress = by_event.get("keypress")
            speech = by_event.get("speech")
            wired = {e for e, n in by_event.items() if e in ("keypress", "speech") and n}
            modes = {e for e in ("keypress", "speech") if e in by_event} or {"keypress"}
            if isinstance(props.get("input"), str):  # "dtmf", "speech" or "dtmf speech"
                said = props["input"].lower()
                modes = {m for m in modes if (m == "keypress" and "dtmf" in said) or m in said}
            split = states.get(keypress or speech or "")
            step["no_input"] = way(src, by_event.get("timeout"), "timeout")
            reads = str((split or {}).get("properties", {}).get("input", ""))
            if split and split.get("type") == "split-based-on" and f"widgets.{src}." in reads:
                step["type"] = "menu"
                step["options"] = {}
                for event, target, t in events(split):
                    if event == "match":
                        for cond in t.get("conditions") or []:
                            if not isinstance(cond, dict):
                                continue
                            value = str(cond.get("value") or cond.get("friendly_name") or "?")
                            keys = (
                                [v.strip() for v in value.split(",") if v.strip()]
                                if cond.get("type") == "matches_any_of"
                                else [value]
                            )
                            for key in keys:
                                step["options"].setdefault(key, way(split["name"], target, event))
                    elif event == "noMatch":
                        step["no_match"] = way(split["name"], target, event)
                if "noMatch" not in {e for e, _, _ in events(split)}:
                    step["no_match"] = way(split["name"], None, "noMatch")
                merged.add(split["name"])  # the split's routes are this menu's
                for event in ("keypress", "speech"):
                    if event not in wired and event in modes:
                        route = "on_fail" if "no_match" in step else "no_match"
                        step[route] = {
                            "to": way(src, None, event),
                            "label": f"{event} (not wired)",
                        }
            else:
                step["type"] = "input"
                step["collects"] = [f"{sid}_answer"]
                targets = {e: way(src, by_event.get(e), e) for e, _, _ in outs if e != "timeout"}
                for event in ("keypress", "speech"):
                    if event not in targets and event in modes:
                        targets[event] = way(src, None, event)
                onward = sorted(set(targets.values()))
                if len(onward) == 1:
                    step["next"] = onward[0]
                else:
                    choice = f"{sid}_how_answered"
                    step["next"] = choice
                    branches = {}
                    for event, target in targets.items():
                        branches[event if event in wired else f"{event} (not wired)"] = target
                    nodes[choice] = {
                        "type": "condition",
                        "team": team,
                        "source": src,
                        "branches": branches,
                    }
                    for event in ("keypress", "speech"):
                        if event not in wired:
                            del branches[f"{event} (not wired)"]
                            step["no_match"] = {
                                "to": targets[event],
                                "label": f"{event} (not wired)",
                            }
                    if len(branches) == 1:
                        step["next"] = next(iter(branches.values()))
                        del nodes[choice]
        elif kind == "send-and-wait-for-reply":
            step.update(type="input", collects=[f"{sid}_reply"], channel="sms")
            say = _text(props.get("body"))
            if say:
                step["say"] = say
            step["next"] = way(src, by_event.get("incomingMessage"), "incomingMessage")
            step["no_input"] = way(src, by_event.get("timeout"), "timeout")
            step["on_error"] = way(src, by_event.get("deliveryFailure"), "deliveryFailure")
        elif kind in ("enqueue-call", "send-to-flex"):
            queue = str(props.get("queue_name") or props.get("workflow") or "queue")
            flex = kind == "send-to-flex" or queue.startswith("WW")
            queue_team = "flex_agents" if flex else (_slug(queue).lower() or "queue")
            teams.setdefault(queue_team, {"name": "Flex agents" if flex else queue})
            agent = f"{sid}_agent"
            step.update(type="queue", team=queue_team, next=agent, ignore=dict(HOLD_ELSEWHERE))
            step["on_error"] = way(src, by_event.get("failedToEnqueue"), "failedToEnqueue")
            failure = way(src, by_event.get("callFailure"), "callFailure")
            if failure != step["on_error"]:
                step["on_timeout"] = {"to": failure, "label": "call failure"}
            nodes[agent] = {
                "type": "agent",
                "team": queue_team,
                "source": src,
                "next": way(src, by_event.get("callComplete"), "callComplete"),
            }
        elif kind == "connect-call-to":
            teams.setdefault("forwarded", {"name": "Forwarded calls", "kind": "vendor"})
            completed = by_event.get("callCompleted") or by_event.get("callComplete")
            step.update(type="agent", team="forwarded", next=way(src, completed, "callCompleted"))
        elif kind in ("record-voicemail", "capture-payments"):
            say = _text(props.get("say"))
            step.update(
                type="self_service",
                say=say
                or ("(records a message)" if kind == "record-voicemail" else "(takes a payment)"),
            )
            good = "recordingComplete" if kind == "record-voicemail" else "success"
            step["next"] = way(src, by_event.get(good), good)
            failures = [(e, n) for e, n, _ in outs if e != good] or [("noAudio", None)]
            step["on_error"] = way(src, failures[0][1], failures[0][0])
        elif kind == "set-variables":
            step.update(type="message", next=way(src, next(iter(by_event.values()), None), "next"))
        else:  # decisions by code or data, and anything not known: every way is possible
            step["type"] = "condition"
            step["branches"] = {}
            for event, target, t in outs:
                if event in ("fail", "failed", "error") and "on_error" not in step:
                    step["on_error"] = way(src, target, event)
                    continue
                labels = [
                    str(c.get("friendly_name") or c.get("value"))
                    for c in t.get("conditions") or []
                    if isinstance(c, dict)
                ] or [{"noMatch": "no match"}.get(event, event)]
                for label in labels:
                    key = label if label not in step["branches"] else f"{label} ({event})"
                    goes = way(src, target, event)
                    if target is not None and _closure(target) and not _closure(key):
                        step["branches"][key] = {"to": goes, "label": f"closed ({target})"}
                    else:
                        step["branches"][key] = goes
            if kind == "split-based-on" and "noMatch" not in by_event:
                step["branches"]["no match"] = way(src, None, "noMatch")
            if kind == "split-based-on":  # what the split tests: the widgets it reads
                read = re.findall(r"widgets\.([A-Za-z0-9_-]+)\.", str(props.get("input", "")))
                step["uses"] = sorted({ids[w] for w in read if w in states and w != src})
        nodes[sid] = step
    # set-variables steps pass through (they say nothing and choose nothing)
    passing = {
        ids[s["name"]]
        for s in flow["states"]
        if s.get("type") == "set-variables" and ids[s["name"]] in nodes
    }
    entries = [_follow(nodes, e, passing) for e in entries]
    _pass_through(nodes, passing)
    if not entries:
        start = flow.get("initial_state")
        if isinstance(start, str) and start in states and states[start].get("type") != "trigger":
            entries = [ids[start]]
    if not entries:
        raise ValueError("the trigger starts nothing (no incomingCall or incomingMessage)")
    return judge_ends(
        {
            "journey": journey_id(name),
            "title": title,
            "description": "Imported from a Twilio Studio flow by journeymap.",
            "channel": channel,
            "entry": entries if len(entries) > 1 else entries[0],
            "teams": teams,
            "nodes": nodes,
        }
    )


CONTACT = {("make-outgoing-call-v2", "answered"), ("send-and-wait-for-reply", "incomingMessage")}
"""Events of an outbound flow after which the customer is in the conversation."""


def _before_contact(
    states: dict[str, dict[str, Any]],
    events: Any,
) -> set[str]:
    """States of an outbound flow that run before the customer answers or replies: a
    failure there means no conversation took place, not that someone was cut off."""
    found = {n for n, s in states.items() if s.get("type") == "trigger"}
    frontier = list(found)
    while frontier:
        state = states[frontier.pop()]
        for event, target, _ in events(state):
            if target and target not in found and (state.get("type"), event) not in CONTACT:
                found.add(target)
                frontier.append(target)
    return found


def _follow(nodes: dict[str, Any], target: str, passing: set[str]) -> str:
    seen: set[str] = set()
    while target in passing and target not in seen:
        seen.add(target)
        target = nodes[target]["next"]
    return target


def _pass_through(nodes: dict[str, Any], passing: set[str]) -> None:
    """Point every route into a pass-through step at where it leads, and drop it."""
    if not passing:
        return
    for sid, step in nodes.items():
        if sid in passing:
            continue
        for key in ("next", "on_error", "on_timeout", "no_input", "no_match", "on_fail"):
            value = step.get(key)
            if isinstance(value, str):
                step[key] = _follow(nodes, value, passing)
            elif isinstance(value, dict):
                value["to"] = _follow(nodes, value["to"], passing)
        for group in ("options", "branches"):
            for label, value in (step.get(group) or {}).items():
                if isinstance(value, dict):
                    value["to"] = _follow(nodes, value["to"], passing)
                else:
                    step[group][label] = _follow(nodes, value, passing)
    gone = [sid for sid in passing if _follow(nodes, sid, passing) != sid]
    for sid in gone:
        del nodes[sid]
    for step in nodes.values():
        if "uses" in step:
            step["uses"] = [u for u in step["uses"] if u in nodes]
