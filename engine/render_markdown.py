"""The Markdown gap report: summary, a table of control groups, then every gap with its remedy.

Written for a consultant's document or a pull-request comment (GitHub
flavoured Markdown). It is a rendering of the JSON report, nothing
recomputed, and the same report gives byte-identical Markdown.

Every fact is text, never markup. annexa's reasons quote values in
backticks, so text is split at backticks: quoted parts become code spans
(literal by definition), the rest has every Markdown-active character
backslash-escaped (`<` included, so no fact can open raw HTML). Line breaks
inside a value become one space, since a table row is one line; in table
cells every `|` is escaped as `\\|`, which GFM undoes before inline parsing,
inside code spans too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from .errors import safe_text
from .report import rules_by_id

GAP_STATUSES = ("fail", "blocked", "waived")

_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
_ACTIVE = re.compile(r"([\\`*_\[\]<>&~#$])")


def _one_line(text: object) -> str:
    return safe_text(_LINE_BREAKS.sub(" ", str(text)))


def _escape(text: str) -> str:
    return _ACTIVE.sub(r"\\\1", text)


def _code_span(text: str) -> str:
    """A code span of text holding no backtick (CommonMark strips one space each side if both have one)."""
    if not text:
        return r"\`\`"
    if text.startswith(" ") and text.endswith(" ") and text.strip(" "):
        text = f" {text} "
    return f"`{text}`"


def inline(text: object, cell: bool = False) -> str:
    """Text as Markdown that renders to itself: one line, quoted parts as code, the rest escaped."""
    line = _one_line(text)
    parts = line.split("`")
    if len(parts) % 2 == 0:  # unbalanced backticks: nothing is code
        out = _escape(line)
    else:
        out = "".join(_code_span(p) if i % 2 else _escape(p) for i, p in enumerate(parts))
    return out.replace("|", r"\|") if cell else out


def code(text: object, cell: bool = False) -> str:
    """The whole text as one code span (for ids and file:line), fenced longer than any backtick run inside."""
    line = _one_line(text)
    runs = [len(run) for run in re.findall(r"`+", line)]
    if not line:
        out = r"\`\`"
    else:
        fence = "`" * (max(runs, default=0) + 1)
        pad = " " if runs and (line.startswith("`") or line.endswith("`")) else ""
        if not pad and line.startswith(" ") and line.endswith(" ") and line.strip(" "):
            pad = " "
        out = f"{fence}{pad}{line}{pad}{fence}"
    return out.replace("|", r"\|") if cell else out


def _words(name: str) -> str:
    return name.replace("_", " ")


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {_words(name)}" for name, n in counts.items())


def _table(headers: Iterable[str], rows: Iterable[Iterable[str]], numeric_from: int | None = None) -> Iterator[str]:
    headers = list(headers)
    aligns = ["---:" if numeric_from is not None and i >= numeric_from else "---" for i in range(len(headers))]
    yield "| " + " | ".join(headers) + " |"
    yield "|" + "|".join(aligns) + "|"
    for row in rows:
        yield "| " + " | ".join(row) + " |"


def _location(result: dict) -> str:
    location = result["location"]
    return f"{location['file']}:{location['line']}"


def _subject(result: dict, cell: bool = True) -> str:
    return "organization" if result["subject"] is None else code(result["subject"], cell=cell)


def _status(result: dict) -> str:
    """The status, with `new` (not in the baseline) and `warning` (a rule not yet in force) where they apply."""
    marks = ["new"] if result.get("baseline_state") == "new" else []
    if result.get("enforced") is False:
        marks.append("warning")
    return f"{result['status']} ({', '.join(marks)})" if marks else result["status"]


def _gaps_by_control(report: dict) -> list[tuple[dict, list[dict]]]:
    """Gaps grouped by control, controls in catalog order, results in report order within each."""
    gaps: dict[str, list[dict]] = {}
    for result in report["results"]:
        if result["status"] in GAP_STATUSES:
            gaps.setdefault(result["control"], []).append(result)
    controls = {c["id"]: c for c in report["controls"]}
    order = [c["id"] for c in report["controls"] if c["id"] in gaps]
    order += [control for control in gaps if control not in controls]
    fallback = {"title": "", "status": "not_assessed"}
    return [({"id": cid, **controls.get(cid, fallback)}, gaps[cid]) for cid in order]


def _gap_section(control: dict, results: list[dict], rules: dict[str, dict]) -> Iterator[str]:
    title = f" {inline(control['title'])}" if control["title"] else ""
    yield f"### {inline(control['id'])}{title} — {_words(control['status'])}"
    yield ""
    rows = (
        (
            _status(r),
            r["severity"],
            code(r["rule"], cell=True),
            _subject(r),
            inline(r["reason"], cell=True),
            code(_location(r), cell=True),
        )
        for r in results
    )
    yield from _table(("status", "severity", "rule", "subject", "reason", "where"), rows)
    by_rule: dict[str, list[dict]] = {}
    for result in results:
        by_rule.setdefault(result["rule"], []).append(result)
    for rule_id, own in by_rule.items():
        rule = rules[rule_id]
        yield ""
        yield f"{code(rule['id'])} — {inline(rule['title'])} ({rule['severity']})"
        yield ""
        if rule["evidence"]:
            yield "- evidence expected:"
            yield from (f"  - {inline(item)}" for item in rule["evidence"])
        causes = sorted({r["root_cause"] for r in own if r["status"] == "blocked" and "root_cause" in r})
        if causes and all(r["status"] == "blocked" for r in own):
            # nothing of its own was judged: what to do first is the root cause, not this rule's remedy
            yield "- remediation: not judged yet; first close " + ", ".join(code(c) for c in causes)
        else:
            yield f"- remediation: {inline(rule['remediation'])}"
    yield ""


def render_markdown(report: dict) -> str:
    """The gap report as GitHub flavoured Markdown, ending in a newline."""
    return "\n".join(_lines(report)) + "\n"


def _lines(report: dict) -> Iterator[str]:
    organization = report["organization"]
    summary = report["summary"]
    yield f"# {inline(organization['name'])} — ISO/IEC 42001 gap analysis as of {inline(report['as_of'])}"
    yield ""
    yield "## Summary"
    yield ""
    yield f"- results: {_counts(summary['results'])}"
    yield f"- fails by severity: {_counts(summary['fails_by_severity'])}"
    yield f"- controls and clauses: {_counts(summary['controls'])}"
    roles = ", ".join(organization["roles"]) or "none declared"
    yield (
        f"- AI systems: {organization['ai_systems']} ({organization['ai_systems_in_scope']} in scope);"
        f" roles: {inline(roles)}"
    )
    packs = "; ".join(
        f"{code(p['pack'])} ({p['rules']} rule{'' if p['rules'] == 1 else 's'}, {code(p['source'])})"
        for p in report["rule_packs"]
    )
    yield f"- rule packs: {packs or 'none'}"
    for override in report.get("rule_overrides", []):
        yield (
            f"- rule {code(override['rule'])} at {code(override['source'])} replaces the one at"
            f" {code(override['replaces'])}"
        )
    baseline = report.get("baseline")
    if baseline is not None:
        since = f" of {inline(baseline['as_of'])}" if baseline.get("as_of") else ""
        yield (
            f"- against the baseline {code(baseline['source'])}{since}: {baseline['new']} new,"
            f" {baseline['unchanged']} unchanged, {len(baseline['fixed'])} fixed"
        )
    yield ""
    yield "## By control group"
    yield ""
    rows = (
        (inline(g["group"], cell=True), inline(g["title"], cell=True), *(str(n) for n in g["controls"].values()))
        for g in summary["groups"]
    )
    headers = ("group", "title", *(_words(name) for name in summary["controls"]))
    yield from _table(headers, rows, numeric_from=2)
    yield ""
    yield "## Gaps"
    yield ""
    sections = _gaps_by_control(report)
    if not sections:
        yield "No gaps: every applicable result passes."
        yield ""
    rules = rules_by_id(report)
    for control, results in sections:
        yield from _gap_section(control, results, rules)
    if baseline is not None and baseline["fixed"]:
        yield "## Fixed since the baseline"
        yield ""
        for fixed in baseline["fixed"]:
            subject = "" if fixed["subject"] is None else f" for {code(fixed['subject'])}"
            control = f" ({inline(fixed['control'])})" if fixed.get("control") else ""
            yield f"- {code(fixed['rule'])}{control}{subject}"
        yield ""
    notes = [
        f"- rule {code(o['rule'])} at {code(o['source'])} replaces the one at {code(o['replaces'])}"
        for o in report["rule_overrides"]
    ]
    notes += [f"- {inline(w['note'])} ({code(_location(w))})" for w in report["waivers"]]
    if notes:
        yield "## Notes"
        yield ""
        yield from notes
        yield ""
    yield f"Generated by annexa {inline(report['annexa_version'])} (report schema {inline(report['schema_version'])})."
