"""Audit settings: one validated model, layered from several places.

Later layers win: the built-in defaults, then ``[tool.journeymap]`` in
``pyproject.toml`` or a ``.journeymap.yaml`` file, then a journey's own
``audit:`` block, then command-line flags.

Examples
--------
>>> base = Settings()
>>> base.max_hurdles, base.weights.menu
(6.0, 1.0)
>>> base.merged({"max_hurdles": 8, "weights": {"menu": 2}}).weights.menu
2.0
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from .findings import Severity
from .loader import FileChecker, Problem
from .model import AuditBlock, Ignore, Weights
from .source import SourceMap, parse_yaml
from .traffic.patience import Patience

CONFIG_FILE = ".journeymap.yaml"

DEFAULT_JARGON = (
    "ACD",
    "AHT",
    "ANI",
    "CSAT",
    "CRM",
    "DNIS",
    "DTMF",
    "ERP",
    "IVR",
    "KYC",
    "NPS",
    "SLA",
    "SKU",
    "contact flow",
    "disposition",
    "escalation queue",
    "Lambda",
    "provisioning",
    "tier 1",
    "tier 2",
    "ticket queue",
    "work item",
)
"""Words and acronyms that belong inside the company, not in a customer's ear."""

COMMON_ACRONYMS = (
    "AM",
    "ATM",
    "COVID",
    "DVD",
    "EU",
    "FAQ",
    "GPS",
    "ID",
    "OK",
    "PC",
    "PDF",
    "PIN",
    "PM",
    "SMS",
    "TV",
    "UK",
    "US",
    "USA",
    "USB",
    "ZIP",
)
"""Acronyms customers know; never reported as jargon."""


def _as_text(value: Any) -> Any:
    """A date written unquoted (YAML and TOML read ``2025-03-01`` as a date) as its text."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


ReportText = Annotated[str | None, BeforeValidator(_as_text)]


class ReportSettings(BaseModel):
    """What the cover of the HTML (printed) report says; nothing is shown that is not given,
    and no date is made up, so the same input gives the same report."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    client: ReportText = Field(None, description="who the report is for")
    author: ReportText = Field(None, description="who wrote it")
    scope: ReportText = Field(None, description="what was audited")
    date: ReportText = Field(None, description="the report's date, as it should be printed")


class Settings(BaseModel):
    """Every audit setting, with its default."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)

    select: list[str] = Field(default_factory=list, description="only these rules (ids/names)")
    ignore: Ignore = Field(default_factory=dict, description="rules switched off (ids/names)")
    fail_on_worse: str = Field(
        "",
        description="`journeymap diff`: figures whose worsening fails the check, e.g. "
        "`hurdles:1,handoffs:1,person`",
    )
    fail_on: Literal["critical", "high", "medium", "low", "info"] = Field(
        "high", description="exit 1 when a finding at or above this severity exists"
    )
    max_hurdles: float = Field(6.0, ge=0, le=1_000_000)
    max_menu_depth: int = Field(3, ge=0)
    max_menu_options: int = Field(5, ge=1)
    max_retries: int = Field(3, ge=0)
    max_handoffs: int = Field(2, ge=0)
    max_prompt_seconds: float = Field(20.0, gt=0, le=1_000_000)
    max_greeting_seconds: float = Field(8.0, gt=0, le=1_000_000)
    words_per_minute: float = Field(150.0, gt=0, le=100_000)
    jargon: list[str] = Field(default_factory=list, description="more jargon to flag")
    known_terms: list[str] = Field(
        default_factory=list, description="acronyms and names never flagged as jargon"
    )
    weights: Weights = Field(default_factory=Weights)
    report: ReportSettings = Field(
        default_factory=ReportSettings, description="the HTML report's cover"
    )
    patience: Patience = Field(
        default_factory=Patience,
        description="how customers behave in the expected-effort figures "
        "(journeymap.traffic.patience)",
    )

    def merged(self, layer: dict[str, Any]) -> Settings:
        """These settings with ``layer`` (plain data) on top; raises ValidationError."""
        data = self.model_dump(mode="python")
        for key, value in layer.items():
            if value is None:
                continue
            if key in ("weights", "report", "patience") and isinstance(value, dict):
                data[key] = {**data[key], **value}
            elif key in ("jargon", "known_terms") and isinstance(value, list):
                data[key] = [*data[key], *value]
            elif key == "ignore":
                data["ignore"] = {**data["ignore"], **_as_map(value)}
            else:
                data[key] = value
        return Settings.model_validate(data)

    @property
    def fail_severity(self) -> Severity:
        return Severity(self.fail_on)

    def for_journey(self, block: AuditBlock) -> Settings:
        """These settings with a journey's ``audit:`` block on top."""
        return self.merged(block.model_dump(exclude_unset=True))


def _as_map(value: Any) -> dict[str, str]:
    if isinstance(value, str):
        return {value: ""}
    if isinstance(value, list):
        return {str(v): "" for v in value}
    if isinstance(value, dict):
        return {str(k): "" if v is None else str(v) for k, v in value.items()}
    return {}


def load_config(path: Path) -> tuple[Settings | None, list[Problem]]:
    """Read settings from a ``.journeymap.yaml`` or a ``pyproject.toml``.

    A ``pyproject.toml`` without ``[tool.journeymap]`` gives the defaults.
    """
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(name, 1, 1, f"cannot read the settings file: {exc}", "config")]
    if path.suffix == ".toml":
        return _load_toml(name, text)
    doc, syntax = parse_yaml(text)
    problems = [Problem(name, p.line, p.column, p.message, p.kind) for p in syntax]
    if doc is None:
        return None, problems
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        return None, [Problem(name, 1, 1, "the settings file must be a mapping", "config")]
    try:
        return Settings().merged(data), problems
    except ValidationError as exc:
        checker = FileChecker(name, doc.source)
        for error in exc.errors():
            checker.pydantic_error(error, Settings, ())
        return None, [*problems, *checker.problems]


_DID_YOU_MEAN = re.compile(r"\(did you mean `[a-z_]+`\?\)")
_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
_TOML_TABLE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_TOML_KEY = re.compile(
    r"""^(\s*)((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=\s*"""
)
_TOML_PART = re.compile(r"""\s*("([^"]*)"|'([^']*)'|[A-Za-z0-9_-]+)\s*""")


def _toml_parts(dotted: str) -> list[str]:
    return [m.group(2) or m.group(3) or m.group(1) for m in _TOML_PART.finditer(dotted.strip())]


def _toml_source(text: str) -> tuple[SourceMap, dict[str, str]]:
    """Where each key of ``[tool.journeymap]`` stands (paths with ``-`` read as ``_``),
    and each key as written, by its read name; a line-level scan, enough to point at a
    key (tomllib keeps no positions)."""
    source = SourceMap()
    written: dict[str, str] = {}
    table: list[str] | None = None
    for number, row in enumerate(text.splitlines(), 1):
        header = _TOML_TABLE.match(row)
        if header:
            parts = _toml_parts(header.group(1))
            if parts[:2] == ["tool", "journeymap"]:
                table = [p.replace("-", "_") for p in parts[2:]]
                for p in parts[2:]:
                    written[p.replace("-", "_")] = p
                column = row.index("[") + 1
                if table:
                    source.set_key(tuple(table), (number, column))
                    source.set_value(tuple(table), (number, column))
                else:
                    source.set_value((), (number, column))
            else:
                table = None
            continue
        key = _TOML_KEY.match(row) if table is not None else None
        if key is None or table is None:
            continue
        parts = _toml_parts(key.group(2))
        for p in parts:
            written[p.replace("-", "_")] = p
        loc = (*table, *(p.replace("-", "_") for p in parts))
        source.set_key(loc, (number, len(key.group(1)) + 1))
        source.set_value(loc, (number, key.end() + 1))
    return source, written


def _normalised(table: dict[str, Any]) -> dict[str, Any]:
    """TOML keys with ``-`` read as ``_`` (``fail-on`` is ``fail_on``), in the table and
    in ``weights``; the keys of ``ignore`` (rule names) are kept as written."""
    found: dict[str, Any] = {}
    for key, value in table.items():
        key = key.replace("-", "_")
        if key in ("weights", "patience") and isinstance(value, dict):
            value = {k.replace("-", "_"): v for k, v in value.items()}
        found[key] = value
    return found


def _load_toml(name: str, text: str) -> tuple[Settings | None, list[Problem]]:
    """Settings from ``[tool.journeymap]`` of a ``pyproject.toml``, problems placed at
    the key as written, with the same words as a ``.journeymap.yaml``'s."""
    try:
        table = tomllib.loads(text).get("tool", {}).get("journeymap", {})
    except tomllib.TOMLDecodeError as exc:
        at = _TOML_AT.search(str(exc))
        line, column = (int(at.group(1)), int(at.group(2))) if at else (1, 1)
        message = _TOML_AT.sub("", str(exc)).strip()
        return None, [Problem(name, line, column, f"this is not valid TOML: {message}", "syntax")]
    if not isinstance(table, dict):
        return None, [Problem(name, 1, 1, "`tool.journeymap` must be a table", "config")]
    try:
        return Settings().merged(_normalised(table)), []
    except ValidationError as exc:
        source, written = _toml_source(text)
        checker = FileChecker(name, source)
        for error in exc.errors():
            checker.pydantic_error(error, Settings, ())
        dashed = any("-" in key for key in written.values())  # the file's own style
        problems = []
        for problem in checker.problems:
            message = problem.message
            for read, as_written in written.items():
                if read != as_written:
                    message = message.replace(f"`{read}`", f"`{as_written}`")
            if dashed:
                message = _DID_YOU_MEAN.sub(lambda m: m.group(0).replace("_", "-"), message)
            problems.append(dataclasses.replace(problem, message=f"[tool.journeymap] {message}"))
        return None, sorted(problems)


def find_config(start: Path) -> Path | None:
    """The settings file that applies in folder ``start``: in ``start`` or the nearest
    folder above it, up to the repository's root (the folder holding ``.git``), a
    ``.journeymap.yaml`` first, then a ``pyproject.toml`` with a ``[tool.journeymap]``
    table, as ruff looks for its settings."""
    folder = start.resolve()
    while True:
        found = _config_in(folder)
        if found is not None or (folder / ".git").exists() or folder.parent == folder:
            return found
        folder = folder.parent


def _config_in(start: Path) -> Path | None:
    candidate = start / CONFIG_FILE
    if candidate.is_file():
        return candidate
    pyproject = start / "pyproject.toml"
    if pyproject.is_file():
        try:
            if "journeymap" in tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}):
                return pyproject
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return pyproject  # load_config will say what is wrong
    return None
