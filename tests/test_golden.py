"""Each fixture's verdicts against its golden file (tests/golden/<fixture>.yaml).

Every control's and clause's status must match, the set of failing results
must match, and each fail's reason must contain the recorded words (the fact
it names and its file:line). `python tests/golden/update.py` rewrites them.
"""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from annexa.engine import api

from conftest import FIXTURES, REPO_ROOT

GOLDEN = REPO_ROOT / "tests" / "golden"
FILES = sorted(GOLDEN.glob("*.yaml"))


def test_every_fixture_has_a_golden_file():
    fixtures = sorted(p.name for p in FIXTURES.iterdir() if (p / "aims.yaml").is_file())
    assert [f.stem for f in FILES] == fixtures


@pytest.mark.parametrize("golden", FILES, ids=[f.stem for f in FILES])
def test_fixture_verdicts_match_the_golden_file(golden):
    expected = yaml.safe_load(golden.read_text(encoding="utf-8"))
    report = api.report(api.check(FIXTURES / expected["fixture"], dt.date.fromisoformat(expected["as_of"])))
    statuses = {c["id"]: c["status"] for c in report["controls"]}
    changed = {k: (v, statuses.get(k)) for k, v in expected["controls"].items() if statuses.get(k) != v}
    assert not changed, f"control statuses changed (golden, now): {changed}"
    assert set(statuses) == set(expected["controls"])
    fails = {(r["rule"], r["subject"]): r for r in report["results"] if r["status"] == "fail"}
    wanted = {(f["rule"], f["subject"]): f for f in expected["fails"]}
    assert set(fails) == set(wanted), f"new: {set(fails) - set(wanted)}; gone: {set(wanted) - set(fails)}"
    for key, fail in wanted.items():
        for words in fail["reason"]:
            assert words in fails[key]["reason"], (key, words, fails[key]["reason"])


def test_the_readme_describes_each_sample_as_its_golden_file_has_it():
    """The README's table of samples states gap counts; they must be the golden files' counts."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    rows = {}
    for line in readme.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`") and cells[0].strip("`") in {f.stem for f in FILES}:
            rows[cells[0].strip("`")] = cells[2]
    assert set(rows) == {f.stem for f in FILES}, "every fixture has a row in the README's table of samples"
    for golden in FILES:
        fails = len(yaml.safe_load(golden.read_text(encoding="utf-8"))["fails"])
        said = rows[golden.stem]
        if fails == 0:
            assert "passes every applicable rule" in said, (golden.stem, said)
        elif said.split()[0].isdigit():
            assert int(said.split()[0]) == fails, (golden.stem, said, fails)
