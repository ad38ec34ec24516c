"""Text from journeys made safe to print: control and bidirectional characters shown.

Anyone who edits a journey (or a vendor export) chooses its text: a prompt, a step id,
a file name. Printed raw to a terminal or a CI log, an ESC sequence can clear the
screen or forge coloured lines, a carriage return can hide a line, and a right-to-left
override can make text read backwards. :func:`visible` escapes all of them, whether or
not the output is a terminal, so what a report shows is what the file holds.

>>> visible("ok\\x1b[2Jhidden\\rline\\u202e")
'ok\\\\x1b[2Jhidden\\\\rline\\\\u202e'
>>> visible("Café – naïve ✓")
'Café – naïve ✓'
"""

from __future__ import annotations

import re

_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff"
    "\ufff9-\ufffb\ufffe\uffff\ud800-\udfff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, keep_lines: bool = False) -> str:
    """``text`` with every control, bidirectional-override and invisible formatting
    character written as an escape (``\\x1b``, ``\\u202e``, ``\\n``); with
    ``keep_lines``, line breaks stay (for multi-line tooltips)."""
    if keep_lines:
        return "\n".join(_UNSAFE.sub(_escape, line) for line in text.split("\n"))
    return _UNSAFE.sub(_escape, text)
