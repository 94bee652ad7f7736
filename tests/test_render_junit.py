"""JUnit XML: valid against the Ant JUnit schema, counts that match the report, hostile facts kept as text."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from annexa.engine.render_junit import render_junit, trace_lines, xml_text

from conftest import AI_SYSTEMS, FIXTURES, OWNER_IS_ALICE_RULE, renders_alike, report_of

JUNIT_XSD = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "junit.xsd"
FIXTURE_NAMES = sorted(p.name for p in FIXTURES.iterdir() if (p / "aims.yaml").is_file())
SKIPPED_STATUSES = ("blocked", "not_applicable", "waived")


def cases_by_name(root: ET.Element) -> dict[tuple[str, str], ET.Element]:
    return {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}


def case_key(result: dict) -> tuple[str, str]:
    name = result["rule"] if result["subject"] is None else f"{result['rule']} [{result['subject']}]"
    return result["control"], name


@pytest.fixture(scope="module")
def reports() -> dict[str, dict]:
    return {name: report_of(FIXTURES / name) for name in FIXTURE_NAMES}


@pytest.fixture(scope="module")
def junit_xsd():
    """The Ant JUnit schema, or None where it (or the xmlschema package) is missing."""
    if not JUNIT_XSD.is_file():
        return None
    try:
        import xmlschema
    except ImportError:
        return None
    return xmlschema.XMLSchema(str(JUNIT_XSD))


@pytest.fixture
def junit_schema(junit_xsd):
    """The schema, for tests whose point is validation: they are skipped, saying why, without it."""
    if junit_xsd is None:
        pytest.skip(f"cannot validate JUnit XML: no schema at {JUNIT_XSD}, or the xmlschema package is missing")
    return junit_xsd


def validate_if_possible(junit_xsd, text: str) -> None:
    """Tests about escaping stand on the strict XML parser; the schema, where present, checks more."""
    if junit_xsd is not None:
        junit_xsd.validate(text)


def test_there_are_fixtures_to_render():
    assert FIXTURE_NAMES, f"no fixtures under {FIXTURES}"


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_every_fixture_validates_against_the_junit_schema(name, reports, junit_schema):
    junit_schema.validate(render_junit(reports[name]))


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_a_testsuite_per_group_and_counts_that_match_the_report(name, reports):
    report = reports[name]
    root = ET.fromstring(render_junit(report))
    suites = root.findall("testsuite")
    groups = report["summary"]["groups"]
    assert [s.find("properties/property[@name='group']").get("value") for s in suites] == [g["group"] for g in groups]
    for index, (suite, group) in enumerate(zip(suites, groups, strict=True)):
        counts = group["results"]
        cases = suite.findall("testcase")
        assert suite.get("id") == str(index)
        assert suite.get("name") == f"{group['group']} {group['title']}"
        assert int(suite.get("tests")) == len(cases) == sum(counts.values())
        assert int(suite.get("failures")) == len([c for c in cases if c.find("failure") is not None])
        assert int(suite.get("failures")) == counts["fail"]  # every fixture fail is enforced
        assert int(suite.get("skipped")) == len([c for c in cases if c.find("skipped") is not None])
        assert int(suite.get("skipped")) == sum(counts[s] for s in SKIPPED_STATUSES)
        assert suite.get("errors") == "0"
        assert suite.get("timestamp") == f"{report['as_of']}T00:00:00"
    assert len(list(root.iter("testcase"))) == len(report["results"])


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_each_result_is_a_testcase_with_its_outcome(name, reports):
    report = reports[name]
    root = ET.fromstring(render_junit(report))
    cases = cases_by_name(root)
    assert len(cases) == len(report["results"])
    group_of = {c["id"]: c["group"] for c in report["controls"]}
    for result in report["results"]:
        case = cases[case_key(result)]
        suite = next(s for s in root.findall("testsuite") if case in s.findall("testcase"))
        assert suite.find("properties/property[@name='group']").get("value") == group_of[result["control"]]
        status = result["status"]
        if status == "pass":
            assert list(case) == []
        elif status == "fail":
            [failure] = list(case)
            assert failure.tag == "failure"
            assert failure.get("message") == result["reason"]
            assert failure.get("type") == result["severity"]
            assert failure.text == "\n".join(trace_lines(result["trace"]))
        else:
            [skipped] = list(case)
            assert skipped.tag == "skipped"
            assert skipped.get("message") == result["reason"]


def test_the_trace_is_indented_lines_with_outcome_op_reason_and_location():
    trace = {
        "op": "some",
        "outcome": "fail",
        "reason": "none qualifies",
        "location": {"file": "registers/ia.yaml", "line": 2},
        "children": [
            {
                "op": "exists",
                "outcome": "fail",
                "reason": "`assessment` has no `society` (registers/ia.yaml:12)",
                "item": "ia-1",
                "location": {"file": "registers/ia.yaml", "line": 12},
            },
            {"op": "exists", "outcome": "pass", "reason": "found at registers/ia.yaml:123", "item": "ia-2",
             "location": {"file": "registers/ia.yaml", "line": 1}},
        ],
    }  # fmt: skip
    assert list(trace_lines(trace)) == [
        "fail some: none qualifies (registers/ia.yaml:2)",
        "  fail exists [ia-1]: `assessment` has no `society` (registers/ia.yaml:12)",
        "  pass exists [ia-2]: found at registers/ia.yaml:123 (registers/ia.yaml:1)",
    ]


def test_waived_and_not_yet_enforced_fails_are_skipped(reports):
    report = copy.deepcopy(reports["northwind-ai"])
    waived = [r for r in report["results"] if r["status"] == "waived"]
    assert waived, "northwind-ai is expected to have a waived result"
    fail = next(r for r in report["results"] if r["status"] == "fail")
    fail["enforced"] = False
    cases = cases_by_name(ET.fromstring(render_junit(report)))
    for result in waived:
        [skipped] = list(cases[case_key(result)])
        assert skipped.tag == "skipped"
        assert result["waiver"] in skipped.get("message")
    [skipped] = list(cases[case_key(fail)])
    assert skipped.tag == "skipped"
    assert skipped.text == "\n".join(trace_lines(fail["trace"]))


# YAML double-quoted: \" is a quote, \x07 a bell character, \x00 a NUL, \x1b an escape
HOSTILE_OWNER = r'"Bob <b onclick=\"x\">&amp; & \"quoted\" \x07 bell \x00 nul \x1b[31m"'


def test_a_hostile_fact_round_trips_as_text(make_repo, make_pack, junit_xsd):
    systems = AI_SYSTEMS.replace("owner: Bob", f"owner: {HOSTILE_OWNER}")
    report = report_of(make_repo({"registers/ai-systems.yaml": systems}), [make_pack(OWNER_IS_ALICE_RULE)], False)
    fail = next(r for r in report["results"] if r["status"] == "fail")
    text = render_junit(report)
    validate_if_possible(junit_xsd, text)
    assert "\x07" not in text and "\x00" not in text and "\x1b" not in text
    failure = cases_by_name(ET.fromstring(text))[case_key(fail)].find("failure")
    message = failure.get("message")
    assert message == fail["reason"]
    assert 'Bob <b onclick="x">&amp; & "quoted" \\x07 bell \\x00 nul \\x1b[31m' in message
    assert '<b onclick="x">' in failure.text
    assert "<b " not in text  # escaped on the way out, never markup


def test_characters_xml_cannot_carry_are_escaped_wherever_they_come_from(reports, junit_xsd):
    report = copy.deepcopy(reports["harbor-logistics"])
    [fail, *_] = [r for r in report["results"] if r["status"] == "fail"]
    raw = "nul\x00 bell\x07 esc\x1b cr\r c1\x85 surrogate\ud800 nonchar\ufffe tab\t newline\n <&>\"'"
    fail["reason"] = raw
    fail["trace"] = {"op": "equals", "outcome": "fail", "reason": raw, "item": "x\x01y"}
    text = render_junit(report)
    validate_if_possible(junit_xsd, text)
    failure = cases_by_name(ET.fromstring(text))[case_key(fail)].find("failure")
    expected = "nul\\x00 bell\\x07 esc\\x1b cr\\x0d c1\\x85 surrogate\\ud800 nonchar\\ufffe tab\t newline\n <&>\"'"
    assert failure.get("message") == expected
    assert failure.text == f"fail equals [x\\x01y]: {expected}"
    assert xml_text("plain – text ✓") == "plain – text ✓"


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_rendering_is_deterministic_and_leaves_the_report_alone(name, reports, tmp_path):
    first = renders_alike(render_junit, FIXTURES / name, reports[name], tmp_path)
    assert first.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>')
    assert first.endswith("</testsuites>\n")


def test_a_result_whose_control_has_no_group_is_kept_in_a_suite_of_its_own(reports, junit_xsd):
    report = copy.deepcopy(reports["harbor-logistics"])
    [fail, *_] = [r for r in report["results"] if r["status"] == "fail"]
    report["controls"] = [c for c in report["controls"] if c["id"] != fail["control"]]
    text = render_junit(report)
    validate_if_possible(junit_xsd, text)
    root = ET.fromstring(text)
    last = root.findall("testsuite")[-1]
    assert last.find("properties/property[@name='group']").get("value") == "other"
    assert len(list(root.iter("testcase"))) == len(report["results"])
