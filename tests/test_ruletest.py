"""Rule tests as data (`annexa test`) and the vacuous-pass guard (`annexa test --mutate`).

The built-in suite in rules/tests/ must exercise every built-in rule both passing and
failing, and the mutation guard must find no built-in rule that passes on missing data.
The runner's own semantics are pinned on small repositories, packs and case files
written to tmp_path: each way a case can be wrong is reported with the `file:line` of
the expectation, patch or key at fault, and a pack rule that proves nothing is caught.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from annexa.engine import api
from annexa.engine.rules import builtin_rules_dir

from conftest import write_tree

BUILTIN_TESTS = builtin_rules_dir() / "tests"

# An organization's pack: one organization-wide rule and one per-system rule.
PACK = """\
- id: t.policy-owned
  control: A.2.2
  title: The AI policy has an owner
  severity: major
  check: {document: {path: documents.ai_policy, fields: [owner]}}
  remediation: Name an owner in the policy's front matter.
- id: t.changes-recorded
  control: A.6.2.6
  title: Every AI system records its last significant change
  severity: minor
  for_each: {in: ai_systems, as: system}
  check: {exists: system.last_significant_change}
  remediation: Record the date of each system's last significant change.
"""

# Exercises both rules of PACK both ways: 100 % coverage when it holds.
COVERING_CASES = """\
annexa_tests: 1
as_of: 2026-11-28
cases:
  - name: the minimal repository passes
    base: ../repo
    expect:
      - {rule: t.policy-owned, status: pass}
      - {rule: t.changes-recorded, subject: sys-a, status: pass}
  - name: an ownerless policy and an undated system fail
    base: ../repo
    patch:
      docs/ai-policy.md:
        replace: [{old: "owner: Alice\\n", new: ""}]
      registers/ai-systems.yaml:
        replace: [{old: "    last_significant_change: 2026-06-01\\n", new: ""}]
    expect:
      - rule: t.policy-owned
        status: fail
        reason: ["front matter has no `owner`", "docs/ai-policy.md:1"]
      - {rule: t.changes-recorded, subject: sys-b, status: fail, reason: ["registers/ai-systems.yaml:"]}
"""


def line_of(path: Path, marker: str) -> int:
    found = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if marker in line]
    assert len(found) == 1, f"{marker!r} should be on exactly one line of {path}, found on {found}"
    return found[0]


@pytest.fixture
def org(tmp_path: Path, make_repo, make_pack):
    """A minimal repository at tmp_path/repo, PACK, and a writer of case files beside them."""
    make_repo()
    rules = make_pack(PACK)

    def write_cases(text: str, name: str = "cases.yaml") -> Path:
        write_tree(tmp_path / "cases", {name: text})
        return tmp_path / "cases" / name

    def run(*extra: str):
        return ["test", str(tmp_path / "cases"), "--no-builtin-rules", "--rules", str(rules), *extra]

    return write_cases, run


def one_case(expect: str, patch: str = "") -> str:
    """A case file with one case on ../repo; `expect` and `patch` are YAML at the case's indentation."""
    text = "annexa_tests: 1\nas_of: 2026-11-28\ncases:\n  - name: the case\n    base: ../repo\n"
    if patch:
        text += "    patch:\n" + "".join(f"      {line}\n" for line in patch.strip("\n").split("\n"))
    return text + "    expect:\n" + "".join(f"      {line}\n" for line in expect.strip("\n").split("\n"))


# ---- (a) the built-in suite ------------------------------------------------------------------


def test_builtin_suite_covers_every_rule_and_finds_no_vacuous_rule(cli) -> None:
    count = len(api.load_rules([], builtin=True).rules)
    result = cli("test", "--mutate")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert f"coverage: {count} of {count} rules seen both passing and failing (100.0%)" in result.stdout
    assert ", failed: 0" in result.stdout
    assert "not covered" not in result.stdout
    assert "0 left a rule passing" in result.stdout
    assert "vacuous:" not in result.stdout
    assert re.search(r"mutations: [1-9]\d* tried", result.stdout), result.stdout


def test_every_builtin_fail_expectation_names_a_file_and_line() -> None:
    """A fail must say where: each asserted fail carries a fragment with `file:line`."""
    located = re.compile(r"[\w./-]+\.(ya?ml|md):\d+")
    fails = 0
    for path in sorted(BUILTIN_TESTS.glob("*.y*ml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            for expectation in case["expect"]:
                if expectation["status"] != "fail":
                    continue
                fails += 1
                assert any(located.search(f) for f in expectation.get("reason", [])), (
                    f"{path.name}: `{case['name']}`: the fail of {expectation['rule']} names no file:line"
                )
    assert fails >= len(api.load_rules([], builtin=True).rules)


def test_builtin_per_system_expectations_name_their_subject() -> None:
    """Per-system rules give one result per AI system; the suite says which one it means."""
    ruleset = api.load_rules([], builtin=True)
    per_system = {rule_id for rule_id, rule in ruleset.rules.items() if rule.for_each is not None}
    assert per_system
    for path in sorted(BUILTIN_TESTS.glob("*.y*ml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            for expectation in case["expect"]:
                if expectation["rule"] in per_system:
                    assert "subject" in expectation, f"{path.name}: `{case['name']}`: {expectation['rule']}"


# ---- (b) the runner's semantics --------------------------------------------------------------


def test_covering_cases_pass_with_full_coverage(cli, org) -> None:
    write_cases, run = org
    write_cases(COVERING_CASES)
    result = cli(*run())
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "cases: 2, failed: 0" in result.stdout
    assert "coverage: 2 of 2 rules seen both passing and failing (100.0%)" in result.stdout


def test_wrong_expected_status_names_the_expectation_and_what_happened(cli, org) -> None:
    write_cases, run = org
    cases = write_cases(one_case("- {rule: t.policy-owned, status: fail}  # expectation"))
    result = cli(*run("--min-coverage", "0"))
    assert result.exit_code == 1, result.stdout
    line = line_of(cases, "# expectation")
    assert f"FAIL the case ({cases.as_posix()}:4)" in result.stdout
    assert (
        f"{cases.as_posix()}:{line}: t.policy-owned: status is `pass`, expected `fail`; "
        "reason: `docs/ai-policy.md` exists with front matter `owner`" in result.stdout
    )
    assert "cases: 1, failed: 1" in result.stdout


def test_wrong_status_of_a_subject_names_the_subject(cli, org) -> None:
    write_cases, run = org
    cases = write_cases(one_case("- {rule: t.changes-recorded, subject: sys-b, status: fail}"))
    result = cli(*run("--min-coverage", "0"))
    assert result.exit_code == 1
    line = line_of(cases, "subject: sys-b")
    assert f"{cases.as_posix()}:{line}: t.changes-recorded [sys-b]: status is `pass`, expected `fail`" in result.stdout
    assert "`system.last_significant_change` is recorded as 2026-06-01" in result.stdout


def test_missing_reason_fragment_fails_the_case(cli, org) -> None:
    write_cases, run = org
    cases = write_cases(one_case('- {rule: t.policy-owned, status: pass, reason: ["signed by the board"]}'))
    result = cli(*run("--min-coverage", "0"))
    assert result.exit_code == 1
    line = line_of(cases, "signed by the board")
    assert f"{cases.as_posix()}:{line}: t.policy-owned: reason lacks `signed by the board`; reason: " in result.stdout
    assert "coverage: 0 of 2" in result.stdout  # an expectation that did not hold covers nothing


def test_patch_whose_old_text_does_not_occur_is_reported(cli, org) -> None:
    write_cases, run = org
    cases = write_cases(
        one_case(
            "- {rule: t.policy-owned, status: pass}",
            patch='docs/ai-policy.md:\n  replace: [{old: "status: revoked", new: "status: draft"}]',
        )
    )
    result = cli(*run("--min-coverage", "0"))
    assert result.exit_code == 1
    line = line_of(cases, "docs/ai-policy.md:")
    assert f"{cases.as_posix()}:{line}: `status: revoked` does not occur in `docs/ai-policy.md`" in result.stdout
    assert "cases: 1, failed: 1" in result.stdout


def test_deleting_a_file_that_does_not_exist_is_reported(cli, org) -> None:
    write_cases, run = org
    cases = write_cases(
        one_case("- {rule: t.policy-owned, status: pass}", patch="docs/ai-procedure.md: {delete: true}")
    )
    result = cli(*run("--min-coverage", "0"))
    assert result.exit_code == 1
    line = line_of(cases, "docs/ai-procedure.md")
    assert f"{cases.as_posix()}:{line}: cannot delete `docs/ai-procedure.md`: it does not exist" in result.stdout


def test_patch_leaving_the_repository_is_refused(cli, org, tmp_path: Path) -> None:
    write_cases, run = org
    write_cases(one_case("- {rule: t.policy-owned, status: pass}", patch='../outside.md: {content: "x"}'))
    result = cli(*run("--min-coverage", "0"))
    assert result.exit_code == 1
    assert "patch path `../outside.md` leaves the repository" in result.stdout
    assert not (tmp_path / "outside.md").exists()


# Adds a key the facts schema does not know to the first AI system.
UNKNOWN_KEY_PATCH = """\
registers/ai-systems.yaml:
  replace: [{old: "owner: Alice", new: "owner: Alice\\n    colour: red"}]
"""


def test_patched_repository_that_is_bad_input_reports_the_input_error(cli, org, tmp_path: Path) -> None:
    write_cases, run = org
    write_cases(
        one_case(
            "- {rule: t.changes-recorded, subject: sys-a, status: fail}",
            patch=UNKNOWN_KEY_PATCH,
        )
    )
    result = cli(*run("--min-coverage", "0"))
    assert result.exit_code == 1, result.stdout + result.stderr
    colour_line = line_of(tmp_path / "repo/registers/ai-systems.yaml", "owner: Alice") + 1
    assert (
        f"the patched repository is bad input: registers/ai-systems.yaml:{colour_line}: unknown key `colour`"
        in result.stdout
    )
    assert "cases: 1, failed: 1" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_ambiguous_per_subject_expectation_asks_for_a_subject(cli, org) -> None:
    write_cases, run = org
    cases = write_cases(one_case("- {rule: t.changes-recorded, status: pass}"))
    result = cli(*run("--min-coverage", "0"))
    assert result.exit_code == 1
    line = line_of(cases, "t.changes-recorded")
    assert (
        f"{cases.as_posix()}:{line}: rule `t.changes-recorded` has 2 results; name the `subject` (one of: sys-a, sys-b)"
        in result.stdout
    )


def test_unknown_subject_lists_the_subjects_there_are(cli, org) -> None:
    write_cases, run = org
    write_cases(one_case("- {rule: t.changes-recorded, subject: sys-z, status: pass}"))
    result = cli(*run("--min-coverage", "0"))
    assert result.exit_code == 1
    assert "rule `t.changes-recorded` has no result for subject `sys-z` (it has: sys-a, sys-b)" in result.stdout


def test_expectation_of_a_rule_not_loaded_is_reported(cli, org) -> None:
    write_cases, run = org
    write_cases(one_case("- {rule: a2.2-policy-documented, status: pass}"))
    result = cli(*run("--min-coverage", "0"))
    assert result.exit_code == 1
    assert "rule `a2.2-policy-documented` gave no result (is it loaded?)" in result.stdout


def test_missing_base_is_reported_at_its_key(cli, org) -> None:
    write_cases, run = org
    cases = write_cases(one_case("- {rule: t.policy-owned, status: pass}").replace("../repo", "../nowhere"))
    result = cli(*run("--min-coverage", "0"))
    assert result.exit_code == 1
    line = line_of(cases, "../nowhere")
    assert f"{cases.as_posix()}:{line}: base `../nowhere` is not a directory" in result.stdout


def test_coverage_below_minimum_exits_1_and_lists_uncovered_rules(cli, org) -> None:
    write_cases, run = org
    write_cases(
        one_case("- {rule: t.policy-owned, status: pass}\n- {rule: t.changes-recorded, subject: sys-a, status: pass}")
    )
    result = cli(*run())
    assert result.exit_code == 1
    assert "cases: 1, failed: 0" in result.stdout
    assert "coverage: 0 of 2 rules seen both passing and failing (0.0%)" in result.stdout
    assert "not covered: t.policy-owned (never asserted to fail)" in result.stdout
    assert "not covered: t.changes-recorded (never asserted to fail)" in result.stdout
    assert cli(*run("--min-coverage", "0")).exit_code == 0


def test_partial_coverage_meets_a_lower_minimum(cli, org) -> None:
    write_cases, run = org
    write_cases("\n".join(line for line in COVERING_CASES.split("\n") if "subject: sys-b" not in line))
    result = cli(*run("--min-coverage", "50"))
    assert result.exit_code == 0, result.stdout
    assert "coverage: 1 of 2 rules seen both passing and failing (50.0%)" in result.stdout
    assert "not covered: t.changes-recorded (never asserted to fail)" in result.stdout
    assert cli(*run("--min-coverage", "51")).exit_code == 1


def test_malformed_test_file_is_a_load_error_with_file_and_line(cli, org) -> None:
    write_cases, run = org
    cases = write_cases(one_case("- {rule: t.policy-owned, status: pass}").replace("    expect:", "    expected:"))
    result = cli(*run())
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stdout == ""
    line = line_of(cases, "expected:")
    assert f"annexa: error: {cases.as_posix()}:{line}: unknown key `expected`" in result.stderr
    assert "did you mean `expect`?" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_key_in_an_expectation_is_a_load_error_at_its_line(cli, org) -> None:
    write_cases, run = org
    cases = write_cases(one_case("- rule: t.policy-owned\n  status: pass\n  reasons: [owner]"))
    result = cli(*run())
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stdout == ""
    line = line_of(cases, "reasons:")
    assert f"annexa: error: {cases.as_posix()}:{line}: unknown key `reasons`" in result.stderr


def test_every_malformed_file_is_reported_at_once(cli, org) -> None:
    write_cases, run = org
    first = write_cases(one_case("- {rule: t.policy-owned, status: passing}"), "a.yaml")
    second = write_cases("annexa_tests: 2\ncases: []\n", "b.yaml")
    result = cli(*run())
    assert result.exit_code == 2
    assert f"{first.as_posix()}:{line_of(first, 'passing')}: " in result.stderr
    assert f"{second.as_posix()}:1: `tests.annexa_tests` must be `1`" in result.stderr
    assert result.stdout == ""


def test_directory_without_test_files_exits_2(cli, org, tmp_path: Path) -> None:
    _, run = org
    (tmp_path / "cases").mkdir()
    result = cli(*run())
    assert result.exit_code == 2
    assert "holds no test files" in result.stderr


# ---- (c) the vacuous-pass guard on an organization's pack ----------------------------------------

# "Approved, or no status recorded": meant to let documents without a lifecycle field
# through, it passes on a policy whose status was never recorded at all.
VACUOUS = """\
- id: t.policy-not-unapproved
  control: A.2.2
  title: The AI policy is approved (documents without a status are let through)
  severity: major
  check:
    any:
      - equals: {path: documents.ai_policy.status, value: approved}
      - not: {exists: documents.ai_policy.status}
  remediation: Approve the policy.
"""

SOUND = """\
- id: t.policy-approved
  control: A.2.2
  title: The AI policy is approved
  severity: major
  check:
    all:
      - equals: {path: documents.ai_policy.status, value: approved}
      - exists: documents.ai_policy.approved_by
  remediation: Approve the policy and record who approved it.
"""


def mutation_cases(rule: str) -> str:
    return f"""\
annexa_tests: 1
as_of: 2026-11-28
cases:
  - name: an approved policy passes
    base: ../repo
    expect: [{{rule: {rule}, status: pass}}]
  - name: a draft policy fails
    base: ../repo
    patch:
      docs/ai-policy.md:
        replace: [{{old: "status: approved", new: "status: draft"}}]
    expect: [{{rule: {rule}, status: fail, reason: ["docs/ai-policy.md:"]}}]
"""


def test_mutate_catches_a_rule_that_passes_without_its_fact(cli, tmp_path: Path, make_repo, make_pack) -> None:
    repo = make_repo()
    rules = make_pack(VACUOUS + SOUND)
    write_tree(tmp_path / "cases", {"vacuous.yaml": mutation_cases("t.policy-not-unapproved")})
    write_tree(tmp_path / "cases", {"sound.yaml": mutation_cases("t.policy-approved")})
    args = ["test", tmp_path / "cases", "--no-builtin-rules", "--rules", rules]

    plain = cli(*args)
    assert plain.exit_code == 0, plain.stdout  # the cases alone see nothing wrong: both rules pass and fail
    assert "coverage: 2 of 2" in plain.stdout

    result = cli(*args, "--mutate")
    assert result.exit_code == 1, result.stdout
    status_line = line_of(repo / "docs/ai-policy.md", "status: approved")
    assert (
        f"vacuous: t.policy-not-unapproved still passes without repo: "
        f"docs/ai-policy.md:{status_line} `status: approved` (removed)" in result.stdout
    )
    assert "vacuous: t.policy-approved" not in result.stdout
    assert "1 left a rule passing" in result.stdout


def test_mutate_passes_a_pack_whose_rules_rest_on_their_facts(cli, tmp_path: Path, make_repo, make_pack) -> None:
    make_repo()
    rules = make_pack(SOUND)
    write_tree(tmp_path / "cases", {"sound.yaml": mutation_cases("t.policy-approved")})
    result = cli("test", tmp_path / "cases", "--no-builtin-rules", "--rules", rules, "--mutate")
    assert result.exit_code == 0, result.stdout
    assert "mutations: 2 tried, 2 made their rule stop passing" in result.stdout
    assert "0 left a rule passing" in result.stdout
