"""Provenance: each quote in a case must really be in the source it cites.

A case's ``sources`` entries cite a source of the policy's register by key
(``checker.rules.sources``). Where the register gives the source's ``text``
(the file name of its text, e.g. ``000_3a506d00feed4879.txt``), the quote is
checked against that text, looked up in the sources folders given
(``vires test --sources DIR``, which may be repeated); a text the folders
lack is an error too. Quotes from a source without a text (an Act read
online) cannot be checked here, and are not. (That a quote is short, so
that a case cites and never copies an article, is a check of the case file
itself: ``checker.load.casefile``.)
"""
from __future__ import annotations

from pathlib import Path

from ..diagnostics import Diagnostic

# Typographic quotes and dashes folded to plain ones, so that a case author
# may type a quote on an ordinary keyboard.
_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                       "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def normalise(text: str) -> str:
    """Text with whitespace collapsed and typographic quotes made plain."""
    return " ".join(text.translate(_FOLD).split())


def find_text(name: str, folders) -> Path | None:
    """The first of the folders that holds a text file of this name, as the file's path."""
    for folder in folders:
        path = Path(folder) / name
        if path.is_file():
            return path
    return None


def check_quotes(case, register, folders) -> list[Diagnostic]:
    """Each quote from a source with a text must appear in that text (after
    whitespace normalisation); a text none of the folders holds is an error too."""
    folders = [folders] if isinstance(folders, (str, Path)) else list(folders)
    doc, out, texts = case.scheme.doc, [], {}
    where = ", ".join(str(f) for f in folders)
    for i, entry in enumerate(case.sources):
        source = register.get(entry["source"])
        if source is None or not source.text:
            continue
        name = source.text
        if name not in texts:
            path = find_text(name, folders)
            texts[name] = normalise(path.read_text("utf-8")) if path else None
        text = texts[name]
        if text is None:
            out.append(doc.diagnostic("case.source_text_missing",
                                      f"the text of '{entry['source']}' ({name}) is in none of: {where}",
                                      ("sources", i, "source"),
                                      "give the folder that holds it with --sources (it may be repeated)"))
        elif normalise(entry["quote"]) not in text:
            out.append(doc.diagnostic(
                "case.quote_not_in_source", f"this quote is not in the text of '{entry['source']}' ({name})",
                ("sources", i, "quote"), "copy the phrase exactly from the article (spacing may differ)"))
    return out
