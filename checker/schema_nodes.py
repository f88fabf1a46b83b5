"""The scheme schema, read by path: the node that describes a field, and the
plain words for a fixed value.

A **path** is the tuple of keys that leads to a field in a scheme, with
``"*"`` for "any item of this list": ``("decisions", "*", "body", "kind")``.
The scheme builder (``vires new``), the scheme writer and the briefing all
word things from the schema's ``title``, ``description`` and
``enumDescriptions``, so editors, questions and reports say the same thing.
"""
from __future__ import annotations

from functools import lru_cache

from .validate import load_schema


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


@lru_cache(maxsize=None)
def _node(path: tuple) -> dict:
    schema = load_schema("scheme")
    node = schema
    for part in path:
        node = _resolve(node, schema)
        if part == "*" or isinstance(part, int):
            node = node["items"]
        else:
            node = node["properties"][part]
    return _resolve(node, schema)


def node_at(path) -> dict:
    """The schema node for a path (list indexes may be given as numbers)."""
    return _node(tuple("*" if isinstance(p, int) else p for p in path))


def choices(path) -> list[tuple[str, str]]:
    """(value, "Label: explanation") for a field with fixed values."""
    node = node_at(path)
    return list(zip(node["enum"], node.get("enumDescriptions", node["enum"])))


def label(path, value) -> str:
    """The short label of a fixed value: 'Clinical commissioning group (CCG)'."""
    text = dict(choices(path)).get(value, str(value))
    return text.split(":", 1)[0]


def explanation(path, value) -> str:
    """The one-line explanation of a fixed value, or its label if it has none."""
    text = dict(choices(path)).get(value, str(value))
    return text.split(":", 1)[-1].strip()


def describe(path) -> str:
    """What a field is, in the schema's words ('' when it says nothing)."""
    node = node_at(path)
    return node.get("description") or node.get("title") or ""
