"""The README tells the truth about the rules and the commands."""

from __future__ import annotations

from conftest import ROOT

from journeymap.rules import RULES


def test_readme_lists_every_rule_with_its_severity() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in RULES:
        row = f"| {rule.id} | `{rule.name}` | {rule.severity.value} | {rule.summary} |"
        assert row in readme


def test_readme_opens_with_the_two_commands_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()
    assert [line.split("#")[0].strip() for line in block] == ["make audit", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
