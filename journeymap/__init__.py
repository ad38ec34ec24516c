"""journeymap: audit customer journeys (phone trees, chat flows, handoffs) for friction.

The library works without the command line::

    import journeymap
    result = journeymap.load_paths(["journeys/"])
    graph = journeymap.build_graph(result.journeys)
"""

from importlib.metadata import PackageNotFoundError, version

from .graph import build_graph
from .loader import LoadedJourney, LoadResult, Problem, load_file, load_paths, load_text
from .model import Journey

try:
    __version__ = version("journeymap")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "Journey",
    "LoadResult",
    "LoadedJourney",
    "Problem",
    "__version__",
    "build_graph",
    "load_file",
    "load_paths",
    "load_text",
]
