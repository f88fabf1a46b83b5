"""Validating a YAML document against a JSON Schema, as located diagnostics.

All errors are collected, turned into Diagnostics that point at the right
line and column, and given a hint ("did you mean 'area_team'?"). The code of
each diagnostic says what kind of mistake it is, prefixed by the kind of
document (``scheme.unknown_field``, ``policy.bad_value``).

Two kinds of mistake get their own words. A field of the earlier scheme
format (``proposers``, ``change.target``) is a ``renamed_field``, with what
to write instead (``RENAMED``). A field that may also be written ``unknown``
(``anyOf: [its node, unknown]``) is explained against its own node: "120 is
above 100", "maker is not a body", never "not valid under any of the given
schemas".
"""
from __future__ import annotations

import difflib
from dataclasses import replace
from functools import lru_cache

from ..dates import date_hint, date_problem
from ..diagnostics import Diagnostic, did_you_mean, format_path
from ..memo import Memo, key_of
from .schema import load_schema
from .yamlfile import Document

#: Fields of the earlier scheme format: (the mapping's path, the old key) ->
#: (the field to write instead, what the message says, the hint).
RENAMED = {
    ((), "proposers"): (
        "requested_by",
        "'proposers' is no longer a field: a scheme now says who asks for the change and who would make it",
        "split it in two: requested_by, the bodies that ask for the change (asking is never beyond "
        "anyone's powers), and maker, the one body that would make it, e.g. maker: {kind: icb}"),
    (("change",), "target"): (
        "targets",
        "'target' is now 'targets': a list of the parts of the contract the change touches",
        "write change.targets: [qof] (several parts: targets: [qof, global_sum]; each is checked as one act)"),
}
#: Values of the earlier scheme format that now mean "not known".
RETIRED_VALUES = {"not_stated": "leave it out or write unknown: 'not_stated' is no longer used"}

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
    misspelt = _misspelt_required(errors) | _renamed_required(errors)
    out, seen = [], set()
    for error in errors:
        if error.validator == "required" and (tuple(error.absolute_path), _missing(error)) in misspelt:
            continue  # 'requestd_by:' is reported once, as "did you mean 'requested_by'?"
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


def _renamed_required(errors) -> set:
    """(path, field) of required fields written under their old name (``RENAMED``)."""
    out = set()
    for error in errors:
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            path = tuple(error.absolute_path)
            out |= {(path, RENAMED[(path, key)][0]) for key in error.instance if (path, key) in RENAMED}
    return out


def _explain(error, doc: Document, prefix: str, root: dict):
    path = tuple(error.absolute_path)
    where = format_path(path) or "the document"
    kind, schema = error.validator, error.schema
    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        extra = [k for k in error.instance if k not in schema.get("properties", {})]
        for key in extra:
            if prefix == "scheme" and (path, key) in RENAMED:
                _, message, hint = RENAMED[(path, key)]
                yield doc.diagnostic("scheme.renamed_field", message, path + (key,), hint, key=True)
                continue
            yield doc.diagnostic(
                f"{prefix}.unknown_field", f"unknown field '{key}' in {where}",
                path + (key,), did_you_mean(key, allowed), key=True)
    elif kind == "required" and prefix == "scheme" and _missing(error) == "formality":
        yield doc.diagnostic(
            "scheme.missing_formality",
            f"{where} is a grant, but does not say whether it was formal or informal", path,
            "add formality: formal (a recorded decision of the body), informal (a blessing, email or "
            "conversation: not a sanction) or unknown")
    elif kind == "required":
        missing = _missing(error)
        description = schema.get("properties", {}).get(missing, {}).get("description", "")
        yield doc.diagnostic(
            f"{prefix}.missing_field", f"{where} needs the field '{missing}'", path,
            f"add '{missing}:'" + (f" ({description})" if description else ""))
    elif kind == "anyOf":
        yield from _explain_any_of(error, doc, prefix, root)
    elif kind == "enum":
        values = schema["enum"]
        if _retired(error.instance):
            hint = RETIRED_VALUES[error.instance]
        elif True in values and False in values:
            hint = "write " + _choice_words(values)
        else:
            hint = did_you_mean(error.instance, values, schema.get("enumDescriptions"))
        message = (f"'{error.instance}' is not {_choice_words(values)}" if True in values and False in values
                   else f"'{error.instance}' is not an allowed value for {where}")
        yield doc.diagnostic(f"{prefix}.bad_value", message, path, hint)
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
    elif kind in ("minimum", "maximum"):
        bound = "lowest" if kind == "minimum" else "highest"
        yield doc.diagnostic(f"{prefix}.out_of_range",
                             f"{where} is {error.instance}, {'below' if kind == 'minimum' else 'above'} "
                             f"{schema[kind]}, the {bound} it can be", path, _range_hint(schema))
    elif kind in ("minItems", "minLength", "maxLength", "maxItems"):
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


def _choice_words(values) -> str:
    """Fixed values as people write them: 'yes, no or unknown'."""
    words = ["yes" if v is True else "no" if v is False else str(v) for v in values]
    return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]


def _branches(error) -> tuple[list[int], list[str]]:
    """The anyOf branches of an error's node: the indexes of the field's own
    node(s), and the words written instead ('none', 'unknown')."""
    own, words = [], []
    for i, branch in enumerate(error.schema["anyOf"]):
        if "const" in branch:
            words.append(str(branch["const"]))
        elif str(branch.get("$ref", "")).endswith("/unknown"):
            words.append("unknown")
        else:
            own.append(i)
    return own, words


def _node_words(error, index: int) -> str:
    """What a branch of an anyOf node is, in a few words: 'a number from 0 to 100', 'a body'."""
    branch = error.schema["anyOf"][index]
    if str(branch.get("$ref", "")).endswith("/body"):
        return "a body"
    kind = branch.get("type", "")
    words = _TYPE_WORDS.get(kind, kind or "a value")
    low, high = branch.get("minimum"), branch.get("maximum")
    if low is not None and high is not None:
        words += f" from {low:g} to {high:g}"
    elif low is not None:
        words += f" of at least {low:g}"
    if kind == "object" and branch.get("properties"):
        words += " with " + " and ".join(branch["properties"])
    return words


def _explain_any_of(error, doc: Document, prefix: str, root: dict):
    """A field that may also be written 'unknown' (or 'none'), explained
    against its own node rather than as 'not valid under any of the given schemas'."""
    path = tuple(error.absolute_path)
    where = format_path(path) or "the document"
    own, words = _branches(error)
    instead = "".join(f", or {w}" if n == len(words) - 1 else f", {w}" for n, w in enumerate(words))
    inner = [e for e in error.context if e.relative_schema_path and e.relative_schema_path[0] in own]
    wrong_kind = all(e.validator == "type" and tuple(e.absolute_path) == path for e in inner)
    if _retired(error.instance):
        yield doc.diagnostic(f"{prefix}.bad_value", f"'{error.instance}' is not a value of {where}", path,
                             RETIRED_VALUES[error.instance])
    elif wrong_kind and own and _node_words(error, own[0]) == "a body":
        example = error.instance if isinstance(error.instance, str) and error.instance in _body_kinds() else "icb"
        field = path[-1] if path else "maker"
        yield doc.diagnostic(
            f"{prefix}.wrong_type", f"{where} is not a body: give its kind, not {_describe(error.instance)}",
            path, f"write {field}: {{kind: {example}}}, or {field}: unknown if it is not known")
    elif wrong_kind:
        wanted = " or ".join(_node_words(error, i) for i in own) or "a value"
        yield doc.diagnostic(
            f"{prefix}.wrong_type", f"{where} should be {wanted}{instead}, not {_describe(error.instance)}",
            path, f"write {_choice_words([wanted] + words)}" if words else _type_hint(wanted, error.instance))
    else:
        for inner_error in inner:
            if inner_error.validator == "type" and tuple(inner_error.absolute_path) == path:
                continue  # the value is of the right kind for another of its own nodes
            for diag in _explain(inner_error, doc, prefix, root):
                if diag.path == path and words:
                    extra = f"or write {' or '.join(words)} if it is not known"
                    diag = replace(diag, hint=f"{diag.hint}; {extra}" if diag.hint else extra)
                yield diag


def _retired(value) -> bool:
    return isinstance(value, str) and value in RETIRED_VALUES


@lru_cache(maxsize=None)
def _body_kinds() -> tuple:
    scheme = load_schema("scheme")
    return tuple(scheme["$defs"]["body"]["properties"]["kind"]["enum"])


def _range_hint(schema: dict) -> str:
    low, high = schema.get("minimum"), schema.get("maximum")
    span = (f"from {low:g} to {high:g}" if low is not None and high is not None
            else f"at least {low:g}" if low is not None else f"at most {high:g}")
    what = schema.get("description", "")
    return f"a number {span}" + (f" ({what})" if what else "")


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
