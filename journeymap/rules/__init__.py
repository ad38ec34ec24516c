"""The audit rules, registered in one explicit list.

Each rule is a small unit (see :class:`Rule`) in the module of its family:
:mod:`.loops` (JM1xx), :mod:`.dead_ends` (JM2xx), :mod:`.hurdles` (JM3xx),
:mod:`.silos` (JM4xx) and :mod:`.wiring` (JM5xx). Ids and names are a public
contract: users put them in settings and ``ignore`` lists.
"""

from __future__ import annotations

from .base import FAMILIES, Rule
from .dead_ends import (
    CHANNEL_PUSH,
    CLOSED_NO_ALTERNATIVE,
    DEAD_END,
    DISCONNECT_ON_ERROR,
    NO_HUMAN_EXIT,
    NO_ZERO_OUT,
    UNREACHABLE,
)
from .hurdles import (
    DEEP_MENU,
    JARGON,
    LONG_PROMPT,
    PHANTOM_OPTION,
    PROMO_BEFORE_SERVICE,
    QUEUE_NO_CALLBACK,
    QUEUE_NO_WAIT_ESTIMATE,
    REPEATED_INFO,
    TOO_MANY_HURDLES,
    WIDE_MENU,
)
from .loops import ENDLESS_LOOP, TRANSFER_LOOP, UNBOUNDED_RETRY
from .silos import COLD_HANDOFF, SILOED_TEAM, TEAM_PING_PONG, TOO_MANY_HANDOFFS
from .wiring import BRANCH_ON_MISSING_INPUT

RULES: tuple[Rule, ...] = (
    ENDLESS_LOOP,
    UNBOUNDED_RETRY,
    TRANSFER_LOOP,
    DEAD_END,
    NO_HUMAN_EXIT,
    NO_ZERO_OUT,
    DISCONNECT_ON_ERROR,
    UNREACHABLE,
    CHANNEL_PUSH,
    CLOSED_NO_ALTERNATIVE,
    TOO_MANY_HURDLES,
    DEEP_MENU,
    WIDE_MENU,
    REPEATED_INFO,
    QUEUE_NO_WAIT_ESTIMATE,
    QUEUE_NO_CALLBACK,
    PROMO_BEFORE_SERVICE,
    LONG_PROMPT,
    JARGON,
    PHANTOM_OPTION,
    COLD_HANDOFF,
    TEAM_PING_PONG,
    TOO_MANY_HANDOFFS,
    SILOED_TEAM,
    BRANCH_ON_MISSING_INPUT,
)

BY_KEY: dict[str, Rule] = {**{r.id: r for r in RULES}, **{r.name: r for r in RULES}}


def get_rule(key: str) -> Rule | None:
    """The rule with id (``JM101``, any case) or name (``endless-loop``) ``key``."""
    return BY_KEY.get(key) or BY_KEY.get(key.upper())


__all__ = ["BY_KEY", "FAMILIES", "RULES", "Rule", "get_rule"]
