"""``python -m journeymap``: the same as the ``journeymap`` command."""

from .cli import main

main()
