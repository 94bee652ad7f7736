"""Check a governance repository against facts.schema.yaml with the jsonschema library.

`python bench/generate.py --check DIR` runs this. It exists so the benchmark never
measures the engine on input the engine would rightly reject: each item is
validated against its own $defs schema (the x-annexa-registers table says which),
not the whole document at once, which is also how it stays fast at 10,000 systems.
It then checks what JSON Schema cannot say: ids are unique and references resolve.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import yaml

SCHEMA = Path(__file__).resolve().parent.parent / "engine" / "schemas" / "facts.schema.yaml"

# Reference fields whose ids must exist in a register: (register, dotted field, target).
REFERENCES = [
    ("ai_systems", "data_sets", "data_sets"),
    ("ai_systems", "suppliers", "suppliers"),
    ("ai_systems", "customers", "customers"),
    ("risks", "system", "ai_systems"),
    ("impact_assessments", "system", "ai_systems"),
    ("data_sets", "systems", "ai_systems"),
    ("data_sets", "provenance.supplier", "suppliers"),
    ("incidents", "system", "ai_systems"),
    ("incidents", "nonconformity", "nonconformities"),
    ("audits", "findings", "nonconformities"),
    ("communications", "system", "ai_systems"),
    ("waivers", "subject", "ai_systems"),
]


class _RawKeyLoader(yaml.CSafeLoader):
    """The C loader, keeping mapping keys as written, as the engine reads them.

    Plain PyYAML turns a key `on:` (or yes/no/off) into a boolean, so an
    incident's `communicated: [{to: …, on: …}]` would look invalid here while
    the engine, which keeps keys as strings, accepts it.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        self.flatten_mapping(node)
        return {
            key.value if isinstance(key, yaml.ScalarNode) else self.construct_object(key, deep=True): (
                self.construct_object(value, deep=deep)
            )
            for key, value in node.value
        }


def load_yaml(path: Path) -> object:
    """Read a repository file as the engine does (C parser, keys as written)."""
    return yaml.load(path.read_bytes(), Loader=_RawKeyLoader)


class _Yaml12Loader(yaml.CSafeLoader):
    """Reads booleans as YAML 1.2 does: only true/false, never on/off/yes/no."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}
for _first in "tTfF":
    _Yaml12Loader.yaml_implicit_resolvers[_first].insert(
        0, ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"))
    )


def load_schema() -> tuple[dict, list[str]]:
    """The facts schema, plus warnings where YAML 1.1 booleans change its meaning.

    PyYAML reads an unquoted `on` (or yes/no/off) as a boolean, so a property
    named `on` silently becomes `True` for any tool that loads the schema that
    way. We validate with the meaning the author wrote and say where it differs.
    """
    text = SCHEMA.read_text(encoding="utf-8")
    meant = yaml.load(text, Loader=_Yaml12Loader)
    as_read = yaml.load(text, Loader=yaml.CSafeLoader)
    warnings = [
        f"{SCHEMA.name}: {where}: PyYAML reads this as a boolean, not the name written; quote it"
        for where in _differences(meant, as_read, "")
    ]
    return meant, warnings


def _differences(meant: object, as_read: object, where: str) -> list[str]:
    """Paths at which two loads of the same schema disagree (keys or values)."""
    if isinstance(meant, dict) and isinstance(as_read, dict):
        found = [f"{where}/{k}" for k in meant if k not in as_read]
        for key in meant.keys() & as_read.keys():
            found += _differences(meant[key], as_read[key], f"{where}/{key}")
        return found
    if isinstance(meant, list) and isinstance(as_read, list):
        return [f"{where}/{i}" for i, (a, b) in enumerate(zip(meant, as_read, strict=False)) if a != b]
    return []


def jsonable(value: object) -> object:
    """Unquoted YAML dates load as date objects; JSON Schema sees only ISO strings."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class Checker:
    """Collects every problem (never stops at the first) as `file: where: message`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.schema, self.warnings = load_schema()
        self.defs = self.schema["$defs"]
        self.errors: list[str] = []
        self.documents: set[str] = set()
        self.counts: dict[str, int] = {}
        self.unreadable: set[str] = set()

    def validator(self, name: str) -> jsonschema.Draft202012Validator:
        """A validator for one $defs entry, with the other $defs in reach of its $refs."""
        schema = {"$schema": self.schema["$schema"], "$defs": self.defs, "$ref": f"#/$defs/{name}"}
        return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())

    def report(self, where: str, errors: Iterator[jsonschema.ValidationError]) -> None:
        for error in errors:
            at = "/".join(str(p) for p in error.absolute_path) or "(top)"
            self.errors.append(f"{where}: {at}: {error.message}")

    def document_refs(self, value: object, schema: dict, where: str) -> None:
        """Collect strings whose schema is marked x-annexa-document, following $refs."""
        while "$ref" in schema:
            schema = self.defs[schema["$ref"].rsplit("/", 1)[1]]
        if schema.get("x-annexa-document") and isinstance(value, str):
            self.documents.add(value)
        elif isinstance(value, dict):
            properties = schema.get("properties", {})
            for key, item in value.items():
                if key in properties:
                    self.document_refs(item, properties[key], where)
        elif isinstance(value, list) and isinstance(schema.get("items"), dict):
            for item in value:
                self.document_refs(item, schema["items"], where)

    def load(self, relative: str) -> object:
        """Load one file; a file that does not parse is one error, not a traceback."""
        try:
            return jsonable(load_yaml(self.root / relative))
        except (OSError, yaml.YAMLError, ValueError) as error:
            self.errors.append(f"{relative}: (file): {str(error).splitlines()[0]}")
            return None

    def manifest(self) -> dict:
        data = self.load("aims.yaml")
        if not isinstance(data, dict):
            self.errors.append("aims.yaml: (top): not a mapping")
            return {}
        self.report("aims.yaml", self.validator("manifest").iter_errors(data))
        self.documents.update(data.get("documents", {}).values())
        return data

    def register(self, name: str, relative: str) -> list[dict]:
        """Validate one register file: a mapping with one key, its name, over a list."""
        data = self.load(relative)
        if data is None:
            self.unreadable.add(name)
            return []
        if not isinstance(data, dict) or list(data) != [name] or not isinstance(data[name], list):
            self.errors.append(f"{relative}: (top): expected a mapping with the single key {name}")
            return []
        item_schema = self.schema["x-annexa-registers"][name]
        validator = self.validator(item_schema)
        for index, item in enumerate(data[name]):
            where = f"{relative}: item {index} ({item.get('id', '?') if isinstance(item, dict) else '?'})"
            self.report(where, validator.iter_errors(item))
            self.document_refs(item, self.defs[item_schema], where)
        self.counts[name] = len(data[name])
        return data[name]

    def front_matter(self, relative: str) -> None:
        path = self.root / relative
        if not path.is_file():
            self.errors.append(f"{relative}: (file): referenced document does not exist")
            return
        text = path.read_text(encoding="utf-8")
        end = text.find("\n---\n", 4)
        if not text.startswith("---\n") or end < 0:
            self.errors.append(f"{relative}: (top): no YAML front matter")
            return
        try:
            front = jsonable(yaml.load(text[4:end], Loader=_RawKeyLoader))
        except (yaml.YAMLError, ValueError) as error:
            self.errors.append(f"{relative}: (front matter): {str(error).splitlines()[0]}")
            return
        self.report(relative, self.validator("front_matter").iter_errors(front))

    def references(self, registers: dict[str, list[dict]], manifest: dict) -> None:
        """Unique ids per register, and every id reference lands on a record.

        A register that did not load is skipped: its error is already reported, and
        blaming every reference to it would bury that one line.
        """
        ids = {name: _unique_ids(self, name, items) for name, items in registers.items()}
        if "ai_systems" not in self.unreadable:
            self.system_references(ids.get("ai_systems", set()), manifest)
        for source, field, target in REFERENCES:
            if {source, target} & self.unreadable:
                continue
            for item in registers.get(source, []):
                for ref in _values(item, field.split(".")):
                    if ref not in ids.get(target, set()):
                        self.errors.append(f"{source}: {item.get('id')}: {field}: {ref} not found")

    def system_references(self, systems: set[str], manifest: dict) -> None:
        """The manifest gives roles for exactly the inventory's systems."""
        for key in manifest.get("roles", {}):
            if key not in systems:
                self.errors.append(f"aims.yaml: roles/{key}: no such AI system")
        for key in manifest.get("scope", {}).get("systems", []):
            if key not in systems:
                self.errors.append(f"aims.yaml: scope/systems: {key}: no such AI system")
        missing_roles = systems - set(manifest.get("roles", {}))
        if missing_roles:
            self.errors.append(f"aims.yaml: roles: {len(missing_roles)} systems have no roles")


def _unique_ids(checker: Checker, name: str, items: list[dict]) -> set[str]:
    seen: dict[str, int] = defaultdict(int)
    for item in items:
        seen[item.get("id", item.get("control"))] += 1
    for key, count in seen.items():
        if count > 1:
            checker.errors.append(f"{name}: id {key} appears {count} times")
    return set(seen)


def _values(item: object, keys: list[str]) -> list:
    """The value(s) at a dotted field: a list is spread, a missing key is none."""
    for key in keys:
        if not isinstance(item, dict) or key not in item:
            return []
        item = item[key]
    return item if isinstance(item, list) else [item]


def main(root: Path) -> int:
    """Validate and print a summary; 0 when the repository is clean."""
    if not (root / "aims.yaml").is_file():
        print(f"{root}: no aims.yaml")
        return 2
    checker = Checker(root)
    manifest = checker.manifest()
    registers = {name: checker.register(name, relative) for name, relative in manifest.get("registers", {}).items()}
    for relative in sorted(checker.documents):
        checker.front_matter(relative)
    checker.references(registers, manifest)
    for line in checker.warnings + checker.errors[:50]:
        print(line)
    counts = ", ".join(f"{n} {name}" for name, n in checker.counts.items())
    verdict = f"{len(checker.errors)} problems" if checker.errors else "valid"
    print(f"{root}: {verdict} ({counts}; {len(checker.documents)} documents)")
    return 1 if checker.errors else 0
