"""`journeymap audit --effort/--traffic` and `render --view traffic`, end to end.

The figures themselves are checked in test_effort.py and test_traffic.py; these tests
check that every report shows them, that a bad log gets a located message and the
right exit code, and that the traffic view is drawn by real Graphviz.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import jsonschema
import pytest
from conftest import JOURNEYS, ROOT
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from journeymap.analysis import Analysis
from journeymap.cli import TRAFFIC_FORMATS, app
from journeymap.config import Settings
from journeymap.findings import AuditResult, Finding, JourneyAudit, Metrics, Severity
from journeymap.graph import build_graph
from journeymap.reading import load_paths
from journeymap.recommendations import recommendations
from journeymap.reporters.json_schema import SCHEMA
from journeymap.traffic.expected import journey_effort
from journeymap.traffic.logs import FORMATS

runner = CliRunner()
ORDERS = str(JOURNEYS / "order-support-line.yaml")
LOG = str(JOURNEYS / "traffic" / "order-support-line.csv")
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz")


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_the_log_formats_of_the_cli_are_those_the_reader_knows() -> None:
    assert ("auto", *FORMATS) == TRAFFIC_FORMATS


def test_effort_in_the_text_report_is_the_exact_figure() -> None:
    run_ = load_paths([ORDERS])
    a = Analysis(build_graph(run_.journeys), {"order-support-line": Settings()})
    exact = journey_effort(a, "order-support-line")
    code, out, _ = run("audit", ORDERS, "--effort")
    assert code == 0
    assert "expected effort (shares from the design):" in out
    assert f"  {exact.expected_hurdles:.3g} hurdles and {exact.expected_seconds:.0f} s" in out
    top = exact.jump_ship[0]
    assert f"where they give up: {top.step} {top.give_up * 100:.1f}%" in out
    plain = run("audit", ORDERS)[1]
    assert "expected effort" not in plain  # only when asked: it costs a linear solve


def test_assumed_shares_are_said() -> None:
    code, out, _ = run("audit", str(JOURNEYS / "power-outage-line.yaml"), "--effort")
    assert code in (0, 1)
    assert "equal shares assumed at" in out


def test_a_traffic_audit_in_json_matches_the_schema_and_counts_customers() -> None:
    code, out, err = run("audit", str(JOURNEYS), "--traffic", LOG, "-f", "json")
    assert code == 1, err  # the samples have high findings
    document = json.loads(out)
    jsonschema.validate(document, SCHEMA)
    effort = document["effort"]
    assert effort["traffic"]["contacts"] == 1000
    assert set(effort["observed"]) == {"order-support-line"}
    assert effort["observed"]["order-support-line"]["source"] == "observed"
    assert effort["design"]["harbor-bank-phone-banking"]["source"] == "design"
    found = {f["rule"] for j in document["journeys"] for f in j["findings"]}
    assert set(effort["customers_by_rule"]) == found
    # repeated-info sits at `orders_agent` and `reschedule`: most of the 1,000 callers
    assert 500 < effort["customers_by_rule"]["JM304"] <= 1000
    again = run("audit", str(JOURNEYS), "--traffic", LOG, "-f", "json")[1]
    assert again == out  # byte-identical


def test_markdown_shows_the_ranking_and_stays_inert() -> None:
    code, out, _ = run("audit", ORDERS, "--traffic", LOG, "-f", "markdown")
    assert code == 0
    assert "### Where customers jump ship" in out
    assert "| step | give up there | reach it | observed abandonment |" in out
    assert "traffic log" in out and "1,000 contacts" in out
    rendered = MarkdownIt("commonmark").enable("table").render(out)
    assert "<table>" in rendered and "<script" not in rendered


@needs_dot
def test_html_ranks_fixes_by_customers_and_draws_the_traffic_view(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code, _, err = run("audit", str(JOURNEYS), "--traffic", LOG, "-f", "html", "-o", str(target))
    assert code == 1, err  # the samples have high findings
    page = target.read_text(encoding="utf-8")
    assert "customers affected" in page
    # the most customers first: repeated-info reaches most of the log's 1,000 callers
    recs = page.split('<table class="recs">', 1)[1].split("</table>", 1)[0]
    assert "JM304" in recs.split("</tr>")[1]
    assert 'class="traffic-box' in page and "<svg" in page
    assert "Where customers jump ship" in page and "Expected effort" in page
    without = tmp_path / "plain.html"
    run("audit", ORDERS, "-f", "html", "-o", str(without))
    plain = without.read_text(encoding="utf-8")
    assert "customers affected" not in plain and "traffic-box-" not in plain


@needs_dot
def test_render_the_traffic_view(tmp_path: Path) -> None:
    # without a log the view shows the expected figures
    code, _, err = run("render", ORDERS, "--view", "traffic", "-f", "dot", "-o", str(tmp_path))
    assert code == 0, err
    dot = (tmp_path / "order-support-line.traffic.dot").read_text(encoding="utf-8")
    assert "penwidth=8.0" in dot and "(design;" in dot
    code, _, err = run(
        "render", ORDERS, "--view", "traffic", "--traffic", LOG, "-o", str(tmp_path / "svg")
    )
    assert code == 0, err
    svg = (tmp_path / "svg" / "order-support-line.traffic.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "observed" in svg


def test_render_refuses_what_it_cannot_draw(tmp_path: Path) -> None:
    code, _, err = run("render", ORDERS, "--view", "traffic", "-f", "mermaid", "-o", str(tmp_path))
    assert code == 2 and "drawn by Graphviz" in err
    code, _, err = run("render", ORDERS, "--traffic", LOG, "-o", str(tmp_path))
    assert code == 2 and "--view traffic" in err


def test_a_missing_or_empty_log_is_an_input_error(tmp_path: Path) -> None:
    code, _, err = run("audit", ORDERS, "--traffic", str(tmp_path / "nope.csv"))
    assert code == 2 and "not a regular file" in err
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    code, _, err = run("audit", ORDERS, "--traffic", str(empty))
    assert code == 2 and "the log is empty" in err and "no row of the log" in err
    folder = tmp_path / "folder"
    folder.mkdir()
    assert run("audit", ORDERS, "--traffic", str(folder))[0] == 2


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_log_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "log.csv"
    os.mkfifo(fifo)
    done: list[int] = []
    worker = threading.Thread(
        target=lambda: done.append(run("audit", ORDERS, "--traffic", str(fifo))[0]), daemon=True
    )
    worker.start()
    worker.join(60)  # a generous bound; a hang would never finish
    assert done == [2]


def test_bad_rows_are_located_and_the_audit_goes_on(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(
        "contact_id,step,timestamp\n"
        "c1,greeting,2026-01-01T10:00:00Z\n"
        "c1,order_menu,2026-01-01T10:00:03Z\n"
        "c1,no_such_step,2026-01-01T10:00:09Z\n"
        "c2,greeting,not a time\n"
        "c2,order_menu,2026-01-01T10:01:00Z\n",
        encoding="utf-8",
    )
    code, out, err = run("audit", ORDERS, "--traffic", str(log))
    assert code == 0
    assert f"{log}:4:4:" in err and "no_such_step" in err
    assert f"{log}:5:" in err and "(traffic log)" in err
    assert "observed in the log" in out and "block not in the design" in out


def test_recommendations_rank_by_customers_when_a_log_is_known() -> None:
    def finding(rule: str, severity: Severity) -> Finding:
        return Finding(rule, rule.lower(), severity, "m", "j", "step", (), (), "j.yaml", 1, 1)

    metrics = Metrics(1, 0, 0, 0, 0, 0, None, (), None, (), None, None, False, 0)

    result = AuditResult(
        (
            JourneyAudit(
                journey="j",
                title=None,
                file="j.yaml",
                metrics=metrics,
                findings=(finding("JM101", Severity.CRITICAL), finding("JM305", Severity.LOW)),
            ),
        )
    )
    assert [r.rule for r in recommendations(result)] == ["JM101", "JM305"]
    ranked = recommendations(result, {"JM101": 10.0, "JM305": 900.0})
    assert [(r.rule, r.customers) for r in ranked] == [("JM305", 900.0), ("JM101", 10.0)]


def test_the_sample_log_is_documented_as_generated() -> None:
    head = Path(LOG).read_text(encoding="utf-8").splitlines()[0]
    assert head.startswith("# A GENERATED contact log")
    assert "generated" in (ROOT / "journeys" / "traffic" / "README.md").read_text().lower()


HOSTILE = {
    "deep.jsonl": '{"ContactId": ' + "[" * 100_000 + "]" * 100_000 + "}\n",
    "digits.jsonl": '{"ContactId": "a", "Identifier": "b", "Timestamp": ' + "9" * 5000 + "}\n",
    "twilio-deep.json": '{"steps": ' + "[" * 100_000 + "]" * 100_000 + "}\n",
    "times.csv": "contact_id,step,timestamp\n"
    + "c1,greeting,nan\nc1,order_menu,inf\nc2,greeting,"
    + "1" * 400
    + "\nc2,order_menu,1e308\n",
    "field.csv": "contact_id,step,timestamp\nc1," + "x" * 200_000 + ",2026-01-01T10:00:00Z\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_logs_get_a_located_message_not_a_traceback(tmp_path: Path, name: str) -> None:
    log = tmp_path / name
    log.write_text(HOSTILE[name], encoding="utf-8")
    result = runner.invoke(app, ["audit", ORDERS, "--traffic", str(log), "-f", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 2
    assert f"{log}:" in result.stderr and "(traffic log)" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr) < 5000


def test_timestamps_a_calendar_cannot_hold_are_refused() -> None:
    from journeymap.traffic.logs import parse_time

    for bad in ("nan", "inf", "1e308", "1" * 400, float("nan"), float("inf"), 1e308, -1e20):
        assert parse_time(bad) is None, bad
    assert parse_time("9999-12-31T23:59:59Z") == 253_402_300_799.0


def test_control_characters_in_a_log_are_shown_escaped(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(
        "contact_id,step,timestamp\n"
        "c1,greeting,2026-01-01T10:00:00Z\n"
        "c1,\x1b[2Jevil\u202e,2026-01-01T10:00:01Z\n",
        encoding="utf-8",
    )
    code, out, err = run("audit", ORDERS, "--traffic", str(log))
    assert code == 0
    assert "\x1b" not in err + out and "\u202e" not in err + out
    assert "\\x1b[2Jevil" in err


def test_the_log_is_never_overwritten(tmp_path: Path) -> None:
    log = tmp_path / "order-support-line.traffic.svg"  # named like the drawing
    log.write_bytes(Path(LOG).read_bytes())
    code, _, err = run("audit", ORDERS, "--traffic", str(log), "-o", str(log))
    assert code == 2 and "never overwritten" in err
    code, _, err = run(
        "render", ORDERS, "--view", "traffic", "--traffic", str(log), "-o", str(tmp_path)
    )
    assert code == 2 and "never overwritten" in err
    assert log.read_bytes() == Path(LOG).read_bytes()


def test_shares_off_the_design_and_time_spent_are_reported(tmp_path: Path) -> None:
    journey = tmp_path / "line.yaml"
    journey.write_text(
        "journey: line\nentry: menu\nnodes:\n"
        "  menu: {type: menu, options: {'1': {to: pay, share: 0.5}, '2': {to: bye, share: 0.5}}}\n"
        "  pay: {type: self_service, next: bye}\n"
        "  bye: {type: end}\n",
        encoding="utf-8",
    )
    rows = ["contact_id,step,timestamp"]
    for n in range(100):  # 90 of 100 press 1: far off the design's half, beyond chance
        second = "pay" if n < 90 else "bye"
        rows += [f"c{n},menu,{1000 + 60 * n}", f"c{n},{second},{1030 + 60 * n}"]
        if second == "pay":
            rows.append(f"c{n},bye,{1032 + 60 * n}")
    log = tmp_path / "log.csv"
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, out, err = run("audit", str(journey), "--traffic", str(log))
    assert code == 0, err
    assert "share off the design: menu -> pay (1): 90% observed, 50% in the design" in out
    assert "share off the design: menu -> bye (2): 10% observed, 50% in the design" in out
    assert "most time spent at: menu 30 s, pay 2 s" in out
    # a log that follows the design's shares is not called off it
    even = [r for r in rows if not r.startswith(tuple(f"c{n}," for n in range(10, 90)))]
    log.write_text("\n".join(even) + "\n", encoding="utf-8")
    assert "off the design" not in run("audit", str(journey), "--traffic", str(log))[1]


@pytest.mark.parametrize("fmt", ["sarif", "github", "gitlab", "junit"])
def test_formats_without_effort_figures_say_so(fmt: str) -> None:
    code, out, err = run("audit", ORDERS, "--traffic", LOG, "-f", fmt)
    assert code == 2 and "not in " + fmt in err and out == ""
