"""The sources register: every document the policy and the cases cite, by key.

A policy folder's ``sources/*.yaml`` files each hold a ``sources:`` mapping
from a key (lowercase words joined by hyphens, unique across the files) to
the document's title, publisher and date, and where there is one its
address (``url``), the file name of its text in the sources folder
(``text``, so that ``vires test --sources`` checks the quotes taken from it),
its ``kind`` (legislation, directions, guidance, article, official) and a
``note``. Powers, rules and roles cite sources by key (``sources: [key]``),
and so does each quote of a case (``source: key``). A policy folder without
a ``sources/`` folder (a test's small policy) cites the shipped register.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostic, display_path, source_hint
from ..load.validate import validate_document
from ..load.yamlfile import load_yaml

#: The kinds of document a source may be (sources.schema.json).
SOURCE_KINDS = ("legislation", "directions", "guidance", "article", "official")


@dataclass(frozen=True)
class Source:
    """One document of the register."""

    key: str
    title: str
    publisher: str
    date: str
    url: str = ""
    text: str = ""
    kind: str = ""
    note: str = ""
    file: str = ""
    line: int = 0

    def to_dict(self) -> dict:
        """The source as JSON: its key, title, publisher and date, and what else it has."""
        out = {"key": self.key, "title": self.title, "publisher": self.publisher, "date": self.date}
        for name in ("url", "text", "kind", "note"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        return out


def register_dir(root: Path) -> Path:
    """The register a policy folder uses: its own sources/, else the shipped one's."""
    own = Path(root) / "sources"
    if own.is_dir():
        return own
    from .policy import default_policy_dir

    return default_policy_dir() / "sources"


def read_register(root: Path, problems: list[Diagnostic]) -> dict[str, Source]:
    """Every source of a policy folder's register, by key; problems are added to ``problems``."""
    folder = register_dir(root)
    out: dict[str, Source] = {}
    for path in sorted(folder.glob("*.yaml")):
        doc, found = load_yaml(path, display_path(path))
        problems += found
        if doc is None:
            continue
        schema = validate_document(doc, "sources", "policy")
        if schema:
            problems += schema
            continue
        for key, entry in doc.data["sources"].items():
            line = doc.locate(("sources", key), key=True)[0]
            if key in out:
                other = out[key]
                problems.append(doc.diagnostic(
                    "policy.duplicate_source", f"the source key '{key}' is used twice in the register",
                    ("sources", key), f"the other is at {other.file}:{other.line}; give each source its own key",
                    key=True))
                continue
            out[key] = Source(key, " ".join(entry["title"].split()), entry["publisher"].strip(),
                              str(entry["date"]), entry.get("url", ""), entry.get("text", ""),
                              entry.get("kind", ""), " ".join(entry.get("note", "").split()),
                              doc.file, line)
    return out


def check_cited(doc, path: tuple, keys, register: dict[str, Source], code: str) -> list[Diagnostic]:
    """A diagnostic for each key at ``path`` + (i,) that the register lacks."""
    out = []
    for i, key in enumerate(keys):
        if key not in register:
            out.append(doc.diagnostic(code, f"no source in the register has the key '{key}'", path + (i,),
                                      source_hint(key, register)))
    return out

