"""Linting a policy folder: every defect a reader of the rules should hear of.

``lint_policy`` first loads the policy as ``vires check`` does
(``checker.rules.policy.read_policy``) and keeps its diagnostics, then adds its
own, each located at a file and line with a stable code (``LINT_CODES``).
The condition checks are those of ``checker.rules.conditions``, run on every
rule even when another part of its file is broken. Whether a rule can fire,
and whether it can ever decide a verdict, is settled over the edition's
finite fact space (``checker.explore.factspace``) with the real engine.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..dates import OPEN_END, day_before, is_open, next_day
from ..diagnostics import Diagnostic, did_you_mean, display_path
from ..load.yamlfile import load_yaml
from ..rules.conditions import check_condition
from ..rules.policy import default_policy_dir, read_policy

#: Every code lint adds, with its severity and what it means (docs/trust.md).
LINT_CODES = {
    "lint.missing_id": ("error", "a rule has no id"),
    "lint.missing_statement": ("error", "a rule has no plain-English statement"),
    "lint.missing_basis": ("error", "a rule has no legal or policy basis"),
    "lint.missing_sources": ("error", "a rule names no sources"),
    "lint.duplicate_id": ("error", "two rules of one edition share an id"),
    "lint.unknown_source": ("error", "a source file name that is not in the sources folder"),
    "lint.unknown_field": ("error", "a condition tests a field the facts do not have"),
    "lint.bad_value": ("error", "a condition compares a field with a value it cannot take"),
    "lint.never_fires": ("error", "a rule's condition holds for no scheme of any edition that has it"),
    "lint.shadowed": ("warning", "whenever the rule fires, another rule takes the decision from it"),
    "lint.bad_period": ("error", "an edition ends before it starts"),
    "lint.period_overlap": ("error", "two editions of a jurisdiction cover the same day"),
    "lint.period_gap": ("error", "no edition covers some days after a jurisdiction's first edition"),
}
RULE_FIELDS = ("id", "statement", "basis", "sources")
#: A source that looks like an article file (e.g. 004_5de3f1e20c6981c6.txt).
ARTICLE = re.compile(r"^[\w.-]+\.txt$")
#: Codes of checker.rules.policy that lint reports under its own name.
RENAMED = {"policy.duplicate_id": "lint.duplicate_id"}
RENAMED_IN_CONDITIONS = {"policy.unknown_field": "lint.unknown_field", "policy.bad_value": "lint.bad_value"}


@dataclass
class LintReport:
    """What lint found in a policy folder: located diagnostics, and notes on what it could not check."""

    policy: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        """How many of the diagnostics are errors."""
        return sum(d.severity == "error" for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        """How many of the diagnostics are warnings."""
        return sum(d.severity == "warning" for d in self.diagnostics)


def find_sources(directory: Path, given=None) -> Path | None:
    """The sources folder: as given, else ../shared/sources beside the repository."""
    if given:
        return Path(given)
    repo = Path(__file__).resolve().parents[2]
    for root in (directory.resolve().parent, repo):
        candidate = root.parent / "shared" / "sources"
        if candidate.is_dir():
            return candidate
    return None


def lint_policy(directory=None, sources=None) -> LintReport:
    """The lint report of a policy folder (default: the shipped policy)."""
    root = Path(directory) if directory else default_policy_dir()
    report = LintReport(display_path(root))
    policy, loaded = read_policy(root)
    docs = _documents(root)
    source_dir = find_sources(root, sources)
    own = []
    for doc in docs:
        own += _rule_checks(doc, source_dir)
    own += _period_checks([d for d in docs if Path(d.file).parent.name == "editions"])
    found = _merge(loaded, own)
    if source_dir is None or not source_dir.is_dir():
        report.notes.append("no sources folder found (looked for ../shared/sources; give --sources DIR): "
                            "source file names were not checked")
    if policy is None:
        report.notes.append("the policy did not load, so whether each rule can fire or decide "
                            "was not checked; fix the errors and run lint again")
    else:
        from .lint_semantics import semantic_checks  # loads the engine

        found += semantic_checks(policy)
    report.diagnostics = sorted(found, key=lambda d: (d.file, d.line, d.column, d.code))
    return report


def _documents(root: Path):
    out = []
    for folder in ("common", "editions"):
        for path in sorted((root / folder).glob("*.yaml")):
            doc, _ = load_yaml(path, display_path(path))
            if doc is not None and isinstance(doc.data, dict):
                out.append(doc)
    return out


def _rules(doc):
    rules = doc.data.get("rules")
    return [(i, r) for i, r in enumerate(rules) if isinstance(r, dict)] if isinstance(rules, list) else []


def _rule_checks(doc, source_dir) -> list[Diagnostic]:
    out = []
    known = sorted(p.name for p in source_dir.iterdir()) if source_dir and source_dir.is_dir() else None
    for i, rule in _rules(doc):
        for name in RULE_FIELDS:
            value = rule.get(name)
            if value is None or (isinstance(value, (str, list)) and not value) or \
                    (isinstance(value, str) and not value.strip()):
                out.append(doc.diagnostic(
                    f"lint.missing_{name}", f"rule {rule.get('id') or i + 1} has no {name}",
                    ("rules", i), _MISSING_HINTS[name]))
        if isinstance(rule.get("when"), dict):
            try:
                out += check_condition(rule["when"], ("rules", i, "when"), doc)
            except (TypeError, KeyError, AttributeError, ValueError):
                pass  # a malformed condition: the schema diagnostics already say where
        for j, source in enumerate(rule.get("sources") or []):
            if known is not None and isinstance(source, str) and ARTICLE.match(source) \
                    and source not in known:
                out.append(doc.diagnostic(
                    "lint.unknown_source", f"the source '{source}' is not in the sources folder",
                    ("rules", i, "sources", j), did_you_mean(source, known)))
    return out


_MISSING_HINTS = {
    "id": "add 'id: prefix.name', e.g. eng13.national-sign-off",
    "statement": "add 'statement:' with one sentence in plain English",
    "basis": "add 'basis:' naming the legal or policy basis, e.g. NHS Act 2006 s.87",
    "sources": "add 'sources: [...]' with the article file names or public documents",
}


def _period_checks(docs) -> list[Diagnostic]:
    editions = []
    for doc in docs:
        data = doc.data
        if all(isinstance(data.get(k), str) for k in ("edition", "jurisdiction", "from")):
            end = data.get("to") if isinstance(data.get("to"), str) else OPEN_END
            editions.append((data["jurisdiction"], data["from"], end, data["edition"], doc))
    out = []
    for edition in editions:
        if edition[2] < edition[1]:
            out.append(edition[4].diagnostic("lint.bad_period", f"edition '{edition[3]}' ends "
                                             f"({edition[2]}) before it starts ({edition[1]})",
                                             ("to",), "swap the dates"))
    editions.sort(key=lambda e: (e[0], e[1], e[3]))
    for before, after in zip(editions, editions[1:]):
        if before[0] != after[0]:
            continue
        doc = after[4]
        if after[1] <= before[2]:
            out.append(doc.diagnostic(
                "lint.period_overlap",
                f"edition '{after[3]}' starts on {after[1]}, but '{before[3]}' covers {before[0]} "
                f"until {_shown(before[2])}: a scheme dated in both would meet two editions",
                ("from",), f"start '{after[3]}' on {next_day(before[2])}, or end '{before[3]}' "
                f"on {day_before(after[1])}"))
        elif after[1] > next_day(before[2]):
            out.append(doc.diagnostic(
                "lint.period_gap",
                f"no edition covers {before[0]} from {next_day(before[2])} to {day_before(after[1])}: "
                f"'{before[3]}' ends on {before[2]} and '{after[3]}' starts on {after[1]}",
                ("from",), f"start '{after[3]}' on {next_day(before[2])}, or end '{before[3]}' "
                f"on {day_before(after[1])}"))
    return out


def _shown(end: str) -> str:
    return "no end date" if is_open(end) else end


def _merge(loaded, own) -> list[Diagnostic]:
    """Loader and lint diagnostics, each defect once, under lint's code where it has one."""
    missing = {(d.file, d.path[:2], d.code.rsplit("_", 1)[1]) for d in own
               if d.code.startswith("lint.missing_")}
    out, seen = [], set()
    for d in list(own) + list(loaded):
        if _covered(d, missing):
            continue
        code = RENAMED.get(d.code, d.code)
        if "when" in d.path:
            code = RENAMED_IN_CONDITIONS.get(code, code)
        severity = LINT_CODES.get(code, ("error",))[0]
        d = replace(d, code=code, severity=severity)
        key = (d.code, d.file, d.line, d.column)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def _covered(d, missing) -> bool:
    """A schema complaint about a rule field lint already reports as missing."""
    if d.code.startswith("lint.") or len(d.path) < 2 or d.path[0] != "rules":
        return False
    for name in RULE_FIELDS:
        if (d.file, d.path[:2], name) in missing and (
                d.path[2:3] == (name,) or (len(d.path) == 2 and f"'{name}'" in d.message)):
            return True
    return False
