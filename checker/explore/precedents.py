"""Precedents: the cases in the library nearest to a scheme, and how they differ.

**Similarity** is a weighted agreement between two schemes, from 0 to 1:
each feature below scores 1 if the two agree and 0 if not; for sets, the
overlap (shared items over all items, 1 when both are empty). A fact that
either scheme leaves **unknown** scores one half: it may agree, it may not,
and silence is neither a match nor a difference. The score is the weighted
mean. The weights favour what decides a verdict: the jurisdiction, the
instrument and the findings (the powers used and the rules that fired; not
known for an undetermined scheme, so they score one half). **Documented cases first.** A case file says its ``kind``: a documented
case is a real outcome, a hypothetical one a constructed scheme. Among the
cases at least ``NEAR`` similar, documented ones come first (by score, then
case id, then file), then hypothetical ones; the rest follow by score. So a
documented precedent is never hidden behind a closer hypothetical one, and
when only hypothetical cases are near the reports say so plainly
(``only_hypothetical_near``). The ranking is the same on every run; a case
never lists itself (same id, or same file). A library file without a
``kind`` is treated as hypothetical: it does not claim to be a real outcome.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostic, InputError, display_path
from ..evaluate.result import Result
from ..rules.facts import UNKNOWN, maker, targets

#: The similarity from which a case counts as near (documented ones are then ranked first).
NEAR = 0.6

#: (feature, weight). Documented in docs/whatif.md; the reports' words for
#: each feature are checker.reporters.words.FEATURE_WORDS.
FEATURES = (
    ("jurisdiction", 3),
    ("edition", 2),
    ("targets", 2),
    ("instrument", 3),
    ("maker", 2),
    ("scope", 1),
    ("income", 1),
    ("practice_opt_in", 1),
    ("decisions", 2),
    ("findings", 3),
)
#: The agreement of a fact with one that is not known, or of two facts not known.
PARTIAL = 0.5


def features(data: dict, result) -> dict:
    """The compared features of a checked scheme (UNKNOWN where it does not say)."""
    change = data["change"]
    body = maker(data)
    return {
        "jurisdiction": data["jurisdiction"],
        "edition": result.edition,
        "targets": frozenset(targets(data)),
        "instrument": change.get("instrument", UNKNOWN),
        "maker": _body(body) if body else UNKNOWN,
        "scope": change.get("scope", UNKNOWN),
        "income": change.get("income", UNKNOWN),
        "practice_opt_in": change.get("practice_opt_in", UNKNOWN),
        "decisions": frozenset(f"{d['body']['kind']} {d['status']}"
                               + (" (informal)" if d.get("formality") == "informal" else "")
                               for d in data.get("decisions", [])),
        # An undetermined scheme's powers and rules depend on facts not known.
        "findings": UNKNOWN if result.undetermined is not None else frozenset(result.finding_ids()),
    }


def _body(body: dict) -> str:
    level = body.get("co_commissioning")
    return f"{body['kind']} ({level})" if level and level not in ("none", UNKNOWN) else body["kind"]


def agreement(a, b) -> float:
    """The agreement of two feature values: 1 or 0; one half when either is
    not known; for sets, the share of items they have in common."""
    if a == UNKNOWN or b == UNKNOWN:
        return PARTIAL
    if isinstance(a, frozenset):
        union = a | b
        return len(a & b) / len(union) if union else 1.0
    return 1.0 if a == b else 0.0


@dataclass
class Precedent:
    """A library case near a scheme: its result, how similar, where they agree and differ."""

    file: str
    result: Result
    summary: str
    score: float
    agrees: list[str]  # feature names
    differences: list[tuple]  # (feature, yours, theirs), heaviest first
    kind: str = "hypothetical"  # the case's kind: documented | hypothetical

    @property
    def documented(self) -> bool:
        """Whether the precedent is a real, documented outcome."""
        return self.kind == "documented"

    @property
    def near(self) -> bool:
        """Whether it is at least NEAR similar."""
        return round(self.score, 9) >= NEAR


def compare_features(mine: dict, theirs: dict) -> tuple[float, list, list]:
    """The similarity of two schemes' features, the features they agree on, and how they differ."""
    total = sum(w for _, w in FEATURES)
    score, agrees, differs = 0.0, [], []
    for name, weight in FEATURES:
        a = agreement(mine[name], theirs[name])
        score += weight * a
        if a == 1.0:
            agrees.append(name)
        else:
            differs.append((weight, name, _diff(mine[name], theirs[name])))
    differs.sort(key=lambda d: (-d[0], d[1]))
    return score / total, agrees, [(n, y, t) for _, n, (y, t) in differs]


def _diff(mine, theirs):
    """For sets, only what differs: the items one side has and the other not."""
    if isinstance(mine, frozenset) and isinstance(theirs, frozenset):
        return mine - theirs, theirs - mine
    return mine, theirs


def default_cases_dir() -> Path | None:
    """The case library of the source tree; an installed wheel has none."""
    here = Path(__file__).resolve().parents[2] / "cases"
    return here if here.is_dir() else None


def load_library(checker, cases_dir=None) -> tuple[list, list[Diagnostic]]:
    """(path, scheme, result) for each readable case; problems are returned,
    not raised, so one broken case does not hide the rest."""
    folder = Path(cases_dir) if cases_dir else default_cases_dir()
    if folder is None or not folder.is_dir():
        shown = str(folder) if folder else "cases/"
        raise InputError([Diagnostic(
            "precedents.no_library",
            f"no case library found at {shown}" if folder else
            "this installation of vires has no case library (the cases/ folder of the source tree)",
            shown, hint="pass --cases DIR, a folder of case files such as cases/ in the vires repository")])
    library, problems = [], []
    for path in sorted(folder.glob("*.yaml")):
        try:
            scheme = checker.load(display_path(path))
            library.append((display_path(path), scheme, checker.check_scheme(scheme)))
        except InputError as err:
            problems += err.diagnostics
    return library, problems


def nearest(checker, scheme, result, library, limit: int = 3) -> list[Precedent]:
    """The ``limit`` library cases most similar to ``scheme``, best first."""
    mine = features(scheme.data, result)
    own = Path(scheme.file).resolve() if scheme.file else None
    out = []
    for path, case, case_result in library:
        if (case.id and case.id == scheme.id) or Path(path).resolve() == own:
            continue  # a case is never its own precedent
        score, agrees, differences = compare_features(mine, features(case.data, case_result))
        summary = " ".join(str(case.data.get("summary", "")).split())
        kind = "documented" if case.data.get("kind") == "documented" else "hypothetical"
        out.append(Precedent(str(path), case_result, summary, score, agrees, differences, kind))
    out.sort(key=lambda p: (not p.near, p.near and not p.documented, -round(p.score, 9), p.result.scheme, p.file))
    return out[:limit]


def only_hypothetical_near(precedents) -> bool:
    """Whether cases are near but none of them is documented."""
    return any(p.near for p in precedents) and not any(p.near and p.documented for p in precedents)


def no_case_near(precedents) -> bool:
    """Whether no case of those shown is near at all."""
    return bool(precedents) and not any(p.near for p in precedents)
