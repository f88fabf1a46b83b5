"""Colour for terminals: click strips it when output is not a terminal."""
from __future__ import annotations

import typer as click  # typer ships click's style and echo

VERDICT_COLOURS = {"ultra_vires": "red", "refused": "red", "pending": "yellow", "valid": "green",
                   "undetermined": "blue"}


def verdict(text: str, which: str) -> str:
    """Text in the colour of a verdict, bold."""
    return click.style(text, fg=VERDICT_COLOURS.get(which), bold=True)


def heading(text: str) -> str:
    """Text in bold."""
    return click.style(text, bold=True)


def dim(text: str) -> str:
    """Text dimmed."""
    return click.style(text, dim=True)


def error(text: str) -> str:
    """Text in red, bold."""
    return click.style(text, fg="red", bold=True)
