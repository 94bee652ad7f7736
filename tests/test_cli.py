"""The command line's contract: exit codes 0/1/2, what is printed, and where.

0: no failing result at or above `--fail-on`; 1: at least one; 2: bad usage or bad
input, with one located message per problem on standard error and nothing on standard
output. Reports are deterministic and `-o` writes them whole or not at all.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annexa.cli import main

from conftest import FIXTURES, MANIFEST

AS_OF = "2026-11-28"

PASSING_RULES = """\
- id: t.policy-documented
  control: A.2.2
  title: The AI policy exists and has an owner
  severity: major
  check: {document: {path: documents.ai_policy, fields: [owner], headings: [Purpose, Scope]}}
  remediation: Write the AI policy.
- id: t.systems-owned
  control: A.3.2
  title: Every AI system has an owner
  severity: minor
  for_each: {in: ai_systems, as: system}
  check: {exists: system.owner}
  remediation: Name an owner for each AI system.
"""


def failing_rule(severity: str) -> str:
    return f"""\
- id: t.legal-entity
  control: A.2.3
  title: The legal entity is recorded
  severity: {severity}
  check: {{exists: organization.legal_entity}}
  remediation: Record the organization's legal entity.
"""


def line_of(path: Path, marker: str) -> int:
    found = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if marker in line]
    assert len(found) == 1, f"{marker!r} should be on exactly one line of {path}, found on {found}"
    return found[0]


def assert_input_error(result, *needles: str) -> None:
    """Exit 2, nothing on stdout, every needle on stderr, and no traceback."""
    assert result.exit_code == 2, f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.stdout == "", result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    for needle in needles:
        assert needle in result.stderr, f"expected {needle!r} in:\n{result.stderr}"


def check_args(repo: Path, *extra: str) -> list[str]:
    return ["check", str(repo), "--as-of", AS_OF, *extra]


# ---- exit codes of `check` -------------------------------------------------------------------


def test_everything_passes_exits_0(cli, make_repo, make_pack) -> None:
    repo, rules = make_repo(), make_pack(PASSING_RULES)
    result = cli(*check_args(repo, "--no-builtin-rules", "--rules", rules, "--format", "json"))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    report = json.loads(result.stdout)
    statuses = {(r["rule"], r["subject"]): r["status"] for r in report["results"]}
    assert statuses == {
        ("t.policy-documented", None): "pass",
        ("t.systems-owned", "sys-a"): "pass",
        ("t.systems-owned", "sys-b"): "pass",
    }
    assert report["summary"]["results"]["fail"] == 0
    assert [p["pack"] for p in report["rule_packs"]] == ["test-pack"]


@pytest.mark.parametrize(
    ("severity", "fail_on", "expected"),
    [
        ("minor", None, 1),
        ("observation", None, 1),
        ("minor", "observation", 1),
        ("minor", "minor", 1),
        ("major", "major", 1),
        ("minor", "major", 0),
        ("observation", "minor", 0),
        ("major", "never", 0),
    ],
)
def test_exit_code_follows_fail_on(cli, make_repo, make_pack, severity, fail_on, expected) -> None:
    repo, rules = make_repo(), make_pack(PASSING_RULES + failing_rule(severity))
    threshold = ["--fail-on", fail_on] if fail_on else []
    result = cli(*check_args(repo, "--no-builtin-rules", "--rules", rules, "--format", "json", *threshold))
    assert result.exit_code == expected, result.stderr
    # exit 1 says why on stderr, in one line; exit 0 says nothing
    assert result.stderr == "" if expected == 0 else result.stderr.startswith("annexa: gate: 1 result(s) at `--fail-on")
    report = json.loads(result.stdout)
    failed = [(r["rule"], r["severity"]) for r in report["results"] if r["status"] == "fail"]
    assert failed == [("t.legal-entity", severity)]
    assert report["summary"]["fails_by_severity"][severity] == 1
    legal = next(r for r in report["results"] if r["rule"] == "t.legal-entity")
    assert "`legal_entity`" in legal["reason"]


def test_fail_is_shown_in_the_table(cli, make_repo, make_pack) -> None:
    repo, rules = make_repo(), make_pack(PASSING_RULES + failing_rule("minor"))
    result = cli(*check_args(repo, "--no-builtin-rules", "--rules", rules))
    assert result.exit_code == 1, result.stderr
    assert "A.2.3" in result.stdout
    assert "results: 3 pass, 1 fail" in result.stdout
    assert "fails by severity: 0 major, 1 minor, 0 observation" in result.stdout


# ---- bad usage -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "as_of",
    ["2026-13-01", "2026-02-30", "28/11/2026", "20261128", "2026-11-28T00:00", "tomorrow", "", "2026-W48-6"],
)
def test_bad_as_of_exits_2(cli, make_repo, tmp_path: Path, as_of: str) -> None:
    out = tmp_path / "report.json"
    result = cli("check", make_repo(), "--as-of", as_of, "--format", "json", "-o", out)
    assert_input_error(result, "--as-of", f"`{as_of}`", "YYYY-MM-DD")
    assert not out.exists()


def test_unknown_format_exits_2(cli, make_repo, tmp_path: Path) -> None:
    out = tmp_path / "report.xml"
    result = cli(*check_args(make_repo(), "--format", "xml", "-o", out))
    assert_input_error(result, "--format", "xml", "json", "table")
    assert not out.exists()


def test_unknown_fail_on_exits_2(cli, make_repo) -> None:
    result = cli(*check_args(make_repo(), "--fail-on", "critical"))
    assert_input_error(result, "--fail-on", "critical")


def test_output_into_a_missing_directory_exits_2(cli, make_repo, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-directory"
    out = missing / "report.json"
    result = cli(*check_args(make_repo(), "--format", "json", "-o", out))
    assert_input_error(result, str(missing), "does not exist")
    assert not missing.exists()
    assert not out.exists()


# ---- output -------------------------------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["json", "table"])
def test_output_file_holds_exactly_what_stdout_would(cli, make_repo, tmp_path: Path, output_format: str) -> None:
    repo = make_repo()
    printed = cli(*check_args(repo, "--format", output_format))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / f"report.{output_format}"
    written = cli(*check_args(repo, "--format", output_format, "-o", out))
    assert printed.exit_code in (0, 1), printed.stderr
    assert written.exit_code == printed.exit_code, written.stderr
    assert written.stdout == ""
    assert all(line.startswith("annexa: gate: ") for line in written.stderr.splitlines())  # only why it exits 1
    assert printed.stdout
    assert out.read_text(encoding="utf-8") == printed.stdout
    assert sorted(p.name for p in out_dir.iterdir()) == [out.name], "no temporary file may be left behind"


def test_output_file_replaces_an_existing_file_whole(cli, make_repo, tmp_path: Path) -> None:
    repo = make_repo()
    out = tmp_path / "report.json"
    out.write_text("x" * 1_000_000, encoding="utf-8")  # longer than the report: no stale tail may remain
    result = cli(*check_args(repo, "--format", "json", "-o", out))
    assert result.exit_code in (0, 1), result.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["as_of"] == AS_OF


@pytest.mark.parametrize("fixture", ["northwind-ai", "harbor-logistics"])
def test_json_report_is_byte_identical_across_runs(cli, tmp_path: Path, fixture: str) -> None:
    first = cli(*check_args(FIXTURES / fixture, "--format", "json"))
    second = cli(*check_args(FIXTURES / fixture, "--format", "json"))
    assert first.exit_code in (0, 1), first.stderr
    assert second.exit_code == first.exit_code
    assert first.stdout.encode() == second.stdout.encode()
    json.loads(first.stdout)
    # nor does it depend on where the repository is checked out
    moved = shutil.copytree(FIXTURES / fixture, tmp_path / "elsewhere" / fixture)
    third = cli(*check_args(moved, "--format", "json"))
    assert third.exit_code == first.exit_code
    assert third.stdout.encode() == first.stdout.encode()


@pytest.mark.parametrize("fixture", ["northwind-ai", "harbor-logistics"])
def test_table_lists_assessed_controls_and_a_summary(cli, fixture: str) -> None:
    report = json.loads(cli(*check_args(FIXTURES / fixture, "--format", "json")).stdout)
    result = cli(*check_args(FIXTURES / fixture))
    assert result.exit_code in (0, 1), result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(report["organization"]["name"])
    assert AS_OF in lines[0]
    assessed = [c["id"] for c in report["controls"] if c["status"] != "not_assessed"]
    assert assessed
    first_column = {line.split()[0] for line in lines if line.strip()}
    for control_id in assessed:
        assert control_id in first_column, f"control {control_id} missing from the table"
    counts = report["summary"]["results"]
    summary = "results: " + ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in counts.items())
    assert summary in lines
    assert any(line.startswith("fails by severity: ") for line in lines)
    assert any(line.startswith("controls and clauses: ") for line in lines)


# ---- validate ---------------------------------------------------------------------------------


def test_validate_builtin_packs_is_clean(cli) -> None:
    result = cli("validate")
    assert result.exit_code == 0, result.stderr
    assert "no errors" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("fixture", ["northwind-ai", "harbor-logistics"])
def test_validate_builtin_fixtures_is_clean(cli, fixture: str) -> None:
    result = cli("validate", FIXTURES / fixture)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("no errors") == 2, result.stdout
    assert result.stderr == ""


def test_validate_notes_a_waiver_that_names_no_loaded_rule(cli, make_repo) -> None:
    manifest = MANIFEST.replace("registers:\n", "registers:\n  waivers: registers/waivers.yaml\n")
    waivers = (
        "waivers:\n  - id: wv-1\n    rule: a2.4-policy-reviewd\n    owner: Alice\n    approved_by: Carol\n"
        "    justification: The review is booked for January.\n    expires_on: 2027-02-01\n"
    )
    repo = make_repo({"aims.yaml": manifest, "registers/waivers.yaml": waivers})
    result = cli("validate", repo)
    assert result.exit_code == 0, result.stderr  # a note, not an error: the facts are well formed
    assert (
        "note: registers/waivers.yaml:2: waiver `wv-1` names `a2.4-policy-reviewd`, which matches no loaded rule "
        "(did you mean `a2.4-policy-reviewed`?)"
    ) in result.stdout


CYCLE = """\
- id: t.a
  control: A.2.2
  title: Rule A
  severity: minor
  requires: [t.b]  # REQUIRES-A
  check: {exists: documents.ai_policy}
  remediation: Fix A.
- id: t.b
  control: A.2.2
  title: Rule B
  severity: minor
  requires: [t.a]  # REQUIRES-B
  check: {exists: documents.ai_policy}
  remediation: Fix B.
"""


def test_validate_reports_a_dependency_cycle(cli, make_pack) -> None:
    rules = make_pack(CYCLE)
    pack = rules / "pack.yaml"
    result = cli("validate", "--rules", rules)
    lines = {line_of(pack, "REQUIRES-A"), line_of(pack, "REQUIRES-B")}
    assert_input_error(result, "cycle", "`t.a`", "`t.b`")
    located = [f"{pack.as_posix()}:{n}:" for n in lines if f"{pack.as_posix()}:{n}:" in result.stderr]
    assert located, f"expected the cycle at {pack}:{sorted(lines)} in:\n{result.stderr}"


def test_validate_reports_a_self_dependency(cli, make_pack) -> None:
    rules = make_pack(CYCLE.replace("[t.b]", "[t.a]").split("- id: t.b")[0])
    pack = rules / "pack.yaml"
    result = cli("validate", "--no-builtin-rules", "--rules", rules)
    assert_input_error(result, f"{pack.as_posix()}:{line_of(pack, 'REQUIRES-A')}:", "cycle", "`t.a`")


UNKNOWN_OPERATOR = """\
- id: t.typo
  control: A.2.2
  title: A typo in an operator
  severity: minor
  check: {exsts: documents.ai_policy}  # TYPO
  remediation: Fix the typo.
"""


def test_validate_reports_an_unknown_operator_with_a_hint(cli, make_pack) -> None:
    rules = make_pack(UNKNOWN_OPERATOR)
    pack = rules / "pack.yaml"
    result = cli("validate", "--rules", rules)
    assert_input_error(
        result, f"{pack.as_posix()}:{line_of(pack, 'TYPO')}:", "unknown operator `exsts`", "did you mean `exists`"
    )


SEVERAL_ERRORS = """\
- id: t.typo
  control: A.2.2
  title: A typo in an operator
  severity: minor
  check: {exsts: documents.ai_policy}  # TYPO
  remediation: Fix the typo.
- id: t.no-such-control
  control: A.99.1  # CONTROL
  title: A control that is not in the catalog
  severity: minor
  check: {exists: documents.ai_policy}
  remediation: Name a real control.
- id: t.bad-argument
  control: A.2.2
  title: A misspelt argument
  severity: minor
  check:
    within_days: {path: documents.ai_policy.last_reviewed, dayz: 365}  # ARGUMENT
  remediation: Spell it right.
"""


def test_validate_reports_every_error_at_once(cli, make_pack, make_repo) -> None:
    rules = make_pack(SEVERAL_ERRORS)
    pack = rules / "pack.yaml"
    broken = rules / "broken.yaml"
    broken.write_text("annexa_rules: 1\npack: broken\nrules: [\n", encoding="utf-8")
    repo = make_repo({"registers/ai-systems.yaml": "ai_systems:\n  - id: sys-a\n    nmae: System A  # FACT\n"})
    result = cli("validate", "--rules", rules, repo)
    name = pack.as_posix()
    assert_input_error(
        result,
        f"{name}:{line_of(pack, 'TYPO')}: unknown operator `exsts`",
        f"{name}:{line_of(pack, 'CONTROL')}:",
        "`A.99.1`",
        f"{name}:{line_of(pack, 'ARGUMENT')}:",
        "`dayz`",
        "did you mean `days`",
        f"{broken.as_posix()}:",
        # the facts are checked in the same run as the rules
        f"registers/ai-systems.yaml:{line_of(repo / 'registers/ai-systems.yaml', 'FACT')}:",
        "did you mean `name`",
    )
    errors = [line for line in result.stderr.splitlines() if line.startswith("annexa: error: ")]
    assert len(errors) >= 6, result.stderr
    assert f"annexa: {len(errors)} errors" in result.stderr


def test_validate_path_with_bad_facts_exits_2(cli, make_repo) -> None:
    registers = "registers/ai-systems.yaml"
    repo = make_repo()
    text = (repo / registers).read_text(encoding="utf-8").replace("stage: operation", "stage: operatoin")
    (repo / registers).write_text(text, encoding="utf-8")
    result = cli("validate", repo)
    assert_input_error(
        result,
        f"{registers}:{line_of(repo / registers, 'operatoin')}:",
        "`operatoin`",
        "did you mean `operation`",
    )


def test_validate_path_without_a_manifest_exits_2(cli, tmp_path: Path) -> None:
    result = cli("validate", tmp_path)
    assert_input_error(result, str(tmp_path), "`aims.yaml`")


def test_validate_missing_rules_directory_exits_2(cli, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-rules"
    result = cli("validate", "--rules", missing)
    assert result.exit_code == 2, result.stderr
    assert str(missing) in result.stderr
    assert "Traceback" not in result.stderr


# ---- schema and help -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["facts", "rules", "report"])
def test_schema_prints_valid_json(cli, name: str) -> None:
    result = cli("schema", name)
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    major = {"facts": 1, "rules": 1, "report": 2}[name]  # the major version of each published format
    assert document["$id"].endswith(f"/{name}/{major}.json")
    assert document["title"]


def test_schema_unknown_name_exits_2(cli) -> None:
    result = cli("schema", "policies")
    assert_input_error(result, "policies")


@pytest.mark.parametrize("command", [None, *sorted(main.commands)])
def test_every_help_has_an_example(cli, command: str | None) -> None:
    args = ["--help"] if command is None else [command, "--help"]
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    examples = [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("Example:")]
    assert len(examples) == 1, result.stdout
    assert examples[0].startswith("Example: annexa ")
    if command is not None:
        assert examples[0].startswith(f"Example: annexa {command}")


def test_help_lists_every_command(cli) -> None:
    result = cli("--help")
    assert result.exit_code == 0
    for command in main.commands:
        assert command in result.stdout
