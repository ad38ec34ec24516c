"""Write reports safely: atomically, and never over an input journey."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


class OutputError(Exception):
    """A report cannot be written where it was asked for."""


def write_atomic(path: Path, content: str | bytes, inputs: Iterable[str] = ()) -> None:
    """Write ``content`` to ``path`` through a temporary file renamed into place.

    Refuses (``OutputError``) when ``path`` is one of ``inputs`` (the journey
    files of the run), so a report can never replace a journey.
    """
    target = Path(path)
    real = os.path.realpath(target)
    if any(os.path.realpath(i) == real for i in inputs):
        raise OutputError(f"{target} is one of the input journeys; it is never overwritten")
    if target.is_dir():
        raise OutputError(f"{target} is a folder; give a file name")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(temp, 0o644)
            os.replace(temp, target)
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
