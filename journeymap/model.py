"""Pydantic models of the journey format (version 1).

The models are the format: :func:`journey_json_schema` is generated from them,
and :mod:`journeymap.loader` validates every file with them. Validation is
strict: a number where text is expected is an error, never converted.

Examples
--------
>>> j = Journey.model_validate({
...     "journey": "demo", "entry": "hello",
...     "nodes": {"hello": {"type": "message", "say": "Hi", "next": "bye"},
...               "bye": {"type": "end", "outcome": "resolved"}}})
>>> [(e.kind, e.route.to) for e in j.nodes["hello"].exits()]
[('next', 'bye')]
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

FORMAT_VERSION = 1

Channel = Literal["phone", "chat", "web", "app", "email", "sms", "in_person", "social"]
CHANNELS: tuple[str, ...] = typing.get_args(Channel)
Outcome = Literal["resolved", "unresolved", "abandoned", "disconnected"]
TeamKind = Literal["human", "automated", "vendor"]
Context = Literal["warm", "cold"]

ID_PATTERN = r"^[A-Za-z0-9_.-]+$"
JourneyId = Annotated[str, Field(pattern=ID_PATTERN, min_length=1)]

EXIT_KINDS = (
    "next",
    "option",
    "no_input",
    "no_match",
    "on_fail",
    "on_error",
    "on_timeout",
    "branch",
    "transfer",
)
"""Kinds of route out of a step, as edges of the graph carry them."""
RECOVERY_KINDS = frozenset({"no_input", "no_match", "on_fail", "on_error", "on_timeout"})
"""Routes taken when something went wrong (silence, a wrong key, a failure)."""

CLOSED_LABEL = re.compile(
    r"\b(closed?|after[ _-]?hours|out[ _-]of[ _-]hours|outside[ _-](business[ _-])?hours|"
    r"holidays?|not open|no agents?( staffed| available)?|no staff|unstaffed|not staffed|"
    r"at capacity|queue full|emergency)\b",
    re.IGNORECASE,
)
"""Route labels (branch keys or ``label``) that mean a by-design closure: out of hours,
a holiday, no agents staffed, a queue at capacity."""
ERROR_LABEL = re.compile(
    r"error|fail|time ?out|timed out|exceeded|no ?match|no ?input|invalid|not wired|used up", re.I
)
"""Branch keys or labels that mean something went wrong (a failed look-up)."""


def route_meaning(kind: str, key: str | None = None, label: str | None = None) -> str:
    """``closed`` for a by-design closure, ``error`` for a route taken when something
    went wrong, else ``normal``.

    >>> route_meaning("branch", "closed"), route_meaning("on_error"), route_meaning("next")
    ('closed', 'error', 'normal')
    >>> route_meaning("branch", "lookup failed"), route_meaning("option", "1", "Holidays")
    ('error', 'normal')
    """
    words = f"{key or ''} {label or ''}"
    if kind in ("branch", *RECOVERY_KINDS) and CLOSED_LABEL.search(words):
        return "closed"
    if kind in RECOVERY_KINDS or (kind == "branch" and ERROR_LABEL.search(words)):
        return "error"
    return "normal"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


def _route_from_text(value: Any) -> Any:
    return {"to": value} if isinstance(value, str) else value


class _TextOrLongForm(_Strict):
    """A model that may also be written as plain text (its ``to``)."""

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        long_form = handler.resolve_ref_schema(handler(core_schema))
        return {
            "anyOf": [
                {"type": "string", "minLength": 1, "description": "step id or JOURNEY:STEP"},
                dict(long_form),
            ]
        }


class Route(_TextOrLongForm):
    """Where a way out leads: a step id, ``JOURNEY:STEP``, or this long form."""

    to: str = Field(min_length=1, description="step id, or JOURNEY:STEP in another journey")
    label: str | None = Field(None, description="names the route in diagrams")
    share: float | None = Field(
        None, ge=0, le=1, description="fraction of customers who take this route"
    )


Target = Annotated[Route, BeforeValidator(_route_from_text)]


class Transfer(_TextOrLongForm):
    """A handoff from a person to another step, usually another team's queue."""

    to: str = Field(min_length=1, description="step id, or JOURNEY:STEP")
    context: Context = Field("cold", description="warm: what the customer said travels along")
    label: str | None = None
    share: float | None = Field(None, ge=0, le=1)


TransferItem = Annotated[Transfer, BeforeValidator(_route_from_text)]


def _ignore_to_map(value: Any) -> Any:
    if isinstance(value, str):
        return {value: ""}
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return {v: "" for v in value}
    if isinstance(value, dict):
        return {k: ("" if v is None else v) for k, v in value.items()}
    return value


Ignore = Annotated[
    dict[str, str],
    BeforeValidator(_ignore_to_map),
    WithJsonSchema(
        {
            "description": "rule ids or names silenced here, optionally with a reason",
            "anyOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "string"}},
                {"type": "object", "additionalProperties": {"type": ["string", "null"]}},
            ],
        }
    ),
]


class Team(_Strict):
    """A team that owns steps: who answers, and what they work with."""

    name: str | None = Field(None, description="display name")
    kind: TeamKind = "human"
    tools: list[str] = Field(default_factory=list, description="systems the team works in")
    targets: list[str] = Field(
        default_factory=list, description="service-level targets the team is measured on"
    )


class Weights(_Strict):
    """How many hurdles each thing a customer must do or endure counts for."""

    menu: float = Field(1.0, ge=0, le=1000, description="choosing from a menu")
    info: float = Field(1.0, ge=0, le=1000, description="each item of information asked for")
    queue: float = Field(1.0, ge=0, le=1000, description="waiting in a queue")
    queue_no_wait_estimate: float = Field(
        0.5, ge=0, le=1000, description="... without being told how long"
    )
    queue_no_callback: float = Field(
        0.5, ge=0, le=1000, description="... without a call-back offer"
    )
    transfer: float = Field(1.0, ge=0, le=1000, description="being transferred by a person")
    cold_transfer: float = Field(
        1.0, ge=0, le=1000, description="... when the context is lost (cold)"
    )
    channel_switch: float = Field(1.0, ge=0, le=1000, description="being moved to another channel")
    promo: float = Field(1.0, ge=0, le=1000, description="sitting through a sales message")
    retry: float = Field(1.0, ge=0, le=1000, description="a retry after silence or a wrong key")


class AuditBlock(_Strict):
    """Per-journey audit settings: threshold overrides and rules switched off."""

    ignore: Ignore = Field(default_factory=dict)
    max_hurdles: float | None = Field(None, ge=0, le=1_000_000)
    max_menu_depth: int | None = Field(None, ge=0)
    max_menu_options: int | None = Field(None, ge=1)
    max_retries: int | None = Field(None, ge=0)
    max_handoffs: int | None = Field(None, ge=0)
    max_prompt_seconds: float | None = Field(None, gt=0, le=1_000_000)
    max_greeting_seconds: float | None = Field(None, gt=0, le=1_000_000)
    words_per_minute: float | None = Field(None, gt=0, le=100_000)
    jargon: list[str] | None = None
    known_terms: list[str] | None = None
    weights: Weights | None = None


@dataclass(frozen=True)
class Exit:
    """One way out of a step, as the file writes it.

    ``path`` is where the route stands inside the step (for locating it in the
    file), e.g. ``("options", "1")`` or ``("transfers", 0)``.
    """

    kind: str
    key: str | None
    route: Route | Transfer
    path: tuple[str | int, ...]


class _Step(_Strict):
    team: str | None = Field(None, description="a team id declared under `teams`")
    say: str | None = Field(None, description="what the customer hears or reads")
    channel: Channel | None = Field(None, description="overrides the journey's channel")
    tags: list[str] = Field(
        default_factory=list, description="free labels; `promo` = sales message, `auth` = ID check"
    )
    seconds: float | None = Field(
        None, ge=0, le=10_000_000, description="typical duration of the step"
    )
    ignore: Ignore = Field(default_factory=dict)
    source: str | None = Field(
        None, description="the vendor block this step was imported from (journeymap import)"
    )

    def exits(self) -> Iterator[Exit]:
        """Every way out of this step, in the order the format lists them."""
        fields = self.__dict__  # only this step type's fields: no failed look-ups
        for name in ("next", "on_error", "on_timeout"):
            route = fields.get(name)
            if route is not None:
                yield Exit(name, None, route, (name,))
        for key, route in (fields.get("options") or {}).items():
            yield Exit("option", key, route, ("options", key))
        for key, route in (fields.get("branches") or {}).items():
            yield Exit("branch", key, route, ("branches", key))
        for name in ("no_input", "no_match", "on_fail"):
            route = fields.get(name)
            if route is not None:
                yield Exit(name, None, route, (name,))
        for i, transfer in enumerate(fields.get("transfers") or ()):
            yield Exit("transfer", transfer.label, transfer, ("transfers", i))


class _Retrying(_Step):
    no_input: Target | None = Field(None, description="where silence leads")
    no_match: Target | None = Field(None, description="where a wrong key or phrase leads")
    max_retries: int | None = Field(None, ge=0, description="failed tries before on_fail")
    on_fail: Target | None = Field(None, description="where the customer goes after max_retries")


class Message(_Step):
    """A prompt or announcement."""

    type: Literal["message"]
    next: Target | None = None
    on_error: Target | None = Field(
        None, description="where the customer goes when the prompt cannot be played"
    )


class Menu(_Retrying):
    """A choice: keys pressed or phrases said."""

    type: Literal["menu"]
    options: dict[str, Target] = Field(
        default_factory=dict, description='keys ("1".."9", "0", "*", "#") or phrases'
    )


class Input(_Retrying):
    """Asks the customer for information."""

    type: Literal["input"]
    collects: list[str] = Field(default_factory=list, description="what is asked for")
    next: Target | None = None
    on_error: Target | None = None


class Queue(_Step):
    """Waits for a person."""

    type: Literal["queue"]
    wait_estimate: bool = Field(False, description="tells the customer the expected wait")
    callback: bool = Field(False, description="offers to call back")
    next: Target | None = None
    on_timeout: Target | None = None
    on_error: Target | None = Field(None, description="where a failed transfer to the queue leads")


class Agent(_Step):
    """A person who talks to the customer."""

    type: Literal["agent"]
    collects: list[str] = Field(default_factory=list, description="what the person asks for")
    next: Target | None = None
    transfers: list[TransferItem] = Field(default_factory=list)


class SelfService(_Step):
    """An automated task (payment, status look-up)."""

    type: Literal["self_service"]
    collects: list[str] = Field(default_factory=list, description="what the task asks for")
    next: Target | None = None
    on_error: Target | None = None


class Condition(_Step):
    """A branch the customer does not choose (open hours, segment)."""

    type: Literal["condition"]
    branches: dict[str, Target] = Field(default_factory=dict)
    uses: list[str] = Field(
        default_factory=list,
        description="steps of this journey whose answer or result the condition tests",
    )
    on_error: Target | None = Field(
        None, description="where the customer goes when the check itself fails (a failed look-up)"
    )


class Redirect(_Step):
    """Sends the customer to another channel (``channel`` says which)."""

    type: Literal["redirect"]
    next: Target | None = Field(None, description="none: the conversation ends here")


class External(_Step):
    """Control passes to something outside the audited set."""

    type: Literal["external"]
    target: str | None = Field(None, description="what it hands over to, in words")
    on_error: Target | None = Field(
        None, description="where the customer goes when the hand-over fails"
    )


class End(_Step):
    """The end of the conversation."""

    type: Literal["end"]
    outcome: Outcome = Field("resolved", description="resolved (default) or how it failed")


Step = Annotated[
    Message | Menu | Input | Queue | Agent | SelfService | Condition | Redirect | External | End,
    Field(discriminator="type"),
]

STEP_TYPES: dict[str, type[_Step]] = {
    "message": Message,
    "menu": Menu,
    "input": Input,
    "queue": Queue,
    "agent": Agent,
    "self_service": SelfService,
    "condition": Condition,
    "redirect": Redirect,
    "external": External,
    "end": End,
}
PERSON_TYPES = frozenset({"queue", "agent"})


def _entry_to_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class Journey(_Strict):
    """One journey file: the steps a customer can go through on one line of contact."""

    model_config = ConfigDict(
        title="journeymap journey",
        json_schema_extra={"$comment": f"journeymap journey format, version {FORMAT_VERSION}"},
    )

    journey: JourneyId = Field(description="stable id: letters, digits, - _ .")
    title: str | None = None
    description: str | None = None
    channel: Channel = "phone"
    entry: Annotated[
        list[Annotated[str, Field(min_length=1)]],
        BeforeValidator(_entry_to_list),
        WithJsonSchema(
            {
                "description": "the step (or list of steps) where customers start",
                "anyOf": [
                    {"type": "string"},
                    {"type": "array", "items": {"type": "string"}, "minItems": 1},
                ],
            }
        ),
        Field(min_length=1),
    ]
    teams: dict[str, Team] = Field(default_factory=dict)
    nodes: dict[str, Step] = Field(min_length=1, description="step id to step")
    audit: AuditBlock = Field(default_factory=AuditBlock)

    def step_channel(self, step_id: str) -> str:
        """The channel a step happens on (its own, else the journey's)."""
        return self.nodes[step_id].channel or self.channel


def journey_json_schema() -> dict[str, Any]:
    """The JSON Schema of a journey file, for editors and the YAML language server."""
    schema = Journey.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
