"""Provenance: each quote in a case must really be in the source it cites.

A case's ``sources`` entries name either a source article by file name (the
shared source folder, e.g. ``000_3a506d00feed4879.txt``) or a public
document ("NHS Act 2006 s.87"). Quotes from an article are checked against
its text; quotes from a public document cannot be, and are not. (That a
quote is short, so that a case cites and never copies an article, is a
check of the case file itself: ``checker.load.casefile``.)
"""
from __future__ import annotations

import re
from pathlib import Path

from ..diagnostics import Diagnostic

#: How the shared source articles are named.
ARTICLE_NAME = re.compile(r"^[0-9]{3}_[0-9a-f]{16}\.txt$")

# Typographic quotes and dashes folded to plain ones, so that a case author
# may type a quote on an ordinary keyboard.
_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                       "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def normalise(text: str) -> str:
    """Text with whitespace collapsed and typographic quotes made plain."""
    return " ".join(text.translate(_FOLD).split())


def is_article(source: str) -> bool:
    """Whether a source is named as a source article file (e.g. 000_3a506d00feed4879.txt)."""
    return bool(ARTICLE_NAME.match(source))


def check_quotes(case, sources_dir) -> list[Diagnostic]:
    """Each quote from a source article must appear in it (after whitespace
    normalisation); an article the folder lacks is an error too."""
    doc, out, texts = case.scheme.doc, [], {}
    for i, entry in enumerate(case.sources):
        name = entry["source"]
        if not is_article(name):
            continue
        path = Path(sources_dir) / name
        if name not in texts:
            texts[name] = normalise(path.read_text("utf-8")) if path.is_file() else None
        text = texts[name]
        if text is None:
            out.append(doc.diagnostic("case.unknown_source", f"no source article '{name}' in {sources_dir}",
                                      ("sources", i, "source"), "check the file name"))
        elif normalise(entry["quote"]) not in text:
            out.append(doc.diagnostic(
                "case.quote_not_in_source", f"this quote is not in {name}",
                ("sources", i, "quote"), "copy the phrase exactly from the article (spacing may differ)"))
    return out
