"""Contact logs laid on the designed graph: what customers actually did.

:func:`read_traffic` streams a log of contacts, maps every row to a step of the
run's graph, and reports per journey the observed share of each route, the
share of contacts who gave up at each step, the time spent there, the steps no
contact visited, and the routes contacts took that the design does not have
(*drift*). :func:`with_observed_shares` puts the observed shares on the graph,
so :mod:`journeymap.traffic.expected` can use them instead of assumed ones.

Logs read
---------
================================  ==================================================
format                            what a row (an entry) is
================================  ==================================================
generic event log, CSV            one row per step a contact passed: contact id,
(``.csv``, ``.tsv``; ``#``        step id (or the vendor block id in the step's
comment lines at the top are      ``source``, or ``JOURNEY:STEP``), timestamp (ISO 8601
skipped) or Parquet               or seconds since 1970), and optionally ``result``:
(``.parquet``, with pyarrow)      the way the contact left the step (an option key,
                                  a branch label or a route kind)
Amazon Connect flow logs          the JSON entry Connect writes per block
(JSON lines, as exported from     (``ContactId``, ``Identifier``: the block id,
CloudWatch; a leading timestamp   ``ContactFlowModuleType``, ``Timestamp``,
or a ``message`` wrapper is       ``Results``)
accepted)
Twilio Studio execution steps     the Step resource of the Executions API
(a page ``{"steps": [...]}``,     (``execution_sid``, ``transitioned_from``,
a list of steps, or one step per  ``transitioned_to``, ``name``: the event,
line)                             ``date_created``); ``Ended`` after a ``hangup``
                                  means the caller hung up
================================  ==================================================

Column names of a generic log, any case: contact ``contact_id``, ``contact``,
``case_id``, ``case:concept:name`` (XES), ``session_id``, ``call_id``,
``conversation_id``, ``execution_sid``; step ``step``, ``step_id``, ``block``,
``block_id``, ``activity``, ``concept:name`` (XES), ``identifier``, ``node``;
time ``timestamp``, ``time``, ``time:timestamp`` (XES), ``event_time``,
``start_time``, ``date``; result ``result``, ``results``, ``route``, ``choice``.

How rows become a contact's way through the design
--------------------------------------------------
* Rows are grouped by contact and sorted by timestamp (file order breaks ties),
  so rows need not be in order. Memory is bounded: a contact whose last row
  lies more than ``window`` rows back (default 100,000) is taken as complete.
  Rows of a contact that come after that (the log is grouped some other way, or
  very long contacts interleave with very many others) are counted as *late*,
  reported at their first line, and left out.
* A row names a step by its id, ``JOURNEY:STEP``, or the vendor block id in its
  ``source``. Where several steps share a block (an imported queue and its agent),
  the one the previous step leads to is taken; steps an importer made from one
  block between two logged ones (a Twilio queue's agent) are filled in. Two
  rows in a row for the same step, where the design has no loop there, are one
  visit (platforms log some blocks twice).
* A row that names no step is reported once per block (with its first
  ``file:line:column``) and skipped: the contact goes on from its last known step.
  Malformed rows (a missing field, a timestamp that cannot be read) are problems
  at their ``file:line:column`` (for Parquet: row and column number) and skipped.
* How a contact ended is read from its last step: an ``end`` gives its outcome;
  an ``external`` step or a ``redirect`` that ends the conversation means the
  contact went on elsewhere; in an Amazon Connect flow log a queue (or agent)
  means the contact left the flow for a person (the log stops there), and so
  does a queue or agent in any log when no contact of the log ever went on from
  it (the log ends where a person takes over). Anywhere else the contact *gave
  up* there (hung up, closed the chat, abandoned the queue); Twilio's ``hangup``
  says so outright.
* Observed share of a route = contacts who took it / contacts who left the
  step by any route (a retry back into the same step counts as leaving it).
  When two routes join the same two steps, the row's ``result`` (or Twilio's
  event) tells which, matched against the option key, branch label, route kind
  or label; otherwise the count is split equally between them.
* Time spent at a step = the time from its row to the contact's next row.

Examples
--------
>>> from journeymap.reading import load_text
>>> from journeymap.graph import build_graph
>>> loaded, _ = load_text('''
... journey: demo
... entry: menu
... nodes:
...   menu: {type: menu, options: {"1": bye, "0": desk}}
...   desk: {type: agent, next: bye}
...   bye: {type: end}
... ''')
>>> log = '''contact_id,step,timestamp
... a,menu,2025-03-03T08:00:00Z
... a,bye,2025-03-03T08:00:09Z
... b,menu,2025-03-03T08:00:01Z
... b,desk,2025-03-03T08:00:05Z
... '''
>>> t = read_traffic_text(log, build_graph([loaded]))
>>> demo = t.journeys["demo"]
>>> [(r.target, r.share) for r in demo.routes if r.source == "menu"]
[('bye', 0.5), ('desk', 0.5)]
>>> demo.outcomes  # the log never goes on from `desk`: it ends where a person answers
{'resolved': 1, 'to_person': 1}
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import hashlib
import importlib
import io
import json
import math
import os
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import IO, Any, NamedTuple

import networkx as nx

from ..analysis import Analysis
from ..config import Settings
from ..loader import Problem
from ..model import PERSON_TYPES
from .expected import JourneyEffort, run_effort

WINDOW = 100_000
"""Rows after a contact's last row at which it is taken as complete."""
MAX_PROBLEMS = 50
"""Bad rows reported one by one; the rest are counted in one more problem."""
MAX_DISTINCT = 1000
"""Distinct unknown blocks and drift routes kept; more are counted together."""
MAX_ROWS_PER_CONTACT = 10_000
"""Rows kept per contact; more are counted as a problem and left out."""
FORMATS = ("csv", "parquet", "connect", "twilio")

CONTACT_COLUMNS = (
    "contact_id",
    "contact",
    "contactid",
    "case_id",
    "case",
    "case:concept:name",
    "session_id",
    "call_id",
    "conversation_id",
    "execution_sid",
)
STEP_COLUMNS = (
    "step",
    "step_id",
    "block",
    "block_id",
    "activity",
    "concept:name",
    "identifier",
    "node",
)
TIME_COLUMNS = ("timestamp", "time", "time:timestamp", "event_time", "start_time", "date")
RESULT_COLUMNS = ("result", "results", "route", "choice")


# -- rows ------------------------------------------------------------------------------


class Event(NamedTuple):
    """One row of a log: a contact passed a block at a time."""

    contact: str
    block: str
    time: float
    """Seconds since 1970 (UTC)."""
    line: int
    column: int
    """Where the block id stands (for an unknown block)."""
    result: str | None = None
    """How the contact left this block (Connect ``Results``, a CSV ``result``)."""
    came_by: str | None = None
    """How the contact left the previous block (Twilio's event ``name``)."""
    ended: bool = False
    """The platform says the contact ended here (Twilio ``Ended``)."""
    hangup: bool = False
    """... because the customer hung up."""
    came_from: str | None = None
    """The block the contact left for this one (Twilio's ``transitioned_from``): orders
    rows of the same instant (Studio stamps whole seconds)."""


def parse_time(value: Any) -> float | None:
    """Seconds since 1970 from an ISO 8601 text (``Z`` or an offset; none is UTC),
    seconds or milliseconds since 1970, or a datetime; ``None`` if unreadable or not a
    time a calendar holds (years 1 to 9999: no ``nan``, ``inf`` or 400-digit numbers).

    >>> parse_time("2025-03-03T08:00:00Z"), parse_time("1741000000000")
    (1740988800.0, 1741000000.0)
    >>> parse_time(float("nan")), parse_time("1" * 400), parse_time(1e308)
    (None, None, None)
    """
    found = _seconds(value)
    if found is None or not _EARLIEST <= found <= _LATEST:  # NaN fails both
        return None
    return found


_EARLIEST = -62_135_596_800.0
"""0001-01-01T00:00:00Z in seconds since 1970."""
_LATEST = 253_402_300_799.0
"""9999-12-31T23:59:59Z in seconds since 1970."""


def _epoch(number: float) -> float:
    """Seconds since 1970 from seconds or milliseconds (beyond 1e11 s, year 5138, a
    number can only be milliseconds)."""
    return number / 1000.0 if abs(number) > 1e11 else number


def _seconds(value: Any) -> float | None:
    if isinstance(value, datetime.datetime):
        dt = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        return _epoch(float(value))
    elif isinstance(value, str):
        if value.isdigit():  # whole seconds or milliseconds since 1970
            if len(value) > 20:
                return None
            return _epoch(float(value))
        try:
            dt = datetime.datetime.fromisoformat(value)  # the common case, "...Z" included
        except ValueError:
            text = value.strip()
            if not text or len(text) > 64:
                return None
            if text[0].isdigit() and text.replace(".", "", 1).isdigit():
                return _epoch(float(text))
            if text.endswith(("Z", "z")):
                text = text[:-1] + "+00:00"
            try:
                dt = datetime.datetime.fromisoformat(text)
            except ValueError:
                return None
    else:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.UTC)
    try:
        return dt.timestamp()
    except (OverflowError, ValueError):  # year 1 with an offset that leaves the calendar
        return None


def _pick(names: list[str], wanted: tuple[str, ...]) -> int | None:
    lowered = [n.strip().lower() for n in names]
    for want in wanted:
        if want in lowered:
            return lowered.index(want)
    return None


def _field_column(raw: str, delimiter: str, index: int) -> int:
    """1-based column where field ``index`` of a CSV line starts (quotes respected)."""
    field_no, quoted = 0, False
    for pos, char in enumerate(raw):
        if field_no == index:
            return pos + 1
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            field_no += 1
    return len(raw) + 1


class _Lines:
    """A text file's lines with their numbers; ``#`` comment lines at the top are
    skipped (and counted)."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle
        self.number = 0
        self.last = ""
        self.header_comments = True

    def __iter__(self) -> Iterator[str]:
        for line in self.handle:
            self.number += 1
            if self.header_comments and (line.startswith("#") or not line.strip()):
                continue
            self.header_comments = False
            self.last = line
            yield line


def _csv_events(name: str, handle: IO[str]) -> Iterator[Event | Problem]:
    lines = _Lines(handle)
    iterator = iter(lines)
    first = next(iterator, None)
    if first is None:
        yield Problem(name, 0, 0, "the log is empty", "bad-log")
        return
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    if first.count(";") > max(first.count(","), first.count("\t")):
        delimiter = ";"
    header = next(csv.reader([first], delimiter=delimiter))
    header_line = lines.number
    columns = {
        "contact": _pick(header, CONTACT_COLUMNS),
        "step": _pick(header, STEP_COLUMNS),
        "time": _pick(header, TIME_COLUMNS),
    }
    missing = [k for k, v in columns.items() if v is None]
    if missing:
        what = {"contact": CONTACT_COLUMNS, "step": STEP_COLUMNS, "time": TIME_COLUMNS}
        wanted = "; ".join(f"{k}: one of {', '.join(what[k][:4])} ..." for k in missing)
        yield Problem(
            name,
            header_line,
            1,
            f"the header row names no column for the {' and '.join(missing)} ({wanted})",
            "bad-log",
        )
        return
    ci, si, ti = columns["contact"], columns["step"], columns["time"]
    assert ci is not None and si is not None and ti is not None
    ri = _pick(header, RESULT_COLUMNS)
    needed = max(ci, si, ti)
    reader = csv.reader(iterator, delimiter=delimiter)
    try:
        for row in reader:
            line = lines.number
            if len(row) <= needed:
                if not row or not any(cell.strip() for cell in row):
                    continue
                yield Problem(
                    name,
                    line,
                    1,
                    f"this row has {len(row)} field{'s' if len(row) != 1 else ''}; "
                    f"the header has {len(header)}",
                    "bad-log",
                )
                continue
            contact, block, stamp = row[ci].strip(), row[si].strip(), row[ti]
            if not contact or not block:
                index = ci if not contact else si
                absent = "contact id" if not contact else "step"
                yield Problem(
                    name,
                    line,
                    _field_column(lines.last, delimiter, index),
                    f"this row has no {absent}",
                    "bad-log",
                )
                continue
            when = parse_time(stamp)
            if when is None:
                yield Problem(
                    name,
                    line,
                    _field_column(lines.last, delimiter, ti),
                    f"`{stamp[:40]}` is not a timestamp (ISO 8601, e.g. 2025-03-03T08:00:00Z, "
                    "or seconds since 1970)",
                    "bad-log",
                )
                continue
            result = row[ri].strip() or None if ri is not None and ri < len(row) else None
            column = (
                1 + si + sum(map(len, row[:si]))
                if '"' not in lines.last
                else _field_column(lines.last, delimiter, si)
            )
            yield Event(contact, block, when, line, column, result)
    except csv.Error as exc:
        yield Problem(name, lines.number, 1, f"this is not valid CSV: {exc}", "bad-log")


def _column(event: Event) -> int:
    return event.column


def _parquet_events(name: str, path: str) -> Iterator[Event | Problem]:
    try:
        parquet = importlib.import_module("pyarrow.parquet")
    except ImportError:
        yield Problem(
            name,
            0,
            0,
            "reading Parquet needs pyarrow: pip install 'journeymap[parquet]'",
            "bad-log",
        )
        return
    try:
        handle: Any = parquet.ParquetFile(path)
        header = list(handle.schema_arrow.names)
    except Exception as exc:  # pyarrow raises its own error types
        yield Problem(name, 0, 0, f"this is not a Parquet file pyarrow can read: {exc}", "bad-log")
        return
    ci, si, ti = (
        _pick(header, CONTACT_COLUMNS),
        _pick(header, STEP_COLUMNS),
        _pick(header, TIME_COLUMNS),
    )
    if ci is None or si is None or ti is None:
        yield Problem(name, 0, 0, "the Parquet file has no contact, step or time column", "bad-log")
        return
    ri = _pick(header, RESULT_COLUMNS)
    wanted = [header[i] for i in (ci, si, ti) + ((ri,) if ri is not None else ())]
    row = 0
    for batch in handle.iter_batches(batch_size=65536, columns=wanted):
        cols = [batch.column(k).to_pylist() for k in range(len(wanted))]
        for values in zip(*cols, strict=True):
            row += 1
            contact, block, stamp = values[0], values[1], values[2]
            result = values[3] if ri is not None else None
            if contact in (None, "") or block in (None, ""):
                yield Problem(
                    name, row, (ci if not contact else si) + 1, "no contact id or step", "bad-log"
                )
                continue
            when = parse_time(stamp)
            if when is None:
                yield Problem(
                    name, row, ti + 1, f"`{str(stamp)[:40]}` is not a timestamp", "bad-log"
                )
                continue
            yield Event(
                str(contact), str(block), when, row, si + 1, None if result is None else str(result)
            )


class _BadJson(Exception):
    """A JSON text that cannot be read, with where (1-based, within the text)."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def _loads(text: str) -> Any:
    """``json.loads``, with every way it can fail turned into :class:`_BadJson`: bad
    syntax, nesting deeper than Python recurses, a number of more digits than Python
    reads."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _BadJson(f"not valid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise _BadJson("JSON nested too deep to read (a log entry is never this deep)") from None
    except ValueError:  # int_max_str_digits: a number of thousands of digits
        raise _BadJson("a number of thousands of digits cannot be read") from None


def _json_records(name: str, handle: IO[str]) -> Iterator[tuple[int, int, Any] | Problem]:
    """JSON values from a JSON-lines file (a prefix before the first ``{`` is
    skipped, as in CloudWatch exports), or from one JSON document when the file
    opens with a list or with a line that opens an object (``{`` or ``{"steps": [``,
    as printed by the API)."""
    first_data: str | None = None
    number = 0
    for line in handle:
        number += 1
        text = line.strip()
        if not text:
            continue
        if first_data is None:
            first_data = text
            if text.startswith("[") or (text.startswith("{") and text.endswith(("{", "["))):
                rest = handle.read(_DOCUMENT_LIMIT)
                if handle.read(1):
                    yield Problem(
                        name,
                        number,
                        1,
                        "a single JSON document this large cannot be read in bounded memory: "
                        "write one entry per line (JSON lines)",
                        "bad-log",
                    )
                    return
                try:
                    doc = _loads(line + rest)
                except _BadJson as exc:
                    yield Problem(name, number + exc.line - 1, exc.column, exc.message, "bad-log")
                    return
                yield (number, 1, doc)
                return
        start = text.find("{")
        if start < 0:
            yield Problem(name, number, 1, "this line holds no JSON object", "bad-log")
            continue
        try:
            record = _loads(text[start:])
        except _BadJson as exc:
            yield Problem(name, number, start + exc.column, exc.message, "bad-log")
            continue
        yield (number, start + 1, record)


_DOCUMENT_LIMIT = 256 * 1024 * 1024


def _connect_events(name: str, handle: IO[str]) -> Iterator[Event | Problem]:
    for item in _json_records(name, handle):
        if isinstance(item, Problem):
            yield item
            continue
        line, column, record = item
        for entry in record if isinstance(record, list) else [record]:
            if isinstance(entry, dict) and "ContactId" not in entry:
                message = entry.get("message") or entry.get("@message")
                if isinstance(message, str) and message.lstrip().startswith("{"):
                    with contextlib.suppress(_BadJson):
                        entry = _loads(message)
            if not isinstance(entry, dict):
                yield Problem(name, line, column, "this entry is not a JSON object", "bad-log")
                continue
            contact, block = entry.get("ContactId"), entry.get("Identifier")
            if not contact:
                yield Problem(name, line, column, "this entry has no `ContactId`", "bad-log")
                continue
            if not block:
                yield Problem(
                    name,
                    line,
                    column,
                    f"this {entry.get('ContactFlowModuleType', '')} entry has no `Identifier` "
                    "(the block id; flow logs before 2021 lack it)",
                    "bad-log",
                )
                continue
            when = parse_time(entry.get("Timestamp"))
            if when is None:
                yield Problem(
                    name, line, column, "this entry has no readable `Timestamp`", "bad-log"
                )
                continue
            results = entry.get("Results")
            yield Event(
                str(contact),
                str(block),
                when,
                line,
                column,
                None if results in (None, "") else str(results),
            )


def _twilio_events(name: str, handle: IO[str]) -> Iterator[Event | Problem]:
    for item in _json_records(name, handle):
        if isinstance(item, Problem):
            yield item
            continue
        line, column, record = item
        if isinstance(record, dict) and isinstance(record.get("steps"), list):
            steps = record["steps"]
        elif isinstance(record, list):
            steps = record
        else:
            steps = [record]
        for step in steps:
            if not isinstance(step, dict):
                yield Problem(name, line, column, "this step is not a JSON object", "bad-log")
                continue
            contact = step.get("execution_sid") or step.get("engagement_sid")
            to, came_from = step.get("transitioned_to"), step.get("transitioned_from")
            when = parse_time(step.get("date_created"))
            if not contact or not to or when is None:
                yield Problem(
                    name,
                    line,
                    column,
                    "this step lacks `execution_sid`, `transitioned_to` or a readable "
                    "`date_created`",
                    "bad-log",
                )
                continue
            event = str(step.get("name") or "") or None
            if to == "Ended":
                if came_from and came_from != "Trigger":
                    yield Event(
                        str(contact),
                        str(came_from),
                        when,
                        line,
                        column,
                        came_by=None,
                        ended=True,
                        hangup=event == "hangup",
                        result=event,
                        came_from=str(came_from),
                    )
                continue
            yield Event(
                str(contact),
                str(to),
                when,
                line,
                column,
                came_by=event,
                came_from=None if came_from in (None, "Trigger") else str(came_from),
            )


def detect_format(path: str) -> str:
    """``csv``, ``parquet``, ``connect`` or ``twilio``, by the file's name and first bytes."""
    if path.lower().endswith((".parquet", ".pq")):
        return "parquet"
    try:
        with open(path, "rb") as handle:
            head = handle.read(65536).decode("utf-8", errors="replace").lstrip("\ufeff")
    except OSError:
        return "csv"
    return _format_of(head)


def _format_of(head: str) -> str:
    body = "\n".join(line for line in head.splitlines() if not line.startswith("#")).strip()
    if "{" in body.split("\n", 1)[0] or body.startswith("["):
        if "transitioned_to" in body or "execution_sid" in body:
            return "twilio"
        return "connect"
    return "csv"


def read_events(
    path: str | os.PathLike[str], fmt: str | None = None
) -> tuple[str, Iterator[Event | Problem]]:
    """The format of a log and its rows, streamed (problems in between)."""
    name = str(path)
    kind = fmt or detect_format(name)
    if kind == "parquet":
        return kind, _parquet_events(name, name)

    def rows() -> Iterator[Event | Problem]:
        try:
            with open(name, encoding="utf-8-sig", errors="strict", newline="") as handle:
                yield from _text_events(kind, name, handle)
        except OSError as exc:
            yield Problem(name, 0, 0, f"cannot read the log: {exc.strerror or exc}", "unreadable")
        except UnicodeDecodeError as exc:
            yield Problem(name, 0, 0, f"the log is not UTF-8 text: {exc.reason}", "unreadable")

    return kind, rows()


def _text_events(kind: str, name: str, handle: IO[str]) -> Iterator[Event | Problem]:
    if kind == "connect":
        return _connect_events(name, handle)
    if kind == "twilio":
        return _twilio_events(name, handle)
    if kind == "csv":
        return _csv_events(name, handle)
    raise ValueError(f"unknown log format `{kind}` (one of {', '.join(FORMATS)})")


# -- results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StepTraffic:
    """What contacts did at one step."""

    step: str
    """The step id (``JOURNEY:STEP`` for a step of another journey)."""
    contacts: int
    """Contacts who reached the step."""
    visits: int
    gave_up: int
    """Contacts whose last step this was, without an end (see the module's docs)."""
    abandonment: float
    """``gave_up / contacts``."""
    seconds: float | None
    """Mean time from a visit's row to the contact's next row (``None``: never followed)."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RouteTraffic:
    """How often contacts left a step by one designed route."""

    source: str
    target: str
    kind: str
    choice: str | None
    count: float
    """Contacts (a route that shares its two steps with another may get half a count)."""
    share: float
    """``count`` / contacts who left ``source`` by any route."""
    design_share: float | None
    """The ``share`` the file gives the route, for comparison."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Drift:
    """A way contacts went that the design does not have."""

    source: str | None
    """``None``: contacts started at ``target``, which is no entry."""
    target: str
    count: int
    example: str
    """One contact that went this way."""
    file: str
    line: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class UnknownBlock:
    """A step or block id of the log that names no step of the design."""

    block: str
    rows: int
    file: str
    line: int
    column: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class JourneyTraffic:
    """The observed traffic of one journey (contacts that started in it)."""

    journey: str
    contacts: int
    outcomes: dict[str, int]
    """Contacts by how they ended: end outcomes, ``gave_up``, ``to_person``
    (left a flow log at a queue), ``outside``, ``redirected``."""
    steps: tuple[StepTraffic, ...]
    """Steps contacts reached, in file order."""
    routes: tuple[RouteTraffic, ...]
    never_visited: tuple[str, ...]
    drift: tuple[Drift, ...]
    jump_ship: tuple[StepTraffic, ...]
    """Steps where contacts gave up, the most first."""

    def off_design(self, gap: float = 0.1) -> tuple[RouteTraffic, ...]:
        """Routes whose observed share differs from the file's ``share`` by ``gap`` or
        more and by more than three standard errors of the observed share (so a handful
        of contacts is never called a difference), the largest difference first: where
        the design's shares, and the expected figures built on them, are out of date.

        >>> r = RouteTraffic("menu", "pay", "option", "1", 80.0, 0.8, 0.5)
        >>> t = JourneyTraffic("j", 100, {}, (), (r,), (), (), ())
        >>> [x.target for x in t.off_design()]
        ['pay']
        """
        left: dict[str, float] = {}
        for r in self.routes:
            left[r.source] = left.get(r.source, 0.0) + r.count
        found = []
        for r in self.routes:
            n = left.get(r.source, 0.0)
            if r.design_share is None or n <= 0:
                continue
            diff = abs(r.share - r.design_share)
            error = math.sqrt(max(r.design_share * (1 - r.design_share), 1 / n) / n)
            if diff >= gap and diff > 3 * error:
                found.append(r)
        return tuple(
            sorted(found, key=lambda r: (-abs(r.share - (r.design_share or 0.0)), r.source))
        )

    def slowest(self, top: int = 5) -> tuple[StepTraffic, ...]:
        """The steps where contacts spent the most time on average, the longest first."""
        timed = [s for s in self.steps if s.seconds]
        return tuple(sorted(timed, key=lambda s: (-(s.seconds or 0.0), s.step))[:top])

    def to_json(self) -> dict[str, Any]:
        return {
            "journey": self.journey,
            "contacts": self.contacts,
            "outcomes": dict(self.outcomes),
            "steps": [s.to_json() for s in self.steps],
            "routes": [r.to_json() for r in self.routes],
            "never_visited": list(self.never_visited),
            "drift": [d.to_json() for d in self.drift],
            "jump_ship": [{"step": s.step, "abandonment": s.abandonment} for s in self.jump_ship],
        }


@dataclass(frozen=True)
class Traffic:
    """Everything one log says about a run's journeys."""

    file: str
    format: str
    rows: int
    contacts: int
    journeys: dict[str, JourneyTraffic]
    unknown: tuple[UnknownBlock, ...]
    problems: tuple[Problem, ...]
    """Bad rows, unknown blocks and late rows, at their ``file:line:column``."""
    late_rows: int
    unordered_rows: int
    """Rows whose timestamp is earlier than their contact's row before (sorted here)."""
    route_counts: dict[tuple[str, int], float] = field(repr=False, default_factory=dict)
    """Contacts per (graph node, route index), for :func:`with_observed_shares`."""
    departures: dict[str, int] = field(repr=False, default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "rows": self.rows,
            "contacts": self.contacts,
            "late_rows": self.late_rows,
            "unordered_rows": self.unordered_rows,
            "journeys": {k: v.to_json() for k, v in self.journeys.items()},
            "unknown": [u.to_json() for u in self.unknown],
            "problems": [p.to_json() for p in self.problems],
        }


# -- laying contacts on the graph -----------------------------------------------------------


class _Seen:
    """Contacts already taken as complete: a Bloom filter of fixed size (8 MiB), so a
    late row is recognised in bounded memory (a false alarm is about 1 in 10,000 at a
    million contacts)."""

    BITS = 1 << 26

    def __init__(self) -> None:
        self.bits = bytearray(self.BITS // 8)

    def _positions(self, key: str) -> tuple[int, int, int]:
        digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest()
        number = int.from_bytes(digest, "little")
        first, step = number & 0xFFFFFFFF, (number >> 32) | 1  # double hashing
        bits = self.BITS
        return first % bits, (first + step) % bits, (first + 2 * step) % bits

    def add(self, key: str) -> None:
        for pos in self._positions(key):
            self.bits[pos >> 3] |= 1 << (pos & 7)

    def __contains__(self, key: str) -> bool:
        bits = self.bits
        return all(bits[pos >> 3] & (1 << (pos & 7)) for pos in self._positions(key))


class _Layer:
    """Maps contacts' rows onto the graph and counts what they did."""

    def __init__(self, graph: nx.MultiDiGraph, name: str, fmt: str) -> None:
        self.graph = graph
        self.file = name
        self.format = fmt
        self.data: dict[str, dict[str, Any]] = dict(graph.nodes(data=True))
        self.routes: dict[str, list[tuple[str, dict[str, Any]]]] = {n: [] for n in graph}
        for u, v, d in graph.edges(data=True):
            self.routes[u].append((v, d))
        self.succ = {n: {v for v, _ in r} for n, r in self.routes.items()}
        self.ways: dict[tuple[str, str], list[tuple[int, dict[str, Any]]]] = {}
        for node, routes in self.routes.items():
            for k, (target, data) in enumerate(routes):
                self.ways.setdefault((node, target), []).append((k, data))
        self.resolved: dict[tuple[str, str | None], str | None] = {}
        self.by_id: dict[str, list[str]] = {}
        self.by_source: dict[str, list[str]] = {}
        for node, data in self.data.items():
            self.by_id.setdefault(node, []).append(node)
            self.by_id.setdefault(data["step"], []).append(node)
            source = data["model"].source
            if source:
                self.by_source.setdefault(str(source), []).append(node)
        self.entries = {n for n, d in self.data.items() if d["entry"]}
        self.contacts = 0
        self.rows = 0
        self.reached: dict[str, int] = {}
        self.visits: dict[str, int] = {}
        self.gave_up: dict[str, int] = {}
        self.time_sum: dict[str, float] = {}
        self.time_n: dict[str, int] = {}
        self.route_counts: dict[tuple[str, int], float] = {}
        self.departures: dict[str, int] = {}
        self.outcomes: dict[str, dict[str, int]] = {}
        self.person_stops: dict[tuple[str, str], int] = {}
        """Contacts (by the journey they started in) whose log stops at a queue or agent."""
        self.contacts_of: dict[str, int] = {}
        self.drift: dict[tuple[str | None, str], list[Any]] = {}
        self.drift_other = 0
        self.unknown: dict[str, list[Any]] = {}
        self.unknown_other = 0
        self.unordered = 0

    # -- which step a row names

    def resolve(self, block: str, previous: str | None) -> str | None:
        key = (block, previous)
        try:
            return self.resolved[key]
        except KeyError:
            pass
        found = self._resolve(block, previous)
        if len(self.resolved) > 200_000:  # bounded: garbage ids must not grow it
            self.resolved.clear()
        self.resolved[key] = found
        return found

    def _resolve(self, block: str, previous: str | None) -> str | None:
        candidates = self.by_id.get(block) or self.by_source.get(block)
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0]
        if previous is not None:
            nexts = [c for c in candidates if c in self.succ[previous]]
            if nexts:
                return nexts[0]
            journey = self.data[previous]["journey"]
            here = [c for c in candidates if self.data[c]["journey"] == journey]
            if here:
                return here[0]
        starts = [c for c in candidates if c in self.entries]
        return (starts or candidates)[0]

    def fill(self, previous: str, node: str) -> list[str]:
        """Steps an importer made from ``previous``'s block that lie between it and
        ``node`` (not logged by the platform), when ``node`` does not follow directly."""
        if node in self.succ[previous]:
            return []
        source = self.data[previous]["model"].source
        if not source:
            return []
        frontier: list[tuple[str, list[str]]] = [(previous, [])]
        for _ in range(3):
            following: list[tuple[str, list[str]]] = []
            for at, path in frontier:
                for nxt in self.succ[at]:
                    if self.data[nxt]["model"].source != source or nxt in path or nxt == previous:
                        continue
                    if node in self.succ[nxt]:
                        return [*path, nxt]
                    following.append((nxt, [*path, nxt]))
            frontier = following
        return []

    # -- one contact

    def _path(
        self, events: list[Event], start: str | None = None
    ) -> tuple[list[tuple[str, float, Event]], list[Event], int]:
        """The steps a contact's rows name, the rows that name none, and how many of
        its moves the design has (to choose between readings of an ambiguous first
        row)."""
        path: list[tuple[str, float, Event]] = []
        unknown: list[Event] = []
        designed = 0
        for event in events:
            previous = path[-1][0] if path else None
            if previous is None and start is not None:
                node: str | None = start
            else:
                node = self.resolve(event.block, previous)
            if node is None:
                unknown.append(event)
                continue
            if previous is not None:
                if node == previous and node not in self.succ[node] and not event.ended:
                    continue  # the same block logged twice
                between = self.fill(previous, node)
                for step in between:
                    path.append((step, event.time, event))
                if node in self.succ[between[-1] if between else previous]:
                    designed += 1
            if event.ended and path and path[-1][0] == node:
                path[-1] = (node, path[-1][1], event)
                continue
            path.append((node, event.time, event))
        return path, unknown, designed

    def contact(self, contact: str, events: list[Event]) -> None:
        events.sort(key=_time)  # stable: rows of one instant keep their order
        if self.format == "twilio":
            events = _chained(events)
        self.rows += len(events)
        path, unknown, _ = self._path(events)
        if path and len(events) > 1:
            starts = self.by_id.get(events[0].block) or self.by_source.get(events[0].block) or []
            if len(starts) > 1:  # a step id several journeys have: the reading the design fits
                readings = [self._path(events, start) for start in starts[:8]]
                best = max(
                    range(len(readings)),
                    key=lambda k: (readings[k][2], starts[k] in self.entries, -k),
                )
                path, unknown, _ = readings[best]
        for event in unknown:
            self._unknown(event)
        if not path:
            return
        last, _, final = path[-1]
        if final.ended and not final.hangup and self.data[last]["type"] != "end":
            ending = self._designed_end(last, final.result)
            if ending is not None:  # the platform ended it where the design has an end
                path.append((ending, final.time, final._replace(ended=False)))
        self.contacts += 1
        first = path[0][0]
        journey = self.data[first]["journey"]
        self.contacts_of[journey] = self.contacts_of.get(journey, 0) + 1
        if first not in self.entries:
            self._drift(None, first, contact, path[0][2])
        for node in {p[0] for p in path}:
            self.reached[node] = self.reached.get(node, 0) + 1
        for k, (node, when, event) in enumerate(path):
            self.visits[node] = self.visits.get(node, 0) + 1
            if k + 1 == len(path):
                break
            nxt, nxt_when, nxt_event = path[k + 1]
            self.time_sum[node] = self.time_sum.get(node, 0.0) + max(0.0, nxt_when - when)
            self.time_n[node] = self.time_n.get(node, 0) + 1
            self._route(node, nxt, event.result or nxt_event.came_by, contact, nxt_event)
        last, final = path[-1][0], path[-1][2]
        outcome = self._ending(last, final)
        counts = self.outcomes.setdefault(journey, {})
        counts[outcome] = counts.get(outcome, 0) + 1
        if outcome == "gave_up" and not final.hangup and self.data[last]["type"] in PERSON_TYPES:
            key = (journey, last)
            self.person_stops[key] = self.person_stops.get(key, 0) + 1

    def settle(self) -> None:
        """Contacts whose log stops at a queue or agent that no contact of the log ever
        went on from: this log ends where a person takes over (an IVR's log hands over
        to the ACD), so they reached a person (``to_person``), not gave up. Where some
        contacts did go on, the log records what follows, and stopping there is giving
        up (abandoning in the queue)."""
        for (journey, node), count in sorted(self.person_stops.items()):
            if self.departures.get(node, 0):
                continue
            self.gave_up[node] -= count
            if not self.gave_up[node]:
                del self.gave_up[node]
            counts = self.outcomes[journey]
            counts["gave_up"] -= count
            if not counts["gave_up"]:
                del counts["gave_up"]
            counts["to_person"] = counts.get("to_person", 0) + count
        self.person_stops.clear()

    def _designed_end(self, node: str, event: str | None) -> str | None:
        ends = [v for v, _ in self.routes[node] if self.data[v]["type"] == "end"]
        if not ends:
            return None
        wanted = (event or "").lower()
        named = [v for v in ends if wanted and wanted in self.data[v]["step"].lower()]
        return (named or ends)[0]

    def _route(self, u: str, v: str, result: str | None, contact: str, event: Event) -> None:
        ways = self.ways.get((u, v))
        if not ways:
            self._drift(u, v, contact, event)
            return
        self.departures[u] = self.departures.get(u, 0) + 1
        if len(ways) == 1:
            key1 = (u, ways[0][0])
            self.route_counts[key1] = self.route_counts.get(key1, 0.0) + 1.0
            return
        if result:
            wanted = result.strip().lower()
            matching = [
                (k, d)
                for k, d in ways
                if wanted
                in {str(x).lower() for x in (d.get("choice"), d["kind"], d.get("label")) if x}
            ]
            ways = matching or ways
        for k, _ in ways:
            key = (u, k)
            self.route_counts[key] = self.route_counts.get(key, 0.0) + 1.0 / len(ways)

    def _ending(self, node: str, event: Event) -> str:
        kind = self.data[node]["type"]
        model = self.data[node]["model"]
        if event.hangup:
            self.gave_up[node] = self.gave_up.get(node, 0) + 1
            return "gave_up"
        if kind == "end":
            return str(model.outcome)
        if kind == "external":
            return "outside"
        if kind == "redirect" and model.next is None:
            return "redirected"
        if self.format == "connect" and kind in PERSON_TYPES:
            return "to_person"
        if event.ended:  # the platform ended it by design, past the last step logged
            return "ended"
        self.gave_up[node] = self.gave_up.get(node, 0) + 1
        return "gave_up"

    def _drift(self, u: str | None, v: str, contact: str, event: Event) -> None:
        key = (u, v)
        found = self.drift.get(key)
        if found is not None:
            found[0] += 1
        elif len(self.drift) < MAX_DISTINCT:
            self.drift[key] = [1, contact, event.line]
        else:
            self.drift_other += 1

    def _unknown(self, event: Event) -> None:
        found = self.unknown.get(event.block)
        if found is not None:
            found[0] += 1
        elif len(self.unknown) < MAX_DISTINCT:
            self.unknown[event.block] = [1, event.line, _column(event)]
        else:
            self.unknown_other += 1


def _time(event: Event) -> float:
    return event.time


def _chained(events: list[Event]) -> list[Event]:
    """Rows of one instant put in the order their ``came_from`` links them (each after
    the row of the block it came from), whatever order the log lists them in.

    >>> rows = [Event("x", "b", 1.0, 2, 1, came_from="a"), Event("x", "a", 1.0, 1, 1)]
    >>> [e.block for e in _chained(rows)]
    ['a', 'b']
    """
    ordered: list[Event] = []
    k = 0
    while k < len(events):
        end = k
        while end < len(events) and events[end].time == events[k].time:
            end += 1
        tied = events[k:end]
        current = ordered[-1].block if ordered else None
        while tied:
            blocks = {e.block for e in tied}
            pick = next(
                (e for e in tied if current is not None and e.came_from == current),
                next((e for e in tied if e.came_from not in blocks), tied[0]),
            )
            tied.remove(pick)
            ordered.append(pick)
            current = pick.block
        k = end
    return ordered


def read_traffic(
    path: str | os.PathLike[str],
    graph: nx.MultiDiGraph,
    fmt: str | None = None,
    window: int = WINDOW,
) -> Traffic:
    """Read the contact log at ``path`` and lay it on ``graph`` (the run's graph, from
    :func:`journeymap.graph.build_graph`). ``fmt`` forces a format (see
    :data:`FORMATS`); ``window`` bounds memory (see the module's docs). Never raises
    on a bad log: what is wrong is in :attr:`Traffic.problems`."""
    kind, events = read_events(path, fmt)
    return lay(events, graph, str(path), kind, window)


def read_traffic_text(
    text: str, graph: nx.MultiDiGraph, fmt: str | None = None, name: str = "<log>"
) -> Traffic:
    """:func:`read_traffic` of a log held in a string (CSV, Connect or Twilio)."""
    kind = fmt or _format_of(text[:65536])
    return lay(_text_events(kind, name, io.StringIO(text)), graph, name, kind)


def lay(
    events: Iterable[Event | Problem],
    graph: nx.MultiDiGraph,
    name: str,
    fmt: str,
    window: int = WINDOW,
    on_contact: Callable[[str], None] | None = None,
) -> Traffic:
    """Group streamed rows by contact and lay each contact on ``graph`` (see the
    module's docs for the rules); the work of :func:`read_traffic`."""
    layer = _Layer(graph, name, fmt)
    problems: list[Problem] = []
    extra_problems = 0
    open_contacts: OrderedDict[str, list[Any]] = OrderedDict()  # contact: [last row, rows]
    seen = _Seen()
    late = 0
    first_late: Event | None = None
    too_long: set[str] = set()
    row = 0

    def close(contact: str, items: list[Event]) -> None:
        seen.add(contact)
        layer.contact(contact, items)
        if on_contact is not None:
            on_contact(contact)

    for item in events:
        if isinstance(item, Problem):
            if len(problems) < MAX_PROBLEMS:
                problems.append(item)
            else:
                extra_problems += 1
            continue
        row += 1
        contact = item.contact
        current = open_contacts.get(contact)
        if current is None:
            if contact in seen:
                late += 1
                first_late = first_late or item
                continue
            open_contacts[contact] = [row, [item]]
        else:
            items = current[1]
            if item.time < items[-1].time:
                layer.unordered += 1
            if len(items) >= MAX_ROWS_PER_CONTACT:
                too_long.add(contact)
            else:
                items.append(item)
            current[0] = row
            open_contacts.move_to_end(contact)
        while True:
            oldest = next(iter(open_contacts))
            if row - open_contacts[oldest][0] <= window:
                break
            close(oldest, open_contacts.pop(oldest)[1])
    for contact, (_, items) in open_contacts.items():
        close(contact, items)
    open_contacts.clear()
    if extra_problems:
        problems.append(Problem(name, 0, 0, f"... and {extra_problems} more bad rows", "bad-log"))
    if late and first_late is not None:
        problems.append(
            Problem(
                name,
                first_late.line,
                1,
                f"{late} row{'s' if late > 1 else ''} of contacts whose other rows lie more than "
                f"{window:,} rows away (first here) were left out: group or sort the log by "
                "time or by contact",
                "late-row",
            )
        )
    if too_long:
        problems.append(
            Problem(
                name,
                0,
                0,
                f"{len(too_long)} contact(s) have more than {MAX_ROWS_PER_CONTACT:,} rows; "
                "the rest of their rows were left out",
                "bad-log",
            )
        )
    unknown = tuple(
        UnknownBlock(block, count, name, line, column)
        for block, (count, line, column) in sorted(layer.unknown.items(), key=lambda kv: kv[1][1])
    )
    for u in unknown:
        problems.append(
            Problem(
                name,
                u.line,
                u.column,
                f"`{u.block}` names no step of the design "
                f"({u.rows} row{'s' if u.rows > 1 else ''})",
                "unknown-step",
            )
        )
    layer.settle()
    journeys = {j: _journey(layer, j) for j in graph.graph.get("journeys", {}) if j}
    return Traffic(
        file=name,
        format=fmt,
        rows=layer.rows,
        contacts=layer.contacts,
        journeys=journeys,
        unknown=unknown,
        problems=tuple(problems),
        late_rows=late,
        unordered_rows=layer.unordered,
        route_counts=dict(layer.route_counts),
        departures=dict(layer.departures),
    )


def _journey(layer: _Layer, journey: str) -> JourneyTraffic:
    nodes = [n for n, d in layer.data.items() if d["journey"] == journey]
    local = set(nodes)
    order = {n: i for i, n in enumerate(layer.data)}

    def name(node: str) -> str:
        data = layer.data[node]
        return str(data["step"]) if data["journey"] == journey else node

    steps = []
    for node in nodes:
        reached = layer.reached.get(node, 0)
        if not reached:
            continue
        gave = layer.gave_up.get(node, 0)
        n = layer.time_n.get(node, 0)
        steps.append(
            StepTraffic(
                step=name(node),
                contacts=reached,
                visits=layer.visits.get(node, 0),
                gave_up=gave,
                abandonment=gave / reached,
                seconds=layer.time_sum[node] / n if n else None,
            )
        )
    routes = []
    for node in nodes:
        left = layer.departures.get(node, 0)
        if not left:
            continue
        for k, (target, data) in enumerate(layer.routes[node]):
            count = layer.route_counts.get((node, k), 0.0)
            routes.append(
                RouteTraffic(
                    source=name(node),
                    target=name(target),
                    kind=data["kind"],
                    choice=data.get("choice"),
                    count=count,
                    share=count / left,
                    design_share=data.get("share"),
                )
            )
    drift = tuple(
        Drift(
            source=None if u is None else name(u),
            target=name(v),
            count=count,
            example=example,
            file=layer.file,
            line=line,
        )
        for (u, v), (count, example, line) in sorted(
            layer.drift.items(), key=lambda kv: (-kv[1][0], kv[1][2])
        )
        if (u if u is not None else v) in local
    )
    jump = tuple(sorted((s for s in steps if s.gave_up), key=lambda s: (-s.gave_up, s.step)))
    outcomes = layer.outcomes.get(journey, {})
    return JourneyTraffic(
        journey=journey,
        contacts=layer.contacts_of.get(journey, 0),
        outcomes={k: outcomes[k] for k in sorted(outcomes)},
        steps=tuple(steps),
        routes=tuple(routes),
        never_visited=tuple(
            name(n) for n in sorted(nodes, key=order.__getitem__) if not layer.reached.get(n)
        ),
        drift=drift,
        jump_ship=jump,
    )


# -- observed shares into the model ---------------------------------------------------------


def with_observed_shares(
    graph: nx.MultiDiGraph,
    traffic: Traffic,
    min_departures: int = 1,
    only_missing: bool = False,
) -> tuple[nx.MultiDiGraph, tuple[str, ...]]:
    """A copy of ``graph`` whose routes carry the shares observed in ``traffic``, at
    every step that at least ``min_departures`` contacts left (with ``only_missing``,
    only at steps whose routes have no ``share`` in the file). Returns the graph and
    the graph nodes whose shares were replaced. Build an
    :class:`~journeymap.analysis.Analysis` on it and call
    :func:`journeymap.traffic.expected.run_effort` (``source="observed"``) for the figures."""
    copy = graph.copy()
    replaced: list[str] = []
    for node in copy:
        left = traffic.departures.get(node, 0)
        if left < min_departures:
            continue
        edges = list(copy.out_edges(node, keys=True, data=True))
        if only_missing and any(d.get("share") is not None for _, _, _, d in edges):
            continue
        for k, (_, _, _, data) in enumerate(edges):
            data["share"] = traffic.route_counts.get((node, k), 0.0) / left
        replaced.append(node)
    return copy, tuple(replaced)


def observed_effort(
    graph: nx.MultiDiGraph,
    settings: dict[str, Settings],
    traffic: Traffic,
    min_departures: int = 1,
) -> dict[str, JourneyEffort]:
    """The expected-effort figures of every journey with the shares observed in
    ``traffic`` (``source="observed"``); steps no contact left keep the file's shares
    or assumed ones, and say so in ``assumed``."""
    observed, _ = with_observed_shares(graph, traffic, min_departures)
    return run_effort(Analysis(observed, settings), source="observed")
