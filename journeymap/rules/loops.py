"""Loops: places where a customer goes round and round (JM1xx)."""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator

from ..analysis import Analysis, Hit
from ..findings import Severity
from .base import Rule, quote

_NON_CHOOSING = frozenset({"message", "condition"})
_RETRY_SEARCH_LIMIT = 200


def _cycle_routes(a: Analysis, cycle: list[str]) -> tuple[tuple[str, str, str, str | None], ...]:
    routes = []
    for u, v in itertools.pairwise(cycle):
        data = next(d for _, t, d in a.graph.out_edges(u, data=True) if t == v)
        routes.append((u, v, data["kind"], data["choice"]))
    return tuple(routes)


def _endless_loop(a: Analysis) -> Iterator[Hit]:
    for loop in a.trap_loops:
        reached = [n for n in loop if n in a.reach]
        node = min(reached, key=lambda n: (len(a.path(n)), a.order[n])) if reached else loop[0]
        members = set(loop)
        journey = a.journey_of(node)
        names = [a.name(n, journey) for n in loop]
        routes = tuple(
            (u, v, d["kind"], d["choice"])
            for u in loop
            for _, v, d in a.graph.out_edges(u, data=True)
            if v in members
        )
        if len(loop) == 1:
            message = (
                f"`{names[0]}` only ever leads back to itself: a customer who gets here "
                "can never reach a person or an end, only hang up"
            )
        else:
            message = (
                f"{quote(names)} form a loop with no way out: a customer who gets here can "
                "never reach a person or an end, only hang up"
            )
        yield Hit(node, message, nodes=tuple(loop), routes=routes)


ENDLESS_LOOP = Rule(
    id="JM101",
    name="endless-loop",
    severity=Severity.CRITICAL,
    summary="A set of steps a customer can enter and never leave toward a person or an end.",
    what=(
        "Finds loops (strongly connected groups of steps) from which no route leads to a "
        "queue, an agent, an end, an exit to outside the audit or a channel push. It is "
        "reported once per loop, at the loop step customers reach first."
    ),
    why=(
        "A trapped customer can only hang up or close the window. They call back angrier, "
        "or leave. Loops like this are often made by 'go back' options and error routes "
        "that each look sensible on their own."
    ),
    example=(
        "help_menu:\n  type: menu\n  options: {'1': faq, '2': help_menu}\nfaq:\n"
        "  type: message\n  next: help_menu      # faq and help_menu only lead to each other"
    ),
    fix=(
        "Give the loop a way out: an option to a person (`0` to an agent queue), or an "
        "`on_fail` after a bounded number of tries that leads to a person or a clear end."
    ),
    check=_endless_loop,
)


def _returns_to(a: Analysis, start: str, node: str) -> bool:
    """Whether ``start`` leads back to ``node`` through steps the customer does not
    choose from (a 'sorry, I did not get that' prompt), within a small bound."""
    if start == node:
        return True
    seen = {start}
    queue: deque[str] = deque([start])
    while queue and len(seen) < _RETRY_SEARCH_LIMIT:
        current = queue.popleft()
        if a.type(current) not in _NON_CHOOSING:
            continue
        if a.type(current) == "condition" and len(set(a.adjacency.successors(current))) > 1:
            continue  # a decision on the way (an attempt counter?) may bound the retries
        for succ in a.adjacency.successors(current):
            if succ == node:
                return True
            if succ not in seen:
                seen.add(succ)
                queue.append(succ)
    return False


def _unbounded_retry(a: Analysis) -> Iterator[Hit]:
    for node in a.graph:
        if a.type(node) not in ("menu", "input"):
            continue
        step = a.step(node)
        limit = a.settings(node).max_retries
        if step.max_retries is not None and step.max_retries <= limit:
            continue
        kinds: list[str] = []
        routes = []
        for target, data in a.out_routes(node):
            if data["kind"] in ("no_input", "no_match") and _returns_to(a, target, node):
                if data["kind"] not in kinds:
                    kinds.append(data["kind"])
                routes.append((node, target, data["kind"], None))
        if not kinds:
            continue
        what = " and ".join(f"`{k}`" for k in kinds)
        verb = "asks" if len(kinds) == 1 else "ask"
        name = a.name(node)
        if step.max_retries is None:
            message = (
                f"{what} at `{name}` {verb} again with no `max_retries`: a customer who "
                "cannot answer is asked the same thing forever"
            )
        else:
            message = (
                f"{what} at `{name}` {verb} again up to {step.max_retries} times "
                f"(more than {limit}) before the customer is let go"
            )
        yield Hit(node, message, nodes=(node,), routes=tuple(routes))


UNBOUNDED_RETRY = Rule(
    id="JM102",
    name="unbounded-retry",
    severity=Severity.HIGH,
    summary="A menu or question repeats on silence or a wrong answer with no retry limit.",
    what=(
        "Finds menus and inputs whose `no_input` or `no_match` route leads back to the same "
        "step (directly, or through prompts the customer does not choose from) while "
        "`max_retries` is missing or above the limit (`max_retries`, default 3)."
    ),
    why=(
        "Callers who cannot answer (no touch-tone phone, a noisy line, a question they do "
        "not understand) hear the same prompt again and again until they give up."
    ),
    example=(
        "main_menu:\n  type: menu\n  options: {'1': billing_queue}\n  no_input: main_menu\n"
        "  no_match: main_menu    # no max_retries: repeats forever"
    ),
    fix=(
        "Set `max_retries` (3 or fewer) and an `on_fail` that leads to a person, or to a "
        "clear message and end."
    ),
    check=_unbounded_retry,
)


def _transfer_loop(a: Analysis) -> Iterator[Hit]:
    for cycle in a.transfer_cycles.values():
        u = cycle[0]
        teams: list[str] = []
        for n in cycle:
            team = a.people_team(n)
            if team is not None and team not in teams:
                teams.append(team)
        journey = a.journey_of(u)
        steps = [a.name(n, journey) for n in cycle]
        yield Hit(
            u,
            f"customers can be handed round in a circle between teams "
            f"{quote(teams)}: {' → '.join(steps)}",
            nodes=tuple(cycle[:-1]),
            routes=_cycle_routes(a, cycle),
        )


TRANSFER_LOOP = Rule(
    id="JM103",
    name="transfer-loop",
    severity=Severity.HIGH,
    summary="A cycle of handoffs crossing two or more teams.",
    what=(
        "Finds transfers that are part of a cycle through two or more teams of people, so "
        "that a customer can be passed from team to team indefinitely. Reported once per "
        "cycle, at the transfer that closes the shortest one found."
    ),
    why=(
        "Every handoff means another wait and another explanation. When teams can send a "
        "customer back to each other, nobody owns the problem and the customer pays for it."
    ),
    example=(
        "billing_agent:\n  type: agent\n  transfers: [{to: lending_queue}]\n"
        "lending_agent:\n  type: agent\n  transfers: [{to: billing_queue}]   # and back again"
    ),
    fix=(
        "Decide which team owns the case and let it finish; where the other team is "
        "needed, bring them in (a warm consult) instead of sending the customer back."
    ),
    check=_transfer_loop,
)
