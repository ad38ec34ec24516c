"""Dead ends: places where a customer is stranded or cut off (JM2xx)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import networkx as nx

from .. import algorithms
from ..analysis import Analysis, Hit
from ..findings import Severity
from ..model import RECOVERY_KINDS
from .base import Rule, quote


def _dead_end(a: Analysis) -> Iterator[Hit]:
    for node in a.graph:
        if not a.is_dead_end(node):
            continue
        name = a.name(node)
        kind = a.type(node)
        if kind == "agent":
            message = (
                f"agent step `{name}` has no `next` and no transfers: the journey does not say "
                "what happens after the conversation"
            )
        elif kind == "queue":
            message = (
                f"queue `{name}` has no `next` and no `on_timeout`: customers wait here and "
                "are never answered"
            )
        else:
            message = f"{kind} step `{name}` has no way out: the customer is left with silence"
        yield Hit(node, message, nodes=(node,))


DEAD_END = Rule(
    id="JM201",
    name="dead-end",
    severity=Severity.CRITICAL,
    summary="A step that is not an end and has no way out.",
    what=(
        "Finds steps other than `end`, `external` and `redirect` that have no route out: "
        "no `next`, no options, no branches, no transfers, no error routes."
    ),
    why=(
        "The customer hears a prompt and then nothing. On the phone that is dead air until "
        "they hang up; in a chat, a bot that stops answering."
    ),
    example="confirm:\n  type: message\n  say: Your payment has been taken.   # and then?",
    fix="Add a `next` (to the following step, or to an `end` that says goodbye).",
    check=_dead_end,
)


def _no_human_exit(a: Analysis) -> Iterator[Hit]:
    # steps reached before a person, and not only through a closure by design (after
    # "we are closed", that no person answers is closed-no-alternative's to judge)
    before = algorithms.bfs_tree(
        a.adjacency,
        a.entries,
        expand=lambda n: not a.is_person(n),
        follow=lambda u, v, d: a.meaning(d) != "closed",
    )
    person = a.reaches_person_or_outside
    failing = a.reaches_failure
    stranded = {n for n in before if n in failing and n not in person}
    failures = set(a.failures)
    reported: set[str] = set()  # journeys reported at their entry
    covered = {n for *_, tail, _ in _cut_off_routes(a) for n in tail}
    cut_sources = {u for u, *_ in _cut_off_routes(a)}
    # the next step towards the nearest failure, for every step that can fail
    toward = algorithms.bfs_tree(a.reverse_adjacency, a.failures)
    for node in a.sorted(stranded):
        if node in failures:
            continue  # the failure itself: dead-end, channel-push, endless-loop or
            # disconnect-on-error report the step or the route into it
        preds = [p for p in a.adjacency.predecessors(node) if p in before]
        if not (a.data(node)["entry"] or any(p in person for p in preds)):
            continue  # not the first stranded step on its branch
        ways_in = [d for p, _, d in a.graph.in_edges(node, data=True) if p in person]
        if ways_in and all(a.meaning(d) == "closed" for d in ways_in):
            continue  # a closure by design: closed-no-alternative judges it
        if node in covered:
            continue  # on the way from an error or a closure to a cut-off: reported there
        if node in cut_sources and not any(
            t in failing for t, d in a.out_routes(node) if a.meaning(d) == "normal"
        ):
            continue  # it can only fail by its own error route: disconnect-on-error's
        chain, end = _tail(a, node)
        if end is not None and any(a.offers_other_channel(n) for n in chain):
            continue  # told where else to get help on the way to the end
        tail = [node]
        while toward[tail[-1]] is not None:
            tail.append(toward[tail[-1]])  # type: ignore[arg-type]
        target = tail[-1]
        journey = a.journey_of(node)
        where = a.name(target, journey)
        if a.is_end(target):
            how = f"can still be cut off (at `{where}`, {a.step(target).outcome})"
        elif a.is_push(target):
            how = f"can still be pushed to another channel (at `{where}`)"
        elif a.is_dead_end(target):
            how = f"can still be stranded (at the dead end `{where}`)"
        else:
            how = f"can still be trapped (in the loop at `{where}`)"
        if a.data(node)["entry"] and not preds:
            start = (
                f"This journey never reaches a person: from its entry `{a.name(node)}` a customer"
            )
        else:
            start = f"From `{a.name(node)}` on, a customer can no longer reach a person but"
        yield Hit(node, f"{start} {how}", nodes=tuple(tail))
        reported.add(a.journey_of(node))
    # a journey with nobody at all that asks the customer things (a bot, a menu tree):
    # whoever it cannot help has no one to turn to, even if it never hangs up on them
    for journey, entries in sorted(a.journey_entries.items()):
        if journey in reported or any(e in person for e in entries):
            continue
        asks = [  # questions a customer can fail to answer (silence, not understood)
            n
            for n in a.journey_nodes[journey]
            if n in before
            and a.type(n) in ("menu", "input")
            and any(d["kind"] in ("no_input", "no_match", "on_fail") for _, d in a.out_routes(n))
        ]
        if asks:
            yield Hit(
                entries[0],
                f"This journey never reaches a person: from its entry `{a.name(entries[0])}` "
                f"a customer it cannot help (at `{a.name(asks[0])}` and "
                f"{len(asks) - 1} more question{'s' if len(asks) != 2 else ''}) has no one "
                "to turn to",
                nodes=(entries[0], *asks[:1]),
            )


NO_HUMAN_EXIT = Rule(
    id="JM202",
    name="no-human-exit",
    severity=Severity.HIGH,
    summary="From here a customer can still fail but can no longer reach a person.",
    what=(
        "Finds steps, reached before the customer has talked to anyone, from which a failure "
        "is still possible (an unresolved end, a dead end, a channel push, an endless loop) "
        "but no queue or agent can be reached any more. Reported at the first such step on "
        "each branch, with the failure it leads to. A hand-over to another flow (`external`) "
        "counts as a possible way to a person. A journey with no person at all whose "
        "questions a customer can fail (silence, not understood) is reported once, at its "
        "entry. Branches entered only after a closure by "
        "design, cut-offs already reported as `disconnect-on-error` or "
        "`closed-no-alternative`, and endings that first give another number or address "
        "are left to those rules."
    ),
    why=(
        "When automation fails a customer and there is no person to turn to, the only "
        "options left are to give up or start again. These branches decide whether a "
        "problem ends in a fix or in a complaint."
    ),
    example=(
        "pay_bill:\n  type: self_service\n  next: paid\n  on_error: goodbye  "
        "# a failed payment ends the call; no agent on this branch"
    ),
    fix=(
        "Offer a person on the failing routes: send `on_error`/`on_fail` to a queue, or add "
        "a 'press 0 for an agent' option to the menus on this branch."
    ),
    check=_no_human_exit,
)


def _no_zero_out(a: Analysis) -> Iterator[Hit]:
    menus = [n for n in a.graph if a.type(n) == "menu"]
    if not menus:
        return
    direct = algorithms.can_reach(
        a.normal_adjacency,
        [n for n in a.graph if a.is_person(n) or a.type(n) == "external"],
        through=lambda n: a.type(n) != "menu",
    )
    helpless = {  # journeys with nobody at all: no-human-exit says it once, at the entry
        j
        for j, entries in a.journey_entries.items()
        if not any(e in a.reaches_person_or_outside for e in entries)
    }
    for node in menus:
        if a.journey_of(node) in helpless:
            continue
        options = [(t, d) for t, d in a.out_routes(node) if d["kind"] == "option"]
        if any(t in direct and a.type(t) != "menu" for t, _ in options):
            continue
        if len(options) == 1:
            message = (
                f"the only option of menu `{a.name(node)}` does not lead to a person "
                "without another menu first"
            )
        elif options:
            message = (
                f"none of the {len(options)} options of menu `{a.name(node)}` leads to a person "
                "without another menu first"
            )
        else:
            message = f"menu `{a.name(node)}` has no options at all, so none leads to a person"
        yield Hit(node, message, nodes=(node,))


NO_ZERO_OUT = Rule(
    id="JM203",
    name="no-zero-out",
    severity=Severity.MEDIUM,
    summary="A menu none of whose options leads to a person without passing another menu.",
    what=(
        "Finds menus where no option reaches a queue or an agent (or a hand-over to another "
        "flow, which may) except through a further menu. Error routes (`no_input`, "
        "`on_fail`, ...) do not count: a customer should not have to fail on purpose to "
        "reach someone."
    ),
    why=(
        "Customers whose need is not on the menu, or who do not understand it, look for the "
        "'speak to someone' key. Without it they guess, press at random, or hang up."
    ),
    example=(
        "main_menu:\n  type: menu\n  options:\n    '1': balance      # self-service\n"
        "    '2': statements   # self-service\n    '3': more_options # another menu"
    ),
    fix=(
        "Add an option to a person on every menu, conventionally `0`, and say it in the "
        "prompt ('to speak to someone, press 0')."
    ),
    check=_no_zero_out,
)


RETRY_COUNTER = frozenset({"loop", "tries used up"})
"""Branches of a retry counter (a vendor ``Loop`` block): ``done`` is what happens when
the tries run out."""


def _tail(a: Analysis, node: str) -> tuple[list[str], str | None]:
    """The steps a customer passes from ``node`` when nothing more can be done for them,
    and the unresolved end they reach, or None. The walk goes through announcements,
    steps with one normal way on (settings), and retry counters (by their ``done``
    branch: the tries have run out); it stops anywhere else."""
    chain: list[str] = []
    current: str | None = node
    seen: set[str] = set()
    while current is not None and current not in seen:
        seen.add(current)
        chain.append(current)
        kind = a.type(current)
        if kind == "end":
            return chain, (current if not a.is_resolved_end(current) else None)
        routes = list(a.out_routes(current))
        normal = [(t, d) for t, d in routes if a.meaning(d) == "normal"]
        if kind == "message":
            current = next((t for t, d in normal if d["kind"] == "next"), None)
        elif kind == "condition" and {d["choice"] for _, d in routes} == RETRY_COUNTER:
            current = next(t for t, d in routes if d["choice"] == "tries used up")
        elif (
            kind == "condition"
            and len({t for t, _ in normal}) == 1
            and all(a.meaning(d) == "normal" for _, d in a.out_routes(current))
        ):
            current = normal[0][0]
        else:
            break
    return chain, None


def _handler(a: Analysis, node: str) -> tuple[str, str]:
    """What identifies a step as a failure handler: its vendor block when it has one (an
    imported apology may stand as several steps, one per outcome), else itself."""
    source = a.step(node).source
    return (a.journey_of(node), source) if source else (a.journey_of(node), node)


def _cut_off_routes(a: Analysis) -> list[tuple[str, str, dict[str, Any], list[str], str]]:
    """Every error or closure route that leads (see :func:`_tail`) to an unresolved end:
    ``(source, target, edge, tail, end)``. Computed once per run."""
    key = "cut-off-routes"
    if key not in a.memo:
        found = []
        for u, v, data in a.edges:
            if a.meaning(data) == "normal":
                continue
            tail, end = _tail(a, v)
            if end is not None:
                found.append((u, v, data, tail, end))
        # a decision's branch into the apology that failures lead to is a failure too
        # ("otherwise" after a verification: "Sorry, we cannot take your call")
        handlers = {_handler(a, v) for _, v, data, _, _ in found if a.meaning(data) == "error"}
        for u, v, data in a.edges:
            if (
                data["kind"] == "branch"
                and a.meaning(data) == "normal"
                and _handler(a, v) in handlers
            ):
                tail, end = _tail(a, v)
                if end is not None:
                    found.append((u, v, data, tail, end))
        a.memo[key] = found
    return a.memo[key]  # type: ignore[no-any-return]


def _disconnect_on_error(a: Analysis) -> Iterator[Hit]:
    by_source: dict[str, list[tuple[str, str, str]]] = {}
    routes = _cut_off_routes(a)
    on_the_way = {n for *_, tail, _ in routes for n in tail}
    for node, target, data, _, end in routes:
        if node in on_the_way:
            continue  # a retry counter on the way from a failure: reported at the failure
        if node not in a.reach:
            continue  # unreachable: reported as such, not as what would happen there
        if a.meaning(data) == "closed":
            continue  # closures by design are closed-no-alternative's
        kind = data["kind"] if data["kind"] in RECOVERY_KINDS else f"{data['choice']}"
        by_source.setdefault(node, []).append((kind, target, end))
    for node in a.sorted(by_source):
        hits = by_source[node]
        kinds = []
        for kind, _, _ in hits:
            if kind not in kinds:
                kinds.append(kind)
        ends = []
        for _, _, end in hits:
            if end not in ends:
                ends.append(end)
        journey = a.journey_of(node)
        end_text = " and ".join(f"`{a.name(e, journey)}` ({a.step(e).outcome})" for e in ends)
        yield Hit(
            node,
            f"{quote(kinds)} at `{a.name(node)}` {'ends' if len(kinds) == 1 else 'end'} the "
            "conversation without resolution "
            f"at {end_text}: the customer is cut off because the system did not cope",
            nodes=(node, *ends),
            routes=tuple((node, t, k, None) for k, t, _ in hits),
        )


DISCONNECT_ON_ERROR = Rule(
    id="JM204",
    name="disconnect-on-error",
    severity=Severity.HIGH,
    summary="An error or retry route that ends the conversation without resolution.",
    what=(
        "Finds `no_input`, `no_match`, `on_fail`, `on_error` and `on_timeout` routes, and "
        "branches labelled as failures (`error`, `failed`, `timeout`, ...), that lead, "
        "directly or through announcements only, to an `end` whose outcome is not "
        "`resolved`. One finding per step, naming each such route. Routes labelled as a "
        "closure by design (closed, no agents, at capacity) are left to "
        "`closed-no-alternative`."
    ),
    why=(
        "Hanging up on a customer because the system did not understand them, or because a "
        "back-end call failed, punishes the customer for the system's failure. They call "
        "again, and they are less patient the second time."
    ),
    example=(
        "main_menu:\n  type: menu\n  options: {'1': billing}\n  max_retries: 3\n"
        "  on_fail: goodbye     # goodbye: {type: end, outcome: disconnected}"
    ),
    fix=(
        "Send error routes to a person (a queue), or at least to a step that offers "
        "another way (a call back, a text with a link) before ending."
    ),
    check=_disconnect_on_error,
)


def _unreachable(a: Analysis) -> Iterator[Hit]:
    lost = [n for n in a.graph if n not in a.reach]
    if not lost:
        return
    region = a.graph.subgraph(lost)
    groups = [a.sorted(g) for g in nx.weakly_connected_components(region)]
    groups.sort(key=lambda g: a.order[g[0]])
    for group in groups:
        members = set(group)
        heads = [n for n in group if not any(p in members for p in a.adjacency.predecessors(n))]
        node = heads[0] if heads else group[0]
        journey = a.journey_of(node)
        names = [a.name(n, journey) for n in group]
        if len(group) == 1:
            message = f"no entry reaches `{names[0]}`: no customer ever gets here"
        else:
            message = (
                f"no entry reaches {quote(names)} ({len(group)} steps): no customer ever gets here"
            )
        yield Hit(node, message, nodes=tuple(group), path=())


UNREACHABLE = Rule(
    id="JM205",
    name="unreachable",
    severity=Severity.LOW,
    summary="A step that no entry can reach.",
    what=(
        "Finds steps that no entry of any journey in the run reaches. Connected unreachable "
        "steps are reported together, at the first of them."
    ),
    why=(
        "Unreachable steps are usually a broken link: an option that was meant to lead "
        "there and does not. The service someone designed is not being offered."
    ),
    example="old_promo:\n  type: message    # nothing has `next: old_promo` any more",
    fix="Link the step from where it was meant to be offered, or delete it.",
    check=_unreachable,
)


def _channel_push(a: Analysis) -> Iterator[Hit]:
    person = a.reaches_person

    def offers_person(pred: str, push: str) -> bool:
        """Whether customers arriving from ``pred`` talked to someone, or chose the
        push over a person (another option of the same menu leads to one)."""
        if a.type(pred) == "agent":
            return True
        if a.type(pred) != "menu":
            return False
        return any(
            t != push and t in person and d["kind"] == "option" for t, d in a.out_routes(pred)
        )

    for node in a.graph:
        if not a.is_push(node) or node not in a.reach:
            continue
        preds = [p for p in a.adjacency.predecessors(node) if p in a.reach]
        if preds and all(offers_person(p, node) for p in preds):
            continue
        channel = a.step(node).channel or a.data(node)["channel"]
        yield Hit(
            node,
            f"`{a.name(node)}` ends the conversation by sending the customer to {channel}, "
            "and no person was offered instead",
            nodes=(node,),
        )


CHANNEL_PUSH = Rule(
    id="JM206",
    name="channel-push",
    severity=Severity.MEDIUM,
    summary="A redirect that ends the conversation by sending the customer elsewhere.",
    what=(
        "Finds `redirect` steps without a `next` (the conversation ends there) that some "
        "customers reach without having talked to a person and without having been "
        "offered one: the step before is not an agent, nor a menu with another option "
        "that leads to a person."
    ),
    why=(
        "'Please visit our website' ends the call but not the problem. Customers who called "
        "usually tried the website first; pushed back, they start again from zero."
    ),
    example="go_online:\n  type: redirect\n  channel: web\n  say: Please visit acme.com.",
    fix=(
        "Offer the other channel as a choice next to a person ('for a link by text press 1, "
        "to speak to someone press 0'), or continue the journey (`next`) on the new channel."
    ),
    check=_channel_push,
)


def _let_go(a: Analysis, start: str) -> list[str] | None:
    """A way from ``start`` to an unresolved end that offers nothing on the way: no
    person, self-service task, other channel, other flow, nor a menu (where the
    customer may choose something better). None when there is no such way."""
    parent: dict[str, str | None] = {start: None}
    queue = [start]
    for node in queue:
        if a.is_end(node):
            if a.is_resolved_end(node):
                continue
            path = [node]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])  # type: ignore[arg-type]
            return path[::-1]
        if (
            a.is_person(node)
            or a.type(node) in ("self_service", "redirect", "external", "menu")
            or a.offers_other_channel(node)
        ):
            continue
        for _, target, data in a.graph.out_edges(node, data=True):
            if target not in parent and a.meaning(data) != "closed":  # judged where it is
                parent[target] = node
                queue.append(target)
    return None


def _closed_no_alternative(a: Analysis) -> Iterator[Hit]:
    for node in a.graph:
        if node not in a.reach:
            continue
        closed = []
        for target, data in a.out_routes(node):
            if a.meaning(data) == "closed":
                way = _let_go(a, target)
                if way is not None:
                    closed.append((target, data, way))
        if not closed:
            continue
        labels: list[str] = []
        ends: list[str] = []
        for _, data, way in closed:
            label = data["label"] or data["choice"] or data["kind"]
            if label not in labels:
                labels.append(label)
            if way[-1] not in ends:
                ends.append(way[-1])
        journey = a.journey_of(node)
        where = " and ".join(f"`{a.name(e, journey)}`" for e in ends)
        yield Hit(
            node,
            f"when {quote(labels)}, `{a.name(node)}` lets the customer go at {where} with no "
            "voicemail, call-back or other channel: they must try again later on their own",
            nodes=(node, *ends),
            routes=tuple((node, t, d["kind"], d["choice"]) for t, d, _ in closed),
        )


CLOSED_NO_ALTERNATIVE = Rule(
    id="JM207",
    name="closed-no-alternative",
    severity=Severity.MEDIUM,
    summary="A closure by design (out of hours, no agents, queue full) that only says goodbye.",
    what=(
        "Finds routes labelled as a closure (a `condition` branch or a route `label` such as "
        "`closed`, `after hours`, `holiday`, `no agents`, `at capacity`) that can lead to "
        "an unresolved end without passing a person, a self-service task, another "
        "channel, another flow or a menu (where the customer could choose something "
        "better). Reported at the step that decides, naming each such route."
    ),
    why=(
        "Closing is a business decision; cutting the customer off is not. A caller who is "
        "told 'we are closed' and hung up on must remember to call back, and many do not: "
        "their problem waits, or goes to a competitor. A voicemail, a call-back request or "
        "a link by text keeps them."
    ),
    example=(
        "hours:\n  type: condition\n  branches:\n    open: main_menu\n    closed: closed_msg"
        "\nclosed_msg:\n  type: message\n  say: We are closed. Goodbye.\n  next: hang_up"
    ),
    fix=(
        "After the closed message, offer something: leave a voicemail (a `queue` with "
        "`callback: true`), a call-back, a text with a self-service link (a `redirect` "
        "with `next`), or the opening hours and an emergency line."
    ),
    check=_closed_no_alternative,
)
