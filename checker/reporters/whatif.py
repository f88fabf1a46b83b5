"""The what-if report: the changes, the verdict before and after (with, for
an undetermined one, the verdicts it could be and what to find out), and why
powers, deciding reasons and findings appeared or disappeared, in the
policy's own words."""
from __future__ import annotations

from ..load.schema import body_label
from . import style
from .json_report import approval_dict, dumps, result_dict
from .neutral import for_terminal, neutralised
from .text import missing_power_sentence, wrap
from .words import SHORT_VERDICT, VERDICT_WORDS, describe_change, given_words, target_label


def finding_dict(comparison, finding) -> dict:
    """The JSON form of a finding or deciding id that appeared or disappeared, with the changed facts it tests."""
    out = finding.to_dict()
    out["because"] = list(comparison.because.get(finding.rule, []))
    return out


def power_dict(comparison, use) -> dict:
    """The JSON form of a power an act now rests on (or no longer does), with the changed facts it tests."""
    return {**use.to_dict(), "because": list(comparison.power_because(use))}


def comparison_dict(comparison) -> dict:
    """The JSON form of a comparison: both results, the changes, and what they made differ."""
    c = comparison
    return {
        "before": result_dict(c.before),
        "after": result_dict(c.after),
        "changes": [change.to_dict() for change in c.changes],
        "settled": list(c.settled),
        "powers": {"appeared": [power_dict(c, u) for u in c.powers_appeared],
                   "disappeared": [power_dict(c, u) for u in c.powers_disappeared]},
        "decided_by": {"appeared": [finding_dict(c, f) for f in c.decided_appeared],
                       "disappeared": [finding_dict(c, f) for f in c.decided_disappeared]},
        "appeared": [finding_dict(c, f) for f in c.appeared],
        "disappeared": [finding_dict(c, f) for f in c.disappeared],
        "approvals_now_given": [approval_dict(a) for a in c.now_given()],
        "approvals_now_needed": [approval_dict(a) for a in c.now_needed()],
    }


def render_json(comparison) -> str:
    """The comparison as JSON."""
    return dumps(comparison_dict(comparison))


def _tail(label: str, rule: str, because) -> str:
    tail = f"{label} {rule}"
    if because:
        tail += "; the changes to " + ", ".join(because) + " bear on it"
    return tail


#: How a report names each kind of id: a power, a part of one, or a rule.
_LABELS = {"power": "power", "limit": "limit", "step": "step", "approval": "approval", "made": "approval"}


def finding_lines(finding, mark: str, because, indent: str = "  ") -> list[str]:
    """A finding as a statement, with its id and the changed facts it tests."""
    label = _LABELS.get(finding.effect, "rule")
    name = f"{finding.rule} ({finding.effect})" if label == "rule" else finding.rule
    lines = [wrap(finding.statement, f"{indent}{mark} ", indent + "  ")]
    lines.append(style.dim(wrap(_tail(label, name, because), indent + "  ")))
    return lines


def _deciding_lines(comparison, result, finding, mark: str) -> list[str]:
    """A deciding id in words: a missing power as a sentence, otherwise its statement."""
    because = comparison.because.get(finding.rule)
    if finding.effect == "no_power":
        missing = next((m for m in result.missing_powers if f"no-power:{m.target}" == finding.rule), None)
        text = missing_power_sentence(missing) if missing else finding.rule
        return [wrap(text, f"  {mark} ", "    "), style.dim(wrap(_tail("reason", finding.rule, because), "    "))]
    return finding_lines(finding, mark, because)


def _verdict_line(title: str, result) -> list[str]:
    lines = [f"  {title}" + style.verdict(VERDICT_WORDS[result.verdict], result.verdict)]
    u = result.undetermined
    if u is not None:
        could = " or ".join(SHORT_VERDICT[v] for v in u.possible_verdicts)
        lines.append(wrap(f"could be {could}; find out: {', '.join(u.ask)}", "          ", "          "))
    return lines


def verdict_lines(comparison) -> list[str]:
    """The verdict before and after, and the facts the changes settle."""
    c = comparison
    lines = _verdict_line("Before: ", c.before) + _verdict_line("After:  ", c.after)
    if c.settled:
        lines.append(wrap(f"The changes give {', '.join(c.settled)}, which the verdict depended on.", "  "))
    return lines


def _power_lines(comparison, use, mark: str) -> list[str]:
    text = f"{target_label(use.target)}: {use.statement}"
    because = comparison.power_because(use)
    tail = _tail("power", use.power, because)
    if mark == "-" and not because and comparison.after.verdict in ("ultra_vires", "undetermined"):
        tail += ("; the scheme as a whole is now ultra vires, and an ultra vires scheme rests on no power"
                 if comparison.after.verdict == "ultra_vires" else
                 "; what the scheme rests on now depends on facts not known")
    return [wrap(text, f"  {mark} ", "    "), style.dim(wrap(tail, "    "))]


def contrast_lines(comparison) -> list[str]:
    """What changed: the powers each act rests on, the deciding reasons, the
    other findings and the approvals; then what decides the verdict after."""
    c = comparison
    lines = []
    if c.before.edition != c.after.edition:
        lines += ["", wrap(f"The policy edition changed from {c.before.edition} to {c.after.edition}, "
                            "so other powers and rules apply.", "  ")]
    sections = [
        ("No longer rests on", [ln for u in c.powers_disappeared for ln in _power_lines(c, u, "-")]),
        ("Now rests on", [ln for u in c.powers_appeared for ln in _power_lines(c, u, "+")]),
        ("No longer decided by", [ln for f in c.decided_disappeared if f.effect != "power"
                                  for ln in _deciding_lines(c, c.before, f, "-")]),
        ("Now decided by", [ln for f in c.decided_appeared if f.effect != "power"
                            for ln in _deciding_lines(c, c.after, f, "+")]),
        ("No longer applies", [ln for f in c.disappeared if f.effect != "power"
                               for ln in finding_lines(f, "-", c.because.get(f.rule))]),
        ("Now applies", [ln for f in c.appeared if f.effect != "power"
                         for ln in finding_lines(f, "+", c.because.get(f.rule))]),
        ("Approvals now formally given", [wrap(f"- {body_label(a.body)} ({a.rule})", "  ", "    ")
                                          for a in c.now_given()]),
        ("Approvals now needed", [wrap(f"- {body_label(a.body)} ({a.rule})", "  ", "    ")
                                  for a in c.now_needed()]),
    ]
    for title, body in sections:
        if body:
            lines += ["", style.heading(f"  {title}")] + body
    if not any(body for _, body in sections):
        lines += ["", "  The same powers and rules apply before and after: these changes make no difference."]
    lines += _after_lines(c.after)
    return lines


def _after_lines(after) -> list[str]:
    if after.undetermined is not None:
        lines = ["", style.heading("  After the changes, the verdict for each answer")]
        for b in after.undetermined.branches:
            why = ", ".join(b.decided_by)
            lines.append(wrap(f"- if {given_words(b.given)}: {SHORT_VERDICT[b.verdict]} ({why})", "  ", "    "))
        if not after.undetermined.complete:
            lines.append(wrap("(more answers than can be listed: settle the facts above first)", "  "))
        return lines
    if after.verdict != "valid":
        return ["", wrap(f"After the changes it is {SHORT_VERDICT[after.verdict]}, decided by: "
                         + ", ".join(after.decided_by) + ".", "  ", "    ")]
    return []


def render_text(comparison) -> str:
    """The what-if report as text: the changes, the verdicts, and why they differ."""
    c = neutralised(comparison, for_terminal)
    lines = [style.heading(f"{c.before.file or c.before.scheme}: {c.before.title}"),
             style.heading("  What if")]
    lines += [wrap(f"- {describe_change(change, c.maker)}", "  ", "    ") for change in c.changes] or ["  (no changes)"]
    lines += [""] + verdict_lines(c)
    lines += contrast_lines(c)
    return "\n".join(lines) + "\n"
