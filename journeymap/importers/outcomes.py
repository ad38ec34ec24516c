"""What an imported end means: one shared judgement for every vendor format.

Importers translate; they do not judge. A vendor's "disconnect" block becomes
an ``end`` step marked ``JUDGE`` (``{"type": "end", JUDGE: True}``), and
:func:`judge_ends` decides its outcome from what leads to it, the same way for
every format:

=========================================================  ==================
how customers arrive at the end                            outcome
=========================================================  ==================
after something served them: a person (queue, agent, a      ``resolved``
transfer to a number), a completed self-service task, a
callback or voicemail left
after choosing it themselves from a menu (information they  ``resolved``
asked for, "press 9 to end the call")
from an error or failure (an error, time-out, no-input,     ``disconnected``
no-match or failure route, a transfer that failed) through
steps that serve no one (messages, settings, decisions)
from a by-design closure (a route labelled closed, out of   ``unresolved``
hours, holiday, no agents, at capacity): see the rule
``closed-no-alternative``
any other way (the flow plays what the system decided to    ``resolved``
say, "you already have a call-back booked", and hangs up):
no failure is shown, so none is claimed
=========================================================  ==================

"Served" sticks: once a customer has been served, a later failure (a survey
that breaks after the agent) does not undo it. Otherwise the latest of error,
closure and choice decides: a menu choice, or an answer given, is a fresh start
after an earlier failure.

When customers reach one end (or the announcements just before it) in ways that
mean different outcomes, the end and those announcements are copied, one copy
per outcome, and each route is pointed at its copy: a "Goodbye" after a failed
payment is a disconnect, the same "Goodbye" after the agent is not. The search
runs over (step, state) pairs with four states, so it is linear in the journey.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from ..model import RECOVERY_KINDS, route_meaning

JUDGE = "_judge"
"""Marks an imported ``end`` whose outcome :func:`judge_ends` decides."""

RECOVERY = tuple(RECOVERY_KINDS)
NONE, CHOSEN, CLOSED_STATE, ERROR, SERVED = range(5)
_OUTCOME = {
    NONE: "resolved",
    CHOSEN: "resolved",
    CLOSED_STATE: "unresolved",
    ERROR: "disconnected",
    SERVED: "resolved",
}
_WORST = {"disconnected": 3, "unresolved": 2, "abandoned": 1, "resolved": 0}
SERVING = {"queue", "agent", "self_service"}


def _target(value: Any) -> tuple[str | None, str | None]:
    if isinstance(value, str):
        return value, None
    if isinstance(value, dict) and isinstance(value.get("to"), str):
        return value["to"], value.get("label")
    return None, None


def exits(step: dict[str, Any]) -> list[tuple[str, str | None, str, str | None]]:
    """``(kind, key, target, label)`` for each way out of a step written as data."""
    found: list[tuple[str, str | None, str, str | None]] = []
    for name in ("next", "on_error", "on_timeout"):
        target, label = _target(step.get(name))
        if target:
            found.append((name, None, target, label))
    for kind, group in (("option", "options"), ("branch", "branches")):
        for key, value in (step.get(group) or {}).items():
            target, label = _target(value)
            if target:
                found.append((kind, str(key), target, label))
    for name in ("no_input", "no_match", "on_fail"):
        target, label = _target(step.get(name))
        if target:
            found.append((name, None, target, label))
    for item in step.get("transfers") or []:
        target, label = _target(item)
        if target:
            found.append(("transfer", None, target, label))
    return found


def _after(state: int, step: dict[str, Any], kind: str, key: str | None, label: str | None) -> int:
    """The state of a customer who leaves ``step`` by this route."""
    if state == SERVED:
        return SERVED
    if step.get("type") in SERVING and kind in ("next", "transfer"):
        return SERVED
    meaning = route_meaning(kind, key, label)
    if meaning == "error":
        return ERROR
    if meaning == "closed":
        return ERROR if state == ERROR else CLOSED_STATE
    if kind == "option":  # a choice of the customer's own, whatever came before
        return CHOSEN
    if kind == "next" and step.get("type") == "input":  # they answered: a fresh start
        return NONE
    return state


def _set_target(step: dict[str, Any], kind: str, key: str | None, index: int, new: str) -> None:
    group = {"option": "options", "branch": "branches"}.get(kind)
    if kind == "transfer":
        items = step["transfers"]
        items[index] = {**items[index], "to": new} if isinstance(items[index], dict) else new
        return
    holder = step[group] if group else step
    name = str(key) if group else kind
    value = holder[name]
    holder[name] = {**value, "to": new} if isinstance(value, dict) else new


def judge_ends(data: dict[str, Any]) -> dict[str, Any]:
    """Decide the outcome of every ``end`` marked ``JUDGE`` in imported journey data
    (changed in place and returned); see the module docs for the table."""
    nodes: dict[str, dict[str, Any]] = data["nodes"]
    entries = data["entry"] if isinstance(data["entry"], list) else [data["entry"]]
    judged = [n for n, s in nodes.items() if s.get(JUDGE)]
    if not judged:
        return data
    # the search over (step, state) pairs
    states: dict[str, set[int]] = {n: set() for n in nodes}
    queue: deque[tuple[str, int]] = deque()
    has_pred = {t for s in nodes.values() for _, _, t, _ in exits(s) if t in nodes}
    for start in [*entries, *(n for n in nodes if n not in has_pred)]:
        if start in nodes and NONE not in states[start]:
            states[start].add(NONE)
            queue.append((start, NONE))
    # the apology that failures lead to: a decision's branch into it is a failure too
    handlers = {
        t
        for s in nodes.values()
        for k, key, t, label in exits(s)
        if route_meaning(k, key, label) == "error"
    }
    while queue:
        node, state = queue.popleft()
        step = nodes[node]
        for kind, key, target, label in exits(step):
            if target not in nodes:
                continue
            after = _after(state, step, kind, key, label)
            if kind == "branch" and target in handlers and after not in (SERVED, CLOSED_STATE):
                after = ERROR
            if after not in states[target]:
                states[target].add(after)
                queue.append((target, after))

    def states_after(
        state: int, step: dict[str, Any], kind: str, key: str | None, label: str | None, to: str
    ) -> int:
        after = _after(state, step, kind, key, label)
        if kind == "branch" and to in handlers and after not in (SERVED, CLOSED_STATE):
            return ERROR
        return after

    # the announcements just before each judged end, which are copied with it
    single_next = {
        n
        for n, s in nodes.items()
        if s.get("type") == "message" and [k for k, *_ in exits(s)] == ["next"]
    }
    preds: dict[str, list[tuple[str, int, str, str | None]]] = {n: [] for n in nodes}
    for name, step in nodes.items():
        for index, (kind, key, target, _) in enumerate(exits(step)):
            if target in preds:
                preds[target].append((name, index, kind, key))
    for end in judged:
        tail = [end]  # the end and the single-exit messages that lead only to it
        members = {end}
        for current in tail:
            for pred, _, _, _ in preds[current]:
                if pred in single_next and pred not in members and pred not in entries:
                    members.add(pred)
                    tail.append(pred)
        # every route into the tail from outside, with the outcome it means
        groups: dict[str, list[tuple[str, int, str, str | None, str]]] = {}
        for member in tail:
            for pred, index, kind, key in preds[member]:
                if pred in members:
                    continue
                _, _, _, label = exits(nodes[pred])[index]
                outcomes = {
                    _OUTCOME[states_after(s, nodes[pred], kind, key, label, member)]
                    for s in states[pred]
                } or {_OUTCOME[ERROR if kind in RECOVERY else NONE]}
                worst = max(outcomes, key=_WORST.__getitem__)
                groups.setdefault(worst, []).append((pred, index, kind, key, member))
        entry_states = {s for m in tail if m in entries for s in states[m]}
        for s in entry_states:
            groups.setdefault(_OUTCOME[s], [])
        if not groups:
            groups["unresolved"] = []
        # an outcome reached only by starting at the end itself (an entry) keeps the
        # original ids: there is no route to point at a copy; then the worst first
        ordered = sorted(groups, key=lambda o: (bool(groups[o]), -_WORST[o]))
        originals = {m: dict(nodes[m]) for m in tail}
        taken: set[str] = set()  # members whose original id a group already uses
        for outcome in ordered:
            needed: list[str] = []  # the tail from where this group's routes enter it
            for member in [m for *_, m in groups[outcome]] or [end]:
                while member not in needed:
                    needed.append(member)
                    if member == end:
                        break
                    member = str(_target(originals[member]["next"])[0])
            version = {m: (m if m not in taken else _copy_id(nodes, m, outcome)) for m in needed}
            taken.update(needed)
            for member in needed:
                step = dict(originals[member])
                if "next" in step:
                    following, _ = _target(step["next"])
                    if following in version:
                        step["next"] = version[following]
                if member == end:
                    step["outcome"] = outcome
                nodes[version[member]] = step
            for pred, index, kind, key, member in groups[outcome]:
                if version[member] != member:
                    position = _transfer_index(nodes[pred], index)
                    _set_target(nodes[pred], kind, key, position, version[member])
    for end in judged:
        nodes[end].pop(JUDGE, None)
    for step in nodes.values():
        step.pop(JUDGE, None)
    return data


def _transfer_index(step: dict[str, Any], index: int) -> int:
    """The position among ``transfers`` of the ``index``-th way out of ``step``."""
    return index - (len(exits(step)) - len(step.get("transfers") or []))


def _copy_id(nodes: dict[str, Any], base: str, outcome: str) -> str:
    candidate = f"{base}_{outcome}"
    while candidate in nodes:
        candidate += "_"
    return candidate
