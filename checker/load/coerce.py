"""Values as the schema means them, whoever wrote them.

Two kinds of writer reach a scheme's validation: a person, in a YAML file,
and a program, through the Python API (``checker.check``).

``plain_data`` turns Python data as Python makes it into the plain data the
YAML loader gives (``checker.load.yamlfile``): a ``datetime.date`` (what
``yaml.safe_load`` makes of ``2014-01-27``) becomes its ISO text, as
``json.load`` gives it; a tuple becomes a list. What plain data cannot hold
(a date with a time of day, a set, a number that is not finite) is a located
diagnostic, never an exception.

``as_schema_means`` reads two ways people write values as the schema means
them, wherever the schema says so, never by a field's name: ``yes``/``no``
(and ``on``/``off``, ``y``/``n``, in any case) where the schema wants true or
false, and ``40%`` where it wants a number marked ``"unit": "percent"``.
Everything else is left for the schema to judge.
"""
from __future__ import annotations

import datetime
import math
import numbers
import re

from ..diagnostics import Diagnostic

#: Words for true and false where the schema wants a boolean (YAML 1.1's).
YES_NO = {"yes": True, "y": True, "on": True, "true": True,
          "no": False, "n": False, "off": False, "false": False}
_PERCENT = re.compile(r"\s*([-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))\s*%\s*")


def plain_data(value, file: str = "<data>", path: tuple = ()) -> tuple[object, list[Diagnostic]]:
    """A copy of Python data as plain data (text, numbers, booleans, None,
    lists and mappings with text keys), and a diagnostic for each value that
    has no plain form."""
    problems: list[Diagnostic] = []
    return _plain(value, file, path, problems), problems


def _plain(value, file, path, problems):
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            problems.append(Diagnostic("input.bad_number", f"{value!r} is not a finite number", file, path=path,
                                       hint="give a number such as 40 or 12.5; if it is not known, leave the "
                                            "field out"))
        return number
    if isinstance(value, datetime.datetime):
        problems.append(Diagnostic(
            "input.bad_value", f"a date with a time of day ({value.isoformat(' ')}) where a date is expected",
            file, path=path, hint=f"give the date alone, e.g. '{value.date().isoformat()}'"))
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                problems.append(Diagnostic("input.bad_value", f"the key {key!r} is not text", file, path=path,
                                           hint="keys are field names, written as text"))
                continue
            out[str(key)] = _plain(item, file, path + (key,), problems)
        return out
    if isinstance(value, (list, tuple)):
        return [_plain(item, file, path + (i,), problems) for i, item in enumerate(value)]
    problems.append(Diagnostic("input.bad_value", f"a Python {type(value).__name__} is not a value a scheme "
                               "can hold", file, path=path,
                               hint="give text, a number, true or false, a list or a mapping"))
    return None


def as_schema_means(data, schema: dict):
    """``data`` with yes/no words read as booleans and ``40%`` read as 40
    where the schema asks for them (changed in place, and returned)."""
    return _coerce(data, schema, schema)


def _resolve(node: dict, root: dict) -> dict:
    ref = node.get("$ref", "")
    if ref.startswith("#/"):
        target = root
        for part in ref[2:].split("/"):
            target = target.get(part, {})
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _coerce(value, node, root):
    if not isinstance(node, dict):
        return value
    node = _resolve(node, root)
    if "anyOf" in node:  # a field that may also be written 'unknown': its own node
        own = [b for b in (_resolve(b, root) for b in node["anyOf"]) if "const" not in b]
        if not own:
            return value
        node = own[0]
    if isinstance(value, dict):
        properties = node.get("properties", {})
        for key in value:
            if key in properties:
                value[key] = _coerce(value[key], properties[key], root)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            value[i] = _coerce(item, node.get("items"), root)
    elif isinstance(value, str):
        kind = node.get("type")
        yes_no = kind == "boolean" or any(v is True for v in node.get("enum", ()))
        if yes_no and value.strip().lower() in YES_NO:
            return YES_NO[value.strip().lower()]
        if node.get("unit") == "percent" and kind in ("number", "integer"):
            found = _PERCENT.fullmatch(value)
            if found:
                number = float(found.group(1))
                return int(number) if number.is_integer() else number
    return value
