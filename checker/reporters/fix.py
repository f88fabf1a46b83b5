"""The fix report: the smallest changes that make a scheme valid, each with
the power it then rests on, what no longer decides the verdict and how to
replay it; or, when there is none, what stands in the way (the facts of
record behind each reason) and the closest attempts."""
from __future__ import annotations

from ..load.schema import body_label
from ..rules.negotiation import Lever, Record
from . import style
from .json_report import dumps
from .neutral import for_terminal, neutralised
from .text import missing_power_sentence, wrap
from .whatif import finding_lines
from .words import SHORT_VERDICT, VERDICT_WORDS, describe_change, long_date, target_label


def replay_command(file: str, changes) -> str:
    """The `vires whatif` command that replays a set of changes to a scheme file."""
    return " ".join(["vires whatif", file] + [c.option() for c in changes])


def attempt_dict(attempt) -> dict:
    """The JSON form of one attempt: its changes and the result they gave."""
    r = attempt.result
    out = {"changes": [c.to_dict() for c in attempt.changes], "verdict": r.verdict,
           "decided_by": list(r.decided_by), "holds": r.finding_ids()}
    if r.undetermined is not None:
        out["possible_verdicts"] = list(r.undetermined.possible_verdicts)
        out["ask"] = list(r.undetermined.ask)
    return out


def fix_dict(attempt, comparison, file: str, unknown=frozenset()) -> dict:
    """The JSON form of one fix: an attempt, the powers it rests on, what no
    longer decides the verdict, the facts it agrees that were unknown, its risks and its replay."""
    out = attempt_dict(attempt)
    out["powers_used"] = [{"target": u.target, "power": u.power} for u in attempt.result.powers_used]
    out["no_longer"] = [f.rule for f in comparison.decided_disappeared]
    out["agreed"] = [c.path for c in attempt.changes if c.path in unknown]
    out["risks"] = [f.rule for f in attempt.result.risks]
    out["deadlines"] = [deadline_dict(d) for d in attempt.deadlines]
    out["replay"] = replay_command(file, attempt.changes)
    return out


def deadline_dict(d) -> dict:
    """The JSON form of one deadline: the change, by when, and whether it is already too late."""
    return {"path": d.path, "what": d.what, "weeks": d.weeks, "body": d.body, "by": d.by or None,
            "done": d.done or None, "starts": d.starts or None, "ends": d.ends or None,
            "late": d.late or None, "words": deadline_words(d)}


#: What each kind of deadline is, in words.
_DEADLINE_WHAT = {"consultation": "the consultation", "approval": "this approval"}


def deadline_words(d) -> str:
    """A deadline in one sentence: by when, and a warning when it is already too late."""
    if d.what == "consultation_weeks":
        thing = f"the {d.weeks} weeks' consultation"
        when = (f"must begin by {long_date(d.by)} to end before the scheme starts on {long_date(d.starts)}"
                if d.by else "must end before the scheme starts (its start date is not given)")
    elif d.what == "approval" and d.body:
        thing = f"the formal decision of {body_label(d.body)}"
        when = (f"is needed by {long_date(d.by)}, when the scheme starts" if d.by
                else "is needed before the scheme starts (its start date is not given)")
    else:
        thing = _DEADLINE_WHAT.get(d.what, "this step")
        when = (f"must be done by {long_date(d.by)}, when the scheme starts" if d.by
                else "must be done before the scheme starts (its start date is not given)")
    text = f"{thing[:1].upper()}{thing[1:]} {when}."
    if d.late == "ended":
        text += (f" Too late: begun on the scheme's date it would be done on {long_date(d.done)}, after the "
                 f"scheme would have ended ({long_date(d.ends)}).")
    elif d.late == "started":
        text += (f" Too late for this start: begun on the scheme's date it would be done on "
                 f"{long_date(d.done)}, after the scheme would have started; move effective_from, or the "
                 "scheme is not ready when it starts.")
    return text


def _entry_dict(path, entry) -> dict:
    return {"path": path, "negotiable": isinstance(entry, Lever), "record": isinstance(entry, Record),
            "why": entry.why if entry is not None else ""}


def blocker_dict(blocker) -> dict:
    """The JSON form of one reason no fix was found, with the facts behind it."""
    f = blocker.finding
    return {"reason": blocker.reason, "effect": f.effect if f else "unknown_fact",
            "statement": f.statement if f else "", "facts": [_entry_dict(p, e) for p, e in blocker.facts]}


def report_dict(report) -> dict:
    """The JSON form of a fix search: the fixes, or why there is none and the closest attempts."""
    before = report.before
    state = {"verdict": before.verdict, "decided_by": list(before.decided_by)}
    if before.undetermined is not None:
        state["possible_verdicts"] = list(before.undetermined.possible_verdicts)
        state["ask"] = list(before.undetermined.ask)
    blocked = None
    if not report.fixes and before.verdict != "valid":
        blocked = {"at_any_size": bool(report.never), "never": list(report.never),
                   "reasons": [blocker_dict(b) for b in report.blockers]}
    return {
        "file": before.file,
        "scheme": before.scheme,
        "before": state,
        "fixes": [fix_dict(a, c, before.file, report.unknown) for a, c in report.fixes],
        "blocked": blocked,
        "closest": [attempt_dict(a) for a in report.closest],
        "search": {"max_changes": report.max_changes, "candidates": report.candidates, "tried": report.tried},
    }


def render_json(report) -> str:
    """The fix report as JSON."""
    return dumps(report_dict(report))


def _state_lines(before) -> list[str]:
    lines = ["  As it stands: " + style.verdict(VERDICT_WORDS[before.verdict], before.verdict)]
    if before.undetermined is not None:
        could = " or ".join(SHORT_VERDICT[v] for v in before.undetermined.possible_verdicts)
        lines.append(wrap(f"could be {could}; find out: {', '.join(before.undetermined.ask)}",
                          "    ", "    "))
    return lines


def render_text(report) -> str:
    """The fix report as text: the smallest fixes, or what stands in the way and the closest attempts."""
    report = neutralised(report, for_terminal)
    before = report.before
    lines = [style.heading(f"{before.file or before.scheme}: {before.title}")] + _state_lines(before)
    if before.verdict == "valid":
        lines.append("  Nothing to fix: the scheme is valid as it stands.")
        return "\n".join(lines) + "\n"
    if report.fixes:
        sizes = sorted({len(a.changes) for a, _ in report.fixes})
        words = " or ".join(str(s) for s in sizes)
        lines.append(f"  {len(report.fixes)} smallest fix(es), {words} change(s) each:")
        for n, (attempt, comparison) in enumerate(report.fixes, 1):
            lines += [""] + _fix_lines(n, attempt, comparison, report)
    else:
        lines += _no_fix_lines(report)
    if report.never:
        searched = (f"No search was needed: none of the {report.candidates} candidate change(s) to the "
                    "negotiable facts of policy/negotiation.yaml moves a fact on which "
                    + "; ".join(_never_words(x) for x in report.never))
    else:
        searched = (f"Searched {report.tried} combination(s) of {report.candidates} candidate change(s) to the "
                    f"negotiable facts of policy/negotiation.yaml, up to {report.max_changes} change(s)")
    lines += ["", style.dim(wrap(searched + "; facts of record, and decisions already given, are never "
                                 "changed. A fix makes the scheme valid, never undetermined.", "  "))]
    return "\n".join(lines) + "\n"


def _never_words(item: str) -> str:
    if item.startswith("act:"):
        return f"every power is ruled out for {target_label(item.removeprefix('act:'))}"
    return f"rule {item} fires or may"


def _change_line(change, report, maker=None) -> str:
    text = describe_change(change, maker or report.maker)
    if change.path in report.unknown:
        text += " (the scheme does not say: agree it this way)"
    return wrap(f"- {text}", "    ", "      ")


def _fix_lines(n, attempt, comparison, report) -> list[str]:
    result = attempt.result
    lines = ["  " + style.heading(f"Fix {n}: ") + style.verdict(VERDICT_WORDS[result.verdict], result.verdict)]
    lines += [_change_line(c, report, comparison.maker) for c in attempt.changes]
    for use in result.powers_used:
        lines.append(wrap(f"{target_label(use.target)} then rests on: {use.statement} (power {use.power})",
                          "    ", "      "))
    gone = [f for f in comparison.decided_disappeared if f.effect != "power"]
    if gone:
        lines.append("    No longer decided by:")
        for f in gone:
            if f.effect == "no_power":
                because = comparison.because.get(f.rule)
                tail = f"; the changes to {', '.join(because)} bear on it" if because else ""
                lines.append(wrap(f"- {f.rule}: no power covered it{tail}", "    ", "      "))
            else:
                lines += finding_lines(f, "-", comparison.because.get(f.rule), indent="    ")
    if result.approvals_given:
        given = "; ".join(f"{body_label(a.body)} ({a.rule})" for a in result.approvals_given)
        lines.append(wrap(f"Approvals formally given: {given}", "    ", "      "))
    for d in attempt.deadlines:
        mark = "! " if d.late else ""
        lines.append(wrap(f"{mark}By when: {deadline_words(d)}", "    ", "      "))
    if result.risks:
        lines.append(wrap("Risks to watch: " + ", ".join(f.rule for f in result.risks), "    ", "      "))
    # Not wrapped: the line is a command to copy and paste.
    lines.append(style.dim("    replay: " + replay_command(report.before.file, attempt.changes)))
    return lines


def _blocker_lines(report, blocker) -> list[str]:
    f = blocker.finding
    if f is None:
        lines = [wrap(f"The verdict depends on {blocker.reason}, which is not known.", "  * ", "    ")]
    elif f.effect == "no_power":
        missing = next((m for m in report.before.missing_powers if f"no-power:{m.target}" == f.rule), None)
        lines = [wrap(missing_power_sentence(missing) if missing else f.rule, "  * ", "    "),
                 style.dim(wrap(f"reason {f.rule}", "    "))]
    else:
        lines = finding_lines(f, "*", None)
        for a in report.before.approvals_needed:
            if a.rule == f.rule and a.status in ("refused", "unknown"):
                words = "refused" if a.status == "refused" else "decided, but how is not known"
                lines.append(wrap(f"{body_label(a.body)} {words}" + (f": {a.reason}" if a.reason else ""),
                                  "    ", "      "))
    for path, entry in blocker.facts:
        if isinstance(entry, Record):
            lines.append(wrap(f"it rests on {path}, a fact of record: {entry.why}", "    ", "      "))
    negotiable = [path for path, entry in blocker.facts if isinstance(entry, Lever)]
    if negotiable:
        lines.append(style.dim(wrap("it also rests on " + ", ".join(negotiable)
                                    + ", which a fix may change", "    ", "      ")))
    return lines


def _no_fix_lines(report) -> list[str]:
    if report.never:
        head = ("No change to the negotiable facts, however many, makes this scheme valid: it would "
                "take a change to a fact of record.")
    else:
        head = f"No set of up to {report.max_changes} change(s) to the negotiable facts makes this scheme valid."
    lines = ["", wrap(head, "  ")]
    if report.blockers:
        lines += ["", style.heading("  What stands in the way")]
        for blocker in report.blockers:
            lines += _blocker_lines(report, blocker)
    if report.closest:
        lines += ["", style.heading("  Closest attempts")]
        for attempt in report.closest:
            r = attempt.result
            words = SHORT_VERDICT[r.verdict]
            if r.undetermined is not None:
                words += " (could be " + " or ".join(SHORT_VERDICT[v] for v in r.undetermined.possible_verdicts) + ")"
            lines.append(wrap(f"{words}, decided by: " + (", ".join(r.decided_by) or "facts not known"),
                              "  ", "    "))
            lines += [_change_line(c, report) for c in attempt.changes]
    elif not report.never:
        lines += ["", wrap("No attempt came closer to valid than the scheme as it stands.", "  ")]
    return lines
