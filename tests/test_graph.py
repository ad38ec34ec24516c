"""The networkx view: nodes, edges and their attributes for every construct."""

from __future__ import annotations

from conftest import journey_of

from journeymap.graph import build_graph

FULL = """
journey: full
entry: [m, c]
teams: {t: {}}
nodes:
  m:
    type: menu
    team: t
    options: {"1": i, "2": {to: q, label: Queue, share: 0.25}}
    no_input: m
    no_match: m
    max_retries: 2
    on_fail: bye
  i: {type: input, collects: [x], next: s, no_input: i, no_match: i, on_fail: bye, on_error: bye}
  s: {type: self_service, next: r, on_error: bye}
  c: {type: condition, branches: {open: q, closed: ext}}
  q: {type: queue, next: a, on_timeout: bye, wait_estimate: true, callback: false}
  a:
    type: agent
    next: bye
    transfers: [{to: q, context: warm, label: Back}, q]
  r: {type: redirect, channel: sms, next: bye}
  ext: {type: external, target: partner}
  bye: {type: end, outcome: unresolved}
"""


def test_every_way_out_is_an_edge_with_its_kind() -> None:
    graph = build_graph([journey_of(FULL)])
    order = {n: i for i, n in enumerate(graph.nodes)}
    edges = [
        (u.split(":")[1], v.split(":")[1], d["kind"], d["choice"], d["share"], d["context"])
        for u, v, d in sorted(graph.edges(data=True), key=lambda e: (order[e[0]], e[2]["order"]))
    ]
    assert edges == [
        ("m", "i", "option", "1", None, None),
        ("m", "q", "option", "2", 0.25, None),
        ("m", "m", "no_input", None, None, None),
        ("m", "m", "no_match", None, None, None),
        ("m", "bye", "on_fail", None, None, None),
        ("i", "s", "next", None, None, None),
        ("i", "bye", "on_error", None, None, None),
        ("i", "i", "no_input", None, None, None),
        ("i", "i", "no_match", None, None, None),
        ("i", "bye", "on_fail", None, None, None),
        ("s", "r", "next", None, None, None),
        ("s", "bye", "on_error", None, None, None),
        ("c", "q", "branch", "open", None, None),
        ("c", "ext", "branch", "closed", None, None),
        ("q", "a", "next", None, None, None),
        ("q", "bye", "on_timeout", None, None, None),
        ("a", "bye", "next", None, None, None),
        ("a", "q", "transfer", "Back", None, "warm"),
        ("a", "q", "transfer", None, None, "cold"),
        ("r", "bye", "next", None, None, None),
    ]


def test_node_attributes_and_positions() -> None:
    graph = build_graph([journey_of(FULL)])
    m = graph.nodes["full:m"]
    assert (m["journey"], m["step"], m["type"], m["team"], m["entry"]) == (
        "full",
        "m",
        "menu",
        "t",
        True,
    )
    assert (m["file"], m["line"], m["column"]) == ("j.yaml", 5, 3)
    assert graph.nodes["full:r"]["channel"] == "sms"
    assert graph.nodes["full:i"]["channel"] == "phone"
    assert [n for n, d in graph.nodes(data=True) if d["entry"]] == ["full:m", "full:c"]
    edge = next(d for _, v, d in graph.out_edges("full:m", data=True) if d["choice"] == "2")
    assert (edge["label"], edge["line"]) == ("Queue", 8)


def test_cross_journey_edges_link_graphs() -> None:
    front = journey_of("journey: front\nentry: a\nnodes:\n  a: {type: message, next: 'back:b'}\n")
    back = journey_of("journey: back\nentry: b\nnodes:\n  b: {type: end}\n")
    graph = build_graph([front, back])
    assert list(graph.edges()) == [("front:a", "back:b")]
