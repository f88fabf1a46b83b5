"""Rendering diagnostics for people: location, what is wrong, a hint."""
from __future__ import annotations

from . import style
from .neutral import for_terminal, neutralised


def render_diagnostic(d) -> str:
    """A diagnostic for people: 'file:line:column: error: message [code]' and its
    hint, each on its own line whatever the file's text holds."""
    d = neutralised(d, for_terminal)
    head = f"{d.location()}: {style.error(d.severity)}: {d.message} [{d.code}]"
    return head + (f"\n  hint: {d.hint}" if d.hint else "")


def render_diagnostics(diagnostics) -> str:
    """Diagnostics for people, one after another."""
    return "\n".join(render_diagnostic(d) for d in diagnostics) + "\n"
