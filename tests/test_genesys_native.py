"""Native Genesys Architect exports (base64 of URL-encoded JSON) -> Archy -> journey."""

from __future__ import annotations

import base64
import json
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from journeymap.importers import genesys
from journeymap.importers.genesys_native import block_paths, decode, looks_like, to_archy

SHARED = Path(__file__).parents[1].parent / "shared/fixtures/vendor/genesys-archy"
DIALOGFLOW = SHARED / (
    "MyPureCloud__voicebot-examples__dialogflow-fulfillment__aws-lambda__resources__"
    "Dialogflow-Fulfillment_v5-0.i3InboundFlow"
)
CALL_PARK = SHARED / (
    "GenesysCloudBlueprints__genesys-cloud-call-park__blueprint__exports__"
    "InQueue_-_Orbit_Call_Park_Hold.i3InQueueFlow"
)


def _encode(doc: Any) -> str:
    quoted = urllib.parse.quote(json.dumps(doc, separators=(",", ":")), safe="")
    return base64.b64encode(quoted.encode()).decode()


def _tts(text: str) -> dict[str, Any]:
    return {
        "defaultAudio": {
            "config": {
                "AudioPlaybackOptions": {
                    "operands": [
                        {"ToAudioTTS": {"operands": [{"lit": {"text": text, "type": "str"}}]}},
                        {"lit": {"text": "true", "type": "bln"}},
                    ]
                }
            },
            "text": f'AudioPlaybackOptions(ToAudioTTS("{text}"), true)',
            "type": "aud",
        }
    }


def _queue(name: str) -> list[dict[str, Any]]:
    return [
        {
            "config": {"lit": {"text": name, "type": "que", "val": f"id-{name}"}},
            "text": name,
            "type": "que",
            "metaData": {"references": [{"id": f"id-{name}", "type": "que", "name": name}]},
        }
    ]


def _failure(next_id: str | None = None) -> list[dict[str, Any]]:
    path: dict[str, Any] = {"label": "Failure", "outputId": "__FAILURE__"}
    if next_id:
        path["nextActionId"] = next_id
    return [path]


def _play(action_id: str, text: str, next_id: str | None = None) -> dict[str, Any]:
    action: dict[str, Any] = {"id": action_id, "name": f"Say {text}", "__type": "PlayAudioAction"}
    action["prompts"] = _tts(text)
    if next_id:
        action["nextAction"] = next_id
    return action


def _native() -> dict[str, Any]:
    """A small inbound call flow touching every construct the translator knows."""
    actions: list[dict[str, Any]] = [
        {
            "id": "a1",
            "name": "Known caller?",
            "__type": "DecisionAction",
            "condition": {"text": "Call.Ani != NOT_SET", "type": "bln"},
            "nextAction": "a4",
            "paths": [
                {"label": "Yes", "outputId": "__YES__", "nextActionId": "a2"},
                {"label": "No", "outputId": "__NO__", "nextActionId": "a3"},
            ],
        },
        {
            "id": "a2",
            "name": "Ask the bot",
            "__type": "CallDialogflowBotAction",
            "paths": [
                {"label": "Failure", "outputId": "__FAILURE__", "nextActionId": "a5"},
                {"label": "No Match", "outputId": "__NO_MATCH__"},
                {
                    "label": "Billing",
                    "outputId": "intent-billing",
                    "isDynamicBranch": True,
                    "nextActionId": "a6",
                },
            ],
        },
        {
            "id": "a3",
            "name": "Tier",
            "__type": "SwitchAction",
            "paths": [
                {"label": "Gold", "outputId": "case-gold", "nextActionId": "a8"},
                {"label": "Default", "outputId": "__DEFAULT__"},
            ],
        },
        {
            "id": "a4",
            "name": "To support",
            "__type": "TransferAcdAction",
            "queues": _queue("Support"),
            "nextAction": "a11",
            "paths": _failure("a9"),
        },
        _play("a5", "The assistant is unavailable."),
        {
            "id": "a6",
            "name": "To billing",
            "__type": "TransferAcdAction",
            "queues": _queue("Billing"),
            "paths": _failure("a7"),
        },
        {"id": "a7", "name": "Give up", "__type": "DisconnectAction"},
        _play("a8", "Welcome back, gold member."),
        _play("a9", "Sorry, nobody can take your call.", "a10"),
        {
            "id": "a10",
            "name": "Frobnicate",
            "__type": "FrobnicateAction",
            "nextAction": "a12",
            "paths": [
                {"label": "Ok", "outputId": "__SUCCESS__"},
                {"label": "Oops", "outputId": "__FAILURE__", "nextActionId": "a13"},
            ],
        },
        {"id": "a11", "name": "Never", "__type": "PlayAudioAction", "disabled": True},
        {"id": "a12", "name": "Back to menu", "__type": "TransferMenuAction"},
        {"id": "a13", "name": "Bye", "__type": "DisconnectAction"},
    ]
    actions[11]["menuReference"] = "menu-1"
    actions[10]["nextAction"] = "a1"  # a disabled action that loops back: skipped, no loop
    return {
        "name": "Test Line",
        "type": "inboundcall",
        "initialSequence": "menu-1",
        "initialPrompts": _tts("Thanks for calling."),
        "flowSequenceItemList": [
            {
                "id": "menu-1",
                "name": "Main Menu",
                "__type": "Menu",
                "prompts": _tts("Press 1 for sales, 2 for help, 9 to hang up."),
                "promptRepeatCount": {"config": {"lit": {"text": "2", "type": "int"}}, "text": "2"},
                "menuChoiceList": [
                    {
                        "name": "Sales",
                        "digit": 1,
                        "action": {
                            "id": "c1",
                            "name": "Sales",
                            "__type": "TransferAcdAction",
                            "queues": _queue("Sales"),
                        },
                    },
                    {
                        "name": "Help",
                        "digit": 2,
                        "action": {"id": "c2", "__type": "TaskAction", "taskReference": "task-1"},
                    },
                    {
                        "name": "Bye",
                        "digit": 9,
                        "action": {"id": "c3", "__type": "DisconnectAction"},
                    },
                    {
                        "name": "Again",
                        "digit": "*",
                        "action": {
                            "id": "c4",
                            "__type": "TransferMenuAction",
                            "menuReference": "menu-1",
                        },
                    },
                    {
                        "name": "Urgent",
                        "digit": 0,
                        "action": {
                            "id": "c5",
                            "name": "Urgent",
                            "__type": "TransferAcdAction",
                            "queues": _queue("Urgent"),
                            "paths": _failure("c6"),
                        },
                    },
                ],
            },
            {
                "id": "task-1",
                "name": "Help [desk]",
                "__type": "Task",
                "startAction": "a1",
                "actionList": [
                    *actions,
                    {"id": "c6", "name": "Urgent failed", "__type": "DisconnectAction"},
                ],
            },
        ],
    }


def test_decode_reads_base64_of_url_encoded_json() -> None:
    doc = _native()
    assert decode(_encode(doc)) == doc
    wrapped = "\n".join(_encode(doc)[i : i + 76] for i in range(0, len(_encode(doc)), 76))
    assert decode(wrapped + "\n") == doc
    assert looks_like(doc)
    assert block_paths(doc) == {}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello world, this is not base64!",
        "inboundCall:\n  name: x\n",
        '{"flowSequenceItemList": []}',
        base64.b64encode(b"just some text").decode(),
        base64.b64encode(b"%7Bnot json").decode(),
        base64.b64encode(b"%7B%ZZ").decode(),
        base64.b64encode(b"\xff\xfe\x00garbage").decode(),
        base64.b64encode(urllib.parse.quote("[1, 2]").encode()).decode(),
        base64.b64encode(urllib.parse.quote("[" * 100_000).encode()).decode(),
        base64.b64encode(urllib.parse.quote('{"a":' * 100_000).encode()).decode(),
        "QUJD=",
        "A" * (32 * 1024 * 1024 + 4),
    ],
)
def test_decode_refuses_what_is_not_an_export(text: str) -> None:
    assert decode(text) is None


def test_looks_like_only_native_flows() -> None:
    assert not looks_like({"inboundCall": {"name": "x"}})
    assert not looks_like({"flowSequenceItemList": "nope", "type": "inboundcall"})
    assert not looks_like([1, 2])


def test_to_archy_keeps_every_route() -> None:
    archy = to_archy(decode(_encode(_native())) or {})
    flow = archy["inboundCall"]
    assert flow["name"] == "Test Line"
    assert flow["startUpRef"] == "./menus/menu[Main Menu]"
    assert flow["initialGreeting"] == {"tts": "Thanks for calling."}
    menu = flow["menus"][0]["menu"]
    assert menu["refId"] == "Main Menu"
    assert menu["settingsMenu"] == {"repeatCount": {"lit": 2}}
    choices = {next(iter(c.values()))["dtmf"]: c for c in menu["choices"]}
    assert choices["digit_1"] == {
        "menuTransferToAcd": {
            "name": "Sales",
            "dtmf": "digit_1",
            "targetQueue": {"lit": {"name": "Sales"}},
        }
    }
    assert choices["digit_2"]["menuJumpToTask"]["targetTaskRef"] == "./tasks/task[Help desk]"
    assert "menuDisconnect" in choices["digit_9"]
    assert choices["star"]["menuJumpToMenu"]["targetMenuRef"] == "./menus/menu[Main Menu]"
    urgent = choices["digit_0"]["menuTask"]["task"]["actions"]  # a choice with a failure route
    assert [next(iter(a)) for a in urgent] == ["transferToAcd", "disconnect"]

    task = flow["tasks"][0]["task"]
    assert task["refId"] == "Help desk"
    decision, transfer, sorry, frob, back = task["actions"]  # the disabled action is gone
    outputs = decision["decision"]["outputs"]
    assert decision["decision"]["condition"] == {"exp": "Call.Ani != NOT_SET"}
    assert set(outputs) == {"yes", "no"}
    bot = outputs["yes"]["actions"][0]["callDialogflowBot"]
    assert set(bot["outputs"]) == {"failure", "noMatch", "Billing"}
    assert bot["outputs"]["noMatch"] == {"actions": []}
    assert bot["outputs"]["failure"]["actions"][0]["playAudio"]["audio"] == {
        "tts": "The assistant is unavailable."
    }
    billing = bot["outputs"]["Billing"]["actions"]
    assert billing[0]["transferToAcd"]["targetQueue"] == {"lit": {"name": "Billing"}}
    assert "disconnect" in billing[1]  # the transfer's failure path follows it
    switch = outputs["no"]["actions"][0]["switch"]["evaluate"]["firstTrue"]
    assert len(switch["cases"]) == 1 and "playAudio" in switch["cases"][0]["case"]["actions"][0]
    assert switch["default"] == {"actions": []}
    assert transfer["transferToAcd"]["targetQueue"] == {"lit": {"name": "Support"}}
    assert sorry["playAudio"]["audio"]["tts"].startswith("Sorry")
    assert set(frob["frobnicate"]["outputs"]) == {"success", "failure"}
    assert "disconnect" in frob["frobnicate"]["outputs"]["failure"]["actions"][0]
    assert back == {
        "jumpToMenu": {"name": "Back to menu", "targetMenuRef": "./menus/menu[Main Menu]"}
    }


def test_the_existing_importer_converts_the_translation() -> None:
    journey = genesys.convert(to_archy(_native()), "test-line")
    nodes = journey["nodes"]
    menu = nodes["main_menu"]
    assert set(menu["options"]) == {"0", "1", "2", "9", "*"}
    assert menu["max_retries"] == 2
    assert nodes[menu["options"]["2"]]["source"] == "Help desk"
    queues = {n["team"]: n for n in nodes.values() if n["type"] == "queue"}
    assert {"sales", "support", "billing", "urgent"} <= set(queues)
    assert nodes[queues["support"]["on_error"]]["say"].startswith("Sorry")
    # a bot turn is a menu: intents are options, no match a retry route, failure on_fail
    bot = next(n for n in nodes.values() if n.get("options", {}).keys() >= {"billing"})
    assert set(bot["options"]) == {"billing", "(any other)"}
    assert "no_match" in bot and "on_fail" in bot


def test_a_loop_in_the_graph_stops() -> None:
    doc = _native()
    task = doc["flowSequenceItemList"][1]
    task["actionList"][12]["nextAction"] = "a1"  # Bye -> back to the decision
    archy = to_archy(doc)
    assert archy["inboundCall"]["tasks"][0]["task"]["actions"]
    genesys.convert(archy, "looped")


def test_in_queue_loop_task_becomes_start_up_actions() -> None:
    doc = {
        "name": "Hold",
        "type": "inqueuecall",
        "initialSequence": "loop",
        "flowSequenceItemList": [
            {
                "id": "loop",
                "name": "In-Queue Task",
                "__type": "LoopTask",
                "startAction": "p",
                "actionList": [_play("p", "Please hold.")],
            }
        ],
    }
    archy = to_archy(doc)
    assert archy == {
        "inqueueCall": {
            "name": "Hold",
            "startUpTaskActions": [
                {"playAudio": {"name": "Say Please hold.", "audio": {"tts": "Please hold."}}}
            ],
        }
    }
    genesys.convert(archy, "hold")


@pytest.mark.parametrize("path", [DIALOGFLOW, CALL_PARK], ids=["dialogflow", "call-park"])
def test_real_exports(path: Path) -> None:
    if not path.exists():
        pytest.skip("shared Genesys fixtures not present")
    doc = decode(path.read_text())
    assert doc is not None and looks_like(doc)
    archy = to_archy(doc)
    journey = genesys.convert(archy, path.stem)
    assert journey["nodes"]
    if path == CALL_PARK:
        actions = archy["inqueueCall"]["startUpTaskActions"]
        assert [next(iter(a)) for a in actions] == ["playAudio"] * 3
        assert actions[1]["playAudio"]["audio"] == {"prompt": "PromptSystem.on_hold_music"}
    else:
        task = archy["inboundCall"]["tasks"][0]["task"]
        bot = task["actions"][0]["callDialogflowBot"]
        assert set(bot["outputs"]) == {"failure", "ANI", "MemberInfo", "Weather", "Participants"}
        assert "jumpToMenu" in task["actions"][1]


def test_to_archy_refuses_what_it_cannot_unfold() -> None:
    with pytest.raises(ValueError):
        to_archy({"inboundCall": {"name": "x"}})
    # every decision's two paths meet again: unfolding them would double 40 times
    actions = [
        {
            "id": f"d{i}",
            "__type": "DecisionAction",
            "paths": [
                {"label": "Yes", "nextActionId": f"d{i + 1}"},
                {"label": "No", "nextActionId": f"d{i + 1}"},
            ],
        }
        for i in range(40)
    ]
    task = {"id": "t", "name": "T", "__type": "Task", "startAction": "d0", "actionList": actions}
    doc = {"type": "inboundcall", "initialSequence": "t", "flowSequenceItemList": [task]}
    with pytest.raises(ValueError, match="too large"):
        to_archy(doc)
