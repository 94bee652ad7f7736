"""What each operator of the rule language means: a passing fixture, a failing one, and the reason's words.

Every test runs one rule through the public API (`api.check`) against a small governance
repository, then checks the result's status, the words and the file:line its reason gives,
and that its trace names the operator and a location an auditor can open.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import textwrap

import pytest

from annexa.engine import api
from annexa.engine.evaluate import Result

from conftest import AI_POLICY, AI_SYSTEMS, AS_OF, MANIFEST

RULE_ID = "rule-under-test"
SYSTEMS = "registers/ai-systems.yaml"
POLICY = "docs/ai-policy.md"
LEAF_OPERATORS = {"exists", "equals", "one_of", "matches", "within_days", "date_order", "document", "attested"}


# ---- helpers -----------------------------------------------------------------


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based line of the nth line of text containing needle."""
    hits = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) >= nth, f"{needle!r} occurs {len(hits)} times"
    return hits[nth - 1]


def at(file: str, text: str, needle: str, nth: int = 1) -> str:
    """`file:line` of needle in text, as reasons print it."""
    return f"{file}:{line_of(text, needle, nth)}"


def swap(text: str, old: str, new: str) -> str:
    assert old in text, f"{old!r} is not in the fixture"
    return text.replace(old, new, 1)


def manifest_with(**registers: str) -> str:
    """The minimal manifest, declaring more registers (name → file)."""
    extra = "".join(f"  {name}: {file}\n" for name, file in registers.items())
    return swap(MANIFEST, "registers:\n", "registers:\n" + extra)


def policy_with_front(extra_front: str) -> str:
    """The AI policy with more front-matter lines just before its closing `---`."""
    return swap(AI_POLICY, "last_reviewed: 2026-01-15\n---\n", f"last_reviewed: 2026-01-15\n{extra_front}---\n")


def rule_yaml(check: str, for_each: str | None) -> str:
    lines = [f"- id: {RULE_ID}", "  control: A.2.2", "  title: The rule under test", "  severity: major"]
    if for_each is not None:
        lines.append(f"  for_each: {for_each}")
    lines.append("  check:")
    lines.append(textwrap.indent(textwrap.dedent(check).strip("\n"), "    "))
    lines.append("  remediation: Fix it.")
    return "\n".join(lines) + "\n"


@pytest.fixture
def judge(make_repo, make_pack):
    """judge(check, files=None, for_each=None) → the results of a one-rule pack on the minimal repository."""
    counter = itertools.count()

    def run(check: str, files: dict | None = None, for_each: str | None = None) -> list[Result]:
        n = next(counter)
        pack = make_pack(rule_yaml(check, for_each), name=f"rules{n}")
        repo = make_repo(files, name=f"repo{n}")
        evaluation = api.check(repo, AS_OF, [pack], builtin_rules=False)
        results = [r for r in evaluation.results if r.rule.id == RULE_ID]
        assert results, "the rule produced no result"
        return results

    return run


@pytest.fixture
def one(judge):
    """one(check, ...) → the single result of an organization-level rule."""

    def run(check: str, files: dict | None = None) -> Result:
        results = judge(check, files)
        assert len(results) == 1, [(r.subject, r.status, r.reason) for r in results]
        assert results[0].subject is None
        return results[0]

    return run


def expect(result: Result, status: str, op: str, *words: str, location: str | None = None) -> None:
    """The result has this status; its reason gives the words and the location; its trace names op and a place."""
    assert result.status == status, f"expected {status}, got {result.status}: {result.reason}"
    for word in words:
        assert word in result.reason, f"{word!r} not in reason: {result.reason}"
    assert result.trace.op == op, f"trace is `{result.trace.op}`, expected `{op}`"
    places = {str(place) for place in result.trace.locations()}
    assert places, f"trace of `{op}` has no location"
    if op in LEAF_OPERATORS:
        assert result.trace.location is not None, f"`{op}` trace has no location of its own"
    if location is not None:
        assert f"({location})" in result.reason or location in result.reason, (
            f"{location} not in reason: {result.reason}"
        )
        assert location in places, f"{location} not among trace locations {sorted(places)}"


# ---- logic: all, any, not ------------------------------------------------------

OWNER = at(POLICY, AI_POLICY, "owner:")
TITLE = at(POLICY, AI_POLICY, "title:")
FRONT = f"{POLICY}:1"  # where a missing front-matter field is reported


def test_all_passes_when_every_predicate_holds(one):
    result = one("all: [{exists: documents.ai_policy.title}, {exists: documents.ai_policy.owner}]")
    expect(result, "pass", "all", "`documents.ai_policy.owner` is recorded as `Alice`", location=OWNER)
    assert TITLE in result.reason
    assert [child.op for child in result.trace.children] == ["exists", "exists"]


def test_all_fails_naming_the_predicate_that_fails(one):
    result = one("all: [{exists: documents.ai_policy.next_review}, {exists: documents.ai_policy.owner}]")
    expect(result, "fail", "all", "front matter has no `next_review`", location=FRONT)
    assert "Alice" not in result.reason, "a passing sibling is not a reason for a fail"


def test_all_evaluates_every_predicate_and_reports_every_fail(one):
    result = one("all: [{exists: documents.ai_policy.next_review}, {exists: documents.ai_policy.version}]")
    expect(result, "fail", "all", "no `next_review`", "no `version`", location=FRONT)
    assert len(result.trace.children) == 2
    assert not any(child.passed for child in result.trace.children)


def test_any_passes_when_one_alternative_holds(one):
    result = one("any: [{exists: documents.ai_policy.next_review}, {exists: documents.ai_policy.owner}]")
    expect(result, "pass", "any", "`documents.ai_policy.owner` is recorded as `Alice`", location=OWNER)


def test_any_fails_when_no_alternative_holds(one):
    result = one("any: [{exists: documents.ai_policy.next_review}, {exists: documents.ai_policy.version}]")
    expect(result, "fail", "any", "none of 2 alternatives holds", "no `next_review`", "no `version`", location=FRONT)


def test_not_passes_when_its_predicate_fails(one):
    result = one("not: {exists: documents.ai_policy.next_review}")
    expect(result, "pass", "not", "does not hold, as required", "no `next_review`", location=FRONT)


def test_not_fails_when_its_predicate_holds(one):
    result = one("not: {exists: documents.ai_policy.owner}")
    expect(result, "fail", "not", "holds, but must not", "`documents.ai_policy.owner` is recorded", location=OWNER)


# ---- values: exists, equals, one_of, matches ---------------------------------------


def test_exists_passes_on_a_recorded_value(one):
    result = one("exists: documents.ai_policy.owner")
    expect(result, "pass", "exists", "`documents.ai_policy.owner` is recorded as `Alice`", location=OWNER)


def test_exists_takes_the_path_as_a_mapping_too(one):
    result = one("exists: {path: documents.ai_policy.owner}")
    expect(result, "pass", "exists", "recorded as `Alice`", location=OWNER)


def test_exists_fails_on_a_missing_field(one):
    result = one("exists: documents.ai_policy.next_review")
    expect(result, "fail", "exists", f"`{POLICY}` front matter has no `next_review`", location=FRONT)


@pytest.mark.parametrize(("field", "empty"), [("classification", '""'), ("tags", "[]")])
def test_exists_fails_on_an_empty_value(one, field, empty):
    policy = policy_with_front(f"{field}: {empty}\n")
    result = one(f"exists: documents.ai_policy.{field}", {POLICY: policy})
    expect(
        result, "fail", "exists", f"`documents.ai_policy.{field}` is empty", location=at(POLICY, policy, f"{field}:")
    )


@pytest.mark.parametrize("written", ["TBD", "n/a", "TODO", "'-'", "'?'", "to be confirmed", "xxx"])
def test_exists_fails_on_placeholder_text_and_names_it(one, written):
    policy = policy_with_front(f"classification: {written}\n")
    result = one("exists: documents.ai_policy.classification", {POLICY: policy})
    words = "`documents.ai_policy.classification` holds only the placeholder"
    expect(result, "fail", "exists", words, location=at(POLICY, policy, "classification:"))


@pytest.mark.parametrize("written", ["NA-12", "None", "'0'", "Todd", "'TBD by the board: the group policy applies'"])
def test_exists_passes_on_text_that_only_looks_like_a_placeholder(one, written):
    policy = policy_with_front(f"classification: {written}\n")
    result = one("exists: documents.ai_policy.classification", {POLICY: policy})
    assert result.status == "pass", result.reason


def test_exists_fails_on_an_undeclared_register(one):
    result = one("exists: risks")
    expect(result, "fail", "exists", "register `risks` is not declared in aims.yaml", location="aims.yaml:9")


def test_exists_on_a_document_whose_file_is_missing_says_so(one):
    result = one("exists: documents.ai_policy", {POLICY: None})
    expect(result, "fail", "exists", f"`{POLICY}` does not exist", location=at("aims.yaml", MANIFEST, "ai_policy:"))


def test_equals_value_passes_on_the_same_value(one):
    result = one("equals: {path: documents.ai_policy.owner, value: Alice}")
    expect(result, "pass", "equals", "`documents.ai_policy.owner` equals `Alice`", location=OWNER)


def test_equals_value_fails_naming_what_was_found(one):
    result = one("equals: {path: documents.ai_policy.owner, value: Zed}")
    expect(result, "fail", "equals", "`documents.ai_policy.owner` is not `Zed`", "found `Alice`", location=OWNER)


def test_equals_value_fails_on_a_missing_field(one):
    result = one("equals: {path: documents.ai_policy.version, value: 1}")
    expect(result, "fail", "equals", "front matter has no `version`", location=FRONT)


def test_equals_same_as_passes_when_both_facts_agree(one):
    policy = swap(AI_POLICY, "approved_by: Carol", "approved_by: Alice")
    result = one(
        "equals: {path: documents.ai_policy.owner, same_as: documents.ai_policy.approved_by}", {POLICY: policy}
    )
    expect(result, "pass", "equals", "equals `documents.ai_policy.approved_by`", location=OWNER)
    assert at(POLICY, policy, "approved_by:") in result.reason


def test_equals_same_as_fails_naming_both_facts_and_their_lines(one):
    result = one("equals: {path: documents.ai_policy.owner, same_as: documents.ai_policy.approved_by}")
    expect(
        result,
        "fail",
        "equals",
        "`documents.ai_policy.owner` is not `documents.ai_policy.approved_by` = `Carol`",
        "found `Alice`",
        at(POLICY, AI_POLICY, "approved_by:"),
        location=OWNER,
    )


def test_equals_same_as_fails_when_the_other_fact_is_missing(one):
    result = one("equals: {path: documents.ai_policy.owner, same_as: documents.ai_policy.next_review}")
    expect(result, "fail", "equals", "no `next_review`", location=FRONT)


TYPED = policy_with_front('extra:\n  number: 1\n  other_number: 1\n  text: "1"\n  flag: true\n')


@pytest.mark.parametrize(
    ("path", "literal", "status"),
    [
        ("number", "1", "pass"),
        ("number", '"1"', "fail"),
        ("text", "1", "fail"),
        ("text", '"1"', "pass"),
        ("flag", "true", "pass"),
        ("flag", "1", "fail"),
        ("number", "true", "fail"),
    ],
)
def test_equals_never_coerces(one, path, literal, status):
    result = one(f"equals: {{path: documents.ai_policy.extra.{path}, value: {literal}}}", {POLICY: TYPED})
    expect(result, status, "equals", location=at(POLICY, TYPED, f"  {path}:"))


@pytest.mark.parametrize(("other", "status"), [("other_number", "pass"), ("text", "fail"), ("flag", "fail")])
def test_equals_same_as_never_coerces(one, other, status):
    check = f"equals: {{path: documents.ai_policy.extra.number, same_as: documents.ai_policy.extra.{other}}}"
    result = one(check, {POLICY: TYPED})
    expect(result, status, "equals", location=at(POLICY, TYPED, "  number:"))


def test_equality_fail_tells_text_from_number(one):
    """`1` is not `"1"`: a reason that prints both the same way contradicts itself."""
    result = one('equals: {path: documents.ai_policy.extra.number, value: "1"}', {POLICY: TYPED})
    expect(result, "fail", "equals", location=at(POLICY, TYPED, "  number:"))
    shown = re.search(r"is not (.+?): found (.+?) \(", result.reason)
    assert shown, result.reason
    assert shown.group(1) != shown.group(2), f"expected and found look identical: {result.reason}"


def test_one_of_passes_on_a_listed_value(one):
    result = one("one_of: {path: documents.ai_policy.status, values: [draft, approved]}")
    expected = "`documents.ai_policy.status` `approved` is one of `draft`, `approved`"
    expect(result, "pass", "one_of", expected, location=at(POLICY, AI_POLICY, "status:"))


def test_one_of_fails_on_an_unlisted_value(one):
    result = one("one_of: {path: documents.ai_policy.status, values: [draft, retired]}")
    expected = "`documents.ai_policy.status` `approved` is none of `draft`, `retired`"
    expect(result, "fail", "one_of", expected, location=at(POLICY, AI_POLICY, "status:"))


def test_one_of_fails_on_a_missing_field(one):
    result = one("one_of: {path: documents.ai_policy.version, values: [1, 2]}")
    expect(result, "fail", "one_of", "no `version`", location=FRONT)


@pytest.mark.parametrize(("path", "values", "status"), [("text", "[1, 2]", "fail"), ("number", '["1", "2"]', "fail")])
def test_one_of_never_coerces(one, path, values, status):
    result = one(f"one_of: {{path: documents.ai_policy.extra.{path}, values: {values}}}", {POLICY: TYPED})
    expect(result, status, "one_of", "is none of", location=at(POLICY, TYPED, f"  {path}:"))


def test_matches_passes_when_the_pattern_is_found(one):
    result = one("matches: {path: documents.ai_policy.owner, pattern: '^Al'}")
    expect(result, "pass", "matches", "`documents.ai_policy.owner` `Alice` matches `^Al`", location=OWNER)


def test_matches_fails_when_the_pattern_is_not_found(one):
    result = one("matches: {path: documents.ai_policy.owner, pattern: '^Bo'}")
    expect(result, "fail", "matches", "`Alice` does not match `^Bo`", location=OWNER)


@pytest.mark.parametrize(
    ("pattern", "status", "words"),
    [("'^Al'", "pass", "is a name starting Al"), ("'^Bo'", "fail", "is not a name starting Al")],
)
def test_matches_says_what_the_pattern_means_in_the_rules_words(one, pattern, status, words):
    result = one(f"matches: {{path: documents.ai_policy.owner, pattern: {pattern}, means: a name starting Al}}")
    expect(result, status, "matches", f"`documents.ai_policy.owner` `Alice` {words}", location=OWNER)
    assert "^" not in result.reason


def test_matches_fails_on_a_value_that_is_not_text(one):
    result = one("matches: {path: documents.ai_policy.review_interval_days, pattern: '3'}")
    location = at(POLICY, AI_POLICY, "review_interval_days:")
    expect(result, "fail", "matches", "is 365, not text", location=location)


def test_matches_fails_on_a_missing_field(one):
    result = one("matches: {path: documents.ai_policy.version, pattern: '.'}")
    expect(result, "fail", "matches", "no `version`", location=FRONT)


# ---- quantifiers: count, every, some -------------------------------------------------

SYSTEMS_LIST = f"{SYSTEMS}:2"  # the register's list starts on the line of its first item
BOB = at(SYSTEMS, AI_SYSTEMS, "owner: Bob")
ALICE = at(SYSTEMS, AI_SYSTEMS, "owner: Alice")


def test_count_min_passes(one):
    result = one("count: {in: ai_systems, min: 2}")
    expect(result, "pass", "count", "2 in `ai_systems` (sys-a, sys-b), expected at least 2", location=SYSTEMS_LIST)


def test_count_min_fails(one):
    result = one("count: {in: ai_systems, min: 3}")
    expect(result, "fail", "count", "2 in `ai_systems`", "expected at least 3", location=SYSTEMS_LIST)


def test_count_max_passes(one):
    result = one("count: {in: ai_systems, max: 2}")
    expect(result, "pass", "count", "expected at most 2", location=SYSTEMS_LIST)


def test_count_max_fails(one):
    result = one("count: {in: ai_systems, max: 1}")
    expect(result, "fail", "count", "2 in `ai_systems`", "expected at most 1", location=SYSTEMS_LIST)


def test_count_where_counts_only_matching_items(one):
    result = one("count: {in: ai_systems, as: s, where: {equals: {path: s.owner, value: Alice}}, min: 1, max: 1}")
    expect(result, "pass", "count", "1 matching in `ai_systems` (sys-a)", location=SYSTEMS_LIST)


def test_count_where_fails_when_too_few_match(one):
    result = one("count: {in: ai_systems, as: s, where: {equals: {path: s.owner, value: Zed}}, min: 1}")
    expect(result, "fail", "count", "0 matching in `ai_systems`", "expected at least 1", location=SYSTEMS_LIST)


EMPTY_ASSESSMENTS = {
    "aims.yaml": manifest_with(impact_assessments="registers/impact-assessments.yaml"),
    "registers/impact-assessments.yaml": "impact_assessments: []\n",
}


def test_count_over_an_empty_register_counts_zero(one):
    result = one("count: {in: impact_assessments, max: 0}", EMPTY_ASSESSMENTS)
    expect(result, "pass", "count", "0 in `impact_assessments`", location="registers/impact-assessments.yaml:1")


def test_count_over_an_empty_register_still_applies_min(one):
    result = one("count: {in: impact_assessments, min: 1}", EMPTY_ASSESSMENTS)
    location = "registers/impact-assessments.yaml:1"
    expect(result, "fail", "count", "0 in `impact_assessments`", "expected at least 1", location=location)


def test_count_over_a_missing_register_fails_saying_nothing_recorded(one):
    result = one("count: {in: impact_assessments, max: 0}")
    expect(
        result,
        "fail",
        "count",
        "nothing recorded",
        "register `impact_assessments` is not declared",
        location="aims.yaml:9",
    )


def test_not_cannot_turn_missing_data_into_a_pass(one):
    result = one("not: {equals: {path: documents.ai_policy.supersedes, value: v1}}")
    expect(result, "fail", "not", "cannot be judged", "no `supersedes`", location=FRONT)


def test_every_passes_when_all_items_pass(one):
    result = one("every: {in: ai_systems, as: s, check: {exists: s.owner}}")
    expect(result, "pass", "every", "all 2 in `ai_systems` pass", location=SYSTEMS_LIST)
    assert [child.item for child in result.trace.children] == ["sys-a", "sys-b"]


def test_every_fails_naming_the_item_that_fails(one):
    result = one("every: {in: ai_systems, as: s, check: {equals: {path: s.owner, value: Alice}}}")
    expect(result, "fail", "every", "sys-b", "`s.owner` is not `Alice`", "found `Bob`", location=BOB)
    assert "sys-a" not in result.reason


def test_every_fails_naming_each_failing_item(one):
    result = one("every: {in: ai_systems, as: s, check: {equals: {path: s.owner, value: Zed}}}")
    expect(result, "fail", "every", "2 of 2 in `ai_systems` fail", "sys-a", "sys-b", location=BOB)
    assert ALICE in result.reason


def test_every_where_checks_only_matching_items(one):
    check = """\
    every:
      in: ai_systems
      as: s
      where: {equals: {path: s.lifecycle_stage, value: operation}}
      check: {equals: {path: s.owner, value: Alice}}
    """
    result = one(check)
    expect(result, "pass", "every", "all 1 in `ai_systems` pass", location=SYSTEMS_LIST)
    assert [child.item for child in result.trace.children] == ["sys-a"]


def test_every_where_matching_nothing_fails(one):
    check = """\
    every: {in: ai_systems, as: s, where: {equals: {path: s.lifecycle_stage, value: retired}}, check: {exists: s.id}}
    """
    result = one(check)
    words = (
        "no entry in `ai_systems` (registers/ai-systems.yaml:2) has `s.lifecycle_stage` equal to `retired`; 2 recorded"
    )
    expect(result, "fail", "every", words, location=SYSTEMS_LIST)


def test_every_allow_empty_passes_on_an_empty_register(one):
    result = one("every: {in: impact_assessments, check: {exists: item.id}, allow_empty: true}", EMPTY_ASSESSMENTS)
    expect(result, "pass", "every", "nothing to check", location="registers/impact-assessments.yaml:1")


def test_every_allow_empty_passes_when_where_matches_nothing(one):
    check = """\
    every:
      {in: ai_systems, as: s, where: {equals: {path: s.owner, value: Zed}}, check: {exists: s.id}, allow_empty: true}
    """
    result = one(check)
    expect(result, "pass", "every", "nothing to check", location=SYSTEMS_LIST)


def test_some_passes_naming_the_item_that_qualifies(one):
    result = one("some: {in: ai_systems, as: s, check: {equals: {path: s.owner, value: Bob}}}")
    expect(result, "pass", "some", "`sys-b` in `ai_systems` qualifies", "found `Bob`", location=BOB)


def test_some_fails_when_no_item_qualifies(one):
    result = one("some: {in: ai_systems, as: s, check: {equals: {path: s.owner, value: Zed}}}")
    expect(result, "fail", "some", "none of 2 entries in `ai_systems` qualifies", "sys-a", "sys-b", location=BOB)
    assert ALICE in result.reason


def test_some_with_where_only_passes_on_a_matching_item(one):
    result = one("some: {in: ai_systems, as: s, where: {equals: {path: s.owner, value: Bob}}}")
    expect(result, "pass", "some", "`sys-b` in `ai_systems` qualifies", location=BOB)


def test_some_with_where_only_fails_when_nothing_matches(one):
    result = one("some: {in: ai_systems, as: s, where: {equals: {path: s.owner, value: Zed}}}")
    expect(
        result,
        "fail",
        "some",
        "no entry in `ai_systems`",
        "has `s.owner` equal to `Zed`; 2 recorded",
        location=SYSTEMS_LIST,
    )


def test_a_join_that_finds_nothing_names_the_value_sought_and_where_it_is_recorded(one):
    check = """\
    every:
      in: ai_systems
      as: system
      check:
        some: {in: ai_systems, as: other, where: {equals: {path: other.owner, same_as: system.name}}}
    """
    result = one(check)
    expect(result, "fail", "every", "has `other.owner` equal to `system.name` `System A` (registers/ai-systems.yaml:3)")


def test_some_over_an_empty_register_says_nothing_is_recorded(one):
    result = one("some: {in: impact_assessments, as: a, where: {exists: a.id}}", EMPTY_ASSESSMENTS)
    expect(result, "fail", "some", "nothing recorded: no entries in `impact_assessments`")


def test_no_entry_equal_to_a_value_lists_the_values_found_once(one):
    result = one("some: {in: ai_systems, as: s, check: {equals: {path: s.lifecycle_stage, value: retired}}}")
    expect(
        result,
        "fail",
        "some",
        "`s.lifecycle_stage` is never `retired`: found `operation` (sys-a, ",
        "`deployment` (sys-b, ",
    )


def test_some_sees_outer_names_for_a_join(one):
    """Inside a quantifier both the bound item and every outer name stay visible."""
    check = """\
    every:
      in: ai_systems
      as: system
      check:
        some:
          in: ai_systems
          as: other
          check: {equals: {path: other.owner, same_as: system.owner}}
    """
    expect(one(check), "pass", "every", "all 2 in `ai_systems` pass", location=SYSTEMS_LIST)


MISSING_REGISTER = ({}, "register `impact_assessments` is not declared in aims.yaml", "aims.yaml:9")
EMPTY_REGISTER = (EMPTY_ASSESSMENTS, "`impact_assessments`", "registers/impact-assessments.yaml:1")
NULL_REGISTER = (
    {**EMPTY_ASSESSMENTS, "registers/impact-assessments.yaml": "impact_assessments:\n"},
    "`impact_assessments`",
    "registers/impact-assessments.yaml:1",
)


@pytest.mark.parametrize(
    "check",
    [
        "every: {in: impact_assessments, check: {exists: item.id}}",
        "some: {in: impact_assessments, check: {exists: item.id}}",
        "some: {in: impact_assessments}",
    ],
    ids=["every", "some", "some-bare"],
)
@pytest.mark.parametrize(
    ("files", "words", "location"),
    [MISSING_REGISTER, EMPTY_REGISTER, NULL_REGISTER],
    ids=["missing", "empty", "null"],
)
def test_a_quantifier_over_nothing_fails_saying_nothing_recorded(one, check, files, words, location):
    result = one(check, files)
    expect(result, "fail", check.split(":")[0], "nothing recorded", words, location=location)


# ---- rule-level for_each --------------------------------------------------------------


def test_for_each_gives_one_result_per_ai_system(judge):
    results = judge("equals: {path: system.owner, value: Alice}", for_each="{in: ai_systems, as: system}")
    assert [(r.subject, r.status) for r in results] == [("sys-a", "pass"), ("sys-b", "fail")]
    expect(results[0], "pass", "equals", "`system.owner` equals `Alice`", location=ALICE)
    expect(results[1], "fail", "equals", "`system.owner` is not `Alice`", "found `Bob`", location=BOB)
    assert [r.trace.item for r in results] == ["sys-a", "sys-b"]


def test_for_each_where_selects_the_subjects(judge):
    for_each = "{in: ai_systems, as: system, where: {equals: {path: system.lifecycle_stage, value: deployment}}}"
    results = judge("exists: system.owner", for_each=for_each)
    assert [(r.subject, r.status) for r in results] == [("sys-b", "pass")]
    expect(results[0], "pass", "exists", "`system.owner` is recorded as `Bob`", location=BOB)


@pytest.mark.parametrize(("files", "words", "location"), [MISSING_REGISTER, EMPTY_REGISTER], ids=["missing", "empty"])
def test_for_each_over_nothing_fails_once_saying_nothing_recorded(judge, files, words, location):
    results = judge("exists: item.id", files, for_each="{in: impact_assessments}")
    assert len(results) == 1
    assert results[0].subject is None
    expect(results[0], "fail", "for_each", "nothing recorded", words, location=location)


def test_for_each_allow_empty_over_nothing_is_not_applicable(judge):
    results = judge("exists: item.id", EMPTY_ASSESSMENTS, for_each="{in: impact_assessments, allow_empty: true}")
    assert [(r.subject, r.status) for r in results] == [(None, "not_applicable")]
    expect(results[0], "not_applicable", "for_each", "nothing to check", location="registers/impact-assessments.yaml:1")


ASSESSMENTS = """\
impact_assessments:
  - id: ia-1
    system: sys-a
    assessed_on: 2026-04-01
  - id: ia-2
    system: sys-b
    assessed_on: 2026-05-01
  - id: ia-3
    system: sys-a
    assessed_on: 2026-02-01
"""


def test_for_each_join_from_the_rule_language_guide(judge):
    """sys-a was assessed after its last change (ia-1); sys-b only before it (ia-2); ia-1 is not sys-b's."""
    files = {
        "aims.yaml": manifest_with(impact_assessments="registers/impact-assessments.yaml"),
        "registers/impact-assessments.yaml": ASSESSMENTS,
    }
    check = """\
    some:
      in: impact_assessments
      as: assessment
      where: {equals: {path: assessment.system, same_as: system.id}}
      check: {date_order: {earlier: system.last_significant_change, later: assessment.assessed_on}}
    """
    results = judge(check, files, for_each="{in: ai_systems, as: system}")
    assert [(r.subject, r.status) for r in results] == [("sys-a", "pass"), ("sys-b", "fail")]
    source = "registers/impact-assessments.yaml"
    expect(results[0], "pass", "some", "`ia-1`", location=at(source, ASSESSMENTS, "2026-04-01"))
    expect(
        results[1],
        "fail",
        "some",
        "`assessment.assessed_on` 2026-05-01",
        "is not on or after `system.last_significant_change` 2026-06-01",
        at(SYSTEMS, AI_SYSTEMS, "2026-06-01"),
        location=at(source, ASSESSMENTS, "2026-05-01"),
    )
    assert "ia-1" not in results[1].reason and "ia-3" not in results[1].reason


def test_for_each_join_with_more_conditions(judge):
    """A join whose `where` is `all` of the match and another condition still keeps only matching items."""
    assessments = swap(ASSESSMENTS, "assessed_on: 2026-04-01\n", "assessed_on: 2026-04-01\n    assessor: Dana\n")
    files = {
        "aims.yaml": manifest_with(impact_assessments="registers/impact-assessments.yaml"),
        "registers/impact-assessments.yaml": assessments,
    }
    check = """\
    count:
      in: impact_assessments
      as: assessment
      where: {all: [{equals: {path: assessment.system, same_as: system.id}}, {exists: assessment.assessor}]}
      min: 1
    """
    results = judge(check, files, for_each="{in: ai_systems, as: system}")
    assert [(r.subject, r.status) for r in results] == [("sys-a", "pass"), ("sys-b", "fail")]
    register = at("registers/impact-assessments.yaml", assessments, "- id: ia-1")
    expect(results[0], "pass", "count", "1 matching in `impact_assessments` (ia-1)", location=register)
    expect(results[1], "fail", "count", "0 matching in `impact_assessments`", "expected at least 1", location=register)


# ---- dates: within_days, date_order -----------------------------------------------------

REVIEWED = at(POLICY, AI_POLICY, "last_reviewed:")
APPROVED = at(POLICY, AI_POLICY, "approved_on:")
AGE = (AS_OF - dt.date(2026, 1, 15)).days  # 317


def test_within_days_passes_inside_the_window(one):
    result = one("within_days: {path: documents.ai_policy.last_reviewed, days: 365}")
    words = f"`documents.ai_policy.last_reviewed` is 2026-01-15, {AGE} days before 2026-11-28: within 365 days"
    expect(result, "pass", "within_days", words, location=REVIEWED)


def test_within_days_includes_the_last_day(one):
    result = one(f"within_days: {{path: documents.ai_policy.last_reviewed, days: {AGE}}}")
    expect(result, "pass", "within_days", f"within {AGE} days", location=REVIEWED)


def test_within_days_fails_on_a_date_too_old(one):
    result = one(f"within_days: {{path: documents.ai_policy.last_reviewed, days: {AGE - 1}}}")
    expect(
        result,
        "fail",
        "within_days",
        "2026-01-15",
        f"{AGE} days before",
        f"more than {AGE - 1} days",
        location=REVIEWED,
    )


def test_within_days_fails_on_a_date_after_the_as_of_date(one):
    policy = swap(AI_POLICY, "last_reviewed: 2026-01-15", "last_reviewed: 2026-12-01")
    result = one("within_days: {path: documents.ai_policy.last_reviewed, days: 365}", {POLICY: policy})
    expect(result, "fail", "within_days", "2026-12-01", "after the as-of date 2026-11-28", location=REVIEWED)


def test_within_days_fails_on_a_missing_date(one):
    result = one("within_days: {path: documents.ai_policy.next_review, days: 365}")
    expect(result, "fail", "within_days", f"`{POLICY}` front matter has no `next_review`", location=FRONT)


def test_within_days_fails_on_a_value_that_is_not_a_date(one):
    result = one("within_days: {path: documents.ai_policy.owner, days: 365}")
    expect(result, "fail", "within_days", "`Alice`, not a date", location=OWNER)


POLICY_DATES = "earlier: documents.ai_policy.approved_on, later: documents.ai_policy.last_reviewed"
REVIEWED_LATER = swap(AI_POLICY, "last_reviewed: 2026-01-15", "last_reviewed: 2026-06-01")


def test_date_order_passes_when_earlier_comes_first(one):
    check = "date_order: {earlier: documents.ai_policy.approved_on, later: documents.ai_policy.last_reviewed}"
    result = one(check, {POLICY: REVIEWED_LATER})
    words = "`documents.ai_policy.last_reviewed` 2026-06-01"
    expect(
        result,
        "pass",
        "date_order",
        words,
        "is on or after `documents.ai_policy.approved_on` 2026-01-15",
        location=REVIEWED,
    )
    assert APPROVED in result.reason


def test_date_order_fails_on_the_wrong_order(one):
    check = "date_order: {earlier: documents.ai_policy.last_reviewed, later: documents.ai_policy.approved_on}"
    result = one(check, {POLICY: REVIEWED_LATER})
    words = "`documents.ai_policy.approved_on` 2026-01-15"
    expect(
        result,
        "fail",
        "date_order",
        words,
        "is not on or after `documents.ai_policy.last_reviewed` 2026-06-01",
        location=APPROVED,
    )
    assert REVIEWED in result.reason


def test_date_order_accepts_equal_dates_unless_strict(one):
    check = "date_order: {earlier: documents.ai_policy.approved_on, later: documents.ai_policy.last_reviewed}"
    expect(one(check), "pass", "date_order", "is on or after", location=REVIEWED)


def test_date_order_strict_fails_on_equal_dates(one):
    check = f"date_order: {{{POLICY_DATES}, strict: true}}"
    result = one(check)
    expect(
        result,
        "fail",
        "date_order",
        "2026-01-15",
        "is not after `documents.ai_policy.approved_on` 2026-01-15",
        location=REVIEWED,
    )


def test_date_order_strict_passes_on_a_later_date(one):
    check = f"date_order: {{{POLICY_DATES}, strict: true}}"
    expect(one(check, {POLICY: REVIEWED_LATER}), "pass", "date_order", "is after", location=REVIEWED)


@pytest.mark.parametrize(
    "check",
    [
        "date_order: {earlier: documents.ai_policy.approved_on, later: documents.ai_policy.next_review}",
        "date_order: {earlier: documents.ai_policy.next_review, later: documents.ai_policy.approved_on}",
    ],
    ids=["later-missing", "earlier-missing"],
)
def test_date_order_fails_when_a_side_is_missing(one, check):
    expect(one(check), "fail", "date_order", f"`{POLICY}` front matter has no `next_review`", location=FRONT)


# ---- documents --------------------------------------------------------------------------


def test_document_passes_with_its_fields_and_headings(one):
    result = one("document: {path: documents.ai_policy, fields: [owner, approved_on], headings: [Purpose, Scope]}")
    words = f"`{POLICY}` exists with front matter `owner`, `approved_on` and headings `Purpose`, `Scope`"
    expect(result, "pass", "document", words)
    assert str(result.trace.location) == f"{POLICY}:1"
    places = {str(place) for place in result.trace.locations()}
    assert {OWNER, APPROVED, at(POLICY, AI_POLICY, "# Purpose"), at(POLICY, AI_POLICY, "# Scope")} <= places


def test_document_passes_on_a_bare_reference(one):
    result = one("document: {path: documents.ai_policy}")
    expect(result, "pass", "document", f"`{POLICY}` exists")
    assert str(result.trace.location) == f"{POLICY}:1"


def test_document_fails_when_the_file_is_missing(one):
    result = one("document: {path: documents.ai_policy, fields: [owner]}", {POLICY: None})
    named_at = at("aims.yaml", MANIFEST, "ai_policy:")
    expect(result, "fail", "document", f"`{POLICY}` does not exist", location=named_at)


def test_document_fails_on_a_missing_front_matter_field(one):
    result = one("document: {path: documents.ai_policy, fields: [owner, version]}")
    expect(result, "fail", "document", "front matter has no `version`", location=f"{POLICY}:1")
    assert "`owner`" not in result.reason


def test_document_fails_on_an_empty_front_matter_field(one):
    policy = policy_with_front('version: ""\n')
    result = one("document: {path: documents.ai_policy, fields: [version]}", {POLICY: policy})
    expect(result, "fail", "document", "`version`", location=at(POLICY, policy, "version:"))


def test_a_document_missing_several_things_names_each_kind_once(one):
    check = (
        "document: {path: documents.ai_policy, fields: [owner, sponsor, board], headings: [Purpose, Risks, Metrics]}"
    )
    result = one(check)
    expect(
        result,
        "fail",
        "document",
        f"`{POLICY}`: front matter has no `sponsor`, `board` ({POLICY}:1); ",
        f"headings `Risks`, `Metrics` missing ({POLICY}:1)",
    )
    assert result.reason.count(f"({POLICY}:1)") == 2


def test_a_missing_heading_points_at_the_heading_that_looks_like_a_typo(one):
    policy = swap(AI_POLICY, "# Scope", "# Scpoe")
    result = one("document: {path: documents.ai_policy, headings: [Scope]}", {POLICY: policy})
    expect(
        result,
        "fail",
        "document",
        "heading `Scope` missing",
        f"`Scope` may be `Scpoe` ({at(POLICY, policy, '# Scpoe')})",
    )


def test_document_fails_on_a_missing_heading(one):
    result = one("document: {path: documents.ai_policy, headings: [Purpose, Risks]}")
    expect(result, "fail", "document", "heading `Risks` missing", location=f"{POLICY}:1")
    assert "Purpose" not in result.reason


def test_document_without_front_matter_lacks_every_field(one):
    result = one("document: {path: documents.ai_policy, fields: [owner]}", {POLICY: "# Purpose\nText.\n"})
    expect(result, "fail", "document", "front matter has no `owner`", location=f"{POLICY}:1")


@pytest.mark.parametrize(
    "fenced",
    [
        "```markdown\n# Risks\n```\n",
        "~~~\n# Risks\n~~~\n",
        "```\n~~~\n# Risks\n```\n",
        "````\n```\n# Risks\n````\n",
    ],
    ids=["backticks", "tildes", "tildes-inside-backticks", "short-fence-inside-long"],
)
def test_document_heading_inside_a_code_fence_does_not_count(one, fenced):
    policy = AI_POLICY + "\nAn example:\n\n" + fenced + "\nAfter the example.\n"
    result = one("document: {path: documents.ai_policy, headings: [Risks]}", {POLICY: policy})
    expect(result, "fail", "document", "heading `Risks` missing", location=f"{POLICY}:1")


def test_document_heading_after_a_closed_fence_counts(one):
    policy = AI_POLICY + "\n```\n# Not this\n```\n\n# Risks\nText.\n"
    result = one("document: {path: documents.ai_policy, headings: [Risks]}", {POLICY: policy})
    expect(result, "pass", "document", f"`{POLICY}` exists")
    assert at(POLICY, policy, "# Risks") in {str(place) for place in result.trace.locations()}


@pytest.mark.parametrize(
    ("written", "asked"),
    [
        ("# 2. Scope", "Scope"),
        ("## 2.1 Scope", "Scope"),
        ("# Scope", "2. Scope"),
        ("# SCOPE ##", "scope"),
        ("### 1) Scope", "Scope"),
        ("## (b) Scope", "Scope"),
        ("## B. Scope", "Scope"),
        ("## IV. Scope", "Scope"),
    ],
)
def test_document_heading_matches_without_numbering_or_case(one, written, asked):
    policy = swap(AI_POLICY, "# Scope", written)
    result = one(f'document: {{path: documents.ai_policy, headings: ["{asked}"]}}', {POLICY: policy})
    expect(result, "pass", "document", f"`{POLICY}` exists")
    assert at(POLICY, policy, written) in {str(place) for place in result.trace.locations()}


# ---- attestations ----------------------------------------------------------------------

ATTESTATIONS = """\
attestations:
  - id: att-1
    statement: policy.communicated
    signer: Carol
    role: top_management
    signed_on: 2026-06-01
"""
ATTESTED = {
    "aims.yaml": manifest_with(attestations="registers/attestations.yaml"),
    "registers/attestations.yaml": ATTESTATIONS,
}
ATTESTATION = at("registers/attestations.yaml", ATTESTATIONS, "- id: att-1")


def test_attested_passes_on_a_valid_attestation(one):
    result = one("attested: {statement: policy.communicated, roles: [top_management], valid_days: 365}", ATTESTED)
    words = "`Carol` (top_management) attested `policy.communicated` on 2026-06-01, valid until 2027-06-01"
    expect(result, "pass", "attested", words, location=ATTESTATION)


def test_attested_without_roles_accepts_any_signer(one):
    result = one("attested: {statement: policy.communicated, valid_days: 365}", ATTESTED)
    expect(result, "pass", "attested", "attested `policy.communicated`", location=ATTESTATION)


def test_attested_fails_on_an_expired_attestation(one):
    valid_days = 100
    until = (dt.date(2026, 6, 1) + dt.timedelta(days=valid_days)).isoformat()
    result = one(f"attested: {{statement: policy.communicated, valid_days: {valid_days}}}", ATTESTED)
    words = f"attestation of `policy.communicated` by `Carol` (top_management) on 2026-06-01 expired on {until}"
    expect(result, "fail", "attested", words, f"({valid_days} days)", location=ATTESTATION)


def test_attested_fails_when_signed_in_the_wrong_role(one):
    result = one("attested: {statement: policy.communicated, roles: [ai_officer], valid_days: 365}", ATTESTED)
    words = "`policy.communicated` was attested by `Carol` as `top_management`"
    expect(result, "fail", "attested", words, "a signer in role ai_officer is required", location=ATTESTATION)


def test_attested_fails_when_none_is_recorded(one):
    result = one("attested: {statement: policy.approved, valid_days: 365}", ATTESTED)
    expect(
        result,
        "fail",
        "attested",
        "no attestation of `policy.approved` is recorded",
        location="registers/attestations.yaml:2",
    )


def test_attested_fails_when_the_register_is_not_declared(one):
    result = one("attested: {statement: policy.communicated, valid_days: 365}")
    expect(result, "fail", "attested", "no attestation of `policy.communicated` is recorded", location="aims.yaml:9")


def test_attested_judges_the_latest_attestation(one):
    register = ATTESTATIONS + (
        "  - id: att-0\n    statement: policy.communicated\n    signer: Dan\n    role: top_management\n"
        "    signed_on: 2024-01-10\n"
    )
    files = {**ATTESTED, "registers/attestations.yaml": register}
    result = one("attested: {statement: policy.communicated, valid_days: 365}", files)
    expect(result, "pass", "attested", "`Carol`", location=at("registers/attestations.yaml", register, "- id: att-1"))


def test_attested_fails_on_a_date_after_the_as_of_date(one):
    register = swap(ATTESTATIONS, "signed_on: 2026-06-01", "signed_on: 2026-12-24")
    files = {**ATTESTED, "registers/attestations.yaml": register}
    result = one("attested: {statement: policy.communicated, valid_days: 365}", files)
    expect(result, "fail", "attested", "dated 2026-12-24, after the as-of date", location=ATTESTATION)


@pytest.mark.parametrize(
    ("heading", "required"),
    [
        ("## 3. Our commitments", "Commitments"),
        ("## Roles & responsibilities", "Roles and responsibilities"),
        ("## 2. Scope and applicability", "Scope"),
        ("## Scope of this policy", "Scope"),
        ("## Scope: what the policy covers", "Scope"),
        ("## Scope — what the policy covers", "Scope"),
        ("## Methods for each audit", "Methods"),
    ],
)
def test_a_required_heading_may_carry_a_qualifier_or_an_ampersand(one, heading, required):
    policy = AI_POLICY + f"\n{heading}\n"
    result = one(f"document: {{path: documents.ai_policy, headings: [{required}]}}", {"docs/ai-policy.md": policy})
    expect(result, "pass", "document", f"headings `{required}`")


def test_a_heading_does_not_match_part_of_a_word(one):
    policy = AI_POLICY + "\n## Non-commitments\n## Commitmentsx\n"
    result = one("document: {path: documents.ai_policy, headings: [Commitments]}", {"docs/ai-policy.md": policy})
    expect(result, "fail", "document", "heading `Commitments` missing")


def test_two_unrecorded_values_are_not_equal(one):
    policy = AI_POLICY.replace("status: approved\n", "status: approved\nextra: {a: null, b: null}\n")
    check = "equals: {path: documents.ai_policy.extra.a, same_as: documents.ai_policy.extra.b}"
    result = one(check, {"docs/ai-policy.md": policy})
    expect(result, "fail", "equals", "is empty")
    assert result.trace.unknown


# ---- missing or blank data never helps a check pass --------------------------------

RISKY = AI_SYSTEMS.replace(
    "    last_significant_change: 2026-03-01\n", "    last_significant_change: 2026-03-01\n    risk_level: high\n", 1
)


def test_an_entry_whose_filter_cannot_be_judged_is_not_silently_left_out(judge):
    # sys-b records no risk_level: whether it is "not low" cannot be told, so it gets a result, a fail
    results = judge(
        "exists: s.deployed_on",
        {"registers/ai-systems.yaml": RISKY},
        for_each="{in: ai_systems, as: s, where: {not: {equals: {path: s.risk_level, value: low}}}}",
    )
    by_subject = {r.subject: r for r in results}
    assert by_subject["sys-b"].status == "fail"
    assert "cannot tell whether the rule applies to `sys-b`" in by_subject["sys-b"].reason
    assert by_subject["sys-b"].trace.unknown


@pytest.mark.parametrize(
    ("check", "words"),
    [
        (
            "count: {in: ai_systems, as: s, where: {equals: {path: s.risk_level, value: low}}, max: 0}",
            "1 that cannot be judged",
        ),
        ("not: {some: {in: ai_systems, as: s, where: {equals: {path: s.risk_level, value: low}}}}", "cannot be judged"),
        (
            "every: {in: ai_systems, as: s, where: {equals: {path: s.risk_level, value: low}},"
            " check: {exists: s.owner}, allow_empty: true}",
            "cannot tell whether it counts",
        ),
    ],
    ids=["count-max", "not-some", "every-allow-empty"],
)
def test_quantifiers_do_not_pass_on_entries_their_filter_cannot_judge(one, check, words):
    result = one(check, {"registers/ai-systems.yaml": RISKY})
    assert result.status == "fail", result.reason
    assert words in result.reason


@pytest.mark.parametrize(("field", "value"), [("owner", '" "'), ("tags", '[""]'), ("related_policies", '[" ", ""]')])
def test_blank_values_are_not_evidence(one, field, value):
    policy = AI_POLICY.replace("owner: Alice\n", "").replace(
        "status: approved\n", f"status: approved\n{field}: {value}\n"
    )
    assert one(f"exists: documents.ai_policy.{field}", {"docs/ai-policy.md": policy}).status == "fail"
    document = one(f"document: {{path: documents.ai_policy, fields: [{field}]}}", {"docs/ai-policy.md": policy})
    assert document.status == "fail"


def test_not_exists_on_an_undeclared_register_cannot_be_judged(one):
    result = one("not: {exists: incidents}")
    expect(result, "fail", "not", "cannot be judged", "register `incidents` is not declared")


@pytest.mark.parametrize(
    ("heading", "required"),
    [
        ("## Out of scope", "Scope"),
        ("## Purpose not yet defined", "Purpose"),
        ("## No method agreed", "Method"),
        ("## Scopes", "Scope"),
        ("## Roles", "Roles and responsibilities"),
        ("## A scope statement", "Scope"),
    ],
)
def test_a_heading_that_only_contains_the_required_words_does_not_count(one, heading, required):
    policy = AI_POLICY.replace("# Purpose\n", "# Intro\n").replace("# Scope\n", "# Overview\n") + f"\n{heading}\n"
    result = one(f"document: {{path: documents.ai_policy, headings: [{required}]}}", {"docs/ai-policy.md": policy})
    expect(result, "fail", "document", f"heading `{required}` missing")


def test_a_heading_found_with_a_qualifier_says_how_it_is_written(one):
    policy = AI_POLICY + "\n## 3. Our commitments\n"
    result = one("document: {path: documents.ai_policy, headings: [Commitments]}", {"docs/ai-policy.md": policy})
    assert "heading `Commitments` found as `3. Our commitments`" in result.trace.children[0].reason


def test_two_checks_failing_on_the_same_missing_fact_say_it_once(one):
    later = "{not: {equals: {path: documents.ai_policy.next_review, value: 2027-01-01}}}"
    check = f"all: [{{exists: documents.ai_policy.next_review}}, {later}]"
    result = one(check)
    assert result.status == "fail"
    assert result.reason.count("next_review") == 1, result.reason


def test_alternatives_failing_for_the_same_reason_list_it_once(one):
    result = one("any: [{exists: documents.ai_policy.next_review}, {exists: documents.ai_policy.next_review}]")
    expect(result, "fail", "any", "none of 2 alternatives holds")
    assert result.reason.count("next_review") == 1, result.reason


def test_a_join_on_an_unrecorded_value_cannot_be_judged_and_says_which_value(one):
    join = "{in: ai_systems, as: other, where: {equals: {path: other.owner, same_as: system.intended_use}}}"
    result = one(f"every: {{in: ai_systems, as: system, check: {{some: {join}}}}}")
    words = "so no entry in `ai_systems` can be matched to it"
    expect(result, "fail", "every", "`system.intended_use` is not recorded", words)
    inner = result.trace.children[0]
    assert inner.op == "some" and inner.unknown and not inner.children  # said once, not once per entry
    negated = one(f"every: {{in: ai_systems, as: system, check: {{not: {{some: {join}}}}}}}")
    expect(negated, "fail", "every", "cannot be judged")  # not knowing which entry is meant is no evidence of none


def test_membership_in_a_list_of_plain_values_is_judged_per_entry(one):
    manifest = MANIFEST.replace(
        "  statement: All AI systems of Test Org.\n", "  statement: Only A.\n  systems: [sys-a]\n"
    )
    check = """\
    every:
      in: ai_systems
      as: system
      check: {some: {in: scope.systems, as: covered, where: {equals: {path: covered, same_as: system.id}}}}
    """
    result = one(check, {"aims.yaml": manifest})
    expect(
        result, "fail", "every", "1 of 2 in `ai_systems` fail", "sys-b", "has `covered` equal to `system.id` `sys-b`"
    )
    assert "sys-a:" not in result.reason
