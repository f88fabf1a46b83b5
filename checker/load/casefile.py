"""Case files: schemes with a known outcome, read and checked as input.

A **case** is a scheme file plus the keys of ``case.schema.json``: ``kind``
(``documented``, a real episode, or ``hypothetical``, a constructed one), ``expect``
(the verdict, exactly what decided it, the ids that must be among the findings and, where it
matters, the approvals still needed), ``sources`` (each the key of a source of the
policy's register, with a quote of at most ``MAX_QUOTE_WORDS`` words, so that a case
cites and never copies an article), ``assumptions``, ``summary`` and, for a
hypothetical case, ``question``. A documented case cites at least one source
a reader can check: one with an address or a text. ``load_case`` reads one and says what is wrong with it;
``checker.evaluate.cases`` runs them.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostic, InputError, did_you_mean, source_hint
from .schema import BODY_KIND, node_at
from .scheme import Scheme
from .validate import validate_document

MAX_QUOTE_WORDS = 25
#: Keys a case file adds to a scheme; `vires check` ignores them.
CASE_KEYS = ("kind", "expect", "sources", "assumptions", "summary", "question")


@dataclass
class Case:
    """A case of the library: a scheme with its expected outcome, sources and assumptions."""

    scheme: Scheme
    expect: dict
    summary: str
    sources: list[dict]
    assumptions: list[dict]
    kind: str = "documented"
    question: str = ""

    @property
    def hypothetical(self) -> bool:
        """Whether the case is constructed rather than a real episode."""
        return self.kind == "hypothetical"

    @property
    def id(self) -> str:
        """The case's id: its scheme's id."""
        return self.scheme.id

    @property
    def file(self) -> str:
        """The case file's name, as shown."""
        return self.scheme.file


def case_files(paths) -> tuple[list[Path], list[Diagnostic]]:
    """The .yaml files named, or found (sorted) under the folders named."""
    files, problems = [], []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(path.rglob("*.yaml"))
            if not found:
                problems.append(Diagnostic("case.none_found", "no case files (*.yaml) in this folder",
                                           str(path), hint="name a folder that holds case files"))
            files += found
        elif path.exists():
            files.append(path)
        else:
            problems.append(Diagnostic("input.not_found", "no such file or folder", str(path),
                                       hint="check the path and the spelling"))
    return files, problems


def load_case(checker, path) -> Case:
    """Read a case file; raises InputError for a bad scheme or bad case keys."""
    scheme = checker.load(path)
    problems = validate_document(scheme.doc, "case", "case")
    if not problems:
        problems = _check_expect(scheme, checker.policy) + check_quote_lengths(
            scheme.doc, scheme.data["sources"]) + _check_sources(scheme, checker.policy)
    if problems:
        raise InputError(problems)
    data = scheme.data
    return Case(scheme, data["expect"], data["summary"].strip(), data["sources"],
                data.get("assumptions", []), data["kind"], data.get("question", "").strip())


def _check_expect(scheme: Scheme, policy) -> list[Diagnostic]:
    """What the schema cannot say: the rule ids exist, the bodies are kinds of body."""
    doc, expect = scheme.doc, scheme.data["expect"]
    known = sorted({x.id for e in policy.editions for x in list(e.rules) + list(e.powers)})
    parts = sorted({p.id for e in policy.editions for w in e.powers
                    for p in w.limits + w.steps + w.approvals})
    kinds = [k for k in node_at(BODY_KIND)["enum"] if k != "unknown"]
    out = []
    for key, ids in (("findings", known), ("decided_by", known + parts)):
        for i, rule in enumerate(expect.get(key, [])):
            if rule not in ids and not rule.startswith("no-power:"):
                out.append(doc.diagnostic("case.unknown_rule", f"no policy power, rule or part of a "
                                          f"power has the id '{rule}'", ("expect", key, i),
                                          did_you_mean(rule, ids)))
    for i, body in enumerate(expect.get("approvals_needed", [])):
        if body not in kinds:
            out.append(doc.diagnostic("case.bad_value", f"'{body}' is not a kind of body",
                                      ("expect", "approvals_needed", i), did_you_mean(body, kinds)))
    return out


def _check_sources(scheme: Scheme, policy) -> list[Diagnostic]:
    """Each quote cites a key of the policy's register; a documented case
    cites at least one source a reader can check (an address or a text)."""
    doc, data, register = scheme.doc, scheme.data, policy.sources
    out = []
    for i, entry in enumerate(data["sources"]):
        if entry["source"] not in register:
            out.append(doc.diagnostic("case.unknown_source", f"no source in the register has the key "
                                      f"'{entry['source']}'", ("sources", i, "source"),
                                      source_hint(entry["source"], register)))
    if out or data["kind"] != "documented":
        return out
    if not any(register[e["source"]].url or register[e["source"]].text for e in data["sources"]):
        out.append(doc.diagnostic("case.documented_unsourced", "a documented case needs at least one source "
                                  "with an address (url) or a text", ("kind",),
                                  "cite a source a reader can check, or make the case kind: hypothetical "
                                  "with the question it answers"))
    return out


def check_quote_lengths(doc, sources) -> list[Diagnostic]:
    """A diagnostic for each quote longer than ``MAX_QUOTE_WORDS`` words."""
    out = []
    for i, entry in enumerate(sources):
        words = len(entry["quote"].split())
        if words > MAX_QUOTE_WORDS:
            out.append(doc.diagnostic(
                "case.quote_too_long", f"this quote has {words} words; at most {MAX_QUOTE_WORDS}",
                ("sources", i, "quote"), "quote the shortest phrase that supports the fact"))
    return out
