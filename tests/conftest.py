"""Shared helpers for the tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from journeymap.loader import LoadedJourney
from journeymap.reading import load_text

ROOT = Path(__file__).resolve().parent.parent
JOURNEYS = ROOT / "journeys"


def problems_of(text: str, file: str = "j.yaml") -> list[str]:
    """The problems of a journey given as (indented) YAML text, as printed."""
    _, problems = load_text(textwrap.dedent(text).lstrip("\n"), file)
    return [str(p) for p in problems]


def journey_of(text: str, file: str = "j.yaml") -> LoadedJourney:
    """Load a journey that must be valid."""
    loaded, problems = load_text(textwrap.dedent(text).lstrip("\n"), file)
    assert problems == [], [str(p) for p in problems]
    assert loaded is not None
    return loaded


@pytest.fixture
def spec_example() -> str:
    return (ROOT / "tests" / "data" / "spec_example.yaml").read_text(encoding="utf-8")


def audit_text(text: str, *others: str, file: str = "j.yaml") -> list[tuple[str, str]]:
    """(rule name, step) of every finding of a journey given as YAML text.

    ``others`` are more journeys (YAML text) loaded in the same run.
    """
    from journeymap.engine import audit_journeys

    journeys = [journey_of(text, file)]
    journeys += [journey_of(o, f"other{i}.yaml") for i, o in enumerate(others)]
    result = audit_journeys(journeys)
    return [(f.name, f.node) for f in result.journeys[0].findings]


def findings_named(text: str, name: str, *others: str) -> list[str]:
    """The steps at which rule ``name`` reports, for a journey given as YAML text."""
    return [node for rule, node in audit_text(text, *others) if rule == name]


def _hypothesis_profiles() -> None:
    """In CI, property tests draw the same examples every run (a red build is
    then reproducible); locally they explore new ones each time."""
    import os

    from hypothesis import settings

    settings.register_profile("ci", derandomize=True, print_blob=True)
    if os.environ.get("CI"):
        settings.load_profile("ci")


_hypothesis_profiles()
