"""Writing an output file whole or not at all, and never over what it must not replace.

``output_problems`` says, before any work is done, why a path cannot take
an output: it is one of the run's input files (a briefing written over its
own scheme), a folder, a device, a named pipe or anything else that is not a
regular file, a read-only file, or an existing file without ``--force``.

``write_atomically`` writes the text to a temporary file in the target's
folder, then renames it over the target (an atomic step on POSIX and
Windows), so a reader never sees a half-written briefing or scheme, and an
error (a full disk, a read-only folder) leaves the target as it was and no
temporary file behind. A new file gets the permissions the user's umask
gives any new file (0644 under the usual umask 022), so colleagues on a
shared drive can open it; a replaced file keeps its own.
``write_output`` does the same and turns a failure into a diagnostic.
"""
from __future__ import annotations

import errno
import os
import stat
import tempfile
import threading
from pathlib import Path

from .diagnostics import Diagnostic

_umask_lock = threading.Lock()


def current_umask() -> int:
    """The process's umask (reading it means setting it, so briefly, under a lock)."""
    with _umask_lock:
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


def write_atomically(path, text: str, overwrite: bool = True) -> Path:
    """Write ``text`` to ``path``. With ``overwrite=False`` an existing file
    raises FileExistsError, even one created while we were writing. Any
    OSError leaves ``path`` as it was."""
    path = Path(path)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode) if overwrite else None
    except OSError:
        mode = None
    if mode is None:
        mode = 0o666 & ~current_umask()
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())  # on disk before it takes the name
        if overwrite:
            os.replace(temp, path)
        else:
            os.link(temp, path)  # fails if the target exists: no race with another writer
    finally:
        if os.path.lexists(temp):
            os.unlink(temp)
    return path


def write_output(path, text: str, overwrite: bool = True) -> list[Diagnostic]:
    """Write an output file whole (``write_atomically``), or the diagnostic that says why it could not be."""
    try:
        write_atomically(path, text, overwrite)
    except FileExistsError:
        return output_problems(path, overwrite=False)
    except OSError as err:
        return [write_failed(path, err)]
    return []


#: What a failed write means for the person who asked for it, by errno.
_WHY = {
    errno.ENOSPC: ("the disk is full", "free some space, or choose a file on another disk with -o"),
    errno.EDQUOT: ("your disk quota is used up", "free some space, or choose a file on another disk with -o"),
    errno.EROFS: ("the disk is read-only", "choose a folder you can write to with -o"),
    errno.EACCES: ("you may not write in that folder", "choose a folder you can write to with -o"),
    errno.EPERM: ("you may not write in that folder", "choose a folder you can write to with -o"),
    errno.EFBIG: ("the file would be too large for this disk", "choose a file on another disk with -o"),
}


def write_failed(path, err: OSError) -> Diagnostic:
    """The diagnostic for an output file that could not be written: what happened, in words."""
    why, hint = _WHY.get(err.errno or 0, (err.strerror or str(err), "choose another file with -o"))
    return Diagnostic("output.write_failed", f"could not write {path}: {why}; nothing was written",
                      str(path), hint=hint)


def _identity(path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def output_problems(path, overwrite: bool, inputs=()) -> list[Diagnostic]:
    """Why ``path`` cannot be written, found before any work is done.
    ``inputs`` are the files the run reads: the output never replaces one,
    even with ``--force``."""
    path = Path(path)
    if not path.parent.is_dir():
        return [Diagnostic("output.no_folder", f"there is no folder {path.parent} to write {path.name} in",
                           str(path), hint="create the folder first, or choose another path with -o")]
    if path.is_dir():
        return [Diagnostic("output.is_folder", f"{path} is a folder, not a file", str(path),
                           hint="give a file name, e.g. -o briefing.html")]
    me = _identity(path)
    if me is not None and any(_identity(source) == me for source in inputs):
        return [Diagnostic("output.is_input", f"{path} is a file this command reads; writing the output "
                           "over it would destroy it", str(path), hint="choose another file with -o")]
    try:
        info = os.stat(path)
    except OSError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else "a socket" if stat.S_ISSOCK(info.st_mode)
                else "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else "not a file")
        return [Diagnostic("output.not_regular", f"{path} is {kind}, not a file vires can write",
                           str(path), hint="give the name of a file, e.g. -o briefing.html")]
    if info is not None and not overwrite:
        return [Diagnostic("output.exists", f"{path} already exists and would be overwritten", str(path),
                           hint="choose another file with -o, or add --force to replace it")]
    if info is not None and not info.st_mode & 0o222:
        return [Diagnostic("output.read_only", f"{path} is read-only, so vires will not replace it", str(path),
                           hint="choose another file with -o, or make it writable first if you mean to replace it")]
    if not os.access(path.parent, os.W_OK):
        return [Diagnostic("output.write_failed", f"could not write {path}: you may not write in that folder",
                           str(path), hint="choose a folder you can write to with -o")]
    return []
