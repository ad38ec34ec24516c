"""Steps named for people who never read the journey file: by what they say.

A step id such as ``main_menu`` reads as "main menu"; its prompt is quoted up to the end
of its first sentence: "main menu (“For internet problems press 1…”)". Ids that do not
read as words (the UUIDs of some flow exports) stay as they are. Wording only: the words
come from :attr:`~journeymap.findings.JourneyAudit.step_words`.
"""

from __future__ import annotations

import re

QUOTE_CHARS = 70
"""The longest quotation of a prompt (then it is cut at a word, with "…")."""

_WORDY = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[ _.-]+[A-Za-z0-9]+)*")
_CODE_LIKE = re.compile(r"[0-9a-fA-F]{6,}|\d{4,}")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SENTENCE = re.compile(r"(?<=[.!?])\s")


def readable(step: str) -> str | None:
    """The step id as words, or ``None`` when it does not read as words.

    >>> readable("main_menu"), readable("checkCables"), readable("JOURNEY:step")
    ('main menu', 'check cables', None)
    >>> readable("4f9c2a1e-77d0-4a4e-9d3c-5e2b1f0a9c11") is None
    True
    """
    if not _WORDY.fullmatch(step) or _CODE_LIKE.search(step):
        return None
    words = _CAMEL.sub(" ", step).replace("_", " ").replace("-", " ").replace(".", " ")
    return " ".join(w.lower() if not w.isupper() or len(w) == 1 else w for w in words.split())


def quotation(words: str, limit: int = QUOTE_CHARS) -> str | None:
    """The start of a prompt, to quote: its first sentence, then "…" when more follows.

    >>> quotation("For internet problems press 1. For billing press 2.")
    'For internet problems press 1…'
    >>> quotation("Welcome to Swiftlink support.")
    'Welcome to Swiftlink support.'
    >>> quotation("(dynamic prompt)") is None
    True
    """
    text = " ".join(words.split())
    if not text or text.lower().strip("()") == "dynamic prompt":
        return None
    first = _SENTENCE.split(text, maxsplit=1)[0]
    more = len(first) < len(text)
    if len(first) > limit:
        first = first[:limit].rsplit(" ", 1)[0].rstrip(",;:")
        more = True
    if more:
        first = first.rstrip(".!?,;:") + "…"
    return first


def step_name(step: str) -> str:
    """The step's id as words, else the id itself."""
    return readable(step) or step
