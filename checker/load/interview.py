"""The scheme builder's interview (`vires new`): plain questions, answers
checked as they are given.

A **question** asks for one field of a scheme, named by its path (see
``checker.load.schema``). What it accepts, a choice, yes/no, a date, a
number or text, and whether it may be left out, come from the field's node
in the scheme schema, so the interview cannot drift from the schema. A
**group** asks how many items a list holds, then its questions once per
item. ``FLOW`` is the whole interview, in the order in which answers are
read from standard input, one a line (``vires new --questions`` lists it).

Answers: a choice by its number or its name; an empty line takes the
default shown in brackets, or leaves an optional field out; ``-`` leaves an
optional field out even when it has a default; lines starting with ``#``
are skipped. Each answer is checked against the schema and against what
the schema cannot say (a body that did not exist on the date, an end before
the start, a date no policy edition covers). At a terminal a bad answer is
asked again; from a file it is a located error, because re-reading would
take the next answer out of order.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Callable, Iterable

from ..dates import contract_year, is_date
from ..diagnostics import Diagnostic, InputError, did_you_mean, format_path
from . import schema
from .scheme import semantic_problems
from .yamlfile import Document

#: CCG co-commissioning began in April 2015 (the schema's title for the field;
#: domain brief, "The bodies"); before then a CCG has no level to give.
CO_COMMISSIONING_FROM = "2015-04-01"
MAX_ITEMS = 20
STDIN = "<stdin>"


@dataclass(frozen=True)
class Question:
    path: tuple
    ask: str
    default: object = None  # a value, or a function of the answers so far
    when: Callable | None = None  # (scheme so far, item) -> ask it?
    when_words: str = ""


@dataclass(frozen=True)
class Group:
    path: tuple
    ask: str
    item: str  # what one item is called: "proposer"
    questions: tuple
    default: int = 0


# --- defaults and conditions that depend on earlier answers -----------------

def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower())[:5])


def _default_id(scheme, _item=None):
    base = _slug(scheme.get("place") or scheme.get("title", ""))
    year = scheme.get("date", "")[:4]
    return "-".join(p for p in (base, year) if p) or None


def _default_years(scheme, _item=None):
    when = scheme.get("effective_from") or scheme.get("date")
    return [contract_year(when)] if when else None


def _is_ccg_with_level(scheme, item):
    body = item.get("body", item)
    return body.get("kind") == "ccg" and scheme.get("date", "") >= CO_COMMISSIONING_FROM


def _share(scheme, _item):
    return scheme.get("change", {}).get("scope") == "share_of_points"


def _has_alternative_work(scheme, _item):
    return "description" in scheme.get("change", {}).get("alternative_work", {})


def _body_questions(prefix: tuple, which: str) -> tuple:
    return (
        Question(prefix + ("kind",), which),
        Question(prefix + ("name",), "Its name (e.g. NHS Leeds West CCG)"),
        Question(prefix + ("co_commissioning",), "Its co-commissioning level",
                 when=_is_ccg_with_level, when_words="asked only for a CCG, from April 2015"),
    )


FLOW = (
    Question(("title",), "In one line, what does the scheme do?"),
    Question(("place",), "Where: the place or area it covers (e.g. Leeds)"),
    Question(("jurisdiction",), "Which nation's GP contract does it change?", default="england"),
    Question(("date",), "When was it proposed or decided? (YYYY-MM-DD)"),
    Question(("id",), "A short name for it, lower case with hyphens", default=_default_id),
    Question(("effective_from",), "From what date does the change apply? (YYYY-MM-DD)"),
    Question(("effective_to",), "Until what date? (YYYY-MM-DD)"),
    Question(("contract_years",), "Which contract years does it affect? (e.g. 2016/17; several separated by commas)",
             default=_default_years),
    Question(("background",), "Why was it proposed? (a sentence)"),
    Group(("proposers",), "How many bodies propose it?", "proposer",
          _body_questions((), "What kind of body proposes it?"), default=1),
    Group(("parties",), "How many other bodies are involved (LMC, practices, NHS England teams)?", "party",
          _body_questions((), "What kind of body is it?")),
    Question(("change", "target"), "What part of the contract changes?", default="qof"),
    Question(("change", "instrument"), "How is the change made?"),
    Question(("change", "scope"), "Which indicators does it cover?"),
    Question(("change", "share_of_points"), "What percentage of points? (0 to 100)",
             when=_share, when_words="asked only for a share of points"),
    Question(("change", "points"), "How many points are affected? (a number, e.g. 341)"),
    Question(("change", "income"), "How is practice income treated?"),
    Question(("change", "practice_opt_in"), "Do practices choose whether to join? (yes/no)"),
    Question(("change", "remaining_indicators_continue"),
             "Do practices keep working on the indicators not covered? (yes/no)"),
    Question(("change", "alternative_work", "description"),
             "What work do practices do instead? (a sentence; empty if none)"),
    Question(("change", "alternative_work", "measurement"), "How is that work measured?",
             when=_has_alternative_work, when_words="asked only when there is alternative work"),
    Group(("decisions",), "How many decisions (agreements, refusals, requests) are there so far?", "decision",
          _body_questions(("body",), "What kind of body decided (or was asked)?") + (
              Question(("status",), "What did it decide?"),
              Question(("formality",), "Was it formal or informal?"),
              Question(("date",), "On what date? (YYYY-MM-DD)"),
              Question(("reason",), "The reason given, if any (a sentence)"),
          )),
    Question(("consultations", "lmc"), "Was the LMC consulted before it was agreed? (yes/no)"),
    Question(("consultations", "gpc"), "Was the GPC consulted? (yes/no)"),
    Question(("consultations", "local_weeks"), "How many weeks of local consultation were held?"),
    Group(("objections",), "How many bodies have objected?", "objection",
          _body_questions(("body",), "What kind of body objected?") + (
              Question(("reason",), "Their objection, in a sentence"),
          )),
    Question(("circumstances", "national_incident_level"),
             "National incident level in force (0 to 4, 4 = national emergency; 0 if none)"),
    Question(("circumstances", "description"), "Anything else about the circumstances? (a sentence)"),
)

CHECK_QUESTION = "Check the scheme now? (yes/no)"


# --- reading one answer -------------------------------------------------------

class BadAnswer(Exception):
    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint


def _kind(node: dict) -> str:
    if "enum" in node:
        return "choice"
    if node.get("format") == "date":
        return "date"
    return node.get("type", "string")


def parse_answer(text: str, node: dict):
    """The value an answer gives a field, or BadAnswer saying why not."""
    kind = _kind(node)
    if kind == "choice":
        values = node["enum"]
        if text.isdigit():
            number = int(text)
            if 1 <= number <= len(values):
                return values[number - 1]
            raise BadAnswer(f"there is no choice {number}", f"answer with a number from 1 to {len(values)}, or a name")
        name = "_".join(text.lower().replace("-", " ").split())
        if name in values:
            return name
        raise BadAnswer(f"'{text}' is not one of the choices", did_you_mean(name, values))
    if kind == "boolean":
        word = text.lower()
        if word in ("y", "yes", "true"):
            return True
        if word in ("n", "no", "false"):
            return False
        raise BadAnswer(f"'{text}' is not yes or no", "answer yes or no")
    if kind == "date":
        if not is_date(text):
            raise BadAnswer(f"'{text}' is not a date written YYYY-MM-DD", "for example 2017-02-02")
        return text
    if kind in ("integer", "number"):
        try:
            value = int(text) if kind == "integer" else float(text)
        except ValueError:
            raise BadAnswer(f"'{text}' is not a {'whole ' if kind == 'integer' else ''}number",
                            "for example 3") from None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        _check_bounds(value, node)
        return value
    if kind == "array":
        items = [part.strip() for part in text.split(",") if part.strip()]
        pattern = node.get("items", {}).get("pattern")
        for item in items:
            if pattern and not re.fullmatch(pattern, item):
                raise BadAnswer(f"'{item}' is not written like {pattern_example(node)}",
                                node.get("description", ""))
        return items
    pattern = node.get("pattern")
    if pattern and not re.search(pattern, text):
        raise BadAnswer(f"'{text}' does not fit: {node.get('description', pattern)}",
                        "use lower-case letters, digits and hyphens, e.g. leeds-2017")
    return text


def pattern_example(node: dict) -> str:
    return "2016/17" if "/" in node.get("items", {}).get("pattern", "") else "the example"


def _check_bounds(value, node):
    low, high = node.get("minimum"), node.get("maximum")
    if low is not None and value < low:
        raise BadAnswer(f"{value} is below the lowest allowed value, {low}")
    if high is not None and value > high:
        raise BadAnswer(f"{value} is above the highest allowed value, {high}")


# --- the interview ------------------------------------------------------------

SKIP = object()


class Answers:
    """Answers from a stream of lines, one a line; skips '#' comment lines."""

    def __init__(self, lines: Iterable[str], file: str = STDIN, prompt: Callable | None = None):
        self._lines = iter(lines)
        self.file = file
        self.line = 0
        self.prompt = prompt  # shown before each line is read, at a terminal

    def next(self) -> str | None:
        if self.prompt:
            self.prompt()
        for raw in self._lines:
            self.line += 1
            if not raw.lstrip().startswith("#"):
                return raw.rstrip("\r\n")
        return None


class Interview:
    """Asks FLOW's questions and builds the scheme.

    ``say`` shows questions and complaints (None when answers come from a
    file, which is then read strictly); ``policy`` supplies body lifespans and
    edition coverage for the checks a schema cannot make.
    """

    def __init__(self, answers: Answers, say: Callable[[str], None] | None = None, policy=None):
        self.answers = answers
        self.say = say
        self.policy = policy
        self.scheme: dict = {}

    # The flow -------------------------------------------------------------
    def run(self) -> dict:
        self._ask_all(FLOW, ())
        return self.scheme

    def _ask_all(self, flow, prefix):
        for step in flow:
            if isinstance(step, Group):
                self._ask_group(step)
            elif step.when is None or step.when(self.scheme, _get(self.scheme, prefix)):
                self._ask(step, prefix + step.path)

    def _ask_group(self, group: Group):
        node = schema.node_at(group.path)
        low = node.get("minItems", 0)
        count_node = {"type": "integer", "minimum": low, "maximum": MAX_ITEMS}
        count = self._read(group.ask, group.path, count_node, group.default, required=True, field=False)
        for i in range(count):
            if self.say:
                self.say(f"\n  {group.item.capitalize()} {i + 1} of {count}")
            self._ask_all(group.questions, group.path + (i,))

    def _ask(self, question: Question, path: tuple):
        node = schema.node_at(path)
        default = question.default(self.scheme, None) if callable(question.default) else question.default
        value = self._read(question.ask, path, node, default, required=_required(path))
        if value is not SKIP:
            _set(self.scheme, path, value)

    def confirm(self, ask: str, default: bool = True) -> bool:
        """A last yes/no question, read like the others (EOF: the default)."""
        return self._read(ask, (), {"type": "boolean"}, default, required=True, field=False)

    # One answer -------------------------------------------------------------
    def _read(self, ask, path, node, default, required, field=True):
        """One answer; ``field`` is false for answers that are not a field of
        the scheme (how many items, whether to check)."""
        if self.say:
            self._show(ask, path if field else (), node, default, required)
        while True:
            text = self.answers.next()
            if text is None:
                if default is not None:
                    return default
                if not required:
                    return SKIP
                raise InputError([self._diagnostic(
                    "interview.no_answer", f"the answers ended before this question, which needs one: {ask}",
                    path, "add a line for it; `vires new --questions` lists the questions in order",
                    line=self.answers.line + 1)])
            text = text.strip()
            try:
                return self._accept(text, path if field else (), node, default, required)
            except BadAnswer as bad:
                if not self.say:
                    raise InputError([self._diagnostic(
                        "interview.bad_answer", f"{bad.message} (question: {ask})", path, bad.hint)]) from None
                self.say(f"  ! {bad.message}" + (f"; {bad.hint}" if bad.hint else "") + ". Try again:")

    def _accept(self, text, path, node, default, required):
        if text == "" and default is not None:
            return default
        if text in ("", "-") and not required:
            return SKIP
        if text == "":
            raise BadAnswer("an answer is needed here", "this question has no default")
        value = parse_answer(text, node)
        self._check_in_context(path, value)
        return value

    def _check_in_context(self, path, value):
        """What the schema cannot say, checked on the scheme with this answer in
        it: only problems this answer brings are its fault."""
        if not path:
            return
        trial = copy.deepcopy(self.scheme)
        _set(trial, path, value)
        before = {(d.code, d.path) for d in self._context_problems(self.scheme)}
        for d in self._context_problems(trial):
            if (d.code, d.path) not in before:
                raise BadAnswer(d.message, d.hint)

    def _context_problems(self, scheme) -> list[Diagnostic]:
        lifespans = self.policy.lifespans if self.policy else None
        problems = semantic_problems(Document(scheme, STDIN), lifespans)
        if self.policy and "date" in scheme:
            where = scheme.get("jurisdiction", "england")
            if self.policy.edition_for(where, scheme["date"]) is None:
                problems.append(self.policy.no_edition(where, scheme["date"], STDIN))
        return problems

    def _diagnostic(self, code, message, path, hint, line=None) -> Diagnostic:
        return Diagnostic(code, message, self.answers.file, line or self.answers.line, 1, path, hint)

    # Showing a question at a terminal -----------------------------------------
    def _show(self, ask, path, node, default, required):
        about = schema.describe(path) if path and not isinstance(path[-1], int) else ""
        lines = ["", f"{ask}"]
        if about and about.rstrip(".").lower() not in ask.lower() and "enum" not in node:
            lines.append(f"  ({about})")
        if "enum" in node:
            width = max(len(v) for v in node["enum"])
            for n, (value, words) in enumerate(schema.choices(path), 1):
                lines.append(f"  {n:>2}. {value:<{width}}  {words}")
        if default is not None:
            lines.append(f"  [{_show_value(default)}]")
        elif not required:
            lines.append("  [optional: press Enter to leave it out]")
        self.say("\n".join(lines))


def _show_value(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def _required(path: tuple) -> bool:
    if not path or isinstance(path[-1], int):
        return True
    parent = schema.node_at(path[:-1])
    return path[-1] in parent.get("required", ())


def _get(data, path: tuple) -> dict:
    """The item at a path of the scheme so far ({} when not begun)."""
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError):
            return {}
    return data


def _set(data: dict, path: tuple, value) -> None:
    """Set a field, creating the mappings and list items that lead to it
    (a list item is begun by its first answer, so no item is ever empty)."""
    node = data
    for part, following in zip(path, path[1:]):
        empty = [] if isinstance(following, int) else {}
        if isinstance(part, int):
            if part == len(node):
                node.append(empty)
            node = node[part]
        else:
            node = node.setdefault(part, empty)
    node[path[-1]] = value


# --- the documented order -----------------------------------------------------

def describe_flow() -> str:
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
        tail = f" [{_show_value(question.default)}]"
    else:
        tail = " (required)" if _required(path) else " (optional)"
    when = f"; {question.when_words}" if question.when_words else ""
    return f"{mark} {name}: {question.ask}{tail}{when}".strip()
