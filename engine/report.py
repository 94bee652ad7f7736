"""The JSON report: a versioned, published schema; byte-identical for identical inputs.

Everything that could vary between runs on the same inputs (file order,
list order, dict order, the machine's path to the repository) is kept out
or put in a fixed order, so reports can be diffed and used as baselines.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator

from . import __version__
from .baseline import fingerprint
from .evaluate import STATUSES, Evaluation, Result
from .located import Location
from .rollup import CONTROL_STATUSES, ControlStatus, roll_up
from .rules import SEVERITIES, Rule
from .trace import Trace, jsonable

SCHEMA_VERSION = "2.0.0"


def _location(location: Location) -> dict:
    return {"file": location.file, "line": location.line}


def trace_json(trace: Trace) -> dict:
    node: dict = {"op": trace.op, "outcome": "pass" if trace.passed else "fail", "reason": trace.reason}
    if trace.item is not None:
        node["item"] = trace.item
    if trace.path is not None:
        node["path"] = trace.path
    if trace.found is not None:
        node["found"] = jsonable(trace.found)
    if trace.location is not None:
        node["location"] = _location(trace.location)
    if trace.expected is not None:
        node["expected"] = jsonable(trace.expected)
    if trace.children:
        node["children"] = [trace_json(child) for child in trace.children]
    return node


def result_json(result: Result) -> dict:
    """One result; what is the same for every subject of a rule lives once, in the report's `rules`."""
    rule = result.rule
    entry: dict = {
        "fingerprint": fingerprint(rule.id, rule.control, result.subject),
        "rule": rule.id,
        "control": rule.control,
        "subject": result.subject,
        "status": result.status,
        "severity": rule.severity,
        "reason": result.reason,
        "location": _location(result.primary_location()),
        "locations": [_location(loc) for loc in result.locations()],
        "trace": trace_json(result.trace),
    }
    entry["enforced"] = result.enforced
    entry["gating"] = result.gating
    if result.root_cause is not None:
        entry["root_cause"] = result.root_cause
    if result.waiver is not None:
        entry["waiver"] = result.waiver
    return entry


def rule_json(rule: Rule) -> dict:
    entry: dict = {
        "id": rule.id,
        "control": rule.control,
        "title": rule.title,
        "severity": rule.severity,
        "remediation": rule.remediation,
        "evidence": list(rule.evidence),
    }
    if rule.effective_on is not None:
        entry["effective_on"] = rule.effective_on.isoformat()
    return entry


def rules_by_id(report: dict) -> dict[str, dict]:
    """The rule behind each result (title, remediation, evidence), for renderers."""
    return {rule["id"]: rule for rule in report["rules"]}


def _counts(statuses, names) -> dict[str, int]:
    counted = Counter(statuses)
    return {name: counted.get(name, 0) for name in names}


def _summary(evaluation: Evaluation, controls: list[ControlStatus]) -> dict:
    catalog = evaluation.ruleset.catalog
    by_group: dict[str, list[str]] = {group_id: [] for group_id in catalog.groups}
    for result in evaluation.results:  # one pass over the results, however many groups there are
        by_group[catalog.entries[result.rule.control].group].append(result.status)
    groups = []
    for group_id, title in catalog.groups.items():
        members = [c for c in controls if c.group == group_id and catalog.is_leaf(c.id)]
        groups.append(
            {
                "group": group_id,
                "title": title,
                "results": _counts(by_group[group_id], STATUSES),
                "controls": _counts((c.status for c in members), CONTROL_STATUSES),
            }
        )
    fails = [r for r in evaluation.results if r.status == "fail"]
    return {
        "results": _counts((r.status for r in evaluation.results), STATUSES),
        "fails_by_severity": _counts((r.rule.severity for r in fails), SEVERITIES),
        "controls": _counts((c.status for c in controls if catalog.is_leaf(c.id)), CONTROL_STATUSES),
        "groups": groups,
    }


def _judged_rules(evaluation: Evaluation) -> list[Rule]:
    """The rules that gave at least one result, in the order their first result appears."""
    seen: dict[str, Rule] = {}
    for result in evaluation.results:
        seen.setdefault(result.rule.id, result.rule)
    return list(seen.values())


def build_report(evaluation: Evaluation) -> dict:
    facts = evaluation.facts
    controls = roll_up(evaluation)
    return {
        "schema_version": SCHEMA_VERSION,
        "annexa_version": __version__,
        "as_of": evaluation.as_of.isoformat(),
        "organization": {
            "name": facts.organization_name,
            "roles": sorted(facts.organization_roles),
            "ai_systems": len(facts.system_roles),
            "ai_systems_in_scope": len(facts.in_scope),
        },
        "catalog": {"sha256": evaluation.ruleset.catalog.checksum},
        "rule_packs": [
            {"pack": pack, "source": source, "rules": count} for pack, source, count in evaluation.ruleset.packs
        ],
        "rule_overrides": [
            {"rule": rule_id, "source": source, "replaces": replaced}
            for rule_id, source, replaced in evaluation.ruleset.overrides
        ],
        "summary": _summary(evaluation, controls),
        "rules": [rule_json(rule) for rule in _judged_rules(evaluation)],
        "controls": [
            {
                "id": c.id,
                "title": c.title,
                "kind": c.kind,
                "group": c.group,
                "status": c.status,
                "reason": c.reason,
                "rules": list(c.rules),
            }
            for c in controls
        ],
        "results": [result_json(r) for r in evaluation.results],
        "waivers": [
            {"waiver": n.waiver, "note": n.note, "location": _location(n.location)} for n in evaluation.waiver_notes
        ],
    }


def iter_json(report: dict) -> Iterator[str]:
    """The report as JSON, in pieces: indented at the top, one compact line per result.

    A line per result keeps diffs between two reports readable, and lets
    json use its C encoder (it falls back to pure Python whenever it
    indents), which matters with a hundred thousand results. Writing piece
    by piece means the whole text (hundreds of megabytes for a large
    organization) never has to sit in memory at once.
    """
    head = {key: value for key, value in report.items() if key != "results"}
    text = json.dumps({**head, "results": []}, indent=1, ensure_ascii=False)
    marker = '"results": []'
    at = text.rindex(marker)
    results = report["results"]
    if not results:
        yield f"{text}\n"
        return
    yield f'{text[:at]}"results": [\n  '
    encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    batch = 256  # joining a few hundred lines at a time keeps the number of writes small
    for start in range(0, len(results), batch):
        lines = ",\n  ".join(encode(result) for result in results[start : start + batch])
        yield lines if start == 0 else f",\n  {lines}"
    yield f"\n ]{text[at + len(marker) :]}\n"


def to_json(report: dict) -> str:
    """The whole report as one JSON text (see iter_json for writing a large one)."""
    return "".join(iter_json(report))
