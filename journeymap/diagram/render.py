"""Run Graphviz on DOT source: SVG, PNG or PDF bytes (or the DOT text itself)."""

from __future__ import annotations

import shutil
import subprocess

import graphviz

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


def render(source: str, fmt: str, engine: str = "dot", timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """``source`` laid out by ``engine`` and rendered as ``fmt``, within ``timeout`` s."""
    if fmt == "dot":
        return source.encode("utf-8")
    if shutil.which(engine) is None:
        raise RenderError(INSTALL_HINT)
    command = graphviz.backend.dot_command.command(engine, fmt)
    try:
        process = graphviz.backend.execute.run_check(
            command, input=source.encode("utf-8"), capture_output=True, timeout=timeout
        )
    except graphviz.ExecutableNotFound as exc:  # pragma: no cover - raced with which()
        raise RenderError(INSTALL_HINT) from exc
    except graphviz.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode("utf-8", "replace").strip()
        raise RenderError(f"Graphviz failed: {detail or exc}") from exc
    except subprocess.TimeoutExpired as exc:
        raise RenderError(
            f"Graphviz took longer than {timeout:g} s and was stopped; try --view teams or "
            "--view focus, or a longer --timeout"
        ) from exc
    return bytes(process.stdout)
