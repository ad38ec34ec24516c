"""Batches: the process pool gives exactly the result of one sequential run."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import JOURNEYS

import journeymap
from journeymap.engine import PARALLEL_MIN_FILES, audit_files_parallel
from journeymap.reading import find_journey_files
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


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def test_sigterm_stops_a_parallel_audit_and_its_workers(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.benchmarks.generate import generate

    if not Path("/proc").is_dir():  # pragma: no cover
        pytest.skip("needs /proc")
    for i in range(24):
        (tmp_path / f"j{i}.yaml").write_text(
            generate(1500, seed=i).replace("journey: ", f"journey: j{i}-", 1)
        )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "journeymap",
            "audit",
            str(tmp_path),
            "--jobs",
            "2",
            "-o",
            str(tmp_path / "r.txt"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline and process.poll() is None:
        workers |= _children(process.pid)
        time.sleep(0.05)
    assert workers, "no worker processes seen"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) != 0
    time.sleep(1.0)
    alive = []
    for pid in workers:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.append(pid)
            os.kill(pid, signal.SIGKILL)
    assert not alive, f"workers still running after SIGTERM: {alive}"
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_stopped_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from journeymap import output

    def stop(*_: object) -> None:
        raise SystemExit(143)  # what SIGTERM becomes in the command

    monkeypatch.setattr(output.os, "replace", stop)
    with pytest.raises(SystemExit):
        output.write_atomic(tmp_path / "report.txt", "x" * 1000)
    assert os.listdir(tmp_path) == []
