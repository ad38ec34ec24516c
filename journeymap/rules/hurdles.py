"""Hurdles: what a customer must do or endure to be served (JM3xx)."""

from __future__ import annotations

import itertools
import re
from collections import deque
from collections.abc import Callable, Iterator

from .. import algorithms
from ..analysis import Analysis, Hit
from ..config import COMMON_ACRONYMS, DEFAULT_JARGON, Settings
from ..findings import Severity
from ..metrics import easiest_paths, menu_depths, node_hurdles
from .base import Rule, quote

DYNAMIC_PROMPT = "(dynamic prompt)"
ANY_OTHER = "(any other)"
"""The option key importers give a menu's catch-all way on (any key not listed)."""
VOICE_CHANNELS = frozenset({"phone"})


def _fmt(value: float) -> str:
    return f"{value:g}"


def _too_many_hurdles(a: Analysis) -> Iterator[Hit]:
    for journey, entries in a.journey_entries.items():
        dist, parents = easiest_paths(a, entries)
        limit = a.settings(entries[0]).max_hurdles
        over: list[tuple[str, str]] = []
        for goal, test in (("a person", a.is_person), ("a resolution", a.is_resolved_end)):
            reached = [n for n in dist if test(n)]
            if reached:
                best = min(reached, key=lambda n: (dist[n], a.order[n]))
                if dist[best] > limit:
                    over.append((goal, best))
        if not over:
            continue
        path = algorithms.path_to(parents, over[0][1])
        costs = [
            f"`{a.name(n, journey)}` {_fmt(node_hurdles(a, n))}"
            for n in path
            if node_hurdles(a, n) > 0
        ]
        figures = (
            f"to {over[0][0]} costs {_fmt(dist[over[0][1]])} "
            f"hurdle{'' if dist[over[0][1]] == 1 else 's'}"
        )
        if len(over) > 1:
            figures += f" and to {over[1][0]} {_fmt(dist[over[1][1]])}"
        yield Hit(
            path[0],
            f"the easiest way {figures} (more than {_fmt(limit)}); on the way to "
            f"{over[0][0]}: {', '.join(costs)}",
            nodes=tuple(n for n in path if node_hurdles(a, n) > 0) or (path[0],),
            path=tuple(path),
        )


TOO_MANY_HURDLES = Rule(
    id="JM301",
    name="too-many-hurdles",
    severity=Severity.MEDIUM,
    summary="The easiest path to a person or to a resolution costs too many hurdles.",
    what=(
        "Weighs every path from the journey's entries by its hurdles (menus, questions, "
        "queues, transfers, channel switches, sales messages, retries; see the README for "
        "the weights) and reports when even the easiest path to a person, or to a resolved "
        "end, costs more than `max_hurdles` (default 6). Reported once per journey, at the "
        "entry, with the path that shows it."
    ),
    why=(
        "Each hurdle loses some customers. When even the best-informed customer has to "
        "clear this many, the others give up before they are served."
    ),
    example="greeting → language menu → main menu → account number → PIN → sub-menu → queue",
    fix=(
        "Shorten the easiest path: route by what you already know (the number they call "
        "from), ask for each piece of information once, and offer a person earlier."
    ),
    check=_too_many_hurdles,
)


def _deep_menu(a: Analysis) -> Iterator[Hit]:
    for journey, entries in a.journey_entries.items():
        counts, parents = menu_depths(a, entries)
        people = [n for n in counts if a.is_person(n)]
        if not people:
            continue
        best = min(people, key=lambda n: (counts[n], a.order[n]))
        limit = a.settings(entries[0]).max_menu_depth
        if counts[best] <= limit:
            continue
        path = algorithms.path_to(parents, best)
        menus = [n for n in path if a.type(n) == "menu"]
        yield Hit(
            menus[0],
            f"a customer passes at least {counts[best]} menu{'' if counts[best] == 1 else 's'} "
            "before anyone can answer "
            f"(more than {limit}): {' → '.join(a.name(n, journey) for n in menus)}",
            nodes=tuple(menus),
            path=tuple(path),
        )


DEEP_MENU = Rule(
    id="JM302",
    name="deep-menu",
    severity=Severity.MEDIUM,
    summary="Too many menus before a person can be reached.",
    what=(
        "Counts the menus on the path to a queue or an agent that passes the fewest of "
        "them, and reports when that is more than `max_menu_depth` (default 3), at the "
        "first menu of that path."
    ),
    why=(
        "Every menu level is a guess for the customer and a chance to pick wrong. Deep "
        "trees are where callers start pressing 0 repeatedly or hang up."
    ),
    example="main menu → accounts → cards → lost or stolen → queue (4 menus)",
    fix="Flatten the tree, or offer a person ('press 0') on the upper menus.",
    check=_deep_menu,
)

_NOT_CHOICES = frozenset({"0", "*", "#", ANY_OTHER})


def _wide_menu(a: Analysis) -> Iterator[Hit]:
    for node in a.graph:
        if a.type(node) != "menu" or "open-question" in a.step(node).tags:
            continue  # a bot's open question: what it understands is not a list read out
        choices = [k for k in a.step(node).options if k not in _NOT_CHOICES]
        limit = a.settings(node).max_menu_options
        if len(choices) > limit:
            yield Hit(
                node,
                f"menu `{a.name(node)}` offers {len(choices)} choices (more than {limit}); "
                "customers cannot hold them all in mind",
                nodes=(node,),
                at=("nodes", a.name(node), "options"),
            )


_KEY_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9", "star": "*", "pound": "#",
    "hash": "#", "the star key": "*", "the pound key": "#", "the hash key": "#",
}  # fmt: skip
_ANNOUNCED = re.compile(
    r"\b(?:press(?:ing)?|dial|push|select|enter|key(?:\s+in)?|oprima|marque|pulse|presione|"
    r"appuyez sur|tapez|drücken sie(?: die)?)\s+"
    r"(\d|zero|one|two|three|four|five|six|seven|eight|nine|the star key|the pound key|"
    r"the hash key|star|pound|hash|\*|#)(?![\w\d])",
    re.IGNORECASE,
)


def announced_keys(say: str) -> list[str]:
    """The keys a prompt tells the caller to press, in order.

    >>> announced_keys("For sales press 1, for support press two, or press star to repeat.")
    ['1', '2', '*']
    """
    keys: list[str] = []
    for match in _ANNOUNCED.finditer(say):
        word = match.group(1).lower()
        key = _KEY_WORDS.get(word, word)
        if key not in keys:
            keys.append(key)
    return keys


def _phantom_option(a: Analysis) -> Iterator[Hit]:
    for node in a.graph:
        if a.type(node) != "menu":
            continue
        step = a.step(node)
        if not step.say or step.say == DYNAMIC_PROMPT or a.data(node)["channel"] != "phone":
            continue
        said = announced_keys(step.say)
        if not said:
            continue  # a prompt that names no keys ("say what you need") is not judged
        keys = set(step.options)
        phantom = [k for k in said if k not in keys] if ANY_OTHER not in keys else []
        unsaid = [k for k in step.options if len(k) == 1 and k not in said]
        if not phantom and not unsaid:
            continue
        parts = []
        if phantom:
            parts.append(
                f"tells callers to press {quote(phantom)}, which the menu does not have "
                "(the key is treated as a wrong key)"
            )
        if unsaid:
            parts.append(f"never mentions {quote(unsaid)}, which the menu has")
        yield Hit(
            node,
            f"the prompt of menu `{a.name(node)}` " + "; it ".join(parts),
            nodes=(node,),
            at=("nodes", a.name(node), "say"),
        )


PHANTOM_OPTION = Rule(
    id="JM310",
    name="phantom-option",
    severity=Severity.MEDIUM,
    summary="A menu prompt that announces keys the menu does not have, or hides keys it has.",
    what=(
        "Reads the literal prompt of every spoken menu for the keys it announces ('press "
        "1', 'press two', 'press star') and compares them with the menu's options: an "
        "announced key with no option (unless the menu has a catch-all way on), and an "
        "option key (one digit, `*` or `#`) the prompt never announces. Prompts that "
        "announce no key at all, dynamic prompts and other channels are not judged."
    ),
    why=(
        "A caller who presses the key they were told to press and hears 'that is not a "
        "valid choice' stops trusting the menu; an option nobody announces is an option "
        "nobody uses, often the very one that leads to a person."
    ),
    example=(
        "main_menu:\n  type: menu\n  say: For payments press 1. To end the call press 9.\n"
        "  options: {'1': payments, '2': billing_queue, '9': goodbye}   # 2 is never said"
    ),
    fix="Make the prompt and the options agree: announce every key, and remove what is gone.",
    check=_phantom_option,
)


WIDE_MENU = Rule(
    id="JM303",
    name="wide-menu",
    severity=Severity.LOW,
    summary="A menu with too many choices.",
    what=(
        "Counts a menu's options, not counting `0`, `*` and `#`, and reports more than "
        "`max_menu_options` (default 5)."
    ),
    why=(
        "Listeners remember three to five spoken options. By option seven they have "
        "forgotten option two and wait for the menu to repeat."
    ),
    example="options: {'1': a, '2': b, '3': c, '4': d, '5': e, '6': f, '7': g}",
    fix="Group the choices under fewer headings, or put the most used first and fewer in all.",
    check=_wide_menu,
)


def _repeated_info(a: Analysis) -> Iterator[Hit]:
    collectors: dict[str, list[str]] = {}
    for node in a.graph:
        for item in a.collects(node):
            collectors.setdefault(item, []).append(node)
    repeats: dict[str, list[tuple[str, list[str]]]] = {}
    for item, sources in collectors.items():
        if len(sources) < 2:
            continue
        # one search from every step that asks, remembering up to two askers per
        # step and how each reached it: linear in the graph for each item
        first_origin: dict[str, str] = {}
        second_origin: dict[str, str] = {}
        first_parent: dict[str, str] = {}  # how the first origin reached the step
        second_parent: dict[str, str] = {}
        successors = a.adjacency.successor_lists
        queue: deque[tuple[str, str, str]] = deque(
            (succ, s, s) for s in sources for succ in successors[s]
        )
        pop, push = queue.popleft, queue.append
        first_get = first_origin.get
        while queue:
            node, origin, parent = pop()
            seen = first_get(node)
            if seen is None:
                first_origin[node] = origin
                first_parent[node] = parent
            elif seen == origin or node in second_origin:
                continue
            else:
                second_origin[node] = origin
                second_parent[node] = parent
            for succ in successors[node]:
                seen = first_get(succ)
                if seen is None or (seen != origin and succ not in second_origin):
                    push((succ, origin, node))
        for node in sources:
            reached = [
                o for o in (first_origin.get(node), second_origin.get(node)) if o is not None
            ]
            before = next((o for o in reached if o != node), None)
            if before is None or before not in a.reach:
                continue
            witness = [node]
            while witness[-1] != before or len(witness) == 1:
                last = witness[-1]
                parents = first_parent if first_origin[last] == before else second_parent
                witness.append(parents[last])
            witness.reverse()
            repeats.setdefault(node, []).append((item, witness))
    cold = {
        (u, v): d["choice"]
        for u, v, d in a.edges
        if d["kind"] == "transfer" and d["context"] != "warm"
    }
    for node in a.sorted(repeats):
        journey = a.journey_of(node)
        parts = []
        lost = []
        involved = [node]
        routes = []
        shown: tuple[str, ...] = ()
        for item, witness in repeats[node]:
            full = (*a.path(witness[0]), *witness[1:])
            if not shown:
                shown = full
            first = next(n for n in full if item in a.collects(n))
            parts.append(f"`{item}` (first asked at `{a.name(first, journey)}`)")
            involved.append(first)
            for u, v in itertools.pairwise(full[full.index(first) :]):
                if (u, v) in cold:
                    lost.append(f"`{a.name(u, journey)}` → `{a.name(v, journey)}`")
                    routes.append((u, v, "transfer", cold[(u, v)]))
        note = ""
        if lost:
            note = f"; a cold transfer on the way ({', '.join(dict.fromkeys(lost))}) lost it"
        yield Hit(
            node,
            f"`{a.name(node)}` asks again for {', '.join(parts)}{note}",
            nodes=tuple(dict.fromkeys(involved)),
            path=shown,
            routes=tuple(routes),
        )


REPEATED_INFO = Rule(
    id="JM304",
    name="repeated-info",
    severity=Severity.MEDIUM,
    summary="A customer is asked for the same information twice on some path.",
    what=(
        "Finds steps whose `collects` names an item that an earlier step on some path "
        "already asked for, says where it was first asked, and whether a cold transfer on "
        "the way lost it. One finding per step, listing every repeated item."
    ),
    why=(
        "Being asked again for an account number one just keyed in is the most quoted "
        "complaint about phone service. It tells customers that nobody listened."
    ),
    example=(
        "verify: {type: input, collects: [account_number], next: queue}\n"
        "agent:  {type: agent, collects: [account_number]}   # asks again"
    ),
    fix=(
        "Pass what was collected along with the customer (screen pop, warm transfer, "
        "shared tool) and remove the repeated question, or confirm instead of asking."
    ),
    check=_repeated_info,
)


def _queues_without(flag: str, lack: str) -> Callable[[Analysis], Iterator[Hit]]:
    """A check reporting every queue whose boolean ``flag`` is false."""

    def check(a: Analysis) -> Iterator[Hit]:
        for node in a.graph:
            if a.type(node) == "queue" and not getattr(a.step(node), flag):
                yield Hit(node, f"queue `{a.name(node)}` {lack}", nodes=(node,))

    return check


QUEUE_NO_WAIT_ESTIMATE = Rule(
    id="JM305",
    name="queue-no-wait-estimate",
    severity=Severity.LOW,
    summary="A queue that does not say how long the wait is.",
    what="Finds queues without `wait_estimate: true`.",
    why=(
        "An unknown wait feels longer than a known one, and customers cannot decide whether "
        "to hold, call back later or try another way."
    ),
    example="billing_queue: {type: queue, next: billing_agent}",
    fix="Announce the expected wait (`wait_estimate: true`) and update it while they hold.",
    check=_queues_without("wait_estimate", "does not tell customers how long they will wait"),
)


QUEUE_NO_CALLBACK = Rule(
    id="JM306",
    name="queue-no-callback",
    severity=Severity.LOW,
    summary="A queue that does not offer a call back.",
    what="Finds queues without `callback: true`.",
    why=(
        "Holding ties the customer to the phone. A call-back keeps their place without "
        "keeping them, and cuts abandoned calls."
    ),
    example="billing_queue: {type: queue, next: billing_agent}",
    fix="Offer a call-back that keeps the customer's place (`callback: true`).",
    check=_queues_without("callback", "does not offer to call the customer back"),
)


def _promo_before_service(a: Analysis) -> Iterator[Hit]:
    key = "before-agent"
    if key not in a.memo:
        a.memo[key] = algorithms.bfs_tree(
            a.adjacency, a.entries, expand=lambda n: a.type(n) != "agent"
        )
    before = a.memo[key]
    for node in a.graph:
        step = a.step(node)
        if "promo" not in step.tags or a.type(node) == "agent":
            continue
        if node in before and node in a.reaches_person:
            where = "while they wait" if a.type(node) == "queue" else "before they are served"
            yield Hit(
                node,
                f"`{a.name(node)}` plays a sales message to customers {where}",
                nodes=(node,),
            )


PROMO_BEFORE_SERVICE = Rule(
    id="JM307",
    name="promo-before-service",
    severity=Severity.LOW,
    summary="A sales message on the way to being served.",
    what=(
        "Finds steps tagged `promo` that customers pass before they reach an agent "
        "(including queues that play promotions while customers hold)."
    ),
    why=(
        "A customer with a problem hears an advert as the company's priorities: selling "
        "first, helping later. It also lengthens every call."
    ),
    example="hold_queue: {type: queue, tags: [promo], next: agent}",
    fix="Move offers to after the problem is solved, or drop them from service lines.",
    check=_promo_before_service,
)


def _spoken_seconds(text: str, words_per_minute: float) -> float:
    return len(text.split()) * 60.0 / words_per_minute


def _is_voice(a: Analysis, node: str) -> bool:
    return bool(a.data(node)["channel"] in VOICE_CHANNELS)


def _long_prompt(a: Analysis) -> Iterator[Hit]:
    reported: set[str] = set()
    for journey, entries in a.journey_entries.items():
        settings = a.settings(entries[0])
        for entry in entries:
            total = 0.0
            chain: list[str] = []
            node: str | None = entry
            while node is not None and node not in chain and a.type(node) == "message":
                chain.append(node)
                step = a.step(node)
                if _is_voice(a, node) and step.say and step.say != DYNAMIC_PROMPT:
                    total += (
                        step.seconds
                        if step.seconds is not None
                        else _spoken_seconds(step.say, settings.words_per_minute)
                    )
                node = next((t for t, d in a.out_routes(node) if d["kind"] == "next"), None)
            if node is None or a.type(node) not in ("menu", "input"):
                continue
            if total > settings.max_greeting_seconds:
                reported.update(chain)
                yield Hit(
                    entry,
                    f"customers listen to about {total:.0f} s of announcements "
                    f"({quote([a.name(n, journey) for n in chain])}) before their first choice "
                    f"(more than {_fmt(settings.max_greeting_seconds)} s)",
                    nodes=tuple(chain),
                )
    for node in a.graph:
        step = a.step(node)
        if node in reported or not step.say or step.say == DYNAMIC_PROMPT:
            continue
        if not _is_voice(a, node):
            continue
        settings = a.settings(node)
        seconds = _spoken_seconds(step.say, settings.words_per_minute)
        if seconds > settings.max_prompt_seconds:
            yield Hit(
                node,
                f"the prompt of `{a.name(node)}` takes about {seconds:.0f} s to say "
                f"({len(step.say.split())} words; more than "
                f"{_fmt(settings.max_prompt_seconds)} s)",
                nodes=(node,),
                at=("nodes", a.name(node), "say"),
            )


LONG_PROMPT = Rule(
    id="JM308",
    name="long-prompt",
    severity=Severity.LOW,
    summary="A spoken prompt, or the greeting before the first choice, that is too long.",
    what=(
        "On the phone, estimates each prompt's length at `words_per_minute` (default 150) "
        "and reports prompts longer than `max_prompt_seconds` (default 20 s), and "
        "announcements before the first menu or question that add up to more than "
        "`max_greeting_seconds` (default 8 s; a step's own `seconds` is used when given). "
        "Prompts filled in at run time, `(dynamic prompt)`, are never judged."
    ),
    why=(
        "Callers cannot skim speech. Long prompts bury the choice they need, and a long "
        "greeting before anything can be pressed makes every call longer."
    ),
    example=(
        "greeting:\n  type: message\n  say: Thank you for calling ... (60 words of "
        "legal notice and offers)\n  next: main_menu"
    ),
    fix="Cut the prompt to what the customer needs to act; move notices to the website.",
    check=_long_prompt,
)

_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9&]{1,5}\b")
_EXPLAINED_BEFORE = re.compile(
    r"\b(called|known as|named|also called|short for)\s+(an?\s+|the\s+)?$", re.IGNORECASE
)
_EXPLAINED_AFTER = re.compile(r"\s*(,\s*)?(stands for|means|is short for|\(|, or )", re.I)
_BRAND_BEFORE = re.compile(
    r"\b(calling|welcome to|contacting|thank you for choosing|this is)\s+(the\s+)?$",
    re.IGNORECASE,
)
_DESIGNER_BLOCK = re.compile(r"\b(?:[A-Z][a-z]+ )*[A-Z][a-z]+ block\b")
"""A flow designer's block name read out ("Something went wrong with the Wait block")."""
_PATTERNS: dict[tuple[str, ...], list[tuple[str, re.Pattern[str]]]] = {}


def _jargon_patterns(settings: Settings) -> list[tuple[str, re.Pattern[str]]]:
    """A compiled pattern for each jargon term in force (cached per term list)."""
    terms = tuple(t for t in (*DEFAULT_JARGON, *settings.jargon) if t not in settings.known_terms)
    if terms not in _PATTERNS:
        _PATTERNS[terms] = [
            (
                term,
                re.compile(
                    rf"(?<![\w-]){re.escape(term)}(?![\w-])",
                    0 if term.isupper() else re.IGNORECASE,
                ),
            )
            for term in terms
        ]
    return _PATTERNS[terms]


def _jargon(a: Analysis) -> Iterator[Hit]:
    journeys = a.graph.graph["journeys"]
    known_cache: dict[str, set[str]] = {}
    said_cache: dict[tuple[str, str], list[str]] = {}
    found: list[str]
    for node in a.graph:
        step = a.step(node)
        say = step.say
        if not say or say == DYNAMIC_PROMPT:
            continue
        settings = a.settings(node)
        journey = a.journey_of(node)
        if journey not in known_cache:
            j = journeys[journey].journey
            names = " ".join(filter(None, (j.title, j.description, j.journey)))
            names += " " + " ".join(t.name or "" for t in j.teams.values())
            known_cache[journey] = {w for w in re.findall(r"[A-Za-z0-9&]+", names)}
        cache_key = (journey, say)
        if cache_key in said_cache:  # the same prompt again (generated or copied steps)
            found = said_cache[cache_key]
            if found:
                yield Hit(
                    node,
                    f"the prompt of `{a.name(node)}` uses {quote(found)}, which customers "
                    "may not understand",
                    nodes=(node,),
                    at=("nodes", a.name(node), "say"),
                )
            continue
        known = known_cache[journey] | set(COMMON_ACRONYMS) | set(settings.known_terms)
        found = []
        said_cache[cache_key] = found
        for term, pattern in _jargon_patterns(settings):
            if pattern.search(say):
                found.append(term)
        for match in _ACRONYM.finditer(say):
            word = match.group(0)
            if word in known or word in found or sum(c.isalpha() for c in word) < 2:
                continue
            if say[match.end() : match.end() + 2] == " (" or say[: match.start()].endswith("("):
                continue  # explained where it is used: "ACH (automatic clearing house)"
            if _EXPLAINED_BEFORE.search(say[: match.start()]) or _EXPLAINED_AFTER.match(
                say[match.end() :]
            ):
                continue  # "a debit-like card, called EBT", "EBT stands for ..."
            if _BRAND_BEFORE.search(say[: match.start()]):
                continue  # a name: "Thank you for calling UCC"
            found.append(word)
        for match in _DESIGNER_BLOCK.finditer(say):
            if match.group(0) not in found:
                found.append(match.group(0))
        if found:
            yield Hit(
                node,
                f"the prompt of `{a.name(node)}` uses {quote(found)}, which customers may "
                "not understand",
                nodes=(node,),
                at=("nodes", a.name(node), "say"),
            )


JARGON = Rule(
    id="JM309",
    name="jargon",
    severity=Severity.LOW,
    summary="A prompt that uses internal jargon or an unexplained acronym.",
    what=(
        "Looks in every prompt for a built-in list of contact-centre jargon (`journeymap "
        "explain jargon` does not list it all; see the README), for terms added with the "
        "`jargon` setting, and for acronyms in capitals that are not common (PIN, ATM, ...), "
        "not in the journey's title or team names, not in `known_terms`, not explained in "
        "the prompt (in brackets right after, 'called EBT', 'EBT stands for ...') and not "
        "a name being announced ('thank you for calling ACME'). Flow-designer block names "
        "read out to the customer ('the Invoke Lambda block') count as jargon too."
    ),
    why=(
        "Customers do not know what the company calls things inside. A prompt they do "
        "not understand leads to a wrong choice, and a wrong choice to a transfer."
    ),
    example="say: For KYC refresh or AML queries press 3.",
    fix="Say it in the customer's words ('to confirm your identity, press 3').",
    check=_jargon,
)
