"""Read YAML text into plain data, keeping the position of every key and value.

Journey files are read with PyYAML's event parser (libyaml when present) and
assembled here, in one pass and without recursion, into plain ``dict`` /
``list`` / scalar data. While assembling we:

* keep mapping keys as the text written (``1:`` is the key ``"1"``, ``no:`` is
  the key ``"no"``), so YAML 1.1 word booleans never change a step id or a key;
* record the 1-based line and column of every key and every value, so that any
  later message can point at ``file:line:col``;
* refuse duplicate keys, explicit tags other than the plain-data ones (nothing
  in a file is ever constructed or run), alias bombs and over-deep nesting.

Nothing here knows about journeys; :mod:`journeymap.loader` does.

Examples
--------
>>> doc, problems = parse_yaml("nodes:\\n  1: {type: end}\\n  no: {type: end}\\n")
>>> sorted(doc.data["nodes"])
['1', 'no']
>>> doc.source.value(("nodes", "no"))
(3, 7)
>>> problems
[]
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # the C parser is an order of magnitude faster; fall back when libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path = tuple[str | int, ...]
"""A place in the data: mapping keys and sequence indexes from the root."""

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_TAG}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_COLLECTION_TAGS = {f"{_TAG}map", f"{_TAG}seq"}
_STR, _TIMESTAMP, _NULL = f"{_TAG}str", f"{_TAG}timestamp", f"{_TAG}null"
_BOOL, _INT, _FLOAT = f"{_TAG}bool", f"{_TAG}int", f"{_TAG}float"
_RESOLVED_FIRST = frozenset(yaml.resolver.Resolver.yaml_implicit_resolvers)
"""First characters of a plain scalar YAML may read as something other than text (a
number, a boolean, null): any other plain scalar is text, without trying the
resolver's patterns (PyYAML looks its patterns up by the first character too)."""


@dataclass(frozen=True)
class Limits:
    """Bounds that keep a hostile or broken file from hanging the tool."""

    max_bytes: int = 32 * 1024 * 1024
    """Largest file read, in bytes."""
    max_alias_nodes: int = 100_000
    """How many values aliases (``*name``) may expand to in all."""
    max_depth: int = 64
    """Deepest nesting of mappings and lists."""
    max_steps: int = 250_000
    """Most steps in one journey."""


@dataclass(frozen=True)
class SyntaxProblem:
    """Something wrong with the YAML itself, at a 1-based line and column."""

    line: int
    column: int
    message: str
    kind: str


def pack(pos: tuple[int, int]) -> int:
    """A ``(line, column)`` position as one int, as :class:`SourceMap` keeps it (a
    journey of 100,000 steps holds millions: a tuple and its line cost three times
    the memory).

    >>> unpack(pack((12, 7)))
    (12, 7)
    """
    return pos[0] << 32 | pos[1]


def unpack(packed: int) -> tuple[int, int]:
    """The ``(line, column)`` of a :func:`pack`-ed position."""
    return (packed >> 32, packed & 0xFFFFFFFF)


@dataclass
class SourceMap:
    """Where each key and value of a document stands in its file (1-based).

    ``values`` and ``keys`` map a path to a position :func:`pack`-ed into one int;
    read them with :meth:`value`, :meth:`key` and :meth:`value_at`, and write them
    with :meth:`set_value` and :meth:`set_key`.
    """

    values: dict[Path, int] = field(default_factory=dict)
    keys: dict[Path, int] = field(default_factory=dict)
    raw: dict[Path, str] = field(default_factory=dict)
    """The text written for values YAML read as numbers, booleans or null."""

    def value(self, path: Path) -> tuple[int, int]:
        """Position of the value at ``path``, or of its nearest recorded ancestor."""
        for i in range(len(path), -1, -1):
            pos = self.values.get(path[:i])
            if pos is not None:
                return unpack(pos)
        return (1, 1)

    def value_at(self, path: Path) -> tuple[int, int] | None:
        """Position of the value at exactly ``path`` (``None``: none recorded)."""
        pos = self.values.get(path)
        return None if pos is None else unpack(pos)

    def key(self, path: Path) -> tuple[int, int]:
        """Position of the key that names ``path`` (the value's when there is no key)."""
        pos = self.keys.get(path)
        return unpack(pos) if pos is not None else self.value(path)

    def set_value(self, path: Path, pos: tuple[int, int]) -> None:
        self.values[path] = pack(pos)

    def set_key(self, path: Path, pos: tuple[int, int]) -> None:
        self.keys[path] = pack(pos)


@dataclass
class YamlDocument:
    """Plain data read from one YAML document, with its source map."""

    data: Any
    source: SourceMap


class _Abort(Exception):
    """Stop reading: the problem recorded last makes going on pointless."""


@dataclass
class _Frame:
    container: dict[str, Any] | list[Any]
    path: Path
    anchor: str | None
    size: int = 1
    key: str | None = None
    key_pos: tuple[int, int] = (1, 1)
    key_path: Path = ()
    """``(*path, key)`` of the key read last: one tuple for the key's and the value's
    positions (a journey of 100,000 steps holds millions of them)."""
    merges: list[tuple[Any, tuple[int, int]]] = field(default_factory=list)


def _pos(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


def decode(raw: bytes) -> tuple[str | None, list[SyntaxProblem]]:
    """Turn file bytes into text, refusing binary files and bad encodings.

    UTF-8 (with or without a byte-order mark) and UTF-16/32 with a byte-order
    mark are accepted, as YAML allows.

    >>> decode(b"\\xef\\xbb\\xbfjourney: a")[0]
    'journey: a'
    >>> decode(b"a: caf\\xe9")[1][0].message
    'the file is not UTF-8 text: byte 0xE9 at line 1, column 7 cannot be read; save it as UTF-8'
    """
    for bom, codec in (
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(codec), []
            except UnicodeDecodeError:
                return None, [
                    SyntaxProblem(1, 1, f"the file starts like {codec} text but is not", "encoding")
                ]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw[:8192]:
        return None, [
            SyntaxProblem(
                1, 1, "the file looks binary (it holds NUL bytes), not YAML text", "binary"
            )
        ]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        byte = raw[exc.start]
        return None, [
            SyntaxProblem(
                line,
                column,
                f"the file is not UTF-8 text: byte 0x{byte:02X} at line {line}, column {column} "
                "cannot be read; save it as UTF-8",
                "encoding",
            )
        ]


_NOT_YAML = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _control_character(text: str) -> tuple[int, str] | None:
    """The first character YAML does not allow in a stream, with its index."""
    found = _NOT_YAML.search(text)
    return (found.start(), found.group(0)) if found else None


def _syntax_problem(exc: yaml.YAMLError, text: str) -> SyntaxProblem:
    """Say what a YAML parser error means, in plain words."""
    mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    problem = str(getattr(exc, "problem", None) or exc)
    line, column = _pos(mark) if mark is not None else (1, 1)
    char = text[mark.index] if mark is not None and 0 <= mark.index < len(text) else ""
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML refuses: say where
        at = _control_character(text)
        if at is not None:
            index, bad = at
            line = text.count("\n", 0, index) + 1
            column = index - (text.rfind("\n", 0, index) + 1) + 1
            return SyntaxProblem(
                line,
                column,
                f"the file holds a control character (U+{ord(bad):04X}) that YAML does not allow",
                "binary",
            )
    if char == "\t" or ("\t" in problem):
        return SyntaxProblem(
            line,
            column,
            "a tab character is used for indentation; YAML allows only spaces",
            "tab",
        )
    if "while scanning a quoted scalar" in str(getattr(exc, "context", "")):
        opened = _pos(context_mark) if context_mark is not None else (line, column)
        return SyntaxProblem(
            opened[0],
            opened[1],
            f"a quoted text opened at line {opened[0]}, column {opened[1]} is never closed",
            "unclosed-quote",
        )
    if "mapping values are not allowed" in problem:
        return SyntaxProblem(
            line,
            column,
            "a `:` stands where YAML does not expect one: put text that contains `: ` "
            "in quotes, or check the indentation",
            "syntax",
        )
    if "could not find expected ':'" in problem:
        return SyntaxProblem(
            line, column, "expected `key: value` here: is a `:` missing?", "syntax"
        )
    if "did not find expected" in problem or "expected <block end>" in problem:
        return SyntaxProblem(
            line,
            column,
            "the indentation is off: this line does not line up with the lines above it",
            "indentation",
        )
    if "control characters" in problem or "unacceptable character" in problem:
        return SyntaxProblem(
            line, column, "the file holds a control character that YAML does not allow", "binary"
        )
    words = problem.strip()
    context = getattr(exc, "context", None)
    if context:
        words = f"{words} ({str(context).strip()})"
    return SyntaxProblem(line, column, f"YAML syntax error: {words}", "syntax")


class _Reader:
    """Assemble parser events into data; see :func:`parse_yaml`."""

    def __init__(self, limits: Limits, top_keys: frozenset[str] | None = None) -> None:
        self.limits = limits
        self.top_keys = top_keys
        self.source = SourceMap()
        self.problems: list[SyntaxProblem] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.alias_nodes = 0
        self.resolver = yaml.resolver.Resolver()
        self.constructor = yaml.constructor.SafeConstructor()
        self.tag_cache: dict[str, str] = {}

    def fail(self, pos: tuple[int, int], message: str, kind: str) -> None:
        self.problems.append(SyntaxProblem(pos[0], pos[1], message, kind))

    def scalar(self, event: Any) -> Any:
        tag = event.tag
        value: str = event.value
        if tag in (None, "!"):
            if tag is None and event.implicit[0]:
                if value[:1] not in _RESOLVED_FIRST:
                    return value
                tag = self.tag_cache.get(value)
                if tag is None:
                    tag = self.resolver.resolve(  # type: ignore[no-untyped-call]
                        yaml.ScalarNode, value, (True, False)
                    )
                    if len(self.tag_cache) < 10_000:
                        self.tag_cache[value] = tag
            else:
                return value
        elif tag not in _SCALAR_TAGS:
            self.fail(_pos(event.start_mark), _tag_message(tag), "tag")
            raise _Abort
        if tag in (_STR, _TIMESTAMP):
            return value
        if tag == _NULL:
            return None
        node = yaml.ScalarNode(tag, value)
        try:
            if tag == _BOOL:
                return self.constructor.construct_yaml_bool(node)
            if tag == _INT:
                return self.constructor.construct_yaml_int(node)
            if tag == _FLOAT:
                return self.constructor.construct_yaml_float(node)
        except (ValueError, KeyError, TypeError):
            shown = value if len(value) <= 60 else f"{value[:40]}… ({len(value):,} characters)"
            self.fail(
                _pos(event.start_mark), f"`{shown}` cannot be read as {tag[len(_TAG) :]}", "tag"
            )
            return value
        return value  # a merge key or other resolver-only tag: keep the text

    def read(self, text: str) -> Any:
        root: Any = None
        stack: list[_Frame] = []
        documents = 0

        def attach(value: Any, pos: tuple[int, int], size: int, raw: str | None = None) -> None:
            nonlocal root
            if not stack:
                root = value
                self.source.values[()] = pos[0] << 32 | pos[1]
                return
            top = stack[-1]
            top.size += size
            if isinstance(top.container, dict):
                key = top.key
                assert key is not None
                top.key = None
                path = top.key_path
                if key == "<<":
                    top.merges.append((value, pos))
                    return
                top.container[key] = value
            else:
                path = (*top.path, len(top.container))
                top.container.append(value)
            self.source.values[path] = pos[0] << 32 | pos[1]
            if raw is not None:
                self.source.raw[path] = raw

        skipping = 0  # nesting inside the value of an unknown top-level key, not kept
        skip_pos = (1, 1)
        events: Iterator[Any] = yaml.parse(text, Loader=_Loader)
        ScalarEvent, AliasEvent = yaml.ScalarEvent, yaml.AliasEvent  # locals: a hot loop
        MappingStartEvent, MappingEndEvent = yaml.MappingStartEvent, yaml.MappingEndEvent
        SequenceStartEvent, SequenceEndEvent = yaml.SequenceStartEvent, yaml.SequenceEndEvent
        DocumentStartEvent = yaml.DocumentStartEvent
        for event in events:
            kind = type(event)
            if skipping:
                if kind is MappingStartEvent or kind is SequenceStartEvent:
                    skipping += 1
                    if len(stack) + skipping > self.limits.max_depth:
                        self.fail(
                            _pos(event.start_mark),
                            f"nesting is deeper than {self.limits.max_depth} levels; "
                            "a journey file is never this deep",
                            "too-deep",
                        )
                        raise _Abort
                elif kind is MappingEndEvent or kind is SequenceEndEvent:
                    skipping -= 1
                    if not skipping:
                        attach(None, skip_pos, 1)
                continue
            top = stack[-1] if stack else None
            if (
                self.top_keys is not None
                and len(stack) == 1
                and top is not None
                and isinstance(top.container, dict)
                and top.key is not None
                and top.key not in self.top_keys
                and (kind is MappingStartEvent or kind is SequenceStartEvent)
                and not event.anchor  # anchored values are read: aliases may use them
            ):
                # a structure check before the full model: the value of a top-level key
                # nobody reads is passed over, not built (a 30 MB list under a typo)
                skipping = 1
                skip_pos = _pos(event.start_mark)
                continue
            expecting_key = top is not None and isinstance(top.container, dict) and top.key is None
            if kind is ScalarEvent:
                pos = _pos(event.start_mark)
                if expecting_key:
                    assert top is not None and isinstance(top.container, dict)
                    key = event.value
                    if event.tag not in (None, "!") and event.tag not in _SCALAR_TAGS:
                        self.fail(pos, _tag_message(event.tag), "tag")
                        raise _Abort
                    if key in top.container:
                        first = self.source.key((*top.path, key))
                        self.fail(
                            pos,
                            f"duplicate key `{key}` (first written at line {first[0]}); "
                            "YAML keeps only one of them",
                            "duplicate-key",
                        )
                    top.key = key
                    top.key_pos = pos
                    top.key_path = key_path = (*top.path, key)
                    self.source.keys[key_path] = pos[0] << 32 | pos[1]
                    if event.anchor:
                        self.anchors[event.anchor] = (key, 1)
                    continue
                value = self.scalar(event)
                if event.anchor:
                    self.anchors[event.anchor] = (value, 1)
                attach(value, pos, 1, None if isinstance(value, str) else event.value)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                pos = _pos(event.start_mark)
                if expecting_key:
                    self.fail(pos, "a key must be plain text, not a mapping or a list", "syntax")
                    raise _Abort
                if event.tag not in (None, "!") and event.tag not in _COLLECTION_TAGS:
                    self.fail(pos, _tag_message(event.tag), "tag")
                    raise _Abort
                if len(stack) >= self.limits.max_depth:
                    self.fail(
                        pos,
                        f"nesting is deeper than {self.limits.max_depth} levels; "
                        "a journey file is never this deep",
                        "too-deep",
                    )
                    raise _Abort
                container: dict[str, Any] | list[Any] = {} if kind is MappingStartEvent else []
                if stack:
                    parent = stack[-1]
                    if isinstance(parent.container, dict):
                        assert parent.key is not None
                        path: Path = parent.key_path
                    else:
                        path = (*parent.path, len(parent.container))
                else:
                    path = ()
                attach(container, pos, 0)
                stack.append(_Frame(container, path, event.anchor))
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                frame = stack.pop()
                if frame.merges:
                    assert isinstance(frame.container, dict)
                    self.merge(frame)
                if stack:
                    stack[-1].size += frame.size
                if frame.anchor:
                    self.anchors[frame.anchor] = (frame.container, frame.size)
            elif kind is AliasEvent:
                pos = _pos(event.start_mark)
                if expecting_key:
                    self.fail(pos, "an alias (`*name`) cannot be used as a key", "syntax")
                    raise _Abort
                found = self.anchors.get(event.anchor)
                if found is None:
                    self.fail(
                        pos,
                        f"alias `*{event.anchor}` names no anchor defined before it "
                        "(or refers to the value that contains it)",
                        "alias",
                    )
                    raise _Abort
                value, size = found
                self.alias_nodes += size
                if self.alias_nodes > self.limits.max_alias_nodes:
                    self.fail(
                        pos,
                        f"aliases expand to more than {self.limits.max_alias_nodes:,} values "
                        "(an alias bomb?); the file is refused",
                        "alias-bomb",
                    )
                    raise _Abort
                attach(value, pos, size)
            elif kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    self.fail(
                        _pos(event.start_mark),
                        "a second YAML document (`---`) starts here; "
                        "a journey file holds exactly one",
                        "multiple-documents",
                    )
                    raise _Abort
        return root

    def merge(self, frame: _Frame) -> None:
        assert isinstance(frame.container, dict)
        for value, pos in frame.merges:
            sources = value if isinstance(value, list) else [value]
            for source in sources:
                if not isinstance(source, dict):
                    self.fail(pos, "`<<` merges only mappings", "syntax")
                    continue
                for key, item in source.items():
                    frame.container.setdefault(key, item)
                    self.source.values.setdefault((*frame.path, key), pack(pos))
                    self.source.keys.setdefault((*frame.path, key), pack(pos))


def _tag_message(tag: str) -> str:
    short = "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag
    return (
        f"the tag `{short}` is not allowed: journey files hold plain data "
        "(text, numbers, true/false, lists and mappings) and nothing in them is ever run"
    )


@contextmanager
def bulk() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while building many objects.

    Reading and auditing allocate millions of small objects that stay alive;
    every full collection would walk them all again. Nothing here creates
    cycles that need collecting before the work ends. Nested uses are fine.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_yaml(
    text: str, limits: Limits | None = None, top_keys: frozenset[str] | None = None
) -> tuple[YamlDocument | None, list[SyntaxProblem]]:
    """Read one YAML document into plain data and a :class:`SourceMap`.

    Returns the document (``None`` when the text could not be read at all) and
    every problem found. Keys are the text written; values are text, ``int``,
    ``float``, ``bool`` or ``None`` as YAML resolves them. With ``top_keys``, the
    value (a mapping or a list) of any other top-level key is passed over and read
    as ``None``: its key is still there, with its position, to be reported.
    """
    reader = _Reader(limits or Limits(), top_keys)
    try:
        data = reader.read(text)
    except _Abort:
        return None, reader.problems
    except yaml.YAMLError as exc:
        return None, [*reader.problems, _syntax_problem(exc, text)]
    except RecursionError:  # pragma: no cover - the depth limit stops this first
        return None, [SyntaxProblem(1, 1, "the file is nested too deeply", "too-deep")]
    return YamlDocument(data, reader.source), reader.problems
