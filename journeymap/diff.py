"""What a change does to customers: two versions of the same journeys, compared.

:func:`diff` audits both versions and compares them journey by journey (journeys
are matched by id; a vendor export's id comes from its file name):

* **findings** introduced, fixed and unchanged, matched by the same line-independent
  fingerprint baselines use (rule, journey, step and the steps involved), after
  renamed steps are mapped to their new names;
* **figures**: hurdles to a person and to a resolution, menus before a person, most
  handoffs, whether a person can be reached at all, and the friction score, each
  judged worse or better;
* **structure**: steps added, removed, renamed (a removed and an added step of the
  same type with the same words, or the same ways out, are one step renamed, not two
  changes), retyped, and routes added, removed or re-pointed; and the easiest paths
  to a person and to a resolution when they changed.

Steps are matched by id. Importers name a step after its vendor block (a Connect
block's ``Identifier``, a Studio state's name, a Genesys menu or task), so a block
that moves in the export is the same step.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .config import Settings
from .engine import audit_journeys
from .findings import AuditResult, Finding, JourneyAudit, Metrics, Severity
from .loader import LoadedJourney, Problem

FIGURES: dict[str, str] = {
    "person": "a person can be reached",
    "hurdles": "hurdles on the easiest way to a person",
    "resolution": "hurdles on the easiest way to a resolution",
    "menus": "menus before a person",
    "handoffs": "most handoffs on a path to resolution",
    "friction": "friction score",
}
"""The figures a diff compares, by the short name ``--fail-on-worse`` uses."""


@dataclass(frozen=True)
class FigureChange:
    """One figure of a journey before and after; ``worse`` is None when unchanged."""

    name: str
    label: str
    old: float | str | None
    new: float | str | None
    worse: bool | None
    by: float = 0.0
    """How much worse (positive) or better (negative), where that is a number."""


@dataclass(frozen=True)
class StepChange:
    """A change to one step or one route of a journey."""

    kind: str
    """``added``, ``removed``, ``renamed``, ``retyped``, ``route-added``,
    ``route-removed``, ``route-repointed``."""
    step: str
    detail: str
    old_step: str | None = None
    old_target: str | None = None
    """For a removed or re-pointed route: where it led before (new names)."""
    label: str | None = None
    """For a route change: the route (``option `1```, ``next``)."""


@dataclass(frozen=True)
class PathChange:
    """The easiest path to a person or to a resolution, when it changed."""

    to: str
    old: tuple[str, ...]
    new: tuple[str, ...]


@dataclass(frozen=True)
class JourneyDiff:
    """One journey compared: ``status`` is ``changed``, ``unchanged``, ``added`` or
    ``removed``."""

    journey: str
    title: str | None
    status: str
    old_file: str | None
    new_file: str | None
    introduced: tuple[Finding, ...] = ()
    fixed: tuple[Finding, ...] = ()
    unchanged: tuple[Finding, ...] = ()
    figures: tuple[FigureChange, ...] = ()
    steps: tuple[StepChange, ...] = ()
    paths: tuple[PathChange, ...] = ()
    renames: dict[str, str] = field(default_factory=dict)
    """Old step id -> new step id."""

    @property
    def worse(self) -> tuple[FigureChange, ...]:
        return tuple(f for f in self.figures if f.worse)

    @property
    def better(self) -> tuple[FigureChange, ...]:
        return tuple(f for f in self.figures if f.worse is False)


@dataclass(frozen=True)
class DiffResult:
    """Every journey of both versions compared, and the problems of either."""

    journeys: tuple[JourneyDiff, ...]
    problems: tuple[Problem, ...] = ()
    old: AuditResult | None = None
    new: AuditResult | None = None

    @property
    def introduced(self) -> tuple[Finding, ...]:
        return tuple(f for j in self.journeys for f in j.introduced)

    @property
    def fixed(self) -> tuple[Finding, ...]:
        return tuple(f for j in self.journeys for f in j.fixed)


def parse_thresholds(text: str) -> dict[str, float]:
    """``hurdles:1,handoffs:1`` as a mapping; a figure without a number means any
    worsening (``person`` is always yes or no).

    >>> parse_thresholds("hurdles:1, person")
    {'hurdles': 1.0, 'person': 0.0}
    """
    found: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, value = part.partition(":")
        name = name.strip()
        if name not in FIGURES:
            raise ValueError(
                f"unknown figure `{name}` in --fail-on-worse; use {', '.join(FIGURES)}"
            )
        try:
            amount = float(value) if value.strip() else 0.0
        except ValueError:
            raise ValueError(f"`{part}`: the amount after `:` must be a number") from None
        if not 0 <= amount < 1e9:
            raise ValueError(f"`{part}`: the amount must be a number from 0")
        found[name] = amount
    return found


def fails(result: DiffResult, fail_on: Severity, thresholds: dict[str, float]) -> bool:
    """Whether the change should fail a check: it introduces a finding at or above
    ``fail_on``, or makes a figure named in ``thresholds`` worse by more than its
    amount (by any amount for 0)."""
    if any(f.severity.at_least(fail_on) for f in result.introduced):
        return True
    for journey in result.journeys:
        for change in journey.worse:
            limit = thresholds.get(change.name)
            if limit is not None and (change.by > limit or (limit == 0 and change.worse)):
                return True
    return False


def diff(
    old: Sequence[LoadedJourney],
    new: Sequence[LoadedJourney],
    settings: Settings | None = None,
    problems: Sequence[Problem] = (),
) -> DiffResult:
    """Audit ``old`` and ``new`` (each one run) and compare them journey by journey."""
    old_result = audit_journeys(old, settings)
    new_result = audit_journeys(new, settings)
    old_by = {j.id: j for j in old}
    new_by = {j.id: j for j in new}
    old_audits = {a.journey: a for a in old_result.journeys}
    new_audits = {a.journey: a for a in new_result.journeys}
    out: list[JourneyDiff] = []
    for jid in sorted(set(old_by) | set(new_by)):
        before, after = old_by.get(jid), new_by.get(jid)
        if before is None:
            assert after is not None
            audit = new_audits[jid]
            out.append(
                JourneyDiff(
                    jid,
                    after.journey.title,
                    "added",
                    None,
                    after.file,
                    introduced=audit.findings,
                )
            )
            continue
        if after is None:
            audit = old_audits[jid]
            out.append(
                JourneyDiff(
                    jid,
                    before.journey.title,
                    "removed",
                    before.file,
                    None,
                    fixed=audit.findings,
                )
            )
            continue
        out.append(_compare(before, after, old_audits[jid], new_audits[jid]))
    all_problems = (*problems, *old_result.problems, *new_result.problems)
    return DiffResult(tuple(out), tuple(sorted(set(all_problems))), old_result, new_result)


def _step_signature(step: Any) -> tuple[str, str]:
    """What identifies a step whatever its id: its type and words."""
    return (step.type, " ".join((step.say or "").split()))


def _exits(step: Any) -> dict[tuple[str, str | None, int], str]:
    """A step's ways out: (kind, key, position among same-kind routes) -> target."""
    found: dict[tuple[str, str | None, int], str] = {}
    counts: dict[tuple[str, str | None], int] = {}
    for way in step.exits():
        slot = (way.kind, way.key)
        n = counts[slot] = counts.get(slot, -1) + 1
        found[(way.kind, way.key, n)] = way.route.to
    return found


def _renames(before: LoadedJourney, after: LoadedJourney) -> dict[str, str]:
    """Removed steps that reappear under a new id: same type and words (or, for
    steps with no words, the same ways out), matched one to one."""
    old_nodes, new_nodes = before.journey.nodes, after.journey.nodes
    removed = [s for s in old_nodes if s not in new_nodes]
    added = [s for s in new_nodes if s not in old_nodes]
    found: dict[str, str] = {}
    by_signature: dict[Any, list[str]] = {}
    for sid in added:
        step = new_nodes[sid]
        signature = _step_signature(step) if step.say else (step.type, tuple(_exits(step).items()))
        by_signature.setdefault(signature, []).append(sid)
    for sid in removed:
        step = old_nodes[sid]
        signature = _step_signature(step) if step.say else (step.type, tuple(_exits(step).items()))
        candidates = by_signature.get(signature)
        if candidates:
            found[sid] = candidates.pop(0)
    return found


def _key(finding: Finding, renames: dict[str, str]) -> str:
    """A finding's fingerprint with renamed steps under their new names."""
    node = renames.get(finding.node, finding.node)
    nodes = sorted(renames.get(n, n) for n in finding.nodes)
    text = "\x1f".join((finding.rule, finding.journey, node, *nodes))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _figures(old: Metrics, new: Metrics) -> tuple[FigureChange, ...]:
    def handoffs(m: Metrics) -> float | str | None:
        return "unbounded" if m.handoffs_unbounded else m.max_handoffs_to_resolution

    pairs: list[tuple[str, Any, Any]] = [
        ("person", old.hurdles_to_person is not None, new.hurdles_to_person is not None),
        ("hurdles", old.hurdles_to_person, new.hurdles_to_person),
        ("resolution", old.hurdles_to_resolution, new.hurdles_to_resolution),
        ("menus", old.menus_before_person, new.menus_before_person),
        ("handoffs", handoffs(old), handoffs(new)),
        ("friction", old.friction_score, new.friction_score),
    ]
    changes = []
    for name, before, after in pairs:
        worse: bool | None = None
        by = 0.0
        if before != after:
            if name == "person":
                worse = bool(before) and not after
                by = 1.0 if worse else -1.0
            elif before is None or after is None:  # reachable no more, or now
                worse = after is None
                by = float("inf") if worse else float("-inf")
            elif isinstance(before, str) or isinstance(after, str):
                worse = after == "unbounded"
                by = float("inf") if worse else float("-inf")
            else:
                by = float(after) - float(before)
                worse = by > 0
        changes.append(FigureChange(name, FIGURES[name], before, after, worse, by))
    return tuple(changes)


def _compare(
    before: LoadedJourney, after: LoadedJourney, old: JourneyAudit, new: JourneyAudit
) -> JourneyDiff:
    renames = _renames(before, after)
    back = {v: k for k, v in renames.items()}
    old_keys = {_key(f, renames): f for f in old.findings}
    new_keys = {_key(f, {}): f for f in new.findings}
    introduced = tuple(f for k, f in new_keys.items() if k not in old_keys)
    fixed = tuple(f for k, f in old_keys.items() if k not in new_keys)
    unchanged = tuple(f for k, f in new_keys.items() if k in old_keys)
    old_nodes, new_nodes = before.journey.nodes, after.journey.nodes
    steps: list[StepChange] = []
    for sid in new_nodes:
        if sid in back:
            steps.append(StepChange("renamed", sid, f"was `{back[sid]}`", back[sid]))
        elif sid not in old_nodes:
            steps.append(StepChange("added", sid, f"new {new_nodes[sid].type} step"))
    for sid in old_nodes:
        if sid not in new_nodes and sid not in renames:
            steps.append(StepChange("removed", sid, f"{old_nodes[sid].type} step removed"))
    for sid, step in new_nodes.items():
        old_id = back.get(sid, sid)
        previous = old_nodes.get(old_id)
        if previous is None:
            continue
        if previous.type != step.type:
            steps.append(StepChange("retyped", sid, f"{previous.type} → {step.type}"))
        was = {k: renames.get(t, t) for k, t in _exits(previous).items()}
        now = _exits(step)
        for slot in now:
            name = _slot_name(slot)
            if slot not in was:
                steps.append(StepChange("route-added", sid, f"{name} → `{now[slot]}`"))
            elif was[slot] != now[slot]:
                steps.append(
                    StepChange(
                        "route-repointed",
                        sid,
                        f"{name}: `{was[slot]}` → `{now[slot]}`",
                        old_target=was[slot],
                        label=name,
                    )
                )
        for slot in was:
            if slot not in now:
                steps.append(
                    StepChange(
                        "route-removed",
                        sid,
                        f"{_slot_name(slot)} → `{was[slot]}`",
                        old_target=was[slot],
                        label=_slot_name(slot),
                    )
                )
    paths = []
    for to, old_path, new_path in (
        ("person", old.metrics.path_to_person, new.metrics.path_to_person),
        ("resolution", old.metrics.path_to_resolution, new.metrics.path_to_resolution),
    ):
        if tuple(renames.get(s, s) for s in old_path) != new_path:
            paths.append(PathChange(to, old_path, new_path))
    figures = _figures(old.metrics, new.metrics)
    changed = bool(
        introduced or fixed or steps or paths or any(f.worse is not None for f in figures)
    )
    return JourneyDiff(
        journey=new.journey,
        title=after.journey.title,
        status="changed" if changed else "unchanged",
        old_file=before.file,
        new_file=after.file,
        introduced=introduced,
        fixed=fixed,
        unchanged=unchanged,
        figures=figures,
        steps=tuple(steps),
        paths=tuple(paths),
        renames=renames,
    )


def _slot_name(slot: tuple[str, str | None, int]) -> str:
    kind, key, n = slot
    if key is not None:
        return f"{kind} `{key}`"
    return kind if n == 0 else f"{kind} {n + 1}"
