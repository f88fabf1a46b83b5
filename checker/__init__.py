"""vires: checks whether a local change to the GP contract is within the
powers of the NHS bodies involved, and says why.

Public API::

    import checker
    result = checker.check_file("cases/leeds-2017.yaml")
    result.verdict          # 'ultra_vires'
    result.to_dict()        # findings, approvals needed, risks, edition

Bad input raises ``checker.InputError`` carrying located diagnostics.
"""
from __future__ import annotations

from .diagnostics import Diagnostic, InputError

__all__ = ["check", "check_file", "InputError", "Diagnostic", "Result"]


def check(scheme: dict, policy_dir=None):
    """Check a scheme given as a dict (as read from YAML); returns a Result."""
    from .evaluate.checker import checker_for

    checker = checker_for(policy_dir)
    return checker.check_scheme(checker.from_data(scheme))


def check_file(path, policy_dir=None):
    """Check a scheme or case file; returns a Result."""
    from .evaluate.checker import checker_for

    checker = checker_for(policy_dir)
    return checker.check_scheme(checker.load(path))


def __getattr__(name):
    if name == "Result":
        from .evaluate.result import Result

        return Result
    raise AttributeError(name)
