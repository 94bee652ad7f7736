"""SARIF 2.1.0: the report as static-analysis results, for code scanning and SARIF viewers.

A rendering of the JSON report, nothing recomputed: one run, a rule descriptor
per annexa rule that was evaluated, and a SARIF result per finding (a result
that fails, is blocked or is waived). Passes and not-applicable results are
left out, as a linter leaves out the lines it had nothing to say about.

- level: from the rule's severity (major → error, minor → warning,
  observation → note). A blocked result is a `note` whatever its severity: its
  root cause is reported as its own result, at its own level, so one gap is
  not raised as an error three times over. A fail of a rule not yet in force
  (`enforced: false`) is at most a `warning`.
- location: the file and line of the fact behind the finding, relative to the
  governance repository (`uriBaseId` `SRCROOT`); every other file and line the
  trace cites is a related location.
- fingerprint: `partialFingerprints["annexaFinding/v1"]` is the report's
  fingerprint of rule, control and subject, never line numbers, so editing a
  register above a finding does not make it a new alert.
- baseline: with `--baseline`, each gap's `baseline_state` (`new` or
  `unchanged`) is the result's `baselineState`.
- waived: a suppression (`external`, `accepted`) whose justification is the
  waiver as recorded. Every result carries `suppressions` (empty when not
  waived), as the specification asks of a tool that evaluates suppressions.

The same report gives byte-identical output.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from .baseline import fingerprint
from .report import rules_by_id

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://annexa.dev/"
SRCROOT = "SRCROOT"
FINGERPRINT_KEY = "annexaFinding/v1"
REPORTED = ("fail", "blocked", "waived")
LEVELS = {"major": "error", "minor": "warning", "observation": "note"}
_RANK = ("none", "note", "warning", "error")


def _level(result: dict) -> str:
    if result["status"] == "blocked":
        return "note"
    level = LEVELS[result["severity"]]
    if result.get("enforced") is False and _RANK.index(level) > _RANK.index("warning"):
        return "warning"
    return level


def _rule_name(rule_id: str) -> str | None:
    """A PascalCase name for the rule: SARIF wants `name` to differ from `id` and to start with a letter."""
    name = "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", rule_id) if part)
    if name[:1].isdigit():
        name = f"Rule{name}"  # `5.2-policy-communicated` → `Rule52PolicyCommunicated`
    return name if name and name.casefold() != rule_id.casefold() else None


def _physical(location: dict) -> dict:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": quote(location["file"], safe="/"), "uriBaseId": SRCROOT},
            "region": {"startLine": location["line"]},
        }
    }


def _help(rule: dict) -> str:
    lines = [f"How to close the gap: {rule['remediation']}"]
    if rule["evidence"]:
        lines += ["", "Evidence an auditor looks for:", *(f"- {item}" for item in rule["evidence"])]
    return "\n".join(lines)


def _descriptor(rule: dict, control: dict | None) -> dict:
    descriptor: dict = {"id": rule["id"]}
    name = _rule_name(rule["id"])
    if name:
        descriptor["name"] = name
    descriptor["shortDescription"] = {"text": rule["title"]}
    descriptor["fullDescription"] = {"text": rule["remediation"] or rule["title"]}
    descriptor["help"] = {"text": _help(rule)}
    descriptor["defaultConfiguration"] = {"level": LEVELS[rule["severity"]]}
    properties: dict = {"control": rule["control"]}
    if control is not None:
        properties["control_title"] = control["title"]
        properties["group"] = control["group"]
    properties["severity"] = rule["severity"]
    properties["tags"] = ["ISO/IEC 42001", rule["control"]]
    descriptor["properties"] = properties
    return descriptor


def _waiver_note(result: dict) -> dict | None:
    """The trace node that records the waiver (op `waiver` under `waived`), if the trace has one."""
    trace = result["trace"]
    if trace.get("op") != "waived":
        return None
    return next((child for child in trace.get("children", ()) if child.get("op") == "waiver"), None)


def _suppressions(result: dict) -> list[dict]:
    if result["status"] != "waived":
        return []
    note = _waiver_note(result)
    waiver = result.get("waiver")
    if note is not None:
        justification = note["reason"]
    elif waiver is not None:
        justification = f"waived by `{waiver}`"
    else:
        justification = result["reason"]
    suppression: dict = {"kind": "external", "status": "accepted", "justification": justification}
    if note is not None and "location" in note:
        suppression["location"] = _physical(note["location"])
    if waiver is not None:
        suppression["properties"] = {"waiver": waiver}
    return [suppression]


def _message(result: dict) -> str:
    subject = result["subject"]
    return f"`{subject}`: {result['reason']}" if subject is not None else result["reason"]


def _result(result: dict, rule: dict, index: int) -> dict:
    primary = result["location"]
    related, seen = [], {(primary["file"], primary["line"])}
    for location in result["locations"]:
        key = (location["file"], location["line"])
        if key not in seen:
            seen.add(key)
            related.append({"id": len(related) + 1, **_physical(location)})
    entry: dict = {
        "ruleId": result["rule"],
        "ruleIndex": index,
        "level": _level(result),
        "message": {"text": _message(result)},
        "locations": [_physical(primary)],
    }
    if related:
        entry["relatedLocations"] = related
    key = result.get("fingerprint") or fingerprint(result["rule"], result["control"], result["subject"])
    entry["partialFingerprints"] = {FINGERPRINT_KEY: key}
    entry["suppressions"] = _suppressions(result)
    if "baseline_state" in result:  # with --baseline: `new` or `unchanged`, as SARIF spells them too
        entry["baselineState"] = result["baseline_state"]
    properties: dict = {
        "status": result["status"],
        "severity": result["severity"],
        "control": result["control"],
        "subject": result["subject"],
    }
    properties["enforced"] = result["enforced"]
    if "effective_on" in rule:
        properties["effective_on"] = rule["effective_on"]
    for name in ("root_cause", "waiver"):
        if name in result:
            properties[name] = result[name]
    entry["properties"] = properties
    return entry


def _notifications(report: dict) -> list[dict]:
    """Waivers that matched nothing: a problem with the input, not a finding."""
    return [
        {
            "message": {"text": note["note"]},
            "level": "warning",
            "locations": [_physical(note["location"])],
        }
        for note in report["waivers"]
    ]


def sarif_log(report: dict) -> dict:
    """The SARIF log of a report, as a dict (see `render_sarif`)."""
    controls = {c["id"]: c for c in report["controls"]}
    findings = [r for r in report["results"] if r["status"] in REPORTED]
    judged = rules_by_id(report)
    rules = [_descriptor(rule, controls.get(rule["control"])) for rule in judged.values()]
    index = {rule_id: position for position, rule_id in enumerate(judged)}
    invocation: dict = {"executionSuccessful": True}
    notifications = _notifications(report)
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run = {
        "tool": {
            "driver": {
                "name": "annexa",
                "fullName": "annexa: ISO/IEC 42001 Annex A as code",
                "version": report["annexa_version"],
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "invocations": [invocation],
        "originalUriBaseIds": {
            SRCROOT: {"description": {"text": "The root of the governance repository that was checked."}}
        },
        "results": [_result(r, judged[r["rule"]], index[r["rule"]]) for r in findings],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "as_of": report["as_of"],
            "organization": report["organization"],
            "report_schema_version": report["schema_version"],
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(report: dict) -> str:
    """The report as a SARIF 2.1.0 log: indented JSON text ending in a newline."""
    return json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n"
