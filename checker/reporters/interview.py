"""The words of the scheme builder's interview (`vires new`): a question
as shown at a terminal, a complaint about an answer, and the list of the
questions in the order answers are read (`vires new --questions`)."""
from __future__ import annotations

from ..diagnostics import format_path
from ..load import schema
from ..load.interview import CHECK_QUESTION, FLOW, Group, Question, may_be_unknown, required, written_out
from .neutral import for_terminal


def show_value(value) -> str:
    """A default as the interview shows it: yes/no, a list with commas."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def _choices_path(path: tuple, node: dict) -> tuple | None:
    """Where the fixed choices of a question are: the field's own, or, for a
    list of choices, its items'."""
    if "enum" in node:
        return path
    if "enum" in node.get("items", {}):
        return path + ("*",)
    return None


def _lists_unknown(where: tuple) -> bool:
    return schema.UNKNOWN_WORD in (schema.find_node(where) or {}).get("enum", ())


def written_words(path: tuple) -> list[str]:
    """What else an answer may be for a field, in words: '? if not known',
    'none: no alternative work' (from the schema, ``written_out``)."""
    found = written_out(path) if path else None
    if not found or schema.find_node(path) is None:
        return ["? if not known"] if path and may_be_unknown(path) else []
    raw = schema.find_node(found[0]) or {}
    out = []
    for branch in raw.get("anyOf", ()):
        if "const" in branch and branch["const"] != schema.UNKNOWN_WORD:
            out.append(f"{branch['const']}: {branch.get('description', branch['const']).lower()}")
    if may_be_unknown(path):
        out.append("? if not known")
    return out


def render_question(ask: str, path: tuple, node: dict, default, is_required: bool) -> str:
    """A question as shown at a terminal: what the field is, the choices, the default."""
    about = schema.describe(path) if path and not isinstance(path[-1], int) else ""
    where = _choices_path(path, node) if path else None
    lines = ["", f"{ask}"]
    if about and about.rstrip(".").lower() not in ask.lower() and where is None:
        lines.append(f"  ({about})")
    if where is not None:
        shown = [(show_value(v), words) for v, words in schema.choices(where)]
        width = max(len(v) for v, _ in shown)
        for n, (value, words) in enumerate(shown, 1):
            lines.append(f"  {n:>2}. {value:<{width}}  {words}")
    extra = [w for w in written_words(path) if not (where and w.startswith("?") and _lists_unknown(where))]
    if extra:
        lines.append("  (or " + "; ".join(extra) + ")")
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
           "out; a choice may be given by its number or its name (several, separated by",
           "commas, where a list is asked for); '?' means don't know, and writes 'unknown'",
           "wherever a fact may be unknown; lines starting with # are skipped. When the",
           "answers end, the remaining questions take their defaults. A question under",
           "a field already answered '?' (or 'none') is not asked, nor is its line read.", ""]
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
    node = schema.unwrap(schema.node_at(path))[0]
    name = format_path(path).replace("[0]", "[]")
    where = _choices_path(path, node)
    if where is not None:
        values = schema.node_at(where)["enum"]
        name += " (" + ", ".join(f"{n}={show_value(v)}" for n, v in enumerate(values, 1)) + ")"
    if callable(question.default):
        tail = " [default worked out from earlier answers]"
    elif question.default is not None:
        tail = f" [{show_value(question.default)}]"
    else:
        tail = " (required)" if required(path) else " (optional)"
    extra = [w for w in written_words(path) if not (w.startswith("?") and where and _lists_unknown(where))]
    also = f"; or {', '.join(extra)}" if extra else ""
    when = f"; {question.when_words}" if question.when_words else ""
    needed = f"; {question.needed_words}" if question.needed_words else ""
    return f"{mark} {name}: {question.ask}{tail}{also}{when}{needed}".strip()
