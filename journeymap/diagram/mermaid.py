"""The same picture as Mermaid flowchart text, for code hosts and wikis that draw it inline.

Reads the :class:`~.description.Diagram` the DOT renderer reads: steps in their teams'
subgraphs, a shape per step type, ends coloured by outcome, error and retry routes
dotted, and each finding on its step (a border in the severity's colour, and a
``⚠ JM101`` line naming the rule). Mermaid cannot show tooltips on a code host, so the
findings are written in the picture.

Every piece of journey text is quoted and entity-escaped (``#quot;``, ``#lt;``,
``#35;``): a prompt cannot end a label, start a new statement, or inject markup.
Node ids are generated (``s0``, ``s1`` ...), never taken from the journey.

>>> from journeymap.diagram.description import Diagram, Edge, Node
>>> d = Diagram("x", "Demo", "", "full", (
...     Node("a", "step-a", "menu", "menu", lines=('Say "hi" <b>',)),
...     Node("b", "step-b", "bye", "end", outcome="resolved")),
...     (Edge("a", "b", "e1", "option", label="1"),))
>>> print(to_mermaid(d), end="")
flowchart TD
  s0{{"<b>menu</b><br/>Say #quot;hi#quot; #lt;b#gt;"}}
  s1(["<b>bye</b>"])
  s0 -- "1" --> s1
  class s1 resolved
  classDef resolved fill:#ceead6,stroke:#188038
"""

from __future__ import annotations

from ..findings import Severity
from ..visible import visible
from .description import Diagram, Node
from .dot import OUTCOME_FILLS, SEVERITY_COLORS

SHAPES = {
    "menu": ('{{"', '"}}'),
    "input": ('[/"', '"/]'),
    "queue": ('[("', '")]'),
    "agent": ('(["', '"])'),
    "end": ('(["', '"])'),
    "condition": ('{"', '"}'),
    "redirect": ('>"', '"]'),
    "external": ('[["', '"]]'),
    "self_service": ('[["', '"]]'),
    "team": ('("', '")'),
}
LINE_CHARS = 40
MAX_LINES = 3
OUTCOME_STROKES = {
    "resolved": "#188038",
    "disconnected": "#d93025",
    "unresolved": "#e37400",
    "abandoned": "#5f6368",
}


def _text(text: str) -> str:
    """Journey text inside a quoted Mermaid label: entity-escaped so it stays text."""
    shown = visible(text)
    if len(shown) > 120:
        shown = shown[:119] + "…"
    for char, entity in (
        ("#", "#35;"),
        ('"', "#quot;"),
        ("<", "#lt;"),
        (">", "#gt;"),
        ("`", "#96;"),
        ("|", "#124;"),
        ("\\", "#92;"),
    ):
        shown = shown.replace(char, entity)
    return shown


def _label(node: Node) -> str:
    parts = [f"<b>{_text(node.title)}</b>"]
    parts += [_text(line) for line in node.lines[:MAX_LINES]]
    if node.hurdles is not None:
        parts.append(f"Σ {node.hurdles:g}")
    parts += [f"⚠ {_text(b.rule)} {_text(b.name)}" for b in node.badges]
    return "<br/>".join(parts)


def _class(node: Node) -> str | None:
    if node.severity is not None:
        return node.severity.value
    if node.kind == "end" and node.outcome in OUTCOME_FILLS:
        return node.outcome
    if node.context:
        return "context"
    return None


def to_mermaid(diagram: Diagram) -> str:
    """The Mermaid flowchart text of ``diagram``."""
    ids = {node.key: f"s{i}" for i, node in enumerate(diagram.nodes)}
    lines = ["flowchart TD" if diagram.view != "teams" else "flowchart LR"]
    placed: set[str] = set()

    def node_line(node: Node, indent: str) -> str:
        left, right = SHAPES.get(node.kind, ('["', '"]'))
        return f"{indent}{ids[node.key]}{left}{_label(node)}{right}"

    by_key = {node.key: node for node in diagram.nodes}
    for n, cluster in enumerate(diagram.clusters):
        members = [by_key[m] for m in cluster.members if m in by_key and m not in placed]
        if not members:
            continue
        lines.append(f'  subgraph t{n}["{_text(cluster.label)}"]')
        lines += [node_line(m, "    ") for m in members]
        lines.append("  end")
        placed.update(m.key for m in members)
    lines += [node_line(node, "  ") for node in diagram.nodes if node.key not in placed]
    for edge in diagram.edges:
        if edge.source not in ids or edge.target not in ids:
            continue
        arrow = "-.->" if edge.secondary or edge.change == "removed" else "-->"
        if edge.severity is not None or edge.kind in ("transfer", "handoff"):
            arrow = "==>" if not edge.secondary else arrow
        source, target = ids[edge.source], ids[edge.target]
        if edge.label:
            opening = arrow[:2] if arrow != "-.->" else "-."
            closing = arrow if arrow != "-.->" else ".->"
            lines.append(f'  {source} {opening} "{_text(edge.label)}" {closing} {target}')
        else:
            lines.append(f"  {source} {arrow} {target}")
    entries = [ids[n.key] for n in diagram.nodes if n.entry]
    classes: dict[str, list[str]] = {}
    for node in diagram.nodes:
        name = _class(node)
        if name is not None:
            classes.setdefault(name, []).append(ids[node.key])
    for name, names in classes.items():
        lines.append(f"  class {','.join(names)} {name}")
    if entries:
        lines.append(f"  class {','.join(entries)} entry")
    for severity in Severity:
        if severity.value in classes:
            color = SEVERITY_COLORS[severity]
            lines.append(f"  classDef {severity.value} stroke:{color},stroke-width:3px")
    for outcome, fill in OUTCOME_FILLS.items():
        if outcome in classes:
            lines.append(f"  classDef {outcome} fill:{fill},stroke:{OUTCOME_STROKES[outcome]}")
    if "context" in classes:
        lines.append("  classDef context fill:#f8f9fa,color:#9aa0a6,stroke:#dadce0")
    if entries:
        lines.append("  classDef entry stroke-width:3px")
    return "\n".join(lines) + "\n"
