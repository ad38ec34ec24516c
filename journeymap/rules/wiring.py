"""Wiring: mistakes in how a flow is put together that send customers the wrong way
(JM5xx)."""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from ..analysis import Analysis, Hit
from ..findings import Severity
from .base import Rule, quote


def _branch_on_missing_input(a: Analysis) -> Iterator[Hit]:
    checks = [n for n in a.graph if a.type(n) == "condition" and a.step(n).uses]
    if not checks:
        return
    # a virtual start before every entry: a step dominates a check when every way from
    # any entry to the check passes it
    graph = nx.DiGraph(a.graph.edges())
    graph.add_nodes_from(a.graph)
    start = ("start",)
    graph.add_edges_from((start, e) for e in a.entries)
    dominators = nx.immediate_dominators(graph, start)
    for node in checks:
        if node not in dominators:
            continue  # unreachable: reported as such
        journey = a.journey_of(node)
        chain = set()
        current = node
        while current != start:
            current = dominators[current]
            chain.add(current)
        missing = []
        for used in a.step(node).uses:
            used_node = f"{journey}:{used}" if f"{journey}:{used}" in a.graph else used
            if used_node in a.graph and used_node not in chain:
                missing.append(used)
        if missing:
            way = a.path(node)
            yield Hit(
                node,
                f"`{a.name(node)}` tests what {quote(missing)} "
                f"{'collects' if len(missing) == 1 else 'collect'}, but some customers reach "
                f"it without passing {'it' if len(missing) == 1 else 'them'}: they all take "
                "the branch for an empty answer",
                nodes=(
                    node,
                    *[f"{journey}:{m}" if f"{journey}:{m}" in a.graph else m for m in missing],
                ),
                path=way,
            )


BRANCH_ON_MISSING_INPUT = Rule(
    id="JM501",
    name="branch-on-missing-input",
    severity=Severity.MEDIUM,
    summary="A condition that tests an answer some customers were never asked for.",
    what=(
        "Finds `condition` steps whose `uses` names a step (the question or look-up whose "
        "result the condition tests, e.g. a Twilio split on `{{widgets.gather.Digits}}`) "
        "that is not on every way from an entry to the condition (it does not dominate "
        "it)."
    ),
    why=(
        "Where the question was skipped the answer is empty, so every such customer takes "
        "the same branch, usually the wrong one, whatever their need."
    ),
    example=(
        "check_digits:\n  type: condition\n  uses: [gather]   # but the greeting can reach "
        "check_digits without passing gather\n  branches: {'1': sales, other: goodbye}"
    ),
    fix="Ask the question on every way to the condition, or test something every path sets.",
    check=_branch_on_missing_input,
)
