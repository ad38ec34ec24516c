"""Regenerate ``audits/``: the committed audit of the sample journeys.

Run from the repository root: ``python -m journeymap.gallery`` (``make gallery``).
The outputs are deterministic, so a test can tell when they are stale.
"""

from __future__ import annotations

from pathlib import Path

from .diagram import diagram_source
from .diagram import render as run_graphviz
from .engine import audit_journeys
from .loader import load_paths
from .output import write_atomic
from .reporters import Format, Options, render

SAMPLES = Path("journeys")
GALLERY = Path("audits")

OUTPUTS = {
    "journeys.txt": (Format.TEXT, Options(color=False, verbose=True)),
    "journeys.json": (Format.JSON, Options()),
    "journeys.md": (Format.MARKDOWN, Options()),
    "journeys.sarif": (Format.SARIF, Options()),
}


DIAGRAM_VIEWS = ("full", "teams")


def build(samples: Path = SAMPLES) -> dict[str, str]:
    """The gallery's deterministic files (name to content) for the journeys under
    ``samples``: the reports, and the DOT source of each journey's diagrams."""
    loaded = load_paths([samples])
    result = audit_journeys(loaded.journeys)
    files = {name: render(result, fmt, options) for name, (fmt, options) in OUTPUTS.items()}
    for journey, journey_audit in zip(loaded.journeys, result.journeys, strict=True):
        for view in DIAGRAM_VIEWS:
            suffix = "" if view == "full" else f".{view}"
            source, _ = diagram_source(journey, journey_audit, view)
            files[f"diagrams/{journey.id}{suffix}.dot"] = source
    return files


def main() -> None:
    diagrams: dict[str, str] = {}
    for name, content in build().items():
        write_atomic(GALLERY / name, content)
        print(f"wrote {GALLERY / name}")
        if name.endswith(".dot"):
            # SVGs depend on the Graphviz version, so only the DOT is checked by tests
            svg = GALLERY / name.replace(".dot", ".svg")
            data = run_graphviz(content, "svg").decode("utf-8")
            write_atomic(svg, data)
            print(f"wrote {svg}")
            if name.count(".") == 1:  # the full view
                diagrams[Path(name).stem] = data
    loaded = load_paths([SAMPLES])
    result = audit_journeys(loaded.journeys)
    report = render(result, Format.HTML, Options(diagrams=diagrams))
    write_atomic(GALLERY / "report.html", report)
    print(f"wrote {GALLERY / 'report.html'}")


if __name__ == "__main__":
    main()
