"""The interview of `vires new` as a web form: one step per topic.

The questions, what an answer may be and how it is checked are
``checker.load.interview``'s (its ``FLOW``, generated from the scheme
schema); this module only groups them into steps (``STEPS``: consecutive
questions about the same top-level field of the scheme), describes each
field for a template (``Field``) and builds the scheme from the answers a
draft holds (``build``), replaying the flow exactly as `vires new` reads a
file of answers: an empty answer takes the default or leaves an optional
field out, ``?`` is "don't know", and each answer is checked in the scheme
so far. An answer is kept as the text the person typed, keyed by its dotted
path (``decisions.0.status``); the number of items of a list is kept under
``#`` and the list's path (``#decisions``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..diagnostics import format_path
from ..load import interview, schema
from ..load.interview import FLOW, SKIP, Group, Question
from ..reporters.interview import show_value, written_words

#: The words for each step, by the top-level field its questions are about.
TOPICS = {
    "title": ("The scheme", "What it does, where and when."),
    "requested_by": ("Who asks for it", "Asking for a change is never beyond anyone's powers."),
    "maker": ("Who would make it", "The body whose power the change needs."),
    "parties": ("Other bodies involved", "The LMC, practices, NHS England teams."),
    "change": ("The change", "Which parts of the contract, how, and for whom."),
    "decisions": ("Decisions so far", "Agreements, refusals and requests. An informal blessing is not a sanction."),
    "consultations": ("Consultation", "Who was consulted before it was agreed."),
    "objections": ("Objections", "Bodies that have objected."),
    "circumstances": ("Circumstances", "A national incident, or anything else that bears on it."),
}
#: The top-level fields that belong to the first step.
ABOUT = ("title", "place", "jurisdiction", "date", "id", "effective_from", "effective_to", "contract_years",
         "background")


#: The answers every later answer is checked against: without them the rest is not read.
NEEDED_FIRST = (("jurisdiction",), ("date",))


@dataclass(frozen=True)
class Step:
    """One page of the form: the flow's questions and lists about one topic."""

    key: str
    title: str
    intro: str
    flow: tuple


def _steps() -> tuple[Step, ...]:
    out: list[tuple[str, list]] = []
    for item in FLOW:
        topic = "title" if item.path[0] in ABOUT else item.path[0]
        if not out or out[-1][0] != topic:
            out.append((topic, []))
        out[-1][1].append(item)
    return tuple(Step(topic, *TOPICS[topic], tuple(items)) for topic, items in out)


STEPS = _steps()


def key_of(path: tuple) -> str:
    """A field's key in a draft's answers: its dotted path ('decisions.0.status')."""
    return ".".join(str(p) for p in path)


def count_key(group: Group) -> str:
    """The key of a list's number of items: '#decisions'."""
    return "#" + key_of(group.path)


@dataclass
class Field:
    """One question of a step, as a template shows it."""

    key: str
    ask: str
    about: str
    kind: str                 # choice, multi, text, date, number, count
    options: list = field(default_factory=list)  # (value as typed, words)
    value: str = ""           # the answer as typed so far
    chosen: tuple = ()        # a multi's chosen values
    dont_know: bool = False   # "don't know" is an answer here
    required: bool = False
    default: str = ""         # what an empty answer gives, in words
    also: str = ""            # other words an answer may be ('none: no alternative work')
    when: str = ""            # when it is asked ('asked only for a CCG')
    error: str = ""
    hint: str = ""


@dataclass
class Item:
    """One item of a list on a step: 'Decision 2 of 3' and its fields."""

    heading: str
    fields: list


@dataclass
class Block:
    """A step's part: a plain question, or a list with its count and items."""

    question: Field
    items: list = field(default_factory=list)


def _typed(value) -> str:
    return show_value(value) if value is not None else ""


def _field(question: Question, path: tuple, answers: dict, errors: dict, scheme: dict) -> Field:
    node = schema.unwrap(schema.node_at(path))[0]
    key = key_of(path)
    where = path if "enum" in node else path + ("*",) if "enum" in node.get("items", {}) else None
    kind = "text"
    options: list = []
    if where is not None:
        kind = "multi" if where != path else "choice"
        options = [(show_value(v), words) for v, words in schema.choices(where)]
    elif node.get("format") == "date":
        kind = "date"
    elif node.get("type") in ("integer", "number"):
        kind = "number"
    elif node.get("type") == "boolean":
        kind, options = "choice", [("yes", "Yes"), ("no", "No")]
    dont_know = interview.may_be_unknown(path)
    options = [(v, w) for v, w in options if v != schema.UNKNOWN_WORD]
    parent = interview.item_at(scheme, path[:-1])
    default = question.default(scheme, parent) if callable(question.default) else question.default
    typed = answers.get(key, "")
    also = [w for w in written_words(path) if not w.startswith("?")]
    message, hint = errors.get(key, ("", ""))
    ask = question.ask.split(" (one, or several")[0] if kind == "multi" else question.ask  # boxes, not commas
    return Field(key, ask, schema.describe(path) if kind in ("text", "number", "date") else "", kind,
                 options, typed, tuple(p.strip() for p in typed.split(",") if p.strip()) if kind == "multi" else (),
                 dont_know, interview.required(path), _typed(default), "; ".join(also), question.when_words,
                 message, hint)


def step_blocks(step: Step, answers: dict, errors: dict | None = None, policy=None) -> list[Block]:
    """The fields of a step, with the answers so far and the errors found in them."""
    errors = errors or {}
    scheme, _ = build(answers, policy)
    out = []
    for item in step.flow:
        if isinstance(item, Group):
            key = count_key(item)
            count = count_of(item, answers)
            head = Field(key, item.ask, "", "count", value=answers.get(key, str(item.default)), required=True,
                         error=errors.get(key, ("", ""))[0], hint=errors.get(key, ("", ""))[1])
            block = Block(head)
            for i in range(count):
                fields = [_field(q, item.path + (i,) + q.path, answers, errors, scheme) for q in item.questions]
                block.items.append(Item(f"{item.item.capitalize()} {i + 1} of {count}", fields))
            out.append(block)
        else:
            out.append(Block(_field(item, item.path, answers, errors, scheme)))
    return out


def count_of(group: Group, answers: dict) -> int:
    """How many items a list has in the answers (its default when not a number in range)."""
    text = answers.get(count_key(group), "").strip()
    if text.isdigit() and int(text) <= interview.MAX_ITEMS:
        return int(text)
    return group.default


def counts(step: Step, answers: dict) -> list[int]:
    """How many items each list of a step has in the answers."""
    return [count_of(item, answers) for item in step.flow if isinstance(item, Group)]


def step_keys(step: Step, answers: dict) -> set[str]:
    """The keys of every answer a step asks for, given its lists' counts."""
    out = set()
    for item in step.flow:
        if isinstance(item, Group):
            out.add(count_key(item))
            for i in range(count_of(item, answers)):
                out |= {key_of(item.path + (i,) + q.path) for q in item.questions}
        else:
            out.add(key_of(item.path))
    return out


def build(answers: dict, policy=None) -> tuple[dict, dict[str, tuple[str, str]]]:
    """The scheme the answers give, and {key: (what is wrong, hint)} for each
    answer that does not fit, replaying the flow as `vires new` does."""
    scheme: dict = {}
    errors: dict[str, tuple[str, str]] = {}

    def ask(question: Question, path: tuple):
        if interview.settled(scheme, path):
            return
        parent = interview.item_at(scheme, path[:-1])
        if question.when is not None and not question.when(scheme, parent):
            return
        node = schema.unwrap(schema.node_at(path))[0]
        default = question.default(scheme, parent) if callable(question.default) else question.default
        needed = interview.required(path) or bool(question.needed and question.needed(scheme, parent))
        text = answers.get(key_of(path), "").strip()
        try:
            value = interview.accept(text, path, node, default, needed, scheme, policy)
        except interview.BadAnswer as bad:
            errors[key_of(path)] = (bad.message, bad.hint)
            return
        if isinstance(value, interview.Settle):
            interview.set_field(scheme, value.path, value.value)
        elif value is not SKIP:
            interview.set_field(scheme, path, value)

    for item in FLOW:
        if isinstance(item, Group):
            text = answers.get(count_key(item), "").strip()
            if text and not (text.isdigit() and int(text) <= interview.MAX_ITEMS):
                errors[count_key(item)] = (f"'{text}' is not a number from 0 to {interview.MAX_ITEMS}",
                                           "give how many, e.g. 2")
            for i in range(count_of(item, answers)):
                for question in item.questions:
                    ask(question, item.path + (i,) + question.path)
        else:
            ask(item, item.path)
            if item.path in NEEDED_FIRST and item.path[0] not in scheme:
                break  # every later answer is checked against it (bodies that existed then, editions)
    return scheme, errors


def review(answers: dict, policy=None) -> list[tuple[Step, list[tuple[str, str]]]]:
    """For each step, (question, the answer in words) for every answer given:
    what the review page shows before checking."""
    scheme, _ = build(answers, policy)
    out = []
    for step in STEPS:
        rows = []
        for block in step_blocks(step, answers, None, policy):
            rows.append(_row(block.question, scheme))
            for item in block.items:
                rows += [_row(f, scheme, item.heading) for f in item.fields]
        out.append((step, [r for r in rows if r]))
    return out


def _row(f: Field, scheme: dict, heading: str = ""):
    if f.kind == "count":
        return (f.ask, f.value or "0")
    typed = f.value.strip()
    if typed.lower() in interview.DONT_KNOW:
        shown = "Don't know"
    elif typed:
        words = dict(f.options)
        shown = ", ".join(words.get(p.strip(), p.strip()) for p in typed.split(",")) if f.kind == "multi" \
            else words.get(typed, typed)
    elif f.default:
        shown = f"{f.default} (the default)"
    else:
        return None
    return (f"{heading}: {f.ask}" if heading else f.ask, shown)


def answers_from_form(form, step: Step, answers: dict) -> dict:
    """The draft's answers with a step's form fields put in (a multi's boxes
    joined with commas; 'don't know' boxes as '?')."""
    out = dict(answers)
    for item in step.flow:  # the lists' counts first: they say which item fields the form holds
        if isinstance(item, Group) and count_key(item) in form:
            out[count_key(item)] = str(form.get(count_key(item), "")).strip()
    for key in step_keys(step, out):
        if key in form.getlist("multi"):
            out[key] = ", ".join(v for v in form.getlist(key) if v)
        elif key in form:
            out[key] = str(form.get(key, "")).strip()
        if form.get(key + "!dk"):
            out[key] = "?"
    return {k: v for k, v in out.items() if v != ""}


def path_words(path) -> str:
    """A dotted path as diagnostics write it ('decisions[0].status')."""
    return format_path(path)
