"""Writing an output file whole or not at all.

The text goes to a temporary file in the target's folder, then is renamed
over the target (an atomic step on POSIX and Windows), so a reader never sees
a half-written briefing or scheme, and an error leaves nothing behind.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .diagnostics import Diagnostic


def write_atomically(path, text: str | bytes, overwrite: bool = True) -> Path:
    """Write ``text`` to ``path`` (UTF-8 text, or bytes as they are: a PDF).
    With ``overwrite=False`` an existing file raises FileExistsError, even one
    created while we were writing."""
    path = Path(path)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        if isinstance(text, bytes):
            with os.fdopen(fd, "wb") as binary:
                binary.write(text)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
        if overwrite:
            os.replace(temp, path)
        else:
            os.link(temp, path)  # fails if the target exists: no race with another writer
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return path


def output_problems(path, overwrite: bool) -> list[Diagnostic]:
    """Why ``path`` cannot be written, found before any work is done."""
    path = Path(path)
    if not path.parent.is_dir():
        return [Diagnostic("output.no_folder", f"there is no folder {path.parent} to write {path.name} in",
                           str(path), hint="create the folder first, or choose another path with -o")]
    if path.is_dir():
        return [Diagnostic("output.is_folder", f"{path} is a folder, not a file", str(path),
                           hint="give a file name, e.g. -o briefing.html")]
    if path.exists() and not overwrite:
        return [Diagnostic("output.exists", f"{path} already exists and would be overwritten", str(path),
                           hint="choose another file with -o, or add --force to replace it")]
    return []
