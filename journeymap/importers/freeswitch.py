"""FreeSWITCH ``mod_ivr`` menus -> journey data.

Reads ``autoload_configs/ivr.conf.xml`` (``<configuration name="ivr.conf">`` with its
``<menus>``) or one of the ``ivr_menus/*.xml`` files it pulls in (a bare ``<include>``
holding ``<menu>`` elements), with every file named by an
``<X-PRE-PROCESS cmd="include" data="..."/>`` (relative to the including file's
folder; a glob such as ``*.xml`` is read in sorted order, and may match nothing). One
file with its includes is one journey.

Each step's ``source`` is its block: the menu's name for a menu (``acme_main``), and
``MENU/DIGITS`` for what an entry does (``acme_main/1``, ``acme_main//^(7[0-4][0-9])$/``);
:func:`block_files` gives the line and column of the ``<menu>`` or ``<entry>`` start tag.
Every route FreeSWITCH can take is kept (see ``switch_ivr_menu.c``):

==========================================  =================================================
FreeSWITCH                                  journey
==========================================  =================================================
``<menu>``                                  a ``menu`` whose ``say`` is ``greet-long``
                                            (``say:`` text as written; a sound file as
                                            "(recording: FILE)"; ``phrase:NAME`` as
                                            "(phrase: NAME)"); each ``<entry>`` an option
                                            keyed by its ``digits``
silence (``timeout``) / a wrong key         ``no_input`` / ``no_match``: the menu again
(``invalid-sound``)                         (``greet-short``)
``max-failures``, ``max-timeouts``          ``max_retries``: the larger of the two. Unset or
                                            not above 0, ``max-failures`` is 3 and
                                            ``max-timeouts`` is ``max-failures``' value (3
                                            when that is unset too), as FreeSWITCH does
after the limit (``on_fail``)               ``exec-on-max-failures`` / ``-timeouts`` when set
                                            (the application, then on as below; a
                                            ``condition`` when the two differ); then back to
                                            the menu that called this one (one branch each)
                                            and, where the call can have started in it, out
                                            of the menus: an ``end`` (``exit-sound`` as its
                                            ``say``) judged by what leads to it (after
                                            failures: disconnected)
``pin``                                     an ``input`` before the menu; FreeSWITCH enters
                                            the menu even after three wrong PINs
``menu-sub`` ``param``                      that menu (``external`` if no file read has it)
``menu-top``                                the menu the call started in (a ``condition``,
                                            one branch each, when several can be)
``menu-back``                               the same as running out of tries, without the
                                            ``exec-on-max-*`` application
``menu-exit``                               out of every menu: an ``end``, chosen by the
                                            caller (back to the menu whose ``ivr``
                                            application started this one, if it did)
``menu-play-sound``                         a ``message``, then the menu again
``menu-exec-app`` ``transfer EXT``          an ``agent`` (the person or group at that
                                            extension), then an ``end``; ``*98``/``*99...`` is
                                            voicemail (``self_service``)
``menu-exec-app`` ``bridge DIALSTRING``     a ``condition`` "dialling": ``answered`` -> an
                                            ``agent`` (``sofia/gateway/...`` and
                                            ``sofia/external/...``: an outside line, a
                                            ``vendor`` team), ``dial failed`` -> an ``end``
                                            (FreeSWITCH hangs up unless ``continue_on_fail``)
``menu-exec-app`` ``callcenter Q``,         a ``queue`` (its hold settings live in
``fifo Q in``                               ``callcenter.conf.xml``/``fifo.conf.xml``: the
                                            two hold rules are silenced), then an ``agent``
``menu-exec-app`` ``voicemail ...``         a ``self_service`` (a message left), then an end
``menu-exec-app`` ``playback``, ``speak``,  a ``message``, then the menu again
``say``, ``phrase``, ``gentones``
``menu-exec-app`` ``set``, ``export``,      the menu again (the option's label names it)
``log``, ``answer``, ``sleep`` ...
``menu-exec-app`` ``hangup``                an ``end``
``menu-exec-app`` ``ivr MENU``              that menu (it returns here when it leaves)
``menu-exec-app`` ``lua``, ``javascript``,  ``external``: control passes to the script
``python`` ... and any other application    ``external`` naming the application and line
==========================================  =================================================

The journey starts at the first menu no other menu reaches (by ``menu-sub`` or the
``ivr`` application): the dialplan's ``ivr`` application, outside these files, starts
it. When several menus are reached by none, the journey starts at a ``condition`` whose
``source`` is ``(flow)``, one branch per menu: the dialplan decides. Leaving the menus
returns the call to the dialplan, which in nearly every configuration hangs up next: it
is read as the end of the call. So is the end of a conversation with a person (a
``bridge`` whose other party hangs up first returns the caller to the menu unless
``hangup_after_bridge`` is set) and of a voicemail. An include directive inside a
``<menu>`` splices in the ``<entry>`` elements of the file it names, in each menu that
includes it, as FreeSWITCH's preprocessor does.

Not supported, and what the audit says: an unknown ``action`` (FreeSWITCH refuses to
build such a menu), an ``<entry>`` with no ``digits``, an element other than
``<menu>``/``<entry>`` where menus are read, a second menu with a name already used
(FreeSWITCH uses the first), an include journeymap cannot follow (a ``$${variable}`` in
its path) and a preprocessor command other than ``include``/``set``: each becomes an
``external`` step whose ``target`` names the construct and its ``FILE:LINE``; where it
is not a route of a menu, nothing leads to it and the audit lists it as unreachable at
its line. ``confirm-macro``/``confirm-key`` (a rejected confirmation counts as a wrong
key, already a ``no_match``), ``digit-len``, ``timeout`` and ``tts-*`` change no route
and are not shown.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .base import MAX_FILES, Package, Read, ReadError
from .connect import journey_id
from .outcomes import JUDGE, judge_ends
from .xmltree import MAX_ELEMENTS, Element, parse

NAME = "freeswitch"
LABEL = "a FreeSWITCH IVR menu file"

DEFAULT_TRIES = 3
"""``max-failures``/``max-timeouts`` when unset or not above 0 (``switch_ivr_menu_init``)."""
ACTIONS = ("menu-exit", "menu-sub", "menu-exec-app", "menu-play-sound", "menu-back", "menu-top")
"""The entry actions FreeSWITCH knows; it refuses to build a menu with any other."""
PLAYS = frozenset({"playback", "speak", "say", "phrase", "gentones"})
SETTINGS = frozenset(
    {"set", "export", "unset", "multiset", "set_global", "log", "info", "event", "answer",
     "pre_answer", "ring_ready", "sleep", "sched_hangup", "record_session"}
)  # fmt: skip
SCRIPTS = frozenset({"lua", "javascript", "js", "python", "python3", "perl", "java", "managed"})
OUTSIDE = re.compile(r"(^|[/\]}])(sofia/gateway/|sofia/external/|freetdm/|gateway/)", re.I)
HOLD_ELSEWHERE = {
    rule: "the hold experience of this queue is set in callcenter.conf.xml or fifo.conf.xml, "
    "outside the menu files"
    for rule in ("queue-no-wait-estimate", "queue-no-callback")
}
CONTAINERS = frozenset({"include", "menus", "configuration"})
"""Elements whose children are read where menus are read (the preprocessor splices an
included file's ``<include>`` in place)."""
_GLOB = re.compile(r"[*?\[]")


@dataclass
class MenuPackage(Package):
    """The files read, and where each include directive leads."""

    sites: dict[tuple[str, int, int], list[str]] = field(default_factory=dict)
    """(file, line, column) of an include directive -> the files it pulls in, in order."""
    trees: dict[str, Element] = field(default_factory=dict, repr=False)
    """Each file's parsed root element."""


# --- which files ------------------------------------------------------------------------


def claims(path: Path, head: str) -> bool:
    """Whether the text is FreeSWITCH IVR menus: ``<configuration name="ivr.conf">``, or
    an ``<include>`` holding a ``<menu name=...>``."""
    text = re.sub(r"<!--.*?-->", "", head, flags=re.S)
    if re.search(r"<configuration\b[^>]*\bname\s*=\s*[\"']ivr\.conf[\"']", text):
        return True
    first = re.search(r"<([A-Za-z][\w.:-]*)", re.sub(r"<\?.*?\?>|<!.*?>", "", text, flags=re.S))
    return bool(
        first
        and first.group(1) == "include"
        and re.search(r"<menu\b[^>]*\bname\s*=", text)
        and "<vxml" not in text
    )


def _is_include(element: Element) -> bool:
    return (
        element.tag == "X-PRE-PROCESS"
        and element.attrib.get("cmd", "").strip().lower() == "include"
    )


def _followable(data: str) -> bool:
    """Whether journeymap can follow an include's ``data`` (no variables in it)."""
    return bool(data.strip()) and "${" not in data


def _matches(file: str, data: str) -> tuple[list[str], bool]:
    """The files an include of ``data`` in ``file`` names, and whether it is a glob."""
    data = data.strip()
    joined = data if os.path.isabs(data) else os.path.join(os.path.dirname(file), data)
    pattern = os.path.normpath(joined)
    if _GLOB.search(data):
        return sorted(p for p in glob.glob(pattern) if os.path.isfile(p)), True
    return ([pattern] if os.path.exists(pattern) else []), False


def includes(path: Path, text: str) -> list[Path]:
    """The files ``path`` pulls in with ``<X-PRE-PROCESS cmd="include" data="..."/>``
    (globs expanded, sorted); none when the text is not well-formed XML."""
    try:
        root = parse(text, str(path))
    except ReadError:
        return []
    found: list[Path] = []
    for site in root.iter("X-PRE-PROCESS"):
        data = site.attrib.get("data", "")
        if _is_include(site) and _followable(data):
            found.extend(Path(p) for p in _matches(str(path), data)[0])
    return list(dict.fromkeys(found))


def _real(path: str) -> str:
    return os.path.realpath(path)


def read_package(path: Path, read: Read) -> MenuPackage:
    """The file and every file its include directives pull in, depth first in document
    order. A named file that is missing, an include cycle, or more than ``MAX_FILES``
    files raise :class:`ReadError` at the include directive."""
    root = str(path)
    package = MenuPackage(root)
    package.files[root] = read(path)
    package.trees[root] = parse(package.files[root], root)
    keys = {_real(root): root}  # each file once, under the name it was first reached by
    stack: list[tuple[str, str, Iterator[tuple[Element, str, list[str]]]]] = [
        (root, _real(root), _sites(package, root))
    ]
    on_chain = {_real(root)}
    while stack:
        file, file_real, sites = stack[-1]
        item = next(sites, None)
        if item is None:
            stack.pop()
            on_chain.discard(file_real)
            continue
        site, target, targets = item
        real = _real(target)
        if real in on_chain:
            loop = " -> ".join(os.path.basename(f) for f, _, _ in stack)
            loop += f" -> {os.path.basename(target)}"
            raise ReadError(file, site.line, site.column, f"this include makes a cycle: {loop}")
        if real in keys:
            targets.append(keys[real])
            continue
        if len(package.files) >= MAX_FILES:
            raise ReadError(
                file, site.line, site.column, f"the includes pull in more than {MAX_FILES} files"
            )
        keys[real] = target
        targets.append(target)
        package.files[target] = read(Path(target))
        package.trees[target] = parse(package.files[target], target)
        stack.append((target, real, _sites(package, target)))
        on_chain.add(real)
    return package


def _sites(package: MenuPackage, file: str) -> Iterator[tuple[Element, str, list[str]]]:
    """(directive, file it names, the directive's list of files to fill) for each include
    directive of ``file``; raises :class:`ReadError` for a named file that is missing."""
    for site in package.trees[file].iter("X-PRE-PROCESS"):
        data = site.attrib.get("data", "")
        if not _is_include(site) or not _followable(data):
            continue
        matches, is_glob = _matches(file, data)
        if not matches and not is_glob:
            raise ReadError(
                file, site.line, site.column, f'the included file "{data.strip()}" does not exist'
            )
        targets: list[str] = []
        package.sites[(file, site.line, site.column)] = targets
        for match in matches:
            yield site, match, targets


# --- what the files hold ----------------------------------------------------------------


@dataclass
class _Entry:
    element: Element
    file: str
    block: str
    key: str


@dataclass
class _Menu:
    name: str
    element: Element
    file: str
    block: str
    entries: list[_Entry] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.element.line}"


@dataclass
class _Odd:
    """A construct journeymap does not read: it becomes an ``external`` step."""

    block: str
    file: str
    element: Element
    what: str


@dataclass
class _Found:
    menus: list[_Menu] = field(default_factory=list)
    odds: list[_Odd] = field(default_factory=list)


def _tree(package: MenuPackage, file: str) -> Element:
    if file not in package.trees:
        package.trees[file] = parse(package.files[file], file)
    return package.trees[file]


def _spliced(
    package: MenuPackage, parent: Element, file: str, transparent: frozenset[str], budget: list[int]
) -> Iterator[tuple[Element, str]]:
    """The children of ``parent`` as FreeSWITCH's preprocessor sees them: each include
    directive replaced by the content of the files it names (an ``<include>`` root
    unwrapped), and ``transparent`` elements by their children. An include that was not
    followed is yielded as it stands. Iterative; the total is bounded by ``budget``."""
    stack: list[tuple[Iterator[Element], str, tuple[str, ...]]] = [
        (iter(parent.children), file, (file,))
    ]
    while stack:
        items, where, chain = stack[-1]
        child = next(items, None)
        if child is None:
            stack.pop()
            continue
        budget[0] += 1
        if budget[0] > MAX_ELEMENTS:
            raise ReadError(
                where, child.line, child.column,
                f"the includes expand to more than {MAX_ELEMENTS:,} elements",
            )  # fmt: skip
        if child.tag in transparent:
            stack.append((iter(child.children), where, chain))
            continue
        targets = package.sites.get((where, child.line, child.column))
        if not _is_include(child) or targets is None:
            yield child, where
            continue
        for target in reversed(targets):
            if target in chain:
                loop = " -> ".join(os.path.basename(f) for f in [*chain, target])
                raise ReadError(
                    where, child.line, child.column, f"this include makes a cycle: {loop}"
                )
            tree = _tree(package, target)
            content = tree.children if tree.tag == "include" else [tree]
            stack.append((iter(content), target, (*chain, target)))


def _odd_element(owner: str, element: Element, file: str, where_read: str) -> _Odd:
    """An element journeymap does not read where it stands."""
    place = f"{file}:{element.line}"
    if element.tag == "X-PRE-PROCESS":
        cmd = element.attrib.get("cmd", "")
        data = element.attrib.get("data", "")
        if cmd.strip().lower() == "include":
            what = (
                f'the include of "{data}" ({place}): journeymap cannot follow a path with a '
                "variable in it, so the menus it pulls in are not read"
            )
        else:
            what = f'the preprocessor command "{cmd}" ({place}): not read by journeymap'
    else:
        what = f"the element <{element.tag}> ({place}): {where_read}"
    return _Odd(f"{owner}/<{element.tag}>@{element.line}", file, element, what)


def _walk(package: MenuPackage) -> _Found:
    """Every menu (in the order FreeSWITCH reads them), its entries, and what is not read."""
    root_file = package.root
    root = _tree(package, root_file)
    if root.tag == "configuration" and root.attrib.get("name") != "ivr.conf":
        raise ReadError(
            root_file, root.line, root.column,
            f'this is the configuration "{root.attrib.get("name", "")}", not "ivr.conf": '
            "it holds no IVR menus",
        )  # fmt: skip
    if root.tag not in ("configuration", "include"):
        raise ReadError(
            root_file, root.line, root.column,
            f"the root element is <{root.tag}>: FreeSWITCH IVR menus stand in "
            '<configuration name="ivr.conf"> or in an <include>',
        )  # fmt: skip
    found = _Found()
    names: dict[str, _Menu] = {}
    budget = [0]
    top = os.path.basename(root_file)
    for child, file in _spliced(package, root, root_file, CONTAINERS, budget):
        if child.tag == "X-PRE-PROCESS" and child.attrib.get("cmd", "").strip().lower() in (
            "set",
            "comment",
        ):
            continue  # preprocessor variables: they change no route
        if child.tag != "menu":
            found.odds.append(
                _odd_element(top, child, file, "FreeSWITCH reads only <menu> elements here")
            )
            continue
        name = child.attrib.get("name", "")
        place = f"{file}:{child.line}"
        if not name.strip():
            found.odds.append(
                _Odd(f"<menu>@{child.line}", file, child,
                     f"a <menu> with no name ({place}): no dialplan can start it")
            )  # fmt: skip
            continue
        if name in names:
            count = sum(1 for o in found.odds if o.block.startswith(f"{name}#")) + 2
            found.odds.append(
                _Odd(f"{name}#{count}", file, child,
                     f'a second menu named "{name}" ({place}): FreeSWITCH uses the first one, '
                     f"at {names[name].where}")
            )  # fmt: skip
            continue
        menu = _Menu(name, child, file, name)
        names[name] = menu
        found.menus.append(menu)
        seen: dict[str, int] = {}
        for item, where in _spliced(package, child, file, frozenset(), budget):
            if item.tag != "entry":
                found.odds.append(
                    _odd_element(
                        name, item, where, "FreeSWITCH reads only <entry> elements in a <menu>"
                    )
                )
                continue
            digits = item.attrib.get("digits", "")
            if not digits.strip():
                found.odds.append(
                    _Odd(f"{name}/<entry>@{item.line}", where, item,
                         f"an <entry> with no digits ({where}:{item.line}): FreeSWITCH refuses "
                         f'to build the menu "{name}"')
                )  # fmt: skip
                continue
            seen[digits] = seen.get(digits, 0) + 1
            block = f"{name}/{digits}" if seen[digits] == 1 else f"{name}/{digits}#{seen[digits]}"
            key = digits if seen[digits] == 1 else f"{digits} (line {item.line})"
            menu.entries.append(_Entry(item, where, block, key))
    return found


def _package(package: Package) -> MenuPackage:
    if isinstance(package, MenuPackage):
        return package
    return MenuPackage(package.root, dict(package.files))


def block_files(package: Package) -> dict[str, tuple[str, int, int]]:
    """Where each block stands: the ``<menu>`` or ``<entry>`` start tag (or the construct
    journeymap does not read), file, line and column."""
    found = _walk(_package(package))
    places: dict[str, tuple[str, int, int]] = {}
    for menu in found.menus:
        places[menu.block] = (menu.file, menu.element.line, menu.element.column)
        for entry in menu.entries:
            places[entry.block] = (entry.file, entry.element.line, entry.element.column)
    for odd in found.odds:
        places[odd.block] = (odd.file, odd.element.line, odd.element.column)
    return places


# --- journey steps ----------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_") or "x"


def _key_slug(digits: str) -> str:
    named = {"*": "star", "#": "hash"}
    if digits in named:
        return named[digits]
    if digits.startswith("/"):
        return "pattern"
    return _slug(digits.replace("*", "star").replace("#", "hash"))


def _atoi(text: str) -> int:
    """C's ``atoi``: the leading number of ``text``, 0 when there is none."""
    match = re.match(r"\s*([+-]?\d+)", text)
    return int(match.group(1)) if match else 0


def tries(menu: Element) -> tuple[int, int]:
    """(max failures, max timeouts) as FreeSWITCH sets them from a ``<menu>``.

    >>> tries(Element("menu", {"max-failures": "5"}, 1, 1))
    (5, 5)
    >>> tries(Element("menu", {"max-timeouts": "0"}, 1, 1))
    (3, 3)
    """
    failures = menu.attrib.get("max-failures", "")
    timeouts = menu.attrib.get("max-timeouts", "")
    if not timeouts:
        timeouts = failures
    found = _atoi(failures) if failures else 0
    silent = _atoi(timeouts) if timeouts else 0
    return (found if found > 0 else DEFAULT_TRIES), (silent if silent > 0 else DEFAULT_TRIES)


def sound(value: str | None) -> str | None:
    """What a caller hears from a sound attribute, in words.

    >>> sound("say:Press 1 for sales."), sound("ivr/ivr-welcome.wav"), sound("phrase:main:x")
    ('Press 1 for sales.', '(recording: ivr/ivr-welcome.wav)', '(phrase: main)')
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.startswith("say:"):
        return text[4:].strip() or None
    if text.startswith("phrase:"):
        return f"(phrase: {text[7:].split(':')[0].strip()})"
    if text.startswith(("tone_stream://", "silence_stream://")):
        return "(tones)"
    return f"(recording: {text})"


def _short(text: str, limit: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Builder:
    """Turns the menus found into journey steps."""

    def __init__(self, found: _Found) -> None:
        self.found = found
        self.nodes: dict[str, dict[str, Any]] = {}
        self.teams: dict[str, dict[str, Any]] = {"ivr": {"name": "IVR menus", "kind": "automated"}}
        self.menus = {m.name: m for m in found.menus}
        self.ids: dict[str, str] = {}
        for menu in found.menus:
            self.ids[menu.name] = self.new_id(_slug(menu.name))
            self.nodes[self.ids[menu.name]] = {}
        self.enter = dict(self.ids)  # where a call entering a menu starts (its PIN first)
        for menu in found.menus:
            if menu.element.attrib.get("pin", "").strip():
                self.enter[menu.name] = self.new_id(f"{self.ids[menu.name]}.pin")
        self.subs: dict[str, list[str]] = {m.name: [] for m in found.menus}
        self.callers: dict[str, list[str]] = {m.name: [] for m in found.menus}
        self.ivr_callers: dict[str, list[str]] = {m.name: [] for m in found.menus}
        for menu in found.menus:
            for entry in menu.entries:
                action = entry.element.attrib.get("action", "")
                param = entry.element.attrib.get("param", "").strip()
                target, by_ivr = None, False
                if action == "menu-sub":
                    target = param
                elif action == "menu-exec-app" and param.split(" ", 1)[0].lower() == "ivr":
                    target, by_ivr = param.partition(" ")[2].strip(), True
                if target in self.menus and target != menu.name:
                    if not by_ivr and target not in self.subs[menu.name]:
                        self.subs[menu.name].append(target)
                    if by_ivr and menu.name not in self.ivr_callers[target]:
                        self.ivr_callers[target].append(menu.name)
                    if menu.name not in self.callers[target]:
                        self.callers[target].append(menu.name)
        self.starts = [m.name for m in found.menus if not self.callers[m.name]]
        if not self.starts and found.menus:
            self.starts = [found.menus[0].name]
        roots = list(self.starts)
        roots += [n for n in self.menus if self.ivr_callers[n] and n not in roots]
        self.tops: dict[str, list[str]] = {m.name: [] for m in found.menus}
        for root in roots:  # the menus each stack can reach by menu-sub
            seen = {root}
            queue = [root]
            for name in queue:
                self.tops[name].append(root)
                for sub in self.subs[name]:
                    if sub not in seen:
                        seen.add(sub)
                        queue.append(sub)
        for name, found_tops in self.tops.items():
            if not found_tops:
                found_tops.append(name)
        self.made: dict[tuple[str, str], str] = {}

    def new_id(self, base: str) -> str:
        candidate, count = base, 1
        while candidate in self.nodes:
            count += 1
            candidate = f"{base}_{count}"
        self.nodes[candidate] = {}
        return candidate

    def add(self, base: str, step: dict[str, Any]) -> str:
        sid = self.new_id(base)
        self.nodes[sid] = step
        return sid

    def end(self, base: str, source: str, say: str | None = None) -> str:
        step: dict[str, Any] = {"type": "end", "source": source, JUDGE: True}
        if say:
            step["say"] = say
        return self.add(base, step)

    def external(self, base: str, source: str, what: str) -> str:
        return self.add(base, {"type": "external", "source": source, "target": what})

    def team(self, prefix: str, key: str, name: str, kind: str = "human") -> str:
        tid = f"{prefix}_{_slug(key)}"
        self.teams.setdefault(tid, {"name": name, "kind": kind})
        return tid

    def choose(self, base: str, source: str, branches: dict[str, str]) -> str:
        """One target, or a ``condition`` with a branch to each when there are several."""
        targets = list(dict.fromkeys(branches.values()))
        if len(targets) == 1:
            return targets[0]
        return self.add(
            base, {"type": "condition", "team": "ivr", "source": source, "branches": branches}
        )

    def once(self, kind: str, menu: _Menu, make: Any) -> str:
        key = (kind, menu.name)
        if key not in self.made:
            self.made[key] = make()
        return self.made[key]

    # where the call goes when a menu ends, is left, or goes to the top

    def exit_end(self, top: str) -> str:
        """The end of a call whose menus are left: ``top``'s ``exit-sound``, then the
        dialplan (which hangs up)."""
        menu = self.menus[top]
        say = sound(menu.element.attrib.get("exit-sound"))
        return self.once("end", menu, lambda: self.end(f"{self.ids[top]}.exit", menu.block, say))

    def quit(self, menu: _Menu) -> str:
        """Leaving every menu of this stack: the end of the call, or back to the menu
        whose ``ivr`` application started the stack."""

        def make() -> str:
            branches: dict[str, str] = {}
            for top in self.tops[menu.name]:
                if top in self.starts or not self.ivr_callers[top]:
                    branches[f"started in {top}"] = self.exit_end(top)
                for caller in self.ivr_callers[top]:
                    branches[f"back to {caller}"] = self.ids[caller]
            return self.choose(f"{self.ids[menu.name]}.exit", menu.block, branches)

        return self.once("quit", menu, make)

    def leave(self, menu: _Menu) -> str:
        """This menu stops: back to the menu that called it (one branch each), and out
        of the menus when the call can have started in it."""

        def make() -> str:
            branches = {f"back to {c}": self.ids[c] for c in self.callers[menu.name]}
            if menu.name in self.starts or not branches:
                branches[f"started in {menu.name}"] = self.exit_end(menu.name)
            return self.choose(f"{self.ids[menu.name]}.back", menu.block, branches)

        return self.once("leave", menu, make)

    def top(self, menu: _Menu) -> str:
        branches = {f"started in {t}": self.ids[t] for t in self.tops[menu.name]}
        return self.once(
            "top", menu, lambda: self.choose(f"{self.ids[menu.name]}.top", menu.block, branches)
        )

    def on_fail(self, menu: _Menu) -> str:
        """After ``max-failures`` wrong keys or ``max-timeouts`` silences."""
        attrib = menu.element.attrib
        fails = attrib.get("exec-on-max-failures", "").strip()
        silent = attrib.get("exec-on-max-timeouts", "").strip()
        if not fails and not silent:
            return self.leave(menu)
        base = self.ids[menu.name]
        after_fails = (
            self.app(menu, menu.block, fails, lambda: self.leave(menu), f"{base}.max_failures")
            if fails
            else self.leave(menu)
        )
        if silent == fails:
            return after_fails
        after_silence = (
            self.app(menu, menu.block, silent, lambda: self.leave(menu), f"{base}.max_timeouts")
            if silent
            else self.leave(menu)
        )
        return self.choose(
            f"{base}.limit",
            menu.block,
            {"max failures (wrong keys)": after_fails, "max timeouts (silence)": after_silence},
        )

    # what an entry does

    def person(self, base: str, source: str, team: str, say: str | None = None) -> str:
        agent = self.add(base, {"type": "agent", "team": team, "source": source})
        if say:
            self.nodes[agent]["say"] = say
        self.nodes[agent]["next"] = self.end(f"{base}.done", source)
        return agent

    def app(
        self, menu: _Menu, source: str, text: str, then: Callable[[], str], base: str, at: str = ""
    ) -> str:
        """The step an application run by ``menu-exec-app`` (or ``exec-on-max-*``) is;
        ``then()`` is where the call goes when the application returns."""
        app, _, args = " ".join(text.split()).partition(" ")
        name = app.lower()
        first = args.split(" ", 1)[0] if args else ""
        place = at or menu.where
        if name == "transfer":
            if first.startswith(("*98", "*99")):
                return self.voicemail(base, source, f"(voicemail, extension {first})")
            if "$" in first or not first:
                team = self.team("ext", "dialled", "The extension dialled")
            else:
                team = self.team("ext", first, f"Extension {first}")
            return self.person(base, source, team)
        if name == "bridge":
            return self.dial(base, source, args)
        if name == "voicemail":
            box = args.split()[-1] if args and args.split()[0] != "check" else ""
            say = f"(leaves a voicemail for {box})" if box else "(voicemail box)"
            return self.voicemail(base, source, say)
        if name in PLAYS:
            shown = {
                "playback": sound(first),
                "phrase": f"(phrase: {first})",
                "speak": args.rsplit("|", 1)[-1].strip(),
                "gentones": "(tones)",
            }.get(name) or "(a message)"
            return self.add(
                base, {"type": "message", "team": "ivr", "source": source,
                       "say": shown, "next": then()}
            )  # fmt: skip
        if name == "hangup":
            return self.end(base, source)
        if name == "ivr":
            if args in self.menus:
                return self.enter[args]
            return self.external(
                base, source, f'the menu "{args}" ({place}): not in the files read'
            )
        if name in SETTINGS:
            return then()
        if name == "callcenter" or (name == "fifo" and args.split()[1:2] == ["in"]):
            queue_name = first or "(unnamed)"
            team = self.team("queue", queue_name, f"Queue {queue_name}")
            queue = self.add(base, {"type": "queue", "team": team, "source": source})
            self.nodes[queue]["next"] = self.person(f"{base}.agent", source, team)
            self.nodes[queue]["ignore"] = dict(HOLD_ELSEWHERE)
            return queue
        if name in SCRIPTS:
            return self.external(
                base, source,
                f"the {app} script {first or '(none named)'} ({place}): control passes to it",
            )  # fmt: skip
        return self.external(
            base, source, f'the application "{app or "(none)"}" ({place}): not read by journeymap'
        )

    def voicemail(self, base: str, source: str, say: str) -> str:
        self.teams.setdefault("voicemail", {"name": "Voicemail", "kind": "automated"})
        step = {"type": "self_service", "team": "voicemail", "source": source, "say": say}
        sid = self.add(base, step)
        step["next"] = self.end(f"{base}.done", source)
        return sid

    def dial(self, base: str, source: str, dialstring: str) -> str:
        """``bridge``: a person answers, or the dial fails and FreeSWITCH hangs up."""
        plain = re.sub(r"^(\{[^}]*\}|\[[^\]]*\])+", "", dialstring.strip())
        if OUTSIDE.search(plain):
            gateway = re.search(r"gateway/([^/]+)", plain)
            line = gateway.group(1) if gateway else plain.split("/")[0]
            team = self.team("line", line, f"Outside line {line}", "vendor")
            say = f"(an outside line: {_short(plain, 60)})"
        else:
            user = re.match(r"user/([^@/|,]+)", plain)
            key = user.group(1) if user else plain
            team = self.team("ext", key, f"Extension {key}" if user else _short(plain, 40))
            say = None
        dialling = self.add(base, {"type": "condition", "team": "ivr", "source": source})
        answered = self.person(f"{base}.answered", source, team, say)
        failed = self.end(f"{base}.not_answered", source)
        self.nodes[dialling]["branches"] = {
            "answered": answered,
            "dial failed (busy, no answer)": failed,
        }
        return dialling

    def entry(self, menu: _Menu, entry: _Entry) -> tuple[str, str]:
        """(target, label) of an option."""
        attrib = entry.element.attrib
        action = attrib.get("action", "")
        param = attrib.get("param", "").strip()
        base = f"{self.ids[menu.name]}.{_key_slug(entry.key.split(' (line ')[0])}"
        place = f"{entry.file}:{entry.element.line}"
        mid = self.ids[menu.name]
        if action == "menu-exec-app":
            return self.app(menu, entry.block, param, lambda: mid, base, place), _short(param)
        if action == "menu-play-sound":
            step = {"type": "message", "team": "ivr", "source": entry.block,
                    "say": sound(param) or "(no sound given)", "next": mid}  # fmt: skip
            return self.add(base, step), "message"
        if action == "menu-sub":
            if param == menu.name:
                return mid, "this menu again"
            if param in self.menus:
                return self.enter[param], param
            what = f'the menu "{param}" ({place}): not in the files read'
            return self.external(base, entry.block, what), param or "sub-menu"
        if action == "menu-top":
            return self.top(menu), "top menu"
        if action == "menu-back":
            return self.leave(menu), "back"
        if action == "menu-exit":
            return self.quit(menu), "leave the menus"
        what = (
            f'the action "{action}" ({place}): FreeSWITCH knows only {", ".join(ACTIONS)}, '
            "and refuses to build a menu with any other"
        )
        return self.external(base, entry.block, what), action or "(no action)"

    def menu(self, menu: _Menu) -> None:
        attrib = menu.element.attrib
        mid = self.ids[menu.name]
        failures, timeouts = tries(menu.element)
        step: dict[str, Any] = {"type": "menu", "team": "ivr", "source": menu.block}
        say = sound(attrib.get("greet-long"))
        if say:
            step["say"] = say
        step["options"] = {}
        self.nodes[mid] = step
        for entry in menu.entries:
            target, label = self.entry(menu, entry)
            step["options"][entry.key] = {"to": target, "label": label}
        step["no_input"] = mid
        step["no_match"] = mid
        step["max_retries"] = max(failures, timeouts)
        step["on_fail"] = {"to": self.on_fail(menu), "label": "too many tries"}
        pin_id = self.enter[menu.name]
        if pin_id != mid:
            self.nodes[pin_id] = {
                "type": "input", "team": "ivr", "source": menu.block, "collects": ["pin"],
                "say": sound(attrib.get("pin-file"))
                or "(recording: ivr/ivr-please_enter_pin_followed_by_pound.wav)",
                "next": mid, "no_input": pin_id, "no_match": pin_id, "max_retries": 3,
                "on_fail": {"to": mid, "label": "wrong PIN: FreeSWITCH enters the menu anyway"},
            }  # fmt: skip

    def build(self, name: str) -> dict[str, Any]:
        for menu in self.found.menus:
            self.menu(menu)
        for odd in self.found.odds:
            self.external(f"unsupported.{_slug(odd.element.tag)}_{odd.element.line}",
                          odd.block, odd.what)  # fmt: skip
        if len(self.starts) == 1:
            entry = self.enter[self.starts[0]]
        else:
            entry = self.add(
                "dialplan",
                {"type": "condition", "team": "ivr", "source": "(flow)",
                 "branches": {s: self.enter[s] for s in self.starts}},
            )  # fmt: skip
            self.nodes = {entry: self.nodes.pop(entry), **self.nodes}
        starts = ", ".join(self.starts)
        return {
            "journey": journey_id(name),
            "title": f"FreeSWITCH IVR menus: {starts}",
            "description": "Imported from FreeSWITCH mod_ivr menus by journeymap.",
            "channel": "phone",
            "entry": entry,
            "teams": self.teams,
            "nodes": self.nodes,
        }


def convert_package(package: Package, name: str) -> dict[str, Any]:
    """Journey data for the menus of a package; see the module docs for the mapping."""
    menus = _package(package)
    found = _walk(menus)
    if not found.menus:
        root = _tree(menus, menus.root)
        raise ReadError(
            menus.root, root.line, root.column,
            "no <menu> here or in the files it includes (a glob that matches nothing?)",
        )  # fmt: skip
    return judge_ends(_Builder(found).build(name))
