"""Rule tests as data (`annexa test`) and the vacuous-pass guard (`annexa test --mutate`).

A test case is a base governance repository, a small patch, and the results
expected of named rules (status and reason fragments), as in `opa test` or
Cedar's integration tests. Coverage counts the rules seen both passing and
failing in what the cases assert. The mutation guard removes, one at a
time, each fact a passing result read, and reports rules that still pass:
those rules prove nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .api import judge
from .errors import AnnexaInputError, Collector, Diagnostic, RulesError
from .evaluate import Evaluation, Result
from .located import FactList, FactMap
from .rules import RuleSet, load_rules
from .schema_store import compiler
from .yamlsafe import read_yaml_file

DEFAULT_AS_OF = dt.date(2026, 11, 28)


@dataclass
class CaseOutcome:
    name: str
    source: str
    passed: bool
    problems: list[str] = field(default_factory=list)
    asserted: list[tuple[str, str]] = field(default_factory=list)  # (rule, status) that held


@dataclass
class TestRun:
    outcomes: list[CaseOutcome]
    rules: list[str]  # every loaded rule id
    seen: dict[str, set[str]]  # rule → statuses asserted and held

    def covered(self) -> list[str]:
        return [r for r in self.rules if {"pass", "fail"} <= self.seen.get(r, set())]

    def coverage(self) -> float:
        return 100.0 * len(self.covered()) / len(self.rules) if self.rules else 100.0


def test_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise RulesError([Diagnostic(str(directory), None, "test directory does not exist")])
    files = sorted(p for p in directory.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        raise RulesError([Diagnostic(str(directory), None, "test directory holds no test files (`*.yaml`)")])
    return files


def load_cases(files: list[Path]) -> list[tuple[Path, FactMap, dict]]:
    """Every case of every file, schema-checked, with the file-level defaults it inherits."""
    errors = Collector(RulesError)
    check_file = compiler("tests").compile(compiler("tests").document)
    cases = []
    for file in files:
        try:
            data = read_yaml_file(file, file.as_posix())
        except AnnexaInputError as exc:
            errors.extend(exc)
            continue
        from .validation import validate

        outcome = validate(check_file, data, getattr(data, "line", 1), "tests")
        for line, message, hint in outcome.errors:
            errors.add(file.as_posix(), line, message, hint)
        if outcome.errors:
            continue
        defaults = {"as_of": data.get("as_of", DEFAULT_AS_OF)}
        cases.extend((file, case, defaults) for case in data["cases"])
    errors.raise_if_any()
    return cases


def _apply_patch(root: Path, patch: FactMap, source: str) -> list[str]:
    problems = []
    for name, change in patch.items():
        target = root / name
        line = patch.key_lines.get(name)
        if not Path(os.path.realpath(target)).is_relative_to(root):
            problems.append(f"{source}:{line}: patch path `{name}` leaves the repository")
            continue
        if change.get("delete"):
            if target.exists():
                target.unlink()
            else:
                problems.append(f"{source}:{line}: cannot delete `{name}`: it does not exist")
            continue
        if "content" in change:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(change["content"], encoding="utf-8")
        for replacement in change.get("replace", []):
            if not target.is_file():
                problems.append(f"{source}:{line}: cannot patch `{name}`: it does not exist")
                break
            text = target.read_text(encoding="utf-8")
            if replacement["old"] not in text:
                problems.append(f"{source}:{line}: `{replacement['old']}` does not occur in `{name}`")
                continue
            target.write_text(text.replace(replacement["old"], replacement["new"]), encoding="utf-8")
    return problems


def _find(evaluation: Evaluation, expectation: FactMap) -> tuple[Result | None, str | None]:
    rule = expectation["rule"]
    results = [r for r in evaluation.results if r.rule.id == rule]
    if not results:
        return None, f"rule `{rule}` gave no result (is it loaded?)"
    if "subject" in expectation:
        chosen = [r for r in results if r.subject == expectation["subject"]]
        if not chosen:
            subjects = ", ".join(str(r.subject) for r in results)
            return None, f"rule `{rule}` has no result for subject `{expectation['subject']}` (it has: {subjects})"
        return chosen[0], None
    if len(results) > 1:
        subjects = ", ".join(str(r.subject) for r in results)
        return None, f"rule `{rule}` has {len(results)} results; name the `subject` (one of: {subjects})"
    return results[0], None


def _restricted(ruleset: RuleSet, rule_id: str) -> RuleSet:
    """The rule and everything it requires, directly or not: all a mutation needs to judge it again."""
    import networkx as nx

    keep = nx.ancestors(ruleset.graph, rule_id) | {rule_id}
    return RuleSet(
        {r: ruleset.rules[r] for r in keep},
        tuple(r for r in ruleset.order if r in keep),
        ruleset.graph.subgraph(keep),
        ruleset.catalog,
        ruleset.packs,
        ruleset.overrides,
    )


def run_case(path: Path, case: FactMap, defaults: dict, ruleset: RuleSet) -> CaseOutcome:
    source = path.as_posix()
    outcome = CaseOutcome(case["name"], f"{source}:{case.line}", True)
    base = (path.parent / case["base"]).resolve()
    with tempfile.TemporaryDirectory(prefix="annexa-test-") as folder:
        root = Path(folder) / "repo"
        if not base.is_dir():
            outcome.passed = False
            outcome.problems.append(f"{source}:{case.key_lines['base']}: base `{case['base']}` is not a directory")
            return outcome
        shutil.copytree(base, root, symlinks=True)
        root = Path(os.path.realpath(root))
        outcome.problems.extend(_apply_patch(root, case.get("patch") or FactMap(source, case.line), source))
        if outcome.problems:
            outcome.passed = False
            return outcome
        try:
            evaluation = judge(root, ruleset, case.get("as_of", defaults["as_of"]))
        except AnnexaInputError as exc:
            outcome.passed = False
            outcome.problems.extend(f"the patched repository is bad input: {d}" for d in exc.diagnostics)
            return outcome
    expectations: FactList = case["expect"]
    for index, expectation in enumerate(expectations):
        line = expectations.item_lines[index]
        result, problem = _find(evaluation, expectation)
        if result is None:
            outcome.problems.append(f"{source}:{line}: {problem}")
            continue
        wrong = []
        if result.status != expectation["status"]:
            wrong.append(f"status is `{result.status}`, expected `{expectation['status']}`")
        wrong.extend(
            f"reason lacks `{fragment}`" for fragment in expectation.get("reason", []) if fragment not in result.reason
        )
        if wrong:
            whose = f" [{result.subject}]" if result.subject is not None else ""
            outcome.problems.append(
                f"{source}:{line}: {result.rule.id}{whose}: {'; '.join(wrong)}; reason: {result.reason}"
            )
        else:
            outcome.asserted.append((result.rule.id, result.status))
    outcome.passed = not outcome.problems
    return outcome


def run_tests(directory: Path, rule_dirs: list, builtin: bool) -> TestRun:
    ruleset = load_rules(rule_dirs, builtin=builtin)
    cases = load_cases(test_files(directory))
    outcomes = [run_case(path, case, defaults, ruleset) for path, case, defaults in cases]
    seen: dict[str, set[str]] = {}
    for outcome in outcomes:
        for rule, status in outcome.asserted:
            seen.setdefault(rule, set()).add(status)
    return TestRun(outcomes, sorted(ruleset.rules), seen)


# ---- the vacuous-pass guard ---------------------------------------------------

_KEY_LINE = re.compile(r"^(\s*)(- +)?([A-Za-z0-9_.-]+):(\s.*)?$")
_ITEM_LINE = re.compile(r"^(\s*)- ")
_HEADING_LINE = re.compile(r"^ {0,3}#{1,6}\s")


@dataclass
class Survivor:
    rule: str
    subject: str | None
    removed: str  # what was removed: file:line or a file


@dataclass
class MutationRun:
    tried: int
    killed: int
    invalid: int
    survivors: list[Survivor]


def _deciding(trace) -> list[set]:
    """Groups of facts a pass rests on, each group removed together.

    Every branch of `all` and `every` counts; of a `some`, the entry that
    qualified; of an `any` whose alternatives hold independently, the facts of
    all of them together (each alone would carry the pass).
    """
    if trace.op == "any":
        holding = [child for child in trace.children if child.passed]
        if len(holding) == 1:
            return _deciding(holding[0])
        together = set().union(*(child.locations() for child in holding))
        return [together] if together else []
    if trace.op == "some" and len(trace.children) >= 2:
        return _deciding(trace.children[-1]) + _deciding(trace.children[-2])  # the entry and why it qualified
    if trace.op == "count":  # the entries counted, removed together: one alone may be redundant
        together = {child.location for child in trace.children if child.location is not None}
        return [together] if together else []
    if trace.op in ("some", "every"):  # their own location is the collection, not a fact
        return [group for child in trace.children for group in _deciding(child)]
    groups = [{trace.location}] if trace.location is not None else []
    for child in trace.children:
        groups.extend(_deciding(child))
    return groups


def _evidence(trace) -> set:
    """Facts a pass positively rests on: passing leaves, outside `not` (which rests on an absence)."""
    if not trace.passed or trace.op == "not":
        return set()
    if not trace.children:
        return {trace.location} if trace.location is not None else set()
    return set().union(*(_evidence(child) for child in trace.children))


def _block(lines: list[str], index: int) -> range | None:
    """The lines that hold the fact starting at `index`: a key with its value, a list entry, or a heading."""
    text = lines[index]
    if _HEADING_LINE.match(text):
        return range(index, index + 1)
    match = _KEY_LINE.match(text) or _ITEM_LINE.match(text)
    if match is None:
        return None
    indent = len(match.group(1))
    end = index + 1
    while end < len(lines):
        following = lines[end]
        if following.strip() and len(following) - len(following.lstrip(" ")) <= indent:
            break  # back at the fact's own indentation or less: the next fact
        end += 1
    return range(index, end)


def _mutations(root: Path, result: Result) -> Iterator[tuple[dict[str, str | None], dict, str]]:
    """({file: new text, or None to delete}, {file: {new line: old line}}, description) per group of facts."""
    seen: set[frozenset] = set()
    for group in _deciding(result.trace):
        key = frozenset(group)
        if not group or key in seen:
            continue
        seen.add(key)
        by_file: dict[str, list[int]] = {}
        for place in group:
            by_file.setdefault(place.file, []).append(place.line)
        changes: dict[str, str | None] = {}
        renumbered: dict[str, dict[int, int]] = {}
        described = []
        for file, line_numbers in sorted(by_file.items()):
            path = root / file
            if not path.is_file():
                continue
            if file.endswith(".md") and 1 in line_numbers:
                changes[file] = None
                described.append(f"{file} (deleted)")
                continue
            lines = path.read_text(encoding="utf-8").split("\n")
            drop: set[int] = set()
            for number in line_numbers:
                if number <= len(lines):
                    block = _block(lines, number - 1)
                    if block is not None:
                        drop.update(block)
                        described.append(f"{file}:{number} `{lines[number - 1].strip()}`")
            if drop:
                kept = [i for i in range(len(lines)) if i not in drop]
                changes[file] = "\n".join(lines[i] for i in kept)
                renumbered[file] = {new + 1: old + 1 for new, old in enumerate(kept)}
        if changes:
            yield changes, renumbered, " and ".join(described) + " (removed)"


def _nothing_new(trace, before: set, renumbered: dict[str, dict[int, int]]) -> bool:
    """Whether a pass after a mutation rests on no fact the first pass did not already rest on.

    A rule that finds other evidence (another qualifying entry) is sound; one
    that passes on what remained, or on the absence itself, proves nothing.
    """
    for place in _evidence(trace):
        line = renumbered.get(place.file, {}).get(place.line, place.line)
        if type(place)(place.file, line) not in before:
            return False
    return True


def mutate(bases: list[tuple[Path, dt.date]], rule_dirs: list, builtin: bool) -> MutationRun:
    """Remove each fact a passing result rests on, one at a time; a rule that still passes proves nothing.

    Rules are loaded once, and each mutation is judged with only the rule and
    what it requires; the file is changed in place and restored afterwards.
    """
    ruleset = load_rules(rule_dirs, builtin=builtin)
    restricted: dict[str, RuleSet] = {}
    run = MutationRun(0, 0, 0, [])
    for base, as_of in bases:
        with tempfile.TemporaryDirectory(prefix="annexa-mutate-") as folder:
            work = Path(folder) / "base"
            shutil.copytree(base, work, symlinks=True)
            evaluation = judge(work, ruleset, as_of)
            for result in evaluation.results:
                if result.status != "pass":
                    continue
                subset = restricted.setdefault(result.rule.id, _restricted(ruleset, result.rule.id))
                before = _evidence(result.trace)
                for changes, renumbered, removed in _mutations(work, result):
                    run.tried += 1
                    originals = {file: (work / file).read_bytes() for file in changes}
                    try:
                        for file, text in changes.items():
                            if text is None:
                                (work / file).unlink()
                            else:
                                (work / file).write_text(text, encoding="utf-8")
                        try:
                            after = judge(work, subset, as_of)
                        except AnnexaInputError:
                            run.invalid += 1  # the mutation made the repository invalid: nothing to learn
                            continue
                    finally:
                        for file, data in originals.items():
                            (work / file).write_bytes(data)
                    again = [r for r in after.results if r.rule.id == result.rule.id and r.subject == result.subject]
                    if again and again[0].status == "pass" and _nothing_new(again[0].trace, before, renumbered):
                        run.survivors.append(Survivor(result.rule.id, result.subject, f"{base.name}: {removed}"))
                    else:
                        run.killed += 1  # it stopped passing, or passed again on other evidence
    return run
