"""Benchmarks: parse, validate and audit generated journeys; print a Markdown table.

Run with ``make bench`` (or ``python -m tests.benchmarks.bench 1000 10000``).
Each size runs in a fresh process so that peak memory (max RSS) is its own.
Figures are wall-clock seconds, best of ``--repeat`` runs.
"""

from __future__ import annotations

import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from journeymap.engine import audit
from journeymap.reading import load_file

from .generate import generate


def _best(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def measure(steps: int, repeat: int) -> dict[str, float]:
    """Figures for one size, in this process."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"generated-{steps}.yaml"
        path.write_text(generate(steps), encoding="utf-8")
        text = path.read_text(encoding="utf-8")
        events = _best(lambda: sum(1 for _ in yaml.parse(text, Loader=yaml.CSafeLoader)), repeat)
        compose = _best(lambda: yaml.compose(text, Loader=yaml.CSafeLoader), repeat)
        validate = _best(lambda: load_file(path), repeat)
        full = _best(lambda: audit([path]), repeat)
        rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return {
            "steps": steps,
            "mib": path.stat().st_size / 1024 / 1024,
            "parse_events": events,
            "parse_compose": compose,
            "validate": validate,
            "audit": full,
            "peak_rss_mib": rss_mib,
        }


def measure_render(steps: int) -> dict[str, object]:
    """Seconds to draw a generated journey: DOT source, then Graphviz to SVG."""
    from journeymap.diagram import diagram_source, render
    from journeymap.engine import audit_journeys
    from journeymap.reading import load_text

    loaded, _ = load_text(generate(steps), "generated.yaml")
    assert loaded is not None
    audit = audit_journeys([loaded]).journeys[0]
    figures: dict[str, object] = {"steps": steps}
    for view in ("full", "teams"):
        start = time.perf_counter()
        source, engine = diagram_source(loaded, audit, view)
        middle = time.perf_counter()
        render(source, "svg", engine)
        end = time.perf_counter()
        figures[view] = (engine, middle - start, end - middle)
    return figures


def render_table(sizes: list[int]) -> None:
    print("| steps | full view: DOT source, Graphviz | teams view: DOT source, Graphviz |")
    print("|---:|---|---|")
    for steps in sizes:
        r = measure_render(steps)
        cells = []
        for view in ("full", "teams"):
            _, dot_s, gv_s = r[view]  # type: ignore[misc]
            cells.append(f"{dot_s:.2f} s, {gv_s:.2f} s")
        print(f"| {steps:,} | {cells[0]} | {cells[1]} |")


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--render":
        render_table([int(a) for a in argv[1:]] or [100, 1000, 5000])
        return
    repeat = 3
    if "--repeat" in argv:
        i = argv.index("--repeat")
        repeat = int(argv[i + 1])
        del argv[i : i + 2]
    if argv and argv[0] == "--one":
        print(json.dumps(measure(int(argv[1]), repeat)))
        return
    sizes = [int(a) for a in argv] or [1000, 10000]
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, PyYAML {yaml.__version__} "
        f"(libyaml: {yaml.__with_libyaml__})"
    )
    print()
    print(
        "| steps | file | YAML events | YAML compose | validate | audit "
        "| audit / compose | audit / events | peak RSS |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for steps in sizes:
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.benchmarks.bench",
                "--one",
                str(steps),
                "--repeat",
                str(repeat if steps < 50_000 else 2),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        r = json.loads(out)
        print(
            f"| {steps:,} | {r['mib']:.1f} MiB | {r['parse_events']:.2f} s | "
            f"{r['parse_compose']:.2f} s | {r['validate']:.2f} s | {r['audit']:.2f} s | "
            f"{r['audit'] / r['parse_compose']:.1f}x | {r['audit'] / r['parse_events']:.1f}x | "
            f"{r['peak_rss_mib']:.0f} MiB |"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
