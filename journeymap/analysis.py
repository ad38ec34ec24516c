"""Facts about a journey graph that several rules share, each computed once.

An :class:`Analysis` wraps the graph of one run (see :mod:`journeymap.graph`)
with the settings of each journey. Its facts are lazily computed sets and
search trees; every one is linear or near-linear in the size of the graph.
Rules read these facts and yield :class:`Hit` objects; they never change them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import networkx as nx

from . import algorithms
from .config import Settings
from .model import PERSON_TYPES, Team, route_meaning


@dataclass(frozen=True)
class Hit:
    """What a rule found, before it becomes a located :class:`Finding`.

    ``node`` is where a person would fix it; ``path`` defaults to the shortest
    path from an entry to ``node``; ``routes`` are ``(source, target, kind,
    choice)`` tuples of the routes involved.
    """

    node: str
    message: str
    nodes: tuple[str, ...] = ()
    path: tuple[str, ...] | None = None
    routes: tuple[tuple[str, str, str, str | None], ...] = ()
    at: tuple[str | int, ...] | None = None
    """Where in the node's journey file to point, when not at the step itself."""


OTHER_CHANNEL = re.compile(
    r"(\b(call|dial|ring|phone|text|contact)\b[^.]{0,60}?(\+?\d[\d\s().-]{6,}\d)"
    r"|\bwww\.|https?://|\b[\w.-]+\.(com|org|net|gov)\b|\b[\w.+-]+@[\w-]+\.\w+)",
    re.IGNORECASE,
)
"""A prompt that sends the customer somewhere else that can help: a number, a site."""

NORMAL_KINDS = frozenset({"next", "option", "branch", "transfer"})
"""Routes a customer takes by choice or as the flow goes on (not after a failure)."""


def _in_component(component: dict[str, int], comp: int) -> Callable[[str], bool]:
    return lambda node: component[node] == comp


class Analysis:
    """The graph of one run with its shared facts."""

    def __init__(self, graph: nx.MultiDiGraph, settings: dict[str, Settings]) -> None:
        self.graph = graph
        self._settings = settings
        self.order: dict[str, int] = {n: i for i, n in enumerate(graph.nodes)}
        self.entries: list[str] = [n for n, d in graph.nodes(data=True) if d["entry"]]
        # plain dicts of what rules ask most often (networkx views are slow to index)
        self._data: dict[str, dict[str, Any]] = dict(graph.nodes(data=True))
        self._type: dict[str, str] = {n: d["type"] for n, d in self._data.items()}
        self._people: dict[str, str | None] = {n: self._people_team(n) for n in self._data}
        self.memo: dict[Any, Any] = {}
        """Results that rules and metrics share (keyed by what computed them)."""

    @property
    def journey_settings(self) -> dict[str, Settings]:
        """The settings of each journey of the run, by journey id."""
        return self._settings

    # -- what each step is --------------------------------------------------------

    def data(self, node: str) -> dict[str, Any]:
        return self._data[node]

    def step(self, node: str) -> Any:
        """The validated step model of ``node``."""
        return self._data[node]["model"]

    def type(self, node: str) -> str:
        return self._type[node]

    def collects(self, node: str) -> list[str]:
        """What the step asks the customer for (empty for types that ask nothing)."""
        return self._data[node]["model"].__dict__.get("collects", [])  # type: ignore[no-any-return]

    def settings(self, node: str) -> Settings:
        """The settings that apply at ``node`` (its journey's)."""
        return self._settings[self._data[node]["journey"]]

    def journey_of(self, node: str) -> str:
        return self._data[node]["journey"]  # type: ignore[no-any-return]

    def name(self, node: str, journey: str | None = None) -> str:
        """A node's step id, prefixed with its journey when that differs from ``journey``."""
        data = self._data[node]
        if journey is None or data["journey"] == journey:
            return data["step"]  # type: ignore[no-any-return]
        return node

    def team(self, node: str) -> str | None:
        return self._data[node]["team"]  # type: ignore[no-any-return]

    def declared_team(self, node: str) -> Team | None:
        """The team declaration (in its journey's ``teams``) of the team of ``node``."""
        data = self._data[node]
        team = data["team"]
        if team is None:
            return None
        return self.graph.graph["journeys"][data["journey"]].journey.teams[team]  # type: ignore[no-any-return]

    def team_kind(self, node: str) -> str | None:
        """``human``, ``automated`` or ``vendor`` for a step with a team, else None."""
        declared = self.declared_team(node)
        return None if declared is None else declared.kind

    def _people_team(self, node: str) -> str | None:
        kind = self.team_kind(node)
        if kind is None or kind == "automated":
            return None
        return self.team(node)

    def people_team(self, node: str) -> str | None:
        """The team of ``node`` when it is made of people (human or vendor). Teams are
        matched by id across journeys: `billing` in two journeys is one team."""
        return self._people[node]

    def is_person(self, node: str) -> bool:
        return self.type(node) in PERSON_TYPES

    def is_end(self, node: str) -> bool:
        return self.type(node) == "end"

    def is_resolved_end(self, node: str) -> bool:
        return self.type(node) == "end" and bool(self.step(node).outcome == "resolved")

    def is_push(self, node: str) -> bool:
        """A redirect that ends the conversation (no ``next``)."""
        return self.type(node) == "redirect" and self.step(node).next is None

    def is_dead_end(self, node: str) -> bool:
        """Not an end, not an exit to outside, not a channel push, and no way out."""
        if self.type(node) in ("end", "external", "redirect"):
            return False
        return bool(self.graph.out_degree(node) == 0)

    def out_routes(self, node: str) -> list[tuple[str, dict[str, Any]]]:
        """``(target, edge data)`` for each way out of ``node``, in file order."""
        return self.adjacency.routes(node)

    @cached_property
    def edges(self) -> list[tuple[str, str, dict[str, Any]]]:
        """Every route ``(source, target, data)``, in graph order: listed once per audit
        instead of walking networkx's edge views in every rule."""
        return list(self.graph.edges(data=True))

    @cached_property
    def adjacency(self) -> algorithms.Adjacency:
        """The graph's ways out and in as plain lists, for the searches."""
        return algorithms.Adjacency(self.edges, nodes=list(self.graph))

    @cached_property
    def normal_adjacency(self) -> algorithms.Adjacency:
        """:attr:`normal_graph` as plain lists."""
        return algorithms.Adjacency(
            self.edges,
            keep=lambda u, v, d: d["kind"] in NORMAL_KINDS and self.meaning(d) != "error",
            with_data=False,
            nodes=list(self.graph),
        )

    @cached_property
    def reverse_adjacency(self) -> algorithms.Adjacency:
        """The same, every route turned round (searches back from a step)."""
        return self.adjacency.reversed()

    # -- shared facts ---------------------------------------------------------------

    @cached_property
    def journey_entries(self) -> dict[str, list[str]]:
        """Each journey's entry steps, in graph order."""
        found: dict[str, list[str]] = {}
        for node in self.entries:
            found.setdefault(self._data[node]["journey"], []).append(node)
        return found

    @cached_property
    def journey_nodes(self) -> dict[str, list[str]]:
        """Each journey's steps, in graph order."""
        found: dict[str, list[str]] = {}
        for node, data in self._data.items():
            found.setdefault(data["journey"], []).append(node)
        return found

    @cached_property
    def normal_graph(self) -> Any:
        """A view of the graph with only the normal routes (no error or retry routes)."""
        return nx.subgraph_view(
            self.graph,
            filter_edge=lambda u, v, k: (
                (edge := self.graph.edges[u, v, k])["kind"] in NORMAL_KINDS
                and self.meaning(edge) != "error"
            ),
        )

    @staticmethod
    def meaning(edge: dict[str, Any]) -> str:
        """``closed``, ``error`` or ``normal``: what taking a route means (see
        :func:`journeymap.model.route_meaning`)."""
        found = edge.get("meaning")
        if found is None:  # graphs built elsewhere: worked out (and kept) here
            found = edge["meaning"] = route_meaning(
                edge["kind"], edge.get("choice"), edge.get("label")
            )
        return found

    def handoff_successors(self, node: str) -> list[str]:
        """Where a customer can go next from ``node``, as the team rules follow them: a
        queue or agent left by a failure route (the transfer failed) never handed the
        customer to anyone, so those routes are not followed."""
        if not self.is_person(node):
            return self.adjacency.successors(node)
        return [t for t, d in self.out_routes(node) if self.meaning(d) != "error"]

    def offers_other_channel(self, node: str) -> bool:
        """Whether the step's prompt gives the customer another way to be helped: a phone
        number to call, a web address, an e-mail address ("please call Customer Service
        at 1-800-555-0100")."""
        say = self.step(node).say
        return bool(say) and OTHER_CHANNEL.search(say) is not None

    @cached_property
    def reaches_alternative(self) -> set[str]:
        """Steps from which a customer can still be helped some way: a person, a
        self-service task, another channel, or another flow."""
        helped = [
            n
            for n in self.graph
            if self.is_person(n) or self.type(n) in ("self_service", "redirect", "external")
        ]
        return algorithms.can_reach(self.adjacency, helped)

    @cached_property
    def reach(self) -> dict[str, str | None]:
        """Every step an entry reaches, with its parent on a shortest path."""
        return algorithms.bfs_tree(self.adjacency, self.entries)

    @cached_property
    def reach_before_person(self) -> dict[str, str | None]:
        """Steps an entry reaches without passing a queue or an agent."""
        return algorithms.bfs_tree(
            self.adjacency, self.entries, expand=lambda n: not self.is_person(n)
        )

    @cached_property
    def reaches_person(self) -> set[str]:
        """Steps from which a queue or an agent can be reached (they included)."""
        return algorithms.can_reach(self.adjacency, [n for n in self.graph if self.is_person(n)])

    @cached_property
    def reaches_person_or_outside(self) -> set[str]:
        """Steps from which a person, or a hand-over to something outside the audit (which
        may well lead to one), can be reached. Rules that claim "no person" use this: a
        hand-over to an unknown flow is never proof that nobody can help."""
        return algorithms.can_reach(
            self.adjacency,
            [n for n in self.graph if self.is_person(n) or self.type(n) == "external"],
        )

    @cached_property
    def failures(self) -> list[str]:
        """Places where a customer fails: unresolved ends, dead ends, channel pushes,
        and the steps of endless loops."""
        found = [
            n
            for n in self.graph
            if (self.is_end(n) and not self.is_resolved_end(n))
            or self.is_dead_end(n)
            or self.is_push(n)
        ]
        found.extend(n for loop in self.trap_loops for n in loop)
        return found

    @cached_property
    def reaches_failure(self) -> set[str]:
        return algorithms.can_reach(self.adjacency, self.failures)

    @cached_property
    def trap_loops(self) -> list[list[str]]:
        """Loops a customer can enter and never leave towards a person, an end, an
        exit to outside or a channel push (dead ends count as ways out here: the
        dead-end rule reports those)."""
        exits = [
            n
            for n in self.graph
            if self.type(n) in ("queue", "agent", "end", "external")
            or self.is_push(n)
            or self.is_dead_end(n)
        ]
        return algorithms.traps(self.graph, exits)

    @cached_property
    def component(self) -> dict[str, int]:
        """Each step's strongly connected component (an index)."""
        index: dict[str, int] = {}
        for i, members in enumerate(nx.strongly_connected_components(self.graph)):
            for node in members:
                index[node] = i
        return index

    @cached_property
    def transfer_cycles(self) -> dict[int, list[str]]:
        """For each strongly connected component in which customers can be handed round
        between two or more teams of people, the shortest such cycle found (its first
        step repeated at the end), starting at a transfer. At most 20 transfers are
        tried per component."""
        component = self.component
        found: dict[int, list[str]] = {}
        tried: dict[int, int] = {}
        for u, v, data in self.edges:
            if data["kind"] != "transfer" or component[u] != component[v]:
                continue
            comp = component[u]
            if comp in found or tried.get(comp, 0) >= 20:
                continue
            tried[comp] = tried.get(comp, 0) + 1
            cycle = algorithms.shortest_path(
                self.graph, u, u, first_hop=v, allowed=_in_component(component, comp)
            )
            if cycle is None:  # pragma: no cover - same component implies a cycle
                continue
            teams = {t for t in map(self.people_team, cycle) if t is not None}
            if len(teams) >= 2:
                found[comp] = cycle
        return found

    def path(self, node: str) -> tuple[str, ...]:
        """A shortest path from an entry to ``node`` (empty when none reaches it)."""
        found = self._paths.get(node)
        if found is None:
            found = tuple(algorithms.path_to(self.reach, node)) if node in self.reach else ()
            self._paths[node] = found
        return found

    @cached_property
    def _paths(self) -> dict[str, tuple[str, ...]]:
        return {}

    def sorted(self, nodes: Any) -> list[str]:
        """``nodes`` in graph (file) order."""
        return sorted(nodes, key=self.order.__getitem__)
