"""The words of the scheme builder's interview (`vires new`): a question
as shown at a terminal, a complaint about an answer, and the list of the
questions in the order answers are read (`vires new --questions`)."""
from __future__ import annotations

from ..diagnostics import format_path
from ..load import schema
from ..load.interview import CHECK_QUESTION, FLOW, Group, Question, required
from .neutral import for_terminal


def show_value(value) -> str:
    """A default as the interview shows it: yes/no, a list with commas."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def render_question(ask: str, path: tuple, node: dict, default, is_required: bool) -> str:
    """A question as shown at a terminal: what the field is, the choices, the default."""
    about = schema.describe(path) if path and not isinstance(path[-1], int) else ""
    lines = ["", f"{ask}"]
    if about and about.rstrip(".").lower() not in ask.lower() and "enum" not in node:
        lines.append(f"  ({about})")
    if "enum" in node:
        width = max(len(v) for v in node["enum"])
        for n, (value, words) in enumerate(schema.choices(path), 1):
            lines.append(f"  {n:>2}. {value:<{width}}  {words}")
    if default is not None:
        lines.append(f"  [{show_value(default)}]")
    elif not is_required:
        lines.append("  [optional: press Enter to leave it out]")
    return "\n".join(lines)


def render_item_heading(group: Group, number: int, count: int) -> str:
    """The heading before the questions about one item of a list: 'Proposer 1 of 2'."""
    return f"\n  {group.item.capitalize()} {number} of {count}"


def render_retry(message: str, hint: str) -> str:
    """A bad answer's complaint at a terminal, asking again."""
    message, hint = for_terminal(message), for_terminal(hint)
    return f"  ! {message}" + (f"; {hint}" if hint else "") + ". Try again:"


def render_flow() -> str:
    """The questions in the order answers are read: `vires new --questions`."""
    out = ["Answers are read in this order, one a line. An empty line takes the default",
           "in brackets, or leaves an optional answer out; '-' leaves an optional answer",
           "out; a choice may be given by its number or its name; lines starting with #",
           "are skipped. When the answers end, the remaining questions take their defaults.", ""]
    number = 0
    for step in FLOW:
        number += 1
        if isinstance(step, Group):
            out.append(f"{number:>2}. {format_path(step.path)}: {step.ask} [{step.default}]")
            out.append(f"    then, for each {step.item}:")
            for letter, question in zip("abcdefghij", step.questions):
                out.append("      " + _describe_question(question, step.path + (0,) + question.path,
                                                      letter + "."))
        else:
            out.append(f"{number:>2}. " + _describe_question(step, step.path, ""))
    out.append(f"{number + 1:>2}. (after the file is written) {CHECK_QUESTION} [yes]")
    return "\n".join(out) + "\n"


def _describe_question(question: Question, path: tuple, mark: str) -> str:
    node = schema.node_at(path)
    name = format_path(path).replace("[0]", "[]")
    if "enum" in node:
        name += " (" + ", ".join(f"{n}={v}" for n, v in enumerate(node["enum"], 1)) + ")"
    if callable(question.default):
        tail = " [default worked out from earlier answers]"
    elif question.default is not None:
        tail = f" [{show_value(question.default)}]"
    else:
        tail = " (required)" if required(path) else " (optional)"
    when = f"; {question.when_words}" if question.when_words else ""
    return f"{mark} {name}: {question.ask}{tail}{when}".strip()
