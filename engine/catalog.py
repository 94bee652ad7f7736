"""The catalog: Annex A controls in their groups and the clauses 4–10, as data.

Rules name the control or clause they give evidence for; the catalog says
what exists, in what order reports list it, and how statuses roll up
(controls into their groups, sub-clauses into their parents).
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class Catalog:
    entries: dict[str, Entry]
    groups: dict[str, str]  # group id → title, in report order

    @cached_property
    def _parents(self) -> frozenset[str]:
        return frozenset(e.parent for e in self.entries.values() if e.parent is not None)

    def is_leaf(self, entry_id: str) -> bool:
        """Controls and the sub-clauses nothing else rolls up into; summaries count only these."""
        return entry_id not in self._parents


@cache
def load_catalog() -> Catalog:
    """The built-in catalog (our own data, packaged with annexa)."""
    text = (resources.files("annexa") / "controls" / "catalog.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=yaml.CSafeLoader)
    entries: dict[str, Entry] = {}
    groups: dict[str, str] = {}
    for group in data["groups"]:
        groups[group["id"]] = group["title"]
    for control in data["controls"]:
        entries[control["id"]] = Entry(
            control["id"], control["title"], "control", control["group"], control["group"], len(entries)
        )
    clause_titles = {c["id"]: c["title"] for c in data["clauses"]}
    for clause in data["clauses"]:
        top = clause["id"].split(".")[0]
        if clause["parent"] is None:
            groups[top] = clause_titles[top]
        entries[clause["id"]] = Entry(clause["id"], clause["title"], "clause", top, clause["parent"], len(entries))
    return Catalog(entries, groups)
