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

    policy, problems = load_cached(Path(directory), read_sources, build_policy, policy_files)
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
    sources, problems = read_sources(directory)
    if problems or sources is None:
        return None, problems
    return build_policy(sources)


def policy_files(root: Path) -> list[Path]:
    """Every file the policy loader reads, in the order it reads them (the
    policy cache's key hashes exactly these)."""
    found = [root / name for name in ("bodies.yaml", "negotiation.yaml") if (root / name).exists()]
    for folder in ("common", "editions"):
        found += sorted((root / folder).glob("*.yaml"))
    return found


def read_sources(directory) -> tuple[dict | None, list[Diagnostic]]:
    """Every file of a policy directory read and checked, as the data
    ``build_policy`` makes a Policy of: the bodies' lifespans, the
    negotiation file, and each rule file's document with the common files it
    includes. It is plain data but for the documents (the YAML as loaded,
    with its positions), so ``checker.rules.cache`` can keep it as JSON."""
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
    commons, editions = {}, []
    for path in sorted((root / "common").glob("*.yaml")):
        entry = _read_rule_file(path, root, problems)
        if entry is not None:
            commons[path.relative_to(root).as_posix()] = entry
    for path in sorted((root / "editions").glob("*.yaml")):
        entry = _read_rule_file(path, root, problems)
        if entry is not None:
            editions.append(entry)
    return {"directory": str(root), "lifespans": lifespans or {}, "negotiation": negotiation or {},
            "commons": commons, "editions": editions}, problems


def build_policy(sources: dict) -> tuple[Policy | None, list[Diagnostic]]:
    """The Policy made of what ``read_sources`` read."""
    problems: list[Diagnostic] = []
    editions = []
    for entry in sources["editions"]:
        edition = _edition(entry, sources["commons"], problems)
        if edition:
            problems += check_budget(edition)
            editions.append(edition)
    if problems:
        return None, problems
    editions.sort(key=lambda e: (e.jurisdiction, e.start))
    return Policy(sources["directory"], tuple(editions), sources["lifespans"], sources["negotiation"]), []


def check_budget(edition: Edition) -> list[Diagnostic]:
    """The rule engine's located refusal of an edition too large for it to
    check in time linear in its rules (``checker.rules.compile.check_budget``,
    where the engine has it)."""
    engine_budget = _engine_budget()
    return list(engine_budget(edition) or []) if engine_budget else []


@lru_cache(maxsize=1)
def _engine_budget():
    try:  # looked for once: a missing module is searched for on every import
        from .compile import check_budget as engine_budget
    except ImportError:
        return None
    return engine_budget


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
    includes = []
    for i, name in enumerate(doc.data.get("include", [])):
        common = included_file(root, name)
        if common is None:
            problems.append(doc.diagnostic(
                "policy.bad_include", f"'{name}' is not a file of this policy's common/ folder",
                ("include", i), "an edition includes shared rules by their path in the policy folder, "
                "e.g. common/england.yaml"))
        elif not (root / common).is_file():
            problems.append(doc.diagnostic("policy.missing_include",
                                           f"the included file '{name}' does not exist",
                                           ("include", i), "paths are relative to the policy folder"))
        else:
            includes.append(common)
    return {"doc": doc, "includes": includes}


def included_file(root: Path, name) -> str | None:
    """The common file an include names, as 'common/NAME.yaml' ('./common/x.yaml'
    is 'common/x.yaml'), or None when it names none: an absolute path, a path
    that leads out of the policy folder (../../x, /etc/passwd, a link), or
    anything but a .yaml file directly in common/. On main such an include
    passed the existence check and silently added no rules."""
    if not isinstance(name, str) or Path(name).is_absolute() or "\\" in name:
        return None
    common = (root / "common").resolve()
    try:
        inside = (root / name).resolve().relative_to(common)
    except (ValueError, OSError):
        return None
    if len(inside.parts) != 1 or inside.suffix != ".yaml":
        return None
    return f"common/{inside.name}"


def _rules(doc) -> list[Rule]:
    out = []
    for i, r in enumerate(doc.data["rules"]):
        out.append(Rule(r["id"], r["statement"].strip(), r["basis"].strip(), tuple(r["sources"]),
                        r["when"], r["effect"]["kind"], r["effect"].get("body"),
                        doc.file, doc.locate(("rules", i))[0]))
    return out


def _edition(entry, commons, problems) -> Edition | None:
    doc = entry["doc"]
    data = doc.data
    rules = _rules(doc)
    for name in entry["includes"]:
        if name in commons:  # (a common file with problems stops the load before this)
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
