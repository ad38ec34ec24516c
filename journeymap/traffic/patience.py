"""The ``patience:`` settings: how customers behave in the expected-effort model.

These are the assumptions of :mod:`journeymap.traffic.expected` that a file cannot say:
how likely a customer is to give up at each hurdle, and what share a failure
route (silence, a wrong key, an error) takes when the journey gives none.
They sit under ``patience:`` in ``.journeymap.yaml`` (or
``[tool.journeymap.patience]`` in ``pyproject.toml``)::

    patience:
      per_hurdle: 0.02        # chance of giving up at each hurdle
      after_repeat: 1.5       # x that chance on a retry (silence, a wrong key)
      after_long_prompt: 1.5  # x that chance after a prompt over max_prompt_seconds
      error_share: 0.05       # share of each failure route that has no `share`

Where the default of ``per_hurdle`` comes from
-----------------------------------------------
It is a round assumption, not a measured constant: 2 % per hurdle. A caller
who clears four hurdles (a menu, an account number, a queue with neither a wait
estimate nor a call-back offer) then gives up with probability
``1 - 0.98**4``, about 8 %. That sits inside the range practitioners publish
for callers lost before they are served: about 2.5 % in a well-designed banking
phone menu and above 10 % in a hard one (a contact-centre forum's account of two
financial institutions), and an industry average overall abandonment of
5-8 % (contact-centre vendors' benchmarks). Those figures are not
peer-reviewed research, and no source gives a per-hurdle rate, so measure your
own: the traffic audit (:mod:`journeymap.traffic.logs`) reports the observed
abandonment at each step.

``after_repeat`` and ``after_long_prompt`` are 1 (no effect) by default: no
source found gives a figure; set them when your own logs show the effect.

>>> Patience().per_hurdle, Patience().error_share
(0.02, 0.05)
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Patience(BaseModel):
    """How customers behave in the expected-effort model (see the module's docs)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)

    per_hurdle: float = Field(
        0.02, ge=0, le=1, description="probability that a customer gives up at each hurdle"
    )
    after_repeat: float = Field(
        1.0,
        ge=0,
        le=1000,
        description="multiplies `per_hurdle` for hurdles met on a retry route "
        "(no_input, no_match, on_fail, on_error, on_timeout)",
    )
    after_long_prompt: float = Field(
        1.0,
        ge=0,
        le=1000,
        description="multiplies `per_hurdle` on entering a step after, or at, a spoken prompt "
        "longer than `max_prompt_seconds`",
    )
    error_share: float = Field(
        0.05,
        ge=0,
        le=1,
        description="share assumed for each failure route (silence, a wrong key, an error) "
        "that carries no `share`",
    )
