"""Legacy Amazon Connect exports (``modules`` / ``start``) -> flow-language structure."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from journeymap.importers.connect_legacy import (
    block_paths,
    dropped_branches,
    looks_like,
    to_modern,
)

SHARED = Path(__file__).parents[1].parent / "shared/fixtures/vendor/amazon-connect"
REAL_EXPORTS = [
    "aws-samples__amazon-connect-workshop__contact-flows__InboundCallRouter.json",
    "aws-samples__amazon-connect-omni-channel-estimated-wait-time-queue__ADemo-EWTQueue.json",
]


def _m(
    ident: str,
    kind: str,
    branches: list[tuple[str, str]] | None = None,
    params: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A legacy module; a branch is (condition, transition), or a full dict via extra."""
    module: dict[str, Any] = {
        "id": ident,
        "type": kind,
        "branches": [{"condition": c, "transition": t} for c, t in branches or []],
        "parameters": params or [],
        "metadata": {"position": {"x": 0, "y": 0}},
    }
    module["branches"] += extra.pop("more_branches", [])
    module.update(extra)
    return module


def _p(name: str, value: Any, **extra: Any) -> dict[str, Any]:
    return {"name": name, "value": value, **extra}


def _evaluate(value: str, target: str, op: str = "Equals") -> dict[str, Any]:
    return {
        "condition": "Evaluate",
        "conditionType": op,
        "conditionValue": value,
        "transition": target,
    }


# A made-up dental practice line using every mapped legacy module type.
FLOW: dict[str, Any] = {
    "version": "1",
    "type": "contactFlow",
    "start": "logging",
    "metadata": {"name": "Dental practice line", "type": "contactFlow"},
    "modules": [
        _m(
            "logging",
            "SetLoggingBehavior",
            [("Success", "voice")],
            [_p("LoggingBehavior", "Enable")],
        ),
        _m("voice", "SetVoice", [("Success", "recording")], [_p("GlobalVoice", "Amy")]),
        _m(
            "recording",
            "SetRecordingBehavior",
            [("Success", "attrs")],
            [_p("RecordingBehaviorOption", "Enable"), _p("RecordingParticipantOption", "Agent")],
        ),
        _m(
            "attrs",
            "SetAttributes",
            [("Success", "hours"), ("Error", "hours")],
            [
                _p("Attribute", "dental", key="line"),
                _p("Attribute", "lang", key="l", namespace="External"),
            ],
        ),
        _m(
            "hours",
            "CheckHoursOfOperation",
            [("True", "staffing"), ("False", "closed"), ("Error", "sorry")],
            [_p("Hours", "", resourceName="Surgery hours")],
        ),
        _m(
            "staffing",
            "CheckStaffing",
            [("True", "menu"), ("False", "callback_number"), ("Error", "sorry")],
            [_p("Status", "Staffed"), _p("Queue", "", resourceName="Reception")],
        ),
        _m(
            "closed",
            "PlayPrompt",
            [("Success", "bye")],
            [_p("Text", "<speak>The surgery is closed.</speak>"), _p("TextToSpeechType", "ssml")],
        ),
        _m(
            "menu",
            "GetUserInput",
            [("Timeout", "retry"), ("NoMatch", "retry"), ("Error", "sorry")],
            [_p("Text", "Press 1 to book, 2 to give your patient number."), _p("Timeout", "6")],
            more_branches=[_evaluate("1", "lookup"), _evaluate("2", "patient_number")],
            target="Digits",
        ),
        _m("retry", "Loop", [("Looping", "menu"), ("Complete", "sorry")], [_p("LoopCount", "2")]),
        _m(
            "patient_number",
            "StoreUserInput",
            [("Success", "check"), ("Error", "sorry")],
            [_p("Text", "Enter your patient number."), _p("MaxDigits", 8), _p("Timeout", "5")],
        ),
        _m(
            "lookup",
            "InvokeExternalResource",
            [("Success", "check"), ("Error", "sorry")],
            [_p("FunctionArn", "arn:aws:lambda:eu-west-1:1:function:lookup"), _p("TimeLimit", "4")],
        ),
        _m(
            "check",
            "CheckAttribute",
            [("NoMatch", "set_queue")],
            [_p("Attribute", "tier"), _p("Namespace", "External")],
            more_branches=[
                _evaluate("urgent", "to_triage"),
                _evaluate("5", "partner", "GreaterThan"),
            ],
        ),
        _m(
            "set_queue",
            "SetQueue",
            [("Success", "queue_flow"), ("Error", "sorry")],
            [_p("Queue", "arn:queue/reception", resourceName="Reception")],
            metadata={"queue": {"id": "arn:queue/reception", "text": "Reception"}},
        ),
        _m(
            "queue_flow",
            "SetContactFlow",
            [("Success", "to_queue")],
            [
                _p("ContactFlowId", "arn:flow/hold", resourceName="Hold music"),
                _p("Type", "CustomerQueue"),
            ],
        ),
        _m(
            "to_queue",
            "Transfer",
            [("AtCapacity", "callback_number"), ("Error", "sorry")],
            target="Queue",
        ),
        _m(
            "to_triage",
            "Transfer",
            [("Error", "sorry")],
            [_p("ContactFlowId", "arn:flow/triage", resourceName="Triage flow")],
            target="Flow",
        ),
        _m(
            "partner",
            "Transfer",
            [("Success", "bye"), ("CallFailed", "sorry"), ("Timeout", "sorry"), ("Error", "sorry")],
            [_p("ThirdPartyPhoneNumber", "+441234567890")],
            target="PhoneNumber",
        ),
        _m(
            "callback_number",
            "StoreUserInput",
            [("Success", "set_callback"), ("InvalidNumber", "sorry"), ("Error", "sorry")],
            [
                _p("Text", "Enter the number to call you back on."),
                _p("CustomerInputType", "PhoneNumber"),
                _p("PhoneNumberFormat", "Local"),
                _p("CountryCode", "GB"),
            ],
        ),
        _m(
            "set_callback",
            "SetCallBackNumber",
            [
                ("Success", "callback"),
                ("InvalidPhoneNumber", "sorry"),
                ("NonDialableNumber", "sorry"),
            ],
            [_p("CallBackNumber", "Stored customer input", namespace="System")],
        ),
        _m("callback", "CreateCallback", [("Success", "bye"), ("Error", "sorry")]),
        _m(
            "sorry",
            "PlayPrompt",
            [("Success", "bye")],
            [_p("Text", "Sorry, something went wrong.")],
        ),
        _m("bye", "Disconnect"),
        # queue-flow blocks
        _m(
            "hold",
            "LoopPrompts",
            [("Timeout", "metrics"), ("Error", "resume")],
            [
                _p("AudioPrompt", "arn:prompt/music", resourceName="Music"),
                _p("InterruptSeconds", 45),
            ],
        ),
        _m("metrics", "GetQueueMetrics", [("Success", "status"), ("Error", "resume")]),
        _m(
            "status",
            "CheckQueueStatus",
            [("NoMatch", "wait"), ("Error", "resume")],
            more_branches=[
                {
                    "condition": "CheckQueueTime",
                    "conditionType": "LessThan",
                    "conditionValue": 120000,
                    "transition": "split",
                }
            ],
        ),
        _m(
            "split",
            "PercentileBranching",
            [("NoMatch", "hook")],
            more_branches=[_evaluate("30", "old_flow")],
        ),
        _m(
            "old_flow",
            "TransferToFlow",
            [("Error", "resume")],
            [_p("ContactFlowId", "arn:flow/old")],
        ),
        _m(
            "hook",
            "SetEventHook",
            [("Success", "wait"), ("Error", "wait")],
            [
                _p("Type", "CustomerRemaining"),
                _p("ContactFlowId", "arn:flow/survey", resourceName="Survey"),
            ],
        ),
        _m(
            "wait",
            "Wait",
            [("Timeout", "resume"), ("Error", "resume")],
            [_p("TimeoutSeconds", "30")],
        ),
        _m("resume", "Resume"),
        # a module this translator has never heard of, and an unconnected branch
        _m(
            "mystery",
            "HoldParticipant",
            [("Success", "bye"), ("Error", "sorry"), ("Timeout", "sorry"), ("Other", "resume")],
            [_p("Who", "Customer")],
            more_branches=[{"condition": "Dangling"}],
        ),
    ],
}

EXPECTED_TYPES = {
    "logging": "UpdateFlowLoggingBehavior",
    "voice": "UpdateContactTextToSpeechVoice",
    "recording": "UpdateContactRecordingBehavior",
    "attrs": "UpdateContactAttributes",
    "hours": "CheckHoursOfOperation",
    "staffing": "CheckMetricData",
    "closed": "MessageParticipant",
    "menu": "GetParticipantInput",
    "retry": "Loop",
    "patient_number": "GetParticipantInput",
    "lookup": "InvokeLambdaFunction",
    "check": "Compare",
    "set_queue": "UpdateContactTargetQueue",
    "queue_flow": "UpdateContactEventHooks",
    "to_queue": "TransferContactToQueue",
    "to_triage": "TransferToFlow",
    "partner": "TransferParticipantToThirdParty",
    "callback_number": "GetParticipantInput",
    "set_callback": "UpdateContactCallbackNumber",
    "callback": "CreateCallbackContact",
    "sorry": "MessageParticipant",
    "bye": "DisconnectParticipant",
    "hold": "MessageParticipantIteratively",
    "metrics": "GetMetricData",
    "status": "CheckMetricData",
    "split": "DistributeByPercentage",
    "old_flow": "TransferToFlow",
    "hook": "UpdateContactEventHooks",
    "wait": "Wait",
    "resume": "EndFlowExecution",
    "mystery": "HoldParticipant",
}


def _actions(flow: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["Identifier"]: a for a in to_modern(flow)["Actions"]}


def _routes(action: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(kind, label, target) for every way out of a modern action."""
    trans = action["Transitions"]
    found = set()
    if "NextAction" in trans:
        found.add(("next", "", trans["NextAction"]))
    for cond in trans.get("Conditions", []):
        found.add(("condition", cond["Condition"]["Operands"][0], cond["NextAction"]))
    for error in trans.get("Errors", []):
        found.add(("error", error["ErrorType"], error["NextAction"]))
    return found


def _lost_branches(legacy: dict[str, Any]) -> Counter[tuple[str, str]]:
    """Legacy branches (module id, target) with no matching modern transition, counted
    independently of the module under test."""
    wanted: Counter[tuple[str, str]] = Counter(
        (m["id"], b["transition"])
        for m in legacy["modules"]
        for b in m.get("branches") or []
        if b.get("transition")
    )
    found: Counter[tuple[str, str]] = Counter()
    for action in to_modern(legacy)["Actions"]:
        trans = action["Transitions"]
        targets = [trans["NextAction"]] if "NextAction" in trans else []
        targets += [c["NextAction"] for c in trans.get("Conditions", [])]
        targets += [e["NextAction"] for e in trans.get("Errors", [])]
        found.update((action["Identifier"], t) for t in targets)
    return wanted - found


def test_recognises_legacy_exports_only() -> None:
    assert looks_like(FLOW)
    assert not looks_like({"Version": "2019-10-30", "StartAction": "a", "Actions": []})
    assert not looks_like({"modules": "nope", "start": "a"})
    assert not looks_like({"modules": []})
    assert not looks_like([FLOW])


def test_top_level_structure() -> None:
    modern = to_modern(FLOW)
    assert modern["Version"] == "2019-10-30"
    assert modern["StartAction"] == "logging"
    meta = modern["Metadata"]
    assert meta["Legacy"] is True and meta["Type"] == "contactFlow"
    assert set(meta["ActionMetadata"]) == {m["id"] for m in FLOW["modules"]}
    assert meta["ActionMetadata"]["hours"]["legacyType"] == "CheckHoursOfOperation"
    assert [a["Identifier"] for a in modern["Actions"]] == [m["id"] for m in FLOW["modules"]]


def test_every_legacy_type_becomes_its_modern_type() -> None:
    types = {ident: a["Type"] for ident, a in _actions(FLOW).items()}
    assert types == EXPECTED_TYPES


def test_routes_of_each_type() -> None:
    acts = _actions(FLOW)
    assert _routes(acts["closed"]) == {("next", "", "bye")}
    assert _routes(acts["attrs"]) == {("next", "", "hours"), ("error", "NoMatchingError", "hours")}
    for ident, yes, no in (
        ("hours", "staffing", "closed"),
        ("staffing", "menu", "callback_number"),
    ):
        assert _routes(acts[ident]) == {
            ("condition", "True", yes),
            ("condition", "False", no),
            ("error", "NoMatchingError", "sorry"),
        }
    assert _routes(acts["menu"]) == {
        ("condition", "1", "lookup"),
        ("condition", "2", "patient_number"),
        ("error", "InputTimeLimitExceeded", "retry"),
        ("error", "NoMatchingCondition", "retry"),
        ("error", "NoMatchingError", "sorry"),
    }
    assert _routes(acts["retry"]) == {
        ("condition", "ContinueLooping", "menu"),
        ("condition", "DoneLooping", "sorry"),
    }
    assert _routes(acts["patient_number"]) == {
        ("next", "", "check"),
        ("error", "NoMatchingError", "sorry"),
    }
    assert _routes(acts["lookup"]) == {("next", "", "check"), ("error", "NoMatchingError", "sorry")}
    assert _routes(acts["check"]) == {
        ("condition", "urgent", "to_triage"),
        ("condition", "5", "partner"),
        ("error", "NoMatchingCondition", "set_queue"),
    }
    operators = [c["Condition"]["Operator"] for c in acts["check"]["Transitions"]["Conditions"]]
    assert operators == ["Equals", "NumberGreaterThan"]
    assert _routes(acts["to_queue"]) == {
        ("error", "QueueAtCapacity", "callback_number"),
        ("error", "NoMatchingError", "sorry"),
    }
    assert _routes(acts["to_triage"]) == {("error", "NoMatchingError", "sorry")}
    assert _routes(acts["partner"]) == {
        ("next", "", "bye"),
        ("error", "CallFailed", "sorry"),
        ("error", "ConnectionTimeLimitExceeded", "sorry"),
        ("error", "NoMatchingError", "sorry"),
    }
    assert _routes(acts["callback_number"]) == {
        ("next", "", "set_callback"),
        ("error", "InvalidPhoneNumber", "sorry"),
        ("error", "NoMatchingError", "sorry"),
    }
    assert _routes(acts["set_callback"]) == {
        ("next", "", "callback"),
        ("error", "InvalidCallbackNumber", "sorry"),
        ("error", "CallbackNumberNotDialable", "sorry"),
    }
    assert _routes(acts["bye"]) == _routes(acts["resume"]) == set()
    assert _routes(acts["hold"]) == {
        ("condition", "MessagesInterrupted", "metrics"),
        ("error", "NoMatchingError", "resume"),
    }
    assert _routes(acts["metrics"]) == {
        ("next", "", "status"),
        ("error", "NoMatchingError", "resume"),
    }
    assert _routes(acts["status"]) == {
        ("condition", "120000", "split"),
        ("error", "NoMatchingCondition", "wait"),
        ("error", "NoMatchingError", "resume"),
    }
    assert _routes(acts["split"]) == {
        ("condition", "30", "old_flow"),
        ("error", "NoMatchingCondition", "hook"),
    }
    assert (
        acts["split"]["Transitions"]["Conditions"][0]["Condition"]["Operator"] == "NumberLessThan"
    )
    assert _routes(acts["wait"]) == {
        ("condition", "WaitCompleted", "resume"),
        ("error", "NoMatchingError", "resume"),
    }
    # an unknown module keeps its type and every branch that leads somewhere
    assert _routes(acts["mystery"]) == {
        ("next", "", "bye"),
        ("error", "NoMatchingError", "sorry"),
        ("condition", "Timeout", "sorry"),
        ("condition", "Other", "resume"),
    }


def test_parameters_and_names() -> None:
    acts = _actions(FLOW)
    meta = to_modern(FLOW)["Metadata"]["ActionMetadata"]
    assert acts["sorry"]["Parameters"] == {"Text": "Sorry, something went wrong."}
    assert acts["closed"]["Parameters"] == {"SSML": "<speak>The surgery is closed.</speak>"}
    menu = acts["menu"]["Parameters"]
    assert menu["Text"].startswith("Press 1") and menu["StoreInput"] == "False"
    assert menu["InputTimeLimitSeconds"] == "6"
    stored = acts["patient_number"]["Parameters"]
    assert stored["StoreInput"] == "True"
    assert stored["InputValidation"] == {"CustomValidation": {"MaximumLength": "8"}}
    phone = acts["callback_number"]["Parameters"]["InputValidation"]["PhoneNumberValidation"]
    assert phone == {"NumberFormat": "Local", "CountryCode": "GB"}
    assert acts["retry"]["Parameters"] == {"LoopCount": "2"}
    assert acts["check"]["Parameters"] == {"ComparisonValue": "$.External.tier"}
    assert acts["attrs"]["Parameters"] == {"Attributes": {"line": "dental", "l": "$.External.lang"}}
    assert acts["lookup"]["Parameters"]["LambdaFunctionARN"].endswith(":lookup")
    assert acts["staffing"]["Parameters"]["MetricType"] == "NumberOfAgentsStaffed"
    assert acts["status"]["Parameters"]["MetricType"] == "OldestContactInQueueAgeSeconds"
    assert acts["hold"]["Parameters"] == {
        "Messages": [{"PromptId": "arn:prompt/music"}],
        "InterruptFrequencySeconds": "45",
    }
    assert acts["set_callback"]["Parameters"] == {"CallbackNumber": "$.StoredCustomerInput"}
    assert acts["recording"]["Parameters"] == {
        "RecordingBehavior": {"RecordedParticipants": ["Agent"]}
    }
    assert acts["queue_flow"]["Parameters"] == {"EventHooks": {"CustomerQueue": "arn:flow/hold"}}
    assert acts["mystery"]["Parameters"] == {"Who": "Customer"}
    # names where the modern importer reads them
    assert meta["set_queue"]["queue"]["text"] == "Reception"
    assert meta["staffing"]["queue"]["text"] == "Reception"
    assert meta["to_triage"]["ContactFlow"]["text"] == "Triage flow"
    assert meta["hours"]["Hours"]["text"] == "Surgery hours"
    assert meta["to_queue"]["legacyTarget"] == "Queue"


def test_no_branch_is_dropped() -> None:
    assert _lost_branches(FLOW) == Counter()
    assert dropped_branches(FLOW) == []


def test_block_paths() -> None:
    paths = block_paths(FLOW)
    assert paths["logging"] == ("modules", 0)
    assert paths["mystery"] == ("modules", len(FLOW["modules"]) - 1)
    assert block_paths({"Actions": []}) == {}


def test_malformed_exports_are_refused() -> None:
    with pytest.raises(ValueError):
        to_modern({"Version": "2019-10-30"})
    with pytest.raises(ValueError):
        to_modern({"modules": [{"type": "PlayPrompt"}], "start": "x"})
    with pytest.raises(ValueError):
        to_modern({"modules": [{"id": "x"}], "start": "x"})


@pytest.mark.parametrize("name", REAL_EXPORTS)
def test_real_exports_keep_every_branch(name: str) -> None:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} is not here")
    legacy = json.loads(path.read_text())
    assert looks_like(legacy)
    modern = to_modern(legacy)
    assert modern["StartAction"] == legacy["start"]
    assert [a["Identifier"] for a in modern["Actions"]] == [m["id"] for m in legacy["modules"]]
    assert sum(len(m["branches"]) for m in legacy["modules"]) > 0
    assert _lost_branches(legacy) == Counter()
    assert dropped_branches(legacy) == []
    # no legacy type name survives: both exports use only mapped modules
    legacy_only = {m["type"] for m in legacy["modules"]} - {
        "CheckHoursOfOperation",
        "GetMetricData",
        "Loop",
        "Wait",
    }
    assert not legacy_only & {a["Type"] for a in modern["Actions"]}
