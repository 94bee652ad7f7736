"""Comparing a run with an earlier one: what is new, fixed and unchanged.

Findings are matched by a fingerprint of what they are about (rule, control,
subject), never by line numbers, so editing a register above a finding does
not make it "new". Only gaps count: fails and blocked results.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .errors import Diagnostic, FactsError, safe_text

GAP_STATUSES = ("fail", "blocked")
READABLE_MAJOR_VERSIONS = ("1", "2")  # a baseline needs only rule, control, subject and status, which both have
_HINT = "write one with `annexa check PATH --format json -o baseline.json`"


def fingerprint(rule: str, control: str, subject: str | None) -> str:
    """A stable id for a finding, the same in every report and every output format (null differs from "")."""
    text = json.dumps([rule, control, subject], ensure_ascii=False)
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
    if not isinstance(results, list) or not all(_well_formed(r) for r in results):
        raise FactsError([Diagnostic(path, None, "the baseline is not an annexa JSON report", _HINT)])
    version = str(report.get("schema_version", ""))
    if version.split(".")[0] not in READABLE_MAJOR_VERSIONS:
        message = f"the baseline's report format `{version}` is not one this annexa reads (1.x or 2.x)"
        raise FactsError([Diagnostic(path, None, message, _HINT)])
    return report


def _well_formed(result: object) -> bool:
    return (
        isinstance(result, dict)
        and isinstance(result.get("rule"), str)
        and isinstance(result.get("control"), str)
        and isinstance(result.get("subject"), (str, type(None)))
        and result.get("status") in ("pass", "fail", "blocked", "not_applicable", "waived")
    )


def _gaps(report: dict) -> dict[str, dict]:
    """Gaps by fingerprint, always recomputed: a baseline's stored hashes are not trusted."""
    return {
        fingerprint(r["rule"], r["control"], r["subject"]): r for r in report["results"] if r["status"] in GAP_STATUSES
    }


def baseline_mismatch(report: dict, baseline: dict, source: str) -> str | None:
    """A warning when the baseline is a report on another organization: every gap would look new."""
    organization = baseline.get("organization")
    theirs = organization.get("name") if isinstance(organization, dict) else None
    ours = report["organization"]["name"]
    if not isinstance(theirs, str) or theirs == ours:
        return None
    return f"the baseline `{safe_text(source)}` is a report on “{safe_text(theirs)}”, not “{safe_text(ours)}”"


def compare(report: dict, baseline: dict, source: str) -> dict:
    """Mark each gap of the report new or unchanged, and list the gaps the baseline had that are gone."""
    before, now = _gaps(baseline), _gaps(report)
    for result in report["results"]:
        if result["status"] in GAP_STATUSES:
            result["baseline_state"] = "unchanged" if result["fingerprint"] in before else "new"
    fixed = [
        {"rule": r["rule"], "control": r["control"], "subject": r["subject"], "fingerprint": key}
        for key, r in sorted(before.items(), key=lambda item: (item[1]["rule"], str(item[1]["subject"])))
        if key not in now
    ]
    new = [key for key in now if key not in before]
    as_of = baseline.get("as_of")
    return {
        "source": source,
        "as_of": as_of if isinstance(as_of, str) else None,
        "new": len(new),
        "unchanged": len(now) - len(new),
        "fixed": fixed,
    }
