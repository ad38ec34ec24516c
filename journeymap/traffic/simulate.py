"""Customers walked one by one through a journey: a check on the exact figures, and
generated contact logs.

:func:`walk` takes one customer through the journey by the rules of
:mod:`journeymap.traffic.expected` (the same ways out and shares, the same hurdles and
patience), drawing each choice from a seeded random generator and counting
failed tries as a platform does, with a counter rather than the expanded states
of the chain. :func:`simulate` averages many walks, so its figures must agree
with the exact ones within sampling error (``tests/test_effort.py`` checks that on
generated journeys). :func:`write_log` writes walks as a generic event log (CSV:
one row per step a contact passed), the kind :mod:`journeymap.traffic.logs` reads: the
sample log of the gallery is made by it, and so are the round-trip tests.

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
>>> a = Analysis(build_graph([loaded]), {"demo": Settings()})
>>> sim = simulate(a, "demo", customers=2000, seed=1)
>>> round(sim.reach_person, 1), sim.customers
(0.2, 2000)
"""

from __future__ import annotations

import datetime
import heapq
import io
import random
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from ..analysis import Analysis
from ..metrics import route_hurdles
from ..model import PERSON_TYPES
from .expected import (
    GIVE_UP_KINDS,
    OUTCOMES,
    SELF_RETRY_KINDS,
    State,
    arrival,
    build_chain,
    choices,
    fail_cost,
    step_seconds,
    stop_kind,
)

MAX_STEPS = 1_000_000
"""A walk longer than this stops, counted as ``looping``."""
LOG_START = datetime.datetime(2025, 3, 3, 8, 0, tzinfo=datetime.UTC)
"""When generated logs begin (fixed, so a seed always gives the same file)."""


@dataclass
class Walk:
    """One customer's way through a journey.

    ``visits`` holds ``(step, result)`` for every step entered, in order (a
    retry enters the step again); ``result`` names the way the customer left it
    (the option key or branch label, else the route's kind; ``None`` at the
    last step).
    """

    visits: list[tuple[str, str | None]] = field(default_factory=list)
    outcome: str = ""
    at: str = ""
    hurdles: float = 0.0
    seconds: float = 0.0
    person: bool = False


def _result(data: dict[str, object]) -> str:
    choice = data.get("choice")
    return str(choice) if choice is not None else str(data["kind"])


def walk(
    a: Analysis, entries: list[str], rng: random.Random, traps: frozenset[State] = frozenset()
) -> Walk:
    """Take one customer from one of ``entries`` (in equal shares) to where their
    journey ends. ``traps`` are the states of loops nothing leaves
    (:attr:`journeymap.traffic.expected.Chain.traps`): a customer who gets there is
    ``looping``."""
    found = Walk()

    def enter(source: str | None, target: str, cost: float, repeat: bool) -> bool:
        got = arrival(a, source, target, cost, repeat)
        found.visits.append((target, None))
        if got.give_up and rng.random() < got.give_up:
            found.outcome, found.at = "gave_up", target
            return False
        found.hurdles += got.hurdles
        found.seconds += step_seconds(a, target)
        if a.type(target) in PERSON_TYPES and target != source:
            found.person = True
        return True

    def leave(result: str) -> None:
        node, _ = found.visits[-1]
        found.visits[-1] = (node, result)

    node = entries[rng.randrange(len(entries))]
    tries = 0
    if not enter(None, node, 0.0, False):
        return found
    for _ in range(MAX_STEPS):
        if a.type(node) == "end":
            found.outcome, found.at = str(a.step(node).outcome), node
            return found
        if (node, tries) in traps:
            found.outcome, found.at = "looping", node
            found.visits.extend((n, None) for n in _loop_nodes(a, node, traps))
            return found
        ways = choices(a, node)
        draw = rng.random()
        picked = None
        for way in ways.routes:
            draw -= way[3]
            if draw < 0:
                picked = way
                break
        if picked is None:
            if ways.stop <= 0 and ways.routes:  # rounding: the last way with a share
                picked = next(w for w in reversed(ways.routes) if w[3] > 0)
            else:
                found.outcome, found.at = stop_kind(a, node), node
                return found
        _, target, data, _ = picked
        kind = str(data["kind"])
        if ways.retries and kind in SELF_RETRY_KINDS and target == node:
            tries += 1
            if tries < ways.retries:
                leave(_result(data))
                if not enter(node, node, route_hurdles(a, node, node, data), True):
                    return found
                continue
            assert ways.fail is not None
            _, target, fail_data = ways.fail
            leave(_result(fail_data))
            tries = 0
            if not enter(node, target, fail_cost(a, node, target), True):
                return found
            node = target
            continue
        leave(_result(data))
        tries = 0
        if not enter(node, target, route_hurdles(a, node, target, data), kind in GIVE_UP_KINDS):
            return found
        node = target
    found.outcome, found.at = "looping", node
    return found


def _loop_nodes(a: Analysis, node: str, traps: frozenset[State]) -> list[str]:
    """The steps a customer caught in an endless loop at ``node`` goes round forever."""
    trapped = {n for n, _ in traps}
    found, todo = {node}, [node]
    while todo:
        for _, target, _, p in choices(a, todo.pop()).routes:
            if p > 0 and target in trapped and target not in found:
                found.add(target)
                todo.append(target)
    return sorted(found - {node}, key=a.order.__getitem__)


@dataclass(frozen=True)
class Simulated:
    """Averages over ``customers`` walks (as
    :class:`~journeymap.traffic.expected.JourneyEffort`)."""

    customers: int
    expected_hurdles: float
    hurdles_sd: float
    expected_seconds: float
    seconds_sd: float
    reach_person: float
    give_up: float
    outcomes: dict[str, float]
    reach: dict[str, float]
    """Share of customers who arrive at each step (graph node name) at least once."""
    give_up_at: dict[str, float]
    reach_any: tuple[float, ...] = ()
    """For each group of steps :func:`simulate` was asked to watch, the share of
    customers who arrive at one or more of them."""


def simulate(
    a: Analysis,
    journey: str,
    customers: int = 10_000,
    seed: int = 0,
    watch: Sequence[Collection[str]] = (),
) -> Simulated:
    """Walk ``customers`` customers through ``journey`` with a generator seeded by
    ``seed``; ``watch`` names groups of steps (graph node names) to count customers
    arriving at any of (as :func:`journeymap.traffic.expected.reach_any`)."""
    entries = a.journey_entries[journey]
    traps = build_chain(a, entries).traps
    rng = random.Random(seed)
    hurdles: list[float] = []
    seconds: list[float] = []
    person = 0
    outcomes = dict.fromkeys(OUTCOMES, 0.0)
    reach: dict[str, float] = {}
    give_up_at: dict[str, float] = {}
    watched = [0] * len(watch)
    groups = [set(g) for g in watch]
    for _ in range(customers):
        w = walk(a, entries, rng, traps)
        visited = {n for n, _ in w.visits}
        for k, group in enumerate(groups):
            watched[k] += bool(visited & group)
        hurdles.append(w.hurdles)
        seconds.append(w.seconds)
        person += w.person
        outcomes[w.outcome] += 1
        if w.outcome == "gave_up":
            give_up_at[w.at] = give_up_at.get(w.at, 0) + 1
        for node in visited:
            reach[node] = reach.get(node, 0) + 1
    mean_h, sd_h = _mean_sd(hurdles)
    mean_s, sd_s = _mean_sd(seconds)
    return Simulated(
        customers=customers,
        expected_hurdles=mean_h,
        hurdles_sd=sd_h,
        expected_seconds=mean_s,
        seconds_sd=sd_s,
        reach_person=person / customers,
        give_up=outcomes["gave_up"] / customers,
        outcomes={k: v / customers for k, v in outcomes.items()},
        reach={k: v / customers for k, v in reach.items()},
        give_up_at={k: v / customers for k, v in give_up_at.items()},
        reach_any=tuple(v / customers for v in watched),
    )


def _mean_sd(values: list[float]) -> tuple[float, float]:
    if not values:
        return 0.0, 0.0
    mean = sum(values) / len(values)
    var = sum((v - mean) ** 2 for v in values) / max(1, len(values) - 1)
    return mean, var**0.5


# -- generated logs ---------------------------------------------------------------------


def log_rows(
    a: Analysis,
    journey: str,
    contacts: int,
    seed: int = 0,
    every: float = 20.0,
    step_id: str = "step",
) -> Iterator[tuple[str, str, str, str]]:
    """Rows of a generic event log for ``contacts`` walked customers, in time order:
    ``(contact_id, step, timestamp, result)``.

    Customers arrive on average every ``every`` seconds (exponential gaps); a
    visit lasts the step's seconds (at least 2 s) plus up to 2 s. ``step`` is the
    step id, or its ``source`` with ``step_id="source"``. ``result`` is the way the
    customer left the step (empty at the last row). Rows of contacts that overlap
    in time interleave, as a real log's do; memory holds only the contacts under
    way.
    """
    rng = random.Random(seed)
    entries = a.journey_entries[journey]
    traps = build_chain(a, entries).traps
    pending: list[tuple[float, int, str, str, str]] = []
    clock = 0.0
    order = 0
    for number in range(contacts):
        clock += rng.expovariate(1.0 / every)
        contact = f"c{seed:02d}-{number + 1:07d}"
        w = walk(a, entries, rng, traps)
        t = clock
        for node, result in w.visits:
            data = a.data(node)
            name = data["step"] if step_id == "step" else (a.step(node).source or data["step"])
            if data["journey"] != journey and step_id == "step":
                name = node
            order += 1
            heapq.heappush(pending, (t, order, contact, name, result or ""))
            t += max(2.0, step_seconds(a, node)) + rng.random() * 2.0
        while pending and pending[0][0] <= clock:
            yield _row(heapq.heappop(pending))
    while pending:
        yield _row(heapq.heappop(pending))


def _row(item: tuple[float, int, str, str, str]) -> tuple[str, str, str, str]:
    t, _, contact, step, result = item
    stamp = LOG_START + datetime.timedelta(seconds=round(t, 3))
    return contact, step, stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"), result


def write_log(
    a: Analysis,
    journey: str,
    out: TextIO,
    contacts: int,
    seed: int = 0,
    every: float = 20.0,
    header: str | None = None,
) -> int:
    """Write a generated generic event log (CSV with a header row ``contact_id,step,
    timestamp,result``) to ``out``; ``header`` lines go first as ``#`` comments.
    Returns the number of rows written."""
    import csv

    if header:
        for line in header.splitlines():
            out.write(f"# {line}\n".replace("# \n", "#\n"))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["contact_id", "step", "timestamp", "result"])
    rows = 0
    for row in log_rows(a, journey, contacts, seed, every):
        writer.writerow(row)
        rows += 1
    return rows


def log_text(a: Analysis, journey: str, contacts: int, seed: int = 0) -> str:
    """:func:`write_log` into a string (for tests and examples)."""
    out = io.StringIO()
    write_log(a, journey, out, contacts, seed)
    return out.getvalue()
