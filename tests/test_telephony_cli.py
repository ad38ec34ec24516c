"""Issue 12's "done when": each open-telephony format audits in one command, with its
findings at the files' own lines (the file a finding stands in may be an included one)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from journeymap.cli import app

FIXTURES = Path(__file__).parent / "fixtures"


def _audit(path: Path) -> dict[str, object]:
    result = CliRunner().invoke(app, ["audit", str(path), "-f", "json", "--exit-zero"])
    assert result.exit_code == 0, result.output
    report: dict[str, object] = json.loads(result.stdout)
    assert report["problems"] == []
    return report


def _places(report: dict[str, object]) -> set[tuple[str, int]]:
    journeys = report["journeys"]
    assert isinstance(journeys, list)
    return {(Path(f["file"]).name, f["line"]) for j in journeys for f in j["findings"]}


def test_a_freepbx_system_audits_from_its_extensions_conf() -> None:
    places = _places(_audit(FIXTURES / "asterisk" / "freepbx" / "extensions.conf"))
    assert ("extensions_additional.conf", 142) in places  # ivr-3: a wrong key hangs up


def test_a_folder_of_linked_voicexml_documents_audits_as_one_journey() -> None:
    report = _audit(FIXTURES / "vxml" / "bank")
    journeys = report["journeys"]
    assert isinstance(journeys, list) and len(journeys) == 1
    assert _places(report) == {("main.vxml", 77)}  # silent twice at the tone: hung up


def test_a_freeswitch_configuration_audits_with_the_menus_it_includes() -> None:
    places = _places(_audit(FIXTURES / "freeswitch" / "acme" / "autoload_configs"))
    assert {name for name, _ in places} == {"acme_main.xml", "acme_support.xml"}
