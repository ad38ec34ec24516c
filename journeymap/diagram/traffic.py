"""The traffic view of a journey: route width by traffic, step colour by who gives up.

:func:`traffic_view` turns the expected-effort figures (:mod:`journeymap.traffic.expected`) or
a log's observed traffic (:mod:`journeymap.traffic.logs`) into a plain description: a
width and a label for every route, a fill colour and a label for every step.
:func:`traffic_dot` draws it as Graphviz DOT on its own; the diagram module can
instead read the same description to style its own picture.

Widths grow with the customers who take a route (per customer who starts the
journey; a route taken twice by one customer counts twice), from 1 to
:data:`MAX_WIDTH` points for the busiest. Colours follow the share of *all*
customers who give up at the step, on a light-to-dark scale (ColorBrewer's
YlOrRd, which reads in grey and to the colour-blind) relative to the worst step
of the journey; steps where nobody gives up stay white.

>>> from journeymap.traffic.expected import JourneyEffort, StepEffort, RouteFlow
>>> from journeymap.traffic.patience import Patience
>>> steps = (StepEffort("menu", 1.0, 1.0, 0.1, 1.0, 0.0, False),
...          StepEffort("bye", 0.9, 0.9, 0.0, 0.0, 0.0, False))
>>> e = JourneyEffort("demo", 1.0, 0.0, 0.0, 0.1, {}, (), steps, steps[:1],
...                   (RouteFlow("menu", "bye", "option", "1", 0.9),), (), False, Patience())
>>> view = traffic_view(e)
>>> view.steps[0].fill, view.routes[0].width, view.routes[0].label
('#800026', 8.0, '90%')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..loader import LoadedJourney
from ..traffic.expected import JourneyEffort
from ..traffic.logs import JourneyTraffic
from ..visible import visible

if TYPE_CHECKING:
    from ..traffic.audit import TrafficAudit

MAX_WIDTH = 8.0
"""Points of the busiest route's line."""
SCALE = ("#ffffcc", "#fed976", "#fd8d3c", "#e31a1c", "#800026")
"""ColorBrewer YlOrRd, light to dark: the fill of a step by the share who give up there."""


@dataclass(frozen=True)
class RouteWidth:
    """How one route is drawn."""

    source: str
    target: str
    kind: str
    choice: str | None
    traffic: float
    """Customers per customer who starts (expected), or contacts (observed)."""
    width: float
    label: str


@dataclass(frozen=True)
class StepHeat:
    """How one step is drawn."""

    step: str
    give_up: float
    """Share of all customers who give up here."""
    reach: float
    """Share of all customers who reach the step."""
    fill: str
    label: str


@dataclass(frozen=True)
class TrafficView:
    """Everything the traffic view shows of one journey."""

    journey: str
    source: str
    """``design`` (expected, from shares) or ``observed`` (a contact log)."""
    routes: tuple[RouteWidth, ...]
    steps: tuple[StepHeat, ...]
    note: str
    """What the figures rest on (assumed shares, the log), for the legend."""


def fill_for(share: float, worst: float) -> str:
    """The fill colour of a step where ``share`` of customers give up, the journey's
    worst being ``worst``: white when nobody does.

    >>> fill_for(0.0, 0.2), fill_for(0.2, 0.2), fill_for(0.01, 0.2)
    ('#ffffff', '#800026', '#ffffcc')
    """
    if share <= 0 or worst <= 0:
        return "#ffffff"
    step = min(len(SCALE) - 1, int(share / worst * len(SCALE) - 1e-9))
    return SCALE[max(0, step)]


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%" if value >= 0.01 or value == 0 else "<1%"


def traffic_view(
    effort: JourneyEffort | None = None, traffic: JourneyTraffic | None = None
) -> TrafficView:
    """The traffic view from expected figures, or (when given) a log's observed traffic."""
    if traffic is not None:
        contacts = max(1, traffic.contacts)
        flows = [(r.source, r.target, r.kind, r.choice, r.count / contacts) for r in traffic.routes]
        heat = [(s.step, s.gave_up / contacts, s.contacts / contacts) for s in traffic.steps]
        source, note = "observed", f"{traffic.contacts:,} contacts in the log"
        journey = traffic.journey
    elif effort is not None:
        flows = [(r.source, r.target, r.kind, r.choice, r.per_customer) for r in effort.routes]
        heat = [(s.step, s.give_up, s.reach) for s in effort.steps]
        source, journey = effort.source, effort.journey
        note = (
            f"shares assumed at {len(effort.assumed)} step(s): {', '.join(effort.assumed)}"
            if effort.assumed
            else "shares from the journey file"
        )
    else:
        raise ValueError("traffic_view needs expected figures or observed traffic")
    busiest = max((f[4] for f in flows), default=0.0)
    worst = max((h[1] for h in heat), default=0.0)
    routes = tuple(
        RouteWidth(
            source=s,
            target=t,
            kind=k,
            choice=c,
            traffic=v,
            width=round(1.0 + (MAX_WIDTH - 1.0) * v / busiest, 2) if busiest > 0 else 1.0,
            label=_percent(v),
        )
        for s, t, k, c, v in flows
    )
    steps = tuple(
        StepHeat(
            step=step,
            give_up=share,
            reach=reach,
            fill=fill_for(share, worst),
            label=f"reach {_percent(reach)}" + (f", give up {_percent(share)}" if share else ""),
        )
        for step, share, reach in heat
    )
    return TrafficView(journey, source, routes, steps, note)


def _quote(text: str) -> str:
    return '"' + visible(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def traffic_dot(loaded: LoadedJourney, view: TrafficView) -> str:
    """The traffic view as Graphviz DOT, on its own (steps no customer reaches are
    drawn dotted and grey)."""
    heat = {h.step: h for h in view.steps}
    title = f"{view.journey}: where customers go and give up ({view.source}; {view.note})"
    lines = [
        f"digraph {_quote(view.journey + ' traffic')} {{",
        f"  graph [rankdir=LR, fontname=Helvetica, labelloc=t, label={_quote(title)}];",
        '  node [shape=box, style="rounded,filled", fontname=Helvetica, fontsize=11];',
        '  edge [fontname=Helvetica, fontsize=9, color="#33333399"];',
    ]
    for step_id, step in loaded.journey.nodes.items():
        h = heat.get(step_id)
        if h is None:
            lines.append(
                f'  {_quote(step_id)} [label={_quote(step_id)}, fillcolor="#ffffff", '
                'style="rounded,dotted", fontcolor="#888888"];'
            )
            continue
        text = "#ffffff" if h.fill in SCALE[3:] else "#000000"
        label = _quote(f"{step_id} ({step.type})")[:-1] + "\\n" + _quote(h.label)[1:]
        lines.append(
            f'  {_quote(step_id)} [label={label}, fillcolor="{h.fill}", fontcolor="{text}"];'
        )
    shown = set(loaded.journey.nodes)
    for r in view.routes:
        if r.source not in shown:
            continue
        target = r.target
        if target not in shown:
            lines.append(f"  {_quote(target)} [shape=note, style=dashed];")
            shown.add(target)
        named = r.choice or (r.kind if r.kind != "next" else "")
        label = f"{named}: " if named else ""
        lines.append(
            f"  {_quote(r.source)} -> {_quote(target)} "
            f"[penwidth={r.width}, label={_quote(label + r.label)}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def traffic_source(loaded: LoadedJourney, figures: TrafficAudit) -> str:
    """The traffic view of ``loaded`` as DOT: from the contacts of the log when it has
    some for this journey, else from the expected effort (the design's shares)."""
    seen = figures.seen(loaded.id)
    if seen is not None:
        return traffic_dot(loaded, traffic_view(traffic=seen))
    return traffic_dot(loaded, traffic_view(figures.effort(loaded.id)))
