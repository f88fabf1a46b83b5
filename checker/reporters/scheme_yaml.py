"""Writing a scheme as a commented YAML file (`vires new`).

The file begins with a ``# yaml-language-server: $schema=...`` line so that
an editor completes and checks it; each field is preceded by what it is, and
each fixed value is followed by its plain words, both taken from the scheme
schema. Fields come in the schema's order, whatever order they were given in.
Strings are written plain when YAML would read them back as the same text,
and double-quoted (JSON escapes, which YAML shares) otherwise.
"""
from __future__ import annotations

import json
import re

from ..load import schema

_PLAIN = re.compile(r"[A-Za-z(][A-Za-z0-9_ ,.()'/&%+-]*")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: Headings for sections the schema does not describe.
SECTIONS = {
    "change": "What changes, and how practice income is treated",
    "decisions": "Who has agreed, refused or been asked, and how formally",
    "consultations": "Who was consulted",
    "objections": "Who objects, and why",
    "circumstances": "Circumstances at the time",
}
# Words YAML 1.1 (PyYAML) reads as booleans or null rather than text.
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def scalar(value) -> str:
    """A value as YAML text that reads back as the same value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if _DATE.fullmatch(text):
        return text  # the project's loader keeps dates as text
    if (_PLAIN.fullmatch(text) and text.lower() not in _RESERVED
            and not text.endswith((" ", ":")) and ": " not in text and " #" not in text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _ordered(data: dict, path: tuple) -> list:
    try:
        order = list(schema.node_at(path).get("properties", {}))
    except KeyError:
        order = []
    rank = {key: i for i, key in enumerate(order)}
    return sorted(data, key=lambda k: rank.get(k, len(rank)))


def _value_comment(path: tuple, value) -> str:
    try:
        node = schema.node_at(path)
    except KeyError:
        return ""
    if value == schema.UNKNOWN_WORD:
        return "  # not known yet: vires gives the verdict for each possible value"
    if isinstance(value, list):
        items = node.get("items", {})
        if "enum" in items and all(v in items["enum"] for v in value):
            return "  # " + "; ".join(schema.label(path + ("*",), v) for v in value)
        return ""
    for branch in node.get("anyOf", ()):  # a field written out as a word: 'none', 'unknown'
        branch = branch if "const" in branch else schema.load_schema("scheme")["$defs"].get(
            str(branch.get("$ref", "")).rsplit("/", 1)[-1], {})
        if branch.get("const") == value and not isinstance(value, bool):
            return "  # " + branch.get("description", value)
    if "enum" not in node or value not in node["enum"]:
        return ""
    if isinstance(value, bool):  # "true  # Yes" says nothing: its explanation does
        return "  # " + schema.explanation(path, value)
    # The label, unless it only repeats the value ("granted  # Granted").
    for words in (schema.label(path, value), schema.explanation(path, value)):
        if "_".join(words.lower().split()) != value:
            return "  # " + words
    return ""


def _field_comment(path: tuple) -> str:
    try:
        # A title ("Jurisdiction") only repeats the key; a description explains.
        return schema.node_at(path).get("description") or SECTIONS.get(path[-1], "")
    except KeyError:
        return ""


def _mapping(data: dict, path: tuple, indent: str, first_prefix: str | None = None) -> list[str]:
    """Lines for a mapping; ``first_prefix`` replaces the indent of the first
    line (the '- ' of a list item)."""
    lines = []
    for n, key in enumerate(_ordered(data, path)):
        lead = first_prefix if (n == 0 and first_prefix is not None) else indent
        value, here = data[key], path + (key,)
        if not path and n and (isinstance(value, dict) or (value and isinstance(value, list)
                                                           and isinstance(value[0], dict))):
            lines.append("")  # a blank line before each top-level section
        about = _field_comment(here) if len(path) < 2 else ""
        if about and first_prefix is None:
            lines.append(f"{indent}# {about}")
        if isinstance(value, dict):
            lines.append(f"{lead}{key}:")
            lines += _mapping(value, here, indent + "  ")
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines.append(f"{lead}{key}:")
            for i, item in enumerate(value):
                lines += _mapping(item, here + (i,), indent + "    ", first_prefix=indent + "  - ")
        elif isinstance(value, list):
            lines.append(f"{lead}{key}: [" + ", ".join(json.dumps(v) if isinstance(v, str) else scalar(v)
                                                     for v in value) + "]" + _value_comment(here, value))
        else:
            lines.append(f"{lead}{key}: {scalar(value)}{_value_comment(here, value)}")
    return lines


def render_scheme(data: dict, schema_ref: str) -> str:
    """The scheme as YAML text, ready to save and to check."""
    head = [f"# yaml-language-server: $schema={schema_ref}",
            "# Written by `vires new`. Edit it freely, then check it: vires check FILE",
            "# (`vires schema` prints what every field may hold)."]
    return "\n".join(head + _mapping(data, (), "")) + "\n"
