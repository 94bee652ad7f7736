"""The Markdown gap report: facts stay text, tables keep their shape, every gap is there with its remedy.

Table rows are split the way GitHub's parser (cmark-gfm) splits them: a `|` is a
cell delimiter unless the character right before it is a backslash.
"""

from __future__ import annotations

import copy
import json
import re

import pytest

from annexa.engine import api
from annexa.engine.render_markdown import render_markdown

from conftest import FIXTURES, PENDING_POLICY_RULE, hostile_owner_report, report_of

HOSTILE = "a | b\nc `x` \\ <script>alert(1)</script> *y* [z](http://e.test) $m$ &amp; ~s~ #h"
GAPS = ("fail", "blocked", "waived")

OWNER_RULE = """\
- id: t.owner
  control: A.3.2
  title: "Every AI system's owner is Alice | or Bob \\\\ `quoted`"
  severity: major
  evidence: ["The register names `Alice` | as the owner", "a line\\nbreak"]
  for_each: {in: ai_systems, as: system}
  check: {equals: {path: system.owner, value: Alice}}
  remediation: "Name Alice | the owner\\nof every system"
"""


def yaml_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar


@pytest.fixture
def hostile_report(make_repo, make_pack) -> dict:
    """Organization name and an owner holding `|`, a line break, backticks, a backslash and HTML."""
    return hostile_owner_report(make_repo, make_pack, HOSTILE, OWNER_RULE)


def cells(row: str) -> list[str]:
    """A table row's cells as cmark-gfm splits them (the row's outer pipes dropped)."""
    assert row.startswith("| ") and row.endswith(" |"), row
    return [c.strip() for c in re.split(r"(?<!\\)\|", row[1:-1])]


def tables(markdown: str) -> list[list[str]]:
    """Every table: runs of lines starting with `|`."""
    found: list[list[str]] = []
    run: list[str] = []
    for line in [*markdown.split("\n"), ""]:
        if line.startswith("|"):
            run.append(line)
        elif run:
            found.append(run)
            run = []
    return found


def unescape(cell: str) -> str:
    """What a cell's text renders to, when it holds no code span: GFM pipe unescaping, then CommonMark's."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", cell.replace("\\|", "|"))


def outside_code(markdown: str) -> str:
    """The text with backslash escapes and code spans removed: what could still be markup."""
    text = re.sub(r"\\[!-/:-@\[-`{-~]", "", markdown)
    return re.sub(r"(`+)(?:(?!\1).)+?\1", "", text)


def test_the_gap_report_of_a_fixture_has_title_summary_groups_and_every_gap():
    report = report_of(FIXTURES / "harbor-logistics")
    md = render_markdown(report)
    lines = md.split("\n")
    assert lines[0] == "# Harbor Logistics — ISO/IEC 42001 gap analysis as of 2026-11-28"
    summary = report["summary"]
    for label, counts in (
        ("results", summary["results"]),
        ("fails by severity", summary["fails_by_severity"]),
        ("controls and clauses", summary["controls"]),
    ):
        words = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in counts.items())
        assert f"- {label}: {words}" in lines
    groups = tables(md)[0]
    assert cells(groups[0]) == [
        "group",
        "title",
        "implemented",
        "partial",
        "not implemented",
        "not applicable",
        "not assessed",
    ]
    assert len(groups) == 2 + len(report["summary"]["groups"])
    assert cells(groups[2]) == ["A.2", "Policies related to AI", "0", "2", "1", "0", "0"]

    gaps = [r for r in report["results"] if r["status"] in GAPS]
    assert gaps
    rows = [cells(row) for table in tables(md)[1:] for row in table[2:]]
    expected = [
        (g["status"], f"`{g['rule']}`", f"`{g['subject']}`" if g["subject"] else "organization")
        for c in report["controls"]
        for g in gaps
        if g["control"] == c["id"]
    ]
    assert [(r[0], r[2], r[3]) for r in rows] == expected
    rules = {r["id"]: r for r in report["rules"]}
    for gap in gaps:
        location = f"`{gap['location']['file']}:{gap['location']['line']}`"
        assert any(row[2] == f"`{gap['rule']}`" and row[5] == location for row in rows), gap["rule"]
        own = [g for g in gaps if g["rule"] == gap["rule"]]
        if all(g["status"] == "blocked" for g in own):  # nothing judged: the root cause comes first
            assert any(line.startswith("- remediation: not judged yet; first close `") for line in lines)
            assert gap["root_cause"] in md
        else:
            assert f"- remediation: {rules[gap['rule']]['remediation']}" in lines
        for item in rules[gap["rule"]]["evidence"]:
            assert f"  - {item}" in lines
    for control in report["controls"]:
        if any(g["control"] == control["id"] for g in gaps):
            assert f"### {control['id']} {control['title']} — {control['status'].replace('_', ' ')}" in lines


def test_gaps_are_grouped_by_control_in_catalog_order_with_each_remedy_once():
    report = report_of(FIXTURES / "harbor-logistics")
    md = render_markdown(report)
    headings = [line.split(" ")[1] for line in md.split("\n") if line.startswith("### ")]
    catalog = [c["id"] for c in report["controls"]]
    assert headings == sorted(headings, key=catalog.index)
    assert set(headings) == {r["control"] for r in report["results"] if r["status"] in GAPS}
    per_system = "a5.3-impact-assessment-documented"
    assert md.count(f"`{per_system}` — ") == 1  # two subjects, one remedy


def test_a_waived_result_is_a_gap_with_its_waiver():
    report = report_of(FIXTURES / "northwind-ai")
    md = render_markdown(report)
    waived = next(r for r in report["results"] if r["status"] == "waived")
    row = next(cells(line) for line in md.split("\n") if line.startswith("| waived |"))
    assert row[2] == f"`{waived['rule']}`"
    assert "waived by `wv-2026-01` until 2027-01-31" in row[4]


@pytest.mark.parametrize("where", ["organization", "reason"])
def test_pipes_and_line_breaks_in_facts_keep_every_table_row_to_its_columns(hostile_report, where):
    md = render_markdown(hostile_report)
    for table in tables(md):
        width = len(cells(table[0]))
        assert re.fullmatch(r"\|(-{3}:?\|)+", table[1]), table[1]
        assert len(table[1].split("|")) - 2 == width
        for row in table[2:]:
            assert len(cells(row)) == width, row
    if where == "organization":
        title = md.split("\n")[0]
        assert title.startswith("# a | b c ") and title.endswith(" — ISO/IEC 42001 gap analysis as of 2026-11-28")
    else:
        row = next(cells(line) for line in md.split("\n") if line.startswith("| fail |"))
        assert row[3] == "`sys-b`"
        assert "\n" not in row[4] and "a \\| b c " in row[4]  # the line break is one space, the pipe escaped


def test_every_table_cell_renders_back_to_the_fact(make_repo):
    """A fact without backticks, escaped into a cell, unescapes to itself (line breaks as one space)."""
    fact = "a | b\nc \\ <b>bold</b> *em* _u_ [l](x) &lt; $m$ ~s~ #h \\| end"
    report = report_of(make_repo())
    report = copy.deepcopy(report)
    report["summary"]["groups"][0]["title"] = fact
    md = render_markdown(report)
    row = cells(tables(md)[0][2])
    assert len(row) == 7
    assert unescape(row[1]) == fact.replace("\n", " ")


def test_a_reason_with_line_breaks_and_pipes_in_every_cell_keeps_the_table_shape():
    report = copy.deepcopy(report_of(FIXTURES / "harbor-logistics"))
    for result in report["results"]:
        result["reason"] = f"`{HOSTILE}` and {HOSTILE}\r\nthen `\\|` | \\"
        result["location"] = {"file": "dir|x/`f`.yaml\n", "line": 3}
        result["subject"] = "s|`t`" if result["subject"] else None
    md = render_markdown(report)
    gap_tables = tables(md)[1:]
    assert gap_tables
    for table in gap_tables:
        for row in table[2:]:
            assert len(cells(row)) == 6, row
    assert "\r" not in md


def test_facts_are_never_markup(hostile_report):
    md = render_markdown(hostile_report)
    assert "<script>" in md  # quoted by the engine in backticks: a code span, which is literal
    bare = outside_code(md)
    for active in ("<", "*y*", "[z]", "$m$", "&amp;", "~s~"):
        assert active not in bare, active
    assert "\\<script\\>alert(1)\\</script\\>" in md.split("\n")[0]


def test_rule_text_keeps_its_code_spans_and_escapes_the_rest(hostile_report):
    md = render_markdown(hostile_report)
    lines = md.split("\n")
    assert "`t.owner` — Every AI system's owner is Alice | or Bob \\\\ `quoted` (major)" in lines
    assert "  - The register names `Alice` | as the owner" in lines
    assert "  - a line break" in lines
    assert "- remediation: Name Alice | the owner of every system" in lines


def test_no_gaps_says_so(make_repo, make_pack):
    pack = make_pack(
        """\
- id: t.named
  control: A.2.2
  title: The organization has a name
  severity: minor
  check: {exists: organization.name}
  remediation: Name it.
"""
    )
    md = render_markdown(report_of(make_repo(), [pack], builtin=False))
    assert "## Gaps\n\nNo gaps: every applicable result passes.\n" in md
    assert len(tables(md)) == 1


def test_control_characters_are_shown_not_sent(make_repo):
    report = copy.deepcopy(report_of(make_repo()))
    report["organization"]["name"] = "Evil\x1b[2J\x07 Corp"
    md = render_markdown(report)
    assert "\x1b" not in md and "\x07" not in md
    assert md.startswith("# Evil\\\\x1b\\[2J\\\\x07 Corp — ")


def test_the_same_report_gives_the_same_bytes_even_after_a_json_round_trip():
    report = report_of(FIXTURES / "northwind-ai")
    md = render_markdown(report)
    assert render_markdown(report) == md
    assert render_markdown(json.loads(api.to_json(report))) == md
    assert render_markdown(report_of(FIXTURES / "northwind-ai")) == md
    assert md.endswith(".\n") and not md.endswith("\n\n")


def baseline_report() -> dict:
    """Harbor Logistics against a baseline that had every gap but one, and one gap since fixed."""
    report = report_of(FIXTURES / "harbor-logistics")
    earlier = copy.deepcopy(report)
    gaps = [r for r in earlier["results"] if r["status"] in GAPS]
    gaps[0]["subject"] = "gone-since"  # its gap now is new; the baseline's is fixed
    report["baseline"] = api.compare(report, earlier, "main.json")
    return report


def test_gaps_new_since_the_baseline_are_marked_and_fixed_ones_listed():
    report = baseline_report()
    md = render_markdown(report)
    lines = md.split("\n")
    baseline = report["baseline"]
    assert baseline["new"] == 1 and len(baseline["fixed"]) == 1
    assert (
        f"- against the baseline `main.json` of 2026-11-28: 1 new, {baseline['unchanged']} unchanged, 1 fixed" in lines
    )
    new = next(r for r in report["results"] if r.get("baseline_state") == "new")
    marked = [cells(line) for line in lines if line.startswith(f"| {new['status']} (new) |")]
    assert [row[2] for row in marked] == [f"`{new['rule']}`"]
    fixed = baseline["fixed"][0]
    assert "## Fixed since the baseline" in lines
    assert any(line.startswith(f"- `{fixed['rule']}` ({fixed['control']})") for line in lines)
    assert "(new)" not in render_markdown(report_of(FIXTURES / "harbor-logistics"))


def test_a_fail_of_a_rule_not_yet_in_force_is_a_warning(make_repo, make_pack):
    md = render_markdown(report_of(make_repo(), [make_pack(PENDING_POLICY_RULE)], builtin=False))
    row = next(cells(line) for line in md.split("\n") if line.startswith("| fail"))
    assert row[0] == "fail (warning)"
    assert row[4].startswith("not enforced until 2027-01-01: ")
