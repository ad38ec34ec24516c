"""VoiceXML 2.0/2.1: every construct read, end to end through the loader, with findings
at the documents' own lines."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from journeymap.diagram import diagram_source, render
from journeymap.engine import audit_journeys
from journeymap.importers import vxml
from journeymap.loader import LoadedJourney
from journeymap.reading import load_package

FIXTURES = Path(__file__).parent / "fixtures" / "vxml"
BANK = FIXTURES / "bank"
CONSTRUCTS = FIXTURES / "constructs"
VENDOR = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "vendor" / "vxml"


def _load(path: Path) -> LoadedJourney:
    loaded, problems = load_package(vxml, path)
    assert problems == [], [str(p) for p in problems]
    assert loaded is not None
    return loaded


def _problems(path: Path) -> list[str]:
    loaded, problems = load_package(vxml, path)
    assert loaded is None
    return [str(p) for p in problems]


def _steps(loaded: LoadedJourney) -> dict[str, dict[str, Any]]:
    return {
        sid: step.model_dump(exclude_defaults=True) for sid, step in loaded.journey.nodes.items()
    }


def _to(route: Any) -> str:
    return str(route["to"] if isinstance(route, dict) else route)


def _at(loaded: LoadedJourney, source: str, kind: str | None = None) -> tuple[str, dict[str, Any]]:
    """The one step (of ``kind``) made from a block."""
    found = [
        (sid, s)
        for sid, s in _steps(loaded).items()
        if s.get("source") == source and (kind is None or s["type"] == kind)
    ]
    assert len(found) == 1, (source, kind, found)
    return found[0]


def _dial(loaded: LoadedJourney, source: str) -> tuple[str, dict[str, Any]]:
    """The dialling step of a ``<transfer>``."""
    (found,) = [
        (sid, s)
        for sid, s in _steps(loaded).items()
        if s.get("source") == source and s.get("say", "").startswith("(transfers the call")
    ]
    return found


def _findings(loaded: LoadedJourney) -> set[tuple[str, str | None]]:
    return {(f.name, f.source_ref) for f in audit_journeys([loaded]).findings}


def _line(path: Path, needle: str) -> int:
    """The line of the first line of ``path`` that holds ``needle``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(lines, 1) if needle in text)


def _write(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '<?xml version="1.0"?>\n<vxml version="2.1" xmlns="http://www.w3.org/2001/vxml">\n'
        + body
        + "\n</vxml>\n",
        encoding="utf-8",
    )
    return path


# --- menus ---------------------------------------------------------------------------


def test_menu_choices_auto_numbers_and_enumerate() -> None:
    path = CONSTRUCTS / "menus.vxml"
    loaded = _load(path)
    sid, start = _at(loaded, "menus.vxml#start", "menu")
    assert loaded.journey.entry == [sid]
    # dtmf="true": the choices with no key of their own get 1, 2, 3 in order; 9 stays
    assert {k: _to(v) for k, v in start["options"].items()}.keys() == {"1", "2", "3", "9"}
    assert start["options"]["3"]["label"] == "the front desk"
    assert start["options"]["9"]["label"] == "end the call"
    # <enumerate/> is said as the list of choices, so the prompt names every key
    assert "For events this week, press 2." in start["say"]
    assert "For the front desk, press 3." in start["say"]
    found = _findings(loaded)
    assert ("phantom-option", "menus.vxml#start") not in found
    # a prompt that announces a key the menu does not have
    assert ("phantom-option", "menus.vxml#renewals") in found
    # a choice with a phrase and no key is a phrase option
    _, renewals = _at(loaded, "menus.vxml#renewals", "menu")
    assert "librarian" in renewals["options"]
    # noinput and nomatch at count 3 both go to the desk: one bound, one way out
    assert start["max_retries"] == 3 and _to(start["no_match"]) == sid
    desk = _dial(loaded, f"menus.vxml:{_line(path, '<transfer')}")[0]
    assert _to(start["on_fail"]) == desk


def test_a_dtmf_only_menu_has_no_phrase_options(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "keys.vxml",
        """<menu id="m"><property name="inputmodes" value="dtmf"/>
        <prompt>Press 1 for sales.</prompt>
        <choice dtmf="1" next="#bye">sales</choice>
        <choice next="#bye">support</choice>
        </menu>
        <form id="bye"><block><prompt>Bye.</prompt><exit/></block></form>""",
    )
    _, menu = _at(_load(path), "keys.vxml#m", "menu")
    assert list(menu["options"]) == ["1"]  # "support" can only be said: not here


# --- fields and their <filled> -------------------------------------------------------


def test_a_field_is_an_input_and_filled_ifs_are_conditions() -> None:
    loaded = _load(BANK / "main.vxml")
    _, field = _at(loaded, "main.vxml#lost_card.card_kind", "input")
    assert field["collects"] == ["card_kind"]
    assert field["say"] == "Was it a debit card or a credit card?"
    # the application root's <link dtmf="0"> is a command the caller can give here too
    _, commands = _at(loaded, "main.vxml#lost_card.card_kind", "condition")
    assert _to(field["next"]) == _at(loaded, "main.vxml#lost_card.card_kind", "condition")[0]
    line = _line(BANK / "main.vxml", "<if cond=\"card_kind == 'credit'\">")
    if_id, check = _at(loaded, f"main.vxml:{line}", "condition")
    assert _to(commands["branches"]["answered"]) == if_id
    assert list(check["branches"]) == ["card_kind == 'credit'", "otherwise"]
    partner = _line(BANK / "main.vxml", 'name="partner"')
    assert (
        _to(check["branches"]["card_kind == 'credit'"])
        == _at(loaded, f"main.vxml:{partner}", "message")[0]
    )


# --- retries -------------------------------------------------------------------------


def test_escalating_handlers_are_bounded_retries() -> None:
    path = CONSTRUCTS / "retries.vxml"
    loaded = _load(path)
    sid, zip_code = _at(loaded, "retries.vxml#escalating.zip", "input")
    assert zip_code["max_retries"] == 3
    first = _line(path, '<noinput count="1">')
    sorry_id, sorry = _at(loaded, f"retries.vxml:{first}")
    assert _to(zip_code["no_input"]) == sorry_id and _to(sorry["next"]) == sid
    assert sorry["say"] == "Sorry, I did not hear anything."
    person = _dial(loaded, f"retries.vxml:{_line(path, 'tel:+15555550100')}")[0]
    assert _to(zip_code["on_fail"]) == person
    assert ("unbounded-retry", "retries.vxml#escalating.zip") not in _findings(loaded)


def test_a_handler_that_only_reprompts_is_unbounded() -> None:
    loaded = _load(CONSTRUCTS / "retries.vxml")
    _, question = _at(loaded, "retries.vxml#forever.ok", "input")
    assert "max_retries" not in question
    assert ("unbounded-retry", "retries.vxml#forever.ok") in _findings(loaded)


def test_a_counter_tested_in_the_handler_bounds_the_retries() -> None:
    loaded = _load(CONSTRUCTS / "retries.vxml")
    sid, pin = _at(loaded, "retries.vxml#counted.pin", "input")
    # misses starts at 0, is counted before `misses > 2`: the 3rd miss lets the caller go
    assert pin["max_retries"] == 3
    assert _to(pin["no_input"]) == sid and _to(pin["no_match"]) == sid
    on_fail = _steps(loaded)[_to(pin["on_fail"])]
    assert on_fail["say"] == "Let me get someone to help."
    assert ("unbounded-retry", "retries.vxml#counted.pin") not in _findings(loaded)


def test_one_event_bounded_and_the_other_left_to_the_platform() -> None:
    path = CONSTRUCTS / "retries.vxml"
    loaded = _load(path)
    sid, amount = _at(loaded, "retries.vxml#mixed.amount", "input")
    handler = _line(path, '<noinput count="2"><goto')
    counter_id, counter = _at(loaded, f"retries.vxml:{handler}")
    assert _to(amount["no_input"]) == counter_id
    assert counter["branches"].keys() == {"loop", "tries used up"}
    assert _to(counter["branches"]["loop"]) == sid
    # no <nomatch> anywhere: the platform re-asks for ever
    assert _to(amount["no_match"]) == sid and "max_retries" not in amount
    assert ("unbounded-retry", "retries.vxml#mixed.amount") in _findings(loaded)


def test_application_root_handlers_apply_in_every_document() -> None:
    loaded = _load(BANK / "main.vxml")
    sid, menu = _at(loaded, "main.vxml#main_menu", "menu")
    sorry = _steps(loaded)[_to(menu["no_input"])]
    assert sorry["source"] == "root.vxml:15" and _to(sorry["next"]) == sid
    assert menu["max_retries"] == 3
    helped = _steps(loaded)[_to(menu["on_fail"])]
    assert helped["say"] == "Let me find someone to help you."
    # the root's <goto next="main.vxml#operator"> resolves from the root document
    operator = _line(BANK / "main.vxml", 'name="desk"')
    assert _to(helped["next"]) == _at(loaded, f"main.vxml:{operator}", "message")[0]
    assert menu["options"]["0"] == {
        "to": _to(helped["next"]),
        "label": "operator",
    }  # the root's <link dtmf="0">


# --- documents, subdialogs, returns --------------------------------------------------


def test_linked_documents_and_a_subdialog_are_one_journey() -> None:
    loaded = _load(BANK / "main.vxml")
    steps = _steps(loaded)
    _, menu = _at(loaded, "main.vxml#main_menu", "menu")
    account_id, _ = _at(loaded, "accounts.vxml#balance.account", "input")
    assert _to(menu["options"]["1"]) == account_id
    # the subdialog runs pin.vxml#verify; its <return> continues after the <subdialog>
    _, commands = _at(loaded, "accounts.vxml#balance.account", "condition")
    pin_id, _ = _at(loaded, "pin.vxml#verify.pin", "input")
    assert _to(commands["branches"]["answered"]) == pin_id
    _, after_pin = _at(loaded, "pin.vxml#verify.pin", "condition")
    checked = steps[_to(after_pin["branches"]["answered"])]
    assert checked["source"] == f"accounts.vxml:{_line(BANK / 'accounts.vxml', 'check.ok')}"
    # each step points at its own document
    assert loaded.step_files[pin_id].endswith("pin.vxml")
    assert loaded.step_files[account_id].endswith("accounts.vxml")
    assert loaded.step_position(pin_id) == (_line(BANK / "pin.vxml", "<field"), 5)
    # the <data> fetch is a self-service step; its failure goes to the root's <error>
    fetch = _line(BANK / "accounts.vxml", "<data")
    _, data = _at(loaded, f"accounts.vxml:{fetch}", "self_service")
    assert steps[_to(data["on_error"])]["source"] == "root.vxml:27"


def test_a_subdialog_called_twice_returns_to_each_caller(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "ask.vxml",
        """<form id="ask"><field name="yes" type="boolean"><prompt>Yes or no?</prompt>
        <filled><return namelist="yes"/></filled></field></form>""",
    )
    main = _write(
        tmp_path,
        "main.vxml",
        """<form id="one">
        <subdialog name="a" src="ask.vxml"/>
        <block><prompt>First done.</prompt></block>
        <subdialog name="b" src="ask.vxml#ask"/>
        <block><prompt>Second done.</prompt><exit/></block>
        </form>""",
    )
    loaded = _load(main)
    steps = _steps(loaded)
    _, back = _at(loaded, "ask.vxml:4", "condition")  # the <return>
    said = sorted(steps[_to(t)]["say"] for t in back["branches"].values())
    assert said == ["First done.", "Second done."]


def test_a_subdialog_that_is_not_on_disk_is_a_self_service_step(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "call.vxml",
        """<form id="f"><subdialog name="s" src="http://example.org/survey.vxml"/>
        <block><prompt>Thanks.</prompt></block></form>""",
    )
    _, call = _at(_load(path), "call.vxml:3", "self_service")
    assert "http://example.org/survey.vxml" in call["say"]


def test_a_subdialog_read_on_its_own_returns_to_its_caller(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "callee.vxml",
        """<form id="f"><field name="n" type="digits"><prompt>Number?</prompt>
        <noinput count="3"><return event="app.giveup"/></noinput>
        <nomatch count="3"><return event="app.giveup"/></nomatch>
        <filled><return namelist="n"/></filled></field></form>""",
    )
    loaded = _load(path)
    kinds = {s["type"] for s in _steps(loaded).values()}
    assert "end" not in kinds  # every way out hands back to the calling dialog
    _, back = _at(loaded, "callee.vxml:6")
    assert back["type"] == "external" and "called this subdialog" in back["target"]


# --- transfers -----------------------------------------------------------------------


def test_a_bridged_transfer_and_its_results() -> None:
    path = CONSTRUCTS / "transfer.vxml"
    loaded = _load(path)
    steps = _steps(loaded)
    where = f"transfer.vxml:{_line(path, 'name=' + chr(34) + 'res' + chr(34))}"
    dial_id, dial = _dial(loaded, where)
    prompt_id, prompt = _at(loaded, where, "message")
    assert loaded.journey.entry == [prompt_id] and _to(prompt["next"]) == dial_id
    branches = dial["branches"]
    assert set(branches) == {
        "connected",
        "failed: busy",
        "failed: noanswer",
        "failed: network_busy",
        "failed: error",
    }
    person = steps[_to(branches["connected"])]
    assert person["type"] == "agent" and person["team"] == "transfer"
    assert steps[_to(branches["failed: busy"])]["say"] == "Billing is busy."
    # after the bridged call the caller is back: each ending may say something else
    ended = steps[_to(person["next"])]
    assert ended["type"] == "condition" and "far_end_disconnect" in ended["branches"]
    found = _findings(loaded)
    assert ("disconnect-on-error", where) in found  # noanswer and network_busy hang up


def test_blind_transfers_and_an_error_handler_that_tries_again() -> None:
    path = CONSTRUCTS / "transfer.vxml"
    loaded = _load(path)
    steps = _steps(loaded)
    blind = f"transfer.vxml:{_line(path, 'name=' + chr(34) + 'res2' + chr(34))}"
    _, dial = _dial(loaded, blind)
    person = steps[_to(dial["branches"]["connected"])]
    after = steps[_to(person["next"])]
    assert (
        after["type"] == "end" and after.get("outcome", "resolved") == "resolved"
    )  # the caller left
    failed = steps[_to(dial["branches"]["failed: error (no handler: the call ends)"])]
    assert failed["type"] == "end" and failed["outcome"] == "disconnected"
    # a handler with no transition: the form item is still unfilled, so it runs again
    again = f"transfer.vxml:{_line(path, 'name=' + chr(34) + 'res3' + chr(34))}"
    retry_id, retry = _dial(loaded, again)
    assert _to(retry["branches"]["failed: error.connection"]) == retry_id


# --- voicemail, ends, hand-overs -----------------------------------------------------


def test_record_is_a_voicemail_then_what_follows() -> None:
    path = CONSTRUCTS / "voicemail.vxml"
    loaded = _load(path)
    steps = _steps(loaded)
    sid, record = _at(loaded, "voicemail.vxml:5", "input")
    assert record["say"] == "(dynamic prompt)"  # an audio file with no text
    assert record["collects"] == ["msg"] and _to(record["no_input"]) == sid
    kept = steps[_to(record["next"])]
    assert kept["type"] == "self_service"
    server = steps[_to(kept["next"])]
    assert server["type"] == "external" and "save.php" in server["target"]
    assert ("unbounded-retry", "voicemail.vxml:5") in _findings(loaded)


def test_exit_disconnect_and_exit_with_values() -> None:
    path = CONSTRUCTS / "menus.vxml"
    loaded = _load(path)
    bye = _at(loaded, f"menus.vxml:{_line(path, '<disconnect/>')}", "end")[1]
    assert bye.get("outcome", "resolved") == "resolved"  # chosen from the menu: "9 to end the call"
    tmp = _load(CONSTRUCTS / "retries.vxml")
    thanks = _line(CONSTRUCTS / "retries.vxml", "Thank you. Goodbye.")
    assert _at(tmp, f"retries.vxml:{thanks}", "end")[1].get("outcome", "resolved") == "resolved"


def test_an_exit_that_hands_values_back_is_not_an_end(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "gate.vxml",
        """<form><field name="k" type="digits"><prompt>Press 1.</prompt>
        <filled><exit namelist="k"/></filled></field></form>""",
    )
    _, exit_ = _at(_load(path), "gate.vxml:4", "external")
    assert "hands k back" in exit_["target"]


# --- everything else -----------------------------------------------------------------


def test_throw_catch_object_links_and_computed_targets() -> None:
    path = CONSTRUCTS / "misc.vxml"
    loaded = _load(path)
    steps = _steps(loaded)
    # <throw event="app.closed"> runs the document's catch
    _, check = _at(loaded, f"misc.vxml:{_line(path, '<if cond=')}", "condition")
    closed = steps[_to(check["branches"]["region == 'south'"])]
    assert closed["say"] == "We are closed today."
    # audio with no text, then a value: what the prompt is made of
    assert steps[loaded.journey.entry[0]]["say"] == "(dynamic prompt)"
    assert _to(check["branches"]["otherwise"]) in steps
    assert steps[_to(check["branches"]["otherwise"])]["say"] == "Your balance is (value) dollars."
    _, menu = _at(loaded, "misc.vxml#more", "menu")
    targets = {key: steps[_to(route)] for key, route in menu["options"].items()}
    # a dialog the document does not have: error.badfetch, and no handler ends the call
    assert targets["2"]["on_error"]["label"] == "error.badfetch"
    assert steps[_to(targets["2"]["on_error"])]["outcome"] == "disconnected"
    assert "(a URL)" in targets["3"]["target"]
    assert "computed at run time" in targets["4"]["target"]
    assert "help.vxml, which is not in the folder" in targets["5"]["target"]
    line = _line(path, "<object")
    assert targets["7"]["target"].startswith("an <object>")
    assert targets["7"]["target"].endswith(f"at misc.vxml:{line}")


def test_an_assignment_to_an_undeclared_variable_throws(tmp_path: Path) -> None:
    path = CONSTRUCTS / "misc.vxml"
    loaded = _load(path)
    line = _line(path, 'name="balanse"')
    _, raised = _at(loaded, f"misc.vxml:{line}", "message")
    assert raised["on_error"]["label"] == "error.semantic"
    assert ("disconnect-on-error", f"misc.vxml:{line}") in _findings(loaded)
    # a script from another file may declare anything: no claim is made then
    other = _write(
        tmp_path,
        "scripted.vxml",
        """<script src="lib.js"/><form id="f"><block><assign name="x" expr="1"/>
        <prompt>Hi.</prompt></block></form>""",
    )
    assert not any("on_error" in s for s in _steps(_load(other)).values())


def test_items_with_cond_nextitem_and_a_stray_prompt() -> None:
    path = CONSTRUCTS / "misc.vxml"
    loaded = _load(path)
    steps = _steps(loaded)
    found = _findings(loaded)
    # cond="false": the block never runs
    assert ("unreachable", f"misc.vxml:{_line(path, 'Never said.')}") in found
    # a prompt directly in a <form> is not a form item: never played, and said so
    stray = f"misc.vxml:{_line(path, 'stands outside every form item')}"
    assert _at(loaded, stray, "external")[1]["target"].startswith("a <prompt> directly")
    assert ("unreachable", stray) in found
    # cond on a field: a condition; <goto nextitem> jumps to the named item
    field = _line(path, 'name="choice"')
    _, guard = _at(loaded, f"misc.vxml:{field}", "condition")
    question = steps[_to(guard["branches"]["balance > 0"])]
    assert question["type"] == "input"
    assert steps[_to(question["next"])]["say"] == "Goodbye."


def test_mixed_initiative_and_a_handler_that_moves_on(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "trip.vxml",
        """<form id="trip">
        <initial name="start"><prompt>Where to, and when?</prompt>
          <nomatch count="2"><prompt>Step by step, then.</prompt>
            <assign name="start" expr="true"/></nomatch></initial>
        <field name="city"><prompt>Which <sub alias="town">city</sub>?</prompt></field>
        <filled><prompt>Booking <value expr="city"/>.</prompt><exit/></filled>
        </form>""",
    )
    loaded = _load(path)
    steps = _steps(loaded)
    sid, opening = _at(loaded, "trip.vxml:4", "input")
    assert opening.get("collects", []) == []  # what it fills, the fields then skip
    counter = steps[_to(opening["no_match"])]
    # the 2nd nomatch sets the item's own variable: the form moves on to the fields
    assert _to(counter["branches"]["loop"]) == sid
    step_by_step = steps[_to(counter["branches"]["tries used up"])]
    city_id, city = _at(loaded, "trip.vxml#trip.city", "input")
    assert _to(step_by_step["next"]) == city_id
    assert city["say"] == "Which town?"
    assert steps[_to(city["next"])]["say"] == "Booking (value)."
    assert ("repeated-info", "trip.vxml#trip.city") not in _findings(loaded)


def test_a_circle_of_silent_dialogs_is_an_endless_loop(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "circle.vxml",
        """<form id="a"><block><goto next="#b"/></block></form>
        <form id="b"><block><goto next="#a"/></block></form>""",
    )
    loaded = _load(path)
    assert len(loaded.journey.nodes) == 1
    assert {name for name, _ in _findings(loaded)} >= {"endless-loop"}


# --- block ids -----------------------------------------------------------------------


def test_block_ids_point_at_the_documents_own_lines() -> None:
    package = vxml.read_package(BANK / "main.vxml", lambda p: p.read_text(encoding="utf-8"))
    places = vxml.block_files(package)
    main = str(BANK / "main.vxml")
    assert places["main.vxml#main_menu"] == (main, _line(BANK / "main.vxml", 'id="main_menu"'), 3)
    assert places["pin.vxml#verify.pin"][1:] == (_line(BANK / "pin.vxml", "<field"), 5)
    handler = _line(BANK / "root.vxml", "<catch")
    assert places[f"root.vxml:{handler}"] == (str(BANK / "root.vxml"), handler, 3)
    loaded = _load(BANK / "main.vxml")
    record = f"main.vxml:{_line(BANK / 'main.vxml', '<record')}"
    finding = next(f for f in audit_journeys([loaded]).findings if f.source_ref == record)
    assert (finding.line, finding.column) == (int(record.split(":")[1]), 5)


def test_two_documents_with_one_name_are_told_apart(tmp_path: Path) -> None:
    _write(
        tmp_path / "sales",
        "menu.vxml",
        '<form id="s"><block><prompt>Sales.</prompt></block></form>',
    )
    main = _write(
        tmp_path / "main",
        "menu.vxml",
        """<menu id="m"><prompt>Press 1 for sales.</prompt>
        <choice dtmf="1" next="../sales/menu.vxml"/></menu>""",
    )
    loaded = _load(main)
    sources = {s.get("source") for s in _steps(loaded).values()}
    assert "main/menu.vxml#m" in sources and "sales/menu.vxml#s" in sources


# --- whole documents -----------------------------------------------------------------


def test_the_bank_line_audits_clean_of_loops_and_dead_ends() -> None:
    loaded = _load(BANK / "main.vxml")
    record = _line(BANK / "main.vxml", "<record")
    # a caller silent twice at the voicemail tone is let go: the one true finding
    assert _findings(loaded) == {("disconnect-on-error", f"main.vxml:{record}")}


def test_the_bank_line_renders_with_graphviz() -> None:
    loaded = _load(BANK / "main.vxml")
    audit = audit_journeys([loaded]).journeys[0]
    source, engine = diagram_source(loaded, audit)
    root = ET.fromstring(render(source, "svg", engine))
    titles = "".join(el.text or "" for el in root.iter("{http://www.w3.org/2000/svg}title"))
    assert "main_menu" in titles


VENDOR_FILES = sorted(VENDOR.glob("*.vxml")) if VENDOR.is_dir() else []


@pytest.mark.skipif(not VENDOR_FILES, reason="the shared vendor fixtures are not here")
@pytest.mark.parametrize("path", VENDOR_FILES, ids=lambda p: p.name[-40:])
def test_every_shared_document_loads_audits_and_renders(path: Path) -> None:
    assert vxml.claims(path, path.read_text(encoding="utf-8"))
    loaded = _load(path)
    audit = audit_journeys([loaded]).journeys[0]
    source, engine = diagram_source(loaded, audit)
    assert ET.fromstring(render(source, "svg", engine)) is not None


@pytest.mark.skipif(not VENDOR_FILES, reason="the shared vendor fixtures are not here")
def test_shared_documents_findings_where_they_stand() -> None:
    name = "RadishSystems__choiceview-webapi-voxeo-demo__VoxeoRadishDemo__vxml__"
    found = _findings(_load(VENDOR / f"{name}NonChoiceView.vxml"))
    assert ("unbounded-retry", f"{name}NonChoiceView.vxml#mainMenu") in found
    assert ("disconnect-on-error", f"{name}NonChoiceView.vxml:44") in found
    found = _findings(_load(VENDOR / f"{name}Choice.vxml"))
    # the counter bounds silence; nomatch is the platform's, unbounded
    assert ("unbounded-retry", f"{name}Choice.vxml:23") in found
    assert ("disconnect-on-error", f"{name}Choice.vxml:23") not in found


# --- bad input -----------------------------------------------------------------------


def test_broken_xml_is_a_problem_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.vxml"
    path.write_text('<vxml version="2.1">\n  <form id="a">\n    <block>\n  </form>\n</vxml>\n')
    (problem,) = _problems(path)
    assert problem.startswith(f"{path}:4:5: the XML is broken: mismatched tag")


def test_something_before_the_xml_declaration_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "space.vxml"
    path.write_text(' <?xml version="1.0"?>\n<vxml version="2.1"><form/></vxml>\n')
    assert vxml.claims(path, path.read_text())
    (problem,) = _problems(path)
    assert problem.startswith(f"{path}:1:2: the XML declaration `<?xml ...?>` must be the very")
    assert "rejects it (error.badfetch)" in problem


def test_binary_garbage_entities_and_other_roots_are_refused(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.vxml"
    garbage.write_bytes(bytes(range(256)) * 8)
    assert _problems(garbage)[0].startswith(f"{garbage}:1:1:")
    bomb = tmp_path / "bomb.vxml"
    bomb.write_text('<?xml version="1.0"?>\n<!DOCTYPE vxml [<!ENTITY a "aaaa">]>\n<vxml/>\n')
    assert "declares entities" in _problems(bomb)[0]
    other = tmp_path / "other.xml"
    other.write_text("<document><configuration/></document>")
    assert not vxml.claims(other, other.read_text())
    assert "the root element is <document>, not <vxml>" in _problems(other)[0]
    empty = _write(tmp_path, "empty.vxml", '<var name="x"/>')
    assert "has no <form> or <menu>" in _problems(empty)[0]


def test_a_broken_linked_document_is_a_problem_in_that_document(tmp_path: Path) -> None:
    (tmp_path / "next.vxml").write_text('<vxml version="2.1">\n<form>\n</vxml>\n')
    main = _write(tmp_path, "main.vxml", '<form><block><goto next="next.vxml"/></block></form>')
    (problem,) = _problems(main)
    assert problem.startswith(f"{tmp_path / 'next.vxml'}:3:3: the XML is broken")


def test_link_cycles_are_read_once_and_missing_documents_are_external(tmp_path: Path) -> None:
    a = _write(
        tmp_path,
        "a.vxml",
        """<menu id="m"><prompt>Press 1 for b, 2 for c.</prompt>
        <choice dtmf="1" next="b.vxml#x"/><choice dtmf="2" next="c.vxml"/></menu>""",
    )
    _write(
        tmp_path,
        "b.vxml",
        '<form id="x"><block><prompt>B.</prompt><goto next="a.vxml"/></block></form>',
    )
    package = vxml.read_package(a, lambda p: p.read_text(encoding="utf-8"))
    assert sorted(Path(k).name for k in package.files) == ["a.vxml", "b.vxml"]
    assert vxml.includes(a, a.read_text()) == [tmp_path / "b.vxml"]
    loaded = _load(a)
    steps = _steps(loaded)
    _, menu = _at(loaded, "a.vxml#m", "menu")
    b = steps[_to(menu["options"]["1"])]
    assert b["say"] == "B." and _to(b["next"]) == loaded.journey.entry[0]  # back round
    missing = steps[_to(menu["options"]["2"])]
    assert missing["type"] == "external"
    assert missing["target"] == (
        "a <choice> to c.vxml, which is not in the folder (the server serves it) at a.vxml:4"
    )


def test_deep_nesting_is_refused_or_read(tmp_path: Path) -> None:
    deep = tmp_path / "deep.vxml"
    deep.write_text(
        "<vxml><form><block>" + "<if cond='a'>" * 300 + "</if>" * 300 + "</block></form></vxml>"
    )
    assert "nested more than" in _problems(deep)[0]
    nested = tmp_path / "nested.vxml"
    ifs = "".join(f"<if cond='x == {i}'><prompt>Level {i}.</prompt>" for i in range(150))
    nested.write_text(f"<vxml><form><block>{ifs}{'</if>' * 150}</block></form></vxml>")
    loaded = _load(nested)  # as deep as the XML reader allows: read, step by step
    assert len(loaded.journey.nodes) > 150


def test_a_long_chain_of_forms_is_read_whole(tmp_path: Path) -> None:
    forms = 800  # speed is measured in tests/benchmarks, not here
    body = "".join(
        f'<form id="f{i}"><field name="q" type="digits"><prompt>Number {i}?</prompt>'
        f'<filled><if cond="q == 1"><goto next="#f{i + 1}"/></if></filled></field></form>'
        for i in range(forms)
    )
    loaded = _load(_write(tmp_path, "long.vxml", body + f'<form id="f{forms}"/>'))
    assert len(loaded.journey.nodes) > forms


def test_a_folder_of_linked_documents_is_one_journey_from_its_main_document() -> None:
    from journeymap.reading import find_journey_files

    files, problems = find_journey_files([FIXTURES / "bank"])
    # main and accounts link to each other and both name root.vxml as their application:
    # one journey, from the document the others lead to, never from the root document
    assert problems == [] and [Path(f).name for f in files] == ["main.vxml"]
