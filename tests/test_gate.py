"""The CI gate: baselines matched by fingerprint, `--fail-on new`, rules not yet in force."""

from __future__ import annotations

import json
import shutil

from annexa.engine import api
from annexa.engine.baseline import fingerprint

from conftest import AS_OF, FIXTURES


def test_a_report_compared_with_itself_has_nothing_new(tmp_path, cli):
    report = tmp_path / "main.json"
    first = cli("check", FIXTURES / "harbor-logistics", "--as-of", "2026-11-28", "--format", "json", "-o", report)
    assert first.exit_code == 1
    again = cli(
        "check", FIXTURES / "harbor-logistics", "--as-of", "2026-11-28", "--baseline", report, "--fail-on", "new"
    )
    assert again.exit_code == 0, again.stdout
    gaps = sum(
        1 for r in json.loads(report.read_text(encoding="utf-8"))["results"] if r["status"] in ("fail", "blocked")
    )
    assert gaps > 0
    assert f"against {report}: 0 new, {gaps} unchanged, 0 fixed" in again.stdout


def test_one_new_gap_fails_the_gate_and_is_named(tmp_path, cli):
    repo = shutil.copytree(FIXTURES / "northwind-ai", tmp_path / "repo")
    report = tmp_path / "main.json"
    assert cli("check", repo, "--as-of", "2026-11-28", "--format", "json", "-o", report).exit_code == 1
    policy = repo / "docs" / "ai-policy.md"
    policy.write_text(policy.read_text(encoding="utf-8").replace("status: approved", "status: draft"), encoding="utf-8")
    result = cli("check", repo, "--as-of", "2026-11-28", "--baseline", report, "--fail-on", "new")
    assert result.exit_code == 1
    assert "new: a2.2-policy-approved: " in result.stdout
    assert "`documents.ai_policy.status` is not `approved`: found `draft`" in result.stdout
    data = json.loads(cli("check", repo, "--as-of", "2026-11-28", "--baseline", report, "--format", "json").stdout)
    states = {r["rule"]: r["baseline_state"] for r in data["results"] if "baseline_state" in r}
    assert states["a2.2-policy-approved"] == "new"
    assert states["6.1.4-impact-assessment-current"] == "unchanged"


def test_fixed_gaps_are_listed(tmp_path, cli):
    repo = shutil.copytree(FIXTURES / "northwind-ai", tmp_path / "repo")
    report = tmp_path / "main.json"
    cli("check", repo, "--as-of", "2026-11-28", "--format", "json", "-o", report)
    register = repo / "registers" / "impact_assessments.yaml"  # claims triage is reassessed after its retrain
    text = register.read_text(encoding="utf-8")
    text = text.replace("assessed_on: 2025-11-10", "assessed_on: 2026-10-01")
    register.write_text(text.replace("approved_on: 2025-11-18", "approved_on: 2026-10-05"), encoding="utf-8")
    data = json.loads(cli("check", repo, "--as-of", "2026-11-28", "--baseline", report, "--format", "json").stdout)
    assert [f["rule"] for f in data["baseline"]["fixed"]] == ["6.1.4-impact-assessment-current"]
    assert data["baseline"]["new"] == 0


def test_fingerprints_do_not_depend_on_lines(tmp_path):
    repo = shutil.copytree(FIXTURES / "harbor-logistics", tmp_path / "repo")
    before = api.report(api.check(repo, AS_OF))
    register = repo / "registers" / "impact_assessments.yaml"
    register.write_text(
        "# a comment that moves every line down\n\n" + register.read_text(encoding="utf-8"), encoding="utf-8"
    )
    after = api.report(api.check(repo, AS_OF))
    assert [r["fingerprint"] for r in before["results"]] == [r["fingerprint"] for r in after["results"]]
    assert before["results"] != after["results"]  # the lines did move
    assert fingerprint("r", "A.2.2", "a") != fingerprint("r", "A.2.2", "b")


def test_the_cli_offers_exactly_the_gate_thresholds_of_the_api():
    from annexa.cli import FAIL_ON

    assert FAIL_ON == api.FAIL_ON


def test_blocks_behind_a_waived_gap_do_not_fail_the_gate(tmp_path, cli):
    repo = shutil.copytree(FIXTURES / "harbor-logistics", tmp_path / "repo")
    manifest = repo / "aims.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(
        text.replace("registers:\n", "registers:\n  waivers: registers/waivers.yaml\n", 1), encoding="utf-8"
    )
    waivers = (
        "waivers:\n  - id: wv-1\n    rule: a2.2-policy-approved\n    owner: O\n    approved_by: A\n"
        "    justification: Board approval in January.\n    expires_on: 2027-02-01\n"
    )
    (repo / "registers" / "waivers.yaml").write_text(waivers, encoding="utf-8")
    data = json.loads(cli("check", repo, "--as-of", "2026-11-28", "--format", "json").stdout)
    results = {(r["rule"], r["subject"]): r for r in data["results"]}
    assert results[("a2.2-policy-approved", None)]["status"] == "waived"
    blocked = results[("a2.4-policy-reviewed", None)]
    assert blocked["status"] == "blocked" and blocked["gating"] is False  # still reported, no longer gating


def test_a_baseline_on_another_organization_is_named_in_a_note(tmp_path, cli):
    report = tmp_path / "harbor.json"
    cli("check", FIXTURES / "harbor-logistics", "--as-of", "2026-11-28", "--format", "json", "-o", report)
    result = cli("check", FIXTURES / "northwind-ai", "--as-of", "2026-11-28", "--baseline", report)
    note = f"annexa: note: the baseline `{report}` is a report on “Harbor Logistics”, not “Northwind Analytics”"
    assert note in result.stderr
    same = cli("check", FIXTURES / "harbor-logistics", "--as-of", "2026-11-28", "--baseline", report)
    assert "is a report on" not in same.stderr


def test_fail_on_new_needs_a_baseline(cli):
    result = cli("check", FIXTURES / "northwind-ai", "--fail-on", "new")
    assert result.exit_code == 2
    assert "`--fail-on new` needs `--baseline FILE`" in result.stderr


def test_a_baseline_that_is_not_a_report_is_bad_input(tmp_path, cli):
    bad = tmp_path / "bad.json"
    bad.write_text('{"results": 3}', encoding="utf-8")
    result = cli("check", FIXTURES / "northwind-ai", "--baseline", bad)
    assert result.exit_code == 2
    assert f"{bad}: the baseline is not an annexa JSON report" in result.stderr
    bad.write_text("{not json", encoding="utf-8")
    result = cli("check", FIXTURES / "northwind-ai", "--baseline", bad)
    assert result.exit_code == 2 and f"{bad}:1: the baseline is not JSON" in result.stderr


NEW_RULE = """\
- id: policy-has-tags
  control: A.2.2
  title: The AI policy is tagged
  severity: major
  effective_on: {effective_on}
  check: {{exists: documents.ai_policy.tags}}
  remediation: Tag it.
- id: depends-on-tags
  control: A.2.3
  title: Depends on the new rule
  severity: major
  requires: [policy-has-tags]
  check: {{exists: documents.ai_policy.owner}}
  remediation: None.
"""


def test_a_rule_before_its_effective_date_warns_without_failing_the_gate(make_repo, make_pack, cli):
    repo = make_repo()
    pending = make_pack(NEW_RULE.format(effective_on="2027-01-01"), name="pending")
    result = cli("check", repo, "--as-of", "2026-11-28", "--rules", pending, "--no-builtin-rules", "--format", "json")
    assert result.exit_code == 0
    results = {r["rule"]: r for r in json.loads(result.stdout)["results"]}
    assert results["policy-has-tags"]["status"] == "fail"
    assert results["policy-has-tags"]["enforced"] is False
    assert results["policy-has-tags"]["reason"].startswith("not enforced until 2027-01-01: ")
    assert results["policy-has-tags"]["gating"] is False
    # a prerequisite not yet in force never shields its dependents: they are judged on their own
    assert results["depends-on-tags"]["status"] == "pass"

    in_force = make_pack(NEW_RULE.format(effective_on="2026-11-28"), name="in-force")
    result = cli("check", repo, "--as-of", "2026-11-28", "--rules", in_force, "--no-builtin-rules")
    assert result.exit_code == 1


def test_a_baseline_from_another_report_format_or_with_wrong_types_is_bad_input(tmp_path, cli):
    newer = tmp_path / "newer.json"
    newer.write_text('{"schema_version": "9.0.0", "results": []}', encoding="utf-8")
    result = cli("check", FIXTURES / "northwind-ai", "--baseline", newer)
    assert result.exit_code == 2 and "report format `9.0.0` is not one this annexa reads" in result.stderr
    typed = tmp_path / "typed.json"
    typed.write_text('{"schema_version": "1.0.0", "results": [{"rule": 3, "control": "A.2.2"}]}', encoding="utf-8")
    result = cli("check", FIXTURES / "northwind-ai", "--baseline", typed)
    assert result.exit_code == 2 and "is not an annexa JSON report" in result.stderr


def test_stored_fingerprints_are_recomputed_and_null_differs_from_empty(tmp_path, cli):
    report = tmp_path / "main.json"
    cli("check", FIXTURES / "harbor-logistics", "--as-of", "2026-11-28", "--format", "json", "-o", report)
    data = json.loads(report.read_text(encoding="utf-8"))
    for result in data["results"]:
        result["fingerprint"] = "0" * 32  # another annexa's hashes must not matter
    report.write_text(json.dumps(data), encoding="utf-8")
    again = cli(
        "check", FIXTURES / "harbor-logistics", "--as-of", "2026-11-28", "--baseline", report, "--fail-on", "new"
    )
    assert again.exit_code == 0
    assert fingerprint("r", "A.2.2", None) != fingerprint("r", "A.2.2", "")
