"""Diagnostics: every problem with the input names its file and line.

Input errors are collected rather than raised one at a time, so a user fixes
every problem in one pass (as Cedar's parser does). Problems in rule packs and
problems in an organization's facts are different types: the first is the
rule author's to fix, the second the organization's.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem, located; messages are lowercase and quote user values in backticks."""

    file: str
    line: int | None
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.message}"
        return safe_text(f"{text} ({self.hint})" if self.hint else text)

    def sort_key(self) -> tuple[str, int, str]:
        return (self.file, self.line or 0, self.message)


class AnnexaInputError(Exception):
    """Bad input: the command exits with code 2 and prints every diagnostic."""

    kind = "input"

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = sorted(set(diagnostics), key=Diagnostic.sort_key)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class FactsError(AnnexaInputError):
    """A problem in the governance repository (the organization's facts)."""

    kind = "facts"


class RulesError(AnnexaInputError):
    """A problem in a rule pack or the catalog."""

    kind = "rules"


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")  # newlines too: no fact may start a line of its own


def safe_text(text: str) -> str:
    """User text on one line with control characters escaped.

    No fact can drive the terminal it is printed on, nor start a line of its
    own in a CI log (where `::error ...` at a line start is a command).
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


_CONTROL_KEEPING_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe_lines(text: str) -> str:
    """Like `safe_text`, but line breaks stay: for files whose cells may span lines (CSV)."""
    return _CONTROL_KEEPING_LINES.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def quoted_scalar(value: object, limit: int, fold_lines: bool = False) -> str:
    """A scalar in backticks, spelled as YAML spells it (dates ISO, `null`, `true`), on one safe line, clipped.

    One spelling for values in every message, whether a rule's reason or a
    validation error, so a reader sees the same value written the same way.
    A reason folds line breaks into spaces (it quotes prose); a validation
    error shows them escaped, since the exact value is what is wrong.
    """
    if value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, dt.date):
        text = value.isoformat()
    else:
        text = str(value)
    text = safe_text(text.replace("\n", " ") if fold_lines else text)
    return f"`{text[:limit]}…`" if len(text) > limit else f"`{text}`"


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest known spelling, the way a reviewer would point at a typo."""
    close = difflib.get_close_matches(str(word), sorted(set(choices)), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None


class Collector:
    """Gathers diagnostics across a whole loading stage, then raises them together."""

    def __init__(self, error_type: type[AnnexaInputError]):
        self.error_type = error_type
        self.items: list[Diagnostic] = []

    def add(self, file: str, line: int | None, message: str, hint: str | None = None) -> None:
        self.items.append(Diagnostic(file, line, message, hint))

    def extend(self, error: AnnexaInputError) -> None:
        self.items.extend(error.diagnostics)

    def raise_if_any(self) -> None:
        if self.items:
            raise self.error_type(self.items)
