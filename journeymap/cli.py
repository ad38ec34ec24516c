"""The ``journeymap`` command line: parses arguments and calls the library.

Exit codes: 0 all good; 1 the audit found problems at or above ``--fail-on``;
2 bad input (a file that cannot be loaded) or a usage error.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .loader import load_paths
from .model import ID_PATTERN, journey_json_schema
from .source import Limits
from .starter import starter_journey

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2

app = typer.Typer(
    name="journeymap",
    help="Audit customer journeys (phone trees, chat flows, team handoffs) for friction.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"journeymap {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Audit customer journeys (phone trees, chat flows, team handoffs) for friction."""


PathsArg = Annotated[
    list[Path],
    typer.Argument(
        help="Journey files, or folders searched recursively for *.yaml and *.yml.",
        show_default=False,
    ),
]
MaxFileSize = Annotated[
    float,
    typer.Option("--max-file-size", help="Largest journey file read, in MiB.", min=0.001),
]


def _limits(max_file_size: float) -> Limits:
    return Limits(max_bytes=int(max_file_size * 1024 * 1024))


@app.command()
def validate(
    paths: PathsArg,
    max_file_size: MaxFileSize = 32.0,
) -> None:
    """Check journey files against the format; print every problem with file:line:col.

    Prints one OK line per valid file. Exit code 0 when every file is valid,
    2 when any is not.
    """
    result = load_paths(paths, _limits(max_file_size))
    by_file: dict[str, list[str]] = {}
    for problem in result.problems:
        by_file.setdefault(problem.file, []).append(str(problem))
    loaded = {j.file: j for j in result.journeys}
    for name in result.files:
        if name in loaded:
            journey = loaded[name].journey
            typer.echo(f"{name}: OK (journey `{journey.journey}`, {len(journey.nodes)} steps)")
    for lines in by_file.values():
        for line in lines:
            typer.echo(line)
    bad = len(by_file)
    if not result.files and not result.problems:
        typer.echo("no journey files (*.yaml, *.yml) found", err=True)
        raise typer.Exit(EXIT_INPUT)
    if result.problems:
        typer.echo(
            f"{len(result.problems)} problem(s) in {bad} file(s); "
            f"{len(result.journeys)} of {len(result.files)} file(s) valid",
            err=True,
        )
        raise typer.Exit(EXIT_INPUT)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the journey format (for editors and the YAML language server)."""
    typer.echo(json.dumps(journey_json_schema(), indent=2, sort_keys=True))


@app.command()
def init(
    name: Annotated[str, typer.Argument(help="Journey id: letters, digits, - _ .")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (default: NAME.yaml here)."),
    ] = None,
) -> None:
    """Write a small commented starter journey; never over an existing file."""
    import re

    if not re.fullmatch(ID_PATTERN, name):
        typer.echo(
            f"error: `{name}` is not a journey id: use only letters, digits, -, _ and .",
            err=True,
        )
        raise typer.Exit(EXIT_INPUT)
    target = output or Path(f"{name}.yaml")
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        typer.echo(f"error: {target} exists already; journeymap init never overwrites", err=True)
        raise typer.Exit(EXIT_INPUT) from None
    except OSError as exc:
        typer.echo(f"error: cannot write {target}: {exc.strerror}", err=True)
        raise typer.Exit(EXIT_INPUT) from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(starter_journey(name))
    typer.echo(f"wrote {target}")


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        sys.exit(130)
