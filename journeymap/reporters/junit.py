"""JUnit XML, for CI systems that show test reports (Jenkins, GitLab, Azure, CircleCI).

One ``testsuite`` per journey file; in it, one failed ``testcase`` per finding
(named by rule and step, the message and path in the failure) or, for a journey
with no finding, one passing testcase. Files that could not be loaded are a suite
of their own with an ``error`` per problem. Everything is escaped by the standard
library's XML writer.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..findings import AuditResult
from ..visible import visible


def _text(value: str) -> str:
    """Text XML 1.0 can hold (control characters shown, not dropped)."""
    return visible(value)


def format(result: AuditResult) -> str:
    """The JUnit XML report of ``result``."""
    root = ET.Element("testsuites", name="journeymap")
    total = failures = errors = 0
    if result.problems:
        suite = ET.SubElement(root, "testsuite", name="input problems")
        for p in result.problems:
            case = ET.SubElement(
                suite, "testcase", classname=_text(p.file), name=_text(f"{p.kind} at line {p.line}")
            )
            error = ET.SubElement(case, "error", message=_text(p.message), type=p.kind)
            error.text = _text(str(p))
        suite.set("tests", str(len(result.problems)))
        suite.set("errors", str(len(result.problems)))
        suite.set("failures", "0")
        total += len(result.problems)
        errors += len(result.problems)
    for audit in result.journeys:
        suite = ET.SubElement(root, "testsuite", name=_text(audit.file))
        cases = 0
        for f in audit.findings:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=_text(audit.journey),
                name=_text(f"{f.rule} {f.name} at {f.node}"),
                file=_text(f.file),
                line=str(f.line),
            )
            failure = ET.SubElement(
                case, "failure", message=_text(f.message), type=f.severity.value
            )
            detail = f"{f.file}:{f.line}:{f.column}: {f.severity.value} {f.rule} {f.name}: "
            detail += f.message + ("\npath: " + " → ".join(f.path) if f.path else "")
            failure.text = visible(detail, keep_lines=True)
            cases += 1
        if not cases:
            ET.SubElement(suite, "testcase", classname=_text(audit.journey), name="no findings")
        suite.set("tests", str(max(cases, 1)))
        suite.set("failures", str(cases))
        suite.set("errors", "0")
        total += max(cases, 1)
        failures += cases
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
