"""What every reader of a text telephony format shares (Asterisk, VoiceXML, FreeSWITCH).

A reader is a module with:

``NAME``
    the format's name (``asterisk``), as ``journeymap import --from`` and reports say it;
``LABEL``
    the format in words (``an Asterisk dialplan``);
``claims(path, head) -> bool``
    whether the file is in this format, from its content (``head`` is the start of its
    text); the suffix alone never decides;
``includes(path, text) -> list[Path]``
    the files this one pulls in (``#include``, ``next="other.vxml"``): a folder walk
    reads those with the file that includes them, not again on their own;
``helpers(path, text) -> list[Path]`` (optional)
    files this one names that are never where a call starts (a VoiceXML application
    root): when files pull each other in, a folder walk never picks one of these;
``read_package(path, read) -> Package``
    the file and every file it pulls in, each read with ``read`` (which applies the
    size limits and raises :class:`ReadError`);
``convert_package(package, name) -> dict``
    journey data: each step's ``source`` names its block (see the reader's docstring),
    ends are marked with :data:`.outcomes.JUDGE` and judged by
    :func:`.outcomes.judge_ends`; a construct the reader does not support becomes an
    ``external`` step whose ``target`` names the construct and its line, never a
    silent drop;
``block_files(package) -> dict[str, tuple[str, int, int]]``
    where each step's ``source`` stands: file, line, column.

A file that cannot be read raises :class:`ReadError` with the file, line and column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


class ReadError(ValueError):
    """A file of a package that cannot be read: where, and why."""

    def __init__(self, file: str, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.file = file
        self.line = line
        self.column = column
        self.message = message


Read = Callable[[Path], str]
"""Reads one file's text within the run's limits, or raises :class:`ReadError`."""


@dataclass
class Package:
    """The files read for one journey: path as given -> text, in reading order."""

    root: str
    files: dict[str, str] = field(default_factory=dict)


MAX_FILES = 2000
"""At most this many files in one package (``#include`` chains, linked documents)."""
