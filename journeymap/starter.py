"""The commented starter journey that ``journeymap init`` writes."""

from __future__ import annotations

STARTER = """\
# yaml-language-server: $schema=journey.schema.json
# A starter journey written by `journeymap init`. Edit it to match your line,
# then run `journeymap validate {name}.yaml` and `journeymap audit {name}.yaml`.
# The format is described in the journeymap README ("The journey format").

journey: {name}                 # stable id: letters, digits, - _ .
title: {title}
channel: phone                  # phone, chat, web, app, email, sms, in_person, social
entry: greeting                 # where customers start (a step id, or a list)

teams:                          # who owns the steps
  ivr:     {{name: Phone system, kind: automated}}
  support: {{name: Customer support, tools: [crm], targets: [answer-60s]}}

nodes:                          # step id -> step
  greeting:
    type: message
    team: ivr
    say: Thanks for calling.
    next: main_menu

  main_menu:
    type: menu
    team: ivr
    say: To check an order press 1. To speak to someone press 0.
    options:
      "1": order_status
      "0": support_queue          # a way to a person from every menu
    no_input: main_menu           # silence replays the menu ...
    no_match: main_menu           # ... and so does a wrong key,
    max_retries: 2                # but only twice,
    on_fail: support_queue        # then the caller gets a person, not a hang-up

  order_status:
    type: self_service
    team: ivr
    say: Please say or key in your order number.
    collects: [order_number]
    next: done
    on_error: support_queue

  support_queue:
    type: queue
    team: support
    wait_estimate: true           # tells the caller how long the wait is
    callback: true                # and offers a call back
    next: support_agent

  support_agent:
    type: agent
    team: support
    next: done

  done: {{type: end, outcome: resolved}}
"""


def starter_journey(name: str) -> str:
    """The starter journey text for a journey id ``name``.

    >>> "journey: billing-line" in starter_journey("billing-line")
    True
    """
    title = name.replace("-", " ").replace("_", " ").strip().capitalize() or name
    return STARTER.format(name=name, title=title)
