"""Rolling rule results up to controls, clauses and groups.

A control is implemented when every applicable result passes (a waived
result counts as an accepted gap, not as evidence, so it makes the control
partial); not implemented when none passes; partial in between. A control
or clause no loaded rule covers is `not_assessed`: saying nothing is more
honest than claiming it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .catalog import Catalog
from .evaluate import STATUSES, Evaluation, Result

CONTROL_STATUSES = ("implemented", "partial", "not_implemented", "not_applicable", "not_assessed")
_STATUS_RANK = {"fail": 0, "blocked": 1, "waived": 2}
_SEVERITY_RANK = {"major": 0, "minor": 1, "observation": 2}


@dataclass(slots=True)
class ControlStatus:
    id: str
    title: str
    kind: str
    group: str
    status: str
    reason: str
    rules: tuple[str, ...]
    counts: dict[str, int]


def _descendants(catalog: Catalog) -> dict[str, list[str]]:
    below: dict[str, list[str]] = {entry_id: [entry_id] for entry_id in catalog.entries}
    for entry in catalog.entries.values():
        parent = entry.parent
        while parent is not None and parent in catalog.entries and catalog.entries[parent].kind == entry.kind:
            below[parent].append(entry.id)
            parent = catalog.entries[parent].parent
    return below


def _judge(results: list[Result]) -> tuple[str, str]:
    if not results:
        return "not_assessed", "no loaded rule covers it"
    applicable = [r for r in results if r.status != "not_applicable"]
    if not applicable:
        return "not_applicable", results[0].reason
    passing = [r for r in applicable if r.status == "pass"]
    gaps = [r for r in applicable if r.status != "pass"]
    if not gaps:
        return "implemented", f"{len(passing)} of {len(applicable)} applicable results pass"
    first = min(gaps, key=lambda r: (_STATUS_RANK[r.status], _SEVERITY_RANK[r.rule.severity]))
    whose = f" [{first.subject}]" if first.subject is not None else ""
    detail = f"{first.rule.id}{whose}: {first.reason}"
    if passing or any(r.status == "waived" for r in gaps):
        return "partial", f"{len(gaps)} of {len(applicable)} applicable results do not pass; {detail}"
    return "not_implemented", detail


def roll_up(evaluation: Evaluation) -> list[ControlStatus]:
    catalog = evaluation.ruleset.catalog
    by_control: dict[str, list[Result]] = {}
    for result in evaluation.results:
        by_control.setdefault(result.rule.control, []).append(result)
    statuses = []
    for entry_id, members in _descendants(catalog).items():
        entry = catalog.entries[entry_id]
        results = [r for member in members for r in by_control.get(member, [])]
        status, reason = _judge(results)
        leaves = [m for m in members if m != entry_id and catalog.is_leaf(m)]
        unassessed = [m for m in leaves if m not in by_control]
        if results and unassessed:
            reason = f"{reason} (not assessed: {', '.join(unassessed)})"
        counts = Counter(r.status for r in results)
        rules = tuple(sorted({r.rule.id for r in by_control.get(entry_id, [])}))
        statuses.append(
            ControlStatus(
                entry.id,
                entry.title,
                entry.kind,
                entry.group,
                status,
                reason,
                rules,
                {s: counts.get(s, 0) for s in STATUSES},
            )
        )
    return statuses
