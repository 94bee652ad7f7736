"""Containers that remember where each value came from.

Facts stay plain dicts and lists (cheap to build, cheap to read), with the file
and the line of every key or item kept beside them, so any value a rule reads
can be traced back to the line an auditor should look at.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A place in the governance repository: a path relative to its root and a 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class FactMap(dict):
    """A YAML mapping; `key_lines[key]` is the line of that key."""

    __slots__ = ("key_lines", "line", "source")

    def __init__(self, source: str, line: int):
        super().__init__()
        self.source = source
        self.line = line
        self.key_lines: dict[str, int] = {}

    def location(self) -> Location:
        return Location(self.source, self.line)

    def key_location(self, key: str) -> Location:
        return Location(self.source, self.key_lines.get(key, self.line))


class FactList(list):
    """A YAML sequence; `item_lines[i]` is the line of item i."""

    __slots__ = ("item_lines", "line", "source")

    def __init__(self, source: str, line: int):
        super().__init__()
        self.source = source
        self.line = line
        self.item_lines: list[int] = []

    def location(self) -> Location:
        return Location(self.source, self.line)

    def item_location(self, index: int) -> Location:
        lines = self.item_lines
        return Location(self.source, lines[index] if index < len(lines) else self.line)

    def reorder(self, order: list[int]) -> None:
        """Put items (and their lines) in a new order, e.g. sorted by id for determinism."""
        items, lines = list(self), self.item_lines
        self[:] = [items[i] for i in order]
        self.item_lines = [lines[i] for i in order] if len(lines) == len(items) else lines
