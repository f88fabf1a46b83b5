"""The schemas in one place: reading the shipped JSON Schemas, and finding
the node of the scheme schema that describes a field, with the plain words
it gives a fixed value.

A **path** is the tuple of keys that leads to a field in a scheme, with
``"*"`` for "any item of this list": ``("decisions", "*", "body", "kind")``;
a list item may also be named by its number (``0`` or ``"0"``). Every part
of vires that needs to know what a field is (the fact record's fixed values,
the negotiation file's checks, the scheme builder's questions, the scheme
writer, the reports) reads it here, from the schema's ``properties``,
``enum``, ``title``, ``description`` and ``enumDescriptions``, so editors,
questions and reports say the same thing.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

#: Where the kind of a body is, in any list of bodies.
BODY_KIND = ("requested_by", "*", "kind")

#: The schemas' folder: a package folder on disk, as the shipped policy is
#: (importlib.resources would cost every run about 3.7 ms of imports).
SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"

#: The word a scheme writes for a fact it does not know (``$defs/unknown``).
UNKNOWN_WORD = "unknown"


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    """A JSON Schema shipped in checker/schemas: 'scheme', 'case', 'policy' or 'negotiation'."""
    text = (SCHEMAS / f"{name}.schema.json").read_text("utf-8")
    return json.loads(text)


def _resolve(node: dict, schema: dict) -> dict:
    ref = node.get("$ref")
    if ref:
        # Only local references ("#/$defs/body") occur in the scheme schema;
        # sibling keys of a $ref (a description) win over the target's.
        target = schema
        for part in ref.lstrip("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _item(part) -> bool:
    return part == "*" or isinstance(part, int) or (isinstance(part, str) and part.isascii() and part.isdigit())


def _step(node: dict, part, schema: dict) -> dict | None:
    node = _resolve(node, schema)
    if part == "*" and "items" in node:
        return node["items"]
    if part != "*" and part in node.get("properties", {}):
        return node["properties"][part]
    for branch in node.get("anyOf", ()):  # a field that may also be 'unknown' or 'none'
        found = _step(branch, part, schema)
        if found is not None:
            return found
    return None


@lru_cache(maxsize=None)
def _node(path: tuple) -> dict | None:
    schema = load_schema("scheme")
    node: dict | None = schema
    for part in path:
        node = _step(node, part, schema) if node is not None else None
        if node is None:
            return None
    return _resolve(node, schema) if node is not None else None


def unwrap(node: dict) -> tuple[dict, bool]:
    """A field's own node, and whether it may also be written 'unknown'. A
    field that may be unknown is either an enum with 'unknown' among its
    values, or ``anyOf: [its node, {$ref: '#/$defs/unknown'}]``."""
    schema = load_schema("scheme")
    if "anyOf" in node:
        branches = [_resolve(b, schema) for b in node["anyOf"]]
        unknown = any(b.get("const") == UNKNOWN_WORD for b in branches)
        own = [b for b in branches if "const" not in b]
        inner = dict(own[0]) if own else {}
        for key in ("title", "description"):
            if key in node:
                inner[key] = node[key]
        return inner, unknown
    return node, UNKNOWN_WORD in node.get("enum", ())


def find_node(path) -> dict | None:
    """The scheme-schema node for a path, or None when the scheme has no such field."""
    return _node(tuple("*" if _item(p) else p for p in path))


def node_at(path) -> dict:
    """The scheme-schema node for a path; a KeyError when there is none."""
    node = find_node(path)
    if node is None:
        raise KeyError(path)
    return node


def fields_under(path) -> list[str]:
    """The field names a scheme may hold under a path (of a list: under each item), sorted."""
    node = find_node(path)
    if node and node.get("type") == "array":
        node = find_node(tuple(path) + ("*",))
    return sorted((node or {}).get("properties", {}))


def fixed_values(node: dict) -> list | None:
    """Every value a schema node allows, when it is a fixed choice (None otherwise)."""
    if "enum" in node:
        return list(node["enum"])
    if node.get("type") == "boolean":
        return [True, False]
    return None


def choices(path) -> list[tuple[str, str]]:
    """(value, "Label: explanation") for a field with fixed values."""
    node = node_at(path)
    return list(zip(node["enum"], node.get("enumDescriptions", node["enum"])))


def label(path, value) -> str:
    """The short label of a fixed value: 'Clinical commissioning group (CCG)'."""
    text = _labels(tuple("*" if _item(p) else p for p in path)).get(value)
    return text if text is not None else str(value).split(":", 1)[0]


@lru_cache(maxsize=None)
def _labels(path: tuple) -> dict:
    """The short label of each fixed value of a field (a result's JSON asks for about 25)."""
    return {value: text.split(":", 1)[0] for value, text in choices(path)}


def explanation(path, value) -> str:
    """The one-line explanation of a fixed value, or its label if it has none."""
    text = dict(choices(path)).get(value, str(value))
    return text.split(":", 1)[-1].strip()


def describe(path) -> str:
    """What a field is, in the schema's words ('' when it says nothing)."""
    node = node_at(path)
    return node.get("description") or node.get("title") or ""


def body_label(kind: str) -> str:
    """The label of a kind of body: 'NHS England (national)' for 'nhse_national'."""
    return label(BODY_KIND, kind)
