"""Shared helpers for the tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from journeymap.loader import LoadedJourney, load_text

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
