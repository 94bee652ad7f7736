"""Loading rule packs: YAML → schema-checked → compiled, frozen rules.

Stages, each testable alone (as in Cedar and OPA): parse with lines, check the
pack's shape against its JSON Schema, compile every predicate against the
operator registry, check controls against the catalog, then build the
dependency graph. Every problem in every pack is reported, each at its line.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import networkx as nx

from .catalog import Catalog, load_catalog
from .errors import Collector, Diagnostic, FactsError, RulesError, did_you_mean
from .facts import root_names
from .graph import build_graph, evaluation_order
from .located import FactList, FactMap
from .operators import MAX_DAYS, OPERATORS, Predicate
from .resolve import CompiledPath
from .schema_store import compiler
from .shapes import FactShapes
from .validation import shown, type_name, validate
from .yamlsafe import read_yaml_file

SEVERITIES = ("major", "minor", "observation")
_PATH = re.compile(r"^[a-z_][a-z0-9_]*(\.[A-Za-z0-9_-]+)*$")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_SCALARS = (str, int, float, bool, type(None))


@dataclass(frozen=True)
class ForEach:
    path: CompiledPath
    name: str
    where: Predicate | None
    allow_empty: bool


@dataclass(frozen=True)
class Rule:
    id: str
    control: str
    title: str
    severity: str
    check: Predicate
    remediation: str
    evidence: tuple[str, ...]
    requires: tuple[str, ...]
    roles: frozenset[str] | None
    in_scope_only: bool
    for_each: ForEach | None
    pack: str
    source: str
    line: int
    requires_line: int
    effective_on: dt.date | None = None

    def enforced_on(self, as_of: dt.date) -> bool:
        """Whether the rule's fails count in the CI gate on that date."""
        return self.effective_on is None or as_of >= self.effective_on

    @property
    def per_subject(self) -> bool:
        return self.for_each is not None


@dataclass(frozen=True)
class RuleSet:
    rules: dict[str, Rule]
    order: tuple[str, ...]
    graph: nx.DiGraph
    catalog: Catalog
    packs: tuple[tuple[str, str, int], ...]  # (pack, source, rule count)
    overrides: tuple[tuple[str, str, str], ...] = ()  # (rule id, where the new one is, where the replaced one was)


class _Compiler:
    """Checks each operator use against its signature and compiles it.

    Names in scope map to the schema of what they hold, so a path is checked
    against the facts schema down to its last step: `documents.ai_policy.stauts`
    is a load error, never a check that quietly finds nothing.
    """

    def __init__(self, source: str, errors: Collector):
        self.source = source
        self.errors = errors
        self.roots = root_names()
        self.shapes = FactShapes()

    def error(self, line: int, message: str, hint: str | None = None) -> None:
        self.errors.add(self.source, line, message, hint)

    def predicate(self, raw: object, line: int, names: dict[str, object]) -> Predicate | None:
        if not isinstance(raw, dict) or len(raw) != 1:
            self.error(
                line, "a predicate is a mapping with exactly one operator", f"operators: {', '.join(sorted(OPERATORS))}"
            )
            return None
        ((name, raw_args),) = raw.items()
        op_line = raw.key_lines.get(name, line) if isinstance(raw, FactMap) else line
        operator = OPERATORS.get(name)
        if operator is None:
            self.error(
                op_line,
                f"unknown operator `{name}`",
                did_you_mean(name, OPERATORS) or f"operators: {', '.join(sorted(OPERATORS))}",
            )
            return None
        short = operator.shorthand
        if short and (operator.signature[short] in ("pred", "preds") or not isinstance(raw_args, dict)):
            raw_args = {short: raw_args}
            arg_lines = {short: op_line}
        elif isinstance(raw_args, dict):
            arg_lines = raw_args.key_lines if isinstance(raw_args, FactMap) else {}
        else:
            self.error(op_line, f"`{name}` takes a mapping of arguments: {', '.join(operator.signature)}")
            return None
        args: dict = {}
        ok = True
        for arg in raw_args:
            if arg not in operator.signature:
                self.error(
                    arg_lines.get(arg, op_line),
                    f"`{name}` has no argument `{arg}`",
                    did_you_mean(arg, operator.signature) or f"arguments: {', '.join(operator.signature)}",
                )
                ok = False
        for arg in sorted(operator.required - set(raw_args)):
            self.error(op_line, f"`{name}` needs the argument `{arg}`")
            ok = False
        for group in operator.one_of:
            given = group & set(raw_args)
            if len(given) != 1:
                self.error(op_line, f"`{name}` takes exactly one of {', '.join(f'`{g}`' for g in sorted(group))}")
                ok = False
        for group in operator.at_least_one:
            if not group & set(raw_args):
                self.error(op_line, f"`{name}` needs at least one of {', '.join(f'`{g}`' for g in sorted(group))}")
                ok = False
        bound = names
        if "as" in operator.signature:
            as_name = raw_args.get("as", "item")
            collection = (
                self.argument("path", raw_args["in"], arg_lines.get("in", op_line), names, f"`{name}.in`")[0]
                if "in" in raw_args
                else None
            )
            args["in"] = collection
            ok = ok and ("in" not in raw_args or collection is not None)
            if "as" not in raw_args and as_name in names:
                self.error(op_line, f"a nested `{name}` needs its own `as:` name: the outer one already binds `item`")
                ok = False
            elif self._name(as_name, arg_lines.get("as", op_line), names):
                item_shape = self.item_shape(collection, arg_lines.get("in", op_line), f"`{name}.in`")
                bound = {**names, as_name: item_shape}
            args["as"] = as_name
        for arg, raw_value in raw_args.items():
            kind = operator.signature.get(arg)
            if kind is None or (arg in ("as", "in") and "as" in operator.signature):
                continue
            arg_line = arg_lines.get(arg, op_line)
            scope = bound if kind == "item_pred" else names
            value, good = self.argument(kind, raw_value, arg_line, scope, f"`{name}.{arg}`")
            ok = ok and good
            args[arg] = value
        low, high = args.get("min"), args.get("max")
        if isinstance(low, int) and isinstance(high, int) and low > high:
            self.error(op_line, f"`{name}` can never pass: `min` {low} is above `max` {high}")
            ok = False
        if not ok:
            return None
        return Predicate(operator, args, self.source, op_line)

    def item_shape(self, collection: CompiledPath | None, line: int, what: str) -> object:
        """The shape of an entry of the collection a quantifier walks; a value that is no list is a load error."""
        if collection is None:
            return None
        shape, problem = self.shapes.items(collection.shape)
        if problem is not None:
            self.error(line, f"{what}: `{collection.text}` {problem}", "quantifiers walk lists such as `ai_systems`")
        return shape

    def _name(self, value: object, line: int, names: dict[str, object]) -> bool:
        if not isinstance(value, str) or not _NAME.match(value):
            self.error(line, f"`as` must be a lowercase name, found {described(value)}")
            return False
        if value in self.roots:
            self.error(line, f"`as: {value}` hides the facts root `{value}`", "choose another name")
            return False
        if value in names:
            self.error(line, f"`as: {value}` hides the outer name `{value}`", "choose another name")
            return False
        return True

    def path(self, raw: object, line: int, names: dict[str, object], what: str) -> CompiledPath | None:
        if not isinstance(raw, str) or not _PATH.match(raw):
            self.error(
                line, f"{what} must be a dotted path such as `documents.ai_policy.approved_on`, found {described(raw)}"
            )
            return None
        head, *rest = raw.split(".")
        if head not in names and head not in self.roots:
            known = sorted(set(names) | self.roots)
            self.error(
                line,
                f"{what}: path `{raw}` starts with unknown name `{head}`",
                did_you_mean(head, known) or f"known: {', '.join(known)}",
            )
            return None
        shape = names[head] if head in names else self.shapes.root(head)
        for depth, part in enumerate(rest):
            shape, problem = self.shapes.step(shape, part)
            if problem is not None:
                walked = ".".join([head, *rest[:depth]])
                message, choices = problem
                self.error(
                    line,
                    f"{what}: path `{raw}`: `{walked}` {message}",
                    did_you_mean(part, choices) if choices else None,
                )
                return None
        return CompiledPath(raw, head, tuple(rest), shape)

    def argument(self, kind: str, raw: object, line: int, names: dict[str, object], what: str) -> tuple[object, bool]:
        if kind == "path":
            value = self.path(raw, line, names, what)
            return value, value is not None
        if kind in ("pred", "item_pred"):
            value = self.predicate(raw, line, names)
            return value, value is not None
        if kind == "preds":
            if not isinstance(raw, list) or not raw:
                self.error(line, f"{what} must be a non-empty list of predicates")
                return None, False
            lines = raw.item_lines if isinstance(raw, FactList) else [line] * len(raw)
            compiled = [self.predicate(item, lines[i], names) for i, item in enumerate(raw)]
            return tuple(compiled), all(p is not None for p in compiled)
        if kind == "int":
            if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
                self.error(line, f"{what} must be a whole number of at least 0, found {described(raw)}")
                return None, False
            return raw, True
        if kind == "days":
            if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= MAX_DAYS:
                self.error(line, f"{what} must be a number of days from 0 to {MAX_DAYS}, found {described(raw)}")
                return None, False
            return raw, True
        if kind == "bool":
            if not isinstance(raw, bool):
                self.error(line, f"{what} must be true or false, found {described(raw)}")
                return None, False
            return raw, True
        if kind == "str":
            if not isinstance(raw, str) or not raw:
                self.error(line, f"{what} must be text, found {described(raw)}")
                return None, False
            return raw, True
        if kind == "strs":
            if not isinstance(raw, list) or not raw or not all(isinstance(s, str) and s for s in raw):
                self.error(line, f"{what} must be a non-empty list of text")
                return None, False
            return tuple(raw), True
        if kind == "regex":
            if not isinstance(raw, str):
                self.error(line, f"{what} must be a regular expression as text")
                return None, False
            try:
                return re.compile(raw), True
            except re.error as exc:
                self.error(line, f"{what}: invalid regular expression `{raw}`: {exc}")
                return None, False
        if kind == "literal":
            if not isinstance(raw, (*_SCALARS, dt.date)):
                self.error(line, f"{what} must be a single value (text, number, true/false, date)")
                return None, False
            return raw, True
        if kind == "literals":
            singles = (*_SCALARS, dt.date)
            if not isinstance(raw, list) or not raw or not all(isinstance(v, singles) for v in raw):
                self.error(line, f"{what} must be a non-empty list of single values (text, numbers, true/false, dates)")
                return None, False
            return tuple(raw), True
        raise AssertionError(f"operator signature uses unknown kind {kind!r}")  # pragma: no cover


def described(value: object) -> str:
    """A user value in a message: its kind and its text (`365` given as text reads `text `365``)."""
    kind = type_name(value)
    return (
        f"{'text' if kind == 'string' else kind} {shown(value)}" if not isinstance(value, (dict, list)) else f"a {kind}"
    )


def _rule(raw: FactMap, source: str, pack: str, line: int, catalog: Catalog, errors: Collector) -> Rule | None:
    compile_ = _Compiler(source, errors)
    before = len(errors.items)
    control = raw["control"]
    if control not in catalog.entries:
        hint = did_you_mean(control, catalog.entries) or "controls are A.2.2 … A.10.4, clauses 4 … 10.2"
        errors.add(
            source, raw.key_lines["control"], f"rule `{raw['id']}` names `{control}`, which is not in the catalog", hint
        )
    names: dict[str, object] = {}
    for_each = None
    raw_each = raw.get("for_each")
    if raw_each is not None:
        each_line = raw.key_lines["for_each"]
        name = raw_each.get("as", "item")
        path = compile_.path(raw_each["in"], raw_each.key_lines.get("in", each_line), names, "`for_each.in`")
        if compile_._name(name, raw_each.key_lines.get("as", each_line), names) and path is not None:
            names = {name: compile_.item_shape(path, raw_each.key_lines.get("in", each_line), "`for_each.in`")}
        where = None
        if "where" in raw_each:
            where = compile_.predicate(raw_each["where"], raw_each.key_lines["where"], names)
        if path is not None:
            for_each = ForEach(path, name, where, bool(raw_each.get("allow_empty", False)))
    check = compile_.predicate(raw["check"], raw.key_lines["check"], names)
    if len(errors.items) > before or check is None:
        return None
    applies = raw.get("applies") or {}
    roles = frozenset(applies["roles"]) if applies.get("roles") else None
    requires = tuple(raw.get("requires") or ())
    return Rule(
        id=raw["id"],
        control=control,
        title=raw["title"],
        severity=raw["severity"],
        check=check,
        remediation=raw["remediation"],
        evidence=tuple(raw.get("evidence") or ()),
        requires=requires,
        roles=roles,
        in_scope_only=bool(applies.get("in_scope_only", True)),
        for_each=for_each,
        pack=pack,
        source=source,
        line=line,
        requires_line=raw.key_lines.get("requires", line),
        effective_on=raw.get("effective_on"),
    )


def builtin_rules_dir() -> Path:
    return Path(str(resources.files("annexa") / "rules"))


def _pack_files(directory: Path, errors: Collector) -> list[Path]:
    if not directory.is_dir():
        errors.add(
            str(directory), None, "rules directory does not exist" if not directory.exists() else "not a directory"
        )
        return []
    files = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:  # most likely a typo in a CI configuration: never run silently without the intended rules
        errors.add(str(directory), None, "rules directory holds no rule packs (`*.yaml` or `*.yml` files)")
    return files


@cache
def _pack_shape_checks():
    """The pack's own shape, and one rule's shape, as two checks.

    Checking each rule on its own lets a shape error in one rule leave the
    others to be compiled, so every problem in a pack is reported in one run.
    """
    rules_schema = compiler("rules")
    document = rules_schema.document
    header = {**document, "properties": {**document["properties"], "rules": {"type": "array"}}}
    return rules_schema.compile(header), rules_schema.definition("rule")


def _load_pack(
    data: FactMap, source: str, catalog: Catalog, errors: Collector, known: dict[str, str]
) -> list[Rule] | None:
    header_check, rule_check = _pack_shape_checks()
    outcome = validate(header_check, data, data.line, "pack")
    for line, message, hint in outcome.errors:
        errors.add(source, line, message, hint)
    if outcome.errors:
        return None
    items: FactList = data["rules"]
    compiled = []
    for position, raw in enumerate(items):
        line = items.item_lines[position]
        shape = validate(rule_check, raw, line, f"rules[{position}]")
        for error_line, message, hint in shape.errors:
            errors.add(source, error_line, message, hint)
        rule_id = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(rule_id, str):
            if rule_id in known:
                errors.add(source, line, f"duplicate rule id `{rule_id}` (also at {known[rule_id]})")
                continue
            known[rule_id] = f"{source}:{line}"
        if shape.errors:
            continue
        rule = _rule(raw, source, data["pack"], line, catalog, errors)
        if rule is not None:
            compiled.append(rule)
    return compiled


def load_rules(directories: list[str | os.PathLike[str]] = (), *, builtin: bool = True) -> RuleSet:
    """Load, check and compile rule packs; later directories override earlier rule ids."""
    errors = Collector(RulesError)
    catalog = load_catalog()
    folders: list[Path] = []
    for folder in ([builtin_rules_dir()] if builtin else []) + [Path(d) for d in directories]:
        if not any(os.path.realpath(folder) == os.path.realpath(seen) for seen in folders):
            folders.append(folder)  # the same directory twice would only count its packs twice
    rules: dict[str, Rule] = {}
    known_ids: set[str] = set()
    packs: list[tuple[str, str, int]] = []
    overrides: list[tuple[str, str, str]] = []
    for index, folder in enumerate(folders):
        in_this_folder: dict[str, Rule] = {}
        known: dict[str, str] = {}
        for file in _pack_files(folder, errors):
            source = file.as_posix() if index or not builtin else f"<built-in>/{file.name}"
            try:
                data = read_yaml_file(file, source)
            except FactsError as exc:
                errors.extend(RulesError(exc.diagnostics))
                continue
            if not isinstance(data, FactMap):
                errors.add(source, 1, "a rule pack is a mapping with `annexa_rules`, `pack` and `rules`")
                continue
            compiled = _load_pack(data, source, catalog, errors, known)
            if compiled is None:
                continue
            in_this_folder.update((rule.id, rule) for rule in compiled)
            packs.append((data["pack"], source, len(compiled)))
        for rule_id, rule in sorted(in_this_folder.items()):
            if rule_id in rules:  # an organization's pack replacing a rule: said in every report
                old = rules[rule_id]
                overrides.append((rule_id, f"{rule.source}:{rule.line}", f"{old.source}:{old.line}"))
        rules.update(in_this_folder)
        known_ids.update(known)
    graph = build_graph(rules.values(), errors, known_ids)
    errors.raise_if_any()
    if not rules:
        raise RulesError([Diagnostic(", ".join(str(f) for f in folders) or "rules", None, "no rules loaded")])

    def sort_key(rule_id: str) -> tuple[int, str]:
        entry = catalog.entries.get(rules[rule_id].control)
        return (entry.order if entry else 1_000_000, rule_id)

    order = tuple(evaluation_order(graph, sort_key))
    return RuleSet(rules, order, graph, catalog, tuple(packs), tuple(overrides))
