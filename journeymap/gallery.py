"""Regenerate ``audits/``: the committed audit of the sample journeys.

Run from the repository root: ``python -m journeymap.gallery`` (``make gallery``).
The outputs are deterministic, so a test can tell when they are stale.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .config import Settings
from .diagram import diagram_source, diff_diagram_source
from .diagram import render as run_graphviz
from .diagram.traffic import traffic_source
from .diff import diff
from .engine import audit_journeys
from .findings import AuditResult
from .loader import LoadResult
from .output import write_atomic
from .reading import load_paths
from .reporters import Format, Options, render
from .reporters.diff_report import format_markdown, format_text
from .traffic.audit import TrafficAudit, audit_traffic

SAMPLES = Path("journeys")
GALLERY = Path("audits")

OUTPUTS = {
    "journeys.txt": (Format.TEXT, Options(color=False, verbose=True)),
    "journeys.json": (Format.JSON, Options()),
    "journeys.md": (Format.MARKDOWN, Options()),
    "journeys.sarif": (Format.SARIF, Options()),
    "journeys.github.txt": (Format.GITHUB, Options()),
    "journeys.gitlab.json": (Format.GITLAB, Options()),
    "journeys.junit.xml": (Format.JUNIT, Options()),
}


DIAGRAM_VIEWS = ("full", "teams")
TRAFFIC_LOG = SAMPLES / "traffic" / "order-support-line.csv"
"""The generated sample contact log the gallery's traffic audit lays on the samples."""
TRAFFIC_OUTPUTS = {
    "traffic/journeys.txt": (Format.TEXT, Options(color=False)),
    "traffic/journeys.json": (Format.JSON, Options()),
    "traffic/journeys.md": (Format.MARKDOWN, Options()),
}
TRAFFIC_VIEWS = ("order-support-line", "harbor-bank-phone-banking")
"""The samples whose routes carry shares: their traffic views are in the gallery."""
DIFF_EXAMPLE = "broadband-tech-support"
"""The sample whose earlier version (``audits/diff/NAME.before.yaml``) the gallery
compares with today's, as the example of ``journeymap diff``."""


@dataclass(frozen=True)
class _Audited:
    """The samples, audited once for every file of the gallery."""

    loaded: LoadResult
    result: AuditResult
    figures: TrafficAudit
    """Their expected effort, with the sample log laid on them."""


def _audit(samples: Path) -> _Audited:
    loaded = load_paths([samples])
    result = audit_journeys(loaded.journeys)
    figures = audit_traffic(loaded.journeys, log=TRAFFIC_LOG).with_customers(result)
    return _Audited(loaded, result, figures)


def build(samples: Path = SAMPLES, audited: _Audited | None = None) -> dict[str, str]:
    """The gallery's deterministic files (name to content) for the journeys under
    ``samples``: the reports, and the DOT source of each journey's diagrams."""
    audited = audited or _audit(samples)
    loaded, result, figures = audited.loaded, audited.result, audited.figures
    files = {name: render(result, fmt, options) for name, (fmt, options) in OUTPUTS.items()}
    for journey, journey_audit in zip(loaded.journeys, result.journeys, strict=True):
        for view in DIAGRAM_VIEWS:
            suffix = "" if view == "full" else f".{view}"
            source, _ = diagram_source(journey, journey_audit, view)
            files[f"diagrams/{journey.id}{suffix}.dot"] = source
    for name, (fmt, options) in TRAFFIC_OUTPUTS.items():
        files[name] = render(result, fmt, replace(options, effort=figures))
    for journey in loaded.journeys:
        if journey.id in TRAFFIC_VIEWS:
            files[f"traffic/{journey.id}.traffic.dot"] = traffic_source(journey, figures)
    before = load_paths([GALLERY / "diff" / f"{DIFF_EXAMPLE}.before.yaml"])
    after = load_paths([samples / f"{DIFF_EXAMPLE}.yaml"])
    change = diff(before.journeys, after.journeys)
    files[f"diff/{DIFF_EXAMPLE}.md"] = format_markdown(change)
    files[f"diff/{DIFF_EXAMPLE}.txt"] = format_text(change)
    (journey_change,) = change.journeys
    assert change.new is not None
    files[f"diff/{DIFF_EXAMPLE}.diff.dot"] = diff_diagram_source(
        after.journeys[0], change.new.journeys[0], journey_change, before.journeys[0]
    )
    return files


def main() -> None:
    diagrams: dict[str, str] = {}
    teams: dict[str, str] = {}
    traffic: dict[str, str] = {}
    audited = _audit(SAMPLES)
    result = audited.result
    for name, content in build(SAMPLES, audited).items():
        write_atomic(GALLERY / name, content)
        print(f"wrote {GALLERY / name}")
        if name.endswith(".dot"):
            # SVGs depend on the Graphviz version, so only the DOT is checked by tests
            svg = GALLERY / name.replace(".dot", ".svg")
            data = run_graphviz(content, "svg").decode("utf-8")
            write_atomic(svg, data)
            print(f"wrote {svg}")
            if name.count(".") == 1 and name.startswith("diagrams/"):  # the full view
                diagrams[Path(name).stem] = data
            elif name.endswith(".teams.dot"):
                teams[Path(name).name.removesuffix(".teams.dot")] = data
            elif name.endswith(".traffic.dot"):
                traffic[Path(name).name.removesuffix(".traffic.dot")] = data
    cover = Settings().merged({"report": {"scope": f"The sample journeys in {SAMPLES}/"}})
    report = render(
        result, Format.HTML, Options(diagrams=diagrams, team_diagrams=teams, settings=cover)
    )
    write_atomic(GALLERY / "report.html", report)
    print(f"wrote {GALLERY / 'report.html'}")
    cover = Settings().merged(
        {
            "report": {
                "scope": f"The sample journeys in {SAMPLES}/, with the generated log {TRAFFIC_LOG}"
            }
        }
    )
    options = Options(
        diagrams=diagrams,
        team_diagrams=teams,
        settings=cover,
        effort=audited.figures,
        traffic_diagrams=traffic,
    )
    write_atomic(GALLERY / "traffic" / "report.html", render(result, Format.HTML, options))
    print(f"wrote {GALLERY / 'traffic' / 'report.html'}")


if __name__ == "__main__":
    main()
