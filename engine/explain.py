"""Browsing the catalog and the rules: `annexa controls` and `annexa explain ID`.

A rule's check is shown in plain words, one describer per operator (the same
registry shape as the operators themselves), so a consultant can read what a
rule demands without reading YAML.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .catalog import Entry
from .errors import Diagnostic, RulesError, did_you_mean
from .operators import OPERATORS, Predicate
from .resolve import CompiledPath
from .rules import Rule, RuleSet


def _path(path) -> str:
    return f"`{path.text}`"


def _items(args: dict) -> str:
    where = f" matching ({describe(args['where'])})" if args.get("where") is not None else ""
    return f"entries `{args['as']}` of {_path(args['in'])}{where}"


DESCRIBERS: dict[str, Callable[[dict], str]] = {
    "all": lambda a: "all of: " + "; ".join(f"({describe(p)})" for p in a["of"]),
    "any": lambda a: "any of: " + "; or ".join(f"({describe(p)})" for p in a["of"]),
    "not": lambda a: f"not ({describe(a['of'])}), judged only on recorded data",
    "exists": lambda a: f"{_path(a['path'])} is recorded and not empty",
    "equals": lambda a: f"{_path(a['path'])} equals " + (_path(a["same_as"]) if "same_as" in a else f"`{a['value']}`"),
    "one_of": lambda a: f"{_path(a['path'])} is one of " + ", ".join(f"`{v}`" for v in a["values"]),
    "matches": lambda a: (
        f"{_path(a['path'])} is {a['means']}"
        if "means" in a
        else f"{_path(a['path'])} matches the pattern `{a['pattern'].pattern}`"
    ),
    "count": lambda a: (
        f"the number of {_items(a)} is "
        + " and ".join(
            part
            for part in (
                f"at least {a['min']}" if a.get("min") is not None else "",
                f"at most {a['max']}" if a.get("max") is not None else "",
            )
            if part
        )
    ),
    "every": lambda a: (
        f"every one of the {_items(a)} satisfies ({describe(a['check'])})"
        + ("; none at all is accepted" if a.get("allow_empty") else "; there must be at least one")
    ),
    "some": lambda a: (
        f"at least one of the {_items(a)}"
        + (f" satisfies ({describe(a['check'])})" if a.get("check") is not None else " is recorded")
    ),
    "within_days": lambda a: (
        f"{_path(a['path'])} is no older than "
        + (f"{_path(a['days_from'])} days" if "days_from" in a else f"{a['days']} days")
        + (f" (default {a['days']})" if "days_from" in a and "days" in a else "")
        + " on the as-of date, and not after it"
    ),
    "date_order": lambda a: (
        f"{_path(a['later'])} is {'after' if a.get('strict') else 'on or after'} "
        + f"{_path(a['earlier'])}"
        + (f", at most {a['max_days']} days later" if a.get("max_days") is not None else "")
    ),
    "document": lambda a: (
        f"the document {_path(a['path'])} exists in the repository"
        + (" with front matter " + ", ".join(f"`{f}`" for f in a["fields"]) if a.get("fields") else "")
        + (" and headings " + ", ".join(f"`{h}`" for h in a["headings"]) if a.get("headings") else "")
    ),
    "attested": lambda a: (
        f"`{a['statement']}` is attested"
        + (" by someone in the role " + " or ".join(f"`{r}`" for r in a["roles"]) if a.get("roles") else "")
        + f", at most {a['valid_days']} days ago"
    ),
}

missing = set(OPERATORS) - set(DESCRIBERS)
if missing:  # pragma: no cover - a new operator without words would make `explain` lie
    raise RuntimeError(f"operators without a describer: {sorted(missing)}")


def describe(predicate: Predicate) -> str:
    """A rule's check in plain words."""
    return DESCRIBERS[predicate.operator.name](predicate.args)


def list_controls(ruleset: RuleSet) -> list[dict]:
    """Every group, control and clause in catalog order, with the rules that give evidence for it."""
    by_control: dict[str, list[str]] = {}
    for rule_id in ruleset.order:
        by_control.setdefault(ruleset.rules[rule_id].control, []).append(rule_id)
    catalog = ruleset.catalog
    listed = []
    for group_id, title in catalog.groups.items():
        if group_id.startswith("A."):
            listed.append({"id": group_id, "title": title, "kind": "group", "group": group_id, "rules": []})
        for entry in catalog.entries.values():
            if entry.group == group_id:
                rules = sorted(by_control.get(entry.id, []))
                listed.append(
                    {"id": entry.id, "title": entry.title, "kind": entry.kind, "group": group_id, "rules": rules}
                )
    return listed


def _arguments(predicate: Predicate) -> Iterator[object]:
    """Every argument value of a predicate, the members of list arguments (`of`) one by one."""
    for value in predicate.args.values():
        yield from value if isinstance(value, (list, tuple)) else (value,)


def _predicates(predicate: Predicate) -> Iterator[Predicate]:
    """The predicate and every predicate inside it (`of`, `check`, `where`), depth first."""
    yield predicate
    for item in _arguments(predicate):
        if isinstance(item, Predicate):
            yield from _predicates(item)


def _paths(predicate: Predicate) -> Iterator[CompiledPath]:
    return (item for item in _arguments(predicate) if isinstance(item, CompiledPath))


def documents_read(ruleset: RuleSet) -> list[dict]:
    """The documents the rules ask for, with the front matter and headings they require.

    What an organization has to write before anything else: the named
    documents of the manifest (`documents.NAME`), then documents that
    register entries point to (`system.model_card`), each with the fields and
    sections some rule checks and the rules that check them.
    """
    found: dict[str, dict] = {}
    checks = {rule_id: list(_predicates(ruleset.rules[rule_id].check)) for rule_id in ruleset.order}
    documents = {  # every path some rule treats as a document, by its text
        p.args["path"].text: p.args["path"] for ps in checks.values() for p in ps if p.operator.name == "document"
    }
    for rule_id in ruleset.order:
        rule = ruleset.rules[rule_id]
        for predicate in checks[rule_id]:
            fields: list[str] = []
            headings: list[str] = []
            if predicate.operator.name == "document":
                path = predicate.args["path"]
                fields, headings = list(predicate.args.get("fields", ())), list(predicate.args.get("headings", ()))
            else:  # a front-matter field read through a path: documents.NAME.FIELD, or system.requirements.FIELD
                read = [(p, d) for p in _paths(predicate) for d in documents if p.text.startswith(f"{d}.")]
                named = [p for p in _paths(predicate) if p.head == "documents" and len(p.rest) >= 1]
                if read:
                    path_read, document = read[0]
                    fields = [path_read.text.removeprefix(f"{document}.").split(".")[0]]
                    path = documents[document]
                elif named:
                    path = named[0]
                    if len(path.rest) > 1:
                        fields = [path.rest[1]]
                    path = CompiledPath(f"documents.{path.rest[0]}", "documents", path.rest[:1])
                else:
                    continue
            entry = found.setdefault(
                path.text,
                {"document": path.text, "named": path.head == "documents", "fields": [], "headings": [], "rules": []},
            )
            entry["fields"] += [f for f in fields if f not in entry["fields"]]
            entry["headings"] += [h for h in headings if h not in entry["headings"]]
            if rule.id not in entry["rules"]:
                entry["rules"].append(rule.id)
    return sorted(found.values(), key=lambda e: (not e["named"], e["document"]))


def _rule_lines(rule: Rule, ruleset: RuleSet) -> Iterator[str]:
    yield f"{rule.id} — {rule.title}"
    yield f"  control:     {rule.control} {ruleset.catalog.entries[rule.control].title}"
    yield f"  severity:    {rule.severity}"
    yield f"  applies to:  {', '.join(sorted(rule.roles)) if rule.roles else 'every role'}"
    if rule.for_each is not None:
        where = f", where {describe(rule.for_each.where)}" if rule.for_each.where is not None else ""
        yield f"  one result per entry `{rule.for_each.name}` of {_path(rule.for_each.path)}{where}"
    yield f"  checks:      {describe(rule.check)}"
    for item in rule.evidence:
        yield f"  evidence:    {item}"
    requires = ", ".join(rule.requires) or "nothing"
    required_by = ", ".join(sorted(ruleset.graph.successors(rule.id))) or "nothing"
    yield f"  requires:    {requires}"
    yield f"  required by: {required_by}"
    if rule.effective_on is not None:
        yield f"  enforced from {rule.effective_on.isoformat()}"
    yield f"  remediation: {rule.remediation}"
    yield f"  defined at:  {rule.source}:{rule.line}"


def _entry_lines(entry: Entry, ruleset: RuleSet) -> Iterator[str]:
    catalog = ruleset.catalog
    kind = "Annex A control" if entry.kind == "control" else "clause"
    yield f"{entry.id} — {entry.title} ({kind}, group {entry.group} {catalog.groups.get(entry.group, '')})"
    if entry.intent:
        yield f"  intent:      {entry.intent}"
    for item in entry.evidence:
        yield f"  evidence:    {item}"
    if entry.roles:
        yield f"  applies to:  {', '.join(entry.roles)}"
    if entry.objectives:
        yield "  serves:      " + ", ".join(f"{o} {catalog.annex_c.get(o, '')}".strip() for o in entry.objectives)
    if entry.risk_sources:
        yield "  addresses:   " + ", ".join(f"{r} {catalog.annex_c.get(r, '')}".strip() for r in entry.risk_sources)
    if entry.builds_on:
        yield f"  builds on:   {', '.join(entry.builds_on)}"
    built_upon = sorted(e.id for e in catalog.entries.values() if entry.id in e.builds_on)
    if built_upon:
        yield f"  built upon by: {', '.join(built_upon)}"
    rules = [ruleset.rules[r] for r in ruleset.order if ruleset.rules[r].control == entry.id]
    if not rules:
        yield "  no loaded rule covers it yet"
    for rule in rules:
        yield ""
        yield from _rule_lines(rule, ruleset)


def explain(ruleset: RuleSet, wanted: str) -> list[str]:
    """Lines describing a control, a clause or a rule; an unknown id is an error with a hint."""
    if wanted in ruleset.rules:
        return list(_rule_lines(ruleset.rules[wanted], ruleset))
    catalog = ruleset.catalog
    if wanted in catalog.entries:
        return list(_entry_lines(catalog.entries[wanted], ruleset))
    if wanted in catalog.groups:
        members = [e for e in catalog.entries.values() if e.group == wanted and e.id != wanted]
        lines = [f"{wanted} — {catalog.groups[wanted]} (group)"]
        lines += [f"  {e.id}  {e.title}" for e in members]
        return lines
    if wanted in catalog.annex_c:
        kind = "objective" if wanted.startswith("C.2") else "risk source"
        lines = [f"{wanted} — {catalog.annex_c[wanted]} (Annex C {kind})"]
        field = "objectives" if kind == "objective" else "risk_sources"
        related = [e for e in catalog.entries.values() if wanted in getattr(e, field)]
        lines += [f"  {'served by' if kind == 'objective' else 'addressed by'} {e.id}  {e.title}" for e in related]
        return lines
    known = [*ruleset.rules, *catalog.entries, *catalog.groups, *catalog.annex_c]
    hint = did_you_mean(wanted, known) or "try `annexa controls` for the ids"
    raise RulesError([Diagnostic(wanted, None, "no control, clause or rule has this id", hint)])
