"""The truth check: journeymap's findings on real vendor exports against findings read
by hand.

Each file in ``tests/truth/<format>/`` names a fixture of the shared vendor folder
(``../shared/fixtures/vendor/`` beside the project; its exports are not the
project's to redistribute, so they are read where they lie) and lists:

``expected``
    every finding an auditor signs, as ``rule`` (name) and ``block`` (the vendor
    block id the finding points at: a Connect ``Identifier``, a Studio state name, a
    Genesys menu or task; ``(flow)`` for the flow as a whole), each with ``why``;
``misses``
    true problems journeymap does not find yet (they count against recall);
``not_findings``
    tempting findings that would be false here, with why (kept as a record of the
    reading);
``refused``
    ``template`` when the file is a template that journeymap refuses by design.

``python -m tests.truth_check`` prints precision and recall per format (the table
in the README); ``tests/test_truth.py`` fails on any finding not expected and any
expected finding missing.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

import journeymap

ROOT = Path(__file__).resolve().parents[1]
TRUTH = ROOT / "tests" / "truth"
VENDOR = ROOT.parent / "shared" / "fixtures" / "vendor"


@dataclass
class Check:
    """One fixture's findings against its truth file."""

    truth: Path
    fixture: Path
    refused: bool = False
    problems: list[str] = field(default_factory=list)
    found: set[tuple[str, str]] = field(default_factory=set)
    expected: set[tuple[str, str]] = field(default_factory=set)
    misses: set[tuple[str, str]] = field(default_factory=set)

    @property
    def false(self) -> set[tuple[str, str]]:
        return self.found - self.expected

    @property
    def missing(self) -> set[tuple[str, str]]:
        return self.expected - self.found

    @property
    def format(self) -> str:
        return self.truth.parent.name


def truth_files() -> list[Path]:
    return sorted(TRUTH.glob("*/*.yaml"))


def _block(source: str | None) -> str:
    if not source or source.startswith("("):
        return "(flow)"
    return source


def _pairs(entries: Any) -> set[tuple[str, str]]:
    return {(str(e["rule"]), str(e["block"])) for e in entries or []}


def check(truth: Path) -> Check:
    """Audit the fixture a truth file names and compare."""
    data = yaml.safe_load(truth.read_text(encoding="utf-8"))
    result = Check(truth, VENDOR / data["fixture"])
    result.expected = _pairs(data.get("expected"))
    result.misses = _pairs(data.get("misses"))
    result.refused = data.get("refused") == "template"
    audit = journeymap.audit([result.fixture])
    result.problems = [f"{p.kind}: {p.message}" for p in audit.problems]
    for journey in audit.journeys:
        for finding in journey.findings:
            result.found.add((finding.name, _block(finding.source_ref)))
    return result


def table(checks: list[Check]) -> str:
    """Precision and recall per format, as Markdown."""
    rows = [
        "| format | exports | audited | findings | true | false | expected | found "
        "| precision | recall |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for fmt in sorted({c.format for c in checks}):
        group = [c for c in checks if c.format == fmt]
        audited = [c for c in group if not c.refused]
        found = sum(len(c.found) for c in audited)
        true = sum(len(c.found & c.expected) for c in audited)
        wanted = sum(len(c.expected | c.misses) for c in audited)
        precision = f"{100 * true / found:.0f}%" if found else "-"
        recall = f"{100 * true / wanted:.0f}%" if wanted else "-"
        rows.append(
            f"| {fmt} | {len(group)} | {len(audited)} | {found} | {true} | {found - true} "
            f"| {wanted} | {true} | {precision} | {recall} |"
        )
    return "\n".join(rows)


def main() -> int:
    if not VENDOR.is_dir():
        print(f"no shared vendor fixtures at {VENDOR}", file=sys.stderr)
        return 2
    checks = [check(t) for t in truth_files()]
    for c in [c for c in checks if not c.refused]:
        for rule, block in sorted(c.false):
            print(f"FALSE   {c.truth.name[:70]}: {rule} at {block}")
        for rule, block in sorted(c.missing):
            print(f"MISSED  {c.truth.name[:70]}: {rule} at {block}")
        if c.problems and not c.refused:
            print(f"REFUSED {c.truth.name[:70]}: {c.problems[0]}")
    print(table(checks))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
