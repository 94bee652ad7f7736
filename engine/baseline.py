"""Comparing a run with an earlier one: what is new, fixed and unchanged.

Findings are matched by a fingerprint of what they are about (rule, control,
subject), never by line numbers, so editing a register above a finding does
not make it "new". Only gaps count: fails and blocked results.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .errors import Diagnostic, FactsError

GAP_STATUSES = ("fail", "blocked")


def fingerprint(rule: str, control: str, subject: str | None) -> str:
    """A stable id for a finding, the same in every report and every output format."""
    text = f"{rule}|{control}|{subject or ''}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def load_baseline(path: str) -> dict:
    """An earlier JSON report; anything else is bad input, named with its file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise FactsError([Diagnostic(path, None, f"cannot read the baseline: {exc.strerror or exc}")]) from None
    except UnicodeDecodeError:
        raise FactsError([Diagnostic(path, None, "the baseline is not UTF-8 text")]) from None
    try:
        report = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FactsError([Diagnostic(path, exc.lineno, f"the baseline is not JSON: {exc.msg}")]) from None
    results = report.get("results") if isinstance(report, dict) else None
    if not isinstance(results, list) or not all(isinstance(r, dict) and "rule" in r for r in results):
        hint = "write one with `annexa check PATH --format json -o baseline.json`"
        raise FactsError([Diagnostic(path, None, "the baseline is not an annexa JSON report", hint)])
    return report


def _gaps(report: dict) -> dict[str, dict]:
    gaps = {}
    for result in report["results"]:
        if result.get("status") in GAP_STATUSES:
            key = result.get("fingerprint") or fingerprint(
                result["rule"], result.get("control", ""), result.get("subject")
            )
            gaps[key] = result
    return gaps


def compare(report: dict, baseline: dict, source: str) -> dict:
    """Mark each gap of the report new or unchanged, and list the gaps the baseline had that are gone."""
    before, now = _gaps(baseline), _gaps(report)
    for result in report["results"]:
        if result["status"] in GAP_STATUSES:
            result["baseline_state"] = "unchanged" if result["fingerprint"] in before else "new"
    fixed = [
        {"rule": r["rule"], "control": r.get("control"), "subject": r.get("subject"), "fingerprint": key}
        for key, r in sorted(before.items(), key=lambda item: (item[1]["rule"], str(item[1].get("subject"))))
        if key not in now
    ]
    new = [r for key, r in now.items() if key not in before]
    return {
        "source": source,
        "as_of": baseline.get("as_of"),
        "new": len(new),
        "unchanged": len(now) - len(new),
        "fixed": fixed,
    }
