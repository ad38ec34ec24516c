"""Journeys as they were at a git revision, read with git itself.

``journeymap diff main HEAD -- journeys/`` compares the journeys of two revisions
without checking either out: git lists the files (``git ls-tree``) and prints each
(``git show REV:PATH``); nothing in the work tree is touched.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

from .loader import (
    JOURNEY_SUFFIXES,
    NATIVE_GENESYS,
    LoadedJourney,
    LoadResult,
    Problem,
    one_run,
)
from .reading import load_text
from .source import Limits, bulk, decode

_FLOW_MARKS = (b'"StartAction"', b'"ContactFlow"', b'"states"', b'"modules"')
GIT_SECONDS = 60
INDEX = ":"
"""The revision name for git's index (what is staged): ``journeymap diff HEAD :``."""


class RevisionError(Exception):
    """A revision git cannot read (not a repository, an unknown revision)."""


def _git(args: Sequence[str], cwd: Path) -> bytes:
    try:
        run = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, timeout=GIT_SECONDS, check=False
        )
    except FileNotFoundError as exc:
        raise RevisionError("git is not installed") from exc
    except subprocess.TimeoutExpired as exc:
        raise RevisionError(f"git took longer than {GIT_SECONDS} s") from exc
    if run.returncode != 0:
        message = run.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RevisionError(message[-1] if message else f"git {args[0]} failed")
    return run.stdout


def is_revision(name: str, cwd: Path | None = None) -> bool:
    """Whether ``name`` names a commit in the repository around ``cwd`` (or is
    :data:`INDEX`)."""
    if name == INDEX:
        return True
    if not re.fullmatch(r"[\w./@^~{}:+-]+", name) or name.startswith("-"):
        return False
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{name}^{{commit}}"], cwd or Path.cwd())
    except RevisionError:
        return False
    return True


def load_revision(
    revision: str, paths: Sequence[str], limits: Limits | None = None, cwd: Path | None = None
) -> LoadResult:
    """The journeys and flow exports under ``paths`` (all of the tree when empty) at
    ``revision``, loaded as one run; files are named by their path in the repository."""
    folder = cwd or Path.cwd()
    limits = limits or Limits()
    top = _git(["rev-parse", "--show-toplevel"], folder).decode().strip()
    prefix = _git(["rev-parse", "--show-prefix"], folder).decode().strip()
    if revision == INDEX:  # what is staged for the next commit
        listing = _git(["ls-files", "-z", "--", *paths], folder)
    else:
        listing = _git(["ls-tree", "-r", "-z", "--name-only", revision, "--", *paths], folder)
    names = sorted(n for n in listing.decode("utf-8", "replace").split("\0") if n)
    problems: list[Problem] = []
    loaded: list[LoadedJourney] = []
    files: list[str] = []
    with bulk():
        for name in names:
            suffix = Path(name).suffix
            if not (
                suffix in JOURNEY_SUFFIXES or suffix == ".json" or NATIVE_GENESYS.fullmatch(suffix)
            ):
                continue
            if any(part.startswith(".") for part in Path(name).parts):
                continue
            at = "" if revision == INDEX else revision
            raw = _git(["show", f"{at}:{prefix}{name}"], Path(top))
            if suffix == ".json" and not any(mark in raw[:65536] for mark in _FLOW_MARKS):
                continue
            if len(raw) > limits.max_bytes:
                problems.append(Problem(name, 1, 1, "the file is over the size limit", "too-large"))
                continue
            text, decode_problems = decode(raw)
            shown = f"{revision}{name}" if revision == INDEX else f"{revision}:{name}"
            files.append(shown)
            if text is None:
                problems.extend(
                    Problem(shown, p.line, p.column, p.message, p.kind) for p in decode_problems
                )
                continue
            journey, file_problems = load_text(text, shown, limits)
            problems.extend(file_problems)
            if journey is not None:
                loaded.append(journey)
    return one_run(loaded, problems, files)
