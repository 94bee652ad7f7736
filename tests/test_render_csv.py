"""The CSV report: one row per result, read back by csv.reader, and no cell a spreadsheet would evaluate."""

from __future__ import annotations

import copy
import csv
import io
import json

import pytest

from annexa.engine import api
from annexa.engine.render_csv import render_csv

from conftest import AI_SYSTEMS, FIXTURES, MANIFEST, report_of

HEADER = ["group", "control", "rule", "subject", "status", "severity", "reason", "remediation", "location"]
FORMULAS = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)", "\tfoo", "\rfoo", "=1+1\r\n=2", "  =1+1"]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n")  # a carriage return is written as a line feed


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def assert_no_formula(rows: list[list[str]]) -> None:
    for row in rows:
        for value in row:
            assert not value.lstrip(" ").startswith(DANGEROUS), value


def rule(n: int, remediation: str) -> str:
    return f"""\
- id: t.rule-{n}
  control: A.3.2
  title: Rule {n}
  severity: minor
  for_each: {{in: ai_systems, as: system}}
  check: {{equals: {{path: system.owner, value: Alice}}}}
  remediation: {json.dumps(remediation)}
"""


def test_one_row_per_result_with_a_header_in_report_order():
    report = report_of(FIXTURES / "harbor-logistics")
    rows = read(render_csv(report))
    assert rows[0] == HEADER
    assert len(rows) == 1 + len(report["results"])
    groups = {c["id"]: c["group"] for c in report["controls"]}
    rules = {r["id"]: r for r in report["rules"]}
    for row, result in zip(rows[1:], report["results"], strict=True):
        assert dict(zip(HEADER, row, strict=True)) == {
            "group": groups[result["control"]],
            "control": result["control"],
            "rule": result["rule"],
            "subject": result["subject"] or "",
            "status": result["status"],
            "severity": result["severity"],
            "reason": result["reason"],
            "remediation": rules[result["rule"]]["remediation"],
            "location": f"{result['location']['file']}:{result['location']['line']}",
        }


def test_facts_and_rule_text_starting_a_formula_are_neutralized(make_repo, make_pack):
    """Facts with formula characters (in reasons) and rule text starting with them (in remediations)."""
    systems = AI_SYSTEMS.replace("owner: Bob", f"owner: {json.dumps(FORMULAS[0])}")
    repo = make_repo(
        {
            "aims.yaml": MANIFEST.replace("name: Test Org", "name: '@SUM(1)'"),
            "registers/ai-systems.yaml": systems,
        }
    )
    pack = make_pack("".join(rule(n, text) for n, text in enumerate(FORMULAS)))
    report = report_of(repo, [pack], builtin=False)
    rows = read(render_csv(report))
    assert len(rows) == 1 + 2 * len(FORMULAS)
    assert_no_formula(rows)
    remediations = [row[7] for row in rows[1::2]]
    assert remediations == [
        "'=cmd|' /C calc'!A0",
        "'+1",
        "'-1",
        "'@SUM(1)",
        "'\tfoo",
        "'\nfoo",
        "'=1+1\n=2",
        "'  =1+1",
    ]
    failing = rows[2]
    assert failing[4] == "fail" and "=cmd|' /C calc'!A0" in failing[6]


@pytest.mark.parametrize("payload", FORMULAS)
def test_no_cell_of_any_column_starts_a_formula(payload):
    """Every text the CSV takes from the report, set to a formula, comes back neutralized."""
    report = copy.deepcopy(report_of(FIXTURES / "northwind-ai"))
    report["controls"] = [{**c, "id": payload, "group": payload} for c in report["controls"]]
    for result in report["results"]:
        for key in ("control", "rule", "subject", "status", "severity", "reason"):
            result[key] = payload
        result["location"] = {"file": payload, "line": 1}
    report["rules"] = [{**rule, "id": payload, "remediation": payload} for rule in report["rules"]]
    rows = read(render_csv(report))
    assert_no_formula(rows)
    expected = "'" + payload.replace("\r\n", "\n").replace("\r", "\n")
    assert rows[1][:8] == [expected] * 8
    assert rows[1][8] == f"{expected}:1"


def test_quotes_commas_line_breaks_and_unicode_survive_the_round_trip(make_repo):
    report = copy.deepcopy(report_of(make_repo()))
    text = 'Zürich, "quoted" — ✓\nsecond line\r\nthird\rfourth'
    report["results"][0]["reason"] = text
    rows = read(render_csv(report))
    assert rows[1][6] == 'Zürich, "quoted" — ✓\nsecond line\nthird\nfourth'
    assert render_csv(report).encode("utf-8").decode("utf-8") == render_csv(report)


def test_control_characters_are_shown_not_sent(make_repo):
    report = copy.deepcopy(report_of(make_repo()))
    report["results"][0]["reason"] = "\x1b]0;owned\x07 tab\tkept"
    text = render_csv(report)
    assert "\x1b" not in text and "\x07" not in text
    assert read(text)[1][6] == "\\x1b]0;owned\\x07 tab\tkept"


def test_organization_wide_results_have_an_empty_subject():
    report = report_of(FIXTURES / "harbor-logistics")
    rows = read(render_csv(report))
    assert [row[3] for row in rows[1:]] == [r["subject"] or "" for r in report["results"]]
    assert "" in [row[3] for row in rows[1:]]


def test_the_same_report_gives_the_same_bytes_even_after_a_json_round_trip():
    report = report_of(FIXTURES / "northwind-ai")
    text = render_csv(report)
    assert render_csv(report) == text
    assert render_csv(json.loads(api.to_json(report))) == text
    assert text.endswith("\r\n") and "\r" not in text.replace("\r\n", "")  # CRLF rows; no CR inside a cell
