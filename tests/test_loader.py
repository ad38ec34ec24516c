"""The loader: every class of bad file gets an exact, located, plain message."""

from __future__ import annotations

from pathlib import Path

from conftest import journey_of, problems_of

from journeymap.reading import load_file, load_paths
from journeymap.source import Limits

GOOD = """
journey: demo
entry: hello
nodes:
  hello: {type: message, next: bye}
  bye: {type: end}
"""


def test_valid_file_has_no_problems() -> None:
    assert journey_of(GOOD).id == "demo"


def test_unknown_key_suggests_nearest() -> None:
    assert problems_of(
        """
        journey: demo
        entry: hello
        nodes:
          hello:
            type: message
            nxt: bye
          bye: {type: end}
        """
    ) == [
        "j.yaml:6:5: step `hello`: unknown key `nxt` (did you mean `next`?) [unknown-key]",
        # `next` missing is no error (a message may be a dead end: the audit says so)
    ]


def test_unknown_top_level_key_and_team_key() -> None:
    assert problems_of(
        """
        journey: demo
        entyr: hello
        entry: hello
        teams:
          ivr: {nmae: IVR}
        nodes:
          hello: {type: end}
        """
    ) == [
        "j.yaml:2:1: unknown key `entyr` (did you mean `entry`?) [unknown-key]",
        "j.yaml:5:9: team `ivr`: unknown key `nmae` (did you mean `name`?) [unknown-key]",
    ]


def test_unknown_key_in_long_form_target_and_transfer() -> None:
    assert problems_of(
        """
        journey: demo
        entry: a
        nodes:
          a:
            type: agent
            next: {to: b, lable: x}
            transfers: [{to: b, contxt: warm}]
          b: {type: end}
        """
    ) == [
        "j.yaml:6:19: step `a`: unknown key `lable` (did you mean `label`?) [unknown-key]",
        "j.yaml:7:25: step `a`: unknown key `contxt` (did you mean `context`?) [unknown-key]",
    ]


def test_missing_required_keys() -> None:
    assert problems_of("title: no id\n") == [
        "j.yaml:1:1: missing required key `entry` [missing-key]",
        "j.yaml:1:1: missing required key `journey` [missing-key]",
        "j.yaml:1:1: missing required key `nodes` [missing-key]",
    ]


def test_step_without_type_and_unknown_type() -> None:
    assert problems_of(
        """
        journey: demo
        entry: a
        nodes:
          a: {say: hello}
          b: {type: mneu}
          c: hello
        """
    ) == [
        "j.yaml:4:3: step `a` has no `type` (one of: message, menu, input, queue, agent, "
        "self_service, condition, redirect, external, end) [missing-type]",
        "j.yaml:5:13: step `b`: unknown step type `mneu` (did you mean `menu`?); use one of: "
        "message, menu, input, queue, agent, self_service, condition, redirect, external, "
        "end [unknown-type]",
        "j.yaml:6:6: step `c` must be a mapping with a `type`, not the text `hello` [wrong-type]",
    ]


def test_unknown_target_suggests_nearest_step() -> None:
    assert problems_of(
        """
        journey: demo
        entry: [hello, helo]
        nodes:
          hello:
            type: menu
            options:
              "1": {to: goodbye}
              "2": byebye
            no_input: hello
          bye: {type: end}
        """
    ) == [
        "j.yaml:2:16: entry `helo` names no step of this journey (did you mean `hello`?) "
        "[unknown-target]",
        "j.yaml:7:17: step `hello`: option `1` leads to `goodbye`, which is no step of this "
        "journey (did you mean `bye`?) [unknown-target]",
        "j.yaml:8:12: step `hello`: option `2` leads to `byebye`, which is no step of this "
        "journey (did you mean `bye`?) [unknown-target]",
    ]


def test_undeclared_team_suggests_nearest() -> None:
    assert problems_of(
        """
        journey: demo
        entry: a
        teams:
          billing: {}
          sales: {}
        nodes:
          a: {type: end, team: biling}
        """
    ) == [
        "j.yaml:7:24: step `a`: team `biling` is not declared under `teams` (did you mean "
        "`billing`?) (declared teams: billing, sales) [unknown-team]"
    ]


def test_duplicate_keys_are_refused() -> None:
    assert problems_of(
        """
        journey: demo
        entry: a
        nodes:
          a: {type: message, next: b, next: a}
          b: {type: end}
          b: {type: end}
        """
    ) == [
        "j.yaml:4:31: duplicate key `next` (first written at line 4); YAML keeps only one "
        "of them [duplicate-key]",
        "j.yaml:6:3: duplicate key `b` (first written at line 5); YAML keeps only one of "
        "them [duplicate-key]",
    ]


def test_numbers_where_text_is_expected_are_errors() -> None:
    assert problems_of(
        """
        journey: demo
        entry: a
        nodes:
          a: {type: message, say: 12, next: 7, tags: [promo, 3]}
          "7": {type: end, outcome: no}
        """
    ) == [
        'j.yaml:4:27: step `a`: `say` must be text, not `12` (write "12" in quotes to mean '
        "the text) [wrong-type]",
        "j.yaml:4:37: step `a`: `next` must be a step id or a mapping with `to`, not `7` "
        "[wrong-type]",
        'j.yaml:4:54: step `a`: item 2 of `tags` must be text, not `3` (write "3" in quotes '
        "to mean the text) [wrong-type]",
        "j.yaml:5:29: step `7`: `outcome` cannot be `no`; use one of: resolved, unresolved, "
        "abandoned, disconnected [bad-value]",
    ]


def test_wrong_types_and_values() -> None:
    assert problems_of(
        """
        journey: demo
        channel: fone
        entry: q
        nodes:
          q:
            type: queue
            callback: "yes"
            next: {to: q, share: 1.5}
            seconds: -3
        """
    ) == [
        "j.yaml:2:10: `channel` cannot be `fone`; use one of: phone, chat, web, app, email, "
        "sms, in_person, social (did you mean `phone`?) [bad-value]",
        "j.yaml:7:15: step `q`: `callback` must be true or false, not the text `yes` [wrong-type]",
        "j.yaml:8:26: step `q`: `share` is 1.5; it must be at most 1 [bad-value]",
        "j.yaml:9:14: step `q`: `seconds` is -3; it must be at least 0 [bad-value]",
    ]


def test_journey_id_pattern() -> None:
    assert problems_of(
        """
        journey: my journey
        entry: a
        nodes: {a: {type: end}}
        """
    ) == [
        "j.yaml:1:10: the journey id `my journey` may use only letters, digits, `-`, `_` "
        "and `.` [bad-value]"
    ]


def test_option_keys_stay_text_as_written() -> None:
    loaded = journey_of(
        """
        journey: demo
        entry: m
        nodes:
          m:
            type: menu
            options: {1: a, 0: a, no: a, yes: a, on: a, "#": a, 1.50: a}
          a: {type: end}
          no: {type: end}
        """
    )
    menu = loaded.journey.nodes["m"]
    assert list(menu.options) == ["1", "0", "no", "yes", "on", "#", "1.50"]  # type: ignore[union-attr]
    assert "no" in loaded.journey.nodes


def test_empty_and_non_mapping_files() -> None:
    assert problems_of("") == [
        "j.yaml:1:1: the file is empty: a journey needs at least `journey`, `entry` and "
        "`nodes` [empty]"
    ]
    assert problems_of("# only a comment\n") == [
        "j.yaml:1:1: the file is empty: a journey needs at least `journey`, `entry` and "
        "`nodes` [empty]"
    ]
    assert problems_of("- a\n- b\n") == [
        "j.yaml:1:1: the top level must be a mapping with `journey`, `entry` and `nodes`, "
        "not a list [not-a-journey]"
    ]
    assert problems_of("just some words\n") == [
        "j.yaml:1:1: the top level must be a mapping with `journey`, `entry` and `nodes`, "
        "not the text `just some words` [not-a-journey]"
    ]


def test_tabs_and_syntax_errors() -> None:
    assert problems_of("journey: a\nnodes:\n\tb: 1\n") == [
        "j.yaml:3:1: a tab character is used for indentation; YAML allows only spaces [tab]"
    ]
    assert problems_of('journey: "a\nentry: b\n') == [
        "j.yaml:1:10: a quoted text opened at line 1, column 10 is never closed [unclosed-quote]"
    ]
    assert problems_of("journey: a\n  entry: b\n") == [
        "j.yaml:2:8: a `:` stands where YAML does not expect one: put text that contains "
        "`: ` in quotes, or check the indentation [syntax]"
    ]


def test_python_tags_are_refused_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"journey: !!python/object/apply:os.system ['touch {marker}']\nentry: a\nnodes: {{}}\n"
    problems = problems_of(text)
    assert problems[0] == (
        "j.yaml:1:10: the tag `!!python/object/apply:os.system` is not allowed: journey files "
        "hold plain data (text, numbers, true/false, lists and mappings) and nothing in them "
        "is ever run [tag]"
    )
    assert not marker.exists()


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    problems = problems_of("\n".join(lines) + "\n")
    assert len(problems) == 1
    assert problems[0].endswith(
        "aliases expand to more than 100,000 values (an alias bomb?); the file is refused "
        "[alias-bomb]"
    )


def test_small_aliases_are_fine() -> None:
    loaded = journey_of(
        """
        journey: demo
        entry: m
        nodes:
          m:
            type: menu
            options: {"1": a}
            no_input: &retry m
            no_match: *retry
          a: {type: end}
        """
    )
    menu = loaded.journey.nodes["m"]
    assert menu.no_match is not None and menu.no_match.to == "m"  # type: ignore[union-attr]


def test_merge_keys_work_and_explicit_keys_win() -> None:
    loaded = journey_of(
        """
        journey: demo
        entry: a
        nodes:
          a: &base {type: message, team: ivr, say: base, next: b}
          b: {<<: *base, say: own, next: c}
          c: {type: end}
        teams: {ivr: {}}
        """
    )
    b = loaded.journey.nodes["b"]
    assert (b.say, b.team, b.next.to) == ("own", "ivr", "c")  # type: ignore[union-attr]


def test_deep_nesting_is_refused() -> None:
    problems = problems_of("a: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert problems == [
        "j.yaml:1:67: nesting is deeper than 64 levels; a journey file is never this deep "
        "[too-deep]"
    ]


def test_several_documents_are_refused() -> None:
    assert problems_of(GOOD + "---\nsecond: doc\n") == [
        "j.yaml:6:1: a second YAML document (`---`) starts here; a journey file holds "
        "exactly one [multiple-documents]"
    ]


def test_binary_bom_and_encodings(tmp_path: Path) -> None:
    binary = tmp_path / "logo.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert [str(p) for p in load_file(binary)[1]] == [
        f"{binary}:1:1: the file looks binary (it holds NUL bytes), not YAML text [binary]"
    ]
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"journey: demo\ntitle: Caf\xe9\n")
    assert [str(p) for p in load_file(latin)[1]] == [
        f"{latin}:2:11: the file is not UTF-8 text: byte 0xE9 at line 2, column 11 cannot "
        "be read; save it as UTF-8 [encoding]"
    ]
    bom = tmp_path / "bom.yaml"
    bom.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert load_file(bom)[1] == []
    utf16 = tmp_path / "utf16.yaml"
    utf16.write_bytes(b"\xff\xfe" + GOOD.encode("utf-16-le"))
    assert load_file(utf16)[1] == []


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * 3000 + "\n")
    problems = load_file(big, Limits(max_bytes=1024))[1]
    assert [str(p) for p in problems] == [
        f"{big}:1:1: the file is 0.0 MiB, over the limit of 0.0 MiB (raise it with "
        "--max-file-size) [too-large]"
    ]


def test_all_problems_of_a_file_in_one_run() -> None:
    problems = problems_of(
        """
        journey: demo
        entry: a
        teams: {ivr: {}}
        nodes:
          a: {type: message, nxt: b, team: ivx}
          b: {type: menu, options: {"1": d}}
          c: {type: queue, callback: 1}
        """
    )
    kinds = [p.rsplit("[", 1)[1] for p in problems]
    assert kinds == ["unknown-key]", "unknown-team]", "unknown-target]", "wrong-type]"]


def test_cross_journey_targets_resolve_across_a_run(tmp_path: Path) -> None:
    (tmp_path / "front.yaml").write_text(
        "journey: front\nentry: a\nnodes:\n"
        "  a: {type: message, next: 'back:queue'}\n"
        "  b: {type: message, next: 'back:queu'}\n"
        "  c: {type: message, next: 'bak:queue'}\n"
    )
    (tmp_path / "back.yaml").write_text(
        "journey: back\nentry: queue\nnodes:\n  queue: {type: queue, next: done}\n"
        "  done: {type: end}\n"
    )
    result = load_paths([tmp_path])
    assert [str(p) for p in result.problems] == [
        f"{tmp_path}/front.yaml:5:28: step `b`: `next` leads to `back:queu`, but journey "
        f"`back` ({tmp_path}/back.yaml) has no step `queu` (did you mean `queue`?) "
        "[unknown-target]",
        f"{tmp_path}/front.yaml:6:28: step `c`: `next` leads to `bak:queue`, but no journey "
        "`bak` is part of this run (did you mean `back`?); add its file to the command "
        "[unknown-target]",
    ]
    assert [j.id for j in result.journeys] == ["back"]


def test_duplicate_journey_ids_in_a_run(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(GOOD)
    result = load_paths([tmp_path])
    assert [str(p) for p in result.problems] == [
        f"{tmp_path}/b.yaml:2:10: journey id `demo` is already used by {tmp_path}/a.yaml; "
        "journey ids must be unique in a run [duplicate-journey]"
    ]


def test_missing_path_and_folder_search(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.yml").write_text(GOOD)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "y.yaml").write_text("broken: [")
    (tmp_path / "notes.txt").write_text("not a journey")
    result = load_paths([tmp_path, tmp_path / "nope.yaml"])
    assert result.files == (f"{tmp_path}/sub/x.yml",)
    assert [str(p) for p in result.problems] == [
        f"{tmp_path}/nope.yaml: no such file or folder [unreadable]"
    ]


def test_loading_never_changes_the_file(tmp_path: Path) -> None:
    path = tmp_path / "j.yaml"
    path.write_text(GOOD)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    load_paths([path])
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_spec_example_loads_with_every_construct(spec_example: str) -> None:
    loaded = journey_of(spec_example)
    journey = loaded.journey
    assert journey.entry == ["greeting"]
    assert journey.channel == "phone"
    assert journey.teams["ivr"].kind == "automated"
    assert journey.teams["billing"].tools == ["crm", "ledger"]
    assert journey.teams["billing"].targets == ["answer-60s"]
    menu = journey.nodes["main_menu"]
    assert [(k, r.to, r.label, r.share) for k, r in menu.options.items()] == [  # type: ignore[union-attr]
        ("1", "verify", None, None),
        ("2", "statements", None, None),
        ("3", "lending_queue", "Home equity", 0.05),
    ]
    assert (menu.max_retries, menu.on_fail.to) == (3, "goodbye")  # type: ignore[union-attr]
    queue = journey.nodes["billing_queue"]
    assert (queue.wait_estimate, queue.callback, queue.tags) == (False, False, ["promo"])  # type: ignore[union-attr]
    agent = journey.nodes["billing_agent"]
    transfer = agent.transfers[0]  # type: ignore[union-attr]
    assert (transfer.to, transfer.context, transfer.label) == (
        "lending_queue",
        "cold",
        "Refinance question",
    )
    assert journey.nodes["goodbye"].outcome == "disconnected"  # type: ignore[union-attr]
    assert loaded.step_position("main_menu") == (18, 3)


def test_every_step_type_and_optional_key() -> None:
    loaded = journey_of(
        """
        journey: every.type_1
        title: T
        description: D
        channel: chat
        entry: [a, c]
        teams: {t: {name: Team, kind: vendor, tools: [x], targets: [y]}}
        audit: {ignore: {wide-menu: fine here}, max_hurdles: 9, weights: {menu: 2}}
        nodes:
          a:
            type: message
            team: t
            say: Hi
            channel: sms
            tags: [auth]
            seconds: 3.5
            ignore: dead-end
            next: {to: m, label: go, share: 1}
          m: {type: menu, options: {agent: q}, no_input: m, no_match: m, max_retries: 0, on_fail: e}
          i: {type: input, collects: [x], next: e, no_input: i, no_match: i, on_error: e}
          q: {type: queue, wait_estimate: true, callback: true, next: g, on_timeout: e}
          g: {type: agent, collects: [x], next: e, transfers: [q, {to: q, context: warm}]}
          s: {type: self_service, collects: [card], next: e, on_error: e}
          c: {type: condition, branches: {open: q, closed: r}}
          r: {type: redirect, channel: web}
          x: {type: external, target: partner line}
          e: {type: end, outcome: abandoned}
          e2: {type: end}
        """
    )
    nodes = loaded.journey.nodes
    assert [n.type for n in nodes.values()] == [
        "message", "menu", "input", "queue", "agent", "self_service",
        "condition", "redirect", "external", "end", "end",
    ]  # fmt: skip
    assert nodes["a"].ignore == {"dead-end": ""}
    assert nodes["e2"].outcome == "resolved"  # type: ignore[union-attr]
    assert [t.context for t in nodes["g"].transfers] == ["cold", "warm"]  # type: ignore[union-attr]
    assert loaded.journey.audit.ignore == {"wide-menu": "fine here"}
    assert loaded.journey.audit.weights is not None and loaded.journey.audit.weights.menu == 2


def _messages(text: str) -> list[str]:
    from journeymap.reading import load_text

    return [f"{p.line}:{p.column}: {p.message}" for p in load_text(text, "j.yaml")[1]]


def test_steps_written_for_nodes_is_one_problem_that_names_nodes() -> None:
    assert _messages("journey: a\nentry: s\nsteps:\n  s: {type: end}\n") == [
        "3:1: unknown key `steps` (the steps go under `nodes`)"
    ]


def test_one_misspelt_top_level_key_is_one_problem_not_a_cascade() -> None:
    text = (
        "journey: a\nentry: s\ntems:\n  ivr: {name: IVR}\nnodes:\n"
        "  s: {type: message, team: ivr, next: e}\n  e: {type: end, team: ivr}\n"
    )
    assert _messages(text) == ["3:1: unknown key `tems` (did you mean `teams`?)"]
    # without the misspelt key, an undeclared team is still reported at each use
    plain = text.replace("tems:\n  ivr: {name: IVR}\n", "")
    assert len(_messages(plain)) == 2


def test_an_over_indented_step_says_so() -> None:
    text = (
        "journey: a\nentry: s\nnodes:\n  s:\n    type: message\n    next: e\n"
        "    e:\n      type: end\n"
    )
    (message,) = _messages(text)
    assert message.startswith(
        "7:5: step `s`: unknown key `e`: it looks like a step indented too far"
    )


def test_an_unclosed_quote_is_reported_where_it_opens() -> None:
    text = 'journey: a\nentry: s\nnodes:\n  s:\n    type: message\n    say: "Hello\n    next: e\n'
    assert _messages(text) == ["6:10: a quoted text opened at line 6, column 10 is never closed"]
