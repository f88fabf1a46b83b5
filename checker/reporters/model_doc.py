"""docs/model.md: the powers model in plain English, from the policy files.

One section per edition (title, period, summary, its own rules) and one per
shared rule set that editions include, so that every rule id a verdict names
can be followed to its statement, basis and sources, and to the cases in
which it fires.
"""
from __future__ import annotations

from pathlib import Path

from ..dates import is_open
from ..load.schema import body_label
from .casebook import GENERATED, place
from .words import long_date

EFFECT_WORDS = {
    "ultra_vires": "beyond powers (ultra vires)",
    "refused": "refusal",
    "approval_required": "approval required",
    "risk": "risk",
    "route": "lawful route",
}


def _period(edition) -> str:
    end = "onwards" if is_open(edition.end) else f"to {long_date(edition.end)}"
    return f"from {long_date(edition.start)} {end}"


def _rule(rule, cases: list[str]) -> list[str]:
    effect = EFFECT_WORDS[rule.effect]
    if rule.body:
        effect += f": {body_label(rule.body)}"
    lines = [f'<a id="{rule.id}"></a>', f"#### `{rule.id}` \u00b7 {effect}", "",
             " ".join(rule.statement.split()), "",
             f"- Basis: {' '.join(rule.basis.split())}",
             f"- Sources: {'; '.join(rule.sources)}"]
    if cases:
        lines.append("- Fires in: " + ", ".join(f"[{c}](cases.md#{c})" for c in cases))
    return lines + [""]


def _common_key(rule) -> str:
    """'england' for a rule read from common/england.yaml, '' for an edition's own."""
    path = Path(rule.file)
    return path.stem if path.parent.name == "common" else ""


def render_model(policy, commons: dict, firing: dict) -> str:
    """``commons``: common file stem -> {title, summary}; ``firing``: rule id ->
    the ids of the cases in which it fires."""
    out = ["# The powers model", "", GENERATED, "",
           "vires checks a scheme against one **edition** of the policy: the rules",
           "in force in the scheme's jurisdiction on its date. Each rule has an id,",
           "a statement, its legal or policy basis and its sources. A rule that",
           "holds for a scheme is a finding; its effect decides the verdict, in this",
           "order: any *beyond powers* finding makes the scheme ultra vires; else any",
           "*refusal*, or a required approval that was refused, makes it refused;",
           "else a required approval not formally given makes it pending; else it is",
           "valid. *Risks* and *lawful routes* are advice and never decide.", "",
           "**Editions**", ""]
    out += [f"- [{e.title}](#{e.id}) (`{e.id}`)" for e in policy.editions]
    out += ["", "**Shared rule sets**", ""]
    out += [f"- [{c['title']}](#common-{stem}) (`common/{stem}.yaml`)" for stem, c in sorted(commons.items())]
    out.append("")
    shared: dict = {}
    for edition in policy.editions:
        own = [r for r in edition.rules if not _common_key(r)]
        out += [f'<a id="{edition.id}"></a>', f"## {edition.title}", "",
                f"`{edition.id}` · {place(edition.jurisdiction)} · {_period(edition)}", "",
                " ".join(edition.summary.split()), ""]
        if own:
            out += ["### Rules of this edition", ""]
            for rule in own:
                out += _rule(rule, firing.get(rule.id, []))
        included: dict[str, list] = {}
        for rule in edition.rules:
            key = _common_key(rule)
            if key:
                included.setdefault(key, []).append(rule)
                shared.setdefault(key, {})[rule.id] = rule
        if included:
            out += ["### Rules included from shared rule sets", ""]
            for key, rules in included.items():
                ids = ", ".join(f"[`{r.id}`](#{r.id})" for r in rules)
                out.append(f"- [{commons.get(key, {}).get('title', key)}](#common-{key}): {ids}")
            out.append("")
    for key in sorted(shared):
        info = commons.get(key, {"title": key, "summary": ""})
        out += [f'<a id="common-{key}"></a>', f"## {info['title']}", "",
                f"`common/{key}.yaml`, included by: " + ", ".join(
                    f"[{e.id}](#{e.id})" for e in policy.editions
                    if any(_common_key(r) == key for r in e.rules)), "",
                " ".join(info["summary"].split()), ""]
        for rule in shared[key].values():
            out += _rule(rule, firing.get(rule.id, []))
    return "\n".join(out).rstrip("\n") + "\n"
