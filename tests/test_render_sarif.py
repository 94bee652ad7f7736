"""SARIF 2.1.0: valid against the OASIS schema, one result per finding, stable fingerprints, waivers as suppressions."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft4Validator

from annexa.engine.baseline import compare
from annexa.engine.render_sarif import FINGERPRINT_KEY, render_sarif

from conftest import FIXTURES, renders_alike, report_of

SARIF_SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "sarif-2.1.0.schema.json"
FIXTURE_NAMES = sorted(p.name for p in FIXTURES.iterdir() if (p / "aims.yaml").is_file())


def run_of(report: dict) -> dict:
    log = json.loads(render_sarif(report))
    assert len(log["runs"]) == 1
    return log["runs"][0]


def findings(report: dict) -> list[dict]:
    return [r for r in report["results"] if r["status"] in ("fail", "blocked", "waived")]


@pytest.fixture(scope="module")
def reports() -> dict[str, dict]:
    return {name: report_of(FIXTURES / name) for name in FIXTURE_NAMES}


@pytest.fixture(scope="module")
def sarif_schema() -> Draft4Validator | None:
    """A validator for the OASIS SARIF 2.1.0 schema (draft 4), or None where the schema is missing."""
    if not SARIF_SCHEMA.is_file():
        return None
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


@pytest.fixture
def sarif_validator(sarif_schema) -> Draft4Validator:
    """The validator, for tests whose point is validation: they are skipped, saying why, without it."""
    if sarif_schema is None:
        pytest.skip(f"the SARIF 2.1.0 schema is not at {SARIF_SCHEMA}: cannot validate against it")
    return sarif_schema


def test_there_are_fixtures_to_render():
    assert FIXTURE_NAMES, f"no fixtures under {FIXTURES}"


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_every_fixture_validates_against_the_sarif_schema(name, reports, sarif_validator):
    log = json.loads(render_sarif(reports[name]))
    errors = sorted(sarif_validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_every_finding_appears_once_in_report_order(name, reports):
    report = reports[name]
    run = run_of(report)
    expected = [(r["rule"], r["subject"], r["status"]) for r in findings(report)]
    got = [(r["ruleId"], r["properties"]["subject"], r["properties"]["status"]) for r in run["results"]]
    assert got == expected
    assert len(set(got)) == len(got)
    fails = [r for r in run["results"] if r["properties"]["status"] == "fail"]
    assert len(fails) == report["summary"]["results"]["fail"]


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_rules_results_and_locations_are_consistent(name, reports):
    report = reports[name]
    run = run_of(report)
    driver = run["tool"]["driver"]
    assert driver["name"] == "annexa"
    assert driver["version"] == report["annexa_version"]
    assert driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    assert [r["id"] for r in rules] == list(dict.fromkeys(r["rule"] for r in report["results"]))
    assert [r["id"] for r in report["rules"]] == [r["id"] for r in rules]
    by_rule = {r["id"]: r for r in report["rules"]}
    for descriptor in rules:
        source = by_rule[descriptor["id"]]
        assert descriptor.get("name") != descriptor["id"]
        assert descriptor["shortDescription"]["text"] == source["title"]
        assert source["remediation"] in descriptor["help"]["text"]
        assert all(item in descriptor["help"]["text"] for item in source["evidence"])
        assert descriptor["properties"]["control"] == source["control"]
        assert descriptor["properties"]["severity"] == source["severity"]
    levels = {"major": "error", "minor": "warning", "observation": "note"}
    for result, source in zip(run["results"], findings(report), strict=True):
        descriptor = rules[result["ruleIndex"]]
        assert descriptor["id"] == result["ruleId"]
        assert descriptor["defaultConfiguration"]["level"] == levels[source["severity"]]
        expected_level = "note" if source["status"] == "blocked" else levels[source["severity"]]
        assert result["level"] == expected_level
        assert source["reason"] in result["message"]["text"]
        if source["subject"] is not None:
            assert result["message"]["text"].startswith(f"`{source['subject']}`: ")
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": source["location"]["file"], "uriBaseId": "SRCROOT"}
        assert physical["region"] == {"startLine": source["location"]["line"]}
        cited = {(loc["file"], loc["line"]) for loc in source["locations"]} - {
            (source["location"]["file"], source["location"]["line"])
        }
        related = {
            (loc["physicalLocation"]["artifactLocation"]["uri"], loc["physicalLocation"]["region"]["startLine"])
            for loc in result.get("relatedLocations", [])
        }
        assert related == cited
    assert "SRCROOT" in run["originalUriBaseIds"]
    assert run["properties"]["as_of"] == report["as_of"]
    assert run["properties"]["organization"] == report["organization"]


def test_blocked_results_are_notes_that_say_they_are_blocked(reports):
    blocked = [r for r in run_of(reports["harbor-logistics"])["results"] if r["properties"]["status"] == "blocked"]
    assert blocked, "harbor-logistics is expected to have blocked results"
    for result in blocked:
        assert result["level"] == "note"
        assert "blocked: requires `" in result["message"]["text"]
        assert result["properties"]["root_cause"]


def shifted_copy(source: Path, target: Path, lines: int) -> Path:
    """A copy of a fixture with comment lines added at the top of the manifest and of every register."""
    shutil.copytree(source, target)
    for path in [target / "aims.yaml", *sorted((target / "registers").glob("*.yaml"))]:
        path.write_text("# moved down\n" * lines + path.read_text(encoding="utf-8"), encoding="utf-8")
    return target


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fingerprints_do_not_change_when_lines_move(name, reports, tmp_path):
    before = run_of(reports[name])["results"]
    after = run_of(report_of(shifted_copy(FIXTURES / name, tmp_path / name, lines=7)))["results"]
    assert [r["partialFingerprints"] for r in after] == [r["partialFingerprints"] for r in before]
    if not before:  # a sample with no finding (the mature one): moving lines must not create one
        return
    moved = [
        (a["locations"][0]["physicalLocation"]["region"]["startLine"], b["locations"][0]["physicalLocation"])
        for a, b in zip(after, before, strict=True)
        if b["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(".yaml")
    ]
    assert moved, "some finding should point into a YAML file"
    assert all(line == physical["region"]["startLine"] + 7 for line, physical in moved)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fingerprints_differ_across_rules_and_subjects(name, reports):
    results = run_of(reports[name])["results"]
    keys = [r["partialFingerprints"][FINGERPRINT_KEY] for r in results]
    assert all(re.fullmatch(r"[0-9a-f]{32}", key) for key in keys)
    assert len(set(keys)) == len(keys)


def test_the_same_rule_for_two_subjects_has_two_fingerprints(reports):
    results = run_of(reports["harbor-logistics"])["results"]
    per_rule: dict[str, dict[str, str]] = {}
    for result in results:
        subject = result["properties"]["subject"]
        per_rule.setdefault(result["ruleId"], {})[subject] = result["partialFingerprints"][FINGERPRINT_KEY]
    several = {rule: keys for rule, keys in per_rule.items() if len(keys) > 1}
    assert several, "harbor-logistics is expected to have a rule with findings for two AI systems"
    for keys in several.values():
        assert len(set(keys.values())) == len(keys)


def test_a_waived_result_is_a_suppression_with_its_justification(reports):
    report = reports["northwind-ai"]
    waived = [r for r in report["results"] if r["status"] == "waived"]
    assert waived, "northwind-ai is expected to have a waived result"
    run = run_of(report)
    by_key = {(r["ruleId"], r["properties"]["subject"]): r for r in run["results"]}
    for source in waived:
        result = by_key[(source["rule"], source["subject"])]
        [suppression] = result["suppressions"]
        assert suppression["kind"] == "external"
        assert suppression["status"] == "accepted"
        assert source["waiver"] in suppression["justification"]
        assert "Chief Risk Officer" in suppression["justification"]  # the justification recorded in the waiver
        assert "the check fails" not in suppression["justification"]
        where = suppression["location"]["physicalLocation"]
        assert where["artifactLocation"]["uri"] == "registers/waivers.yaml"
        assert result["properties"]["waiver"] == source["waiver"]
    # a tool that evaluates suppressions gives every result the property: empty when not suppressed
    assert all(r["suppressions"] == [] for r in run["results"] if r["properties"]["status"] != "waived")


def test_a_fail_of_a_rule_not_yet_in_force_is_at_most_a_warning(reports):
    report = copy.deepcopy(reports["harbor-logistics"])
    majors = [r for r in report["results"] if r["status"] == "fail" and r["severity"] == "major"]
    assert majors
    for result in majors:
        result["enforced"] = False
    for rule in report["rules"]:
        if rule["id"] in {r["rule"] for r in majors}:
            rule["effective_on"] = "2027-01-01"
    run = run_of(report)
    for result in run["results"]:
        if result["properties"].get("enforced") is False:
            assert result["level"] == "warning"
            assert result["properties"]["effective_on"] == "2027-01-01"


def test_file_names_are_written_as_uri_references(reports):
    report = copy.deepcopy(reports["harbor-logistics"])
    first = findings(report)[0]
    first["location"] = {"file": "docs/gap analysis #1 (draft)%.md", "line": 3}
    uri = run_of(report)["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "docs/gap%20analysis%20%231%20%28draft%29%25.md"


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_rendering_is_deterministic_and_leaves_the_report_alone(name, reports, tmp_path):
    first = renders_alike(render_sarif, FIXTURES / name, reports[name], tmp_path)
    assert first.endswith("}\n")


def test_waivers_that_matched_nothing_are_notifications(reports, sarif_schema):
    report = copy.deepcopy(reports["northwind-ai"])
    note = {
        "waiver": "wv-stale",
        "note": "waiver `wv-stale` for `a2.2-policy-approved` covers nothing: no result of it fails",
        "location": {"file": "registers/waivers.yaml", "line": 14},
    }
    report["waivers"].append(note)
    log = json.loads(render_sarif(report))
    if sarif_schema is not None:
        assert not list(sarif_schema.iter_errors(log))
    [invocation] = log["runs"][0]["invocations"]
    [notification] = invocation["toolExecutionNotifications"]
    assert notification["message"]["text"] == note["note"]
    assert notification["level"] == "warning"
    assert notification["locations"][0]["physicalLocation"]["region"]["startLine"] == 14


def test_rule_names_are_pascal_case_identifiers_distinct_from_ids(reports):
    for descriptor in run_of(reports["harbor-logistics"])["tool"]["driver"]["rules"]:
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]*", descriptor["name"]), descriptor["name"]
        assert descriptor["name"].casefold() != descriptor["id"].casefold()


def test_a_gap_compared_with_a_baseline_carries_its_baseline_state(reports, sarif_schema):
    report = copy.deepcopy(reports["harbor-logistics"])
    baseline = copy.deepcopy(report)
    [first_fail, *_] = [r for r in baseline["results"] if r["status"] == "fail"]
    baseline["results"].remove(first_fail)
    compare(report, baseline, "main.json")
    log = json.loads(render_sarif(report))
    if sarif_schema is not None:
        assert not list(sarif_schema.iter_errors(log))
    states = {(r["ruleId"], r["properties"]["subject"]): r.get("baselineState") for r in log["runs"][0]["results"]}
    assert states.pop((first_fail["rule"], first_fail["subject"])) == "new"
    assert set(states.values()) == {"unchanged"}  # every other finding of harbor-logistics is a gap
