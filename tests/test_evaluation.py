"""Statuses and roll-up: what pass, fail, blocked, not_applicable and waived mean."""

from __future__ import annotations

import pytest

from annexa.engine import api
from annexa.engine.rollup import roll_up

from conftest import AS_OF, MANIFEST, OWNER_IS_ALICE_RULE

POLICY_RULES = """\
- id: policy-approved
  control: A.2.2
  title: The AI policy is approved
  severity: major
  check: {equals: {path: documents.ai_policy.status, value: approved}}
  remediation: Approve it.
- id: policy-reviewed
  control: A.2.4
  title: The AI policy is reviewed
  severity: minor
  requires: [policy-approved]
  check: {within_days: {path: documents.ai_policy.last_reviewed, days: 365}}
  remediation: Review it.
"""

PER_SYSTEM_RULES = (
    OWNER_IS_ALICE_RULE
    + """\
- id: system-changed
  control: A.6.2.2
  title: Each AI system records its last change
  severity: minor
  requires: [system-owner]
  for_each: {in: ai_systems, as: system}
  check: {exists: system.last_significant_change}
  remediation: Record it.
"""
)

DRAFT_POLICY = "---\nowner: Alice\nstatus: draft\nlast_reviewed: 2026-01-15\n---\n# Purpose\n"


def run(repo, pack):
    return api.check(repo, AS_OF, [pack], builtin_rules=False)


def by_key(evaluation):
    return {(r.rule.id, r.subject): r for r in evaluation.results}


def with_registers(extra: str) -> str:
    return MANIFEST.replace("registers:\n", f"registers:\n{extra}")


def test_passing_rule_reason_names_the_fact_and_its_line(make_repo, make_pack):
    results = by_key(run(make_repo(), make_pack(POLICY_RULES)))
    approved = results[("policy-approved", None)]
    assert approved.status == "pass"
    assert "`documents.ai_policy.status` equals `approved`" in approved.reason
    assert "docs/ai-policy.md:7" in approved.reason


def test_a_failed_prerequisite_blocks_its_dependent_and_is_reported_once(make_repo, make_pack):
    repo = make_repo({"docs/ai-policy.md": DRAFT_POLICY})
    evaluation = run(repo, make_pack(POLICY_RULES))
    results = by_key(evaluation)
    assert results[("policy-approved", None)].status == "fail"
    blocked = results[("policy-reviewed", None)]
    assert blocked.status == "blocked"
    assert "requires `policy-approved`" in blocked.reason and "fails" in blocked.reason
    assert blocked.root_cause == "policy-approved"
    assert [r.status for r in evaluation.results].count("fail") == 1
    assert blocked.trace.location is not None  # points at the fact behind the root cause


def test_blocking_is_per_subject(make_repo, make_pack):
    results = by_key(run(make_repo(), make_pack(PER_SYSTEM_RULES)))
    assert results[("system-owner", "sys-a")].status == "pass"
    assert results[("system-owner", "sys-b")].status == "fail"
    assert (
        "`system.owner` is not `Alice`: found `Bob` (registers/ai-systems.yaml:9)"
        in results[("system-owner", "sys-b")].reason
    )
    assert results[("system-changed", "sys-a")].status == "pass"
    assert results[("system-changed", "sys-b")].status == "blocked"
    assert "for `sys-b`" in results[("system-changed", "sys-b")].reason


def test_blocked_chains_name_the_root_cause(make_repo, make_pack):
    pack = make_pack(
        POLICY_RULES
        + """\
- id: policy-third
  control: A.2.3
  title: Third in the chain
  severity: observation
  requires: [policy-reviewed]
  check: {exists: documents.ai_policy.owner}
  remediation: Do it.
"""
    )
    results = by_key(run(make_repo({"docs/ai-policy.md": DRAFT_POLICY}), pack))
    third = results[("policy-third", None)]
    assert third.status == "blocked"
    assert "blocked by `policy-approved`" in third.reason
    assert third.root_cause == "policy-approved"


def test_organization_roles_decide_applicability(make_repo, make_pack):
    pack = make_pack(
        """\
- id: authority-only
  control: A.8.3
  title: Only for authorities
  severity: minor
  applies: {roles: [authority]}
  check: {exists: organization.name}
  remediation: None.
"""
    )
    result = run(make_repo(), pack).results[0]
    assert result.status == "not_applicable"
    assert "applies to authority; the organization is customer, producer, provider (aims.yaml:6)" in result.reason


def test_system_roles_and_scope_decide_per_subject_applicability(make_repo, make_pack):
    pack = make_pack(
        """\
- id: producer-only
  control: A.6.2.3
  title: Producers document design
  severity: minor
  applies: {roles: [producer]}
  for_each: {in: ai_systems, as: system}
  check: {exists: system.owner}
  remediation: Document it.
"""
    )
    results = by_key(run(make_repo(), pack))
    assert results[("producer-only", "sys-a")].status == "pass"
    assert results[("producer-only", "sys-b")].status == "not_applicable"
    assert "for `sys-b` the organization is customer (aims.yaml:8)" in results[("producer-only", "sys-b")].reason

    scoped = MANIFEST.replace(
        "  statement: All AI systems of Test Org.\n", "  statement: Only A.\n  systems: [sys-a]\n"
    )
    results = by_key(run(make_repo({"aims.yaml": scoped}, name="scoped"), pack))
    assert results[("producer-only", "sys-b")].status == "not_applicable"
    assert "outside the AIMS scope" in results[("producer-only", "sys-b")].reason


SOA = """\
soa:
  - control: A.2.2
    applicable: false
    justification: {justification}
"""


def test_a_justified_exclusion_makes_the_control_not_applicable_and_quotes_why(make_repo, make_pack):
    repo = make_repo(
        {
            "aims.yaml": with_registers("  soa: registers/soa.yaml\n"),
            "registers/soa.yaml": SOA.format(
                justification="We publish no AI policy of our own; the group policy applies."
            ),
            "docs/ai-policy.md": DRAFT_POLICY,
        }
    )
    results = by_key(run(repo, make_pack(POLICY_RULES)))
    excluded = results[("policy-approved", None)]
    assert excluded.status == "not_applicable"
    assert "“We publish no AI policy of our own; the group policy applies.”" in excluded.reason
    assert "registers/soa.yaml:2" in excluded.reason


@pytest.mark.parametrize("justification", ['"  "', "TBD", '"n/a"', "'-'", "To be decided."])
def test_an_exclusion_without_justification_excludes_nothing_and_is_itself_a_fail(make_repo, make_pack, justification):
    files = {
        "aims.yaml": with_registers("  soa: registers/soa.yaml\n"),
        "registers/soa.yaml": SOA.format(justification=justification),
        "docs/ai-policy.md": DRAFT_POLICY,
    }
    results = by_key(run(make_repo(files), make_pack(POLICY_RULES)))
    judged = results[("policy-approved", None)]
    assert judged.status == "fail"  # judged as if applicable: the real gap stays visible
    assert "`documents.ai_policy.status` is not `approved`" in judged.reason

    builtin = by_key(api.check(make_repo(files, name="builtin"), AS_OF))
    soa_rule = builtin[("6.1.3-soa-exclusions-justified", "A.2.2")]  # one result per exclusion
    assert soa_rule.status == "fail"
    assert "registers/soa.yaml:4" in soa_rule.reason


WAIVERS = """\
waivers:
  - id: wv-1
    rule: {rule}
    owner: Alice
    approved_by: Carol
    justification: Policy approval is scheduled for the January board.
    expires_on: {expires}
"""


@pytest.mark.parametrize(
    ("expires", "status", "words"),
    [
        ("2027-01-31", "waived", "waived by `wv-1` until 2027-01-31 (owner Alice, approved by Carol): Policy approval"),
        ("2026-11-28", "waived", "waived by `wv-1` until 2026-11-28"),
        ("2026-11-27", "fail", "waiver `wv-1` expired on 2026-11-27 (registers/waivers.yaml:2)"),
    ],
)
def test_waivers_cover_fails_until_they_expire(make_repo, make_pack, expires, status, words):
    repo = make_repo(
        {
            "aims.yaml": with_registers("  waivers: registers/waivers.yaml\n"),
            "registers/waivers.yaml": WAIVERS.format(rule="policy-approved", expires=expires),
            "docs/ai-policy.md": DRAFT_POLICY,
        }
    )
    evaluation = run(repo, make_pack(POLICY_RULES))
    result = by_key(evaluation)[("policy-approved", None)]
    assert result.status == status
    assert words in result.reason
    assert "`documents.ai_policy.status` is not `approved`" in result.reason  # the underlying gap stays visible
    assert evaluation.waiver_notes == []


def test_a_waiver_never_turns_a_pass_into_anything_else_and_is_reported_unused(make_repo, make_pack):
    repo = make_repo(
        {
            "aims.yaml": with_registers("  waivers: registers/waivers.yaml\n"),
            "registers/waivers.yaml": WAIVERS.format(rule="policy-approved", expires="2027-01-31"),
        }
    )
    evaluation = run(repo, make_pack(POLICY_RULES))
    assert by_key(evaluation)[("policy-approved", None)].status == "pass"
    assert [n.note for n in evaluation.waiver_notes] == [
        "waiver `wv-1` for `policy-approved` covers nothing: no result of it fails"
    ]


def test_a_waiver_that_matches_no_rule_is_reported(make_repo, make_pack):
    repo = make_repo(
        {
            "aims.yaml": with_registers("  waivers: registers/waivers.yaml\n"),
            "registers/waivers.yaml": WAIVERS.format(rule="policy-aproved", expires="2027-01-31"),
        }
    )
    notes = run(repo, make_pack(POLICY_RULES)).waiver_notes
    assert len(notes) == 1
    assert "names `policy-aproved`, which matches no loaded rule" in notes[0].note
    assert str(notes[0].location) == "registers/waivers.yaml:2"


def test_a_waiver_for_one_subject_covers_only_that_subject(make_repo, make_pack):
    waivers = WAIVERS.format(rule="system-owner", expires="2027-01-31") + "    subject: sys-b\n"
    repo = make_repo(
        {"aims.yaml": with_registers("  waivers: registers/waivers.yaml\n"), "registers/waivers.yaml": waivers}
    )
    results = by_key(run(repo, make_pack(PER_SYSTEM_RULES)))
    assert results[("system-owner", "sys-b")].status == "waived"
    assert results[("system-owner", "sys-a")].status == "pass"
    assert results[("system-changed", "sys-b")].status == "blocked"  # a waived gap is still not evidence


def test_for_each_over_nothing_fails_saying_nothing_was_recorded(make_repo, make_pack):
    pack = make_pack(
        """\
- id: each-risk
  control: 6.1.2
  title: Every risk has an owner
  severity: major
  for_each: {in: risks, as: risk}
  check: {exists: risk.owner}
  remediation: Keep a risk register.
"""
    )
    result = run(make_repo(), pack).results[0]
    assert result.status == "fail"
    assert "nothing recorded: register `risks` is not declared in aims.yaml (aims.yaml:9)" in result.reason
    assert result.subject is None


def test_for_each_may_allow_an_empty_collection_as_not_applicable(make_repo, make_pack):
    pack = make_pack(
        """\
- id: each-incident
  control: A.8.4
  title: Every incident was communicated
  severity: major
  for_each: {in: incidents, as: incident, allow_empty: true}
  check: {exists: incident.communicated}
  remediation: Communicate incidents.
"""
    )
    declared = {
        "aims.yaml": with_registers("  incidents: registers/incidents.yaml\n"),
        "registers/incidents.yaml": "incidents: []\n",
    }
    result = run(make_repo(declared), pack).results[0]
    assert result.status == "not_applicable"
    assert "nothing to check: no entries in `incidents` (registers/incidents.yaml:1)" in result.reason

    undeclared = run(make_repo(name="undeclared"), pack).results[
        0
    ]  # missing is not empty: allow_empty does not cover it
    assert undeclared.status == "fail"
    assert "nothing recorded: register `incidents` is not declared in aims.yaml" in undeclared.reason


def test_roll_up_of_controls_and_parents(make_repo, make_pack):
    evaluation = run(make_repo(), make_pack(PER_SYSTEM_RULES + POLICY_RULES))
    controls = {c.id: c for c in roll_up(evaluation)}
    assert controls["A.2.2"].status == "implemented"
    assert controls["A.3.2"].status == "partial"  # sys-a passes, sys-b fails
    assert "system-owner [sys-b]" in controls["A.3.2"].reason
    assert controls["A.6.2.2"].status == "partial"  # one pass, one blocked
    assert controls["A.9.2"].status == "not_assessed"
    assert controls["5"].status == "not_assessed"

    failing = run(make_repo({"docs/ai-policy.md": DRAFT_POLICY}, name="draft"), make_pack(POLICY_RULES, name="p2"))
    controls = {c.id: c for c in roll_up(failing)}
    assert controls["A.2.2"].status == "not_implemented"
    assert controls["A.2.4"].status == "not_implemented"  # blocked only


def test_every_result_of_the_fixtures_has_a_status_a_reason_and_a_located_trace():
    from conftest import FIXTURES

    for fixture in sorted(p for p in FIXTURES.iterdir() if (p / "aims.yaml").is_file()):
        report = api.build_report(api.check(fixture, AS_OF))
        assert report["results"], fixture
        for result in report["results"]:
            assert result["status"] in api.STATUSES
            assert result["reason"]
            assert result["trace"]["op"]
            assert result["locations"], (fixture.name, result["rule"], result["subject"])
            for location in result["locations"]:
                assert (fixture / location["file"]).is_file()
                assert location["line"] >= 1


def test_a_rule_replacing_a_built_in_one_is_recorded_in_the_report(make_repo, make_pack, cli):
    builtin = api.load_rules()
    original = builtin.rules["a2.2-policy-approved"]
    pack = make_pack(
        """\
- id: a2.2-policy-approved
  control: A.2.2
  title: Weaker approval rule
  severity: observation
  check: {exists: documents.ai_policy.owner}
  remediation: Approve it.
"""
    )
    report = api.build_report(api.check(make_repo(), AS_OF, [pack]))
    (override,) = report["rule_overrides"]
    assert override["rule"] == "a2.2-policy-approved"
    assert override["source"] == f"{(pack / 'pack.yaml').as_posix()}:4"
    assert override["replaces"] == f"{original.source}:{original.line}"
    result = cli("check", make_repo(name="cli"), "--as-of", "2026-11-28", "--rules", pack, "--format", "json")
    assert "annexa: note: rule `a2.2-policy-approved`" in result.stderr and "replaces the one at" in result.stderr


def test_a_rules_directory_without_packs_is_an_error(make_repo, tmp_path, cli):
    empty = tmp_path / "empty-rules"
    empty.mkdir()
    result = cli("check", make_repo(), "--rules", empty)
    assert result.exit_code == 2
    assert "rules directory holds no rule packs" in result.stderr and str(empty) in result.stderr
