"""Amazon Connect flows (flow language ``Version`` 2019-10-30) -> journey data.

Each action becomes a step that keeps its ``Identifier`` in ``source``:

* ``MessageParticipant``: a ``message`` (text, or ``(dynamic prompt)`` for SSML
  attributes and prompt ids);
* ``GetParticipantInput``: a ``menu`` from its ``Conditions`` (``Equals`` keys),
  or an ``input`` when it stores the input; ``InputTimeLimitExceeded`` is
  ``no_input``, ``NoMatchingCondition`` ``no_match``, ``NoMatchingError``
  ``on_fail``; when a retry route goes to a ``Loop``, its ``LoopCount`` is the
  step's ``max_retries``;
* decisions made by code or data (``Compare``, ``InvokeLambdaFunction``,
  ``CheckHoursOfOperation``, ``Loop`` ...): a ``condition`` whose branches are
  every way out, errors included;
* ``TransferContactToQueue`` and ``CreateCallbackContact``: a ``queue`` of the
  team behind the queue set by the nearest ``UpdateContactTargetQueue`` (names
  from ``Metadata``), then that team's ``agent``;
  ``TransferParticipantToThirdParty``: an ``agent`` of an outside party;
* ``TransferToFlow`` / ``InvokeFlowModule`` / ``EndFlowExecution``: an
  ``external`` step naming the other flow;
* ``DisconnectParticipant``: an ``end`` (``disconnected`` when reached by an
  error route, ``resolved`` otherwise);
* settings blocks (``UpdateContact*``, ``UpdateFlowLoggingBehavior`` ...) are
  passed through when all their routes lead to one place.
"""

from __future__ import annotations

import json
import re
from typing import Any

DYNAMIC = "(dynamic prompt)"

DECISIONS = {
    "Compare",
    "CheckAttribute",
    "InvokeLambdaFunction",
    "InvokeExternalResource",
    "CheckHoursOfOperation",
    "CheckStaffing",
    "CheckMetricData",
    "GetMetricData",
    "DistributeByPercentage",
    "Loop",
    "CheckVoiceId",
    "CheckOutboundCallStatus",
}
FLOW_EXITS = {"TransferToFlow", "InvokeFlowModule", "EndFlowExecution", "EndFlowModuleExecution"}
ERROR_KINDS = {
    "InputTimeLimitExceeded": "no_input",
    "NoMatchingCondition": "no_match",
    "NoMatchingError": "on_fail",
    "InvalidPhoneNumber": "no_match",
}


def looks_like(data: Any) -> bool:
    """Whether ``data`` is an Amazon Connect flow, bare or in an API wrapper."""
    return _content(data) is not None


def _content(data: Any) -> dict[str, Any] | None:
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("ContactFlow"), dict):
        data = data["ContactFlow"]
    content = data.get("Content")
    if isinstance(content, str):
        try:
            data = json.loads(content)
        except json.JSONDecodeError:
            return None
    if isinstance(data, dict) and "Actions" in data and "StartAction" in data:
        return data
    return None


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _slug(text: str, limit: int = 32) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()
    return slug[:limit] or "step"


def _say(parameters: dict[str, Any]) -> str | None:
    text = parameters.get("Text") or parameters.get("SSML")
    if isinstance(text, str) and text and not text.startswith("$."):
        return re.sub(r"<[^>]+>", "", text).strip() or DYNAMIC
    if text or parameters.get("PromptId") or parameters.get("Media"):
        return DYNAMIC
    return None


def convert(data: Any, name: str) -> dict[str, Any]:
    """Journey data (plain dicts, ready for YAML) for a Connect flow named ``name``."""
    flow = _content(data)
    if flow is None:
        raise ValueError("not an Amazon Connect flow")
    wrapper_name = data.get("ContactFlow", data).get("Name") if isinstance(data, dict) else None
    flow_name = wrapper_name or name
    raw_actions = flow.get("Actions")
    if not isinstance(raw_actions, list) or not all(
        isinstance(a, dict) and isinstance(a.get("Identifier"), str) and "Type" in a
        for a in raw_actions
    ):
        raise ValueError("`Actions` must be a list of actions with `Identifier` and `Type`")
    actions: dict[str, dict[str, Any]] = {a["Identifier"]: a for a in raw_actions}
    if flow["StartAction"] not in actions:
        raise ValueError(f"`StartAction` names no action (`{flow['StartAction']}`)")
    meta = (flow.get("Metadata") or {}).get("ActionMetadata") or {}
    team = _slug(flow_name) or "flow"
    teams: dict[str, Any] = {team: {"name": flow_name, "kind": "automated"}}

    ids: dict[str, str] = {}
    for identifier, action in actions.items():
        if _UUID.fullmatch(identifier):  # exports name blocks by UUID: name them by type
            base = _slug(action["Type"].replace("Participant", "").replace("Contact", ""))
            candidate = f"{base}_{identifier[:6]}"
        else:  # a flow written by hand names its blocks
            candidate = _slug(identifier, 60)
        while candidate in ids.values():
            candidate += "_"
        ids[identifier] = candidate

    def waits_only(action: dict[str, Any]) -> bool:
        """An input block with nothing to choose and nothing stored: it plays its
        prompt and waits (a voicemail beep), and every way out just goes on."""
        parameters = action.get("Parameters") or {}
        trans = action.get("Transitions") or {}
        return (
            action["Type"] == "GetParticipantInput"
            and not trans.get("Conditions")
            and str(parameters.get("StoreInput", "False")).lower() != "true"
        )

    def transitions(action: dict[str, Any]) -> list[tuple[str, str, str]]:
        """(kind, label, target id) for each way out."""
        trans = action.get("Transitions") or {}
        if waits_only(action):
            targets = [trans.get("NextAction")] + [
                e.get("NextAction") for e in trans.get("Errors") or []
            ]
            first = next((t for t in targets if t in actions), None)
            return [("next", "next", first)] if first else []
        found = []
        if trans.get("NextAction"):
            found.append(("next", "next", trans["NextAction"]))
        for cond in trans.get("Conditions") or []:
            operands = (cond.get("Condition") or {}).get("Operands") or ["?"]
            found.append(("condition", str(operands[0]), cond["NextAction"]))
        for error in trans.get("Errors") or []:
            found.append(("error", str(error.get("ErrorType", "error")), error["NextAction"]))
        return [(k, label, t) for k, label, t in found if t in actions]

    queue_of: dict[str, str] = {}
    for identifier, action in actions.items():
        if action["Type"] == "UpdateContactTargetQueue":
            queue = ((meta.get(identifier) or {}).get("queue") or {}).get("text")
            queue_of[identifier] = queue or "queue"

    predecessors: dict[str, list[str]] = {i: [] for i in actions}
    for identifier, action in actions.items():
        for _, _, following in transitions(action):
            predecessors[following].append(identifier)

    def queue_for(identifier: str) -> str:
        seen, frontier = {identifier}, [identifier]
        while frontier:
            current = frontier.pop(0)
            if current in queue_of:
                return queue_of[current]
            for pred in predecessors[current]:
                if pred not in seen and len(seen) < 200:
                    seen.add(pred)
                    frontier.append(pred)
        parameters = actions[identifier].get("Parameters") or {}
        return str(parameters.get("QueueId") or "queue")

    error_targets = {t for a in actions.values() for k, _, t in transitions(a) if k == "error"}
    normal_targets = {t for a in actions.values() for k, _, t in transitions(a) if k != "error"}
    normal_targets.add(flow["StartAction"])

    def passthrough(identifier: str, seen: frozenset[str] = frozenset()) -> str:
        """Skip settings blocks whose routes all lead to one place."""
        action = actions[identifier]
        if (
            (
                action["Type"].startswith("Update")
                or action["Type"] in {"SetLoggingBehavior", "Wait"}
            )
            and identifier not in seen
            and action["Type"] != "UpdateContactTargetQueue"
        ):
            targets = {t for _, _, t in transitions(action)}
            if len(targets) == 1:
                return passthrough(targets.pop(), seen | {identifier})
        return identifier

    nodes: dict[str, Any] = {}

    def step_of(identifier: str) -> str:
        return ids[passthrough(identifier)]

    for identifier, action in actions.items():
        kind = action["Type"]
        parameters = action.get("Parameters") or {}
        way = transitions(action)
        step: dict[str, Any] = {"team": team, "source": identifier}
        nxt = next((t for k, _, t in way if k == "next"), None)
        sid = ids[identifier]
        if passthrough(identifier) != identifier:
            continue
        if kind == "MessageParticipant":
            step["type"] = "message"
            say = _say(parameters)
            if say:
                step["say"] = say
            if nxt:
                step["next"] = step_of(nxt)
        elif kind == "GetParticipantInput" and waits_only(action):
            step["type"] = "message"
            step["say"] = _say(parameters) or DYNAMIC
            if nxt:
                step["next"] = step_of(nxt)
        elif kind == "GetParticipantInput":
            stores = str(parameters.get("StoreInput", "False")).lower() == "true"
            step["type"] = "input" if stores else "menu"
            say = _say(parameters)
            if say:
                step["say"] = say
            if stores:
                step["collects"] = [f"input_{sid}"]
                if nxt:
                    step["next"] = step_of(nxt)
            else:
                step["options"] = {label: step_of(t) for k, label, t in way if k == "condition"}
            loops = []
            for k, label, t in way:
                if k != "error":
                    continue
                route = ERROR_KINDS.get(label, "on_fail")
                if stores and route == "on_fail":
                    route = "on_error"
                step.setdefault(route, step_of(t))
                loop = actions[passthrough(t)]
                if loop["Type"] == "Loop":
                    loops.append(int((loop.get("Parameters") or {}).get("LoopCount", 3)))
            if loops:
                step["max_retries"] = max(loops)
        elif kind in ("TransferContactToQueue", "CreateCallbackContact"):
            queue = queue_for(identifier)
            queue_team = _slug(queue)
            teams.setdefault(queue_team, {"name": queue})
            agent = f"{sid}_agent"
            step.update(type="queue", team=queue_team, next=agent)
            if kind == "CreateCallbackContact":
                step["callback"] = True
            errors = [t for k, _, t in way if k == "error"]
            if errors:
                step["on_timeout"] = step_of(errors[0])
            nodes[agent] = {
                "type": "agent",
                "team": queue_team,
                "source": identifier,
                "next": f"{sid}_served",
            }
            nodes[f"{sid}_served"] = {"type": "end", "outcome": "resolved", "source": identifier}
        elif kind == "TransferParticipantToThirdParty":
            teams.setdefault("third_party", {"name": "Outside party", "kind": "vendor"})
            step.update(type="agent", team="third_party")
            if nxt:
                step["next"] = step_of(nxt)
        elif kind in FLOW_EXITS:
            named = meta.get(identifier) or {}
            other = (named.get("ContactFlow") or named.get("FlowModule") or {}).get("text")
            other = other or str(
                parameters.get("ContactFlowId") or parameters.get("FlowModuleId") or "another flow"
            )
            step.update(type="external", target=other)
            step.pop("team")
        elif kind == "DisconnectParticipant":
            by_error, by_flow = identifier in error_targets, identifier in normal_targets
            step.update(
                type="end", outcome="disconnected" if by_error and not by_flow else "resolved"
            )
            if by_error and by_flow:
                nodes[f"{sid}_after_error"] = {
                    "type": "end",
                    "outcome": "disconnected",
                    "source": identifier,
                }
        else:  # decisions by code or data, and anything not known: every way is possible
            step["type"] = "condition"
            step["branches"] = {}
            for k, label, t in way:
                name = label if k != "next" else ("done" if kind == "Loop" else "default")
                if kind == "Loop" and k == "condition":
                    name = "loop" if label == "ContinueLooping" else label
                if name in step["branches"]:
                    name = f"{name} ({k})"
                step["branches"][name] = step_of(t)
        nodes[sid] = step
    # error routes into a disconnect lead to its "after error" end
    for step in nodes.values():
        for key in ("no_input", "no_match", "on_fail", "on_error", "on_timeout"):
            value = step.get(key)
            if isinstance(value, str) and f"{value}_after_error" in nodes:
                step[key] = f"{value}_after_error"
        branches = step.get("branches") or {}
        for label, value in list(branches.items()):
            if (label in ERROR_KINDS or "Error" in label) and f"{value}_after_error" in nodes:
                branches[label] = f"{value}_after_error"
    journey_id = _slug(flow_name, 80).replace("_", "-") or "connect-flow"
    return {
        "journey": journey_id,
        "title": flow_name,
        "description": "Imported from an Amazon Connect flow by journeymap import.",
        "channel": "phone",
        "entry": step_of(flow["StartAction"]),
        "teams": teams,
        "nodes": nodes,
    }


def block_paths(data: Any) -> dict[str, tuple[str | int, ...]]:
    """Where each action stands in the export, by identifier (bare flows only: in the
    API wrappers the flow is one escaped string)."""
    actions = data.get("Actions") if isinstance(data, dict) else None
    if not isinstance(actions, list):
        return {}
    return {
        str(a.get("Identifier")): ("Actions", i)
        for i, a in enumerate(actions)
        if isinstance(a, dict)
    }
