"""A fast yes to "is this document valid?", with jsonschema for every other answer.

jsonschema is general and exact, and most of the cost of checking a scheme
(about 0.5 ms of a 1 ms check, docs/performance.md). ``predicate(schema)``
compiles the subset of JSON Schema that vires' schemas use into plain Python
closures that answer True only when the document is certainly valid. False
means "not sure": the caller then runs jsonschema, which decides and explains.

Each keyword is checked at least as strictly as jsonschema checks it, so True
is never wrong; where the rules are subtle the closure is stricter and says
False (``1.0`` as an integer, ``1`` against ``enum: [true]``, items that are
not text under ``uniqueItems``). Under ``if``/``then``/``else``, jsonschema
itself says which branch applies (the ``if`` schemas are small). A keyword not listed here
makes ``predicate`` return None: that schema always goes to jsonschema.
tests/test_bad_inputs.py checks the closures against jsonschema on mutated
schemes and policy files.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..dates import is_date

#: Keywords that never affect validity.
_ANNOTATIONS = {"$schema", "$id", "title", "description", "examples", "default", "enumDescriptions",
                "$comment", "markdownDescription", "deprecated", "$defs", "unit"}
_TYPES = {
    "string": lambda v: type(v) is str,
    "integer": lambda v: type(v) is int,  # jsonschema also takes 1.0; "not sure" is safe
    "number": lambda v: type(v) in (int, float),
    "boolean": lambda v: type(v) is bool,
    "array": lambda v: type(v) is list,
    "object": lambda v: type(v) is dict,
    "null": lambda v: v is None,
}


class _Unsupported(Exception):
    pass


def predicate(schema: dict):
    """A function data -> bool (True: certainly valid), or None if the schema
    uses a keyword this module does not know."""
    defs = schema.get("$defs", {})
    compiled: dict = {}
    try:
        return _compile(schema, defs, compiled)
    except _Unsupported:
        return None


def _same(a, b) -> bool:
    """Equal and of the same type, so that 1, 1.0 and True stay apart."""
    return type(a) is type(b) and a == b and type(a) in (str, int, float, bool, type(None))


def _compile(schema, defs, compiled):
    if schema is True or schema == {}:
        return lambda v: True
    if not isinstance(schema, dict):
        raise _Unsupported(schema)
    checks = []
    for key, arg in schema.items():
        if key in _ANNOTATIONS:
            continue
        maker = _KEYWORDS.get(key)
        if maker is None:
            raise _Unsupported(key)
        checks.append(maker(arg, schema, defs, compiled))
    checks = tuple(c for c in checks if c is not None)
    if len(checks) == 1:
        return checks[0]

    def every(v):
        for check in checks:
            if not check(v):
                return False
        return True
    return every


def _ref(arg, schema, defs, compiled):
    if not arg.startswith("#/$defs/") or arg[8:] not in defs:
        raise _Unsupported(arg)
    name = arg[8:]
    if name not in compiled:
        compiled[name] = None  # a recursive reference finds the slot, filled below
        compiled[name] = _compile(defs[name], defs, compiled)
    return lambda v: compiled[name](v)


def _type(arg, schema, defs, compiled):
    if not isinstance(arg, list):
        return _TYPES[arg]
    tests = [_TYPES[t] for t in arg]
    return lambda v: any(t(v) for t in tests)


def _enum(arg, schema, defs, compiled):
    if all(type(e) is str for e in arg):
        texts = frozenset(arg)
        return lambda v: type(v) is str and v in texts
    return lambda v: any(_same(v, e) for e in arg)


def _const(arg, schema, defs, compiled):
    return lambda v: _same(v, arg)


def _properties(arg, schema, defs, compiled):
    props = {k: _compile(s, defs, compiled) for k, s in arg.items()}

    def each_property(v):
        if type(v) is dict:
            for key, value in v.items():
                check = props.get(key)
                if check is not None and not check(value):
                    return False
        return True
    return each_property


def _additional(arg, schema, defs, compiled):
    known = set(schema.get("properties", {}))
    if schema.get("patternProperties"):
        raise _Unsupported("patternProperties")
    if arg is False:
        return lambda v: type(v) is not dict or known.issuperset(v)
    extra = _compile(arg, defs, compiled)
    return lambda v: type(v) is not dict or all(extra(x) for k, x in v.items() if k not in known)


def _required(arg, schema, defs, compiled):
    return lambda v: type(v) is not dict or all(k in v for k in arg)


def _items(arg, schema, defs, compiled):
    if not isinstance(arg, dict):
        raise _Unsupported("items")
    item = _compile(arg, defs, compiled)
    return lambda v: type(v) is not list or all(item(x) for x in v)


def _length(kind, compare):
    def maker(arg, schema, defs, compiled):
        return lambda v: type(v) is not kind or compare(len(v), arg)
    return maker


def _bound(compare):
    def maker(arg, schema, defs, compiled):
        return lambda v: type(v) not in (int, float) or compare(v, arg)
    return maker


@lru_cache(maxsize=None)
def schema_regex(pattern: str) -> re.Pattern:
    """A JSON Schema ``pattern`` as Python reads it, with its meaning kept:
    JSON Schema's (ECMA-262) ``$`` matches only at the very end of the text,
    Python's also before a final newline, so an id pattern ``^[a-z-]*$``
    would take ``"leeds\\n"``. Every ``$`` outside a character class is read
    as ``\\Z``."""
    out, escaped, in_class = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            char = r"\Z"
        out.append(char)
    return re.compile("".join(out))


def _pattern(arg, schema, defs, compiled):
    regex = schema_regex(arg)
    return lambda v: type(v) is not str or regex.search(v) is not None


def _format(arg, schema, defs, compiled):
    if arg != "date":
        raise _Unsupported(arg)
    return lambda v: type(v) is not str or is_date(v)


def _any_of(arg, schema, defs, compiled):
    branches = [_compile(s, defs, compiled) for s in arg]
    return lambda v: any(b(v) for b in branches)


def _all_of(arg, schema, defs, compiled):
    branches = [_compile(s, defs, compiled) for s in arg]
    return lambda v: all(b(v) for b in branches)


def _if(arg, schema, defs, compiled):
    then = _compile(schema.get("then", True), defs, compiled)
    otherwise = _compile(schema.get("else", True), defs, compiled)
    if "$ref" in repr(arg):  # no root to resolve it against: sound whatever 'if' says
        return lambda v: then(v) and otherwise(v)
    if _exact(arg):  # this module decides it exactly: no jsonschema import (77 ms of every cold start)
        condition = _compile(arg, defs, compiled)
        return lambda v: then(v) if condition(v) else otherwise(v)
    # Which branch applies is decided exactly, by jsonschema on the (small) 'if' schema.
    import jsonschema

    condition = jsonschema.Draft202012Validator(
        arg, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return lambda v: then(v) if condition.is_valid(v) else otherwise(v)


#: Keywords this module compiles exactly as JSON Schema defines them (not
#: merely soundly), so an 'if' made of them can choose its branch here.
_EXACT = frozenset({"properties", "required", "const", "enum", "type"})


def _exact(node) -> bool:
    """Whether a schema uses only exactly compiled keywords, all the way down."""
    if isinstance(node, bool):
        return True
    return (isinstance(node, dict) and set(node) <= _EXACT
            and all(_exact(child) for child in node.get("properties", {}).values()))


def _unique(arg, schema, defs, compiled):
    if not arg:
        return None
    return lambda v: type(v) is not list or (all(type(x) is str for x in v) and len(set(v)) == len(v))


_KEYWORDS = {
    "$ref": _ref, "type": _type, "enum": _enum, "const": _const,
    "properties": _properties, "additionalProperties": _additional, "required": _required,
    "items": _items, "minItems": _length(list, lambda n, a: n >= a),
    "maxItems": _length(list, lambda n, a: n <= a),
    "minLength": _length(str, lambda n, a: n >= a),
    "maxLength": _length(str, lambda n, a: n <= a),
    "minProperties": _length(dict, lambda n, a: n >= a),
    "maxProperties": _length(dict, lambda n, a: n <= a),
    "minimum": _bound(lambda v, a: v >= a), "maximum": _bound(lambda v, a: v <= a),
    "pattern": _pattern, "format": _format, "anyOf": _any_of, "allOf": _all_of,
    "if": _if, "then": lambda *a: None, "else": lambda *a: None,
    "uniqueItems": _unique,
}
