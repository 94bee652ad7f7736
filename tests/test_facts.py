"""The governance-repository format: references, collected errors, provenance."""

from __future__ import annotations

import pytest

from annexa.engine import api
from annexa.engine.errors import FactsError

from conftest import AI_SYSTEMS, MANIFEST

IMPACT = """\
impact_assessments:
  - id: ia-1
    system: sys-a
    assessed_on: 2026-04-01
  - id: ia-2
    system: sys-bb
    assessed_on: 2026-04-01
"""


def load_errors(repo) -> list[str]:
    with pytest.raises(FactsError) as caught:
        api.load_facts(repo)
    return [str(d) for d in caught.value.diagnostics]


def with_registers(extra: str) -> str:
    return MANIFEST.replace("registers:\n", f"registers:\n{extra}")


def test_a_reference_to_an_unknown_system_is_an_error_with_a_hint(make_repo):
    repo = make_repo(
        {"aims.yaml": with_registers("  impact_assessments: registers/ia.yaml\n"), "registers/ia.yaml": IMPACT}
    )
    assert load_errors(repo) == [
        "registers/ia.yaml:6: `impact_assessments[1].system` names `sys-bb`, which is not in the `ai_systems` register "
        "(did you mean `sys-b`?)"
    ]


def test_a_reference_to_an_undeclared_register_says_which(make_repo):
    systems = "ai_systems:\n  - {id: sys-a, name: A, owner: O, lifecycle_stage: operation, suppliers: [acme]}\n"
    roles = MANIFEST.replace("  sys-b: [customer]\n", "")
    repo = make_repo({"aims.yaml": roles, "registers/ai-systems.yaml": systems})
    assert load_errors(repo) == [
        "registers/ai-systems.yaml:2: `ai_systems[0].suppliers[0]` names `acme` from the `suppliers` register, "
        "which aims.yaml does not declare (add `suppliers` under `registers` in aims.yaml)"
    ]


def test_soa_decisions_must_name_annex_a_controls(make_repo):
    soa = "soa:\n  - {control: A.10.44, applicable: true}\n  - {control: '5.2', applicable: false, justification: x}\n"
    repo = make_repo({"aims.yaml": with_registers("  soa: registers/soa.yaml\n"), "registers/soa.yaml": soa})
    errors = load_errors(repo)
    assert (
        "registers/soa.yaml:2: `soa[0].control` names `A.10.44`, which is not in the catalog's Annex A controls"
        in errors[0]
    )
    assert errors[1].startswith("registers/soa.yaml:3: `soa[1].control` must be an Annex A control id such as A.5.4")


def test_an_invalid_date_does_not_hide_other_errors_in_the_same_file(make_repo):
    systems = """\
ai_systems:
  - id: sys-a
    name: A
    owner: O
    lifecycle_stage: live
    deployed_on: 2026-02-30
  - id: sys-b
    name: B
    ownr: P
    lifecycle_stage: operation
"""
    errors = load_errors(make_repo({"registers/ai-systems.yaml": systems}))
    assert errors == [
        "registers/ai-systems.yaml:5: `ai_systems[0].lifecycle_stage` must be one of concept, design, development, "
        "verification, deployment, operation, retired; found `live`",
        "registers/ai-systems.yaml:6: `ai_systems[0].deployed_on` must be a date as YYYY-MM-DD, found `2026-02-30`",
        "registers/ai-systems.yaml:7: `ai_systems[1]` lacks the required key `owner`",
        "registers/ai-systems.yaml:9: unknown key `ownr` in `ai_systems[1]` (did you mean `owner`?)",
    ]


def test_register_and_document_errors_are_reported_together(make_repo):
    policy = "---\nowner: A\nstatus: final\n---\n# Purpose\n"
    systems = (
        "ai_systems:\n"
        "  - {id: sys-a, name: A, owner: O, lifecycle_stage: prod}\n"
        "  - {id: sys-b, name: B, owner: O, lifecycle_stage: operation}\n"
    )
    errors = load_errors(make_repo({"docs/ai-policy.md": policy, "registers/ai-systems.yaml": systems}))
    assert any(e.startswith("docs/ai-policy.md:3: `front_matter.status` must be one of") for e in errors), errors
    assert any(e.startswith("registers/ai-systems.yaml:2: `ai_systems[0].lifecycle_stage`") for e in errors), errors


def test_a_missing_register_file_suggests_the_file_that_exists(make_repo):
    repo = make_repo({"aims.yaml": MANIFEST.replace("registers/ai-systems.yaml", "registers/ai-system.yaml")})
    assert load_errors(repo) == [
        "aims.yaml:10: `registers/ai-system.yaml` does not exist (did you mean `ai-systems.yaml`?)"
    ]


def test_values_keep_their_file_and_line(make_repo):
    facts = api.load_facts(make_repo())
    systems = facts.registers["ai_systems"]
    assert str(systems.item_location(1)) == "registers/ai-systems.yaml:7"
    assert str(systems[1].key_location("owner")) == "registers/ai-systems.yaml:9"
    policy = facts.documents["ai_policy"]
    assert str(policy.front.key_location("approved_on")) == "docs/ai-policy.md:6"
    assert policy.headings == {"purpose": 11, "scope": 14}


def test_a_tab_in_indentation_gets_a_hint(make_repo):
    systems = "ai_systems:\n  - id: sys-a\n\tname: A\n"
    (error,) = load_errors(make_repo({"registers/ai-systems.yaml": systems}))
    assert error.startswith("registers/ai-systems.yaml:3: malformed YAML")
    assert error.endswith("(YAML does not allow tabs for indentation; use spaces)")


def test_an_unknown_key_without_a_close_match_lists_the_known_ones(make_repo):
    manifest = MANIFEST.replace("registers:\n", "registers:\n  zzz_register: registers/z.yaml\n")
    (error,) = load_errors(make_repo({"aims.yaml": manifest}))
    assert error.startswith(
        "aims.yaml:10: unknown key `zzz_register` in `aims.yaml.registers` (known keys: ai_systems,"
    )


def test_no_fact_can_start_a_line_of_its_own_in_a_ci_log(make_repo, cli):
    hostile = MANIFEST.replace("  name: Test Org\n", '  name: "Test Org\\n::error file=aims.yaml::injected"\n')
    result = cli("check", make_repo({"aims.yaml": hostile}), "--as-of", "2026-11-28")
    assert not any(line.startswith("::") for line in result.stdout.splitlines())
    systems = AI_SYSTEMS.replace("lifecycle_stage: operation", 'lifecycle_stage: "x\\n::error::injected"', 1)
    result = cli("validate", make_repo({"registers/ai-systems.yaml": systems}, name="bad"))
    assert result.exit_code == 2
    assert not any(line.startswith("::") for line in result.stderr.splitlines())
    assert "`x\\x0a::error::injected`" in result.stderr
