"""A reference evaluator of the policy, written from docs/policy-format.md alone.

It shares no code with the checker: it reads the policy YAML and the scheme
schema (for the enums and their order) itself, derives each act's facts by
the doc's fact table, evaluates conditions in Kleene's three-valued logic,
decides the verdict by the doc's precedence and, where facts are unknown,
finds the outcome of every completion of the scheme by brute force: it fills
the unknown source paths with each of their value classes, one path at a
time, until every component the verdict reads is true or false. The
differential test (tests/test_differential.py) and `make bench` hold the
checker to it. Used only by tests and the benchmark.

Where the doc is silent, the choices made here are marked CHOICE.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SCHEMA = json.loads((HERE.parent / "checker" / "schemas" / "scheme.schema.json").read_text())
UNKNOWN = "unknown"
VERDICT_ORDER = ["ultra_vires", "refused", "pending", "valid"]
EFFECT_ORDER = ["ultra_vires", "refused", "risk", "route"]
_PROPS = SCHEMA["properties"]
_CHANGE = _PROPS["change"]["properties"]
_BODY = SCHEMA["$defs"]["body"]["properties"]
_DECISION = _PROPS["decisions"]["items"]["properties"]
KINDS = list(_BODY["kind"]["enum"])
LEVELS = list(_BODY["co_commissioning"]["enum"])
LISTS = ("requested_by", "parties", "decisions", "objections")


def _known(values):
    return [v for v in values if v != UNKNOWN]


#: Value classes of the enum and boolean source paths ("each value in the
#: schema's order"; "a boolean: true, false"), without `unknown`.
ENUM_CLASSES = {
    "change.instrument": _known(_CHANGE["instrument"]["enum"]),
    "change.scope": _known(_CHANGE["scope"]["enum"]),
    "change.income": _known(_CHANGE["income"]["enum"]),
    "change.practice_opt_in": [True, False],
    "change.remaining_indicators_continue": [True, False],
    "consultations.lmc": [True, False],
    "consultations.gpc": [True, False],
}
MEASUREMENTS = _known(_CHANGE["alternative_work"]["anyOf"][0]["properties"]["measurement"]["enum"])
STATUSES = _known(_DECISION["status"]["enum"])
FORMALITIES = _known(_DECISION["formality"]["enum"])
#: Number paths: (field, lowest, highest or None, integer?), from the schema.
NUMBERS = {
    "change.share_of_points": (0, 100, False),
    "consultations.local_weeks": (0, None, True),
    "circumstances.national_incident_level": (0, 4, True),
}


# ---------------------------------------------------------------- the policy

class _Loader(yaml.SafeLoader):
    """Safe YAML in which dates stay ISO text ("dates compare as ISO text")."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path):
    """One YAML file, dates as text."""
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader)


def _power(raw, edition_targets, shared):
    """A power as plain data; a shared power keeps only the edition's targets."""
    targets = list(raw["targets"])
    if shared:
        targets = [t for t in targets if t in edition_targets]
    holder = raw["holder"]
    return {
        "id": raw["id"], "kinds": list(holder["kinds"]), "levels": holder.get("co_commissioning"),
        "instruments": list(raw["instruments"]), "targets": targets, "when": raw.get("when"),
        "limits": [(p["id"], p["when"]) for p in raw.get("limits") or []],
        "steps": [(p["id"], p["when"], bool(p.get("precondition"))) for p in raw.get("steps") or []],
        "approvals": [(p["id"], p["body"], p.get("when")) for p in raw.get("approvals") or []],
    }


def load_policy(policy_dir):
    """The editions (own powers and rules, then each included file's, in
    order) and the lifespans of bodies."""
    root = Path(policy_dir)
    editions = []
    for path in sorted((root / "editions").glob("*.yaml")):
        data = read_yaml(path)
        targets = list(data.get("targets") or [])
        powers = [_power(p, targets, False) for p in data.get("powers") or []]
        rules = list(data.get("rules") or [])
        for name in data.get("include") or []:
            common = read_yaml(root / name)
            for raw in common.get("powers") or []:
                power = _power(raw, targets, True)
                if power["targets"]:  # left out of an edition that lists none of its targets
                    powers.append(power)
            rules += common.get("rules") or []
        editions.append({"id": data["edition"], "jurisdiction": data["jurisdiction"],
                         "from": str(data["from"]), "to": str(data["to"]) if data.get("to") else None,
                         "targets": targets, "powers": powers, "rules": rules})
    bodies = read_yaml(root / "bodies.yaml")["bodies"]
    lifespans = {kind: (str(span["from"]), str(span["to"])) for kind, span in bodies.items()}
    local = {(kind, where): (str(over.get("from", span["from"])), str(over.get("to", span["to"])))
             for kind, span in bodies.items() for where, over in (span.get("in") or {}).items()}
    return {"editions": editions, "lifespans": lifespans, "local_lifespans": local}


def edition_of(policy, scheme):
    """The one edition of the scheme's jurisdiction whose period holds its date."""
    day = scheme["date"]
    for edition in policy["editions"]:
        if (edition["jurisdiction"] == scheme["jurisdiction"] and edition["from"] <= day
                and (edition["to"] is None or day <= edition["to"])):
            return edition
    raise LookupError(f"no edition for {scheme['jurisdiction']} on {day}")


def existed(policy, kind, day, jurisdiction=None):
    """Whether bodies of this kind existed on the day, in the jurisdiction when
    given (its own span there, if bodies.yaml gives one; unlisted kinds always did)."""
    span = policy["local_lifespans"].get((kind, jurisdiction)) or policy["lifespans"].get(kind)
    return span is None or span[0] <= day <= span[1]


# ----------------------------------------------------------------- the facts

def _given(value):
    return value is not None and value != UNKNOWN


def _level(body):
    if body["kind"] != "ccg":
        return "not_applicable"
    return body.get("co_commissioning", UNKNOWN)


def _latest(scheme, kind):
    """(index, decision) of the last decision by a body of this kind: by date,
    undated first, ties in file order; None if there is none."""
    mine = [(d.get("date", ""), i, d) for i, d in enumerate(scheme.get("decisions") or [])
            if d["body"]["kind"] == kind]
    if not mine:
        return None
    day, index, decision = max(mine, key=lambda t: (t[0], t[1]))
    return index, decision


def standing(scheme, kind):
    """Where bodies of this kind stand, by the doc's "Standing" paragraph."""
    latest = _latest(scheme, kind)
    if latest is None:
        return "not_sought"
    decision = latest[1]
    status = decision.get("status", UNKNOWN)
    if status == UNKNOWN:
        return UNKNOWN
    if status == "granted":
        formality = decision.get("formality", UNKNOWN)
        if formality == "informal":
            return "informal"
        if formality == UNKNOWN:
            return UNKNOWN
    return status


def _contract_month(day):
    month = int(day[5:7])
    return month - 3 if month >= 4 else month + 9


def facts(scheme, target):
    """The fact record of the act that changes this target."""
    change = scheme["change"]
    start = scheme.get("effective_from")
    start = start if _given(start) else UNKNOWN
    end = scheme.get("effective_to")
    maker = scheme.get("maker")
    maker = maker if isinstance(maker, dict) else None
    work = change.get("alternative_work")
    consult = scheme.get("consultations") or {}
    record = {
        "jurisdiction": scheme["jurisdiction"],
        "date": scheme["date"],
        "effective_from": start,
        "effective_to": end if _given(end) else UNKNOWN,
        "timing.month_of_contract_year": UNKNOWN if start == UNKNOWN else _contract_month(start),
        "timing.in_year": UNKNOWN if start == UNKNOWN else start[5:] != "04-01",
        "maker.kind": maker["kind"] if maker else UNKNOWN,
        "maker.co_commissioning": _level(maker) if maker else UNKNOWN,
        "maker.standing": standing(scheme, maker["kind"]) if maker else UNKNOWN,
        "change.target": target,
    }
    for kind in KINDS:
        record[f"standing.{kind}"] = standing(scheme, kind)
    for name in ("instrument", "scope", "income", "practice_opt_in",
                 "remaining_indicators_continue", "share_of_points"):
        value = change.get(name)
        record[f"change.{name}"] = value if _given(value) else UNKNOWN
    if isinstance(work, dict):
        record["change.alternative_work.present"] = True
        record["change.alternative_work.measurement"] = work.get("measurement", UNKNOWN)
    elif work == "none":
        record["change.alternative_work.present"] = False
        record["change.alternative_work.measurement"] = "none"
    else:
        record["change.alternative_work.present"] = UNKNOWN
        record["change.alternative_work.measurement"] = UNKNOWN
    for name in ("lmc", "gpc", "local_weeks"):
        value = consult.get(name)
        record[f"consultations.{name}"] = value if _given(value) else UNKNOWN
    level = (scheme.get("circumstances") or {}).get("national_incident_level")
    record["circumstances.national_incident_level"] = level if _given(level) else UNKNOWN
    for name in ("requested_by", "parties"):
        record[name] = [{"kind": b["kind"], "co_commissioning": _level(b)}
                        for b in scheme.get(name) or []]
    record["decisions"] = [{"body": d["body"]["kind"], "formality": d.get("formality", UNKNOWN),
                            "status": d.get("status", UNKNOWN)}
                           for d in scheme.get("decisions") or []]
    record["objections"] = [{"body": o["body"]["kind"]} for o in scheme.get("objections") or []]
    return record


# ------------------------------------------------------------ the conditions

def _kleene_all(parts):
    return False if False in parts else None if None in parts else True


def _kleene_any(parts):
    return True if True in parts else None if None in parts else False


def _test(cond, value):
    if "eq" in cond:
        return value == cond["eq"]
    if "ne" in cond:
        return value != cond["ne"]
    if "in" in cond:
        return value in cond["in"]
    if "not_in" in cond:
        return value not in cond["not_in"]
    if "between" in cond:
        low, high = cond["between"]
        return low <= value <= high
    op = next(k for k in ("lt", "le", "gt", "ge") if k in cond)
    bound = cond[op]
    return {"lt": value < bound, "le": value <= bound, "gt": value > bound, "ge": value >= bound}[op]


def truth(cond, record):
    """True, False, or None (unknown) by the doc's Kleene table; `record` is a
    fact record or, inside `where`, one list item."""
    if cond is None:
        return True
    if "all" in cond:
        return _kleene_all([truth(c, record) for c in cond["all"]])
    if "any" in cond:
        return _kleene_any([truth(c, record) for c in cond["any"]])
    if "not" in cond:
        inner = truth(cond["not"], record)
        return None if inner is None else not inner
    if "some" in cond:
        return _kleene_any([truth(cond["where"], item) for item in record[cond["some"]]])
    if "none" in cond:
        inner = _kleene_any([truth(cond["where"], item) for item in record[cond["none"]]])
        return None if inner is None else not inner
    value = record[cond["field"]]
    if value == UNKNOWN:
        return None
    return _test(cond, value)


def fields_of(cond, prefix=""):
    """The fields a condition tests: plain names, or `LIST.*.FIELD` for item fields."""
    if cond is None:
        return set()
    if "all" in cond or "any" in cond:
        return set().union(*(fields_of(c, prefix) for c in cond.get("all") or cond.get("any")))
    if "not" in cond:
        return fields_of(cond["not"], prefix)
    for quantifier in ("some", "none"):
        if quantifier in cond:
            return fields_of(cond["where"], cond[quantifier] + ".*.")
    return {prefix + cond["field"]}


# ------------------------------------------------------------ the components

def power_conditions(power):
    """Each component of a power, named as in the doc, with its condition."""
    pid = power["id"]
    holder = {"field": "maker.kind", "in": power["kinds"]}
    if power["levels"]:
        holder = {"all": [holder, {"field": "maker.co_commissioning", "in": power["levels"]}]}
    out = {
        f"{pid}#holder": holder,
        f"{pid}#instrument": {"field": "change.instrument", "in": power["instruments"]},
        f"{pid}#target": {"field": "change.target", "in": power["targets"]},
        f"{pid}#when": power["when"],
    }
    for name, when in power["limits"]:
        out[f"{pid}/{name}"] = when
    for name, when, _ in power["steps"]:
        out[f"{pid}/{name}"] = when
    out[f"{pid}/made#granted"] = {"field": "maker.standing", "eq": "granted"}
    out[f"{pid}/made#refused"] = {"field": "maker.standing", "eq": "refused"}
    for name, body, when in power["approvals"]:
        out[f"{pid}/{name}#needed"] = when
        out[f"{pid}/{name}#granted"] = {"field": f"standing.{body}", "eq": "granted"}
        out[f"{pid}/{name}#refused"] = {"field": f"standing.{body}", "eq": "refused"}
    return out


def component_conditions(edition):
    """Every component of the edition: power components, then each rule."""
    out = {}
    for power in edition["powers"]:
        out.update(power_conditions(power))
    for rule in edition["rules"]:
        out[rule["id"]] = rule["when"]
    return out


def truths(edition, record):
    """The three-valued truth of every component for one act."""
    return {name: truth(cond, record) for name, cond in component_conditions(edition).items()}


def read_components(edition, truth_of):
    """The components the verdict can depend on for one act, given the truths
    so far: every prohibition and refusal; a power's candidacy; and, unless
    one of those four is false (then nothing else of the power is read), its
    limits, steps, the maker's decision and each approval that may be needed.
    (The doc says the verdict reads every power component; the rest of a power
    that is surely not a candidate cannot change it, so this is the same
    verdict with less work.)"""
    names = [r["id"] for r in edition["rules"] if r["effect"]["kind"] in ("ultra_vires", "refused")]
    for power in edition["powers"]:
        pid = power["id"]
        candidacy = [f"{pid}#{c}" for c in ("holder", "instrument", "target", "when")]
        names += candidacy
        if any(truth_of[c] is False for c in candidacy):
            continue
        names += [f"{pid}/{name}" for name, _ in power["limits"]]
        names += [f"{pid}/{name}" for name, _, _ in power["steps"]]
        names += [f"{pid}/made#granted", f"{pid}/made#refused"]
        for name, _, _ in power["approvals"]:
            names.append(f"{pid}/{name}#needed")
            if truth_of[f"{pid}/{name}#needed"] is not False:
                names += [f"{pid}/{name}#granted", f"{pid}/{name}#refused"]
    return names


# --------------------------------------------------------------- the verdict

def decide_act(edition, t, target):
    """One act's status, reasons and power used, from two-valued truths `t`."""
    candidates = [p for p in edition["powers"]
                  if all(t[f"{p['id']}#{c}"] for c in ("holder", "instrument", "target", "when"))]
    covering, failed = [], []
    for power in candidates:
        pid = power["id"]
        bad = [f"{pid}/{name}" for name, _ in power["limits"] if t[f"{pid}/{name}"] is False]
        if t[f"{pid}/made#granted"]:
            bad += [f"{pid}/{name}" for name, _, pre in power["steps"] if pre and t[f"{pid}/{name}"] is False]
        if bad:
            failed += bad
        else:
            covering.append(power)
    if not covering:
        return {"status": "uncovered", "reasons": failed or [f"no-power:{target}"], "power": None}
    best = None
    for power in covering:
        pid = power["id"]
        required = [("made", None)] + [(name, body) for name, body, _ in power["approvals"]
                                       if t[f"{pid}/{name}#needed"]]
        refused = [f"{pid}/{name}" for name, _ in required if t[f"{pid}/{name}#refused"]]
        ungranted = [f"{pid}/{name}" for name, _ in required if not t[f"{pid}/{name}#granted"]]
        untaken = [f"{pid}/{name}" for name, _, _ in power["steps"] if not t[f"{pid}/{name}"]]
        if refused:
            status, reasons = "refused", refused
        elif ungranted or untaken:
            status, reasons = "pending", ungranted + untaken
        else:
            status, reasons = "valid", [pid]
        rank = ["valid", "pending", "refused"].index(status)
        if best is None or rank < best[0]:
            best = (rank, {"status": status, "reasons": reasons, "power": power,
                           "required": required, "untaken": untaken})
    return best[1]


def _once(ids):
    seen, out = set(), []
    for i in ids:
        if i not in seen:
            seen.add(i)
            out.append(i)
    return out


def decide(edition, acts):
    """The scheme's outcome from each act's (target, two-valued truths),
    by the doc's precedence. `powers_used` is each act's (target, power);
    approvals are `(power/name, body)`, the body of `made` being the maker's
    kind (the act's `maker.kind` fact); each list keeps an id once."""
    decided = [decide_act(edition, t, target) for target, t, _ in acts]
    fired = lambda kind: [r["id"] for r in edition["rules"] if r["effect"]["kind"] == kind
                          and any(t[r["id"]] for _, t, _ in acts)]
    uncovered = [a for a in decided if a["status"] == "uncovered"]
    if fired("ultra_vires") or uncovered:
        verdict = "ultra_vires"
        decided_by = fired("ultra_vires") + [r for a in uncovered for r in a["reasons"]]
    elif fired("refused") or any(a["status"] == "refused" for a in decided):
        verdict = "refused"
        decided_by = fired("refused") + [r for a in decided if a["status"] == "refused" for r in a["reasons"]]
    elif any(a["status"] == "pending" for a in decided):
        verdict = "pending"
        decided_by = [r for a in decided if a["status"] == "pending" for r in a["reasons"]]
    else:
        verdict = "valid"
        decided_by = [r for a in decided for r in a["reasons"]]
    needed, given, steps = [], [], []
    used = []
    if verdict != "ultra_vires":
        for act, (target, t, maker_kind) in zip(decided, acts):
            pid = act["power"]["id"]
            used.append((target, pid))
            for name, body in act["required"]:
                entry = (f"{pid}/{name}", maker_kind if name == "made" else body)
                (given if t[f"{pid}/{name}#granted"] else needed).append(entry)
            steps += act["untaken"]
    return {"verdict": verdict, "decided_by": _once(decided_by), "powers_used": used,
            "approvals_needed": _once(needed), "approvals_given": _once(given), "steps_needed": _once(steps)}


def outcome_key(outcome):
    """What must agree for two completions to have "the same" outcome."""
    return (outcome["verdict"], tuple(outcome["decided_by"]), tuple(outcome["powers_used"]),
            tuple(outcome["approvals_needed"]), tuple(outcome["approvals_given"]),
            tuple(outcome["steps_needed"]))


# ---------------------------------------------------- unknown source paths

def _paths_for_field(scheme, field, item_fields):
    """The unknown scheme paths that would settle an unknown fact field."""
    change = scheme["change"]
    maker = scheme.get("maker")
    maker = maker if isinstance(maker, dict) else None
    if field in ("effective_from", "timing.month_of_contract_year", "timing.in_year"):
        return ["effective_from"]
    if field == "effective_to":
        return ["effective_to"]
    if field.startswith("maker."):
        if maker is None:
            return ["maker"]
        if field == "maker.co_commissioning":
            return ["maker.co_commissioning"]
        if field == "maker.standing":
            return _standing_paths(scheme, maker["kind"])
        return []
    if field.startswith("standing."):
        return _standing_paths(scheme, field.split(".", 1)[1])
    if field.startswith("change.alternative_work."):
        work = change.get("alternative_work")
        return ["change.alternative_work.measurement"] if isinstance(work, dict) else ["change.alternative_work"]
    if "." in field and field.split(".")[0] in ("change", "consultations", "circumstances"):
        return [field]
    if field.split(".")[0] in LISTS:  # LIST.*.FIELD
        name, _, item_field = field.split(".")
        return [f"{name}.{i}.{item_field}" for i, item in enumerate(item_fields[name])
                if item[item_field] == UNKNOWN]
    return []


def _standing_paths(scheme, kind):
    latest = _latest(scheme, kind)
    if latest is None:
        return []
    index, decision = latest
    if decision.get("status", UNKNOWN) == UNKNOWN:
        return [f"decisions.{index}.status"]
    return [f"decisions.{index}.formality"]


def _number_classes(edition, field, low, high, integer):
    """The lowest value of each set of values on which every comparison the
    edition makes of the field agrees."""
    tests = [c for c in _all_tests(edition) if c.get("field") == field]
    points = set()
    for cond in tests:
        for op in ("eq", "ne", "lt", "le", "gt", "ge"):
            if op in cond:
                points.add(cond[op])
        for op in ("in", "not_in", "between"):
            if op in cond:
                points.update(cond[op])
    edges = sorted(p for p in points if p >= low and (high is None or p <= high))
    candidates = {low} | set(edges)
    for i, point in enumerate(edges):
        after = edges[i + 1] if i + 1 < len(edges) else high
        # CHOICE: a range open at its bottom has no lowest value among real
        # numbers; its midpoint stands for it (integers take the next one).
        value = point + 1 if integer or after is None else (point + after) / 2
        if high is None or value <= high:
            candidates.add(value)
    classes = {}
    for value in sorted(candidates):
        signature = tuple(_test(c, value) for c in tests)
        classes.setdefault(signature, value)
    return sorted(classes.values())


def _all_tests(edition):
    out = []

    def walk(cond):
        if cond is None:
            return
        for key in ("all", "any"):
            for c in cond.get(key) or []:
                walk(c)
        if "not" in cond:
            walk(cond["not"])
        if "where" in cond:
            return  # item fields are enums
        if "field" in cond:
            out.append(cond)

    for cond in component_conditions(edition).values():
        walk(cond)
    return out


def _date_classes(edition, scheme, field):
    day = dt.date.fromisoformat(scheme["date"])
    dates = set()
    if field == "effective_from":
        first = day.year if day.month >= 4 else day.year - 1
        for k in range(12):
            month = (3 + k) % 12 + 1
            year = first if month >= 4 else first + 1
            dates |= {dt.date(year, month, 1), dt.date(year, month, 2)}
    for cond in _all_tests(edition):
        if cond.get("field") != field:
            continue
        for op in ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "between"):
            values = cond.get(op)
            for value in (values if isinstance(values, list) else [values] if values is not None else []):
                d = dt.date.fromisoformat(str(value))
                dates |= {d - dt.timedelta(days=1), d, d + dt.timedelta(days=1)}
    if not dates:
        # CHOICE: the doc gives no classes for effective_to; with nothing
        # compared with it, any one date stands for all (the scheme's).
        dates = {day}
    return sorted(d.isoformat() for d in dates)


def value_classes(policy, edition, scheme, path):
    """The values a path is filled with, as the doc's "Value classes"."""
    if path == "maker":
        return [{"kind": k} for k in KINDS if existed(policy, k, scheme["date"], scheme["jurisdiction"])]
    if path == "maker.co_commissioning" or path.endswith(".co_commissioning"):
        return list(LEVELS)
    if path in ENUM_CLASSES:
        return list(ENUM_CLASSES[path])
    if path == "change.alternative_work":
        return ["none", {}]
    if path == "change.alternative_work.measurement":
        return list(MEASUREMENTS)
    if path.endswith(".status"):
        return list(STATUSES)
    if path.endswith(".formality"):
        return list(FORMALITIES)
    if path in NUMBERS:
        low, high, integer = NUMBERS[path]
        return _number_classes(edition, path, low, high, integer)
    if path in ("effective_from", "effective_to"):
        return _date_classes(edition, scheme, path)
    raise KeyError(path)


def fill(scheme, path, value):
    """A copy of the scheme with the path filled in."""
    out = copy.deepcopy(scheme)
    parts = path.split(".")
    node = out
    for part in parts[:-1]:
        if part.isdigit():
            node = node[int(part)]
        else:
            node = node.setdefault(part, {})
    last = parts[-1]
    if last.isdigit():
        node[int(last)] = value
    else:
        node[last] = copy.deepcopy(value)
    return out


# ------------------------------------------------------- the brute force

def _acts(edition, scheme):
    out = []
    for target in scheme["change"]["targets"]:
        record = facts(scheme, target)
        out.append((target, record, truths(edition, record)))
    return out


def _unsettled(edition, scheme, acts):
    """The unknown paths that feed a component the verdict reads and that is
    unknown (none: every such component is true or false)."""
    conditions = component_conditions(edition)
    paths, unknown = set(), False
    for _, record, t in acts:
        for name in read_components(edition, t):
            if t[name] is None:
                unknown = True
                for field in fields_of(conditions[name]):
                    if record.get(field, None) == UNKNOWN or field.split(".")[0] in LISTS:
                        paths.update(_paths_for_field(scheme, field, record))
    if unknown and not paths:
        raise AssertionError("an unknown component with no unknown path under it")
    return sorted(paths)


def completions(policy, scheme):
    """Every completion of the scheme's unknown paths the verdict reads, as
    (filled paths {path: value}, outcome): filled one path at a time, over its
    value classes, until every component the verdict reads is true or false."""
    edition = edition_of(policy, scheme)
    out = []

    def walk(current, given):
        acts = _acts(edition, current)
        open_paths = _unsettled(edition, current, acts)
        if not open_paths:
            two_valued = [(target, t, record["maker.kind"]) for target, record, t in acts]
            out.append((given, decide(edition, two_valued)))
            return
        path = min(open_paths, key=lambda p: (len(value_classes(policy, edition, current, p)), p))
        for value in value_classes(policy, edition, current, path):
            walk(fill(current, path, value), {**given, path: value})

    walk(scheme, {})
    return out


def _settling(scheme, cond, acts):
    """The unknown paths that would settle the fields a condition tests."""
    paths = set()
    for _, record, _ in acts:
        for field in fields_of(cond):
            if record.get(field) == UNKNOWN or field.split(".")[0] in LISTS:
                paths.update(_paths_for_field(scheme, field, record))
    return paths


def _rules_true(edition, acts):
    return [r for r in edition["rules"] if any(t[r["id"]] is True for _, _, t in acts)]


def evaluate(policy, scheme):
    """The answer for a scheme: `edition`; `outcomes`, every distinct outcome
    of its completions; `determined` (one outcome); and for a determined one,
    `verdict`, `decided_by`, `powers_used`, `approvals_needed`,
    `approvals_given`, `steps_needed` and `findings`; always `possible_risks`
    and `possible_routes` (ids of risks and routes unknown in some act and
    true in none, each with the set of paths that would settle it)."""
    edition = edition_of(policy, scheme)
    acts = _acts(edition, scheme)
    found = {}
    for given, outcome in completions(policy, scheme):
        found.setdefault(outcome_key(outcome), (outcome, []))[1].append(given)
    answer = {"edition": edition["id"], "outcomes": [o for o, _ in found.values()],
              "completions": [(g, o) for o, gs in found.values() for g in gs],
              "determined": len(found) == 1}
    fired = _rules_true(edition, acts)
    for kind, key in (("risk", "possible_risks"), ("route", "possible_routes")):
        answer[key] = {r["id"]: _settling(scheme, r["when"], acts) for r in edition["rules"]
                       if r["effect"]["kind"] == kind and r not in fired
                       and any(t[r["id"]] is None for _, _, t in acts)}
    if answer["determined"]:
        outcome = answer["outcomes"][0]
        answer.update(outcome)
        by_effect = [r["id"] for kind in EFFECT_ORDER for r in fired if r["effect"]["kind"] == kind]
        answer["findings"] = _once(p for _, p in outcome["powers_used"]) + by_effect
    else:
        answer["verdict"] = "undetermined"
        answer["possible_verdicts"] = sorted({o["verdict"] for o in answer["outcomes"]},
                                             key=VERDICT_ORDER.index)
    return answer
