"""Loading the policy: declarative rules, one edition per jurisdiction and period.

A policy directory holds ``editions/*.yaml`` (one per jurisdiction and
period), ``common/*.yaml`` (rule sets that editions ``include``) and
``bodies.yaml`` (when each kind of body existed). Every file is validated
against ``policy.schema.json`` and every condition against the fact fields;
``load_policy`` returns the Policy or the diagnostics.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..dates import OPEN_END, is_open, looks_like_date
from ..diagnostics import Diagnostic, InputError, display_path
from ..load.validate import validate_document
from ..load.yamlfile import load_yaml
from .conditions import check_condition


@dataclass(frozen=True)
class Rule:
    """A policy rule: its id, statement, basis, sources, condition and effect."""

    id: str
    statement: str
    basis: str
    sources: tuple[str, ...]
    when: dict = field(compare=False, hash=False)
    effect: str = "risk"
    body: str | None = None
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class Component:
    """A named condition the engine evaluates: for now one per rule (its ``when``).
    The engine knows only components; what a component means is the caller's."""
    id: str
    when: dict = field(compare=False, hash=False)


@dataclass(frozen=True)
class Edition:
    """An edition of the policy: the rules in force in one jurisdiction over one period."""

    id: str
    title: str
    jurisdiction: str
    start: str
    end: str
    summary: str
    rules: tuple[Rule, ...]
    file: str = ""

    def covers(self, jurisdiction: str, date: str) -> bool:
        """Whether the edition is in force in a jurisdiction on a date."""
        return self.jurisdiction == jurisdiction and self.start <= date <= self.end

    def rule(self, rule_id: str) -> Rule:
        """The rule of this edition with a given id."""
        return next(r for r in self.rules if r.id == rule_id)

    @property
    def components(self) -> tuple[Component, ...]:
        """What the engine evaluates for this edition, in policy order: one
        component per rule, named by the rule's id."""
        return tuple(Component(rule.id, rule.when) for rule in self.rules)


@dataclass(frozen=True)
class Policy:
    """A policy read and checked: its editions, the bodies' lifespans and the negotiation file."""

    directory: str
    editions: tuple[Edition, ...]
    lifespans: dict[str, dict] = field(compare=False, hash=False)
    negotiation: dict = field(compare=False, hash=False, default_factory=dict)

    def edition_for(self, jurisdiction: str, date: str) -> Edition | None:
        """The edition in force in a jurisdiction on a date, or None."""
        for edition in self.editions:
            if edition.covers(jurisdiction, date):
                return edition
        return None

    def edition(self, edition_id: str) -> Edition | None:
        """The edition with a given id, or None."""
        return next((e for e in self.editions if e.id == edition_id), None)

    def no_edition(self, jurisdiction: str, date: str, file: str, line: int = 0,
                   column: int = 0) -> Diagnostic:
        """The diagnostic for a scheme dated where no edition of this policy covers it."""
        return Diagnostic("scheme.no_edition", f"no policy edition covers {jurisdiction} on {date}",
                          file, line, column, ("date",),
                          f"editions for {jurisdiction} cover: {self.coverage(jurisdiction)}")

    def coverage(self, jurisdiction: str) -> str:
        """The periods a jurisdiction's editions cover, in words: '2013-04-01 to 2015-03-31; ...'."""
        spans = [f"{e.start} to {'now' if is_open(e.end) else e.end}"
                 for e in self.editions if e.jurisdiction == jurisdiction]
        return "; ".join(spans) or "none"


def default_policy_dir() -> Path:
    """The shipped policy: checker/policy in a wheel, policy/ in the source tree."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "policy", package.parent / "policy"):
        if (candidate / "editions").is_dir():
            return candidate
    raise FileNotFoundError("the shipped policy is missing; reinstall vires")


def load_policy(directory=None) -> Policy:
    """The policy in ``directory`` (default: the shipped one); raises InputError."""
    directory = Path(directory) if directory else default_policy_dir()
    return _load_cached(str(directory.resolve()))


@lru_cache(maxsize=8)
def _load_cached(directory: str) -> Policy:
    from .cache import load_cached

    policy, problems = load_cached(Path(directory), read_policy)
    if problems:
        raise InputError(problems)
    return policy


def shared_sets(policy: Policy) -> dict[str, dict]:
    """The title and summary of each shared rule set (common/*.yaml), by file stem."""
    out = {}
    for path in sorted((Path(policy.directory) / "common").glob("*.yaml")):
        doc, _ = load_yaml(path)
        data = doc.data if doc and isinstance(doc.data, dict) else {}
        out[path.stem] = {"title": data.get("title", path.stem), "summary": data.get("summary", "")}
    return out


def read_policy(directory) -> tuple[Policy | None, list[Diagnostic]]:
    """Read and check every file of a policy directory."""
    root = Path(directory)
    if not (root / "editions").is_dir():
        return None, [Diagnostic("policy.no_editions", f"{root} has no editions/ folder",
                                 str(root), hint="a policy folder holds editions/, common/ and bodies.yaml")]
    problems: list[Diagnostic] = []
    lifespans, negotiation = {}, {}
    if (root / "bodies.yaml").exists():
        lifespans = _read_plain(root / "bodies.yaml", "bodies", problems)
    if (root / "negotiation.yaml").exists():
        from .negotiation import read_negotiation  # schema and path checks: `vires fix` relies on it

        negotiation = read_negotiation(root / "negotiation.yaml", display_path(root / "negotiation.yaml"), problems)
    commons = {}
    for path in sorted((root / "common").glob("*.yaml")):
        data = _read_rule_file(path, root, problems)
        if data is not None:
            commons[path.relative_to(root).as_posix()] = data
    editions = []
    for path in sorted((root / "editions").glob("*.yaml")):
        data = _read_rule_file(path, root, problems)
        if data is not None:
            edition = _edition(data, commons, problems)
            if edition:
                editions.append(edition)
    if not problems:  # the limits of a well-formed policy only
        for edition in editions:
            problems += over_limits(edition)
    if problems:
        return None, problems
    editions.sort(key=lambda e: (e.jurisdiction, e.start))
    return Policy(str(root), tuple(editions), lifespans or {}, negotiation or {}), []


def over_limits(edition: Edition) -> list[Diagnostic]:
    """A diagnostic for each component of the edition that durable-rules'
    fixed tables cannot hold (checker/rules/compile.py, LIMITS), at its rule."""
    from .compile import check_budget  # pure Python: durable is not loaded

    out = []
    for problem in check_budget(edition):
        rule = next((r for r in edition.rules if r.id == problem.component), None)
        file, line = (rule.file, rule.line) if rule else (edition.file, 1)
        out.append(Diagnostic("policy.over_limit", problem.message(), file, line, 1, hint=(
            "split the condition into several rules, or test fewer values in it")))
    return out


def _read_plain(path, key, problems):
    doc, found = load_yaml(path, display_path(path))
    problems += found
    if doc is None:
        return {}
    if not isinstance(doc.data, dict) or key not in doc.data:
        problems.append(doc.diagnostic(f"policy.bad_{key}", f"{path.name} must hold a '{key}:' mapping",
                                       (), f"start the file with '{key}:'"))
        return {}
    if key == "bodies":
        return _lifespans(doc, problems)
    return doc.data[key]


def _lifespans(doc, problems) -> dict:
    """bodies.yaml maps each kind of body to {label, from, to, hint?}; the
    scheme checks index it directly, so a malformed entry must stop here."""
    bodies, example = doc.data["bodies"], "e.g. ccg: {label: CCG, from: 2013-04-01, to: 2022-06-30}"
    if not isinstance(bodies, dict):
        problems.append(doc.diagnostic("policy.bad_bodies", "'bodies:' must map each kind of body "
                                       "to when it existed", ("bodies",), example))
        return {}
    for kind, span in bodies.items():
        if not (isinstance(span, dict) and isinstance(span.get("label"), str)
                and all(looks_like_date(span.get(k)) for k in ("from", "to"))):
            problems.append(doc.diagnostic("policy.bad_bodies", f"the entry for '{kind}' needs a label "
                                           "and from and to dates", ("bodies", kind), example))
    return bodies


def _read_rule_file(path: Path, root: Path, problems):
    doc, found = load_yaml(path, display_path(path))
    if doc is None:
        problems += found
        return None
    if not isinstance(doc.data, dict):
        problems.append(doc.diagnostic("policy.not_mapping", "a policy file must be a mapping",
                                       (), "start with 'title:' and 'rules:'"))
        return None
    found += validate_document(doc, "policy", "policy")
    if found:
        problems += found
        return None
    is_edition = path.parent.name == "editions"
    needed = ("edition", "jurisdiction", "from") if is_edition else ("common",)
    for key in needed:
        if key not in doc.data:
            problems.append(doc.diagnostic("policy.missing_field",
                                           f"this file needs the field '{key}'", (), f"add '{key}:'"))
    for i, rule in enumerate(doc.data["rules"]):
        problems += check_condition(rule["when"], ("rules", i, "when"), doc)
        effect = rule["effect"]
        if (effect["kind"] == "approval_required") != ("body" in effect):
            problems.append(doc.diagnostic(
                "policy.effect_body",
                "an approval_required effect names a body, and only it does",
                ("rules", i, "effect"), "e.g. effect: {kind: approval_required, body: nhse_national}"))
    for i, name in enumerate(doc.data.get("include", [])):
        if not (root / name).is_file():
            problems.append(doc.diagnostic("policy.missing_include",
                                           f"the included file '{name}' does not exist",
                                           ("include", i), "paths are relative to the policy folder"))
    return {"doc": doc, "data": doc.data}


def _rules(doc) -> list[Rule]:
    out = []
    for i, r in enumerate(doc.data["rules"]):
        out.append(Rule(r["id"], r["statement"].strip(), r["basis"].strip(), tuple(r["sources"]),
                        r["when"], r["effect"]["kind"], r["effect"].get("body"),
                        doc.file, doc.locate(("rules", i))[0]))
    return out


def _edition(entry, commons, problems) -> Edition | None:
    doc, data = entry["doc"], entry["data"]
    rules = _rules(doc)
    for name in data.get("include", []):
        if name in commons:
            rules += _rules(commons[name]["doc"])
    seen: dict[str, str] = {}
    for rule in rules:
        if rule.id in seen:
            problems.append(Diagnostic(
                "policy.duplicate_id", f"rule id '{rule.id}' is used twice in edition "
                f"'{data.get('edition')}'", rule.file, rule.line, 1,
                hint=f"the other is at {seen[rule.id]}; rule ids must be unique"))
        seen[rule.id] = f"{rule.file}:{rule.line}"
    if any(key not in data for key in ("edition", "jurisdiction", "from")):
        return None  # reported as policy.missing_field by _read_rule_file
    return Edition(data["edition"], data["title"], data["jurisdiction"], data["from"],
                   data.get("to") or OPEN_END, (data.get("summary") or "").strip(),
                   tuple(rules), doc.file)
