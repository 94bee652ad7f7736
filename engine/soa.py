"""The Statement of Applicability (clause 6.1.3): every Annex A control, applicable or excluded, and why.

For each of the catalog's Annex A controls, in catalog order, the SoA says
whether the control is applicable, the justification for including or
excluding it, where that justification comes from, how far the control is
implemented (the evaluation's roll-up), the evidence behind it and the rules
that judged it.

A justification is *recorded* when the organization wrote it in its `soa`
register, and *derived* otherwise: then annexa words it from the
organization's roles and scope and the SoA says so ("derived: …"), so an
auditor never mistakes annexa's reasoning for the organization's decision.
An exclusion without a justification is flagged and, as in the evaluation,
excludes nothing.

Everything here is computed from the evaluation, in a fixed order, so the same
inputs and as-of date give the same SoA byte for byte.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter

from . import __version__
from .errors import safe_text
from .evaluate import STATUSES, Evaluation, Result
from .facts import Facts
from .located import FactMap, Location
from .render_csv import cell as csv_cell
from .resolve import blank
from .rollup import CONTROL_STATUSES, ControlStatus, roll_up

SCHEMA_VERSION = "1.0.0"
FORMATS = ("markdown", "csv", "json")


# -- building ------------------------------------------------------------------


def _text(value: object) -> str:
    """A recorded text on one line, blanks collapsed (as the evaluation cites it)."""
    return " ".join(str(value).split()) if value is not None else ""


def _words(items: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _roles_phrase(roles: set[str]) -> str:
    names = sorted(roles)
    return f"the {_words(names)} role" + ("s" if len(names) > 1 else "")


def _status_counts(results: list[Result]) -> dict[str, int]:
    """Results per status: the engine's statuses in their order, then any other, sorted."""
    counted = Counter(r.status for r in results)
    ordered = [s for s in STATUSES if s in counted] + sorted(s for s in counted if s not in STATUSES)
    return {s: counted[s] for s in ordered}


def _not_applicable_piece(results: list[Result]) -> tuple[str, list[Location]]:
    """Why role and scope make every result of a control not applicable, from the results' own traces."""
    organization_roles: set[str] = set()
    by_roles: dict[tuple[str, ...], set[str]] = {}
    outside: set[str] = set()
    rule_roles: set[str] = set()
    locations: set[Location] = set()
    for result in results:
        trace = result.trace
        if trace.location is not None:
            locations.add(trace.location)
        path = trace.path or ""
        if path == "scope.systems":
            outside.add(str(trace.found))
            continue
        rule_roles.update(trace.expected or ())
        if path == "roles":
            organization_roles.update(trace.found or ())
        else:  # roles.SYSTEM: the roles held for one AI system
            by_roles.setdefault(tuple(sorted(trace.found or ())), set()).add(path.removeprefix("roles."))
    parts = []
    if organization_roles:
        parts.append(f"the organization holds only {_roles_phrase(organization_roles)}")
    for roles, systems in sorted(by_roles.items()):
        held = f"only {_roles_phrase(set(roles))}" if roles else "no role"
        parts.append(f"for {_words(sorted(systems))} the organization holds {held}")
    if outside:
        verb = "is" if len(outside) == 1 else "are"
        parts.append(f"{_words(sorted(outside))} {verb} outside the AIMS scope")
    if rule_roles:
        parts.append(f"the rules for this control apply to {', '.join(sorted(rule_roles))}")
    return "; ".join(parts), sorted(locations)  # Location order: file, then line as a number


def _applies_piece(results: list[Result], facts: Facts) -> str | None:
    """Which of the organization's roles the applicable rules of a control apply to.

    The roles are those the evaluation judges by: the organization's (its
    own and its in-scope AI systems'), and for a rule that also looks
    outside the AIMS scope, every AI system's.
    """
    rules = {r.rule.id: r.rule for r in results}
    if any(rule.roles is None for rule in rules.values()):
        return "its rules apply whatever the organization's role"
    in_scope = set(facts.organization_roles)
    everywhere = in_scope.union(*facts.system_roles.values())
    matching = set().union(
        *((rule.roles or set()) & (in_scope if rule.in_scope_only else everywhere) for rule in rules.values())
    )
    if not matching:
        return None
    return f"its rules apply to the organization's {_words(sorted(matching))} role" + ("s" if len(matching) > 1 else "")


def _not_applicable_by_role(result: Result) -> bool:
    """Not applicable because of a role or the AIMS scope (not an exclusion, nor nothing to check)."""
    return result.status == "not_applicable" and result.trace.op == "applies"


def _role_reasoning(results: list[Result], facts: Facts) -> tuple[bool, str | None, list[Location]]:
    """(applicable by role and scope, the derived reasoning, the facts it cites).

    A control is not applicable by role and scope when it has results and
    every one of them is not applicable because of a role or the AIMS scope.
    A result with nothing to check (an empty register) does not count: a
    control does not stop applying because nothing has happened yet.
    """
    by_role = [r for r in results if _not_applicable_by_role(r)]
    others = [r for r in results if not _not_applicable_by_role(r)]
    if results and not others:
        piece, locations = _not_applicable_piece(by_role)
        return False, piece, locations
    if others:
        return True, _applies_piece(others, facts), []
    return True, None, []


def _soa_entries(evaluation: Evaluation) -> dict[str, tuple[FactMap, Location]]:
    register = evaluation.facts.registers.get("soa")
    entries: dict[str, tuple[FactMap, Location]] = {}
    if register is not None:
        for index, item in enumerate(register):
            if isinstance(item, dict) and isinstance(item.get("control"), str):
                entries[item["control"]] = (item, register.item_location(index))
    return entries


def _entry_json(item: FactMap, location: Location) -> dict:
    decided_on = item.get("decided_on")
    return {
        "location": str(location),
        "applicable": item.get("applicable") is not False,
        "decided_by": _text(item["decided_by"]) if item.get("decided_by") is not None else None,
        "decided_on": decided_on.isoformat() if isinstance(decided_on, dt.date) else decided_on,
        "implementation": _text(item["implementation"]) if item.get("implementation") is not None else None,
    }


def _decide(
    entry: tuple[FactMap, Location] | None, results: list[Result], facts: Facts
) -> tuple[bool, str, str, list[str], str | None]:
    """(applicable, justification, its source, the locations it cites, the flag)."""
    by_role, reasoning, cited = _role_reasoning(results, facts)
    more = f"; {reasoning}" if reasoning else ""
    if entry is None:
        if not by_role:
            return False, f"derived: {reasoning}", "derived", [str(c) for c in cited], None
        return True, f"derived: no exclusion is recorded{more}", "derived", [], None
    item, location = entry
    places = [str(place) for place in sorted({location, *cited})]
    recorded = "" if blank(item.get("justification")) else _text(item.get("justification"))
    if recorded:
        return (
            item.get("applicable") is not False,
            recorded,
            "recorded",
            [str(item.key_location("justification"))],
            None,
        )
    if item.get("applicable") is not False:
        return True, f"derived: the SoA register records it as applicable{more}", "derived", places, None
    # An exclusion without a justification excludes nothing: judged as if no decision were recorded.
    then = "the control is treated as applicable" if by_role else "applicability follows from roles and scope"
    written = _text(item.get("justification"))
    without = "without a justification"
    if written:
        without = f"with only the placeholder “{safe_text(written)}” as justification"
    flag = f"excluded {without} ({location}); an exclusion without one excludes nothing, so {then}"
    text = f"derived: the recorded exclusion has no justification, so it excludes nothing{more}"
    return by_role, text, "derived", places, flag


def _evidence(results: list[Result]) -> list[str]:
    """Where the passing results found their facts: file:line, each once, in file and line order."""
    places: set[Location] = set()
    for result in results:
        if result.status == "pass":
            places.update(result.locations())
    return [str(place) for place in sorted(places)]


def _status(rolled: ControlStatus, results: list[Result], applicable: bool, justification: str) -> tuple[str, str]:
    """The control's status in the SoA: what the rules found, or why they found nothing.

    An excluded control is not applicable, whether or not a rule covers it.
    A control the organization declares applicable, whose every rule is
    for other roles, was not judged at all: `not_assessed`, never a silent
    `not_applicable` beside "applicable: yes". (Nothing to check, such as an
    empty incident register, stays the roll-up's `not_applicable`.)
    """
    if not applicable:
        return "not_applicable", f"excluded: {justification}"
    if results and all(_not_applicable_by_role(r) for r in results):
        reason = f"declared applicable, but no rule judges it for the organization's roles and scope: {rolled.reason}"
        return "not_assessed", reason
    return rolled.status, rolled.reason


def build_soa(evaluation: Evaluation) -> dict:
    """The Statement of Applicability of an evaluation, as plain data (render it with `render_soa`)."""
    facts = evaluation.facts
    catalog = evaluation.ruleset.catalog
    statuses = {c.id: c for c in roll_up(evaluation)}
    by_control: dict[str, list[Result]] = {}
    for result in evaluation.results:
        by_control.setdefault(result.rule.control, []).append(result)
    entries = _soa_entries(evaluation)

    controls = []
    for entry in sorted(catalog.entries.values(), key=lambda e: e.order):
        if entry.kind != "control":
            continue
        results = by_control.get(entry.id, [])
        recorded = entries.get(entry.id)
        applicable, justification, source, cited, flag = _decide(recorded, results, facts)
        rules = sorted({r.rule.id for r in results})
        status, status_reason = _status(statuses[entry.id], results, applicable, justification)
        controls.append(
            {
                "id": entry.id,
                "title": entry.title,
                "group": entry.group,
                "applicable": applicable,
                "justification": justification,
                "justification_source": source,
                "justification_locations": cited,
                "flag": flag,
                "soa_entry": _entry_json(*recorded) if recorded is not None else None,
                "status": status,
                "status_reason": status_reason,
                "evidence": _evidence(results),
                "rules": [
                    {"rule": rule_id, "results": _status_counts([r for r in results if r.rule.id == rule_id])}
                    for rule_id in rules
                ],
            }
        )

    groups = [
        {"id": group_id, "title": title}
        for group_id, title in catalog.groups.items()
        if any(c["group"] == group_id for c in controls)
    ]
    status_counts = Counter(c["status"] for c in controls)
    scope_statement = facts.manifest["scope"].get("statement")
    return {
        "schema_version": SCHEMA_VERSION,
        "annexa_version": __version__,
        "as_of": evaluation.as_of.isoformat(),
        "organization": {"name": facts.organization_name, "roles": sorted(facts.organization_roles)},
        "scope": {"statement": _text(scope_statement), "ai_systems": sorted(facts.in_scope)},
        "summary": {
            "controls": len(controls),
            "applicable": sum(1 for c in controls if c["applicable"]),
            "excluded": sum(1 for c in controls if not c["applicable"]),
            "flagged": sum(1 for c in controls if c["flag"] is not None),
            "recorded": sum(1 for c in controls if c["justification_source"] == "recorded"),
            "derived": sum(1 for c in controls if c["justification_source"] == "derived"),
            "status": {s: status_counts.get(s, 0) for s in CONTROL_STATUSES},
        },
        "groups": groups,
        "controls": controls,
    }


# -- rendering -----------------------------------------------------------------


def _rules_text(rules: list[dict]) -> str:
    """`rule: pass`, or `rule: 2 pass, 1 waived` when it has several results."""
    parts = []
    for rule in rules:
        counts = rule["results"]
        if sum(counts.values()) == 1:
            shown = next(s for s, n in counts.items() if n).replace("_", " ")
        else:
            shown = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.items() if n)
        parts.append(f"{rule['rule']}: {shown}")
    return "; ".join(parts)


def _json(soa: dict) -> str:
    return json.dumps(soa, indent=1, ensure_ascii=False) + "\n"


_CSV_COLUMNS = (
    "id",
    "title",
    "group",
    "applicable",
    "justification_source",
    "justification",
    "justification_locations",
    "flag",
    "status",
    "status_reason",
    "evidence",
    "rules",
    "soa_entry",
    "decided_by",
    "decided_on",
    "implementation",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(text: str) -> str:
    """A CSV cell no spreadsheet reads as a formula and no terminal obeys (the check report's own rule)."""
    return csv_cell(text)


def _csv(soa: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_CSV_COLUMNS)
    for c in soa["controls"]:
        entry = c["soa_entry"] or {}
        row = (
            c["id"],
            c["title"],
            c["group"],
            "yes" if c["applicable"] else "no",
            c["justification_source"],
            c["justification"],
            "; ".join(c["justification_locations"]),
            c["flag"] or "",
            c["status"],
            c["status_reason"],
            "; ".join(c["evidence"]),
            _rules_text(c["rules"]),
            entry.get("location") or "",
            entry.get("decided_by") or "",
            entry.get("decided_on") or "",
            entry.get("implementation") or "",
        )
        writer.writerow([neutralize(str(cell)) for cell in row])
    return out.getvalue()


def cell(text: object) -> str:
    """Text that stays inside one Markdown table cell and renders as text, not markup.

    Backslashes and pipes are escaped (a pipe would end the cell), `<` becomes
    `&lt;` (no fact becomes HTML), line breaks become `<br>`, and control
    characters are shown escaped.
    """
    value = str(text).replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
    return "<br>".join(safe_text(line) for line in value.split("\n"))


def _justification_cell(c: dict) -> str:
    text = c["justification"]
    if c["justification_source"] == "recorded":
        text = f"“{text}”"
    if c["justification_locations"]:
        text += f" ({', '.join(c['justification_locations'])})"
    return cell(text)


def _markdown(soa: dict) -> str:
    summary = soa["summary"]
    organization = soa["organization"]
    lines = [
        f"# Statement of Applicability: {cell(organization['name'])}",
        "",
        "ISO/IEC 42001:2023, clause 6.1.3: the Annex A controls, whether each applies, and why.",
        "",
        f"- Organization: {cell(organization['name'])}",
        f"- Roles: {cell(', '.join(organization['roles']) or 'none recorded')}",
        f"- AIMS scope: {cell(soa['scope']['statement'])}",
        f"- AI systems in scope: {cell(', '.join(soa['scope']['ai_systems']) or 'none')}",
        f"- As of: {soa['as_of']}",
        f"- annexa: {cell(soa['annexa_version'])}",
        f"- Controls: {summary['controls']} ({summary['applicable']} applicable, {summary['excluded']} excluded, "
        f"{summary['flagged']} flagged)",
        f"- Justifications: {summary['recorded']} recorded by the organization, {summary['derived']} derived by annexa "
        "(marked “derived:”)",
        "- Status from the evaluation: "
        + ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in summary["status"].items()),
        "",
    ]
    flagged = [c for c in soa["controls"] if c["flag"]]
    if flagged:
        lines += ["## Flagged", ""]
        lines += [f"- **{cell(c['id'])}** {cell(c['title'])}: {cell(c['flag'])}" for c in flagged]
        lines.append("")
    for group in soa["groups"]:
        lines += [
            f"## {cell(group['id'])} {cell(group['title'])}",
            "",
            "| Control | Title | Applicable | Justification | Implementation (recorded) | Status | Evidence | Rules |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for c in soa["controls"]:
            if c["group"] != group["id"]:
                continue
            applicable = ("yes" if c["applicable"] else "no") + (" (**flagged**)" if c["flag"] else "")
            row = (
                cell(c["id"]),
                cell(c["title"]),
                applicable,
                _justification_cell(c),
                cell((c["soa_entry"] or {}).get("implementation") or ""),
                cell(c["status"].replace("_", " ")),
                cell(", ".join(c["evidence"])),
                cell(_rules_text(c["rules"])),
            )
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
    return "\n".join(lines)


def render_soa(soa: dict, output_format: str) -> str:
    """The SoA as Markdown (for a document), CSV (for a spreadsheet) or JSON (for tools)."""
    renderers = {"markdown": _markdown, "csv": _csv, "json": _json}
    if output_format not in renderers:
        raise ValueError(f"unknown SoA format `{output_format}`; expected one of {', '.join(FORMATS)}")
    return renderers[output_format](soa)


__all__ = ["FORMATS", "build_soa", "render_soa"]
