"""The CI examples are real configuration: they parse and use only options annexa has."""

from __future__ import annotations

import shlex

import yaml

from annexa.cli import main

from conftest import REPO_ROOT


def _annexa_commands(text: str) -> list[list[str]]:
    commands = []
    for line in text.splitlines():
        line = line.strip().removeprefix("- ").strip()
        if line.startswith(("annexa ", "entry: annexa ")):
            words = shlex.split(line.removeprefix("entry: "))
            commands.append([w for w in words if not w.startswith("$")])
    return commands


def test_examples_parse_and_name_real_options():
    files = [
        REPO_ROOT / "examples" / "github-actions.yml",
        REPO_ROOT / "examples" / "gitlab-ci.yml",
        REPO_ROOT / ".pre-commit-hooks.yaml",
    ]
    seen = 0
    for file in files:
        text = file.read_text(encoding="utf-8")
        yaml.safe_load(text)
        for words in _annexa_commands(text):
            command = main.commands[words[1]]
            known = {opt for param in command.params for opt in getattr(param, "opts", [])}
            for word in words[2:]:
                if word.startswith("-"):
                    assert word in known, f"{file.name}: `{word}` is not an option of `annexa {words[1]}`"
            seen += 1
    assert seen >= 5


def test_the_pre_commit_hooks_are_well_formed():
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {h["id"] for h in hooks} == {"annexa-validate", "annexa-check"}
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["pass_filenames"] is False
