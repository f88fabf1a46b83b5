"""Facts: a scheme turned into the total, flat-valued record the rules test.

Every field a policy condition may name is listed in ``FIELDS`` with its type
and, for fixed choices, its allowed values (taken from the scheme schema).
``scheme_facts`` always fills every field, using the defaults documented
here, so a condition never meets a missing value: "not stated" is a value.

Lists (proposers, parties, decisions, objections) become lists of flat
items; a condition reaches into them with ``some``/``none``. Item fields
all have a finite set of values (enums and booleans), which lets the
engine compile quantifiers exactly (see ``checker.rules.engine``).
"""
from __future__ import annotations

from functools import lru_cache

from ..dates import OPEN_END, contract_month, starts_contract_year
from ..load.schema import node_at

#: A fact that is not known. Any scalar field of a fact record, or any field
#: of a list item, may hold this string instead of a value; no enum field
#: has it among its values, and booleans, numbers and dates never take it.
#: Conditions on it are neither true nor false but unknown
#: (docs/policy-format.md, "Unknown facts").
UNKNOWN = "unknown"

#: Defaults for facts a scheme may leave out.
DEFAULTS = {
    "change.scope": "not_stated",
    "change.income": "not_stated",
    "change.practice_opt_in": False,
    "change.remaining_indicators_continue": True,
    "change.share_of_points": 0,
    "decision.formality": "formal",
    "consultations.lmc": False,
    "consultations.gpc": False,
    "consultations.local_weeks": 0,
    "circumstances.national_incident_level": 0,
}

#: Lists a condition can quantify over, with the fields of one item.
LISTS = {
    "proposers": ("kind", "co_commissioning"),
    "parties": ("kind", "co_commissioning"),
    "decisions": ("body", "formality", "status"),
    "objections": ("body",),
}


def _enum(*path):
    return {"type": "enum", "values": list(node_at(path)["enum"])}


@lru_cache(maxsize=None)
def fields() -> dict:
    """Every field a condition may test: path -> {type, values?}."""
    body_kind = _enum("proposers", "*", "kind")
    co = _enum("proposers", "*", "co_commissioning")
    co = {"type": "enum", "values": co["values"] + ["not_applicable"]}
    return {
        "jurisdiction": _enum("jurisdiction"),
        "date": {"type": "date"},
        "effective_from": {"type": "date"},
        "effective_to": {"type": "date"},
        "timing.month_of_contract_year": {"type": "int", "min": 1, "max": 12},
        "timing.in_year": {"type": "bool"},
        "proposers.kind": body_kind,
        "proposers.co_commissioning": co,
        "parties.kind": body_kind,
        "parties.co_commissioning": co,
        "change.target": _enum("change", "target"),
        "change.instrument": _enum("change", "instrument"),
        "change.scope": _enum("change", "scope"),
        "change.income": _enum("change", "income"),
        "change.practice_opt_in": {"type": "bool"},
        "change.remaining_indicators_continue": {"type": "bool"},
        "change.share_of_points": {"type": "number", "min": 0, "max": 100},
        "change.alternative_work.present": {"type": "bool"},
        "change.alternative_work.measurement": _enum("change", "alternative_work", "measurement"),
        "decisions.body": body_kind,
        "decisions.formality": _enum("decisions", "*", "formality"),
        "decisions.status": _enum("decisions", "*", "status"),
        "objections.body": body_kind,
        "consultations.lmc": {"type": "bool"},
        "consultations.gpc": {"type": "bool"},
        "consultations.local_weeks": {"type": "int", "min": 0, "max": 520},
        "circumstances.national_incident_level": {"type": "int", "min": 0, "max": 4},
    }


def scheme_facts(data: dict) -> dict:
    """The total fact record for a validated scheme (a nested dict)."""
    change = data["change"]
    work = change.get("alternative_work") or {}
    start = data.get("effective_from") or data["date"]
    consult = data.get("consultations") or {}
    circ = data.get("circumstances") or {}
    return {
        "jurisdiction": data["jurisdiction"],
        "date": data["date"],
        "effective_from": start,
        "effective_to": data.get("effective_to") or OPEN_END,
        "timing": {
            "month_of_contract_year": contract_month(start),
            "in_year": not starts_contract_year(start),
        },
        "proposers": [_body(b) for b in data["proposers"]],
        "parties": [_body(b) for b in data.get("parties", [])],
        "change": {
            "target": change["target"],
            "instrument": change["instrument"],
            "scope": change.get("scope", DEFAULTS["change.scope"]),
            "income": change.get("income", DEFAULTS["change.income"]),
            "practice_opt_in": change.get("practice_opt_in", DEFAULTS["change.practice_opt_in"]),
            "remaining_indicators_continue": change.get(
                "remaining_indicators_continue", DEFAULTS["change.remaining_indicators_continue"]),
            "share_of_points": change.get("share_of_points", DEFAULTS["change.share_of_points"]),
            "alternative_work": {
                # docs/policy-format.md: "the scheme has alternative_work", even
                # an empty one (found by tests/test_differential.py)
                "present": "alternative_work" in change,
                "measurement": work.get("measurement", "none"),
            },
        },
        "decisions": [
            {
                "body": d["body"]["kind"],
                "formality": d.get("formality", DEFAULTS["decision.formality"]),
                "status": d["status"],
            }
            for d in data.get("decisions", [])
        ],
        "objections": [{"body": o["body"]["kind"]} for o in data.get("objections", [])],
        "consultations": {
            "lmc": consult.get("lmc", DEFAULTS["consultations.lmc"]),
            "gpc": consult.get("gpc", DEFAULTS["consultations.gpc"]),
            "local_weeks": consult.get("local_weeks", DEFAULTS["consultations.local_weeks"]),
        },
        "circumstances": {
            "national_incident_level": circ.get(
                "national_incident_level", DEFAULTS["circumstances.national_incident_level"]),
        },
    }


def _body(body: dict) -> dict:
    if body["kind"] == "ccg":
        co = body.get("co_commissioning", "none")
    else:
        co = "not_applicable"
    return {"kind": body["kind"], "co_commissioning": co}
