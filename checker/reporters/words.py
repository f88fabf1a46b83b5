"""Words for people that several reports share: the verdicts, where an
approval stands, a date written out, a change to a scheme, a feature of the
similarity measure.

The plain words for a scheme's fixed values (a kind of body, an instrument)
are the scheme schema's own ``enumDescriptions``, read through
``checker.load.schema``, so that editors, the scheme builder's questions
and the reports all say the same thing.
"""
from __future__ import annotations

from ..dates import MONTHS
from ..load.schema import UNKNOWN_WORD, body_label, find_node, label
from ..load.yamlfile import yaml_text

VERDICT_WORDS = {
    "ultra_vires": "ULTRA VIRES: beyond the powers of the body that would make it",
    "refused": "REFUSED: within powers, but a required approval was refused",
    "pending": "PENDING: within powers, but a required approval or step is still missing",
    "valid": "VALID: within powers, and every required approval formally given",
    "undetermined": "UNDETERMINED: the verdict depends on facts the scheme does not give",
}

#: A verdict in a few words, for one branch of an undetermined answer.
SHORT_VERDICT = {"ultra_vires": "ultra vires", "refused": "refused", "pending": "pending",
                 "valid": "valid", "undetermined": "undetermined"}

STATUS_WORDS = {
    "granted": "formally granted",
    "informal": "only informally blessed (not a formal sanction)",
    "refused": "refused",
    "pending": "asked, no decision yet",
    "not_sought": "not sought",
    "unknown": "not known",
}

#: What each feature of the similarity measure (checker.explore.precedents) is.
FEATURE_WORDS = {
    "jurisdiction": "jurisdiction",
    "edition": "policy edition (the period's law)",
    "targets": "parts of the contract changed",
    "instrument": "how the change is made",
    "maker": "kind of body that makes it",
    "scope": "which indicators",
    "income": "how practice income is treated",
    "practice_opt_in": "practices opt in",
    "decisions": "decisions, by body and status",
    "findings": "powers used and rules that fired",
}


def long_date(iso: str) -> str:
    """A date written out: '2 February 2017' for '2017-02-02'."""
    year, month, day = iso.split("-")
    return f"{int(day)} {MONTHS[int(month) - 1]} {year}"


def describe_change(change, maker: str | None = None) -> str:
    """A change to a scheme in plain words: 'set change.instrument to local_incentive_scheme'.
    With the kind of body that makes the change, a grant by that kind is its own decision."""
    if change.op == "remove":
        return f"remove {change.path}"
    value = change.value
    if change.op == "add" and change.path == "decisions" and isinstance(value, dict) \
            and value.get("status") == "granted" and isinstance(value.get("body"), dict):
        kind = value["body"].get("kind", "")
        formal = "informal" if value.get("formality") == "informal" else "formal"
        if kind == maker:
            return (f"obtain the maker's own {formal} decision to make it: {body_label(kind)} "
                    f"(add to decisions: {yaml_text(value)})")
        return f"obtain {formal} approval from {body_label(kind)} (add to decisions: {yaml_text(value)})"
    if change.op == "add":
        return f"add to {change.path}: {yaml_text(value)}"
    return f"set {change.path} to {yaml_text(value)}"


def similarity_words(score: float) -> str:
    """A similarity (0 to 1) as every report shows it: '77% similar'."""
    return f"{score:.0%} similar"


def target_label(target: str) -> str:
    """The plain words for a part of the contract: 'QOF' for 'qof'."""
    return label(("change", "targets", "*"), target)


def instrument_label(instrument: str) -> str:
    """The plain words for an instrument, or 'an unknown instrument'."""
    return "an instrument not yet known" if instrument == UNKNOWN_WORD else label(("change", "instrument"), instrument)


def maker_label(kind: str) -> str:
    """The plain words for the kind of body that makes a change."""
    return "a body not yet known" if kind == UNKNOWN_WORD else body_label(kind)


def fact_label(dotted: str) -> str:
    """What a fact of the scheme is, by its dotted path: the schema's words, or the path."""
    path = tuple(int(p) if p.isdigit() else p for p in dotted.split("."))
    node = find_node(path)
    words = (node or {}).get("description") or (node or {}).get("title") or ""
    words = words if words[:2].isupper() or words.startswith("NHS") else words[:1].lower() + words[1:]
    return f"{dotted}: {words}" if words else dotted


def value_words(dotted: str, value) -> str:
    """A value of a fact in plain words: 'yes', 'made by the Secretary of State', 'local incentive scheme'."""
    if dotted == "maker" and isinstance(value, dict):
        return f"made by {body_label(value.get('kind', ''))}"
    if dotted == "change.alternative_work":
        return "no alternative work" if value == "none" else "some alternative work"
    path = tuple(int(p) if p.isdigit() else p for p in dotted.split("."))
    node = find_node(path)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if node is not None and value in (node.get("enum") or []):
        words = label(path, value)
        return words if words[:2].isupper() or words.startswith("NHS") else words[:1].lower() + words[1:]
    return str(value)


def value_meaning(dotted: str, value) -> str:
    """What a yes-or-no value of a fact means, in the schema's words
    ('practices choose whether to join'), or '' when it says nothing."""
    node = find_node(tuple(int(p) if p.isdigit() else p for p in dotted.split("."))) or {}
    if not isinstance(value, bool):
        return ""
    words = dict(zip(node.get("enum", []), node.get("enumDescriptions", []))).get(value, "")
    return words.split(":", 1)[1].strip() if ":" in words else ""


def given_words(given, meanings: bool = False) -> str:
    """The facts given on the way to a branch, in plain words: 'change.practice_opt_in
    is yes'; with ``meanings``, what a yes or no means: 'is yes (practices choose
    whether to join)'."""
    parts = []
    for g in given:
        if g.ranges and not isinstance(g.values[0], dict):
            spans = ", ".join(str(a) if a == b else f"{a} to {b}" for a, b in g.ranges)
            parts.append(f"{g.fact} is {spans}")
        elif g.fact == "maker":
            parts.append("the maker is " + " or ".join(body_label(v.get("kind", "")) if isinstance(v, dict)
                                                       else str(v) for v in g.values))
        else:
            values = []
            for v in g.values:
                meaning = value_meaning(g.fact, v) if meanings else ""
                values.append(value_words(g.fact, v) + (f" ({meaning})" if meaning else ""))
            parts.append(f"{g.fact} is " + " or ".join(values))
    return "; ".join(parts) if parts else "whatever the rest"
