"""`journeymap diff`: what a change does to customers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
from conftest import JOURNEYS, ROOT
from typer.testing import CliRunner

import journeymap
from journeymap.cli import app
from journeymap.diff import diff, parse_thresholds
from journeymap.reporters.diff_report import DIFF_SCHEMA, format_json

runner = CliRunner()
BROADBAND = (JOURNEYS / "broadband-tech-support.yaml").read_text()
BILLING_INFO = (
    "  billing_info:\n    type: message\n    team: ivr\n    say: Your bill is online.\n\n"
)


def _pair(tmp_path: Path, old: str, new: str, name: str = "j.yaml") -> tuple[Path, Path]:
    (tmp_path / "old").mkdir(exist_ok=True)
    (tmp_path / "new").mkdir(exist_ok=True)
    before, after = tmp_path / "old" / name, tmp_path / "new" / name
    before.write_text(old)
    after.write_text(new)
    return before, after


def _compare(before: Path, after: Path):  # type: ignore[no-untyped-def]
    return diff(journeymap.load_paths([before]).journeys, journeymap.load_paths([after]).journeys)


def test_a_change_that_adds_a_dead_end(tmp_path: Path) -> None:
    new = BROADBAND.replace(
        '"2": billing_queue\n    no_input: main_menu', '"2": billing_info\n    no_input: main_menu'
    ).replace(
        "  outage_check:",
        BILLING_INFO + "  outage_check:",
    )
    before, after = _pair(tmp_path, BROADBAND, new)
    result = _compare(before, after)
    (change,) = result.journeys
    assert change.status == "changed"
    assert {(f.name, f.node) for f in change.introduced} >= {("dead-end", "billing_info")}
    assert not change.fixed
    assert ("added", "billing_info") in {(s.kind, s.step) for s in change.steps}
    assert any(s.kind == "route-repointed" and s.step == "main_menu" for s in change.steps)
    assert {c.name for c in change.worse} >= {"hurdles"}
    code = runner.invoke(app, ["diff", str(before), str(after)]).exit_code
    assert code == 1  # a critical finding introduced, at or above the default `high`
    assert (
        runner.invoke(app, ["diff", str(before), str(after), "--fail-on", "critical"]).exit_code
        == 1
    )


def test_a_change_that_removes_a_loop(tmp_path: Path) -> None:
    # the cable check gets a way to a person: the trap loop is gone
    new = BROADBAND.replace(
        '"9": check_cables\n', '"9": check_cables\n      "0": billing_queue\n', 1
    )
    before, after = _pair(tmp_path, BROADBAND, new)
    old_loops = [f for f in journeymap.audit([before]).findings if f.name == "endless-loop"]
    assert old_loops
    result = _compare(before, after)
    (change,) = result.journeys
    assert "endless-loop" in {f.name for f in change.fixed}
    assert "endless-loop" not in {f.name for f in change.introduced}
    assert any(c.name == "friction" and c.worse is False for c in change.figures)
    code = runner.invoke(app, ["diff", str(before), str(after)]).exit_code
    assert code == 0


def test_a_renamed_step_is_not_removed_and_added(tmp_path: Path) -> None:
    new = BROADBAND.replace("check_cables", "check_the_cables")
    before, after = _pair(tmp_path, BROADBAND, new)
    (change,) = _compare(before, after).journeys
    assert change.renames == {"check_cables": "check_the_cables"}
    kinds = {(s.kind, s.step) for s in change.steps}
    assert ("renamed", "check_the_cables") in kinds
    assert not {k for k, _ in kinds} & {"added", "removed", "route-repointed"}
    # the loop finding at the renamed step is the same finding: neither fixed nor new
    assert not change.introduced and not change.fixed


def test_a_vendor_export_before_and_after(tmp_path: Path) -> None:
    flow = json.loads((ROOT / "tests" / "vendor" / "connect-support-line.json").read_text())
    changed = json.loads(json.dumps(flow))
    for action in changed["Actions"]:  # the partner transfer's failure now hangs up
        if action["Identifier"] == "partner":
            for error in action["Transitions"].get("Errors", []):
                error["NextAction"] = "bye"
    before, after = _pair(tmp_path, json.dumps(flow), json.dumps(changed), "flow.json")
    (change,) = _compare(before, after).journeys
    assert change.status == "changed"
    assert ("disconnect-on-error", "partner") in {(f.name, f.node) for f in change.introduced}
    assert any(s.kind == "route-repointed" and s.step == "partner" for s in change.steps)
    assert all(f.file.endswith("flow.json") for f in change.introduced)


def _git(repo: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)


def _diff_in(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "journeymap", "diff", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_git_revisions_in_a_scratch_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "journeys").mkdir(parents=True)
    (repo / "journeys" / "line.yaml").write_text(BROADBAND)
    (repo / "notes.md").write_text("not a journey\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "v1")
    (repo / "journeys" / "line.yaml").write_text(BROADBAND.replace("check_cables", "cables"))
    _git(repo, "commit", "-qam", "v2")
    run = _diff_in(repo, "-f", "json", "HEAD~1", "HEAD", "--", "journeys/")
    assert run.returncode == 0, run.stderr
    document = json.loads(run.stdout)
    (change,) = document["journeys"]
    assert change["renames"] == {"check_cables": "cables"}
    assert change["new_file"] == "HEAD:journeys/line.yaml"
    # the work tree and the index against HEAD
    (repo / "journeys" / "line.yaml").write_text(BROADBAND.replace("Swiftlink", "Swiftlink2"))
    run = _diff_in(repo, "HEAD", ".", "--", "journeys/")
    assert run.returncode == 0 and "1 journey compared" in run.stdout, run.stderr
    _git(repo, "add", "journeys/line.yaml")
    run = _diff_in(repo, "HEAD", ":", "--", "journeys/")
    assert run.returncode == 0 and "1 journey compared" in run.stdout, run.stderr
    assert _diff_in(repo, "nosuchrev", "HEAD", "--", "journeys/").returncode == 2


def test_reports_formats_and_thresholds(tmp_path: Path) -> None:
    new = BROADBAND.replace('"2": billing_queue\n    no_input', '"2": restart_router\n    no_input')
    before, after = _pair(tmp_path, BROADBAND, new)
    result = _compare(before, after)
    jsonschema.validate(json.loads(format_json(result)), DIFF_SCHEMA)
    run = runner.invoke(app, ["diff", str(before), str(after), "-f", "sarif"])
    assert run.exit_code in (0, 1), run.output
    sarif = json.loads(run.stdout)
    found = {r["ruleId"] for r in sarif["runs"][0]["results"]}
    assert found == {f.rule for f in result.introduced}
    worse = {c.name for j in result.journeys for c in j.worse}
    assert "hurdles" in worse
    args = ["diff", str(before), str(after), "--fail-on", "critical"]
    assert runner.invoke(app, [*args, "--fail-on-worse", "hurdles:100"]).exit_code == 0
    assert runner.invoke(app, [*args, "--fail-on-worse", "hurdles:1"]).exit_code == 1
    bad = runner.invoke(app, [*args, "--fail-on-worse", "hurdels:1"])
    assert bad.exit_code == 2 and "unknown figure `hurdels`" in bad.stderr
    assert parse_thresholds("person, friction:10") == {"person": 0.0, "friction": 10.0}


def test_diagram_of_the_new_version_marks_the_change(tmp_path: Path) -> None:
    new = (
        BROADBAND.replace("check_cables", "check_the_cables")
        .replace('"2": billing_queue\n    no_input', '"2": billing_info\n    no_input')
        .replace(
            "  outage_check:",
            BILLING_INFO + "  outage_check:",
        )
        .replace("  outage_end: {type: end, outcome: resolved}\n", "")
    )
    new = new.replace("next: outage_end", "next: fixed")
    before, after = _pair(tmp_path, BROADBAND, new)
    out = tmp_path / "diagrams"
    result = runner.invoke(app, ["diff", str(before), str(after), "--diagram", str(out)])
    assert result.exit_code == 1, result.output
    svg = out / "broadband-tech-support.diff.svg"
    root = ET.fromstring(svg.read_bytes())
    ids = {e.get("id") for e in root.iter()}
    assert "removed-broadband-tech-support-outage_end" in ids  # the ghost of a removed step
    assert "step-broadband-tech-support-billing_info" in ids
    text = svg.read_text()
    assert "#1a73e8" in text and "removed by this change" in text
