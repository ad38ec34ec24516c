"""GitHub Actions workflow commands: one annotation per finding and per problem.

Printed by a step of a workflow, each line becomes an annotation on the file and
line in the run's summary and in the pull request's diff::

    ::error file=journeys/line.yaml,line=12,col=3,title=JM101 endless-loop::...

Critical and high findings are ``error``, medium ``warning``, low and info
``notice``. Values are escaped as the runner expects (``%``, line breaks, and in
properties ``:`` and ``,``).
"""

from __future__ import annotations

from ..findings import AuditResult, Severity

COMMANDS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
    Severity.INFO: "notice",
}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, file: str, line: int, column: int, title: str, message: str) -> str:
    where = f"file={_property(file)}"
    if line > 0:
        where += f",line={line},col={max(column, 1)}"
    return f"::{kind} {where},title={_property(title)}::{_data(message)}"


def format(result: AuditResult) -> str:
    """The annotations of ``result``, one per line.

    >>> from journeymap.findings import AuditResult
    >>> from journeymap.loader import Problem
    >>> print(format(AuditResult((), (Problem("a,b.yaml", 3, 5, "50% done", "syntax"),))), end="")
    ::error file=a%2Cb.yaml,line=3,col=5,title=journeymap syntax::50%25 done
    """
    lines = [
        _command("error", p.file, p.line, p.column, f"journeymap {p.kind}", p.message)
        for p in result.problems
    ]
    for audit in result.journeys:
        for f in audit.findings:
            title = f"{f.rule} {f.name}"
            message = f"{f.message} (step `{f.node}`)"
            if f.path:
                message += "\npath: " + " → ".join(f.path)
            lines.append(_command(COMMANDS[f.severity], f.file, f.line, f.column, title, message))
    return "".join(line + "\n" for line in lines)
