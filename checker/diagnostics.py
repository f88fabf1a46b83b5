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


def did_you_mean(word, choices) -> str:
    """A 'did you mean ...?' hint, or a list of the allowed choices."""
    choices = [str(c) for c in choices]
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    if len(choices) <= 30:
        return "expected one of: " + ", ".join(choices)
    return "see `vires schema` for the allowed values"


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
