"""The Statement of Applicability: each Annex A control once, whether it applies and why, in three formats."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil

import pytest

from annexa.engine import api
from annexa.engine.catalog import load_catalog
from annexa.engine.soa import build_soa, render_soa

from conftest import AS_OF, FIXTURES, MANIFEST

ANNEX_A = [e.id for e in sorted(load_catalog().entries.values(), key=lambda e: e.order) if e.kind == "control"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def soa_of(path, **kwargs) -> dict:
    return build_soa(api.check(path, AS_OF, **kwargs))


def by_id(soa: dict) -> dict[str, dict]:
    return {c["id"]: c for c in soa["controls"]}


def markdown_rows(text: str) -> list[list[str]]:
    """The body rows of every table: cells split at pipes that are not escaped."""
    rows = []
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("| Control |"):
            cells = re.split(r"(?<!\\)\|", line)
            rows.append([c.strip() for c in cells[1:-1]])
    return rows


@pytest.fixture(scope="module")
def northwind() -> dict:
    return soa_of(FIXTURES / "northwind-ai")


@pytest.fixture(scope="module")
def harbor() -> dict:
    return soa_of(FIXTURES / "harbor-logistics")


# -- semantics -----------------------------------------------------------------


def test_catalog_has_38_annex_a_controls():
    assert len(ANNEX_A) == 38


def test_justified_exclusion_is_recorded_and_not_applicable(northwind):
    control = by_id(northwind)["A.10.4"]
    assert control["applicable"] is False
    assert control["justification_source"] == "recorded"
    assert control["justification"].startswith("Northwind makes no AI system or AI service available")
    assert control["justification_locations"] == ["registers/soa.yaml:29"]  # the `justification:` key
    assert control["soa_entry"]["location"] == "registers/soa.yaml:27"
    assert control["soa_entry"]["decided_by"] == "Priya Raman"
    assert control["soa_entry"]["decided_on"] == "2025-10-14"
    assert control["flag"] is None
    assert northwind["summary"]["excluded"] == 1
    assert northwind["summary"]["flagged"] == 0


def test_exclusion_without_justification_is_flagged_and_applicable(harbor):
    control = by_id(harbor)["A.6.2.8"]
    assert control["applicable"] is True
    assert control["flag"] is not None
    assert "registers/soa.yaml:41" in control["flag"]
    assert "treated as applicable" in control["flag"]
    assert control["justification_source"] == "derived"
    assert control["justification"].startswith("derived: ")
    assert harbor["summary"]["flagged"] == 1
    flagged = [c["id"] for c in harbor["controls"] if c["flag"]]
    assert flagged == ["A.6.2.8"]


def test_a_placeholder_justification_is_flagged_and_named(tmp_path):
    repo = shutil.copytree(FIXTURES / "harbor-logistics", tmp_path / "harbor")
    register = repo / "registers" / "soa.yaml"
    text = register.read_text(encoding="utf-8")
    marker = "  - control: A.6.2.8\n    applicable: false\n"
    assert marker in text
    register.write_text(text.replace(marker, marker + "    justification: TBD\n"), encoding="utf-8")
    control = by_id(soa_of(repo))["A.6.2.8"]
    assert control["applicable"] is True
    assert "with only the placeholder “TBD” as justification (registers/soa.yaml:41)" in control["flag"]
    assert control["justification_source"] == "derived"


def test_harbor_recorded_exclusions(harbor):
    recorded = [c["id"] for c in harbor["controls"] if not c["applicable"] and c["justification_source"] == "recorded"]
    assert recorded == ["A.6.1.2", "A.6.1.3", "A.6.2.2", "A.6.2.3", "A.6.2.4", "A.6.2.7", "A.7.2"]
    derived = [c for c in harbor["controls"] if not c["applicable"] and c["justification_source"] == "derived"]
    assert derived, "controls whose rules all apply to other roles are excluded by derivation"
    for control in derived:  # Harbor is only an AI customer: development-side data controls do not apply
        assert control["justification"].startswith("derived: the organization holds only the customer role"), control
    summary = harbor["summary"]
    excluded = len(recorded) + len(derived)
    assert (summary["controls"], summary["applicable"], summary["excluded"]) == (38, 38 - excluded, excluded)


def test_derived_justifications_say_so(northwind, harbor):
    for soa in (northwind, harbor):
        for control in soa["controls"]:
            derived = control["justification"].startswith("derived: ")
            assert derived == (control["justification_source"] == "derived"), control["id"]
    nobody = by_id(harbor)["A.3.2"]  # no SoA entry (Northwind records a decision for every control)
    assert nobody["justification"].startswith("derived: no exclusion is recorded")
    assert nobody["justification_locations"] == []
    assert nobody["soa_entry"] is None
    assert nobody["status"] == "not_implemented"
    included = by_id(northwind)["A.2.2"]  # recorded as applicable, without a justification
    assert included["applicable"] is True
    assert included["justification_source"] == "derived"
    assert "records it as applicable" in included["justification"]
    assert included["justification_locations"] == ["registers/soa.yaml:2"]
    assert included["soa_entry"]["implementation"] == "AI policy (docs/ai-policy.md)"
    assert by_id(harbor)["A.2.3"]["justification"] == (
        "derived: no exclusion is recorded; its rules apply to the organization's customer role"
    )
    assert by_id(northwind)["A.2.3"]["justification"] == (
        "derived: the SoA register records it as applicable; its rules apply to the organization's customer, "
        "producer and provider roles"
    )


def test_status_and_rules_come_from_the_evaluation(northwind, harbor):
    evaluation = api.check(FIXTURES / "northwind-ai", AS_OF)
    rolled = {c.id: c.status for c in api.roll_up(evaluation)}
    for control in northwind["controls"]:
        expected = rolled[control["id"]] if control["applicable"] else "not_applicable"  # excluded: not applicable
        assert control["status"] == expected
    assert by_id(northwind)["A.10.4"]["status"] == "not_applicable"
    assert by_id(northwind)["A.10.4"]["status_reason"].startswith("excluded: ")
    a53 = by_id(northwind)["A.5.3"]
    assert a53["status"] == "partial"
    rules = {r["rule"]: r["results"] for r in a53["rules"]}
    assert rules["a5.3-impact-assessment-approved"] == {"pass": 2, "not_applicable": 1, "waived": 1}
    assert by_id(harbor)["A.2.2"]["status"] == "partial"
    assert by_id(harbor)["A.6.1.2"]["status"] == "not_applicable"  # excluded, with a recorded justification


def test_evidence_is_from_passing_results_deduplicated_and_sorted(northwind, harbor):
    evaluation = api.check(FIXTURES / "harbor-logistics", AS_OF)
    expected = sorted(
        {loc for r in evaluation.results if r.rule.control == "A.5.4" and r.status == "pass" for loc in r.locations()}
    )
    a54 = by_id(harbor)["A.5.4"]
    assert a54["evidence"] == [str(loc) for loc in expected]
    assert len(a54["evidence"]) == len(set(a54["evidence"]))
    assert by_id(harbor)["A.5.2"]["evidence"] == []  # fails and blocked results are not evidence
    a22 = by_id(northwind)["A.2.2"]["evidence"]
    assert a22.index("docs/ai-policy.md:9") < a22.index("docs/ai-policy.md:25")  # lines compare as numbers


NOT_PROVIDER_PACK = """\
- id: x-provider-only
  control: A.6.2.5
  title: Deployment is planned
  severity: minor
  applies: {roles: [provider, producer]}
  check: {exists: documents.ai_policy}
  remediation: Plan the deployment.
- id: x-everyone
  control: A.2.2
  title: A policy exists
  severity: minor
  check: {exists: documents.ai_policy}
  remediation: Write it.
- id: x-per-system-producer
  control: A.7.3
  title: Data acquisition is recorded
  severity: minor
  for_each: {in: ai_systems, as: system}
  applies: {roles: [producer]}
  check: {exists: system.owner}
  remediation: Record it.
- id: x-nothing-yet
  control: A.8.4
  title: Incidents are communicated
  severity: minor
  for_each: {in: incidents, as: incident, allow_empty: true}
  check: {exists: incident.summary}
  remediation: Communicate them.
"""


def test_not_applicable_by_role_is_derived_and_excluded(make_repo, make_pack):
    manifest = MANIFEST.replace("sys-a: [provider, producer]", "sys-a: [customer]")
    repo = make_repo({"aims.yaml": manifest})
    soa = soa_of(repo, rule_dirs=[make_pack(NOT_PROVIDER_PACK)], builtin_rules=False)
    control = by_id(soa)["A.6.2.5"]
    assert control["applicable"] is False
    assert control["justification_source"] == "derived"
    assert control["justification"] == (
        "derived: the organization holds only the customer role; the rules for this control apply to producer, provider"
    )
    assert control["justification_locations"] == ["aims.yaml:6"]  # the `roles:` key
    assert control["status"] == "not_applicable"
    assert control["flag"] is None
    everyone = by_id(soa)["A.2.2"]
    assert everyone["applicable"] is True
    assert (
        everyone["justification"]
        == "derived: no exclusion is recorded; its rules apply whatever the organization's role"
    )
    assert soa["summary"]["excluded"] == 2  # A.6.2.5 and the per-system A.7.3


def test_not_applicable_by_scope_and_system_roles(make_repo, make_pack):
    manifest = (
        MANIFEST.replace("  name: Test Org\n", "  name: Test Org\n  roles: [producer]\n")
        .replace("sys-a: [provider, producer]", "sys-a: [provider]")
        .replace("  statement: All AI systems of Test Org.\n", "  statement: Only A.\n  systems: [sys-a]\n")
    )
    repo = make_repo({"aims.yaml": manifest})
    soa = soa_of(repo, rule_dirs=[make_pack(NOT_PROVIDER_PACK)], builtin_rules=False)
    control = by_id(soa)["A.7.3"]
    assert control["applicable"] is False
    assert control["justification"] == (
        "derived: for sys-a the organization holds only the provider role; sys-b is outside the AIMS scope; "
        "the rules for this control apply to producer"
    )
    assert control["justification_source"] == "derived"


def test_declared_applicable_but_judged_by_no_rule_for_the_roles_is_not_assessed(make_repo, make_pack):
    manifest = MANIFEST.replace("sys-a: [provider, producer]", "sys-a: [customer]").replace(
        "  ai_systems: registers/ai-systems.yaml\n",
        "  ai_systems: registers/ai-systems.yaml\n  soa: registers/soa.yaml\n",
    )
    register = (
        "soa:\n  - control: A.6.2.5\n    applicable: true\n    justification: We deploy vendor models ourselves.\n"
    )
    repo = make_repo({"aims.yaml": manifest, "registers/soa.yaml": register})
    control = by_id(soa_of(repo, rule_dirs=[make_pack(NOT_PROVIDER_PACK)], builtin_rules=False))["A.6.2.5"]
    assert control["applicable"] is True
    assert control["justification_source"] == "recorded"
    assert control["status"] == "not_assessed"  # never "not applicable" beside "applicable: yes"
    assert control["status_reason"].startswith(
        "declared applicable, but no rule judges it for the organization's roles"
    )


def test_nothing_to_check_does_not_exclude(make_repo, make_pack):
    manifest = MANIFEST.replace(
        "  ai_systems: registers/ai-systems.yaml\n",
        "  ai_systems: registers/ai-systems.yaml\n  incidents: registers/incidents.yaml\n",
    )
    repo = make_repo({"aims.yaml": manifest, "registers/incidents.yaml": "incidents: []\n"})
    soa = soa_of(repo, rule_dirs=[make_pack(NOT_PROVIDER_PACK)], builtin_rules=False)
    control = by_id(soa)["A.8.4"]
    assert control["applicable"] is True
    assert control["status"] == "not_applicable"  # the roll-up's word: nothing has happened to check
    assert (
        control["justification"]
        == "derived: no exclusion is recorded; its rules apply whatever the organization's role"
    )


SOA_MANIFEST = MANIFEST.replace(
    "  ai_systems: registers/ai-systems.yaml\n", "  ai_systems: registers/ai-systems.yaml\n  soa: registers/soa.yaml\n"
)


def test_flagged_exclusion_of_a_control_not_applicable_by_role(make_repo, make_pack):
    """An unjustified exclusion excludes nothing; roles and scope still decide, and the flag stays."""
    manifest = SOA_MANIFEST.replace("sys-a: [provider, producer]", "sys-a: [customer]")
    soa_register = "soa:\n  - control: A.6.2.5\n    applicable: false\n    justification: '   '\n"
    repo = make_repo({"aims.yaml": manifest, "registers/soa.yaml": soa_register})
    soa = soa_of(repo, rule_dirs=[make_pack(NOT_PROVIDER_PACK)], builtin_rules=False)
    control = by_id(soa)["A.6.2.5"]
    assert control["flag"] is not None
    assert "follows from roles and scope" in control["flag"]
    assert control["applicable"] is False
    assert control["justification"].startswith("derived: the recorded exclusion has no justification")
    assert "the organization holds only the customer role" in control["justification"]
    assert control["justification_locations"] == ["aims.yaml:6", "registers/soa.yaml:2"]


# -- every format, every control once ---------------------------------------------


@pytest.mark.parametrize("fixture", ["northwind-ai", "harbor-logistics"])
def test_json_covers_every_control_once(fixture):
    soa = soa_of(FIXTURES / fixture)
    parsed = json.loads(render_soa(soa, "json"))
    assert [c["id"] for c in parsed["controls"]] == ANNEX_A
    assert parsed == soa
    assert parsed["summary"]["controls"] == 38
    assert parsed["summary"]["applicable"] + parsed["summary"]["excluded"] == 38
    assert parsed["summary"]["recorded"] + parsed["summary"]["derived"] == 38
    assert sum(parsed["summary"]["status"].values()) == 38
    assert parsed["organization"]["name"] in ("Northwind Analytics", "Harbor Logistics")
    assert parsed["as_of"] == AS_OF.isoformat()
    assert parsed["annexa_version"]


@pytest.mark.parametrize("fixture", ["northwind-ai", "harbor-logistics"])
def test_csv_covers_every_control_once(fixture):
    soa = soa_of(FIXTURES / fixture)
    rows = list(csv.DictReader(io.StringIO(render_soa(soa, "csv"), newline="")))
    assert [r["id"] for r in rows] == ANNEX_A
    for row, control in zip(rows, soa["controls"], strict=True):
        assert row["applicable"] == ("yes" if control["applicable"] else "no")
        assert row["justification_source"] == control["justification_source"]
        assert row["status"] == control["status"]
        assert row["evidence"] == "; ".join(control["evidence"])


@pytest.mark.parametrize("fixture", ["northwind-ai", "harbor-logistics"])
def test_markdown_covers_every_control_once(fixture):
    soa = soa_of(FIXTURES / fixture)
    text = render_soa(soa, "markdown")
    rows = markdown_rows(text)
    assert [r[0] for r in rows] == ANNEX_A
    assert all(len(r) == 8 for r in rows)
    assert f"as of: {AS_OF.isoformat()}" in text.lower()
    assert soa["organization"]["name"] in text.splitlines()[0]
    for group in soa["groups"]:
        assert f"## {group['id']} {group['title']}" in text


def test_markdown_shows_flag_and_recorded_justification(harbor):
    text = render_soa(harbor, "markdown")
    rows = {r[0]: r for r in markdown_rows(text)}
    assert rows["A.6.2.8"][2] == "yes (**flagged**)"
    assert "## Flagged" in text
    assert rows["A.6.1.3"][2] == "no"
    assert rows["A.6.1.3"][3] == "“No AI design or development takes place at Harbor.” (registers/soa.yaml:17)"
    assert rows["A.3.2"][3].startswith("derived: no exclusion is recorded")


def test_output_is_deterministic():
    for output_format in ("markdown", "csv", "json"):
        first = render_soa(soa_of(FIXTURES / "northwind-ai"), output_format)
        second = render_soa(soa_of(FIXTURES / "northwind-ai"), output_format)
        assert first == second


def test_unknown_format_is_refused(northwind):
    with pytest.raises(ValueError, match="unknown SoA format"):
        render_soa(northwind, "html")


# -- hostile text ---------------------------------------------------------------

HOSTILE_SOA = """\
soa:
  - control: A.10.4
    applicable: false
    justification: "=HYPERLINK(\\"http://evil.example\\",\\"click\\") | a pipe <script>alert(1)</script>"
    decided_by: "@SUM(A1:A9)"
    decided_on: 2026-01-02
  - control: A.9.2
    applicable: true
    implementation: "+1 | two\\nlines -x"
    decided_by: "-Mallory"
"""


@pytest.fixture
def hostile(make_repo) -> dict:
    repo = make_repo({"aims.yaml": SOA_MANIFEST, "registers/soa.yaml": HOSTILE_SOA})
    return soa_of(repo)


def test_csv_neutralizes_formulas(hostile):
    text = render_soa(hostile, "csv")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 39
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c.startswith(FORMULA_START)]
    table = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert table["A.10.4"]["justification"].startswith("'=HYPERLINK(")
    assert table["A.10.4"]["decided_by"] == "'@SUM(A1:A9)"
    assert table["A.9.2"]["implementation"] == "'+1 | two lines -x"
    assert table["A.9.2"]["decided_by"] == "'-Mallory"
    assert hostile["controls"][ANNEX_A.index("A.10.4")]["justification"].startswith("=HYPERLINK(")  # data unchanged


def test_markdown_keeps_pipes_and_markup_inside_cells(hostile):
    text = render_soa(hostile, "markdown")
    rows = {r[0]: r for r in markdown_rows(text)}
    assert len(rows) == 38
    assert all(len(r) == 8 for r in rows.values())
    assert "\\| a pipe" in rows["A.10.4"][3]
    assert "<script>" not in text
    assert "&lt;script>" in rows["A.10.4"][3]
    assert rows["A.9.2"][4] == "+1 \\| two lines -x"


def test_markdown_cells_survive_newlines_and_control_characters():
    soa = {
        "schema_version": "1.0.0",
        "annexa_version": "0",
        "as_of": "2026-11-28",
        "organization": {"name": "A | B\nC", "roles": []},
        "scope": {"statement": "s", "ai_systems": []},
        "summary": {
            "controls": 1,
            "applicable": 0,
            "excluded": 1,
            "flagged": 0,
            "recorded": 1,
            "derived": 0,
            "status": {"not_assessed": 1},
        },
        "groups": [{"id": "A.2", "title": "Policies"}],
        "controls": [
            {
                "id": "A.2.2",
                "title": "AI policy",
                "group": "A.2",
                "applicable": False,
                "justification": "line one\r\nline | two\nthree\x1b[31m\\",
                "justification_source": "recorded",
                "justification_locations": ["registers/soa.yaml:3"],
                "flag": None,
                "soa_entry": None,
                "status": "not_assessed",
                "status_reason": "no loaded rule covers it",
                "evidence": [],
                "rules": [],
            }
        ],
    }
    text = render_soa(soa, "markdown")
    [row] = markdown_rows(text)
    assert len(row) == 8
    assert row[3] == "“line one<br>line \\| two<br>three\\x1b[31m\\\\” (registers/soa.yaml:3)"
    assert "\x1b" not in text
    assert text.splitlines()[0] == "# Statement of Applicability: A \\| B<br>C"
