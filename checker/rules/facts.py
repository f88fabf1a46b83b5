"""Facts: a scheme turned into the record of values the policy tests, one per act.

An **act** is what the maker does to one part of the contract: a scheme whose
``change.targets`` names three parts makes three acts, and ``act_facts``
gives one fact record each (``change.target`` is that part).

Every field a condition may name is listed in ``fields()`` with its type and,
for fixed choices, its values (taken from the scheme schema). A field's value
is a value of that type, or ``UNKNOWN``: the scheme leaves the fact out or
writes ``unknown``. Nothing is filled in silently (docs/policy-format.md,
"Facts"); where a default is the law, a power or rule of the policy says so.

Some fields are derived: ``timing.*`` from ``effective_from``, ``maker.*``
from the maker, and ``standing.<kind>`` (where a kind of body stands: its
latest decision) from ``decisions``. ``unknown_sources`` says, for each
unknown field, which facts of the scheme would settle it: what vires asks a
negotiator to find out (``checker.evaluate.unknowns``).

Lists (requested_by, parties, decisions, objections) become lists of flat
items; a condition reaches into them with ``some``/``none``. Item fields all
have a finite set of values, which lets the engine compile quantifiers
exactly (``checker.rules.compile``).
"""
from __future__ import annotations

from functools import lru_cache

from ..dates import contract_month, starts_contract_year
from ..load.schema import BODY_KIND, fixed_values, node_at

#: The value of a fact that is not known (and the word a scheme writes for it).
UNKNOWN = "unknown"

#: Lists a condition can quantify over, with the fields of one item.
LISTS = {
    "requested_by": ("kind", "co_commissioning"),
    "parties": ("kind", "co_commissioning"),
    "decisions": ("body", "formality", "status"),
    "objections": ("body",),
}

#: Where a body stands, from its latest decision (``standing.<kind>``).
STANDINGS = ("granted", "informal", "refused", "pending", "not_sought")

#: Scalar facts a scheme states directly: fact field -> the scheme's path.
STATED = {
    "change.instrument": ("change", "instrument"),
    "change.scope": ("change", "scope"),
    "change.income": ("change", "income"),
    "change.practice_opt_in": ("change", "practice_opt_in"),
    "change.remaining_indicators_continue": ("change", "remaining_indicators_continue"),
    "change.share_of_points": ("change", "share_of_points"),
    "consultations.lmc": ("consultations", "lmc"),
    "consultations.gpc": ("consultations", "gpc"),
    "consultations.local_weeks": ("consultations", "local_weeks"),
    "circumstances.national_incident_level": ("circumstances", "national_incident_level"),
}
#: ``STATED`` as ((group, field), scheme path): the record is built at every node of a split.
_STATED_PARTS = tuple((tuple(name.split(".")), path) for name, path in STATED.items())


def _values(*path) -> list:
    """The known values of a schema field: its fixed values without ``unknown``."""
    values = fixed_values(node_at(path)) or []
    return [v for v in values if v != UNKNOWN]


def _enum(*path) -> dict:
    return {"type": "enum", "values": _values(*path)}


def body_kinds() -> list[str]:
    """Every kind of body, in the schema's order."""
    return list(_body_kinds())


@lru_cache(maxsize=None)
def _body_kinds() -> tuple[str, ...]:
    return tuple(_values(*BODY_KIND))


@lru_cache(maxsize=None)
def fields() -> dict:
    """Every field a condition may test: path -> {type, values?, min?, max?}."""
    kinds = body_kinds()
    body_kind = {"type": "enum", "values": kinds}
    co = {"type": "enum", "values": _values("maker", "co_commissioning") + ["not_applicable"]}
    standing = {"type": "enum", "values": list(STANDINGS)}
    out = {
        "jurisdiction": _enum("jurisdiction"),
        "date": {"type": "date"},
        "effective_from": {"type": "date"},
        "effective_to": {"type": "date"},
        "timing.month_of_contract_year": {"type": "int", "min": 1, "max": 12},
        "timing.in_year": {"type": "bool"},
        "maker.kind": body_kind,
        "maker.co_commissioning": co,
        "maker.standing": standing,
        "change.target": _enum("change", "targets", "*"),
        "change.instrument": _enum("change", "instrument"),
        "change.scope": _enum("change", "scope"),
        "change.income": _enum("change", "income"),
        "change.practice_opt_in": {"type": "bool"},
        "change.remaining_indicators_continue": {"type": "bool"},
        "change.share_of_points": {"type": "number", "min": 0, "max": 100},
        "change.alternative_work.present": {"type": "bool"},
        "change.alternative_work.measurement": _enum("change", "alternative_work", "measurement"),
        "consultations.lmc": {"type": "bool"},
        "consultations.gpc": {"type": "bool"},
        "consultations.local_weeks": {"type": "int", "min": 0, "max": 520},
        "circumstances.national_incident_level": {"type": "int", "min": 0, "max": 4},
    }
    for kind in kinds:
        out[f"standing.{kind}"] = standing
    for name in ("requested_by", "parties"):
        out[f"{name}.kind"] = body_kind
        out[f"{name}.co_commissioning"] = co
    out["decisions.body"] = body_kind
    out["decisions.formality"] = {"type": "enum", "values": _values("decisions", "*", "formality")}
    out["decisions.status"] = _enum("decisions", "*", "status")
    out["objections.body"] = body_kind
    return out


def _get(data: dict, path: tuple):
    node = data
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return UNKNOWN
        node = node[part]
    return node


def maker(data: dict) -> dict | None:
    """The scheme's maker as a body mapping, or None when it is not known."""
    found = data.get("maker")
    return found if isinstance(found, dict) else None


def _co_commissioning(body: dict) -> str:
    if body["kind"] != "ccg":
        return "not_applicable"
    return body.get("co_commissioning", UNKNOWN)


def latest_decision(decisions: list, kind: str) -> tuple[int, dict] | None:
    """The latest decision by a kind of body, with its index: ordered by date
    (decisions without a date first), ties in file order."""
    mine = [(i, d) for i, d in enumerate(decisions) if d["body"]["kind"] == kind]
    if not mine:
        return None
    return sorted(mine, key=lambda p: (p[1].get("date", ""), p[0]))[-1]


def standing_of(decisions: list, kind: str) -> str:
    """Where a kind of body stands: its latest decision's status, ``informal``
    for an informal grant, ``not_sought`` with no decision, or UNKNOWN."""
    latest = latest_decision(decisions, kind)
    return "not_sought" if latest is None else _standing(latest[1])


def _standing(decision: dict) -> str:
    """Where the body of a latest decision stands (``standing_of``)."""
    status = decision["status"]
    if status != "granted":
        return status  # UNKNOWN included
    formality = decision.get("formality", UNKNOWN)
    return UNKNOWN if formality == UNKNOWN else ("informal" if formality == "informal" else "granted")


def standings(decisions: list) -> dict[str, str]:
    """Where every kind of body stands (``standing_of`` of each kind, in the
    schema's order), in one pass over the decisions."""
    latest: dict[str, tuple] = {}
    for i, decision in enumerate(decisions):
        kind, key = decision["body"]["kind"], (decision.get("date", ""), i)
        if kind not in latest or key > latest[kind][0]:  # the order of latest_decision
            latest[kind] = (key, decision)
    return {kind: _standing(latest[kind][1]) if kind in latest else "not_sought" for kind in _body_kinds()}


def _alternative_work(change: dict) -> dict:
    work = change.get("alternative_work", UNKNOWN)
    if work == UNKNOWN:
        return {"present": UNKNOWN, "measurement": UNKNOWN}
    if work == "none":
        return {"present": False, "measurement": "none"}
    return {"present": True, "measurement": work.get("measurement", UNKNOWN)}


def _timing(start) -> dict:
    if start == UNKNOWN:
        return {"month_of_contract_year": UNKNOWN, "in_year": UNKNOWN}
    return {"month_of_contract_year": contract_month(start), "in_year": not starts_contract_year(start)}


def _item_body(body: dict) -> dict:
    return {"kind": body["kind"], "co_commissioning": _co_commissioning(body)}


def targets(data: dict) -> list[str]:
    """The parts of the contract the scheme changes, one act each, in file order."""
    return list(dict.fromkeys(data["change"]["targets"]))


def act_facts(data: dict, target: str) -> dict:
    """The fact record of one act (the scheme's change to ``target``), as a nested dict."""
    return _with_target(_scheme_record(data), target)


def scheme_facts(data: dict) -> dict[str, dict]:
    """The fact record of every act of a scheme (``act_facts`` of each target,
    in file order), the parts they share built once. The records share those
    parts: read them, never change them."""
    record = _scheme_record(data)
    return {target: _with_target(record, target) for target in targets(data)}


def _with_target(record: dict, target: str) -> dict:
    return {**record, "change": {**record["change"], "target": target}}


def _scheme_record(data: dict) -> dict:
    """The facts of a scheme that are the same for each of its acts (all but ``change.target``)."""
    change = data["change"]
    decisions = data.get("decisions", [])
    start = data.get("effective_from", UNKNOWN)
    body = maker(data)
    standing = standings(decisions)
    facts: dict = {
        "jurisdiction": data["jurisdiction"],
        "date": data["date"],
        "effective_from": start,
        "effective_to": data.get("effective_to", UNKNOWN),
        "timing": _timing(start),
        "maker": {
            "kind": body["kind"] if body else UNKNOWN,
            "co_commissioning": _co_commissioning(body) if body else UNKNOWN,
            "standing": standing[body["kind"]] if body else UNKNOWN,
        },
        "standing": standing,
        "requested_by": [_item_body(b) for b in data.get("requested_by", [])],
        "parties": [_item_body(b) for b in data.get("parties", [])],
        "change": {"target": None, "alternative_work": _alternative_work(change)},
        "decisions": [{"body": d["body"]["kind"], "formality": d.get("formality", UNKNOWN),
                       "status": d["status"]} for d in decisions],
        "objections": [{"body": o["body"]["kind"]} for o in data.get("objections", [])],
        "consultations": {},
        "circumstances": {},
    }
    for (group, field), path in _STATED_PARTS:
        facts[group][field] = _get(data, path)
    return facts


def unknown_sources(data: dict, facts: dict) -> dict[str, list[tuple]]:
    """For each fact field that is unknown in ``facts``, the scheme paths that
    would settle it (list item fields: one path per unknown item)."""
    out: dict[str, list[tuple]] = {}

    def add(field, *paths):
        out.setdefault(field, []).extend(p for p in paths if p not in out.get(field, []))

    body = maker(data)
    if body is None:
        for name in ("kind", "co_commissioning", "standing"):
            add(f"maker.{name}", ("maker",))
    else:
        if facts["maker"]["co_commissioning"] == UNKNOWN:
            add("maker.co_commissioning", ("maker", "co_commissioning"))
    decisions = data.get("decisions", [])
    for kind, standing in facts["standing"].items():
        if standing == UNKNOWN:
            i, decision = latest_decision(decisions, kind)  # type: ignore[misc]
            part = "status" if decision["status"] == UNKNOWN else "formality"
            add(f"standing.{kind}", ("decisions", i, part))
            if body is not None and body["kind"] == kind:
                add("maker.standing", ("decisions", i, part))
    if facts["effective_from"] == UNKNOWN:
        for name in ("effective_from", "timing.month_of_contract_year", "timing.in_year"):
            add(name, ("effective_from",))
    if facts["effective_to"] == UNKNOWN:
        add("effective_to", ("effective_to",))
    work = facts["change"]["alternative_work"]
    if work["present"] == UNKNOWN:
        add("change.alternative_work.present", ("change", "alternative_work"))
        add("change.alternative_work.measurement", ("change", "alternative_work"))
    elif work["measurement"] == UNKNOWN:
        add("change.alternative_work.measurement", ("change", "alternative_work", "measurement"))
    for name, path in STATED.items():
        group, field = name.split(".")
        if facts[group][field] == UNKNOWN:
            add(name, path)
    for list_name, item_fields in LISTS.items():
        for i, item in enumerate(facts[list_name]):
            for field in item_fields:
                if item[field] == UNKNOWN:
                    add(f"{list_name}.{field}", (list_name, i, field))
    return out


def has_unknown(facts) -> bool:
    """Whether any value in a fact record is UNKNOWN."""
    if isinstance(facts, dict):
        return any(has_unknown(v) for v in facts.values())
    if isinstance(facts, list):
        return any(has_unknown(v) for v in facts)
    return facts == UNKNOWN
