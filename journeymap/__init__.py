"""journeymap: audit customer journeys (phone trees, chat flows, handoffs) for friction.

The library works without the command line::

    import journeymap
    result = journeymap.audit(["journeys/"])        # AuditResult
    loaded = journeymap.load_paths(["journeys/"])   # LoadResult
    graph = journeymap.build_graph(loaded.journeys) # networkx.MultiDiGraph
"""

from importlib.metadata import PackageNotFoundError, version

from .engine import audit, audit_journeys
from .findings import AuditResult, Finding, Severity
from .graph import build_graph
from .loader import LoadedJourney, LoadResult, Problem
from .model import Journey
from .reading import load_file, load_paths, load_text

try:
    __version__ = version("journeymap")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "AuditResult",
    "Finding",
    "Journey",
    "LoadResult",
    "LoadedJourney",
    "Problem",
    "Severity",
    "__version__",
    "audit",
    "audit_journeys",
    "build_graph",
    "load_file",
    "load_paths",
    "load_text",
]
