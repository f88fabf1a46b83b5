"""Loading a scheme: a proposed local agreement, written as YAML facts.

``load_scheme`` reads the file, validates it against the published JSON
Schema (``vires schema``) and then checks what a schema cannot say: that
dates are in order and that every body named existed on the scheme's date.
It returns the Scheme or the diagnostics, never both.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..dates import is_open
from ..diagnostics import Diagnostic
from ..memo import Memo, key_of
from .coerce import as_schema_means, plain_data
from .schema import load_schema
from .validate import validate_document
from .yamlfile import Document, decode_text, load_yaml, parse_yaml


@dataclass
class Scheme:
    """A scheme that is valid input: its data, its file and the document it was read from."""

    data: dict
    file: str
    doc: Document

    @property
    def id(self) -> str:
        """The scheme's id ('' when it has none)."""
        return self.data.get("id", "")


def load_scheme(path, lifespans=None, file=None) -> tuple[Scheme | None, list[Diagnostic]]:
    """The scheme in a file, or the diagnostics that say why it is not valid input."""
    file = file or str(path)
    doc, problems = load_yaml(path, file)
    return _from_document(doc, problems, lifespans)


def scheme_from_text(text: str, file: str, lifespans=None) -> tuple[Scheme | None, list[Diagnostic]]:
    """The scheme in YAML text, read and validated exactly as ``load_scheme``
    reads a file holding it (the size limit included)."""
    decoded, problems = decode_text(text.encode("utf-8"), file)
    if problems or decoded is None:
        return None, problems
    doc, problems = parse_yaml(decoded, file)
    return _from_document(doc, problems, lifespans)


#: Python data already made plain and read as the schema means it, by the
#: data's exact bytes (checker.memo): the API checks the same scheme often.
_plain = Memo(1024)


def scheme_from_data(data, file: str = "<data>", lifespans=None):
    """Validate an in-memory scheme (the Python API and what-if edits): Python
    data as Python makes it (``yaml.safe_load``'s dates, ``json.load``'s ISO
    text), copied, never changed."""
    key = key_of(file, data)
    found = _plain.get(key)
    if found is None:
        plain, problems = plain_data(data, file)
        if not problems and isinstance(plain, dict):
            as_schema_means(plain, load_schema("scheme"))  # yes/no for true/false, 40% for 40
        found = (plain, tuple(problems))
        _plain.put(key, found)
    return _from_document(Document(found[0], file), list(found[1]), lifespans, read_as_meant=True)


def _from_document(doc, problems, lifespans, read_as_meant=False):
    if problems or doc is None:
        return None, problems
    if not isinstance(doc.data, dict):
        return None, [doc.diagnostic(
            "scheme.not_mapping",
            f"a scheme must be a mapping of fields, but this file holds {_kind(doc.data)}",
            (), "start with 'id:', 'title:', 'jurisdiction:' ... (see `vires schema`)")]
    if not read_as_meant:
        as_schema_means(doc.data, load_schema("scheme"))  # yes/no for true/false, 40% for 40
    problems = validate_document(doc, "scheme", "scheme")
    if not problems:
        problems = semantic_problems(doc, lifespans)
    if problems:
        return None, problems
    return Scheme(doc.data, doc.file, doc), []


def semantic_problems(doc: Document, lifespans=None) -> list[Diagnostic]:
    """What a schema cannot say: dates in order, bodies that existed. Safe on a
    scheme still being built (`vires new` checks each answer with it)."""
    return sorted(_check_dates(doc) + _check_bodies(doc, lifespans), key=lambda d: (d.line, d.column))


def _kind(value) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a single line of text"
    return "a single value"


def _check_dates(doc: Document) -> list[Diagnostic]:
    data = doc.data
    start, end = data.get("effective_from"), data.get("effective_to")
    if start and end and end < start:
        return [doc.diagnostic(
            "scheme.end_before_start",
            f"effective_to ({end}) is before effective_from ({start})",
            ("effective_to",), "swap the two dates, or correct the year")]
    return []


def lifespan(lifespans, kind: str, jurisdiction: str | None = None) -> dict | None:
    """A kind of body's lifespan ``{label, from, to, hint?}`` in a jurisdiction:
    its entry in ``bodies.yaml``, with what its ``in:`` says for that
    jurisdiction laid over it (Northern Ireland's health board closed in 2022,
    Wales's and Scotland's did not). None: the kind always exists."""
    span = (lifespans or {}).get(kind)
    if not span:
        return None
    local = (span.get("in") or {}).get(jurisdiction) if jurisdiction else None
    base = {k: v for k, v in span.items() if k != "in"}
    return {**base, **local} if local else base


def existed(lifespans, kind: str, when: str, jurisdiction: str | None = None) -> bool:
    """Whether a kind of body existed on a date (in a jurisdiction, when given),
    by the policy's ``bodies.yaml`` lifespans (a kind with no lifespan always exists)."""
    span = lifespan(lifespans, kind, jurisdiction)
    return not span or span["from"] <= when <= span["to"]


def existed_during(lifespans, kind: str, start: str, end: str, jurisdiction: str | None = None) -> bool:
    """Whether a kind of body existed on at least one day from ``start`` to ``end``."""
    span = lifespan(lifespans, kind, jurisdiction)
    return not span or (span["from"] <= end and start <= span["to"])


def _bodies(data):
    if isinstance(data.get("maker"), dict):  # 'unknown' is not a body
        yield ("maker",), data["maker"], data["date"]
    for key in ("requested_by", "parties"):
        for i, body in enumerate(data.get(key, [])):
            yield (key, i), body, data["date"]
    for key in ("decisions", "objections"):
        for i, item in enumerate(data.get(key, [])):
            yield (key, i, "body"), item["body"], item.get("date", data["date"])


def _check_bodies(doc: Document, lifespans) -> list[Diagnostic]:
    """A body must exist on the date it acts; a co-commissioning level is a CCG's."""
    out = []
    for path, body, when in _bodies(doc.data):
        kind = body["kind"]
        if "co_commissioning" in body and kind != "ccg":
            out.append(doc.diagnostic(
                "scheme.co_commissioning_not_ccg",
                f"co_commissioning is given for a body of kind '{kind}'; only a CCG has a level",
                path + ("co_commissioning",), "remove co_commissioning, or set kind: ccg",
                key=True))
        span = lifespan(lifespans, kind, doc.data.get("jurisdiction"))
        if span and not span["from"] <= when <= span["to"]:
            out.append(doc.diagnostic(
                "scheme.body_not_in_existence",
                f"no {span['label']} existed on {when}: they existed from {span['from']}"
                + ("" if is_open(span["to"]) else f" to {span['to']}"),
                path + ("kind",), span.get("hint", "check the body's kind and the date")))
    return out
