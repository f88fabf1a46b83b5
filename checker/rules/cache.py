"""A cache on disk of the checked policy, between runs of `vires`.

Reading and checking the dozen policy files costs about 40 ms of a 270 ms
`vires check` (docs/performance.md); a cached, already-checked Policy loads
in a few. A stale entry would give wrong verdicts, so the key covers
everything the result depends on: the bytes of every file in the policy
folder, the size and modification time of every module and schema of the
checker package that reads or checks them, and the Python version. Change
any of them and the key changes; an old entry is simply never read again.

Entries are pickles written atomically (temporary file, then rename) in
``$VIRES_CACHE_DIR``, else ``$XDG_CACHE_HOME/vires``, else ``~/.cache/vires``.
One is read only if it belongs to the current user and nobody else can
write to it. Every failure (no home folder, read-only disk, a damaged
entry) falls back to reading the policy as usual. ``VIRES_NO_CACHE=1``
switches the cache off. Only a policy without diagnostics is cached.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

#: The checker package, every module and schema of which is in the key.
_PACKAGE = Path(__file__).resolve().parents[1]
#: Entries kept; the oldest beyond this are removed when one is written.
KEEP = 16


def cache_dir() -> Path | None:
    """The folder of the policy cache, or None when the cache is switched off."""
    if os.environ.get("VIRES_NO_CACHE"):
        return None
    if os.environ.get("VIRES_CACHE_DIR"):
        return Path(os.environ["VIRES_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "vires"


def policy_key(directory: Path) -> str:
    """The cache key of a policy folder: a hash of everything a checked policy depends on."""
    digest = hashlib.sha256(f"{sys.version}\0{directory}\0".encode())
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    if not (directory / "sources").is_dir():  # it cites the shipped register (checker.rules.sources)
        from .sources import register_dir

        files += sorted(register_dir(directory).glob("*.yaml"))
    for path in files:
        digest.update(path.as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".json") and path.is_file():
            stat = path.stat()
            digest.update(f"{path.relative_to(_PACKAGE).as_posix()}\0{stat.st_size}\0"
                          f"{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def load_cached(directory: Path, read):
    """The Policy for ``directory``: from the cache, or ``read(directory)``
    (which returns ``(policy, problems)``), caching a clean result."""
    folder = cache_dir()
    if folder is None:
        return read(directory)
    try:
        entry = folder / f"policy-{policy_key(directory)}.pickle"
    except OSError:
        return read(directory)
    found = _read_entry(entry)
    if found is not None:
        return found, []
    policy, problems = read(directory)
    if policy is not None and not problems:
        _write_entry(folder, entry, policy)
    return policy, problems


def _read_entry(entry: Path):
    try:
        stat = entry.stat()
        if stat.st_uid != os.getuid() or stat.st_mode & 0o022:
            return None
        with open(entry, "rb") as handle:
            return pickle.load(handle)
    except Exception:  # missing or damaged: read the policy instead
        return None


def _write_entry(folder: Path, entry: Path, policy) -> None:
    temp = None
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".policy-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(policy, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, entry)
        entries = sorted(folder.glob("policy-*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        for old in entries[:-KEEP]:
            old.unlink()
    except Exception:  # a cache that cannot be written is no cache, not an error
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)
