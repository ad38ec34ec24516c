"""Hurdles and the headline figures of a journey.

A *hurdle* is something a customer must do or endure. What each counts for is
set by :class:`journeymap.model.Weights` (defaults in brackets):

* entering a menu (1); each item of information asked for (1; an ``input``
  with no ``collects`` counts one item); a sales message, a step tagged
  ``promo`` (1);
* a queue (1), plus 0.5 without a wait estimate and 0.5 without a call-back;
* a transfer (1), plus 1 when it is cold;
* a retry (1) for each ``no_input``, ``no_match``, ``on_error`` or
  ``on_timeout`` route taken, and ``max_retries`` retries (at least 1) for an
  ``on_fail`` route;
* a channel switch (1): a ``redirect``, or a route to a step on another channel.

The *easiest path* to a person (a queue or an agent) or to a resolution (an
``end`` with outcome ``resolved``) is the one with the fewest hurdles
(Dijkstra). The *friction points* are::

    sum of finding points + 3 x hurdles on the easiest path to a person

with finding points critical 25, high 10, medium 4, low 1, info 0, and 30
instead of the hurdle term when no person can be reached at all. The *friction
score* (0-100, higher is worse) is ``100 x points / (points + 40)``, rounded down
(and at least 1 when there are any points): 40
points score 50, and the score never reaches 100, so it keeps ranking journeys
however bad they are (ranking uses the points themselves, so ties in the rounded
score are still ordered).
"""

from __future__ import annotations

from collections import deque
from typing import Any

from . import algorithms
from .analysis import Analysis
from .findings import Finding, Metrics, Severity

SCORE_HALF = 40
"""Friction points that score 50 of 100."""


def friction_score(points: int) -> int:
    """The 0-100 friction score of ``points``: it rises steeply at first and never
    saturates, so a worse journey always scores at least as high.

    >>> [friction_score(p) for p in (0, 1, 10, 40, 120, 400, 4000)]
    [0, 2, 20, 50, 75, 90, 99]
    """
    return max(1, 100 * points // (points + SCORE_HALF)) if points > 0 else 0


SEVERITY_POINTS = {
    Severity.CRITICAL: 25,
    Severity.HIGH: 10,
    Severity.MEDIUM: 4,
    Severity.LOW: 1,
    Severity.INFO: 0,
}
NO_PERSON_POINTS = 30
HURDLE_POINTS = 3
RETRY_KINDS = frozenset({"no_input", "no_match", "on_error", "on_timeout"})
"""Routes that cost one retry: the customer met a failure (silence, a wrong key,
a system error, a queue time-out)."""
HANDOFF_CAP = 9
"""Handoff counts are followed up to this many; more shows as this number."""


def node_hurdles(a: Analysis, node: str) -> float:
    """Hurdles a customer meets on entering ``node``."""
    weights = a.settings(node).weights
    step = a.step(node)
    kind = a.type(node)
    cost = 0.0
    if kind == "menu":
        cost += weights.menu
    elif kind == "input":
        cost += weights.info * max(1, len(step.collects))
    elif kind in ("agent", "self_service"):
        cost += weights.info * len(step.collects)
    elif kind == "queue":
        cost += weights.queue
        if not step.wait_estimate:
            cost += weights.queue_no_wait_estimate
        if not step.callback:
            cost += weights.queue_no_callback
    elif kind == "redirect":
        cost += weights.channel_switch
    if "promo" in step.tags:
        cost += weights.promo
    return cost


def route_hurdles(a: Analysis, source: str, target: str, data: dict[str, Any]) -> float:
    """Hurdles a customer meets on taking one route."""
    weights = a.settings(source).weights
    cost = 0.0
    if data["kind"] == "transfer":
        cost += weights.transfer
        if data["context"] != "warm":
            cost += weights.cold_transfer
    elif data["kind"] == "on_fail":
        tries = a.step(source).max_retries
        cost += weights.retry * max(1, tries if tries is not None else 1)
    elif data["kind"] in RETRY_KINDS:
        cost += weights.retry
    if a.type(target) != "redirect" and a.data(source)["channel"] != a.data(target)["channel"]:
        cost += weights.channel_switch
    return cost


def easiest_paths(
    a: Analysis, entries: list[str]
) -> tuple[dict[str, float], dict[str, str | None]]:
    """Least hurdles from ``entries`` to every step they reach, with parents
    (computed once per set of entries and shared by the rules and the figures)."""
    key = ("easiest", tuple(entries))
    if key not in a.memo:
        a.memo[key] = algorithms.cheapest_paths(
            a.adjacency,
            entries,
            lambda n: node_hurdles(a, n),
            lambda u, v, d: route_hurdles(a, u, v, d),
            a.order,
        )
    return a.memo[key]  # type: ignore[no-any-return]


def _best(
    dist: dict[str, float], parents: dict[str, str | None], targets: list[str]
) -> tuple[float | None, tuple[str, ...]]:
    reached = [t for t in targets if t in dist]
    if not reached:
        return None, ()
    best = min(reached, key=lambda t: dist[t])
    return dist[best], tuple(algorithms.path_to(parents, best))


def menu_depths(a: Analysis, entries: list[str]) -> tuple[dict[str, int], dict[str, str | None]]:
    """The fewest menus on a path from ``entries`` to each step, by normal routes
    (``next``, options, branches, transfers: a customer does not navigate by failing)."""
    key = ("menus", tuple(entries))
    if key not in a.memo:
        a.memo[key] = algorithms.fewest_marked(
            a.normal_adjacency, entries, lambda n: a.type(n) == "menu"
        )
    return a.memo[key]  # type: ignore[no-any-return]


def max_handoffs(
    a: Analysis, entries: list[str], cap: int = HANDOFF_CAP
) -> tuple[int | None, tuple[str, ...]]:
    """The most changes between teams of people on a path to a resolved end.

    Breadth-first search over (step, last team of people, changes so far) with
    the count capped at :data:`HANDOFF_CAP`, so the work stays linear in the
    graph for a bounded number of teams. Returns the count and a path that
    shows it (``None`` when no resolved end is reached).
    """
    start = [(e, a.people_team(e), 0) for e in entries]
    parents: dict[tuple[str, str | None, int], tuple[str, str | None, int] | None] = {
        s: None for s in start
    }
    queue = deque(start)
    best: tuple[str, str | None, int] | None = None
    while queue:
        state = queue.popleft()
        node, team, count = state
        if a.is_resolved_end(node) and (best is None or count > best[2]):
            best = state
        for succ in a.handoff_successors(node):
            succ_team = a.people_team(succ)
            new_team, new_count = team, count
            if succ_team is not None:
                if team is not None and succ_team != team:
                    new_count = min(count + 1, cap)
                new_team = succ_team
            nxt = (succ, new_team, new_count)
            if nxt not in parents:
                parents[nxt] = state
                queue.append(nxt)
    if best is None:
        return None, ()
    path: list[str] = []
    current: tuple[str, str | None, int] | None = best
    while current is not None:
        path.append(current[0])
        current = parents[current]
    path.reverse()
    return best[2], tuple(path)


def journey_metrics(a: Analysis, journey: str, findings: list[Finding]) -> Metrics:
    """The headline figures of ``journey`` within the run's analysis."""
    nodes = a.journey_nodes[journey]
    entries = a.journey_entries.get(journey, [])
    dist, parents = easiest_paths(a, entries)
    people = [n for n in dist if a.is_person(n)]
    resolved = [n for n in dist if a.is_resolved_end(n)]
    to_person, person_path = _best(dist, parents, people)
    to_resolution, resolution_path = _best(dist, parents, resolved)
    menus, _ = menu_depths(a, entries)
    menu_counts = [menus[n] for n in people if n in menus]
    handoffs, _ = max_handoffs(a, entries)
    loaded = a.graph.graph["journeys"][journey]
    outcomes: dict[str, tuple[float, str]] = {}
    for node in nodes:
        if a.is_end(node) and node in dist:
            outcome = a.step(node).outcome
            best = outcomes.get(outcome)
            if best is None or dist[node] < best[0]:
                outcomes[outcome] = (dist[node], a.name(node, journey))
    matrix: dict[str, dict[str, int]] = {}
    for node in nodes:
        source = a.team(node)
        for target in a.adjacency.successors(node):
            other = a.team(target)
            if source is not None and other is not None and other != source:
                row = matrix.setdefault(source, {})
                row[other] = row.get(other, 0) + 1
    parts: dict[str, int] = {}
    for severity, value in SEVERITY_POINTS.items():
        count = sum(1 for f in findings if f.severity is severity)
        if count and value:
            parts[f"{count} {severity.value} finding{'s' if count > 1 else ''}"] = count * value
    if to_person is None:
        parts["no person reachable"] = NO_PERSON_POINTS
    elif to_person:
        plural = "" if to_person == 1 else "s"
        parts[f"{to_person:g} hurdle{plural} to a person"] = round(HURDLE_POINTS * to_person)
    points = sum(parts.values())
    local = set(nodes)
    return Metrics(
        steps=len(nodes),
        routes=sum(a.graph.out_degree(n) for n in nodes),
        teams=len(loaded.journey.teams),
        menus=sum(1 for n in nodes if a.type(n) == "menu"),
        queues=sum(1 for n in nodes if a.type(n) == "queue"),
        agents=sum(1 for n in nodes if a.type(n) == "agent"),
        hurdles_to_person=to_person,
        path_to_person=tuple(a.name(n, journey) for n in person_path),
        hurdles_to_resolution=to_resolution,
        path_to_resolution=tuple(a.name(n, journey) for n in resolution_path),
        menus_before_person=min(menu_counts) if menu_counts else None,
        max_handoffs_to_resolution=handoffs,
        # from the graph, not from the findings: figures do not depend on the rules run
        handoffs_unbounded=any(a.journey_of(c[0]) == journey for c in a.transfer_cycles.values()),
        friction_score=friction_score(points),
        friction_points=points,
        step_hurdles={a.name(n, journey): dist[n] for n in nodes if n in dist and n in local},
        outcome_hurdles={k: outcomes[k] for k in sorted(outcomes)},
        team_routes={k: dict(sorted(v.items())) for k, v in sorted(matrix.items())},
        friction_parts=parts,
    )
