"""Every rule: what it must find, and what it must leave alone."""

from __future__ import annotations

from conftest import JOURNEYS, audit_text, findings_named

from journeymap.engine import audit, audit_journeys
from journeymap.rules import RULES

# A sound journey: every rule must stay silent on it.
SOUND = """
journey: sound
entry: greeting
teams:
  ivr: {kind: automated}
  desk: {tools: [crm], targets: [fcr]}
  experts: {tools: [crm], targets: [fcr]}
nodes:
  greeting: {type: message, team: ivr, say: Hello., next: menu}
  menu:
    type: menu
    team: ivr
    say: For your balance press 1. To speak to someone press 0.
    options: {"1": balance, "0": desk_queue}
    no_input: menu
    no_match: menu
    max_retries: 3
    on_fail: desk_queue
  balance: {type: self_service, team: ivr, next: done, on_error: desk_queue}
  desk_queue: {type: queue, team: desk, wait_estimate: true, callback: true, next: desk_agent}
  desk_agent:
    type: agent
    team: desk
    next: done
    transfers: [{to: expert_queue, context: warm}]
  expert_queue: {type: queue, team: experts, wait_estimate: true, callback: true, next: expert}
  expert: {type: agent, team: experts, next: done}
  done: {type: end, outcome: resolved}
"""


def test_sound_journey_has_no_findings() -> None:
    assert audit_text(SOUND) == []


def test_sample_clinic_journey_audits_clean() -> None:
    result = audit([JOURNEYS / "clinic-appointments-chat.yaml"])
    assert result.problems == ()
    assert result.findings == ()


def test_starter_journey_audits_clean() -> None:
    from journeymap.starter import starter_journey

    assert audit_text(starter_journey("starter")) == []


def test_every_rule_has_id_name_and_docs() -> None:
    ids = [r.id for r in RULES]
    names = [r.name for r in RULES]
    assert len(set(ids)) == len(ids) and len(set(names)) == len(names)
    for rule in RULES:
        assert rule.id.startswith("JM") and len(rule.id) == 5
        assert rule.name == rule.name.lower() and " " not in rule.name
        for part in (rule.summary, rule.what, rule.why, rule.example, rule.fix):
            assert part.strip()


# -- loops -----------------------------------------------------------------------

TRAP = """
journey: trap
entry: menu
nodes:
  menu:
    type: menu
    options: {"1": help, "2": q}
  help: {type: menu, options: {"1": faq, "9": help}}
  faq: {type: message, say: Read our FAQ., next: help}
  q: {type: queue, wait_estimate: true, callback: true, next: a}
  a: {type: agent, next: end}
  end: {type: end}
"""


def test_endless_loop_found_once_at_first_step() -> None:
    assert findings_named(TRAP, "endless-loop") == ["help"]


def test_loop_with_a_way_out_is_not_endless() -> None:
    ok = TRAP.replace('{"1": faq, "9": help}', '{"1": faq, "9": help, "0": q}')
    assert findings_named(ok, "endless-loop") == []


def test_self_loop_trap() -> None:
    text = """
    journey: t
    entry: m
    nodes:
      m: {type: menu, no_input: m}
    """
    assert findings_named(text, "endless-loop") == ["m"]


RETRY = """
journey: r
entry: m
nodes:
  m:
    type: menu
    options: {"1": q}
    no_input: m
    no_match: sorry
  sorry: {type: message, say: Sorry., next: m}
  q: {type: queue, wait_estimate: true, callback: true, next: a}
  a: {type: agent, next: e}
  e: {type: end}
"""


def test_unbounded_retry_without_max_retries() -> None:
    assert findings_named(RETRY, "unbounded-retry") == ["m"]


def test_unbounded_retry_with_too_many_tries() -> None:
    text = RETRY.replace("no_match: sorry", "no_match: sorry\n    max_retries: 5")
    assert findings_named(text, "unbounded-retry") == ["m"]


def test_bounded_retry_is_fine() -> None:
    text = RETRY.replace("no_match: sorry", "no_match: sorry\n    max_retries: 3\n    on_fail: q")
    assert findings_named(text, "unbounded-retry") == []


def test_retry_back_to_parent_menu_is_not_a_retry_loop() -> None:
    text = """
    journey: r
    entry: main
    nodes:
      main: {type: menu, options: {"1": sub, "0": q}}
      sub: {type: menu, options: {"1": q}, no_match: main}
      q: {type: queue, wait_estimate: true, callback: true, next: a}
      a: {type: agent, next: e}
      e: {type: end}
    """
    assert findings_named(text, "unbounded-retry") == []


PING = """
journey: p
entry: q1
teams:
  billing: {tools: [ledger]}
  lending: {tools: [loans]}
nodes:
  q1: {type: queue, team: billing, wait_estimate: true, callback: true, next: a1}
  a1: {type: agent, team: billing, next: e, transfers: [{to: q2, context: warm}]}
  q2: {type: queue, team: lending, wait_estimate: true, callback: true, next: a2}
  a2: {type: agent, team: lending, next: e, transfers: [{to: q1, context: warm}]}
  e: {type: end}
"""


def test_transfer_loop_found_once() -> None:
    assert findings_named(PING, "transfer-loop") == ["a1"]


def test_transfer_cycle_within_one_team_is_not_a_transfer_loop() -> None:
    text = PING.replace("team: lending", "team: billing")
    assert findings_named(text, "transfer-loop") == []


# -- dead ends -------------------------------------------------------------------


def test_dead_end() -> None:
    text = """
    journey: d
    entry: m
    nodes:
      m: {type: menu, options: {"1": paid, "0": q}}
      paid: {type: message, say: Paid.}
      q: {type: queue, wait_estimate: true, callback: true}
      x: {type: external}
      r: {type: redirect, channel: web}
      e: {type: end}
    """
    assert findings_named(text, "dead-end") == ["paid", "q"]


NO_HUMAN = """
journey: n
entry: m
nodes:
  m: {type: menu, options: {"1": pay, "0": q}}
  pay: {type: self_service, next: paid, on_error: sorry}
  sorry: {type: message, next: bye}
  bye: {type: end, outcome: disconnected}
  paid: {type: end}
  q: {type: queue, wait_estimate: true, callback: true, next: a}
  a: {type: agent, next: paid}
"""


def test_no_human_exit_at_first_step_of_branch() -> None:
    # a failed payment offers a menu with no person: reported at the first step
    text = NO_HUMAN.replace(
        "sorry: {type: message, next: bye}", "sorry: {type: menu, options: {'1': pay, '9': bye}}"
    )
    assert findings_named(text, "no-human-exit") == ["pay"]


def test_a_cut_off_by_one_error_route_is_reported_once() -> None:
    # the failed payment only says sorry and hangs up: that is disconnect-on-error
    assert findings_named(NO_HUMAN, "no-human-exit") == []
    assert findings_named(NO_HUMAN, "disconnect-on-error") == ["pay"]


def test_no_human_exit_silent_when_errors_go_to_a_person() -> None:
    text = NO_HUMAN.replace("on_error: sorry", "on_error: q")
    assert findings_named(text, "no-human-exit") == []


def test_no_human_exit_ignores_what_follows_a_person() -> None:
    text = NO_HUMAN.replace("a: {type: agent, next: paid}", "a: {type: agent, next: survey}")
    text = text.replace(
        "sorry: {type: message, next: bye}", "sorry: {type: menu, options: {'1': pay, '9': bye}}"
    )
    text += "  survey: {type: menu, options: {'1': paid}, no_input: bye}\n"
    assert findings_named(text, "no-human-exit") == ["pay"]


def test_journey_without_any_person() -> None:
    text = """
    journey: n
    entry: m
    nodes:
      m: {type: menu, options: {"1": ok, "2": bye}}
      ok: {type: end}
      bye: {type: end, outcome: abandoned}
    """
    assert findings_named(text, "no-human-exit") == ["m"]


def test_no_zero_out() -> None:
    text = """
    journey: z
    entry: m
    nodes:
      m: {type: menu, options: {"1": sub, "2": info}, no_input: q}
      sub: {type: menu, options: {"1": q}}
      info: {type: message, next: e}
      q: {type: queue, wait_estimate: true, callback: true, next: a}
      a: {type: agent, next: e}
      e: {type: end}
    """
    assert findings_named(text, "no-zero-out") == ["m"]


def test_zero_out_through_messages_and_conditions_counts() -> None:
    text = """
    journey: z
    entry: m
    nodes:
      m: {type: menu, options: {"0": hold}}
      hold: {type: message, next: hours}
      hours: {type: condition, branches: {open: q, closed: e}}
      q: {type: queue, wait_estimate: true, callback: true, next: a}
      a: {type: agent, next: e}
      e: {type: end}
    """
    assert findings_named(text, "no-zero-out") == []


def test_disconnect_on_error() -> None:
    text = """
    journey: x
    entry: m
    nodes:
      m:
        type: menu
        options: {"1": q, "9": bye}
        no_input: m
        max_retries: 2
        on_fail: sorry
      sorry: {type: message, say: Goodbye., next: bye}
      bye: {type: end, outcome: disconnected}
      q: {type: queue, wait_estimate: true, callback: true, next: a, on_timeout: bye}
      a: {type: agent, next: done}
      done: {type: end}
    """
    # `9` to hang up is the customer's choice; on_fail and on_timeout are not
    assert findings_named(text, "disconnect-on-error") == ["m", "q"]


def test_error_route_to_resolved_end_is_fine() -> None:
    text = """
    journey: x
    entry: s
    nodes:
      s: {type: self_service, next: done, on_error: done}
      done: {type: end}
    """
    assert findings_named(text, "disconnect-on-error") == []


def test_unreachable_reported_once_per_group() -> None:
    text = """
    journey: u
    entry: a
    nodes:
      a: {type: end}
      old1: {type: message, next: old2}
      old2: {type: message, next: a}
      lone: {type: end}
    """
    assert findings_named(text, "unreachable") == ["old1", "lone"]


def test_steps_reached_from_another_journey_are_reachable() -> None:
    front = """
    journey: front
    entry: a
    nodes:
      a: {type: message, next: "back:late"}
    """
    back = """
    journey: back
    entry: start
    nodes:
      start: {type: end}
      late: {type: end}
    """
    assert findings_named(back, "unreachable", front) == []


def test_channel_push() -> None:
    text = """
    journey: c
    entry: m
    nodes:
      m: {type: menu, options: {"1": web, "2": sms_link, "0": q}}
      web: {type: redirect, channel: web}
      sms_link: {type: redirect, channel: sms, next: e}
      q: {type: queue, wait_estimate: true, callback: true, next: a}
      a: {type: agent, next: e}
      e: {type: end}
    """
    # a person was offered next to `web`, and `sms_link` carries on
    assert findings_named(text, "channel-push") == []
    forced = """
    journey: c
    entry: m
    nodes:
      m: {type: menu, options: {"1": web, "0": q}}
      web: {type: redirect, channel: web}
      q: {type: queue, wait_estimate: true, callback: true, next: a, on_timeout: web}
      a: {type: agent, next: e}
      e: {type: end}
    """
    # customers who time out in the queue are pushed to the web with no one offered
    assert findings_named(forced, "channel-push") == ["web"]


# -- hurdles ---------------------------------------------------------------------


def _chain(menus: int) -> str:
    lines = ["journey: h", "entry: m0", "nodes:"]
    for i in range(menus):
        target = f"m{i + 1}" if i + 1 < menus else "q"
        lines.append(f"  m{i}: {{type: menu, options: {{'1': {target}}}}}")
    lines.append("  q: {type: queue, wait_estimate: true, callback: true, next: a}")
    lines.append("  a: {type: agent, next: e}")
    lines.append("  e: {type: end}")
    return "\n".join(lines) + "\n"


def test_deep_menu_threshold() -> None:
    assert findings_named(_chain(3), "deep-menu") == []
    assert findings_named(_chain(4), "deep-menu") == ["m0"]


def test_too_many_hurdles_threshold() -> None:
    assert findings_named(_chain(5), "too-many-hurdles") == []  # 5 menus + queue 1 = 6
    assert findings_named(_chain(6), "too-many-hurdles") == ["m0"]


def test_thresholds_come_from_the_journey_audit_block() -> None:
    text = _chain(4) + "audit: {max_menu_depth: 4}\n"
    assert findings_named(text, "deep-menu") == []


def test_wide_menu_does_not_count_zero_star_hash() -> None:
    options = ", ".join(f'"{k}": e' for k in ["1", "2", "3", "4", "5", "0", "*", "#"])
    text = f"journey: w\nentry: m\nnodes:\n  m: {{type: menu, options: {{{options}}}}}\n"
    text += "  e: {type: end}\n"
    assert findings_named(text, "wide-menu") == []
    wider = text.replace('"5": e', '"5": e, "6": e')
    assert findings_named(wider, "wide-menu") == ["m"]


def test_repeated_info_with_cold_transfer() -> None:
    text = """
    journey: r
    entry: id
    teams: {a: {}, b: {}}
    nodes:
      id: {type: input, collects: [account], next: qa}
      qa: {type: queue, team: a, wait_estimate: true, callback: true, next: aa}
      aa: {type: agent, team: a, collects: [reason], transfers: [{to: qb}]}
      qb: {type: queue, team: b, wait_estimate: true, callback: true, next: ab}
      ab: {type: agent, team: b, collects: [account, reason], next: e}
      e: {type: end}
    """
    from conftest import journey_of

    result = audit_journeys([journey_of(text)])
    found = [f for f in result.findings if f.name == "repeated-info"]
    assert [f.node for f in found] == ["ab"]
    assert found[0].message == (
        "`ab` asks again for `account` (first asked at `id`), `reason` (first asked at `aa`); "
        "a cold transfer on the way (`aa` → `qb`) lost it"
    )


def test_asking_once_per_branch_is_not_repeated() -> None:
    text = """
    journey: r
    entry: m
    nodes:
      m: {type: menu, options: {"1": x, "2": y}}
      x: {type: input, collects: [account], next: e}
      y: {type: input, collects: [account], next: e}
      e: {type: end}
    """
    assert findings_named(text, "repeated-info") == []


def test_queue_flags() -> None:
    text = """
    journey: q
    entry: q1
    nodes:
      q1: {type: queue, next: q2}
      q2: {type: queue, wait_estimate: true, next: q3}
      q3: {type: queue, wait_estimate: true, callback: true, next: a}
      a: {type: agent, next: e}
      e: {type: end}
    """
    assert findings_named(text, "queue-no-wait-estimate") == ["q1"]
    assert findings_named(text, "queue-no-callback") == ["q1", "q2"]


def test_promo_before_service_not_after() -> None:
    text = """
    journey: p
    entry: hi
    nodes:
      hi: {type: message, tags: [promo], next: q}
      q: {type: queue, wait_estimate: true, callback: true, next: a}
      a: {type: agent, next: offer}
      offer: {type: message, tags: [promo], next: e}
      e: {type: end}
    """
    assert findings_named(text, "promo-before-service") == ["hi"]


def test_long_prompt_and_long_greeting() -> None:
    long_say = " ".join(["word"] * 60)  # 24 s at 150 words a minute
    text = f"""
    journey: l
    entry: hi
    nodes:
      hi: {{type: message, say: {" ".join(["hello"] * 25)}, next: m}}
      m: {{type: menu, say: {long_say}, options: {{"1": e}}}}
      e: {{type: end}}
    """
    assert findings_named(text, "long-prompt") == ["hi", "m"]
    chat = text.replace("journey: l", "journey: l\n    channel: chat")
    assert findings_named(chat, "long-prompt") == []


def test_dynamic_prompts_are_never_judged() -> None:
    text = """
    journey: l
    entry: hi
    nodes:
      hi: {type: message, say: (dynamic prompt), seconds: 60, next: e}
      e: {type: end, say: (dynamic prompt)}
    """
    assert findings_named(text, "long-prompt") == []
    assert findings_named(text, "jargon") == []


def test_jargon() -> None:
    text = """
    journey: j
    title: ACME line
    entry: m
    nodes:
      m:
        type: menu
        say: >-
          Welcome to ACME. For KYC refresh press 1. For your PIN press 2.
          For ACH (bank transfer) press 3.
        options: {"1": e}
      n: {type: message, say: Your ticket queue position is 3., next: e}
      e: {type: end}
    """
    from conftest import journey_of

    result = audit_journeys([journey_of(text)])
    found = {f.node: f.message for f in result.findings if f.name == "jargon"}
    assert found == {
        "m": "the prompt of `m` uses `KYC`, which customers may not understand",
        "n": "the prompt of `n` uses `ticket queue`, which customers may not understand",
    }


# -- silos -----------------------------------------------------------------------


def test_cold_handoff_between_teams_only() -> None:
    text = PING.replace("context: warm}]}\n  q2", "context: cold}]}\n  q2")
    assert findings_named(text, "cold-handoff") == ["a1"]
    same_team = text.replace("team: lending", "team: billing")
    assert findings_named(same_team, "cold-handoff") == []


CHAIN = """
journey: c
entry: qa
teams: {a: {tools: [x]}, b: {tools: [x]}, c: {tools: [x]}}
nodes:
  qa: {type: queue, team: a, wait_estimate: true, callback: true, next: aa}
  aa: {type: agent, team: a, transfers: [{to: qb, context: warm}]}
  qb: {type: queue, team: b, wait_estimate: true, callback: true, next: ab}
  ab: {type: agent, team: b, transfers: [{to: qc, context: warm}]}
  qc: {type: queue, team: c, wait_estimate: true, callback: true, next: ac}
  ac: {type: agent, team: c, next: e, transfers: [{to: qa2, context: warm}]}
  qa2: {type: queue, team: a, wait_estimate: true, callback: true, next: aa2}
  aa2: {type: agent, team: a, next: e}
  e: {type: end}
"""


def test_too_many_handoffs() -> None:
    assert findings_named(CHAIN, "too-many-handoffs") == ["ac"]
    shorter = CHAIN.replace("transfers: [{to: qa2, context: warm}]", "transfers: []")
    assert findings_named(shorter, "too-many-handoffs") == []


def test_team_ping_pong_without_a_cycle() -> None:
    text = CHAIN.replace("transfers: [{to: qc, context: warm}]", "transfers: [{to: qa2}]")
    assert findings_named(text, "team-ping-pong") == ["ab"]
    assert findings_named(CHAIN, "team-ping-pong") == []


def test_ping_pong_that_is_a_cycle_is_left_to_transfer_loop() -> None:
    assert findings_named(PING, "team-ping-pong") == []


def test_siloed_team() -> None:
    assert sorted(findings_named(PING, "siloed-team")) == ["q1", "q2"]
    shared = PING.replace("tools: [loans]", "tools: [ledger]")
    assert findings_named(shared, "siloed-team") == []


# -- ignore ------------------------------------------------------------------------


def test_step_ignore_silences_and_counts() -> None:
    from conftest import journey_of

    text = RETRY.replace(
        "    no_match: sorry", "    no_match: sorry\n    ignore: {unbounded-retry: regulator}"
    )
    result = audit_journeys([journey_of(text)])
    assert "unbounded-retry" not in [f.name for f in result.findings]
    silenced = result.journeys[0].silenced
    assert [(s.finding.name, s.reason, s.where) for s in silenced] == [
        ("unbounded-retry", "regulator", "step")
    ]


def test_journey_ignore_by_id() -> None:
    text = RETRY + "audit: {ignore: [JM102]}\n"
    assert findings_named(text, "unbounded-retry") == []


def test_unknown_rule_in_ignore_is_a_problem() -> None:
    from conftest import journey_of

    text = RETRY + "audit: {ignore: [unbounded-retyr]}\n"
    result = audit_journeys([journey_of(text)])
    assert [str(p) for p in result.problems] == [
        "j.yaml:13:17: `ignore` names no rule `unbounded-retyr` (did you mean "
        "`unbounded-retry`?); see `journeymap rules` [unknown-rule]"
    ]


def test_samples_load_and_audit_deterministically() -> None:
    from journeymap.reporters import Format, render

    first = audit([JOURNEYS])
    second = audit([JOURNEYS])
    assert first.problems == ()
    assert len(first.journeys) >= 6
    assert render(first, Format.JSON) == render(second, Format.JSON)


# -- closures, failure branches, menus that say other keys than they have -------------


def test_closed_no_alternative() -> None:
    text = """
    journey: x
    entry: hours
    nodes:
      hours:
        type: condition
        branches: {open: q, closed: shut, holiday: holiday_msg}
      shut: {type: message, say: We are closed. Goodbye., next: bye}
      holiday_msg: {type: message, say: Happy holidays., next: vm}
      vm: {type: queue, callback: true, wait_estimate: true, next: a}
      q: {type: queue, wait_estimate: true, callback: true, next: a}
      a: {type: agent, next: done}
      bye: {type: end, outcome: unresolved}
      done: {type: end}
    """
    # the closed branch only says goodbye; the holiday branch takes a voicemail
    assert findings_named(text, "closed-no-alternative") == ["hours"]
    # reported once: no-human-exit leaves a closure by design alone
    assert findings_named(text, "no-human-exit") == []


def test_closed_with_another_channel_or_a_menu_is_fine() -> None:
    text = """
    journey: x
    entry: hours
    nodes:
      hours:
        type: condition
        branches: {open: q, after hours: shut, no agents: busy}
      shut:
        type: message
        say: We are closed. For emergencies call 0800 123 456.
        next: bye
      busy: {type: menu, say: For a call back press 1., options: {"1": vm}}
      vm: {type: queue, callback: true, wait_estimate: true, next: a}
      q: {type: queue, wait_estimate: true, callback: true, next: a}
      a: {type: agent, next: done}
      bye: {type: end, outcome: unresolved}
      done: {type: end}
    """
    assert findings_named(text, "closed-no-alternative") == []


def test_queue_at_capacity_label_is_a_closure() -> None:
    text = """
    journey: x
    entry: q
    nodes:
      q:
        type: queue
        wait_estimate: true
        callback: true
        next: a
        on_timeout: {to: sorry, label: queue at capacity}
      sorry: {type: message, say: We are too busy. Goodbye., next: bye}
      a: {type: agent, next: done}
      bye: {type: end, outcome: unresolved}
      done: {type: end}
    """
    assert findings_named(text, "closed-no-alternative") == ["q"]
    assert findings_named(text, "disconnect-on-error") == []


def test_failure_labelled_branch_is_an_error_route() -> None:
    text = """
    journey: x
    entry: lookup
    nodes:
      lookup:
        type: condition
        branches: {found: q, lookup failed: sorry}
      sorry: {type: message, say: Sorry., next: bye}
      q: {type: queue, wait_estimate: true, callback: true, next: a}
      a: {type: agent, next: done}
      bye: {type: end, outcome: disconnected}
      done: {type: end}
    """
    assert findings_named(text, "disconnect-on-error") == ["lookup"]
    assert findings_named(text, "no-human-exit") == []  # the same cut-off, reported once


def test_retries_used_up_are_reported_at_the_failure() -> None:
    text = """
    journey: x
    entry: lookup
    nodes:
      lookup:
        type: condition
        branches: {success: q}
        on_error: retry
      retry:
        type: condition
        branches: {loop: lookup, tries used up: sorry}
      sorry: {type: message, say: Sorry., next: bye}
      q: {type: queue, wait_estimate: true, callback: true, next: a}
      a: {type: agent, next: done}
      bye: {type: end, outcome: disconnected}
      done: {type: end}
    """
    assert findings_named(text, "disconnect-on-error") == ["lookup"]


def test_an_external_hand_over_may_lead_to_a_person() -> None:
    text = """
    journey: x
    entry: m
    nodes:
      m:
        type: menu
        say: For sales press 1.
        options: {"1": sales}
        on_fail: bye
        max_retries: 2
      sales: {type: external, target: Sales flow, on_error: bye}
      bye: {type: end, outcome: disconnected}
    """
    assert findings_named(text, "no-zero-out") == []
    assert findings_named(text, "no-human-exit") == []
    assert findings_named(text, "disconnect-on-error") == ["m", "sales"]


def test_phantom_option() -> None:
    text = """
    journey: x
    entry: m
    nodes:
      m:
        type: menu
        say: For payments press 1. For statements press two. To end the call press 9.
        options: {"1": done, "2": done, "3": done}
      done: {type: end}
    """
    from conftest import journey_of

    result = audit_journeys([journey_of(text)])
    (finding,) = [f for f in result.findings if f.name == "phantom-option"]
    assert finding.node == "m"
    assert "press `9`" in finding.message and "never mentions `3`" in finding.message


def test_phantom_option_leaves_matching_catch_all_and_keyless_prompts_alone() -> None:
    text = """
    journey: x
    entry: a
    nodes:
      a:
        type: menu
        say: For English press 1. Para español oprima 2.
        options: {"1": b, "2": b}
      b:
        type: menu
        say: Otherwise press 3.
        options: {"1": c, "(any other)": c}
      c:
        type: menu
        say: Tell me in a few words what you are calling about.
        options: {billing: done, "1": done}
      d:
        type: menu
        say: (dynamic prompt)
        options: {"5": done}
      done: {type: end}
    """
    assert findings_named(text, "phantom-option") == ["b"]  # key 1 is never said at b


def test_jargon_explained_names_and_designer_blocks() -> None:
    text = """
    journey: j
    entry: a
    nodes:
      a:
        type: message
        say: Thank you for calling UCC. Pay with a debit-like card, called EBT.
        next: b
      b:
        type: message
        say: Something went wrong with the Invoke Lambda block. COVID rules apply.
        next: e
      e: {type: end}
    """
    from conftest import journey_of

    result = audit_journeys([journey_of(text)])
    found = {f.node: f.message for f in result.findings if f.name == "jargon"}
    assert set(found) == {"b"}
    assert "`Lambda`" in found["b"] and "`Invoke Lambda block`" in found["b"]
    assert "COVID" not in found["b"]


# -- wiring ------------------------------------------------------------------------


def test_branch_on_missing_input() -> None:
    text = """
    journey: x
    entry: hello
    nodes:
      hello:
        type: menu
        say: To enter your account press 1. Otherwise press 2.
        options: {"1": account, "2": check}
      account: {type: input, collects: [account], next: check}
      check:
        type: condition
        uses: [account]
        branches: {known: q, empty: q}
      q: {type: queue, wait_estimate: true, callback: true, next: a}
      a: {type: agent, next: done}
      done: {type: end}
    """
    assert findings_named(text, "branch-on-missing-input") == ["check"]
    # asked on every way to the check: fine
    fixed = text.replace('"2": check}', '"2": account}')
    assert findings_named(fixed, "branch-on-missing-input") == []


def test_uses_must_name_a_step() -> None:
    from journeymap.reading import load_text

    text = """
journey: x
entry: c
nodes:
  c: {type: condition, uses: [acount], branches: {a: e}}
  e: {type: end}
"""
    _, problems = load_text(text, "j.yaml")
    assert [p.kind for p in problems] == ["unknown-target"]
    assert "`uses` names `acount`" in problems[0].message
