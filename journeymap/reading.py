"""Which reader reads a file: journey YAML, a vendor export, an agent, a dialplan.

The one place that maps an input to its reader, above both the journey loader
(:mod:`journeymap.loader`, which reads the journey format) and the importers
(:mod:`journeymap.importers`, which turn vendor exports into journey data). Imports
go one way: this module uses both; neither uses it.

=====================================  ===============================================
input                                  reader
=====================================  ===============================================
journey YAML (``.yaml``/``.yml``)      :func:`journeymap.loader.check_data`
Amazon Connect, Twilio Studio,         :func:`journeymap.importers.convert` (chosen by
Genesys Archy exports (JSON/YAML)      content), then the journey checks
native Genesys exports (``.i3*Flow``)  :mod:`journeymap.importers.genesys_native`
a Dialogflow CX agent (folder, .zip)   :mod:`journeymap.importers.dialogflow`
text telephony formats                 :data:`journeymap.importers.TEXT_READERS`
=====================================  ===============================================

>>> loaded, problems = load_text('''
... journey: demo
... entry: hello
... nodes:
...   hello: {type: message, next: bye}
...   bye: {type: end, outcome: resolved}
... ''', "demo.yaml")
>>> loaded.id, problems
('demo', [])
"""

from __future__ import annotations

import dataclasses
import os
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from . import importers
from .importers import dialogflow, genesys_native, text_reader
from .importers.base import ReadError
from .loader import (
    JOURNEY_SUFFIXES,
    NATIVE_GENESYS,
    FileChecker,
    LoadedJourney,
    LoadResult,
    Problem,
    add_problem,
    check_data,
    check_imported,
    check_journey,
    one_run,
    parse_text,
    read_file,
    vendor_format,
)
from .source import Limits, SourceMap, bulk

SUPPORTED = "Amazon Connect, Twilio Studio and Genesys Archy flows"


def load_text(
    text: str, file: str = "<text>", limits: Limits | None = None
) -> tuple[LoadedJourney | None, list[Problem]]:
    """Load one journey from text: journey YAML, or a vendor export in JSON or YAML.

    Returns the journey (``None`` when the file has any problem) and the
    problems, sorted by position. ``JOURNEY:STEP`` targets are not checked
    here; see :func:`load_paths`.
    """
    checker, data, problems = parse_text(text, file, limits)
    if checker is None:
        return None, problems
    native = False
    if isinstance(data, str) and len(data) > 64 and " " not in data.strip():
        decoded = genesys_native.decode(text.strip())  # a native Architect export: base64
        if decoded is not None and genesys_native.looks_like(decoded):
            try:
                data = genesys_native.to_archy(decoded)
            except ValueError as exc:
                message = f"this native Genesys Architect export cannot be read: {exc}"
                return None, add_problem(checker, message, "bad-export")
            native = True
    vendor = vendor_format(data) if isinstance(data, dict) else None
    fmt = importers.detect(data) if vendor else None
    if vendor and fmt is not None:
        try:
            imported = importers.convert(fmt, data, os.path.splitext(os.path.basename(file))[0])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            what = vendor.removeprefix("an ").removeprefix("a ")
            return None, add_problem(checker, f"this {what} cannot be read: {exc}", "bad-export")
        paths = {} if native else importers.IMPORTERS[fmt].block_paths(data)
        return check_imported(imported, checker, paths, limits)
    return check_data(data, checker, limits, SUPPORTED)


def load_file(
    path: str | os.PathLike[str], limits: Limits | None = None
) -> tuple[LoadedJourney | None, list[Problem]]:
    """Load one journey file (or a Dialogflow CX agent folder or archive); see
    :func:`load_text`."""
    if _is_agent(Path(path)):
        return load_agent(path, limits)
    reader = text_reader(Path(path))
    if reader is not None:
        return load_package(reader, path, limits)
    text, problems = read_file(path, limits)
    if text is None:
        return None, problems
    return load_text(text, str(path), limits)


def _is_agent(path: Path) -> bool:
    if path.is_dir():
        return dialogflow.agent_root(path) is not None
    return path.suffix.lower() in (".zip", ".blob") and dialogflow.is_agent_archive(path)


def load_package(
    reader: ModuleType, path: str | os.PathLike[str], limits: Limits | None = None
) -> tuple[LoadedJourney | None, list[Problem]]:
    """Load a file in a text telephony format (an Asterisk dialplan, a VoiceXML
    document, a FreeSWITCH menu file) with the files it pulls in, as one journey whose
    steps point at their own file and line. ``reader`` is the format's module (see
    :mod:`journeymap.importers.base`)."""
    name = str(path)
    try:
        data, places = importers.read_package(reader, Path(path), limits)
    except ReadError as exc:
        return None, [Problem(exc.file, exc.line, exc.column, exc.message, "bad-export")]
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        message = f"this {reader.LABEL.split(' ', 1)[1]} cannot be read: {str(exc)[:200]}"
        return None, [Problem(name, 1, 1, message, "bad-export")]
    return _check_placed(name, data, places, limits)


def load_agent(
    path: str | os.PathLike[str], limits: Limits | None = None
) -> tuple[LoadedJourney | None, list[Problem]]:
    """Load an exported Dialogflow CX agent (a folder, or its ``.zip``/``.blob``) as
    one journey whose steps point at their own page files."""
    name = str(path)
    stem = Path(path).name if Path(path).name != "agent" else Path(path).parent.name
    try:
        package = dialogflow.read_package(Path(path))
        data = dialogflow.convert_package(package, Path(stem).stem)
        places = dialogflow.block_files(package)
    except (
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        RecursionError,
        UnicodeDecodeError,
        zipfile.BadZipFile,
        OSError,
    ) as exc:
        message = f"this Dialogflow CX agent cannot be read: {str(exc)[:200]}"
        return None, [Problem(name, 1, 1, message, "bad-export")]
    return _check_placed(name, data, places, limits)


def _check_placed(
    name: str,
    data: dict[str, Any],
    places: Mapping[str, tuple[str, int, int]],
    limits: Limits | None,
) -> tuple[LoadedJourney | None, list[Problem]]:
    """Check a journey read from several files, each step placed where its vendor block
    (``places``: block id to file, line and column) stands; steps of a file other than
    ``name`` keep their file."""
    source = SourceMap()
    files: dict[str, str] = {}
    for step_id, step in data["nodes"].items():
        where = places.get(str(step.get("source")))
        if where is not None:
            if where[0] != name:
                files[step_id] = where[0]
            source.set_value(("nodes", step_id), where[1:])
            source.set_key(("nodes", step_id), where[1:])
    checker = FileChecker(name, source)
    loaded, problems = check_journey(data, checker, limits)
    if loaded is None:
        return None, problems
    return dataclasses.replace(loaded, step_files=files), problems


def find_journey_files(paths: Sequence[str | os.PathLike[str]]) -> tuple[list[str], list[Problem]]:
    """Files named by ``paths``: files as given, folders searched for journeys and the
    exports journeymap reads (by content). A file that another file of the folder pulls in
    (an ``#include``d dialplan, a linked VoiceXML document) is read with that file, not
    on its own.

    Files come in a stable order (folders sorted), each once.
    """
    found: list[str] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir() and _is_agent(path):
            files = [str(path)]
        elif path.is_dir():
            agents = sorted(
                p for p in path.rglob("agent.json") if _is_agent(p.parent)
            )  # every exported Dialogflow CX agent below: one input each
            roots = {a.parent for a in agents}
            files = sorted(
                [
                    str(p)
                    for p in path.rglob("*")
                    if (
                        p.suffix in JOURNEY_SUFFIXES
                        or (p.suffix == ".json" and _is_flow_export(p))
                        or NATIVE_GENESYS.fullmatch(p.suffix)
                        or (p.suffix.lower() in (".zip", ".blob") and _is_agent(p))
                        or text_reader(p) is not None
                    )
                    and p.is_file()
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                    and not any(root in p.parents for root in roots)
                ]
                + [
                    str(root)
                    for root in roots
                    if not any(part.startswith(".") for part in root.relative_to(path).parts)
                ]
            )
            files = _without_included(files)
        elif path.exists():
            files = [str(path)]
        else:
            problems.append(Problem(str(given), 0, 0, "no such file or folder", "unreadable"))
            continue
        for name in files:
            key = os.path.realpath(name)
            if key not in seen:
                seen.add(key)
                found.append(name)
    return found, problems


def _is_flow_export(path: Path) -> bool:
    """Whether a JSON file in a folder is a flow export journeymap reads (by content)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(65536)
    except OSError:
        return False
    return any(mark in head for mark in (b'"StartAction"', b'"ContactFlow"', b'"states"'))


def load_paths(
    paths: Sequence[str | os.PathLike[str]],
    limits: Limits | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LoadResult:
    """Load every journey named by ``paths`` (files or folders) as one run.

    Journeys with problems are left out of ``journeys``; every problem is in
    ``problems``, sorted by file and position. ``progress(done, total)`` is
    called after each file.
    """
    files, problems = find_journey_files(paths)
    return load_files(files, problems, limits, progress)


def load_files(
    files: Sequence[str],
    problems: list[Problem] | None = None,
    limits: Limits | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LoadResult:
    """Load the given journey files as one run; see :func:`load_paths`."""
    problems = list(problems or [])
    loaded: list[LoadedJourney] = []
    with bulk():
        for done, name in enumerate(files, 1):
            if progress is not None:
                progress(done, len(files))
            journey, file_problems = load_file(name, limits)
            problems.extend(file_problems)
            if journey is not None:
                loaded.append(journey)
        return one_run(loaded, problems, files)


def _without_included(files: list[str]) -> list[str]:
    """``files`` less those a text-format file among them pulls in: one file per group
    of files that pull each other in (linked VoiceXML documents), the one the others
    lead to most, never an application root (a reader's ``helpers``)."""
    import networkx as nx

    graph: nx.DiGraph[str] = nx.DiGraph()
    helpers: set[str] = set()
    for name in files:
        path = Path(name)
        reader = text_reader(path)
        if reader is None:
            continue
        text, _ = read_file(path)
        if text is None:
            continue
        key = os.path.realpath(path)
        graph.add_node(key)
        try:
            pulled = reader.includes(path, text)
            if hasattr(reader, "helpers"):  # optional: files never entries (VoiceXML roots)
                helpers.update(os.path.realpath(p) for p in reader.helpers(path, text))
        except (ReadError, ValueError):
            continue
        graph.add_edges_from(
            (key, os.path.realpath(p)) for p in pulled if os.path.realpath(p) != key
        )
    order = {os.path.realpath(f): n for n, f in enumerate(files)}
    condensed = nx.condensation(graph)
    kept: set[str] = set()
    for component in condensed.nodes:
        if condensed.in_degree(component):
            continue  # pulled in by another group: read with it
        members = [m for m in condensed.nodes[component]["members"] if m in order]
        if not members:
            continue
        candidates = [m for m in members if m not in helpers] or members
        kept.add(min(candidates, key=lambda m: (-graph.in_degree(m), order[m])))
    pulled_in = set(graph) - kept
    return [f for f in files if os.path.realpath(f) not in pulled_in]
