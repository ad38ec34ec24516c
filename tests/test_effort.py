"""Expected effort: small journeys worked out on paper, and the exact figures against a
seeded Monte Carlo walk of generated journeys."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from conftest import journey_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import _load, journeys

from journeymap.analysis import Analysis
from journeymap.config import Settings
from journeymap.graph import build_graph
from journeymap.traffic.expected import OUTCOMES, build_chain, journey_effort, reach_any, run_effort
from journeymap.traffic.simulate import simulate


def _analysis(*texts: str, **patience: float) -> Analysis:
    loaded = [journey_of(t) for t in texts]
    chosen = Settings().merged({"patience": patience})
    return Analysis(build_graph(loaded), {j.id: chosen for j in loaded})


def _step(effort: Any, name: str) -> Any:
    return next(s for s in effort.steps if s.step == name)


# -- worked out on paper ----------------------------------------------------------------

MENU_SHARES = """
journey: h1
entry: menu
nodes:
  menu:
    type: menu
    seconds: 10
    options:
      "1": {to: pay, share: 0.6}
      "2": {to: desk_q, share: 0.4}
  pay: {type: self_service, collects: [card], seconds: 30, next: done}
  desk_q: {type: queue, wait_estimate: true, callback: true, seconds: 60, next: desk}
  desk: {type: agent, seconds: 120, next: done}
  done: {type: end}
"""


def test_a_menu_with_shares() -> None:
    """p = 0.1 per hurdle; hurdles: menu 1, pay 1 (one item), desk_q 1 (a queue that
    gives its wait and a call-back), desk 0, done 0.

    start: enter menu (1 hurdle): 0.1 give up there, 0.9 go on (0.9 hurdles, 9 s)
    "1" (0.6 of 0.9 = 0.54 arrive at pay): 0.054 give up, 0.486 pass (0.486 hurdles,
        14.58 s) and end resolved
    "2" (0.36 arrive at desk_q): 0.036 give up, 0.324 pass (0.324 hurdles, 19.44 s),
        then desk (0 hurdles, 38.88 s) and resolved
    hurdles 0.9 + 0.486 + 0.324 = 1.71; seconds 9 + 14.58 + 19.44 + 38.88 = 81.9
    resolved 0.486 + 0.324 = 0.81; gave up 0.1 + 0.054 + 0.036 = 0.19; person 0.324
    """
    e = journey_effort(_analysis(MENU_SHARES, per_hurdle=0.1), "h1")
    assert e.expected_hurdles == pytest.approx(1.71, abs=1e-12)
    assert e.expected_seconds == pytest.approx(81.9, abs=1e-12)
    assert e.outcomes["resolved"] == pytest.approx(0.81, abs=1e-12)
    assert e.give_up == pytest.approx(0.19, abs=1e-12)
    assert e.reach_person == pytest.approx(0.324, abs=1e-12)
    reach = {s.step: s.reach for s in e.steps}
    assert reach == pytest.approx(
        {"menu": 1, "pay": 0.54, "desk_q": 0.36, "desk": 0.324, "done": 0.81}, abs=1e-12
    )
    assert [(s.step, round(s.give_up, 12)) for s in e.jump_ship] == [
        ("menu", 0.1),
        ("pay", 0.054),
        ("desk_q", 0.036),
    ]
    assert e.assumed == () and not e.entries_assumed


BOUNDED_RETRIES = """
journey: h2
entry: ask
nodes:
  ask:
    type: input
    collects: [acct]
    next: {to: ok, share: 0.5}
    no_match: {to: ask, share: 0.5}
    max_retries: 2
    on_fail: help
  ok: {type: end}
  help: {type: end, outcome: unresolved}
"""


def test_bounded_retries_without_patience() -> None:
    """Each try: 0.5 answer, 0.5 wrong; the 2nd wrong answer goes to on_fail.
    ok = 0.5 + 0.5 x 0.5 = 0.75, help = 0.25. Hurdles: 1 (the account number) + 0.5
    (one retry, half the callers) + 0.25 (the failed 2nd try) = 1.75: a caller sent to
    help met 1 + 2 retries, as the metrics' on_fail route cost (max_retries) says."""
    e = journey_effort(_analysis(BOUNDED_RETRIES, per_hurdle=0.0), "h2")
    assert e.outcomes["resolved"] == pytest.approx(0.75, abs=1e-12)
    assert e.outcomes["unresolved"] == pytest.approx(0.25, abs=1e-12)
    assert e.expected_hurdles == pytest.approx(1.75, abs=1e-12)
    assert _step(e, "ask").visits == pytest.approx(1.5, abs=1e-12)
    flows = {(r.source, r.target, r.kind): r.per_customer for r in e.routes}
    assert flows[("ask", "ask", "no_match")] == pytest.approx(0.5)  # first wrong answer
    assert flows[("ask", "help", "on_fail")] == pytest.approx(0.25)  # second


def test_bounded_retries_with_patience_that_drops_on_repeats() -> None:
    """p = 0.2, x2 on a retry (0.4).
    enter ask: 0.2 give up, 0.8 go on (0.8 hurdles)
    try 1 (0.8): 0.4 answer -> ok; 0.4 wrong -> retry (1 hurdle, p 0.4): 0.16 give up
        at ask, 0.24 go on (0.24 hurdles)
    try 2 (0.24): 0.12 answer -> ok; 0.12 wrong -> on_fail into help (1 retry hurdle;
        nobody gives up on entering an end): 0.12 end unresolved (0.12 hurdles)
    resolved 0.52, unresolved 0.12, gave up 0.16 + 0.2 = 0.36, all at ask;
    hurdles 0.8 + 0.24 + 0.12 = 1.16; help is reached by 0.12."""
    e = journey_effort(_analysis(BOUNDED_RETRIES, per_hurdle=0.2, after_repeat=2.0), "h2")
    assert e.outcomes["resolved"] == pytest.approx(0.52, abs=1e-12)
    assert e.outcomes["unresolved"] == pytest.approx(0.12, abs=1e-12)
    assert e.give_up == pytest.approx(0.36, abs=1e-12)
    assert e.expected_hurdles == pytest.approx(1.16, abs=1e-12)
    assert {s.step: s.give_up for s in e.jump_ship} == pytest.approx({"ask": 0.36}, abs=1e-12)
    assert _step(e, "help").reach == pytest.approx(0.12, abs=1e-12)


ASSUMED_LOOP = """
journey: h3
entry: menu
nodes:
  menu:
    type: menu
    options: {"1": done, "2": desk}
    no_input: menu
  desk: {type: agent, next: done}
  done: {type: end}
"""


def test_assumed_shares_and_an_unbounded_loop() -> None:
    """No shares: no_input (a failure route) takes error_share 0.1, "1" and "2" split
    the rest: 0.45 each. p = 0.1. No max_retries, so the loop is geometric.
    Visits V of the menu: V = 0.9 (entry passed) + V x 0.1 x 0.9 (retry passed)
    -> V = 90/91. Gave up = 0.1 + V x 0.1 x 0.1 = 10/91; resolved = 0.9 V = 81/91;
    desk reached by 0.45 V = 81/182 (its 0 hurdles: nobody gives up there);
    hurdles = 0.9 + 0.09 V = 90/91."""
    e = journey_effort(_analysis(ASSUMED_LOOP, per_hurdle=0.1, error_share=0.1), "h3")
    assert e.assumed == ("menu",)
    assert e.give_up == pytest.approx(10 / 91, abs=1e-12)
    assert e.outcomes["resolved"] == pytest.approx(81 / 91, abs=1e-12)
    assert e.reach_person == pytest.approx(81 / 182, abs=1e-12)
    assert e.expected_hurdles == pytest.approx(90 / 91, abs=1e-12)
    assert _step(e, "menu").visits == pytest.approx(90 / 91, abs=1e-12)
    assert _step(e, "menu").reach == 1.0
    assert json.loads(json.dumps(e.to_json()))["assumed"] == ["menu"]


BACK_TO_THE_MENU = """
journey: h4
entry: hello
nodes:
  hello: {type: message, seconds: 5, next: menu}
  menu:
    type: menu
    seconds: 10
    options:
      "1": {to: info, share: 0.5}
      "2": {to: bye, share: 0.5}
  info: {type: message, seconds: 4, next: menu}
  bye: {type: end}
"""


def test_who_reaches_a_step_on_a_loop_is_not_how_often() -> None:
    """p = 0.2; only the menu has a hurdle. Passed menu visits V = 0.8 + 0.5 V x 0.8
    -> V = 4/3. Everyone arrives at the menu (reach 1) though it is arrived at 5/3
    times; info is reached by 0.8 x 0.5 = 0.4 (the first time round) but visited
    0.5 V = 2/3 times. bye: 0.5 V = 2/3; gave up 1/3. Seconds 5 + 10 V + 4 x 0.5 V
    = 21."""
    e = journey_effort(_analysis(BACK_TO_THE_MENU, per_hurdle=0.2), "h4")
    assert _step(e, "menu").reach == pytest.approx(1.0, abs=1e-12)
    assert _step(e, "info").reach == pytest.approx(0.4, abs=1e-12)
    assert _step(e, "info").visits == pytest.approx(2 / 3, abs=1e-12)
    assert e.outcomes["resolved"] == pytest.approx(2 / 3, abs=1e-12)
    assert e.give_up == pytest.approx(1 / 3, abs=1e-12)
    assert e.expected_hurdles == pytest.approx(4 / 3, abs=1e-12)
    assert e.expected_seconds == pytest.approx(21.0, abs=1e-12)


def test_other_journeys_are_followed_and_endless_loops_absorb() -> None:
    """0.3 go into a loop of two messages (no hurdle, so no way out at all: looping);
    0.7 go to the other journey's queue (1 hurdle, p 0.5): 0.35 give up, 0.35 are
    served and resolved."""
    a = _analysis(
        """
        journey: h5
        entry: start
        nodes:
          start:
            type: condition
            branches: {a: {to: spin, share: 0.3}, b: {to: "other:desk", share: 0.7}}
          spin: {type: message, next: spin2}
          spin2: {type: message, next: spin}
        """,
        """
        journey: other
        entry: desk
        nodes:
          desk: {type: queue, wait_estimate: true, callback: true, next: done}
          done: {type: end}
        """,
        per_hurdle=0.5,
    )
    e = journey_effort(a, "h5")
    assert e.outcomes["looping"] == pytest.approx(0.3, abs=1e-12)
    assert e.outcomes["resolved"] == pytest.approx(0.35, abs=1e-12)
    assert e.give_up == pytest.approx(0.35, abs=1e-12)
    assert e.reach_person == pytest.approx(0.35, abs=1e-12)
    assert {s.step: s.reach for s in e.steps} == pytest.approx(
        {"start": 1, "spin": 0.3, "spin2": 0.3, "other:desk": 0.7, "other:done": 0.35}
    )
    assert [s.step for s in e.jump_ship] == ["other:desk"]


def test_the_sample_journeys_add_up() -> None:
    from conftest import JOURNEYS

    from journeymap.reading import load_paths

    run = load_paths([JOURNEYS])
    a = Analysis(build_graph(run.journeys), {j.id: Settings() for j in run.journeys})
    for effort in run_effort(a).values():
        assert sum(effort.outcomes.values()) == pytest.approx(1.0, abs=1e-9)
        assert sum(e.share for e in effort.ends) + effort.give_up == pytest.approx(1.0)
        assert set(effort.outcomes) == set(OUTCOMES)
        json.dumps(effort.to_json())
    order = run_effort(a)["order-support-line"]
    assert order.assumed == ()  # every choice carries a share there


# -- the exact figures against a walk of many customers --------------------------------


SHARE = st.one_of(st.none(), st.sampled_from([0.0, 0.05, 0.1, 0.3, 0.5, 0.7, 1.0]))


def _route(draw: st.DrawFn, target: str) -> Any:
    share = draw(SHARE)
    return target if share is None else {"to": target, "share": share}


@st.composite
def flowing_journeys(draw: st.DrawFn) -> dict[str, Any]:
    """A journey whose steps mostly lead on (with loops back, bounded and unbounded
    retries, queues, transfers and several ends), shares on some routes: the shapes
    the chain must get right."""
    count = draw(st.sampled_from([4, 6, 8, 10, 12]))  # not shrunk towards tiny ones
    ids = [f"s{i}" for i in range(count)]
    ends = ids[-2:]
    teams = {"a": {"tools": ["x"]}, "bot": {"kind": "automated"}}
    nodes: dict[str, Any] = {}
    for i, sid in enumerate(ids):
        if sid in ends:
            nodes[sid] = {"type": "end", "outcome": draw(st.sampled_from(OUTCOME_NAMES))}
            continue
        ahead = st.sampled_from(ids[i + 1 :])
        anywhere = st.sampled_from(ids)
        target = st.one_of(ahead, ahead, anywhere)
        kind = draw(st.sampled_from(FLOW_TYPES))
        step: dict[str, Any] = {"type": kind, "team": draw(st.sampled_from(["a", "bot"]))}
        if draw(st.booleans()):
            step["say"] = " ".join(["word"] * draw(st.integers(1, 80)))
        elif draw(st.booleans()):
            step["seconds"] = draw(st.sampled_from([0, 3, 30]))
        if kind == "menu":
            keys = draw(
                st.lists(st.sampled_from(list("0123")), min_size=1, max_size=3, unique=True)
            )
            step["options"] = {k: _route(draw, draw(target)) for k in keys}
        if kind in ("menu", "input"):
            if kind == "input":
                step["next"] = _route(draw, draw(target))
                step["collects"] = ["x"] * draw(st.integers(0, 2))
            shape = draw(st.sampled_from(["bounded", "bounded", "loop", "elsewhere", "none"]))
            if shape != "none":
                step["no_match"] = _route(draw, draw(anywhere) if shape == "elsewhere" else sid)
            if draw(st.booleans()):
                step["no_input"] = _route(draw, sid if draw(st.booleans()) else draw(anywhere))
            if shape == "bounded":
                step["max_retries"] = draw(st.integers(0, 3))
                step["on_fail"] = _route(draw, draw(anywhere))
            elif draw(st.booleans()):
                step["on_fail"] = _route(draw, draw(anywhere))
        if kind in ("message", "queue", "agent", "self_service") and draw(st.integers(0, 9)):
            step["next"] = _route(draw, draw(target))
        if kind == "queue":
            step["wait_estimate"] = draw(st.booleans())
            step["callback"] = draw(st.booleans())
            if draw(st.booleans()):
                step["on_timeout"] = _route(draw, draw(anywhere))
        if kind == "self_service" and draw(st.booleans()):
            step["on_error"] = _route(draw, draw(anywhere))
        if kind == "agent" and draw(st.booleans()):
            step["transfers"] = [
                {"to": draw(anywhere), "context": draw(st.sampled_from(["warm", "cold"]))}
            ]
        if kind == "condition":
            step["branches"] = {
                f"b{k}": _route(draw, draw(target)) for k in range(draw(st.integers(1, 3)))
            }
        if draw(st.integers(0, 4)) == 0:
            step["tags"] = ["promo"]
        nodes[sid] = step
    entries = draw(st.lists(st.sampled_from(ids[:3]), min_size=1, max_size=2, unique=True))
    return {"journey": "gen", "entry": entries, "teams": teams, "nodes": nodes}


OUTCOME_NAMES = ["resolved", "unresolved", "abandoned", "disconnected"]
FLOW_TYPES = ["message", "menu", "menu", "input", "queue", "agent", "self_service", "condition"]


@st.composite
def shared_journeys(draw: st.DrawFn) -> dict[str, Any]:
    """A generated journey of test_properties with shares on some of its routes."""
    data = draw(journeys())
    for step in data["nodes"].values():
        for key in ("next", "no_input", "no_match", "on_fail"):
            if key in step and isinstance(step[key], str):
                step[key] = _route(draw, step[key])
        for group in ("options", "branches"):
            for choice, target in list(step.get(group, {}).items()):
                step[group][choice] = _route(draw, target)
    return data


CUSTOMERS = 3000


def _close(exact: float, simulated: float, sd: float | None = None) -> bool:
    """Within 5 standard errors (a proportion's when ``sd`` is None) plus 1e-9."""
    if sd is None:
        sd = math.sqrt(max(exact * (1 - exact), 1 / CUSTOMERS))
    return abs(exact - simulated) <= 5 * sd / math.sqrt(CUSTOMERS) + 1e-9


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    st.one_of(flowing_journeys(), flowing_journeys(), flowing_journeys(), shared_journeys()),
    st.sampled_from([0.0, 0.02, 0.1, 0.3]),
    st.sampled_from([1.0, 2.0]),
    st.sampled_from([0.05, 0.2]),
)
def test_exact_figures_agree_with_a_seeded_simulation(
    data: dict[str, Any], per_hurdle: float, after_repeat: float, error_share: float
) -> None:
    """Tolerance: 5 standard errors of the simulated mean (3000 customers): about
    0.046 at most for a probability, 5 sample standard deviations / sqrt(3000) for
    hurdles and seconds."""
    loaded = _load(data)
    chosen = Settings().merged(
        {
            "patience": {
                "per_hurdle": per_hurdle,
                "after_repeat": after_repeat,
                "error_share": error_share,
            }
        }
    )
    a = Analysis(build_graph([loaded]), {"gen": chosen})
    exact = journey_effort(a, "gen")
    nodes = sorted(a.graph)
    groups = [nodes[::2], nodes[1::3]]
    sim = simulate(a, "gen", customers=CUSTOMERS, seed=11, watch=groups)
    assert sum(exact.outcomes.values()) == pytest.approx(1.0, abs=1e-9)
    for outcome in OUTCOMES:
        assert _close(exact.outcomes[outcome], sim.outcomes[outcome]), outcome
    assert _close(exact.reach_person, sim.reach_person)
    assert _close(exact.expected_hurdles, sim.expected_hurdles, sim.hurdles_sd)
    assert _close(exact.expected_seconds, sim.expected_seconds, sim.seconds_sd)
    chain = build_chain(a, a.journey_entries["gen"])
    for node in set(chain.reach) | set(sim.reach):
        assert _close(chain.reach.get(node, 0.0), sim.reach.get(node, 0.0)), node
    for step in exact.steps:
        assert _close(step.give_up, sim.give_up_at.get(f"gen:{step.step}", 0.0)), step.step
    for group, simulated in zip(groups, sim.reach_any, strict=True):
        assert _close(reach_any(a, "gen", group), simulated), group


def test_patience_is_read_from_the_settings_files(tmp_path: Any) -> None:
    from journeymap.config import load_config

    yaml_file = tmp_path / ".journeymap.yaml"
    yaml_file.write_text("patience:\n  per_hurdle: 0.05\n  after_repeat: 2\n")
    found, problems = load_config(yaml_file)
    assert problems == [] and found is not None
    assert (found.patience.per_hurdle, found.patience.after_repeat) == (0.05, 2.0)
    assert found.patience.error_share == 0.05  # the rest keep their defaults
    toml_file = tmp_path / "pyproject.toml"
    toml_file.write_text("[tool.journeymap.patience]\nper-hurdle = 0.1\n")
    found, problems = load_config(toml_file)
    assert problems == [] and found is not None and found.patience.per_hurdle == 0.1
    yaml_file.write_text("patience:\n  per_hurdel: 2\n")
    _, problems = load_config(yaml_file)
    assert "per_hurdle" in str(problems[0])  # the nearest valid key is suggested


def test_a_huge_max_retries_expands_to_a_bounded_chain() -> None:
    from journeymap.traffic.expected import RETRY_CAP

    loaded = journey_of(
        """
        journey: j
        entry: m
        nodes:
          m: {type: menu, options: {"1": bye}, no_match: m, max_retries: 100000, on_fail: desk}
          desk: {type: agent, next: bye}
          bye: {type: end}
        """
    )
    a = Analysis(build_graph([loaded]), {"j": Settings()})
    chain = build_chain(a, ["j:m"])
    assert len(chain.states) <= RETRY_CAP + 3
    assert journey_effort(a, "j").outcomes["resolved"] > 0.9
