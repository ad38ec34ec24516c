"""Golden files: the committed audits/ must match what the tool prints today.

Regenerate with `make gallery` after a deliberate change, and review the diff.
"""

from __future__ import annotations

import pytest
from conftest import ROOT

from journeymap import gallery


def test_audits_folder_is_current(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    for name, content in gallery.build().items():
        committed = (ROOT / "audits" / name).read_text(encoding="utf-8")
        assert committed == content, f"audits/{name} is stale: run `make gallery`"
