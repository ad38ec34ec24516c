"""Asterisk dialplans (``extensions.conf``, FreePBX ``extensions_additional.conf``) -> journey data.

One dialplan (a file and the files it ``#include``s) is one journey. Asterisk has no
single entry: the channel configuration decides which context a call starts in. So the
journey starts at a ``condition`` (source ``(flow)``, "the context the line is configured
for") with one branch per *root context*: a context nothing in the dialplan reaches (no
``Goto``, ``Gosub``, ``Macro``, ``include =>``, ``Dial(Local/..@ctx)``, ``DISA`` names
it), leaving out subroutines and macros (``macro-*``, contexts with ``Return()`` or
``MacroExit()``). With one root the entry goes straight to it. A context entered at
several extensions starts with a ``condition`` "the number dialed" (source: the context
name). Contexts that are only reached through each other (a loop of contexts with no
way in) join the entry too, so nothing is left out; subroutines nobody calls are named
in the journey's description.

Each step's ``source`` is its block id ``context,extension,priority`` as Asterisk writes
``Goto`` targets, with the numeric priority (``n`` and labels resolved): ``ivr-main,s,3``.
``block_files`` gives the file, line and column of the ``exten``/``same`` keyword.

=============================================  =================================================
Asterisk                                       journey
=============================================  =================================================
``Set``, ``NoOp``, ``Answer``, ``Ringing``,     not steps: folded into the route to the next
``Progress``, ``Wait``, ``MixMonitor``,         priority (see ``PLUMBING`` for the full list)
``Verbose``, ``Log``, ``ExecIf`` that does not
route, ``SIPAddHeader``, ``System``, ...
``Goto`` (a literal target)                    not a step: the route goes on at the target
``Background()``/``Playback()`` then           a ``menu`` at the ``WaitExten`` priority (also
``WaitExten()``                                through a ``Goto`` to its label); its prompt is
                                               the sound files played before it
                                               (``(recording: custom/main-menu)``)
menu options                                   the extensions ``0``-``9``, ``*``, ``#``, longer
                                               numbers and patterns (``_1X``, labelled
                                               ``pattern _1X``) of the context the caller is
                                               in: a context nothing jumps to and one context
                                               includes runs in that one, so its menus offer
                                               the includer's numbers too; an included
                                               context's one-key extensions are options, its
                                               longer numbers one option "dials an extension
                                               (ctx)" with a ``condition`` per number
``WaitExten`` time-out                          ``no_input``: the next priority when there is
                                               one (Asterisk goes on there, ``pbx_builtins.c``),
                                               else ``t``, else ``e``, else an ``end`` (Asterisk
                                               hangs up)
``i`` (else ``e``)                              ``no_match``; without one an ``end``
``h``                                          not a route: it runs after the caller hung up
``Background()`` with no ``WaitExten``, in a   a ``menu`` whose ``no_input`` is the next
context with options                           priority (keys pressed during the prompt count);
                                               with option ``m`` other keys do not stop it, so
                                               it has no ``no_match``
``Read(var,...)`` then ``Goto(${var},1)``       a ``menu`` of the target context's extensions
``Read(var)`` then ``GotoIf``s comparing       a ``menu`` of the values compared (``"1"``,
``${var}`` with constants                      ``"x*"``); ``no_match`` is where the tests fall
                                               through, ``no_input`` the test for nothing
                                               entered (else the same); only a test for nothing
                                               entered: an ``input`` with that ``no_input``
``Playback()``/``Background(..,m)`` then a     one step at the ``Read``, with their prompt
``Read()`` with no prompt of its own
``Read()`` otherwise                           an ``input`` collecting ``var``
``GotoIf(cond?a:b)``, ``GosubIf``,              a ``condition``: the branch ``cond`` and
``ExecIf(cond?App)`` that routes, ``While``     ``otherwise`` (``loop done`` after ``While``);
                                               a condition that is constant (see below) is
                                               not a step: the branch it takes is followed
``GotoIfTime(times?a:b)``, ``ExecIfTime``      a ``condition``: ``open (times)`` and ``closed``
                                               (reversed when the matching branch's target is
                                               named closed, holiday, night or after hours)
a ``Goto`` whose target is worked out when      a ``condition`` with a branch per extension of
the call runs (``${...}``)                      the target context, or per label that fits
                                               (``dev-${STATE}`` -> the ``dev-*`` labels); not a
                                               step when every branch leads to the same step;
                                               ``prefix${EXTEN}`` from a pattern of one or two
                                               keys (``_X``) has a branch "error: no label ..."
                                               to an ``end`` for the keys with no label
``Gosub()``/``Macro()`` into a subroutine      routes into the subroutine's steps; its
that talks to the caller or routes             ``Return()`` (a macro: also falling off its
                                               end) is a ``condition`` back to each place it
                                               is called from (one caller: one branch)
... into a subroutine that only sets things    nothing: folded like ``Set`` (also one that
or runs a script (``AGI``)                     runs a script: a logging ``AGI`` must not
                                               count as serving the caller); a target worked
                                               out as the call runs: ``self_service`` "runs
                                               subroutine X"
``Queue(name,opts,,,timeout)``                 ``queue`` -> ``agent`` (team ``queue-name``);
                                               the next priority is ``on_timeout`` (label
                                               ``timeout``, or "leaves the queue (full or no
                                               agents)" without a timeout: a closure)
``Dial(SIP/100)``, ``PJSIP``, ``IAX2``,         a ``condition`` "rings ...": ``answered`` ->
``FollowMe``, ``Transfer``                      ``agent`` (a person), "no answer (timed out or
                                               busy)" -> the next priority (a failure)
``Dial`` to a trunk (``@provider``, an outside  the same, with the ``agent`` in team
number, ``DAHDI/g0``, ``${TRUNK}``)              ``outside`` (an outside number answers)
``Dial`` to the number the caller dialled:     the call the caller places themselves: not
its destination is built from ``${EXTEN}``     answered is the called party not answering, not
(``PJSIP/${EXTEN}``, ``${EXTEN}@trunk``), or   the phone tree failing them. To a phone here:
its context only maps numbers to one           "not answered (the number dialled)", an ordinary
``Dial`` each (FollowMe's numbers, Local-      route, to the next priority; over a trunk: an
channel legs, direct numbers)                  ``external`` step "the call placed to the number
                                               dialled" (the call leaves the phone system; what
                                               follows, a failover, is not followed)
``Dial(Local/ext@ctx)``                         ``answered`` routes into ``ctx,ext``
after an answered ``Dial``/``Queue``            an ``end``; option ``g`` (``Dial``) or ``c``
                                               (``Queue``): the next priority; ``G(label)``:
                                               the label
``VoiceMail()``, ``Record()``,                  ``self_service`` "leaves a voicemail"
``MinivmRecord()``, ``VoiceMailMain()``          (served)
``Playback()``, ``SayDigits()``,                a ``message``
``SayNumber()``, ``SayUnixTime()``,
``MusicOnHold(class,duration)``,
``Zapateller()``, ``Echo()``
``MusicOnHold()`` without a duration           a ``message`` with no way on (music until the
                                               caller hangs up)
``Hangup()``, falling off the last priority,   an ``end``, judged by what leads to it (the two
``Busy()``, ``Congestion()``                    tones say "busy" and "reorder", then hang up)
``DISA(pw,ctx)``                               a ``menu`` (a dial tone) of ``ctx``'s extensions;
                                               a number ``ctx`` does not have goes to ``ctx``'s
                                               ``i``, else, like silence, to an ``end`` (the
                                               reorder tone, ``app_disa.c``)
``Directory(vm,ctx)``                           an ``input`` (a name) then a ``condition`` per
                                               extension of ``ctx``, or "nothing chosen"
``ConfBridge()``, ``MeetMe()``                  an ``agent`` (team ``conference``: people)
``Authenticate()``, ``VMAuthenticate()``        an ``input`` (tag ``auth``), 3 tries then an
                                               ``end``
``AGI()``, ``EAGI()``, ``FastAGI``,             ``self_service`` "runs the AGI script X"
``SendFAX``/``ReceiveFAX``
any other application                          ``external`` naming the application and its
                                               file:line (the route stops there)
a ``Goto`` to a context not in the dialplan     ``external`` naming the context and file:line
=============================================  =================================================

Retry counters: a ``GotoIf`` whose expression tests a variable that the same context
increments (``Set(TRIES=$[${TRIES}+1])``), on the way from a menu's ``no_match`` or
``no_input`` back to the menu, with one branch going back and the other away, is a
retry counter: its branches are ``loop`` and ``tries used up``, and the menu gets
``max_retries`` (from ``> 3``, ``>= 3``, ``= 3`` in the expression) and ``on_fail`` (the
``tries used up`` target). A loop that sets the variable back to a constant on its way
round is not bounded and is left as it is. This is how FreePBX's generated IVRs
(``ivr-N`` with ``INVALID_LOOPCOUNT``/``TIMEOUT_LOOPCOUNT``) audit as the menus built. A
counter entered some other way (from an option that finds the input empty) is not
recognised.

The PBX's own phones: a root context whose name starts with ``from-internal`` (FreePBX's
and Issabel's context for the extensions' phones, which includes the feature codes) is
where members of staff dial. Their calls are followed apart from customers' calls (a
second set of steps; a step both reach appears twice, the staff copy named ``staff.``
and silenced for every rule, since the customers' copy reports it), so a subroutine that
both use returns only to its own side. On the staff side ``no-human-exit`` and
``no-zero-out`` are silenced with a reason (nobody expects an operator in ``*72``); menu
mechanics (retries, loops, cut-offs, unused handlers) are reported. Contexts reached
only through contexts that only staff reach are staff's too.

Also read as Asterisk runs them: an ``i`` or ``t`` written in a context where a menu or
a dial tone stands (or where a menu looks for them) that no route uses is built anyway,
with nothing leading there, so the audit reports it as unreachable. A failure route
(``no_input``, ``no_match``, a failure branch) that runs straight into an ``end`` that
ordinary routes share gets an ``end`` of its own at the failing step: a shared
``Hangup()`` says nothing itself, and shared it would make every decision that jumps to
it look like a failure. ``${ARGn}`` in a subroutine is empty when no call in the dialplan
passes that many arguments (a call whose target is worked out as the call runs counts
for every subroutine of its kind; a subroutine named elsewhere, as a ``Dial`` option, or
that sets ``ARGn`` itself, is left alone), and a ``GotoIf``/``ExecIf`` comparing constants
then takes its one way. A ``t`` that plays exactly what one of the menu's options plays
before hanging up (``#``: "goodbye") while ``i`` does not end the call is the caller's
own way out: ``disconnect-on-error`` and ``no-human-exit`` are silenced at that menu with
that reason.

Parsing: ``exten =>``/``exten =``, ``same =>``, priorities ``1``, ``n``, ``s``,
``n(label)``, ``hint`` (not run), ``include =>``, ``[ctx](+)``, templates ``[tpl](!)``
and ``[ctx](tpl)``, ``;`` comments, ``;-- --;`` block comments, ``\\;``, ``#include``
and ``#tryinclude`` (relative to the including file's folder, ``*`` globs in sorted
order; a missing ``#tryinclude`` is fine). A missing ``#include`` (Asterisk would refuse
to load; published dialplans often leave out a file of secrets) is read as an
``external`` step at its line, one branch of the entry, "the contexts of FILE ... not
audited": the rest of the dialplan is audited and the gap is listed, never hidden.
``#exec`` is refused (nothing is ever run). ``switch =>``
(extensions looked up on another system) and ``ignorepat =>`` are not followed.
Relative ``Goto``s inside an included context resolve within that context; ``${CONTEXT}``
is the context the priority is written in, ``${EXTEN}`` the extension when it is not a
pattern. Variables and expressions are kept as text.
"""

from __future__ import annotations

import glob
import itertools
import os
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..model import route_meaning
from ..rules import RULES
from .base import MAX_FILES, Package, Read, ReadError
from .connect import journey_id
from .outcomes import JUDGE, judge_ends

NAME = "asterisk"
LABEL = "an Asterisk dialplan"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


PLUMBING = _words(
    """
    set mset setvar noop answer ringing progress proceeding wait waituntil waitforsilence
    waitfornoise waitforring mixmonitor stopmixmonitor monitor stopmonitor pausemonitor
    unpausemonitor changemonitor verbose log sipaddheader sipremoveheader pjsipaddheader
    sipdtmfmode resetcdr nocdr forkcdr setamaflags setcallerpres setcidname setcidnum
    playtones stopplaytones system trysystem userevent celgenuserevent dumpchan dbdel
    dbdeltree dbput absolutetimeout digittimeout responsetimeout stackpop importvar
    chanisavail stopmusiconhold startmusiconhold setmusiconhold setlanguage setglobalvar
    sendtext senddtmf sendimage sendurl sendmessage messagesend originate channelredirect
    softhangup ringgroup setgroup setcallerid privacymanager lookupblacklist lookupcidname
    dial_conf nbscat bridgewait jabbersend jabberstatus mailboxexists raiseexception
    sleep trydial
    """
)
"""Applications that the caller does not experience and that do not route: folded."""

PROMPTS = frozenset({"background", "playback"})
MESSAGES = _words(
    """
    saydigits saynumber sayalpha sayalphacase sayphonetic sayunixtime saycountednoun
    saycountedadj saymoney datetime festival flite swift controlplayback mp3player
    echo milliwatt zapateller musiconhold playback
    """
)
VOICEMAIL = frozenset({"voicemail", "record", "minivmrecord", "minivmgreet", "minivmaccmess"})
TASKS = frozenset({"agi", "eagi", "deadagi", "fastagi", "sendfax", "receivefax", "rxfax", "txfax"})
CALLS = frozenset({"gosub", "macro"})
RETURNS = frozenset({"return", "macroexit"})
SPECIAL_EXTENS = frozenset({"h", "i", "t", "e", "o", "a", "T", "hint"})
TEMPLATE_SECTIONS = frozenset({"general", "globals"})
HELD_ELSEWHERE = {
    rule: "hold announcements and call-backs are set in queues.conf, which is not read"
    for rule in ("queue-no-wait-estimate", "queue-no-callback")
}
DESCRIBED = (
    "the reader's description of the step (sound files, applications), not words callers hear"
)
STAFF_CONTEXT = re.compile(r"from-internal", re.I)
"""Where the PBX's own phones start (FreePBX's and Issabel's name for the context of
the extensions, often kept in hand-written dialplans): a call there is a member of
staff dialling, not a customer calling."""
STAFF_REASON = (
    "reached only from the PBX's own phones (a from-internal context): a staff feature, "
    "where no one expects a person to turn to"
)
STAFF_RULES = ("no-human-exit", "no-zero-out")
TWICE = "the same priority, reached by customers too, is audited with their calls"
RECOVERY_ROUTES = ("no_input", "no_match", "on_fail", "on_timeout", "on_error")
_CLOSED_NAME = re.compile(r"clos|holiday|night|after.?hours|out.?of.?hours", re.I)
_FOLD_LIMIT = 10_000

Pos = tuple[str, str, int]


# --------------------------------------------------------------------------- parsing


@dataclass
class _Prio:
    """One priority of one extension: what it runs and where it is written."""

    context: str
    exten: str
    number: int
    label: str | None
    app: str
    args: str
    file: str
    line: int
    column: int

    @property
    def block(self) -> str:
        return f"{self.context},{self.exten},{self.number}"

    @property
    def pos(self) -> Pos:
        return (self.context, self.exten, self.number)


@dataclass
class _Context:
    name: str
    file: str
    line: int
    column: int
    extens: dict[str, dict[int, _Prio]] = field(default_factory=dict)
    labels: dict[tuple[str, str], int] = field(default_factory=dict)
    includes: list[str] = field(default_factory=list)


@dataclass
class _Line:
    file: str
    line: int
    column: int
    key: str
    value: str
    value_column: int


@dataclass
class _Section:
    name: str
    file: str
    line: int
    column: int
    options: list[str]
    lines: list[_Line] = field(default_factory=list)


@dataclass
class Dialplan(Package):
    """The files of one dialplan, and where each ``#include`` line leads."""

    links: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    missing: list[tuple[str, int, int, str]] = field(default_factory=list)
    """``#include`` lines whose file is not there: file, line, column, the name given."""
    parsed: dict[str, _Context] | None = None


_DIRECTIVE = re.compile(r"^\s*#\s*([A-Za-z]+)\s*(.*?)\s*$")
_HEAD = re.compile(r"^\s*\[[^\]\r\n]+\]", re.M)
_EXTEN = re.compile(r"^\s*(exten|same|include)\s*=>?", re.M | re.I)


def _strip_comment(line: str, level: int) -> tuple[str, int]:
    """The line without its comments, as Asterisk reads them: ``;`` to the end of the
    line; ``;--`` (not ``;---``) ... ``--;`` blocks, which nest and span lines; ``\\;``
    kept as ``;``. Returns the text and the block depth after the line."""
    out: list[str] = []
    start = i = 0
    while True:
        j = line.find(";", i)
        if j == -1:
            if not level:
                out.append(line[start:])
            break
        if not level and j > 0 and line[j - 1] == "\\":
            out.append(line[start : j - 1] + ";")
            start = i = j + 1
        elif line[j + 1 : j + 3] == "--" and line[j + 3 : j + 4] != "-":
            if not level:
                out.append(line[start:j])
            level += 1
            start = i = j + 3
        elif level and j >= start + 2 and line[j - 2 : j] == "--":
            level -= 1
            start = i = j + 1
        elif not level:
            out.append(line[start:j])
            break
        else:
            i = j + 1
    return "".join(out), level


def _include_argument(raw: str) -> str:
    text = raw.strip()
    if len(text) >= 2 and text[0] in '"<' and text[-1] in '">':
        text = text[1:-1].strip()
    return text


def _resolve_include(including: str, argument: str) -> list[str]:
    """The files an ``#include`` argument names (globs sorted), relative to the folder of
    the including file; only those that exist."""
    base = Path(including).parent
    target = argument if os.path.isabs(argument) else str(base / argument)
    if any(c in argument for c in "*?["):
        return [p for p in sorted(glob.glob(target)) if os.path.isfile(p)]
    return [target] if os.path.isfile(target) else []


def _directives(text: str) -> list[tuple[int, int, str, str]]:
    """``(line, column, name, argument)`` of each ``#`` directive outside block comments."""
    found = []
    level = 0
    for number, raw in enumerate(text.splitlines(), 1):
        in_block = level > 0
        stripped, level = _strip_comment(raw, level)
        if in_block:
            continue
        match = _DIRECTIVE.match(stripped)
        if match:
            column = raw.index("#") + 1
            found.append((number, column, match.group(1).lower(), match.group(2)))
    return found


def claims(path: Path, head: str) -> bool:
    """A dialplan: ``[context]`` headers and ``exten =>``/``same =>``/``include =>`` lines
    (a FreePBX ``extensions.conf`` may hold only includes)."""
    return bool(_HEAD.search(head)) and bool(_EXTEN.search(head))


def includes(path: Path, text: str) -> list[Path]:
    """The files this dialplan ``#include``s or ``#tryinclude``s that exist."""
    found: list[Path] = []
    for _, _, name, argument in _directives(text):
        if name in ("include", "tryinclude"):
            found += [Path(p) for p in _resolve_include(str(path), _include_argument(argument))]
    return found


def read_package(path: Path, read: Read) -> Dialplan:
    """The dialplan file and every file it includes, each read once; an include loop or
    a missing ``#include`` is an error at the ``#include`` line."""
    root = str(path)
    package = Dialplan(root)
    real: dict[str, str] = {}  # real path -> the path as the package names it
    chain: list[str] = []  # real paths of the files being read, outermost first

    def enter(name: str) -> list[tuple[int, int, str, str]]:
        package.files[name] = read(Path(name))
        real[os.path.realpath(name)] = name
        if len(package.files) > MAX_FILES:
            raise ReadError(name, 1, 1, f"more than {MAX_FILES} files included in one dialplan")
        chain.append(os.path.realpath(name))
        return _directives(package.files[name])

    stack = [(root, iter(enter(root)))]
    while stack:
        name, pending = stack[-1]
        item = next(pending, None)
        if item is None:
            stack.pop()
            chain.pop()
            continue
        line, column, directive, argument = item
        if directive == "exec":
            raise ReadError(
                name,
                line,
                column,
                "`#exec` runs a program to make dialplan; journeymap never runs programs: "
                "save the program's output to a file and `#include` it instead",
            )
        if directive not in ("include", "tryinclude"):
            raise ReadError(name, line, column, f"unknown directive `#{directive}`")
        target = _include_argument(argument)
        if not target:
            raise ReadError(name, line, column, f"`#{directive}` names no file")
        found = _resolve_include(name, target)
        if not found and directive == "include":  # a file kept out of the published set
            package.missing.append((name, line, column, target))
        links = package.links.setdefault((name, line), [])
        for file in found:
            key = os.path.realpath(file)
            if key in chain:
                cycle = " -> ".join(Path(p).name for p in [*chain[chain.index(key) :], key])
                raise ReadError(name, line, column, f"`#{directive}` loops back: {cycle}")
            if key in real:
                links.append(real[key])
                continue
            links.append(file)
            stack.append((file, iter(enter(file))))
    return package


def _split_top(text: str, separators: str, limit: int = -1) -> list[str]:
    """``text`` split at ``separators`` outside ``()``, ``[]``, ``{}`` and quotes."""
    parts: list[str] = []
    depth = 0
    quoted = False
    start = 0
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "([{":
            depth += 1
        elif not quoted and char in ")]}":
            depth = max(0, depth - 1)
        elif not quoted and depth == 0 and char in separators and limit != 0:
            parts.append(text[start:i])
            start = i + 1
            limit -= 1
        i += 1
    parts.append(text[start:])
    return parts


def _application(value: str) -> tuple[str, str] | None:
    """``(name, arguments)`` of ``App(args)``, ``App,args`` or ``App``; None when the
    parenthesis is not closed."""
    value = value.strip()
    paren = value.find("(")
    comma = value.find(",")
    if comma != -1 and (paren == -1 or comma < paren):
        return value[:comma].strip(), value[comma + 1 :]
    if paren == -1:
        return value, ""
    close = value.rfind(")")
    if close < paren:
        return None
    return value[:paren].strip(), value[paren + 1 : close]


def _sections(package: Dialplan) -> list[_Section]:
    """The sections of the dialplan in reading order, ``#include``d text in place."""
    sections: list[_Section] = []
    current: _Section | None = None
    done: set[str] = set()
    stack = [(package.root, iter(package.files[package.root].splitlines()), 0, [0])]
    done.add(package.root)
    while stack:
        name, lines, _, counter = stack[-1]
        raw = next(lines, None)
        if raw is None:
            stack.pop()
            continue
        counter[0] += 1
        number = counter[0]
        level = stack[-1][2]
        text, level = _strip_comment(raw, level)
        stack[-1] = (name, lines, level, counter)
        body = text.strip()
        if not body:
            continue
        indent = len(text) - len(text.lstrip()) + 1
        if body.startswith("#"):
            for file in package.links.get((name, number), []):
                if file not in done and file in package.files:
                    done.add(file)
                    stack.append((file, iter(package.files[file].splitlines()), 0, [0]))
            continue
        if body.startswith("["):
            close = body.find("]")
            if close == -1:
                raise ReadError(name, number, indent, "expected `]` to close the context name")
            rest = body[close + 1 :].strip()
            options: list[str] = []
            if rest:
                if not (rest.startswith("(") and rest.endswith(")")):
                    raise ReadError(
                        name,
                        number,
                        indent + close + 1,
                        "expected `(+)`, `(!)` or `(template)` after the context name, or nothing",
                    )
                options = [o.strip() for o in rest[1:-1].split(",") if o.strip()]
            title = body[1:close].strip()
            if not title:
                raise ReadError(name, number, indent, "a context needs a name: `[name]`")
            current = _Section(title, name, number, indent, options)
            sections.append(current)
            continue
        match = re.match(r"([^=]*?)\s*=>?\s*(.*)$", body)
        if match is None or not match.group(1):
            raise ReadError(
                name,
                number,
                indent,
                "expected `exten => ...`, `same => ...`, `include => ...`, `name = value` or "
                "a `[context]` header",
            )
        if current is None:
            raise ReadError(
                name, number, indent, f"`{match.group(1)}` before any `[context]` header"
            )
        value_column = indent + len(body) - len(match.group(2))
        current.lines.append(
            _Line(name, number, indent, match.group(1).lower(), match.group(2), value_column)
        )
    return sections


def _contexts(package: Dialplan) -> dict[str, _Context]:
    """The dialplan's contexts, with templates applied and priorities numbered as
    Asterisk numbers them (``n`` is one more than the previous line of the section)."""
    if package.parsed is not None:
        return package.parsed
    sections = _sections(package)
    templates: dict[str, list[_Line]] = {}
    contexts: dict[str, _Context] = {}
    for section in sections:
        lines: list[_Line] = []
        for option in section.options:
            if option in ("!", "+"):
                continue
            if option not in templates:
                raise ReadError(
                    section.file,
                    section.line,
                    section.column,
                    f"`[{section.name}]` inherits from `{option}`, which is not a template "
                    "defined before it (`[name](!)`)",
                )
            lines += templates[option]
        lines += section.lines
        if "!" in section.options:
            templates[section.name] = lines
            continue
        if section.name.lower() in TEMPLATE_SECTIONS:
            for item in lines:
                if item.key in ("exten", "same"):
                    raise ReadError(
                        item.file,
                        item.line,
                        item.column,
                        f"`{item.key} =>` in [{section.name}], which holds settings, not "
                        "extensions",
                    )
            continue
        context = contexts.setdefault(
            section.name, _Context(section.name, section.file, section.line, section.column)
        )
        _number(context, lines)
    package.parsed = contexts
    return contexts


def _number(context: _Context, lines: list[_Line]) -> None:
    """Add one section's lines to ``context``."""
    last: int | None = None
    last_exten: str | None = None
    for item in lines:
        if item.key == "include":
            context.includes.append(item.value.split(",")[0].strip())
            continue
        if item.key in ("switch", "eswitch", "lswitch", "ignorepat"):
            continue
        if item.key not in ("exten", "same"):
            raise ReadError(
                item.file,
                item.line,
                item.column,
                f"expected `exten =>`, `same =>` or `include =>` in a context, not `{item.key}`",
            )
        if item.key == "exten":
            parts = _split_top(item.value, ",", 2)
            if len(parts) < 3:
                raise ReadError(
                    item.file,
                    item.line,
                    item.value_column,
                    "expected `exten => EXTENSION,PRIORITY,Application(...)`",
                )
            exten, priority, rest = parts[0].strip(), parts[1].strip(), parts[2]
            if not exten:
                raise ReadError(item.file, item.line, item.value_column, "the extension is empty")
        else:
            if last_exten is None:
                raise ReadError(
                    item.file,
                    item.line,
                    item.column,
                    "`same =>` needs an `exten =>` line before it in this context",
                )
            parts = _split_top(item.value, ",", 1)
            if len(parts) < 2:
                raise ReadError(
                    item.file,
                    item.line,
                    item.value_column,
                    "expected `same => PRIORITY,Application(...)`",
                )
            exten, priority, rest = last_exten, parts[0].strip(), parts[1]
        last_exten = exten
        label = None
        match = re.fullmatch(r"([^()+]*?)\s*(?:\+\s*(\d+))?\s*(?:\(([^()]*)\))?", priority)
        if match is None:
            raise ReadError(
                item.file,
                item.line,
                item.value_column,
                f"expected a priority (a number, `n`, `s`, `hint` or a label), not `{priority}`",
            )
        base, plus, label = match.group(1).strip(), match.group(2), match.group(3)
        if base == "hint":
            continue
        if base in ("n", "next", "s", "same"):
            if last is None:
                raise ReadError(
                    item.file,
                    item.line,
                    item.value_column,
                    f"`{base}` cannot be the first priority of a context: there is no "
                    "priority before it",
                )
            number = last + 1 if base in ("n", "next") else last
        elif base.isdigit():
            number = int(base)
        elif (exten, base) in context.labels:
            number = context.labels[(exten, base)]
        else:
            raise ReadError(
                item.file,
                item.line,
                item.value_column,
                f"expected a priority (a number, `n`, `s`, `hint` or a label of this "
                f"extension), not `{priority}`",
            )
        number += int(plus or 0)
        if number < 1:
            raise ReadError(item.file, item.line, item.value_column, "priorities start at 1")
        last = number
        app = _application(rest)
        if app is None or not app[0]:
            raise ReadError(
                item.file,
                item.line,
                item.value_column + len(item.value) - len(rest),
                "expected an application: `App(arguments)`, with its `)`",
            )
        priorities = context.extens.setdefault(exten, {})
        if number in priorities:
            continue  # Asterisk keeps the first and warns
        if label:
            context.labels.setdefault((exten, label.strip()), number)
        priorities[number] = _Prio(
            context.name, exten, number, label, app[0], app[1], item.file, item.line, item.column
        )


# --------------------------------------------------------------------------- lookups


def _pattern(exten: str) -> re.Pattern[str] | None:
    """The regular expression of an Asterisk pattern (``_NXX``), or None."""
    if not exten.startswith("_"):
        return None
    out = []
    i = 1
    body = exten.split("/")[0]
    while i < len(body):
        char = body[i]
        upper = char.upper()
        if upper == "X":
            out.append("[0-9]")
        elif upper == "Z":
            out.append("[1-9]")
        elif upper == "N":
            out.append("[2-9]")
        elif char == ".":
            out.append(".+")
        elif char == "!":
            out.append(".*")
        elif char == "[":
            close = body.find("]", i)
            if close == -1:
                return None
            out.append("[" + re.sub(r"([\\^])", r"\\\1", body[i + 1 : close]) + "]")
            i = close
        else:
            out.append(re.escape(char))
        i += 1
    try:
        return re.compile("".join(out) + r"\Z")
    except re.error:
        return None


def _dialable(exten: str) -> bool:
    name = exten.split("/")[0]
    if re.fullmatch(r"[0-9*#+]+", name):
        return True
    return bool(re.fullmatch(r"_[0-9XZNxzn.!\[\]\-*#+]+", name))


def _read_prompt(args: str) -> str:
    """The prompt a ``Read`` plays itself (its second argument)."""
    parts = _split_top(args, ",")
    return parts[1].strip() if len(parts) > 1 else ""


def _compared(cond: str, variable: str) -> tuple[bool, str] | None:
    """``(equal, value)`` when ``cond`` compares ``${variable}`` with a constant
    (``$["${V}" = "1"]``, ``$["x${V}" = "x*"]``, ``$["${V}" != ""]``,
    ``${ISNULL(${V})}``): whether the true branch is the one where they are equal."""
    cond = cond.strip()
    name = re.escape(variable)
    if re.fullmatch(rf"\$\{{ISNULL\(\$\{{{name}\}}\)\}}", cond):
        return True, ""
    match = re.fullmatch(
        rf'\$\[\s*"?(\w*)\$\{{{name}\}}(\w*)"?\s*(!=|==|=)\s*"?([^"\]\s]*)"?\s*\]', cond
    )
    if match is None:
        return None
    prefix, suffix, op, value = match.groups()
    if not (value.startswith(prefix) and value.endswith(suffix)):
        return None
    value = value[len(prefix) : len(value) - len(suffix)]
    return op != "!=", value


def _matches_only(parts: list[str]) -> bool:
    """Whether ``Background`` has option ``m``: only keys that are one-key extensions
    of its context stop the prompt (others are ignored, nothing goes to ``i``)."""
    options = parts[1].strip() if len(parts) > 1 else ""
    return options.lower() not in ("skip", "noanswer") and "m" in options


def _one_key(key: str) -> bool:
    """Whether an extension is one key pressed: ``1``, ``*``, or a pattern of one
    character (``_X``, ``_[1-5]``)."""
    if len(key) == 1:
        return True
    return bool(re.fullmatch(r"_(?:[XZNxzn]|\[[^\]]*\])", key))


def _file_line(prio: _Prio) -> str:
    return f"{Path(prio.file).name}:{prio.line}"


def _inner_app(text: str) -> tuple[str, str]:
    parsed = _application(text) or (text.strip(), "")
    return parsed[0].lower(), parsed[1]


def _condition(args: str) -> tuple[str, str, str]:
    """``cond``, ``if true``, ``if false`` of ``cond?a:b``."""
    parts = _split_top(args, "?", 1)
    if len(parts) < 2:
        return args, "", ""
    branches = _split_top(parts[1], ":", 1)
    return parts[0].strip(), branches[0].strip(), (branches[1].strip() if len(branches) > 1 else "")


def _short(text: str, limit: int = 60) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if text.startswith("$[") and text.endswith("]"):
        text = text[2:-1].strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _sound_names(args: str) -> list[str]:
    first = _split_top(args, ",")[0]
    return [s.strip() for s in first.split("&") if s.strip()]


class _Builder:
    """Turns the dialplan into journey steps, building only what is reached."""

    def __init__(self, contexts: dict[str, _Context]) -> None:
        self.contexts = contexts
        self.nodes: dict[str, dict[str, Any]] = {}
        self.teams: dict[str, dict[str, Any]] = {
            "ivr": {"name": "Phone system (Asterisk dialplan)", "kind": "automated"}
        }
        self.pending: deque[tuple[str, _Prio]] = deque()
        self.scheduled: set[str] = set()
        self.memo: dict[Pos, str] = {}
        self.walked: dict[Pos, list[Pos]] = {}
        self.callers: dict[str, list[tuple[str, Pos]]] = {}
        self.called: set[str] = set()  # subroutines passed through like settings
        self.dirty: set[str] = set()  # subroutines with callers or returns not joined yet
        self.returned: dict[str, int] = {}  # how many callers each return leads back to
        self.returns: dict[str, str] = {}  # subroutine context -> its return step
        self.routes: dict[tuple[str, str], Pos] = {}  # (step, target) -> position routed to
        self.conditions: dict[str, _Prio] = {}  # GotoIf steps, for retry counters
        self.touched: set[str] = set()  # contexts a caller passes through
        self.aliases: dict[str, str] = {}  # steps that only pass the caller on
        self.handler_contexts: set[str] = set()  # where menus look for `i` and `t`
        self.menu_sites: set[str] = set()  # contexts a menu is written in
        self.tables: dict[str, bool] = {}  # contexts that only map numbers to phones
        self.prompts: dict[str, tuple[str, str | None]] = {}  # menu -> prompt, context
        self.sub_kind = self._classify_subroutines()
        self.arguments = _arguments(contexts)
        self.includers: dict[str, list[str]] = {}
        for name, context in contexts.items():
            for included in context.includes:
                self.includers.setdefault(included, []).append(name)
        self.named = {t for targets in _references(contexts, False).values() for t in targets}

    # ---- lookups

    def prio(self, pos: Pos) -> _Prio | None:
        context = self.contexts.get(pos[0])
        if context is None:
            return None
        return context.extens.get(pos[1], {}).get(pos[2])

    def find_exten(self, context: str, exten: str) -> tuple[str, str] | None:
        """Where ``exten`` is found from ``context``: its own extensions (exact, then the
        most specific pattern), then its includes in order."""
        for name in self.search_order(context):
            own = self.contexts[name]
            if exten in own.extens:
                return name, exten
            plain = exten.split("/")[0]
            matches = []
            for key in own.extens:
                regex = _pattern(key)
                if regex is not None and regex.match(plain):
                    literal = sum(1 for c in key[1:] if c not in "XZNxzn.![]-")
                    matches.append((-literal, "." in key or "!" in key, key))
            if matches:
                return name, min(matches)[2]
        return None

    def search_order(self, context: str) -> Iterator[str]:
        """``context`` and the contexts it includes, each once, in the order Asterisk
        searches them for an extension: its own, then each include in turn, depth
        first (contexts the dialplan does not define are passed over)."""
        seen: set[str] = set()
        stack = [context]
        while stack:
            name = stack.pop(0)
            if name in seen or name not in self.contexts:
                continue
            seen.add(name)
            yield name
            stack = self.contexts[name].includes + stack

    def home(self, context: str) -> str:
        """The context a caller is in when running ``context``'s priorities: a context
        that nothing jumps to and that one context includes runs in that one (keys
        pressed there are matched against the includer's extensions)."""
        seen: set[str] = set()
        while context not in seen:
            seen.add(context)
            includers = self.includers.get(context, [])
            if context in self.named or len(includers) != 1:
                return context
            context = includers[0]
        return context

    def label(self, context: str, exten: str, label: str) -> int | None:
        own = self.contexts.get(context)
        if own is None:
            return None
        if label.isdigit():
            return int(label)
        return own.labels.get((exten, label))

    def choices(self, context: str, dialable: bool = True) -> list[tuple[str, str, str]]:
        """``(key, defining context, extension)`` a caller can dial in ``context`` (or,
        not ``dialable``, every extension but the special ones), included contexts after
        its own, nearest first."""
        found: list[tuple[str, str, str]] = []
        keys: set[str] = set()
        for name in self.search_order(context):
            self.touched.add(name)
            for exten in self.contexts[name].extens:
                key = exten.split("/")[0]
                wanted = _dialable(exten) if dialable else exten not in SPECIAL_EXTENS
                if wanted and key not in keys:
                    keys.add(key)
                    found.append((key, name, exten))
        return found

    def substitute(self, text: str, prio: _Prio) -> str:
        """``${CONTEXT}``, ``${EXTEN}`` (when not a pattern) and variables the same
        extension sets to plain text before ``prio`` filled in."""
        text = text.replace("${CONTEXT}", prio.context)
        if not prio.exten.startswith("_"):
            text = text.replace("${EXTEN}", prio.exten)
        if "${" not in text:
            return text
        extension = self.contexts[prio.context].extens[prio.exten]

        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            argument = re.fullmatch(r"ARG(\d+)", name)
            if argument and int(argument.group(1)) > self.arguments.get(prio.context, 99):
                return ""  # no call passes it
            for number in range(prio.number - 1, 0, -1):
                earlier = extension.get(number)
                if earlier is None or earlier.app.lower() != "set":
                    continue
                assigned = re.fullmatch(r"\s*_{0,2}(\w+)\s*=(.*)", earlier.args, re.S)
                if assigned and assigned.group(1) == name and "$" not in assigned.group(2):
                    return assigned.group(2).strip()
            return match.group(0)

        return re.sub(r"\$\{(\w+)\}", value, text)

    # ---- subroutines

    def _classify_subroutines(self) -> dict[str, str]:
        """``facing`` (talks to the caller or leaves), ``task`` (runs a script) or
        ``plumbing`` for every context, from what its priorities run."""
        kinds: dict[str, str] = {}
        calls: dict[str, set[str]] = {}
        for name, context in self.contexts.items():
            kind = "plumbing"
            called: set[str] = set()
            for priorities in context.extens.values():
                for prio in priorities.values():
                    own = self._static_kind(prio, called)
                    if own == "facing" or (own == "task" and kind == "plumbing"):
                        kind = own
            kinds[name] = kind
            calls[name] = called
        changed = True
        while changed:
            changed = False
            for name, called in calls.items():
                for other in called:
                    better = kinds.get(other, "facing")
                    if better == "facing" and kinds[name] != "facing":
                        kinds[name], changed = "facing", True
                    elif better == "task" and kinds[name] == "plumbing":
                        kinds[name], changed = "task", True
        return kinds

    def _static_kind(self, prio: _Prio, called: set[str]) -> str:
        app, args = prio.app.lower(), prio.args
        if app in ("execif", "exec", "execiftime"):
            _, yes, no = _condition(args) if app != "exec" else ("", args, "")
            worst = "plumbing"
            for part in (yes, no):
                if part:
                    inner = replace(prio, app=_inner_app(part)[0], args=_inner_app(part)[1])
                    kind = self._static_kind(inner, called)
                    worst = kind if kind == "facing" or worst == "plumbing" else worst
            return worst
        if (
            app in PLUMBING
            or app in RETURNS
            or app in ("while", "endwhile", "exitwhile", "continuewhile", "stackpop")
        ):
            return "plumbing"
        if app in TASKS:
            return "task"
        if app in ("goto", "gotoif", "gotoiftime"):
            specs = _condition(args)[1:] if app != "goto" else (args,)
            for spec in specs:
                parts = _split_top(spec, ",")
                if len(parts) == 3 and parts[0].strip() != prio.context:
                    return "facing"
            return "plumbing"
        if app in CALLS or app in ("gosubif", "macroif"):
            for spec in _condition(args)[1:] if app.endswith("if") else (args,):
                target = self._call_target(prio, spec, app.startswith("macro"))
                if target is not None:
                    called.add(target[0])
            return "plumbing"
        return "facing"

    def _call_target(self, prio: _Prio, spec: str, macro: bool) -> Pos | None:
        """Where ``Gosub(spec)``/``Macro(spec)`` starts, or None when it is dynamic."""
        spec = spec.strip()
        if not spec:
            return None
        if macro:
            name = _split_top(spec, ",")[0].strip()
            return None if "$" in name else (f"macro-{name}", "s", 1)
        parts = [p.strip() for p in _split_top(spec, ",")]
        last = re.sub(r"\(.*\)\s*$", "", parts[-1], flags=re.S).strip()
        parts[-1] = last
        if len(parts) == 1:
            context, exten, priority = prio.context, prio.exten, parts[0]
        elif len(parts) == 2:
            context, exten, priority = prio.context, parts[0], parts[1]
        else:
            context, exten, priority = parts[0], parts[1], parts[2]
        context = self.substitute(context, prio)
        exten = self.substitute(exten, prio)
        if "$" in context or context not in self.contexts:
            return None
        if "$" in exten:
            options = [e for e in self.contexts[context].extens if e not in SPECIAL_EXTENS]
            if len(options) != 1:
                return None
            exten = options[0]
        found = self.find_exten(context, exten)
        if found is None:
            return None
        number = self.label(found[0], found[1], priority)
        return None if number is None else (found[0], found[1], number)

    # ---- steps

    def add(self, sid: str, step: dict[str, Any]) -> str:
        self.nodes.setdefault(sid, step)
        return sid

    def end(self, sid: str, source: str, say: str | None = None) -> str:
        step: dict[str, Any] = {"type": "end", "source": source, JUDGE: True}
        if say:
            step["say"] = say
        return self.add(sid, step)

    def external(self, sid: str, source: str, what: str) -> str:
        return self.add(sid, {"type": "external", "source": source, "target": what})

    def schedule(self, sid: str, prio: _Prio) -> str:
        if sid not in self.scheduled:
            self.scheduled.add(sid)
            self.pending.append((sid, prio))
        return sid

    def route(self, origin: str, pos: Pos) -> str:
        """The step a caller reaches from ``origin`` going on at ``pos``."""
        target = self.land(pos)
        self.routes.setdefault((origin, target), pos)
        return target

    def land(self, pos: Pos) -> str:
        """The first step from ``pos`` on: plumbing, literal ``Goto``s and plumbing
        subroutines are passed through."""
        if pos in self.memo:
            return self.memo[pos]
        seen: list[Pos] = []
        visited: set[Pos] = set()
        current = pos
        result: str | None = None
        while result is None:
            prio = self.prio(current)
            if prio is None:
                result = self.off_end(current, seen)
                break
            if current in visited or len(seen) > _FOLD_LIMIT:
                sid = f"{prio.block}.spins"
                self.add(
                    sid,
                    {
                        "type": "message",
                        "team": "ivr",
                        "source": prio.block,
                        "say": "(goes round without doing anything)",
                        "next": sid,
                    },
                )
                result = sid
                break
            if current in self.memo:
                result = self.memo[current]
                break
            visited.add(current)
            seen.append(current)
            self.touched.add(prio.context)
            after = (prio.context, prio.exten, prio.number + 1)
            app, args = prio.app.lower(), prio.args
            if app == "exec":
                app, args = _inner_app(args)
            forced = self.forced(prio, app, args)
            if forced is not None:
                app, args = ("goto", forced) if forced else ("noop", "")
            if app in PLUMBING or (app in ("execif", "execiftime") and not self.routes_in(prio)):
                current = after
            elif app == "goto" and "$" not in self.substitute(args, prio):
                jumped = self.jump(prio, args)
                if isinstance(jumped, str):
                    result = jumped
                else:
                    current = jumped
            elif app in CALLS:
                called = self._call_target(prio, args, app == "macro")
                kind = self.sub_kind.get(called[0], "facing") if called else "unknown"
                if called is not None and kind in ("plumbing", "task"):
                    self.called.add(called[0])
                    current = after
                elif called is not None and kind == "facing":
                    self.callers.setdefault(called[0], []).append((prio.block, after))
                    self.dirty.add(called[0])
                    current = called
                else:
                    result = self.schedule(prio.block, prio)
            elif app in RETURNS:
                result = self.return_step(prio.context, prio.block)
            elif app in ("endwhile", "continuewhile", "exitwhile"):
                current = self.while_jump(prio, app)
            elif app in PROMPTS or (app == "execif" and self.prompt_in(prio)):
                menu = self.menu_after(prio)
                result = (
                    self.schedule(menu.block, menu) if menu else self.schedule(prio.block, prio)
                )
            else:
                result = self.schedule(prio.block, prio)
        for position in seen:
            self.memo[position] = result
        self.walked[pos] = seen
        return result

    def forced(self, prio: _Prio, app: str, args: str) -> str | None:
        """For a ``GotoIf``/``ExecIf`` whose condition is a constant once the arguments
        no call passes are empty (``$["${ARG3}" != ""]``): the ``Goto`` target it always
        takes, or ``""`` when it always goes on; None otherwise."""
        if app not in ("gotoif", "execif"):
            return None
        cond, yes, no = _condition(args)
        match = re.fullmatch(
            r'\$\[\s*"([^"$]*)"\s*(!=|==|=)\s*"([^"$]*)"\s*\]', self.substitute(cond, prio)
        )
        if match is None:
            return None
        chosen = yes if (match.group(1) == match.group(3)) == (match.group(2) != "!=") else no
        if not chosen.strip():
            return ""
        return chosen if app == "gotoif" and "$" not in chosen else None

    def off_end(self, pos: Pos, seen: list[Pos]) -> str:
        """Where a caller goes at a position with nothing to run."""
        context, exten, number = pos
        if context not in self.contexts:
            source = seen[-1] if seen else pos
            sid = f"{source[0]},{source[1]},{source[2]}.external"
            return self.external(sid, f"{source[0]},{source[1]},{source[2]}", f"context {context}")
        own = self.contexts[context]
        if exten not in own.extens:  # an invalid extension: `i`, else Asterisk hangs up
            handler = self.find_exten(context, "i")
            if handler is not None:
                return self.land((handler[0], handler[1], 1))
            return self.end(f"{context}.invalid", context, "(no such extension: the call ends)")
        if context.startswith("macro-"):
            return self.return_step(context, f"{context},{exten},{number - 1}")
        last = f"{context},{exten},{number - 1}"
        if number - 1 in own.extens[exten]:
            return self.end(f"{last}.end", last, "(no more priorities: the call ends)")
        return self.end(f"{context},{exten},{number}.end", context, "(no such priority)")

    def routes_in(self, prio: _Prio) -> bool:
        """Whether an ``ExecIf`` runs something that routes or talks to the caller."""
        _, yes, no = _condition(prio.args)
        for part in (yes, no):
            app = _inner_app(part)[0] if part else ""
            if app and app not in PLUMBING:
                return True
        return False

    def prompt_in(self, prio: _Prio) -> bool:
        _, yes, no = _condition(prio.args)
        return bool(yes) and not no and _inner_app(yes)[0] in PROMPTS

    def menu_after(self, prio: _Prio) -> _Prio | None:
        """The ``WaitExten`` that the prompts from ``prio`` on lead to (through settings
        and ``Goto``s to labels of the same extension), or a ``Read`` without a prompt
        of its own after prompts that keys do not cut short (``Playback``,
        ``Background`` with option ``m``); None when something else comes first. The
        prompts played on the way are kept for the menu's ``say``."""
        extension = self.contexts[prio.context].extens[prio.exten]
        sounds: list[str] = []
        context = None
        steady = True  # no prompt that a key interrupts into the dialplan
        current: _Prio | None = prio
        seen: set[int] = set()
        while current is not None and current.number not in seen:
            seen.add(current.number)
            app, args = current.app.lower(), current.args
            if app == "execif" and self.prompt_in(current):
                app, args = _inner_app(_condition(args)[1])
            nxt = extension.get(current.number + 1)
            if app in PROMPTS:
                sounds += [self.substitute(name, current) for name in _sound_names(args)]
                parts = _split_top(args, ",")
                if app == "background":
                    steady = steady and _matches_only(parts)
                    if len(parts) >= 4 and parts[3].strip():
                        context = parts[3].strip()
            elif app == "goto" and "$" not in args:
                parts = [part.strip() for part in _split_top(args, ",")]
                number = self.label(prio.context, prio.exten, parts[0])
                nxt = extension.get(number) if len(parts) == 1 and number else None
                if nxt is None:
                    return None
            elif current is not prio and (
                app == "waitexten"
                or (app in ("read", "readexten") and steady and not _read_prompt(args))
            ):
                if sounds:
                    self.prompts.setdefault(
                        current.block, (f"(recording: {', '.join(sounds)})", context)
                    )
                return current
            elif not (app in PLUMBING or (app == "execif" and not self.routes_in(current))):
                return None
            current = nxt
        return None

    def prompt_before(self, prio: _Prio) -> tuple[str | None, str | None]:
        """The prompt played just before ``prio`` (``(recording: ...)``), and the context
        ``Background`` names for the options (its fourth argument)."""
        extension = self.contexts[prio.context].extens[prio.exten]
        sounds: list[str] = []
        context = None
        number = prio.number
        while number > 1:
            number -= 1
            earlier = extension.get(number)
            if earlier is None:
                break
            app, args = earlier.app.lower(), earlier.args
            if app == "execif" and self.prompt_in(earlier):
                app, args = _inner_app(_condition(args)[1])
            if app in PROMPTS:
                names = [self.substitute(s, earlier) for s in _sound_names(args)]
                sounds = names + sounds
                parts = _split_top(args, ",")
                if app == "background" and len(parts) >= 4 and parts[3].strip():
                    context = parts[3].strip()
                continue
            if app in PLUMBING or (app == "execif" and not self.routes_in(earlier)):
                continue
            break
        return (f"(recording: {', '.join(sounds)})" if sounds else None), context

    def jump(self, prio: _Prio, spec: str) -> Pos | str:
        """Where a literal ``Goto(spec)`` leads: a position, or a step for a target that
        is not there."""
        parts = [self.substitute(p.strip(), prio) for p in _split_top(spec, ",")]
        if len(parts) == 1 and "|" in parts[0]:
            parts = [p.strip() for p in parts[0].split("|")]
        if len(parts) == 1:
            context, exten, priority = prio.context, prio.exten, parts[0]
        elif len(parts) == 2:
            context, exten, priority = prio.context, parts[0], parts[1]
        else:
            context, exten, priority = parts[0], parts[1], parts[2]
        if context not in self.contexts:
            return self.external(
                f"{prio.block}.external",
                prio.block,
                f"context {context}, which is not in this dialplan ({_file_line(prio)})",
            )
        self.touched.add(context)
        found = self.find_exten(context, exten)
        if found is None:
            return (context, exten, 1)  # an invalid extension: see off_end
        number = self.label(found[0], found[1], priority)
        if number is None:
            return self.end(
                f"{prio.block}.no-label",
                prio.block,
                f"(Goto to a label `{priority}` that does not exist: the call ends)",
            )
        return (found[0], found[1], number)

    def goto(self, prio: _Prio, spec: str, suffix: str) -> str:
        """The step a ``Goto(spec)`` (or a ``GotoIf`` branch) leads to; an empty spec goes
        on at the next priority; a target worked out at run time is a condition."""
        spec = spec.strip()
        origin = prio.block
        if not spec:
            return self.route(origin, (prio.context, prio.exten, prio.number + 1))
        if "$" not in self.substitute(spec, prio):
            target = self.jump(prio, spec)
            return target if isinstance(target, str) else self.route(origin, target)
        return self.dynamic(prio, spec, f"{prio.block}.{suffix}" if suffix else prio.block)

    def dynamic(self, prio: _Prio, spec: str, sid: str) -> str:
        """A ``Goto`` whose target is known only when the call runs: a condition over
        what it can be (the extensions of the context, or the labels that fit)."""
        if sid in self.nodes:
            return sid
        parts = [self.substitute(p.strip(), prio) for p in _split_top(spec, ",")]
        step: dict[str, Any] = {
            "type": "condition",
            "team": "ivr",
            "source": prio.block,
            "say": f"(goes to {_short(spec)}, worked out as the call runs)",
            "branches": {},
        }
        self.nodes[sid] = step
        context, exten = prio.context, prio.exten
        priority = parts[-1]
        if len(parts) >= 2:
            exten = parts[-2]
        if len(parts) >= 3:
            context = parts[0]
        raw = _split_top(spec, ",")
        places = [context]
        if len(raw) >= 3 and raw[0].strip() == "${CONTEXT}" and self.includers.get(context):
            places = self.includers[context]  # run in the context that includes this one
        if "$" in context or context not in self.contexts:
            self.nodes[sid] = {
                "type": "external",
                "source": prio.block,
                "target": f"Goto({_short(spec)}) to a context worked out as the "
                f"call runs ({_file_line(prio)})",
            }
            return sid
        branches: dict[str, str] = step["branches"]
        if "$" in exten:
            lead = exten.split("$")[0]  # `s-${DIALSTATUS}`: only extensions `s-...`
            for place in places:
                for key, where, name in self.choices(place, dialable=False):
                    if key.startswith("_"):
                        literal = re.split(r"[XZNxzn.!\[]", key[1:])[0]
                        if not (literal.startswith(lead) or lead.startswith(literal)):
                            continue
                    elif not key.startswith(lead):
                        continue
                    number = self.label(where, name, priority) if "$" not in priority else 1
                    if number is not None and key not in branches:
                        branches[key] = self.route(sid, (where, name, number))
        else:
            found = self.find_exten(context, exten)
            if found is not None:
                prefix = priority.split("$")[0]
                for (name, label), number in self.contexts[found[0]].labels.items():
                    if name == found[1] and label.startswith(prefix):
                        branches[label] = self.route(sid, (found[0], name, number))
                missing = self.missing_labels(found, priority, prio)
                if branches and missing:
                    shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
                    branches[f"error: no label {shown}"] = self.end(
                        f"{sid}.no-label",
                        prio.block,
                        "(Goto to a label that does not exist: Asterisk hangs up)",
                    )
        if not branches:
            self.nodes[sid] = {
                "type": "external",
                "source": prio.block,
                "target": f"Goto({_short(spec)}), worked out as the call runs, "
                f"to nothing this dialplan has ({_file_line(prio)})",
            }
        elif len(set(branches.values())) == 1:
            self.aliases[sid] = next(iter(branches.values()))  # every way leads on alike
        return sid

    def missing_labels(self, found: tuple[str, str], priority: str, prio: _Prio) -> list[str]:
        """The labels ``prefix${EXTEN}suffix`` names for keys the pattern extension
        ``prio`` runs in can match (``_X``: 0 to 9) but that ``found`` does not have:
        a ``Goto`` there fails and Asterisk hangs up. Only short patterns are read."""
        match = re.fullmatch(r"([^$]*)\$\{EXTEN\}([^$]*)", priority)
        regex = _pattern(prio.exten)
        body = prio.exten.split("/")[0]
        if match is None or regex is None or re.search(r"[.!]", body):
            return []
        length = len(re.sub(r"\[[^\]]*\]", "X", body)) - 1
        if not 1 <= length <= 2:
            return []
        priorities = self.contexts[found[0]].extens[found[1]]
        missing = []
        for key in map("".join, itertools.product("0123456789*#", repeat=length)):
            if not regex.match(key):
                continue
            label = f"{match.group(1)}{key}{match.group(2)}"
            if label.isdigit():
                if int(label) not in priorities:
                    missing.append(label)
            elif (found[1], label) not in self.contexts[found[0]].labels:
                missing.append(label)
        return missing

    def while_jump(self, prio: _Prio, app: str) -> Pos:
        """Where ``EndWhile``/``ContinueWhile`` (back to the ``While``) and ``ExitWhile``
        (after the ``EndWhile``) go."""
        extension = self.contexts[prio.context].extens[prio.exten]
        depth = 0
        number = prio.number
        if app == "exitwhile":
            while number in extension:
                number += 1
                name = extension[number].app.lower() if number in extension else ""
                if name == "while":
                    depth += 1
                elif name == "endwhile":
                    if depth == 0:
                        return (prio.context, prio.exten, number + 1)
                    depth -= 1
            return (prio.context, prio.exten, number)
        while number > 1:
            number -= 1
            name = extension[number].app.lower() if number in extension else ""
            if name == "endwhile":
                depth += 1
            elif name == "while":
                if depth == 0:
                    return (prio.context, prio.exten, number)
                depth -= 1
        return (prio.context, prio.exten, prio.number + 1)

    def return_step(self, context: str, source: str) -> str:
        """The step back to wherever subroutine ``context`` was called from."""
        if context not in self.returns:
            sid = f"{context}.return"
            self.returns[context] = sid
            self.dirty.add(context)
            self.nodes[sid] = {
                "type": "condition",
                "team": "ivr",
                "source": context,
                "say": f"(returns to where {context} was called)",
                "branches": {},
            }
        return self.returns[context]

    def call(self, prio: _Prio, spec: str, macro: bool, sid: str) -> str:
        """The step a ``Gosub``/``Macro`` (or a branch of ``GosubIf``) leads to."""
        after = (prio.context, prio.exten, prio.number + 1)
        target = self._call_target(prio, spec, macro)
        kind = self.sub_kind.get(target[0], "facing") if target else "unknown"
        if target is not None and kind in ("plumbing", "task"):
            self.called.add(target[0])
            return self.route(sid, after)
        if target is not None and kind == "facing":
            self.callers.setdefault(target[0], []).append((prio.block, after))
            self.dirty.add(target[0])
            return self.route(sid, target)
        name = f"macro-{_split_top(spec, ',')[0].strip()}" if macro else spec.split("(")[0]
        if target is None and "$" not in spec:
            parts = _split_top(spec, ",")
            context = name if macro else (parts[0].strip() if len(parts) == 3 else prio.context)
            if context not in self.contexts:
                return self.external(
                    sid,
                    prio.block,
                    f"subroutine {context}, which is not in this dialplan ({_file_line(prio)})",
                )
        what = target[0] if target else _short(name)
        return self.add(
            sid,
            {
                "type": "self_service",
                "team": "ivr",
                "source": prio.block,
                "say": f"(runs subroutine {what})",
                "next": self.route(sid, after),
            },
        )

    def options(self, sid: str, context: str, source: str) -> dict[str, Any]:
        """The menu options of ``context``: its own dialable extensions, an included
        context's one-key extensions, and one option per included context for its
        longer numbers."""
        found: dict[str, Any] = {}
        groups: dict[str, list[tuple[str, str, str]]] = {}
        for key, where, exten in self.choices(context):
            if where != context and not _one_key(key):
                groups.setdefault(where, []).append((key, where, exten))
                continue
            target = self.route(sid, (where, exten, 1))
            found[key] = (
                {"to": target, "label": f"pattern {key}"} if key.startswith("_") else target
            )
        for where, members in groups.items():
            if len(members) == 1:
                key, _, exten = members[0]
                found[key] = self.route(sid, (where, exten, 1))
                continue
            group = f"{sid}.dials.{where}"
            self.nodes[group] = {
                "type": "condition",
                "team": "ivr",
                "source": where,
                "say": f"(the extension dialed, from {where})",
                "branches": {k: self.route(group, (w, e, 1)) for k, w, e in members},
            }
            found[f"dials an extension ({where})"] = group
        return found

    def handlers(
        self,
        step: dict[str, Any],
        sid: str,
        context: str,
        source: str,
        waiting: _Prio | None = None,
    ) -> None:
        """``no_match`` (``i``, else ``e``) and ``no_input``, or an end where Asterisk
        hangs up. After ``WaitExten`` (``waiting``) a time-out goes on at the next
        priority when there is one, else to ``t``, else ``e``; a dial tone (``DISA``,
        no ``waiting``) never looks for ``t``: silence gets the reorder tone."""
        self.handler_contexts.add(context)
        found = self.find_exten(context, "i") or self.find_exten(context, "e")
        if found is not None:
            target = self.route(sid, (found[0], found[1], 1))
        else:
            target = self.end(f"{sid}.no-match", source, "(no `i` extension: Asterisk hangs up)")
        step["no_match"] = {"to": target, "label": "no match"}
        if waiting is None:
            target = self.end(f"{sid}.no-input", source, "(nothing dialled: the reorder tone)")
        elif self.prio((waiting.context, waiting.exten, waiting.number + 1)) is not None:
            target = self.route(sid, (waiting.context, waiting.exten, waiting.number + 1))
        else:
            found = self.find_exten(context, "t") or self.find_exten(context, "e")
            if found is not None:
                target = self.route(sid, (found[0], found[1], 1))
                self.silence_as_choice(step, context, found)
            else:
                target = self.end(
                    f"{sid}.no-input", source, "(no `t` extension: Asterisk hangs up)"
                )
        step["no_input"] = {"to": target, "label": "no input"}

    def ending(self, context: str, exten: str) -> tuple[tuple[str, str], ...] | None:
        """What an extension plays before it ends the call (``Hangup()`` or nothing
        more), or None when it does anything else (goes somewhere, asks, serves)."""
        played = []
        for prio in self.contexts[context].extens.get(exten, {}).values():
            app = prio.app.lower()
            if app in PLUMBING:
                continue
            if app not in MESSAGES and app not in PROMPTS and app != "hangup":
                return None
            played.append((app, prio.args.strip()))
        return tuple(played) if played else None

    def silence_as_choice(
        self, step: dict[str, Any], context: str, timeout: tuple[str, str]
    ) -> None:
        """A time-out (``t``) that ends the call exactly as one of the menu's own options
        does (``#``: 'goodbye', hang up) is the caller taking that way out by staying
        silent, not the menu failing them; when a wrong key does not end the call
        either, ``disconnect-on-error`` is silenced at the menu with that reason."""
        ends = self.ending(*timeout)
        if ends is None:
            return
        invalid = self.find_exten(context, "i")
        if invalid is None or self.ending(*invalid) is not None:
            return
        for key, where, exten in self.choices(context):
            if self.ending(where, exten) == ends:
                reason = f"silence ends the call as option {key} does: the caller's way out"
                step["ignore"] = {
                    **step.get("ignore", {}),
                    **dict.fromkeys(("disconnect-on-error", "no-human-exit"), reason),
                }
                return

    def build(self, sid: str, prio: _Prio) -> None:
        """The step for a priority that the caller experiences or that branches."""
        app, args = prio.app.lower(), prio.args
        if app == "exec":
            app, args = _inner_app(args)
        source = prio.block
        after = (prio.context, prio.exten, prio.number + 1)
        step: dict[str, Any] = {"team": "ivr", "source": source}
        self.nodes[sid] = step
        if app == "waitexten":
            say, context = self.prompts.get(prio.block) or self.prompt_before(prio)
            context = context or self.home(prio.context)
            self.menu_sites.add(prio.context)
            step.update(type="menu", say=say or "(waits for a key)")
            step["options"] = self.options(sid, context, source)
            self.handlers(step, sid, context, source, prio)
        elif app == "execif" and self.prompt_in(prio):
            inner, inner_args = _inner_app(_condition(args)[1])
            self.nodes.pop(sid)
            self.build(sid, replace(prio, app=inner, args=inner_args))
        elif app == "background":
            names = [self.substitute(s, prio) for s in _sound_names(args)]
            parts = _split_top(args, ",")
            context = (
                parts[3].strip()
                if len(parts) >= 4 and parts[3].strip()
                else self.home(prio.context)
            )
            say = f"(recording: {', '.join(names)})"
            if self.choices(context):
                step.update(type="menu", say=say, options=self.options(sid, context, source))
                self.menu_sites.add(prio.context)
                self.handler_contexts.add(context)
                found = self.find_exten(context, "i") or self.find_exten(context, "e")
                if not _matches_only(parts):  # option `m`: other keys do not stop it
                    step["no_match"] = {
                        "to": self.route(sid, (found[0], found[1], 1))
                        if found
                        else self.end(
                            f"{sid}.no-match", source, "(no `i` extension: Asterisk hangs up)"
                        ),
                        "label": "no match",
                    }
                step["no_input"] = {"to": self.route(sid, after), "label": "no key pressed"}
            else:
                step.update(type="message", say=say, next=self.route(sid, after))
        elif app in MESSAGES:
            step.update(type="message", say=self.message_text(app, args, prio))
            duration = _split_top(args, ",")[1:2]
            if app == "musiconhold" and not (duration and duration[0].strip()):
                step["say"] = "(plays hold music until the caller hangs up)"  # no way on
            else:
                step["next"] = self.route(sid, after)
        elif app in ("read", "readexten"):
            self.build_read(sid, step, prio, args, after)
        elif app in ("gotoif", "gotoiftime", "execif", "execiftime", "gosubif", "macroif"):
            self.build_condition(sid, step, prio, app, args)
        elif app == "goto":
            self.nodes.pop(sid)
            self.dynamic(prio, args, sid)
        elif app == "while":
            step.update(
                type="condition",
                branches={
                    _short(args) or "while": self.route(sid, after),
                    "loop done": self.route(sid, self.while_jump(prio, "exitwhile")),
                },
            )
        elif app in CALLS:
            self.nodes.pop(sid)
            self.call(prio, args, app == "macro", sid)
        elif app == "queue":
            self.build_queue(sid, step, prio, args, after)
        elif app in ("dial", "followme", "transfer"):
            self.build_dial(sid, step, prio, app, args, after)
        elif app in VOICEMAIL:
            box = _short(_split_top(args, ",")[0]) or "the mailbox"
            step.update(
                type="self_service",
                say=f"(leaves a voicemail for {box})",
                next=self.route(sid, after),
            )
        elif app in ("voicemailmain", "minivmmwi"):
            step.update(
                type="self_service", say="(listens to voicemail)", next=self.route(sid, after)
            )
        elif app == "hangup":
            self.nodes[sid] = {"type": "end", "source": source, "say": "(hangs up)", JUDGE: True}
        elif app in ("busy", "congestion"):
            tone = "busy" if app == "busy" else "congestion"
            self.nodes[sid] = {
                "type": "end",
                "source": source,
                "say": f"(plays the {tone} tone and hangs up)",
                JUDGE: True,
            }
        elif app == "disa":
            parts = _split_top(args, ",")
            context = parts[1].strip() if len(parts) > 1 and parts[1].strip() else prio.context
            if context not in self.contexts:
                self.nodes[sid] = {
                    "type": "external",
                    "source": source,
                    "target": f"DISA dial tone into context {context}, which is "
                    f"not in this dialplan ({_file_line(prio)})",
                }
                return
            self.menu_sites.add(prio.context)
            step.update(
                type="menu",
                say="(a dial tone: the caller dials a number)",
                tags=["open-question"],
                options=self.options(sid, context, source),
            )
            self.handlers(step, sid, context, source)
        elif app == "directory":
            self.build_directory(sid, step, prio, args, after)
        elif app in ("confbridge", "meetme"):
            self.teams.setdefault("conference", {"name": "Conference rooms"})
            room = _short(_split_top(args, ",")[0]) or "a room"
            step.update(
                type="agent",
                team="conference",
                say=f"(joins the conference {room})",
                next=self.route(sid, after),
            )
        elif app in ("authenticate", "vmauthenticate"):
            step.update(
                type="input",
                say="(asks for a password)",
                collects=["password"],
                tags=["auth"],
                next=self.route(sid, after),
                max_retries=3,
                on_fail=self.end(f"{sid}.failed", source, "(wrong password 3 times)"),
            )
        elif app in TASKS:
            script = _short(_split_top(args, ",")[0]) or app
            step.update(
                type="self_service",
                say=f"(runs the {prio.app} script {script})",
                next=self.route(sid, after),
            )
        else:
            self.nodes[sid] = {
                "type": "external",
                "source": source,
                "target": f"the application {prio.app} at {_file_line(prio)}, "
                "which journeymap does not read",
            }

    def message_text(self, app: str, args: str, prio: _Prio) -> str:
        first = self.substitute(_split_top(args, ",")[0].strip(), prio)
        if app == "playback":
            return f"(recording: {', '.join(self.substitute(s, prio) for s in _sound_names(args))})"
        words = {
            "saydigits": f"(says the digits {first})",
            "saynumber": f"(says the number {first})",
            "sayalpha": f"(spells {first})",
            "sayphonetic": f"(spells {first})",
            "sayunixtime": "(says the time)",
            "datetime": "(says the time)",
            "musiconhold": "(plays hold music)",
            "zapateller": "(plays the not-in-service tone)",
            "echo": "(echo test: the caller hears themselves)",
            "milliwatt": "(plays a test tone)",
        }
        return words.get(app, f"({prio.app}: {_short(first)})" if first else f"({prio.app})")

    def build_read(
        self, sid: str, step: dict[str, Any], prio: _Prio, args: str, after: Pos
    ) -> None:
        parts = _split_top(args, ",")
        variable = parts[0].strip()
        names = [self.substitute(s, prio) for s in _sound_names(",".join(parts[1:2]))]
        say = f"(recording: {', '.join(names)})" if names else None
        if say is None:
            say = (self.prompts.get(prio.block) or self.prompt_before(prio))[0]
        say = say or "(reads digits)"
        following = self.next_routing(after)
        if (
            following is not None
            and following.app.lower() == "goto"
            and (f"${{{variable}}}" in following.args)
        ):
            pieces = [p.strip() for p in _split_top(following.args, ",")]
            context = pieces[0] if len(pieces) == 3 else self.home(prio.context)
            if context in self.contexts:
                self.menu_sites.add(prio.context)
                self.handler_contexts.add(context)
                step.update(type="menu", say=say, options=self.options(sid, context, prio.block))
                found = self.find_exten(context, "i") or self.find_exten(context, "e")
                if found is not None:
                    handler = self.route(sid, (found[0], found[1], 1))
                else:
                    handler = self.end(
                        f"{sid}.no-match", prio.block, "(no `i` extension: Asterisk hangs up)"
                    )
                timeout = self.find_exten(context, "t")
                step["no_match"] = {"to": handler, "label": "no match"}
                step["no_input"] = {
                    "to": self.route(sid, (timeout[0], timeout[1], 1)) if timeout else handler,
                    "label": "no input",
                }
                return
        if variable and self.read_tests(sid, step, say, variable, after):
            return
        step.update(
            type="input",
            say=say,
            collects=[variable] if variable else [],
            next=self.route(sid, after),
        )

    def read_tests(
        self, sid: str, step: dict[str, Any], say: str, variable: str, after: Pos
    ) -> bool:
        """A ``Read`` followed by ``GotoIf``s that compare what was read with constants:
        a menu of those constants (``no_match``: where the tests fall through), or, when
        they only test for nothing entered, an input whose ``no_input`` is that branch."""
        options: dict[str, str] = {}
        empty: str | None = None
        rest: Pos | str = after
        for _ in range(_FOLD_LIMIT):
            test = self.next_routing(rest) if not isinstance(rest, str) else None
            if test is None or test.app.lower() != "gotoif":
                break
            cond, yes, no = _condition(test.args)
            compared = _compared(cond, variable)
            if compared is None or "$" in self.substitute(yes + no, test):
                break
            equal, value = compared
            match, other = (yes, no) if equal else (no, yes)
            ahead = (test.context, test.exten, test.number + 1)
            matched = self.jump(test, match) if match else ahead
            if value:
                options.setdefault(
                    value, self.route(sid, matched) if not isinstance(matched, str) else matched
                )
            elif empty is None:
                empty = self.route(sid, matched) if not isinstance(matched, str) else matched
            rest = self.jump(test, other) if other else ahead
            if other:
                break
        else:
            return False
        if not options and empty is None:
            return False
        fallen = rest if isinstance(rest, str) else self.route(sid, rest)
        if not options:
            step.update(type="input", say=say, collects=[variable], next=fallen)
            step["no_input"] = {"to": empty, "label": "nothing entered"}
            return True
        self.menu_sites.add(sid.split(",")[0])
        step.update(type="menu", say=say, options=options)
        step["no_match"] = {"to": fallen, "label": "no match"}
        step["no_input"] = {"to": empty or fallen, "label": "no input"}
        return True

    def next_routing(self, pos: Pos) -> _Prio | None:
        """The first priority from ``pos`` that is not plumbing, in the same extension."""
        current = pos
        for _ in range(_FOLD_LIMIT):
            prio = self.prio(current)
            if prio is None or prio.app.lower() not in PLUMBING:
                return prio
            current = (current[0], current[1], current[2] + 1)
        return None

    def build_condition(
        self, sid: str, step: dict[str, Any], prio: _Prio, app: str, args: str
    ) -> None:
        cond, yes, no = _condition(args)
        step["type"] = "condition"
        if app in ("gotoif", "gotoiftime"):
            targets = (self.goto(prio, yes, "then"), self.goto(prio, no, "else"))
        elif app in ("gosubif", "macroif"):
            macro = app == "macroif"
            targets = (
                self.call(prio, yes, macro, f"{sid}.then") if yes else self.goto(prio, "", ""),
                self.call(prio, no, macro, f"{sid}.else") if no else self.goto(prio, "", ""),
            )
        else:  # ExecIf / ExecIfTime: run an application, or go on
            targets = (self.effect(prio, yes, "then"), self.effect(prio, no, "else"))
        timed = app in ("gotoiftime", "execiftime")
        if timed:
            times = _short(cond.replace("|", ","))
            within, outside = f"open ({times})", "closed"
            if _CLOSED_NAME.search(yes) and not _CLOSED_NAME.search(no):
                within, outside = f"closed ({times})", "open"
            step["say"] = f"(checks the time: {times})"
            labels = (within, outside)
        else:
            labels = (_short(cond) or "if", "otherwise")
        if app in ("gotoif", "execif", "gosubif", "macroif"):
            self.conditions[sid] = prio
        branches: dict[str, str] = {}
        if targets[0] == targets[1] and not timed:
            self.aliases[sid] = targets[0]  # both ways lead on to the same step
            branches[labels[0]] = targets[0]
        else:
            branches[labels[0]] = targets[0]
            branches.setdefault(labels[1], targets[1])
        step["branches"] = branches

    def effect(self, prio: _Prio, text: str, suffix: str) -> str:
        """Where the application an ``ExecIf`` runs leads (nothing: the next priority)."""
        after = (prio.context, prio.exten, prio.number + 1)
        if not text:
            return self.route(prio.block, after)
        app, args = _inner_app(text)
        sid = f"{prio.block}.{suffix}"
        if app in PLUMBING:
            return self.route(prio.block, after)
        if app == "goto":
            return self.goto(prio, args, suffix)
        if app in RETURNS:
            return self.return_step(prio.context, prio.block)
        if app in CALLS:
            return self.call(prio, args, app == "macro", sid)
        inner = replace(prio, app=text.split("(")[0].strip(), args=args)
        return self.schedule(sid, inner)

    def build_queue(
        self, sid: str, step: dict[str, Any], prio: _Prio, args: str, after: Pos
    ) -> None:
        parts = [p.strip() for p in _split_top(args, ",")]
        name = parts[0] or "a queue"
        options = parts[1] if len(parts) > 1 else ""
        timeout = parts[4] if len(parts) > 4 else ""
        team = "queue-" + re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")
        self.teams.setdefault(team, {"name": f"Queue {name}"})
        agent = f"{sid}.agent"
        following = self.route(sid, after)
        step.update(
            type="queue",
            team=team,
            say=f"(waits in queue {name})",
            next=agent,
            ignore=dict(HELD_ELSEWHERE),
        )
        step["on_timeout"] = {
            "to": following,
            "label": "timeout" if timeout else "leaves the queue (full or no agents)",
        }
        goes_on = "c" in re.sub(r"\([^)]*\)", "", options)
        self.nodes[agent] = {
            "type": "agent",
            "team": team,
            "source": prio.block,
            "next": following if goes_on else self.end(f"{sid}.after", prio.block),
        }

    def build_dial(
        self, sid: str, step: dict[str, Any], prio: _Prio, app: str, args: str, after: Pos
    ) -> None:
        parts = _split_top(args, ",")
        targets = [t.strip() for t in parts[0].split("&") if t.strip()]
        options = parts[2] if len(parts) > 2 else ""
        bare = re.sub(r"\([^)]*\)", "", options)
        answered: dict[str, str] = {}
        people = [t for t in targets if not t.lower().startswith("local/")]
        dialled = app == "dial" and bool(people) and self.number_dialled(prio, people)
        if dialled and len(people) == len(targets) and any(_is_trunk(t) for t in people):
            self.nodes[sid] = {  # the caller's own call leaves the phone system
                "type": "external",
                "source": prio.block,
                "target": f"the call placed to the number dialled, {_short(parts[0], 50)} "
                f"({_file_line(prio)})",
            }
            return
        if people or app != "dial":
            if app == "dial" and "G(" in options:
                label = re.search(r"G\(([^)]*)\)", options)
                spec = (label.group(1) if label else "").replace("^", ",")
                finish = self.goto(prio, spec, "after")
            elif app == "dial" and "g" in bare:
                finish = self.route(sid, after)
            else:
                finish = self.end(f"{sid}.after", prio.block)
            outside = app == "transfer" or any(_is_trunk(t) for t in people)
            team = "outside" if outside else "phones"
            if outside:
                self.teams.setdefault("outside", {"name": "Outside numbers", "kind": "vendor"})
            else:
                self.teams.setdefault("phones", {"name": "Extensions (people)"})
            who = _short(", ".join(people) or parts[0])
            agent = f"{sid}.answered"
            self.nodes[agent] = {
                "type": "agent",
                "team": team,
                "source": prio.block,
                "next": finish,
            }
            answered[f"answered ({who})"] = agent
        for target in targets:
            if not target.lower().startswith("local/"):
                continue
            place = target[6:].split("/")[0]
            exten, _, context = place.partition("@")
            context = self.substitute(context or prio.context, prio)
            exten = self.substitute(exten, prio)
            key = f"answered ({_short(target, 40)})"
            if context in self.contexts and "$" not in exten:
                found = self.find_exten(context, exten)
                answered[key] = (
                    self.route(sid, (found[0], found[1], 1))
                    if found
                    else self.land((context, exten, 1))
                )
            else:
                answered[key] = self.external(
                    f"{sid}.local", prio.block, f"{target} ({_file_line(prio)})"
                )
        step.update(type="condition")
        unanswered = (
            "not answered (the number dialled)" if dialled else "no answer (timed out or busy)"
        )
        step["branches"] = {**answered, unanswered: self.route(sid, after)}

    def number_dialled(self, prio: _Prio, targets: list[str]) -> bool:
        """Whether a ``Dial`` rings the number the caller dialled: its destination is
        built from ``${EXTEN}`` (``PJSIP/${EXTEN}``, ``${EXTEN}@trunk``), or its context
        is a table of numbers that each only dial one destination (FollowMe's numbers,
        Local-channel legs, direct numbers). Not being answered there is the called
        party not answering, not the phone tree failing the caller."""
        if any("${EXTEN" in target for target in targets):
            return True
        context = self.contexts[prio.context]
        if prio.context not in self.tables:
            numbers = [e for e in context.extens if e not in SPECIAL_EXTENS]
            self.tables[prio.context] = bool(numbers) and all(
                _dialable(exten)
                and [
                    p.app.lower()
                    for p in context.extens[exten].values()
                    if p.app.lower() not in PLUMBING
                ]
                == ["dial"]
                for exten in numbers
            )
        return self.tables[prio.context]

    def build_directory(
        self, sid: str, step: dict[str, Any], prio: _Prio, args: str, after: Pos
    ) -> None:
        parts = _split_top(args, ",")
        context = parts[1].strip() if len(parts) > 1 and parts[1].strip() else prio.context
        chosen = f"{sid}.chosen"
        step.update(type="input", say="(dial-by-name directory)", collects=["name"], next=chosen)
        if context in self.contexts:
            branches = {k: self.route(chosen, (w, e, 1)) for k, w, e in self.choices(context)}
        else:
            branches = {
                f"an extension of {context}": self.external(
                    f"{chosen}.external",
                    prio.block,
                    f"context {context}, which is not in this dialplan ({_file_line(prio)})",
                )
            }
        branches["nothing chosen"] = self.route(chosen, after)
        self.nodes[chosen] = {
            "type": "condition",
            "team": "ivr",
            "source": prio.block,
            "say": "(the extension of the name chosen)",
            "branches": branches,
        }

    def unused_handlers(self, elsewhere: dict[Pos, str]) -> None:
        """Build the ``i`` and ``t`` extensions written in a context where a menu stands
        (or that a menu looks in) that no route uses: nothing leads there, so the audit
        reports them as unreachable (a ``t`` after a ``WaitExten`` that has a next
        priority, an ``i`` next to a dial tone that looks in another context)."""
        for context in sorted(self.menu_sites | self.handler_contexts):
            own = self.contexts.get(context)
            if own is None:
                continue
            for exten in ("i", "t"):
                place = (context, exten, 1)
                if (
                    1 in own.extens.get(exten, {})
                    and place not in self.memo
                    and place not in elsewhere
                ):
                    self.land(place)
                    self.drain()

    def drain(self) -> None:
        """Build everything scheduled, then the returns of subroutines to the callers
        found since (which may schedule more), until nothing changes. Each caller is
        joined to its subroutine's return once."""
        while self.pending or self.dirty:
            while self.pending:
                sid, prio = self.pending.popleft()
                self.build(sid, prio)
            for context in sorted(self.dirty):
                self.dirty.discard(context)
                back = self.returns.get(context)
                callers = self.callers.get(context, [])
                done = self.returned.get(context, 0)
                if back is None or done == len(callers):
                    continue
                self.returned[context] = len(callers)
                for block, after in callers[done:]:
                    step = self.nodes[back]
                    step["branches"].setdefault(f"back to {block}", self.route(back, after))

    def close_returns(self) -> None:
        """Once everything is built: a ``Return`` that nothing called ends the call."""
        for context, sid in self.returns.items():
            if not self.nodes[sid]["branches"]:
                self.nodes[sid] = {
                    "type": "end",
                    "source": context,
                    JUDGE: True,
                    "say": "(returns, but nothing called it: the call ends)",
                }


def _is_trunk(target: str) -> bool:
    """Whether a ``Dial`` target is an outside line rather than a phone here."""
    tech, _, resource = target.partition("/")
    if re.search(r"trunk|out_|tdial", tech, re.I) or re.search(r"trunk", resource, re.I):
        return True
    if tech.upper() in ("DAHDI", "ZAP") and re.match(r"[gGrR]", resource):
        return True
    if "@" in resource or "/" in resource or resource.startswith("+"):
        return True
    return len(re.sub(r"\D", "", resource)) >= 7


# --------------------------------------------------------------------------- journey


def _starts(builder: _Builder, context: str) -> dict[str, str]:
    """Where a call entering ``context`` goes, by the extension it enters at."""
    found: dict[str, str] = {}
    for name in builder.search_order(context):
        builder.touched.add(name)
        for exten in builder.contexts[name].extens:
            if exten in SPECIAL_EXTENS or exten.split("/")[0] in found:
                continue
            if 1 in builder.contexts[name].extens[exten]:
                found[exten.split("/")[0]] = f"{name}\0{exten}"
    return found


def _arguments(contexts: dict[str, _Context]) -> dict[str, int]:
    """For each subroutine that the dialplan only ever calls with ``Macro``/``Gosub``
    (and their ``If`` forms), the most arguments a call passes it: ``${ARGn}`` beyond
    that is empty (unless the subroutine sets it). A call whose target is worked out as
    the call runs counts for every subroutine of its kind; a subroutine named anywhere
    else (a ``Dial`` option, a setting) is left out."""
    counts: dict[str, int] = {}
    unknown: set[str] = set()
    computed = {"macro": 0, "gosub": 0}
    for name, context in contexts.items():
        for priorities in context.extens.values():
            for prio in priorities.values():
                app, args = prio.app.lower(), prio.args
                if app in ("execif", "exec"):
                    app, args = _inner_app(_condition(args)[1] if app == "execif" else args)
                specs = _condition(args)[1:] if app in ("macroif", "gosubif") else (args,)
                kind = app.removesuffix("if")
                for spec in specs if kind in ("macro", "gosub") else ():
                    target, passed = _called(spec, kind, name)
                    if target is None:
                        computed[kind] = max(computed[kind], passed)
                    else:
                        counts[target] = max(counts.get(target, 0), passed)
                if kind in ("macro", "gosub"):
                    continue
                for token in re.findall(r"[A-Za-z0-9_.+\-]+", args):
                    if token != name:  # a Goto within itself passes nothing new
                        unknown.update({token, f"macro-{token}"})
    found = {}
    for name, count in counts.items():
        if name in unknown or name not in contexts:
            continue
        limit = max(count, computed["macro" if name.startswith("macro-") else "gosub"])
        text = " ".join(p.args for ps in contexts[name].extens.values() for p in ps.values())
        found[name] = limit
        for number in range(limit + 1, 10):
            if re.search(rf"\bARG{number}\s*=", text):
                found[name] = max(found[name], number)
    return found


def _called(spec: str, kind: str, context: str) -> tuple[str | None, int]:
    """The context ``Macro(spec)``/``Gosub(spec)`` calls (None when worked out as the
    call runs) and how many arguments it passes."""
    parts = [part.strip() for part in _split_top(spec, ",")]
    if kind == "macro":
        name = parts[0]
        return (None if "$" in name else f"macro-{name}"), len(parts) - 1
    last = parts[-1]
    inner = re.search(r"\((.*)\)\s*$", last, re.S)
    passed = len(_split_top(inner.group(1), ",")) if inner and inner.group(1).strip() else 0
    target = parts[0] if len(parts) == 3 else context
    return (None if "$" in target else target), passed


def _subroutines(contexts: dict[str, _Context]) -> set[str]:
    """Contexts meant to be called: ``macro-*`` and those with ``Return``/``MacroExit``."""
    found = set()
    for name, context in contexts.items():
        if name.startswith("macro-"):
            found.add(name)
            continue
        for priorities in context.extens.values():
            if any(p.app.lower() in RETURNS for p in priorities.values()):
                found.add(name)
                break
    return found


def _references(contexts: dict[str, _Context], includes: bool = True) -> dict[str, set[str]]:
    """The contexts each context names (routes, calls, ``Local/x@ctx``, and unless told
    otherwise its includes)."""
    found: dict[str, set[str]] = {
        name: set(c.includes if includes else ()) for name, c in contexts.items()
    }
    for name, context in contexts.items():
        for priorities in context.extens.values():
            for prio in priorities.values():
                for token in re.findall(r"[A-Za-z0-9_.+\-]+", prio.args):
                    if token in contexts and token != name:
                        found[name].add(token)
                    elif f"macro-{token}" in contexts and prio.app.lower() in ("macro", "macroif"):
                        found[name].add(f"macro-{token}")
    return found


def _start(builder: _Builder, context: str) -> str:
    """The step a call entering ``context`` reaches (a "number dialed" decision when
    it can be entered at several extensions)."""
    starts = _starts(builder, context)
    if len(starts) == 1:
        where, exten = next(iter(starts.values())).split("\0")
        return builder.route("entry", (where, exten, 1))
    sid = f"{context}.dialed"
    builder.nodes[sid] = {
        "type": "condition",
        "team": "ivr",
        "source": context,
        "say": f"(the number dialed into {context})",
        "branches": {},
    }
    for key, value in starts.items():
        where, exten = value.split("\0")
        builder.nodes[sid]["branches"][key] = builder.route(sid, (where, exten, 1))
    return sid


def _finish(builder: _Builder, branches: dict[str, str], other: _Builder) -> dict[str, Any]:
    """Tidy one half of the journey: unused handlers, aliases, retry counters, failure
    ends; returns its entry branches, resolved."""
    builder.unused_handlers(other.memo)
    builder.close_returns()
    builder.nodes["entry"] = {"type": "condition", "source": "(flow)", "branches": branches}
    _drop_aliases(builder, "entry")
    _retry_counters(builder)
    _own_ends(builder.nodes)
    return dict(builder.nodes.pop("entry")["branches"])


def convert_package(package: Package, name: str) -> dict[str, Any]:
    """Journey data for a dialplan."""
    if not isinstance(package, Dialplan):
        raise TypeError("an Asterisk dialplan is read with asterisk.read_package")
    contexts = _contexts(package)
    probe = _Builder(contexts)
    subroutines = _subroutines(contexts)
    references = _references(contexts)
    named = {t for targets in references.values() for t in targets}
    candidates = [c for c in contexts if c not in subroutines and _starts(probe, c)]
    roots = [c for c in candidates if c not in named]
    if not candidates:
        where = package.root
        raise ReadError(where, 1, 1, "no context with extensions to follow in this dialplan")
    staff_roots = [c for c in roots if STAFF_CONTEXT.match(c)]
    staff_only = _reach(references, staff_roots) - _reach(
        references, [c for c in roots if c not in staff_roots]
    )
    customers, staff = _Builder(contexts), _Builder(contexts)
    branches: tuple[dict[str, str], dict[str, str]] = ({}, {})
    for root in roots:
        half = 1 if root in staff_roots else 0
        builder = (customers, staff)[half]
        branches[half][root] = _start(builder, root)
        builder.drain()
    for context in candidates:  # reached by nothing that is itself reached
        if context in branches[0] or context in branches[1]:
            continue
        if context in customers.touched or context in staff.touched:
            continue
        half = 1 if context in staff_only else 0
        builder = (customers, staff)[half]
        branches[half][context] = _start(builder, context)
        builder.drain()
    for file, line, _column, target in package.missing:
        sid = f"missing.{Path(file).name}.{line}"
        customers.nodes[sid] = {
            "type": "external",
            "source": _missing_block(file, line),
            "target": f"the contexts of `{target}` (`#include` at {Path(file).name}:{line}; "
            "the file is not next to it, so what it holds is not audited)",
        }
        branches[0][f"contexts in {target}"] = sid
    entry_branches = _finish(customers, branches[0], staff)
    nodes, teams = customers.nodes, customers.teams
    if branches[1]:
        staff_branches = _finish(staff, branches[1], customers)
        renamed = {sid: f"staff.{sid}" if sid in nodes else sid for sid in staff.nodes}
        for sid, step in staff.nodes.items():
            silenced = dict.fromkeys(STAFF_RULES, STAFF_REASON)
            if sid in nodes:  # a second copy of a step customers reach: reported there
                silenced = dict.fromkeys((r.name for r in RULES), TWICE) | silenced
            step["ignore"] = {**step.get("ignore", {}), **silenced}
            nodes[renamed[sid]] = _renamed(step, renamed)
        entry_branches.update({k: renamed.get(v, v) for k, v in staff_branches.items()})
        teams = {**staff.teams, **teams}
    if len(entry_branches) == 1:
        entry = next(iter(entry_branches.values()))
    else:
        entry = "entry"
        nodes[entry] = {
            "type": "condition",
            "team": "ivr",
            "source": "(flow)",
            "say": "(the context the line is configured for)",
            "branches": entry_branches,
        }
    called = {*customers.callers, *staff.callers, *customers.called, *staff.called}
    uncalled = sorted(c for c in subroutines if c not in called)
    description = "Imported from an Asterisk dialplan by journeymap."
    if uncalled:
        shown = ", ".join(uncalled[:20]) + (" ..." if len(uncalled) > 20 else "")
        description += f" Subroutines and macros nothing here calls (not followed): {shown}."
    if staff_roots:
        shown = ", ".join(staff_roots[:10]) + (" ..." if len(staff_roots) > 10 else "")
        description += (
            f" Calls from the PBX's own phones ({shown}) are followed apart from customers' "
            "calls (steps both reach appear twice, the staff copy named `staff.`): they are "
            "staff features, where the rules about reaching a person are silenced."
        )
    for step in nodes.values():
        if str(step.get("say", "")).startswith("("):
            step["ignore"] = {**step.get("ignore", {}), "jargon": DESCRIBED}
    nodes = {sid.replace(":", "_"): _safe(step) for sid, step in nodes.items()}
    return judge_ends(
        {
            "journey": journey_id(name),
            "title": f"Asterisk dialplan {name}",
            "description": description,
            "channel": "phone",
            "entry": entry.replace(":", "_"),
            "teams": teams,
            "nodes": nodes,
        }
    )


def _reach(references: dict[str, set[str]], starts: list[str]) -> set[str]:
    """The contexts ``starts`` lead to through ``references``, themselves included."""
    seen = set(starts)
    stack = list(starts)
    while stack:
        for target in references.get(stack.pop(), ()):
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def _retarget(step: dict[str, Any], rename: Callable[[str], str]) -> dict[str, Any]:
    """``step`` (changed in place) with the target of every route passed through
    ``rename``."""

    def fix(value: Any) -> Any:
        if isinstance(value, str):
            return rename(value)
        if isinstance(value, dict) and isinstance(value.get("to"), str):
            return {**value, "to": rename(value["to"])}
        return value

    for key in ("next", *RECOVERY_ROUTES):
        if key in step:
            step[key] = fix(step[key])
    for group in ("options", "branches"):
        if group in step:
            step[group] = {k: fix(v) for k, v in step[group].items()}
    return step


def _renamed(step: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """``step`` with its routes pointed at the renamed steps."""
    return _retarget(step, lambda target: names.get(target, target))


def _drop_aliases(builder: _Builder, entry: str) -> str:
    """Remove the conditions whose every branch leads to the same step, pointing the
    routes into them at that step; returns the entry, itself resolved."""

    def final(sid: str) -> str:
        seen = set()
        while sid in builder.aliases and sid not in seen:
            seen.add(sid)
            sid = builder.aliases[sid]
        return sid

    loops = {sid for sid in builder.aliases if final(sid) in builder.aliases}
    for sid in builder.aliases:
        if sid not in loops:
            builder.nodes.pop(sid, None)
    for step in builder.nodes.values():
        _retarget(step, final)
    return final(entry)


def _own_ends(nodes: dict[str, dict[str, Any]]) -> None:
    """Give a failure route that runs straight into a ``Hangup()`` (or off the end of
    an extension) that other, ordinary routes share its own end, at the step that
    fails: a ``Hangup()`` says nothing itself, and what it means depends on the way in.
    Shared, it would make every decision that jumps there look like a failure."""
    failures: list[tuple[str, str, str | None]] = []  # (step, route, branch key)
    ordinary: set[str] = set()  # ends some route that is not a failure leads to
    for sid, step in nodes.items():
        routes = [(r, None, step.get(r)) for r in ("next", *RECOVERY_ROUTES)]
        routes += [("branches", k, v) for k, v in (step.get("branches") or {}).items()]
        routes += [("options", k, v) for k, v in (step.get("options") or {}).items()]
        for route, key, value in routes:
            target = value.get("to") if isinstance(value, dict) else value
            if not isinstance(target, str):
                continue
            label = value.get("label") if isinstance(value, dict) else None
            kind = {"branches": "branch", "options": "option"}.get(route, route)
            if route != "options" and route_meaning(kind, key, label) == "error":
                failures.append((sid, route, key))
            else:
                ordinary.add(target)
    for sid, route, key in failures:
        step = nodes[sid]
        holder = step[route] if key is not None else step
        name = key if key is not None else route
        value = holder[name]
        target = str(value.get("to") if isinstance(value, dict) else value)
        end = nodes.get(target, {})
        if end.get("type") != "end" or not end.get(JUDGE) or target not in ordinary:
            continue
        own = f"{sid}.{re.sub(r'[^A-Za-z0-9]+', '-', name).strip('-')}.ends"
        nodes[own] = {**end, "source": step["source"]}
        holder[name] = {**value, "to": own} if isinstance(value, dict) else own


def _safe(step: dict[str, Any]) -> dict[str, Any]:
    """The step with ``:`` (which separates journey and step in targets) out of its ids."""
    return _retarget(step, lambda target: target.replace(":", "_"))


_INCREMENT = r"\s*_{{0,2}}{0}\s*=\s*\$\[\s*\$\{{{0}\}}\s*\+\s*1\s*\]\s*"


def _retry_counters(builder: _Builder) -> None:
    """Recognise retry counters (see the module docs) and bound their menus."""
    nodes = builder.nodes

    def target(value: Any) -> str | None:
        if isinstance(value, str):
            return value
        return value.get("to") if isinstance(value, dict) else None

    def plain_path(start: str, goal: str) -> list[str] | None:
        """The steps from ``start`` to ``goal`` through announcements and one-way steps."""
        path = [start]
        current = start
        for _ in range(50):
            if current == goal:
                return path
            step = nodes.get(current, {})
            kind = step.get("type")
            if kind == "message":
                current = str(target(step.get("next")))
            elif kind == "condition" and len(step.get("branches") or {}) == 1:
                current = str(target(next(iter(step["branches"].values()))))
            else:
                return None
            path.append(current)
        return None

    for sid, prio in builder.conditions.items():
        step = nodes.get(sid)
        if step is None or len(step.get("branches") or {}) != 2:
            continue
        cond = _condition(prio.args)[0]
        variables = re.findall(r"\$\{(\w+)\}", cond)
        context = builder.contexts[prio.context]
        counted = [
            v
            for v in variables
            if any(
                p.app.lower() == "set" and re.fullmatch(_INCREMENT.format(re.escape(v)), p.args)
                for ps in context.extens.values()
                for p in ps.values()
            )
        ]
        if not counted:
            continue
        variable = counted[0]
        for menu_id, menu in nodes.items():
            if menu.get("type") not in ("menu", "input"):
                continue
            found_into = [
                (route, plain_path(str(target(menu.get(route))), sid))
                for route in ("no_match", "no_input")
                if target(menu.get(route))
            ]
            into = [(r, p) for r, p in found_into if p is not None]
            if not into:
                continue
            labels = list(step["branches"])
            back = [lab for lab in labels if plain_path(step["branches"][lab], menu_id)]
            if len(back) != 1:
                continue
            loop = back[0]
            loop_path = [sid, *(plain_path(step["branches"][loop], menu_id) or [])]
            ring = [menu_id, *into[0][1], *loop_path[1:]]
            walked = {
                pos
                for a, b in itertools.pairwise(ring)
                for pos in builder.walked.get(builder.routes.get((a, b), ("", "", 0)), [])
            }
            if any(
                p.app.lower() == "set"
                and p.pos in walked
                and re.fullmatch(rf"\s*_{{0,2}}{re.escape(variable)}\s*=\s*[^$]*", p.args)
                for ps in context.extens.values()
                for p in ps.values()
            ):
                continue  # set back on the way round: not a bound
            fail_label = next(lab for lab in labels if lab != loop)
            fail = step["branches"][fail_label]
            step["branches"] = {"loop": step["branches"][loop], "tries used up": fail}
            tries = _tries(cond, variable, loop == labels[0])
            if tries is not None:
                menu["max_retries"] = max(menu.get("max_retries", 0), tries)
            menu.setdefault("on_fail", {"to": fail, "label": "tries used up"})
            break


def _tries(cond: str, variable: str, true_loops: bool) -> int | None:
    """How many failed tries a counter allows before it gives up."""
    match = re.search(rf"\$\{{{re.escape(variable)}\}}\"?\s*(>=|>|==|=|<=|<|!=)\s*\"?(\d+)", cond)
    if match is None:
        return None
    op, limit = match.group(1), int(match.group(2))
    if not true_loops:  # the expression is true when the tries are used up
        return max(0, {">": limit, ">=": limit - 1, "=": limit - 1, "==": limit - 1}.get(op, limit))
    return max(0, {"<": limit - 1, "<=": limit, "!=": limit - 1}.get(op, limit))


def _missing_block(file: str, line: int) -> str:
    """The block id of an ``#include`` whose file is missing: ``#include@NAME:LINE``."""
    return f"#include@{Path(file).name}:{line}"


def block_files(package: Package) -> dict[str, tuple[str, int, int]]:
    """Where each block id stands: the ``exten``/``same`` line of each priority, the
    header of each context, the start of the dialplan for ``(flow)``."""
    if not isinstance(package, Dialplan):
        return {}
    found: dict[str, tuple[str, int, int]] = {"(flow)": (package.root, 1, 1)}
    for file, line, column, _target in package.missing:
        found[_missing_block(file, line)] = (file, line, column)
    for name, context in _contexts(package).items():
        found[name] = (context.file, context.line, context.column)
        for priorities in context.extens.values():
            for prio in priorities.values():
                found.setdefault(prio.block, (prio.file, prio.line, prio.column))
    return found
