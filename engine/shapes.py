"""What a path in a rule can name, according to the published facts schema.

Rule paths are checked at load time against the same schema that validates
the facts, so a misspelt field is an error with a hint rather than a check
that silently never finds its value. Open places (`extra`, anything the
schema leaves free) stop the checking: there, any name may be recorded.
"""

from __future__ import annotations

from .facts import register_names
from .schema_store import schema_document

DOCUMENTS = "documents"  # marker: the manifest's map of named documents
DOCUMENT = "document"  # marker: one document, whose fields are its front matter
OPEN = None  # anything may be found here


class FactShapes:
    def __init__(self):
        schema = schema_document("facts")
        self.defs = schema["$defs"]
        manifest = self.defs["manifest"]["properties"]
        self.roots: dict[str, object] = {
            "organization": manifest["organization"],
            "scope": manifest["scope"],
            "roles": manifest["roles"],
            "documents": DOCUMENTS,
            "as_of": {"type": "string", "format": "date"},
        }
        for name, item in register_names().items():
            self.roots[name] = {"type": "array", "items": {"$ref": f"#/$defs/{item}"}}

    def _resolve(self, shape: object) -> object:
        while isinstance(shape, dict) and "$ref" in shape:
            extra = {k: v for k, v in shape.items() if k != "$ref"}
            shape = {**self.defs[shape["$ref"].rsplit("/", 1)[-1]], **extra}
        if isinstance(shape, dict) and shape.get("x-annexa-document"):
            return DOCUMENT
        return shape

    def root(self, name: str) -> object:
        return self.roots.get(name, OPEN)

    def items(self, shape: object) -> tuple[object, str | None]:
        """The shape of one entry of a collection (OPEN where unknown), or why it is not a collection."""
        shape = self._resolve(shape)
        if shape is OPEN:
            return OPEN, None
        if isinstance(shape, dict) and shape.get("type") == "array":
            return shape.get("items", OPEN), None
        if shape in (DOCUMENTS, DOCUMENT) or (isinstance(shape, dict) and shape.get("type") not in (None, "array")):
            return OPEN, "is not a list"
        if isinstance(shape, dict) and ("enum" in shape or "const" in shape):
            return OPEN, "is not a list"
        return OPEN, None

    def step(self, shape: object, part: str) -> tuple[object, tuple[str, list[str]] | None]:
        """The shape one step further, or (message, known names) when the schema has no such field."""
        shape = self._resolve(shape)
        if shape is OPEN:
            return OPEN, None
        if shape == DOCUMENTS:
            return DOCUMENT, None
        if shape == DOCUMENT:
            shape = self._resolve(self.defs["front_matter"])
        if not isinstance(shape, dict):
            return OPEN, None
        if "enum" in shape or "const" in shape:
            return OPEN, (f"is a single value; it has no field `{part}`", [])
        kinds = shape.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if "array" in kinds:
            return OPEN, ("is a list; read its entries with `every`, `some` or `count`", [])
        properties = shape.get("properties")
        if properties is not None:
            if part in properties:
                return properties[part], None
            extra = shape.get("additionalProperties", True)
            if extra is False:
                return OPEN, (f"has no field `{part}`", sorted(properties))
            return (extra if isinstance(extra, dict) else OPEN), None
        if "object" in kinds:
            extra = shape.get("additionalProperties", True)
            return (extra if isinstance(extra, dict) else OPEN), None
        if kinds != [None]:
            return OPEN, (f"is a single value; it has no field `{part}`", [])
        return OPEN, None
