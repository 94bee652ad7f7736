"""Loading rule packs: every mistake in a pack is a load error at its file and line, with a hint.

A rule that loaded cannot surprise the evaluator, so each test writes a pack with one
mistake (or several), loads it with `api.load_rules([dir], builtin=False)`, and checks
the diagnostics: the file, the line (computed from the pack's own text), the message
and, where the mistake is a near miss, the did-you-mean hint.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from annexa.engine import api
from annexa.engine.errors import Diagnostic, RulesError

HEADER = "annexa_rules: 1\npack: test-pack\nrules:\n"


# ---- helpers -----------------------------------------------------------------


def rule(
    rule_id: str,
    check: str = "exists: documents.ai_policy",
    *,
    control: str = "A.2.2",
    severity: str = "major",
    extra: str = "",
) -> str:
    """One rule as block YAML, indented for the pack's `rules:` list; check may span lines."""
    check_text = "    check:\n" + "".join(f"      {line}\n" for line in check.strip("\n").splitlines())
    extra_text = "".join(f"    {line}\n" for line in extra.strip("\n").splitlines())
    return (
        f"  - id: {rule_id}\n"
        f"    control: {control}\n"
        f"    title: Rule {rule_id}\n"
        f"    severity: {severity}\n"
        f"{extra_text}"
        f"{check_text}"
        f"    remediation: Fix it.\n"
    )


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based line of the nth line of text containing needle."""
    hits = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) >= nth, f"{needle!r} occurs {len(hits)} times in the pack"
    return hits[nth - 1]


def write_pack(folder: Path, *rules: str, name: str = "pack.yaml", text: str | None = None) -> tuple[Path, str]:
    """A pack file in folder; returns its path and its text."""
    folder.mkdir(parents=True, exist_ok=True)
    body = text if text is not None else HEADER + "".join(rules)
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path, body


def load_errors(*folders: Path, builtin: bool = False) -> list[Diagnostic]:
    with pytest.raises(RulesError) as info:
        api.load_rules(list(folders), builtin=builtin)
    assert info.value.diagnostics, "a RulesError must carry diagnostics"
    return info.value.diagnostics


def only(diagnostics: list[Diagnostic]) -> Diagnostic:
    assert len(diagnostics) == 1, [str(d) for d in diagnostics]
    return diagnostics[0]


def expect(
    diagnostic: Diagnostic, path: Path, line: int, *words: str, hint: str | None = None, hint_words: str = ""
) -> None:
    assert diagnostic.file == path.as_posix(), diagnostic.file
    assert diagnostic.line == line, f"expected line {line}: {diagnostic}"
    for word in words:
        assert word in diagnostic.message, f"{word!r} not in {diagnostic.message!r}"
    if hint is not None:
        assert diagnostic.hint == hint, f"hint {diagnostic.hint!r}, expected {hint!r}"
    if hint_words:
        assert diagnostic.hint and hint_words in diagnostic.hint, f"{hint_words!r} not in hint {diagnostic.hint!r}"


def single_error(tmp_path: Path, *rules: str) -> tuple[Diagnostic, Path, str]:
    path, text = write_pack(tmp_path / "rules", *rules)
    return only(load_errors(path.parent)), path, text


# ---- operators and their arguments -------------------------------------------------


def test_unknown_operator_with_did_you_mean(tmp_path):
    error, path, text = single_error(tmp_path, rule("r1", "exsts: documents.ai_policy"))
    expect(error, path, line_of(text, "exsts:"), "unknown operator `exsts`", hint="did you mean `exists`?")


def test_unknown_operator_deep_inside_quantifiers_is_found_at_its_line(tmp_path):
    check = """\
all:
  - exists: documents.ai_policy
  - every:
      in: ai_systems
      as: system
      check:
        equal: {path: system.owner, value: Alice}
"""
    error, path, text = single_error(tmp_path, rule("r1", check))
    expect(error, path, line_of(text, "equal:"), "unknown operator `equal`", hint="did you mean `equals`?")


def test_unknown_operator_without_a_near_miss_lists_the_operators(tmp_path):
    error, path, text = single_error(tmp_path, rule("r1", "frobnicate: documents.ai_policy"))
    expect(error, path, line_of(text, "frobnicate:"), "unknown operator `frobnicate`", hint_words="within_days")


def test_unknown_argument_with_did_you_mean(tmp_path):
    check = "document:\n  path: documents.ai_policy\n  heading: [Scope]\n"
    error, path, text = single_error(tmp_path, rule("r1", check))
    expect(
        error, path, line_of(text, "heading:"), "`document` has no argument `heading`", hint="did you mean `headings`?"
    )


def test_misspelt_required_argument_is_unknown_and_missing(tmp_path):
    check = "within_days:\n  path: documents.ai_policy.last_reviewed\n  dayz: 30\n"
    path, text = write_pack(tmp_path / "rules", rule("r1", check))
    unknown, missing = sorted(load_errors(path.parent), key=lambda d: d.line, reverse=True)
    expect(unknown, path, line_of(text, "dayz:"), "`within_days` has no argument `dayz`", hint="did you mean `days`?")
    expect(missing, path, line_of(text, "within_days:"), "`within_days` needs at least one of `days`, `days_from`")


@pytest.mark.parametrize(
    ("check", "operator_line", "words"),
    [
        ("attested:\n  statement: policy.communicated\n", "attested:", "`attested` needs the argument `valid_days`"),
        ("every:\n  in: ai_systems\n", "every:", "`every` needs the argument `check`"),
        ("matches:\n  path: documents.ai_policy.owner\n", "matches:", "`matches` needs the argument `pattern`"),
        ("count:\n  in: ai_systems\n", "count:", "`count` needs at least one of `max`, `min`"),
        ("equals:\n  path: documents.ai_policy.owner\n", "equals:", "`equals` takes exactly one of"),
    ],
    ids=["attested", "every", "matches", "count-bounds", "equals-value"],
)
def test_missing_required_argument(tmp_path, check, operator_line, words):
    error, path, text = single_error(tmp_path, rule("r1", check))
    expect(error, path, line_of(text, operator_line), words)


@pytest.mark.parametrize(
    ("check", "argument_line", "words"),
    [
        (
            "within_days:\n  path: documents.ai_policy.last_reviewed\n  days: ten\n",
            "days: ten",
            ("`within_days.days` must be a number of days from 0 to 36500", "found text `ten`"),
        ),
        (
            'within_days:\n  path: documents.ai_policy.last_reviewed\n  days: "10"\n',
            'days: "10"',
            ("`within_days.days` must be a number of days from 0 to 36500", "found text `10`"),
        ),
        ("count:\n  in: ai_systems\n  min: -1\n", "min: -1", ("`count.min` must be a whole number", "`-1`")),
        (
            "date_order:\n  earlier: documents.ai_policy.approved_on\n  later: documents.ai_policy.last_reviewed\n"
            "  strict: maybe\n",
            "strict: maybe",
            ("`date_order.strict` must be true or false", "`maybe`"),
        ),
        (
            "document:\n  path: documents.ai_policy\n  headings: Scope\n",
            "headings: Scope",
            ("`document.headings` must be a non-empty list of text",),
        ),
        ("exists:\n  path: 42\n", "path: 42", ("`exists.path` must be a dotted path", "`42`")),
    ],
    ids=["days-word", "days-quoted", "negative-min", "strict-word", "headings-not-list", "path-number"],
)
def test_wrong_argument_type(tmp_path, check, argument_line, words):
    error, path, text = single_error(tmp_path, rule("r1", check))
    expect(error, path, line_of(text, argument_line), *words)


def test_invalid_regex_is_a_load_error(tmp_path):
    check = "matches:\n  path: documents.ai_policy.owner\n  pattern: '([a-z'\n"
    error, path, text = single_error(tmp_path, rule("r1", check))
    expect(error, path, line_of(text, "pattern:"), "`matches.pattern`", "invalid regular expression `([a-z`")


def test_path_with_an_unknown_root_and_did_you_mean(tmp_path):
    error, path, text = single_error(tmp_path, rule("r1", "exists: document.ai_policy"))
    expect(
        error,
        path,
        line_of(text, "exists: document.ai_policy"),
        "path `document.ai_policy` starts with unknown name `document`",
        hint="did you mean `documents`?",
    )


def test_a_name_bound_by_as_is_not_visible_outside_its_quantifier(tmp_path):
    check = """\
all:
  - every: {in: ai_systems, as: system, check: {exists: system.owner}}
  - exists: system.name
"""
    error, path, text = single_error(tmp_path, rule("r1", check))
    expect(error, path, line_of(text, "exists: system.name"), "path `system.name` starts with unknown name `system`")


def test_for_each_name_is_visible_in_check_but_not_in_another_rule(tmp_path):
    each = rule("r1", "exists: system.owner", extra="for_each: {in: ai_systems, as: system}")
    error, path, text = single_error(tmp_path, each, rule("r2", "exists: system.owner"))
    expect(error, path, line_of(text, "exists: system.owner", nth=2), "unknown name `system`")


@pytest.mark.parametrize(
    ("check", "extra"),
    [
        ("every:\n  in: ai_systems\n  as: risks\n  check: {exists: risks.owner}\n", ""),
        ("exists: risks.owner", "for_each: {in: ai_systems, as: risks}"),
        ("count:\n  in: ai_systems\n  as: documents\n  min: 1\n", ""),
    ],
    ids=["every", "for_each", "count"],
)
def test_as_may_not_hide_a_facts_root(tmp_path, check, extra):
    path, text = write_pack(tmp_path / "rules", rule("r1", check, extra=extra))
    name = "documents" if "documents" in check else "risks"
    errors = load_errors(path.parent)
    hiding = [d for d in errors if "hides" in d.message]
    assert len(hiding) == 1, [str(d) for d in errors]
    expect(
        hiding[0], path, line_of(text, f"as: {name}"), f"`as: {name}` hides the facts root `{name}`", hint_words="name"
    )


# ---- rule keys, controls, severities -------------------------------------------------


def test_unknown_control_with_did_you_mean(tmp_path):
    error, path, text = single_error(tmp_path, rule("r1", control="A.2.22"))
    expect(
        error,
        path,
        line_of(text, "control: A.2.22"),
        "rule `r1` names `A.2.22`, which is not in the catalog",
        hint="did you mean `A.2.2`?",
    )


def test_unquoted_clause_id_is_a_number_and_the_hint_says_quote_it(tmp_path):
    error, path, text = single_error(tmp_path, rule("r1", control="5.2"))
    expect(error, path, line_of(text, "control: 5.2"), "control", "must be a string", "`5.2`", hint_words="quote it")


def test_unknown_severity(tmp_path):
    error, path, text = single_error(tmp_path, rule("r1", severity="critical"))
    expect(error, path, line_of(text, "severity: critical"), "`critical`", "major", "minor", "observation")


def test_unknown_rule_key_with_did_you_mean(tmp_path):
    error, path, text = single_error(tmp_path, rule("r1", extra="requirs: [r0]"))
    expect(error, path, line_of(text, "requirs:"), "unknown key `requirs`", hint="did you mean `requires`?")


def test_missing_rule_key(tmp_path):
    text = HEADER + "  - id: r1\n    control: A.2.2\n    title: T\n    severity: major\n    remediation: Fix.\n"
    path, _ = write_pack(tmp_path / "rules", text=text)
    error = only(load_errors(path.parent))
    expect(error, path, line_of(text, "- id: r1"), "check")


# ---- dependencies ----------------------------------------------------------------------


def test_dangling_requires_with_did_you_mean(tmp_path):
    error, path, text = single_error(
        tmp_path, rule("policy-approved", extra="requires: [policy-documentd]"), rule("policy-documented")
    )
    expect(
        error,
        path,
        line_of(text, "requires:"),
        "rule `policy-approved` requires `policy-documentd`, which is not a loaded rule",
        hint="did you mean `policy-documented`?",
    )


def cycle_of(tmp_path: Path, requires: dict[str, str]) -> tuple[Diagnostic, Path, str]:
    rules = [rule(rule_id, extra=f"requires: [{required}]") for rule_id, required in requires.items()]
    return single_error(tmp_path, *rules)


def arrows(*ids: str) -> str:
    """A cycle as the loader spells it: each rule requires the next."""
    return " → ".join(f"`{i}`" for i in ids) + " (each requires the next)"


def test_two_cycle_is_spelled_out(tmp_path):
    error, path, text = cycle_of(tmp_path, {"a": "b", "b": "a"})
    expect(error, path, line_of(text, "requires: [b]"), f"dependency cycle: {arrows('a', 'b', 'a')}")
    assert error.hint and "require itself" in error.hint


def test_three_cycle_is_spelled_out(tmp_path):
    error, _, text = cycle_of(tmp_path, {"a": "b", "b": "c", "c": "a"})
    assert error.line == line_of(text, "requires: [b]")
    assert error.message in (
        f"dependency cycle: {arrows('a', 'b', 'c', 'a')}",
        f"dependency cycle: {arrows('a', 'c', 'b', 'a')}",
    ), error.message


def test_three_cycle_arrows_point_from_a_rule_to_what_it_requires(tmp_path):
    """`a` requires `b`, `b` requires `c`, `c` requires `a`: read as `requires`, the arrows say so."""
    error, path, text = cycle_of(tmp_path, {"a": "b", "b": "c", "c": "a"})
    expect(error, path, line_of(text, "requires: [b]"), f"dependency cycle: {arrows('a', 'b', 'c', 'a')}")


def test_self_requirement_is_a_cycle(tmp_path):
    error, path, text = cycle_of(tmp_path, {"a": "a"})
    expect(error, path, line_of(text, "requires: [a]"), f"dependency cycle: {arrows('a', 'a')}")
    assert error.hint and "cannot require itself" in error.hint


def test_a_cycle_beside_sound_rules_names_only_the_cycle(tmp_path):
    error, _, _ = cycle_of(tmp_path, {"ok": "base", "base": "base-of-base", "base-of-base": "x", "x": "y", "y": "x"})
    assert error.message == f"dependency cycle: {arrows('x', 'y', 'x')}"


# ---- ids across packs and directories -------------------------------------------------------


def test_duplicate_rule_id_in_one_pack(tmp_path):
    error, path, text = single_error(tmp_path, rule("twice"), rule("other"), rule("twice"))
    first, second = line_of(text, "- id: twice"), line_of(text, "- id: twice", nth=2)
    expect(error, path, second, "duplicate rule id `twice`", f"(also at {path.as_posix()}:{first})")


def test_duplicate_rule_id_across_packs_of_one_directory(tmp_path):
    folder = tmp_path / "rules"
    first_path, first_text = write_pack(folder, rule("twice"), name="a.yaml")
    second_path, second_text = write_pack(folder, rule("other"), rule("twice"), name="b.yaml")
    error = only(load_errors(folder))
    expect(
        error,
        second_path,
        line_of(second_text, "- id: twice"),
        "duplicate rule id `twice`",
        f"{first_path.as_posix()}:{line_of(first_text, '- id: twice')}",
    )


def test_a_later_directory_overrides_a_builtin_rule(tmp_path):
    builtin = api.load_rules()
    target = "a2.2-policy-documented"
    assert target in builtin.rules
    path, _ = write_pack(tmp_path / "org-rules", rule(target, "exists: documents.ai_policy.owner"))
    loaded = api.load_rules([path.parent])
    assert set(loaded.rules) == set(builtin.rules)
    assert loaded.rules[target].source == path.as_posix()
    assert loaded.rules[target].title == f"Rule {target}"
    assert loaded.rules[target].pack == "test-pack"
    assert loaded.order.index(target) < min(
        loaded.order.index(r) for r, rule_ in loaded.rules.items() if target in rule_.requires
    )


def test_a_later_directory_overrides_an_earlier_one(tmp_path):
    first, _ = write_pack(tmp_path / "one", rule("shared", control="A.2.2"), rule("only-one"))
    second, _ = write_pack(tmp_path / "two", rule("shared", control="A.2.3"))
    loaded = api.load_rules([first.parent, second.parent], builtin=False)
    assert set(loaded.rules) == {"shared", "only-one"}
    assert loaded.rules["shared"].control == "A.2.3"
    assert loaded.rules["shared"].source == second.as_posix()


def test_missing_rules_directory(tmp_path):
    error = only(load_errors(tmp_path / "nowhere"))
    assert error.file == str(tmp_path / "nowhere")
    assert "does not exist" in error.message


# ---- malformed packs and many errors at once ----------------------------------------------------


def test_malformed_yaml_in_a_pack(tmp_path):
    text = HEADER + rule("r1").replace("title: Rule r1", "title: Rule: r1: broken")
    path, _ = write_pack(tmp_path / "rules", text=text)
    error = only(load_errors(path.parent))
    expect(error, path, line_of(text, "title: Rule: r1"), "malformed YAML")


def test_a_pack_that_is_not_a_mapping(tmp_path):
    path, _ = write_pack(tmp_path / "rules", text="- just\n- a list\n")
    error = only(load_errors(path.parent))
    expect(error, path, 1, "a rule pack is a mapping")


def test_several_operator_errors_are_reported_together(tmp_path):
    path, text = write_pack(
        tmp_path / "rules",
        rule("r1", "exsts: documents.ai_policy"),
        rule("r2", "document:\n  path: documents.ai_policy\n  heading: [Scope]\n"),
        rule("r3", "matches:\n  path: documents.ai_policy.owner\n  pattern: '(['\n"),
        rule("r4", control="A.2.22"),
        rule("fine"),
        rule("r5", "within_days:\n  path: documents.ai_policy.last_reviewed\n  days: ten\n"),
    )
    errors = load_errors(path.parent)
    assert [(d.line, d.hint) for d in errors] == [
        (line_of(text, "exsts:"), "did you mean `exists`?"),
        (line_of(text, "heading:"), "did you mean `headings`?"),
        (line_of(text, "pattern:"), None),
        (line_of(text, "control: A.2.22"), "did you mean `A.2.2`?"),
        (line_of(text, "days: ten"), None),
    ], [str(d) for d in errors]
    assert all(d.file == path.as_posix() for d in errors)


def test_shape_and_operator_errors_are_reported_together(tmp_path):
    """A pack's shape errors (severity, keys) must not hide the operator errors of its other rules."""
    path, text = write_pack(
        tmp_path / "rules",
        rule("r1", "exsts: documents.ai_policy"),
        rule("r2", severity="critical"),
        rule("r3", extra="requirs: [r1]"),
        rule("r4", "matches:\n  path: documents.ai_policy.owner\n  pattern: '(['\n"),
    )
    errors = load_errors(path.parent)
    lines = sorted(d.line for d in errors)
    expected = sorted(
        [
            line_of(text, "exsts:"),
            line_of(text, "severity: critical"),
            line_of(text, "requirs:"),
            line_of(text, "pattern:"),
        ]
    )
    assert lines == expected, [str(d) for d in errors]


def test_errors_in_every_pack_of_a_directory_are_reported(tmp_path):
    folder = tmp_path / "rules"
    first, first_text = write_pack(folder, rule("r1", "exsts: documents.ai_policy"), name="a.yaml")
    second, second_text = write_pack(folder, rule("r2", control="A.2.22"), name="b.yaml")
    errors = load_errors(folder)
    assert [(d.file, d.line) for d in errors] == [
        (first.as_posix(), line_of(first_text, "exsts:")),
        (second.as_posix(), line_of(second_text, "control: A.2.22")),
    ]


# ---- the built-in packs -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def builtin():
    return api.load_rules()


def test_builtin_packs_load_cleanly(builtin):
    assert builtin.rules
    assert builtin.packs and all(count > 0 for _, _, count in builtin.packs)
    assert sum(count for _, _, count in builtin.packs) == len(builtin.rules)
    for rule_id, loaded in builtin.rules.items():
        assert loaded.id == rule_id
        assert loaded.control in builtin.catalog.entries, rule_id
        assert loaded.severity in api.SEVERITIES
        assert loaded.remediation.strip()
        assert all(required in builtin.rules for required in loaded.requires), rule_id


def test_builtin_dependency_graph_is_a_dag_in_prerequisite_order(builtin):
    graph = builtin.graph
    assert nx.is_directed_acyclic_graph(graph)
    assert set(graph.nodes) == set(builtin.rules)
    assert sorted(builtin.order) == sorted(builtin.rules)
    assert len(builtin.order) == len(set(builtin.order))
    position = {rule_id: index for index, rule_id in enumerate(builtin.order)}
    for rule_id, loaded in builtin.rules.items():
        for required in loaded.requires:
            assert graph.has_edge(required, rule_id)
            assert position[required] < position[rule_id], f"{required} must come before {rule_id}"
    assert graph.number_of_edges() == sum(len(set(r.requires)) for r in builtin.rules.values())


def test_evaluation_order_puts_prerequisites_first_then_catalog_order(tmp_path):
    """`needs-late` (A.2.2) requires `late` (10.2): the prerequisite runs first despite the catalog."""
    path, _ = write_pack(
        tmp_path / "rules",
        rule("needs-late", control="A.2.2", extra="requires: [late]"),
        rule("late", control="'10.2'"),
        rule("middle", control="'5.2'"),
        rule("early", control="A.2.3"),
    )
    loaded = api.load_rules([path.parent], builtin=False)
    order = list(loaded.order)
    assert order.index("late") < order.index("needs-late")
    assert order.index("early") < order.index("middle")
    assert nx.is_directed_acyclic_graph(loaded.graph)
    assert list(loaded.graph.edges) == [("late", "needs-late")]


@pytest.mark.parametrize(
    ("check", "needle", "words", "hint"),
    [
        (
            "equals: {path: documents.ai_policy.stauts, value: approved}",
            "stauts",
            "`documents.ai_policy` has no field `stauts`",
            "did you mean `status`?",
        ),
        (
            "every:\n  in: ai_systems\n  as: system\n  check: {exists: system.ownr}\n",
            "system.ownr",
            "`system` has no field `ownr`",
            "did you mean `owner`?",
        ),
        (
            "exists: ai_systems.owner",
            "ai_systems.owner",
            "`ai_systems` is a list; read its entries with `every`, `some` or `count`",
            None,
        ),
        (
            "exists: organization.name.first",
            "organization.name.first",
            "`organization.name` is a single value; it has no field `first`",
            None,
        ),
    ],
    ids=["front-matter", "bound-item", "into-a-list", "into-a-value"],
)
def test_paths_are_checked_against_the_facts_schema_to_their_last_step(tmp_path, check, needle, words, hint):
    path, text = write_pack(tmp_path / "rules", rule("r1", check))
    (error,) = load_errors(path.parent)
    expect(error, path, line_of(text, needle), words, hint=hint)


def test_open_places_in_the_schema_accept_any_name(tmp_path):
    check = "all:\n  - exists: organization.extra.anything.below\n  - exists: documents.any_named_document.owner\n"
    path, _ = write_pack(tmp_path / "rules", rule("r1", check))
    assert "r1" in api.load_rules([path.parent], builtin=False).rules


def test_an_inner_name_may_not_hide_an_outer_one(tmp_path):
    check = "some:\n  in: ai_systems\n  as: system\n  check: {exists: system.owner}\n"
    path, text = write_pack(tmp_path / "rules", rule("r1", check, extra="for_each: {in: ai_systems, as: system}\n"))
    (error,) = load_errors(path.parent)
    expect(error, path, line_of(text, "as: system", 2), "`as: system` hides the outer name `system`")


def test_a_count_that_can_never_pass_is_a_load_error(tmp_path):
    path, text = write_pack(tmp_path / "rules", rule("r1", "count: {in: ai_systems, min: 5, max: 1}"))
    (error,) = load_errors(path.parent)
    expect(error, path, line_of(text, "count:"), "`count` can never pass: `min` 5 is above `max` 1")


def test_listed_values_must_be_single_values(tmp_path):
    path, text = write_pack(
        tmp_path / "rules", rule("r1", "one_of: {path: documents.ai_policy.status, values: [[a], {b: 1}]}")
    )
    (error,) = load_errors(path.parent)
    expect(error, path, line_of(text, "one_of:"), "`one_of.values` must be a non-empty list of single values")


def test_a_quantifier_over_something_that_is_no_list_is_a_load_error(tmp_path):
    check = "some:\n  in: documents.ai_policy\n  as: d\n  check: {exists: d.owner}\n"
    path, text = write_pack(tmp_path / "rules", rule("r1", check))
    (error,) = load_errors(path.parent)
    expect(error, path, line_of(text, "in: documents.ai_policy"), "`some.in`: `documents.ai_policy` is not a list")


def test_a_nested_quantifier_needs_its_own_name(tmp_path):
    check = "every:\n  in: ai_systems\n  check:\n    some: {in: risks, check: {exists: item.id}}\n"
    path, text = write_pack(tmp_path / "rules", rule("r1", check))
    (error,) = load_errors(path.parent)
    expect(error, path, line_of(text, "some:"), "a nested `some` needs its own `as:` name")
