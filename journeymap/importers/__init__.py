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
from . import connect, dialogflow, genesys, genesys_native, twilio

TEXT_READERS: tuple[ModuleType, ...] = ()
"""Readers of text telephony formats (see :mod:`.base`), asked in this order."""

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
