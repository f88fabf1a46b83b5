"""Saving a scheme built by `vires new`: validated, commented, written whole.

The scheme is checked exactly as `vires check` would load it before anything
is written, so the builder can never leave an invalid file behind.
"""
from __future__ import annotations

import os
from pathlib import Path

from .atomic import write_atomically
from .diagnostics import InputError
from .load.scheme import scheme_from_data
from .reporters.scheme_yaml import render_scheme
from .rules.policy import load_policy

SCHEMA_FILE = Path(__file__).resolve().parent / "schemas" / "scheme.schema.json"


def schema_reference(target: Path) -> str:
    """The schema's path as seen from the file's folder, for editors."""
    try:
        return Path(os.path.relpath(SCHEMA_FILE, target.resolve().parent)).as_posix()
    except ValueError:  # another drive on Windows: no relative path exists
        return SCHEMA_FILE.as_uri()


def write_scheme(data: dict, target, force: bool = False) -> Path:
    target = Path(target)
    _, problems = scheme_from_data(data, str(target), load_policy(None).lifespans)
    if problems:
        raise InputError(problems)
    return write_atomically(target, render_scheme(data, schema_reference(target)), overwrite=force)
