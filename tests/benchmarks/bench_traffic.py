"""Benchmarks of the expected-effort model and the traffic reader; prints Markdown.

Run ``python -m tests.benchmarks.bench_traffic`` (add ``--trace`` to trace the memory
of a whole million-row read with tracemalloc: slow, some minutes). Figures:

* seconds to solve the chain of a generated journey of 1,000 to 100,000 steps;
* the largest difference between the exact figures of the sample journeys and a
  seeded simulation of 100,000 customers each;
* seconds and rows per second to read a generated million-row CSV log, and (with
  ``--trace``) its peak traced memory.
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from journeymap.analysis import Analysis
from journeymap.config import Settings
from journeymap.graph import build_graph
from journeymap.reading import load_paths, load_text
from journeymap.traffic.expected import build_chain, journey_effort
from journeymap.traffic.logs import read_traffic
from journeymap.traffic.simulate import simulate

from .generate import generate

ROOT = Path(__file__).resolve().parent.parent.parent


def effort_times(sizes: list[int]) -> None:
    print("| steps | chain states | solve (s) |")
    print("|---:|---:|---:|")
    for steps in sizes:
        loaded, _ = load_text(generate(steps), "generated.yaml")
        assert loaded is not None
        a = Analysis(build_graph([loaded]), {loaded.id: Settings()})
        start = time.perf_counter()
        journey_effort(a, loaded.id)
        took = time.perf_counter() - start
        states = len(build_chain(a, a.journey_entries[loaded.id]).states)
        print(f"| {steps:,} | {states:,} | {took:.2f} |")


def agreement(customers: int) -> None:
    run = load_paths([ROOT / "journeys"])
    a = Analysis(build_graph(run.journeys), {j.id: Settings() for j in run.journeys})
    print(
        f"\n| journey | exact vs {customers:,} simulated: largest share difference; hurdles, "
        "seconds (difference in standard errors of the simulated mean) |"
    )
    print("|---|---|")
    root = customers**0.5
    for loaded in run.journeys:
        exact = journey_effort(a, loaded.id)
        sim = simulate(a, loaded.id, customers=customers, seed=1)
        chain = build_chain(a, a.journey_entries[loaded.id])
        shares = [abs(exact.outcomes[k] - sim.outcomes[k]) for k in exact.outcomes]
        shares.append(abs(exact.reach_person - sim.reach_person))
        shares += [abs(chain.reach[n] - sim.reach.get(n, 0.0)) for n in chain.reach]
        z_h = (sim.expected_hurdles - exact.expected_hurdles) / max(sim.hurdles_sd / root, 1e-12)
        z_s = (sim.expected_seconds - exact.expected_seconds) / max(sim.seconds_sd / root, 1e-12)
        print(
            f"| {loaded.id} | {max(shares):.4f}; hurdles {exact.expected_hurdles:.2f} "
            f"vs {sim.expected_hurdles:.2f} ({z_h:+.1f} SE), seconds "
            f"{exact.expected_seconds:.1f} vs {sim.expected_seconds:.1f} ({z_s:+.1f} SE) |"
        )


def million_rows(trace: bool) -> None:
    sys.path.insert(0, str(ROOT / "tests"))  # the tests' own helpers (conftest)
    from test_traffic import SHARED, _million_rows, _run

    graph, _ = _run(SHARED)
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "million.csv"
        _million_rows(log, 1_000_000)
        start = time.perf_counter()
        traffic = read_traffic(log, graph)
        took = time.perf_counter() - start
        print(
            f"\nA million-row CSV ({log.stat().st_size / 2**20:.0f} MiB, "
            f"{traffic.contacts:,} contacts): read in {took:.1f} s "
            f"({1_000_000 / took:,.0f} rows/s)"
        )
        if trace:
            tracemalloc.start()
            read_traffic(log, graph)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"peak traced memory, whole read (window 100,000 rows): {peak / 2**20:.1f} MiB")


def main() -> None:
    effort_times([1000, 10_000, 100_000])
    agreement(100_000)
    million_rows("--trace" in sys.argv)


if __name__ == "__main__":
    main()
