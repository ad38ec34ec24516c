"""Property-based tests: generated journeys and inputs never break the analyzer."""

from __future__ import annotations

from typing import Any

import networkx as nx
import yaml
from conftest import JOURNEYS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeymap.analysis import Analysis
from journeymap.config import Settings
from journeymap.engine import audit_journeys
from journeymap.graph import build_graph
from journeymap.reading import load_text
from journeymap.reporters import Format, render

TYPES = ["message", "menu", "input", "queue", "agent", "self_service", "condition", "end"]
OUTCOMES = ["resolved", "unresolved", "abandoned", "disconnected"]


@st.composite
def journeys(draw: st.DrawFn) -> dict[str, Any]:
    """A random valid journey: up to 14 steps with random routes between them."""
    count = draw(st.integers(1, 14))
    ids = [f"s{i}" for i in range(count)]
    target = st.sampled_from(ids)
    teams = {"a": {"tools": ["x"]}, "b": {"tools": ["y"]}, "bot": {"kind": "automated"}}
    nodes: dict[str, Any] = {}
    for sid in ids:
        kind = draw(st.sampled_from(TYPES))
        step: dict[str, Any] = {"type": kind, "team": draw(st.sampled_from(["a", "b", "bot"]))}
        if kind in ("message", "input", "queue", "agent", "self_service") and draw(st.booleans()):
            step["next"] = draw(target)
        if kind == "menu":
            keys = draw(st.lists(st.sampled_from(list("0123456789*#")), max_size=7, unique=True))
            step["options"] = {k: draw(target) for k in keys}
        if kind in ("menu", "input"):
            for key in ("no_input", "no_match", "on_fail"):
                if draw(st.booleans()):
                    step[key] = draw(target)
            if draw(st.booleans()):
                step["max_retries"] = draw(st.integers(0, 6))
        if kind in ("input", "agent", "self_service") and draw(st.booleans()):
            step["collects"] = draw(st.lists(st.sampled_from(["acct", "pin", "dob"]), max_size=2))
        if kind == "condition":
            step["branches"] = {f"b{i}": draw(target) for i in range(draw(st.integers(0, 3)))}
        if kind == "agent" and draw(st.booleans()):
            step["transfers"] = [
                {"to": draw(target), "context": draw(st.sampled_from(["warm", "cold"]))}
                for _ in range(draw(st.integers(1, 2)))
            ]
        if kind == "queue":
            step["wait_estimate"] = draw(st.booleans())
            step["callback"] = draw(st.booleans())
        if kind == "end":
            step["outcome"] = draw(st.sampled_from(OUTCOMES))
        if draw(st.booleans()):
            step["tags"] = ["promo"]
        nodes[sid] = step
    entries = draw(st.lists(target, min_size=1, max_size=2, unique=True))
    return {"journey": "gen", "entry": entries, "teams": teams, "nodes": nodes}


def _load(data: dict[str, Any]) -> Any:
    loaded, problems = load_text(yaml.safe_dump(data, sort_keys=False), "gen.yaml")
    assert problems == [], [str(p) for p in problems]
    return loaded


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys())
def test_every_rule_runs_on_any_valid_journey(data: dict[str, Any]) -> None:
    result = audit_journeys([_load(data)])
    steps = set(data["nodes"])
    for finding in result.findings:
        assert finding.node in steps
        assert set(finding.nodes) <= steps
        assert set(finding.path) <= steps
        if finding.path:
            assert finding.path[0] in data["entry"]
    render(result, Format.TEXT)
    render(result, Format.JSON)


@settings(max_examples=100, deadline=None)
@given(journeys())
def test_trap_loops_match_the_definition(data: dict[str, Any]) -> None:
    """Cross-check endless loops against a brute-force reading of the definition."""
    loaded = _load(data)
    graph = build_graph([loaded])
    analysis = Analysis(graph, {"gen": Settings()})
    exits = {n for n in graph if analysis.type(n) in ("queue", "agent", "end", "external")}
    exits |= {n for n in graph if analysis.is_dead_end(n)}
    stuck = {n for n in graph if not (nx.descendants(graph, n) | {n}) & exits}
    in_loops = {n for loop in analysis.trap_loops for n in loop}
    cyclic = {
        n
        for n in stuck
        if graph.has_edge(n, n) or any(n in nx.descendants(graph, s) for s in graph.successors(n))
    }
    # ... and closed: everything a customer can reach from there leads back there
    closed = {n for n in cyclic if nx.descendants(graph, n) <= nx.ancestors(graph, n) | {n}}
    assert in_loops == {n for n in closed if n in stuck}


@settings(max_examples=100, deadline=None)
@given(journeys(), st.randoms(use_true_random=False))
def test_renaming_steps_changes_only_the_names(data: dict[str, Any], rnd: Any) -> None:
    names = list(data["nodes"])
    shuffled = names[:]
    rnd.shuffle(shuffled)
    rename = {old: f"step_{new}" for old, new in zip(names, shuffled, strict=True)}

    def fix(value: Any) -> Any:
        if isinstance(value, str) and value in rename:
            return rename[value]
        if isinstance(value, dict):
            return {
                k: (fix(v) if k not in ("options", "branches") else fix_map(v))
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [fix(v) for v in value]
        return value

    def fix_map(value: dict[str, Any]) -> dict[str, Any]:
        return {k: fix(v) for k, v in value.items()}

    renamed = {
        **data,
        "entry": [rename[e] for e in data["entry"]],
        "nodes": {rename[k]: fix(v) for k, v in data["nodes"].items()},
    }
    before = audit_journeys([_load(data)]).findings
    after = audit_journeys([_load(renamed)]).findings
    assert sorted((f.rule, rename[f.node]) for f in before) == sorted(
        (f.rule, f.node) for f in after
    )


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_raise(raw: bytes) -> None:
    from journeymap.source import decode

    text, problems = decode(raw)
    if text is not None:
        loaded, problems = load_text(text, "x.yaml")
        assert loaded is not None or problems


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_random_text_never_raises(text: str) -> None:
    loaded, problems = load_text(text, "x.yaml")
    assert loaded is not None or problems
    for problem in problems:
        assert problem.line >= 1 and problem.column >= 1


SAMPLE_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(JOURNEYS.glob("*.yaml"))]


@st.composite
def mutated_samples(draw: st.DrawFn) -> str:
    """A sample journey after a few random edits a hurried person might make."""
    text = draw(st.sampled_from(SAMPLE_TEXTS))
    for _ in range(draw(st.integers(1, 4))):
        lines = text.split("\n")
        edit = draw(st.sampled_from(["delete", "insert", "duplicate", "swap", "indent", "char"]))
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        if edit == "delete":
            del lines[i]
        elif edit == "insert":
            lines.insert(i, draw(st.text(max_size=30)))
        elif edit == "duplicate":
            lines.insert(i, lines[j])
        elif edit == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif edit == "indent":
            lines[i] = draw(st.sampled_from(["", " ", "\t", "    "])) + lines[i].lstrip()
        else:
            line = lines[i]
            k = draw(st.integers(0, len(line)))
            lines[i] = (
                line[:k]
                + draw(st.sampled_from([":", "{", "}", "[", "'", '"', "#", "&a", "*a", "-"]))
                + line[k:]
            )
        text = "\n".join(lines)
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_samples())
def test_mutated_samples_never_break_anything(text: str) -> None:
    from journeymap.diagram import describe, to_dot

    loaded, problems = load_text(text, "mutated.yaml")
    assert loaded is not None or problems
    for problem in problems:
        assert problem.line >= 1 and problem.column >= 1 and problem.message
    if loaded is not None and not loaded.cross_references:
        result = audit_journeys([loaded])
        render(result, Format.TEXT)
        for view in ("full", "teams", "focus"):
            to_dot(describe(loaded, result.journeys[0], view))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys())
def test_renderers_never_break_on_valid_journeys(data: dict[str, Any]) -> None:
    from journeymap.diagram import describe, to_dot

    loaded = _load(data)
    result = audit_journeys([loaded])
    for fmt in Format:
        render(result, fmt)
    for view in ("full", "teams", "focus"):
        source = to_dot(describe(loaded, result.journeys[0], view))
        assert source.startswith("digraph")
