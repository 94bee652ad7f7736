"""Hypothesis strategies that generate facts valid against the published facts schema.

Built from the schema itself (the subset of JSON Schema it uses), so a new
field in the schema is exercised by the property tests without anyone
remembering to add it here.
"""

from __future__ import annotations

import datetime as dt
import json
import string

from hypothesis import strategies as st

from annexa.engine.schema_store import schema_document

SCHEMA = schema_document("facts")
DEFS = SCHEMA["$defs"]
DATES = st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2027, 12, 31))
TEXT = st.text(alphabet=string.ascii_letters + string.digits + " .,-'<>|&\"é", min_size=1, max_size=20)


def from_schema(schema: dict, depth: int = 0) -> st.SearchStrategy:
    """A strategy for instances of one (sub)schema, with dates as `datetime.date`."""
    if "$ref" in schema:
        return from_schema(DEFS[schema["$ref"].rsplit("/", 1)[-1]], depth)
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if schema.get("x-annexa-document"):
        return st.sampled_from(["docs/doc-a.md", "docs/missing.md", "docs/doc-b.md"])
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([from_schema({**schema, "type": k}, depth) for k in kind])
    if kind == "string":
        if schema.get("format") == "date":
            return DATES
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True).filter(lambda s: "\n" not in s)
        return TEXT
    if kind == "integer":
        return st.integers(min_value=schema.get("minimum", -5), max_value=1000)
    if kind == "number":
        return st.integers(min_value=0, max_value=100)
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        return st.lists(
            from_schema(schema.get("items", {"type": "string"}), depth + 1),
            min_size=schema.get("minItems", 0),
            max_size=3,
        )
    if kind == "object":
        if depth > 3 or "properties" not in schema:
            return st.just({})
        required = {
            name: from_schema(sub, depth + 1)
            for name, sub in schema["properties"].items()
            if name in schema.get("required", [])
        }
        optional = {
            name: from_schema(sub, depth + 1)
            for name, sub in schema["properties"].items()
            if name not in schema.get("required", [])
        }
        return st.fixed_dictionaries(required, optional=optional)
    return TEXT


REFERENCES = {
    "data_sets",
    "suppliers",
    "customers",
    "systems",
    "supplier",
    "nonconformity",
    "findings",
    "applies_to",
    "system",
}


def _without_references(value: object) -> object:
    """Drop fields that must name other entries: random ids would only make the facts invalid."""
    if isinstance(value, dict):
        return {k: _without_references(v) for k, v in value.items() if k not in REFERENCES}
    return value


def register_item(name: str) -> st.SearchStrategy:
    return from_schema(DEFS[SCHEMA["x-annexa-registers"][name]]).map(_without_references)


def dump(value: object) -> str:
    """YAML is a superset of JSON: dates as quoted ISO strings exercise the loader's date normalization."""
    return json.dumps(value, default=lambda v: v.isoformat(), ensure_ascii=False, indent=1)


@st.composite
def organizations(
    draw, registers=("ai_systems", "impact_assessments", "risks", "attestations", "soa", "waivers", "incidents")
):
    """A whole governance repository as {relative path: text}, consistent across files."""
    systems = draw(st.lists(register_item("ai_systems"), max_size=5, unique_by=lambda s: s["id"]))
    ids = [s["id"] for s in systems]
    roles = {i: draw(st.lists(st.sampled_from(DEFS["role"]["enum"]), min_size=1, max_size=3, unique=True)) for i in ids}
    files: dict[str, str] = {}
    manifest: dict = {
        "annexa": 1,
        "organization": {"name": draw(TEXT)},
        "scope": {"statement": "generated"},
        "roles": roles,
        "registers": {},
        "documents": {"ai_policy": "docs/doc-a.md", "impact_assessment_process": "docs/missing.md"},
    }
    if ids and draw(st.booleans()):
        manifest["scope"]["systems"] = draw(st.lists(st.sampled_from(ids), unique=True))
    for name in registers:
        if name == "ai_systems":
            items = systems
        elif draw(st.booleans()):
            item = register_item(name)
            if name in ("impact_assessments", "incidents") and ids:
                pick = draw(st.sampled_from(ids))
                item = item.map(lambda entry, pick=pick: {**entry, "system": pick})
            key = "control" if name == "soa" else "id"
            items = draw(st.lists(item, max_size=4, unique_by=lambda x, key=key: x[key]))
        else:
            continue
        manifest["registers"][name] = f"registers/{name}.yaml"
        files[f"registers/{name}.yaml"] = dump({name: items})
    files["aims.yaml"] = dump(manifest)
    front = _without_references(draw(from_schema(DEFS["front_matter"])))
    files["docs/doc-a.md"] = "---\n" + dump(front) + "\n---\n# Purpose\n\n# Scope\n"
    files["docs/doc-b.md"] = "# Commitments\n"
    return files
