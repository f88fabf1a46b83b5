"""Diagnostics: everything a user can get wrong, in a scheme or a policy file.

A Diagnostic carries a stable code (``scheme.unknown_field``), the file, line
and column, the path inside the document, a message and a hint. Loaders
collect diagnostics and return them; exceptions are reserved for bugs.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Diagnostic:
    """A thing a user got wrong in a scheme or policy file: code, location, message and hint."""

    code: str
    message: str
    file: str = "<input>"
    line: int = 0
    column: int = 0
    path: tuple[str | int, ...] = ()
    hint: str = ""
    severity: str = "error"

    def location(self) -> str:
        """Where the problem is, as 'file:line:column' (or the file alone when no line is known)."""
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file

    def to_dict(self) -> dict:
        """The diagnostic as plain data, its path written out ('decisions[0].body')."""
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": format_path(self.path),
            "message": self.message,
            "hint": self.hint,
        }


@dataclass(frozen=True)
class Unchecked:
    """A file of a batch that could not be checked, in its place in the report:
    bad input (``error`` is ``"bad_input"``, with its diagnostics) or a bug in
    vires met by this file (``"internal_error"``, with a one-line message)."""

    file: str
    error: str
    diagnostics: tuple[Diagnostic, ...] = ()
    message: str = ""

    def to_dict(self) -> dict:
        """The JSON form: the file, the kind of error, and its diagnostics or message."""
        out: dict = {"file": self.file, "error": self.error}
        if self.error == "bad_input":
            out["diagnostics"] = [d.to_dict() for d in self.diagnostics]
        else:
            out["message"] = self.message
        return out


class InputError(Exception):
    """Raised by the public API when input is bad; carries the diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = list(diagnostics)
        first = self.diagnostics[0] if self.diagnostics else None
        super().__init__(
            f"{first.location()}: {first.message}" if first else "bad input"
        )


def format_path(path) -> str:
    """Render a document path as ``decisions[0].body``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def did_you_mean(word, choices, meanings=None) -> str:
    """A 'did you mean ...?' hint, or a list of the allowed choices.

    A choice is suggested, in this order, when it is the word written another
    way (``ICB`` for ``icb``, ``health board`` for ``health_board``); when the
    word is what the choice means (``meanings``, the schema's one line for
    each choice: ``Integrated care board (ICB): ...`` for ``icb``); when it is
    the nearest by edit distance, a swap of two letters counting as one edit
    (``cgc`` is one edit from ``ccg``, two from ``gpc``); or, failing all of
    these, when it is similar (difflib). Choices equally near are all named,
    each with its meaning, so that the reader chooses."""
    choices = [str(c) for c in choices]
    words = dict(zip(choices, [str(m) for m in meanings])) if meanings else {}
    written = _normal(str(word))
    found = [c for c in choices if _normal(c) == written]
    found = found or [c for c in choices if written in _names(words.get(c, ""))]
    if not found:
        distances = {c: _edits(written, _normal(c)) for c in choices}
        best = min(distances.values(), default=0)
        if best <= max(1, len(written) // 3):
            found = [c for c in choices if distances[c] == best]
    if not found:
        found = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    if len(found) == 1:
        label = _label(words.get(found[0], ""))
        return f"did you mean '{found[0]}'?" + (f" ({label})" if label and _normal(label) != found[0] else "")
    if found:
        named = [f"'{c}'" + (f" ({_label(words[c])})" if words.get(c) else "") for c in found[:3]]
        return "did you mean " + ", ".join(named[:-1]) + " or " + named[-1] + "?"
    if len(choices) <= 30:
        return "expected one of: " + ", ".join(choices)
    return "see `vires schema` for the allowed values"


def _normal(text: str) -> str:
    """A word as a value would be written: lower case, with underscores for spaces and hyphens."""
    return "_".join(text.casefold().replace("-", " ").split())


def _label(meaning: str) -> str:
    return meaning.split(":", 1)[0].strip()


def _names(meaning: str) -> set[str]:
    """What a choice is called in its meaning: its label, and an abbreviation
    given in brackets ('Integrated care board (ICB)' -> the label, 'icb')."""
    label = _label(meaning)
    if not label:
        return set()
    names = {_normal(label)}
    for inner in label.split("(")[1:]:
        inside = inner.split(")", 1)[0]
        names.add(_normal(inside))
        names.add(_normal(label.replace(f"({inside})", "")))
    return names


def _edits(a: str, b: str) -> int:
    """The edit distance of two words, a swap of neighbouring letters counting as
    one edit (optimal string alignment)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], previous2[j - 2] + 1)
        previous2, previous = previous, row
    return previous[-1]


def source_hint(key, keys) -> str:
    """The hint for a source key the register lacks: the nearest key, else how to add one."""
    close = difflib.get_close_matches(str(key), sorted(keys), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "cite a key of policy/sources/*.yaml, or add the document there (title, publisher, date, url)"


def display_path(path) -> str:
    """A file's name as diagnostics and reports show it: relative to the
    working folder when it is inside it, so output is the same on every
    machine; otherwise as given."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
