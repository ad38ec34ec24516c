"""Compare journeymap with cxlint, Google's Dialogflow CX linter, on exported agents.

Run (from the repository root)::

    python -m tests.benchmarks.cxlint_compare --cxlint ../cxlint-venv/bin/python AGENT_DIR...

cxlint (PyPI ``cxlint``, checked with 1.0.4) lives in its own virtual environment, e.g.::

    python3 -m venv ../cxlint-venv
    ../cxlint-venv/bin/pip install cxlint==1.0.4 rich google-cloud-storage

Its wheel declares no dependencies but imports ``rich`` and ``google.cloud.storage``,
and it has no command line: ``--cxlint`` is the Python of that environment, which
runs ``CxLint().lint_agent(AGENT_DIR)`` and saves its log as plain text. cxlint 1.0.4
crashes (``UnboundLocalError`` on ``res``) in the flow, entity type, webhook and test
case naming checks when no naming convention is configured, so those four are given
the pattern ``.*``, which every name matches: no naming finding is lost.

For each agent this prints Markdown: cxlint's findings by category, journeymap's
findings by rule, and, for cxlint's structural checks (unused, unreachable and
dangling pages, form parameters without no-match/no-input handlers, webhooks without
an error handler), whether journeymap reports the same page. The two tools do not
check the same things: the "related rules" column is the nearest journeymap rule,
not an equivalent. cxlint's log of each agent is saved under ``--raw-dir``.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import journeymap

DRIVER = """
import sys
import cxlint.cxlint as cx

cx.console.width = 1000  # no wrapping of long findings
workaround = {k: ".*" for k in ("flow_name", "entity_type_name", "webhook_name", "test_case_name")}
cx.CxLint(naming_conventions=workaround, output_file=sys.argv[2]).lint_agent(sys.argv[1])
"""
"""Runs in cxlint's Python: lint the agent folder ``argv[1]``, save the log to ``argv[2]``."""

VERSION = "import importlib.metadata as m; print(m.version('cxlint'))"

SECTION_RE = re.compile(r"^#+ Begin (?P<section>.+?) Directory Linter$")
FINDING_RE = re.compile(r"^(?P<code>R\d{3}): (?P<title>.+?) : (?P<rest>.*)$")
NOISE_RE = re.compile(
    r"^(=+ LINTING AGENT =+|\*+ Flow: .*|-+|\d+ .* linted\.|\d+ issues found out of \d+ "
    r"inspected\.|Your Agent .* rated at .*)$"
)
"""cxlint's headers and tallies, which are not findings."""

START_PAGE = "Start"
"""journeymap's name for a flow's start (cxlint says ``Start Page``)."""


@dataclass(frozen=True, order=True)
class CxFinding:
    """One line of cxlint's log: ``R013: Dangling Pages : Flow : Page``."""

    code: str
    title: str
    resource: str
    """``Flow/Page`` or ``Flow`` in the flows section, else ``intent: NAME`` and the like."""
    message: str
    flow: str | None = None
    page: str | None = None

    @property
    def category(self) -> str:
        return f"{self.code} {self.title}"


@dataclass(frozen=True)
class CxRun:
    findings: tuple[CxFinding, ...]
    unparsed: tuple[str, ...]
    error: str | None
    """Why cxlint gave no report (a crash, a timeout), else ``None``."""


@dataclass(frozen=True, order=True)
class JmFinding:
    name: str
    source_ref: str
    message: str


@dataclass(frozen=True)
class JmRun:
    findings: tuple[JmFinding, ...]
    problems: tuple[str, ...]


@dataclass(frozen=True)
class Check:
    """A structural check of cxlint and the journeymap rules nearest to it."""

    codes: tuple[str, ...]
    label: str
    related: tuple[str, ...]
    reverse: tuple[str, ...] = ()
    """Related rules whose pages cxlint did not flag are listed as journeymap-only."""


CHECKS = (
    Check(("R012", "R014"), "unused/unreachable page", ("unreachable",), ("unreachable",)),
    Check(("R013",), "dangling page (no route out)", ("dead-end", "endless-loop"), ("dead-end",)),
    Check(("R017",), "form parameter: no NO_MATCH handler", ("unbounded-retry",)),
    Check(("R018",), "form parameter: no NO_INPUT handler", ("unbounded-retry",)),
    Check(("R011",), "webhook: no webhook.error handler", ()),
)


def slug(agent: Path) -> str:
    """A file name for the agent: its folder and the folder above (``x/agent``)."""
    return "__".join(agent.resolve().parts[-2:])


def cxlint_version(python: str) -> str:
    try:
        done = subprocess.run(
            [python, "-c", VERSION], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unknown ({exc})"
    last = done.stderr.strip().splitlines()[-1:] or ["no output"]
    return done.stdout.strip() or f"unknown ({cell(last[0], 200)})"


def run_cxlint(python: str, agent: Path, raw_dir: Path, timeout: float) -> CxRun:
    """Lint ``agent`` with cxlint; its log (and stderr, if any) is saved in ``raw_dir``."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    name = slug(agent)
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "cxlint.log"
        try:
            done = subprocess.run(
                [python, "-c", DRIVER, str(agent), str(log)],
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return CxRun((), (), f"timed out after {timeout:g} s")
        except OSError as exc:
            return CxRun((), (), f"could not start `{python}`: {exc}")
        text = log.read_text(encoding="utf-8") if log.exists() else ""
    text = "\n".join(line.rstrip() for line in text.splitlines()) + "\n"
    (raw_dir / f"{name}.log").write_text(text, encoding="utf-8")
    stderr = raw_dir / f"{name}.stderr"
    if done.stderr.strip():
        stderr.write_text(done.stderr, encoding="utf-8")
    elif stderr.exists():
        stderr.unlink()
    findings, unparsed = parse_log(text)
    error = None
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1:] or ["(no message)"]
        error = f"exit {done.returncode}: {last[0]}"
    return CxRun(findings, unparsed, error)


def parse_log(text: str) -> tuple[tuple[CxFinding, ...], tuple[str, ...]]:
    """cxlint's findings in its plain-text log, and the lines that fit no known form."""
    section = ""
    findings: list[CxFinding] = []
    unparsed: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or NOISE_RE.match(line):
            continue
        if head := SECTION_RE.match(line):
            section = head["section"]
            continue
        hit = FINDING_RE.match(line)
        if hit is None:
            unparsed.append(line)
            continue
        findings.append(_finding(section, hit["code"], hit["title"], hit["rest"].strip()))
    return tuple(sorted(findings)), tuple(unparsed)


def _finding(section: str, code: str, title: str, rest: str) -> CxFinding:
    parts = [p.strip() for p in rest.split(" : ")]
    if section != "Flows":  # intents, entity types, webhooks, test cases: NAME : details
        kind = section.removesuffix("s").lower()
        return CxFinding(code, title, f"{kind}: {parts[0]}", " : ".join(parts[1:]))
    flow_level = len(parts) == 1 or (len(parts) == 2 and "Flow Display Name" in parts[1])
    if flow_level:
        return CxFinding(code, title, parts[0], " : ".join(parts[1:]), flow=parts[0])
    flow, page = parts[0], parts[1]
    if page == "Start Page":
        page = START_PAGE
    message = " : ".join(parts[2:])
    return CxFinding(code, title, f"{flow}/{page}", message, flow=flow, page=page)


def run_journeymap(agent: Path) -> JmRun:
    """journeymap's findings; a reader that fails is reported, not raised."""
    try:
        result = journeymap.audit([agent])
        findings = tuple(
            sorted(
                JmFinding(f.name, f.source_ref or "(no source_ref)", f.message)
                for f in result.findings
            )
        )
        problems = tuple(sorted(str(p) for p in result.problems))
    except Exception as exc:  # the Dialogflow reader is still being written
        return JmRun((), (f"journeymap.audit raised {type(exc).__name__}: {exc}",))
    return JmRun(findings, problems)


def cell(text: str, limit: int = 120) -> str:
    """Text for a Markdown table cell: one line, pipes escaped, cut at ``limit``."""
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _key(text: str) -> str:
    return "_" + re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_") + "_"


def _mentions(finding: JmFinding, flow: str, page: str) -> bool:
    """Whether a journeymap finding in ``flow`` names the page's step in its message."""
    return finding.source_ref.startswith(f"{flow}/") and _key(f"{flow} {page}") in _key(
        finding.message
    )


def compare(cx: CxRun, jm: JmRun) -> tuple[list[list[str]], Counter[str]]:
    """Rows of the structural comparison, and a tally of the verdicts."""
    at_page: dict[str, set[str]] = defaultdict(set)
    for j in jm.findings:
        at_page[j.source_ref].add(j.name)
    rows: list[list[str]] = []
    tally: Counter[str] = Counter()
    for check in CHECKS:
        flagged: set[str] = set()
        for f in cx.findings:
            if f.code not in check.codes or f.flow is None or f.page is None:
                continue
            flagged.add(f.resource)
            here = sorted(at_page.get(f.resource, ()))
            same = [r for r in here if r in check.related]
            named = sorted(
                {
                    j.name
                    for j in jm.findings
                    if j.name in check.related and _mentions(j, f.flow, f.page)
                }
            )
            if same:
                verdict = "same page"
            elif named:
                verdict = "page named in a finding"
            elif not check.related:
                verdict = "no such journeymap rule"
            else:
                verdict = "not found"
            tally[verdict] += 1
            rows.append(
                [
                    cell(f"{f.code} {check.label}"),
                    cell(f.resource + (f" ({f.message})" if f.message else "")),
                    ", ".join(check.related) or "—",
                    ", ".join(same or named) or "—",
                    ", ".join(r for r in here if r not in same) or "—",
                    verdict,
                ]
            )
        only = sorted({(j.name, j.source_ref) for j in jm.findings if j.name in check.reverse})
        for rule, ref in only:
            if ref in flagged:
                continue
            tally["journeymap only"] += 1
            others = sorted(at_page[ref] - {rule})
            rows.append(
                [
                    cell(f"{'/'.join(check.codes)} {check.label}"),
                    cell(ref),
                    ", ".join(check.related),
                    rule,
                    ", ".join(others) or "—",
                    "journeymap only",
                ]
            )
    return rows, tally


def report(agent: Path, cx: CxRun, jm: JmRun) -> tuple[list[str], Counter[str]]:
    out = [f"## {slug(agent)}", "", f"`{agent}`", ""]
    out += [f"### cxlint: {len(cx.findings)} findings", ""]
    if cx.error:
        out += [f"**cxlint failed:** {cell(cx.error, 300)}", ""]
    by_category: dict[str, list[CxFinding]] = defaultdict(list)
    for f in cx.findings:
        by_category[f.category].append(f)
    rows = [
        [
            cell(category, 70),
            str(len(found)),
            "; ".join(
                cell(f.resource + (f" {f.message}" if f.message else ""), 70) for f in found[:3]
            )
            + ("; …" if len(found) > 3 else ""),
        ]
        for category, found in sorted(by_category.items())
    ]
    out += [*table(["category", "count", "examples"], rows), ""] if rows else ["(none)", ""]
    if cx.unparsed:
        out += ["Lines of cxlint's log not understood:", ""]
        out += [f"- `{cell(line, 200)}`" for line in cx.unparsed] + [""]
    out += [f"### journeymap: {len(jm.findings)} findings", ""]
    if jm.problems:
        out += ["**journeymap problems:**", ""] + [f"- {cell(p, 300)}" for p in jm.problems] + [""]
    by_rule: dict[str, list[JmFinding]] = defaultdict(list)
    for j in jm.findings:
        by_rule[j.name].append(j)
    rows = [
        [name, str(len(found)), cell(", ".join(sorted({j.source_ref for j in found})), 200)]
        for name, found in sorted(by_rule.items())
    ]
    out += [*table(["rule", "count", "pages (Flow/Page)"], rows), ""] if rows else ["(none)", ""]
    out += ["### Structural checks: does journeymap find the same page?", ""]
    compared, tally = compare(cx, jm)
    header = ["cxlint check", "Flow/Page", "related rules", "journeymap", "also here", "verdict"]
    out += [*table(header, compared), ""] if compared else ["(no structural findings)", ""]
    return out, tally


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--cxlint", required=True, help="Python of the venv cxlint is in")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per cxlint run")
    parser.add_argument("--raw-dir", type=Path, default=Path(tempfile.gettempdir()) / "cxlint-out")
    parser.add_argument("agents", nargs="+", type=Path, metavar="AGENT_DIR")
    args = parser.parse_args(argv)
    lines = ["# cxlint vs journeymap", ""]
    lines += [f"cxlint {cxlint_version(args.cxlint)}, journeymap {journeymap.__version__}", ""]
    summary: list[list[str]] = []
    for agent in args.agents:
        cx = run_cxlint(args.cxlint, agent, args.raw_dir, args.timeout)
        jm = run_journeymap(agent)
        part, tally = report(agent, cx, jm)
        lines += part
        summary.append(
            [
                slug(agent),
                "failed" if cx.error else str(len(cx.findings)),
                str(len(jm.findings)) + (f" ({len(jm.problems)} problems)" if jm.problems else ""),
                ", ".join(f"{k}: {v}" for k, v in sorted(tally.items())) or "—",
            ]
        )
    lines += ["## Summary", ""]
    lines += table(["agent", "cxlint", "journeymap", "structural verdicts"], summary)
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
