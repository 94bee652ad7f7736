"""The catalog: Annex A controls in their groups and the clauses 4–10, as data.

Rules name the control or clause they give evidence for; the catalog says
what exists, in what order reports list it, and how statuses roll up
(controls into their groups, sub-clauses into their parents).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources

import yaml


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    title: str
    kind: str  # control | clause
    group: str  # A.2 … A.10 for controls, the top-level clause 4 … 10 for clauses
    parent: str | None
    order: int
    intent: str = ""
    evidence: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    risk_sources: tuple[str, ...] = ()
    builds_on: tuple[str, ...] = ()


def _entry(raw: dict, kind: str, group: str, parent: str | None, order: int) -> Entry:
    return Entry(
        raw["id"],
        raw["title"],
        kind,
        group,
        parent,
        order,
        raw.get("intent", ""),
        tuple(raw.get("evidence", ())),
        tuple(raw.get("roles", ())),
        tuple(raw.get("objectives", ())),
        tuple(raw.get("risk_sources", ())),
        tuple(raw.get("builds_on", ())),
    )


@dataclass(frozen=True)
class Catalog:
    entries: dict[str, Entry]
    groups: dict[str, str]  # group id → title, in report order
    annex_c: dict[str, str]  # C.2.x objectives and C.3.x risk sources → name
    checksum: str  # sha256 of the catalog file: reports say which catalog judged

    @cached_property
    def _parents(self) -> frozenset[str]:
        return frozenset(e.parent for e in self.entries.values() if e.parent is not None)

    def is_leaf(self, entry_id: str) -> bool:
        """Controls and the sub-clauses nothing else rolls up into; summaries count only these."""
        return entry_id not in self._parents


@cache
def load_catalog() -> Catalog:
    """The built-in catalog (our own data, packaged with annexa)."""
    data_bytes = (resources.files("annexa") / "controls" / "catalog.yaml").read_bytes()
    data = yaml.load(data_bytes.decode("utf-8"), Loader=yaml.CSafeLoader)
    entries: dict[str, Entry] = {}
    groups: dict[str, str] = {group["id"]: group["title"] for group in data["groups"]}
    for control in data["controls"]:
        entries[control["id"]] = _entry(control, "control", control["group"], control["group"], len(entries))
    clause_titles = {c["id"]: c["title"] for c in data["clauses"]}
    for clause in data["clauses"]:
        top = clause["id"].split(".")[0]
        if clause["parent"] is None:
            groups[top] = clause_titles[top]
        entries[clause["id"]] = _entry(clause, "clause", top, clause["parent"], len(entries))
    annex_c = {item["id"]: item["name"] for item in data.get("annex_c", ())}
    return Catalog(entries, groups, annex_c, hashlib.sha256(data_bytes).hexdigest())
