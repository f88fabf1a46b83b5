"""The scheme builder's questions (`vires new`): what is asked, in which
order, and what an answer may be.

A **question** asks for one field of a scheme, named by its path (see
``checker.load.schema``). What it accepts, a choice, yes/no, a date, a
number, text or a list of choices, and whether it may be left out, come
from the field's node in the scheme schema, so the interview cannot drift
from the schema. A **group** asks how many items a list holds, then its
questions once per item. ``FLOW`` is the whole interview, in the order in
which answers are read from standard input, one a line (``vires new
--questions`` lists it).

Answers: a choice by its number or its name (several, for a list of
choices, separated by commas); an empty line takes the default shown in
brackets, or leaves an optional field out; ``-`` leaves an optional field
out even when it has a default; lines starting with ``#`` are skipped.
**Don't know** (``?``) writes ``unknown`` wherever the schema lets a fact be
unknown: the field itself (an enum with ``unknown`` among its values, or
``anyOf: [its node, unknown]``), or the nearest field above it that may be
(``maker`` for the maker's kind). Likewise a field's other written-out
words (``none`` for ``change.alternative_work``) settle the field above; the
questions under a settled field are not asked. Each answer is checked
against the schema and against what the schema cannot say (a body that did
not exist on the date, an end before the start, a date no policy edition
covers). This module is the model of the interview and does no input or
output: `vires new` asks the questions at a terminal or reads the answers
from a file (``checker.cli.new``), and the words it shows are
``checker.reporters.interview``'s.
"""
from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass
from typing import Any, Callable

from ..dates import contract_year, date_hint, date_problem
from ..diagnostics import Diagnostic, did_you_mean
from . import schema
from .predicate import schema_regex
from .scheme import semantic_problems
from .yamlfile import Document

#: CCG co-commissioning began in April 2015 (the schema's title for the field;
#: domain brief, "The bodies"); before then a CCG has no level to give.
CO_COMMISSIONING_FROM = "2015-04-01"
MAX_ITEMS = 20
#: The longest answer: a title or a reason is a sentence or two, and a scheme
#: file must stay far within the loader's size limit (checker.load.yamlfile).
MAX_ANSWER = 2_000


@dataclass(frozen=True)
class Question:
    """A question for one field of the scheme, named by its path."""

    path: tuple[str, ...]
    ask: str
    default: object = None  # a value, or a function of the answers so far
    when: Callable | None = None  # (scheme so far, the field's parent mapping) -> ask it?
    when_words: str = ""
    needed: Callable | None = None  # (scheme so far, parent) -> an answer is required here
    needed_words: str = ""


@dataclass(frozen=True)
class Group:
    """A list of the scheme: how many items, then its questions for each item."""

    path: tuple[str, ...]
    ask: str
    item: str  # what one item is called: "requester"
    questions: tuple[Question, ...]
    default: int = 0


@dataclass(frozen=True)
class Settle:
    """An answer that settles a field above the one asked: 'don't know' for
    the maker's kind writes ``maker: unknown``; ``none`` for the alternative
    work's description writes ``alternative_work: none``."""

    path: tuple
    value: str


#: Answers that mean "don't know": the field is written ``unknown``.
DONT_KNOW = ("?", "unknown", "don't know", "dont know", "not known")


# --- defaults and conditions that depend on earlier answers -----------------

def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower())[:5])


def _default_id(scheme, _parent=None):
    base = _slug(scheme.get("place") or scheme.get("title", ""))
    year = scheme.get("date", "")[:4]
    return "-".join(p for p in (base, year) if p) or None


def _default_years(scheme, _parent=None):
    when = scheme.get("effective_from") or scheme.get("date")
    return [contract_year(when)] if when else None


def _has_kind(_scheme, body):
    return "kind" in body


def _is_ccg_with_level(scheme, body):
    return body.get("kind") == "ccg" and scheme.get("date", "") >= CO_COMMISSIONING_FROM


def _share(_scheme, change):
    return change.get("scope") == "share_of_points"


def _has_alternative_work(_scheme, work):
    return "description" in work


def _granted(_scheme, decision):
    return decision.get("status") == "granted"


def _body_questions(prefix: tuple, which: str) -> tuple:
    return (
        Question(prefix + ("kind",), which),
        Question(prefix + ("name",), "Its name (e.g. NHS Leeds West CCG)", when=_has_kind,
                 when_words="asked once its kind is given"),
        Question(prefix + ("co_commissioning",), "Its co-commissioning level",
                 when=lambda scheme, body: _has_kind(scheme, body) and _is_ccg_with_level(scheme, body),
                 when_words="asked only for a CCG, from April 2015"),
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
    Group(("requested_by",), "How many bodies ask for the change? (asking is never beyond anyone's powers)",
          "requester", _body_questions((), "What kind of body asks for it?")),
    *_body_questions(("maker",), "What kind of body would make the change? (the one whose power it needs)"),
    Group(("parties",), "How many other bodies are involved (LMC, practices, NHS England teams)?", "party",
          _body_questions((), "What kind of body is it?")),
    Question(("change", "targets"), "Which parts of the contract does it change? (one, or several separated by "
             "commas)", default=["qof"]),
    Question(("change", "instrument"), "How is the change made?"),
    Question(("change", "scope"), "Which indicators does it cover?"),
    Question(("change", "share_of_points"), "What percentage of points? (0 to 100)",
             when=_share, when_words="asked only for a share of points"),
    Question(("change", "points"), "How many points are affected? (a number, e.g. 341)"),
    Question(("change", "income"), "How is practice income treated?"),
    Question(("change", "practice_opt_in"), "Do practices choose whether to join?"),
    Question(("change", "remaining_indicators_continue"), "Do practices keep working on the indicators not covered?"),
    Question(("change", "alternative_work", "description"), "What work do practices do instead? (a sentence)"),
    Question(("change", "alternative_work", "measurement"), "How is that work measured?",
             when=_has_alternative_work, when_words="asked only when there is alternative work"),
    Group(("decisions",), "How many decisions (agreements, refusals, requests) are there so far?", "decision",
          _body_questions(("body",), "What kind of body decided (or was asked)?") + (
              Question(("status",), "What did it decide?"),
              Question(("formality",), "Was it formal or informal?", needed=_granted,
                       needed_words="an answer is needed for a grant"),
              Question(("date",), "On what date? (YYYY-MM-DD)"),
              Question(("reason",), "The reason given, if any (a sentence)"),
          )),
    Question(("consultations", "lmc"), "Was the LMC consulted before it was agreed?"),
    Question(("consultations", "gpc"), "Was the GPC consulted?"),
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
    """An answer that does not fit its question: what is wrong, and a hint."""

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
    if len(text) > MAX_ANSWER:
        raise BadAnswer(f"the answer is {len(text):,} characters long; an answer here holds at most "
                        f"{MAX_ANSWER:,}", "shorten it to a sentence or two")
    if kind == "choice":
        values = node["enum"]
        word = text.lower()
        if True in values and word in ("y", "yes", "true"):
            return True
        if False in values and word in ("n", "no", "false"):
            return False
        if text.isascii() and text.isdigit():  # not '²', which isdigit() also takes
            number = int(text)
            if 1 <= number <= len(values):
                return values[number - 1]
            raise BadAnswer(f"there is no choice {number}", f"answer with a number from 1 to {len(values)}, or a name")
        name = "_".join(text.lower().replace("-", " ").split())
        if name in values:
            return name
        words = ["yes" if v is True else "no" if v is False else v for v in values]
        raise BadAnswer(f"'{text}' is not one of the choices", did_you_mean(name, words))
    if kind == "boolean":
        word = text.lower()
        if word in ("y", "yes", "true"):
            return True
        if word in ("n", "no", "false"):
            return False
        raise BadAnswer(f"'{text}' is not yes or no", "answer yes or no")
    if kind == "date":
        problem = date_problem(text)
        if problem:
            raise BadAnswer(f"'{text}' is not a date: {problem}", date_hint(text) or "for example 2017-02-02")
        return text
    if kind in ("integer", "number"):
        written = text
        if node.get("unit") == "percent":
            text = text.strip().removesuffix("%").strip()  # '40%' is 40, as in a scheme file
        try:
            value = int(text) if kind == "integer" else float(text)
        except ValueError:
            value = None
        if value is None or not text.isascii() or not math.isfinite(value):
            raise BadAnswer(f"'{written}' is not a {'whole ' if kind == 'integer' else ''}number",
                            "for example 3") from None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        _check_bounds(value, node)
        return value
    if kind == "array" and "enum" in node.get("items", {}):
        chosen = [parse_answer(part.strip(), node["items"]) for part in text.split(",") if part.strip()]
        if len(chosen) < node.get("minItems", 0):
            raise BadAnswer("at least one choice is needed", "answer with numbers or names separated by commas")
        return list(dict.fromkeys(chosen))
    if kind == "array":
        items = [part.strip() for part in text.split(",") if part.strip()]
        pattern = node.get("items", {}).get("pattern")
        for item in items:
            if pattern and not schema_regex(pattern).search(item):
                raise BadAnswer(f"'{item}' is not written like {pattern_example(node)}",
                                node.get("description", ""))
        return items
    pattern = node.get("pattern")
    if pattern and not schema_regex(pattern).search(text):
        # The schema's words for the form, never its regular expression.
        raise BadAnswer(f"'{text}' does not fit: {node.get('description', 'see `vires schema` for its form')}",
                        "use lower-case letters, digits and hyphens, e.g. leeds-2017")
    return text


def pattern_example(node: dict) -> str:
    """How a list item of a patterned field is written, for a complaint."""
    return "2016/17" if "/" in node.get("items", {}).get("pattern", "") else "the example"


def _check_bounds(value, node):
    low, high = node.get("minimum"), node.get("maximum")
    if low is not None and value < low:
        raise BadAnswer(f"{value} is below the lowest allowed value, {low}")
    if high is not None and value > high:
        raise BadAnswer(f"{value} is above the highest allowed value, {high}")


# --- one answer in the scheme so far -------------------------------------------

#: What an answer gives a field it leaves out.
SKIP = object()


def written_out(path: tuple) -> tuple[tuple, list[str]] | None:
    """The field at ``path``, or the one above it whose first question it is,
    that may be written as a word instead of its value (``anyOf`` with
    ``unknown``, ``none``...), with those words; None when there is none.
    The first question of a field is asked for its first property: the
    maker's kind settles ``maker``, the alternative work's description
    settles ``change.alternative_work``; the questions after it do not."""
    for n in range(len(path), 0, -1):
        raw = schema.find_node(path[:n])
        if raw and "anyOf" in raw:
            own = schema.unwrap(raw)[0]
            first = next(iter(own.get("properties", {})), None)
            if n < len(path) and tuple(path[n:]) != (first,):
                return None
            words = [b["const"] for b in raw["anyOf"] if "const" in b]
            words += [schema.UNKNOWN_WORD for b in raw["anyOf"]
                      if str(b.get("$ref", "")).endswith("/unknown")]
            return tuple(path[:n]), words
    return None


def may_be_unknown(path: tuple) -> bool:
    """Whether 'don't know' is an answer for the field at ``path``: it, or a
    field above it, may be written ``unknown``."""
    node = schema.find_node(path)
    if node and schema.unwrap(node)[1]:
        return True
    found = written_out(path)
    return bool(found and schema.UNKNOWN_WORD in found[1])


def accept(text: str, path: tuple, node: dict, default, required: bool, scheme: dict, policy=None):
    """The value an answer (already stripped) gives the field at ``path``:
    the default for an empty answer, ``SKIP`` for an optional field left out,
    a ``Settle`` for a word that settles the field or one above it ('?' for
    'don't know'), or the parsed answer, checked in the scheme so far;
    BadAnswer says why not. An empty ``path`` is an answer that is no field
    (how many items). ``node`` is the field's own node (``schema.unwrap``)."""
    if text == "" and default is not None:
        return default
    if text in ("", "-") and not required:
        return SKIP
    if text == "":
        raise BadAnswer("an answer is needed here", "this question has no default")
    word = schema.UNKNOWN_WORD if path and text.lower() in DONT_KNOW else text
    if word in (node.get("enum") or ()):
        value = word
    elif path and (found := written_out(path)) and word.lower() in found[1] and not _begun(scheme, found[0]):
        return Settle(found[0], word.lower())
    elif word == schema.UNKNOWN_WORD and path and not required:
        return SKIP  # not known, and nothing above it to write 'unknown' in: left out, which says the same
    else:
        if word == schema.UNKNOWN_WORD and path:
            raise BadAnswer("this fact cannot be left unknown", "vires needs it to choose the policy edition"
                            if path[0] in ("jurisdiction", "date") else "give a value")
        value = parse_answer(text, node)
    _check_in_context(scheme, path, value, policy)
    return value


#: What ``_at`` gives for a path the scheme so far does not hold.
_ABSENT = object()


def _at(data, path: tuple):
    """The value at a path of the scheme so far, or ``_ABSENT``."""
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return _ABSENT
    return data


def _begun(scheme: dict, path: tuple) -> bool:
    return _at(scheme, path) is not _ABSENT


def settled(scheme: dict, path: tuple) -> bool:
    """Whether a field above ``path`` is already written out as a word
    ('unknown', 'none'), so the question at ``path`` is not asked."""
    node: Any = scheme
    for part in path[:-1]:
        if isinstance(node, dict):
            if part not in node:
                return False
            node = node[part]
        elif isinstance(node, list):
            if not isinstance(part, int) or part >= len(node):
                return False
            node = node[part]
        else:
            return True
    return not isinstance(node, (dict, list))


def _check_in_context(scheme: dict, path: tuple, value, policy) -> None:
    """What the schema cannot say, checked on the scheme with this answer in
    it: only problems this answer brings are its fault."""
    if not path:
        return
    trial = copy.deepcopy(scheme)
    set_field(trial, path, value)
    before = {(d.code, d.path) for d in _context_problems(scheme, policy)}
    for d in _context_problems(trial, policy):
        if (d.code, d.path) not in before:
            raise BadAnswer(d.message, d.hint)


def _context_problems(scheme: dict, policy) -> list[Diagnostic]:
    lifespans = policy.lifespans if policy else None
    problems = semantic_problems(Document(scheme, "<answers>"), lifespans)
    if policy and "date" in scheme:
        where = scheme.get("jurisdiction", "england")
        if policy.edition_for(where, scheme["date"]) is None:
            problems.append(policy.no_edition(where, scheme["date"], "<answers>"))
    return problems


def count_node(group: Group) -> dict:
    """What the answer to a group's 'how many?' may be: a whole number in range."""
    low = schema.node_at(group.path).get("minItems", 0)
    return {"type": "integer", "minimum": low, "maximum": MAX_ITEMS}


def required(path: tuple) -> bool:
    """Whether the scheme must have the field at ``path``: its parent requires
    it, and the parent is itself required (a list item always is). The kind
    of an optional body (the maker) is not: leaving it out leaves the body out."""
    if not path or isinstance(path[-1], int):
        return True
    parent = schema.unwrap(schema.node_at(path[:-1]))[0]
    if path[-1] not in parent.get("required", ()):
        return False
    return len(path) == 1 or isinstance(path[-2], int) or required(path[:-1])


def item_at(data, path: tuple) -> dict:
    """The mapping at a path of the scheme so far ({} when not begun, or
    written out as a word)."""
    found = _at(data, path)
    return found if isinstance(found, dict) else {}


def set_field(data: dict, path: tuple, value) -> None:
    """Set a field, creating the mappings and list items that lead to it
    (a list item is begun by its first answer, so no item is ever empty)."""
    node: Any = data
    for part, following in zip(path, path[1:]):
        empty: list | dict = [] if isinstance(following, int) else {}
        if isinstance(part, int):
            if part == len(node):
                node.append(empty)
            node = node[part]
        else:
            node = node.setdefault(part, empty)
    node[path[-1]] = value
