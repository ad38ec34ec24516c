"""Legacy Amazon Connect exports (``modules`` / ``start``, before flow language
``Version`` 2019-10-30) -> the modern flow structure :mod:`.connect` reads.

A pure translation: each module becomes one action that keeps the module ``id``
as its ``Identifier``, and each branch becomes exactly one transition, so no
route the platform can take is lost (:func:`dropped_branches` checks that).
Legacy metadata (positions, queue and flow names ...) goes to
``Metadata.ActionMetadata`` with the module's ``legacyType``.

======================  ===================================  =======================================
Legacy module type      Modern action type                   Routes (legacy branch -> transition)
======================  ===================================  =======================================
PlayPrompt, PlayAudio   MessageParticipant                   Success -> next; Error ->
                                                             NoMatchingError
GetUserInput            GetParticipantInput                  Evaluate v -> Condition v; Timeout ->
                                                             InputTimeLimitExceeded; NoMatch ->
                                                             NoMatchingCondition; Error ->
                                                             NoMatchingError
GetUserInput (Lex)      ConnectParticipantWithLexBot         as GetUserInput (intents as Conditions)
StoreUserInput,         GetParticipantInput (StoreInput      Success -> next; InvalidNumber ->
StoreCustomerInput      "True")                              InvalidPhoneNumber; Timeout ->
                                                             InputTimeLimitExceeded; Error ->
                                                             NoMatchingError
CheckHoursOfOperation   CheckHoursOfOperation                True / False -> Conditions "True" /
                                                             "False"; Error -> NoMatchingError
CheckStaffing           CheckMetricData (MetricType from     True / False -> Conditions "True" /
                        Status)                              "False"; Error -> NoMatchingError
CheckAttribute          Compare                              Evaluate v -> Condition v (operator
                                                             from conditionType); NoMatch ->
                                                             NoMatchingCondition; Error ->
                                                             NoMatchingError
CheckQueueStatus        CheckMetricData                      CheckQueueTime / CheckQueueCapacity v
                                                             -> Condition v; NoMatch ->
                                                             NoMatchingCondition; Error ->
                                                             NoMatchingError
PercentileBranching,    DistributeByPercentage               Evaluate v -> Condition NumberLessThan
DistributeByPercentage                                       v; NoMatch -> NoMatchingCondition
SetQueue                UpdateContactTargetQueue             Success -> next; Error ->
                        (``queue.text`` in metadata)         NoMatchingError
Transfer (to a queue),  TransferContactToQueue               AtCapacity -> QueueAtCapacity; Error ->
CustomerInQueue,                                             NoMatchingError; Success -> next
TransferToQueue
Transfer (to a flow),   TransferToFlow                       Error -> NoMatchingError
TransferToFlow          (``ContactFlow.text`` in metadata)
Transfer (to a number)  TransferParticipantToThirdParty      Success -> next; CallFailed ->
                                                             CallFailed; Timeout ->
                                                             ConnectionTimeLimitExceeded; Error ->
                                                             NoMatchingError
Disconnect              DisconnectParticipant                (none)
InvokeExternalResource  InvokeLambdaFunction                 Success -> next; Error ->
                                                             NoMatchingError
Loop                    Loop (LoopCount)                     Looping / ContinueLooping -> Condition
                                                             ContinueLooping; Complete / DoneLooping
                                                             -> Condition DoneLooping
LoopPrompts             MessageParticipantIteratively        Timeout -> Condition
                                                             MessagesInterrupted; Error ->
                                                             NoMatchingError
GetMetricData,          GetMetricData                        Success -> next; Error ->
GetQueueMetrics                                              NoMatchingError
Wait                    Wait                                 Timeout -> Condition WaitCompleted;
                                                             other events -> Condition <event>;
                                                             Error -> NoMatchingError
SetAttributes,          UpdateContactAttributes              Success -> next; Error ->
SetScreenPop                                                 NoMatchingError
SetLoggingBehavior      UpdateFlowLoggingBehavior            Success -> next
SetRecordingBehavior    UpdateContactRecordingBehavior       Success -> next
SetVoice                UpdateContactTextToSpeechVoice       Success -> next
SetContactFlow,         UpdateContactEventHooks              Success -> next; Error ->
SetEventHook                                                 NoMatchingError
SetCallBackNumber       UpdateContactCallbackNumber          Success -> next; InvalidPhoneNumber ->
                                                             InvalidCallbackNumber;
                                                             NonDialableNumber ->
                                                             CallbackNumberNotDialable
CreateCallback          CreateCallbackContact                Success -> next; Error ->
                                                             NoMatchingError
UpdateRoutingPriority   UpdateContactRoutingBehavior         Success -> next
StartMediaStreaming,    UpdateContactMediaStreamingBehavior  Success -> next; Error ->
StopMediaStreaming                                           NoMatchingError
Resume,                 EndFlowExecution                     (none)
EndFlowExecution,
ReturnFromFlow
anything else           its legacy type, unchanged           every branch (see below)
======================  ===================================  =======================================

Branches a type does not list fall back to: Success -> next (a Condition
"Success" if next is taken), Error -> NoMatchingError, NoMatch ->
NoMatchingCondition, AtCapacity -> QueueAtCapacity, anything else -> a
Condition whose operand is its ``conditionValue`` or else its name.  A branch
with no ``transition`` (left unconnected in the designer) leads nowhere and is
the only kind left out.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

VERSION = "2019-10-30"

# legacy conditionType -> flow-language operator
OPERATORS = {
    "Equals": "Equals",
    "GreaterThan": "NumberGreaterThan",
    "GreaterThanOrEqualTo": "NumberGreaterOrEqualTo",
    "LessThan": "NumberLessThan",
    "LessThanOrEqualTo": "NumberLessOrEqualTo",
    "StartsWith": "TextStartsWith",
    "Contains": "TextContains",
}

# legacy type -> modern type (a Transfer depends on its target: see _transfer_type)
TYPES = {
    "PlayPrompt": "MessageParticipant",
    "PlayAudio": "MessageParticipant",
    "GetUserInput": "GetParticipantInput",
    "StoreUserInput": "GetParticipantInput",
    "StoreCustomerInput": "GetParticipantInput",
    "CheckHoursOfOperation": "CheckHoursOfOperation",
    "CheckStaffing": "CheckMetricData",
    "CheckAttribute": "Compare",
    "CheckQueueStatus": "CheckMetricData",
    "PercentileBranching": "DistributeByPercentage",
    "DistributeByPercentage": "DistributeByPercentage",
    "SetQueue": "UpdateContactTargetQueue",
    "CustomerInQueue": "TransferContactToQueue",
    "TransferToQueue": "TransferContactToQueue",
    "TransferToFlow": "TransferToFlow",
    "Disconnect": "DisconnectParticipant",
    "InvokeExternalResource": "InvokeLambdaFunction",
    "Loop": "Loop",
    "LoopPrompts": "MessageParticipantIteratively",
    "GetMetricData": "GetMetricData",
    "GetQueueMetrics": "GetMetricData",
    "Wait": "Wait",
    "SetAttributes": "UpdateContactAttributes",
    "SetScreenPop": "UpdateContactAttributes",
    "SetLoggingBehavior": "UpdateFlowLoggingBehavior",
    "SetRecordingBehavior": "UpdateContactRecordingBehavior",
    "SetVoice": "UpdateContactTextToSpeechVoice",
    "SetContactFlow": "UpdateContactEventHooks",
    "SetEventHook": "UpdateContactEventHooks",
    "SetCallBackNumber": "UpdateContactCallbackNumber",
    "CreateCallback": "CreateCallbackContact",
    "UpdateRoutingPriority": "UpdateContactRoutingBehavior",
    "StartMediaStreaming": "UpdateContactMediaStreamingBehavior",
    "StopMediaStreaming": "UpdateContactMediaStreamingBehavior",
    "Resume": "EndFlowExecution",
    "EndFlowExecution": "EndFlowExecution",
    "ReturnFromFlow": "EndFlowExecution",
}

# A route: ("next", None) | ("error", ErrorType) | ("condition", operand)
Route = tuple[str, str | None]

# per modern type, legacy branch condition -> route (others: _default_route)
ROUTES: dict[str, dict[str, Route]] = {
    "GetParticipantInput": {
        "Timeout": ("error", "InputTimeLimitExceeded"),
        "InvalidNumber": ("error", "InvalidPhoneNumber"),
        "InvalidPhoneNumber": ("error", "InvalidPhoneNumber"),
    },
    "ConnectParticipantWithLexBot": {"Timeout": ("error", "InputTimeLimitExceeded")},
    "Loop": {
        "Looping": ("condition", "ContinueLooping"),
        "ContinueLooping": ("condition", "ContinueLooping"),
        "Complete": ("condition", "DoneLooping"),
        "DoneLooping": ("condition", "DoneLooping"),
    },
    "MessageParticipantIteratively": {"Timeout": ("condition", "MessagesInterrupted")},
    "Wait": {"Timeout": ("condition", "WaitCompleted")},
    "TransferParticipantToThirdParty": {
        "CallFailed": ("error", "CallFailed"),
        "Timeout": ("error", "ConnectionTimeLimitExceeded"),
    },
    "UpdateContactCallbackNumber": {
        "InvalidPhoneNumber": ("error", "InvalidCallbackNumber"),
        "InvalidNumber": ("error", "InvalidCallbackNumber"),
        "NonDialableNumber": ("error", "CallbackNumberNotDialable"),
    },
}

# legacy Status of a Check staffing block -> CheckMetricData MetricType
STAFFING = {
    "Available": "NumberOfAgentsAvailable",
    "Staffed": "NumberOfAgentsStaffed",
    "Online": "NumberOfAgentsOnline",
}
QUEUE_STATUS = {
    "CheckQueueTime": "OldestContactInQueueAgeSeconds",
    "CheckQueueCapacity": "NumberOfContactsInQueue",
}


def looks_like(data: Any) -> bool:
    """Whether ``data`` is a legacy Connect export: a ``modules`` list and a ``start``."""
    return isinstance(data, dict) and isinstance(data.get("modules"), list) and "start" in data


def block_paths(data: Any) -> dict[str, tuple[str | int, ...]]:
    """Where each module stands in the export, by ``id``."""
    modules = data.get("modules") if isinstance(data, dict) else None
    if not isinstance(modules, list):
        return {}
    return {
        str(m["id"]): ("modules", i)
        for i, m in enumerate(modules)
        if isinstance(m, dict) and "id" in m
    }


def to_modern(data: Any) -> dict[str, Any]:
    """The flow-language (``Version`` 2019-10-30) structure for a legacy export."""
    if not looks_like(data):
        raise ValueError("not a legacy Amazon Connect export (`modules` and `start`)")
    actions: list[dict[str, Any]] = []
    action_meta: dict[str, Any] = {}
    for index, module in enumerate(data["modules"]):
        if not isinstance(module, dict) or not isinstance(module.get("id"), str):
            raise ValueError(f"module {index} has no `id`")
        if not isinstance(module.get("type"), str):
            raise ValueError(f"module `{module['id']}` has no `type`")
        action, meta = _action(module)
        actions.append(action)
        action_meta[module["id"]] = meta
    legacy_meta = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    metadata: dict[str, Any] = {
        "ActionMetadata": action_meta,
        "Legacy": True,
        "Type": data.get("type") or legacy_meta.get("type"),
    }
    if legacy_meta.get("name"):
        metadata["Name"] = legacy_meta["name"]
    return {
        "Version": VERSION,
        "StartAction": data["start"],
        "Metadata": metadata,
        "Actions": actions,
    }


def dropped_branches(data: Any) -> list[str]:
    """Legacy branches with a target that did not become a transition (should be none),
    as ``"<module id> -> <target>"``, one per lost branch."""
    wanted: Counter[tuple[str, str]] = Counter()
    for module in data.get("modules") or []:
        for branch in _branches(module):
            wanted[(module["id"], branch["transition"])] += 1
    found: Counter[tuple[str, str]] = Counter()
    for action in to_modern(data)["Actions"]:
        trans = action["Transitions"]
        targets = [trans.get("NextAction")] + [
            c["NextAction"] for c in trans.get("Conditions", []) + trans.get("Errors", [])
        ]
        for target in targets:
            if target is not None:
                found[(action["Identifier"], target)] += 1
    missing = wanted - found
    return [f"{ident} -> {target}" for (ident, target), n in missing.items() for _ in range(n)]


# --- one module ---------------------------------------------------------------------------


def _branches(module: dict[str, Any]) -> list[dict[str, Any]]:
    """The module's branches that lead somewhere."""
    branches = module.get("branches") or []
    return [b for b in branches if isinstance(b, dict) and isinstance(b.get("transition"), str)]


def _params(module: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for p in module.get("parameters") or []:
        if isinstance(p, dict) and isinstance(p.get("name"), str):
            found.setdefault(p["name"], []).append(p)
    return found


def _value(p: dict[str, Any]) -> Any:
    """A parameter's value: literal, or a JSONPath when it names an attribute."""
    namespace, value = p.get("namespace"), p.get("value")
    if not namespace or not isinstance(value, str):
        return value
    if namespace == "User Defined":
        return f"$.Attributes.{value}"
    if namespace == "System":
        return "$." + "".join(w[:1].upper() + w[1:] for w in value.split())
    return f"$.{namespace}.{value}"


def _first(params: dict[str, list[dict[str, Any]]], name: str) -> Any:
    found = params.get(name)
    return _value(found[0]) if found else None


def _resource(params: dict[str, list[dict[str, Any]]], name: str) -> str | None:
    """The friendly name the export gives a resource parameter (queue, flow, prompt)."""
    found = params.get(name)
    name_ = found[0].get("resourceName") if found else None
    return name_ if isinstance(name_, str) and name_ else None


def _str(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)


def _transfer_type(module: dict[str, Any], params: dict[str, list[dict[str, Any]]]) -> str:
    target = module.get("target")
    conditions = {b.get("condition") for b in _branches(module)}
    if target == "Flow" or (target is None and "ContactFlowId" in params):
        return "TransferToFlow"
    if target == "Queue" or (target is None and "AtCapacity" in conditions):
        return "TransferContactToQueue"
    if target == "PhoneNumber" or "ThirdPartyPhoneNumber" in params:
        return "TransferParticipantToThirdParty"
    return str(module["type"])  # an unknown transfer: keep it, with every branch


def _modern_type(module: dict[str, Any], params: dict[str, list[dict[str, Any]]]) -> str:
    kind = str(module["type"])
    if kind == "Transfer":
        return _transfer_type(module, params)
    if kind == "GetUserInput" and module.get("target") == "Lex":
        return "ConnectParticipantWithLexBot"
    return TYPES.get(kind, kind)


def _prompt(params: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Text / SSML / PromptId of a prompt-playing module."""
    out: dict[str, Any] = {}
    text = _first(params, "Text")
    if text is not None:
        ssml = str(_first(params, "TextToSpeechType") or "").lower() == "ssml"
        out["SSML" if ssml else "Text"] = text
    prompt = _first(params, "AudioPrompt")
    if prompt is not None:
        out["PromptId"] = prompt or _resource(params, "AudioPrompt") or ""
    return out


def _parameters(
    kind: str, legacy: str, module: dict[str, Any], params: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    out: dict[str, Any] = {}

    def first(name: str) -> Any:
        return _first(params, name)

    def put(key: str, value: Any) -> None:
        if value is not None and value != "":
            out[key] = _str(value) if isinstance(value, (int, float, bool)) else value

    if kind in ("MessageParticipant", "GetParticipantInput", "ConnectParticipantWithLexBot"):
        out.update(_prompt(params))
    if kind == "GetParticipantInput":
        put("InputTimeLimitSeconds", first("Timeout"))
        stores = legacy in ("StoreUserInput", "StoreCustomerInput")
        out["StoreInput"] = "True" if stores else "False"
        if stores:
            if first("CustomerInputType") == "PhoneNumber":
                validation: dict[str, Any] = {"NumberFormat": first("PhoneNumberFormat")}
                if first("CountryCode"):
                    validation["CountryCode"] = first("CountryCode")
                out["InputValidation"] = {"PhoneNumberValidation": validation}
            elif first("MaxDigits") is not None:
                out["InputValidation"] = {
                    "CustomValidation": {"MaximumLength": _str(first("MaxDigits"))}
                }
            if first("EncryptEntry") in (True, "true", "True"):
                out["InputEncryption"] = {"EncryptionKeyId": first("EncryptionKeyId")}
        else:
            put("MaxDigits", first("MaxDigits"))
    elif kind == "ConnectParticipantWithLexBot":
        bot = {"Name": first("BotName"), "Alias": first("BotAlias"), "Region": first("BotRegion")}
        put("LexBot", {k: v for k, v in bot.items() if v is not None} or None)
    elif kind == "MessageParticipantIteratively":
        ssml = str(first("TextToSpeechType") or "").lower() == "ssml"
        messages = [{"SSML" if ssml else "Text": _value(p)} for p in params.get("Text", [])]
        messages += [
            {"PromptId": _value(p) or p.get("resourceName") or ""}
            for p in params.get("AudioPrompt", [])
        ]
        out["Messages"] = messages
        put("InterruptFrequencySeconds", first("InterruptSeconds"))
    elif kind == "CheckHoursOfOperation":
        put("HoursOfOperationId", first("Hours") or _resource(params, "Hours"))
    elif kind == "CheckMetricData":
        put("QueueId", first("Queue") or _resource(params, "Queue"))
        if legacy == "CheckStaffing":
            status = str(first("Status") or "Available")
            out["MetricType"] = STAFFING.get(status, status)
        else:
            names = [b.get("condition") for b in _branches(module)]
            metric = next((QUEUE_STATUS[n] for n in names if n in QUEUE_STATUS), None)
            put("MetricType", metric)
    elif kind == "Compare":
        attribute, namespace = first("Attribute"), first("Namespace")
        if attribute is not None:
            out["ComparisonValue"] = _value({"value": attribute, "namespace": namespace})
    elif kind in ("UpdateContactTargetQueue", "GetMetricData", "TransferContactToQueue"):
        put("QueueId", first("Queue") or _resource(params, "Queue"))
    elif kind == "TransferToFlow":
        put("ContactFlowId", first("ContactFlowId") or _resource(params, "ContactFlowId"))
    elif kind == "TransferParticipantToThirdParty":
        put("ThirdPartyPhoneNumber", first("ThirdPartyPhoneNumber"))
        put("ThirdPartyConnectionTimeLimitSeconds", first("ThirdPartyConnectionTimeLimitSeconds"))
        put("ContinueFlowExecution", first("ContinueFlowExecution"))
    elif kind == "InvokeLambdaFunction":
        put("LambdaFunctionARN", first("FunctionArn"))
        put("InvocationTimeLimitSeconds", first("TimeLimit"))
        attributes = {p["key"]: _value(p) for p in params.get("Parameter", []) if p.get("key")}
        if attributes:
            out["LambdaInvocationAttributes"] = attributes
    elif kind == "Loop":
        put("LoopCount", first("LoopCount"))
    elif kind == "Wait":
        put("TimeoutSeconds", first("TimeoutSeconds"))
    elif kind == "UpdateContactAttributes":
        if legacy == "SetScreenPop":
            pairs = {first("key"): _value(params["value"][0])} if "value" in params else {}
        else:
            pairs = {p.get("key"): _value(p) for p in params.get("Attribute", [])}
        out["Attributes"] = {str(k): v for k, v in pairs.items() if k}
    elif kind == "UpdateFlowLoggingBehavior":
        enable = str(first("LoggingBehavior") or "Enable").lower().startswith("enable")
        out["FlowLoggingBehavior"] = "Enabled" if enable else "Disabled"
    elif kind == "UpdateContactRecordingBehavior":
        enable = str(first("RecordingBehaviorOption") or "Enable").lower() == "enable"
        who = str(first("RecordingParticipantOption") or "Both")
        people = ["Agent", "Customer"] if who == "Both" else [who]
        out["RecordingBehavior"] = {"RecordedParticipants": people if enable else []}
    elif kind == "UpdateContactTextToSpeechVoice":
        put("TextToSpeechVoice", first("GlobalVoice"))
    elif kind == "UpdateContactEventHooks":
        hook = str(first("Type") or "CustomerQueue")
        flow = first("ContactFlowId") or _resource(params, "ContactFlowId")
        out["EventHooks"] = {hook: flow}
    elif kind == "UpdateContactCallbackNumber":
        put("CallbackNumber", first("CallBackNumber"))
    elif kind == "CreateCallbackContact":
        put("InitialCallDelaySeconds", first("InitialDelaySeconds"))
        put("RetryDelaySeconds", first("RetryDelaySeconds"))
        put("MaximumConnectionAttempts", first("MaxRetryAttempts"))
    elif kind == "UpdateContactRoutingBehavior":
        put("QueuePriority", first("AbsolutePosition"))
        put("QueueTimeAdjustmentSeconds", first("TimeOffset"))
    elif kind == "UpdateContactMediaStreamingBehavior":
        out["MediaStreamingState"] = "Disabled" if legacy == "StopMediaStreaming" else "Enabled"
    elif kind not in ("MessageParticipant", "DisconnectParticipant", "EndFlowExecution"):
        # an unknown module: its parameters as they are, by name
        for name, found in params.items():
            out[name] = _value(found[0]) if len(found) == 1 else [_value(p) for p in found]
    return out


def _default_route(condition: str, branch: dict[str, Any]) -> Route:
    if condition == "Success":
        return ("next", None)
    if condition == "Error":
        return ("error", "NoMatchingError")
    if condition == "NoMatch":
        return ("error", "NoMatchingCondition")
    if condition == "AtCapacity":
        return ("error", "QueueAtCapacity")
    value = branch.get("conditionValue")
    if value is not None and value != "":
        return ("condition", _str(value))
    return ("condition", condition or "?")


def _transitions(kind: str, module: dict[str, Any]) -> dict[str, Any]:
    nxt: str | None = None
    conditions: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    table = ROUTES.get(kind, {})
    for branch in _branches(module):
        condition = str(branch.get("condition") or "")
        target = branch["transition"]
        way, label = table.get(condition) or _default_route(condition, branch)
        if way == "next" and nxt is None:
            nxt = target
            continue
        if way == "error":
            errors.append({"NextAction": target, "ErrorType": label})
            continue
        operator = "Equals"
        if kind == "DistributeByPercentage" and condition == "Evaluate":
            operator = "NumberLessThan"
        elif branch.get("conditionType") and way == "condition" and label != condition:
            legacy_op = str(branch["conditionType"])
            operator = OPERATORS.get(legacy_op, legacy_op)
        conditions.append(
            {
                "NextAction": target,
                "Condition": {"Operator": operator, "Operands": [label or condition]},
            }
        )
    out: dict[str, Any] = {}
    if nxt is not None:
        out["NextAction"] = nxt
    if conditions:
        out["Conditions"] = conditions
    if errors:
        out["Errors"] = errors
    return out


def _action(module: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    params = _params(module)
    legacy = str(module["type"])
    kind = _modern_type(module, params)
    meta = dict(module["metadata"]) if isinstance(module.get("metadata"), dict) else {}
    meta["legacyType"] = legacy
    if module.get("target"):
        meta["legacyTarget"] = module["target"]
    # friendly names where the modern importer looks for them
    queue = meta.get("queue") if isinstance(meta.get("queue"), dict) else None
    if kind in ("UpdateContactTargetQueue", "TransferContactToQueue", "CheckMetricData"):
        name = (queue or {}).get("text") or _resource(params, "Queue")
        if name:
            meta["queue"] = {**(queue or {}), "text": name}
    if kind in ("TransferToFlow", "UpdateContactEventHooks"):
        flow = meta.get("ContactFlow") or meta.get("contactFlow")
        flow = flow if isinstance(flow, dict) else {}
        name = flow.get("text") or _resource(params, "ContactFlowId")
        if name:
            meta["ContactFlow"] = {**flow, "text": name}
    if kind == "CheckHoursOfOperation":
        hours = meta.get("Hours") if isinstance(meta.get("Hours"), dict) else {}
        name = (hours or {}).get("text") or _resource(params, "Hours")
        if name:
            meta["Hours"] = {**(hours or {}), "text": name}
    action = {
        "Identifier": module["id"],
        "Type": kind,
        "Parameters": _parameters(kind, legacy, module, params),
        "Transitions": _transitions(kind, module),
    }
    return action, meta
