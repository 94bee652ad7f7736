"""Reading YAML from an untrusted repository, keeping the line of every value.

PyYAML's C parser composes the node graph; we build values from it ourselves
so that each mapping and sequence remembers its lines, duplicate keys are
rejected, only the plain YAML types are accepted (no tags that construct
objects), and anchors cannot expand into an alias bomb. Limits on size and
nesting are checked before the C parser sees the text.
"""

from __future__ import annotations

import datetime as dt
import gc
import math
import re
from pathlib import Path

import yaml

from .errors import Diagnostic, FactsError
from .located import FactList, FactMap

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml is present on every supported platform
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIAS_EXPANSION = 100_000
# libyaml's composer recurses once per level and crashes the process somewhere
# between 10,000 and 100,000 levels; text that might nest deeper than this is
# measured from the event stream before it is composed.
SAFE_COMPOSE_DEPTH = 2_000

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_SCALAR_TAGS = {
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_MERGE = "tag:yaml.org,2002:merge"
_TAG_NAMES = {
    "tag:yaml.org,2002:int": "integer",
    "tag:yaml.org,2002:float": "number",
    "tag:yaml.org,2002:bool": "boolean",
    "tag:yaml.org,2002:timestamp": "date",
}


class _Problem(Exception):
    """A problem found while building values; becomes a Diagnostic with the file name."""

    def __init__(self, line: int, message: str, hint: str | None = None):
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


def decode_text(data: bytes, name: str, error_type: type[FactsError] = FactsError) -> str:
    """Bytes to text, refusing what no governance file should contain."""
    if len(data) > MAX_FILE_BYTES:
        raise error_type([Diagnostic(name, None, f"file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,}")])
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise error_type([Diagnostic(name, line, "file contains a NUL byte; is it binary?")])
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise error_type(
            [Diagnostic(name, line, f"file is not valid UTF-8 (byte {exc.start})", "save it as UTF-8")]
        ) from None


_SIMPLE_FLOW_LINE = re.compile(r"^[^\[\]{}\"'#\n]*[\[{][^\[\]{}\"'#\n]*[\]}][ \t]*$", re.MULTILINE)


def _nesting_bound(text: str) -> int:
    """An upper bound on nesting depth, from a few C-speed scans of the text.

    Block nesting needs a wider indent (or another `- ` on the same line), so
    it never exceeds the longest line. Flow nesting needs an opening bracket
    per level; a line holding one complete flow collection with no quotes,
    comments or further brackets (`data_sets: [ds-1, ds-2]`) adds one level
    at most and carries nothing to the next line, so only the brackets of
    other lines are counted. Registers full of short flow lists stay cheap;
    anything else falls back to counting the real depth from the event stream.
    """
    longest = max((len(line) for line in text.split("\n")), default=0)
    openers = text.count("[") + text.count("{")
    return longest + 1 + openers - len(_SIMPLE_FLOW_LINE.findall(text))


def _event_depth(text: str) -> tuple[int, int]:
    """The real nesting depth (and where it peaks) from the event stream, without recursion."""
    depth = peak = peak_line = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > peak:
                peak, peak_line = depth, event.start_mark.line + 1
                if peak > MAX_DEPTH:
                    break
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return peak, peak_line


class _Builder:
    """Turns a composed node graph into FactMap / FactList / scalars."""

    def __init__(self, source: str, line_offset: int, loader: yaml.BaseLoader):
        self.source = source
        self.offset = line_offset + 1
        self.loader = loader
        self.shared: dict[int, object] = {}

    def build(self, node: yaml.Node, depth: int = 0) -> object:
        if depth > MAX_DEPTH:
            raise _Problem(node.start_mark.line + self.offset, f"nesting deeper than {MAX_DEPTH} levels")
        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            if tag == _STR:
                return node.value
            if tag in _SCALAR_TAGS:
                return self._scalar(node)
            raise _Problem(
                node.start_mark.line + self.offset,
                f"YAML tag `{tag}` is not allowed",
                "only plain strings, numbers, booleans, dates and null are read",
            )
        known = self.shared.get(id(node))
        if known is not None:
            return known
        if isinstance(node, yaml.MappingNode):
            if tag != _MAP:
                raise _Problem(node.start_mark.line + self.offset, f"YAML tag `{tag}` is not allowed")
            result = self._mapping(node, depth)
        elif isinstance(node, yaml.SequenceNode):
            if tag != _SEQ:
                raise _Problem(node.start_mark.line + self.offset, f"YAML tag `{tag}` is not allowed")
            result = self._sequence(node, depth)
        else:  # pragma: no cover - the composer makes only these three kinds
            raise _Problem(node.start_mark.line + self.offset, "unexpected YAML node")
        self.shared[id(node)] = result
        return result

    def _scalar(self, node: yaml.ScalarNode) -> object:
        try:
            value = self.loader.construct_object(node)
        except ValueError:
            if node.tag == "tag:yaml.org,2002:timestamp":
                return node.value  # `2026-02-30`: left as text, so schema validation reports it with the rest
            raise _Problem(
                node.start_mark.line + self.offset,
                f"`{node.value}` is not a valid {_TAG_NAMES.get(node.tag, node.tag)}",
            ) from None
        except (OverflowError, yaml.YAMLError):
            raise _Problem(
                node.start_mark.line + self.offset,
                f"`{node.value}` is not a valid {_TAG_NAMES.get(node.tag, node.tag)}",
            ) from None
        if isinstance(value, float) and not math.isfinite(value):
            raise _Problem(node.start_mark.line + self.offset, f"`{node.value}` is not a finite number")
        if isinstance(value, dt.datetime):
            return value.date() if value.time() == dt.time() and value.tzinfo is None else value
        return value

    def _mapping(self, node: yaml.MappingNode, depth: int) -> FactMap:
        offset = self.offset
        result = FactMap(self.source, node.start_mark.line + offset)
        lines = result.key_lines
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + offset
            if key_node.tag == _MERGE:
                raise _Problem(line, "merge keys (`<<`) are not supported", "write the keys out")
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Problem(line, "mapping keys must be plain strings")
            if key_node.tag != _STR and key_node.tag not in _SCALAR_TAGS:
                raise _Problem(line, f"YAML tag `{key_node.tag}` is not allowed")
            key = key_node.value
            if key in lines:
                raise _Problem(line, f"duplicate key `{key}` (first at line {lines[key]})")
            lines[key] = line
            result[key] = self.build(value_node, depth + 1)
        return result

    def _sequence(self, node: yaml.SequenceNode, depth: int) -> FactList:
        offset = self.offset
        result = FactList(self.source, node.start_mark.line + offset)
        lines = result.item_lines
        build = self.build
        for item in node.value:
            lines.append(item.start_mark.line + offset)
            result.append(build(item, depth + 1))
        return result


def _check_aliases(root: yaml.Node, line_offset: int = 0) -> None:
    """Refuse recursive anchors and anchors that would expand beyond a sane size."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise _Problem(node.start_mark.line + 1 + line_offset, "recursive YAML anchor")
        if isinstance(node, yaml.ScalarNode):
            return 1
        active.add(key)
        children = node.value if isinstance(node, yaml.SequenceNode) else [n for pair in node.value for n in pair]
        total = 1
        for child in children:
            total += size(child)
            if total > MAX_ALIAS_EXPANSION:
                raise _Problem(
                    node.start_mark.line + 1 + line_offset,
                    f"anchors and aliases expand to more than {MAX_ALIAS_EXPANSION:,} values",
                    "this looks like an alias bomb",
                )
        active.discard(key)
        sizes[key] = total
        return total

    size(root)


def parse_yaml_text(text: str, source: str, line_offset: int = 0) -> object:
    """Parse YAML text into located values; `line_offset` shifts lines (front matter)."""
    try:
        if _nesting_bound(text) > SAFE_COMPOSE_DEPTH:
            depth, line = _event_depth(text)
            if depth > MAX_DEPTH:
                raise _Problem(line + line_offset, f"nesting deeper than {MAX_DEPTH} levels")
        was_enabled = gc.isenabled()
        gc.disable()  # composing and building create millions of small objects; the collector only slows that down
        try:
            loader = _Loader(text)
            try:
                node = loader.get_single_node()
                if node is None:
                    return None
                if "&" in text:
                    _check_aliases(node, line_offset)
                return _Builder(source, line_offset, loader).build(node)
            finally:
                loader.dispose()
        finally:
            if was_enabled:
                gc.enable()
    except _Problem as problem:
        raise FactsError([Diagnostic(source, problem.line, problem.message, problem.hint)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        hint = None
        if mark is not None and "\t" in (text.split("\n")[mark.line : mark.line + 1] or [""])[0]:
            hint = "YAML does not allow tabs for indentation; use spaces"
        raise FactsError([Diagnostic(source, line, f"malformed YAML: {message}", hint)]) from None
    except yaml.YAMLError as exc:
        raise FactsError([Diagnostic(source, None, f"malformed YAML: {exc}")]) from None
    except RecursionError:
        raise FactsError([Diagnostic(source, None, "YAML nested too deeply to read")]) from None


def read_limited(path: Path, source: str) -> bytes:
    """The file's bytes, refusing before reading anything a file over the size limit."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise FactsError([Diagnostic(source, None, f"cannot read file: {exc.strerror or exc}")]) from None
    if len(data) > MAX_FILE_BYTES:
        size = path.stat().st_size
        raise FactsError([Diagnostic(source, None, f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")])
    return data


def read_yaml_file(path: Path, source: str) -> object:
    """Read and parse one YAML file of the repository; `source` is its name in messages."""
    return parse_yaml_text(decode_text(read_limited(path, source), source), source)
