"""Powers in plain words, shared by every report: a kind of body, an
instrument and a part of the contract in a sentence ("an ICB", "by a direct
change to the payments", "QOF payments"); why no power covers an act (the
maker's role, who sets that part of the contract, the conclusion, and what
each nearest power lacks); and an undetermined answer, one sentence per
answer.

The phrases are for sentences, with their articles; the schema's labels
(``checker.load.schema.label``) are for lists and choices.
"""
from __future__ import annotations

import re

from ..evaluate.result import Branch, Considered, Finding, MissingPower, Undetermined
from ..load.schema import UNKNOWN_WORD, label
from .words import SHORT_VERDICT, given_words

#: A kind of body in a sentence, with its article.
BODY_PHRASES = {
    "secretary_of_state": "the Secretary of State",
    "nhse_national": "NHS England nationally",
    "nhse_region": "an NHS England region",
    "area_team": "an NHS England area team",
    "ccg": "a CCG",
    "icb": "an ICB",
    "icb_joint_committee": "a joint committee of ICBs",
    "pcn": "a primary care network",
    "lmc": "an LMC",
    "gpc": "the GPC",
    "practice": "a GP practice",
    "devolved_government": "a devolved government",
    "health_board": "a health board",
    "sppg": "the Department of Health's Strategic Planning and Performance Group",
    "other": "another body",
    UNKNOWN_WORD: "the body that would make it (not yet known)",
}

#: A CCG's co-commissioning level in a sentence, after "a CCG".
LEVEL_PHRASES = {
    "none": "without co-commissioning",
    "greater_involvement": "with greater involvement (level 1)",
    "joint": "in joint commissioning (level 2)",
    "delegated": "with delegated commissioning (level 3)",
}

#: An instrument in a sentence, after "by".
INSTRUMENT_PHRASES = {
    "direct_payment_change": "a direct change",
    "local_variation": "a local variation",
    "local_enhanced_service": "a locally agreed enhanced service",
    "local_incentive_scheme": "a local incentive scheme",
    "early_retirement_of_indicators": "early retirement of indicators",
    "pms_apms_variation": "a PMS or APMS variation",
    "sfe_amendment": "an SFE amendment",
    "des_directions": "DES directions",
    "devolved_directions": "devolved directions",
    UNKNOWN_WORD: "an instrument not yet known",
}

#: A part of the contract in a sentence, and whether the phrase is plural.
TARGET_PHRASES = {
    "qof": ("QOF payments", True),
    "global_sum": ("the global sum", False),
    "des": ("directed enhanced services", True),
    "network_des": ("the Network Contract DES", False),
    "local_services": ("local services", True),
    "pms_apms": ("PMS and APMS agreements", True),
    "qaif": ("QAIF", False),
    "ni_quality": ("Northern Ireland's quality domain", False),
    "other": ("that part of the contract", False),
}

#: Instruments by which a part of the contract is set nationally: a power
#: that reaches a target by one of these says who sets that part.
NATIONAL_INSTRUMENTS = ("sfe_amendment", "des_directions", "devolved_directions")


def capital(text: str) -> str:
    """Text with its first letter in capitals."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """Text with its first letter in lower case, unless it starts an acronym
    (QOF) or a name (NHS England, the Secretary of State stays as written)."""
    first = text.split(" ", 1)[0]
    if text[:2].isupper() or first in ("NHS", "BMA", "GP", "Secretary"):
        return text
    return text[:1].lower() + text[1:]


def sentence(text: str) -> str:
    """Text folded to one line and ended with a full stop."""
    text = " ".join(text.split()).rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."


def short_basis(basis: str) -> str:
    """The citation of a basis, for a sentence: its first part, without what
    follows a semicolon or stands in brackets ('NHS Act 2006 s.87')."""
    first = " ".join(basis.split()).split(";")[0].rstrip(".")
    return re.sub(r"\s*\([^()]*\)", "", first).strip()


def body_phrase(kind: str, levels=()) -> str:
    """A kind of body in a sentence, with its article: 'an ICB', 'a CCG with
    delegated commissioning (level 3)'."""
    words = BODY_PHRASES.get(kind, f"a body of kind {kind}")
    if kind == "ccg" and levels:
        words += " " + " or ".join(LEVEL_PHRASES.get(level, level) for level in levels)
    return words


def bodies_phrase(kinds, levels=()) -> str:
    """Several kinds of body in a sentence: 'a CCG or an ICB'."""
    return " or ".join(body_phrase(k, levels) for k in kinds) or "no body"


def instrument_phrase(instrument: str) -> str:
    """An instrument in a sentence, after 'by': 'a local incentive scheme'."""
    return INSTRUMENT_PHRASES.get(instrument, label(("change", "instrument"), instrument).lower())


def target_phrase(target: str) -> str:
    """A part of the contract in a sentence: 'QOF payments'."""
    return TARGET_PHRASES.get(target, (target, False))[0]


def _are(target: str) -> str:
    return "are" if TARGET_PHRASES.get(target, ("", False))[1] else "is"


def _either(phrases) -> str:
    phrases = list(phrases)
    return ", ".join(phrases[:-1]) + " or " + phrases[-1] if len(phrases) > 1 else "".join(phrases)


def _all(phrases) -> str:
    phrases = list(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1] if len(phrases) > 1 else "".join(phrases)


def setters(m: MissingPower) -> list[Considered]:
    """The powers held by other bodies that set the act's part of the contract
    nationally (by SFE, DES or devolved directions): who sets it."""
    return [c for c in m.held_by_others if set(c.instruments) & set(NATIONAL_INSTRUMENTS)
            and "target" not in c.lacks]


def lacks_words(c: Considered, m: MissingPower) -> str:
    """What a power near an uncovered act lacks, in plain words: 'it is held
    by an NHS England region, not a CCG; it is made by a local incentive scheme,
    not a direct change to the payments'."""
    out = []
    for lack in c.lacks:
        if lack == "holder":
            out.append(f"it is held by {bodies_phrase(c.holders, c.levels)}, not {body_phrase(m.maker)}")
        elif lack == "instrument":
            out.append(f"it is made by {_either(instrument_phrase(i) for i in c.instruments)}, "
                       f"not {instrument_phrase(m.instrument)}")
        elif lack == "target":
            out.append(f"it reaches {_either(target_phrase(t) for t in c.targets)}, not {target_phrase(m.target)}")
        elif lack == "when":
            out.append("it applies only in other circumstances")
        else:
            out.append(f"its limit {lack.split('/', 1)[-1]} is not met")
    return "; ".join(out)


def citation(basis: str) -> str:
    """The short citation of a basis for a sentence ('NHS Act 2006 s.87'), or
    '' when its first part is not a citation (it names no section, year or number)."""
    short = short_basis(basis)
    return short if re.search(r"\d", short) and len(short) <= 60 else ""


def _cited(statement: str, basis: str) -> str:
    cite = citation(basis)
    return statement.rstrip(". ") + (f" ({cite})" if cite else "")


def missing_power_paragraph(m: MissingPower) -> str:
    """Why no power covers an act, in one paragraph: the maker's role, who sets
    this part of the contract, and that no power of the maker reaches it
    ('An ICB exercises ...; QOF payments are set nationally: the Secretary of
    State ... (NHS Act 2006 s.87). No power of an ICB reaches QOF payments.')."""
    target, maker = target_phrase(m.target), body_phrase(m.maker)
    parts = []
    if not m.in_edition:
        parts.append(f"{capital(target)} {_are(m.target)} not part of the GP contract in this period and nation.")
    if m.maker_role:
        role = m.maker_role
        parts.append(sentence(_cited(role.statement, role.basis)))
    national = setters(m)
    if national:
        first = national[0]
        parts.append(sentence(f"{capital(target)} {_are(m.target)} set nationally: "
                              f"{lower_first(_cited(first.statement, first.basis))}"))
    by_other_means = [c for c in m.maker_powers if c.lacks == ("instrument",)]
    if m.maker == UNKNOWN_WORD:
        parts.append(f"No power of any body reaches {target} by {instrument_phrase(m.instrument)}.")
    elif by_other_means and m.instrument != UNKNOWN_WORD:
        parts.append(f"No power of {maker} reaches {target} by {instrument_phrase(m.instrument)}.")
    else:
        parts.append(f"No power of {maker} reaches {target}.")
    return " ".join(parts)


def nearest(m: MissingPower, mine: int = 3, others: int = 2) -> list[tuple[Considered, str]]:
    """The powers nearest an uncovered act, each with what it lacks: those
    a failed limit keeps out, then at most ``mine`` of the maker's own powers
    and ``others`` of other bodies' (national ones first, but for the one
    the paragraph already names)."""
    national = setters(m)
    rest = national[1:] + [c for c in m.held_by_others if c not in national]
    return [(c, lacks_words(c, m)) for c in list(m.candidates) + list(m.maker_powers[:mine]) + rest[:others]]


def limit_words(f: Finding, m: MissingPower | None) -> str:
    """A failed limit (or a step required before the decision), in a sentence
    that names the power it limits."""
    power = f.rule.split("/", 1)[0]
    candidate = next((c for c in (m.candidates if m else ()) if c.power == power), None)
    what = "a step that had to come before the decision was not taken first" if f.effect == "step" \
        else "the scheme is outside a limit of the power it would rest on"
    words = f"{capital(what)}: {sentence(f.statement)}"
    if candidate is not None:
        words += f" The power ({power}): {sentence(candidate.statement)}"
    return words


def _branch_why(b: Branch) -> str:
    if b.verdict == "valid":
        return "rests on " + ", ".join(b.powers_used)
    ids = ", ".join(b.decided_by)
    if b.verdict == "ultra_vires" and all(f.effect == "no_power" for f in b.why):
        return "no power reaches it (" + ids + ")"
    return f"because of {ids}"


def branch_sentence(b: Branch) -> str:
    """One answer of an undetermined verdict: 'if change.practice_opt_in is
    yes (practices choose whether to join): valid, rests on eng22.icb-local-scheme'."""
    return f"if {given_words(b.given, meanings=True)}: {SHORT_VERDICT[b.verdict]}, {_branch_why(b)}"


def undetermined_summary(u: Undetermined) -> str:
    """An undetermined answer in one line: 'valid if change.practice_opt_in is
    yes (...); ultra vires if change.practice_opt_in is no (...): find out
    change.practice_opt_in first'. With more answers than a line holds, the
    verdicts it could be and the facts to find out."""
    if len(u.branches) <= 3 and all(len(b.given) <= 1 for b in u.branches):
        parts = [f"{SHORT_VERDICT[b.verdict]} if {given_words(b.given, meanings=True)}" for b in u.branches]
        return "; ".join(parts) + f": find out {_all(u.ask)} first"
    could = _either([SHORT_VERDICT[v] for v in u.possible_verdicts])
    return f"{could}, depending on facts not given: find out {_all(u.ask)} first"
