"""The results of an audit: plain frozen dataclasses, no behaviour beyond ordering.

Reporters read these; nothing here analyses or formats.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .loader import Problem

RESULT_VERSION = 1
"""Version of the JSON document (``{"version": 1, ...}``)."""


class Severity(StrEnum):
    """How much a finding hurts customers, worst first."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for critical ... 4 for info."""
        return list(Severity).index(self)

    def at_least(self, other: Severity) -> bool:
        """True when this severity is ``other`` or worse."""
        return self.rank <= other.rank


@dataclass(frozen=True)
class Route:
    """One way out of a step that a finding is about (for diagrams)."""

    source: str
    target: str
    kind: str
    choice: str | None = None


@dataclass(frozen=True)
class Finding:
    """One problem found in a journey, at the step where a person would fix it.

    ``node`` and the names in ``nodes`` and ``path`` are step ids of the
    finding's journey; a step of another journey is written ``JOURNEY:STEP``.
    """

    rule: str
    name: str
    severity: Severity
    message: str
    journey: str
    node: str
    nodes: tuple[str, ...]
    path: tuple[str, ...]
    file: str
    line: int
    column: int
    routes: tuple[Route, ...] = ()
    source_ref: str | None = None

    @property
    def fingerprint(self) -> str:
        """A stable id that survives edits that only move lines."""
        text = "\x1f".join((self.rule, self.journey, self.node, *sorted(self.nodes)))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def sort_key(self) -> tuple[Any, ...]:
        return (self.line, self.column, self.rule, self.node, self.nodes)


@dataclass(frozen=True)
class Silenced:
    """A finding switched off by an ``ignore`` in the journey, with the reason given."""

    finding: Finding
    reason: str
    where: str
    """``"step"`` (the step's own ``ignore``) or ``"journey"`` (its ``audit.ignore``)."""


@dataclass(frozen=True)
class Metrics:
    """Headline figures of one journey (see the README for each definition)."""

    steps: int
    routes: int
    teams: int
    menus: int
    queues: int
    agents: int
    hurdles_to_person: float | None
    path_to_person: tuple[str, ...]
    hurdles_to_resolution: float | None
    path_to_resolution: tuple[str, ...]
    menus_before_person: int | None
    max_handoffs_to_resolution: int | None
    handoffs_unbounded: bool
    friction_score: int
    step_hurdles: dict[str, float] = field(default_factory=dict)
    """Cumulative hurdles on the easiest way from an entry to each reachable step."""
    outcome_hurdles: dict[str, tuple[float, str]] = field(default_factory=dict)
    """For each end outcome reached, the fewest hurdles to reach it and the end step."""
    team_routes: dict[str, dict[str, int]] = field(default_factory=dict)
    """Routes from steps of one team to steps of another: the handoff matrix."""
    friction_parts: dict[str, int] = field(default_factory=dict)
    """What the friction score is made of (points per cause)."""
    friction_points: int = 0
    """The sum behind the score (the sum of :attr:`friction_parts`); ranks journeys."""


@dataclass(frozen=True)
class JourneyAudit:
    """The audit of one journey."""

    journey: str
    title: str | None
    file: str
    metrics: Metrics
    findings: tuple[Finding, ...]
    silenced: tuple[Silenced, ...] = ()
    baselined: int = 0
    """Findings left out because a baseline accepted them."""
    step_words: dict[str, str] = field(default_factory=dict)
    """What each step of the journey says (its ``say``; ``""`` when it says nothing), by
    step id: reports name steps by their words, not only by id and line."""

    def worst(self) -> Severity | None:
        return min((f.severity for f in self.findings), key=lambda s: s.rank, default=None)


@dataclass(frozen=True)
class AuditResult:
    """The audit of a run: every journey, and the files that could not be loaded."""

    journeys: tuple[JourneyAudit, ...]
    problems: tuple[Problem, ...] = ()

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for j in self.journeys for f in j.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)
