"""JSON Schema validation compiled to closures, with file:line and did-you-mean.

The published schemas are ordinary JSON Schema, so editors can validate and
autocomplete the files. Walking a large governance repository with a generic
validator would cost more than parsing it, so the schema is compiled once into
one small closure per keyword, and only the keywords our schemas use are
supported: a schema using another keyword fails to compile rather than being
silently ignored. A test checks that these closures agree with jsonschema.

Two side jobs ride along: dates written as quoted strings are normalized to
`datetime.date`, and strings marked `x-annexa-document` are reported so the
loader can open the documents they name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import did_you_mean, quoted_scalar
from .located import FactList, FactMap

ANNOTATIONS = {"$schema", "$id", "$defs", "title", "description", "examples", "default", "$comment"}
DOCUMENT_MARK = "x-annexa-document"
REFERENCE_MARK = "x-annexa-ref"

_TYPE_NAMES = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    type(None): "null",
    dt.date: "date",
    dt.datetime: "date-time",
}


_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def parse_iso_date(text: str) -> dt.date:
    """A calendar date written YYYY-MM-DD, and nothing else (Python also accepts week dates)."""
    if not _ISO_DATE.match(text):
        raise ValueError(f"not a YYYY-MM-DD date: {text!r}")
    return dt.date.fromisoformat(text)


def type_name(value: object) -> str:
    """How a value's type is called in messages (never a Python class name)."""
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    return _TYPE_NAMES.get(type(value), "value")


def shown(value: object) -> str:
    """A short rendering of a user value for a message."""
    if isinstance(value, (dict, list)):
        return type_name(value)
    return quoted_scalar(value, 60)


@dataclass
class Outcome:
    """What one validation pass found: errors as (line, message, hint), and document references."""

    errors: list[tuple[int, str, str | None]] = field(default_factory=list)
    documents: list[tuple[dict | list, object, int]] = field(default_factory=list)
    references: list[tuple[str, str, int, str]] = field(default_factory=list)  # (target, id, line, path)

    def error(self, line: int, message: str, hint: str | None = None) -> None:
        self.errors.append((line, message, hint))


Path = tuple  # a linked path: (parent, key) or ()
Check = Callable[[object, object, object, int, Path, Outcome], None]


def render_path(path: Path) -> str:
    """`ai_systems[3].owner` from the linked path, built only when there is an error."""
    parts: list[object] = []
    while path:
        path, key = path
        parts.append(key)
    text = ""
    for key in reversed(parts):
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text or "document"


def _is_type(value: object, name: str) -> bool:
    if name == "string":
        return isinstance(value, str)
    if name == "integer":  # as in JSON Schema, 3.0 is an integer
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    raise ValueError(f"unsupported type {name!r}")


class SchemaCompiler:
    """Compiles one schema document (with its $defs) into checks, memoizing $refs."""

    def __init__(self, document: dict):
        self.document = document
        self.compiled: dict[str, Check] = {}

    def definition(self, name: str) -> Check:
        return self.ref(f"#/$defs/{name}")

    def ref(self, pointer: str) -> Check:
        if pointer not in self.compiled:
            target: object = self.document
            for part in pointer.removeprefix("#/").split("/"):
                target = target[part]  # type: ignore[index]
            slot: list[Check] = []
            self.compiled[pointer] = lambda c, k, v, line, path, out: slot[0](c, k, v, line, path, out)
            slot.append(self.compile(target))  # type: ignore[arg-type]
            self.compiled[pointer] = slot[0]
        return self.compiled[pointer]

    def compile(self, schema: dict) -> Check:
        checks: list[Check] = []
        unknown = set(schema) - ANNOTATIONS - set(_KEYWORDS) - {DOCUMENT_MARK, REFERENCE_MARK}
        if unknown:
            raise ValueError(f"schema keyword(s) not supported by the compiled validator: {sorted(unknown)}")
        for keyword, build in _KEYWORDS.items():
            if keyword in schema:
                check = build(self, schema)
                if check is not None:
                    checks.append(check)
        if schema.get(DOCUMENT_MARK):
            checks.append(_document_reference)
        if REFERENCE_MARK in schema:
            checks.append(_id_reference(schema[REFERENCE_MARK]))
        if not checks:
            return _accept
        if len(checks) == 1:
            return checks[0]

        def all_checks(container, key, value, line, path, out):
            for check in checks:
                check(container, key, value, line, path, out)

        return all_checks


def _accept(container, key, value, line, path, out) -> None:
    return None


def _document_reference(container, key, value, line, path, out) -> None:
    if isinstance(value, str):
        out.documents.append((container, key, line))


def _id_reference(target: str) -> Check:
    """Note ids that must name an entry elsewhere (a register, or the catalog) for the loader to check."""

    def check(container, key, value, line, path, out):
        if isinstance(value, str):
            out.references.append((target, value, line, render_path(path)))
        elif isinstance(value, list):
            lines = value.item_lines if isinstance(value, FactList) else []
            for index, item in enumerate(value):
                if isinstance(item, str):
                    item_line = lines[index] if index < len(lines) else line
                    out.references.append((target, item, item_line, render_path((path, index))))

    return check


def _type(compiler: SchemaCompiler, schema: dict) -> Check:
    names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    for name in names:
        _is_type(None, name)  # fails early on a type we don't know
    wanted = " or ".join("mapping" if n == "object" else "list" if n == "array" else n for n in names)
    article = "an" if wanted[0] in "aeiou" else "a"
    converts_date = "string" in names and schema.get("format") == "date"
    if converts_date:
        wanted, article = "date as YYYY-MM-DD", "a"

    def check(container, key, value, line, path, out):
        if converts_date and type(value) is dt.date:
            return
        for name in names:
            if _is_type(value, name):
                return
        scalar = not isinstance(value, (dict, list))
        hint = "quote it to make it a string" if "string" in names and scalar and not converts_date else None
        found = type_name(value) if not scalar or value is None else f"{type_name(value)} {shown(value)}"
        out.error(
            line, f"`{render_path(path)}` must be {article} {wanted}, found {'a ' if not scalar else ''}{found}", hint
        )

    return check


def _date_format(compiler: SchemaCompiler, schema: dict) -> Check | None:
    if schema["format"] != "date":
        raise ValueError(f"unsupported format {schema['format']!r}")

    def check(container, key, value, line, path, out):
        if isinstance(value, str):
            try:
                parsed = parse_iso_date(value)
            except ValueError:
                out.error(line, f"`{render_path(path)}` must be a date as YYYY-MM-DD, found {shown(value)}")
                return
            if container is not None:
                container[key] = parsed
        elif isinstance(value, dt.datetime):
            out.error(line, f"`{render_path(path)}` must be a date without a time, found {shown(value)}")

    return check


def _properties(compiler: SchemaCompiler, schema: dict) -> Check:
    props = {name: compiler.compile(sub) for name, sub in schema["properties"].items()}
    extra = schema.get("additionalProperties", True)
    extra_check = compiler.compile(extra) if isinstance(extra, dict) else None
    closed = extra is False
    names = sorted(props)

    def check(container, key, value, line, path, out):
        if not isinstance(value, dict):
            return
        lines = value.key_lines if isinstance(value, FactMap) else {}
        for name, item in list(value.items()):
            item_line = lines.get(name, line)
            sub = props.get(name)
            if sub is not None:
                sub(value, name, item, item_line, (path, name), out)
            elif closed:
                where = render_path(path)
                hint = did_you_mean(name, names) or (f"known keys: {', '.join(names)}" if len(names) <= 20 else None)
                out.error(item_line, f"unknown key `{name}` in `{where}`", hint)
            elif extra_check is not None:
                extra_check(value, name, item, item_line, (path, name), out)

    return check


def _additional_only(compiler: SchemaCompiler, schema: dict) -> Check | None:
    if "properties" in schema:
        return None  # handled together with properties
    extra = schema["additionalProperties"]
    if extra is True:
        return None
    if extra is False:
        return _properties(compiler, {"properties": {}, "additionalProperties": False})
    sub = compiler.compile(extra)

    def check(container, key, value, line, path, out):
        if isinstance(value, dict):
            lines = value.key_lines if isinstance(value, FactMap) else {}
            for name, item in list(value.items()):
                sub(value, name, item, lines.get(name, line), (path, name), out)

    return check


def _property_names(compiler: SchemaCompiler, schema: dict) -> Check:
    sub = compiler.compile(schema["propertyNames"])

    def check(container, key, value, line, path, out):
        if isinstance(value, dict):
            lines = value.key_lines if isinstance(value, FactMap) else {}
            for name in value:
                sub(None, name, name, lines.get(name, line), (path, name), out)

    return check


def _required(compiler: SchemaCompiler, schema: dict) -> Check:
    required = list(schema["required"])

    def check(container, key, value, line, path, out):
        if isinstance(value, dict):
            for name in required:
                if name not in value:
                    out.error(line, f"`{render_path(path)}` lacks the required key `{name}`")

    return check


def _items(compiler: SchemaCompiler, schema: dict) -> Check:
    sub = compiler.compile(schema["items"])

    def check(container, key, value, line, path, out):
        if isinstance(value, list):
            lines = value.item_lines if isinstance(value, FactList) else []
            for index, item in enumerate(value):
                sub(value, index, item, lines[index] if index < len(lines) else line, (path, index), out)

    return check


def _enum(compiler: SchemaCompiler, schema: dict) -> Check:
    allowed = list(schema["enum"])
    listed = ", ".join(str(a) for a in allowed)

    def check(container, key, value, line, path, out):
        if not any(value == a and type(value) is type(a) for a in allowed):
            hint = did_you_mean(value, [str(a) for a in allowed]) if isinstance(value, str) else None
            out.error(line, f"`{render_path(path)}` must be one of {listed}; found {shown(value)}", hint)

    return check


def _const(compiler: SchemaCompiler, schema: dict) -> Check:
    expected = schema["const"]

    def check(container, key, value, line, path, out):
        if not (value == expected and type(value) is type(expected)):
            out.error(line, f"`{render_path(path)}` must be {shown(expected)}, found {shown(value)}")

    return check


def _pattern(compiler: SchemaCompiler, schema: dict) -> Check:
    regex = re.compile(schema["pattern"])
    described = schema.get("description")

    def check(container, key, value, line, path, out):
        if isinstance(value, str) and not regex.search(value):
            where = render_path(path)
            if described:
                out.error(line, f"`{where}` must be {described}, found {shown(value)}")
            else:
                out.error(line, f"`{where}` has the wrong form: {shown(value)} does not match `{regex.pattern}`")

    return check


def _bound(keyword: str, measure: Callable[[object], int | float | None], compare, words: str):
    def build(compiler: SchemaCompiler, schema: dict) -> Check:
        limit = schema[keyword]

        def check(container, key, value, line, path, out):
            size = measure(value)
            if size is not None and not compare(size, limit):
                out.error(line, f"`{render_path(path)}` {words} {limit}, found {shown(value)}")

        return check

    return build


def _length(value):
    return len(value) if isinstance(value, str) else None


def _count(value):
    return len(value) if isinstance(value, (list, dict)) else None


def _number(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


_KEYWORDS: dict[str, Callable[[SchemaCompiler, dict], Check | None]] = {
    "$ref": lambda compiler, schema: compiler.ref(schema["$ref"]),
    "type": _type,
    "format": _date_format,
    "const": _const,
    "enum": _enum,
    "required": _required,
    "properties": _properties,
    "additionalProperties": _additional_only,
    "propertyNames": _property_names,
    "items": _items,
    "pattern": _pattern,
    "minLength": _bound("minLength", _length, lambda a, b: a >= b, "must have at least this many characters:"),
    "minItems": _bound("minItems", _count, lambda a, b: a >= b, "must have at least this many entries:"),
    "minProperties": _bound("minProperties", _count, lambda a, b: a >= b, "must have at least this many keys:"),
    "maxProperties": _bound("maxProperties", _count, lambda a, b: a <= b, "must have at most this many keys:"),
    "minimum": _bound("minimum", _number, lambda a, b: a >= b, "must be at least"),
    "maximum": _bound("maximum", _number, lambda a, b: a <= b, "must be at most"),
}


def validate(check: Check, value: object, line: int, root_name: str) -> Outcome:
    """Run a compiled check over one value; the outcome lists every problem found."""
    out = Outcome()
    check(None, None, value, line, ((), root_name), out)
    return out
