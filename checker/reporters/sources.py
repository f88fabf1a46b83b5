"""Sources as people read them: title, publisher and date, with the address.

Powers, rules, roles and cases cite sources by key (``checker.rules.sources``);
every output shows the register's entry instead: "Leeds QOF suspension
blocked ... GPonline, February 2017, https://...". A key the register lacks
(only possible with a policy built in a test) is shown as it is.
"""
from __future__ import annotations

from ..dates import MONTHS as _MONTHS

#: How a case's kind is named in every output.
KIND_WORDS = {"documented": "documented", "hypothetical": "hypothetical"}
KIND_LABELS = {"documented": "Documented case", "hypothetical": "Hypothetical case"}


def source_date(date: str) -> str:
    """'2 February 2017', 'February 2017' or '2017' for a register date."""
    parts = str(date).split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def cite(key: str, register) -> str:
    """One source in words: 'Title. Publisher, February 2017. https://...'."""
    source = register.get(key) if register else None
    if source is None:
        return key
    out = f"{source.title}. {source.publisher}, {source_date(source.date)}."
    return f"{out} {source.url}" if source.url else out


def cite_markdown(key: str, register) -> str:
    """One source in Markdown: the title linked to its address, publisher, date."""
    source = register.get(key) if register else None
    if source is None:
        return f"`{key}`"
    title = f"[{source.title}]({source.url})" if source.url else f"*{source.title}*"
    return f"{title}, {source.publisher}, {source_date(source.date)}"


def source_json(key: str, register) -> dict:
    """One source as JSON: its key, title, publisher, date and what else the register gives."""
    source = register.get(key) if register else None
    return source.to_dict() if source is not None else {"key": key}


def cite_short(key: str, register) -> str:
    """A source in a line: 'Title (Publisher, February 2017)'."""
    source = register.get(key) if register else None
    if source is None:
        return key
    return f"{source.title} ({source.publisher}, {source_date(source.date)})"
