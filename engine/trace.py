"""The trace: the tree of every predicate evaluated for one result.

Operators only say what they found and whether it satisfied them; the
harness (facts resolution) supplies paths and locations. A reader of a
trace never has to rerun anything to know why a rule passed or failed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .errors import quoted_scalar
from .located import Location


@dataclass(slots=True)
class Trace:
    op: str
    passed: bool
    reason: str
    path: str | None = None
    found: object = None
    location: Location | None = None
    expected: object = None
    item: str | None = None
    children: tuple[Trace, ...] = ()
    unknown: bool = False  # failed for want of data, not because the data says no

    def failing_leaves(self) -> list[Trace]:
        """The innermost failing predicates, where a fail's real cause is stated."""
        if self.passed:
            return []
        leaves = [leaf for child in self.children for leaf in child.failing_leaves()]
        return leaves or [self]

    def locations(self) -> set[Location]:
        found = {self.location} if self.location is not None else set()
        for child in self.children:
            found |= child.locations()
        return found


def show(value: object) -> str:
    """A value as it appears inside a reason."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return str(value)  # numbers bare, text in backticks: `1` and 1 must read differently
    if isinstance(value, dict):
        return f"a mapping of {len(value)} keys"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return quoted_scalar(value, 80, fold_lines=True)


def at(location: Location | None) -> str:
    return f" ({location})" if location is not None else ""


def jsonable(value: object) -> object:
    """A fact value as JSON: dates as ISO strings, documents by path, big containers summarized."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        if len(value) > 20:
            return {"keys": len(value)}
        return {str(k): jsonable(value[k]) for k in sorted(value, key=str)}  # key order in a file is not meaning
    if isinstance(value, list):
        if len(value) > 20:
            return {"items": len(value)}
        return [jsonable(v) for v in value]
    return str(value)
