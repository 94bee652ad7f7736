"""Write the golden expectation file of each fixture: `python tests/golden/update.py [NAME...]`.

A golden file pins what annexa concludes about a sample organization: the
status of every control and clause, and for each fail the words its reason
must contain (the fact it names and where). Regenerate only after reading
the diff: a changed golden file is a changed verdict an auditor would see.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent.parent / "fixtures"
AS_OF = dt.date(2026, 11, 28)
_LOCATED = re.compile(r"\(([\w./-]+\.(?:ya?ml|md):\d+)\)")
_QUOTED = re.compile(r"`[^`]+`")


def expectation(fixture: Path) -> dict:
    from annexa.engine import api

    report = api.report(api.check(fixture, AS_OF))
    fails = []
    for result in report["results"]:
        if result["status"] != "fail":
            continue
        words = []  # the innermost fact the reason names, and where: the last path and the last location in it
        paths = [q for q in _QUOTED.findall(result["reason"]) if "." in q and " " not in q]
        quoted = paths or _QUOTED.findall(result["reason"])
        if quoted:
            words.append(quoted[-1])
        located = _LOCATED.findall(result["reason"])
        if located:
            words.append(located[-1])
        fails.append({"rule": result["rule"], "subject": result["subject"], "reason": words})
    return {
        "fixture": fixture.name,
        "as_of": AS_OF.isoformat(),
        "controls": {c["id"]: c["status"] for c in report["controls"]},
        "fails": fails,
    }


def main(names: list[str]) -> int:
    fixtures = sorted(p for p in FIXTURES.iterdir() if (p / "aims.yaml").is_file())
    unknown = set(names) - {p.name for p in fixtures}
    if unknown:
        print(f"no such fixture: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    for fixture in fixtures:
        if names and fixture.name not in names:
            continue
        text = yaml.safe_dump(expectation(fixture), sort_keys=False, allow_unicode=True, width=120)
        (HERE / f"{fixture.name}.yaml").write_text(text, encoding="utf-8")
        print(f"wrote tests/golden/{fixture.name}.yaml")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
