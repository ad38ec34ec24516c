"""Native Genesys Cloud Architect exports (``.i3InboundFlow``, ``.i3InQueueFlow``, ...) -> Archy.

The Architect UI exports a flow as one line of base64 of URL-encoded JSON: the
flow's own configuration, where every menu and task is an item of
``flowSequenceItemList`` and a task's actions form a graph (``nextAction``,
``paths[].nextActionId``). :func:`to_archy` turns it into the Archy YAML
structure :mod:`.genesys` reads, walking the graph into Archy's nested action
lists. Every route is kept: an action's ``paths`` become its ``outputs``
(``__FAILURE__`` -> ``failure``, ``__NO_MATCH__`` -> ``noMatch``, a dynamic
branch such as a bot intent keeps its label), and the actions after an action
(``nextAction``) follow it in the list, where Archy goes on once an output's
actions end.

=============================================  ==========================================
Native construct                               Archy construct
=============================================  ==========================================
``type`` (``inboundcall``, ``inqueuecall``...)  top-level key (``inboundCall``, ...)
``name``                                       ``name``
``initialSequence``                            ``startUpRef`` (``./menus/menu[ref]`` or
                                               ``./tasks/task[ref]``)
``initialPrompts.defaultAudio``                ``initialGreeting``
``inQueueCallFlowSettings.holdMusic``          ``settingsInQueueCall.holdMusic``
``Menu`` item                                  ``menus[].menu`` (``refId`` = its name)
``Menu.prompts.defaultAudio``                  ``menu.audio``
``Menu.promptRepeatCount``                     ``menu.settingsMenu.repeatCount``
``menuChoiceList[]`` (``digit``, ``action``)   ``menu.choices[]`` with ``dtmf: digit_N``
  choice ``DisconnectAction``                  ``menuDisconnect``
  choice ``TransferAcdAction``                 ``menuTransferToAcd`` (``targetQueue``)
  choice other transfer                        ``menuTransferToNumber``, ... (same rule)
  choice to a menu / task (``TaskAction``,     ``menuJumpToMenu`` / ``menuJumpToTask``
  ``MenuAction``, ``Transfer{Menu,Task}``)     (``targetMenuRef`` / ``targetTaskRef``)
  choice with routes of its own / other        ``menuTask`` with an inline ``task``
``Task`` / ``State`` item                      ``tasks[].task`` (``refId`` = its name)
``LoopTask`` item of an in-queue flow          ``startUpTaskActions``
``PlayAudioAction``                            ``playAudio`` (``audio``: ``tts`` for
                                               text to speech, ``prompt`` for one
                                               prompt, ``exp`` for anything else)
``TransferAcdAction`` (``queues``)             ``transferToAcd`` (``targetQueue.lit.name``
                                               or ``.exp``); its ``Failure`` path's
                                               actions follow it, as in Archy
``Transfer{External,User,Group,Flow,...}``     ``transferToNumber``, ``transferToUser``,
                                               ``transferToGroup``, ``transferToFlow``...
                                               (failure path: same rule)
``TransferVoicemailAction``                    ``transferToVoicemail``
``DisconnectAction``                           ``disconnect``
``TransferMenuAction`` (``menuReference``)     ``jumpToMenu`` (``targetMenuRef``)
``TransferTaskAction`` / ``TaskAction`` /      ``jumpToTask`` (``targetTaskRef``); the
``ChangeStateAction`` (``*Reference``)         target's kind decides menu or task
``DecisionAction``                             ``decision`` (``outputs.yes`` / ``.no``)
``SwitchAction``                               ``switch`` (``evaluate.firstTrue.cases``
                                               in path order, ``default``)
``DataAction``                                 ``callData`` (``outputs``)
``DataTableLookupAction``                      ``dataTableLookup`` (``outputs``)
``CollectInputAction``                         ``collectInput`` (``outputs``)
``CallDialogflowBotAction``,                   ``callDialogflowBot``, ``callBotFlow``...
``CallBotFlowAction``, ``CallLex*BotAction``   with ``outputs``: ``failure``, ``success``,
                                               ``noMatch``, ``noInput``, each intent
``UpdateVariableAction``, ``Set/Get            ``updateData``, ``setParticipantData``,
AttributesAction``                             ``getParticipantData``
``EndTaskAction`` / ``EndStateAction``         ``endTask``
any other ``XyzAction``                        ``xyz`` with ``outputs`` = all its paths
=============================================  ==========================================

Disabled actions (``"disabled": true``) are skipped, as Architect does. A graph
that loops back on itself stops at the repeat; one too large or too deep to
unfold makes :func:`to_archy` raise :class:`ValueError`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import urllib.parse
from typing import Any

MAX_TEXT = 32 * 1024 * 1024  # characters of base64 we agree to decode
MAX_ACTIONS = 50_000  # Archy actions one flow may unfold into
MAX_DEPTH = 200  # outputs nested in outputs

_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_GUARD = re.compile(r"__([A-Z0-9]+(?:_[A-Z0-9]+)*)__")

FLOW_KINDS = {
    "inboundcall": "inboundCall",
    "inqueuecall": "inqueueCall",
    "outboundcall": "outboundCall",
    "securecall": "secureCall",
    "inboundchat": "inboundChat",
    "inboundshortmessage": "inboundShortMessage",
    "inqueueshortmessage": "inqueueShortMessage",
    "inboundemail": "inboundEmail",
    "inqueueemail": "inqueueEmail",
    "voicemail": "voicemail",
    "bot": "bot",
    "digitalbot": "digitalBot",
    "commonmodule": "commonModule",
    "workflow": "workflow",
    "workitem": "workitem",
    "voicesurvey": "voiceSurvey",
    "surveyinvite": "surveyInvite",
}

ACTION_KINDS = {
    "PlayAudioAction": "playAudio",
    "DisconnectAction": "disconnect",
    "TransferAcdAction": "transferToAcd",
    "TransferPureMatchAction": "transferToAcd",
    "TransferVoicemailAction": "transferToVoicemail",
    "TransferAcdVoicemailAction": "transferToVoicemail",
    "TransferExternalAction": "transferToNumber",
    "TransferUserAction": "transferToUser",
    "TransferGroupAction": "transferToGroup",
    "TransferFlowAction": "transferToFlow",
    "TransferFlowSecureAction": "transferToFlowSecure",
    "TransferMenuAction": "jumpToMenu",
    "MenuAction": "jumpToMenu",
    "TransferTaskAction": "jumpToTask",
    "TaskAction": "jumpToTask",
    "JumpToReusableTaskAction": "jumpToTask",
    "ChangeStateAction": "jumpToTask",
    "DecisionAction": "decision",
    "SwitchAction": "switch",
    "DataAction": "callData",
    "CallDataAction": "callData",
    "DataTableLookupAction": "dataTableLookup",
    "CollectInputAction": "collectInput",
    "UpdateVariableAction": "updateData",
    "SetAttributesAction": "setParticipantData",
    "GetAttributesAction": "getParticipantData",
    "CallDialogflowBotAction": "callDialogflowBot",
    "CallDialogflowCXBotAction": "callDialogflowCXBot",
    "CallBotFlowAction": "callBotFlow",
    "CallDigitalBotFlowAction": "callDigitalBotFlow",
    "CallLexBotAction": "callLexBot",
    "CallLexV2BotAction": "callLexV2Bot",
    "CallCommonModuleAction": "callCommonModule",
    "EvaluateScheduleAction": "evaluateSchedule",
    "EvaluateScheduleGroupAction": "evaluateScheduleGroup",
    "EndTaskAction": "endTask",
    "EndStateAction": "endTask",
    "NextLoopAction": "loopNext",
    "SetLocaleAction": "setLanguage",
    "ScreenPopAction": "setScreenPop",
    "SendResponseAction": "sendResponse",
}

# transfers: in Archy the actions after a transfer run when it fails
TRANSFERS = {
    "transferToAcd",
    "transferToVoicemail",
    "transferToNumber",
    "transferToUser",
    "transferToGroup",
    "transferToFlow",
    "transferToFlowSecure",
}
JUMPS = {"jumpToMenu", "jumpToTask"}
# simple menu choices: their Archy ``menuXyz`` form when they have no routes of their own
MENU_CHOICES = {
    "disconnect": "menuDisconnect",
    "transferToAcd": "menuTransferToAcd",
    "transferToVoicemail": "menuTransferToVoicemail",
    "transferToNumber": "menuTransferToNumber",
    "transferToUser": "menuTransferToUser",
    "transferToGroup": "menuTransferToGroup",
    "transferToFlow": "menuTransferToFlow",
    "transferToFlowSecure": "menuTransferToFlowSecure",
    "previousMenu": "menuPreviousMenu",
    "repeatMenu": "menuRepeatMenu",
}
KEYS = {"*": "star", "#": "pound"}


def decode(text: str) -> dict[str, Any] | None:
    """The JSON document of a native Architect export, or None when ``text`` is not one."""
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        return None
    compact = "".join(text.lstrip("\ufeff").split())
    if not compact or _BASE64.fullmatch(compact) is None or len(compact) % 4 == 1:
        return None
    compact += "=" * (-len(compact) % 4)
    try:
        plain = base64.b64decode(compact, validate=True).decode("utf-8")
        if plain.startswith("%7B"):
            plain = urllib.parse.unquote(plain, errors="strict")
        if not plain.startswith("{"):
            return None
        document = json.loads(plain)
    except (binascii.Error, UnicodeDecodeError, ValueError, RecursionError):
        return None
    return document if isinstance(document, dict) else None


def looks_like(data: Any) -> bool:
    """Whether ``data`` (a decoded export) is a native Architect flow."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("flowSequenceItemList"), list)
        and isinstance(data.get("type") or data.get("initialSequence"), str)
    )


def block_paths(data: Any) -> dict[str, tuple[str | int, ...]]:
    """Nothing to point at: the whole export is one line of base64."""
    return {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _camel(words: str) -> str:
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", words) if p]
    if not parts:
        return words
    return parts[0][:1].lower() + parts[0][1:] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def _kind(native_type: str) -> str:
    """The Archy name of a native ``__type``."""
    if native_type in ACTION_KINDS:
        return ACTION_KINDS[native_type]
    base = re.sub(r"Action$", "", native_type) or native_type
    return base[:1].lower() + base[1:]


def _output_name(path: dict[str, Any]) -> str:
    """The Archy output a native path stands for."""
    output_id = path.get("outputId")
    label = path.get("label")
    if isinstance(output_id, str):
        guard = _GUARD.fullmatch(output_id)
        if guard:
            return _camel(guard.group(1).lower().replace("_", " "))
    if isinstance(label, str) and label.strip():
        return label.strip() if path.get("isDynamicBranch") else _camel(label)
    return str(output_id or "output")


def _text(expression: Any) -> str:
    if isinstance(expression, dict) and isinstance(expression.get("text"), str):
        return str(expression["text"])
    return ""


def _audio_parts(node: Any) -> list[tuple[str, str]] | None:
    """(``tts``|``prompt``, text) pieces of an audio expression tree, None if not plain."""
    if not isinstance(node, dict) or len(node) != 1:
        return None
    op, body = next(iter(node.items()))
    operands = body.get("operands") if isinstance(body, dict) else None
    operands = operands if isinstance(operands, list) else []
    if op == "emp":
        return []
    if op in ("AudioPlaybackOptions", "Append"):
        parts: list[tuple[str, str]] = []
        for operand in operands[:1] if op == "AudioPlaybackOptions" else operands:
            found = _audio_parts(operand)
            if found is None:
                return None
            parts.extend(found)
        return parts
    if len(operands) == 1 and isinstance(operands[0], dict) and len(operands[0]) == 1:
        inner_op, inner = next(iter(operands[0].items()))
        text = inner.get("text") if isinstance(inner, dict) else None
        if isinstance(text, str):
            if op == "ToAudioTTS" and inner_op == "lit":
                return [("tts", text)]
            if op == "ToAudio" and inner_op in ("ref", "sysref"):
                return [("prompt", text)]
    return None


def _audio(prompts: Any) -> dict[str, Any] | None:
    """Archy audio (``tts``, ``prompt`` or ``exp``) for native ``prompts``."""
    expression = prompts.get("defaultAudio") if isinstance(prompts, dict) else None
    if not isinstance(expression, dict):
        return None
    config = expression.get("config")
    parts = _audio_parts(config) if isinstance(config, dict) else None
    if parts is not None:
        if not parts:
            return None
        if all(kind == "tts" for kind, _ in parts):
            return {"tts": " ".join(text for _, text in parts)}
        if len(parts) == 1:
            return {"prompt": parts[0][1]}
    text = _text(expression)
    return {"exp": text} if text.strip() else None


def _literal(expression: Any) -> str | None:
    """The literal's name or text, None when the expression is not a literal."""
    if not isinstance(expression, dict):
        return None
    config = expression.get("config")
    lit = config.get("lit") if isinstance(config, dict) else None
    if not isinstance(lit, dict):
        return None
    meta = expression.get("metaData")
    references = meta.get("references") if isinstance(meta, dict) else None
    if isinstance(references, list) and references and isinstance(references[0], dict):
        name = references[0].get("name")
        if isinstance(name, str) and name:
            return name
    text = lit.get("text")
    return text if isinstance(text, str) and text else None


def _queue(action: dict[str, Any]) -> dict[str, Any]:
    """Archy ``targetQueue`` of a native transfer."""
    for key in ("queues", "queue", "transferTargetQueue", "targetQueue"):
        value = action.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            name = _literal(value)
            if name:
                return {"lit": {"name": re.sub(r"^Queue\.", "", name)}}
            if _text(value).strip():
                return {"exp": _text(value)}
    return {"noValue": True}


class _Translator:
    def __init__(self, native: dict[str, Any]) -> None:
        items = [i for i in _list(native.get("flowSequenceItemList")) if isinstance(i, dict)]
        self.items: list[tuple[dict[str, Any], str]] = []
        self.actions: dict[str, dict[str, Any]] = {}
        self.refs: dict[str, tuple[str, str]] = {}  # native id -> ("menu"|"task", refId)
        self.count = 0
        self.walking: set[str] = set()  # native actions on the current walk
        taken: set[str] = set()
        for item in items:
            for action in _list(item.get("actionList")):
                if isinstance(action, dict) and isinstance(action.get("id"), str):
                    self.actions.setdefault(action["id"], action)
            ref = re.sub(r"[\[\]]", "", str(item.get("name") or item.get("id") or "item")).strip()
            ref = ref or "item"
            unique, n = ref, 1
            while unique in taken:
                n += 1
                unique = f"{ref} ({n})"
            taken.add(unique)
            if isinstance(item.get("id"), str):
                self.refs[item["id"]] = (self.group(item), unique)
            self.items.append((item, unique))

    @staticmethod
    def group(item: dict[str, Any]) -> str:
        return "menu" if "menuChoiceList" in item or item.get("__type") == "Menu" else "task"

    def target(self, action: dict[str, Any], kind: str) -> tuple[str, str]:
        """The Archy jump (``jumpToMenu``/``jumpToTask``) and its target reference."""
        reference = next(
            (
                value
                for key, value in action.items()
                if key.endswith("Reference") and isinstance(value, str)
            ),
            None,
        )
        group, ref = self.refs.get(reference or "", ("menu" if "Menu" in kind else "task", ""))
        ref = ref or re.sub(r"[\[\]]", "", str(reference or "?"))
        if group == "menu":
            return "jumpToMenu", f"./menus/menu[{ref}]"
        return "jumpToTask", f"./tasks/task[{ref}]"

    def chain(self, start: Any, depth: int) -> list[dict[str, Any]]:
        """The Archy actions from native action ``start`` along ``nextAction``.

        An action already on the walk that leads here (a loop back) ends the chain.
        """
        if depth > MAX_DEPTH:
            raise ValueError("native Architect flow nests too deeply to translate")
        out: list[dict[str, Any]] = []
        walked: list[str] = []
        current: Any = start
        try:
            while isinstance(current, str) and current in self.actions:
                if current in self.walking:
                    break
                self.walking.add(current)
                walked.append(current)
                action = self.actions[current]
                if action.get("disabled") is not True:
                    out.extend(self.action(action, depth))
                current = action.get("nextAction")
        finally:
            self.walking.difference_update(walked)
        return out

    def outputs(self, action: dict[str, Any], depth: int) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for path in _list(action.get("paths")):
            if not isinstance(path, dict):
                continue
            name = base = _output_name(path)
            n = 1
            while name in found:
                n += 1
                name = f"{base} {n}"
            found[name] = {"actions": self.chain(path.get("nextActionId"), depth + 1)}
        return found

    def action(self, action: dict[str, Any], depth: int) -> list[dict[str, Any]]:
        """One native action as Archy actions (a transfer's failure path follows it)."""
        self.count += 1
        if self.count > MAX_ACTIONS:
            raise ValueError("native Architect flow too large to translate")
        native_type = str(action.get("__type") or "UnknownAction")
        kind = _kind(native_type)
        body: dict[str, Any] = {"name": str(action.get("name") or native_type)}
        outputs = self.outputs(action, depth)
        after: list[dict[str, Any]] = []
        if kind == "playAudio":
            body["audio"] = _audio(action.get("prompts")) or {"noValue": True}
        elif kind in TRANSFERS:
            if kind == "transferToAcd":
                body["targetQueue"] = _queue(action)
            failure = outputs.pop("failure", None)
            after = failure["actions"] if failure else []
        elif kind in JUMPS:
            kind, ref = self.target(action, native_type)
            body["targetMenuRef" if kind == "jumpToMenu" else "targetTaskRef"] = ref
        elif kind == "decision":
            condition = action.get("condition") or action.get("expression")
            if _text(condition):
                body["condition"] = {"exp": _text(condition)}
        elif kind == "switch":
            cases = [{"case": output} for label, output in outputs.items() if label != "default"]
            first_true: dict[str, Any] = {"cases": cases}
            if "default" in outputs:
                first_true["default"] = outputs["default"]
            body["evaluate"] = {"firstTrue": first_true}
            outputs = {}
        if outputs:
            body["outputs"] = outputs
        return [{kind: body}, *after]

    def single(self, action: dict[str, Any]) -> list[dict[str, Any]]:
        """A menu choice's action, with its routes, as Archy actions."""
        actions = self.action(action, 0)
        actions.extend(self.chain(action.get("nextAction"), 0))
        return actions

    def choice(self, choice: dict[str, Any]) -> dict[str, Any]:
        action = choice.get("action")
        action = action if isinstance(action, dict) else {}
        native_type = str(action.get("__type") or "UnknownAction")
        kind = _kind(native_type)
        name = str(choice.get("name") or action.get("name") or native_type)
        body: dict[str, Any] = {"name": name}
        digit = choice.get("digit")
        if digit is not None and str(digit).strip():
            key = str(digit).strip()
            body["dtmf"] = KEYS.get(key, f"digit_{key}")
        routes = any(
            isinstance(p, dict) and p.get("nextActionId") for p in _list(action.get("paths"))
        ) or bool(action.get("nextAction"))
        if kind in JUMPS:
            jump, ref = self.target(action, native_type)
            if jump == "jumpToMenu":
                return {"menuJumpToMenu": {**body, "targetMenuRef": ref}}
            return {"menuJumpToTask": {**body, "targetTaskRef": ref}}
        if kind in MENU_CHOICES and not routes:
            if kind == "transferToAcd":
                body["targetQueue"] = _queue(action)
            return {MENU_CHOICES[kind]: body}
        task = {"name": name, "actions": self.single(action)}
        return {"menuTask": {**body, "task": task}}

    def menu(self, item: dict[str, Any], ref: str) -> dict[str, Any]:
        body: dict[str, Any] = {"name": str(item.get("name") or ref), "refId": ref}
        audio = _audio(item.get("prompts"))
        if audio:
            body["audio"] = audio
        repeat = _literal(item.get("promptRepeatCount"))
        if repeat and repeat.isdigit():
            body["settingsMenu"] = {"repeatCount": {"lit": int(repeat)}}
        choices = [c for c in _list(item.get("menuChoiceList")) if isinstance(c, dict)]
        body["choices"] = [self.choice(c) for c in choices]
        return {"menu": body}

    def task_actions(self, item: dict[str, Any]) -> list[dict[str, Any]]:
        return self.chain(item.get("startAction"), 0)


def to_archy(native: dict[str, Any]) -> dict[str, Any]:
    """The Archy structure (as :mod:`.genesys` reads it) of a decoded native flow."""
    if not looks_like(native):
        raise ValueError("not a native Genesys Architect flow")
    translator = _Translator(native)
    native_type = str(native.get("type") or "inboundcall")
    flow_kind = FLOW_KINDS.get(native_type.lower(), native_type)
    flow: dict[str, Any] = {"name": str(native.get("name") or "Architect flow")}
    if isinstance(native.get("description"), str):
        flow["description"] = native["description"]
    start = native.get("initialSequence")
    greeting = _audio(native.get("initialPrompts"))
    if greeting:
        flow["initialGreeting"] = greeting
    settings = native.get("inQueueCallFlowSettings")
    hold = _literal(settings.get("holdMusic")) if isinstance(settings, dict) else None
    if hold:
        name = hold if "." in hold else f"PromptSystem.{hold}"
        flow["settingsInQueueCall"] = {"holdMusic": {"lit": {"name": name}}}
    menus: list[dict[str, Any]] = []
    tasks: list[dict[str, Any]] = []
    for item, ref in translator.items:
        if translator.group(item) == "menu":
            menus.append(translator.menu(item, ref))
        elif item.get("__type") == "LoopTask" or (
            item.get("id") == start and flow_kind.startswith("inqueue")
        ):
            flow["startUpTaskActions"] = translator.task_actions(item)
        else:
            task = {"name": str(item.get("name") or ref), "refId": ref}
            tasks.append({"task": {**task, "actions": translator.task_actions(item)}})
    if isinstance(start, str) and start in translator.refs and "startUpTaskActions" not in flow:
        group, ref = translator.refs[start]
        flow["startUpRef"] = f"./{group}s/{group}[{ref}]"
    if menus:
        flow["menus"] = menus
    if tasks:
        flow["tasks"] = tasks
    return {flow_kind: flow}
