"""Genesys Cloud Architect flows in Archy YAML (``inboundCall``, ``inqueueCall``) -> journey data.

Menus become ``menu`` steps (keys from each choice's ``dtmf``): a
``menuTransferToAcd`` choice leads to the queue's team (a ``queue`` and its
``agent``), ``menuJumpToMenu`` to the other menu, ``menuTask`` to the task,
``menuDisconnect`` to an ``end`` (``abandoned``: the caller chose to leave).
Silence and wrong keys repeat the menu up to ``settingsMenu.repeatCount``
times (the menu's, else the flow's, else 3).

A task's ``actions`` run in order: ``playAudio`` is a ``message``;
``transferToAcd`` a queue (when the transfer fails the task goes on with the
next action); ``transferToVoicemail`` a queue that calls back;
``disconnect`` an ``end`` (``disconnected`` after a failure output, else
``resolved``); ``jumpToMenu`` / ``jumpToTask`` jump; ``decision``,
``switch`` and data actions (``callData``, ``dataTableLookup``, ...) are
``condition`` steps whose outputs are all possible, each output's actions
running before the task goes on. Settings actions (``updateData``, ...) pass.

An ``inqueueCall`` flow runs while the caller holds in a queue and loops by
design: it becomes a queue whose agent can answer at any point of the loop,
so the hold loop is never an endless loop.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .connect import journey_id
from .outcomes import JUDGE, judge_ends

DYNAMIC = "(dynamic prompt)"
FLOW_KINDS = ("inboundCall", "inqueueCall", "inboundShortMessage", "inboundChat")
EXPECTED_OUTPUTS = {
    "decision": ("yes", "no"),
    "callData": ("success", "failure", "timeout"),
    "dataTableLookup": ("found", "notFound", "failure"),
    "collectInput": ("success", "failure"),
    "findQueue": ("found", "notFound"),
    "findUser": ("found", "notFound"),
    "findGroup": ("found", "notFound"),
    "evaluateSchedule": ("open", "closed"),
    "evaluateScheduleGroup": ("open", "closed", "holiday", "emergency"),
    "callBotFlow": ("success", "failure"),
    "callDialogflowBot": ("success", "failure"),
    "callDialogflowCXBot": ("success", "failure"),
    "callLexBot": ("success", "failure"),
    "callLexV2Bot": ("success", "failure"),
}
"""Outputs an action always has: one the file leaves unwritten goes on with the task."""
WAIT_WORDS = re.compile(r"wait(ing)? time|EstimatedWaitTime|position in (the )?queue", re.I)
CALLBACK_WORDS = re.compile(r"call ?back|return your call|createCallback", re.I)
AGENTS_CHECK = re.compile(r"Agents?(Idle|Available|OnQueue|Staffed|Online)|Staffed|Idle", re.I)
OPEN_CHECK = re.compile(r"\bIs(Open|Closed)\b|Hours|Schedule|Holiday", re.I)
TO_FLOW = {"transferToFlow", "transferToFlowSecure", "transferToFlowInQueue"}
TO_PERSON = {"transferToNumber", "transferToUser", "transferToGroup", "transferToExternal"}
HOLD_ELSEWHERE = {
    "queue-no-wait-estimate": "the hold experience is set in the queue's in-queue flow, "
    "outside this export",
    "queue-no-callback": "the hold experience is set in the queue's in-queue flow, outside "
    "this export",
}


def _flow(data: Any) -> tuple[str, dict[str, Any]] | None:
    if isinstance(data, dict):
        for kind in FLOW_KINDS:
            if isinstance(data.get(kind), dict):
                return kind, data[kind]
    return None


def looks_like(data: Any) -> bool:
    """Whether ``data`` is an Archy flow."""
    return _flow(data) is not None


def block_paths(data: Any) -> dict[str, tuple[str | int, ...]]:
    """Where each menu and task stands in the file, by ``refId``."""
    found = _flow(data)
    if found is None:
        return {}
    kind, flow = found
    paths: dict[str, tuple[str | int, ...]] = {}
    for group, item in (("menus", "menu"), ("tasks", "task")):
        for i, entry in enumerate(flow.get(group) or []):
            body = entry.get(item) if isinstance(entry, dict) else None
            if isinstance(body, dict):
                paths[str(body.get("refId") or body.get("name"))] = (kind, group, i, item)
    return paths


def _slug(text: str, limit: int = 48) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()[:limit] or "step"


def _lit(value: Any) -> Any:
    if isinstance(value, dict) and "lit" in value:
        return value["lit"]
    return None


def _audio(value: Any) -> str | None:
    if isinstance(value, dict):
        if isinstance(value.get("tts"), str):
            return str(value["tts"]).strip() or None
        if value.get("exp") or value.get("prompt") or value.get("var"):
            return DYNAMIC
    return None


def _ref(value: Any) -> str | None:
    text = value if isinstance(value, str) else None
    if text is None:
        return None
    match = re.search(r"\[([^\]]+)\]", text)
    return match.group(1) if match else text


BOT_CALLS = {
    "callBotFlow",
    "callDialogflowBot",
    "callDialogflowCXBot",
    "callLexBot",
    "callLexV2Bot",
}
"""Actions that hand the caller to a bot for a turn of conversation."""


def _bot_turn(branches: dict[str, str], team: str, source: str) -> dict[str, Any]:
    """A bot turn as a menu: each intent an option, ``no match`` / ``no input`` the
    retry routes, ``failure`` the bot failing (``on_fail``)."""
    step: dict[str, Any] = {
        "type": "menu",
        "team": team,
        "source": source,
        "say": DYNAMIC,
        "options": {},
    }
    for label, target in branches.items():
        if label in ("no match", "no input"):
            step[label.replace(" ", "_")] = target
        elif label in ("failure", "error"):
            step["on_fail"] = target
        elif label == "success":
            step["options"].setdefault("(any other)", target)
        else:
            step["options"][label] = target
    return step


def _failure_actions(body: dict[str, Any]) -> list[Any]:
    """The actions a transfer runs when it fails (``failureOutputs`` only names the
    variables of the error; some exports nest actions under ``outputs.failure``)."""
    outputs = body.get("outputs")
    failure = outputs.get("failure") if isinstance(outputs, dict) else None
    actions = failure.get("actions") if isinstance(failure, dict) else None
    return actions if isinstance(actions, list) else []


def _text_of(value: Any) -> str | None:
    literal = _lit(value)
    return literal if isinstance(literal, str) and literal.strip() else None


def _branch_label(label: str) -> str:
    """An output's name as a branch label (``notFound`` -> ``not found``)."""
    return re.sub(r"([a-z])([A-Z])", r"\1 \2", label).lower()


class _Builder:
    def __init__(self, flow_name: str, repeat: int) -> None:
        self.team = _slug(flow_name)
        self.teams: dict[str, Any] = {self.team: {"name": flow_name, "kind": "automated"}}
        self.nodes: dict[str, Any] = {}
        self.refs: dict[str, str] = {}
        self.repeat = repeat
        self.pending: list[tuple[dict[str, Any], str, str]] = []
        self.in_queue = False

    def new_id(self, base: str) -> str:
        sid = _slug(base)
        while sid in self.nodes:
            sid += "_"
        self.nodes[sid] = {}
        return sid

    def end(self, outcome: str | None, source: str) -> str:
        """An end: ``outcome`` when the file says it, else judged by what leads to it."""
        sid = self.new_id(f"end_{outcome or 'disconnect'}")
        step: dict[str, Any] = {"type": "end", "source": source}
        if outcome:
            step["outcome"] = outcome
        else:
            step[JUDGE] = True
        self.nodes[sid] = step
        return sid

    def message(self, say: str, source: str, then: str | None) -> str:
        sid = self.new_id("message")
        step: dict[str, Any] = {"type": "message", "team": self.team, "source": source}
        step["say"] = say
        if then:
            step["next"] = then
        self.nodes[sid] = step
        return sid

    def queue(
        self,
        name: str,
        source: str,
        on_fail: str | None,
        callback: bool = False,
        failure_audio: str | None = None,
    ) -> str:
        team = _slug(name)
        self.teams.setdefault(team, {"name": name})
        sid = self.new_id(f"queue_{name}")
        agent = self.new_id(f"agent_{name}")
        step: dict[str, Any] = {"type": "queue", "team": team, "source": source, "next": agent}
        if callback:
            step["callback"] = True
            step["ignore"] = {"queue-no-wait-estimate": "a voicemail: nobody waits on the line"}
        elif not self.in_queue:
            step["ignore"] = dict(HOLD_ELSEWHERE)
        if failure_audio and failure_audio != DYNAMIC:
            on_fail = self.message(failure_audio, source, on_fail)
        if on_fail:
            step["on_error"] = on_fail
        self.nodes[sid] = step
        self.nodes[agent] = {
            "type": "agent",
            "team": team,
            "source": source,
            "next": self.end("resolved", source),
        }
        return sid

    def link(self, step: dict[str, Any], key: str, ref: str | None) -> None:
        """Point ``step[key]`` at a menu or task by reference, resolved at the end."""
        self.pending.append((step, key, ref or "?"))

    def sequence(self, actions: list[Any], then: str | None, source: str) -> str | None:
        """The first step of ``actions`` run in order, then ``then``."""
        following = then
        for action in reversed(actions or []):
            if not isinstance(action, dict) or not action:
                continue
            kind, body = next(iter(action.items()))
            body = body if isinstance(body, dict) else {}
            following = self.action(kind, body, following, source)
        return following

    def action(self, kind: str, body: dict[str, Any], then: str | None, source: str) -> str | None:
        name = str(body.get("name") or kind)
        if kind == "playAudio":
            sid = self.new_id(name)
            step = {
                "type": "message",
                "team": self.team,
                "source": source,
                "say": _audio(body.get("audio")) or DYNAMIC,
            }
            if then:
                step["next"] = then
            self.nodes[sid] = step
            return sid
        if kind == "transferToAcd":  # when the transfer fails, the task goes on
            queue = _lit(body.get("targetQueue"))
            queue_name = queue.get("name") if isinstance(queue, dict) else None
            first = self.queue(
                str(queue_name or "queue"),
                source,
                then or self.end(None, source),
                failure_audio=_audio(body.get("failureTransferAudio")),
            )
            before = _audio(body.get("preTransferAudio"))
            return self.message(before, source, first) if before and before != DYNAMIC else first
        if kind == "transferToVoicemail":
            fallback = self.sequence(_failure_actions(body), then, source) or then
            return self.queue(
                "voicemail", source, fallback or self.end(None, source), callback=True
            )
        if kind == "disconnect":
            return self.end(None, source)
        if kind in ("jumpToMenu", "jumpToTask"):
            sid = self.new_id(f"{kind}_{name}")
            jump: dict[str, Any] = {"type": "message", "team": self.team, "source": source}
            self.nodes[sid] = jump
            self.link(jump, "next", _ref(body.get("targetMenuRef") or body.get("targetTaskRef")))
            return sid
        if kind in TO_FLOW or kind in TO_PERSON:
            fallback = self.sequence(_failure_actions(body), then, source) or then
            failure_audio = _audio(body.get("failureTransferAudio"))
            if failure_audio and failure_audio != DYNAMIC:
                fallback = self.message(failure_audio, source, fallback)
            fallback = fallback or self.end(None, source)
            sid = self.new_id(name)
            if kind in TO_FLOW:
                target = body.get("targetFlow")
                named = target.get("name") if isinstance(target, dict) else None
                self.nodes[sid] = {
                    "type": "external",
                    "source": source,
                    "target": str(named or _lit(target) or kind),
                    "on_error": fallback,
                }
                return sid
            self.teams.setdefault("transfer", {"name": "Transfer target", "kind": "vendor"})
            agent = self.new_id(f"{name}_answered")
            self.nodes[agent] = {
                "type": "agent",
                "team": "transfer",
                "source": source,
                "next": self.end("resolved", source),
            }
            self.nodes[sid] = {
                "type": "condition",
                "team": self.team,
                "source": source,
                "branches": {"connected": agent},
                "on_error": fallback,
            }
            return sid
        if kind in ("endTask", "endState", "exitBotFlow", "returnToQueue"):
            sid = self.new_id(name)
            self.nodes[sid] = {"type": "external", "source": source, "target": kind}
            return sid
        if kind in ("sendResponse", "communicate"):
            say = _audio(body.get("messageBody")) or _text_of(body.get("messageBody"))
            return self.message(say or DYNAMIC, source, then)
        outputs = body.get("outputs")
        if kind == "switch":
            evaluate = body.get("evaluate") or {}
            first_true = evaluate.get("firstTrue") or {}
            outputs = {}
            for i, case in enumerate(first_true.get("cases") or []):
                inner = case.get("case") if isinstance(case, dict) else None
                if isinstance(inner, dict):
                    outputs[f"case {i + 1}"] = inner
            if isinstance(first_true.get("default"), dict):
                outputs["default"] = first_true["default"]
        expected = EXPECTED_OUTPUTS.get(kind)
        if expected is not None:  # outputs left out of the file go on with the task
            outputs = {**{label: {} for label in expected}, **(outputs or {})}
            if kind == "decision" and not isinstance(body.get("outputs"), dict):
                outputs = {"yes": {}, "no": {}}
        if kind == "decision" and isinstance(outputs, dict):
            condition = json.dumps(body.get("condition"))
            if AGENTS_CHECK.search(condition):
                closed = "no (no agents)"
            elif OPEN_CHECK.search(condition):
                closed = "no (closed)"
            else:
                closed = ""
            if closed:  # a check on agents or opening hours: "no" is a closure by design
                outputs = {(closed if k == "no" else k): v for k, v in outputs.items()}
        if isinstance(outputs, dict) and outputs:
            sid = self.new_id(name)
            branches: dict[str, str] = {}
            for label, output in outputs.items():
                actions = output.get("actions") if isinstance(output, dict) else None
                target = self.sequence(actions or [], then, source)
                branches[_branch_label(str(label))] = target or then or self.end(None, source)
            if kind in BOT_CALLS:  # a bot turn: the customer answers, a hurdle like a menu
                self.nodes[sid] = _bot_turn(branches, self.team, source)
            else:
                self.nodes[sid] = {
                    "type": "condition",
                    "team": self.team,
                    "source": source,
                    "branches": branches,
                }
            return sid
        return then  # settings, data updates and hold music: nothing that routes

    def menu(self, body: dict[str, Any], flow_repeat: int) -> str:
        source = str(body.get("refId") or body.get("name"))
        sid = self.refs[source]
        repeat = _lit((body.get("settingsMenu") or {}).get("repeatCount"))
        step: dict[str, Any] = {
            "type": "menu",
            "team": self.team,
            "source": source,
            "say": _audio(body.get("audio")) or DYNAMIC,
            "options": {},
            "no_input": sid,
            "no_match": sid,
            "max_retries": int(repeat) if isinstance(repeat, int) else flow_repeat,
        }
        for choice in body.get("choices") or []:
            if not isinstance(choice, dict) or not choice:
                continue
            kind, inner = next(iter(choice.items()))
            inner = inner if isinstance(inner, dict) else {}
            key = str(inner.get("dtmf") or inner.get("name") or kind).replace("digit_", "")
            key = {"star": "*", "pound": "#"}.get(key, key)
            if kind == "menuTransferToAcd":  # a failed transfer repeats the menu
                queue = _lit(inner.get("targetQueue"))
                name = queue.get("name") if isinstance(queue, dict) else None
                first = self.queue(
                    str(name or "queue"),
                    source,
                    sid,
                    failure_audio=_audio(inner.get("failureTransferAudio")),
                )
                before = _audio(inner.get("preTransferAudio"))
                if before and before != DYNAMIC:
                    first = self.message(before, source, first)
                step["options"][key] = first
            elif kind == "menuDisconnect":  # the caller chose to leave: judged as a choice
                step["options"][key] = self.end(None, source)
            elif kind == "menuTransferToVoicemail":
                step["options"][key] = self.queue("voicemail", source, sid, callback=True)
            elif kind in ("menuRepeatMenu",):
                step["options"][key] = sid
            elif kind in ("menuJumpToMenu", "menuJumpToTask", "menuTask"):
                task = inner.get("task")
                if isinstance(task, dict):
                    inline = self.sequence(task.get("actions") or [], None, source)
                    step["options"][key] = inline or self.end(None, source)
                else:
                    placeholder = {"options": step["options"]}
                    self.pending.append(
                        (
                            placeholder["options"],
                            key,
                            _ref(inner.get("targetMenuRef") or inner.get("targetTaskRef")) or "?",
                        )
                    )
            else:
                sid_other = self.new_id(f"{kind}_{key}")
                self.nodes[sid_other] = {"type": "external", "source": source, "target": kind}
                step["options"][key] = sid_other
        self.nodes[sid] = step
        return sid


def convert(data: Any, name: str) -> dict[str, Any]:
    """Journey data (plain dicts, ready for YAML) for an Archy flow."""
    found = _flow(data)
    if found is None:
        raise ValueError("not a Genesys Architect flow")
    kind, flow = found
    flow_name = str(flow.get("name") or name)
    repeat = _lit((flow.get("settingsMenu") or {}).get("repeatCount"))
    builder = _Builder(flow_name, int(repeat) if isinstance(repeat, int) else 3)
    builder.in_queue = kind == "inqueueCall"
    menus = [m["menu"] for m in flow.get("menus") or [] if isinstance(m, dict) and "menu" in m]
    tasks = [t["task"] for t in flow.get("tasks") or [] if isinstance(t, dict) and "task" in t]
    for body in (*menus, *tasks):
        ref = str(body.get("refId") or body.get("name"))
        builder.refs[ref] = builder.new_id(str(body.get("name") or ref))
    for body in menus:
        builder.menu(body, builder.repeat)
    for body in tasks:
        ref = str(body.get("refId") or body.get("name"))
        first = builder.sequence(body.get("actions") or [], None, ref)
        builder.nodes[builder.refs[ref]] = {
            "type": "message",
            "team": builder.team,
            "source": ref,
            "next": first or builder.end(None, ref),
        }
    for holder, key, ref in builder.pending:
        target = builder.refs.get(ref)
        if target is None:
            target = builder.new_id(f"missing_{ref}")
            builder.nodes[target] = {"type": "external", "target": f"missing reference {ref}"}
        holder[key] = target
    if kind == "inqueueCall":
        waiting = builder.new_id("holding")
        # the hold flow starts again when its actions end: it loops while the caller waits
        first = builder.sequence(
            flow.get("startUpTaskActions") or [], waiting, "startUpTaskActions"
        )
        hold = builder.new_id("in_queue")
        agent = builder.new_id("answered_by_agent")
        builder.teams.setdefault("queue", {"name": "The queue the caller waits in"})
        # this flow is the hold experience: what it says and offers is what the queue does
        said = (
            " ".join(str(v.get("say") or "") for v in builder.nodes.values() if isinstance(v, dict))
            + " "
            + json.dumps(flow.get("startUpTaskActions"))
        )
        builder.nodes[hold] = {
            "type": "queue",
            "team": "queue",
            "source": "inqueueCall",
            "next": agent,
            "wait_estimate": WAIT_WORDS.search(said) is not None,
            "callback": CALLBACK_WORDS.search(said) is not None,
        }
        if re.search(r"\bpark", flow_name, re.I):
            builder.nodes[hold]["ignore"] = {
                rule: "a parked call waits for the agent who parked it"
                for rule in ("queue-no-wait-estimate", "queue-no-callback")
            }
        builder.nodes[agent] = {
            "type": "agent",
            "team": "queue",
            "source": "inqueueCall",
            "next": builder.end("resolved", "inqueueCall"),
        }
        # at any point of the hold flow an agent may answer: the loop is never a trap
        if first and first != waiting:
            builder.nodes[waiting] = {
                "type": "condition",
                "team": builder.team,
                "source": "startUpTaskActions",
                "branches": {"agent answers": hold, "still waiting": first},
            }
            entry = waiting
        else:
            del builder.nodes[waiting]
            entry = hold
    else:
        start = _ref(flow.get("startUpRef"))
        found_entry = builder.refs.get(start or "")
        if found_entry is None:
            raise ValueError(f"`startUpRef` names no menu or task (`{flow.get('startUpRef')}`)")
        entry = found_entry
        greeting = _audio(flow.get("initialGreeting"))
        if greeting and greeting != DYNAMIC:
            first_step = builder.new_id("initial_greeting")
            builder.nodes[first_step] = {
                "type": "message",
                "team": builder.team,
                "source": "initialGreeting",
                "say": greeting,
                "next": entry,
            }
            entry = first_step
    empty = [k for k, v in builder.nodes.items() if not v]
    for key in empty:
        del builder.nodes[key]
    used = {entry} | {
        value
        for step in builder.nodes.values()
        for value in (
            *step.values(),
            *(step.get("options") or {}).values(),
            *(step.get("branches") or {}).values(),
        )
        if isinstance(value, str)
    }
    for key in [k for k, v in builder.nodes.items() if v.get("type") == "end" and k not in used]:
        del builder.nodes[key]  # ends made for a route that later pointed elsewhere
    return judge_ends(
        {
            "journey": journey_id(name),
            "title": flow_name,
            "description": f"Imported from a Genesys Cloud Architect {kind} flow by journeymap.",
            "channel": {"inboundChat": "chat", "inboundShortMessage": "sms"}.get(kind, "phone"),
            "entry": entry,
            "teams": builder.teams,
            "nodes": builder.nodes,
        }
    )
