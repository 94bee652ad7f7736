"""Shared test helpers: small governance repositories and rule packs built from text."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from annexa.cli import main

AS_OF = dt.date(2026, 11, 28)
REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "fixtures"
SHARED = REPO_ROOT.parent / "shared"

MANIFEST = """\
annexa: 1
organization:
  name: Test Org
scope:
  statement: All AI systems of Test Org.
roles:
  sys-a: [provider, producer]
  sys-b: [customer]
registers:
  ai_systems: registers/ai-systems.yaml
documents:
  ai_policy: docs/ai-policy.md
"""

AI_SYSTEMS = """\
ai_systems:
  - id: sys-a
    name: System A
    owner: Alice
    lifecycle_stage: operation
    last_significant_change: 2026-03-01
  - id: sys-b
    name: System B
    owner: Bob
    lifecycle_stage: deployment
    last_significant_change: 2026-06-01
"""

AI_POLICY = """\
---
title: AI policy
owner: Alice
approved_by: Carol
approver_role: top_management
approved_on: 2026-01-15
status: approved
review_interval_days: 365
last_reviewed: 2026-01-15
---
# Purpose
Why we use AI responsibly.

# Scope
All AI systems.
"""


# A per-system rule several tests judge: sys-a's owner is Alice (pass), sys-b's is Bob (fail).
OWNER_IS_ALICE_RULE = """\
- id: system-owner
  control: A.3.2
  title: Each AI system has an owner named Alice
  severity: major
  for_each: {in: ai_systems, as: system}
  check: {equals: {path: system.owner, value: Alice}}
  remediation: Name an owner.
"""

# A rule not yet in force on AS_OF: its fail is a warning.
PENDING_POLICY_RULE = """\
- id: t.policy-tags
  control: A.2.2
  title: The AI policy lists its tags
  severity: major
  effective_on: 2027-01-01
  check: {exists: documents.ai_policy.tags}
  remediation: Add tags.
"""


def report_of(path, rule_dirs=(), builtin: bool = True) -> dict:
    """The JSON report of a repository as of AS_OF: what every renderer test renders."""
    from annexa.engine import api

    return api.report(api.check(path, AS_OF, list(rule_dirs), builtin_rules=builtin))


def renders_alike(render, fixture: Path, report: dict, tmp_path: Path) -> str:
    """A renderer's output, checked to be the same on every call, from a fresh report and from a copy of
    the repository elsewhere (no machine path leaks in), and to leave the report untouched."""
    untouched = copy.deepcopy(report)
    first = render(report)
    assert report == untouched
    assert render(report) == first
    assert render(report_of(fixture)) == first
    copied = shutil.copytree(fixture, tmp_path / "elsewhere" / fixture.name)
    assert render(report_of(copied)) == first
    return first


def hostile_owner_report(make_repo, make_pack, text: str, rule_pack: str) -> dict:
    """The report of an organization whose name and a system's owner are `text` (a payload a renderer must defuse)."""
    import json

    quoted = json.dumps(text)  # a JSON string is a YAML double-quoted scalar
    repo = make_repo(
        {
            "aims.yaml": MANIFEST.replace("name: Test Org", f"name: {quoted}"),
            "registers/ai-systems.yaml": AI_SYSTEMS.replace("owner: Bob", f"owner: {quoted}"),
        }
    )
    return report_of(repo, [make_pack(rule_pack)], builtin=False)


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write files (text is dedented) under root; returns root."""
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


@pytest.fixture
def make_repo(tmp_path: Path):
    """A governance repository: the minimal one, with any files replaced or added."""

    def make(files: dict[str, str | bytes | None] | None = None, name: str = "repo") -> Path:
        base: dict[str, str | bytes | None] = {
            "aims.yaml": MANIFEST,
            "registers/ai-systems.yaml": AI_SYSTEMS,
            "docs/ai-policy.md": AI_POLICY,
        }
        base.update(files or {})
        return write_tree(tmp_path / name, {k: v for k, v in base.items() if v is not None})

    return make


@pytest.fixture
def make_pack(tmp_path: Path):
    """A rules directory holding one pack with the given rules (YAML text of the list)."""

    def make(rules_yaml: str, name: str = "rules", pack: str = "test-pack") -> Path:
        body = textwrap.indent(textwrap.dedent(rules_yaml), "  ")
        text = f"annexa_rules: 1\npack: {pack}\nrules:\n{body}"
        folder = tmp_path / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "pack.yaml").write_text(text, encoding="utf-8")
        return folder

    return make


@pytest.fixture
def cli():
    """Invoke the CLI in-process; returns click's Result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke
