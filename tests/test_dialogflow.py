"""Dialogflow CX agents: every construct read, found at the page that causes it."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

import journeymap
from journeymap.cli import app


def _text(*lines: str) -> dict[str, Any]:
    return {"messages": [{"text": {"text": list(lines)}, "languageCode": "en"}]}


def _agent(root: Path) -> Path:
    """A small support bot of our own, in the exported package layout."""
    files: dict[str, Any] = {
        "agent.json": {"displayName": "Support bot", "startFlow": "Default Start Flow"},
        "flows/Default Start Flow/Default Start Flow.json": {
            "displayName": "Default Start Flow",
            "transitionRoutes": [
                {"intent": "order.status", "targetPage": "Order Status"},
                {"intent": "talk.to.agent", "targetPage": "Human"},
                {"intent": "faq", "targetFlow": "FAQ"},
            ],
            "eventHandlers": [
                {"event": "sys.no-match-1", "triggerFulfillment": _text("Sorry?")},
                {"event": "sys.no-match-2", "triggerFulfillment": _text("Once more?")},
                {"event": "sys.no-match-3", "targetPage": "Human"},
            ],
        },
        "flows/Default Start Flow/pages/Order Status.json": {
            "displayName": "Order Status",
            "entryFulfillment": {**_text("Looking up your order."), "webhook": "orders"},
            "transitionRoutes": [{"condition": "true", "targetPage": "END_SESSION"}],
            "eventHandlers": [
                {
                    "event": "webhook.error",
                    "triggerFulfillment": _text("Something went wrong. Goodbye."),
                    "targetPage": "END_SESSION",
                }
            ],
        },
        "flows/Default Start Flow/pages/Human.json": {
            "displayName": "Human",
            "entryFulfillment": {
                "messages": [
                    {"liveAgentHandoff": {"metadata": {}}},
                    *_text("Connecting")["messages"],
                ]
            },
        },
        "flows/Default Start Flow/pages/Old Promo.json": {
            "displayName": "Old Promo",
            "entryFulfillment": _text("Ask about our offers!"),
            "transitionRoutes": [{"condition": "true", "targetPage": "END_SESSION"}],
        },
        "flows/FAQ/FAQ.json": {
            "displayName": "FAQ",
            "transitionRoutes": [{"intent": "faq.hours", "targetPage": "Hours"}],
            "eventHandlers": [
                {"event": "sys.no-match-default", "triggerFulfillment": _text("Say that again?")}
            ],
        },
        "flows/FAQ/pages/Hours.json": {
            "displayName": "Hours",
            "entryFulfillment": _text("We are open 9 to 5."),
            "transitionRoutes": [{"condition": "true", "targetPage": "End Flow"}],
        },
    }
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))
    return root


def _findings(path: Path) -> set[tuple[str, str | None]]:
    result = journeymap.audit([path])
    assert result.problems == (), result.problems
    return {(f.name, f.source_ref) for f in result.findings}


def test_every_construct_is_read_and_judged_where_it_is(tmp_path: Path) -> None:
    agent = _agent(tmp_path / "support-bot")
    found = _findings(agent)
    # a webhook error that ends the session: at the page that calls the webhook
    assert ("disconnect-on-error", "Default Start Flow/Order Status") in found
    # the FAQ flow's no-match handler only re-asks: once, at the flow's start
    assert ("unbounded-retry", "FAQ/Start") in found
    # the start flow's numbered no-match handlers bound it and end with a person
    assert ("unbounded-retry", "Default Start Flow/Start") not in found
    # a page nothing leads to
    assert ("unreachable", "Default Start Flow/Old Promo") in found
    # a person can be reached (live-agent handoff): no claim that nobody can help
    assert not any(name == "no-human-exit" for name, _ in found)
    result = journeymap.audit([agent])
    (journey,) = result.journeys
    assert journey.title == "Support bot" and journey.journey == "support-bot"
    webhook = next(f for f in result.findings if f.name == "disconnect-on-error")
    assert webhook.file.endswith("pages/Order Status.json") and webhook.line == 1


def test_zip_exports_and_folders_of_agents(tmp_path: Path) -> None:
    agent = _agent(tmp_path / "build" / "support-bot")
    archive = tmp_path / "exports" / "support-bot.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as bundle:
        for file in sorted(agent.rglob("*.json")):
            bundle.write(file, file.relative_to(agent).as_posix())
    assert _findings(archive) == _findings(agent)
    # in a folder, the agent is one input (its page files are not read one by one)
    result = journeymap.audit([tmp_path / "build"])
    assert [j.journey for j in result.journeys] == ["support-bot"] and not result.problems


def test_a_bot_with_no_person_is_reported_once_at_its_start(tmp_path: Path) -> None:
    agent = _agent(tmp_path / "bot")
    start = agent / "flows/Default Start Flow/Default Start Flow.json"
    flow = json.loads(start.read_text())
    flow["transitionRoutes"] = [
        r for r in flow["transitionRoutes"] if r["intent"] != "talk.to.agent"
    ]
    flow["eventHandlers"][-1] = {"event": "sys.no-match-3", "targetPage": "END_SESSION"}
    start.write_text(json.dumps(flow))
    found = _findings(agent)
    assert ("no-human-exit", "Default Start Flow/Start") in found
    assert not any(name == "no-zero-out" for name, _ in found)


def test_import_and_broken_agents(tmp_path: Path) -> None:
    agent = _agent(tmp_path / "support-bot")
    runner = CliRunner()
    result = runner.invoke(app, ["import", str(agent), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    written = tmp_path / "out" / "support-bot.yaml"
    assert runner.invoke(app, ["validate", str(written)]).exit_code == 0
    (agent / "flows/FAQ/FAQ.json").write_text("{not json")
    result = runner.invoke(app, ["audit", str(agent)])
    assert result.exit_code == 2 and "Dialogflow CX agent cannot be read" in result.output
