"""Memos: remembered answers of pure functions of plain data.

Checking the same scheme twice does the same work twice: the JSON Schema
validation and the rule engine are pure functions of the scheme's data, and
they are most of the cost of a check (see docs/performance.md). A ``Memo``
remembers a bounded number of their answers.

The key is the SHA-256 digest of the data serialised by ``marshal``
(format 2, which has no back-references, so equal data gives equal bytes
whatever its reference counts). marshal accepts only the exact built-in
types, and its bytes keep ``1``, ``1.0`` and ``True`` apart and a tuple
apart from a list (JSON Schema does not accept a tuple as an array), so two
keys are equal only if the data is (two different inputs with one digest
would be a SHA-256 collision). Data holding anything else (a date object, a
str subclass) is never remembered. The bytes are only hashed, never loaded.
The digest, not the bytes, is kept: a fact record's bytes are about 1.3 KB,
its digest 32 bytes, which made the engine's memo 5.4 MB smaller once full
(docs/performance.md, batches).

Set ``ENABLED = False`` to measure or test the work without memos.
"""
from __future__ import annotations

import hashlib
import marshal
import threading

#: Switch for every memo (benchmarks and tests measure the unmemoised path).
ENABLED = True

_FORMAT = 2


def key_of(*parts):
    """A memo key for ``parts``, or None when some part is not plain data."""
    if not ENABLED:
        return None
    try:
        return hashlib.sha256(marshal.dumps(parts, _FORMAT)).digest()
    except ValueError:  # unmarshallable object, or nested too deep
        return None


class Memo:
    """A bounded, thread-safe map from a key to an answer. When full, the
    oldest answer is forgotten, so memory stays bounded however many
    different schemes are checked."""

    def __init__(self, size: int = 4096):
        self.size = size
        self._answers: dict = {}
        self._lock = threading.Lock()

    def get(self, key, default=None):
        """The answer remembered for ``key``, or ``default``."""
        if key is None or not ENABLED:
            return default
        return self._answers.get(key, default)

    def put(self, key, answer) -> None:
        """Remember ``answer`` for ``key``, forgetting the oldest answer when full."""
        if key is None or not ENABLED or self.size <= 0:
            return
        with self._lock:
            self._answers[key] = answer
            while len(self._answers) > self.size:
                del self._answers[next(iter(self._answers))]

    def clear(self) -> None:
        """Forget every answer."""
        with self._lock:
            self._answers.clear()

    def __len__(self) -> int:
        return len(self._answers)
