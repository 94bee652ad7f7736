"""Markdown documents: YAML front matter plus the headings of the body.

Rules ask two things of a document beyond its existence: that its front
matter records who owns and approved it and when, and that its body has the
sections an auditor looks for. Headings inside fenced code blocks are not
headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import Diagnostic, FactsError
from .located import FactMap, Location
from .yamlsafe import decode_text, parse_yaml_text

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*)$")  # trailing `#`s are stripped in code, not by backtracking
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# Section numbering people write before a title: `2.`, `2.1`, `1)`, `(a)`, `A.`, `IV.`
_NUMBERING = re.compile(r"^(?:\(?(?:[0-9]+(?:\.[0-9]+)*|[a-z]|[ivxlc]+)[.)]\)?|[0-9]+(?:\.[0-9]+)*)\s+", re.IGNORECASE)
_SUBTITLE = re.compile(r"\s*(?::|\s[—–-]\s)\s*")  # `Scope: what we cover`, `Scope — what we cover`


@dataclass(slots=True)
class Document:
    """A document named by the facts; `exists` is false where the file is missing."""

    path: str
    exists: bool
    referenced_at: Location
    front: FactMap | None = None
    headings: dict[str, int] = field(default_factory=dict)  # normalized title → line
    titles: dict[int, str] = field(default_factory=dict)  # line → the title as written

    def location(self) -> Location:
        return Location(self.path, 1)

    def absence(self) -> str:
        """Why a rule finds nothing in a document whose file is missing; said alike by every check."""
        return f"document `{self.path}` does not exist"

    def __str__(self) -> str:
        return self.path


def parse_markdown(data: bytes, source: str, referenced_at: Location) -> Document:
    """Split front matter from body; the front matter keeps its true line numbers."""
    text = decode_text(data, source)
    lines = text.replace("\r\n", "\n").split("\n")  # only newlines end lines, as in YAML and in editors
    front: FactMap | None = None
    body_start = 0
    if lines and lines[0].strip() == "---":
        for index in range(1, len(lines)):
            if lines[index].strip() in ("---", "..."):
                parsed = parse_yaml_text("\n".join(lines[1:index]), source, line_offset=1)
                if parsed is None:
                    parsed = FactMap(source, 1)
                if not isinstance(parsed, FactMap):
                    raise FactsError([Diagnostic(source, 2, "front matter must be a mapping of fields")])
                front = parsed
                body_start = index + 1
                break
        else:
            raise FactsError([Diagnostic(source, 1, "front matter opened with `---` is never closed")])
    headings: dict[str, int] = {}
    titles: dict[int, str] = {}
    fence = ""  # the open code fence; as in CommonMark, only the same character, at least as long, closes it
    for number in range(body_start, len(lines)):
        line = lines[number]
        opened = _FENCE.match(line)
        if opened:
            marker = opened.group(1)
            if not fence:
                fence = marker
                continue
            if marker[0] == fence[0] and len(marker) >= len(fence) and not line.strip()[len(marker) :].strip():
                fence = ""
                continue
        if not fence:
            match = _HEADING.match(line)
            if match:
                title = match.group(2).rstrip(" \t").rstrip("#").rstrip(" \t")
                if title:
                    headings.setdefault(normalize_heading(title), number + 1)
                    lead = _SUBTITLE.split(title, maxsplit=1)[0]
                    if lead and lead != title:
                        headings.setdefault(normalize_heading(lead), number + 1)
                    titles[number + 1] = title
    return Document(source, True, referenced_at, front, headings, titles)


def normalize_heading(text: str) -> str:
    """Headings compare without case, numbering, punctuation or `&`: `2. Roles & duties` is `roles and duties`."""
    text = _NUMBERING.sub("", text.strip()).casefold().replace("&", " and ")
    return " ".join(re.sub(r"[^\w\s-]", " ", text).split())  # a hyphen joins: `non-commitments` is one word


_QUALIFIERS = ("our", "the", "a", "an")
_WIDENING = ("and", "of", "for")  # words that extend a title without changing what it is about


def find_heading(headings: dict[str, int], wanted: str) -> int | None:
    """The line of the heading that is the wanted one, as people actually title sections.

    A heading may lead with `our` or `the` (`Our commitments` is `Commitments`),
    carry a subtitle after `:` or a dash, or widen the title with `and`, `of`
    or `for` (`Scope and applicability`, `Scope of this policy` are `Scope`).
    It never matches by a word inside another title: `Out of scope` is not
    `Scope`, and `Purpose not yet defined` is not `Purpose`.
    """
    target = normalize_heading(wanted).split()
    if " ".join(target) in headings:
        return headings[" ".join(target)]
    lines = []
    for heading, line in headings.items():
        words = heading.split()
        while words and words[0] in _QUALIFIERS:
            words = words[1:]
        rest = words[len(target) :]
        if words[: len(target)] == target and (not rest or rest[0] in _WIDENING):
            lines.append(line)
    return min(lines) if lines else None
