"""Findings on real vendor exports against findings read by hand (see truth_check)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.truth_check import VENDOR, check, truth_files

pytestmark = pytest.mark.skipif(
    not VENDOR.is_dir(), reason="the shared vendor fixtures are not beside the project"
)


@pytest.mark.parametrize("truth", truth_files(), ids=lambda p: p.name[:60])
def test_findings_match_the_hand_reading(truth: Path) -> None:
    result = check(truth)
    assert result.fixture.exists(), f"{truth.name} names a missing fixture"
    if result.refused:
        assert any(p.startswith("template:") for p in result.problems), result.problems
        assert not result.found
        return
    assert not result.problems, result.problems
    assert not result.false, f"findings not read as true: {sorted(result.false)}"
    assert not result.missing, f"expected findings missing: {sorted(result.missing)}"
    assert not (result.found & result.misses), "a known miss is found now: move it to expected"


def test_every_shared_cloud_export_has_a_truth_file() -> None:
    covered = {str(t.relative_to(t.parents[1]))[: -len(".yaml")] for t in truth_files()}
    for folder in ("amazon-connect", "twilio-studio", "genesys-archy"):
        for fixture in sorted((VENDOR / folder).iterdir()):
            assert f"{folder}/{fixture.name}" in covered, f"no truth file for {fixture.name}"


def test_readme_table_is_the_measured_one() -> None:
    from tests.truth_check import ROOT, table

    measured = table([check(t) for t in truth_files()])
    assert measured in (ROOT / "README.md").read_text(encoding="utf-8"), (
        "README's truth table is stale: paste `python -m tests.truth_check`'s table"
    )


def test_every_shared_dialogflow_agent_has_a_truth_file() -> None:
    covered = {str(t.relative_to(t.parents[1]))[: -len(".yaml")] for t in truth_files()}
    agents = sorted(p.parent for p in (VENDOR / "dialogflow-cx").rglob("agent.json"))
    assert agents
    for agent in agents:
        named = agent.parent.name if agent.name == "agent" else agent.name
        assert f"dialogflow-cx/{named}" in covered, f"no truth file for {agent}"


def test_every_shared_voicexml_document_has_a_truth_file() -> None:
    covered = {str(t.relative_to(t.parents[1]))[: -len(".yaml")] for t in truth_files()}
    documents = sorted((VENDOR / "vxml").glob("*.vxml"))
    assert documents
    for document in documents:
        assert f"vxml/{document.name}" in covered, f"no truth file for {document}"


def test_every_shared_dialplan_has_a_truth_file() -> None:
    covered = {str(t.relative_to(t.parents[1]))[: -len(".yaml")] for t in truth_files()}
    dialplans = sorted((VENDOR / "asterisk").glob("*.conf"))
    assert dialplans
    for dialplan in dialplans:
        assert f"asterisk/{dialplan.name}" in covered, f"no truth file for {dialplan}"
