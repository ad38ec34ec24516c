"""Silos: teams that pass customers around instead of working together (JM4xx)."""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator

from ..analysis import Analysis, Hit
from ..findings import Severity
from ..metrics import max_handoffs
from .base import Rule, quote

_STATE_FACTOR = 50
"""The ping-pong search visits at most this many states per step."""


def _team_info(a: Analysis, node: str) -> tuple[str, str, frozenset[str], frozenset[str]]:
    """(team id, display name, tools, targets) of the team of ``node``."""
    team, declared = a.team(node), a.declared_team(node)
    assert team is not None and declared is not None
    return team, declared.name or team, frozenset(declared.tools), frozenset(declared.targets)


def _cold_handoff(a: Analysis) -> Iterator[Hit]:
    for u, v, data in a.edges:
        if data["kind"] != "transfer" or data["context"] == "warm":
            continue
        if a.team(u) is None or a.team(v) is None or a.team(u) == a.team(v):
            continue
        _, source_name, source_tools, _ = _team_info(a, u)
        _, target_name, target_tools, _ = _team_info(a, v)
        shared = sorted(source_tools & target_tools)
        note = (
            f" (they share {quote(shared)}, but nothing is passed on)"
            if shared
            else " and the teams share no tool to look it up"
        )
        journey = a.journey_of(u)
        yield Hit(
            u,
            f"`{a.name(u)}` transfers customers from {source_name} to {target_name} "
            f"(`{a.name(v, journey)}`) cold: what they already said does not travel with "
            f"them{note}",
            nodes=(u, v),
            routes=((u, v, "transfer", data["choice"]),),
        )


COLD_HANDOFF = Rule(
    id="JM401",
    name="cold-handoff",
    severity=Severity.MEDIUM,
    summary="A transfer between teams where the context does not travel (cold).",
    what=(
        "Finds `transfers` from a step of one team to a step of another team with "
        "`context: cold` (the default), one finding per transfer."
    ),
    why=(
        "After a cold transfer the customer starts again: who they are, what the problem "
        "is, what was tried. It doubles the effort and tells them the company does not "
        "talk to itself."
    ),
    example="transfers:\n  - {to: lending_queue}          # context: cold by default",
    fix=(
        "Make the transfer warm (`context: warm`): pass notes or stay on the line to "
        "introduce the customer, or give both teams a shared tool."
    ),
    check=_cold_handoff,
)


def _team_ping_pong(a: Analysis) -> Iterator[Hit]:
    looping = set(a.transfer_cycles)
    component = a.component
    State = tuple[str, str | None, str | None]
    start: list[State] = [(e, a.people_team(e), None) for e in a.entries]
    parents: dict[State, State | None] = {s: None for s in start}
    queue: deque[State] = deque(start)
    limit = _STATE_FACTOR * max(1, a.graph.number_of_nodes())
    reported: set[str] = set()
    while queue and len(parents) < limit:
        state = queue.popleft()
        node, team, previous = state
        for succ in a.handoff_successors(node):
            succ_team = a.people_team(succ)
            if succ_team is None or succ_team == team:
                nxt: State = (succ, team, previous)
            else:
                nxt = (succ, succ_team, team)
                if (
                    succ_team == previous
                    and node not in reported
                    and not (component[node] == component[succ] and component[node] in looping)
                ):
                    reported.add(node)
                    path: list[str] = [succ]
                    current: State | None = state
                    while current is not None:
                        path.append(current[0])
                        current = parents[current]
                    path.reverse()
                    journey = a.journey_of(node)
                    yield Hit(
                        node,
                        f"customers handed from `{succ_team}` to `{team}` are handed back "
                        f"to `{succ_team}` at `{a.name(node)}` → `{a.name(succ, journey)}`",
                        nodes=(node, succ),
                        path=tuple(path),
                    )
            if nxt not in parents:
                parents[nxt] = state
                queue.append(nxt)


TEAM_PING_PONG = Rule(
    id="JM402",
    name="team-ping-pong",
    severity=Severity.HIGH,
    summary="A path that returns a customer to a team that handed them off (A → B → A).",
    what=(
        "Follows the teams of people a customer meets on each path and reports a return "
        "to the team met just before (A → B → A), at the step that sends them back. "
        "Returns that are part of an endless cycle of transfers are left to "
        "`transfer-loop`."
    ),
    why=(
        "A customer sent back to the team that sent them away has waited twice to be where "
        "they started. It is the clearest sign that two teams disagree about who owns a "
        "problem."
    ),
    example="billing → (transfer) lending → (transfer) billing",
    fix=(
        "Agree which team owns the case; give the second team what it needs to finish it, "
        "or let the first team consult them instead of transferring."
    ),
    check=_team_ping_pong,
)


def _too_many_handoffs(a: Analysis) -> Iterator[Hit]:
    for entries in a.journey_entries.values():
        limit = a.settings(entries[0]).max_handoffs
        count, path = max_handoffs(a, entries, cap=limit + 1)
        if count is None or count <= limit:
            continue
        if len(set(path)) < len(path) and any(a.component[n] in a.transfer_cycles for n in path):
            continue  # only by going round a transfer loop, which transfer-loop reports
        changes = 0
        team = a.people_team(path[0])
        teams: list[str] = [team] if team is not None else []
        at = path[0]
        for previous, node in itertools.pairwise(path):
            succ_team = a.people_team(node)
            if succ_team is None or succ_team == team:
                continue
            if team is not None:
                changes += 1
                if changes == limit + 1:
                    at = previous
            teams.append(succ_team)
            team = succ_team
        yield Hit(
            at,
            f"a path to resolution hands the customer between teams {changes} times (more "
            f"than {limit}): {' → '.join(teams)}",
            nodes=tuple(path),
            path=tuple(path),
        )


TOO_MANY_HANDOFFS = Rule(
    id="JM403",
    name="too-many-handoffs",
    severity=Severity.MEDIUM,
    summary="A path to resolution that changes team too many times.",
    what=(
        "Counts the changes between teams of people (`kind: human` or `vendor`; the phone "
        "system and other automated teams do not count) on paths to a resolved end, and "
        "reports a path with more than `max_handoffs` (default 2), at the step that makes "
        "the change one too many."
    ),
    why=(
        "Each handoff adds a wait and a retelling, and makes it likelier that the case "
        "falls between two teams."
    ),
    example="front desk → billing → disputes → billing → resolved (3 handoffs)",
    fix=(
        "Route to the team that can finish the job first time, or let the first team "
        "finish it with the others' help."
    ),
    check=_too_many_handoffs,
)


def _siloed_team(a: Analysis) -> Iterator[Hit]:
    partners: dict[tuple[str, str], set[tuple[str, str]]] = {}
    info: dict[tuple[str, str], tuple[str, frozenset[str], frozenset[str], str]] = {}
    first: dict[tuple[str, str], str] = {}
    for node in a.graph:
        team = a.people_team(node)
        if team is not None:
            first.setdefault((a.journey_of(node), team), node)
    for u, v, _ in a.edges:
        tu, tv = a.people_team(u), a.people_team(v)
        if tu is None or tv is None or tu == tv:
            continue
        ku, kv = (a.journey_of(u), tu), (a.journey_of(v), tv)
        for key in (ku, kv):
            if key not in info:
                _, name, tools, targets = _team_info(a, first[key])
                info[key] = (name, tools, targets, first[key])
        partners.setdefault(ku, set()).add(kv)
        partners.setdefault(kv, set()).add(ku)
    for key in sorted(partners, key=lambda k: a.order[info[k][3]]):
        name, tools, targets, node = info[key]
        others = partners[key]
        if any(tools & info[o][1] or targets & info[o][2] for o in others):
            continue
        names = sorted(info[o][0] for o in others)
        yield Hit(
            node,
            f"team {name} exchanges customers with {quote(names)} but shares no tool and no "
            "target with any of them",
            nodes=(node,),
            path=(),
            at=("teams", key[1]),
        )


SILOED_TEAM = Rule(
    id="JM404",
    name="siloed-team",
    severity=Severity.MEDIUM,
    summary="A team that exchanges customers with others but shares no tool or target.",
    what=(
        "Finds teams of people that send customers to, or receive them from, other teams, "
        "while sharing no `tools` and no `targets` with any of those teams."
    ),
    why=(
        "Without a shared system, context cannot travel; without a shared goal, each team "
        "is rewarded for passing the customer on. Both show up as repeated questions and "
        "transfers."
    ),
    example=(
        "teams:\n  billing: {tools: [ledger], targets: [aht-5min]}\n"
        "  lending: {tools: [loan-desk], targets: [loans-closed]}"
    ),
    fix=(
        "Give teams that share customers a shared view (a CRM both can read) and a shared "
        "target (first-contact resolution)."
    ),
    check=_siloed_team,
)
