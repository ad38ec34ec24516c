"""Expected effort: what the average customer goes through, from the design and its shares.

The journey is read as an absorbing Markov chain and solved exactly (loops
included, no sampling) with sparse linear algebra (scipy's SuperLU), so a
journey of a hundred thousand steps is solved in seconds. Per journey it gives
the expected hurdles and seconds per customer, the probability of reaching a
person, of each outcome and of giving up; per step, the share of customers who
reach it and who give up there; and the *jump-ship ranking*: the steps ranked
by the share of all customers who give up there.

The model, rule by rule
-----------------------
*Where customers start.* At the journey's entries, in equal shares (the
format gives entries no share; :attr:`JourneyEffort.entries_assumed` says so
when there are several).

*Which way they go.* At each step a customer takes each way out with its
``share``. Where shares are missing they are assumed, and the step is listed
in :attr:`JourneyEffort.assumed`: each failure route (``no_input``,
``no_match``, ``on_error``, ``on_timeout``, ``on_fail``, or a branch named for
an error) without a share takes ``patience.error_share`` (default 0.05), and
the other routes without a share split what is left equally. When every route
has a share the shares are scaled to add up to 1. A step whose only ways out
are failure routes (an ``external`` hand-over with an ``on_error``) keeps the
rest: the customer goes on outside the design there.

*Retries, as the platform counts them.* A ``menu`` or ``input`` with
``max_retries`` and an ``on_fail``, whose ``no_input`` or ``no_match`` leads
back to itself, is expanded into one state per failed try: each try takes the
routes with their (per-try) shares, a failure goes round again, and the
``max_retries``-th failure goes to ``on_fail`` (``max_retries: 0`` counts as 1,
more than :data:`RETRY_CAP` as that many). ``on_fail`` takes no per-try share
there. Without ``max_retries`` (or without an ``on_fail``) the loop is a plain
Markov loop that can repeat any number of times, as the design allows, and
``on_fail`` is one more way out. Re-entering a step after leaving it starts
the count again.

*Hurdles.* On entering a step a customer meets the hurdles of the route taken
and of the step (:func:`journeymap.metrics.route_hurdles` and
:func:`~journeymap.metrics.node_hurdles`, weighted by ``weights``), except that
going round a loop back into the same step (a retry) meets only the route's:
the retry weight. In an expanded retry the retries are walked one by one, so
the failure that leads to ``on_fail`` counts one retry, not ``max_retries``.

*Giving up.* Customers do not give up on a person, nor at the end: entering an
``agent`` or an ``end`` meets its hurdles (details asked again, a switch of channel
on the way) in the effort figures but loses nobody (a log could not show it either:
its last row would be the end). At each other hurdle a customer gives up with
probability
``patience.per_hurdle`` (see :mod:`journeymap.traffic.patience` for the default and
where it comes from), times ``patience.after_repeat`` on a failure route and
times ``patience.after_long_prompt`` when the step entered, or the step left,
has a spoken prompt longer than ``max_prompt_seconds``. So a customer gives up
on entering a step with probability ``1 - (1 - p) ** hurdles``. A customer who
gives up is counted at the step where it happened, and the figures count the
hurdles and seconds of the steps they *passed*.

*Time.* A step takes its ``seconds`` when the file gives them, else the time
to say its prompt at ``words_per_minute`` (any channel; a ``(dynamic
prompt)`` and a step with no prompt take 0 s, so queues count no waiting
unless their ``seconds`` say how long). A retry plays the prompt again.

*Where the journey ends.* An ``end`` (its outcome); an ``external`` step that
leads nowhere in the run (``outside``: control passes to another flow); a
``redirect`` without ``next`` (``redirected`` to another channel); a step with
no way on (``dead_end``); giving up (``gave_up``); or a loop with no way out
at all, not even giving up (a loop without hurdles, ``looping``): customers
caught there are counted up to the loop.

*Other journeys.* Routes into another journey of the run (``JOURNEY:STEP``
targets, and hand-overs linked by name) are followed: the customer goes on
there, and those steps appear as ``JOURNEY:STEP`` (the loader keeps a journey
out of a run that lacks the journeys it names; a graph built from a subset drops
those routes, as :func:`journeymap.graph.build_graph` says).

*A person.* A customer reaches a person on entering a ``queue`` or an
``agent`` without giving up there.

The exact figures are checked against a seeded Monte Carlo walk of the same
rules (:mod:`journeymap.traffic.simulate`) and against small journeys worked out on paper
(``tests/test_effort.py``).

Examples
--------
>>> from journeymap.reading import load_text
>>> from journeymap.graph import build_graph
>>> from journeymap.analysis import Analysis
>>> from journeymap.config import Settings
>>> loaded, _ = load_text('''
... journey: demo
... entry: menu
... nodes:
...   menu: {type: menu, options: {"1": {to: bye, share: 0.75}, "0": {to: desk, share: 0.25}}}
...   desk: {type: agent, next: bye}
...   bye: {type: end}
... ''')
>>> calm = Settings().merged({"patience": {"per_hurdle": 0}})
>>> a = Analysis(build_graph([loaded]), {"demo": calm})
>>> e = journey_effort(a, "demo")
>>> e.expected_hurdles, e.reach_person, e.outcomes["resolved"]
(1.0, 0.25, 1.0)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import splu

from ..analysis import Analysis
from ..metrics import RETRY_KINDS, node_hurdles, route_hurdles
from ..model import PERSON_TYPES
from .patience import Patience

RETRY_CAP = 10
"""Failed tries expanded at most per step; a larger ``max_retries`` counts as this. It
bounds the chain at 11 states a step whatever a file says (a journey of 250,000 menus
with ``max_retries: 1000`` would otherwise need 250 million); platforms allow 3 to 5
tries, and the share of customers failing ten times in a row is negligible."""
CHUNK = 256
"""Right-hand sides solved at once when working out who reaches a step in a loop."""
DYNAMIC_PROMPT = "(dynamic prompt)"
VOICE_CHANNELS = frozenset({"phone"})
OUTCOMES = (
    "resolved",
    "unresolved",
    "abandoned",
    "disconnected",
    "gave_up",
    "outside",
    "redirected",
    "dead_end",
    "looping",
)
"""Every way a journey can end for a customer, in report order."""
GIVE_UP_KINDS = RETRY_KINDS | {"on_fail"}
"""Routes whose hurdles use ``patience.after_repeat``."""
SELF_RETRY_KINDS = frozenset({"no_input", "no_match"})

Vector = NDArray[np.float64]


# -- what each step is, as the model sees it ---------------------------------------


@dataclass(frozen=True)
class Choices:
    """The ways out of one step, per try, as the model takes them.

    ``routes`` holds ``(index, target, edge data, probability)``; ``index`` is
    the route's place among :meth:`Analysis.out_routes`. ``stop`` is the
    probability of going no further (the step has no way on there);
    ``retries`` is the number of failed tries before ``on_fail`` for an expanded
    retry loop (0: not expanded), and ``fail`` that ``on_fail`` route.
    """

    routes: tuple[tuple[int, str, dict[str, Any], float], ...]
    stop: float
    assumed: bool
    retries: int = 0
    fail: tuple[int, str, dict[str, Any]] | None = None


def spoken_seconds(text: str | None, words_per_minute: float) -> float:
    """Seconds to say ``text`` at ``words_per_minute`` (0 for none or a dynamic prompt).

    >>> spoken_seconds("one two three four five", 150)
    2.0
    """
    if not text or text == DYNAMIC_PROMPT:
        return 0.0
    return len(text.split()) * 60.0 / words_per_minute


def step_seconds(a: Analysis, node: str) -> float:
    """How long a visit to ``node`` takes: its ``seconds``, else its prompt spoken."""
    step = a.step(node)
    if step.seconds is not None:
        return float(step.seconds)
    return spoken_seconds(step.say, a.settings(node).words_per_minute)


def long_prompt(a: Analysis, node: str) -> bool:
    """Whether ``node`` speaks a prompt longer than ``max_prompt_seconds`` (as the
    long-prompt rule judges it)."""
    if a.data(node)["channel"] not in VOICE_CHANNELS:
        return False
    settings = a.settings(node)
    return spoken_seconds(a.step(node).say, settings.words_per_minute) > (
        settings.max_prompt_seconds
    )


def stop_kind(a: Analysis, node: str) -> str:
    """What it means to go no further at ``node``: ``outside``, ``redirected`` or
    ``dead_end``."""
    kind = a.type(node)
    if kind == "external":
        return "outside"
    if kind == "redirect":
        return "redirected"
    return "dead_end"


def _expanded(a: Analysis, node: str, routes: list[tuple[str, dict[str, Any]]]) -> int:
    step = a.step(node)
    if a.type(node) not in ("menu", "input") or step.max_retries is None:
        return 0
    if not any(d["kind"] == "on_fail" for _, d in routes):
        return 0
    if not any(d["kind"] in SELF_RETRY_KINDS and t == node for t, d in routes):
        return 0
    return min(max(1, int(step.max_retries)), RETRY_CAP)


def choices(a: Analysis, node: str) -> Choices:
    """The ways out of ``node`` with their per-try probabilities (see the module's docs)."""
    key = ("effort-choices", node)
    found = a.memo.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    routes = a.out_routes(node)
    retries = _expanded(a, node, routes)
    fail = None
    taken: list[tuple[int, str, dict[str, Any]]] = []
    for index, (target, data) in enumerate(routes):
        if retries and data["kind"] == "on_fail":
            fail = (index, target, data)
        else:
            taken.append((index, target, data))
    if a.type(node) == "end" or not taken:
        found = Choices((), 0.0 if a.type(node) == "end" else 1.0, False, retries, fail)
        a.memo[key] = found
        return found
    error_share = a.settings(node).patience.error_share
    errors = [a.meaning(d) == "error" for _, _, d in taken]
    shares: list[float | None] = [d.get("share") for _, _, d in taken]
    missing = [s is None for s in shares]
    given = sum(s for s in shares if s is not None)
    unknown_errors = sum(1 for m, e in zip(missing, errors, strict=True) if m and e)
    unknown_normal = sum(1 for m, e in zip(missing, errors, strict=True) if m and not e)
    room = max(0.0, 1.0 - given)
    each_error = min(error_share, room / unknown_errors) if unknown_errors else 0.0
    room -= each_error * unknown_errors
    each_normal = room / unknown_normal if unknown_normal else 0.0
    probs = [
        (s if s is not None else (each_error if e else each_normal))
        for s, e in zip(shares, errors, strict=True)
    ]
    stop = 0.0
    total = sum(probs)
    if all(errors):
        if total > 1.0:
            probs = [p / total for p in probs]
        else:
            stop = 1.0 - total
    elif total > 0:
        probs = [p / total for p in probs]
    else:  # every share given as 0: nothing to go on, so equal shares
        probs = [1.0 / len(probs)] * len(probs)
        missing = [True] * len(probs)
    assumed = any(missing) and len(probs) + (stop > 0) >= 2
    found = Choices(
        tuple((i, t, d, p) for (i, t, d), p in zip(taken, probs, strict=True)),
        stop,
        assumed,
        retries,
        fail,
    )
    a.memo[key] = found
    return found


def switch_hurdles(a: Analysis, source: str, target: str) -> float:
    """The channel-switch hurdle of a route (as :func:`~journeymap.metrics.route_hurdles`)."""
    if a.type(target) != "redirect" and a.data(source)["channel"] != a.data(target)["channel"]:
        return a.settings(source).weights.channel_switch
    return 0.0


@dataclass(frozen=True)
class Arrival:
    """What happens to customers who take one route into ``target``: the hurdles
    they meet there and the probability that they give up on meeting them."""

    target: str
    hurdles: float
    give_up: float


def arrival(
    a: Analysis, source: str | None, target: str, route_cost: float, repeat: bool
) -> Arrival:
    """Entering ``target`` from ``source`` (``None``: at the start) by a route of
    ``route_cost`` hurdles; ``repeat`` for a failure route."""
    hurdles = route_cost + (node_hurdles(a, target) if target != source else 0.0)
    if hurdles <= 0:
        return Arrival(target, 0.0, 0.0)
    if a.type(target) in ("agent", "end"):  # a person is on the line, or it is done
        return Arrival(target, hurdles, 0.0)
    patience = a.settings(target).patience
    p = patience.per_hurdle
    if repeat:
        p *= patience.after_repeat
    if long_prompt(a, target) or (source is not None and long_prompt(a, source)):
        p *= patience.after_long_prompt
    p = min(1.0, p)
    return Arrival(target, hurdles, 1.0 - (1.0 - p) ** hurdles)


def fail_cost(a: Analysis, node: str, target: str) -> float:
    """Hurdles of the last failed try of an expanded retry loop, into ``on_fail``'s target."""
    return a.settings(node).weights.retry + switch_hurdles(a, node, target)


# -- the chain ----------------------------------------------------------------------------

State = tuple[str, int]
"""A step and the failed tries counted there so far."""
Label = tuple[str, str]
"""An absorbing place: ``(kind, node)``, kind one of ``end``, ``gave_up``, ``outside``,
``redirected``, ``dead_end``, ``looping``."""


@dataclass
class _Builder:
    a: Analysis
    states: list[State] = field(default_factory=list)
    index: dict[State, int] = field(default_factory=dict)
    labels: list[Label] = field(default_factory=list)
    label_index: dict[Label, int] = field(default_factory=dict)
    q: list[tuple[int, int, float]] = field(default_factory=list)
    r: list[tuple[int, int, float]] = field(default_factory=list)
    hurdles: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    person_in: list[tuple[int, float]] = field(default_factory=list)
    arrivals: list[tuple[int, str, float]] = field(default_factory=list)
    flows: list[tuple[int, str, int, float]] = field(default_factory=list)
    start: dict[int, float] = field(default_factory=dict)
    start_absorbed: dict[int, float] = field(default_factory=dict)
    start_arrivals: dict[str, float] = field(default_factory=dict)
    start_hurdles: float = 0.0
    start_seconds: float = 0.0
    start_person: float = 0.0
    pending: list[int] = field(default_factory=list)

    def state(self, s: State) -> int:
        found = self.index.get(s)
        if found is None:
            found = self.index[s] = len(self.states)
            self.states.append(s)
            self.hurdles.append(0.0)
            self.seconds.append(0.0)
            self.pending.append(found)
        return found

    def label(self, lab: Label) -> int:
        found = self.label_index.get(lab)
        if found is None:
            found = self.label_index[lab] = len(self.labels)
            self.labels.append(lab)
        return found

    def enter(
        self,
        source: int | None,
        target: State,
        prob: float,
        route_cost: float,
        repeat: bool,
    ) -> None:
        """Customers (``prob`` of those at ``source``, or of all at the start) take a
        route into ``target`` with ``route_cost`` hurdles on the route."""
        a = self.a
        node = target[0]
        from_node = self.states[source][0] if source is not None else None
        got = arrival(a, from_node, node, route_cost, repeat)
        cleared = prob * (1.0 - got.give_up)
        gave = prob * got.give_up
        visit_cost = (got.hurdles, step_seconds(a, node))
        person = a.type(node) in PERSON_TYPES and node != from_node
        new_arrival = node != from_node
        if source is None:
            self.start_arrivals[node] = self.start_arrivals.get(node, 0.0) + prob
            if gave:
                lab = self.label(("gave_up", node))
                self.start_absorbed[lab] = self.start_absorbed.get(lab, 0.0) + gave
            self.start_hurdles += cleared * visit_cost[0]
            self.start_seconds += cleared * visit_cost[1]
            if a.type(node) == "end":
                lab = self.label(("end", node))
                self.start_absorbed[lab] = self.start_absorbed.get(lab, 0.0) + cleared
            else:
                j = self.state(target)
                self.start[j] = self.start.get(j, 0.0) + cleared
                if a.type(node) in PERSON_TYPES:
                    self.start_person += cleared
            return
        if new_arrival:
            self.arrivals.append((source, node, prob))
        if gave:
            self.r.append((source, self.label(("gave_up", node)), gave))
        self.hurdles[source] += cleared * visit_cost[0]
        self.seconds[source] += cleared * visit_cost[1]
        if a.type(node) == "end":
            self.r.append((source, self.label(("end", node)), cleared))
            return
        j = self.state(target)
        self.q.append((source, j, cleared))
        if person:
            self.person_in.append((source, cleared))

    def expand(self, i: int) -> None:
        a = self.a
        node, tries = self.states[i]
        ways = choices(a, node)
        if ways.stop > 0:
            self.r.append((i, self.label((stop_kind(a, node), node)), ways.stop))
        for index, target, data, prob in ways.routes:
            if prob <= 0:
                continue
            kind = data["kind"]
            repeat = kind in GIVE_UP_KINDS
            if ways.retries and kind in SELF_RETRY_KINDS and target == node:
                if tries + 1 < ways.retries:
                    self.flows.append((i, node, index, prob))
                    self.enter(i, (node, tries + 1), prob, route_hurdles(a, node, node, data), True)
                else:
                    assert ways.fail is not None
                    fail_index, fail_target, _ = ways.fail
                    self.flows.append((i, node, fail_index, prob))
                    self.enter(i, (fail_target, 0), prob, fail_cost(a, node, fail_target), True)
                continue
            self.flows.append((i, node, index, prob))
            self.enter(i, (target, 0), prob, route_hurdles(a, node, target, data), repeat)

    def build(self, entries: list[str]) -> None:
        share = 1.0 / len(entries)
        for entry in entries:
            self.enter(None, (entry, 0), share, 0.0, False)
        while self.pending:
            self.expand(self.pending.pop())


@dataclass(frozen=True, eq=False)
class Chain:
    """The solved chain of one journey: plain arrays, for the figures and for checks.

    ``traps`` are the states of loops that nothing leaves (counted as ``looping``).
    """

    states: tuple[State, ...]
    labels: tuple[Label, ...]
    traps: frozenset[State]
    visits: Vector
    """Expected visits to each state per customer (0 for trapped states)."""
    absorbed: Vector
    """Probability of ending at each label."""
    hurdles: float
    seconds: float
    person: float
    reach: dict[str, float]
    """Probability of ever arriving at each step (giving up there included)."""
    flows: dict[tuple[str, int], float]
    """Expected traversals per customer of each route, by (step, route index)."""


def _closed_classes(q: sp.csr_matrix, n: int) -> tuple[NDArray[np.int32], NDArray[np.bool_]]:
    """Strongly connected components of the chain and which of them nothing leaves."""
    count, labels = connected_components(q, directed=True, connection="strong")
    coo = q.tocoo()
    inside = labels[coo.row] == labels[coo.col]
    kept = np.bincount(coo.row[inside], weights=coo.data[inside], minlength=n)
    leak = np.bincount(labels, weights=1.0 - kept, minlength=count)
    sizes = np.bincount(labels, minlength=count)
    looped = np.zeros(count, dtype=bool)
    looped[labels[coo.row[inside & (coo.row == coo.col)]]] = True
    cyclic = (sizes > 1) | looped
    closed = cyclic & (leak <= 1e-12 * np.maximum(sizes, 1))
    return labels.astype(np.int32), closed


@dataclass(frozen=True, eq=False)
class _Prepared:
    """The chain of one set of entries, loops that nothing leaves taken out."""

    b: _Builder
    comp: NDArray[np.int32]
    trapped: NDArray[np.bool_]
    position: NDArray[np.int64]
    q: sp.csr_matrix
    r: sp.csr_matrix
    start: Vector
    start_absorbed: Vector


def _prepare(a: Analysis, entries: list[str]) -> _Prepared:
    b = _Builder(a)
    b.build(entries)
    n = len(b.states)
    q_full = _matrix(b.q, n, n)
    comp, closed = _closed_classes(q_full, n)
    trapped = closed[comp] if n else np.zeros(0, dtype=bool)
    # loops nothing leaves become one absorbing place each, named by the state entered
    loop_label: dict[int, int] = {}
    for t in np.flatnonzero(trapped).tolist():
        loop_label[t] = b.label(("looping", b.states[t][0]))
    live = np.flatnonzero(~trapped)
    position = np.full(n, -1, dtype=np.int64)
    position[live] = np.arange(len(live))
    m = len(live)
    q_rows, r_rows = [], list(b.r)
    for i, j, p in b.q:
        if trapped[i]:
            continue
        if trapped[j]:
            r_rows.append((i, loop_label[j], p))
        else:
            q_rows.append((int(position[i]), int(position[j]), p))
    r_live = [(int(position[i]), lab, p) for i, lab, p in r_rows if not trapped[i]]
    start = np.zeros(m)
    start_absorbed = np.zeros(len(b.labels))
    for lab, p in b.start_absorbed.items():
        start_absorbed[lab] += p
    for j, p in b.start.items():
        if trapped[j]:
            start_absorbed[loop_label[j]] += p
        else:
            start[position[j]] += p
    q = _matrix(q_rows, m, m)
    r = _matrix(r_live, m, len(b.labels))
    return _Prepared(b, comp, trapped, position, q, r, start, start_absorbed)


def build_chain(a: Analysis, entries: list[str]) -> Chain:
    """Build and solve the chain of customers who start at ``entries``."""
    prepared = _prepare(a, entries)
    b, comp, trapped, position = prepared.b, prepared.comp, prepared.trapped, prepared.position
    q, r, start = prepared.q, prepared.r, prepared.start
    n, m = len(b.states), q.shape[0]
    live = np.flatnonzero(~trapped)
    visits_live = np.zeros(m)
    if m:
        visits_live = _Solver(q).solve(start)
    visits = np.zeros(n)
    visits[live] = visits_live
    absorbed = prepared.start_absorbed + r.T @ visits_live
    hurdles_vec = np.asarray(b.hurdles)[live]
    seconds_vec = np.asarray(b.seconds)[live]
    hurdles = b.start_hurdles + float(hurdles_vec @ visits_live)
    seconds = b.start_seconds + float(seconds_vec @ visits_live)
    is_person = np.array([a.type(st[0]) in PERSON_TYPES for st in b.states], dtype=bool)
    person = b.start_person + _first_reach(prepared, is_person, b.person_in)
    reach = _reach(a, b, q, position, trapped, visits_live, comp, absorbed)
    flows: dict[tuple[str, int], float] = {}
    for i, node, index, p in b.flows:
        key = (node, index)
        flows[key] = flows.get(key, 0.0) + float(visits[i]) * p
    return Chain(
        states=tuple(b.states),
        labels=tuple(b.labels),
        traps=frozenset(b.states[t] for t in np.flatnonzero(trapped).tolist()),
        visits=visits,
        absorbed=absorbed,
        hurdles=hurdles,
        seconds=seconds,
        person=person,
        reach=reach,
        flows=flows,
    )


class _Solver:
    """Solves ``x @ (I - Q) = b`` (expected visits from a start distribution ``b``).

    The states are put in topological order of the chain's strongly connected
    components, so ``I - Q`` is block triangular: its LU factors (taken in that
    order, without pivoting: ``I - Q`` is an M-matrix, whose LU factors need none)
    fill in only within the loops, and a journey of 100,000 steps factors in a
    fraction of a second rather than the minutes a fill-reducing ordering takes.
    """

    def __init__(self, q: sp.csr_matrix) -> None:
        size = q.shape[0]
        self.order = _topological_order(q)
        permuted = q[self.order][:, self.order]
        matrix = sp.identity(size, format="csr") - permuted
        self.lu = splu(
            sp.csc_matrix(matrix.T),
            permc_spec="NATURAL",
            diag_pivot_thresh=0.0,
            options={"SymmetricMode": True},
        )

    def solve(self, rhs: NDArray[np.float64]) -> NDArray[np.float64]:
        found = self.lu.solve(np.ascontiguousarray(rhs[self.order]))
        result = np.empty_like(found)
        result[self.order] = found
        return result


def _topological_order(q: sp.csr_matrix) -> NDArray[np.int64]:
    """States ordered so that every transition goes from a component to itself or to a
    later one (Kahn's algorithm on the condensation)."""
    size = q.shape[0]
    count, labels = connected_components(q, directed=True, connection="strong")
    coo = q.tocoo()
    across = labels[coo.row] != labels[coo.col]
    dag = sp.csr_matrix(
        (np.ones(int(across.sum())), (labels[coo.row[across]], labels[coo.col[across]])),
        shape=(count, count),
    )
    dag.sum_duplicates()
    indegree = np.diff(dag.tocsc().indptr).astype(np.int64)
    indptr, indices = dag.indptr, dag.indices
    ready = list(np.flatnonzero(indegree == 0)[::-1])
    rank = np.empty(count, dtype=np.int64)
    position = 0
    while ready:
        comp = int(ready.pop())
        rank[comp] = position
        position += 1
        for nxt in indices[indptr[comp] : indptr[comp + 1]]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                ready.append(int(nxt))
    if size == 0:
        return np.zeros(0, dtype=np.int64)
    return np.argsort(rank[labels], kind="stable").astype(np.int64)


def _matrix(entries: Iterable[tuple[int, int, float]], rows: int, cols: int) -> sp.csr_matrix:
    data = list(entries)
    if not data:
        return sp.csr_matrix((rows, cols))
    i, j, v = zip(*data, strict=True)
    return sp.csr_matrix((v, (i, j)), shape=(rows, cols))  # duplicates are summed


def _first_reach(
    prepared: _Prepared, is_target: NDArray[np.bool_], hits: Iterable[tuple[int, float]]
) -> float:
    """Probability of ever reaching a target state (those who start at one left to the
    caller): the chain with the targets made absorbing. ``hits`` are the transitions,
    ``(from state, probability)``, that count as reaching one; a loop nothing leaves
    that holds a target counts as reaching it."""
    b, q, trapped, comp = prepared.b, prepared.q, prepared.trapped, prepared.comp
    position, start = prepared.position, prepared.start
    m = q.shape[0]
    target_loops = set(comp[trapped & is_target].tolist())
    found = 0.0
    for j, p in b.start.items():  # starting inside such a loop, not at a target
        if trapped[j] and comp[j] in target_loops and not is_target[j]:
            found += p
    if not m:
        return found
    into = np.zeros(m)
    for i, p in hits:
        if not trapped[i]:
            into[position[i]] += p
    for i, j, p in b.q:
        if not trapped[i] and trapped[j] and comp[j] in target_loops and not is_target[j]:
            into[position[i]] += p
    other = np.flatnonzero(~is_target[~trapped])
    if not len(other):
        return found
    sub = q[other][:, other]
    seen = _Solver(sub).solve(start[other])
    return found + float(seen @ into[other])


def reach_any(a: Analysis, journey: str, steps: Iterable[str]) -> float:
    """Share of the customers of ``journey`` who arrive at one or more of ``steps``
    (graph node names, ``JOURNEY:STEP``), giving up there included: the customers a
    fix at those steps would reach (for ranking recommendations by customers
    affected). Exact, like every figure here: one sparse solve.

    >>> from journeymap.reading import load_text
    >>> from journeymap.graph import build_graph
    >>> from journeymap.config import Settings
    >>> loaded, _ = load_text('''
    ... journey: demo
    ... entry: menu
    ... nodes:
    ...   menu: {type: menu, options: {"1": {to: a, share: 0.6}, "2": {to: b, share: 0.4}}}
    ...   a: {type: end}
    ...   b: {type: end}
    ... ''')
    >>> calm = Settings().merged({"patience": {"per_hurdle": 0}})
    >>> a = Analysis(build_graph([loaded]), {"demo": calm})
    >>> reach_any(a, "demo", ["demo:a"]), reach_any(a, "demo", ["demo:a", "demo:b"])
    (0.6, 1.0)
    """
    wanted = set(steps)
    prepared = _prepare(a, a.journey_entries[journey])
    b = prepared.b
    is_target = np.array([st[0] in wanted for st in b.states], dtype=bool)
    hits = [(i, p) for i, node, p in b.arrivals if node in wanted]
    at_start = sum(p for node, p in b.start_arrivals.items() if node in wanted)
    return min(1.0, at_start + _first_reach(prepared, is_target, hits))


def _reach(
    a: Analysis,
    b: _Builder,
    q: sp.csr_matrix,
    position: NDArray[np.int64],
    trapped: NDArray[np.bool_],
    visits: Vector,
    comp: NDArray[np.int32],
    absorbed: Vector,
) -> dict[str, float]:
    """Probability of ever arriving at each step.

    Expected arrivals, less the expected *repeat* arrivals: for a step ``s`` on
    a loop (a strongly connected component ``C`` of the chain), a customer can
    only come back to ``s`` within ``C``, so with ``N = (I - Q_C)^-1`` and
    ``S`` the states of ``s``, ``b`` the arrival probabilities into ``s``::

        P(reach s) = start(s) + n.b - n[S] . N[S,S]^-1 . (N b)[S]

    (a rank-|S| update of the chain with ``s`` made a taboo, by the
    Sherman-Morrison-Woodbury identity), which needs only the rows of ``N`` for
    the states of ``C``: one sparse factorisation per component.
    """
    m = q.shape[0]
    live = np.flatnonzero(~trapped)
    reach: dict[str, float] = dict(b.start_arrivals)
    by_node: dict[str, list[tuple[int, float]]] = {}
    for i, node, p in b.arrivals:
        if not trapped[i]:
            by_node.setdefault(node, []).append((int(position[i]), p))
    for node, items in by_node.items():
        reach[node] = reach.get(node, 0.0) + sum(visits[i] * p for i, p in items)
    # repeat arrivals within loops
    if m:
        live_comp = comp[live]
        coo = q.tocoo()
        inside = live_comp[coo.row] == live_comp[coo.col]
        sizes = np.bincount(live_comp)
        looped = np.zeros(len(sizes), dtype=bool)
        looped[live_comp[coo.row[inside & (coo.row == coo.col)]]] = True
        live_states = [b.states[i] for i in live]
        cyclic = (sizes > 1) | looped
        order = np.argsort(live_comp, kind="stable")
        bounds = np.searchsorted(live_comp[order], np.arange(len(sizes) + 1))
        for c in np.flatnonzero(cyclic):
            members = order[bounds[c] : bounds[c + 1]]
            for node, repeat in _repeat_arrivals(q, members, live_states, by_node, visits):
                reach[node] -= repeat
    # steps inside loops nothing leaves: everyone who enters such a loop reaches them all
    if trapped.any():
        loops: dict[int, list[Label]] = {}
        entered = {lab: float(absorbed[k]) for k, lab in enumerate(b.labels) if lab[0] == "looping"}
        for t in np.flatnonzero(trapped).tolist():
            loops.setdefault(int(comp[t]), []).append(("looping", b.states[t][0]))
        for members_labels in loops.values():
            nodes = {lab[1] for lab in members_labels}
            for node in nodes:
                others = sum(entered.get(("looping", o), 0.0) for o in nodes if o != node)
                reach[node] = reach.get(node, 0.0) + others
    return {k: min(1.0, max(0.0, v)) for k, v in reach.items()}


def _repeat_arrivals(
    q: sp.csr_matrix,
    members: NDArray[np.int64],
    live_states: list[State],
    by_node: dict[str, list[tuple[int, float]]],
    visits: Vector,
) -> Iterable[tuple[str, float]]:
    """Expected repeat arrivals at each step of one loop (a strongly connected
    component of the chain, ``members``), from the rows of its ``N`` computed
    :data:`CHUNK` at a time (memory stays ``CHUNK`` x component size)."""
    size = len(members)
    local = {int(g): k for k, g in enumerate(members)}
    idx: dict[str, list[int]] = {}
    for k, g in enumerate(members):
        idx.setdefault(live_states[int(g)][0], []).append(k)
    into: dict[str, list[tuple[int, float]]] = {}
    for node in idx:
        items = [(local[i], p) for i, p in by_node.get(node, ()) if i in local]
        if items:
            into[node] = items
    if not into:
        return
    owner = [live_states[int(g)][0] for g in members]
    wanted = [k for k in range(size) if owner[k] in into]
    back = np.zeros(size)
    block_of: dict[int, Vector] = {}
    sub = q[members][:, members]
    lu = _Solver(sub)
    for first in range(0, len(wanted), CHUNK):
        chunk = wanted[first : first + CHUNK]
        rhs = np.zeros((size, len(chunk)))
        rhs[chunk, np.arange(len(chunk))] = 1.0
        rows = lu.solve(rhs).T  # rows of N for the states in `chunk`
        for r, k in enumerate(chunk):
            node = owner[k]
            back[k] = sum(rows[r, j] * p for j, p in into[node])
            block_of[k] = rows[r, idx[node]]
    for node in into:
        states = idx[node]
        n_ss = np.array([block_of[k] for k in states])
        repeat = visits[members[states]] @ np.linalg.solve(n_ss, back[states])
        yield node, float(repeat)


# -- results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StepEffort:
    """One step's figures, per customer who starts the journey."""

    step: str
    """The step id (``JOURNEY:STEP`` for a step of another journey)."""
    reach: float
    """Share of customers who reach the step (those who give up there included)."""
    visits: float
    """Expected visits per customer (retries count)."""
    give_up: float
    """Share of all customers who give up at this step."""
    hurdles: float
    """Hurdles the step itself puts in front of a customer who enters it."""
    seconds: float
    """Seconds a visit takes (its ``seconds`` or its prompt spoken)."""
    assumed: bool
    """Whether shares of its ways out were assumed."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RouteFlow:
    """Expected traversals of one route per customer (for route widths)."""

    source: str
    target: str
    kind: str
    choice: str | None
    per_customer: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class EndShare:
    """Share of customers whose journey ends at one place."""

    step: str
    outcome: str
    share: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class JourneyEffort:
    """What the average customer of a journey goes through (see the module's docs)."""

    journey: str
    expected_hurdles: float
    """Hurdles per customer, counting the steps they passed."""
    expected_seconds: float
    reach_person: float
    """Share of customers who enter a queue or an agent without giving up there."""
    give_up: float
    """Share of customers who give up somewhere."""
    outcomes: dict[str, float]
    """Share of customers per way of ending (every key of :data:`OUTCOMES`)."""
    ends: tuple[EndShare, ...]
    steps: tuple[StepEffort, ...]
    """Every step customers reach, in file order."""
    jump_ship: tuple[StepEffort, ...]
    """Steps where customers give up, the most first."""
    routes: tuple[RouteFlow, ...]
    assumed: tuple[str, ...]
    """Steps (customers reach) whose route shares were assumed, in file order."""
    entries_assumed: bool
    """Several entries, taken in equal shares."""
    patience: Patience
    source: str = "design"
    """``design`` (the file's shares) or ``observed`` (shares from a contact log)."""

    @property
    def uses_assumptions(self) -> bool:
        return bool(self.assumed) or self.entries_assumed

    def to_json(self) -> dict[str, Any]:
        return {
            "journey": self.journey,
            "source": self.source,
            "expected_hurdles": self.expected_hurdles,
            "expected_seconds": self.expected_seconds,
            "reach_person": self.reach_person,
            "give_up": self.give_up,
            "outcomes": dict(self.outcomes),
            "ends": [e.to_json() for e in self.ends],
            "steps": [s.to_json() for s in self.steps],
            "jump_ship": [{"step": s.step, "give_up": s.give_up} for s in self.jump_ship],
            "routes": [r.to_json() for r in self.routes],
            "assumed": list(self.assumed),
            "entries_assumed": self.entries_assumed,
            "patience": self.patience.model_dump(),
        }


def journey_effort(a: Analysis, journey: str, source: str = "design") -> JourneyEffort:
    """The expected-effort figures of ``journey`` within the run's analysis."""
    entries = a.journey_entries.get(journey, [])
    if not entries:
        raise ValueError(f"journey `{journey}` has no entry in this run")
    chain = build_chain(a, entries)
    name = {n: a.name(n, journey) for n in {s[0] for s in chain.states} | set(chain.reach)}
    for _, node in chain.labels:
        name.setdefault(node, a.name(node, journey))
    outcomes = dict.fromkeys(OUTCOMES, 0.0)
    give_up_at: dict[str, float] = {}
    ends: list[EndShare] = []
    for k, (kind, node) in enumerate(chain.labels):
        share = _probability(chain.absorbed[k])
        outcome = str(a.step(node).outcome) if kind == "end" else kind
        outcomes[outcome] += share
        if kind == "gave_up":
            give_up_at[node] = give_up_at.get(node, 0.0) + share
        else:
            ends.append(EndShare(name[node], outcome, share))
    visits: dict[str, float] = {}
    for (node, _), v in zip(chain.states, chain.visits, strict=True):
        visits[node] = visits.get(node, 0.0) + float(v)
    reached = a.sorted(n for n, r in chain.reach.items() if r > 0)
    steps = tuple(
        StepEffort(
            step=name[n],
            reach=float(chain.reach[n]),
            visits=visits.get(n, 0.0),
            give_up=give_up_at.get(n, 0.0),
            hurdles=node_hurdles(a, n),
            seconds=step_seconds(a, n),
            assumed=choices(a, n).assumed,
        )
        for n in reached
    )
    jump = tuple(
        sorted((s for s in steps if s.give_up > 0), key=lambda s: (-round(s.give_up, 12), s.step))
    )
    routes = []
    for (node, index), flow in sorted(
        chain.flows.items(), key=lambda kv: (a.order[kv[0][0]], kv[0][1])
    ):
        target, data = a.out_routes(node)[index]
        name.setdefault(target, a.name(target, journey))
        routes.append(RouteFlow(name[node], name[target], data["kind"], data["choice"], flow))
    order = sorted(ends, key=lambda e: -e.share)
    return JourneyEffort(
        journey=journey,
        expected_hurdles=chain.hurdles,
        expected_seconds=chain.seconds,
        reach_person=_probability(chain.person),
        give_up=_probability(outcomes["gave_up"]),
        outcomes={k: _probability(v) for k, v in outcomes.items()},
        ends=tuple(order),
        steps=steps,
        jump_ship=jump,
        routes=tuple(routes),
        assumed=tuple(name[n] for n in reached if choices(a, n).assumed),
        entries_assumed=len(entries) > 1,
        patience=a.settings(entries[0]).patience,
        source=source,
    )


def _probability(value: float) -> float:
    """A probability worked out in floating point, kept within [0, 1] (rounding can
    leave it a hair outside)."""
    return min(1.0, max(0.0, float(value)))


def run_effort(a: Analysis, source: str = "design") -> dict[str, JourneyEffort]:
    """:func:`journey_effort` for every journey of the run, by journey id."""
    return {j: journey_effort(a, j, source) for j in a.journey_entries}
