"""How a diagram goes on paper: scaled to fit a page, or split into page-sized parts.

A diagram that still reads when shrunk to a page (to :data:`MIN_SCALE` of its size or
more: 11 pt step names print at 6.6 pt or larger) is printed whole. A bigger one is split into
a grid of parts, each filling one page at the same scale, with a strip of
:data:`OVERLAP` shared by neighbours so nothing is lost at a cut. Layout only: sizes in
points, from the SVG's own ``width``/``height`` and ``viewBox``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from html import unescape

PAGE_WIDTH = 510.0
"""Points of width a diagram may take: A4 or US Letter, portrait, inside the margins."""
PAGE_HEIGHT = 560.0
"""Points of height a diagram may take on a page, under its caption."""
MIN_SCALE = 0.6
"""The smallest a diagram is printed before it is split instead."""
OVERLAP = 28.0
"""Points (at full size) that neighbouring parts share."""
MAX_PARTS = 12
"""At most this many pages per diagram: a bigger one is shrunk below MIN_SCALE."""


@dataclass(frozen=True)
class Part:
    """One page of a diagram: a rectangle of its ``viewBox``, with its place in the grid."""

    x: float
    y: float
    width: float
    height: float
    row: int
    column: int


@dataclass(frozen=True)
class Sheet:
    """A diagram laid out for print: the scale (printed points per point) and its parts."""

    scale: float
    rows: int
    columns: int
    parts: tuple[Part, ...]


_NUMBER = r"([0-9]*\.?[0-9]+)"
_VIEWBOX = re.compile(rf'viewBox="\s*{_NUMBER}\s+{_NUMBER}\s+{_NUMBER}\s+{_NUMBER}\s*"')
_WIDTH = re.compile(rf'<svg[^>]*?\swidth="{_NUMBER}pt"')
_TRANSLATE = re.compile(
    r'class="graph"[^>]*?transform="[^"]*translate\(\s*(-?[0-9.]+)[ ,]+(-?[0-9.]+)\s*\)'
)
_GROUP = re.compile(r'<g id="[^"]*" class="(node|edge|cluster)">')
_COORDS = re.compile(r'(?:points|\sd)="([^"]+)"')
_SIGNED = re.compile(r"-?[0-9]*\.?[0-9]+")
_ELLIPSE = re.compile(
    r'<ellipse[^>]*?\scx="(-?[0-9.]+)"\s+cy="(-?[0-9.]+)"\s+rx="([0-9.]+)"\s+ry="([0-9.]+)"'
)
_TEXT = re.compile(
    r'<text text-anchor="(start|middle|end)" x="(-?[0-9.]+)" y="(-?[0-9.]+)"'
    r'[^>]*?font-size="([0-9.]+)"[^>]*>([^<]*)</text>'
)
CHAR_WIDTH = 0.55
"""Width of a character in ems, to estimate how far a text reaches (Helvetica-like)."""

Box = tuple[float, float, float, float]
"""x0, y0, x1, y1."""


@dataclass(frozen=True)
class Drawing:
    """What of an SVG diagram goes on paper: the box of the drawing itself (steps, routes,
    lanes; not the title and legend on top, which the report prints as text), in
    ``viewBox`` units, with the points per unit and the box of each step and route label:
    parts are cut between them where they can be, and a part holding none of them is left
    out."""

    x: float
    y: float
    width: float
    height: float
    per_unit: float
    marks: tuple[Box, ...]


def svg_box(svg: str) -> tuple[float, float, float, float, float] | None:
    """The ``viewBox`` (x, y, width, height) of an SVG and its points per unit.

    >>> svg_box('<svg width="200pt" height="100pt" viewBox="0.00 0.00 400.00 200.00">')
    (0.0, 0.0, 400.0, 200.0, 0.5)
    """
    box = _VIEWBOX.search(svg)
    if box is None:
        return None
    x, y, w, h = (float(v) for v in box.groups())
    if w <= 0 or h <= 0:
        return None
    width = _WIDTH.search(svg)
    per_unit = float(width.group(1)) / w if width else 1.0
    return x, y, w, h, per_unit


def _boxes(chunk: str, dx: float, dy: float) -> list[Box]:
    """The boxes of the shapes and texts of a piece of Graphviz SVG, in viewBox units."""
    found: list[Box] = []
    for match in _COORDS.finditer(chunk):
        numbers = [float(n) for n in _SIGNED.findall(match.group(1))]
        xs, ys = numbers[0::2], numbers[1::2]
        if xs and ys:
            found.append((min(xs) + dx, min(ys) + dy, max(xs) + dx, max(ys) + dy))
    for cx, cy, rx, ry in (map(float, m.groups()) for m in _ELLIPSE.finditer(chunk)):
        found.append((cx - rx + dx, cy - ry + dy, cx + rx + dx, cy + ry + dy))
    found.extend(_texts(chunk, dx, dy))
    return found


def _texts(chunk: str, dx: float, dy: float) -> list[Box]:
    found = []
    for anchor, x, y, size, words in _TEXT.findall(chunk):
        left, base, em = float(x) + dx, float(y) + dy, float(size)
        reach = len(unescape(words)) * em * CHAR_WIDTH
        left -= {"start": 0.0, "middle": reach / 2, "end": reach}[anchor]
        found.append((left, base - em, left + reach, base + em * 0.25))
    return found


def _union(boxes: list[Box]) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def measure(svg: str, margin: float = 8.0) -> Drawing | None:
    """The part of a Graphviz SVG worth printing (see :class:`Drawing`); the whole
    ``viewBox`` when the SVG is not laid out as Graphviz lays it out.

    >>> svg = ('<svg width="300pt" height="200pt" viewBox="0.00 0.00 300.00 200.00">'
    ...        '<g id="d" class="graph" transform="scale(1 1) rotate(0) translate(4 196)">'
    ...        '<text text-anchor="start" x="8" y="-180" font-size="16">Title</text>'
    ...        '<g id="n" class="node"><ellipse cx="100" cy="-50" rx="30" ry="20"/></g>')
    >>> drawing = measure(svg)
    >>> drawing.x, drawing.y, drawing.width, drawing.height, drawing.marks
    (66.0, 118.0, 76.0, 56.0, ((74.0, 126.0, 134.0, 166.0),))
    """
    box = svg_box(svg)
    if box is None:
        return None
    x0, y0, width, height, per_unit = box
    shift = _TRANSLATE.search(svg)
    groups = list(_GROUP.finditer(svg))
    if shift is None or not groups:
        return Drawing(x0, y0, width, height, per_unit, ())
    dx, dy = float(shift.group(1)), float(shift.group(2))
    every: list[Box] = []
    marks: list[Box] = []
    for i, group in enumerate(groups):
        end = groups[i + 1].start() if i + 1 < len(groups) else len(svg)
        chunk = svg[group.end() : end]
        boxes = _boxes(chunk, dx, dy)
        every.extend(boxes)
        kind = group.group(1)
        if kind == "node" and boxes:
            marks.append(_union(boxes))
        elif kind == "edge":
            marks.extend(_texts(chunk, dx, dy))
    if not every:
        return Drawing(x0, y0, width, height, per_unit, ())
    left, top, right, bottom = _union(every)
    left, top = max(x0, left - margin), max(y0, top - margin)
    legend = _boxes(svg[shift.end() : groups[0].start()], dx, dy)  # the title and legend
    above = [b for b in legend if b[2] - b[0] < 0.9 * width]  # not the page's background
    if above and max(b[3] for b in above) < top + margin:
        top = max(top, max(b[3] for b in above) + 1)  # none of the legend peeks in
    right, bottom = min(x0 + width, right + margin), min(y0 + height, bottom + margin)
    return Drawing(left, top, right - left, bottom - top, per_unit, tuple(marks))


def _cuts(length: float, count: int) -> list[tuple[float, float]]:
    """``count`` equal pieces (start, size) covering ``length``, neighbours sharing
    :data:`OVERLAP`."""
    if count == 1:
        return [(0.0, length)]
    size = (length + (count - 1) * OVERLAP) / count
    return [(i * (size - OVERLAP), size) for i in range(count)]


def _count(length: float, page: float, scale: float) -> int:
    """Parts of ``page`` printed points needed to cover ``length`` points at ``scale``."""
    if length * scale <= page + 0.5:
        return 1
    return math.ceil((length - OVERLAP) / (page / scale - OVERLAP))


def layout(
    width: float,
    height: float,
    page_width: float = PAGE_WIDTH,
    page_height: float = PAGE_HEIGHT,
) -> Sheet:
    """How a diagram of ``width`` x ``height`` points goes on pages.

    >>> small = layout(400, 300)
    >>> small.scale, small.rows, small.columns
    (1.0, 1, 1)
    >>> tall = layout(500, 1800)   # fits the width, not the height: split in rows
    >>> round(tall.scale, 2), tall.rows, tall.columns
    (1.0, 4, 1)
    >>> big = layout(2318, 2660)   # a large phone tree: a grid of parts
    >>> big.scale >= MIN_SCALE, big.rows * big.columns <= MAX_PARTS
    (True, True)
    """
    fit = min(1.0, page_width / width, page_height / height)
    if fit >= MIN_SCALE:
        return Sheet(fit, 1, 1, (Part(0.0, 0.0, width, height, 1, 1),))
    scale = min(1.0, page_width / width) if page_width / width >= MIN_SCALE else MIN_SCALE
    while True:
        columns = _count(width, page_width, scale)
        rows = _count(height, page_height, scale)
        if rows * columns <= MAX_PARTS or scale < 0.05:
            break
        scale *= 0.9
    # the parts fill their pages: as large as the chosen grid allows
    across = (width + (columns - 1) * OVERLAP) / columns
    scale = min(1.0, page_width / across) if columns > 1 else scale
    down = (height + (rows - 1) * OVERLAP) / rows
    scale = min(scale, page_height / down) if rows > 1 else min(scale, page_height / height)
    parts = tuple(
        Part(x, y, w, h, row + 1, column + 1)
        for row, (y, h) in enumerate(_cuts(height, rows))
        for column, (x, w) in enumerate(_cuts(width, columns))
    )
    return Sheet(scale, rows, columns, parts)


def _starts(low: float, high: float, size: float, spans: list[tuple[float, float]]) -> list[float]:
    """Where the parts along one direction start, each ``size`` long, to cover
    ``low``-``high``: a step that a part's edge would cut starts the next part, so it is
    printed whole once; elsewhere neighbours share :data:`OVERLAP`.

    >>> _starts(0.0, 250.0, 100.0, [(80.0, 130.0)])   # a box across 100 starts part two
    [0.0, 80.0, 152.0]
    """
    starts = [low]
    while starts[-1] + size < high - 0.5:
        edge = starts[-1] + size
        cut = [a for a, b in spans if a < edge < b and b - a <= size - OVERLAP and a > starts[-1]]
        starts.append(min(cut) if cut else edge - OVERLAP)
    return starts


def pages(drawing: Drawing) -> tuple[Sheet, tuple[Part, ...]]:
    """The layout of ``drawing`` and the parts worth a page, in ``viewBox`` units: cut
    between steps where they can be, and only the parts that hold a step or a route's
    label (a corner of an L-shaped drawing holding only the end of a line is left out)."""
    k = drawing.per_unit
    sheet = layout(drawing.width * k, drawing.height * k)
    if len(sheet.parts) == 1:
        only = sheet.parts[0]
        return sheet, (Part(drawing.x, drawing.y, only.width / k, only.height / k, 1, 1),)
    right, bottom = drawing.x + drawing.width, drawing.y + drawing.height
    scale = sheet.scale
    while True:  # a little smaller, down to MIN_SCALE, if cutting between steps needs it
        across, down = PAGE_WIDTH / scale / k, PAGE_HEIGHT / scale / k  # units a part holds
        xs = _starts(drawing.x, right, across, [(b[0], b[2]) for b in drawing.marks])
        ys = _starts(drawing.y, bottom, down, [(b[1], b[3]) for b in drawing.marks])
        if (len(xs) <= sheet.columns and len(ys) <= sheet.rows) or scale * 0.97 < MIN_SCALE:
            break
        scale *= 0.97
    grid = [
        Part(x, y, min(across, right - x), min(down, bottom - y), row, column)
        for row, y in enumerate(ys, 1)
        for column, x in enumerate(xs, 1)
    ]
    return Sheet(scale, len(ys), len(xs), tuple(grid)), _needed(grid, drawing.marks)


def _needed(grid: list[Part], marks: tuple[Box, ...]) -> tuple[Part, ...]:
    """The parts that show some step or label whole that no part before them shows whole
    (and, for one too big for any part, the parts holding its centre)."""
    if not marks:
        return tuple(grid)

    def holds(part: Part, box: Box) -> bool:
        return (
            part.x <= box[0]
            and box[2] <= part.x + part.width
            and part.y <= box[1]
            and box[3] <= part.y + part.height
        )

    shown: set[int] = set()
    kept = []
    for part in grid:
        whole = {i for i, box in enumerate(marks) if holds(part, box)}
        if whole - shown:
            kept.append(part)
            shown |= whole
    for i, box in enumerate(marks):
        if i not in shown:
            cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            kept.extend(
                part
                for part in grid
                if part not in kept
                and part.x <= cx <= part.x + part.width
                and part.y <= cy <= part.y + part.height
            )
    return tuple(sorted(kept, key=lambda p: (p.row, p.column)))
