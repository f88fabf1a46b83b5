"""docs/model.md: the powers model in plain English, from the policy files.

For each edition: a table a negotiator can read, **who may change what**
(the holder, with a CCG's co-commissioning levels, x the instrument x the
parts of the contract -> the power and its basis), the parts of the
contract no power reaches, the roles (what each kind of body may do here),
and the edition's own powers and rules. One section per shared set that
editions include holds its powers and rules. Every power has its limits,
steps and approvals, its basis and sources, and the cases that rest on it;
every rule its effect, condition, basis and sources, and the cases in which
it fires; so every id a verdict names can be followed to what it says.
"""
from __future__ import annotations

from pathlib import Path

from ..dates import is_open
from ..load.schema import body_label, label
from .casebook import GENERATED, place
from .powers import LEVEL_PHRASES
from .sources import cite_markdown
from .words import long_date

EFFECT_WORDS = {
    "ultra_vires": "prohibition: beyond powers whatever power covers it",
    "refused": "refusal",
    "risk": "risk",
    "route": "lawful route",
}

#: The order of the roles table: national bodies first, then local ones, then the rest.
KIND_ORDER = ("secretary_of_state", "devolved_government", "nhse_national", "nhse_region", "area_team", "ccg",
              "icb", "icb_joint_committee", "health_board", "sppg", "gpc", "lmc", "pcn", "practice", "other")

_OPERATORS = {"eq": "is", "ne": "is not", "in": "is one of", "not_in": "is none of", "lt": "is below",
              "le": "is at most", "gt": "is above", "ge": "is at least", "between": "is between"}


def _period(edition) -> str:
    end = "onwards" if is_open(edition.end) else f"to {long_date(edition.end)}"
    return f"from {long_date(edition.start)} {end}"


def _value(field: str, value) -> str:
    if isinstance(value, list):
        return ", ".join(_value(field, v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"`{value}`"


def condition_words(cond, item_of: str | None = None) -> str:
    """A policy condition in words: '`change.practice_opt_in` is yes and ...'."""
    if "all" in cond:
        return "(" + " and ".join(condition_words(c, item_of) for c in cond["all"]) + ")"
    if "any" in cond:
        return "(" + " or ".join(condition_words(c, item_of) for c in cond["any"]) + ")"
    if "not" in cond:
        return "not " + condition_words(cond["not"], item_of)
    for quantifier, words in (("some", "some"), ("none", "no")):
        if quantifier in cond:
            return f"{words} item of `{cond[quantifier]}` where {condition_words(cond['where'], cond[quantifier])}"
    op = next(k for k in _OPERATORS if k in cond)
    value = cond[op]
    shown = " and ".join(_value(cond["field"], v) for v in value) if op == "between" else _value(cond["field"], value)
    return f"`{cond['field']}` {_OPERATORS[op]} {shown}"


def _when(cond) -> str:
    text = condition_words(cond)
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


def holder_words(power) -> str:
    """Who holds a power, for a table: 'Clinical commissioning group (CCG), with
    delegated commissioning (level 3)'."""
    kinds = [body_label(k) for k in power.holder_kinds]
    words = " or ".join(kinds)
    if power.holder_levels:
        words += ", " + " or ".join(LEVEL_PHRASES.get(level, level) for level in power.holder_levels)
    return words


def _labels(path, values) -> str:
    return "; ".join(label(path, v) for v in values)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def powers_table(edition) -> list[str]:
    """Who may change what in an edition: one row per power."""
    out = ["| Who (holder) | By (instrument) | Over (part of the contract) | Power | Basis |",
           "|---|---|---|---|---|"]
    for p in edition.powers:
        out.append(f"| {_cell(holder_words(p))} | {_cell(_labels(('change', 'instrument'), p.instruments))} | "
                   f"{_cell(_labels(('change', 'targets', '*'), p.targets))} | [`{p.id}`](#{p.id}) | "
                   f"{_cell(p.basis)} |")
    return out


def _cases(ids: list[str], verb: str) -> list[str]:
    return [f"- {verb}: " + ", ".join(f"[{c}](cases.md#{c})" for c in ids)] if ids else []


def _part(part, power) -> str:
    name = f"`{part.name}`"
    if part.kind == "made":
        return f"- The maker's own formal decision ({name}): {' '.join(part.statement.split())}"
    kind = {"limit": "Limit", "step": "Step", "approval": "Approval"}[part.kind]
    by = f" by {body_label(part.body)}" if part.kind == "approval" and part.body else ""
    before = " (before the maker decides)" if part.precondition else ""
    when = part.when and (f" (needed when {_when(part.when)})" if part.kind == "approval"
                          else f" (holds when {_when(part.when)})")
    basis = f" Basis: {' '.join(part.basis.split())}" if part.basis != power.basis else ""
    return f"- {kind} {name}{by}{before}: {' '.join(part.statement.split())}{when or ''}{basis}"


def _sources(keys, register) -> str:
    return "; ".join(cite_markdown(k, register) for k in keys)


def _power(power, used: list[str], register=None) -> list[str]:
    lines = [f'<a id="{power.id}"></a>', f"#### `{power.id}` \u00b7 power of {holder_words(power)}", "",
             " ".join(power.statement.split()), "",
             f"- Made by: {_labels(('change', 'instrument'), power.instruments)}",
             f"- Over: {_labels(('change', 'targets', '*'), power.targets)}"]
    if power.when is not None:
        lines.append(f"- Only when: {_when(power.when)}")
    lines += [_part(p, power) for p in power.limits + power.steps + power.approvals]
    lines += [f"- Basis: {' '.join(power.basis.split())}", f"- Sources: {_sources(power.sources, register)}"]
    return lines + _cases(used, "Decides in") + [""]


def _rule(rule, cases: list[str], register=None) -> list[str]:
    lines = [f'<a id="{rule.id}"></a>', f"#### `{rule.id}` \u00b7 {EFFECT_WORDS[rule.effect]}", "",
             " ".join(rule.statement.split()), "",
             f"- When: {_when(rule.when)}",
             f"- Basis: {' '.join(rule.basis.split())}",
             f"- Sources: {_sources(rule.sources, register)}"]
    return lines + _cases(cases, "Fires in") + [""]


def _common_key(item) -> str:
    """'england' for a power or rule read from common/england.yaml, '' for an edition's own."""
    path = Path(item.file)
    return path.stem if path.parent.name == "common" else ""


def _roles(edition) -> list[str]:
    if not edition.roles:
        return []
    out = ["### What each body may do here", "", "| Body | Role | Basis |", "|---|---|---|"]
    for kind, role in sorted(edition.roles.items(), key=lambda kv: KIND_ORDER.index(kv[0])
                             if kv[0] in KIND_ORDER else len(KIND_ORDER)):
        out.append(f"| {body_label(kind)} | {_cell(role.statement)} | {_cell(role.basis)} |")
    return out + [""]


def _unreached(edition) -> list[str]:
    reached = {t for p in edition.powers for t in p.targets}
    missing = [t for t in edition.targets if t not in reached]
    if not missing:
        return []
    return [f"No power of this edition reaches: {_labels(('change', 'targets', '*'), missing)}. "
            "A scheme that changes it is ultra vires, whoever makes it.", ""]


INTRO = [
    "vires encodes one rule of public law: **a public body may do only what a",
    "power lets it do.** It checks a scheme against one **edition** of the",
    "policy, the law in force in the scheme's jurisdiction on its date. Each",
    "edition lists its **powers**: which body may make which instrument over",
    "which parts of the GP contract, on which limits, steps and approvals, with",
    "its basis and sources. A scheme makes one **act** per part of the contract",
    "it changes, and each act must be covered by a power held by its maker:",
    "",
    "- no power covers it: **ultra vires**, and vires names the nearest powers",
    "  and what each lacks;",
    "- a power covers it, but an approval it needs (the maker's own formal",
    "  decision first) was refused: **refused**; not yet formally given, or a",
    "  step not yet taken: **pending**;",
    "- covered, every approval formally given and every step taken:",
    "  **valid**, resting on that power.",
    "",
    "**Rules** add what powers do not say: *prohibitions* (beyond powers",
    "whatever power covers the act), *refusals*, and *risks* and *lawful",
    "routes*, which are advice and never decide. A fact a scheme does not give",
    "is not known, never \"no\": when the verdict depends on it, the answer is",
    "**undetermined**, with the verdict for each value. The exact semantics are",
    "[the policy format](policy-format.md).",
    "",
]


def render_model(policy, commons: dict, firing: dict, deciding: dict | None = None) -> str:
    """``commons``: common file stem -> {title, summary}; ``firing``: power or
    rule id -> the ids of the cases in which it is a finding; ``deciding``:
    power id -> the cases it decides (its own id, or one of its parts, in
    their decided_by)."""
    deciding = deciding or {}
    out = ["# The powers model", "", GENERATED, "", *INTRO, "**Editions**", ""]
    out += [f"- [{e.title}](#{e.id}) (`{e.id}`)" for e in policy.editions]
    out += ["", "**Shared sets** (powers, rules and roles several editions include)", ""]
    out += [f"- [{c['title']}](#common-{stem}) (`common/{stem}.yaml`)" for stem, c in sorted(commons.items())]
    out.append("")
    shared: dict = {}
    for edition in policy.editions:
        out += [f'<a id="{edition.id}"></a>', f"## {edition.title}", "",
                f"`{edition.id}` \u00b7 {place(edition.jurisdiction)} \u00b7 {_period(edition)}", "",
                " ".join(edition.summary.split()), "",
                "Parts of the contract in this edition: "
                + _labels(("change", "targets", "*"), edition.targets) + ".", "",
                "### Who may change what", ""]
        out += powers_table(edition) + [""] + _unreached(edition) + _roles(edition)
        own_powers = [p for p in edition.powers if not _common_key(p)]
        own_rules = [r for r in edition.rules if not _common_key(r)]
        if own_powers:
            out += ["### Powers of this edition", ""]
            for power in own_powers:
                out += _power(power, deciding.get(power.id, []), policy.sources)
        if own_rules:
            out += ["### Rules of this edition", ""]
            for rule in own_rules:
                out += _rule(rule, firing.get(rule.id, []), policy.sources)
        included: dict[str, list] = {}
        for item in list(edition.powers) + list(edition.rules):
            key = _common_key(item)
            if key:
                included.setdefault(key, []).append(item)
                seen = shared.setdefault(key, {}).get(item.id)
                # A shared power reaches only the targets each edition lists: show it at its widest.
                if seen is None or len(getattr(item, "targets", ())) > len(getattr(seen, "targets", ())):
                    shared[key][item.id] = item
        if included:
            out += ["### Powers and rules included from shared sets", ""]
            for key, items in included.items():
                ids = ", ".join(f"[`{x.id}`](#{x.id})" for x in items)
                out.append(f"- [{commons.get(key, {}).get('title', key)}](#common-{key}): {ids}")
            out.append("")
    for key in sorted(shared):
        info = commons.get(key, {"title": key, "summary": ""})
        out += [f'<a id="common-{key}"></a>', f"## {info['title']}", "",
                f"`common/{key}.yaml`, included by: " + ", ".join(
                    f"[{e.id}](#{e.id})" for e in policy.editions
                    if any(_common_key(x) == key for x in list(e.rules) + list(e.powers))), "",
                " ".join(info["summary"].split()), ""]
        items = list(shared[key].values())
        for power in [x for x in items if hasattr(x, "holder_kinds")]:
            out += _power(power, deciding.get(power.id, []), policy.sources)
        for rule in [x for x in items if not hasattr(x, "holder_kinds")]:
            out += _rule(rule, firing.get(rule.id, []), policy.sources)
    return "\n".join(out).rstrip("\n") + "\n"

