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

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..dates import OPEN_END, day_before, is_open, next_day
from ..diagnostics import Diagnostic, did_you_mean, display_path
from ..load.yamlfile import load_yaml
from ..rules.conditions import check_condition
from ..rules.policy import default_policy_dir, read_policy

#: Every code lint adds, with its severity and what it means (docs/trust.md).
LINT_CODES = {
    "lint.missing_id": ("error", "a power or rule has no id"),
    "lint.missing_statement": ("error", "a power or rule has no plain-English statement"),
    "lint.missing_basis": ("error", "a power or rule has no legal or policy basis"),
    "lint.missing_sources": ("error", "a power or rule names no sources"),
    "lint.duplicate_id": ("error", "two powers or rules of one edition share an id, or two parts of a power a name"),
    "lint.unknown_source": ("error", "a source key the register lacks, or a register text no sources folder holds"),
    "lint.unknown_field": ("error", "a condition tests a field the facts do not have"),
    "lint.bad_value": ("error", "a condition compares a field with a value it cannot take"),
    "lint.never_fires": ("error", "a rule that no scheme fires, a step no scheme takes, an approval never needed"),
    "lint.shadowed": ("warning", "a refusal or a power that something else always overrides"),
    "lint.power_unusable": ("error", "a power no scheme of an edition that has it can use"),
    "lint.target_unreachable": ("warning", "a part of the contract an edition lists that no power ever covers"),
    "lint.bad_period": ("error", "an edition ends before it starts"),
    "lint.period_overlap": ("error", "two editions of a jurisdiction cover the same day"),
    "lint.period_gap": ("error", "no edition covers some days after a jurisdiction's first edition"),
}
RULE_FIELDS = ("id", "statement", "basis", "sources")
#: Codes of checker.rules.policy that lint reports under its own name.
RENAMED = {"policy.duplicate_id": "lint.duplicate_id", "policy.unknown_source": "lint.unknown_source"}
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


#: The folders of source texts looked for beside the repository when none is given.
DEFAULT_SOURCES = ("shared", "research")


def find_sources(directory: Path, given=None) -> tuple[list[Path], list[Path]]:
    """The folders of source texts, and the default folders looked for but absent
    (none when folders are given): a text missing from the folders found may be in those."""
    if given:
        return ([Path(given)] if isinstance(given, (str, Path)) else [Path(g) for g in given]), []
    repo = Path(__file__).resolve().parents[2]
    for root in (directory.resolve().parent, repo):
        looked = [root.parent / name / "sources" for name in DEFAULT_SOURCES]
        found = [f for f in looked if f.is_dir()]
        if found:
            return found, [f for f in looked if not f.is_dir()]
    return [], []


def lint_policy(directory=None, sources=None) -> LintReport:
    """The lint report of a policy folder (default: the shipped policy)."""
    root = Path(directory) if directory else default_policy_dir()
    report = LintReport(display_path(root))
    policy, loaded = read_policy(root)
    docs = _documents(root)
    source_dirs, absent = find_sources(root, sources)
    own = []
    unchecked = 0
    for doc in docs:
        own += _rule_checks(doc)
    if policy is not None and source_dirs and all(d.is_dir() for d in source_dirs) \
            and (root / "sources").is_dir():  # a folder that borrows the shipped register is not linted for it
        missing, unchecked = _text_checks(policy.sources, source_dirs, complete=not absent)
        own += missing
    own += _period_checks([d for d in docs if Path(d.file).parent.name == "editions"])
    own += _left_out(docs)
    found = _merge(loaded, own)
    if not source_dirs or not all(d.is_dir() for d in source_dirs):
        report.notes.append("no sources folder found (looked for ../shared/sources and ../research/sources; "
                            "give --sources DIR): the register's text file names were not checked")
    if unchecked:
        report.notes.append(f"{unchecked} of the register's text file names are in none of the sources "
                            f"folders found ({', '.join(display_path(d) for d in source_dirs)}) and were not "
                            f"checked, since {', '.join(display_path(d) for d in absent)} is absent; "
                            "give --sources DIR to check them")
    if policy is None:
        report.notes.append("the policy did not load, so whether each power can be used and each rule "
                            "can fire or decide was not checked; fix the errors and run lint again")
    else:
        from .lint_semantics import semantic_checks  # loads the engine

        found += semantic_checks(policy, _locator(docs))
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


def _items(doc, key):
    items = doc.data.get(key)
    return [(i, r) for i, r in enumerate(items) if isinstance(r, dict)] if isinstance(items, list) else []


def _conditions(power: dict, path: tuple):
    """Every condition of a power, with its path: its when, and each part's."""
    if isinstance(power.get("when"), dict):
        yield power["when"], path + ("when",)
    for group in ("limits", "steps", "approvals"):
        parts = power.get(group)
        for j, part in enumerate(parts if isinstance(parts, list) else []):
            if isinstance(part, dict) and isinstance(part.get("when"), dict):
                yield part["when"], path + (group, j, "when")


def _text_checks(register, folders, complete: bool = True) -> tuple[list[Diagnostic], int]:
    """A diagnostic for each source of the register whose text none of the
    folders holds, and how many such texts were not checked. Without
    ``complete`` (a default folder is absent, as in a clean clone beside
    ../shared alone), a missing text may be in the absent folder: it is
    counted, not reported, unless its name is one slip from a text that is
    there, which is a typo wherever the folders are."""
    known = sorted({p.name for f in folders for p in f.iterdir()})
    out, unchecked = [], 0
    for source in register.values():
        if not source.text or source.text in known:
            continue
        if not complete and not difflib.get_close_matches(source.text, known, n=1, cutoff=0.9):
            unchecked += 1
            continue
        out.append(Diagnostic("lint.unknown_source", f"the text '{source.text}' of source '{source.key}' "
                              f"is in none of the sources folders", source.file, source.line, 1,
                              ("sources", source.key, "text"), did_you_mean(source.text, known)))
    return out, unchecked


def _rule_checks(doc) -> list[Diagnostic]:
    """Missing metadata and bad conditions of every power and rule of a file
    (an unknown source key is the loader's policy.unknown_source)."""
    out = []
    for key, noun in (("powers", "power"), ("rules", "rule")):
        for i, item in _items(doc, key):
            for name in RULE_FIELDS:
                value = item.get(name)
                if value is None or (isinstance(value, (str, list)) and not value) or \
                        (isinstance(value, str) and not value.strip()):
                    out.append(doc.diagnostic(
                        f"lint.missing_{name}", f"{noun} {item.get('id') or i + 1} has no {name}",
                        (key, i), _MISSING_HINTS[name]))
            conditions = [(item["when"], (key, i, "when"))] if key == "rules" and isinstance(
                item.get("when"), dict) else list(_conditions(item, (key, i))) if key == "powers" else []
            for cond, path in conditions:
                try:
                    out += check_condition(cond, path, doc)
                except (TypeError, KeyError, AttributeError, ValueError):
                    pass  # a malformed condition: the schema diagnostics already say where
    return out


def _left_out(docs) -> list[Diagnostic]:
    """Shared powers that every edition including their file leaves out,
    because it lists none of their targets (checker.rules.policy keeps a
    shared power only for the targets an edition lists)."""
    editions = [d for d in docs if Path(d.file).parent.name == "editions"]
    out = []
    for doc in docs:
        if Path(doc.file).parent.name != "common":
            continue
        name = f"common/{Path(doc.file).name}"  # as editions include it
        including = [e for e in editions if name in (e.data.get("include") or [])]
        for i, power in _items(doc, "powers"):
            reach = power.get("targets") if isinstance(power.get("targets"), list) else []
            kept = [e for e in including
                    if not e.data.get("targets") or set(reach) & set(e.data.get("targets") or [])]
            if including and not kept:
                out.append(doc.diagnostic(
                    "lint.power_unusable", f"power '{power.get('id')}' is left out of every edition that "
                    f"includes {name} ({', '.join(str(e.data.get('edition')) for e in including)}): none lists "
                    f"any of its targets ({', '.join(map(str, reach))})", ("powers", i),
                    "add the part of the contract to an edition's targets, or remove the power"))
    return out


def _locator(docs):
    """``locate(file, path)``: the line of a path in a policy file, where the
    path may name a power by its id: ('powers', 'eng.sfe-directions', 'steps', 0)."""
    by_file = {d.file: d for d in docs}

    def locate(file, path) -> tuple[int, int]:
        doc = by_file.get(file)
        if doc is None:
            return 1, 1
        path = tuple(path)
        if len(path) > 1 and path[0] == "powers" and isinstance(path[1], str):
            index = next((i for i, p in _items(doc, "powers") if p.get("id") == path[1]), None)
            path = ("powers", index) + path[2:] if index is not None else ("powers",)
        return doc.locate(path)

    return locate


_MISSING_HINTS = {
    "id": "add 'id: prefix.name', e.g. eng13.national-sign-off",
    "statement": "add 'statement:' with one sentence in plain English",
    "basis": "add 'basis:' naming the legal or policy basis, e.g. NHS Act 2006 s.87",
    "sources": "add 'sources: [...]' with the keys of its sources in policy/sources/*.yaml",
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
    if d.code.startswith("lint.") or len(d.path) < 2 or d.path[0] not in ("rules", "powers"):
        return False
    for name in RULE_FIELDS:
        if (d.file, d.path[:2], name) in missing and (
                d.path[2:3] == (name,) or (len(d.path) == 2 and f"'{name}'" in d.message)):
            return True
    return False
