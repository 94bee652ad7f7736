"""The engine's Python API, the one the command line is built on.

from annexa.engine import api
evaluation = api.check("fixtures/northwind-ai", as_of=date(2026, 11, 28))
report = api.build_report(evaluation)
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import Sequence
from contextlib import contextmanager

from .baseline import baseline_mismatch, compare, load_baseline
from .errors import AnnexaInputError, Diagnostic, FactsError, RulesError
from .evaluate import STATUSES, Evaluation, Result, evaluate
from .facts import Facts, load_facts
from .report import build_report, iter_json, to_json
from .rollup import CONTROL_STATUSES, roll_up
from .rules import SEVERITIES, Rule, RuleSet, load_rules

FAIL_ON = (*SEVERITIES, "new", "never")


@contextmanager
def collector_paused():
    """Pause the cyclic garbage collector while building millions of acyclic objects.

    Facts, traces and reports hold no reference cycles, so the collector would
    only traverse them again and again (it more than doubled the run time at
    10,000 AI systems); reference counting still frees everything.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check(
    path: str | os.PathLike[str],
    as_of: dt.date | None = None,
    rule_dirs: Sequence[str | os.PathLike[str]] = (),
    builtin_rules: bool = True,
) -> Evaluation:
    """Load rules and facts and evaluate them; raises AnnexaInputError on bad input."""
    with collector_paused():
        ruleset = load_rules(list(rule_dirs), builtin=builtin_rules)
    return judge(path, ruleset, as_of or dt.date.today())


def judge(path: str | os.PathLike[str], ruleset: RuleSet, as_of: dt.date) -> Evaluation:
    """Load the facts at PATH and evaluate an already loaded rule set (rule tests reuse one)."""
    with collector_paused():
        return evaluate(ruleset, load_facts(path), as_of)


def report(evaluation: Evaluation) -> dict:
    """The JSON report of an evaluation (see `annexa schema report`)."""
    with collector_paused():
        return build_report(evaluation)


def gate(report: dict, fail_on: str) -> list[dict]:
    """The results of a report that fail a CI gate at `fail_on`: a severity, `new` or `never`.

    Only gating results count (see Result.gating). A blocked result counts at
    its own severity: a major rule that could not run because a minor one
    failed is a major gap. `new` counts the gating results a baseline lacked.
    """
    if fail_on == "never":
        return []
    if fail_on == "new":
        return [r for r in report["results"] if r["gating"] and r.get("baseline_state") == "new"]
    threshold = SEVERITIES.index(fail_on)
    return [r for r in report["results"] if r["gating"] and SEVERITIES.index(r["severity"]) <= threshold]


__all__ = [
    "CONTROL_STATUSES",
    "FAIL_ON",
    "STATUSES",
    "AnnexaInputError",
    "Diagnostic",
    "Evaluation",
    "Facts",
    "FactsError",
    "Result",
    "Rule",
    "RuleSet",
    "RulesError",
    "baseline_mismatch",
    "build_report",
    "check",
    "compare",
    "evaluate",
    "gate",
    "iter_json",
    "judge",
    "load_baseline",
    "load_facts",
    "load_rules",
    "roll_up",
    "to_json",
]
