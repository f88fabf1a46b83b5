"""A reference evaluator of the policy, written from docs/policy-format.md alone.

It shares no code with the checker: it reads the policy YAML itself, computes
the facts from a scheme by the doc's fact table, evaluates conditions
directly and decides the verdict by the doc's precedence. The differential
test (tests/test_differential.py) holds the checker to it. Used only by tests.
"""
from __future__ import annotations

from pathlib import Path

import yaml


class _Loader(yaml.SafeLoader):
    """Safe YAML in which dates stay ISO text ("dates compare as ISO text")."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

EFFECT_ORDER = ["ultra_vires", "refused", "approval_required", "risk", "route"]


def _read(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader)


def load_editions(policy_dir):
    """Each edition with its rules: its own, then each included file's, in order."""
    root = Path(policy_dir)
    editions = []
    for path in sorted((root / "editions").glob("*.yaml")):
        data = _read(path)
        rules = list(data.get("rules") or [])
        for name in data.get("include") or []:
            rules += _read(root / name).get("rules") or []
        editions.append({"id": data["edition"], "jurisdiction": data["jurisdiction"],
                         "from": str(data["from"]), "to": str(data["to"]) if data.get("to") else None,
                         "rules": rules})
    return editions


def _body(body):
    # a CCG's level, `none` if not given; `not_applicable` for any other body
    level = body.get("co_commissioning", "none") if body["kind"] == "ccg" else "not_applicable"
    return {"kind": body["kind"], "co_commissioning": level}


def facts(scheme):
    """The total fact record of the doc's table, as flat dotted names plus lists."""
    change = scheme["change"]
    start = scheme.get("effective_from", scheme["date"])
    month = int(start[5:7])
    work = change.get("alternative_work")
    consult = scheme.get("consultations", {})
    return {
        "jurisdiction": scheme["jurisdiction"],
        "date": scheme["date"],
        "effective_from": start,
        "effective_to": scheme.get("effective_to", "9999-12-31"),
        # April = 1 ... March = 12
        "timing.month_of_contract_year": month - 3 if month >= 4 else month + 9,
        "timing.in_year": start[5:] != "04-01",
        "change.target": change["target"],
        "change.instrument": change["instrument"],
        "change.scope": change.get("scope", "not_stated"),
        "change.income": change.get("income", "not_stated"),
        "change.practice_opt_in": change.get("practice_opt_in", False),
        "change.remaining_indicators_continue": change.get("remaining_indicators_continue", True),
        "change.share_of_points": change.get("share_of_points", 0),
        "change.alternative_work.present": work is not None,
        "change.alternative_work.measurement": (work or {}).get("measurement", "none"),
        "consultations.lmc": consult.get("lmc", False),
        "consultations.gpc": consult.get("gpc", False),
        "consultations.local_weeks": consult.get("local_weeks", 0),
        "circumstances.national_incident_level":
            scheme.get("circumstances", {}).get("national_incident_level", 0),
        "proposers": [_body(b) for b in scheme["proposers"]],
        "parties": [_body(b) for b in scheme.get("parties", [])],
        "decisions": [{"body": d["body"]["kind"], "formality": d.get("formality", "formal"),
                       "status": d["status"]} for d in scheme.get("decisions", [])],
        "objections": [{"body": o["body"]["kind"]} for o in scheme.get("objections", [])],
    }


def holds(cond, record):
    """Whether a condition holds of a fact record (or of one list item)."""
    if "all" in cond:
        return all(holds(c, record) for c in cond["all"])
    if "any" in cond:
        return any(holds(c, record) for c in cond["any"])
    if "not" in cond:
        return not holds(cond["not"], record)
    if "some" in cond:
        return any(holds(cond["where"], item) for item in record[cond["some"]])
    if "none" in cond:
        return not any(holds(cond["where"], item) for item in record[cond["none"]])
    value = record[cond["field"]]
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
    target = cond[op]
    return {"lt": value < target, "le": value <= target,
            "gt": value > target, "ge": value >= target}[op]


UNKNOWN = "unknown"


def truth(cond, record):
    """Three-valued truth of a condition (docs/policy-format.md, "Unknown
    facts"): True, False, or None when it depends on unknown facts. A
    comparison on an unknown field is unknown; not keeps unknown; all is false
    if any part is false, else unknown if any is; any dually; some is true if
    some item is, else unknown if some item is; none is not some."""
    if "all" in cond:
        parts = [truth(c, record) for c in cond["all"]]
        return False if False in parts else None if None in parts else True
    if "any" in cond:
        parts = [truth(c, record) for c in cond["any"]]
        return True if True in parts else None if None in parts else False
    if "not" in cond:
        inner = truth(cond["not"], record)
        return None if inner is None else not inner
    if "some" in cond:
        parts = [truth(cond["where"], item) for item in record[cond["some"]]]
        return True if True in parts else None if None in parts else False
    if "none" in cond:
        inner = truth({"some": cond["none"], "where": cond["where"]}, record)
        return None if inner is None else not inner
    if record[cond["field"]] == UNKNOWN:
        return None
    return holds(cond, record)


def status(scheme, body):
    """The scheme's status for a body: its last decision by date (undated first,
    ties in file order); an informal grant is `informal`; none is `not_sought`."""
    mine = [(d.get("date", ""), i, d) for i, d in enumerate(scheme.get("decisions", []))
            if d["body"]["kind"] == body]
    if not mine:
        return "not_sought"
    last = max(mine, key=lambda t: (t[0], t[1]))[2]
    if last["status"] == "granted" and last.get("formality", "formal") == "informal":
        return "informal"
    return last["status"]


def evaluate(editions, scheme):
    """verdict, findings (ids in the doc's order), decided_by, approvals {body: status}."""
    edition = next(e for e in editions if e["jurisdiction"] == scheme["jurisdiction"]
                   and e["from"] <= scheme["date"] and (e["to"] is None or scheme["date"] <= e["to"]))
    record = facts(scheme)
    fired = [r for r in edition["rules"] if holds(r["when"], record)]
    findings = [r for kind in EFFECT_ORDER for r in fired if r["effect"]["kind"] == kind]
    of = lambda kind: [r["id"] for r in findings if r["effect"]["kind"] == kind]
    approvals = {}  # body -> (rule id, status), the first rule naming the body
    for r in findings:
        body = r["effect"].get("body")
        if r["effect"]["kind"] == "approval_required" and body not in approvals:
            approvals[body] = (r["id"], status(scheme, body))
    if of("ultra_vires"):
        verdict, decided_by = "ultra_vires", of("ultra_vires")
    elif of("refused") or any(s == "refused" for _, s in approvals.values()):
        verdict = "refused"
        decided_by = of("refused") + [rule for rule, s in approvals.values() if s == "refused"]
    elif any(s != "granted" for _, s in approvals.values()):
        verdict, decided_by = "pending", [rule for rule, s in approvals.values() if s != "granted"]
    else:
        verdict, decided_by = "valid", [rule for rule, _ in approvals.values()]
    return {"verdict": verdict, "edition": edition["id"], "findings": [r["id"] for r in findings],
            "decided_by": decided_by, "approvals": {b: s for b, (_, s) in approvals.items()}}
