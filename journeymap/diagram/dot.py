"""Turn a :class:`~.description.Diagram` into Graphviz DOT source.

Every piece of journey text is escaped for where it goes: HTML-like labels
get ``&``, ``<``, ``>`` and quotes as entities; plain attributes (tooltips,
edge labels) go through :func:`graphviz.escape`, so backslashes and ``<...>``
lose their special meaning. Output order follows the description, so the same
journey always gives the same DOT source, byte for byte.
"""

from __future__ import annotations

import html

import graphviz

from ..findings import Severity
from ..visible import visible
from .build import element_id
from .description import Badge, Diagram, Edge, Node

FONT = "Helvetica"
CHANGE_COLOR = "#1a73e8"
"""What a change touched, in a diff diagram (blue: not a severity colour)."""

SHAPES = {
    "message": "note",
    "menu": "hexagon",
    "input": "parallelogram",
    "queue": "cylinder",
    "agent": "ellipse",
    "self_service": "component",
    "condition": "diamond",
    "redirect": "cds",
    "external": "box3d",
    "end": "box",
    "other-journey": "box3d",
    "team": "box",
    "connector": "plaintext",
}

FILLS = {
    "message": "#ffffff",
    "menu": "#e8f0fe",
    "input": "#eef7ff",
    "queue": "#fff8e1",
    "agent": "#e6f4ea",
    "self_service": "#f3e8fd",
    "condition": "#f1f3f4",
    "redirect": "#fce8e6",
    "external": "#f1f3f4",
    "other-journey": "#f1f3f4",
    "team": "#ffffff",
}

OUTCOME_FILLS = {
    "resolved": "#ceead6",
    "unresolved": "#fde3c8",
    "abandoned": "#e0e0e0",
    "disconnected": "#f6c6c2",
}

SEVERITY_COLORS = {
    Severity.CRITICAL: "#202124",  # near black: clearly not the red of high, in print too
    Severity.HIGH: "#d93025",
    Severity.MEDIUM: "#e37400",
    Severity.LOW: "#1a73e8",
    Severity.INFO: "#5f6368",
}
SEVERITY_WIDTH = {
    Severity.CRITICAL: "4",
    Severity.HIGH: "3",
    Severity.MEDIUM: "2.5",
    Severity.LOW: "2",
    Severity.INFO: "1.5",
}


def _h(text: str) -> str:
    """Text escaped for an HTML-like label (control characters shown as escapes: they
    are not allowed in the SVG that Graphviz writes)."""
    return html.escape(visible(text), quote=True)


def _esc(text: str) -> str:
    """Text for a plain attribute (tooltip, edge label): escaped for DOT, control
    characters shown as escapes, line breaks kept."""
    escaped: str = graphviz.escape(visible(text, keep_lines=True))  # keeps its "escaped" mark
    return escaped


def _callout(badge: Badge) -> str:
    """A badge's text: its number on the diagram (the legend lists it) and the rule."""
    return f"{badge.number} · {badge.rule}" if badge.number else badge.rule


MESSAGE_CHARS = 110
"""The legend's list of findings cuts messages at this length."""


def _callouts(diagram: Diagram) -> str:
    """The numbered list of the findings on the diagram: what each callout means, so a
    printed diagram explains itself without hovering."""
    rows = []
    for badge in diagram.callouts:
        message = (
            badge.message
            if len(badge.message) <= MESSAGE_CHARS
            else (badge.message[: MESSAGE_CHARS - 1] + "…")
        )
        rows.append(
            f'<TR><TD BGCOLOR="{SEVERITY_COLORS[badge.severity]}" ALIGN="RIGHT">'
            f'<FONT COLOR="#ffffff" POINT-SIZE="10"><B>{badge.number}</B></FONT></TD>'
            f'<TD ALIGN="LEFT" COLSPAN="4"><FONT POINT-SIZE="10"><B>{_h(badge.rule)} '
            f"{_h(badge.name)}</B> ({_h(badge.severity.value)}): {_h(message)}</FONT></TD></TR>"
        )
    return "".join(rows)


def _node_label(node: Node) -> str:
    rows = [f"<TR><TD><B>{_h(node.title)}</B></TD></TR>"]
    for line in node.lines:
        rows.append(f'<TR><TD><FONT POINT-SIZE="9">{_h(line)}</FONT></TD></TR>')
    if node.hurdles is not None:
        rows.append(
            f'<TR><TD><FONT POINT-SIZE="9" COLOR="#5f6368">Σ {node.hurdles:g}</FONT></TD></TR>'
        )
    if node.badges:
        cells = "".join(
            f'<TD ID="{_h(b.element_id)}" HREF="#{_h(b.element_id)}" '
            f'TOOLTIP="{_h(b.rule + " " + b.name + ": " + b.message)}" '
            f'BGCOLOR="{SEVERITY_COLORS[b.severity]}">'
            f'<FONT COLOR="#ffffff" POINT-SIZE="10"><B>{_h(_callout(b))}</B></FONT></TD>'
            for b in node.badges
        )
        rows.append(
            '<TR><TD><TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">'
            f"<TR>{cells}</TR></TABLE></TD></TR>"
        )
    table = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
    return f"<{table}{''.join(rows)}</TABLE>>"


def _node_attrs(node: Node) -> dict[str, str]:
    fill = OUTCOME_FILLS.get(node.outcome or "", FILLS.get(node.kind, "#ffffff"))
    attrs = {
        "id": node.element_id,
        "shape": SHAPES.get(node.kind, "box"),
        "style": "filled,rounded" if node.kind in ("end", "team") else "filled",
        "fillcolor": fill,
        "color": "#5f6368",
        "penwidth": "1",
        "tooltip": _esc(node.tooltip),
    }
    if node.kind == "other-journey":
        attrs["style"] = "filled,dashed"
    if node.kind == "connector":
        attrs.update(style="", fontcolor="#80868b", fontsize="9")
    if node.entry:
        attrs["peripheries"] = "2"
    if node.severity is not None:
        attrs["color"] = SEVERITY_COLORS[node.severity]
        attrs["penwidth"] = SEVERITY_WIDTH[node.severity]
    if node.context:
        attrs["fillcolor"] = "#f8f9fa"
        attrs["fontcolor"] = "#9aa0a6"
        attrs["color"] = "#dadce0"
    if node.change == "removed":
        attrs.update(style="dashed", fontcolor="#9aa0a6", color="#9aa0a6", fillcolor="#ffffff")
    elif node.change is not None and node.severity is None:
        attrs.update(color=CHANGE_COLOR, penwidth="3")
    elif node.change is not None:  # a new finding on a changed step: both show
        attrs["peripheries"] = "2"
    return attrs


def _edge_attrs(edge: Edge, to_connector: bool) -> dict[str, str]:
    attrs = {"id": edge.element_id, "color": "#5f6368", "fontcolor": "#3c4043"}
    if edge.label:
        attrs["label"] = _esc(edge.label)
    if edge.secondary:
        attrs.update(style="dashed", color="#9aa0a6", fontcolor="#80868b")
        if not to_connector:
            attrs["constraint"] = "false"
    if edge.kind in ("transfer", "handoff"):
        attrs["penwidth"] = str(min(1.5 + edge.weight * 0.5, 6))
        if edge.context == "warm":
            attrs["color"] = "#188038"
        elif edge.kind == "transfer" or edge.context == "cold":
            attrs.update(color="#d93025", style="dashed")
    if edge.severity is not None:
        attrs["color"] = SEVERITY_COLORS[edge.severity]
        attrs["penwidth"] = SEVERITY_WIDTH[edge.severity]
    if edge.change == "removed":
        attrs.update(style="dotted", color="#9aa0a6", fontcolor="#9aa0a6", constraint="false")
    elif edge.change == "added" and edge.severity is None:
        attrs.update(color=CHANGE_COLOR, penwidth="2.5")
    attrs["tooltip"] = _esc(edge.tooltip or edge.label or edge.kind)
    return attrs


def _title(diagram: Diagram) -> str:
    swatches = "".join(
        f'<TD BGCOLOR="{SEVERITY_COLORS[Severity(key)]}"><FONT COLOR="#ffffff" POINT-SIZE="9">'
        f"{_h(words)}</FONT></TD>"
        for key, words in diagram.legend
        if key
    )
    notes = "".join(
        f'<TR><TD ALIGN="LEFT" COLSPAN="5"><FONT POINT-SIZE="9" COLOR="#3c4043">{_h(words)}'
        "</FONT></TD></TR>"
        for key, words in diagram.legend
        if not key
    )
    return (
        '<<TABLE BORDER="0" CELLSPACING="2">'
        f'<TR><TD ALIGN="LEFT" COLSPAN="5"><FONT POINT-SIZE="16"><B>{_h(diagram.title)}</B>'
        "</FONT></TD></TR>"
        f'<TR><TD ALIGN="LEFT" COLSPAN="5"><FONT POINT-SIZE="11">{_h(diagram.subtitle)}'
        f" · {_h(diagram.view)} view</FONT></TD></TR>"
        f"<TR>{swatches}<TD></TD></TR>{notes}{_callouts(diagram)}"
        "</TABLE>>"
    ).replace("<TR><TD></TD></TR>", "")


def to_dot(diagram: Diagram, engine: str = "dot", large: bool = False) -> str:
    """The DOT source of ``diagram``.

    ``large`` trades looks for layout time on thousands of steps: no swimlanes
    (the team is written in each step), straight lines, and bounded
    crossing minimisation.
    """
    graph = graphviz.Digraph(
        name=diagram.name,
        engine=engine,
        graph_attr={
            "id": f"diagram-{diagram.name}",
            "label": _title(diagram),
            "labelloc": "t",
            "labeljust": "l",
            "fontname": FONT,
            "rankdir": "TB" if diagram.view != "teams" else "LR",
            "nodesep": "0.35",
            "ranksep": "0.5",
            "newrank": "true",
            "tooltip": _esc(diagram.title),
            **(
                {"splines": "line", "nslimit": "2", "nslimit1": "2", "mclimit": "0.3"}
                if large
                else {}
            ),
        },
        node_attr={"fontname": FONT, "fontsize": "11", "margin": "0.12,0.06"},
        edge_attr={"fontname": FONT, "fontsize": "9", "arrowsize": "0.7"},
    )
    by_key = {n.key: n for n in diagram.nodes}
    clustered: set[str] = set()
    for cluster in () if large else diagram.clusters:
        lane_id = element_id("team", diagram.name, cluster.key)
        with graph.subgraph(name=f"cluster_{lane_id}") as lane:
            lane.attr(
                label=_esc(cluster.label),
                style="rounded,dashed" if cluster.kind == "automated" else "rounded",
                color="#bdc1c6",
                fontcolor="#5f6368",
                fontname=FONT,
                id=lane_id,
            )
            for key in cluster.members:
                node = by_key[key]
                lane.node(node.element_id, _node_label(node), **_node_attrs(node))
                clustered.add(key)
    for node in diagram.nodes:
        if node.key not in clustered:
            graph.node(node.element_id, _node_label(node), **_node_attrs(node))
    for edge in diagram.edges:
        # node names are element ids: no `:` (a port in DOT), no quoting surprises
        source, target = by_key[edge.source].element_id, by_key[edge.target].element_id
        connector = by_key[edge.target].kind == "connector"
        graph.edge(source, target, **_edge_attrs(edge, connector))
    return str(graph.source)
