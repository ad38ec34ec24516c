"""Asterisk dialplans: every construct read, findings at the file's own lines."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from journeymap.diagram import diagram_source, element_id, render
from journeymap.engine import audit_journeys
from journeymap.findings import Finding
from journeymap.importers import asterisk
from journeymap.loader import LoadedJourney, Problem
from journeymap.reading import load_package

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "asterisk"
VENDOR = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "vendor"
LOOPS_AND_DEAD_ENDS = ("JM1", "JM2")


def _load(path: Path) -> LoadedJourney:
    loaded, problems = load_package(asterisk, path)
    assert problems == [], [str(p) for p in problems]
    assert loaded is not None
    return loaded


def _problem(path: Path) -> Problem:
    loaded, problems = load_package(asterisk, path)
    assert loaded is None and len(problems) == 1, problems
    return problems[0]


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _steps(loaded: LoadedJourney) -> dict[str, dict[str, Any]]:
    return {sid: s.model_dump(exclude_defaults=True) for sid, s in loaded.journey.nodes.items()}


def _to(value: Any) -> Any:
    return value["to"] if isinstance(value, dict) else value


def _findings(loaded: LoadedJourney) -> list[Finding]:
    return list(audit_journeys([loaded]).journeys[0].findings)


def _named(loaded: LoadedJourney) -> set[tuple[str, str | None]]:
    return {(f.name, f.source_ref) for f in _findings(loaded)}


# --------------------------------------------------------------------------- constructs


def test_a_well_built_menu_is_a_bounded_menu_with_people_behind_it() -> None:
    loaded = _load(FIXTURES / "main-menu.conf")
    steps = _steps(loaded)
    menu = steps["incoming,s,6"]  # the WaitExten priority, `n` resolved to its number
    assert menu["type"] == "menu"
    assert menu["say"] == "(recording: custom/welcome, custom/main-menu)"
    assert set(menu["options"]) == {"1", "2", "0", "_8XX"}
    assert menu["options"]["_8XX"]["label"] == "pattern _8XX"
    # i plays a message and goes back round; t goes straight back: through the counter
    assert _to(menu["no_match"]) == "incoming,i,1"
    assert _to(steps["incoming,i,1"]["next"]) == "incoming,s,4"
    counter = steps["incoming,s,4"]
    assert counter["type"] == "condition"
    assert set(counter["branches"]) == {"loop", "tries used up"}
    assert _to(counter["branches"]["loop"]) == "incoming,s,6"
    assert menu["max_retries"] == 3 and _to(menu["on_fail"]) == "incoming,operator,1"
    # the queue: a person next, its time-out on to voicemail (served)
    queue = steps["incoming,1,1"]
    assert queue["type"] == "queue" and _to(queue["next"]) == "incoming,1,1.agent"
    assert queue["on_timeout"] == {"to": "incoming,1,2", "label": "timeout"}
    assert steps["incoming,1,2"]["type"] == "self_service"
    # Dial to a phone: answered is a person, no answer goes on to voicemail
    dial = steps["incoming,operator,1"]
    assert dial["type"] == "condition"
    assert _to(dial["branches"]["no answer (timed out or busy)"]) == "incoming,operator,2"
    assert steps[_to(dial["branches"]["answered (PJSIP/100)"])]["type"] == "agent"
    # a well-built menu audits clean of loop and dead-end findings
    assert [f for f in _findings(loaded) if f.rule.startswith(LOOPS_AND_DEAD_ENDS)] == []
    # the entry: the one root context, entered at any of its extensions
    assert loaded.journey.entry in ("incoming.dialed", ["incoming.dialed"])


def test_h_is_not_a_route_and_nothing_leads_there() -> None:
    steps = _steps(_load(FIXTURES / "main-menu.conf"))
    assert not any(step.get("source", "").startswith("incoming,h,") for step in steps.values())


def test_block_files_point_at_each_priority_line() -> None:
    package = asterisk.read_package(FIXTURES / "main-menu.conf", lambda p: p.read_text())
    places = asterisk.block_files(package)
    assert places["incoming,s,6"][1:] == (10, 2)  # ` same => n,WaitExten(5)`
    assert places["incoming,1,1"][1:] == (12, 1)
    assert places["incoming"][1:] == (4, 1)


def test_opening_hours_templates_append_and_comments(tmp_path: Path) -> None:
    loaded = _load(FIXTURES / "open-hours.conf")
    steps = _steps(loaded)
    hours = steps["hours,s,1"]
    assert set(hours["branches"]) == {"open (09:00-17:00,mon-fri,*,*)", "closed"}
    assert _to(hours["branches"]["closed"]) == "hours,s,2"
    # the template's lines run in the context that inherits it
    entry = loaded.journey.entry
    assert "hours,s,1" in (entry if isinstance(entry, list) else [entry])
    # (+) adds priorities 2 and 3 to [support]; the Dial's no-answer ends in Congestion()
    assert steps["support,s,2"]["type"] == "condition"
    assert steps["support,s,3"]["type"] == "end"
    found = _named(loaded)
    assert ("closed-no-alternative", "hours,s,1") in found
    assert ("disconnect-on-error", "support,s,2") in found
    closed = next(f for f in _findings(loaded) if f.name == "closed-no-alternative")
    assert closed.line == 19  # the GotoIfTime line of the file
    # the escaped `\;` in NoOp does not start a comment, the block comment is skipped
    package = asterisk.read_package(FIXTURES / "open-hours.conf", lambda p: p.read_text())
    contexts = asterisk._contexts(package)
    assert contexts["from-pstn"].extens["s"][1].args == "checks; then the hours"


def test_menus_without_handlers_loops_reads_and_subroutines() -> None:
    loaded = _load(FIXTURES / "constructs.conf")
    steps = _steps(loaded)
    found = _named(loaded)
    # i/t that only go back round: unbounded
    assert ("unbounded-retry", "loop-menu,s,2") in found
    # no i and no t: Asterisk hangs up, judged as failures
    menu = steps["no-handlers,s,2"]
    assert menu["no_match"]["label"] == "no match" and menu["no_input"]["label"] == "no input"
    assert steps[_to(menu["no_match"])]["outcome"] == "disconnected"
    assert ("disconnect-on-error", "no-handlers,s,2") in found
    # Read then Goto(${CHOICE},1): a menu of the context's extensions; `i` => Busy ends
    # the call, reported where the wrong key is pressed
    read = steps["read-menu,s,1"]
    assert read["type"] == "menu" and set(read["options"]) == {"1"}
    assert ("disconnect-on-error", "read-menu,s,1") in found
    assert steps["read-menu,1,1"]["type"] == "agent"  # ConfBridge: people
    # Read otherwise: an input; AGI a self-service task; GotoIf both ways; While
    assert steps["account,s,1"]["type"] == "input"
    assert steps["account,s,1"]["collects"] == ["ACCOUNT"]
    assert steps["account,s,2"]["type"] == "self_service"
    assert set(steps["account,s,3"]["branches"]) == {'"${FOUND}" = "1"', "otherwise"}
    assert set(steps["account,s,7"]["branches"]) == {"${I} < 3", "loop done"}
    trunk = _to(steps["account,s,10"]["branches"]["answered (SIP/18005550100@provider)"])
    assert steps[trunk]["team"] == "outside"
    # a DISA dial tone out to the number the caller dials: their own call, `external`
    assert steps["outside,_NXXNXXXXXX,1"]["type"] == "external"
    # a Goto to a context that is not there, an unknown application: external, named
    assert "missing-context" in steps["misc,s,1.external"]["target"]
    assert "constructs.conf:57" in steps["misc,s,1.external"]["target"]
    assert steps["start,#,1"]["type"] == "external"
    assert "CustomThing" in steps["start,#,1"]["target"]
    # Gosub into a subroutine that talks: its steps, and a return to each caller
    back = {k: _to(v) for k, v in steps["announce.return"]["branches"].items()}
    assert back == {"back to start,7,1": "announce,s,1", "back to start,7,2": "start,7,3"}
    # Macro into a macro that only sets things: folded
    assert steps["start,8,2"]["type"] == "message"
    # DISA: a dial tone of the context's numbers; Directory: a name, then a number
    assert steps["start,9,1"]["type"] == "menu" and "open-question" in steps["start,9,1"]["tags"]
    assert steps["start,*,1"]["type"] == "input"
    assert "nothing chosen" in steps["start,*,1.chosen"]["branches"]
    # falling off the last priority ends the call
    assert steps["no-handlers,1,1.end"]["type"] == "end"


def test_an_included_file_glob_and_a_missing_tryinclude() -> None:
    loaded = _load(FIXTURES / "split" / "extensions.conf")
    menu = next(f for f in _findings(loaded) if f.name == "unbounded-retry")
    assert menu.file.endswith(os.path.join("conf.d", "10-menu.conf")) and menu.line == 3
    queue = next(f for f in _findings(loaded) if f.name == "closed-no-alternative")
    assert queue.file.endswith("20-queue.conf") and queue.source_ref == "queue,s,1"


def test_freepbx_ivrs_audit_as_the_menus_built() -> None:
    loaded = _load(FIXTURES / "freepbx" / "extensions.conf")
    steps = _steps(loaded)
    main = steps["ivr-2,s,12"]
    assert main["say"] == "(recording: custom/main-menu)"
    assert set(main["options"]) == {
        "0",
        "1",
        "2",
        "3",
        "9",
        "dials an extension (from-did-direct-ivr)",
    }
    assert main["max_retries"] == 3 and _to(main["on_fail"]) == "ivr-2,i,5"
    billing = steps["ivr-3,s,11"]
    assert billing["max_retries"] == 2
    found = _named(loaded)
    assert ("unbounded-retry", "ivr-2,s,12") not in found
    assert ("unbounded-retry", "ivr-3,s,11") not in found
    # ivr-3 has no invalid destination: FreePBX hangs up on the first wrong key
    assert ("disconnect-on-error", "ivr-3,s,11") in found
    assert not any(f.name in ("no-zero-out", "endless-loop", "dead-end") for f in _findings(loaded))
    # the queue and the ring group are people; closed hours lead to voicemail
    assert steps["ext-queues,600,5"]["type"] == "queue"
    times = steps["timeconditions,1,2"]["branches"]
    assert set(times) == {"open (08:00-17:00,mon-fri,*,*)", "closed"}
    wrong = next(f for f in _findings(loaded) if f.name == "disconnect-on-error")
    assert wrong.file.endswith("extensions_additional.conf") and wrong.line == 142


# --------------------------------------------------------------------------- how Asterisk runs


def test_time_outs_dial_tones_and_the_numbers_callers_dial() -> None:
    loaded = _load(FIXTURES / "dial-tones.conf")
    steps = _steps(loaded)
    found = _named(loaded)
    menu = steps["incoming,s,5"]
    # WaitExten with a priority after it: silence goes on there (pbx_builtins.c), so the
    # `t` written for it is never used; the Hangup() there is that route's own end
    assert steps[_to(menu["no_input"])]["source"] == "incoming,s,5"
    assert ("disconnect-on-error", "incoming,s,5") in found
    assert ("unreachable", "incoming,t,1") in found
    # a decision that jumps to the same Hangup() is not a failure for that
    assert not any(block == "incoming,s,3" for _, block in found)
    # Busy() on purpose is an end judged by the way in: no finding at the Busy line
    assert steps["incoming,s,7"]["type"] == "end"
    assert not any(block == "incoming,s,7" for _, block in found)
    # a Goto to `info-${EXTEN}` from _[3-5]: there is no info-5, Asterisk hangs up
    info = steps["incoming,_[3-5],1"]["branches"]
    assert set(info) == {"info-3", "info-4", "error: no label info-5"}
    assert ("disconnect-on-error", "incoming,_[3-5],1") in found
    # the number the caller dialled: a phone here (not answered is not a failure), a
    # number outside (their own call leaves the phone system)
    dial = steps["incoming,_2XX,1"]["branches"]
    assert set(dial) == {"answered (PJSIP/${EXTEN})", "not answered (the number dialled)"}
    assert steps["incoming,_9NXXNXXXXXX,1"]["type"] == "external"
    assert "number dialled" in steps["incoming,_9NXXNXXXXXX,1"]["target"]
    # a dial tone: a wrong number goes to `i` of the context it dials into, silence to
    # the reorder tone; the `i` beside the DISA is never used
    tone = steps["night-line,s,1"]
    assert _to(tone["no_match"]) == "volunteers,i,1"
    assert "reorder" in steps[_to(tone["no_input"])]["say"]
    assert ("unreachable", "night-line,i,1") in found
    assert ("disconnect-on-error", "night-line,s,1") in found
    assert not any(str(block).startswith("volunteers,") for _, block in found)
    # a table of numbers that each ring one phone: not answered is the called party
    assert "not answered (the number dialled)" in steps["volunteers,201,1"]["branches"]
    # a Goto worked out as the call runs whose every label leads on alike: no decision
    assert _to(menu["options"]["7"]) == "incoming,s,5"
    assert "incoming,7,1" not in steps
    # a prompt, then a Goto to the WaitExten's label: one menu, at the WaitExten
    assert "call-back,s,2" not in steps
    assert steps["call-back,s,6"]["say"] == "(recording: custom/press-1-to-be-called-back)"
    # hold music with no duration: no way on
    assert "next" not in steps["hold-music,s,1"]
    assert ("dead-end", "hold-music,s,1") in found


def test_staff_phones_are_followed_apart_and_menus_read_as_asterisk_runs_them() -> None:
    loaded = _load(FIXTURES / "office-pbx.conf")
    steps = _steps(loaded)
    found = _named(loaded)
    # the subroutine both use returns to customers in one half and to staff in the other
    back = steps["sub-recorded.return"]["branches"]
    assert set(back) == {"back to from-trunk,s,2"}
    assert set(steps["staff.sub-recorded.return"]["branches"]) == {"back to features,*72,2"}
    assert "from-internal" in (loaded.journey.description or "")
    # staff features: person rules silenced, the retry loop still reported
    assert "no-human-exit" in steps["features,*72,3"]["ignore"]
    assert ("unbounded-retry", "features,*72,3") in found
    read = steps["features,*72,3"]
    assert read["type"] == "input" and _to(read["no_input"]) == "features,*72,3"
    # Read then GotoIf tests of what was read: a menu of the values tested
    menu = steps["from-trunk,s,3"]
    assert menu["type"] == "menu" and set(menu["options"]) == {"1", "2", "3"}
    assert _to(menu["no_match"]) == "from-trunk,s,7"
    assert ("unbounded-retry", "from-trunk,s,3") in found
    # a menu in a context that is only included offers the includer's numbers too
    assert "_2XX" in steps["greeter,s,2"]["options"]
    assert ("no-zero-out", "greeter,s,2") not in found
    # Background(m) then Read: one menu at the Read; no call passes ARG2, so the
    # password check never runs
    check = steps["macro-recording,check,2"]
    assert check["say"] == "(recording: custom/listen-or-record)"
    assert set(check["options"]) == {"1", "*"}
    assert not any(step.get("tags") == ["auth"] for step in steps.values())
    assert ("endless-loop", "macro-recording,check,2") in found
    assert ("unreachable", "macro-recording,i,1") in found  # `m`: wrong keys never stop it
    # "# to hang up" and silence do the same: not a failure of the menu
    assert "disconnect-on-error" in steps["message-line,s,2"]["ignore"]
    assert ("disconnect-on-error", "message-line,s,2") not in found


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("[ctx\nexten => s,1,Hangup\n", 1, 1, "`]`"),
        ("[ctx]\nHangup\n", 2, 1, "expected `exten => ...`"),
        ("exten => s,1,Hangup\n", 1, 1, "before any `[context]`"),
        ("[ctx]\nexten => s,1\n", 2, 10, "EXTENSION,PRIORITY"),
        ("[ctx]\nexten => s,1,Dial(SIP/100\n", 2, 14, "`)`"),
        ("[ctx]\nexten => s,n,Hangup\n", 2, 10, "first priority"),
        ("[ctx]\nsame => n,Hangup\n", 2, 1, "`exten =>` line before"),
        ("[ctx]\nexten => s,nope,Hangup\n", 2, 10, "priority"),
        ("[ctx](tpl)\nexten => s,1,Hangup\n", 1, 1, "not a template"),
        ("[general]\n", 1, 1, "no context"),
        ("[ctx]\n#exec /bin/make-dialplan\n", 2, 1, "never runs programs"),
    ],
)
def test_broken_lines_are_problems_at_their_place(
    tmp_path: Path, text: str, line: int, column: int, words: str
) -> None:
    problem = _problem(_write(tmp_path, "extensions.conf", text))
    assert (problem.line, problem.column) == (line, column), problem
    assert words in problem.message


def test_include_loops_and_missing_includes(tmp_path: Path) -> None:
    _write(tmp_path, "a.conf", "[ctx]\nexten => s,1,Hangup\n#include b.conf\n")
    _write(tmp_path, "b.conf", "; b\n#include a.conf\n")
    problem = _problem(tmp_path / "a.conf")
    assert problem.file.endswith("b.conf") and problem.line == 2 and "loops back" in problem.message
    missing = _write(tmp_path, "c.conf", "[ctx]\nexten => s,1,Hangup\n\n#include gone.conf\n")
    loaded = _load(missing)  # audited all the same; the gap is an external step at its line
    (gap,) = [s for s in loaded.journey.nodes.values() if s.type == "external"]
    assert gap.source == "#include@c.conf:4" and "gone.conf" in str(gap.target)
    gap_id = next(k for k, s in loaded.journey.nodes.items() if s is gap)
    assert loaded.step_position(gap_id) == (4, 1)
    (entry,) = [s for s in loaded.journey.nodes.values() if s.source == "(flow)"]
    assert gap_id in str(entry.branches)  # one of the ways into the dialplan
    fine = _write(tmp_path, "d.conf", "[ctx]\nexten => s,1,Hangup\n#tryinclude gone.conf\n")
    assert _load(fine).journey.nodes


def test_binary_garbage_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "extensions.conf"
    path.write_bytes(bytes(range(256)) * 4)
    loaded, problems = load_package(asterisk, path)
    assert loaded is None and problems and problems[0].line >= 1


def test_claims_dialplans_only() -> None:
    text = (FIXTURES / "main-menu.conf").read_text()
    assert asterisk.claims(FIXTURES / "main-menu.conf", text)
    assert not asterisk.claims(Path("x.conf"), "[general]\nstatic=yes\n")
    assert not asterisk.claims(Path("x.xml"), "<include><menu name='x'/></include>")
    assert asterisk.includes(FIXTURES / "split" / "extensions.conf", "#include conf.d/*.conf\n")


# --------------------------------------------------------------------------- diagrams, real files


def _render(loaded: LoadedJourney) -> None:
    audit = audit_journeys([loaded]).journeys[0]
    source, engine = diagram_source(loaded, audit)
    root = ET.fromstring(render(source, "svg", engine))
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    assert element_id("step", loaded.id, next(iter(loaded.journey.nodes))) in ids


def test_the_freepbx_system_renders_with_graphviz() -> None:
    _render(_load(FIXTURES / "freepbx" / "extensions.conf"))


VENDOR_FILES = sorted((VENDOR / "asterisk").glob("*.conf")) if VENDOR.is_dir() else []


@pytest.mark.skipif(not VENDOR_FILES, reason="the shared vendor fixtures are not here")
@pytest.mark.parametrize("path", VENDOR_FILES, ids=lambda p: p.name[:40])
def test_every_real_dialplan_loads_audits_and_renders(path: Path, tmp_path: Path) -> None:
    # two of them #include a file their project did not publish (secrets, FreePBX's
    # custom globals): audited all the same, the missing file an external step at its line
    loaded = _load(path)
    for step in loaded.journey.nodes.values():
        if step.source and step.source.startswith("#include@"):
            assert step.type == "external" and "not audited" in str(step.target)
    audit_journeys([loaded])
    assert all(
        (step.source is not None and not step.source.startswith("(")) or step.source == "(flow)"
        for step in loaded.journey.nodes.values()
    )
    _render(loaded)
