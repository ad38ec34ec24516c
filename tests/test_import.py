"""Importing contact-centre exports (so far: Amazon Connect)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import ROOT
from typer.testing import CliRunner

import journeymap
from journeymap.cli import app
from journeymap.importers import detect, import_file, journey_yaml
from journeymap.importers.connect import convert

VENDOR = ROOT / "tests" / "vendor"
CONNECT = VENDOR / "connect-support-line.json"


def _converted() -> dict:  # type: ignore[type-arg]
    return convert(json.loads(CONNECT.read_text()), "connect-support-line")


def test_every_construct_becomes_the_right_step() -> None:
    nodes = _converted()["nodes"]
    assert nodes["welcome"]["say"] == "Welcome to Example Telecom."
    # the logging block is passed through
    assert nodes["welcome"]["next"] == "hours"
    hours = nodes["hours"]
    assert hours["type"] == "condition"
    # CheckHoursOfOperation: True is "open", the default way on is the rest, the block's
    # error is an error route
    assert hours["branches"] == {"open": "menu", "default": "closed"}
    assert hours["on_error"] == "closed"
    assert nodes["closed"]["say"] == "(dynamic prompt)"
    menu = nodes["menu"]
    assert menu["type"] == "menu" and set(menu["options"]) == {"1", "2"}
    assert menu["no_input"] == menu["no_match"] == "retry"
    assert menu["max_retries"] == 3  # from the Loop's LoopCount
    assert menu["on_fail"] == "bye"
    account = nodes["account"]
    assert account["type"] == "input" and account["say"] == "(dynamic prompt)"
    queue = nodes["transfer"]
    assert (queue["type"], queue["team"]) == ("queue", "support_queue")
    assert nodes[queue["next"]]["type"] == "agent"
    # a transfer to a number: dialling may fail (an error route), else an outside agent
    assert nodes["partner"]["type"] == "condition"
    assert nodes[nodes["partner"]["branches"]["connected"]]["type"] == "agent"
    survey = nodes["to_survey"]
    assert (survey["type"], survey["target"]) == ("external", "Survey flow")
    # one disconnect block, two outcomes: after errors a cut-off, after the partner
    # served the caller a resolution (see importers/outcomes.py)
    assert nodes["bye"]["outcome"] == "disconnected"
    assert nodes["bye_resolved"]["outcome"] == "resolved"
    assert nodes["partner_answered"]["next"] == "bye_resolved"
    # the queue's hold experience is in a customer-queue flow outside the export
    assert set(queue["ignore"]) == {"queue-no-wait-estimate", "queue-no-callback"}
    assert queue["on_timeout"] == {"to": "partner", "label": "queue at capacity"}
    assert all("source" in step for step in nodes.values())
    callback = (
        nodes["createcallback_callback"]
        if "createcallback_callback" in nodes
        else nodes["callback"]
    )
    assert callback["type"] == "queue" and callback["callback"] is True
    assert (nodes["module"]["type"], nodes["module"]["target"]) == ("external", "Survey module")


def test_imported_journey_is_valid_and_audits_truly() -> None:
    loaded, problems = journeymap.load_text(journey_yaml(_converted()), "imported.yaml")
    assert problems == [] and loaded is not None
    findings = {(f.name, f.node) for f in journeymap.audit_journeys([loaded]).findings}
    # an account-entry error or a menu error hangs up: true of this flow
    assert ("disconnect-on-error", "account") in findings
    assert ("disconnect-on-error", "menu") in findings
    # the Loop bounds the retries: not unbounded
    assert not any(name == "unbounded-retry" for name, _ in findings)
    assert not any(name == "endless-loop" for name, _ in findings)


def test_format_is_detected_from_content_and_wrappers() -> None:
    flow = json.loads(CONNECT.read_text())
    assert detect(flow) == "amazon-connect"
    assert detect({"ContactFlow": {"Name": "X", "Content": json.dumps(flow)}}) == "amazon-connect"
    assert detect({"Name": "X", "Type": "CONTACT_FLOW", "Content": json.dumps(flow)}) == (
        "amazon-connect"
    )
    assert detect({"journey": "x"}) is None
    wrapped = convert({"ContactFlow": {"Name": "Support Line", "Content": json.dumps(flow)}}, "f")
    # the id comes from the file name (unique in a folder), the title from the flow's name
    assert wrapped["journey"] == "f" and wrapped["title"] == "Support Line"
    assert set(wrapped["nodes"]) == set(convert(flow, "f")["nodes"])


def test_import_command(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["import", str(CONNECT), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = tmp_path / "connect-support-line.yaml"
    assert written.exists()
    assert runner.invoke(app, ["validate", str(written)]).exit_code == 0
    again = runner.invoke(app, ["import", str(CONNECT), "-o", str(tmp_path)])
    assert again.exit_code == 2 and "exists already" in again.stderr
    not_a_flow = tmp_path / "x.json"
    not_a_flow.write_text('{"hello": 1}')
    result = runner.invoke(app, ["import", str(not_a_flow), "-o", str(tmp_path)])
    assert result.exit_code == 2 and "not a flow export" in result.stderr


def test_import_file_reads_json() -> None:
    data, problems = import_file(CONNECT)
    assert problems == [] and data is not None and data["journey"] == "connect-support-line"


def test_vendor_block_shows_in_every_format(tmp_path: Path) -> None:
    from journeymap.reporters import Format, render

    runner = CliRunner()
    assert runner.invoke(app, ["import", str(CONNECT), "-o", str(tmp_path)]).exit_code == 0
    result = journeymap.audit([tmp_path / "connect-support-line.yaml"])
    finding = next(f for f in result.findings if f.node == "menu")
    assert finding.source_ref == "menu"
    assert "vendor block: menu" in render(result, Format.TEXT)
    assert "vendor block: `menu`" in render(result, Format.MARKDOWN)
    assert "vendor block: <code>menu</code>" in render(result, Format.HTML)
    assert '"source": "menu"' in render(result, Format.JSON)
    assert '"vendorBlock": "menu"' in render(result, Format.SARIF)


def test_exports_are_audited_directly_with_their_own_lines(tmp_path: Path) -> None:
    result = journeymap.audit([CONNECT])
    assert result.problems == ()
    finding = next(f for f in result.findings if f.node == "menu")
    assert (finding.file, finding.line, finding.column) == (str(CONNECT), 81, 5)
    # in a folder, JSON files are read when their content is a flow export
    (tmp_path / "flow.json").write_text(CONNECT.read_text())
    (tmp_path / "package.json").write_text('{"name": "not a flow"}')
    assert [j.journey for j in journeymap.audit([tmp_path]).journeys] == ["flow"]


def test_broken_genesys_flow_gets_a_message() -> None:
    loaded, problems = journeymap.load_text('{"inboundCall": {"name": "x"}}', "flow.yaml")
    assert loaded is None
    assert [p.message for p in problems] == [
        "this Genesys Cloud Architect (Archy) flow cannot be read: `startUpRef` names no menu "
        "or task (`None`)"
    ]


def test_mutated_connect_exports_never_raise() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    flow = json.loads(CONNECT.read_text())
    junk = st.one_of(st.none(), st.integers(), st.text(max_size=5), st.lists(st.integers()))

    @settings(max_examples=150, deadline=None)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        mutated = json.loads(json.dumps(flow))
        for _ in range(data.draw(st.integers(1, 4))):
            action = data.draw(st.sampled_from(mutated["Actions"]))
            key = data.draw(st.sampled_from(sorted(action)))
            if data.draw(st.booleans()):
                del action[key]
            else:
                action[key] = data.draw(junk)
        loaded, problems = journeymap.load_text(json.dumps(mutated), "mutated.json")
        assert loaded is not None or problems

    check()


TWILIO = VENDOR / "twilio-pharmacy-line.json"


def test_twilio_studio_constructs() -> None:
    from journeymap.importers import twilio

    data = json.loads(TWILIO.read_text())
    assert detect(data) == "twilio-studio" and detect(data["definition"]) == "twilio-studio"
    journey = twilio.convert(data, "twilio-pharmacy-line")
    nodes = journey["nodes"]
    assert journey["entry"] == ["sms_reply", "hours"]
    assert nodes["hours"]["type"] == "condition"
    assert set(nodes["hours"]["branches"]) == {"success"}  # `fail` is an error route
    assert "on_error" in nodes["hours"]
    menu = nodes["menu"]
    assert menu["type"] == "menu" and menu["options"] == {"1": "refill", "0": "pharmacists"}
    assert menu["no_match"] == "menu" and menu["no_input"] == "menu_timeout_ends"
    assert "menu_split" not in nodes  # merged into its menu
    assert nodes["refill"]["type"] == "input" and nodes["refill"]["no_input"] == "pharmacists"
    assert nodes["refill_api"]["type"] == "condition"
    queue = nodes["pharmacists"]
    assert (queue["type"], queue["team"], queue["on_error"]) == (
        "queue",
        "pharmacists",
        "voicemail",
    )
    assert nodes["voicemail"]["type"] == "self_service"
    assert (nodes["flex"]["type"], nodes["flex"]["team"]) == ("queue", "flex_agents")
    assert nodes["on_call"]["type"] == "agent"
    # no `next`: the call ends there, with the outcome of what led there
    assert nodes["closed"]["next"] == "closed_audioComplete_ends"
    assert nodes["closed_audioComplete_ends"]["outcome"] == "unresolved"  # closed branch
    assert nodes["menu_timeout_ends"]["outcome"] == "disconnected"  # silence
    assert nodes["refill_done_audioComplete_ends"]["outcome"] == "resolved"


def test_twilio_export_audited_directly() -> None:
    result = journeymap.audit([TWILIO])
    assert result.problems == ()
    findings = {(f.name, f.node) for f in result.findings}
    assert ("disconnect-on-error", "menu") in findings  # silence hangs up
    assert ("unbounded-retry", "menu") in findings  # a wrong key loops with no limit
    finding = next(f for f in result.findings if f.node == "menu")
    assert finding.line == 83 and finding.source_ref == "menu"


def test_a_block_that_only_waits_is_not_an_error_path() -> None:
    flow = {
        "Version": "2019-10-30",
        "StartAction": "sorry",
        "Actions": [
            {"Identifier": "sorry", "Type": "MessageParticipant",
             "Parameters": {"Text": "Please leave a message after the tone."},
             "Transitions": {"NextAction": "record"}},
            {"Identifier": "record", "Type": "GetParticipantInput",
             "Parameters": {"Text": "beep", "StoreInput": "False"},
             "Transitions": {"NextAction": "bye", "Errors": [
                 {"NextAction": "bye", "ErrorType": "InputTimeLimitExceeded"},
                 {"NextAction": "bye", "ErrorType": "NoMatchingError"}]}},
            {"Identifier": "bye", "Type": "DisconnectParticipant", "Transitions": {}},
        ],
    }  # fmt: skip
    nodes = convert(flow, "voicemail")["nodes"]
    assert nodes["record"] == {"team": "voicemail", "source": "record", "type": "message",
                               "say": "beep", "next": "bye"}  # fmt: skip
    assert nodes["bye"]["outcome"] == "resolved" and "bye_after_error" not in nodes


def test_template_placeholders_are_refused_with_a_message() -> None:
    text = "inboundCall:\n  name: {{flow_name}}\n  startUpRef: ./menus/menu[main]\n"
    loaded, problems = journeymap.load_text(text, "flow.yaml")
    assert loaded is None
    assert [str(p) for p in problems] == [
        "flow.yaml:2:9: the file still holds a template placeholder `{{flow_name}}`: fill in "
        "the template (for example with Terraform) and audit the result [template]"
    ]


GENESYS = VENDOR / "genesys-insurance-line.yaml"


def test_genesys_archy_constructs() -> None:
    from journeymap.importers import genesys
    from journeymap.source import parse_yaml

    doc, _ = parse_yaml(GENESYS.read_text())
    assert doc is not None and detect(doc.data) == "genesys-archy"
    journey = genesys.convert(doc.data, "x")
    nodes = journey["nodes"]
    assert nodes[journey["entry"]]["say"] == "Welcome to Example Insurance."
    main = nodes["main_menu"]
    assert set(main["options"]) == {"1", "2", "3", "9", "0"}
    assert main["max_retries"] == 3 and main["no_input"] == "main_menu"
    assert nodes[main["options"]["1"]]["type"] == "queue"
    assert nodes[main["options"]["1"]]["team"] == "claims_queue"
    assert main["options"]["2"] == "policies"
    assert nodes["policies"]["max_retries"] == 5
    assert nodes["policies"]["say"] == "(dynamic prompt)"
    assert nodes["policies"]["options"] == {"*": "main_menu"}
    # the caller chose to leave: judged as a choice, not a cut-off
    assert nodes[main["options"]["9"]] == {"type": "end", "outcome": "resolved", "source": "main"}
    lookup = nodes["look_up_policy"]
    assert lookup["type"] == "condition" and set(lookup["branches"]) == {
        "success",
        "failure",
        "timeout",
    }
    assert nodes[nodes["renewable"]["branches"]["yes"]]["team"] == "renewals_queue"
    # a decision's missing `no` output goes on with the task: the voicemail
    voicemail = nodes[nodes["renewable"]["branches"]["no"]]
    assert voicemail["type"] == "queue" and voicemail["callback"] is True
    sorry = nodes[lookup["branches"]["failure"]]
    assert nodes[sorry["next"]]["outcome"] == "disconnected"
    segment = nodes["by_segment"]
    assert segment["type"] == "condition" and set(segment["branches"]) == {"case 1", "default"}
    assert nodes[segment["branches"]["case 1"]]["next"] == "main_menu"  # jumpToMenu
    assert nodes[segment["branches"]["default"]]["next"] == "renewal"  # jumpToTask


def test_genesys_flow_audited_directly() -> None:
    result = journeymap.audit([GENESYS])
    assert result.problems == ()
    findings = {(f.name, f.node) for f in result.findings}
    assert ("no-zero-out", "policies") in findings  # only "back": no person
    assert ("unbounded-retry", "policies") in findings  # repeatCount 5 is more than 3
    # a failed look-up hangs up: reported once, at the look-up whose failure it is
    assert ("disconnect-on-error", "look_up_policy") in findings
    assert ("no-human-exit", "sorry") not in findings
    assert not any(name == "endless-loop" for name, _ in findings)
    finding = next(f for f in result.findings if f.node == "policies")
    assert finding.line == 41 and finding.source_ref == "policies"


def test_inqueue_hold_loop_is_not_an_endless_loop() -> None:
    flow = {
        "inqueueCall": {
            "name": "Hold",
            "startUpTaskActions": [
                {"playAudio": {"name": "Hold music", "audio": {"exp": "Flow.Music"}}},
                {"playAudio": {"name": "Still there", "audio": {"tts": "Thanks for holding."}}},
            ],
        }
    }
    loaded, problems = journeymap.load_text(json.dumps(flow), "hold.json")
    assert problems == [] and loaded is not None
    result = journeymap.audit_journeys([loaded])
    # the hold loop is not a trap (an agent may answer at any point), and this flow is
    # the hold experience: it neither says the wait nor offers a call-back
    assert sorted(f.name for f in result.findings) == [
        "queue-no-callback",
        "queue-no-wait-estimate",
    ]
    flow["inqueueCall"]["startUpTaskActions"].append(  # type: ignore[index]
        {"playAudio": {"name": "EWT", "audio": {"tts": "Your estimated wait time is short."}}}
    )
    flow["inqueueCall"]["startUpTaskActions"].append(  # type: ignore[index]
        {"playAudio": {"name": "Offer", "audio": {"tts": "Press 1 for a call back."}}}
    )
    loaded, problems = journeymap.load_text(json.dumps(flow), "hold.json")
    assert loaded is not None
    assert [f.name for f in journeymap.audit_journeys([loaded]).findings] == []


def test_linked_flows_are_audited_as_one_estate(tmp_path: Path) -> None:
    front = {
        "Version": "2019-10-30",
        "StartAction": "hello",
        "Metadata": {"ActionMetadata": {"to-billing": {"ContactFlow": {"text": "Billing"}}}},
        "Actions": [
            {"Identifier": "hello", "Type": "MessageParticipant",
             "Parameters": {"Text": "Hello."}, "Transitions": {"NextAction": "to-billing"}},
            {"Identifier": "to-billing", "Type": "TransferToFlow",
             "Parameters": {"ContactFlowId": "arn:flow/billing"}, "Transitions": {}},
        ],
    }  # fmt: skip
    billing = {
        "Version": "2019-10-30",
        "StartAction": "transfer",
        "Actions": [
            {"Identifier": "transfer", "Type": "TransferContactToQueue", "Parameters": {},
             "Transitions": {"NextAction": "bye"}},
            {"Identifier": "bye", "Type": "DisconnectParticipant", "Transitions": {}},
        ],
    }  # fmt: skip
    (tmp_path / "Front.json").write_text(json.dumps(front))
    (tmp_path / "Billing.json").write_text(json.dumps(billing))
    alone = journeymap.audit([tmp_path / "Front.json"])
    assert alone.journeys[0].metrics.hurdles_to_person is None  # an exit to outside
    estate = journeymap.audit([tmp_path])
    front_audit = next(j for j in estate.journeys if j.journey == "front")
    assert front_audit.metrics.path_to_person == ("hello", "to_billing", "billing:transfer")


def test_import_refuses_template_placeholders(tmp_path: Path) -> None:
    flow = tmp_path / "flow.yaml"
    flow.write_text("inboundCall:\n  name: {{flow_name}}\n")
    data, problems = import_file(flow)
    assert data is None
    assert [p.kind for p in problems] == ["template"] and problems[0].line == 2


def test_long_file_names_give_unique_ids_and_one_estate(tmp_path: Path) -> None:
    from journeymap.importers.connect import journey_id

    prefix = "acme__contact-center__flows__production__region-eu-west__inbound__" * 2
    first, second = journey_id(prefix + "Billing"), journey_id(prefix + "Billing-Disputes")
    assert first != second and len(first) <= 90 and len(second) <= 90
    assert journey_id(prefix + "Billing") == first  # stable
    flow = CONNECT.read_text()
    for name in (prefix + "Billing", prefix + "Billing-Disputes", prefix + "Sales"):
        (tmp_path / f"{name}.json").write_text(flow)
    result = journeymap.audit([tmp_path])
    assert result.problems == ()
    assert len({j.journey for j in result.journeys}) == 3


def test_connect_queue_metadata_as_plain_text() -> None:
    flow = json.loads(CONNECT.read_text())
    for action in flow["Actions"]:
        if action["Type"] == "UpdateContactTargetQueue":
            flow["Metadata"]["ActionMetadata"][action["Identifier"]] = {"queue": "Sample"}
    nodes = convert(flow, "plain")["nodes"]
    assert nodes["transfer"]["team"] == "sample"
