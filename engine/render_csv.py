"""The CSV report: one row per result, with a header, for a spreadsheet or a script.

Columns: group, control, rule, subject, status, severity, reason,
remediation, location (the file:line of the fact behind the finding). The
text is meant to be written as UTF-8; rows end in CRLF (RFC 4180) and cells
holding a line break, a comma or a quote are quoted by the csv module.

A spreadsheet treats a cell starting with `=`, `+`, `-` or `@` (and, in some,
a tab or a carriage return) as a formula, and facts are written by people
who are not the ones opening the file: such cells, and those starting with
a line break or with spaces before any of these, get a leading `'`, the
usual neutralization, so they are shown as text and never evaluated. Line
breaks are normalized to `\\n` and other control characters are written as
`\\xNN`, so no fact can drive a terminal the CSV is printed on either.
"""

from __future__ import annotations

import csv
import io
import re

from .errors import safe_lines
from .report import rules_by_id

HEADER = ("group", "control", "rule", "subject", "status", "severity", "reason", "remediation", "location")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")

_LINE_BREAKS = re.compile(r"\r\n?")


def cell(value: object) -> str:
    """One cell's text: line breaks as `\\n`, control characters escaped, formulas neutralized."""
    text = "" if value is None else safe_lines(_LINE_BREAKS.sub("\n", str(value)))
    return f"'{text}" if text.lstrip(" ").startswith(FORMULA_STARTS) else text


def render_csv(report: dict) -> str:
    """The results as CSV text (a header, then one row per result in report order)."""
    groups = {c["id"]: c["group"] for c in report["controls"]}
    rules = rules_by_id(report)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180, as the SoA's CSV
    writer.writerow(HEADER)
    for r in report["results"]:
        location = r["location"]
        row = (
            groups.get(r["control"], ""),
            r["control"],
            r["rule"],
            r["subject"],
            r["status"],
            r["severity"],
            r["reason"],
            rules[r["rule"]]["remediation"],
            f"{location['file']}:{location['line']}",
        )
        writer.writerow([cell(v) for v in row])
    return out.getvalue()
