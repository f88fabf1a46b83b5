"""Validating a YAML document against a JSON Schema, as located diagnostics.

All errors are collected, turned into Diagnostics that point at the right
line and column, and given a hint ("did you mean 'area_team'?"). The code of
each diagnostic says what kind of mistake it is, prefixed by the kind of
document (``scheme.unknown_field``, ``policy.bad_value``).
"""
from __future__ import annotations

import difflib
from functools import lru_cache

from ..dates import date_hint, date_problem
from ..diagnostics import Diagnostic, did_you_mean, format_path
from ..memo import Memo, key_of
from .schema import load_schema
from .yamlfile import Document

_TYPE_WORDS = {"string": "text", "integer": "a whole number", "number": "a number",
               "boolean": "true or false", "array": "a list", "object": "a mapping",
               "null": "nothing"}


def _validator_for(schema: dict, dialect: dict | None = None):
    """A jsonschema validator of ``schema``, in the dialect of ``dialect``
    (default: its own), with formats (dates) checked and ``pattern`` read as
    JSON Schema means it (``checker.load.predicate.schema_regex``)."""
    import jsonschema  # imported when first needed: most documents never reach it

    base = jsonschema.validators.validator_for(dialect or schema)
    cls = _with_schema_patterns(base)
    return cls(schema, format_checker=base.FORMAT_CHECKER)


@lru_cache(maxsize=None)
def _with_schema_patterns(base):
    import jsonschema

    from .predicate import schema_regex

    def pattern(validator, pattern, instance, schema):
        if validator.is_type(instance, "string") and not schema_regex(pattern).search(instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")
    return jsonschema.validators.extend(base, {"pattern": pattern})


@lru_cache(maxsize=None)
def _validator(name: str):
    return _validator_for(load_schema(name))


@lru_cache(maxsize=None)
def _predicate(name: str):
    from .predicate import predicate

    return predicate(load_schema(name))


#: Documents known to be valid: validation is most of the cost of a check,
#: and the same scheme is often checked again (see checker.memo).
_valid = Memo(1024)


def validate_document(doc: Document, schema_name: str, prefix: str) -> list[Diagnostic]:
    """Every schema violation in ``doc`` as a located diagnostic."""
    key = key_of(schema_name, doc.data)
    if _valid.get(key):
        return []
    quick = _predicate(schema_name)
    if quick is not None and quick(doc.data):  # certainly valid: jsonschema would find nothing
        _valid.put(key, True)
        return []
    errors = sorted(_validator(schema_name).iter_errors(doc.data),
                    key=lambda e: (doc.locate(tuple(e.absolute_path)), str(e.message)))
    if not errors:
        _valid.put(key, True)
        return []
    misspelt = _misspelt_required(errors)
    out, seen = [], set()
    for error in errors:
        if error.validator == "required" and (tuple(error.absolute_path), _missing(error)) in misspelt:
            continue  # 'proposer:' is reported once, as "did you mean 'proposers'?"
        for diag in _explain(error, doc, prefix, load_schema(schema_name)):
            key = (diag.code, diag.path, diag.message)
            if key not in seen:
                seen.add(key)
                out.append(diag)
    return sorted(out, key=lambda d: (d.line, d.column))


def value_problem(node: dict, value) -> str:
    """Why ``value`` does not fit a node of the scheme schema ('' if it does)."""
    import jsonschema

    scheme = load_schema("scheme")
    schema = dict(node, **{"$defs": scheme["$defs"]})
    error = jsonschema.exceptions.best_match(_validator_for(schema, scheme).iter_errors(value))
    return error.message if error else ""


def _missing(error) -> str:
    return error.message.split("'")[1] if "'" in error.message else "?"


def _misspelt_required(errors) -> set:
    """(path, field) of required fields present under a misspelt name."""
    out = set()
    for error in errors:
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = list(error.schema.get("properties", {}))
            for key in error.instance:
                if key not in known:
                    close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
                    if close:
                        out.add((tuple(error.absolute_path), close[0]))
    return out


def _described(error, root: dict) -> str:
    """What the schema says the failing value is: the description of its node,
    else of the nearest node above it that has one (a list's, for an item)."""
    found, node = "", root
    for part in list(error.absolute_schema_path)[:-1]:  # down to the failing keyword's node
        if isinstance(node, dict) and node.get("description"):
            found = node["description"]
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return found
    return node.get("description", found) if isinstance(node, dict) else found


def _explain(error, doc: Document, prefix: str, root: dict):
    path = tuple(error.absolute_path)
    where = format_path(path) or "the document"
    kind, schema = error.validator, error.schema
    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        extra = [k for k in error.instance if k not in schema.get("properties", {})]
        for key in extra:
            yield doc.diagnostic(
                f"{prefix}.unknown_field", f"unknown field '{key}' in {where}",
                path + (key,), did_you_mean(key, allowed), key=True)
    elif kind == "required":
        missing = _missing(error)
        description = schema.get("properties", {}).get(missing, {}).get("description", "")
        yield doc.diagnostic(
            f"{prefix}.missing_field", f"{where} needs the field '{missing}'", path,
            f"add '{missing}:'" + (f" ({description})" if description else ""))
    elif kind == "enum":
        yield doc.diagnostic(
            f"{prefix}.bad_value", f"'{error.instance}' is not an allowed value for {where}",
            path, did_you_mean(error.instance, schema["enum"], schema.get("enumDescriptions")))
    elif kind == "type":
        types: list[str] = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        want = " or ".join(_TYPE_WORDS.get(t, t) for t in types)
        yield doc.diagnostic(
            f"{prefix}.wrong_type", f"{where} should be {want}, not {_describe(error.instance)}",
            path, _type_hint(want, error.instance))
    elif schema.get("format") == "date" or (kind == "pattern" and "[0-9]{4}-" in str(schema.get("pattern"))):
        problem = date_problem(error.instance)
        yield doc.diagnostic(f"{prefix}.bad_date", f"'{error.instance}' in {where} is not a date: {problem}",
                             path, date_hint(error.instance))
    elif kind in ("minimum", "maximum", "minItems", "minLength", "maxLength", "maxItems"):
        yield doc.diagnostic(f"{prefix}.out_of_range", f"{where}: {error.message}", path,
                             _described(error, root))
    elif kind == "pattern":
        # The hint is the schema's description of the value, never its pattern:
        # a regular expression means nothing to most readers.
        yield doc.diagnostic(f"{prefix}.bad_format", f"'{error.instance}' in {where} has the wrong form",
                             path, _described(error, root) or "`vires schema` shows the form this value takes")
    else:
        yield doc.diagnostic(f"{prefix}.invalid", f"{where}: {error.message}", path,
                             _described(error, root))


def _describe(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value}'"
    return f"a Python {type(value).__name__}"


def _type_hint(want: str, value) -> str:
    if want == "a list" and not isinstance(value, list):
        return "write a list with one '- ' item per line"
    if want == "a mapping":
        return "write 'key: value' lines indented under this key"
    if want == "true or false":
        return "write true or false without quotes"
    if want == "text":
        return "put the value in quotes"
    if want in ("a number", "a whole number"):
        return f"write {want} without quotes, e.g. 12"
    return ""
