"""The ``journeymap`` command line: parses arguments and calls the library.

Exit codes: 0 all good; 1 the audit found problems at or above ``--fail-on``;
2 bad input (a file that cannot be loaded) or a usage error.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.core

from . import __version__
from .baseline import apply_baseline, baseline_text, load_baseline
from .config import Settings, find_config, load_config
from .engine import (
    PARALLEL_MIN_FILES,
    analyse,
    audit_files_parallel,
    audit_journeys,
    audit_loaded,
    select_rules,
)
from .findings import AuditResult, Severity
from .loader import LoadedJourney, LoadResult, Problem, suggest
from .model import ID_PATTERN, journey_json_schema
from .output import OutputError, write_atomic
from .reading import find_journey_files, load_files, load_paths
from .reporters import Format, Options
from .reporters import render as render_report
from .rules import FAMILIES, RULES, get_rule
from .source import Limits
from .starter import starter_journey
from .visible import visible

if TYPE_CHECKING:
    from .analysis import Analysis
    from .traffic.audit import TrafficAudit

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2

# typer prints an argument's Python type after its name (`PATH <list[Path]>`); each
# argument's help already says what it takes.
typer.core.TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]

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
        metavar="PATH",
    ),
]


def _choice(what: str, choices: Sequence[str]) -> Callable[[str | None], str | None]:
    """A callback that accepts one of ``choices`` (any case) and otherwise says what is
    allowed, with the nearest choice: "`svgg` is not a format; use one of svg, png, pdf,
    dot (did you mean `svg`?)"."""

    def check(value: str | None) -> str | None:
        if value is None or value.lower() in choices:
            return value.lower() if value is not None else None
        raise typer.BadParameter(
            f"`{value}` is not {what}; use one of {', '.join(choices)}{suggest(value, choices)}"
        )

    return check


def _metavar(choices: Sequence[str]) -> str:
    return "[" + "|".join(choices) + "]"


SEVERITIES = tuple(s.value for s in Severity)
RENDER_FORMATS = ("svg", "png", "pdf", "dot", "mermaid")
"""What ``render --format`` takes: :data:`journeymap.diagram.render.FORMATS` (a test
keeps them equal, so the CLI starts without loading the diagram code) and Mermaid."""
RENDER_VIEWS = ("full", "teams", "focus", "traffic")
"""What ``render --view`` takes: :data:`journeymap.diagram.build.VIEWS` and the traffic
view (:mod:`journeymap.diagram.traffic`)."""
TRAFFIC_FORMATS = ("auto", "csv", "parquet", "connect", "twilio")
"""What ``--traffic-format`` takes: :data:`journeymap.traffic.FORMATS` and ``auto``."""


TrafficLog = Annotated[
    Path | None,
    typer.Option(
        "--traffic",
        help="A contact log to lay on the design (CSV or Parquet event log, Amazon Connect "
        "flow logs, Twilio Studio execution steps): observed shares, abandonment, drift. "
        "Implies --effort.",
        metavar="LOG",
    ),
]
TrafficFormat = Annotated[
    str,
    typer.Option(
        "--traffic-format",
        help="The log's format [default: auto, by its name and first lines].",
        callback=_choice("a log format", TRAFFIC_FORMATS),
        metavar=_metavar(TRAFFIC_FORMATS),
        show_default=False,
    ),
]
EFFORT_FORMATS = (Format.TEXT, Format.JSON, Format.MARKDOWN, Format.HTML)
"""The report formats that show expected effort and traffic."""
LOG_PROBLEMS_SHOWN = 20
"""Problems of a contact log printed before "and N more" (the JSON report has them all)."""


def _effort(
    journeys: Sequence[LoadedJourney],
    settings: Settings,
    log: Path | None,
    log_format: str,
    analysis: Analysis | None = None,
) -> TrafficAudit:
    """The expected effort of ``journeys`` (``analysis``: theirs, when built already)
    and, with ``log``, its traffic; the log's problems go to standard error. Exits 2 when
    the log cannot be used at all."""
    from .traffic.audit import audit_traffic

    if log is not None:
        try:
            regular = log.is_file()
        except OSError:
            regular = False
        if not regular:  # a FIFO or a device could block for ever
            raise _fail(f"--traffic {log}: not a regular file")
    kind = None if log_format == "auto" else log_format
    found = audit_traffic(journeys, settings, log, kind, analysis=analysis)
    traffic = found.traffic
    if traffic is not None:
        for problem in traffic.problems[:LOG_PROBLEMS_SHOWN]:
            typer.echo(visible(f"{problem} (traffic log)"), err=True)
        if len(traffic.problems) > LOG_PROBLEMS_SHOWN:
            more = len(traffic.problems) - LOG_PROBLEMS_SHOWN
            typer.echo(f"... and {plural(more, 'more problem')} in the traffic log", err=True)
        if traffic.rows == 0 or any(p.kind == "unreadable" for p in traffic.problems):
            raise _fail(f"--traffic {log}: no row of the log could be used")
    return found


MaxFileSize = Annotated[
    float,
    typer.Option(
        "--max-file-size",
        help="Largest journey file read, in MiB.",
        min=0.001,
        max=4096,
        metavar="MIB",
    ),
]


Jobs = Annotated[
    int,
    typer.Option(
        "--jobs",
        "-j",
        help="Processes reading a batch of files (0: one per core).",
        min=0,
        max=256,
        metavar="N",
    ),
]


Timeout = Annotated[
    float,
    typer.Option(
        "--timeout",
        help="Seconds Graphviz may take per diagram (render, and the HTML report).",
        min=1,
        max=86_400,
        metavar="SECONDS",
    ),
]


def _workers(jobs: int) -> int:
    return jobs or (os.cpu_count() or 1)


MaxSteps = Annotated[
    int,
    typer.Option(
        "--max-steps", help="Most steps in one journey.", min=1, max=100_000_000, metavar="N"
    ),
]


def _limits(max_file_size: float, max_steps: int = 250_000) -> Limits:
    return Limits(max_bytes=int(max_file_size * 1024 * 1024), max_steps=max_steps)


@app.command()
def validate(
    paths: PathsArg,
    max_file_size: MaxFileSize = 32.0,
    max_steps: MaxSteps = 250_000,
    skip_non_journeys: Annotated[
        bool,
        typer.Option(
            "--skip-non-journeys",
            help="Pass over YAML files that are no journey given by name, as files found "
            "in folders always are.",
        ),
    ] = False,
) -> None:
    """Check journey files against the format; print every problem with file:line:col.

    Prints one OK line per valid file. Exit code 0 when every file is valid,
    2 when any is not.
    """
    result = load_paths(paths, _limits(max_file_size, max_steps))
    quiet = _passed_over(paths, result.files, skip_non_journeys)
    if quiet:  # other YAML found in a folder: passed over, not an error
        result = replace(
            result, problems=tuple(p for p in result.problems if not _not_a_journey(p, quiet))
        )
    by_file: dict[str, list[str]] = {}
    for problem in result.problems:
        by_file.setdefault(problem.file, []).append(str(problem))
    loaded = {j.file: j for j in result.journeys}
    for name in result.files:
        if name in loaded:
            journey = loaded[name].journey
            steps = plural(len(journey.nodes), "step")
            typer.echo(visible(f"{name}: OK (journey `{journey.journey}`, {steps})"))
    for lines in by_file.values():
        for line in lines:
            typer.echo(line)
    bad = len(by_file)
    if not result.files and not result.problems:
        typer.echo("no journey files (*.yaml, *.yml) found", err=True)
        raise typer.Exit(EXIT_INPUT)
    if result.problems:
        typer.echo(
            f"{plural(len(result.problems), 'problem')} in {plural(bad, 'file')}; "
            f"{len(result.journeys)} of {plural(len(result.files), 'file')} valid",
            err=True,
        )
        raise typer.Exit(EXIT_INPUT)


@app.command()
def schema(
    report: Annotated[
        bool,
        typer.Option("--report", help="The schema of the JSON audit report instead."),
    ] = False,
    diff: Annotated[
        bool,
        typer.Option("--diff", help="The schema of the JSON report of `journeymap diff`."),
    ] = False,
) -> None:
    """Print the JSON Schema of the journey format (for editors and the YAML language server)."""
    from .reporters.diff_report import DIFF_SCHEMA
    from .reporters.json_schema import SCHEMA

    chosen = DIFF_SCHEMA if diff else SCHEMA if report else journey_json_schema()
    typer.echo(json.dumps(chosen, indent=2, sort_keys=True))


@app.command()
def init(
    name: Annotated[str, typer.Argument(help="Journey id: letters, digits, - _ .", metavar="NAME")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="File to write (default: NAME.yaml here).", metavar="FILE"
        ),
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


def _color_default(output: Path | None) -> bool:
    """Colour when writing to a terminal; ``NO_COLOR`` (set, not empty) turns it off and
    ``FORCE_COLOR`` on, as https://no-color.org and https://force-color.org say."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return (output is None or str(output) == "-") and sys.stdout.isatty()


def plural(count: int, word: str) -> str:
    return f"{count} {word if count == 1 else word + 's'}"


NON_JOURNEY_KINDS = frozenset({"other-yaml"})  # a mapping with no journey keys


def _passed_over(paths: Sequence[Path], files: Sequence[str], all_files: bool) -> set[str]:
    """The files whose being no journey is not an error: those found by walking a
    folder, or every file with ``--skip-non-journeys`` (as pre-commit hooks pass)."""
    given = {str(p) for p in paths}
    return {f for f in files if all_files or f not in given}


def _not_a_journey(problem: Problem, quiet: set[str]) -> bool:
    return problem.file in quiet and problem.kind in NON_JOURNEY_KINDS


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


def _fail(message: str) -> typer.Exit:
    typer.echo(visible(f"error: {message}"), err=True)
    return typer.Exit(EXIT_INPUT)


def _settings(
    config: Path | None,
    select: list[str],
    ignore: list[str],
    fail_on: Severity | None,
    verbose_settings: bool = False,
) -> Settings:
    path = config or find_config(Path.cwd())
    settings = Settings()
    if path is not None and verbose_settings:
        typer.echo(visible(f"settings: {path}"), err=True)
    if path is not None:
        if not path.is_file():
            raise _fail(f"settings file {path} does not exist")
        loaded, problems = load_config(path)
        if loaded is None:
            for problem in problems:
                typer.echo(str(problem), err=True)
            raise typer.Exit(EXIT_INPUT)
        settings = loaded
    layer: dict[str, object] = {}
    if select:
        layer["select"] = select
    if ignore:
        layer["ignore"] = ignore
    if fail_on is not None:
        layer["fail_on"] = fail_on.value
    settings = settings.merged(layer)
    try:
        select_rules(settings.select, settings.ignore)
    except KeyError as exc:
        raise _fail(f"{exc.args[0]}; see `journeymap rules`") from None
    return settings


PROGRESS_MIN_FILES = 20


def _progress() -> Callable[[int, int], None] | None:
    """A progress bar (rich's) on standard error for long batches in an interactive
    terminal."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import Progress

    bar: Progress | None = None
    task = None

    def show(done: int, total: int) -> None:
        nonlocal bar, task
        if total < PROGRESS_MIN_FILES:
            return
        if bar is None:
            bar = Progress(console=Console(stderr=True), transient=True)
            bar.start()
            task = bar.add_task("loading", total=total)
        assert task is not None
        bar.update(task, completed=done)
        if done == total:
            bar.stop()

    return show


@app.command()
def audit(
    paths: PathsArg,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="Output format.",
            callback=_choice("a format", tuple(Format)),
            metavar=_metavar(tuple(Format)),
        ),
    ] = "text",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the report to this file (default, or `-`: standard output).",
            metavar="FILE",
        ),
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 when a finding at or above this severity exists [default: high].",
            callback=_choice("a severity", SEVERITIES),
            metavar=_metavar(SEVERITIES),
            show_default=False,
        ),
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select",
            help="Run only these rules (ids or names, comma-separated).",
            metavar="RULES",
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore",
            help="Do not run these rules (ids or names, comma-separated).",
            metavar="RULES",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="Settings file (.journeymap.yaml or pyproject.toml); default: the one here.",
            metavar="FILE",
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show how to fix each finding.")
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", "-q", help="Text: print only the findings and problems, one line each."
        ),
    ] = False,
    statistics: Annotated[
        bool,
        typer.Option("--statistics", help="Text: print only the count of findings per rule."),
    ] = False,
    show_source: Annotated[
        bool,
        typer.Option("--show-source", help="Text: show the lines of the file around each finding."),
    ] = False,
    mermaid: Annotated[
        bool,
        typer.Option(
            "--mermaid",
            help="Markdown: draw each journey as a Mermaid diagram in the report (code hosts "
            "and wikis show it inline).",
        ),
    ] = False,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            help="Leave out (and count) the findings this baseline accepts.",
            metavar="FILE",
        ),
    ] = None,
    write_baseline: Annotated[
        Path | None,
        typer.Option(
            "--write-baseline", help="Record today's findings as the baseline.", metavar="FILE"
        ),
    ] = None,
    exit_zero: Annotated[
        bool,
        typer.Option("--exit-zero", help="Exit 0 even when there are findings (not input errors)."),
    ] = False,
    color: Annotated[
        bool | None,
        typer.Option("--color/--no-color", help="Colour the text report [default: on a terminal]."),
    ] = None,
    max_file_size: MaxFileSize = 32.0,
    max_steps: MaxSteps = 250_000,
    jobs: Jobs = 0,
    timeout: Timeout = 600.0,
    skip_non_journeys: Annotated[
        bool,
        typer.Option(
            "--skip-non-journeys",
            help="Pass over YAML files that are no journey (a CI workflow) given by name, "
            "as files found in folders always are (for pre-commit hooks).",
        ),
    ] = False,
    client: Annotated[
        str | None,
        typer.Option("--client", help="HTML: who the report is for, on its cover.", metavar="TEXT"),
    ] = None,
    author: Annotated[
        str | None,
        typer.Option("--author", help="HTML: who wrote the report, on its cover.", metavar="TEXT"),
    ] = None,
    scope: Annotated[
        str | None,
        typer.Option("--scope", help="HTML: what was audited, on the cover.", metavar="TEXT"),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="HTML: the date on the cover, as written (none unless given).",
            metavar="TEXT",
        ),
    ] = None,
    effort: Annotated[
        bool,
        typer.Option(
            "--effort",
            help="Text, JSON, Markdown, HTML: what the average customer goes through, from "
            "the routes' shares (assumed equal where missing): hurdles, seconds, who reaches "
            "a person, where customers give up.",
        ),
    ] = False,
    traffic: TrafficLog = None,
    traffic_format: TrafficFormat = "auto",
) -> None:
    """Audit journeys for friction: loops, dead ends, hurdles and silos.

    Exit codes: 0 no finding at or above --fail-on; 1 such findings; 2 a file
    could not be loaded, or a usage error.
    """
    report_format = Format(fmt)
    severity = Severity(fail_on) if fail_on is not None else None
    settings = _settings(config, _split(select), _split(ignore), severity, verbose)
    files, missing = find_journey_files(paths)
    if not files and not missing:  # an empty or unreadable folder audits nothing: say so
        typer.echo(
            "error: no journey files or flow exports found (*.yaml, *.yml, flow exports in "
            "*.json, native Genesys *.i3*Flow)",
            err=True,
        )
        raise typer.Exit(EXIT_INPUT)
    limits = _limits(max_file_size, max_steps)
    workers = _workers(jobs)
    loaded: LoadResult | None = None
    drawn = report_format is Format.HTML or (mermaid and report_format is Format.MARKDOWN)
    effort = effort or traffic is not None
    if effort and report_format not in EFFORT_FORMATS:  # said, not silently dropped
        shown = ", ".join(f.value for f in EFFORT_FORMATS)
        raise _fail(f"--effort and --traffic show in the {shown} reports, not in {fmt}")
    drawn = drawn or effort  # these need the loaded journeys
    if workers > 1 and len(files) >= PARALLEL_MIN_FILES and not drawn:
        result = audit_files_parallel(files, settings, limits, workers, _progress())
        result = replace(result, problems=tuple(sorted((*missing, *result.problems))))
    else:
        loaded = load_files(files, missing, limits, _progress())
        shared = analyse(loaded.journeys, settings) if effort else None  # rules and effort
        result = audit_loaded(loaded, settings, shared)
    passed = _passed_over(paths, files, skip_non_journeys)
    if passed:  # other YAML found in a folder (a CI workflow): passed over, not an error
        kept = tuple(p for p in result.problems if not _not_a_journey(p, passed))
        if verbose and len(kept) < len(result.problems):
            for problem in result.problems:
                if problem not in kept:
                    typer.echo(visible(f"{problem.file}: not a journey, passed over"), err=True)
        result = replace(result, problems=kept)
    inputs = list(files) + [str(p) for p in (config, baseline) if p is not None]
    if write_baseline is not None:
        try:
            write_atomic(write_baseline, baseline_text(result), inputs)
        except OutputError as exc:
            raise _fail(str(exc)) from None
        typer.echo(
            visible(f"wrote {write_baseline} ({plural(len(result.findings), 'finding')})"),
            err=True,
        )
        if not result.problems:  # a baseline written is the job done: exit 0
            exit_zero = True
    if baseline is not None:
        accepted, problems = load_baseline(baseline)
        if accepted is None:
            for problem in problems:
                typer.echo(str(problem), err=True)
            raise typer.Exit(EXIT_INPUT)
        result = apply_baseline(result, accepted)
    use_color = color if color is not None else _color_default(output)
    figures = None
    if effort and loaded is not None:
        figures = _effort(loaded.journeys, settings, traffic, traffic_format, shared)
        figures = figures.with_customers(result)
        if traffic is not None:
            inputs.append(str(traffic))
    diagrams = None
    team_diagrams = None
    traffic_diagrams = None
    if report_format is Format.HTML and loaded is not None:
        from .reporters.views import render_svgs, svg_views

        def note(text: str) -> None:
            typer.echo(visible(text), err=True)

        diagrams = svg_views(loaded.journeys, result, "full", timeout, note, what="diagram")
        if diagrams:  # Graphviz draws: the teams view of each journey too
            team_diagrams = svg_views(loaded.journeys, result, "teams", timeout, note)
            if figures is not None:
                from .diagram.traffic import traffic_source

                traffic_diagrams = render_svgs(
                    (
                        (j.id, traffic_source(j, figures), "dot")
                        for j in loaded.journeys
                        if j.id in figures.design
                    ),
                    "traffic view",
                    timeout,
                    note,
                )
    drawings = None
    if mermaid and report_format is Format.MARKDOWN and loaded is not None:
        from .diagram import mermaid_source

        drawings = {
            j.id: mermaid_source(j, a)
            for j, a in zip(loaded.journeys, result.journeys, strict=True)
        }
    cover = {
        key: value
        for key, value in (("client", client), ("author", author), ("scope", scope), ("date", date))
        if value
    }  # the cover's options win over the settings file's `report:` block
    options = Options(
        mermaid=drawings,
        color=use_color,
        verbose=verbose,
        diagrams=diagrams,
        quiet=quiet,
        statistics=statistics,
        show_source=show_source,
        team_diagrams=team_diagrams,
        settings=settings.merged({"report": cover}) if cover else settings,
        rules=tuple(r.id for r in select_rules(settings.select, settings.ignore)),
        effort=figures,
        traffic_diagrams=traffic_diagrams,
    )
    report = render_report(result, report_format, options)
    if output is None or str(output) == "-":
        typer.echo(report, nl=False, color=use_color)
    else:
        try:
            write_atomic(output, report, inputs)
        except OutputError as exc:
            raise _fail(str(exc)) from None
        typer.echo(visible(f"wrote {output}"), err=True)
    if result.problems:
        raise typer.Exit(EXIT_INPUT)
    threshold = settings.fail_severity
    if not exit_zero and any(f.severity.at_least(threshold) for f in result.findings):
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def render(
    paths: PathsArg,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="svg, png, pdf; dot (DOT source) or mermaid (Mermaid flowchart text, "
            "drawn inline by code hosts and wikis), which need no Graphviz.",
            callback=_choice("a diagram format", RENDER_FORMATS),
            metavar=_metavar(RENDER_FORMATS),
        ),
    ] = "svg",
    view: Annotated[
        str,
        typer.Option(
            "--view",
            help="full: every step; teams: one box per team (the silo picture); "
            "focus: only the steps and routes of the findings; traffic: route width by "
            "customers, step colour by who gives up there (expected, or from --traffic).",
            callback=_choice("a view", RENDER_VIEWS),
            metavar=_metavar(RENDER_VIEWS),
        ),
    ] = "full",
    rule: Annotated[
        list[str] | None,
        typer.Option(
            "--rule", help="Show only these rules' findings (ids or names).", metavar="RULES"
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="A folder (one file per journey, named after it) or, for one journey, a file "
            "[default: here, never replacing a file].",
            show_default=False,
            metavar="PATH",
        ),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="Settings file (see `audit`).", metavar="FILE")
    ] = None,
    timeout: Timeout = 600.0,
    max_file_size: MaxFileSize = 32.0,
    traffic: TrafficLog = None,
    traffic_format: TrafficFormat = "auto",
) -> None:
    """Draw annotated diagrams: each finding marked where it sits, hurdles on every step.

    Writes one file per journey. Exit codes: 0 written; 2 bad input, usage error,
    or Graphviz missing (`--format dot` works without it).
    """
    rules = _split(rule)
    for key in rules:
        if get_rule(key) is None:
            raise _fail(f"unknown rule `{key}`; see `journeymap rules`")
    if view == "traffic" and fmt == "mermaid":
        raise _fail("the traffic view is drawn by Graphviz: use --format svg, png, pdf or dot")
    if traffic is not None and view != "traffic":
        raise _fail("--traffic draws the traffic view: add --view traffic")
    settings = _settings(config, [], [], None)
    loaded = load_paths(paths, _limits(max_file_size))
    for problem in loaded.problems:
        typer.echo(str(problem), err=True)
    shared = analyse(loaded.journeys, settings)  # the diagrams' audit and the traffic view
    result = audit_journeys(loaded.journeys, settings, analysis=shared)
    effort = (
        _effort(loaded.journeys, settings, traffic, traffic_format, shared)
        if view == "traffic"
        else None
    )
    failed = _write_diagrams(
        loaded, result, fmt, view, rules, output, timeout, effort=effort, log=traffic
    )
    if loaded.problems or result.problems or failed:
        raise typer.Exit(EXIT_INPUT)


def _write_diagrams(
    loaded: LoadResult,
    result: AuditResult,
    fmt: str,
    view: str,
    rules: Sequence[str],
    output: Path | None,
    timeout: float,
    quiet: bool = False,
    effort: TrafficAudit | None = None,
    log: Path | None = None,
) -> int:
    """Write each journey's diagram; the number that could not be drawn (each fails
    alone, with its reason)."""
    from .diagram import RenderError, diagram_source, mermaid_source
    from .diagram import render as run_graphviz
    from .diagram.traffic import traffic_source

    inputs = [*loaded.files, *([str(log)] if log is not None else [])]
    asked = output is not None
    output = output or Path(".")
    ending = "mmd" if fmt == "mermaid" else fmt
    single = len(loaded.journeys) == 1 and output.suffix == f".{ending}" and not output.is_dir()
    suffix = "" if view == "full" else f".{view}"
    failed = 0
    for journey, journey_audit in zip(loaded.journeys, result.journeys, strict=True):
        target = output if single else output / f"{journey.id}{suffix}.{ending}"
        if not asked and target.exists():
            raise _fail(f"{target} exists already; give --output to choose where to write")
        engine = "dot"
        try:
            if fmt == "mermaid":
                data = mermaid_source(journey, journey_audit, view, rules).encode("utf-8")
            elif effort is not None:
                source = traffic_source(journey, effort)
                data = run_graphviz(source, fmt, engine, timeout)
            else:
                source, engine = diagram_source(journey, journey_audit, view, rules)
                data = run_graphviz(source, fmt, engine, timeout)
        except RenderError as exc:  # each diagram fails alone: the others go on
            typer.echo(visible(f"error: {journey.file}: {exc}"), err=True)
            failed += 1
            continue
        try:
            write_atomic(target, data, inputs)
        except OutputError as exc:
            raise _fail(str(exc)) from None
        note = (
            f" (laid out with {engine}: {plural(len(journey.journey.nodes), 'step')})"
            if engine != "dot"
            else ""
        )
        if not quiet:
            typer.echo(visible(f"wrote {target}{note}"))
    return failed


@app.command()
def watch(
    paths: PathsArg,
    diagrams: Annotated[
        Path | None,
        typer.Option(
            "--diagrams",
            "-d",
            help="Folder to draw each journey's diagram into, again on every save.",
            metavar="FOLDER",
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="Diagram format (with --diagrams).",
            callback=_choice("a diagram format", RENDER_FORMATS),
            metavar=_metavar(RENDER_FORMATS),
        ),
    ] = "svg",
    view: Annotated[
        str,
        typer.Option(
            "--view",
            help="Diagram view (with --diagrams).",
            callback=_choice("a view", RENDER_VIEWS),
            metavar=_metavar(RENDER_VIEWS),
        ),
    ] = "full",
    config: Annotated[
        Path | None, typer.Option("--config", help="Settings file (see `audit`).", metavar="FILE")
    ] = None,
    interval: Annotated[
        float,
        typer.Option(
            "--interval",
            help="Seconds between looks at the files.",
            min=0.1,
            max=60,
            metavar="SECONDS",
        ),
    ] = 0.5,
    color: Annotated[
        bool | None,
        typer.Option("--color/--no-color", help="Colour the report (default: on a terminal)."),
    ] = None,
    timeout: Timeout = 600.0,
    max_file_size: MaxFileSize = 32.0,
) -> None:
    """Audit again (and redraw the diagrams) every time a journey file is saved.

    For someone editing a journey beside its diagram: prints the audit at the start
    and after each save, and with --diagrams keeps a diagram per journey up to date
    (open the SVG in a browser and reload). Stop with Ctrl-C.
    """
    from datetime import datetime

    from .watch import changes

    settings_file = config if config is not None else find_config(Path.cwd())
    use_color = color if color is not None else _color_default(None)
    if diagrams is not None:
        diagrams.mkdir(parents=True, exist_ok=True)
    extra = [settings_file] if settings_file is not None else []
    try:
        for changed_files in changes(paths, interval, extra=extra):
            settings = _settings(config, [], [], None)
            loaded = load_paths(paths, _limits(max_file_size))
            result = audit_loaded(loaded, settings)
            stamp = datetime.now().strftime("%H:%M:%S")
            names = ", ".join(sorted(Path(f).name for f in changed_files)[:5])
            typer.echo(visible(f"── {stamp} · {names or 'nothing yet'} ──"))
            typer.echo(
                render_report(result, Format.TEXT, Options(color=use_color)),
                nl=False,
                color=use_color,
            )
            if diagrams is not None and loaded.journeys:
                failed = _write_diagrams(loaded, result, fmt, view, [], diagrams, timeout, True)
                drawn = len(loaded.journeys) - failed
                typer.echo(visible(f"drew {plural(drawn, 'diagram')} in {diagrams}"))
    except KeyboardInterrupt:
        typer.echo("stopped watching", err=True)


class DiffFormat(StrEnum):
    """Output formats of ``journeymap diff``."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    SARIF = "sarif"


def _load_side(name: str, paths: list[str], limits: Limits) -> LoadResult:
    """One side of a diff: a file or folder, ``.`` (the work tree, with ``paths``), or a
    git revision (``:`` is the index)."""
    from .revisions import RevisionError, is_revision, load_revision

    if name == "." and paths:
        return load_paths(paths, limits)
    if not paths and Path(name).exists():
        return load_paths([name], limits)
    if is_revision(name):
        try:
            return load_revision(name, paths, limits)
        except RevisionError as exc:
            raise _fail(f"cannot read revision {name}: {exc}") from None
    raise _fail(f"{name} is neither a file or folder nor a git revision")


@app.command()
def diff(
    old: Annotated[
        str,
        typer.Argument(
            help="The version before: a file, a folder or a git revision.", metavar="OLD"
        ),
    ],
    new: Annotated[
        str,
        typer.Argument(
            help="The version after: a file, a folder, a git revision, `.` for the work "
            "tree or `:` for git's index.",
            metavar="NEW",
        ),
    ],
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="With revisions: the files or folders to compare (after `--`).",
            show_default=False,
            metavar="PATH",
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="Output format.",
            callback=_choice("a format", tuple(DiffFormat)),
            metavar=_metavar(tuple(DiffFormat)),
        ),
    ] = "text",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the report to this file (default, or `-`: stdout).",
            metavar="FILE",
        ),
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 when the change introduces a finding at or above this severity.",
            callback=_choice("a severity", SEVERITIES),
            metavar=_metavar(SEVERITIES),
        ),
    ] = None,
    fail_on_worse: Annotated[
        str | None,
        typer.Option(
            "--fail-on-worse",
            help="Exit 1 when a figure gets worse by more than an amount, e.g. "
            "`hurdles:1,handoffs:1,person` (figures: person, hurdles, resolution, menus, "
            "handoffs, friction).",
            metavar="FIGURES",
        ),
    ] = None,
    diagram: Annotated[
        Path | None,
        typer.Option(
            "--diagram",
            help="Folder for an SVG of each changed journey's new version, with what "
            "changed marked.",
            metavar="FOLDER",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Settings file.", show_default=False, metavar="FILE"),
    ] = None,
    max_file_size: MaxFileSize = 32.0,
) -> None:
    """Say what a change does to customers: findings introduced and fixed, figures
    worse and better, steps and routes changed.

    Compare two files or folders, or two git revisions (`journeymap diff main HEAD --
    journeys/`; `.` is the work tree and `:` the index). Exit codes: 0 nothing past
    the thresholds; 1 a finding introduced at or above --fail-on, or a figure worse
    past --fail-on-worse; 2 bad input or a usage error.
    """
    from .diff import diff as compare
    from .diff import fails, parse_thresholds
    from .reporters import diff_report

    settings = _settings(config, [], [], Severity(fail_on) if fail_on is not None else None)
    try:
        thresholds = parse_thresholds(
            fail_on_worse if fail_on_worse is not None else settings.fail_on_worse
        )
    except ValueError as exc:
        raise _fail(str(exc)) from None
    limits = _limits(max_file_size)
    before = _load_side(old, paths or [], limits)
    after = _load_side(new, paths or [], limits)
    if not before.files and not after.files:
        raise _fail("no journey files or flow exports on either side")
    result = compare(before.journeys, after.journeys, settings, (*before.problems, *after.problems))
    render = {
        DiffFormat.TEXT: diff_report.format_text,
        DiffFormat.JSON: diff_report.format_json,
        DiffFormat.MARKDOWN: diff_report.format_markdown,
        DiffFormat.SARIF: diff_report.format_sarif,
    }[DiffFormat(fmt)]
    report = render(result)
    inputs = [*before.files, *after.files] + ([str(config)] if config is not None else [])
    if output is None or str(output) == "-":
        typer.echo(report, nl=False)
    else:
        try:
            write_atomic(output, report, inputs)
        except OutputError as exc:
            raise _fail(str(exc)) from None
        typer.echo(visible(f"wrote {output}"), err=True)
    if diagram is not None:
        _diff_diagrams(diagram, result, after.journeys, before.journeys, inputs)
    if result.problems:
        raise typer.Exit(EXIT_INPUT)
    if fails(result, settings.fail_severity, thresholds):
        raise typer.Exit(EXIT_FINDINGS)


def _diff_diagrams(
    folder: Path,
    result: Any,
    new: Sequence[LoadedJourney],
    old: Sequence[LoadedJourney],
    inputs: list[str],
) -> None:
    """An SVG of each changed journey's new version, changes and new findings marked."""
    from .diagram import RenderError, diff_diagram_source
    from .diagram import render as run_graphviz

    by_new = {j.id: j for j in new}
    by_old = {j.id: j for j in old}
    for change in result.journeys:
        if change.status != "changed" or change.journey not in by_new:
            continue
        audit = next(a for a in result.new.journeys if a.journey == change.journey)
        source = diff_diagram_source(
            by_new[change.journey], audit, change, by_old.get(change.journey)
        )
        target = folder / f"{change.journey}.diff.svg"
        try:
            write_atomic(target, run_graphviz(source, "svg"), inputs)
        except (RenderError, OutputError) as exc:
            typer.echo(visible(f"error: {target}: {exc}"), err=True)
            continue
        typer.echo(visible(f"wrote {target}"), err=True)


@app.command("import")
def import_(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Flow exports (Amazon Connect, Twilio Studio, Genesys Archy, Dialogflow CX "
            "agents).",
            metavar="FILE",
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder for the journey files.", metavar="FOLDER")
    ] = Path("."),
) -> None:
    """Convert contact-centre flow exports into journey YAML files you can edit and audit.

    Each file is named after its journey; an existing file is never replaced.
    """
    from .importers import import_file, journey_yaml
    from .reading import load_text

    failed = False
    for path in files:
        data, problems = import_file(path)
        if data is None:
            for problem in problems:
                typer.echo(str(problem), err=True)
            failed = True
            continue
        text = journey_yaml(data)
        target = output / f"{data['journey']}.yaml"
        _, check = load_text(text, str(target))
        for problem in check:  # the importer's own output must be a valid journey
            typer.echo(
                visible(f"{path}: importer produced an invalid journey: {problem}"), err=True
            )
            failed = True
        if check:
            continue
        if target.exists():
            typer.echo(
                visible(f"error: {target} exists already; import never replaces a file"), err=True
            )
            failed = True
            continue
        try:
            write_atomic(target, text, [str(p) for p in files])
        except OutputError as exc:
            raise _fail(str(exc)) from None
        typer.echo(visible(f"wrote {target} ({plural(len(data['nodes']), 'step')} from {path})"))
    if failed:
        raise typer.Exit(EXIT_INPUT)


@app.command("rules")
def list_rules() -> None:
    """List every rule: id, name, default severity and what it finds."""
    family = ""
    for rule in RULES:
        if rule.family != family:
            family = rule.family
            typer.echo(f"{family.capitalize()}:")
        typer.echo(f"  {rule.id}  {rule.name:<24} {rule.severity.value:<8} {rule.summary}")


@app.command()
def explain(
    rule: Annotated[
        str, typer.Argument(help="A rule id (JM101) or name (endless-loop).", metavar="RULE")
    ],
) -> None:
    """Print a rule's docs: what it finds, why it matters, an example, how to fix it."""
    found = get_rule(rule)
    if found is None:
        from .loader import suggest
        from .rules import BY_KEY

        raise _fail(f"unknown rule `{rule}`{suggest(rule, BY_KEY)}; see `journeymap rules`")
    sections = (
        ("What it finds", found.what),
        ("Why it matters", found.why),
        ("Example", found.example),
        ("How to fix it", found.fix),
    )
    typer.echo(f"{found.id} {found.name} ({found.severity.value}, {FAMILIES[found.id[2]]})")
    typer.echo(found.summary)
    for heading, body in sections:
        typer.echo(f"\n{heading}:")
        if heading == "Example":
            typer.echo(textwrap.indent(body, "    "))
        else:
            typer.echo(textwrap.fill(body, 88, initial_indent="    ", subsequent_indent="    "))


def _stop_on_term(signum: int, frame: object) -> None:
    """SIGTERM ends the run like an exception, so clean-up runs: temporary files are
    removed and worker processes stopped."""
    raise SystemExit(128 + signum)


def main() -> None:
    """Console-script entry point."""
    import signal

    signal.signal(signal.SIGTERM, _stop_on_term)
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        sys.exit(130)
