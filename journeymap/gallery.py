"""Regenerate ``audits/``: the committed audit of the sample journeys.

Run from the repository root: ``python -m journeymap.gallery`` (``make gallery``).
The outputs are deterministic, so a test can tell when they are stale.
"""

from __future__ import annotations

from pathlib import Path

from .engine import audit
from .output import write_atomic
from .reporters import Format, Options, render

SAMPLES = Path("journeys")
GALLERY = Path("audits")

OUTPUTS = {
    "journeys.txt": (Format.TEXT, Options(color=False, verbose=True)),
    "journeys.json": (Format.JSON, Options()),
}


def build(samples: Path = SAMPLES) -> dict[str, str]:
    """The gallery's files (name to content) for the journeys under ``samples``."""
    result = audit([samples])
    return {name: render(result, fmt, options) for name, (fmt, options) in OUTPUTS.items()}


def main() -> None:
    for name, content in build().items():
        write_atomic(GALLERY / name, content)
        print(f"wrote {GALLERY / name}")


if __name__ == "__main__":
    main()
