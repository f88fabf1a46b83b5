"""A cache on disk of the checked policy, between runs of `vires`.

Reading and checking the dozen policy files costs about 40 ms of a `vires
check` (docs/performance.md); what they hold, already checked, loads in a
few. The cache keeps **plain data that cannot run anything when read**:
JSON of what the policy loader read and checked (``read_sources`` in
``checker.rules.policy``: the YAML of each file as loaded, with its
positions, and what the loader derived from it), never Python objects. A
run rebuilds the Policy from it with ``build_policy``, as a run without the
cache does.

**The key** is a SHA-256 of the *content* of every file the policy loader
reads (``policy_files``: nothing else in the folder, and nothing over the
input limits, which the loader then refuses with its own diagnostic), of the
content of the checker's code that reads and derives it (the load and rules
stages, the modules below them and the schemas), of the folder's path as
the loader names it, and of the Python version. Change any of them, even
without changing a file's size or modification time, and the key changes.

**An entry** is one file, ``policy-<key>.json``: a first line
``vires-policy-cache <FORMAT> <sha256 of the rest>`` and then the JSON,
which names its key again. It is used only if its digest, its key and its
shape are right and the Policy builds from it without a diagnostic;
anything else (a damaged, foreign, wrong-shaped or stale entry, or a
pickle left by an older vires) is ignored, and the policy is read and the
entry written again. The digest is not a secret: it finds damage, and an
entry from another key is refused by the key it names. What keeps others
from forging entries is the folder: it must be the current user's and
writable by nobody else, and neither it nor an entry may be a symbolic link
(both are opened with ``O_NOFOLLOW``).

Entries are written whole (a temporary file, then a rename) in
``$VIRES_CACHE_DIR``, else ``$XDG_CACHE_HOME/vires``, else
``~/.cache/vires``. Every failure (no home folder, a full or read-only
disk, a folder that is not safe) falls back to reading the policy as usual,
and is never an error. ``VIRES_NO_CACHE=1`` switches the cache off.
"""
from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import json
import os
import stat
import sys
import time
from pathlib import Path

from ..diagnostics import display_path
from ..load.yamlfile import MAX_BYTES, Document, read_bytes

#: The checker package: the code that reads and derives a policy is in the key.
_PACKAGE = Path(__file__).resolve().parents[1]
#: That code: (folder of the package, file pattern).
CODE = (("", "*.py"), ("load", "*.py"), ("rules", "*.py"), ("schemas", "*.json"))
#: The entry format; a change of format changes every key.
FORMAT = 2
_MAGIC = "vires-policy-cache"
#: Entries kept; the oldest beyond this are removed when one is written.
KEEP = 16
#: An entry larger than this is not read (the shipped policy's is about 0.5 MB).
MAX_ENTRY = 64 * MAX_BYTES
#: A temporary file older than this was left by a process that died mid-write.
STALE_TEMP_SECONDS = 3600
_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
_ENTRY_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


def cache_dir() -> Path | None:
    """The folder of the policy cache, or None when the cache is switched off."""
    if os.environ.get("VIRES_NO_CACHE"):
        return None
    if os.environ.get("VIRES_CACHE_DIR"):
        return Path(os.environ["VIRES_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "vires"


def policy_key(directory: Path, files) -> str | None:
    """The cache key of a policy folder whose loader reads ``files``, or None
    when one of them cannot be hashed within the input limits (the loader
    then says why)."""
    digest = hashlib.sha256(f"{_MAGIC} {FORMAT}\0{sys.version}\0{directory}\0"
                            f"{display_path(directory)}\0".encode())
    root = f"{directory}{os.sep}"
    for path in files:
        data = read_bytes(path)
        if data is None:
            return None
        name = str(path).removeprefix(root).replace(os.sep, "/")  # relative to the folder when inside it
        digest.update(f"{name}\0{len(data)}\0".encode() + data)
    digest.update(code_digest().encode())
    return digest.hexdigest()


def code_digest() -> str:
    """A SHA-256 of the content of the checker's code that reads and derives a policy."""
    digest = hashlib.sha256()
    for folder, pattern in CODE:
        where = os.path.join(_PACKAGE, folder)
        for name in sorted(n for n in os.listdir(where) if fnmatch.fnmatchcase(n, pattern)):
            with open(os.path.join(where, name), "rb") as handle:
                data = handle.read()
            digest.update(f"{folder}/{name}".lstrip("/").encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def load_cached(directory: Path, read, build, files):
    """The Policy of ``directory``, with its diagnostics: from the cache, or
    by ``read(directory)`` (the checked sources, and diagnostics) and then
    ``build(sources)``, caching the sources of a policy without diagnostics
    (an entry read back is built with ``build(sources, True)``: its limits were
    checked when it was written).
    ``files`` are the files ``read`` reads."""
    folder = cache_dir()
    key = _key(directory, files) if folder is not None else None
    if folder is None or key is None:
        return _read_and_build(directory, read, build)
    entry = f"policy-{key}.json"
    found = _read_entry(folder, entry, key)
    if found is not None:
        try:
            policy, problems = build(found, True)  # written only for a policy without problems
        except Exception:  # a wrong shape that passed the checks: read the policy instead
            policy, problems = None, ["unusable"]
        if policy is not None and not problems:
            return policy, []
    sources, problems = read(directory)
    if problems or sources is None:
        return None, problems
    policy, problems = build(sources)
    if policy is not None and not problems and _key(directory, files) == key:  # unchanged while read
        _write_entry(folder, entry, key, sources)
    return policy, problems


def _read_and_build(directory, read, build):
    sources, problems = read(directory)
    if problems or sources is None:
        return None, problems
    return build(sources)


def _key(directory, files) -> str | None:
    try:
        return policy_key(directory, files(directory))
    except (OSError, ValueError):
        return None


# --- the folder and its entries ------------------------------------------------

def _open_folder(folder: Path, create: bool) -> int | None:
    """A descriptor of the cache folder, or None when it is missing or not
    safe: a symbolic link, someone else's, or writable by others."""
    try:
        if create:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(folder, _FOLDER_FLAGS)
    except OSError:
        return None
    info = os.fstat(fd)
    if not stat.S_ISDIR(info.st_mode) or not _ours(info):
        os.close(fd)
        return None
    return fd


def _ours(info) -> bool:
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def _read_entry(folder: Path, name: str, key: str):
    """The sources an entry holds, or None when it is missing, damaged, foreign or of the wrong shape."""
    fd = _open_folder(folder, create=False)
    if fd is None:
        return None
    try:
        raw = _read_file(fd, name)
    finally:
        os.close(fd)
    if raw is None:
        return None
    head, sep, body = raw.partition(b"\n")
    if not sep or head != f"{_MAGIC} {FORMAT} {hashlib.sha256(body).hexdigest()}".encode():
        return None
    try:
        data = json.loads(body)
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        return decode(data["sources"])
    except (ValueError, KeyError, TypeError, RecursionError):
        return None


def _read_file(folder_fd: int, name: str) -> bytes | None:
    try:
        fd = os.open(name, _ENTRY_FLAGS, dir_fd=folder_fd)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or not _ours(info) or info.st_size > MAX_ENTRY:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(MAX_ENTRY + 1)
    except OSError:
        return None
    finally:
        os.close(fd)


def _write_entry(folder: Path, name: str, key: str, sources) -> None:
    """Write an entry whole, or nothing (a cache that cannot be written is no cache, not an error)."""
    try:
        body = json.dumps({"key": key, "sources": encode(sources)}, ensure_ascii=False,
                          separators=(",", ":"), allow_nan=False).encode()
    except (TypeError, ValueError):  # something plain data cannot hold: not cached
        return
    data = f"{_MAGIC} {FORMAT} {hashlib.sha256(body).hexdigest()}\n".encode() + body
    fd = _open_folder(folder, create=True)
    if fd is None:
        return
    temp = f".{name}.{os.getpid()}.{time.monotonic_ns()}.tmp"
    try:
        out = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600,
                      dir_fd=fd)
        try:
            write_all(out, data)
        finally:
            os.close(out)
        os.replace(temp, name, src_dir_fd=fd, dst_dir_fd=fd)
        temp = ""
        _prune(fd)
    except OSError:
        pass
    finally:
        if temp:
            with contextlib.suppress(OSError):
                os.unlink(temp, dir_fd=fd)
        os.close(fd)


def write_all(fd: int, data: bytes) -> None:
    """Write every byte to a descriptor (OSError, e.g. a full disk, stops it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _prune(fd: int) -> None:
    """Remove the oldest entries beyond KEEP, pickles of older versions, and
    temporary files of writers that died."""
    entries, now = [], time.time()
    for name in os.listdir(fd):
        try:
            info = os.stat(name, dir_fd=fd, follow_symlinks=False)
        except OSError:
            continue
        old_temp = name.startswith(".policy-") and name.endswith(".tmp") and now - info.st_mtime > STALE_TEMP_SECONDS
        if (name.startswith("policy-") and name.endswith(".pickle")) or old_temp:
            with contextlib.suppress(OSError):
                os.unlink(name, dir_fd=fd)
        elif name.startswith("policy-") and name.endswith(".json"):
            entries.append((info.st_mtime_ns, name))
    for _, name in sorted(entries)[:-KEEP]:
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=fd)


# --- sources as JSON ---------------------------------------------------------------

def encode(value):
    """Sources as JSON data: each mapping ``{"map": [[key, value], ...]}``, each
    list ``{"list": [...]}``, each document ``{"document": {...}}`` (its YAML
    data as it is, with its positions); a plain value as itself. TypeError for
    anything else."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Document):
        return {"document": {"file": value.file, "data": value.data,
                             "marks": [[list(p), *at] for p, at in value.marks.items()],
                             "key_marks": [[list(p), *at] for p, at in value.key_marks.items()]}}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"map": [[k, encode(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return {"list": [encode(v) for v in value]}
    raise TypeError(f"cannot cache a {type(value).__name__}")


def decode(value):
    """What ``encode`` wrote; ValueError or TypeError when it is not of that shape."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if not isinstance(value, dict) or len(value) != 1:
        raise ValueError("not an encoded value")
    (kind, inner), = value.items()
    if kind == "map":
        return {_text(k): decode(v) for k, v in inner}
    if kind == "list":
        return [decode(v) for v in _list(inner)]
    if kind == "document":
        return Document(inner["data"], _text(inner["file"]), _marks(inner["marks"]), _marks(inner["key_marks"]))
    raise ValueError(f"unknown kind {kind!r}")


def _marks(rows) -> dict:
    # Unpacking and hashing raise ValueError or TypeError for any other shape.
    return {tuple(_list(path)): (int(line), int(column)) for path, line, column in _list(rows)}


def _text(value) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value


def _list(value) -> list:
    if not isinstance(value, list):
        raise TypeError("not a list")
    return value
