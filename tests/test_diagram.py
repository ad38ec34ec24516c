"""Diagrams: real renders with the real `dot`, checked by parsing the SVG."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from conftest import JOURNEYS, journey_of
from typer.testing import CliRunner

import journeymap
from journeymap.cli import app
from journeymap.diagram import describe, diagram_source, element_id, render

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
runner = CliRunner()


def _sample(name: str) -> tuple[journeymap.LoadedJourney, journeymap.findings.JourneyAudit]:
    loaded = journeymap.load_paths([JOURNEYS])
    result = journeymap.audit_journeys(loaded.journeys)
    index = [j.id for j in loaded.journeys].index(name)
    return loaded.journeys[index], result.journeys[index]


def _svg(source: str) -> ET.Element:
    return ET.fromstring(render(source, "svg"))


def test_every_step_and_finding_is_in_the_svg_with_tooltips() -> None:
    loaded, audit = _sample("broadband-tech-support")
    source, engine = diagram_source(loaded, audit)
    assert engine == "dot"
    root = _svg(source)
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    for step in loaded.journey.nodes:
        assert element_id("step", loaded.id, step) in ids
    titles = [el.get(f"{XLINK}title") or "" for el in root.iter(f"{SVG}a")]
    for finding in audit.findings:
        badge = element_id("finding", loaded.id, finding.fingerprint)
        assert f"a_{badge}" in ids  # Graphviz prefixes the ids of table cells with links
        assert any(t.startswith(f"{finding.rule} {finding.name}: ") for t in titles)
    loop = next(f for f in audit.findings if f.name == "endless-loop")
    node = root.find(f".//{SVG}g[@id='{element_id('step', loaded.id, loop.node)}']")
    assert node is not None
    outline = node.find(f".//{SVG}polygon")
    assert outline is not None and outline.get("stroke") == "#202124"  # critical: near black
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    for number, finding in enumerate(audit.findings, 1):  # numbered callouts, listed
        assert f"{number} · {finding.rule}" in texts
        assert any(t.startswith(f"{finding.rule} {finding.name}") for t in texts)


def test_ends_sit_in_the_lane_that_says_them_and_the_teams_view_counts_every_step() -> None:
    from journeymap.diagram import describe

    loaded, audit = _sample("broadband-tech-support")
    diagram = describe(loaded, audit)
    lane = {m: c.key for c in diagram.clusters for m in c.members}
    ends = [s for s, step in loaded.journey.nodes.items() if step.type == "end"]
    assert ends and all(lane.get(e) for e in ends)  # each goodbye in its lane
    teams = describe(loaded, audit, "teams")
    counted = sum(int(n.lines[0].split()[0]) for n in teams.nodes if n.kind == "team")
    assert counted == len(loaded.journey.nodes)


def test_routes_carry_keys_and_secondary_routes_are_dashed() -> None:
    loaded, audit = _sample("power-outage-line")
    source, _ = diagram_source(loaded, audit)
    root = _svg(source)
    edges = {el.get("id"): el for el in root.iter(f"{SVG}g") if el.get("class") == "edge"}
    first = edges[element_id("route", loaded.id, "main_menu", "0")]
    assert [t.text for t in first.iter(f"{SVG}text")] == ["1"]
    retry = edges[element_id("route", loaded.id, "main_menu", "4")]
    path = retry.find(f".//{SVG}path")
    assert path is not None and path.get("stroke-dasharray")


def test_teams_view_shows_handoffs_between_teams() -> None:
    loaded, audit = _sample("claims-handoff-chain")
    diagram = describe(loaded, audit, "teams")
    assert {n.key for n in diagram.nodes} >= {"intake", "underwriting", "billing", "bodyshop"}
    handoffs = {(e.source, e.target): e.label for e in diagram.edges}
    assert handoffs[("intake", "underwriting")] == "1 route (1 cold)"
    assert handoffs[("billing", "underwriting")] == "1 route (1 cold)"
    _svg(diagram_source(loaded, audit, "teams")[0])


def test_focus_view_keeps_only_findings_and_context() -> None:
    loaded, audit = _sample("broadband-tech-support")
    diagram = describe(loaded, audit, "focus", rules=["endless-loop"])
    keys = {n.key for n in diagram.nodes if n.kind != "connector"}
    loop = {"check_cables", "cables_result", "wifi_tips", "wifi_result"}
    assert loop <= keys
    assert "billing_agent" not in keys
    assert all(b.rule == "JM101" for n in diagram.nodes for b in n.badges)
    context = {n.key for n in diagram.nodes if n.context}
    assert not context & loop


def test_journey_text_is_escaped_everywhere() -> None:
    text = """
    journey: esc
    title: 'Tricky <b>"title"</b> & co'
    entry: m
    teams: {t: {name: 'Team <script>'}}
    nodes:
      m:
        type: menu
        team: t
        say: '<script>alert("x")</script> \\ back\\slash & 日本語 Ελληνικά'
        options: {"<1>": {to: e, label: 'a "label" \\n <b>'}}
      e: {type: end}
    """
    loaded = journey_of(text)
    audit = journeymap.audit_journeys([loaded]).journeys[0]
    for view in ("full", "teams", "focus"):
        source, _ = diagram_source(loaded, audit, view)
        root = _svg(source)  # parses: nothing broke out of its quoting
        assert root.find(f".//{SVG}script") is None
        assert root.find(f".//{SVG}b") is None
    root = _svg(diagram_source(loaded, audit)[0])
    texts = " ".join(t.text or "" for t in root.iter())
    tooltips = " ".join(a.get(f"{XLINK}title") or "" for a in root.iter(f"{SVG}a"))
    assert '<script>alert("x")' in texts
    assert '<script>alert("x")</script> \\ back\\slash & 日本語 Ελληνικά' in tooltips


def test_dot_source_is_deterministic_across_hash_seeds() -> None:
    import subprocess
    import sys

    code = (
        "import journeymap; from journeymap.diagram import diagram_source;"
        "l = journeymap.load_paths(['journeys']); r = journeymap.audit_journeys(l.journeys);"
        "print(''.join(diagram_source(j, a, v)[0] for j, a in zip(l.journeys, r.journeys)"
        " for v in ('full', 'teams', 'focus')))"
    )
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=JOURNEYS.parent,
            env=env,
        )
        outputs.add(proc.stdout)
    assert len(outputs) == 1


def test_render_command_writes_one_file_per_journey(tmp_path: Path) -> None:
    result = runner.invoke(app, ["render", str(JOURNEYS), "-o", str(tmp_path), "--view", "teams"])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(f"{p.stem}.teams.svg" for p in JOURNEYS.glob("*.yaml"))
    single = tmp_path / "one.png"
    result = runner.invoke(
        app, ["render", str(JOURNEYS / "power-outage-line.yaml"), "-f", "png", "-o", str(single)]
    )
    assert result.exit_code == 0 and single.read_bytes().startswith(b"\x89PNG")


def test_render_never_overwrites_an_input(tmp_path: Path) -> None:
    journey = tmp_path / "j.yaml"
    journey.write_text("journey: j\nentry: a\nnodes:\n  a: {type: end}\n")
    before = journey.read_text()
    result = runner.invoke(app, ["render", str(journey), "-f", "dot", "-o", str(tmp_path)])
    assert result.exit_code == 0
    result = runner.invoke(
        app, ["render", str(journey), "-f", "svg", "-o", str(tmp_path / "j.svg")]
    )
    assert result.exit_code == 0
    bad = tmp_path / "j.dot"
    bad.unlink()
    os.symlink(journey, bad)
    result = runner.invoke(app, ["render", str(journey), "-f", "dot", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "is one of the inputs of this run" in result.stderr
    assert journey.read_text() == before


def test_missing_graphviz_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` here
    journey = JOURNEYS / "power-outage-line.yaml"
    result = runner.invoke(app, ["render", str(journey), "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "Graphviz's `dot` program is not installed" in result.stderr
    assert "`--format dot` works without it" in result.stderr
    result = runner.invoke(app, ["render", str(journey), "-f", "dot", "-o", str(tmp_path)])
    assert result.exit_code == 0
    assert (tmp_path / "power-outage-line.dot").read_text().startswith("digraph")


def test_large_journeys_are_drawn_in_their_large_form() -> None:
    from journeymap.diagram import LARGE
    from tests.benchmarks.generate import generate

    loaded, problems = journeymap.load_text(generate(LARGE + 100), "big.yaml")
    assert loaded is not None, problems
    audit = journeymap.audit_journeys([loaded]).journeys[0]
    source, _ = diagram_source(loaded, audit)
    assert "splines=line" in source and "cluster_" not in source
    small, _ = diagram_source(*_sample("claims-handoff-chain"))
    assert "splines=line" not in small and 'subgraph "cluster_' in small


def test_graphviz_is_stopped_after_the_timeout() -> None:
    from journeymap.diagram import RenderError

    chain = "digraph{" + ";".join(f"n{i}->n{i + 1}" for i in range(20000)) + "}"
    with pytest.raises(RenderError, match=r"took longer than 0\.5 s"):
        render(chain, "svg", timeout=0.5)


def test_default_output_never_replaces_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    journey = JOURNEYS / "power-outage-line.yaml"
    result = runner.invoke(app, ["render", str(journey), "-f", "dot"])
    assert result.exit_code == 0
    first = (tmp_path / "power-outage-line.dot").read_text()
    (tmp_path / "power-outage-line.dot").write_text("mine")
    result = runner.invoke(app, ["render", str(journey), "-f", "dot"])
    assert result.exit_code == 2 and "exists already" in result.stderr
    assert (tmp_path / "power-outage-line.dot").read_text() == "mine"
    result = runner.invoke(app, ["render", str(journey), "-f", "dot", "-o", "."])
    assert result.exit_code == 0
    assert (tmp_path / "power-outage-line.dot").read_text() == first


def test_any_valid_journey_renders_whatever_its_text(tmp_path: Path) -> None:
    """Control characters in prompts and a team id ending in a backslash still give
    valid DOT and a well-formed SVG from the real Graphviz."""
    from xml.etree import ElementTree

    from conftest import journey_of

    from journeymap.diagram import diagram_source, render
    from journeymap.engine import audit_journeys

    text = (
        "journey: x\n"
        "entry: a\n"
        'teams: {"ops\\\\": {kind: automated}, "q\\"t": {}}\n'
        "nodes:\n"
        '  a: {type: message, team: "ops\\\\", say: "esc \\e[2J bad \\uFFFE \\x01 end", next: b}\n'
        '  b: {type: queue, team: "q\\"t", next: c}\n'
        '  c: {type: agent, team: "q\\"t", next: d}\n'
        "  d: {type: end}\n"
    )
    loaded = journey_of(text)
    audit = audit_journeys([loaded]).journeys[0]
    for view in ("full", "teams"):
        source, engine = diagram_source(loaded, audit, view)
        svg = render(source, "svg", engine)
        root = ElementTree.fromstring(svg)  # well-formed XML
        assert root.tag.endswith("svg") and b"\x1b" not in svg


def _fake_dot(tmp_path: Path, script: str) -> dict[str, str]:
    """An environment whose `dot` is ``script`` (a shell script), for fault tests."""
    import os

    folder = tmp_path / "fakebin"
    folder.mkdir(exist_ok=True)
    dot = folder / "dot"
    dot.write_text("#!/bin/sh\n" + script)
    dot.chmod(0o755)
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}


def _render(tmp_path: Path, env: dict[str, str], *args: str) -> Any:
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "journeymap", "render", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_graphviz_output_is_checked(tmp_path: Path) -> None:
    journey = str(JOURNEYS / "order-support-line.yaml")
    for script, words in (
        ("cat > /dev/null; printf '<svg \\377\\376 junk'\n", "not UTF-8"),
        ("cat > /dev/null\n", "wrote nothing"),
        ("cat > /dev/null; echo 'hello'\n", "did not write SVG"),
    ):
        out = tmp_path / "x.svg"
        run = _render(tmp_path, _fake_dot(tmp_path, script), journey, "-o", str(out))
        assert run.returncode == 2 and words in run.stderr and not out.exists(), run.stderr


def test_a_hanging_graphviz_is_killed_with_its_children(tmp_path: Path) -> None:
    import os
    import time

    marker = tmp_path / "child.pid"
    script = f"sleep 300 & echo $! > {marker}; wait\n"
    run = _render(
        tmp_path,
        _fake_dot(tmp_path, script),
        str(JOURNEYS / "order-support-line.yaml"),
        "-o",
        str(tmp_path / "x.svg"),
        "--timeout",
        "1",
    )
    assert run.returncode == 2 and "longer than 1 s" in run.stderr
    child = int(marker.read_text())
    time.sleep(0.2)
    try:
        os.kill(child, 0)
        alive = Path(f"/proc/{child}/stat").read_text().split()[2] != "Z"
    except (ProcessLookupError, FileNotFoundError):
        alive = False
    assert not alive, "the sleep child of the hanging dot survived"


def test_one_failing_diagram_does_not_stop_the_others(tmp_path: Path) -> None:
    real = __import__("shutil").which("dot")
    # fails on the order line's diagram (whatever the layout), draws the others
    script = (
        'input=$(cat); case "$input" in *order-support-line*) echo "trouble in init_rank" >&2;'
        f' exit 1;; esac; printf "%s" "$input" | {real} "$@"\n'
    )
    out = tmp_path / "out"
    run = _render(tmp_path, _fake_dot(tmp_path, script), str(JOURNEYS), "-o", str(out))
    assert run.returncode == 2 and "trouble in init_rank" in run.stderr
    drawn = sorted(p.name for p in out.iterdir())
    assert "order-support-line.svg" not in drawn
    assert {"broadband-tech-support.svg", "power-outage-line.svg"} <= set(drawn)


def test_a_layout_dot_cannot_do_falls_back_to_a_simpler_one(tmp_path: Path) -> None:
    real = __import__("shutil").which("dot")
    # fails unless asked for the simpler layout (no clusters)
    script = (
        'case "$*" in *clusterrank=none*) exec ' + f"{real}" + ' "$@";; esac;'
        ' cat > /dev/null; echo "trouble in init_rank" >&2; exit 1\n'
    )
    out = tmp_path / "x.svg"
    run = _render(
        tmp_path,
        _fake_dot(tmp_path, script),
        str(JOURNEYS / "order-support-line.yaml"),
        "-o",
        str(out),
    )
    assert run.returncode == 0, run.stderr
    assert out.read_bytes().lstrip().startswith(b"<?xml")
