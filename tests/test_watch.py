"""``journeymap watch``: audit and redraw on every save, in a real process."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

GOOD = (
    "journey: line\nentry: menu\nnodes:\n"
    "  menu: {type: menu, say: Press 1 for an agent., options: {'1': q}}\n"
    "  q: {type: queue, wait_estimate: true, callback: true, next: a}\n"
    "  a: {type: agent, next: bye}\n  bye: {type: end, outcome: resolved}\n"
)
TRAP = GOOD.replace("options: {'1': q}", "options: {'1': menu}")  # a loop with no way out


def _lines(stream: object, out: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        out.put(line)


def _until(out: queue.Queue[str], text: str, seen: list[str]) -> None:
    while True:
        line = out.get(timeout=60)
        seen.append(line)
        if text in line:
            return


def test_watch_audits_and_redraws_on_every_save(tmp_path: Path) -> None:
    journey = tmp_path / "journeys" / "line.yaml"
    journey.parent.mkdir()
    journey.write_text(GOOD)
    drawings = tmp_path / "drawings"
    process = subprocess.Popen(
        [sys.executable, "-m", "journeymap", "watch", str(journey.parent), "--diagrams",
         str(drawings), "-f", "dot", "--interval", "0.1", "--no-color"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    out: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_lines, args=(process.stdout, out), daemon=True).start()
    seen: list[str] = []
    try:
        _until(out, "drew 1 diagram", seen)
        assert any("0 findings" in line for line in seen)
        first = (drawings / "line.dot").read_text()
        journey.write_text(TRAP)  # the designer saves a change
        _until(out, "drew 1 diagram", seen)
        assert any("JM101 endless-loop" in line for line in seen)
        assert (drawings / "line.dot").read_text() != first  # the diagram followed
        assert "JM101" in (drawings / "line.dot").read_text()
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "stopped watching" in err and "Traceback" not in err
