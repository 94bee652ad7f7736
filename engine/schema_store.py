"""The published schemas, loaded once from the package and compiled on first use."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

import yaml

from .validation import SchemaCompiler


@cache
def schema_document(name: str) -> dict:
    """The schema as a plain JSON-compatible dict (YAML sources are ours and trusted)."""
    folder = resources.files("annexa.engine") / "schemas"
    yaml_file = folder / f"{name}.schema.yaml"
    if yaml_file.is_file():
        return yaml.load(yaml_file.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return json.loads((folder / f"{name}.schema.json").read_text(encoding="utf-8"))


@cache
def compiler(name: str) -> SchemaCompiler:
    return SchemaCompiler(schema_document(name))


def as_json(name: str) -> str:
    """The schema as editors consume it."""
    return json.dumps(schema_document(name), indent=2, ensure_ascii=False) + "\n"
