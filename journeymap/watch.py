"""Notice when journey files change, for ``journeymap watch``.

Polls the files (their size and modification time) at a short interval: no extra
dependency, and it sees every way an editor saves (in place, or a new file renamed
over the old one). A folder is searched again on each poll, so new and removed
journeys are noticed too.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> (folder / "a.yaml").write_text("journey: a")
10
>>> before = snapshot([folder])
>>> changed(before, snapshot([folder]))
set()
>>> (folder / "b.yaml").write_text("journey: b")
10
>>> sorted(pathlib.Path(p).name for p in changed(before, snapshot([folder])))
['b.yaml']
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from .reading import find_journey_files

Snapshot = dict[str, tuple[int, int]]


def snapshot(paths: Sequence[str | os.PathLike[str]], extra: Sequence[Path] = ()) -> Snapshot:
    """Size and modification time of every journey file ``paths`` name, and of
    ``extra`` files (a settings file)."""
    files, _ = find_journey_files(paths)
    found: Snapshot = {}
    for name in [*files, *map(str, extra)]:
        try:
            info = os.stat(name)
        except OSError:
            continue
        found[name] = (info.st_mtime_ns, info.st_size)
    return found


def changed(before: Snapshot, after: Snapshot) -> set[str]:
    """The files added, removed or changed between two snapshots."""
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def changes(
    paths: Sequence[str | os.PathLike[str]],
    interval: float = 0.5,
    stop: threading.Event | None = None,
    extra: Sequence[Path] = (),
) -> Iterator[set[str]]:
    """Yield the files once at the start, then the changed files after each change,
    until ``stop`` is set."""
    stop = stop or threading.Event()
    current = snapshot(paths, extra)
    yield set(current)
    while not stop.wait(interval):
        latest = snapshot(paths, extra)
        different = changed(current, latest)
        if different:
            current = latest
            yield different
