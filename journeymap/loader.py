"""Load journey files: YAML -> validated models, with every problem located.

A file is read by :mod:`journeymap.source`, each step is validated with its
model from :mod:`journeymap.model`, and then the references are checked
(entries, targets, teams). Every problem of a file is reported in one run, each
with ``file:line:col`` and plain words; a file with any problem is refused.

Targets of the form ``JOURNEY:STEP`` name a step of another journey; they are
resolved by :func:`journeymap.reading.load_paths` across all the files of one run.

Examples
--------
>>> loaded, problems = load_journey_text('''
... journey: demo
... entry: hello
... nodes:
...   hello: {type: message, nxt: bye}
...   bye: {type: end}
... ''', "demo.yaml")
>>> print(problems[0])
demo.yaml:5:26: step `hello`: unknown key `nxt` (did you mean `next`?) [unknown-key]
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import select
import stat
import time
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from .model import STEP_TYPES, Journey
from .source import Limits, SourceMap, decode, parse_yaml
from .visible import visible

JOURNEY_SUFFIXES = (".yaml", ".yml")
NATIVE_GENESYS = re.compile(r"\.i3\w*Flow")
"""File endings of native Genesys Architect exports (``.i3InboundFlow``, ...)."""

Loc = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong with an input file, at a 1-based line and column."""

    file: str
    line: int
    column: int
    message: str
    kind: str

    def to_json(self) -> dict[str, str | int]:
        """``file``, ``line``, ``column``, ``message`` and ``kind``, for JSON reports."""
        return dataclasses.asdict(self)

    def __str__(self) -> str:
        """``file:line:col: message [kind]`` (``file: message`` for a problem with the
        file as a whole, line 0), with control characters made visible."""
        if self.line == 0:
            return visible(f"{self.file}: {self.message} [{self.kind}]")
        return visible(f"{self.file}:{self.line}:{self.column}: {self.message} [{self.kind}]")


@dataclass(frozen=True)
class CrossReference:
    """A ``JOURNEY:STEP`` target, kept until all files of a run are loaded."""

    journey: str
    step: str
    text: str
    where: str
    line: int
    column: int


@dataclass(frozen=True, eq=False)
class LoadedJourney:
    """A valid journey with the file it came from and where each part stands."""

    journey: Journey
    file: str
    source: SourceMap
    cross_references: tuple[CrossReference, ...] = ()
    step_files: dict[str, str] = field(default_factory=dict)
    """For a journey read from several files (a Dialogflow CX agent): the file of each
    step (others are in :attr:`file`)."""

    @property
    def id(self) -> str:
        return self.journey.journey

    def step_position(self, step_id: str) -> tuple[int, int]:
        """Line and column of a step's id in the file."""
        return self.source.key(("nodes", step_id))

    def position(self, path: Loc) -> tuple[int, int]:
        """Line and column of the value at ``path`` (or its nearest ancestor)."""
        return self.source.value(path)


@dataclass(frozen=True)
class LoadResult:
    """Everything one run loaded: the valid journeys and the problems."""

    journeys: tuple[LoadedJourney, ...]
    problems: tuple[Problem, ...]
    files: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems


def suggest(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean `x`?)`` for the nearest choice, or nothing.

    >>> suggest("nxt", ["next", "say"])
    ' (did you mean `next`?)'
    """
    matches = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f" (did you mean `{matches[0]}`?)" if matches else ""


def _looks_like_step(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("type"), str)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"`{str(value).lower()}` (true/false)"
    if isinstance(value, int) and value.bit_length() > 64:
        return f"a number of about {int(value.bit_length() * 0.30103) + 1:,} digits"
    if isinstance(value, int | float):
        return f"the number `{value}`"
    if isinstance(value, str):
        shown = " ".join(value.split())
        return f"the text `{shown if len(shown) <= 40 else shown[:39] + '…'}`"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__  # pragma: no cover


_PLACEHOLDER = re.compile(r"\{\{[^{}\n]{0,200}\}\}")
_GARBLED = frozenset({"syntax", "indentation", "tab", "unclosed-quote"})
"""YAML errors that, in a file with no `journey:` line, suggest it is not a journey at all."""
_JOURNEY_LINE = re.compile(r"^\s*['\"]?journey['\"]?\s*:", re.M)


READ_TOP_KEYS = frozenset(
    {
        # the journey format
        *Journey.model_fields,
        # vendor exports (what the importers read at the top level)
        "ContactFlow", "Content", "Name", "Type", "Version", "StartAction", "Metadata",
        "Actions", "Arn", "Id", "Description", "State", "Status", "Tags",
        "definition", "states", "initial_state", "flags", "friendly_name", "friendlyName",
        "sid", "revision", "status", "commit_message", "valid", "errors", "warnings",
        "modules", "version", "start", "metadata", "type",
        "inboundCall", "inqueueCall", "outboundCall", "inboundChat", "inboundShortMessage",
        "inboundEmail", "workflow", "botFlow", "digitalBotFlow", "commonModule",
    }
)  # fmt: skip
"""Top-level keys whose values are read in full; any other key's value (say a huge
list under a typo) is passed over before the model, and the key reported."""


def vendor_format(data: dict[str, Any]) -> str | None:
    """The contact-centre export ``data`` looks like, if any."""
    if "ContactFlow" in data or ("StartAction" in data and "Actions" in data):
        return "an Amazon Connect flow export"
    if ("states" in data and ("initial_state" in data or "flags" in data)) or "definition" in data:
        return "a Twilio Studio flow definition"
    if {"inboundCall", "inqueueCall", "outboundCall", "inboundChat", "inboundShortMessage"} & set(
        data
    ):
        return "a Genesys Cloud Architect (Archy) flow"
    if isinstance(data.get("modules"), list) and "start" in data:
        return "an Amazon Connect flow export (legacy)"
    return None


def _where(loc: Loc) -> str:
    if len(loc) >= 2 and loc[0] == "nodes":
        return f"step `{loc[1]}`: "
    if len(loc) >= 2 and loc[0] == "teams":
        return f"team `{loc[1]}`: "
    if loc and loc[0] == "audit":
        return "audit settings: "
    return ""


def _name(loc: Loc) -> str:
    """How to call the key at ``loc`` in a message: `next`, `tags` item 2."""
    if not loc:
        return "the file"
    if loc == ("journey",):
        return "the journey id"
    last = loc[-1]
    if isinstance(last, int):
        return f"item {last + 1} of {_name(loc[:-1])}"
    if len(loc) >= 2 and loc[-2] in ("options", "branches"):
        return f"{'option' if loc[-2] == 'options' else 'branch'} `{last}`"
    return f"`{last}`"


_EXPECTED = {
    "entry": "a step id or a list of step ids",
    "ignore": "a rule name, a list of rule names, or a mapping of rule name to reason",
}


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model that validates the mapping at ``loc`` below ``model``."""
    annotation: Any = model
    i = 0
    while True:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if i == len(loc):
                return annotation
            info = annotation.model_fields.get(str(loc[i]))
            if info is None:
                return None
            annotation = info.annotation
        elif typing.get_origin(annotation) in (dict, list) and i < len(loc):
            annotation = typing.get_args(annotation)[-1]
        else:
            return None
        i += 1


def _is_long_form(model: type[BaseModel] | None) -> bool:
    return model is not None and "to" in model.model_fields


class FileChecker:
    """Validate one file's data and turn every error into a located Problem."""

    def __init__(self, file: str, source: SourceMap) -> None:
        self.file = file
        self.source = source
        self.problems: list[Problem] = []

    def add(self, pos: tuple[int, int], message: str, kind: str) -> None:
        self.problems.append(Problem(self.file, pos[0], pos[1], message, kind))

    def pydantic_error(self, error: Any, model: type[BaseModel], prefix: Loc) -> None:
        rel: Loc = tuple(error["loc"])
        loc: Loc = prefix + rel
        kind = error["type"]
        where = _where(loc)
        value = error.get("input")
        ctx = error.get("ctx") or {}
        if kind == "extra_forbidden":
            parent = _model_at(model, rel[:-1])
            valid = list(parent.model_fields) if parent else []
            key = str(loc[-1])
            hint = suggest(key, valid)
            if not hint and " " in key.strip():
                hint = " (inside `{...}` a `,` starts a new key: put text with commas in quotes)"
            if not hint and len(loc) == 3 and loc[0] == "nodes" and _looks_like_step(value):
                hint = (
                    f": it looks like a step indented too far (a step id sits directly under "
                    f"`nodes`, at the same indent as `{loc[1]}`)"
                )
            self.add(self.source.key(loc), f"{where}unknown key `{key}`{hint}", "unknown-key")
            return
        if kind == "missing":
            self.add(
                self.source.value(loc[:-1]),
                f"{where}missing required key `{loc[-1]}`",
                "missing-key",
            )
            return
        pos = self.source.value(loc)
        name = _name(loc)
        if kind == "literal_error":
            expected = ctx.get("expected", "")
            options = [o.strip(" '") for o in expected.replace(" or ", ", ").split(",")]
            hint = suggest(str(value), options) if isinstance(value, str) else ""
            raw = self.source.raw.get(loc)
            shown = (
                f"`{value}`" if isinstance(value, str) else f"`{raw}`" if raw else _describe(value)
            )
            self.add(
                pos,
                f"{where}{name} cannot be {shown}; use one of: {', '.join(options)}{hint}",
                "bad-value",
            )
            return
        if kind == "string_pattern_mismatch":
            self.add(
                pos,
                f"{where}{name} `{value}` may use only letters, digits, `-`, `_` and `.`",
                "bad-value",
            )
            return
        if kind in ("too_short", "string_too_short"):
            self.add(pos, f"{where}{name} must not be empty", "bad-value")
            return
        bound = {
            "greater_than_equal": ("at least", "ge"),
            "greater_than": ("more than", "gt"),
            "less_than_equal": ("at most", "le"),
            "less_than": ("less than", "lt"),
        }.get(kind)
        if bound is not None:
            self.add(
                pos,
                f"{where}{name} is {value:g}; it must be {bound[0]} {ctx.get(bound[1]):g}",
                "bad-value",
            )
            return
        expected_kind = {
            "string_type": "text",
            "bool_type": "true or false",
            "int_type": "a whole number",
            "float_type": "a number",
            "list_type": "a list",
            "dict_type": "a mapping (`key: value` lines)",
            "model_type": "a mapping (`key: value` lines)",
            "model_attributes_type": "a mapping (`key: value` lines)",
        }.get(kind)
        if kind == "finite_number":
            self.add(
                pos,
                f"{where}{name} must be a finite number, not {_describe(error.get('input'))}",
                "bad-value",
            )
            return
        if expected_kind is None:
            self.add(pos, f"{where}{name}: {error['msg']}", "bad-value")
            return
        target_model = _model_at(model, rel)
        last = str(loc[-1]) if loc else ""
        if kind in ("model_type", "model_attributes_type") and _is_long_form(target_model):
            expected_kind = "a step id or a mapping with `to`"
        elif last in _EXPECTED and kind in ("list_type", "dict_type"):
            expected_kind = _EXPECTED[last]
        raw = self.source.raw.get(loc)
        if raw is not None and len(raw) > 60:  # never echo a huge value back in full
            raw = f"{raw[:40]}… ({len(raw):,} characters)"
        hint = ""
        if expected_kind == "text" and raw is not None and "…" not in raw:
            hint = f' (write "{raw}" in quotes to mean the text)'
        shown = f"`{raw}`" if raw is not None else _describe(value)
        self.add(pos, f"{where}{name} must be {expected_kind}, not {shown}{hint}", "wrong-type")


def _check_steps(checker: FileChecker, nodes: dict[str, Any]) -> dict[str, Any]:
    """Validate each step with its own model; return the valid ones."""
    valid: dict[str, Any] = {}
    for step_id, data in nodes.items():
        loc: Loc = ("nodes", step_id)
        if ":" in step_id:
            checker.add(
                checker.source.key(loc),
                f"step id `{step_id}` may not contain `:` (it separates journey and step "
                "in targets such as `billing:queue`)",
                "bad-value",
            )
        if not isinstance(data, dict):
            checker.add(
                checker.source.value(loc),
                f"step `{step_id}` must be a mapping with a `type`, not {_describe(data)}",
                "wrong-type",
            )
            continue
        step_type = data.get("type")
        if "type" not in data:
            checker.add(
                checker.source.key(loc),
                f"step `{step_id}` has no `type` (one of: {', '.join(STEP_TYPES)})",
                "missing-type",
            )
            continue
        model = STEP_TYPES.get(step_type) if isinstance(step_type, str) else None
        if model is None:
            hint = suggest(step_type, STEP_TYPES) if isinstance(step_type, str) else ""
            shown = f"`{step_type}`" if isinstance(step_type, str) else _describe(step_type)
            checker.add(
                checker.source.value((*loc, "type")),
                f"step `{step_id}`: unknown step type "
                f"{shown}{hint}; "
                f"use one of: {', '.join(STEP_TYPES)}",
                "unknown-type",
            )
            continue
        try:
            valid[step_id] = model.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                checker.pydantic_error(error, model, loc)
    return valid


def _check_references(
    checker: FileChecker,
    steps: dict[str, Any],
    raw_steps: dict[str, Any],
    team_ids: set[str] | None,
    entry: Any,
) -> list[CrossReference]:
    step_ids = set(raw_steps)
    cross: list[CrossReference] = []
    entries = [entry] if isinstance(entry, str) else entry if isinstance(entry, list) else []
    for i, name in enumerate(entries):
        if isinstance(name, str) and name not in step_ids:
            loc: Loc = ("entry",) if isinstance(entry, str) else ("entry", i)
            checker.add(
                checker.source.value(loc),
                f"entry `{name}` names no step of this journey{suggest(name, step_ids)}",
                "unknown-target",
            )
    for step_id, step in steps.items():
        base: Loc = ("nodes", step_id)
        for way in step.exits():
            loc = (*base, *way.path)
            target = way.route.to
            pos = checker.source.value(
                (*loc, "to") if (*loc, "to") in checker.source.values else loc
            )
            what = _name(loc) if way.kind in ("option", "branch") else f"`{way.path[0]}`"
            if ":" in target:
                journey, _, step_name = target.partition(":")
                cross.append(
                    CrossReference(
                        journey, step_name, target, f"step `{step_id}`: {what}", pos[0], pos[1]
                    )
                )
            elif target not in step_ids:
                checker.add(
                    pos,
                    f"step `{step_id}`: {what} leads to `{target}`, which is no step of this "
                    f"journey{suggest(target, step_ids)}",
                    "unknown-target",
                )
        for i, used in enumerate(step.__dict__.get("uses") or ()):
            if used not in step_ids:
                checker.add(
                    checker.source.value((*base, "uses", i)),
                    f"step `{step_id}`: `uses` names `{used}`, which is no step of this "
                    f"journey{suggest(used, step_ids)}",
                    "unknown-target",
                )
    if team_ids is None:
        return cross
    for step_id, data in raw_steps.items():
        team = data.get("team") if isinstance(data, dict) else None
        if isinstance(team, str) and team not in team_ids:
            declared = (
                f"declared teams: {', '.join(sorted(team_ids))}" if team_ids else "none declared"
            )
            checker.add(
                checker.source.value(("nodes", step_id, "team")),
                f"step `{step_id}`: team `{team}` is not declared under `teams`"
                f"{suggest(team, team_ids)} ({declared})",
                "unknown-team",
            )
    return cross


def load_journey_text(
    text: str, file: str = "<text>", limits: Limits | None = None
) -> tuple[LoadedJourney | None, list[Problem]]:
    """Load one journey from journey YAML text (the format itself, no vendor export;
    :func:`journeymap.reading.load_text` reads those too).

    Returns the journey (``None`` when the file has any problem) and the
    problems, sorted by position. ``JOURNEY:STEP`` targets are not checked
    here; see :func:`journeymap.reading.load_paths`.
    """
    checker, data, problems = parse_text(text, file, limits)
    if checker is None:
        return None, problems
    return check_data(data, checker, limits)


def parse_text(
    text: str, file: str, limits: Limits | None = None
) -> tuple[FileChecker | None, Any, list[Problem]]:
    """Parse YAML (or JSON) text: a checker holding the positions and the data, or
    ``None`` and the problems that stop the file (broken syntax, a placeholder, an
    empty file)."""
    doc, syntax = parse_yaml(text, limits, READ_TOP_KEYS)
    problems = [Problem(file, p.line, p.column, p.message, p.kind) for p in syntax]
    placeholder = placeholder_problem(text, file)
    if placeholder and (  # Twilio's `{{widgets...}}` are expressions, not placeholders
        doc is None or (isinstance(doc.data, dict) and "Genesys" in (vendor_format(doc.data) or ""))
    ):
        return None, None, [placeholder]
    if doc is None:
        garbled = any(p.kind in _GARBLED for p in syntax)
        if garbled and not _JOURNEY_LINE.search(text):
            problems.append(
                Problem(
                    file,
                    1,
                    1,
                    "this does not look like a journey file (it has no `journey:` line)",
                    "not-a-journey",
                )
            )
        return None, None, sorted(problems)
    checker = FileChecker(file, doc.source)
    checker.problems.extend(problems)
    if doc.data is None:
        checker.add(
            (1, 1),
            "the file is empty: a journey needs at least `journey`, `entry` and `nodes`",
            "empty",
        )
        return None, None, checker.problems
    return checker, doc.data, []


def check_data(
    data: Any, checker: FileChecker, limits: Limits | None = None, supported: str = ""
) -> tuple[LoadedJourney | None, list[Problem]]:
    """Check parsed data as a journey. A vendor export that reached here is one no
    reader took: it is named, with ``supported`` (the formats that are read)."""
    if not isinstance(data, dict):
        checker.add(
            checker.source.value(()),
            f"the top level must be a mapping with `journey`, `entry` and `nodes`, "
            f"not {_describe(data)}",
            "not-a-journey",
        )
        return None, checker.problems
    vendor = vendor_format(data)
    if vendor or not {k.lower() for k in data} & set(Journey.model_fields):
        what = f"it looks like {vendor}" if vendor else "it has no `journey`, `entry` or `nodes`"
        keys = ", ".join(f"`{k}`" for k in list(data)[:5])
        support = f" (journeymap reads {supported})" if vendor and supported else ""
        checker.add(
            checker.source.value(()),
            f"this is not a journey file: {what}{support} (its keys: {keys})",
            "not-a-journey" if vendor else "other-yaml",
        )
        return None, checker.problems
    return check_journey(data, checker, limits)


def check_imported(
    imported: dict[str, Any], checker: FileChecker, paths: dict[str, Loc], limits: Limits | None
) -> tuple[LoadedJourney | None, list[Problem]]:
    """Check journey data an importer made from an export, each step placed at its
    vendor block (``paths``: block -> where it stands in the parsed export)."""
    checker.source = _vendor_source_map(checker.source, paths, imported)
    return check_journey(imported, checker, limits)


def add_problem(checker: FileChecker, message: str, kind: str) -> list[Problem]:
    """The checker's problems with one more at the top of the file."""
    checker.add(checker.source.value(()), message, kind)
    return checker.problems


def placeholder_problem(text: str, file: str) -> Problem | None:
    """A problem naming the first ``{{...}}`` template placeholder in ``text``, if any."""
    placeholder = _PLACEHOLDER.search(text)
    if placeholder is None:
        return None
    line = text.count("\n", 0, placeholder.start()) + 1
    column = placeholder.start() - (text.rfind("\n", 0, placeholder.start()) + 1) + 1
    return Problem(
        file,
        line,
        column,
        f"the file still holds a template placeholder `{placeholder.group(0)}`: fill in "
        "the template (for example with Terraform) and audit the result",
        "template",
    )


def _vendor_source_map(
    original: SourceMap, paths: dict[str, Loc], imported: dict[str, Any]
) -> SourceMap:
    """Positions for an imported journey: each step at its vendor block in the export."""
    blocks = {block: original.value(path) for block, path in paths.items()}
    top = original.value(())
    source = SourceMap()
    source.set_value((), top)
    for step_id, step in imported["nodes"].items():
        position = blocks.get(str(step.get("source")), top)
        source.set_value(("nodes", step_id), position)
        source.set_key(("nodes", step_id), position)
    return source


def check_journey(
    data: dict[str, Any], checker: FileChecker, limits: Limits | None
) -> tuple[LoadedJourney | None, list[Problem]]:
    """Validate journey data (from a journey file or an import) and its references."""
    file = checker.file
    nodes = data.get("nodes")
    limits = limits or Limits()
    if isinstance(nodes, dict) and len(nodes) > limits.max_steps:
        checker.add(
            checker.source.key(("nodes",)),
            f"the journey has {len(nodes):,} steps, over the limit of {limits.max_steps:,} "
            "(raise it with --max-steps)",
            "too-many-steps",
        )
        return None, checker.problems
    raw_steps: dict[str, Any] = nodes if isinstance(nodes, dict) else {}
    steps = _check_steps(checker, raw_steps)
    step_errors = bool(checker.problems)
    top = dict(data)
    if isinstance(nodes, dict):
        top["nodes"] = steps
    try:
        journey: Journey | None = Journey.model_validate(top)
    except ValidationError as exc:
        journey = None
        for error in exc.errors():
            loc = tuple(error["loc"])
            if loc[:1] == ("nodes",) and len(loc) > 1:
                continue  # steps were validated one by one above
            if loc == ("nodes",) and error["type"] == "too_short" and step_errors:
                continue
            checker.pydantic_error(error, Journey, ())
    teams = data.get("teams", {})
    team_ids = set(teams) if isinstance(teams, dict) else None
    cross = _check_references(checker, steps, raw_steps, team_ids, data.get("entry"))
    misnamed = _misnamed_keys(data)
    if misnamed:
        checker.problems = _without_cascade(checker.problems, misnamed)
    if checker.problems or journey is None:
        return None, sorted(checker.problems)
    return LoadedJourney(journey, file, checker.source, tuple(cross)), []


STEP_WORDS = frozenset({"steps", "step", "states", "blocks", "node", "pages", "actions"})
"""What people write for ``nodes``."""


def _misnamed_keys(data: dict[str, Any]) -> dict[str, str]:
    """Top-level keys of the format that are missing, each with the unknown key written
    in its place (``steps`` for ``nodes``, ``tems`` for ``teams``)."""
    fields = [f for f in Journey.model_fields if f not in data]
    found: dict[str, str] = {}
    for key in data:
        if not isinstance(key, str) or key in Journey.model_fields:
            continue
        if key.lower() in STEP_WORDS and "nodes" in fields:
            found.setdefault("nodes", key)
            continue
        close = difflib.get_close_matches(key, fields, n=1, cutoff=0.6)
        if close:
            found.setdefault(close[0], key)
    return found


def _without_cascade(problems: list[Problem], misnamed: dict[str, str]) -> list[Problem]:
    """One problem for a misnamed top-level key, not one more per use of the key it
    stands for: no "missing `nodes`" and "entry names no step" after ``steps:``, no
    "team not declared" per step after ``tems:``."""
    kept: list[Problem] = []
    for problem in problems:
        if problem.kind == "missing-key" and any(
            problem.message.endswith(f"missing required key `{known}`") for known in misnamed
        ):
            continue
        if (
            "nodes" in misnamed
            and problem.kind == "unknown-target"
            and problem.message.startswith("entry `")
        ):
            continue
        if "teams" in misnamed and problem.kind == "unknown-team":
            continue
        for known, written in misnamed.items():
            if problem.kind == "unknown-key" and problem.message.startswith(
                f"unknown key `{written}`"
            ):
                hint = (
                    "the steps go under `nodes`"
                    if known == "nodes" and written.lower() in STEP_WORDS
                    else f"did you mean `{known}`?"
                )
                problem = dataclasses.replace(problem, message=f"unknown key `{written}` ({hint})")
        kept.append(problem)
    return kept


def read_file(
    path: str | os.PathLike[str], limits: Limits | None = None
) -> tuple[str | None, list[Problem]]:
    """Read a file's text, refusing missing, oversized, binary or badly encoded files."""
    limits = limits or Limits()
    name = str(path)
    mib = 1024 * 1024
    too_large = Problem(
        name,
        1,
        1,
        f"the file is over the limit of {limits.max_bytes / mib:.3g} MiB "
        "(raise it with --max-file-size)",
        "too-large",
    )
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            return None, [Problem(name, 1, 1, "this is a folder, not a file", "unreadable")]
        if info.st_size > limits.max_bytes:
            return None, [
                Problem(
                    name,
                    1,
                    1,
                    f"the file is {info.st_size / mib:.1f} MiB, over the limit of "
                    f"{limits.max_bytes / mib:.1f} MiB (raise it with --max-file-size)",
                    "too-large",
                )
            ]
        if stat.S_ISREG(info.st_mode):
            with open(path, "rb") as handle:
                raw = handle.read(limits.max_bytes + 1)
        else:  # a pipe, FIFO or device: read what comes, within the limits, never block
            streamed = _read_stream(path, limits.max_bytes + 1, PIPE_SECONDS)
            if streamed is None:
                return None, [
                    Problem(
                        name,
                        1,
                        1,
                        f"nothing could be read from this pipe or device within {PIPE_SECONDS} s",
                        "unreadable",
                    )
                ]
            raw = streamed
    except OSError as exc:
        return None, [Problem(name, 1, 1, f"cannot read the file: {exc.strerror}", "unreadable")]
    if len(raw) > limits.max_bytes:
        return None, [too_large]
    text, problems = decode(raw)
    return text, [Problem(name, p.line, p.column, p.message, p.kind) for p in problems]


PIPE_SECONDS = 10
"""How long a pipe or FIFO given as input may stay silent before it is given up."""


def _read_stream(path: str | os.PathLike[str], limit: int, seconds: float) -> bytes | None:
    """Up to ``limit`` bytes from a pipe, FIFO or device, opened without blocking, so a
    FIFO nobody writes to is an empty read, not a hang; None when it stays silent."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        chunks: list[bytes] = []
        size = 0
        deadline = time.monotonic() + seconds
        while size < limit:
            left = deadline - time.monotonic()
            if left <= 0:
                return None if not chunks else b"".join(chunks)
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(fd, min(1 << 20, limit - size))
            except BlockingIOError:
                continue
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def resolve_cross_references(journeys: Sequence[LoadedJourney]) -> list[Problem]:
    """Check ``JOURNEY:STEP`` targets and journey ids across one run."""
    problems: list[Problem] = []
    by_id: dict[str, LoadedJourney] = {}
    for loaded in journeys:
        first = by_id.get(loaded.id)
        if first is not None:
            line, column = loaded.position(("journey",))
            problems.append(
                Problem(
                    loaded.file,
                    line,
                    column,
                    f"journey id `{loaded.id}` is already used by {first.file}; "
                    "journey ids must be unique in a run",
                    "duplicate-journey",
                )
            )
        else:
            by_id[loaded.id] = loaded
    for loaded in journeys:
        for ref in loaded.cross_references:
            other = by_id.get(ref.journey)
            if other is None:
                message = (
                    f"{ref.where} leads to `{ref.text}`, but no journey `{ref.journey}` is part "
                    f"of this run{suggest(ref.journey, by_id)}; add its file to the command"
                )
            elif ref.step not in other.journey.nodes:
                message = (
                    f"{ref.where} leads to `{ref.text}`, but journey `{ref.journey}` "
                    f"({other.file}) has no step `{ref.step}`"
                    f"{suggest(ref.step, other.journey.nodes)}"
                )
            else:
                continue
            problems.append(Problem(loaded.file, ref.line, ref.column, message, "unknown-target"))
    return problems


def one_run(
    loaded: Sequence[LoadedJourney], problems: Sequence[Problem], files: Sequence[str]
) -> LoadResult:
    """The journeys loaded for one run, their ``JOURNEY:STEP`` targets checked across
    them (a journey whose targets name nothing in the run is left out, with why)."""
    kept = list(loaded)
    found = list(problems)
    cross = resolve_cross_references(kept)
    if cross:
        bad = {p.file for p in cross}
        kept = [j for j in kept if j.file not in bad]
        found.extend(cross)
    return LoadResult(tuple(kept), tuple(sorted(found)), tuple(files))
