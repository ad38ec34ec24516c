"""Amazon Connect flows (flow language ``Version`` 2019-10-30) -> journey data.

Every route the platform can take is kept, and every step keeps the block's
``Identifier`` in ``source``. Ends are judged by :mod:`.outcomes`.

=================================  ============================  ==================================
Connect block                      journey steps                 routes
=================================  ============================  ==================================
``MessageParticipant``,            ``message`` (text; SSML,      ``next``; ``NoMatchingError`` ->
``MessageParticipantIteratively``  attributes and prompts are    ``on_error``
                                   ``(dynamic prompt)``)
``GetParticipantInput`` with       ``menu``                      ``Conditions`` -> ``options``;
conditions                                                       ``InputTimeLimitExceeded`` ->
                                                                 ``no_input``;
                                                                 ``NoMatchingCondition`` ->
                                                                 ``no_match``;
                                                                 ``NoMatchingError`` -> ``on_fail``;
                                                                 a ``Loop`` on a retry route (also
                                                                 after messages) -> ``max_retries``
``GetParticipantInput`` storing    ``input``                     ``next``; time-out -> ``no_input``;
input                                                            invalid input -> ``no_match``;
                                                                 error -> ``on_error``
``GetParticipantInput`` with       ``message`` (a beep), or a    ``next``: the first way on;
nothing to choose or store         ``self_service`` recording a  ``NoMatchingError`` -> ``on_error``
                                   voicemail when the flow
                                   switches IVR recording on
``InvokeLambdaFunction``,          ``condition``                 each condition and ``NextAction``
``Compare``, ``CheckHoursOf                                      a branch (hours: ``open`` /
Operation``, ``CheckStaffing``,                                  ``closed``; staffing: ``staffed`` /
``CheckMetricData``, ``Loop`` ...                                ``no agents staffed``;
                                                                 ``NoMatchingCondition``: ``no
                                                                 match``); ``NoMatchingError`` ->
                                                                 ``on_error``
``UpdateContact*`` and other       passed through when every     otherwise a ``condition`` with
settings blocks                    route leads to one place      ``set`` and ``on_error``
``UpdateContactTargetQueue`` +     ``queue`` of the queue's      ``next`` -> its ``agent``;
``TransferContactToQueue``         team, then an ``agent``       ``QueueAtCapacity`` ->
                                                                 ``on_timeout`` (label ``queue at
                                                                 capacity``); ``NoMatchingError``
                                                                 -> ``on_error``
``CreateCallbackContact``          ``queue`` with ``callback``   ``next`` (the block's own next);
                                                                 error -> ``on_error``
``TransferParticipantTo            ``condition`` "dialling",     ``connected`` -> the ``agent``;
ThirdParty``                       then an outside ``agent``     each failure -> a branch or
                                                                 ``on_error``
``TransferToFlow``,                ``external`` naming the flow  ``NoMatchingError`` -> ``on_error``
``EndFlowExecution``
``InvokeFlowModule``               ``condition``: the module     ``returns`` -> next; error ->
                                   runs and returns              ``on_error``
``DisconnectParticipant``          ``end``, judged by what
                                   leads to it
=================================  ============================  ==================================

A **customer-queue flow** (``Metadata.type: customerQueue``) is what a caller
hears while holding: it becomes a queue whose agent can answer at any point
(the flow's own loop is never a trap), ``EndFlowExecution`` goes back to
holding, and the queue's ``callback`` and ``wait_estimate`` are what the flow
really offers (a ``CreateCallbackContact``; a queue metric or a prompt that
speaks of the wait). In other flows a queue's hold experience lives in a
customer-queue flow that is not part of the export, so the two hold rules are
silenced there, with that reason.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from . import connect_legacy
from .outcomes import JUDGE, judge_ends

DYNAMIC = "(dynamic prompt)"

FLOW_EXITS = {"TransferToFlow", "EndFlowExecution", "EndFlowModuleExecution"}
INPUT_ROUTES = {
    "InputTimeLimitExceeded": "no_input",
    "NoMatchingCondition": "no_match",
    "InvalidPhoneNumber": "no_match",
    "NoMatchingError": "on_fail",
}
DECISION_LABELS = {
    "CheckHoursOfOperation": {"true": "open", "false": "closed"},
    "CheckStaffing": {"true": "staffed", "false": "no agents staffed"},
}
HOLD_ELSEWHERE = {
    "queue-no-wait-estimate": "the hold experience is set in a customer-queue flow outside "
    "this export",
    "queue-no-callback": "the hold experience is set in a customer-queue flow outside this export",
}
AGENT_METRIC = re.compile(r"Agents?(Staffed|Available|Online)|AgentsStaffed", re.I)
"""Queue metrics that count agents: a check on them that fails means nobody is there."""
WAIT_WORDS = re.compile(r"\b(wait(ing)? time|minutes?|position in (the )?queue|estimated)\b", re.I)


def looks_like(data: Any) -> bool:
    """Whether ``data`` is an Amazon Connect flow, bare, in an API wrapper, or legacy."""
    if isinstance(data, dict):
        wrapper = data.get("ContactFlow", data)
        if isinstance(wrapper, dict) and isinstance(wrapper.get("Content"), str):
            return True  # a wrapper: its content is read (and judged) by convert
    return _content(data) is not None


MAX_CONTENT_DEPTH = 64
"""Deepest nesting read in a wrapper's ``Content`` string (the YAML reader's limit)."""


def _content(data: Any, strict: bool = False) -> dict[str, Any] | None:
    """The flow inside ``data``; with ``strict``, a ``ValueError`` saying what is wrong
    instead of None."""
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("ContactFlow"), dict):
        data = data["ContactFlow"]
    content = data.get("Content")
    if isinstance(content, str):
        try:
            data = _parse_content(content)
        except ValueError:
            if strict:
                raise
            return None
    if isinstance(data, dict) and "Actions" in data and "StartAction" in data:
        return data
    if connect_legacy.looks_like(data):
        return connect_legacy.to_modern(data)
    return None


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _parse_content(content: str) -> Any:
    """A wrapper's ``Content`` string as JSON, under the same limits as every file read:
    bounded nesting, bounded numbers, a clear message."""
    depth = deepest = 0
    in_string = escaped = False
    for char in content:  # nesting is checked before the parser can recurse
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_CONTENT_DEPTH:
                raise ValueError(f"its `Content` nests deeper than {MAX_CONTENT_DEPTH} levels")
        elif char in "]}":
            depth -= 1
    try:
        return json.loads(content)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"its `Content` is not valid JSON ({exc.msg} at character {exc.pos})"
        ) from None
    except (RecursionError, ValueError) as exc:
        raise ValueError(f"its `Content` cannot be read ({str(exc)[:80]})") from None


def _slug(text: str, limit: int = 32) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()
    return slug[:limit] or "step"


def journey_id(name: str) -> str:
    """A stable, unique-per-name journey id: the whole name made safe, or for a very
    long name its start and a short hash of all of it."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "flow"
    if len(slug) <= 80:
        return slug
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{slug[:40].rstrip('-')}-{slug[-30:].lstrip('-')}-{digest}"


def _text_of(value: Any) -> str | None:
    if isinstance(value, str) and value and not value.startswith("$."):
        return re.sub(r"<[^>]+>", "", value).strip() or DYNAMIC
    if value:
        return DYNAMIC
    return None


def _say(parameters: dict[str, Any]) -> str | None:
    said = _text_of(parameters.get("Text") or parameters.get("SSML"))
    if said:
        return said
    messages = parameters.get("Messages")
    if isinstance(messages, list) and messages:
        texts = [
            _text_of(m.get("Text") or m.get("SSML")) if isinstance(m, dict) else None
            for m in messages
        ]
        literal = [t for t in texts if t and t != DYNAMIC]
        return literal[0] if literal else DYNAMIC
    if parameters.get("PromptId") or parameters.get("Media"):
        return DYNAMIC
    return None


def _meta_text(meta: dict[str, Any], identifier: str, key: str) -> str | None:
    """A name from the export's action metadata, written as ``{"text": ...}`` or plain."""
    entry = meta.get(identifier)
    value = entry.get(key) if isinstance(entry, dict) else None
    if isinstance(value, dict):
        value = value.get("text") or value.get("name")
    return str(value) if isinstance(value, str | int) and str(value) else None


def flow_name(data: Any, fallback: str) -> str:
    """The flow's own name where the export has one."""
    if isinstance(data, dict):
        wrapper = data.get("ContactFlow", data)
        if isinstance(wrapper, dict) and isinstance(wrapper.get("Name"), str):
            return str(wrapper["Name"])
    flow = _content(data) or {}
    metadata = flow.get("Metadata") or {}
    if isinstance(metadata, dict) and isinstance(metadata.get("name"), str):
        return str(metadata["name"])
    return fallback


def _route(target: str, label: str | None) -> Any:
    return {"to": target, "label": label} if label else target


def convert(data: Any, file_name: str) -> dict[str, Any]:
    """Journey data (plain dicts, ready for YAML) for a Connect flow from a file named
    ``file_name``: the journey's id comes from the file name (unique in a folder), its
    title from the flow's own name."""
    flow = _content(data, strict=True)
    if flow is None:
        raise ValueError("no `Actions` and `StartAction` in it")
    title = flow_name(data, file_name)
    raw_actions = flow.get("Actions")
    if not isinstance(raw_actions, list) or not all(
        isinstance(a, dict) and isinstance(a.get("Identifier"), str) and "Type" in a
        for a in raw_actions
    ):
        raise ValueError("`Actions` must be a list of actions with `Identifier` and `Type`")
    actions: dict[str, dict[str, Any]] = {a["Identifier"]: a for a in raw_actions}
    if flow["StartAction"] not in actions:
        raise ValueError(f"`StartAction` names no action (`{flow['StartAction']}`)")
    raw_metadata = flow.get("Metadata")
    metadata: dict[str, Any] = raw_metadata if isinstance(raw_metadata, dict) else {}
    raw_meta = metadata.get("ActionMetadata")
    meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
    customer_queue = str(metadata.get("type") or metadata.get("Type") or "").lower() in (
        "customerqueue",
        "customer_queue",
    )
    team = _slug(title) or "flow"
    teams: dict[str, Any] = {team: {"name": title, "kind": "automated"}}

    ids: dict[str, str] = {}
    for identifier, action in actions.items():
        if _UUID.fullmatch(identifier) or not re.search(r"[A-Za-z]", identifier):
            base = _slug(str(action["Type"]).replace("Participant", "").replace("Contact", ""))
            candidate = f"{base}_{re.sub(r'[^A-Za-z0-9]', '', identifier)[:6]}"
        else:  # a flow written by hand names its blocks
            candidate = _slug(identifier, 60)
        candidate = candidate.lstrip("._-") or "step"
        while candidate in ids.values():
            candidate += "_"
        ids[identifier] = candidate

    def parameters_of(action: dict[str, Any]) -> dict[str, Any]:
        parameters = action.get("Parameters")
        return parameters if isinstance(parameters, dict) else {}

    def transitions(action: dict[str, Any]) -> list[tuple[str, str, str]]:
        """(kind, label, target id) for each way out, in the export's order."""
        trans = action.get("Transitions")
        trans = trans if isinstance(trans, dict) else {}
        found: list[tuple[str, str, str]] = []
        if isinstance(trans.get("NextAction"), str):
            found.append(("next", "next", trans["NextAction"]))
        for cond in trans.get("Conditions") or []:
            if not isinstance(cond, dict):
                continue
            raw = cond.get("Condition")
            condition: dict[str, Any] = raw if isinstance(raw, dict) else {}
            operands = condition.get("Operands") or ["?"]
            operand = operands[0] if isinstance(operands, list) and operands else operands
            found.append(("condition", str(operand), str(cond.get("NextAction"))))
        for error in trans.get("Errors") or []:
            if isinstance(error, dict):
                found.append(
                    ("error", str(error.get("ErrorType", "error")), str(error.get("NextAction")))
                )
        return [(k, label, t) for k, label, t in found if t in actions]

    def waits_only(action: dict[str, Any]) -> bool:
        """An input block with nothing to choose and nothing stored: it plays its
        prompt and waits (a voicemail beep)."""
        trans = action.get("Transitions") or {}
        return (
            action["Type"] == "GetParticipantInput"
            and not (isinstance(trans, dict) and trans.get("Conditions"))
            and str(parameters_of(action).get("StoreInput", "False")).lower() != "true"
        )

    queue_of: dict[str, str] = {}
    for identifier, action in actions.items():
        if action["Type"] == "UpdateContactTargetQueue":
            queue_of[identifier] = _meta_text(meta, identifier, "queue") or str(
                parameters_of(action).get("QueueId") or "queue"
            )

    predecessors: dict[str, list[str]] = {i: [] for i in actions}
    for identifier, action in actions.items():
        for _, _, following in transitions(action):
            predecessors[following].append(identifier)

    def queue_for(identifier: str) -> str:
        """The queue set by the nearest ``UpdateContactTargetQueue`` before a transfer."""
        seen, frontier = {identifier}, [identifier]
        while frontier:
            current = frontier.pop(0)
            if current in queue_of:
                return queue_of[current]
            for pred in predecessors[current]:
                if pred not in seen and len(seen) < 400:
                    seen.add(pred)
                    frontier.append(pred)
        queue = parameters_of(actions[identifier]).get("QueueId")
        return str(queue) if isinstance(queue, str) and queue else "queue"

    def settings_block(action: dict[str, Any]) -> bool:
        kind = str(action["Type"])
        return (
            kind.startswith("Update") or kind in {"SetLoggingBehavior", "Wait"}
        ) and kind != "UpdateContactTargetQueue"

    def passthrough(identifier: str, seen: frozenset[str] = frozenset()) -> str:
        """Skip settings blocks whose routes all lead to one place."""
        action = actions[identifier]
        if settings_block(action) and identifier not in seen:
            seen = seen | {identifier}
            targets = {passthrough(t, seen) for _, _, t in transitions(action)}
            if len(targets) == 1:
                return targets.pop()
        return identifier

    def step_of(identifier: str) -> str:
        """The step a route to ``identifier`` leads to (in a customer-queue flow, the end
        of the flow is going back to waiting for an agent)."""
        target = passthrough(identifier)
        return "in_queue" if customer_queue and target in back_to_hold else ids[target]

    def loop_count(identifier: str) -> int | None:
        """The ``LoopCount`` of a ``Loop`` reached from ``identifier`` through messages."""
        current, seen = passthrough(identifier), set[str]()
        while current not in seen and len(seen) < 20:
            seen.add(current)
            action = actions[current]
            if action["Type"] == "Loop":
                count = parameters_of(action).get("LoopCount", 3)
                try:
                    return int(count)
                except (TypeError, ValueError):
                    return 3
            if action["Type"] not in ("MessageParticipant",):
                return None
            nxt = next((t for k, _, t in transitions(action) if k == "next"), None)
            if nxt is None:
                return None
            current = passthrough(nxt)
        return None

    nodes: dict[str, Any] = {}
    back_to_hold = {i for i, a in actions.items() if a["Type"] == "EndFlowExecution"}
    records = any(  # IVR recording switched on: a silent wait is a voicemail being left
        a["Type"] == "UpdateContactRecordingBehavior"
        and "enabled" in json.dumps(a.get("Parameters")).lower()
        and "ivrrecordingbehavior" in json.dumps(a.get("Parameters")).lower()
        for a in actions.values()
    )

    def errors_into(step: dict[str, Any], way: list[tuple[str, str, str]], key: str) -> None:
        """The first error route as ``key``, the others (to other places) as branches."""
        errors = [(label, t) for k, label, t in way if k == "error"]
        if not errors:
            return
        step[key] = step_of(errors[0][1])
        for label, target in errors[1:]:
            if step_of(target) != step[key]:
                step.setdefault("branches", {})[label] = step_of(target)

    for identifier, action in actions.items():
        kind = str(action["Type"])
        parameters = parameters_of(action)
        way = transitions(action)
        sid = ids[identifier]
        if passthrough(identifier) != identifier:
            continue
        if customer_queue and identifier in back_to_hold:
            continue
        step: dict[str, Any] = {"team": team, "source": identifier}
        nxt = next((t for k, _, t in way if k == "next"), None)
        errors = [(label, t) for k, label, t in way if k == "error"]
        if kind == "GetParticipantInput" and waits_only(action) and records:
            # the caller speaks while the flow records: a voicemail being left
            step.update(type="self_service", say="(records the caller's message)")
            onward = [t for k, label, t in way if label != "NoMatchingError"]
            if onward:
                step["next"] = step_of(onward[0])
            failed = [t for k, label, t in way if label == "NoMatchingError"]
            if failed and step_of(failed[0]) != step.get("next"):
                step["on_error"] = step_of(failed[0])
        elif kind in ("MessageParticipant", "MessageParticipantIteratively") or (
            kind == "GetParticipantInput" and waits_only(action)
        ):
            step["type"] = "message"
            say = _say(parameters)
            if say:
                step["say"] = say
            onward = [t for k, _, t in way if k != "error"]
            if kind == "GetParticipantInput":  # a beep: every way on but a failure goes on
                onward = [t for k, label, t in way if label != "NoMatchingError"]
                errors = [(label, t) for k, label, t in way if label == "NoMatchingError"]
            if onward:
                step["next"] = step_of(onward[0])
            if errors and step_of(errors[0][1]) != step.get("next"):
                step["on_error"] = step_of(errors[0][1])
        elif kind == "ConnectParticipantWithLexBot" or (
            kind == "GetParticipantInput"
            and (parameters.get("LexV2Bot") or parameters.get("LexBot"))
        ):  # a bot turn: the caller says what they want, a hurdle like a menu
            step.update(type="menu", options={})
            step["say"] = _say(parameters) or DYNAMIC
            for k, label, t in way:
                if k == "condition":
                    step["options"].setdefault(label, step_of(t))
            if nxt:
                step["options"].setdefault("(any other)", step_of(nxt))
            for label, t in errors:
                route = INPUT_ROUTES.get(label, "on_fail")
                step.setdefault(route, step_of(t))
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
                step["options"] = {}
                for k, label, t in way:
                    if k == "condition":
                        step["options"].setdefault(label, step_of(t))
                if nxt:  # a default way on besides the keys
                    step["options"].setdefault("(any other)", step_of(nxt))
            counts = []
            for label, t in errors:
                route = INPUT_ROUTES.get(label, "on_fail")
                if stores and route == "on_fail":
                    route = "on_error"
                if route in step:
                    if step[route] != step_of(t):  # two failures, two places: keep both
                        step.setdefault("on_error" if stores else "on_fail", step_of(t))
                    continue
                step[route] = step_of(t)
                count = loop_count(t)
                if count is not None and route in ("no_input", "no_match"):
                    counts.append(count)
            if counts:
                step["max_retries"] = max(counts)
        elif kind == "TransferContactToQueue":
            queue = queue_for(identifier)
            queue_team = _slug(queue) or "queue"
            teams.setdefault(queue_team, {"name": queue})
            agent = f"{sid}_agent"
            step.update(type="queue", team=queue_team, next=agent)
            for label, target in errors:
                if label == "QueueAtCapacity" and "on_timeout" not in step:
                    step["on_timeout"] = _route(step_of(target), "queue at capacity")
                elif "on_error" not in step:
                    step["on_error"] = step_of(target)
            if not customer_queue:
                step["ignore"] = dict(HOLD_ELSEWHERE)
            nodes[agent] = {"type": "agent", "team": queue_team, "source": identifier}
            nodes[agent]["next"] = f"{sid}_served"
            nodes[f"{sid}_served"] = {"type": "end", "outcome": "resolved", "source": identifier}
        elif kind == "CreateCallbackContact":
            queue = queue_for(identifier) if any(queue_of) else "callback"
            queue_team = _slug(queue) or "callback"
            teams.setdefault(queue_team, {"name": queue})
            step.update(type="queue", team=queue_team, callback=True)
            step["say"] = "(a call-back is booked)"
            step["ignore"] = {"queue-no-wait-estimate": "a call-back: nobody waits on the line"}
            if nxt:
                step["next"] = step_of(nxt)
            else:
                step["next"] = f"{sid}_booked"
                nodes[f"{sid}_booked"] = {
                    "type": "end",
                    "outcome": "resolved",
                    "source": identifier,
                }
            if errors:
                step["on_error"] = step_of(errors[0][1])
        elif kind == "TransferParticipantToThirdParty":
            teams.setdefault("third_party", {"name": "Outside party", "kind": "vendor"})
            number = str(parameters.get("ThirdPartyPhoneNumber") or "an outside number")
            agent = f"{sid}_answered"
            step.update(type="condition", say=f"(dials {number})", branches={"connected": agent})
            errors_into(step, way, "on_error")
            nodes[agent] = {"type": "agent", "team": "third_party", "source": identifier}
            if nxt:
                nodes[agent]["next"] = step_of(nxt)
            else:
                nodes[agent]["next"] = f"{sid}_served"
                nodes[f"{sid}_served"] = {
                    "type": "end",
                    "outcome": "resolved",
                    "source": identifier,
                }
        elif kind in FLOW_EXITS:
            other = (
                _meta_text(meta, identifier, "ContactFlow")
                or _meta_text(meta, identifier, "FlowModule")
                or parameters.get("ContactFlowId")
                or ("the end of this flow" if kind != "TransferToFlow" else "another flow")
            )
            step.update(type="external", target=str(other))
            step.pop("team")
            if errors:
                step["on_error"] = step_of(errors[0][1])
        elif kind == "DisconnectParticipant":
            step.update(type="end", **{JUDGE: True})
        elif not way:  # a block with no way on ends this flow: control goes elsewhere
            other = (
                _meta_text(meta, identifier, "FlowModule")
                or _meta_text(meta, identifier, "ContactFlow")
                or parameters.get("FlowModuleId")
                or kind
            )
            step.update(type="external", target=str(other))
            step.pop("team")
        else:  # decisions by code or data, module calls, and anything not known
            step["type"] = "condition"
            branches: dict[str, str] = {}
            found_meta = meta.get(identifier)
            legacy: dict[str, Any] = found_meta if isinstance(found_meta, dict) else {}
            labels = DECISION_LABELS.get(str(legacy.get("legacyType") or kind), {})
            for k, label, t in way:
                if k == "error":
                    continue
                if k == "next":
                    name = {
                        "Loop": "tries used up",
                        "InvokeFlowModule": "returns",
                        "InvokeLambdaFunction": "success",
                    }.get(kind, "set" if settings_block(action) else "default")
                elif kind == "Loop":
                    name = "loop" if label == "ContinueLooping" else "tries used up"
                elif kind == "CheckMetricData" and AGENT_METRIC.search(
                    str(parameters.get("MetricType") or "")
                ):
                    name = f"agents {label}" if label not in ("True", "False") else label
                    name = {"True": "agents staffed", "False": "no agents"}.get(name, name)
                else:
                    name = labels.get(label.lower(), label)
                if name in branches and branches[name] != step_of(t):
                    name = f"{name} ({k})"
                branches.setdefault(name, step_of(t))
            metric = str(parameters.get("MetricType") or "")
            people = kind == "CheckMetricData" and AGENT_METRIC.search(metric) is not None
            for label, t in errors:
                if label == "NoMatchingCondition":  # the "else" of a check, not a failure
                    branches.setdefault("no agents" if people else "otherwise", step_of(t))
            step["branches"] = branches
            step_errors = [(label, t) for label, t in errors if label != "NoMatchingCondition"]
            if step_errors:
                step["on_error"] = step_of(step_errors[0][1])
                for label, t in step_errors[1:]:
                    if step_of(t) != step["on_error"]:
                        branches.setdefault(label, step_of(t))
            if kind == "InvokeFlowModule":
                other = _meta_text(meta, identifier, "FlowModule") or parameters.get("FlowModuleId")
                step["say"] = f"(runs the flow module {other or ''})".replace(" )", ")")
        nodes[sid] = step
    entry = ids[passthrough(flow["StartAction"])]
    if customer_queue:
        entry = _hold_loop(nodes, teams, team, entry, actions, "holding")
    return judge_ends(
        {
            "journey": journey_id(file_name),
            "title": title,
            "description": "Imported from an Amazon Connect flow by journeymap.",
            "channel": "phone",
            "entry": entry,
            "teams": teams,
            "nodes": nodes,
        }
    )


def _hold_loop(
    nodes: dict[str, Any],
    teams: dict[str, Any],
    team: str,
    first: str,
    actions: dict[str, dict[str, Any]],
    hold: str,
) -> str:
    """Wrap a customer-queue flow in the queue it plays in: at any point an agent may
    answer, and the end of the flow goes back to holding."""
    kinds = {str(a["Type"]) for a in actions.values()}
    texts = " ".join(str(s.get("say") or "") for s in nodes.values())
    teams.setdefault("queue", {"name": "The queue the caller waits in"})
    nodes["in_queue"] = {
        "type": "queue",
        "team": "queue",
        "source": "(customer queue)",
        "next": "answered_by_agent",
        "callback": "CreateCallbackContact" in kinds,
        "wait_estimate": bool({"GetMetricData", "GetQueueMetrics"} & kinds)
        or bool(WAIT_WORDS.search(texts)),
    }
    nodes["answered_by_agent"] = {
        "type": "agent",
        "team": "queue",
        "source": "(customer queue)",
        "next": "answered",
    }
    nodes["answered"] = {"type": "end", "outcome": "resolved", "source": "(customer queue)"}
    nodes[hold] = {
        "type": "condition",
        "team": team,
        "source": "(customer queue)",
        "say": "(the caller holds; the flow plays until an agent answers)",
        "branches": {"agent answers": "in_queue", "still waiting": first},
    }
    return hold


def block_paths(data: Any) -> dict[str, tuple[str | int, ...]]:
    """Where each action stands in the export, by identifier (bare flows only: in the
    API wrappers the flow is one escaped string)."""
    if connect_legacy.looks_like(data):
        return connect_legacy.block_paths(data)
    actions = data.get("Actions") if isinstance(data, dict) else None
    if not isinstance(actions, list):
        return {}
    return {
        str(a.get("Identifier")): ("Actions", i)
        for i, a in enumerate(actions)
        if isinstance(a, dict)
    }
