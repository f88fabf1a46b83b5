"""The proof report (`vires verify --prove`): per edition, each property and
whether it holds, the witnesses and overlaps, the cases compared with the
engine; a counterexample as a scheme file a person can run."""
from __future__ import annotations

from dataclasses import asdict

from .json_report import dumps
from .scheme_yaml import scalar

#: Each property in words: what holds when it holds.
HOLDS = {
    "one_verdict": "every scheme gets exactly one verdict, each act one status, and a reason",
    "valid_names_power": "no scheme is valid without a power, held by its maker and formally granted, "
                         "for every act",
    "unknown_is_sound": "a verdict settled with facts unknown holds whatever they turn out to be",
    "asking_never_beyond_powers": "asking for a change never makes it ultra vires",
    "reachable": "every power is used by some scheme, and every rule fires for some scheme",
}
#: The order of a scheme's top-level keys, as `vires new` writes them.
ORDER = ("id", "title", "jurisdiction", "date", "effective_from", "effective_to", "requested_by", "maker",
         "parties", "change", "decisions", "consultations", "objections", "circumstances")


def scheme_yaml(data: dict, indent: str = "") -> str:
    """A scheme as compact YAML (lists of bodies in flow style), ready to save and check."""
    lines = []
    for key in sorted(data, key=lambda k: ORDER.index(k) if k in ORDER else len(ORDER)):
        value = data[key]
        if isinstance(value, dict):
            lines.append(f"{indent}{key}:")
            lines += [f"{indent}  {k}: {_flow(v)}" for k, v in value.items()]
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"{indent}{key}:")
            lines += [f"{indent}  - {_flow(item)}" for item in value]
        else:
            lines.append(f"{indent}{key}: {_flow(value)}")
    return "\n".join(lines) + "\n"


def _flow(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return scalar(value)


def _facts(data: dict) -> str:
    """A witness in one line: the facts it gives beyond its date."""
    skip = ("id", "title", "jurisdiction")
    return "; ".join(f"{k} {_flow(v)}" for k, v in data.items() if k not in skip)


def _outcome(w) -> str:
    return f"{w.verdict}, decided by {', '.join(w.decided_by)}" if w.verdict else ""


def _counterexample(prop, policy_option: str, indent: str) -> list[str]:
    w = prop.counterexample
    out = [f"{indent}counterexample ({_outcome(w) or prop.detail}); save it as a file and run "
           f"`vires check{policy_option} FILE`:"]
    out += scheme_yaml(w.scheme, indent + "    ").rstrip("\n").split("\n")
    if w.note:
        out.append(f"{indent}  {w.note}")
    return out


def render_proof(report, policy_option: str = "") -> str:
    """The proof as text: each edition's properties, then what the policy as a whole gives."""
    lines = [f"vires verify --prove: {len(report.editions)} edition(s) of {report.policy}, "
             f"in {report.seconds:.1f} s"]
    for e in report.editions:
        failed = e.failures
        lines.append("")
        lines.append(f"{e.edition}: " + (f"{failed} FAILED" if failed else "every property holds")
                     + f" ({e.seconds:.1f} s)")
        for prop in e.properties:
            state = "holds" if prop.holds else "FAILS"
            extra = f" ({prop.detail})" if prop.holds and prop.detail else ""
            lines.append(f"  {prop.name}: {state}{extra}" + (f": {HOLDS[prop.name]}" if prop.holds else
                                                            f": {prop.detail}"))
            if not prop.holds:
                lines += _counterexample(prop, policy_option, "    ")
        lines += _reachable(e, policy_option)
        lines += _overlaps(e)
        if e.silent_parts:
            lines.append("  parts that never decide a verdict (each always holds, or is never needed): "
                         + ", ".join(e.silent_parts))
        lines += _cases(e)
        lines.append("  lists bounded at: " + ", ".join(f"{k} {n}" for k, n in e.slots.items())
                     + " items (enough for every scheme: docs/proof.md)")
    if report.periods:
        lines.append("")
        held = [p.name.split(":", 1)[1] for p in report.periods if p.holds]
        if held:
            lines.append("each date meets exactly one edition in: " + ", ".join(held))
        for p in report.periods:
            if not p.holds:
                lines.append(f"{p.name}: FAILS: {p.detail}")
                lines += _counterexample(p, policy_option, "  ")
    lines.append("")
    lines.append(f"FAILED: {report.failures} failure(s)" if report.failures
                 else "PROVEN: every property holds in every edition")
    return "\n".join(lines) + "\n"


def _reachable(e, policy_option: str) -> list[str]:
    dead = [d for d in e.dead if not d.elsewhere]
    shared = [d for d in e.dead if d.elsewhere]
    if not dead:
        lines = [f"  reachable: holds: {HOLDS['reachable']} ({len(e.live)} witnesses; "
                 "every witness is in --format json)"]
    else:
        lines = [f"  reachable: FAILS: {len(dead)} dead"]
    for d in dead + shared:
        what = "never used" if d.kind == "power" else "never fires"
        where = f" here (live in {', '.join(d.elsewhere)})" if d.elsewhere else ""
        lines.append(f"    {d.kind} {d.id}: {what}{where}; it gets as far as: "
                     + {"none": "nothing", "candidate": "a candidate", "covers": "covering an act"}[d.reached])
        if d.why:
            lines.append("      because of: " + ", ".join(d.why))
        if d.nearest is not None and not d.elsewhere:
            lines.append(f"      nearest scheme ({_outcome(d.nearest)}); run it with `vires check{policy_option} FILE`:")
            lines += scheme_yaml(d.nearest.scheme, "          ").rstrip("\n").split("\n")
    return lines


def _overlaps(e) -> list[str]:
    if not e.overlaps:
        return ["  overlaps: none (no two powers cover one act; no prohibition or refusal meets a power "
                "or another)"]
    lines = ["  overlaps, each with a witness:"]
    for o in e.overlaps:
        if o.kind == "powers":
            who = " or ".join(o.either_used) if o.either_used else "neither"
            head = f"{o.first} and {o.second} both cover an act; the power used can be {who}"
        elif o.kind == "rule_power":
            head = f"{o.first} fires while {o.second} covers: " + (
                "the rule decides" if o.rule_decides else "something worse always decides")
        else:
            head = f"{o.first} and {o.second} fire together"
        lines.append(f"    {head}")
        lines.append(f"      e.g. {_facts(o.witness.scheme)}: {_outcome(o.witness)}")
    return lines


def _cases(e) -> list[str]:
    if not e.cases:
        return ["  cases: none of this edition's in the cases folder"]
    agree = sum(c.agrees for c in e.cases)
    lines = [f"  cases: {agree} of {len(e.cases)} give the solver the engine's verdict"
             + ("" if agree < len(e.cases) else " (and decided_by)")]
    for c in e.cases:
        if not c.agrees:
            lines.append(f"    DISAGREE {c.file}: engine {', '.join(c.engine)} {list(c.engine_decided_by)}; "
                         f"solver {', '.join(c.solver)} {list(c.solver_decided_by)}")
    return lines


def _witness_dict(w) -> dict | None:
    return None if w is None else asdict(w)


def render_proof_json(report) -> str:
    """The proof as JSON: every property, witness, overlap and case (no timings, so byte-stable)."""
    editions = []
    for e in report.editions:
        editions.append({
            "edition": e.edition, "failures": e.failures, "slots": e.slots,
            "properties": [{"name": p.name, "holds": p.holds, "detail": p.detail,
                            "counterexample": _witness_dict(p.counterexample)} for p in e.properties],
            "live": {gid: _witness_dict(w) for gid, w in e.live.items()},
            "dead": [{**asdict(d), "nearest": _witness_dict(d.nearest)} for d in e.dead],
            "silent_parts": e.silent_parts,
            "overlaps": [asdict(o) for o in e.overlaps],
            "cases": [asdict(c) for c in e.cases],
        })
    return dumps({"policy": report.policy, "failures": report.failures,
                  "periods": [{"name": p.name, "holds": p.holds, "detail": p.detail,
                               "counterexample": _witness_dict(p.counterexample)} for p in report.periods],
                  "editions": editions})
