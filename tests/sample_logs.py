"""The generated sample contact log of the gallery, and the function that makes it.

``journeys/traffic/order-support-line.csv`` is not a record of real contacts: it is
written by :func:`sample_log` from ``journeys/order-support-line.yaml`` and the shares
on its routes, by :func:`journeymap.traffic.simulate.write_log` (each customer walked through
the journey with the default patience, seed :data:`SEED`). Regenerate it after
changing that journey with::

    python -m tests.sample_logs

``tests/test_traffic.py`` checks that the committed file is what this writes.
"""

from __future__ import annotations

import io
from pathlib import Path

from journeymap.analysis import Analysis
from journeymap.config import Settings
from journeymap.graph import build_graph
from journeymap.reading import load_paths
from journeymap.traffic.simulate import write_log

ROOT = Path(__file__).resolve().parent.parent
JOURNEY = "order-support-line"
LOG = Path("journeys") / "traffic" / f"{JOURNEY}.csv"
CONTACTS = 1000
SEED = 16
HEADER = f"""A GENERATED contact log, not real contacts: {CONTACTS} customers walked through
journeys/{JOURNEY}.yaml by its route shares and the default patience (seed {SEED}).
Written by tests/sample_logs.py (journeymap.traffic.simulate.write_log); regenerate with
`python -m tests.sample_logs`. Columns: contact_id, step, timestamp, result (how the
contact left the step: the key pressed, or the route's kind)."""


def sample_log(root: Path = ROOT) -> str:
    """The text of the sample log (deterministic: the same journey gives the same log)."""
    run = load_paths([root / "journeys" / f"{JOURNEY}.yaml"])
    graph = build_graph(run.journeys)
    analysis = Analysis(graph, {j.id: Settings() for j in run.journeys})
    out = io.StringIO()
    write_log(analysis, JOURNEY, out, CONTACTS, seed=SEED, header=HEADER)
    return out.getvalue()


def main() -> None:
    path = ROOT / LOG
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(sample_log(), encoding="utf-8")
    print(f"wrote {LOG}")


if __name__ == "__main__":
    main()
