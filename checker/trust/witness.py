"""Between schemes and solver records: a scheme's facts fixed in a record, and
a solver's model written back as a scheme a person can run (`vires check`).

``fix`` says in constraints that a record holds exactly the facts of a given
scheme (docs/policy-format.md, "Facts": what the scheme states, unknown
where it is silent). ``completes`` says that one record is a completion of
another: the same scheme with every unknown fact filled in. ``scheme_of``
reads a model back into scheme data, leaving out every fact the model left
unknown.
"""
from __future__ import annotations

from fractions import Fraction

from ..rules.facts import STATED, UNKNOWN
from .encode import Record, key_date
from .solver import z3


def _get(data: dict, path: tuple):
    """The value at a path of the scheme, or UNKNOWN where the scheme is silent."""
    for part in path:
        data = data.get(part, UNKNOWN) if isinstance(data, dict) else UNKNOWN
    return data


def _set(record: Record, name: str, value, values=None) -> list:
    """Constraints that a variable of the record holds ``value`` (UNKNOWN: unknown)."""
    term, known = record.raw[name]
    if value == UNKNOWN:
        return [z3.Not(known)] if not isinstance(known, bool) else [z3.BoolVal(False, record.ctx)] if known else []
    if values is not None:
        value = list(values).index(value)
    elif isinstance(value, str):  # a date: its year, month and day
        parts = (int(value[:4]), int(value[5:7]), int(value[8:10]))
        out = [a == b for a, b in zip(record.date_parts[name], parts)]
        return out + ([known] if not isinstance(known, bool) else [])
    elif isinstance(value, float):
        value = z3.RealVal(Fraction(str(value)), record.ctx)
    out = [term == value]
    return out + ([known] if not isinstance(known, bool) else [])


def fix(record: Record, data: dict) -> list:
    """Constraints that the record holds the facts of the scheme ``data`` (its lists
    must fit the record's slots)."""
    spec = record.spec
    out = _set(record, "date", data["date"])
    for name in ("effective_from", "effective_to"):
        out += _set(record, name, data.get(name, UNKNOWN))
    maker = data.get("maker", UNKNOWN)
    out += _set(record, "maker.kind", maker["kind"] if isinstance(maker, dict) else UNKNOWN, record.kinds)
    if isinstance(maker, dict):
        out += _set(record, "maker.co_commissioning", _level(maker), record.levels)
    for name, path in STATED.items():
        values = spec[name].get("values") or ((False, True) if spec[name]["type"] == "bool" else None)
        out += _set(record, name, _get(data, path), values)
    work = data["change"].get("alternative_work", UNKNOWN)
    measures = spec["change.alternative_work.measurement"]["values"]
    if work == "none":
        out += _set(record, "change.alternative_work.present", False, (False, True))
    elif isinstance(work, dict):
        out += _set(record, "change.alternative_work.present", True, (False, True))
        out += _set(record, "change.alternative_work.measurement", work.get("measurement", UNKNOWN), measures)
    else:
        out += _set(record, "change.alternative_work.present", UNKNOWN)
    named = set(data["change"]["targets"])
    out += [t if name in named else z3.Not(t) for name, t in record.targets.items()]
    for list_name, slots in record.lists.items():
        items = data.get(list_name, [])
        if len(items) > len(slots):
            raise ValueError(f"{list_name} has {len(items)} items, the record {len(slots)} slots")
        for i, slot in enumerate(slots):
            if i >= len(items):
                out.append(z3.Not(slot.present))
                continue
            out.append(slot.present)
            item = items[i]
            body = item["body"] if "body" in item else item
            for item_field, fact in slot.fields.items():
                name = f"{list_name}.{i}.{item_field}"
                if item_field in ("kind", "body"):
                    value = body["kind"]
                elif item_field == "co_commissioning":
                    value = _level(body)
                else:
                    value = item.get(item_field, UNKNOWN)
                out += _set(record, name, value, fact.values)
    return out


def _level(body: dict) -> str:
    return body.get("co_commissioning", UNKNOWN) if body["kind"] == "ccg" else "not_applicable"


def completes(full: Record, partial: Record) -> list:
    """Constraints that ``full`` (a complete record) fills in the unknown facts of
    ``partial`` and keeps every fact it knows: the same scheme, with more known."""
    out = []
    for name, (term, known) in partial.raw.items():
        if name in partial.date_parts:  # a date is its year, month and day
            same = z3.And(*(a == b for a, b in zip(full.date_parts[name], partial.date_parts[name])))
        else:
            same = full.raw[name][0] == term
        if isinstance(known, bool):
            out += [same] if known else []
        else:
            out.append(z3.Implies(known, same))
    for name, slots in partial.lists.items():
        out += [a.present == b.present for a, b in zip(full.lists[name], slots)]
    out += [full.targets[t] == partial.targets[t] for t in partial.targets]
    return out


def _number(value):
    fraction = Fraction(value.numerator_as_long(), value.denominator_as_long()) \
        if isinstance(value, z3.RatNumRef) else Fraction(value.as_long())
    if fraction.denominator == 1:
        return int(fraction)
    return float(fraction)


def scheme_of(model, record: Record, scheme_id: str, title: str) -> dict:
    """The scheme a model of the record stands for, as scheme data: every fact
    the model knows, none it leaves unknown."""
    def ev(term):
        return model.eval(term, model_completion=True)

    def known(name):
        k = record.raw[name][1]
        return k if isinstance(k, bool) else z3.is_true(ev(k))

    def value(name, values=None):
        term = ev(record.raw[name][0])
        if values is not None:
            return values[term.as_long()]
        return _number(term)

    spec = record.spec
    date = key_date(value("date"))
    data: dict = {"id": scheme_id, "title": title, "jurisdiction": record.edition.jurisdiction, "date": date}
    for name in ("effective_from", "effective_to"):
        if known(name):
            data[name] = key_date(value(name))
    lists = {name: [(i, s) for i, s in enumerate(slots) if z3.is_true(ev(s.present))]
             for name, slots in record.lists.items()}

    def body(slot, list_name, i):
        kind_field = "kind" if "kind" in slot.fields else "body"
        out = {"kind": value(f"{list_name}.{i}.{kind_field}", record.kinds)}
        if out["kind"] == "ccg" and "co_commissioning" in slot.fields and known(f"{list_name}.{i}.co_commissioning"):
            out["co_commissioning"] = value(f"{list_name}.{i}.co_commissioning", record.levels)
        return out

    if lists["requested_by"]:
        data["requested_by"] = [body(s, "requested_by", i) for i, s in lists["requested_by"]]
    if known("maker.kind"):
        maker = {"kind": value("maker.kind", record.kinds)}
        if maker["kind"] == "ccg" and known("maker.co_commissioning"):
            maker["co_commissioning"] = value("maker.co_commissioning", record.levels)
        data["maker"] = maker
    if lists["parties"]:
        data["parties"] = [body(s, "parties", i) for i, s in lists["parties"]]
    change: dict = {"targets": [t for t, there in record.targets.items() if z3.is_true(ev(there))]}
    for name, path in STATED.items():
        if path[0] == "change" and known(name):
            values = spec[name].get("values") or ((False, True) if spec[name]["type"] == "bool" else None)
            change[path[1]] = value(name, values)
    if known("change.alternative_work.present"):
        if not value("change.alternative_work.present", (False, True)):
            change["alternative_work"] = "none"
        else:
            measures = spec["change.alternative_work.measurement"]["values"]
            name = "change.alternative_work.measurement"
            change["alternative_work"] = {"measurement": value(name, measures)} if known(name) else {}
    data["change"] = change
    if lists["decisions"]:
        data["decisions"] = [_decision(record, i, date, body(s, "decisions", i), known, value)
                             for i, s in lists["decisions"]]
    for group in ("consultations", "circumstances"):
        found = {path[1]: value(name, (False, True) if spec[name]["type"] == "bool" else None)
                 for name, path in STATED.items() if path[0] == group and known(name)}
        if found:
            data[group] = found
    if lists["objections"]:
        data["objections"] = [{"body": body(s, "objections", i)} for i, s in lists["objections"]]
    return data


def _decision(record: Record, i: int, date: str, who: dict, known, value) -> dict:
    spec = record.spec
    out: dict = {"body": {"kind": who["kind"]}}
    status = value(f"decisions.{i}.status", spec["decisions.status"]["values"]) \
        if known(f"decisions.{i}.status") else UNKNOWN
    out["status"] = status
    if known(f"decisions.{i}.formality"):
        out["formality"] = value(f"decisions.{i}.formality", spec["decisions.formality"]["values"])
    elif status == "granted":
        out["formality"] = UNKNOWN  # a grant must say how formal it was, if only 'unknown'
    span = record.lifespans.get(who["kind"])
    if span and not span["from"] <= date <= span["to"]:
        # a body that did not exist on the scheme's date decided in its own lifetime;
        # all of one kind's decisions share the date, so file order still says which is latest
        out["date"] = span["from"]
    return out
