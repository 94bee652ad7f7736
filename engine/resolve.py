"""Resolving a rule's dotted path in the facts, keeping where the value was found.

This is the harness of the evaluator (jsonschema's descent helper plays the
same part): operators ask for a path and get back the value together with its
file and line, or a note saying exactly where the trail stopped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .documents import Document
from .located import FactList, FactMap, Location

MISSING = object()


@dataclass(frozen=True, slots=True)
class CompiledPath:
    text: str
    head: str
    rest: tuple[str, ...]
    shape: object = field(default=None, compare=False)  # the facts schema of what it names, if known


@dataclass(slots=True)
class Found:
    path: str
    value: object
    location: Location | None
    note: str | None = None  # why nothing was found
    undeclared: bool = False  # the path names a register or document the manifest does not declare

    @property
    def missing(self) -> bool:
        return self.value is MISSING

    def is_empty(self) -> bool:
        value = self.value
        if isinstance(value, Document):
            return not value.exists
        return blank(value)


# Text people write where the answer should go, before they have one.
_PLACEHOLDER = re.compile(
    r"[\s\W_]*(?:tb[dca]|todo|fixme|xxx+|n/?a|placeholder|to be (?:defined|decided|determined|confirmed|agreed))"
    r"[\s\W_]*|[\s\W_]*",
    re.IGNORECASE,
)


def placeholder(value: object) -> bool:
    """Text that stands where an answer should be: `TBD`, `n/a`, `TODO`, `-`, `?`."""
    return isinstance(value, str) and _PLACEHOLDER.fullmatch(value) is not None


def blank(value: object) -> bool:
    """Nothing recorded: missing, null, blank or placeholder text, or a list or mapping holding only such values.

    A `" "` owner, a `TBD` justification or an `[""]` list of affected groups
    is not evidence.
    """
    if value is MISSING or value is None:
        return True
    if isinstance(value, str):
        return placeholder(value)
    if isinstance(value, list):
        return all(blank(item) for item in value)
    if isinstance(value, dict):
        return not value
    return False


class Context:
    """What a predicate sees: the facts' roots, names bound by quantifiers, the as-of date."""

    __slots__ = ("as_of", "bindings", "indexes", "roots", "undeclared")

    def __init__(
        self,
        roots: dict,
        as_of: dt.date,
        undeclared: dict[str, Location],
        bindings: dict | None = None,
        indexes: dict | None = None,
    ):
        self.roots = roots
        self.as_of = as_of
        self.undeclared = undeclared
        self.bindings: dict[str, Found] = bindings or {}
        self.indexes: dict = indexes if indexes is not None else {}  # shared join indexes

    def bind(self, name: str, found: Found) -> Context:
        return Context(self.roots, self.as_of, self.undeclared, {**self.bindings, name: found}, self.indexes)


def _step(
    value: object, location: Location | None, part: str, walked: str
) -> tuple[object, Location | None, str | None]:
    if isinstance(value, Document):
        if not value.exists:
            return MISSING, value.referenced_at, value.absence()
        front = value.front
        if front is None or part not in front:
            return MISSING, Location(value.path, 1), f"`{value.path}` front matter has no `{part}`"
        return front[part], front.key_location(part), None
    if isinstance(value, dict):
        if part not in value:
            where = value.location() if isinstance(value, FactMap) else location
            return MISSING, where, f"`{walked}` has no `{part}`"
        return value[part], (value.key_location(part) if isinstance(value, FactMap) else location), None
    if value is None:
        return MISSING, location, f"`{walked}` is empty"
    return (
        MISSING,
        location,
        f"`{walked}` is {'a list' if isinstance(value, list) else 'a single value'}, not a mapping",
    )


def resolve(path: CompiledPath, ctx: Context) -> Found:
    """Follow the path; stops at the first missing step and says where."""
    bound = ctx.bindings.get(path.head)
    if bound is not None:
        value, location = bound.value, bound.location
    elif path.head in ctx.roots:
        value = ctx.roots[path.head]
        location = value.location() if isinstance(value, (FactMap, FactList)) else None
    else:
        declared_at = ctx.undeclared.get(path.head)
        note = f"register `{path.head}` is not declared in aims.yaml"
        return Found(path.text, MISSING, declared_at, note, undeclared=True)
    walked = path.head
    for part in path.rest:
        if value is MISSING:
            break
        value, location, note = _step(value, location, part, walked)
        if note is not None:
            undeclared = path.head == "documents" and walked == "documents"  # a document the manifest never names
            return Found(path.text, MISSING, location, note, undeclared=undeclared)
        walked = f"{walked}.{part}"
    if value is None:
        return Found(path.text, None, location, f"`{path.text}` is empty")
    return Found(path.text, value, location)


def items_of(found: Found, positions: list[int] | None = None) -> list[tuple[object, Location | None, str]]:
    """Entries of a collection (all, or those at `positions`), each with its location and a label (its id)."""
    value = found.value
    if not isinstance(value, list):
        return []
    located = isinstance(value, FactList)
    result = []
    used: dict[str, int] = {}
    for index in range(len(value)) if positions is None else positions:
        item = value[index]
        location = value.item_location(index) if located else found.location
        label = None
        if isinstance(item, dict):
            label = item.get("id") or item.get("control")
        elif isinstance(item, (str, int, float, dt.date)) and not isinstance(item, bool):
            label = item.isoformat() if isinstance(item, dt.date) else item
        text = str(label) if label is not None else f"#{index + 1}"
        used[text] = used.get(text, 0) + 1
        if used[text] > 1:  # the same value twice in a list: each occurrence is its own subject
            text = f"{text}#{used[text]}"
        result.append((item, location, text))
    if positions is None and all(not text.startswith("#") for _, _, text in result):
        result.sort(key=lambda entry: entry[2])  # entries named by id or value: their order in the file is not meaning
    return result
