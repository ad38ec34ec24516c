"""Write reports safely: atomically, and never over an input journey."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path


class OutputError(Exception):
    """A report cannot be written where it was asked for."""


def write_atomic(path: Path, content: str | bytes, inputs: Iterable[str] = ()) -> None:
    """Write ``content`` to ``path`` through a temporary file renamed into place.

    Refuses (``OutputError``) when ``path`` is one of ``inputs`` (the journey
    files, settings and baseline of the run), so a report can never replace them.
    A device or FIFO (``/dev/null``, a pipe) is written into in place, and a symbolic
    link keeps pointing at the file it names, which gets the new content.
    """
    target = Path(path)
    real = os.path.realpath(target)
    if any(os.path.realpath(i) == real for i in inputs):
        raise OutputError(
            f"{target} is one of the inputs of this run (a journey, the settings, the "
            "baseline or a contact log); it is never overwritten"
        )
    if target.is_dir():
        raise OutputError(f"{target} is a folder; give a file name")
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        mode = os.stat(target).st_mode  # follows links: /dev/stdout, /proc/self/fd/1
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        # a device, FIFO or socket (/dev/null, /dev/stdout, a pipe): written into, in
        # place, never replaced by a regular file
        try:
            with open(target, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
        return
    target = Path(real) if target.is_symlink() else target  # keep the link, write its file
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
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
