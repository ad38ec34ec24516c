"""The shared judgement of imported ends (journeymap.importers.outcomes)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from journeymap.importers.outcomes import JUDGE, exits, judge_ends


def _judge(nodes: dict[str, Any], entry: str = "start") -> dict[str, Any]:
    return judge_ends({"journey": "x", "entry": entry, "nodes": nodes})["nodes"]  # type: ignore[no-any-return]


def _end() -> dict[str, Any]:
    return {"type": "end", JUDGE: True}


def test_after_a_person_an_end_is_resolved() -> None:
    nodes = _judge(
        {
            "start": {"type": "queue", "next": "agent"},
            "agent": {"type": "agent", "next": "bye"},
            "bye": _end(),
        }
    )
    assert nodes["bye"] == {"type": "end", "outcome": "resolved"}


def test_after_an_error_through_messages_it_is_a_disconnect() -> None:
    nodes = _judge(
        {
            "start": {"type": "condition", "branches": {"ok": "q"}, "on_error": "sorry"},
            "sorry": {"type": "message", "say": "Sorry.", "next": "bye"},
            "q": {"type": "queue", "next": "a"},
            "a": {"type": "agent", "next": "done"},
            "done": {"type": "end", "outcome": "resolved"},
            "bye": _end(),
        }
    )
    assert nodes["bye"]["outcome"] == "disconnected"


def test_a_shared_goodbye_is_copied_per_outcome() -> None:
    nodes = _judge(
        {
            "start": {"type": "condition", "branches": {"ok": "q"}, "on_error": "goodbye"},
            "q": {"type": "queue", "next": "a"},
            "a": {"type": "agent", "next": "goodbye"},
            "goodbye": {"type": "message", "say": "Goodbye.", "next": "bye"},
            "bye": _end(),
        }
    )
    # the worst outcome keeps the original ids; the other gets copies, routes re-pointed
    assert nodes["bye"]["outcome"] == "disconnected"
    assert nodes["a"]["next"] == "goodbye_resolved"
    assert nodes["goodbye_resolved"] == {
        "type": "message",
        "say": "Goodbye.",
        "next": "bye_resolved",
    }
    assert nodes["bye_resolved"]["outcome"] == "resolved"
    assert nodes["start"]["on_error"] == "goodbye"


def test_closures_choices_and_fresh_starts() -> None:
    nodes = _judge(
        {
            "start": {"type": "condition", "branches": {"open": "m", "closed": "shut"}},
            "shut": {"type": "message", "say": "Closed.", "next": "end1"},
            "m": {"type": "menu", "options": {"9": "end2"}, "no_input": "ask"},
            "ask": {"type": "input", "next": "end3", "on_error": "end4"},
            "end1": _end(),
            "end2": _end(),
            "end3": _end(),
            "end4": _end(),
        }
    )
    assert nodes["end1"]["outcome"] == "unresolved"  # closed by design
    assert nodes["end2"]["outcome"] == "resolved"  # the caller chose to leave
    assert nodes["end3"]["outcome"] == "resolved"  # answered after a no-input: fresh start
    assert nodes["end4"]["outcome"] == "disconnected"


def test_a_branch_into_the_failure_apology_is_a_failure() -> None:
    nodes = _judge(
        {
            "start": {
                "type": "condition",
                "branches": {"complete": "q", "otherwise": "sorry"},
                "on_error": "sorry",
            },
            "q": {"type": "queue", "next": "a"},
            "a": {"type": "agent", "next": "done"},
            "done": {"type": "end", "outcome": "resolved"},
            "sorry": {"type": "message", "say": "We cannot take your call.", "next": "bye"},
            "bye": _end(),
        }
    )
    assert nodes["bye"]["outcome"] == "disconnected" and "bye_resolved" not in nodes


@st.composite
def _journeys(draw: Any) -> dict[str, Any]:
    size = draw(st.integers(2, 12))
    names = [f"s{i}" for i in range(size)]
    kinds = ["message", "condition", "queue", "agent", "menu", "end"]
    nodes: dict[str, Any] = {}
    for name in names:
        kind = draw(st.sampled_from(kinds))
        target = st.sampled_from(names)
        if kind == "end":
            nodes[name] = {"type": "end", JUDGE: True}
        elif kind == "message":
            nodes[name] = {"type": "message", "next": draw(target)}
        elif kind == "condition":
            labels = draw(st.lists(st.sampled_from(["ok", "closed", "failed", "x"]), max_size=3))
            nodes[name] = {"type": "condition", "branches": {k: draw(target) for k in labels}}
            if draw(st.booleans()):
                nodes[name]["on_error"] = draw(target)
        elif kind == "menu":
            nodes[name] = {"type": "menu", "options": {"1": draw(target)}, "no_match": draw(target)}
        else:
            nodes[name] = {"type": kind, "next": draw(target)}
    return {"journey": "x", "entry": names[0], "nodes": nodes}


@given(_journeys())
def test_every_end_is_judged_and_every_copy_is_reached(data: dict[str, Any]) -> None:
    before = set(data["nodes"])
    nodes = judge_ends(data)["nodes"]
    assert all(JUDGE not in step for step in nodes.values())
    ends = [step for step in nodes.values() if step["type"] == "end"]
    assert all(step["outcome"] in ("resolved", "unresolved", "disconnected") for step in ends)
    targets = {t for step in nodes.values() for _, _, t, _ in exits(step)}
    assert all(t in nodes for t in targets)
    assert set(nodes) - before <= targets  # a copy exists only for the routes led to it
