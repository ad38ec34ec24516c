"""VoiceXML 2.0/2.1 documents (``.vxml``) -> journey data.

A document and every document it links to (``next="other.vxml#id"`` on
``<goto>``/``<choice>``/``<link>``, ``src`` of ``<subdialog>``, its ``application``
root) are one journey. Its entry is the first dialog (``<form>`` or ``<menu>``) of
the document read; its other dialogs are read too (one that nothing reaches is
reported unreachable), and the dialogs of linked documents as they are reached. A
form's items run in document order, as the Form Interpretation Algorithm visits
them; when the last one is done the form ends and so does the call.

Each step's ``source`` is its block id:

- ``FILE#ID`` for a ``<form>`` or ``<menu>`` with an ``id`` (``FILE`` is the
  document's file name), ``FILE#FORM.FIELD`` for a ``<field>`` of such a form;
- ``FILE:LINE`` (the line of the start tag) for everything else: a dialog without an
  id, a field of a form without one, a ``<block>``, ``<transfer>``, ``<subdialog>``,
  ``<record>``, a handler, an ``<if>``, an ``<exit>``, a message (its first
  ``<prompt>``);
- the first step of a form that opens with a ``<block>`` carries the form's id.

When two documents of a journey share a file name, ``FILE`` is their path from the
folder they have in common (``sales/menu.vxml``).

======================================  ==========================================
VoiceXML                                journey
======================================  ==========================================
``<menu>`` / ``<choice>``               a ``menu``: a choice's ``dtmf`` key is an
                                        option labelled with its phrase; a choice with
                                        a phrase and no key is a phrase option (not
                                        when ``inputmodes`` is ``dtmf``);
                                        ``dtmf="true"`` numbers the choices with no
                                        key 1..9 in order; ``<enumerate>`` is said
                                        as "For X, press 1."
``<field>``, ``<initial>``              an ``input`` collecting the field name;
                                        ``next``: its ``<filled>``, the form's
                                        ``<filled>`` waiting for it, the next item
``<noinput>``, ``<nomatch>``,           ``no_input`` / ``no_match``, the handler chosen
``<catch event="noinput nomatch">``     as section 5.2.4 says (field, form, document,
                                        application root; the highest ``count``
                                        reached); the first count whose handler leaves
                                        (goto, exit, submit ...) is ``max_retries``,
                                        where it goes ``on_fail``; handlers that only
                                        re-ask, or none (the platform re-asks): no
                                        ``max_retries``; one event bounded and the other
                                        not: a ``loop`` / ``tries used up`` decision
a retry counter: ``<assign name="n"     bounded: ``max_retries`` from the test and the
expr="n + 1"/>`` and ``<if cond="n >    counter's ``<var>`` start value (``n > 2``
2">`` leading out, in the handler       from 0: 3)
``<if>``/``<elseif>``/``<else>``        a ``condition``: a branch per ``cond`` (its text
                                        the label), ``else`` or ``otherwise``
``<prompt>``, ``<audio>``, bare text    a ``message``; ``<value>`` is "(value)"; audio
                                        with no text "(dynamic prompt)"
``<goto next>``, ``<goto nextitem>``    the dialog (this or another document) or item;
                                        a dialog the document lacks: ``on_error``
                                        ``error.badfetch`` to its handler or the end
``<subdialog>``                         the called dialog's steps; ``<return>`` leads
                                        back after each ``<subdialog>`` calling its
                                        document; not on disk: a ``self_service``
``<transfer>``                          a ``condition`` (dialling): ``connected`` -> an
                                        ``agent``, then the ``<filled>`` (bridged: the
                                        caller is back) or the end (blind); ``failed:
                                        busy``/``noanswer``/``network_busy`` -> the
                                        ``<filled>`` for that result; ``failed: <the
                                        handler's event>`` -> the ``error.connection``
                                        handler, or the end when there is none
``<record>``                            an ``input`` (the message; silence re-asks),
                                        then a ``self_service`` (voicemail kept)
``<submit>``                            ``external``: control passes to the server
``<exit>``, ``<disconnect>``, the end   an ``end``, judged by what leads to it
of a form
``<exit namelist>``/``<exit expr>``     ``external``: values handed back to the
                                        application that started the dialog (CCXML)
``<throw>``, ``<choice event>``         the handler of the event; an error event with
                                        no handler: ``on_error`` to the end
``<assign>`` to an undeclared name      ``error.semantic`` (not checked when a
                                        ``<script src>`` could declare it)
``<link>`` (a global command)           an option of every menu in its scope, and a
                                        branch after every field in its scope
``<data>`` (2.1)                        a ``self_service`` (a fetch), then what follows
``<foreach>`` (2.1)                     its content, as if run once
======================================  ==========================================

Not read, and what the tool says: ``<object>``, a computed target (``expr``,
``srcexpr``, ``expritem``, ``eventexpr``), a link to a URL (``http:``, ``tel:``), to a
path on the web server (``/app/x.vxml``), to a server page (``.php``, ``.jsp``) or to a
document that is not in the folder, and an element journeymap does not know become an
``external`` step whose ``target`` names the construct and its ``FILE:LINE``.
``<script>``, ``<var>``, ``<assign>``, ``<log>``, ``<property>`` do not move the
caller and add no step. Handlers of ``connection.disconnect.hangup`` run after the
caller has gone (not a route); ``<help>`` runs only when asked for. A ``<prompt>``
directly in a ``<form>``, or a ``<return>`` directly in a ``<field>``, is never run:
an ``external`` step that stands apart, so the audit reports it unreachable. Link
cycles between documents are normal (a sub-menu leading back to the main menu): each
document is read once.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .base import MAX_FILES, Package, Read, ReadError
from .connect import journey_id
from .outcomes import JUDGE, judge_ends
from .xmltree import Element, parse

NAME = "vxml"
LABEL = "a VoiceXML document"

DYNAMIC = "(dynamic prompt)"
PASS = "_pass"
"""Marks a step that only passes the caller on (an alias); removed after conversion."""
MERGE = "_merge"
"""Marks a retry counter that may turn out to lead where its step's ``on_fail`` does;
see :func:`_merge`."""
IMPLICIT = "_implicit"
"""Marks a step made for what the platform does by itself (the end of a form);
removed when nothing leads to it."""
SUFFIXES = (".vxml", ".xml")
ITEMS = {"field", "block", "transfer", "subdialog", "record", "object", "initial"}
HANDLERS = {"catch", "noinput", "nomatch", "error", "help"}
SPEECH = {
    "prompt", "audio", "value", "enumerate", "say-as", "emphasis", "break", "prosody",
    "p", "s", "sub", "voice", "mark", "phoneme", "paragraph", "sentence",
}  # fmt: skip
QUIET = {"var", "assign", "clear", "log", "script", "reprompt", "cancel", "property", "meta"}
"""Executable content that does not move the caller and says nothing."""
NOT_SPOKEN = {"break", "mark", "grammar", "log", "script", "var", "assign", "metadata",
              "meta", "lexicon", "desc", "property"}  # fmt: skip
APART = {"prompt", "audio", "p", "s", "paragraph", "sentence", "foreach"}
"""SSML that stands apart from the words around it (a sentence, a clip)."""
TRANSITIONS = {"goto", "submit", "exit", "disconnect", "return", "throw"}
REASK_EVENTS = ("noinput", "nomatch", "help", "maxspeechtimeout", "cancel")
BRIDGE_FAILURES = ("busy", "noanswer", "network_busy")
BRIDGE_ENDINGS = ("near_end_disconnect", "far_end_disconnect", "maxtime_disconnect",
                  "network_disconnect")  # fmt: skip
TRANSFER_ERRORS = (
    "error.connection.noauthorization", "error.connection.baddestination",
    "error.connection.noroute", "error.connection.noresource", "error.connection.protocol",
    "error.unsupported.transfer",
)  # fmt: skip
ROUTE_KEYS = ("next", "on_error", "on_timeout", "no_input", "no_match", "on_fail")

Env = tuple[tuple[str, str, str], ...]
"""What is known while reading content: ``("var", name, value)`` (a transfer's
result) or ``("cond", text, "1"/"0")`` (a retry counter's test)."""


@dataclass
class VxmlPackage(Package):
    """The documents of one journey, parsed, and what became of the links that are not
    documents of the package."""

    trees: dict[str, Element] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    """A file's identity (its absolute path) -> its key in :attr:`files`."""
    absent: dict[str, str] = field(default_factory=dict)
    """A linked file's identity -> why it is not read (``missing``, ``not vxml``)."""


# --- reading -------------------------------------------------------------------------


def _parse(text: str, file: str) -> Element:
    """The document's root element; a clear message when something stands before the
    XML declaration (a space, a blank line)."""
    text = text.removeprefix("\ufeff")
    start = text.find("<?xml")
    if start > 0 and not text[:start].strip() and re.match(r"<\?xml\s", text[start:]):
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        raise ReadError(
            file,
            line,
            column,
            f"the XML declaration `<?xml ...?>` must be the very first thing in the file, "
            f"but {start} blank character{'s' if start != 1 else ''} stand before it: XML "
            "parsers refuse such a document, so a VoiceXML platform rejects it "
            "(error.badfetch); delete what stands before `<?xml`",
        )
    return parse(text, file)


def _split(href: str) -> tuple[str, str, str]:
    """``(kind, path, fragment)`` of a link: ``local`` (``#id`` in this document),
    ``file`` (a path relative to this document) or ``url`` (a scheme, or a path on
    the web server)."""
    href = href.strip()
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", href) or href.startswith("/"):
        return "url", href, ""
    path, _, fragment = href.partition("#")
    path = unquote(path.partition("?")[0])
    return ("local" if not path else "file"), path, fragment


def _hrefs(root: Element) -> Iterator[tuple[Element, str]]:
    """Every link to another document written in a document: ``(element, href)``."""
    if root.attrib.get("application"):
        yield root, root.attrib["application"]
    for element in root.iter():
        attribute = "src" if element.tag == "subdialog" else "next"
        if element.tag in ("goto", "choice", "link", "subdialog") and element.attrib.get(attribute):
            yield element, element.attrib[attribute]


def _linked_file(key: str, href: str) -> str | None:
    """The path of the document file ``href`` names (relative to the document ``key``),
    or None when it names no file journeymap reads."""
    kind, path, _ = _split(href)
    if kind != "file" or Path(path).suffix.lower() not in SUFFIXES:
        return None
    return os.path.normpath(os.path.join(os.path.dirname(key), path))


def claims(path: Path, head: str) -> bool:
    """Whether the text is a VoiceXML document: its root element is ``<vxml>``."""
    text = head.lstrip("\ufeff")
    while True:
        text = text.lstrip()
        if text.startswith("<?") or text.startswith("<!--"):
            close = "?>" if text.startswith("<?") else "-->"
            end = text.find(close)
            if end < 0:
                return path.suffix.lower() == ".vxml"  # the head ended inside it
            text = text[end + len(close) :]
        elif text.startswith("<!DOCTYPE"):
            end = text.find("]>") if "[" in text.split(">", 1)[0] else text.find(">")
            if end < 0:
                return path.suffix.lower() == ".vxml"
            text = text[end + 1 :].lstrip("]>")
        else:
            break
    if not text:
        return path.suffix.lower() == ".vxml"
    return re.match(r"<(?:[A-Za-z_][\w.-]*:)?vxml[\s/>]", text) is not None


def includes(path: Path, text: str) -> list[Path]:
    """The documents this one links to that are on disk (``next``, ``src`` of a
    subdialog, ``application``)."""
    try:
        root = _parse(text, str(path))
    except ReadError:
        return []
    found: list[Path] = []
    for _, href in _hrefs(root):
        target = _linked_file(str(path), href)
        if target is None or not Path(target).is_file():
            continue
        if os.path.abspath(target) != os.path.abspath(path) and Path(target) not in found:
            found.append(Path(target))
    return found


def helpers(path: Path, text: str) -> list[Path]:
    """The documents this one names as its application root (``application=``): shared
    handlers and links, never where a call starts."""
    try:
        root = _parse(text, str(path))
    except ReadError:
        return []
    target = _linked_file(str(path), root.attrib.get("application", ""))
    return [Path(target)] if target and Path(target).is_file() else []


def read_package(path: Path, read: Read) -> VxmlPackage:
    """The document and every document it links to that is on disk, each read once."""
    package = VxmlPackage(str(path))
    queue = [str(path)]
    package.keys[os.path.abspath(str(path))] = str(path)
    index = 0
    while index < len(queue):
        key = queue[index]
        index += 1
        text = read(Path(key))
        root = _parse(text, key)
        if root.tag != "vxml":
            if index == 1:
                raise ReadError(
                    key,
                    root.line,
                    root.column,
                    f"not a VoiceXML document: the root element is <{root.tag}>, not <vxml>",
                )
            package.absent[os.path.abspath(key)] = "not vxml"
            continue
        package.files[key] = text
        package.trees[key] = root
        for element, href in _hrefs(root):
            target = _linked_file(key, href)
            if target is None:
                continue
            identity = os.path.abspath(target)
            if identity in package.keys or identity in package.absent:
                continue
            if not Path(target).is_file():
                package.absent[identity] = "missing"
                continue
            if len(queue) >= MAX_FILES:
                raise ReadError(
                    key,
                    element.line,
                    element.column,
                    f"the documents link to more than {MAX_FILES} other documents",
                )
            package.keys[identity] = target
            queue.append(target)
    return package


def _trees(package: Package) -> dict[str, Element]:
    if isinstance(package, VxmlPackage) and package.trees:
        return package.trees
    return {key: _parse(text, key) for key, text in package.files.items()}


def _labels(package: Package) -> dict[str, str]:
    """Each document's ``FILE`` in block ids: its file name, or, when documents share a
    name, their paths from the folder they have in common."""
    names: dict[str, list[str]] = {}
    for key in package.files:
        names.setdefault(os.path.basename(key), []).append(key)
    labels = {}
    for name, keys in names.items():
        if len(keys) == 1:
            labels[keys[0]] = name
            continue
        base = os.path.commonpath([os.path.dirname(os.path.abspath(k)) for k in keys])
        for key in keys:
            labels[key] = Path(os.path.relpath(os.path.abspath(key), base)).as_posix()
    return labels


def block_files(package: Package) -> dict[str, tuple[str, int, int]]:
    """Where each block id stands: file, line and column of the element's start tag."""
    found: dict[str, tuple[str, int, int]] = {}
    labels = _labels(package)
    for key, root in _trees(package).items():
        label = labels[key]
        for element in root.iter():
            found.setdefault(f"{label}:{element.line}", (key, element.line, element.column))
        for dialog in root.children:
            name = dialog.attrib.get("id")
            if dialog.tag not in ("form", "menu") or not name:
                continue
            found.setdefault(f"{label}#{name}", (key, dialog.line, dialog.column))
            for item in dialog.children:
                if item.tag == "field" and item.attrib.get("name"):
                    where = (key, item.line, item.column)
                    found.setdefault(f"{label}#{name}.{item.attrib['name']}", where)
    return found


# --- what is said --------------------------------------------------------------------


def _choice_phrase(choice: Element) -> str:
    """The words of a ``<choice>`` or ``<option>`` (its grammar left out)."""
    return " ".join(_in_order(choice, skip=("grammar", "metadata")).split())


def _in_order(element: Element, skip: tuple[str, ...] = ()) -> str:
    """The text inside ``element`` in document order, leaving out ``skip`` subtrees."""
    parts: list[str] = []
    stack: list[tuple[Element, bool]] = [(element, False)]
    while stack:
        current, tail = stack.pop()
        if tail:
            parts.append(current.tail)
            continue
        if current is not element and current.tag in skip:
            continue
        parts.append(current.text)
        for child in reversed(current.children):
            stack.append((child, True))
            stack.append((child, False))
    return " ".join(parts)


Choices = list[tuple[str, str]]
"""``(phrase, dtmf)`` of each choice or option, for ``<enumerate>``."""


def _enumerate(element: Element, choices: Choices) -> str:
    """What an ``<enumerate>`` says: its template for each choice, or "For X, press N."."""
    said = []
    for phrase, key in choices:
        if element.children or element.text.strip():
            pieces, _ = _speech([element], [], {"_prompt": phrase, "_dtmf": key})
            said.append(" ".join("".join(pieces).split()))
        elif phrase and key:
            said.append(f"For {phrase}, press {key}.")
        elif key:
            said.append(f"Press {key}.")
        elif phrase:
            said.append(f"{phrase}.")
    return " ".join(said)


def _speech(
    items: list[Element | str], choices: Choices, values: dict[str, str] | None = None
) -> tuple[list[str], bool]:
    """The words of prompts and SSML in order, and whether some of it is only known at
    run time (an ``<audio>`` with no text, a ``<value>``)."""
    pieces: list[str] = []
    dynamic = False
    stack: list[Element | str] = list(reversed(items))
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            pieces.append(item)
            continue
        tag = item.tag
        if tag == "value":
            expr = item.attrib.get("expr", "").strip()
            if values is not None and expr in values:
                pieces.append(values[expr])
            else:
                pieces.append("(value)")
                dynamic = True
            continue
        if tag == "enumerate" and values is None:
            pieces.append(f" {_enumerate(item, choices)} ")
            continue
        if tag in NOT_SPOKEN:
            pieces.append(" " if tag == "break" else "")
            continue
        if tag == "audio" and not item.children and not item.text.strip():
            dynamic = True
            pieces.append(" ")
            continue
        if tag == "sub" and item.attrib.get("alias"):
            pieces.append(item.attrib["alias"])
            continue
        content: list[Element | str] = [item.text]
        for child in item.children:
            content += [child, child.tail]
        if tag in APART:
            content = [" ", *content, " "]
        stack.extend(reversed(content))
    return pieces, dynamic


def _say(items: list[Element | str], choices: Choices) -> str | None:
    """The text of a message or prompt: its words, "(dynamic prompt)" when only audio or
    values are said, None when nothing is said."""
    pieces, dynamic = _speech(items, choices)
    text = " ".join("".join(pieces).split())
    if not re.search(r"\w", text.replace("(value)", "")):
        return DYNAMIC if dynamic or text else None
    return text


def _prompts(element: Element) -> list[Element | str]:
    """The prompts a dialog or item says the first time (``count`` 1)."""
    found: list[Element | str] = []
    for child in element.children:
        if child.tag in ("prompt", "audio") and _int(child.attrib.get("count"), 1) <= 1:
            found.append(child)
    return found


def _int(text: str | None, default: int) -> int:
    try:
        return int(str(text).strip())
    except ValueError:
        return default


# --- conditions ----------------------------------------------------------------------

_COMPARE = re.compile(
    r"""^\(?\s*(?:(?P<var>[\w$.]+)\s*(?P<op>===?|!==?)\s*(?P<q>['"])(?P<value>[^'"]*)(?P=q)
    |(?P<q2>['"])(?P<value2>[^'"]*)(?P=q2)\s*(?P<op2>===?|!==?)\s*(?P<var2>[\w$.]+))\s*\)?$""",
    re.VERBOSE,
)


def _norm(cond: str) -> str:
    return " ".join(cond.split())


def _decide(cond: str, env: Env) -> bool | None:
    """What a ``cond`` comes to with what ``env`` knows, or None."""
    text = _norm(cond)
    for kind, name, value in env:
        if kind == "cond" and text == name:
            return value == "1"
    for kind, name, value in env:
        if kind != "var" or "&&" in text:
            continue
        results: list[bool | None] = []
        for part in text.split("||"):
            match = _COMPARE.match(part.strip())
            if match is None:
                results.append(None)
                continue
            var = match.group("var") or match.group("var2")
            literal = match.group("value") if match.group("var") else match.group("value2")
            op = match.group("op") or match.group("op2")
            if var != name:
                results.append(None)
                continue
            results.append((literal == value) == op.startswith("="))
        if any(r is True for r in results):
            return True
        if results and all(r is False for r in results):
            return False
    return None


def _segments(element: Element) -> tuple[list[tuple[str, int, int]], tuple[int, int] | None]:
    """The branches of an ``<if>``: ``(cond, start, end)`` child ranges, and the
    ``<else>`` range or None."""
    branches: list[tuple[str, int, int]] = []
    other: tuple[int, int] | None = None
    cond = element.attrib.get("cond", "")
    start = 0
    is_else = False
    for index, child in enumerate([*element.children, None]):
        if child is not None and child.tag not in ("elseif", "else"):
            continue
        if is_else:
            other = (start, index)
        else:
            branches.append((cond, start, index))
        if child is not None:
            is_else = child.tag == "else"
            cond = child.attrib.get("cond", "")
            start = index + 1
    return branches, other


def _leaves(parent: Element, start: int, end: int, item: str = "") -> str:
    """Whether content always leaves (``yes``: a goto, exit ..., or an ``<assign>`` of
    the form item's own variable ``item``), never (``no``: it only re-asks), or on some
    paths (``mixed``)."""
    mixed = False
    for child in parent.children[start:end]:
        if child.tag in TRANSITIONS or (
            child.tag == "assign" and item and child.attrib.get("name", "").strip() == item
        ):
            return "yes"
        if child.tag == "if":
            branches, other = _segments(child)
            ways = [_leaves(child, s, e, item) for _, s, e in branches]
            ways.append(_leaves(child, *other, item) if other else "no")
            if all(w == "yes" for w in ways):
                return "yes"
            mixed = mixed or any(w != "no" for w in ways)
    return "mixed" if mixed else "no"


_INCREMENT = r"^\s*(?:{v}\s*\+\s*1|1\s*\+\s*{v}|{v}\s*\+\+|\+\+\s*{v}|{v}\s*\+=\s*1)\s*$"
_TEST = re.compile(
    r"^\(?\s*(?:(?P<var>[\w$.]+)\s*(?P<op>===?|>=|>)\s*(?P<n>\d+)"
    r"|(?P<n2>\d+)\s*(?P<op2>===?|<=|<)\s*(?P<var2>[\w$.]+))\s*\)?$"
)


@dataclass
class _Counter:
    """A retry counter found in a handler: the test that lets the caller go, and how
    many times the handler runs before it does."""

    cond: str
    tries: int


def _counter(handler: Element, starts: dict[str, int]) -> _Counter | None:
    """A handler that counts its runs in a variable and leaves when the count reaches a
    number: ``<assign name="n" expr="n + 1"/>`` and ``<if cond="n == 3"><exit/>``."""
    assigned: dict[str, int] = {}
    for index, child in enumerate(handler.children):
        if child.tag == "assign":
            name = child.attrib.get("name", "")
            pattern = _INCREMENT.format(v=re.escape(name))
            if name and re.match(pattern, child.attrib.get("expr", "")):
                assigned[name] = index
        if child.tag != "if":
            continue
        branches, other = _segments(child)
        for cond, start, end in branches:
            match = _TEST.match(_norm(cond))
            if match is None or _leaves(child, start, end) != "yes":
                continue
            var = match.group("var") or match.group("var2")
            op = match.group("op") or match.group("op2")
            number = int(match.group("n") or match.group("n2"))
            others = [_leaves(child, s, e) for c, s, e in branches if c != cond]
            others.append(_leaves(child, *other) if other else "no")
            if var not in assigned and not any(
                c.tag == "assign" and c.attrib.get("name") == var for c in handler.children
            ):
                continue
            if any(w == "yes" for w in others):
                continue
            threshold = number + 1 if op in (">", "<") else number
            before = var in assigned  # counted before the test, or after it
            tries = threshold - starts.get(var, 0) + (0 if before else 1)
            return _Counter(cond, max(tries, 1))
    return None


# --- the conversion ------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Ctx:
    """Where content runs: its document (links resolve from there), its dialog and
    form item, the scopes whose handlers apply (innermost first), and where the
    dialog goes on after a handler that does not leave."""

    doc: str
    dialog: Element
    item: Element | None
    scope: tuple[tuple[Element, str], ...]
    resume: str
    done: str = ""
    """Where the form goes once this item counts as filled."""


def _nth(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def _matches(caught: str, thrown: str) -> bool:
    caught = caught.strip()
    return caught in ("", ".") or thrown == caught or thrown.startswith(caught + ".")


class _Converter:
    """Builds the steps of one journey from the parsed documents."""

    def __init__(self, package: Package, name: str) -> None:
        self.package = package
        self.trees = _trees(package)
        self.labels = _labels(package)
        self.entry_doc = package.root if package.root in self.trees else next(iter(self.trees))
        stems: dict[str, str] = {}
        for key, label in self.labels.items():
            stem = re.sub(r"[^A-Za-z0-9_-]+", "_", Path(label).stem).strip("_") or "doc"
            if stem in stems.values():
                stem = re.sub(r"[^A-Za-z0-9_-]+", "_", label).strip("_")
            stems[key] = stem
        self.stems = stems
        self.identities = {os.path.abspath(k): k for k in self.trees}
        if isinstance(package, VxmlPackage):
            self.identities.update({i: k for i, k in package.keys.items() if k in self.trees})
        self.nodes: dict[str, dict[str, Any]] = {}
        self.teams: dict[str, Any] = {
            "ivr": {"name": "Voice application", "kind": "automated"},
        }
        self.memo: dict[tuple[Any, ...], str] = {}
        self.jobs: deque[Callable[[], None]] = deque()
        self.aliases: dict[tuple[Any, ...], str] = {}
        self.form_firsts: list[tuple[str, str]] = []
        self.callers: dict[str, list[tuple[str, _Ctx]]] = {}
        self.returns: dict[tuple[str, str], tuple[str, Element]] = {}
        self.name = name
        self.variables: dict[str, set[str] | None] = {}
        self.serial: dict[str, int] = {}
        self.suffixes: dict[str, int] = {}
        self.dialog_index: dict[str, tuple[list[Element], dict[str, Element]]] = {}
        """The order in which step ids were made."""
        self.caught: dict[int, list[tuple[list[str], int, Element]]] = {}
        self.by_tag: dict[int, dict[str, list[Element]]] = {}

    # ids and sources

    def new_id(self, doc: str, base: str) -> str:
        """A fresh step id: ``base`` in the document read, ``STEM.base`` in the others."""
        sid = re.sub(r"[^A-Za-z0-9_.-]+", "_", base).strip("_.") or "step"
        if doc != self.entry_doc:
            sid = f"{self.stems[doc]}.{sid}"
        candidate, n = sid, self.suffixes.get(sid, 1)
        while candidate in self.nodes:
            n += 1
            candidate = f"{sid}_{n}"
        self.suffixes[sid] = n
        self.nodes[candidate] = {}  # reserved
        self.serial[candidate] = len(self.serial)
        return candidate

    def at(self, doc: str, element: Element) -> str:
        return f"{self.labels[doc]}:{element.line}"

    def dialog_source(self, doc: str, dialog: Element) -> str:
        name = dialog.attrib.get("id")
        return f"{self.labels[doc]}#{name}" if name else self.at(doc, dialog)

    def step(self, sid: str, **fields: Any) -> str:
        self.nodes[sid] = {"team": "ivr", **fields} if fields.get("type") != "end" else fields
        return sid

    def alias(self, doc: str, source: str) -> str:
        sid = self.new_id(doc, "pass")
        self.nodes[sid] = {"type": "message", PASS: True, "source": source}
        return sid

    def end(self, doc: str, element: Element, source: str | None = None, why: str = "") -> str:
        """An ``end`` (judged later) made for ``element``: an ``<exit>``, the end of a
        form (``source`` is the form's), an event the platform ends the call on."""
        key = ("end", id(element), source)
        if key not in self.memo:
            name = element.attrib.get("id") if source else None
            if element.tag in ("form", "menu"):
                why = why or "_end"
            sid = self.new_id(doc, f"{name}.end" if name else f"{element.tag}{element.line}{why}")
            self.nodes[sid] = {
                "type": "end",
                "source": source or self.at(doc, element),
                JUDGE: True,
            }
            self.memo[key] = sid
        return self.memo[key]

    def external(self, doc: str, element: Element, what: str) -> str:
        key = ("external", id(element), what)
        if key not in self.memo:
            sid = self.new_id(doc, f"{element.tag}{element.line}")
            where = self.at(doc, element)
            self.step(sid, type="external", source=where, target=f"{what} at {where}")
            self.memo[key] = sid
        return self.memo[key]

    # scopes and handlers

    def doc_scope(self, doc: str) -> tuple[tuple[Element, str], ...]:
        """The document and its application root (when it is read)."""
        root = self.trees[doc]
        scope: list[tuple[Element, str]] = [(root, doc)]
        application = root.attrib.get("application")
        if application:
            kind, path, _ = _split(application)
            if kind == "file":
                key = self.identities.get(
                    os.path.abspath(os.path.normpath(os.path.join(os.path.dirname(doc), path)))
                )
                if key is not None and key != doc:
                    scope.append((self.trees[key], key))
        return tuple(scope)

    def kids(self, holder: Element, tag: str) -> list[Element]:
        """The children of ``holder`` with this tag (indexed once per element: a
        document's children are looked at for every field)."""
        if id(holder) not in self.by_tag:
            index: dict[str, list[Element]] = {}
            for child in holder.children:
                index.setdefault(child.tag, []).append(child)
            self.by_tag[id(holder)] = index
        return self.by_tag[id(holder)].get(tag, [])

    def catches(self, holder: Element) -> list[tuple[list[str], int, Element]]:
        """The handlers an element holds: ``(events, count, handler)``, in order."""
        if id(holder) not in self.caught:
            found = []
            for child in holder.children:
                if child.tag in HANDLERS:
                    events = (
                        (child.attrib.get("event") or "").split() or [""]
                        if child.tag == "catch"
                        else [child.tag]
                    )
                    found.append((events, min(_int(child.attrib.get("count"), 1), 50), child))
            self.caught[id(holder)] = found
        return self.caught[id(holder)]

    def select(
        self, scope: tuple[tuple[Element, str], ...], event: str, count: int
    ) -> tuple[Element, str] | None:
        """The handler section 5.2.4 selects for the ``count``-th ``event``."""
        found = [
            (number, handler, doc)
            for holder, doc in scope
            for events, number, handler in self.catches(holder)
            if any(_matches(e, event) for e in events)
        ]
        counts = [c for c, _, _ in found if c <= count]
        if not counts:
            return None
        best = max(counts)
        return next((h, d) for c, h, d in found if c == best)

    def top_count(self, scope: tuple[tuple[Element, str], ...], event: str) -> int:
        """The highest ``count`` of the handlers for ``event`` here (at least 1)."""
        counts = [
            number
            for holder, _ in scope
            for events, number, _ in self.catches(holder)
            if any(_matches(e, event) for e in events)
        ]
        return max([1, *counts])

    def handler(self, found: tuple[Element, str], ctx: _Ctx, env: Env = ()) -> str:
        """The step a handler's content starts at (read later, so that handlers that
        throw to each other do not recurse)."""
        element, doc = found
        key = ("handler", id(element), id(ctx.item or ctx.dialog), ctx.resume, env)
        if key not in self.aliases:
            sid = self.alias(doc, self.at(doc, element))
            self.aliases[key] = sid
            inner = dataclasses.replace(ctx, doc=doc)

            def job() -> None:
                entry = self.content(element, 0, len(element.children), ctx.resume, inner, env)
                self.nodes[sid]["next"] = entry

            self.jobs.append(job)
        return self.aliases[key]

    def throw(self, ctx: _Ctx, event: str, element: Element, raised: bool = True) -> str:
        """Where a thrown event leads: its handler, or the platform's default (re-ask
        for input events, end the call for the others). An error event passes a step
        whose ``on_error`` route says so."""
        found = self.select(ctx.scope, event, 1)
        if found is not None:
            target = self.handler(found, ctx)
        elif event.split(".")[0] in REASK_EVENTS:
            target = ctx.resume
        else:
            target = self.end(ctx.doc, element, why="_end")
        if not event.startswith("error") or not raised:
            return target
        key = ("raise", id(element), target)
        if key not in self.memo:
            sid = self.new_id(ctx.doc, f"{element.tag}{element.line}_error")
            self.step(
                sid,
                type="message",
                source=self.at(ctx.doc, element),
                on_error={"to": target, "label": event},
            )
            self.memo[key] = sid
        return self.memo[key]

    # links

    def dialog_ref(self, doc: str, dialog: Element) -> str:
        """The step a dialog starts at (read from the work list when first named)."""
        key = ("dialog", doc, id(dialog))
        if key not in self.aliases:
            if dialog.tag == "menu":
                sid = self.new_id(doc, dialog.attrib.get("id") or f"menu{dialog.line}")
            else:
                sid = self.alias(doc, self.dialog_source(doc, dialog))
            self.aliases[key] = sid
            self.jobs.append(lambda: self.dialog(doc, dialog, sid))
        return self.aliases[key]

    def dialogs(self, doc: str) -> list[Element]:
        """The ``<form>`` and ``<menu>`` elements of a document, in order."""
        return self.indexed(doc)[0]

    def indexed(self, doc: str) -> tuple[list[Element], dict[str, Element]]:
        if doc not in self.dialog_index:
            dialogs = [c for c in self.trees[doc].children if c.tag in ("form", "menu")]
            named: dict[str, Element] = {}
            for dialog in dialogs:
                named.setdefault(dialog.attrib.get("id", ""), dialog)
            self.dialog_index[doc] = (dialogs, named)
        return self.dialog_index[doc]

    def find_dialog(self, doc: str, name: str) -> Element | None:
        """The dialog ``#name`` of a document (its first dialog when ``name`` is empty)."""
        dialogs, named = self.indexed(doc)
        if not name:
            return dialogs[0] if dialogs else None
        return named.get(name)

    def document(self, ctx: _Ctx, path: str) -> tuple[str | None, str]:
        """The package key of a linked document, or None and why it is not read."""
        target = os.path.normpath(os.path.join(os.path.dirname(ctx.doc), path))
        identity = os.path.abspath(target)
        key = self.identities.get(identity)
        if key is not None:
            return key, ""
        absent = (
            self.package.absent.get(identity) if isinstance(self.package, VxmlPackage) else None
        )
        if Path(path).suffix.lower() not in SUFFIXES:
            return None, f"{path} (a page on the server)"
        if absent == "not vxml":
            return None, f"{path}, which is not a VoiceXML document"
        return None, f"{path}, which is not in the folder (the server serves it)"

    def link(self, ctx: _Ctx, element: Element, href: str, what: str) -> str:
        """Where a ``next`` leads: a dialog of this or another document, or outside."""
        kind, path, fragment = _split(href)
        if kind == "url":
            where = "a URL" if not path.startswith("/") else "a path on the web server"
            return self.external(ctx.doc, element, f"{what} to {path} ({where})")
        doc: str | None = ctx.doc
        if kind == "file":
            doc, why = self.document(ctx, path)
            if doc is None:
                return self.external(ctx.doc, element, f"{what} to {why}")
        assert doc is not None
        dialog = self.find_dialog(doc, fragment)
        if dialog is None:
            return self.throw(ctx, "error.badfetch", element)
        return self.dialog_ref(doc, dialog)

    def links(self, ctx: _Ctx) -> list[tuple[str, str, str]]:
        """The ``<link>`` commands active here: ``(key, label, target)``."""
        found: list[tuple[str, str, str]] = []
        holders = ([(ctx.item, ctx.doc)] if ctx.item is not None else []) + [
            (ctx.dialog, ctx.doc),
            *self.doc_scope(ctx.doc),
        ]
        seen: set[int] = set()
        for holder, doc in holders:
            if holder is None or id(holder) in seen:
                continue
            seen.add(id(holder))
            for link in self.kids(holder, "link"):
                here = dataclasses.replace(ctx, doc=doc)
                if link.attrib.get("next"):
                    target = self.link(here, link, link.attrib["next"], "a <link>")
                elif link.attrib.get("event"):
                    target = self.throw(ctx, link.attrib["event"], link)
                else:
                    target = self.external(doc, link, "a <link> with a computed target")
                phrase = ""
                grammar = link.find("grammar")
                if grammar is not None:
                    items = [" ".join(i.all_text().split()) for i in grammar.iter("item")]
                    phrase = next((i for i in items if i), "") or " ".join(
                        grammar.all_text().split()
                    )
                key = link.attrib.get("dtmf", "").strip()
                label = phrase[:40] or f"link at {self.at(doc, link)}"
                if key:
                    found.append((key, label, target))
                elif phrase:
                    found.append((phrase[:40], label, target))
                if not key and not phrase:
                    found.append((f"(link at {self.at(doc, link)})", label, target))
        return found

    # content

    def content(
        self, parent: Element, start: int, end: int, cont: str, ctx: _Ctx, env: Env = ()
    ) -> str:
        """The step that executable content starts at, leading on to ``cont``."""
        key = ("content", id(parent), start, end, cont, id(ctx.item or ctx.dialog),
               ctx.resume, ctx.doc, env)  # fmt: skip
        if key in self.memo:
            return self.memo[key]
        tokens: list[Element | str] = [
            parent.text if start == 0 else parent.children[start - 1].tail
        ]
        for child in parent.children[start:end]:
            tokens += [child, child.tail]
        after = cont
        pending: list[Element | str] = []

        def flush() -> None:
            nonlocal after, pending
            if not pending:
                return
            say = _say(pending, [])
            if say is not None:
                first = next((p for p in pending if isinstance(p, Element)), parent)
                sid = self.new_id(ctx.doc, f"{first.tag}{first.line}")
                self.step(sid, type="message", source=self.at(ctx.doc, first), say=say,
                          next=after)  # fmt: skip
                after = sid
            pending = []

        for token in reversed(tokens):
            if isinstance(token, str):
                if token.strip():
                    pending.insert(0, token)
                continue
            tag = token.tag
            if tag in SPEECH:
                pending.insert(0, token)
            elif tag == "assign" and self.fills_item(token, ctx):
                pending = []  # the item counts as filled: the form moves on
                after = ctx.done
            elif tag == "assign" and not self.declared(ctx.doc, token.attrib.get("name", "")):
                pending = []  # an assignment to an undeclared variable throws
                after = self.throw(ctx, "error.semantic", token)
            elif tag in QUIET:
                continue
            elif tag in TRANSITIONS:
                pending = []
                after = self.transition(token, ctx)
            elif tag == "if":
                flush()
                after = self.branch(token, after, ctx, env)
            elif tag == "foreach":
                flush()
                after = self.content(token, 0, len(token.children), after, ctx, env)
            elif tag == "data":
                flush()
                after = self.fetch(token, after, ctx)
            else:
                flush()
                after = self.external(
                    ctx.doc, token, f"<{tag}>, which journeymap does not read here"
                )
        flush()
        self.memo[key] = after
        return after

    @staticmethod
    def fills_item(element: Element, ctx: _Ctx) -> bool:
        """An ``<assign>`` of the form item's own variable, in one of its handlers: the
        Form Interpretation Algorithm then moves on to the next item."""
        name = element.attrib.get("name", "").strip()
        return bool(
            ctx.done and ctx.item is not None and name and name == ctx.item.attrib.get("name")
        )

    def declared(self, doc: str, name: str) -> bool:
        """Whether a variable ``<assign>`` sets is declared in the document or its
        application root (True when a script from another file could declare it)."""
        if doc not in self.variables:
            names: set[str] | None = set()
            for root, _ in self.doc_scope(doc):
                for element in root.iter():
                    if names is None:
                        break
                    if element.tag == "script":
                        if element.attrib.get("src") or element.attrib.get("srcexpr"):
                            names = None  # what it declares is not in these documents
                            break
                        text = element.all_text()
                        names.update(re.findall(r"\b(?:var|let|const|function)\s+([\w$]+)", text))
                        names.update(re.findall(r"(?m)^\s*([\w$]+)\s*=(?!=)", text))
                    for key in ("name", "item", "index"):
                        if element.tag != "assign" and element.attrib.get(key):
                            names.add(element.attrib[key])
            self.variables[doc] = names
        known = self.variables[doc]
        head = name.split(".")[0].split("[")[0].strip()
        if known is None or not head or head.startswith("_"):
            return True
        return head in known or head in ("application", "session", "document", "dialog")

    def transition(self, element: Element, ctx: _Ctx) -> str:
        """Where a ``<goto>``, ``<submit>``, ``<exit>``, ``<return>``, ``<throw>`` leads."""
        tag, attrib = element.tag, element.attrib
        if tag == "goto":
            if attrib.get("next"):
                return self.link(ctx, element, attrib["next"], "a <goto>")
            if attrib.get("nextitem"):
                key = ("item", id(ctx.dialog), attrib["nextitem"])
                if key in self.aliases:
                    return self.aliases[key]
                return self.throw(ctx, "error.badfetch", element)
            return self.external(ctx.doc, element, "a <goto> to a target computed at run time")
        if tag == "submit":
            target = attrib.get("next") or "a server address computed at run time"
            return self.external(ctx.doc, element, f"a <submit> to {target} (the server)")
        if tag == "exit" and (attrib.get("namelist") or attrib.get("expr")):
            values = attrib.get("namelist") or attrib.get("expr")
            return self.external(
                ctx.doc,
                element,
                f"the application that started this dialog (<exit> hands {values} back)",
            )
        if tag in ("exit", "disconnect"):
            return self.end(ctx.doc, element)
        if tag == "return":
            returned = (ctx.doc, attrib.get("event", ""))
            if returned not in self.returns:
                self.returns[returned] = (self.new_id(ctx.doc, f"return{element.line}"), element)
            return self.returns[returned][0]
        event = attrib.get("event", "")
        if not event:
            return self.external(ctx.doc, element, "a <throw> of an event computed at run time")
        return self.throw(ctx, event, element)

    def branch(self, element: Element, after: str, ctx: _Ctx, env: Env) -> str:
        """An ``<if>``: a ``condition`` with a branch per test still open."""
        branches, other = _segments(element)
        nested = any(c.tag == "if" and c is not element for c in element.iter())
        inner = env if nested else ()  # what is known matters no further down
        open_: list[tuple[str, str]] = []
        otherwise = after
        label_other = "otherwise"
        for cond, start, end in branches:
            decided = _decide(cond, env)
            if decided is False:
                continue
            target = self.content(element, start, end, after, ctx, inner)
            if decided is True:
                otherwise, label_other, other = target, "else", None
                break
            open_.append((cond, target))
        else:
            if other is not None:
                otherwise = self.content(element, other[0], other[1], after, ctx, inner)
                label_other = "else"
        if all(t == otherwise for _, t in open_):
            return otherwise
        sid = self.new_id(ctx.doc, f"if{element.line}")
        labels: dict[str, str] = {}
        for cond, target in open_:
            label = _norm(cond)[:60] or "(no test)"
            while label in labels:
                label += " "
            labels[label] = target
        labels.setdefault(label_other, otherwise)
        return self.step(sid, type="condition", source=self.at(ctx.doc, element),
                         branches=labels)  # fmt: skip

    def fetch(self, element: Element, after: str, ctx: _Ctx) -> str:
        """A ``<data>`` fetch: a ``self_service`` step (its failure, when handled)."""
        src = element.attrib.get("src") or "an address computed at run time"
        sid = self.new_id(ctx.doc, f"data{element.line}")
        step: dict[str, Any] = {"type": "self_service", "source": self.at(ctx.doc, element),
                                "say": f"(fetches data from {src})", "next": after}  # fmt: skip
        if self.select(ctx.scope, "error.badfetch", 1) is not None:
            step["on_error"] = self.throw(ctx, "error.badfetch", element, raised=False)
        self.nodes[sid] = {"team": "ivr", **step}
        return sid

    # retries

    def retry(
        self, ctx: _Ctx, event: str, here: str
    ) -> tuple[str, int | None, str | None, Element | None]:
        """``(route, tries, exit, handler)`` for an input event at the step ``here``:
        the route the first time; how many times it comes before the caller is let go,
        where they go then and the handler that decides it (None when the handlers
        only re-ask)."""
        ask = dataclasses.replace(ctx, resume=here)
        top = self.top_count(ctx.scope, event)
        first: str | None = None
        for count in range(1, top + 1):
            found = self.select(ctx.scope, event, count)
            if found is None:
                first = first or here
                continue
            element, _ = found
            own = ctx.item.attrib.get("name", "") if ctx.item is not None and ctx.done else ""
            way = _leaves(element, 0, len(element.children), own)
            if way == "yes":
                target = self.handler(found, ask)
                return (first or target), (count if first else 1), target, element
            if way == "mixed":
                counter = _counter(element, self.counter_starts(ctx))
                if counter is None:
                    return (first or self.handler(found, ask)), None, None, None
                done = self.handler(found, ask, (("cond", _norm(counter.cond), "1"),))
                again = self.handler(found, ask, (("cond", _norm(counter.cond), "0"),))
                return (first or again), count - 1 + counter.tries, done, element
            first = first or self.handler(found, ask)
        return first or here, None, None, None

    def tries(self, ctx: _Ctx, event: str, route: str, tries: int, leave: str,
              handler: Element) -> str:  # fmt: skip
        """A retry counter: ``loop`` back ``tries - 1`` times, then ``tries used up``."""
        sid = self.new_id(ctx.doc, f"{event}{handler.line}_tries")
        return self.step(
            sid,
            type="condition",
            source=self.at(ctx.doc, handler),
            say=f"(the {_nth(tries)} {event} leads on)",
            branches={"loop": route, "tries used up": leave},
        )

    def counter_starts(self, ctx: _Ctx) -> dict[str, int]:
        """The start value of each numeric ``<var>`` in the item, form and documents."""
        starts: dict[str, int] = {}
        holders = [h for h, _ in ctx.scope] + [ctx.dialog]
        for holder in holders:
            for var in self.kids(holder, "var"):
                name = var.attrib.get("name", "")
                if (
                    name
                    and name not in starts
                    and re.fullmatch(r"\s*\d+\s*", var.attrib.get("expr", "0"))
                ):
                    starts[name] = int(var.attrib.get("expr", "0"))
        return starts

    def retries(
        self,
        step: dict[str, Any],
        ctx: _Ctx,
        here: str,
        events: tuple[str, ...] = ("noinput", "nomatch"),
    ) -> None:
        """Sets ``no_input``/``no_match`` (and ``max_retries``/``on_fail`` when every
        input event is bounded the same way) on a menu or question."""
        found = {e: self.retry(ctx, e, here) for e in events}
        unbounded = any(leave is None for _, _, leave, _ in found.values())
        for event, (route, tries, leave, handler) in found.items():
            name = "no_input" if event == "noinput" else "no_match"
            if tries is None or leave is None or handler is None:
                step[name] = route
            elif tries <= 1:
                step[name] = leave
            elif not unbounded and step.get("on_fail", leave) == leave:
                step[name] = route
                step["max_retries"] = max(step.get("max_retries", 0), tries)
                step["on_fail"] = leave
            else:
                step[name] = self.tries(ctx, event, route, tries, leave, handler)
                if "on_fail" in step:  # the same way out, written twice? (see _merge)
                    self.nodes[step[name]][MERGE] = (here, name, tries)

    # dialogs

    def dialog(self, doc: str, dialog: Element, sid: str) -> None:
        if dialog.tag == "menu":
            self.menu(doc, dialog, sid)
        else:
            self.form(doc, dialog, sid)

    def menu(self, doc: str, menu: Element, sid: str) -> None:
        """A ``<menu>``: its choices are options."""
        ctx = _Ctx(doc, menu, menu, ((menu, doc), *self.doc_scope(doc)), sid)
        voice = "voice" in self.inputmodes(menu, doc)
        choices: Choices = []
        numbered = menu.attrib.get("dtmf", "").strip().lower() == "true"
        auto = 0
        options: dict[str, Any] = {}
        for choice in menu.findall("choice"):
            key = choice.attrib.get("dtmf", "").strip()
            if not key and numbered and auto < 9:
                auto += 1
                key = str(auto)
            phrase = _choice_phrase(choice)
            choices.append((phrase, key))
            if choice.attrib.get("next"):
                target = self.link(ctx, choice, choice.attrib["next"], "a <choice>")
            elif choice.attrib.get("event"):
                target = self.throw(ctx, choice.attrib["event"], choice)
            else:
                target = self.external(doc, choice, "a <choice> with a target computed at run time")
            if key:  # said or pressed, one way: the key, named by the phrase
                options.setdefault(key, {"to": target, "label": phrase[:60]} if phrase else target)
            elif phrase and voice:
                options.setdefault(phrase[:60], target)
            if not key and not phrase and choice.find("grammar") is not None:
                options.setdefault(f"(grammar at {self.at(doc, choice)})", target)
        for key, label, target in self.links(ctx):
            options.setdefault(key, {"to": target, "label": label})
        source = self.dialog_source(doc, menu)
        step: dict[str, Any] = {"type": "menu", "team": "ivr", "source": source, "options": options}
        say = _say(_prompts(menu) + [c for c in menu.findall("enumerate")], choices)
        if say:
            step["say"] = say
        self.retries(step, ctx, sid)
        self.nodes[sid] = step

    def inputmodes(self, element: Element, doc: str) -> str:
        for holder in (element, self.trees[doc]):
            for prop in self.kids(holder, "property"):
                if prop.attrib.get("name") == "inputmodes":
                    return prop.attrib.get("value", "dtmf voice")
        return "dtmf voice"

    def form(self, doc: str, form: Element, sid: str) -> None:
        """A ``<form>``: its items in document order, then the end of the call."""
        source = self.dialog_source(doc, form)
        scope = ((form, doc), *self.doc_scope(doc))
        items = [c for c in form.children if c.tag in ITEMS or c.tag not in NOT_ITEMS]
        aliases = []
        for item in items:
            alias = self.alias(doc, self.at(doc, item))
            aliases.append(alias)
            if item.attrib.get("name"):
                self.aliases.setdefault(("item", id(form), item.attrib["name"]), alias)
        finish = self.end(doc, form, source)
        self.nodes[finish][IMPLICIT] = True
        filleds = form.findall("filled")
        following = finish
        for index in range(len(items) - 1, -1, -1):
            item, alias = items[index], aliases[index]
            ctx = _Ctx(doc, form, item, ((item, doc), *scope), alias, following)
            done = self.form_filled(form, filleds, item, following, ctx)
            ctx = dataclasses.replace(ctx, done=done)
            made = len(self.serial)
            entry = self.item(item, ctx, done)
            self.nodes[alias]["next"] = self.guard(item, ctx, entry, following)
            opens = index == 0 and item.tag == "block" and self.nodes[alias]["next"] == entry
            if opens and self.serial.get(entry, -1) >= made:  # made for this block
                self.form_firsts.append((entry, source))
            following = alias
        for data in reversed(form.findall("data")):  # run when the form starts
            following = self.fetch(data, following, _Ctx(doc, form, None, scope, following))
        self.nodes[sid]["next"] = following
        for stray in form.children:  # never played: not inside a form item
            if stray.tag in ("prompt", "audio", "value"):
                self.external(doc, stray, f"a <{stray.tag}> directly in a <form>, which the "
                              "platform never plays (it is not inside a form item)")  # fmt: skip

    def guard(self, item: Element, ctx: _Ctx, entry: str, following: str) -> str:
        """An item with a ``cond``: visited only when it holds."""
        cond = _norm(item.attrib.get("cond", ""))
        if not cond or cond == "true":
            return entry
        if cond == "false":
            return following  # never visited: the item stands apart
        sid = self.new_id(ctx.doc, f"{item.tag}{item.line}_cond")
        return self.step(sid, type="condition", source=self.at(ctx.doc, item),
                         branches={cond[:60]: entry, "otherwise": following})  # fmt: skip

    def form_filled(
        self, form: Element, filleds: list[Element], item: Element, following: str, ctx: _Ctx
    ) -> str:
        """What runs after ``item`` is filled: the form's ``<filled>`` elements that
        wait for it, then the next item."""
        if item.tag not in ("field", "record", "transfer", "subdialog", "object", "initial"):
            return following
        names = [
            i.attrib.get("name", "")
            for i in form.children
            if i.tag in ("field", "record", "transfer", "subdialog", "object")
        ]
        after = following
        for filled in reversed(filleds):
            wanted = filled.attrib.get("namelist", "").split() or names
            mode = filled.attrib.get("mode", "all")
            name = item.attrib.get("name", "")
            present = [n for n in names if n in wanted]
            if name not in wanted or (mode != "any" and present and present[-1] != name):
                continue
            here = dataclasses.replace(ctx, resume=after)
            after = self.content(filled, 0, len(filled.children), after, here)
        return after

    def item(self, item: Element, ctx: _Ctx, done: str) -> str:
        """The step a form item starts at; ``done`` is what follows it."""
        tag, doc = item.tag, ctx.doc
        after = dataclasses.replace(ctx, resume=done)
        if tag == "block":
            return self.content(item, 0, len(item.children), done, after)
        filled = item.find("filled")
        then = (
            self.content(filled, 0, len(filled.children), done, after)
            if filled is not None and tag != "transfer"
            else done
        )
        if tag in ("field", "initial"):
            return self.field(item, ctx, then)
        if tag == "record":
            return self.record(item, ctx, then)
        if tag == "subdialog":
            return self.subdialog(item, ctx, then)
        if tag == "transfer":
            return self.transfer(item, ctx, done)
        if tag == "object":
            return self.external(
                doc, item, "an <object> (a platform object journeymap does not read)"
            )
        return self.external(doc, item, f"<{tag}>, which journeymap does not read")

    def field(self, item: Element, ctx: _Ctx, then: str) -> str:
        """A ``<field>`` (or ``<initial>``): an ``input``."""
        doc, form = ctx.doc, ctx.dialog
        name = item.attrib.get("name", "")
        if item.tag == "field" and name and form.attrib.get("id"):
            source = f"{self.labels[doc]}#{form.attrib['id']}.{name}"
            sid = self.new_id(doc, f"{form.attrib['id']}.{name}")
        else:
            source = self.at(doc, item)
            sid = self.new_id(doc, f"{item.tag}{item.line}")
        # an <initial> is an open question: what it fills, the fields then skip
        collects = [] if item.tag == "initial" else [name or f"field at line {item.line}"]
        options = [(_choice_phrase(o), o.attrib.get("dtmf", "").strip()) for o in
                   item.findall("option")]  # fmt: skip
        step: dict[str, Any] = {"type": "input", "team": "ivr", "source": source,
                                "collects": collects}  # fmt: skip
        say = _say(_prompts(item), options)
        if say:
            step["say"] = say
        here = dataclasses.replace(ctx, resume=sid)
        commands = self.links(here)
        if commands:  # a global command said instead of an answer
            choice = self.new_id(doc, f"{item.tag}{item.line}_links")
            branches: dict[str, Any] = {"answered": then}
            for key, label, target in commands:
                branches.setdefault(f"command: {key}", {"to": target, "label": label})
            self.step(choice, type="condition", source=source,
                      say="(an answer, or a command of a <link>)", branches=branches)  # fmt: skip
            then = choice
        step["next"] = then
        self.retries(step, here, sid)
        self.nodes[sid] = step
        for stray in item.children:  # never run: executable content outside <filled>
            if stray.tag in TRANSITIONS or stray.tag in ("if", "assign", "goto"):
                self.external(doc, stray, f"a <{stray.tag}> directly in a <field>, where "
                              "VoiceXML does not run it")  # fmt: skip
        return sid

    def record(self, item: Element, ctx: _Ctx, then: str) -> str:
        """A ``<record>``: waits for the caller's message like a question (an
        ``input``; silence throws noinput), then keeps it (a ``self_service``)."""
        doc, where = ctx.doc, self.at(ctx.doc, item)
        sid = self.new_id(doc, f"record{item.line}")
        kept = self.new_id(doc, f"record{item.line}_kept")
        self.step(kept, type="self_service", source=where, say="(keeps the recorded message)",
                  next=then)  # fmt: skip
        step: dict[str, Any] = {"type": "input", "team": "ivr", "source": where,
                                "collects": [item.attrib.get("name") or "message"],
                                "say": _say(_prompts(item), []) or "(records a message)",
                                "next": kept}  # fmt: skip
        self.retries(step, dataclasses.replace(ctx, resume=sid), sid, ("noinput",))
        self.nodes[sid] = step
        return sid

    def subdialog(self, item: Element, ctx: _Ctx, then: str) -> str:
        """A ``<subdialog>``: the called dialog, whose ``<return>`` leads to ``then``."""
        doc = ctx.doc
        src = item.attrib.get("src", "")
        callee: tuple[str, Element] | None = None
        why = "a dialog computed at run time"
        if src:
            kind, path, fragment = _split(src)
            why = f"{path} (a URL)" if kind == "url" else path
            target_doc: str | None = doc
            if kind == "file":
                target_doc, why = self.document(ctx, path)
            if kind != "url" and target_doc is not None:
                dialog = self.find_dialog(target_doc, fragment)
                if dialog is not None:
                    callee = (target_doc, dialog)
                else:
                    why = f"{src}, a dialog the document does not have"
            if kind == "url" and path.startswith("/"):
                why = f"{path} (a path on the web server)"
        if callee is not None:
            self.callers.setdefault(callee[0], []).append((then, ctx))
            return self.dialog_ref(*callee)
        sid = self.new_id(doc, f"subdialog{item.line}")
        step: dict[str, Any] = {"type": "self_service", "team": "ivr",
                                "source": self.at(doc, item),
                                "say": f"(calls the subdialog {why})", "next": then}  # fmt: skip
        if self.select(ctx.scope, "error.badfetch", 1) is not None:
            step["on_error"] = self.throw(ctx, "error.badfetch", item, raised=False)
        self.nodes[sid] = step
        return sid

    def transfer(self, item: Element, ctx: _Ctx, done: str) -> str:
        """A ``<transfer>``: dialling, a person on the line, and each result."""
        doc, attrib = ctx.doc, item.attrib
        where = self.at(doc, item)
        kind = attrib.get("type", "").lower() or (
            "bridge" if attrib.get("bridge", "").lower() == "true" else "blind"
        )
        destination = attrib.get("dest") or (
            f"a number computed at run time ({_norm(attrib['destexpr'])[:60]})"
            if attrib.get("destexpr")
            else "a number set by the platform"
        )
        filled = item.find("filled")
        name = attrib.get("name", "")
        after = dataclasses.replace(ctx, resume=done)

        def result(value: str) -> str:
            if filled is None:
                return done
            env: Env = (("var", name, value),) if name else ()
            return self.content(filled, 0, len(filled.children), done, after, env)

        self.teams.setdefault("transfer", {"name": "Transfer destination"})
        person = self.new_id(doc, f"transfer{item.line}_answered")
        if kind == "bridge":
            endings: dict[str, list[str]] = {}
            for value in BRIDGE_ENDINGS:
                endings.setdefault(result(value), []).append(value)
            if len(endings) == 1:
                back = next(iter(endings))
            else:
                back = self.new_id(doc, f"transfer{item.line}_ended")
                self.step(back, type="condition", source=where, say="(how the call ended)",
                          branches={", ".join(v): t for t, v in endings.items()})  # fmt: skip
        else:  # the caller has left this application: the call goes on elsewhere
            back = self.end(doc, item, why="_end")
        self.step(person, type="agent", team="transfer", source=where, next=back)
        branches: dict[str, Any] = {"connected": person}
        if kind in ("bridge", "consultation"):
            failures: dict[str, list[str]] = {}
            for value in BRIDGE_FAILURES:
                failures.setdefault(result(value), []).append(value)
            for target, values in failures.items():
                branches[f"failed: {', '.join(values)}"] = target
        errors: dict[str, tuple[str, list[str]]] = {}
        retry = dataclasses.replace(ctx, resume=ctx.resume)  # the transfer is tried again
        for event in TRANSFER_ERRORS:
            found = self.select(ctx.scope, event, 1)
            target = self.handler(found, retry) if found else self.end(doc, item, why="_end")
            label = (
                " ".join((found[0].attrib.get("event") or "").split()) or found[0].tag
                if found
                else "error (no handler: the call ends)"
            )
            errors.setdefault(target, (label, []))[1].append(event)
        for target, (label, _) in errors.items():
            key = f"failed: {label}"
            while key in branches:
                key += " "
            branches[key] = target
        sid = self.new_id(doc, f"transfer{item.line}")
        self.step(sid, type="condition", source=where, say=f"(transfers the call to "
                  f"{destination})", branches=branches)  # fmt: skip
        say = _say(_prompts(item), [])
        if say is None:
            return sid
        message = self.new_id(doc, f"transfer{item.line}_prompt")
        return self.step(message, type="message", source=where, say=say, next=sid)

    # finishing

    def finish_returns(self) -> None:
        """Each ``<return>``: back to the step after every ``<subdialog>`` that calls a
        dialog of its document (or, with ``event``, to that event's handler there)."""
        for (doc, event), (sid, element) in self.returns.items():
            callers = self.callers.get(doc, [])
            targets: list[tuple[str, str]] = []
            for then, ctx in callers:
                target = self.throw(ctx, event, element) if event else then
                if target not in [t for _, t in targets]:
                    targets.append((self.at(ctx.doc, ctx.item or ctx.dialog), target))
            where = self.at(doc, element)
            if not targets:
                self.nodes[sid] = {"type": "external", "team": "ivr", "source": where,
                                   "target": "the dialog that called this subdialog "
                                   f"(<return> at {where})"}  # fmt: skip
            elif len(targets) == 1:
                self.nodes[sid] = {"type": "message", PASS: True, "source": where,
                                   "next": targets[0][1]}  # fmt: skip
            else:
                self.nodes[sid] = {
                    "type": "condition", "team": "ivr", "source": where,
                    "say": "(returns to the caller)",
                    "branches": {f"to {w}": t for w, t in targets},
                }  # fmt: skip

    def run(self) -> dict[str, Any]:
        dialogs = self.dialogs(self.entry_doc)
        if not dialogs:
            root = self.trees[self.entry_doc]
            raise ReadError(self.entry_doc, root.line, root.column,
                            "the document has no <form> or <menu>: nothing to audit")  # fmt: skip
        entry = self.dialog_ref(self.entry_doc, dialogs[0])
        for dialog in dialogs[1:]:  # a dialog nothing leads to is reported unreachable
            self.dialog_ref(self.entry_doc, dialog)
        while self.jobs:
            while self.jobs:
                self.jobs.popleft()()
            self.finish_returns()
        for first, source in self.form_firsts:
            if not self.nodes[first].get(PASS):
                self.nodes[first]["source"] = source
        entry = _elide(self.nodes, entry)
        _merge(self.nodes)
        _drop_implicit(self.nodes, entry)
        root = self.trees[self.entry_doc]
        if not self.callers.get(self.entry_doc) and next(root.iter("return"), None) is not None:
            self.nodes[entry]["ignore"] = {
                "no-human-exit": "a subdialog (it has <return>), read on its own: whether a "
                "person follows is up to the dialog that calls it"
            }
        title = self.labels[self.entry_doc]
        return judge_ends(
            {
                "journey": journey_id(self.name),
                "title": f"{title} (VoiceXML)",
                "description": "Imported from VoiceXML documents by journeymap.",
                "channel": "phone",
                "entry": entry,
                "teams": self.teams,
                "nodes": self.nodes,
            }
        )


NOT_ITEMS = {"var", "script", "property", "grammar", "link", "filled", "data", "prompt",
             "audio", "value", "meta", "metadata", "help", *HANDLERS}  # fmt: skip
"""Children of a ``<form>`` that are not visited as form items."""


def _targets(step: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str]]:
    """Every route holder of a step and its key: ``(holder, key)``."""
    for key in ROUTE_KEYS:
        if key in step:
            yield step, key
    for group in ("options", "branches"):
        for key in step.get(group) or {}:
            yield step[group], key


def _retarget(holder: dict[str, Any], key: str, resolve: Callable[[str], str]) -> None:
    value = holder[key]
    if isinstance(value, dict):
        holder[key] = {**value, "to": resolve(value["to"])}
    else:
        holder[key] = resolve(value)


def _elide(nodes: dict[str, dict[str, Any]], entry: str) -> str:
    """Remove the steps that only pass the caller on, pointing their routes at where
    they lead; a circle of them (dialogs that only lead to each other) keeps one, a
    silent step in an endless loop. Returns the entry."""
    passing = {n for n, s in nodes.items() if s.get(PASS)}
    resolved: dict[str, str] = {}

    def resolve(name: str) -> str:
        chain: list[str] = []
        current = name
        while current in passing and current not in resolved:
            if current in chain:  # a circle: keep this one as a real (silent) step
                nodes[current].pop(PASS, None)
                nodes[current]["team"] = "ivr"
                passing.discard(current)
                break
            chain.append(current)
            current = nodes[current].get("next", current)
        final = resolved.get(current, current)
        for member in chain:
            resolved[member] = final
        return final

    entry = resolve(entry)
    for name in list(nodes):
        if name in passing:
            continue
        for holder, key in list(_targets(nodes[name])):
            _retarget(holder, key, resolve)
    for name in passing:
        nodes.pop(name, None)
    return entry


def _merge(nodes: dict[str, dict[str, Any]]) -> None:
    """A second input event bounded like the first and leading to the same place (two
    ``<goto next="#desk"/>`` written in ``<noinput count="3">`` and ``<nomatch
    count="3">``): it shares the step's ``max_retries`` and ``on_fail``."""
    for name in [n for n, s in nodes.items() if MERGE in s]:
        counter = nodes[name]
        owner, route, tries = counter.pop(MERGE)
        step = nodes[owner]
        branches = counter["branches"]
        if step.get("on_fail") == branches["tries used up"] and step.get("max_retries") == tries:
            step[route] = branches["loop"]
            del nodes[name]


def _drop_implicit(nodes: dict[str, dict[str, Any]], entry: str) -> None:
    """Remove the steps made for what the platform does by itself when nothing leads to
    them (the end of a form whose last item always leaves)."""
    used = {entry}
    for step in nodes.values():
        for holder, key in _targets(step):
            value = holder[key]
            used.add(value["to"] if isinstance(value, dict) else value)
    for name in [n for n, s in nodes.items() if s.get(IMPLICIT)]:
        if name not in used:
            del nodes[name]
        else:
            nodes[name].pop(IMPLICIT)


def convert_package(package: Package, name: str) -> dict[str, Any]:
    """Journey data for a VoiceXML document and the documents it links to."""
    return _Converter(package, name).run()
