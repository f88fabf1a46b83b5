"""The condition language of policy rules, and its well-formedness checks.

A condition is one of:

- ``{field: F, eq|ne: V}``, ``{field: F, in|not_in: [V, ...]}``,
  ``{field: F, lt|le|gt|ge: V}``, ``{field: F, between: [LOW, HIGH]}``
  (inclusive; dates compare as ISO text);
- ``{all: [C, ...]}``, ``{any: [C, ...]}``, ``{not: C}``;
- ``{some: LIST, where: C}`` / ``{none: LIST, where: C}``, where inside
  ``C`` a field names a field of one list item (``kind``, ``status``...).

Fields are those of ``checker.rules.facts.fields()``. Nothing here runs code.
"""
from __future__ import annotations

from ..dates import looks_like_date
from ..diagnostics import Diagnostic, did_you_mean
from .facts import LISTS, fields

COMPARISONS = ("eq", "ne", "in", "not_in", "lt", "le", "gt", "ge", "between")
CONNECTIVES = ("all", "any", "not")
QUANTIFIERS = ("some", "none")


def operator(cond: dict) -> str:
    """The operator of a well-formed condition."""
    for key in CONNECTIVES + QUANTIFIERS:
        if key in cond:
            return key
    for key in COMPARISONS:
        if key in cond:
            return key
    raise ValueError(f"not a condition: {cond!r}")


def field_spec(field: str, item_of: str | None = None):
    """The spec of a field (as written in a rule), or None if unknown."""
    full = f"{item_of}.{field}" if item_of else field
    return fields().get(full)


def check_condition(cond, path, doc, item_of=None) -> list[Diagnostic]:
    """Diagnostics for a condition already valid against the policy schema."""
    if not isinstance(cond, dict):
        return [doc.diagnostic("policy.bad_condition", "a condition must be a mapping", path,
                               "e.g. {field: change.instrument, eq: local_enhanced_service}")]
    keys = set(cond)
    shapes = [k for k in CONNECTIVES + QUANTIFIERS + ("field",) if k in keys]
    if len(shapes) != 1:
        return [doc.diagnostic(
            "policy.bad_condition",
            "a condition must be exactly one of: a field test, all, any, not, some, none",
            path, f"this one has {', '.join(sorted(keys)) or 'nothing'}")]
    shape = shapes[0]
    if shape in ("all", "any"):
        out = []
        extra = keys - {shape}
        if extra:
            out.append(_extra(doc, path, extra, shape))
        for i, sub in enumerate(cond[shape]):
            out += check_condition(sub, path + (shape, i), doc, item_of)
        return out
    if shape == "not":
        extra = keys - {"not"}
        return ([_extra(doc, path, extra, "not")] if extra else []) + \
            check_condition(cond["not"], path + ("not",), doc, item_of)
    if shape in QUANTIFIERS:
        return _check_quantifier(cond, shape, path, doc, item_of)
    return _check_comparison(cond, path, doc, item_of)


def _extra(doc, path, extra, shape):
    return doc.diagnostic("policy.bad_condition",
                          f"'{shape}' cannot be combined with {', '.join(sorted(extra))}",
                          path, "split it into separate conditions inside all: [...]")


def _check_quantifier(cond, shape, path, doc, item_of):
    if item_of:
        return [doc.diagnostic("policy.nested_quantifier",
                               f"'{shape}' cannot be used inside another some/none", path,
                               "list items hold plain values only")]
    if set(cond) != {shape, "where"}:
        return [doc.diagnostic("policy.bad_condition", f"'{shape}' needs exactly 'where' beside it",
                               path, f"{{{shape}: decisions, where: {{field: status, eq: refused}}}}")]
    name = cond[shape]
    if name not in LISTS:
        return [doc.diagnostic("policy.unknown_list", f"'{name}' is not a list of the scheme",
                               path + (shape,), did_you_mean(name, LISTS))]
    return check_condition(cond["where"], path + ("where",), doc, item_of=name)


def _check_comparison(cond, path, doc, item_of):
    ops = [k for k in COMPARISONS if k in cond]
    extra = set(cond) - {"field"} - set(ops)
    if len(ops) != 1 or extra:
        return [doc.diagnostic("policy.bad_condition",
                               "a field test needs 'field' and exactly one of: " + ", ".join(COMPARISONS),
                               path, "e.g. {field: jurisdiction, eq: england}")]
    op, field = ops[0], cond["field"]
    spec = field_spec(field, item_of)
    if spec is None:
        known = [k.split(".", 1)[1] for k in fields() if k.startswith(f"{item_of}.")] if item_of \
            else [k for k in fields() if k.split(".")[0] not in LISTS]
        where = f"an item of {item_of}" if item_of else "the scheme facts"
        return [doc.diagnostic("policy.unknown_field", f"'{field}' is not a field of {where}",
                               path + ("field",), did_you_mean(field, known))]
    value = cond[op]
    values = value if op in ("in", "not_in", "between") else [value]
    if op in ("in", "not_in", "between") and not isinstance(value, list):
        return [doc.diagnostic("policy.bad_value", f"'{op}' needs a list", path + (op,),
                               f"write {op}: [a, b]")]
    if op == "between" and len(value) != 2:
        return [doc.diagnostic("policy.bad_value", "'between' needs exactly two values, low and high",
                               path + (op,), "e.g. between: [2014-07-01, 2015-03-31]")]
    if op in ("lt", "le", "gt", "ge", "between") and spec["type"] not in ("int", "number", "date"):
        return [doc.diagnostic("policy.bad_operator",
                               f"'{op}' compares numbers or dates, but '{field}' is {spec['type']}",
                               path + (op,), "use eq, ne, in or not_in")]
    out = []
    for i, v in enumerate(values):
        where = path + (op,) + ((i,) if op in ("in", "not_in", "between") else ())
        problem = _value_problem(spec, v)
        if problem:
            out.append(doc.diagnostic("policy.bad_value", f"{problem} for '{field}'", where,
                                      did_you_mean(v, spec["values"]) if spec["type"] == "enum"
                                      else _type_hint(spec)))
    return out


def _value_problem(spec, v) -> str:
    kind = spec["type"]
    if kind == "enum" and v not in spec["values"]:
        return f"'{v}' is not an allowed value"
    if kind == "bool" and not isinstance(v, bool):
        return f"'{v}' is not true or false"
    if kind in ("int", "number") and (isinstance(v, bool) or not isinstance(v, (int, float))):
        return f"'{v}' is not a number"
    if kind == "date" and not looks_like_date(v):
        return f"'{v}' is not a date"
    return ""


def _type_hint(spec) -> str:
    return {"bool": "write true or false", "date": "write YYYY-MM-DD",
            "int": "write a whole number", "number": "write a number"}.get(spec["type"], "")


def atoms(cond, item_of=None):
    """Every (list-or-None, field, operator, value) comparison in a condition."""
    op = operator(cond)
    if op in ("all", "any"):
        for sub in cond[op]:
            yield from atoms(sub, item_of)
    elif op == "not":
        yield from atoms(cond["not"], item_of)
    elif op in QUANTIFIERS:
        yield from atoms(cond["where"], cond[op])
    else:
        yield item_of, cond["field"], op, cond[op]


def quantifiers(cond):
    """Every (list, where) quantifier in a condition (some or none), in order."""
    op = operator(cond)
    if op in ("all", "any"):
        for sub in cond[op]:
            yield from quantifiers(sub)
    elif op == "not":
        yield from quantifiers(cond["not"])
    elif op in QUANTIFIERS:
        yield cond[op], cond["where"]


def fields_of(cond, item_of=None):
    """Every (list-or-None, field) a condition tests, in order."""
    for list_name, field, _, _ in atoms(cond, item_of):
        yield list_name, field
