"""Browsing: `annexa controls` and `annexa explain ID`."""

from __future__ import annotations

import json

import yaml

from annexa.engine.explain import DESCRIBERS
from annexa.engine.operators import OPERATORS

from conftest import FIXTURES


def test_every_operator_has_plain_words():
    assert set(DESCRIBERS) == set(OPERATORS)


def test_controls_lists_the_whole_catalog_with_rule_counts(cli):
    result = cli("controls", "--format", "json")
    assert result.exit_code == 0
    listed = json.loads(result.stdout)
    controls = [e for e in listed if e["kind"] == "control"]
    clauses = [e for e in listed if e["kind"] == "clause"]
    assert len(controls) == 38 and len(clauses) == 43
    by_id = {e["id"]: e for e in listed}
    assert by_id["A.2.2"]["title"] == "AI policy"
    assert "a2.2-policy-approved" in by_id["A.2.2"]["rules"]
    table = cli("controls").stdout
    assert "A.10.4" in table and "Customers" in table


def test_explain_a_control_shows_its_rules_in_plain_words(cli):
    result = cli("explain", "A.2.4")
    assert result.exit_code == 0
    assert result.stdout.startswith("A.2.4 — Review of the AI policy (Annex A control, group A.2")
    assert "a2.4-policy-reviewed — The AI policy has been reviewed within its planned interval" in result.stdout
    assert (
        "`documents.ai_policy.last_reviewed` is no older than `documents.ai_policy.review_interval_days` days"
        in result.stdout
    )
    assert "requires:    a2.2-policy-approved" in result.stdout


def test_explain_a_rule_shows_its_dependencies_both_ways(cli):
    result = cli("explain", "a2.2-policy-approved")
    assert result.exit_code == 0
    assert "required by: 5.2-policy-communicated, 5.2-policy-top-management" in result.stdout
    assert "defined at:  <built-in>/core.yaml:" in result.stdout


def test_explain_an_unknown_id_is_an_error_with_a_hint(cli):
    result = cli("explain", "A.2.44")
    assert result.exit_code == 2
    assert "no control, clause or rule has this id (did you mean `A.2.4`?)" in result.stderr


def test_explain_annex_c_ids_and_groups(cli):
    objective = cli("explain", "C.2.5")
    assert objective.exit_code == 0
    assert objective.stdout.startswith("C.2.5 — Fairness (Annex A objective)".replace("Annex A", "Annex C"))
    assert "served by" in objective.stdout
    group = cli("explain", "A.5")
    assert group.exit_code == 0 and "A.5.2  AI system impact assessment process" in group.stdout


def test_dash_writes_to_standard_output_and_an_empty_name_is_refused(cli, tmp_path):
    from conftest import FIXTURES

    result = cli("check", FIXTURES / "northwind-ai", "--as-of", "2026-11-28", "-o", "-")
    assert "Northwind Analytics" in result.stdout
    assert not (tmp_path / "-").exists()
    empty = cli("check", FIXTURES / "northwind-ai", "-o", "")
    assert empty.exit_code == 2 and "`-o` needs a file name" in empty.stderr


DOCUMENT_PACK = """\
- id: policy-sections
  control: A.2.2
  title: The policy has its sections
  severity: major
  check: {document: {path: documents.ai_policy, fields: [owner], headings: [Purpose, Scope]}}
  remediation: Write them.
- id: policy-reviewed
  control: A.2.4
  title: The policy was reviewed
  severity: minor
  requires: [policy-sections]
  check: {within_days: {path: documents.ai_policy.last_reviewed, days: 365}}
  remediation: Review it.
- id: model-cards
  control: A.6.2.7
  title: Each system has a model card
  severity: minor
  for_each: {in: ai_systems, as: system}
  check: {document: {path: system.technical_documentation, headings: [Limitations]}}
  remediation: Write one.
- id: model-cards-approved
  control: A.6.2.7
  title: Each model card was approved in the last year
  severity: minor
  for_each: {in: ai_systems, as: system}
  check: {within_days: {path: system.technical_documentation.approved_on, days: 365}}
  remediation: Approve it.
"""


def test_documents_lists_what_the_rules_read_named_documents_first(cli, make_pack):
    pack = make_pack(DOCUMENT_PACK)
    result = cli("documents", "--format", "json", "--rules", pack, "--no-builtin-rules")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [
        {
            "document": "documents.ai_policy",
            "named": True,
            "fields": ["owner", "last_reviewed"],
            "headings": ["Purpose", "Scope"],
            "rules": ["policy-sections", "policy-reviewed"],
        },
        {
            "document": "system.technical_documentation",
            "named": False,
            "fields": ["approved_on"],
            "headings": ["Limitations"],
            "rules": ["model-cards", "model-cards-approved"],
        },
    ]
    table = cli("documents", "--rules", pack, "--no-builtin-rules").stdout
    assert "documents.ai_policy" in table and "Limitations" in table


def test_every_named_document_the_builtin_rules_read_is_declared_by_the_mature_sample(cli):
    listed = json.loads(cli("documents", "--format", "json").stdout)
    named = {d["document"].removeprefix("documents.") for d in listed if d["named"]}
    assert len(named) >= 20
    manifest = yaml.safe_load((FIXTURES / "northwind-ai" / "aims.yaml").read_text(encoding="utf-8"))
    assert named <= set(manifest["documents"]), named - set(manifest["documents"])


def test_explain_uses_a_patterns_plain_words_where_the_rule_gives_them(cli, make_pack):
    pack = make_pack(
        """\
        - id: policy-named
          control: A.2.2
          title: The policy says it is about AI
          severity: minor
          check:
            matches: {path: documents.ai_policy.title, pattern: "(?i)\\\\bAI\\\\b", means: a title that mentions AI}
          remediation: Say so.
        """
    )
    text = cli("explain", "policy-named", "--rules", pack, "--no-builtin-rules").stdout
    assert "`documents.ai_policy.title` is a title that mentions AI" in text
    assert "(?i)" not in text
