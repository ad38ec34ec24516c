"""The command line, end to end: exit codes, messages, files written."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import JOURNEYS, ROOT
from typer.testing import CliRunner

from journeymap import __version__
from journeymap.cli import app

runner = CliRunner()

GOOD = "journey: demo\nentry: a\nnodes:\n  a: {type: end}\n"
RISKY = (
    "journey: risky\nentry: m\nnodes:\n"
    "  m: {type: menu, options: {'1': e}, no_input: m}\n"
    "  e: {type: end}\n"
)


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    assert run("--version") == (0, f"journeymap {__version__}\n", "")


def test_help_lists_commands() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for command in ("validate", "audit", "rules", "explain", "schema", "init"):
        assert command in out


def test_validate_ok_and_bad(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(GOOD)
    assert run("validate", str(good)) == (0, f"{good}: OK (journey `demo`, 1 step)\n", "")
    bad = tmp_path / "bad.yaml"
    bad.write_text("journey: demo\nentry: a\nnodes:\n  a: {type: end, outcom: resolved}\n")
    code, out, err = run("validate", str(tmp_path))
    assert code == 2
    assert out == (
        f"{good}: OK (journey `demo`, 1 step)\n"
        f"{bad}:4:18: step `a`: unknown key `outcom` (did you mean `outcome`?) [unknown-key]\n"
    )
    assert "1 problem in 1 file; 1 of 2 files valid" in err


def test_validate_samples() -> None:
    code, out, _ = run("validate", str(JOURNEYS))
    assert code == 0
    assert out.count(": OK (journey") == len(list(JOURNEYS.glob("*.yaml")))


def test_validate_nothing_found(tmp_path: Path) -> None:
    code, _, err = run("validate", str(tmp_path))
    assert code == 2 and "no journey files" in err


def test_audit_exit_codes(tmp_path: Path) -> None:
    risky = tmp_path / "risky.yaml"
    risky.write_text(RISKY)
    assert run("audit", str(risky))[0] == 1  # unbounded-retry is high
    assert run("audit", str(risky), "--fail-on", "critical")[0] == 0
    assert run("audit", str(risky), "--exit-zero")[0] == 0
    # no person at all behind a question that can be failed: no-human-exit (high) too
    assert run("audit", str(risky), "--ignore", "unbounded-retry,no-human-exit")[0] == 0
    assert run("audit", str(risky), "--select", "JM101,wide-menu")[0] == 0
    code, _, err = run("audit", str(risky), "--select", "endless-lop")
    assert code == 2 and "unknown rule `endless-lop` (did you mean `endless-loop`?)" in err
    broken = tmp_path / "broken.yaml"
    broken.write_text("journey: [\n")
    assert run("audit", str(broken))[0] == 2


def test_audit_text_output(tmp_path: Path) -> None:
    risky = tmp_path / "risky.yaml"
    risky.write_text(RISKY)
    code, out, _ = run("audit", str(risky), "--no-color", "-v")
    assert code == 1
    assert f"{risky}:4:3: high     JM102 unbounded-retry: `no_input` at `m` asks" in out
    assert "    fix:  Set `max_retries`" in out
    assert out.rstrip().endswith("0 silenced")
    assert "\033[" not in out


def test_audit_json_output_to_file(tmp_path: Path) -> None:
    risky = tmp_path / "risky.yaml"
    risky.write_text(RISKY)
    report = tmp_path / "out" / "report.json"
    code, out, err = run("audit", str(risky), "--format", "json", "--output", str(report))
    assert code == 1 and out == "" and f"wrote {report}" in err
    doc = json.loads(report.read_text())
    assert doc["version"] == 1
    finding = doc["journeys"][0]["findings"][0]
    assert {k: finding[k] for k in ("rule", "name", "severity", "node", "line", "column")} == {
        "rule": "JM102",
        "name": "unbounded-retry",
        "severity": "high",
        "node": "m",
        "line": 4,
        "column": 3,
    }
    assert set(finding) >= {"message", "nodes", "path", "file"}


def test_audit_never_overwrites_an_input(tmp_path: Path) -> None:
    risky = tmp_path / "risky.yaml"
    risky.write_text(RISKY)
    code, _, err = run("audit", str(risky), "--output", str(risky))
    assert code == 2 and "is one of the inputs of this run" in err
    assert risky.read_text() == RISKY


def test_config_file_and_journey_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    risky = tmp_path / "risky.yaml"
    risky.write_text(RISKY)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".journeymap.yaml").write_text("fail_on: critical\n")
    assert run("audit", "risky.yaml")[0] == 0
    (tmp_path / ".journeymap.yaml").write_text("fail_on: hihg\n")
    code, _, err = run("audit", "risky.yaml")
    assert code == 2
    assert ".journeymap.yaml:1:10: `fail_on` cannot be `hihg`" in err
    (tmp_path / ".journeymap.yaml").unlink()
    (tmp_path / "pyproject.toml").write_text("[tool.journeymap]\nignore = ['JM102', 'JM202']\n")
    assert run("audit", "risky.yaml")[0] == 0


def test_rules_and_explain() -> None:
    code, out, _ = run("rules")
    assert code == 0 and "JM101  endless-loop" in out and "JM404  siloed-team" in out
    code, out, _ = run("explain", "dead-end")
    assert code == 0
    for heading in ("What it finds:", "Why it matters:", "Example:", "How to fix it:"):
        assert heading in out
    assert run("explain", "JM201")[1] == out
    code, _, err = run("explain", "ded-end")
    assert code == 2 and "did you mean `dead-end`?" in err


def test_schema_is_json_schema() -> None:
    code, out, _ = run("schema")
    schema = json.loads(out)
    assert code == 0 and schema["title"] == "journeymap journey"
    assert set(schema["required"]) == {"journey", "entry", "nodes"}


def test_committed_schema_is_current() -> None:
    assert (JOURNEYS / "journey.schema.json").read_text() == run("schema")[1]


def test_init_writes_a_valid_starter_and_never_overwrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("init", "my-line") == (0, "wrote my-line.yaml\n", "")
    assert run("validate", "my-line.yaml")[0] == 0
    before = (tmp_path / "my-line.yaml").read_text()
    code, _, err = run("init", "my-line")
    assert code == 2 and "exists already" in err
    assert (tmp_path / "my-line.yaml").read_text() == before
    code, _, err = run("init", "bad name")
    assert code == 2 and "is not a journey id" in err


def test_console_script_runs_without_traceback(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.yaml"
    garbage.write_bytes(b"\x00\x01\x02binary")
    proc = subprocess.run(
        [sys.executable, "-m", "journeymap", "validate", str(garbage)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "looks binary" in proc.stdout


def test_output_into_special_files_and_links_in_place(tmp_path: Path) -> None:
    import os
    import stat
    import threading

    journeys = str(JOURNEYS / "harbor-bank-phone-banking.yaml")
    # a FIFO stays a FIFO: the report is written into it
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    code, _, _ = run("audit", journeys, "-o", str(fifo), "--exit-zero")
    reader.join(timeout=30)
    assert code == 0 and stat.S_ISFIFO(os.stat(fifo).st_mode) and b"harbor" in received[0]
    # a link keeps pointing at its file, which gets the report
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    assert run("audit", journeys, "-o", str(link), "--exit-zero")[0] == 0
    assert link.is_symlink() and "harbor" in real.read_text()
    # `-o -` is standard output
    code, out, _ = run("audit", journeys, "-o", "-", "-f", "json", "--exit-zero")
    assert code == 0 and out.startswith("{")
    if os.access("/dev/null", os.W_OK):
        assert run("audit", journeys, "-o", "/dev/null", "--exit-zero")[0] == 0
        assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_output_never_replaces_the_settings_or_baseline_of_the_run(tmp_path: Path) -> None:
    journeys = str(JOURNEYS / "harbor-bank-phone-banking.yaml")
    config = tmp_path / "settings.yaml"
    config.write_text("fail_on: high\n")
    code, _, _ = run("audit", journeys, "--config", str(config), "-o", str(config))
    assert code == 2 and config.read_text() == "fail_on: high\n"
    baseline = tmp_path / "baseline.json"
    assert run("audit", journeys, "--write-baseline", str(baseline), "--exit-zero")[0] in (0, 1)
    before = baseline.read_text()
    code, _, _ = run("audit", journeys, "--baseline", str(baseline), "-o", str(baseline))
    assert code == 2 and baseline.read_text() == before


def test_settings_are_found_in_parent_folders_up_to_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.journeymap]\nignore = ['JM102', 'JM202']\n")
    sub = tmp_path / "journeys"
    sub.mkdir()
    (sub / "risky.yaml").write_text(RISKY)
    monkeypatch.chdir(sub)
    code, _, err = run("audit", "risky.yaml", "-v")
    assert code == 0 and "settings: " in err and "pyproject.toml" in err
    # the repository's root bounds the search: a settings file above it is not used
    inner = tmp_path / "inner"
    (inner / ".git").mkdir(parents=True)
    (inner / "risky.yaml").write_text(RISKY)
    monkeypatch.chdir(inner)
    assert run("audit", "risky.yaml")[0] == 1


def test_no_color_and_force_color(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    risky = tmp_path / "risky.yaml"
    risky.write_text(RISKY)

    def stdout(**env: str) -> str:  # a real process writing to a pipe, not a terminal
        clean = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
        command = [sys.executable, "-m", "journeymap", "audit", str(risky)]
        done = subprocess.run(command, capture_output=True, text=True, env={**clean, **env})
        return done.stdout

    assert "\x1b[" not in stdout()
    assert "\x1b[31m" in stdout(FORCE_COLOR="1")
    assert "\x1b[" not in stdout(FORCE_COLOR="1", NO_COLOR="1")


def test_figures_do_not_depend_on_the_rules_run() -> None:
    chain = str(JOURNEYS / "claims-handoff-chain.yaml")
    import json as _json

    def handoffs(*args: str) -> object:
        out = run("audit", chain, "-f", "json", "--exit-zero", *args)[1]
        return _json.loads(out)["journeys"][0]["metrics"]["handoffs_unbounded"]

    assert handoffs() == handoffs("--ignore", "transfer-loop")


def test_other_yaml_in_a_folder_is_passed_over(tmp_path: Path) -> None:
    workflow = tmp_path / "ci.yml"
    workflow.write_text("name: ci\non: [push]\njobs: {test: {runs-on: ubuntu-latest}}\n")
    (tmp_path / "line.yaml").write_text((JOURNEYS / "order-support-line.yaml").read_text())
    assert run("validate", str(tmp_path))[0] == 0
    code, out, err = run("audit", str(tmp_path), "--format", "json")
    assert code != 2 and "ci.yml" not in out + err
    assert json.loads(out)["problems"] == []
    code, out, err = run("audit", str(tmp_path), "--format", "json", "-v")
    assert "ci.yml: not a journey, passed over" in err
    # named on the command line it is still an error, unless the hook's flag says so
    assert run("validate", str(workflow))[0] == 2
    assert run("validate", str(workflow), "--skip-non-journeys")[0] == 0
    # a broken journey in the folder is still an error
    (tmp_path / "broken.yaml").write_text("journey: x\nentry: a\nnodes: {a: {type: mesage}}\n")
    assert run("validate", str(tmp_path))[0] == 2


def test_help_names_what_each_option_takes_without_python_types() -> None:
    for command in ("validate", "audit", "render", "explain", "init", "import", "diff", "watch"):
        code, out, _ = run(command, "--help")
        assert code == 0
        assert not re.search(r"<[a-z]", out) and "list[" not in out, (command, out)
    render_help = run("render", "--help")[1]
    assert (
        "[svg|png|pdf|dot|mermaid]" in render_help and "[full|teams|focus|traffic]" in render_help
    )


def test_a_typo_in_a_choice_says_what_is_allowed_and_the_nearest() -> None:
    from journeymap.cli import RENDER_FORMATS, RENDER_VIEWS
    from journeymap.diagram.build import VIEWS
    from journeymap.diagram.render import FORMATS

    assert ((*FORMATS, "mermaid"), (*VIEWS, "traffic")) == (RENDER_FORMATS, RENDER_VIEWS)
    cases = {
        ("render", "x.yaml", "-f", "svgg"): "use one of svg, png, pdf, dot, mermaid (did you "
        "mean `svg`?)",
        ("render", "x.yaml", "--view", "team"): "(did you mean `teams`?)",
        ("audit", "x.yaml", "--fail-on", "hihg"): "use one of critical, high, medium, low, info",
        ("audit", "x.yaml", "-f", "jsno"): "(did you mean `json`?)",
        ("diff", "a", "b", "--fail-on", "meduim"): "(did you mean `medium`?)",
    }
    for args, expected in cases.items():
        code, out, err = run(*args)
        assert code == 2 and expected in out + err, (args, out + err)
        assert "Value error" not in out + err


def test_pyproject_settings_errors_point_at_the_key_as_written(tmp_path: Path) -> None:
    (tmp_path / "line.yaml").write_text(GOOD)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\n\n[tool.journeymap]\nfail-on = "hgh"\nmax-hurdle = 3\n'
        "\n[tool.journeymap.weights]\nmenus = 2\n"
    )
    code, out, err = run("audit", str(tmp_path / "line.yaml"), "--config", str(pyproject))
    assert code == 2
    assert (
        f"{pyproject}:5:11: [tool.journeymap] `fail-on` cannot be `hgh`; use one of: critical, "
        "high, medium, low, info (did you mean `high`?) [bad-value]" in out + err
    )
    assert (
        f"{pyproject}:6:1: [tool.journeymap] unknown key `max-hurdle` (did you mean "
        "`max-hurdles`?)" in out + err
    )
    assert f"{pyproject}:9:1: [tool.journeymap] unknown key `menus` (did you mean `menu`?)" in (
        out + err
    )
    assert "Input should be" not in out + err and "Extra inputs" not in out + err
    pyproject.write_text("[tool.journeymap]\nfail-on = hgh\n")
    code, out, err = run("audit", str(tmp_path / "line.yaml"), "--config", str(pyproject))
    assert code == 2 and f"{pyproject}:2:11: this is not valid TOML" in out + err
