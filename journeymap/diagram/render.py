"""Run Graphviz on DOT source: SVG, PNG or PDF bytes (or the DOT text itself)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess

FORMATS = ("svg", "png", "pdf", "dot")
LARGE = 400
"""Above this many steps a diagram is drawn in its large form (no swimlanes,
straight lines, bounded crossing minimisation): ``dot``'s full layout takes
minutes on thousands of steps, and ``sfdp`` longer still with these labels."""

INSTALL_HINT = (
    "Graphviz's `dot` program is not installed: install it with `apt-get install graphviz` "
    "(Debian, Ubuntu), `brew install graphviz` (macOS) or from https://graphviz.org/download/; "
    "`--format dot` works without it"
)


class RenderError(Exception):
    """Graphviz is missing or failed."""


def is_large(node_count: int) -> bool:
    """Whether a diagram of this many nodes is drawn in its large form."""
    return node_count > LARGE


DEFAULT_TIMEOUT = 600.0
"""Seconds Graphviz may take for one diagram before it is stopped."""


FALLBACK = ("-Gnewrank=false", "-Gclusterrank=none", "-Gsplines=line")
"""A simpler layout tried when ``dot`` cannot lay a diagram out (its "trouble in
init_rank" on some clustered graphs): no swimlanes, straight lines."""

_MAGIC = {"svg": b"<svg", "png": b"\x89PNG", "pdf": b"%PDF"}


def render(source: str, fmt: str, engine: str = "dot", timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """``source`` laid out by ``engine`` and rendered as ``fmt``, within ``timeout`` s.

    What Graphviz returns is checked (not empty, the format asked for, SVG in UTF-8);
    when ``dot`` fails on a layout it tries once more with a simpler one
    (:data:`FALLBACK`) before giving up with the real reason. A Graphviz that takes
    too long is killed with every process it started.
    """
    if fmt == "dot":
        return source.encode("utf-8")
    if shutil.which(engine) is None:
        raise RenderError(INSTALL_HINT)
    try:
        return _run(engine, fmt, source, timeout, ())
    except _Failed as first:
        try:
            return _run(engine, fmt, source, timeout, FALLBACK)
        except _Failed:
            raise RenderError(f"Graphviz failed: {first}") from None


class _Failed(Exception):
    """One Graphviz run that failed (the caller may try a simpler layout)."""


def _run(engine: str, fmt: str, source: str, timeout: float, extra: tuple[str, ...]) -> bytes:
    command = [engine, f"-T{fmt}", *extra]
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: killed as a whole
        )
    except OSError as exc:  # pragma: no cover - raced with which()
        raise RenderError(INSTALL_HINT) from exc
    try:
        out, err = process.communicate(source.encode("utf-8"), timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise RenderError(
            f"Graphviz took longer than {timeout:g} s and was stopped; try --view teams or "
            "--view focus, or a longer --timeout"
        ) from None
    except BaseException:
        _kill_group(process)
        raise
    detail = err.decode("utf-8", "replace").strip()
    if process.returncode != 0:
        raise _Failed(detail or f"exit status {process.returncode}")
    if not out:
        raise _Failed(f"Graphviz wrote nothing{': ' + detail if detail else ''}")
    magic = _MAGIC.get(fmt)
    if magic is not None and magic not in out[:4096]:
        raise _Failed(f"Graphviz did not write {fmt.upper()}{': ' + detail if detail else ''}")
    if fmt == "svg":
        try:
            out.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _Failed(f"Graphviz wrote SVG that is not UTF-8 (byte {exc.start})") from None
    return out


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Stop a Graphviz run and anything it started."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        process.kill()
    process.wait()
