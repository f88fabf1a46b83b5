"""The SMT solver (z3), which only `vires verify --prove` loads.

z3-solver is an optional dependency (the ``prove`` extra: about 60 MB that
a negotiator checking schemes never needs), so every module of the proof
takes z3 from here: without it, `--prove` is told what to install, as bad
input (exit 2), instead of failing on an import.
"""
from __future__ import annotations

from ..diagnostics import Diagnostic, InputError

try:
    import z3
except ImportError as missing:  # pragma: no cover - the test environment installs the extra
    raise InputError([Diagnostic(
        "verify.no_solver", "vires verify --prove needs the z3 solver, which is not installed", "--prove",
        hint="install it with: pip install 'vires[prove]' (make run and make test do)")]) from missing

__all__ = ["z3"]
