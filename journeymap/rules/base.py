"""What a rule is: an id, a name, a severity, its docs, and a check."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..analysis import Analysis, Hit
from ..findings import Severity


@dataclass(frozen=True)
class Rule:
    """One audit rule. ``check`` reads an :class:`Analysis` and yields hits.

    The docs come in the four parts ``journeymap explain`` prints: what the
    rule finds, why it hurts customers, an example, and how to fix it.
    """

    id: str
    name: str
    severity: Severity
    summary: str
    what: str
    why: str
    example: str
    fix: str
    check: Callable[[Analysis], Iterator[Hit]]

    @property
    def family(self) -> str:
        return FAMILIES[self.id[2]]


FAMILIES = {"1": "loops", "2": "dead ends", "3": "hurdles", "4": "silos", "5": "wiring"}


def quote(names: list[str] | tuple[str, ...], limit: int = 6) -> str:
    """`a`, `b` and `c` (at most ``limit`` names, then "and N more")."""
    shown = [f"`{n}`" for n in names[:limit]]
    if len(names) > limit:
        shown.append(f"{len(names) - limit} more")
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]
