"""Batches: the process pool gives exactly the result of one sequential run."""

from __future__ import annotations

from pathlib import Path

from conftest import JOURNEYS

import journeymap
from journeymap.engine import PARALLEL_MIN_FILES, audit_files_parallel
from journeymap.loader import find_journey_files
from journeymap.reporters import Format, render
from tests.benchmarks.generate import generate


def test_parallel_batch_equals_sequential_run(tmp_path: Path) -> None:
    for i in range(PARALLEL_MIN_FILES + 4):
        text = generate(60 + i * 5, seed=i).replace(
            f"journey: generated-{60 + i * 5}", f"journey: g{i:02d}", 1
        )
        (tmp_path / f"g{i:02d}.yaml").write_text(text, encoding="utf-8")
    for sample in JOURNEYS.glob("*.yaml"):  # cross-journey links among these
        (tmp_path / sample.name).write_text(sample.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "copy.yaml").write_text(  # a duplicate journey id
        (JOURNEYS / "power-outage-line.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "broken.yaml").write_text("journey: [\n", encoding="utf-8")
    files, _ = find_journey_files([tmp_path])
    sequential = journeymap.audit([tmp_path])
    parallel = audit_files_parallel(files, workers=2)
    assert render(parallel, Format.JSON) == render(sequential, Format.JSON)
    assert any(p.kind == "duplicate-journey" for p in parallel.problems)
    order = {j.journey for j in parallel.journeys}
    assert {"web-order-checkout", "order-support-line"} <= order
