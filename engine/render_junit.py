"""JUnit XML: the report as test results, for CI systems that display them (GitLab, Jenkins, ...).

A rendering of the JSON report, nothing recomputed. One `<testsuite>` per
control group (A.2 … A.10, clauses 4 … 10, in catalog order), one
`<testcase>` per result: `classname` is the control or clause, `name` the rule
(and `[subject]` for a rule judged per AI system).

- fail: `<failure message="reason" type="severity">` with the trace as
  indented text lines.
- blocked, not_applicable, waived: `<skipped message="reason"/>`. A fail of a
  rule not yet in force (`enforced: false`, a warning that does not fail the
  gate) is skipped too, its trace as the text, so a CI system that turns red
  on any failure does not do so before the rule's `effective_on` date.
- pass: a plain testcase.

The output validates against the Apache Ant JUnit schema, the strictest in
common use: it requires `timestamp`, `hostname`, `time`, `package`, `id` and
the `properties`, `system-out` and `system-err` elements. To keep output
byte-identical for the same report, `timestamp` is the as-of date at midnight,
`hostname` is `localhost` and every `time` is 0. Text is escaped by
ElementTree; characters XML 1.0 cannot carry (most control characters, lone
surrogates, U+FFFE and U+FFFF) are written as visible `\\xNN` escapes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from .errors import safe_lines

_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def xml_text(text: object) -> str:
    """Text that XML 1.0 can carry: control characters and non-characters escaped as `\\xNN` / `\\uXXXX`."""
    text = safe_lines(str(text))  # C0 (but tab and newline) and C1 controls, as in the terminal table
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _where(location: dict) -> str:
    return f"{location['file']}:{location['line']}"


def _cites(reason: str, where: str) -> bool:
    """Whether the reason already names that file and line (`a.md:1` is not cited by `a.md:12`)."""
    return re.search(rf"{re.escape(where)}(?![0-9])", reason) is not None


def trace_lines(trace: dict, depth: int = 0) -> Iterator[str]:
    """The trace tree as indented lines: outcome, op, the item judged, reason, and location."""
    item = f" [{trace['item']}]" if "item" in trace else ""
    line = f"{'  ' * depth}{trace['outcome']} {trace['op']}{item}: {trace['reason']}"
    location = trace.get("location")
    if location is not None and not _cites(trace["reason"], _where(location)):
        line += f" ({_where(location)})"
    yield line
    for child in trace.get("children", ()):
        yield from trace_lines(child, depth + 1)


def _groups(report: dict) -> tuple[list[tuple[str, str]], dict[str, str]]:
    groups = [(g["group"], g["title"]) for g in report["summary"]["groups"]]
    group_of = {c["id"]: c["group"] for c in report["controls"]}
    return groups, group_of


def _testcase(result: dict) -> ET.Element:
    name = result["rule"] if result["subject"] is None else f"{result['rule']} [{result['subject']}]"
    case = ET.Element("testcase", {"name": xml_text(name), "classname": xml_text(result["control"]), "time": "0"})
    status = result["status"]
    message = xml_text(result["reason"])
    if status == "fail" and result.get("enforced", True):
        failure = ET.SubElement(case, "failure", {"message": message, "type": result["severity"]})
        failure.text = xml_text("\n".join(trace_lines(result["trace"])))
    elif status == "fail":
        skipped = ET.SubElement(case, "skipped", {"message": message})
        skipped.text = xml_text("\n".join(trace_lines(result["trace"])))
    elif status != "pass":
        ET.SubElement(case, "skipped", {"message": message})
    return case


def _testsuite(report: dict, index: int, group: str, title: str, results: list[dict]) -> ET.Element:
    cases = [_testcase(r) for r in results]
    failures = sum(1 for c in cases if c.find("failure") is not None)
    skipped = sum(1 for c in cases if c.find("skipped") is not None)
    suite = ET.Element(
        "testsuite",
        {
            "name": xml_text(f"{group} {title}"),
            "package": "annexa",
            "id": str(index),
            "timestamp": f"{report['as_of']}T00:00:00",
            "hostname": "localhost",
            "tests": str(len(cases)),
            "failures": str(failures),
            "errors": "0",
            "skipped": str(skipped),
            "time": "0",
        },
    )
    properties = ET.SubElement(suite, "properties")
    for key, value in (
        ("group", group),
        ("as_of", report["as_of"]),
        ("organization", report["organization"]["name"]),
        ("annexa_version", report["annexa_version"]),
    ):
        ET.SubElement(properties, "property", {"name": key, "value": xml_text(value)})
    suite.extend(cases)
    ET.SubElement(suite, "system-out")
    ET.SubElement(suite, "system-err")
    return suite


def render_junit(report: dict) -> str:
    """The report as JUnit XML (UTF-8 text with its declaration, ending in a newline)."""
    groups, group_of = _groups(report)
    members: dict[str, list[dict]] = {group: [] for group, _ in groups}
    stray: list[dict] = []  # a control missing from the catalog section: kept, never dropped
    for result in report["results"]:
        group = group_of.get(result["control"])
        members.get(group, stray).append(result)
    root = ET.Element("testsuites")
    for index, (group, title) in enumerate(groups):
        root.append(_testsuite(report, index, group, title, members[group]))
    if stray:
        root.append(_testsuite(report, len(groups), "other", "Controls outside the catalog", stray))
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
