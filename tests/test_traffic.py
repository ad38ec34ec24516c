"""Contact logs laid on the design: round trips, every log format, bad logs, and a
million rows read in bounded memory."""

from __future__ import annotations

import json
import math
import random
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import JOURNEYS, journey_of

from journeymap.analysis import Analysis
from journeymap.config import Settings
from journeymap.graph import build_graph
from journeymap.loader import Problem
from journeymap.reading import load_paths
from journeymap.traffic.expected import journey_effort
from journeymap.traffic.logs import (
    Event,
    lay,
    read_events,
    read_traffic,
    read_traffic_text,
    with_observed_shares,
)
from journeymap.traffic.simulate import log_text, write_log

SHARED = """
journey: line
entry: menu
nodes:
  menu:
    type: menu
    options:
      "1": {to: pay, share: 0.5}
      "2": {to: desk, share: 0.3}
      "3": {to: bye, share: 0.2}
  pay: {type: self_service, next: {to: bye, share: 0.9}, on_error: {to: desk, share: 0.1}}
  desk: {type: queue, next: agent}
  agent: {type: agent, next: bye}
  bye: {type: end}
"""


def _run(*texts: str) -> tuple[Any, Analysis]:
    loaded = [journey_of(t) for t in texts]
    graph = build_graph(loaded)
    return graph, Analysis(graph, {j.id: Settings() for j in loaded})


def _shares(traffic: Any, journey: str) -> dict[tuple[str, str, str | None], float]:
    return {(r.source, r.target, r.choice): r.share for r in traffic.journeys[journey].routes}


def _within(observed: float, expected: float, departures: int) -> bool:
    """5 standard errors of a share observed over ``departures`` contacts."""
    sd = math.sqrt(max(expected * (1 - expected), 1 / departures) / departures)
    return abs(observed - expected) <= 5 * sd


# -- round trips ------------------------------------------------------------------------


def test_a_generated_log_gives_the_design_shares_back() -> None:
    graph, a = _run(SHARED)
    traffic = read_traffic_text(log_text(a, "line", 5000, seed=3), graph)
    assert traffic.problems == () and traffic.contacts == 5000
    shares = _shares(traffic, "line")
    left_menu = traffic.departures["line:menu"]
    for (source, target, choice), design in {
        ("menu", "pay", "1"): 0.5,
        ("menu", "desk", "2"): 0.3,
        ("menu", "bye", "3"): 0.2,
    }.items():
        assert _within(shares[(source, target, choice)], design, left_menu), choice
    assert _within(shares[("pay", "bye", None)], 0.9, traffic.departures["line:pay"])


def test_the_sample_log_round_trip_matches_the_exact_route_flows() -> None:
    """Retries bounded by max_retries turn the last failed try into on_fail, so the
    observed share of each route is compared with the chain's exact traversals."""
    run = load_paths([JOURNEYS / "order-support-line.yaml"])
    graph = build_graph(run.journeys)
    a = Analysis(graph, {j.id: Settings() for j in run.journeys})
    traffic = read_traffic_text(log_text(a, "order-support-line", 6000, seed=9), graph)
    effort = journey_effort(a, "order-support-line")
    flows: dict[str, dict[tuple[str, str, str | None], float]] = {}
    for r in effort.routes:
        flows.setdefault(r.source, {})[(r.target, r.kind, r.choice)] = r.per_customer
    checked = 0
    for route in traffic.journeys["order-support-line"].routes:
        out = flows[route.source]
        expected = out.get((route.target, route.kind, route.choice), 0.0) / sum(out.values())
        left = traffic.departures[f"order-support-line:{route.source}"]
        assert _within(route.share, expected, left), route
        checked += 1
    assert checked >= 20


def test_observed_shares_replace_assumed_ones() -> None:
    bare = SHARED.replace("journey: line", "journey: bare")
    for text in ("share: 0.5", "share: 0.3", "share: 0.2", "share: 0.9", "share: 0.1"):
        bare = bare.replace(f", {text}", "")
    graph, a = _run(bare)
    assert journey_effort(a, "bare").assumed == ("menu", "pay")
    _, truth = _run(SHARED)
    traffic = read_traffic_text(log_text(truth, "line", 8000, seed=4), graph, name="line.csv")
    # the log names the steps of `line`; the same ids stand in `bare`
    observed, replaced = with_observed_shares(graph, traffic)
    assert {"bare:menu", "bare:pay"} <= set(replaced)
    settings = {"bare": Settings()}
    figures = journey_effort(Analysis(observed, settings), "bare", source="observed")
    assert figures.assumed == () and figures.source == "observed"
    designed = journey_effort(truth, "line")
    assert figures.reach_person == pytest.approx(designed.reach_person, abs=0.03)
    assert figures.expected_hurdles == pytest.approx(designed.expected_hurdles, abs=0.1)


# -- what a log reports ------------------------------------------------------------------

LOG = """\
# generated for a test
contact_id,step,timestamp,result
a,menu,2025-03-03T08:00:00Z,1
a,pay,2025-03-03T08:00:10Z,
a,bye,2025-03-03T08:00:40Z,
b,menu,2025-03-03T08:01:00Z,
b,agent,2025-03-03T08:01:05Z,
c,menu,2025-03-03T08:02:00Z,
c,desk,2025-03-03T08:02:03Z,
d,pay,2025-03-03T08:03:00Z,
d,bye,2025-03-03T08:03:02Z,
"""


def test_drift_abandonment_time_and_steps_never_visited() -> None:
    graph, _ = _run(SHARED)
    t = read_traffic_text(LOG, graph).journeys["line"]
    assert t.contacts == 4
    assert t.never_visited == ()  # agent was reached, by a route the design lacks
    drift = {(d.source, d.target): d.count for d in t.drift}
    assert drift == {("menu", "agent"): 1, (None, "pay"): 1}
    steps = {s.step: s for s in t.steps}
    # no contact of this log goes on from `desk` or `agent`: the log ends where a
    # person takes over, so the contacts who stop there reached one
    assert steps["desk"].gave_up == 0 and steps["agent"].gave_up == 0
    assert steps["pay"].seconds == pytest.approx(16.0)  # 30 s and 2 s
    assert t.outcomes == {"resolved": 2, "to_person": 2}
    assert t.jump_ship == ()
    json.dumps(t.to_json())


def test_stopping_at_a_queue_the_log_goes_on_from_is_abandoning_it() -> None:
    graph, _ = _run(SHARED)
    log = LOG + (
        "e,menu,2025-03-03T08:04:00Z,2\n"
        "e,desk,2025-03-03T08:04:05Z,\n"
        "e,agent,2025-03-03T08:06:00Z,\n"
        "e,bye,2025-03-03T08:09:00Z,\n"
    )
    t = read_traffic_text(log, graph).journeys["line"]
    steps = {s.step: s for s in t.steps}
    assert steps["desk"].gave_up == 1 and steps["desk"].abandonment == 0.5  # c, not e
    assert steps["agent"].gave_up == 1  # b stopped at the agent, e went on to the end
    assert t.outcomes == {"gave_up": 2, "resolved": 3}
    assert [s.step for s in t.jump_ship] == ["agent", "desk"]


def test_rows_in_any_order_give_the_same_figures() -> None:
    graph, a = _run(SHARED)
    text = log_text(a, "line", 300, seed=1)
    header, *rows = [line for line in text.splitlines() if not line.startswith("#")]
    random.Random(2).shuffle(rows)
    ordered = read_traffic_text(text, graph)
    shuffled = read_traffic_text("\n".join([header, *rows]) + "\n", graph)
    assert shuffled.unordered_rows > 0 and shuffled.problems == ()
    assert _rounded(shuffled.journeys["line"].to_json()) == _rounded(
        ordered.journeys["line"].to_json()
    )


def _rounded(value: Any) -> Any:
    """Floats to 9 places (sums taken in another order differ in the last bits)."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def test_rows_further_apart_than_the_window_are_reported_not_mixed_in(tmp_path: Path) -> None:
    graph, _ = _run(SHARED)
    rows = ["contact_id,step,timestamp", "x,menu,1741000000"]
    rows += [f"f{i},menu,{1741000001 + i}" for i in range(30)]
    rows += ["x,pay,1741000100"]  # 31 rows after x's first: beyond a window of 10
    log = tmp_path / "late.csv"
    log.write_text("\n".join(rows) + "\n")
    traffic = read_traffic(log, graph, window=10)
    late = [p for p in traffic.problems if p.kind == "late-row"]
    assert traffic.late_rows == 1 and late[0].line == 33
    assert "pay" not in {s.step for s in traffic.journeys["line"].steps}


def test_unknown_steps_and_bad_rows_are_located_problems(tmp_path: Path) -> None:
    graph, _ = _run(SHARED)
    log = tmp_path / "bad.csv"
    log.write_text(
        "contact_id,step,timestamp\n"
        "a,menu,2025-03-03T08:00:00Z\n"
        "a,nowhere,2025-03-03T08:00:05Z\n"
        'a,"pay",yesterday\n'
        "a,bye\n"
        ",bye,2025-03-03T08:00:09Z\n"
        "a,bye,2025-03-03T08:00:09Z\n"
    )
    traffic = read_traffic(log, graph)
    shown = sorted(str(p) for p in traffic.problems)
    name = str(log)
    assert shown == sorted(
        [
            f"{name}:3:3: `nowhere` names no step of the design (1 row) [unknown-step]",
            f"{name}:4:9: `yesterday` is not a timestamp (ISO 8601, e.g. "
            "2025-03-03T08:00:00Z, or seconds since 1970) [bad-log]",
            f"{name}:5:1: this row has 2 fields; the header has 3 [bad-log]",
            f"{name}:6:1: this row has no contact id [bad-log]",
        ]
    )
    assert traffic.unknown[0].block == "nowhere"
    # the contact goes on from its last known step: menu -> bye is a designed route
    assert traffic.journeys["line"].drift == ()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the log is empty"),
        ("who,what\n1,2\n", "the header row names no column for the contact and step and time"),
    ],
)
def test_a_log_that_cannot_be_read_says_why(tmp_path: Path, content: str, message: str) -> None:
    graph, _ = _run(SHARED)
    log = tmp_path / "log.csv"
    log.write_text(content)
    problems = read_traffic(log, graph).problems
    assert len(problems) == 1 and message in problems[0].message


def test_missing_and_binary_files_are_problems_not_tracebacks(tmp_path: Path) -> None:
    graph, _ = _run(SHARED)
    assert read_traffic(tmp_path / "none.csv", graph).problems[0].kind == "unreadable"
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"contact_id,step,timestamp\n\xff\xfe\x00\n")
    assert read_traffic(binary, graph).problems[0].kind == "unreadable"
    garbage = tmp_path / "x.jsonl"
    garbage.write_text('{"ContactId": "a"\n{"ContactId": "a", "Identifier": 3}\n')
    problems = read_traffic(garbage, graph).problems
    assert [p.line for p in problems] == [1, 2]


def test_xes_column_names() -> None:
    graph, _ = _run(SHARED)
    log = "case:concept:name,concept:name,time:timestamp\nk,menu,1741000000\nk,bye,1741000009\n"
    t = read_traffic_text(log, graph).journeys["line"]
    assert t.outcomes == {"resolved": 1}


def test_parquet(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    graph, _ = _run(SHARED)
    table = pa.table(
        {
            "case_id": ["a", "a", "b"],
            "activity": ["menu", "bye", "menu"],
            "timestamp": pa.array([1741000000, 1741000005, 1741000007], pa.timestamp("s")),
        }
    )
    path = tmp_path / "log.parquet"
    pq.write_table(table, path)
    traffic = read_traffic(path, graph)
    assert traffic.format == "parquet" and traffic.problems == ()
    assert traffic.journeys["line"].outcomes == {"gave_up": 1, "resolved": 1}


# -- vendor logs: blocks found by each step's `source` ------------------------------------

IMPORTED = """
journey: flow
entry: welcome
nodes:
  welcome: {type: message, source: b-welcome, next: menu}
  menu:
    type: menu
    source: b-menu
    options: {"1": queue, "2": bye}
    no_match: menu
  queue: {type: queue, source: b-queue, next: agent}
  agent: {type: agent, source: b-queue, next: served}
  served: {type: end, source: b-queue}
  bye: {type: end, source: b-bye, outcome: resolved}
"""


def _connect(contact: str, block: str, second: int, results: str | None = None) -> str:
    entry: dict[str, Any] = {
        "ContactId": contact,
        "ContactFlowId": "arn:aws:connect:eu-west-2:111122223333:instance/x/contact-flow/y",
        "ContactFlowName": "Main",
        "ContactFlowModuleType": "PlayPrompt",
        "Identifier": block,
        "Timestamp": f"2025-03-03T08:00:{second:02d}.000Z",
        "Parameters": {},
    }
    if results is not None:
        entry["Results"] = results
    return json.dumps(entry)


def test_amazon_connect_flow_logs() -> None:
    graph, _ = _run(IMPORTED)
    lines = [
        _connect("c1", "b-welcome", 0),
        _connect("c1", "b-menu", 5, "1"),
        _connect("c1", "b-queue", 9),  # the flow log stops at the queue
        "2025-03-03T08:00:10.000Z " + _connect("c2", "b-welcome", 10),  # CloudWatch export
        json.dumps({"message": _connect("c2", "b-menu", 12, "NoMatch")}),
        _connect("c2", "b-menu", 20, "2"),
        _connect("c2", "b-bye", 22),
        _connect("c3", "b-welcome", 30),
        _connect("c3", "b-lambda", 31),  # a block the design does not have
    ]
    traffic = read_traffic_text("\n".join(lines) + "\n", graph)
    assert traffic.format == "connect"
    t = traffic.journeys["flow"]
    assert t.outcomes == {"gave_up": 1, "resolved": 1, "to_person": 1}
    assert {s.step: s.gave_up for s in t.steps if s.gave_up} == {"welcome": 1}
    shares = _shares(traffic, "flow")
    assert shares[("menu", "menu", None)] == pytest.approx(1 / 3)
    assert [(u.block, u.line) for u in traffic.unknown] == [("b-lambda", 9)]
    assert t.never_visited == ("agent", "served")


def _twilio(execution: str, came_from: str, to: str, event: str, second: int) -> dict[str, Any]:
    return {
        "sid": "FT" + "0" * 32,
        "account_sid": "AC" + "0" * 32,
        "flow_sid": "FW" + "0" * 32,
        "execution_sid": execution,
        "parent_step_sid": None,
        "name": event,
        "context": {},
        "transitioned_from": came_from,
        "transitioned_to": to,
        "date_created": f"2025-03-03T08:00:{second:02d}Z",
        "date_updated": f"2025-03-03T08:00:{second:02d}Z",
        "url": "https://studio.example/v2/Flows/FW/Executions/FN/Steps/FT",
        "links": {},
    }


STUDIO = """
journey: studio
entry: welcome
nodes:
  welcome: {type: message, source: b-welcome, next: menu}
  menu: {type: menu, source: b-menu, options: {"1": queue, "2": bye}}
  queue: {type: queue, source: b-queue, next: agent}
  agent: {type: agent, source: b-queue, next: bye}
  bye: {type: end, source: b-bye, outcome: resolved}
"""


def test_twilio_studio_execution_steps() -> None:
    """As the Studio importer reads an enqueue widget: a queue and its agent, both from
    the widget, the agent leading where callComplete goes."""
    graph, _ = _run(STUDIO)
    page = {
        "steps": [  # newest first, as the API lists them
            _twilio("FN1", "b-queue", "b-bye", "callComplete", 40),
            _twilio("FN1", "b-menu", "b-queue", "keypress", 8),
            _twilio("FN1", "b-welcome", "b-menu", "audioComplete", 4),
            _twilio("FN1", "Trigger", "b-welcome", "incomingCall", 0),
            _twilio("FN2", "b-menu", "Ended", "hangup", 19),
            _twilio("FN2", "b-welcome", "b-menu", "audioComplete", 14),
            _twilio("FN2", "Trigger", "b-welcome", "incomingCall", 10),
        ],
        "meta": {"page": 0, "page_size": 50},
    }
    traffic = read_traffic_text(json.dumps(page, indent=2), graph)
    assert traffic.format == "twilio" and traffic.problems == ()
    same_second = [{**step, "date_created": "2025-03-03T08:00:00Z"} for step in page["steps"]]
    tied = read_traffic_text(json.dumps({"steps": same_second}), graph)  # one line
    assert tied.journeys["studio"].drift == () and tied.problems == ()
    t = traffic.journeys["studio"]
    assert t.outcomes == {"gave_up": 1, "resolved": 1}
    assert {s.step: s.gave_up for s in t.steps if s.gave_up} == {"menu": 1}
    assert t.never_visited == () and t.drift == ()  # the agent, not logged, is filled in
    assert {s.step: s.seconds for s in t.steps}["queue"] == 32.0


# -- a million rows in bounded memory ------------------------------------------------------


def _million_rows(path: Path, rows: int) -> None:
    """A time-ordered log of short contacts, about 40 under way at any time."""
    rnd = random.Random(7)
    ways = [
        ["menu", "pay", "bye"],
        ["menu", "desk", "agent", "bye"],
        ["menu", "menu", "bye"],
        ["menu", "pay", "desk", "agent", "bye"],
    ]
    active: list[list[Any]] = []
    written = contact = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("contact_id,step,timestamp\n")
        lines = []
        while written < rows:
            while len(active) < 40:
                contact += 1
                active.append([f"k{contact:07d}", rnd.choice(ways), 0])
            k = rnd.randrange(len(active))
            item = active[k]
            lines.append(f"{item[0]},{item[1][item[2]]},{1741000000 + written}\n")
            written += 1
            item[2] += 1
            if item[2] == len(item[1]):
                active[k] = active[-1]
                active.pop()
            if len(lines) >= 10000:
                out.writelines(lines)
                lines.clear()
        out.writelines(lines)


def _traced_from(events: Iterator[Event | Problem], start: int) -> Iterator[Event | Problem]:
    rows = 0
    for event in events:
        if isinstance(event, Event):
            rows += 1
            if rows == start:
                tracemalloc.start()
        yield event


def test_a_million_rows_are_read_in_bounded_memory(tmp_path: Path) -> None:
    """Memory is traced over the last 50,000 of the million rows (tracing them all
    takes minutes): with a window of 5,000 rows the peak there is the open contacts of
    one window, about 1.7 MiB, where holding the rows until the end would take about
    10 MiB more; and nothing of them is held after. The benchmark
    (tests/benchmarks/bench_traffic.py) traces a whole run."""
    graph, _ = _run(SHARED)
    log = tmp_path / "million.csv"
    total = 1_000_000
    _million_rows(log, total)
    kind, events = read_events(log)
    try:
        traffic = lay(_traced_from(events, total - 50_000), graph, str(log), kind, window=5_000)
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert traffic.rows == total and traffic.problems == ()
    assert traffic.contacts > 200_000
    assert held < 3 * 2**20, held
    assert peak < 6 * 2**20, peak


def test_write_log_says_it_was_generated(tmp_path: Path) -> None:
    _, a = _run(SHARED)
    path = tmp_path / "log.csv"
    with path.open("w", encoding="utf-8") as out:
        rows = write_log(a, "line", out, 10, seed=1, header="generated by a test")
    text = path.read_text()
    assert text.startswith("# generated by a test\ncontact_id,step,timestamp,result\n")
    assert rows == len(text.splitlines()) - 2


def test_the_committed_sample_log_is_current() -> None:
    from conftest import ROOT
    from sample_logs import LOG, sample_log

    committed = (ROOT / LOG).read_text(encoding="utf-8")
    assert committed == sample_log(), f"{LOG} is stale: run `python -m tests.sample_logs`"


def test_the_sample_log_lies_on_the_sample_journeys() -> None:
    from conftest import ROOT
    from sample_logs import LOG

    run = load_paths([JOURNEYS])
    traffic = read_traffic(ROOT / LOG, build_graph(run.journeys))
    assert traffic.problems == () and traffic.contacts == 1000
    line = traffic.journeys["order-support-line"]
    assert line.contacts == 1000 and line.drift == ()
    gave_up = {s.step for s in line.jump_ship}
    assert {"order_menu", "orders_queue"} <= gave_up and "orders_agent" not in gave_up


def test_audit_traffic_counts_the_customers_a_fix_would_reach() -> None:
    from conftest import ROOT
    from sample_logs import LOG

    from journeymap.engine import audit_journeys
    from journeymap.traffic.audit import audit_traffic

    run = load_paths([JOURNEYS])
    found = audit_traffic(run.journeys, log=ROOT / LOG)
    assert set(found.observed) == {"order-support-line"}
    assert found.effort("order-support-line").source == "observed"
    assert found.effort("harbor-bank-phone-banking").source == "design"
    result = audit_journeys(run.journeys)
    line = [f for f in result.findings if f.journey == "order-support-line"]
    at_agent = [f for f in line if f.node == "orders_agent"]
    assert at_agent  # the agents ask for everything again
    everyone = found.customers_affected([f for f in line if f.node == "greeting"] or line)
    some = found.customers_affected(at_agent)
    assert 400 < some < everyone <= 1000
    json.dumps(found.to_json())


def test_the_json_matches_its_schema() -> None:
    import jsonschema
    from conftest import ROOT
    from sample_logs import LOG

    from journeymap.reporters.json_schema import TRAFFIC_AUDIT
    from journeymap.traffic.audit import audit_traffic

    run = load_paths([JOURNEYS])
    for log in (None, ROOT / LOG):
        document = json.loads(json.dumps(audit_traffic(run.journeys, log=log).to_json()))
        jsonschema.validate(document, TRAFFIC_AUDIT)
