"""The terminal table: per control and clause, its status and one line of reason."""

from __future__ import annotations

from collections.abc import Iterator

from tabulate import tabulate

from .errors import safe_text

_WIDTH = 110


def _clip(text: str, width: int) -> str:
    text = safe_text(" ".join(str(text).split()))
    return text if len(text) <= width else text[: width - 1] + "…"


def render_table(report: dict) -> Iterator[str]:
    """Lines of the table, then the summary: a rendering of the report, nothing recomputed."""
    assessed = [c for c in report["controls"] if c["status"] != "not_assessed"]
    rows = [
        (c["id"], _clip(c["title"], 40), c["status"].replace("_", " "), _clip(c["reason"], _WIDTH)) for c in assessed
    ]
    yield f"{_clip(report['organization']['name'], 200)} — ISO/IEC 42001 gap analysis as of {report['as_of']}"
    yield ""
    yield tabulate(rows, headers=("id", "title", "status", "reason"), tablefmt="simple")
    yield ""
    results = report["summary"]["results"]
    yield "results: " + ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in results.items())
    fails = report["summary"]["fails_by_severity"]
    yield "fails by severity: " + ", ".join(f"{n} {s}" for s, n in fails.items())
    counts = report["summary"]["controls"]
    yield "controls and clauses: " + ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.items())
    for override in report.get("rule_overrides", []):
        yield f"note: rule `{override['rule']}` at {override['source']} replaces the one at {override['replaces']}"
    for note in report["waivers"]:
        yield f"note: {note['note']} ({note['location']['file']}:{note['location']['line']})"
    baseline = report.get("baseline")
    if baseline is not None:
        fixed = len(baseline["fixed"])
        yield f"against {baseline['source']}: {baseline['new']} new, {baseline['unchanged']} unchanged, {fixed} fixed"
        for result in report["results"]:
            if result.get("baseline_state") == "new":
                whose = f" [{result['subject']}]" if result["subject"] is not None else ""
                yield f"new: {result['rule']}{whose}: {_clip(result['reason'], _WIDTH)}"


def render_table_text(report: dict) -> str:
    return "\n".join(render_table(report)) + "\n"
