"""FreeSWITCH mod_ivr menus: every construct read, findings at the file's own lines."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from journeymap.diagram import diagram_source, element_id, render
from journeymap.engine import audit_journeys
from journeymap.findings import Finding
from journeymap.importers import freeswitch
from journeymap.importers.xmltree import Element
from journeymap.loader import LoadedJourney, Problem
from journeymap.reading import load_package

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "freeswitch"
ACME = FIXTURES / "acme" / "autoload_configs" / "ivr.conf.xml"
VENDOR = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "vendor"
LOOP_AND_DEAD_END = ("JM1", "JM2")


def _load(path: Path) -> LoadedJourney:
    loaded, problems = load_package(freeswitch, path)
    assert problems == [], [str(p) for p in problems]
    assert loaded is not None
    return loaded


def _problem(path: Path) -> Problem:
    loaded, problems = load_package(freeswitch, path)
    assert loaded is None and len(problems) == 1, problems
    return problems[0]


def _findings(loaded: LoadedJourney) -> list[Finding]:
    return list(audit_journeys([loaded]).journeys[0].findings)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _menus(tmp_path: Path, body: str, name: str = "menus.xml") -> LoadedJourney:
    """Load an ``<include>`` of menus written for one test."""
    return _load(_write(tmp_path, name, f"<include>\n{body}\n</include>\n"))


def _steps(loaded: LoadedJourney) -> dict[str, dict[str, Any]]:
    """Each step as data, without the defaults (an end keeps its outcome)."""
    steps = {}
    for sid, step in loaded.journey.nodes.items():
        steps[sid] = step.model_dump(exclude_defaults=True)
        if step.type == "end":
            steps[sid]["outcome"] = step.outcome
    return steps


def _to(route: Any) -> str:
    return str(route["to"] if isinstance(route, dict) else route)


def _option(loaded: LoadedJourney, menu: str, key: str) -> dict[str, Any]:
    """The step option ``key`` of ``menu`` leads to."""
    steps = _steps(loaded)
    return {"id": _to(steps[menu]["options"][key]), **steps[_to(steps[menu]["options"][key])]}


MENU = (
    '<menu name="{name}" greet-long="say:Choose." invalid-sound="ivr/ivr-invalid.wav" '
    'exit-sound="voicemail/vm-goodbye.wav" {attrs}>\n{entries}\n</menu>'
)


def _menu(name: str, *entries: str, attrs: str = "") -> str:
    return MENU.format(name=name, attrs=attrs, entries="\n".join(entries))


# --- the realistic fixtures --------------------------------------------------------------


def test_a_main_menu_with_sub_menus_in_included_files() -> None:
    loaded = _load(ACME)
    steps = _steps(loaded)
    assert loaded.journey.entry == ["acme_main"]
    main = steps["acme_main"]
    assert main["say"] == "(recording: ivr/acme/main_menu.wav)"
    assert main["max_retries"] == 3 and _to(main["on_fail"]) == "acme_main.exit"
    assert steps["acme_main.exit"] == {
        "type": "end",
        "source": "acme_main",
        "say": "(recording: voicemail/vm-goodbye.wav)",
        "outcome": "disconnected",  # leaving the menus after failures
    }
    # menu-sub, menu-top, menu-back across the two included files
    assert _to(main["options"]["1"]) == "acme_orders"
    assert _to(main["options"]["9"]) == "acme_main"
    assert _to(steps["acme_orders"]["options"]["*"]) == "acme_main"
    assert _to(steps["acme_returns"]["options"]["*"]) == "acme_orders"
    assert _to(steps["acme_support"]["options"]["9"]) == "acme_main"
    # a sub-menu that runs out of tries returns to the menu that called it
    assert _to(steps["acme_returns"]["on_fail"]) == "acme_orders"
    assert steps["acme_returns"]["max_retries"] == 2
    # menu-exit from two levels down: the call ends, chosen by the caller
    leave = _option(loaded, "acme_returns", "5")
    assert leave["type"] == "end" and leave["outcome"] == "resolved"
    # the steps stand in their own files, at their own lines
    assert loaded.step_files["acme_support.3"].endswith("acme_support.xml")
    assert loaded.step_position("acme_support.3") == (14, 5)
    assert loaded.step_position("acme_main") == (3, 3)


def test_the_acme_findings_point_at_the_menu_files() -> None:
    found = {(f.name, f.source_ref, Path(f.file).name, f.line) for f in _findings(_load(ACME))}
    assert found == {
        ("disconnect-on-error", "acme_main", "acme_main.xml", 3),
        ("disconnect-on-error", "acme_support/3", "acme_support.xml", 14),
        ("disconnect-on-error", "acme_returns/1", "acme_support.xml", 27),
        ("wide-menu", "acme_main", "acme_main.xml", 3),
    }


def test_a_trap_menu_with_no_person_and_no_real_limit() -> None:
    findings = _findings(_load(FIXTURES / "store_info.xml"))
    found = {(f.name, f.node, f.line) for f in findings}
    assert ("unbounded-retry", "store_info", 7) in found
    assert ("unbounded-retry", "store_offers", 20) in found
    assert ("no-human-exit", "store_info", 7) in found
    retry = next(f for f in findings if f.name == "unbounded-retry")
    assert "99 times" in retry.message


def test_a_well_designed_menu_audits_clean_of_loops_and_dead_ends() -> None:
    loaded = _load(FIXTURES / "clinic.xml")
    findings = _findings(loaded)
    assert [f for f in findings if f.rule.startswith(LOOP_AND_DEAD_END)] == []
    steps = _steps(loaded)
    # after three failed tries the front desk takes the call
    assert _option(loaded, "clinic_main", "0")["type"] == "agent"
    assert steps[_to(steps["clinic_main"]["on_fail"])]["type"] == "agent"
    assert "clinic_main.exit" not in steps  # nothing leads out of the menus


def test_the_acme_menus_render_with_graphviz() -> None:
    loaded = _load(ACME)
    audit = audit_journeys([loaded]).journeys[0]
    source, engine = diagram_source(loaded, audit)
    root = ET.fromstring(render(source, "svg", engine))
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    for step in loaded.journey.nodes:
        assert element_id("step", loaded.id, step) in ids


# --- each construct ----------------------------------------------------------------------


def test_greetings_and_retry_limits(tmp_path: Path) -> None:
    loaded = _menus(
        tmp_path,
        '<menu name="a" greet-long="phrase:demo_ivr_main_menu" max-failures="2" '
        'max-timeouts="4"><entry action="menu-sub" digits="1" param="b"/></menu>\n'
        '<menu name="b" greet-long="say:Press star to go back." max-failures="0">'
        '<entry action="menu-back" digits="*"/></menu>\n'
        '<menu name="c" greet-long="tone_stream://%(200,0,500)" max-failures="5">'
        '<entry action="menu-sub" digits="1" param="a"/></menu>',
    )
    steps = _steps(loaded)
    assert steps["a"]["say"] == "(phrase: demo_ivr_main_menu)"
    assert steps["a"]["max_retries"] == 4  # the larger of failures and time-outs
    assert steps["b"]["say"] == "Press star to go back."
    assert steps["b"]["max_retries"] == 3  # FreeSWITCH's default for 0 or unset
    assert steps["c"]["say"] == "(tones)"
    assert steps["c"]["max_retries"] == 5  # time-outs default to max-failures
    for name in ("a", "b", "c"):
        assert _to(steps[name]["no_input"]) == name and _to(steps[name]["no_match"]) == name
    assert freeswitch.tries(Element("menu", {}, 1, 1)) == (3, 3)
    assert freeswitch.tries(
        Element("menu", {"max-failures": "2x", "max-timeouts": "-1"}, 1, 1)
    ) == (
        2,
        3,
    )


def test_transfers_voicemail_hangup_and_messages(tmp_path: Path) -> None:
    loaded = _menus(
        tmp_path,
        _menu(
            "main",
            '<entry action="menu-exec-app" digits="1" param="transfer 1000 XML default"/>',
            '<entry action="menu-exec-app" digits="2" param="transfer *98 XML default"/>',
            '<entry action="menu-exec-app" digits="3" param="voicemail default $${domain} 1000"/>',
            '<entry action="menu-exec-app" digits="4" param="playback ivr/hours.wav"/>',
            '<entry action="menu-play-sound" digits="5" param="say:We open at nine."/>',
            '<entry action="menu-exec-app" digits="6" param="hangup"/>',
            '<entry action="menu-exec-app" digits="7" param="set language=fr"/>',
            '<entry action="menu-exec-app" digits="8" param="callcenter sales@default"/>',
            '<entry action="menu-exec-app" digits="0" param="fifo reception@$${domain} in"/>',
            '<entry action="menu-exec-app" digits="/^(10[01][0-9])$/" '
            'param="transfer $1 XML default"/>',
        ),
    )
    steps = _steps(loaded)
    person = _option(loaded, "main", "1")
    assert person["type"] == "agent" and person["source"] == "main/1"
    assert loaded.journey.teams[person["team"]].name == "Extension 1000"
    assert steps[person["next"]["to"]]["outcome"] == "resolved"
    assert _option(loaded, "main", "2")["type"] == "self_service"
    mail = _option(loaded, "main", "3")
    assert mail["type"] == "self_service" and mail["say"] == "(leaves a voicemail for 1000)"
    played = _option(loaded, "main", "4")
    assert played["type"] == "message" and played["say"] == "(recording: ivr/hours.wav)"
    assert _to(played["next"]) == "main"
    said = _option(loaded, "main", "5")
    assert said["say"] == "We open at nine." and _to(said["next"]) == "main"
    hung = _option(loaded, "main", "6")
    assert hung["type"] == "end" and hung["outcome"] == "resolved"  # the caller chose it
    assert _to(steps["main"]["options"]["7"]) == "main"
    assert steps["main"]["options"]["7"]["label"] == "set language=fr"
    for key in ("8", "0"):
        queue = _option(loaded, "main", key)
        assert queue["type"] == "queue" and steps[_to(queue["next"])]["type"] == "agent"
        assert "queue-no-callback" in queue["ignore"]
    dialled = _option(loaded, "main", "/^(10[01][0-9])$/")
    assert dialled["type"] == "agent" and dialled["source"] == "main//^(10[01][0-9])$/"
    assert loaded.journey.teams[dialled["team"]].name == "The extension dialled"


def test_bridge_to_a_phone_and_to_an_outside_line(tmp_path: Path) -> None:
    loaded = _menus(
        tmp_path,
        _menu(
            "main",
            '<entry action="menu-exec-app" digits="1" param="bridge user/1001@$${domain}"/>',
            '<entry action="menu-exec-app" digits="2" '
            'param="bridge {origination_caller_id_number=5000}sofia/gateway/telco/18005550100"/>',
        ),
    )
    steps = _steps(loaded)
    dialling = _option(loaded, "main", "1")
    assert dialling["type"] == "condition"
    answered = steps[_to(dialling["branches"]["answered"])]
    assert answered["type"] == "agent"
    assert loaded.journey.teams[answered["team"]].name == "Extension 1001"
    failed = steps[_to(dialling["branches"]["dial failed (busy, no answer)"])]
    assert failed["type"] == "end" and failed["outcome"] == "disconnected"
    outside = steps[_to(_option(loaded, "main", "2")["branches"]["answered"])]
    team = loaded.journey.teams[outside["team"]]
    assert team.kind == "vendor" and team.name == "Outside line telco"
    assert "outside line" in outside["say"]
    found = {(f.name, f.source_ref, f.line) for f in _findings(loaded)}
    assert ("disconnect-on-error", "main/1", 3) in found


def test_scripts_other_menus_and_unknown_applications(tmp_path: Path) -> None:
    loaded = _menus(
        tmp_path,
        _menu(
            "main",
            '<entry action="menu-exec-app" digits="1" param="lua directory.lua sales"/>',
            '<entry action="menu-exec-app" digits="2" param="ivr billing_menu"/>',
            '<entry action="menu-exec-app" digits="3" param="transfert 1000 XML default"/>',
            '<entry action="menu-exec-app" digits="4" param="ivr nowhere"/>',
            '<entry action="menu-sub" digits="5" param="missing_menu"/>',
        )
        + "\n"
        + _menu("billing_menu", '<entry action="menu-back" digits="*"/>'),
    )
    steps = _steps(loaded)
    script = _option(loaded, "main", "1")
    assert script["type"] == "external"
    assert script["target"].startswith("the lua script directory.lua (")
    assert "menus.xml:3)" in script["target"]
    assert _to(steps["main"]["options"]["2"]) == "billing_menu"
    assert _to(steps["billing_menu"]["options"]["*"]) == "main"  # back where ivr ran
    assert _to(steps["billing_menu"]["on_fail"]) == "main"
    typo = _option(loaded, "main", "3")
    assert typo["type"] == "external" and 'application "transfert"' in typo["target"]
    assert "menus.xml:5" in typo["target"]
    assert "not in the files read" in _option(loaded, "main", "4")["target"]
    assert '"missing_menu"' in _option(loaded, "main", "5")["target"]
    assert loaded.journey.entry == ["main"]


def test_menu_top_and_menu_back_with_several_ways_in(tmp_path: Path) -> None:
    loaded = _menus(
        tmp_path,
        _menu("day", '<entry action="menu-sub" digits="1" param="shared"/>')
        + _menu("night", '<entry action="menu-sub" digits="1" param="shared"/>')
        + _menu(
            "shared",
            '<entry action="menu-back" digits="*"/>',
            '<entry action="menu-top" digits="0"/>',
            '<entry action="menu-exit" digits="9"/>',
        ),
    )
    steps = _steps(loaded)
    # two menus nobody reaches: the dialplan decides which one a call starts in
    (entry,) = loaded.journey.entry
    assert steps[entry]["type"] == "condition" and steps[entry]["source"] == "(flow)"
    assert {k: _to(v) for k, v in steps[entry]["branches"].items()} == {
        "day": "day",
        "night": "night",
    }
    back = _option(loaded, "shared", "*")
    assert {_to(v) for v in back["branches"].values()} == {"day", "night"}
    top = _option(loaded, "shared", "0")
    assert {_to(v) for v in top["branches"].values()} == {"day", "night"}
    leave = _option(loaded, "shared", "9")
    assert {steps[_to(v)]["type"] for v in leave["branches"].values()} == {"end"}
    # a menu-back in a menu the call started in leaves the menus
    alone = _menus(tmp_path, _menu("only", '<entry action="menu-back" digits="*"/>'), "b.xml")
    assert _option(alone, "only", "*")["type"] == "end"


def test_menus_that_call_each_other(tmp_path: Path) -> None:
    loaded = _menus(
        tmp_path,
        _menu("a", '<entry action="menu-sub" digits="1" param="b"/>')
        + _menu(
            "b",
            '<entry action="menu-sub" digits="1" param="a"/>',
            '<entry action="menu-sub" digits="2" param="b"/>',
        ),
    )
    steps = _steps(loaded)
    assert loaded.journey.entry == ["a"]  # every menu is reached: the first one starts
    assert _to(steps["b"]["options"]["2"]) == "b"  # a menu-sub to itself plays it again
    leave = steps[_to(steps["a"]["on_fail"])]
    assert {k: steps[_to(v)]["type"] for k, v in leave["branches"].items()} == {
        "back to b": "menu",
        "started in a": "end",
    }
    assert "endless-loop" not in {f.name for f in _findings(loaded)}


def test_what_happens_after_the_limit(tmp_path: Path) -> None:
    loaded = _menus(
        tmp_path,
        _menu(
            "main",
            '<entry action="menu-exec-app" digits="0" param="transfer 0 XML default"/>',
            attrs='exec-on-max-failures="transfer 0 XML default" '
            'exec-on-max-timeouts="playback ivr/ivr-call_cannot_be_completed_as_dialed.wav"',
        ),
    )
    steps = _steps(loaded)
    limit = steps[_to(steps["main"]["on_fail"])]
    assert limit["type"] == "condition"
    wrong = steps[_to(limit["branches"]["max failures (wrong keys)"])]
    silent = steps[_to(limit["branches"]["max timeouts (silence)"])]
    assert wrong["type"] == "agent"
    assert silent["type"] == "message" and steps[_to(silent["next"])]["type"] == "end"
    assert steps[_to(silent["next"])]["outcome"] == "disconnected"


def test_a_pin_is_asked_before_the_menu(tmp_path: Path) -> None:
    loaded = _menus(
        tmp_path,
        _menu("staff", '<entry action="menu-exit" digits="9"/>', attrs='pin="4321"'),
    )
    steps = _steps(loaded)
    assert loaded.journey.entry == ["staff.pin"]
    pin = steps["staff.pin"]
    assert pin["type"] == "input" and pin["collects"] == ["pin"] and _to(pin["next"]) == "staff"
    assert _to(pin["on_fail"]) == "staff"  # FreeSWITCH enters the menu even so


def test_constructs_not_read_are_named_with_their_line(tmp_path: Path) -> None:
    loaded = _menus(
        tmp_path,
        _menu(
            "main",
            '<entry action="menu-goto" digits="1" param="other"/>',
            '<entry action="menu-top"/>',
            '<entry action="menu-exec-app" digits="2" param="transfer 1000"/>',
            '<entry action="menu-exec-app" digits="2" param="transfer 1001"/>',
            '<prompt file="ivr/x.wav"/>',
        )
        + "\n"
        + _menu("main", '<entry action="menu-top" digits="1"/>')
        + '\n<X-PRE-PROCESS cmd="include" data="$${conf_dir}/ivr_menus/*.xml"/>'
        + '\n<X-PRE-PROCESS cmd="set" data="domain=example.com"/>',
    )
    steps = _steps(loaded)
    unknown = _option(loaded, "main", "1")
    assert unknown["type"] == "external" and unknown["source"] == "main/1"
    assert 'the action "menu-goto" (' in unknown["target"] and "menus.xml:3)" in unknown["target"]
    # both entries on the same digits are kept: FreeSWITCH runs every match
    assert set(steps["main"]["options"]) == {"1", "2", "2 (line 6)"}
    targets = {s["target"] for s in steps.values() if s["type"] == "external"}
    assert any("an <entry> with no digits (" in t and ":4)" in t for t in targets)
    assert any("<prompt>" in t and ":7)" in t for t in targets)
    assert any('a second menu named "main"' in t and ":2" in t for t in targets)
    assert any("$${conf_dir}/ivr_menus/*.xml" in t for t in targets)
    assert not any("domain=example.com" in t for t in targets)  # a variable: no route
    unreachable = {(f.line, f.source_ref) for f in _findings(loaded) if f.name == "unreachable"}
    assert {line for line, _ in unreachable} == {4, 7, 9, 12}


def test_includes_inside_a_menu_and_the_include_list(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "common/operator.xml",
        '<include>\n  <entry action="menu-exec-app" digits="0" param="transfer 0 XML default"/>\n'
        "</include>\n",
    )
    main = _write(
        tmp_path,
        "menus/main.xml",
        "<include>\n"
        + _menu(
            "main",
            '<X-PRE-PROCESS cmd="include" data="../common/operator.xml"/>',
            '<entry action="menu-sub" digits="1" param="sub"/>',
        )
        + _menu("sub", '<X-PRE-PROCESS cmd="include" data="../common/operator.xml"/>')
        + '\n<X-PRE-PROCESS cmd="include" data="none/*.xml"/>\n</include>\n',
    )
    loaded = _load(main)
    assert _option(loaded, "main", "0")["type"] == "agent"
    assert _option(loaded, "sub", "0")["type"] == "agent"  # included again, in each menu
    assert loaded.step_files[_to(_steps(loaded)["main"]["options"]["0"])].endswith("operator.xml")
    assert loaded.step_position(_to(_steps(loaded)["sub"]["options"]["0"])) == (2, 3)
    assert freeswitch.includes(main, main.read_text()) == [tmp_path / "common" / "operator.xml"]
    assert freeswitch.includes(main, "<include><menu") == []


# --- bad input ---------------------------------------------------------------------------


def test_broken_xml_is_a_problem_at_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "broken.xml", '<include>\n  <menu name="a">\n    <entry>\n</include>\n')
    problem = _problem(path)
    assert (problem.file, problem.line) == (str(path), 4)
    assert "XML is broken" in problem.message


def test_a_broken_included_file_is_reported_in_that_file(tmp_path: Path) -> None:
    _write(tmp_path, "menus/bad.xml", "<include>\n<menu name='x'>\n")
    root = _write(
        tmp_path,
        "ivr.conf.xml",
        '<configuration name="ivr.conf">\n<menus>\n'
        '<X-PRE-PROCESS cmd="include" data="menus/*.xml"/>\n</menus>\n</configuration>\n',
    )
    problem = _problem(root)
    assert problem.file.endswith("bad.xml") and problem.line == 3


def test_include_cycles_and_missing_files(tmp_path: Path) -> None:
    one = _write(
        tmp_path,
        "one.xml",
        '<include>\n  <X-PRE-PROCESS cmd="include" data="two.xml"/>\n</include>\n',
    )
    _write(
        tmp_path,
        "two.xml",
        '<include>\n\n  <X-PRE-PROCESS cmd="include" data="one.xml"/>\n</include>\n',
    )
    problem = _problem(one)
    assert problem.file.endswith("two.xml") and (problem.line, problem.column) == (3, 3)
    assert "cycle: one.xml -> two.xml -> one.xml" in problem.message
    missing = _write(
        tmp_path,
        "missing.xml",
        '<include>\n' + _menu("m", '<entry action="menu-top" digits="1"/>')
        + '\n<X-PRE-PROCESS cmd="include" data="gone.xml"/>\n</include>\n',
    )  # fmt: skip
    problem = _problem(missing)
    assert problem.file == str(missing) and problem.line == 5
    assert '"gone.xml" does not exist' in problem.message
    itself = _write(
        tmp_path, "self/all.xml", '<include><X-PRE-PROCESS cmd="include" data="*.xml"/></include>'
    )
    assert "cycle: all.xml -> all.xml" in _problem(itself).message


def test_files_that_are_not_menus(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.xml"
    garbage.write_bytes(b"\x00\xff\xfe<include>\x00\x01" * 50)
    problem = _problem(garbage)
    assert problem.file == str(garbage) and problem.line >= 1
    other = _write(tmp_path, "cc.xml", '<configuration name="callcenter.conf"/>')
    assert '"callcenter.conf", not "ivr.conf"' in _problem(other).message
    empty = _write(
        tmp_path,
        "ivr.conf.xml",
        '<configuration name="ivr.conf">\n  <menus>\n'
        '    <X-PRE-PROCESS cmd="include" data="../nothing/*.xml"/>\n  </menus>\n'
        "</configuration>\n",
    )
    problem = _problem(empty)
    assert problem.line == 1 and "no <menu>" in problem.message
    vxml = _write(tmp_path, "a.vxml", '<vxml version="2.1"><menu id="m"/></vxml>')
    assert "root element is <vxml>" in _problem(vxml).message
    entities = _write(
        tmp_path,
        "bomb.xml",
        '<!DOCTYPE include [<!ENTITY a "aaaa">]>\n<include><menu name="&a;"/></include>',
    )
    assert "entities" in _problem(entities).message


def test_a_long_include_chain_is_read_without_recursion(tmp_path: Path) -> None:
    count = 1100  # deeper than Python's recursion limit
    for i in range(count):
        nxt = f'<X-PRE-PROCESS cmd="include" data="f{i + 1}.xml"/>' if i + 1 < count else ""
        body = _menu(f"m{i}", '<entry action="menu-top" digits="9"/>') if i == count - 1 else ""
        _write(tmp_path, f"f{i}.xml", f"<include>{nxt}{body}</include>")
    loaded = _load(tmp_path / "f0.xml")
    assert loaded.journey.entry == [f"m{count - 1}"]
    assert loaded.step_files[f"m{count - 1}"].endswith(f"f{count - 1}.xml")


def test_a_long_chain_of_menus_loads_whole(tmp_path: Path) -> None:
    def build(size: int) -> Path:
        menus = [
            _menu(
                f"m{i}",
                f'<entry action="menu-sub" digits="1" param="m{i + 1}"/>' if i + 1 < size else "",
                '<entry action="menu-back" digits="*"/>',
                '<entry action="menu-top" digits="0"/>',
                '<entry action="menu-exec-app" digits="2" param="transfer 100 XML default"/>',
            )
            for i in range(size)
        ]
        return _write(tmp_path, f"big{size}.xml", "<include>\n" + "\n".join(menus) + "\n</include>")

    loaded = _load(build(1600))  # speed is measured in tests/benchmarks, not here
    assert len(loaded.journey.nodes) > 1600 * 3
    assert loaded.journey.nodes["m1599"].options  # the last menu, reached through them all


# --- which files ---------------------------------------------------------------------------


def test_claims_menu_files_and_nothing_else(tmp_path: Path) -> None:
    for path in (ACME, *sorted(FIXTURES.rglob("ivr_menus/*.xml")), FIXTURES / "clinic.xml"):
        assert freeswitch.claims(path, path.read_text(encoding="utf-8")), path
    assert not freeswitch.claims(
        Path("default.xml"), '<include>\n  <context name="default">\n</context></include>'
    )
    assert not freeswitch.claims(
        Path("demo.xml"), '<include>\n<!-- <menu name="demo3"> -->\n</include>'
    )
    assert not freeswitch.claims(Path("a.vxml"), '<vxml version="2.1"><menu id="m"/></vxml>')


def test_no_shared_vendor_file_of_another_format_is_claimed() -> None:
    if not VENDOR.is_dir():
        pytest.skip("the shared vendor fixtures are not here")
    for path in sorted(VENDOR.rglob("*")):
        if path.is_file() and path.suffix.lower() in (".xml", ".vxml", ".conf"):
            head = path.read_bytes()[:65536].decode("utf-8", errors="replace")
            assert not freeswitch.claims(path, head), path


def test_import_and_folder_walk_read_a_configuration_once_with_its_menus(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from journeymap.cli import app
    from journeymap.reading import find_journey_files

    acme = FIXTURES / "acme"
    files, problems = find_journey_files([acme])
    assert problems == [] and [Path(f).name for f in files] == ["ivr.conf.xml"]
    result = CliRunner().invoke(
        app, ["import", str(acme / "autoload_configs" / "ivr.conf.xml"), "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    (written,) = tmp_path.glob("*.yaml")
    check = CliRunner().invoke(app, ["validate", str(written)])
    assert check.exit_code == 0 and "OK" in check.stdout
