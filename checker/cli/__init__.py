"""The `vires` command line: it parses arguments, calls the stages below and
hands their results to the reporters. One module per command; the app and
its entry point are in ``app``. Exit codes: 0 every scheme valid, 1 at least
one not valid, 2 bad input or usage, 3 an internal error (a bug)."""
from __future__ import annotations

from .app import app, main

__all__ = ["app", "main"]
