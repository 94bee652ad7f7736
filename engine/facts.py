"""Loading a governance repository into facts that rules can read.

The stages are separate so each can be tested alone: find the manifest,
read and validate it, read and validate every register it names, check the
references between them, then open the documents they name. Problems are
collected across all files so one run reports all of them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .documents import Document, parse_markdown
from .errors import Collector, Diagnostic, FactsError, did_you_mean
from .located import FactList, FactMap, Location
from .paths import resolve_inside
from .schema_store import compiler, schema_document
from .validation import validate
from .yamlsafe import read_limited, read_yaml_file

MANIFEST = "aims.yaml"


@dataclass
class Facts:
    """Everything the engine knows about one organization, with provenance."""

    root: Path
    manifest: FactMap
    registers: dict[str, FactList]
    documents: FactMap
    system_roles: dict[str, frozenset[str]]
    in_scope: frozenset[str]
    organization_roles: frozenset[str]

    @property
    def organization_name(self) -> str:
        return str(self.manifest["organization"]["name"])

    def roots(self) -> dict[str, object]:
        """The names a rule's path may start with, and what they hold."""
        roots: dict[str, object] = {name: self.manifest.get(name) for name in ("organization", "scope", "roles")}
        roots.update(self.registers)
        roots["documents"] = self.documents
        return roots


def register_names() -> dict[str, str]:
    """Register name → the $defs entry that describes one of its items."""
    return dict(schema_document("facts")["x-annexa-registers"])


def root_names() -> frozenset[str]:
    """Every root a path can start with, whether or not an organization declares it."""
    return frozenset({"organization", "scope", "roles", "documents", "as_of", *register_names()})


def find_manifest(path: Path) -> Path:
    """The repository root for PATH; a manifest given directly, or one level down, gets a hint."""
    if not path.exists():
        raise FactsError([Diagnostic(str(path), None, "no such file or directory")])
    if path.is_file():
        if path.name == MANIFEST:
            return path.parent
        raise FactsError(
            [
                Diagnostic(
                    str(path), None, "expected a governance repository directory", f"the directory holding `{MANIFEST}`"
                )
            ]
        )
    manifest = path / MANIFEST
    if manifest.is_file() or manifest.is_symlink():
        return path
    if manifest.exists():
        raise FactsError([Diagnostic(str(manifest), None, f"`{MANIFEST}` is not a regular file")])
    nearby = sorted(p for p in path.glob(f"*/{MANIFEST}"))[:1] + sorted(path.glob("aims.yml"))[:1]
    hint = f"found `{nearby[0].relative_to(path).as_posix()}`; is that the repository root?" if nearby else None
    raise FactsError([Diagnostic(str(path), None, f"no `{MANIFEST}` manifest at the root of the repository", hint)])


def _read_located(root: Path, relative: str, at: Location) -> tuple[object, str]:
    """Read one YAML file named by the facts, refusing anything outside the repository."""
    real = resolve_inside(root, relative, at)
    name = os.path.normpath(relative).replace(os.sep, "/")
    if not real.exists():
        siblings = [p.name for p in real.parent.iterdir()] if real.parent.is_dir() else []
        hint = did_you_mean(real.name, siblings)
        raise FactsError([Diagnostic(at.file, at.line, f"`{relative}` does not exist", hint)])
    if not real.is_file():
        raise FactsError([Diagnostic(at.file, at.line, f"`{relative}` is not a regular file")])
    return read_yaml_file(real, name), name


def _report(errors: Collector, source: str, outcome) -> None:
    for line, message, hint in outcome.errors:
        errors.add(source, line, message, hint)


def _sort_by_id(items: FactList, key: str = "id") -> None:
    """Registers are read in id order, so results never depend on the order of entries in a file."""
    order = sorted(
        range(len(items)), key=lambda i: (str(items[i].get(key, "")) if isinstance(items[i], dict) else "", i)
    )
    if order != list(range(len(items))):
        items.reorder(order)


def _load_register(
    root: Path, name: str, relative: str, at: Location, errors: Collector, references: list, id_references: list
) -> FactList | None:
    try:
        data, source = _read_located(root, relative, at)
    except FactsError as exc:
        errors.extend(exc)
        return None
    if not isinstance(data, FactMap) or list(data) != [name]:
        found = ", ".join(f"`{k}`" for k in data) if isinstance(data, FactMap) and data else "no mapping"
        errors.add(source, getattr(data, "line", 1), f"a `{name}` register file holds one key, `{name}`; found {found}")
        return None
    items = data[name]
    if items is None:
        items = FactList(source, data.key_lines[name])
    check = compiler("facts").definition(register_names()[name])
    if not isinstance(items, FactList):
        errors.add(source, data.key_lines[name], f"`{name}` must be a list of entries")
        return None
    lines = items.item_lines
    for index, item in enumerate(items):
        outcome = validate(check, item, lines[index], f"{name}[{index}]")
        _report(errors, source, outcome)
        references.extend(outcome.documents)
        id_references.extend((source, *reference) for reference in outcome.references)
    key = "control" if name == "soa" else "id"
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if isinstance(item, dict) and isinstance(item.get(key), str):
            if item[key] in seen:
                errors.add(
                    source, lines[index], f"duplicate {key} `{item[key]}` in `{name}` (first at line {seen[item[key]]})"
                )
            seen.setdefault(item[key], lines[index])
    _sort_by_id(items, key)
    return items


def _check_references(manifest: FactMap, registers: dict[str, FactList], errors: Collector) -> None:
    if "ai_systems" in manifest["registers"] and "ai_systems" not in registers:
        return  # the inventory failed to load; its own errors say why, and every reference would be noise
    systems = registers.get("ai_systems") or FactList(MANIFEST, 1)
    ids = {s["id"] for s in systems if isinstance(s, dict) and isinstance(s.get("id"), str)}
    roles: FactMap = manifest["roles"]
    for system_id, line in roles.key_lines.items():
        if system_id not in ids:
            errors.add(
                MANIFEST,
                line,
                f"`roles` names `{system_id}`, which is not in the AI system inventory",
                did_you_mean(system_id, ids),
            )
    for index, system in enumerate(systems):
        if isinstance(system, dict) and system.get("id") not in roles:
            errors.add(
                systems.source,
                systems.item_lines[index],
                f"AI system `{system.get('id')}` has no entry under `roles` in {MANIFEST}",
            )
    scope_systems = manifest["scope"].get("systems")
    if isinstance(scope_systems, FactList):
        for index, system_id in enumerate(scope_systems):
            if system_id not in ids:
                errors.add(
                    MANIFEST,
                    scope_systems.item_lines[index],
                    f"`scope.systems` names `{system_id}`, which is not in the AI system inventory",
                    did_you_mean(system_id, ids),
                )
    for index, waiver in enumerate(registers.get("waivers") or []):
        if isinstance(waiver, dict) and not waiver.get("rule") and not waiver.get("control"):
            waivers = registers["waivers"]
            errors.add(
                waivers.source,
                waivers.item_lines[index],
                f"waiver `{waiver.get('id')}` names neither a `rule` nor a `control`",
            )


class _DocumentLoader:
    """Opens each referenced document once, validating its front matter."""

    def __init__(self, root: Path, errors: Collector):
        self.root = root
        self.errors = errors
        self.cache: dict[str, Document] = {}
        self.front_check = compiler("facts").definition("front_matter")
        self.id_references: list = []

    def load(self, relative: str, at: Location) -> Document | None:
        name = os.path.normpath(relative).replace(os.sep, "/")
        if relative in self.cache:  # documents are named many times (per system); resolve and read each once
            cached = self.cache[relative]
            return cached if cached.exists else Document(name, False, at)
        try:
            real = resolve_inside(self.root, relative, at)
        except FactsError as exc:
            self.errors.extend(exc)
            return None
        if not real.exists():
            self.cache[relative] = Document(name, False, at)
            return self.cache[relative]  # each later reference gets its own, so each gap points at its reference
        if not real.is_file():
            self.errors.add(at.file, at.line, f"`{relative}` is not a regular file")
            return None
        try:
            document = parse_markdown(read_limited(real, name), name, at)
        except FactsError as exc:
            self.errors.extend(exc)
            return None
        if document.front is not None:
            outcome = validate(self.front_check, document.front, document.front.line, "front_matter")
            _report(self.errors, name, outcome)
            self.id_references.extend((name, *reference) for reference in outcome.references)
        self.cache[relative] = document
        return document


def _attach_documents(manifest: FactMap, references: list, loader: _DocumentLoader) -> FactMap:
    """Replace every document path with the Document it names, and build `documents`."""
    for container, key, line in references:
        if not isinstance(container[key], str):
            continue  # already attached: a YAML alias shares this container with another entry
        source = getattr(container, "source", MANIFEST)
        document = loader.load(container[key], Location(source, line))
        if document is not None:
            container[key] = document
    named = manifest.get("documents")
    return named if isinstance(named, FactMap) else FactMap(MANIFEST, manifest.line)


def _check_id_references(
    id_references: list, registers: dict[str, FactList], declared: FactMap, errors: Collector
) -> None:
    """Every id that names another entry must name one that exists, with a hint for typos."""
    from .catalog import load_catalog

    known: dict[str, set[str]] = {
        name: {item["id"] for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)}
        for name, items in registers.items()
    }
    known["catalog"] = {e.id for e in load_catalog().entries.values() if e.kind == "control"}
    for source, target, value, line, path in id_references:
        if target in declared and target not in known:
            continue  # the register failed to load and has its own errors
        if target not in known:
            message = f"`{path}` names `{value}` from the `{target}` register, which {MANIFEST} does not declare"
            errors.add(source, line, message, f"add `{target}` under `registers` in {MANIFEST}")
        elif value not in known[target]:
            where = "the catalog's Annex A controls" if target == "catalog" else f"the `{target}` register"
            errors.add(
                source, line, f"`{path}` names `{value}`, which is not in {where}", did_you_mean(value, known[target])
            )


def load_facts(path: str | os.PathLike[str]) -> Facts:
    """Read and validate a governance repository; raises FactsError listing every problem.

    Only an invalid manifest stops loading early (without it nothing else can
    be found); problems in registers and documents are all collected.
    """
    root = Path(os.path.realpath(find_manifest(Path(path))))
    errors = Collector(FactsError)
    manifest, _ = _read_located(root, MANIFEST, Location(MANIFEST, 1))
    if not isinstance(manifest, FactMap):
        raise FactsError([Diagnostic(MANIFEST, 1, "the manifest must be a mapping")])
    outcome = validate(compiler("facts").definition("manifest"), manifest, manifest.line, "aims.yaml")
    _report(errors, MANIFEST, outcome)
    errors.raise_if_any()
    references = list(outcome.documents)
    id_references: list = []

    registers: dict[str, FactList] = {}
    declared: FactMap = manifest.get("registers") or FactMap(MANIFEST, manifest.line)
    for name in sorted(declared):
        at = declared.key_location(name)
        items = _load_register(root, name, declared[name], at, errors, references, id_references)
        if items is not None:
            registers[name] = items
    _check_references(manifest, registers, errors)
    _check_id_references(id_references, registers, declared, errors)
    loader = _DocumentLoader(root, errors)
    documents = _attach_documents(manifest, references, loader)
    _check_id_references(loader.id_references, registers, declared, errors)
    errors.raise_if_any()

    system_roles = {system_id: frozenset(roles) for system_id, roles in manifest["roles"].items()}
    scope_systems = manifest["scope"].get("systems")
    in_scope = frozenset(scope_systems) if scope_systems is not None else frozenset(system_roles)
    declared_roles = manifest["organization"].get("roles") or []
    organization_roles = frozenset(declared_roles).union(*(system_roles[s] for s in in_scope if s in system_roles))
    return Facts(root, manifest, registers, documents, system_roles, in_scope, organization_roles)
