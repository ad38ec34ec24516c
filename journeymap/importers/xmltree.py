"""A small, safe XML tree with the line and column of every element.

For the readers of XML telephony formats (VoiceXML, FreeSWITCH). Built on expat
directly: entity declarations and external entities are refused (no entity
expansion bombs, no files or URLs fetched), depth and element count are bounded,
and each element keeps where its start tag stands.

>>> root = parse('<vxml version="2.1">\\n  <form id="main"/>\\n</vxml>', "app.vxml")
>>> root.tag, root.children[0].attrib["id"], root.children[0].line
('vxml', 'main', 2)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

from .base import ReadError

MAX_DEPTH = 200
MAX_ELEMENTS = 500_000


@dataclass
class Element:
    """An XML element: tag (namespace prefix dropped), attributes, children, text."""

    tag: str
    attrib: dict[str, str]
    line: int
    column: int
    children: list[Element] = field(default_factory=list)
    text: str = ""
    """The text directly inside the element, before its first child."""
    tail: str = ""
    """The text after the element's end tag, before the next sibling."""

    def iter(self, tag: str | None = None) -> Iterator[Element]:
        """This element and every element below it (document order), optionally one tag."""
        stack = [self]
        while stack:
            element = stack.pop()
            if tag is None or element.tag == tag:
                yield element
            stack.extend(reversed(element.children))

    def find(self, tag: str) -> Element | None:
        """The first child with this tag."""
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list[Element]:
        """The children with this tag."""
        return [c for c in self.children if c.tag == tag]

    def all_text(self) -> str:
        """Every piece of text inside the element, in order, spaces collapsed."""
        parts: list[str] = []
        stack: list[tuple[Element, bool]] = [(self, False)]
        while stack:
            element, tail = stack.pop()
            if tail:
                parts.append(element.tail)
                continue
            parts.append(element.text)
            for child in reversed(element.children):
                if child is not self:
                    stack.append((child, True))
                    stack.append((child, False))
        return " ".join(" ".join(parts).split())


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1].rsplit(":", 1)[-1]


def parse(text: str, file: str) -> Element:
    """The root element of ``text``; raises :class:`ReadError` with the line and column
    when the XML is broken, declares entities, or is too deep or too large."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[Element] = []
    roots: list[Element] = []
    count = 0

    def fail(message: str) -> None:
        raise ReadError(file, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1, message)

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal count
        count += 1
        if count > MAX_ELEMENTS:
            fail(f"the document has more than {MAX_ELEMENTS:,} elements")
        if len(stack) >= MAX_DEPTH:
            fail(f"elements are nested more than {MAX_DEPTH} deep")
        element = Element(
            _local(name),
            {_local(k): v for k, v in attrs.items()},
            parser.CurrentLineNumber,
            parser.CurrentColumnNumber + 1,
        )
        (stack[-1].children if stack else roots).append(element)
        stack.append(element)

    def end(name: str) -> None:
        stack.pop()

    def data(chunk: str) -> None:
        if not stack:
            return
        top = stack[-1]
        if top.children:
            top.children[-1].tail += chunk
        else:
            top.text += chunk

    def entity(*args: object) -> None:
        fail("the document declares entities; journeymap does not expand them")

    def external(*args: object) -> int:
        fail("the document refers to an external entity; journeymap does not fetch it")
        return 0

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.ExternalEntityRefHandler = external
    try:
        parser.Parse(text, True)
    except expat.ExpatError as exc:
        message = expat.ErrorString(exc.code) if exc.code else str(exc)
        raise ReadError(file, exc.lineno, exc.offset + 1, f"the XML is broken: {message}") from None
    if not roots:
        raise ReadError(file, 1, 1, "the document has no root element")
    return roots[0]
