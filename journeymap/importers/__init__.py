"""Import contact-centre flow exports as journeys.

Amazon Connect (:mod:`.connect`), Twilio Studio (:mod:`.twilio`) and Genesys
Cloud Architect (:mod:`.genesys`).
Each importer has ``looks_like(data)``, ``convert(data, name) -> journey data``
and ``block_paths(data)`` (where each vendor block stands, for locating
findings); :func:`detect` picks the importer from the content, never from the
file name.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from ..loader import Problem, placeholder_problem, read_file
from ..source import Limits, parse_yaml
from . import asterisk, connect, dialogflow, freeswitch, genesys, genesys_native, twilio, vxml
from .base import ReadError

TEXT_READERS: tuple[ModuleType, ...] = (asterisk, freeswitch, vxml)
"""Readers of text telephony formats (see :mod:`.base`), asked in this order."""

TEXT_SUFFIXES = frozenset({".conf", ".vxml", ".xml"})
"""Endings of files a text reader may claim (the content decides)."""


def text_reader(path: Path) -> ModuleType | None:
    """The reader of a text telephony format that claims ``path`` (by content), if any."""
    if path.suffix.lower() not in TEXT_SUFFIXES or not TEXT_READERS:
        return None
    try:
        with open(path, "rb") as handle:
            head = handle.read(65536).decode("utf-8", errors="replace")
    except OSError:
        return None
    for reader in TEXT_READERS:
        if reader.claims(path, head):
            return reader
    return None


def read_package(
    reader: ModuleType, path: Path, limits: Limits | None = None
) -> tuple[dict[str, Any], dict[str, tuple[str, int, int]]]:
    """Journey data and block places for a file in a text format with the files it pulls
    in, each read within ``limits``; raises :class:`.base.ReadError` (and ``ValueError``
    and the like for a file the reader cannot make sense of)."""

    def read(file: Path) -> str:
        text, problems = read_file(file, limits)
        if text is None:
            first = problems[0]
            raise ReadError(str(file), first.line, first.column, first.message)
        return text

    package = reader.read_package(path, read)
    data: dict[str, Any] = reader.convert_package(package, path.stem)
    return data, reader.block_files(package)


IMPORTERS = {
    "amazon-connect": connect,
    "twilio-studio": twilio,
    "genesys-archy": genesys,
}


def detect(data: Any) -> str | None:
    """The name of the format ``data`` is in, or None."""
    for name, importer in IMPORTERS.items():
        if importer.looks_like(data):
            return name
    return None


def convert(fmt: str, data: Any, name: str) -> dict[str, Any]:
    """Journey data for an export in format ``fmt`` (see :data:`IMPORTERS`). Every
    importer ends with :func:`.outcomes.judge_ends`: the one place where an end's
    outcome is decided, the same way for every format."""
    converted: dict[str, Any] = IMPORTERS[fmt].convert(data, name)
    return converted


def import_file(
    path: str | os.PathLike[str], limits: Limits | None = None
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Journey data converted from a vendor export, or the problems in the way."""
    name = str(path)
    if dialogflow.agent_root(Path(path)) is not None or (
        Path(path).is_file() and dialogflow.is_agent_archive(Path(path))
    ):
        try:
            package = dialogflow.read_package(Path(path))
            stem = Path(path).name if Path(path).name != "agent" else Path(path).parent.name
            return dialogflow.convert_package(package, Path(stem).stem), []
        except (
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
            UnicodeDecodeError,
            OSError,
        ) as exc:
            message = f"this Dialogflow CX agent cannot be read: {str(exc)[:200]}"
            return None, [Problem(name, 1, 1, message, "bad-export")]
    reader = text_reader(Path(path))
    if reader is not None:
        try:
            return read_package(reader, Path(path), limits)[0], []
        except ReadError as exc:
            return None, [Problem(exc.file, exc.line, exc.column, exc.message, "bad-export")]
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            what = reader.LABEL.split(" ", 1)[1]
            message = f"this {what} cannot be read: {str(exc)[:200]}"
            return None, [Problem(name, 1, 1, message, "bad-export")]
    text, problems = read_file(path, limits)
    if text is None:
        return None, problems
    native = genesys_native.decode(text.strip()) if " " not in text.strip()[:200] else None
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError, ValueError):
        data = None  # read again below with the YAML reader's limits and positions
    if data is None and native is not None and genesys_native.looks_like(native):
        try:
            data = genesys_native.to_archy(native)
        except ValueError as exc:
            message = f"this native Genesys Architect export cannot be read: {exc}"
            return None, [Problem(name, 1, 1, message, "bad-export")]
    elif data is None:
        doc, syntax = parse_yaml(text, limits)
        if doc is None:
            placeholder = placeholder_problem(text, name)
            if placeholder is not None:
                return None, [placeholder]
            return None, [Problem(name, p.line, p.column, p.message, p.kind) for p in syntax]
        data = doc.data
    fmt = detect(data)
    if fmt is None:
        return None, [
            Problem(
                name,
                1,
                1,
                "not a flow export journeymap can import "
                "(Amazon Connect, Twilio Studio, Genesys Archy)",
                "unknown-format",
            )
        ]
    try:
        return convert(fmt, data, Path(name).stem), []
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return None, [Problem(name, 1, 1, f"this {fmt} export cannot be read: {exc}", "bad-export")]


def journey_yaml(data: dict[str, Any]) -> str:
    """Journey data as a readable YAML file."""
    header = (
        "# yaml-language-server: $schema=journey.schema.json\n"
        "# Imported by `journeymap import`; each step's `source` is the vendor block it came "
        "from.\n"
    )
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return header + body
