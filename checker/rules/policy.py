"""Loading the policy: declarative rules, one edition per jurisdiction and period.

A policy directory holds ``editions/*.yaml`` (one per jurisdiction and
period), ``common/*.yaml`` (rule sets that editions ``include``) and
``bodies.yaml`` (when each kind of body existed). Every file is validated
against ``policy.schema.json`` and every condition against the fact fields;
``load_policy`` returns the Policy or the diagnostics.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path

from ..dates import OPEN_END, is_open, looks_like_date
from ..diagnostics import Diagnostic, InputError, did_you_mean, display_path
from ..load.validate import validate_document
from ..load.yamlfile import load_yaml
from .conditions import check_condition


@dataclass(frozen=True)
class Rule:
    """A policy rule: its id, statement, basis, sources, condition and effect
    (a prohibition, ``ultra_vires``; a refusal, ``refused``; a ``risk``; a ``route``)."""

    id: str
    statement: str
    basis: str
    sources: tuple[str, ...]
    when: dict = field(compare=False, hash=False)
    effect: str = "risk"
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class Part:
    """A condition of a power: a **limit** (the act is within the power only if
    it holds), a **step** (until shown taken, the scheme is pending) or an
    **approval** (another body's formal approval; ``when`` says when it is
    needed). ``made`` is the maker's own formal decision, which every power needs."""

    id: str  # "<power>/<name>"
    kind: str  # limit | step | approval | made
    statement: str
    basis: str
    sources: tuple[str, ...]
    when: dict | None = field(default=None, compare=False, hash=False)
    body: str | None = None  # approvals: the kind of body; made: None (the maker)
    precondition: bool = False  # steps: must come before the maker's decision

    @property
    def name(self) -> str:
        """The part's name within its power: 'voluntary'."""
        return self.id.split("/", 1)[1]


@dataclass(frozen=True)
class Power:
    """A power: which bodies (``holder_kinds``, and for CCGs ``holder_levels``)
    may make which instruments over which parts of the contract, when, on
    which limits, steps and approvals, with its basis and sources."""

    id: str
    statement: str
    basis: str
    sources: tuple[str, ...]
    holder_kinds: tuple[str, ...]
    holder_levels: tuple[str, ...]
    instruments: tuple[str, ...]
    targets: tuple[str, ...]
    when: dict | None = field(default=None, compare=False, hash=False)
    limits: tuple[Part, ...] = ()
    steps: tuple[Part, ...] = ()
    approvals: tuple[Part, ...] = ()  # the maker's decision ('made') first
    file: str = ""
    line: int = 0

    def part(self, part_id: str) -> Part:
        """The limit, step or approval of this power with a given id."""
        return next(p for p in self.limits + self.steps + self.approvals if p.id == part_id)

    def components(self) -> tuple[Component, ...]:
        """The named conditions the engine evaluates for this power (COMPONENTS in
        docs/policy-format.md): holder, instrument, target, when, each limit and
        step, and each approval's need, grant and refusal."""
        return self._components

    @cached_property
    def reach(self) -> tuple[str, ...]:
        """The ids of the components that say whether the power reaches an act:
        its holder, instrument, target and when."""
        return tuple(f"{self.id}#{c}" for c in ("holder", "instrument", "target", "when"))

    @cached_property
    def inner(self) -> tuple[str, ...]:
        """The ids of its other components (and of limits and steps that have no
        condition): each limit and step, each approval's need, grant and refusal."""
        return tuple(p.id for p in self.limits + self.steps) + tuple(
            f"{a.id}#{x}" for a in self.approvals for x in ("needed", "granted", "refused"))

    @cached_property
    def _components(self) -> tuple[Component, ...]:  # built once: a check reads them several times
        holder: list[dict] = [{"field": "maker.kind", "in": list(self.holder_kinds)}]
        if self.holder_levels:
            holder.append({"field": "maker.co_commissioning", "in": list(self.holder_levels)})
        out = [Component(f"{self.id}#holder", holder[0] if len(holder) == 1 else {"all": holder}),
               Component(f"{self.id}#instrument", {"field": "change.instrument", "in": list(self.instruments)}),
               Component(f"{self.id}#target", {"field": "change.target", "in": list(self.targets)})]
        if self.when is not None:
            out.append(Component(f"{self.id}#when", self.when))
        out += [Component(p.id, p.when) for p in self.limits + self.steps if p.when is not None]
        for a in self.approvals:
            standing = "maker.standing" if a.kind == "made" else f"standing.{a.body}"
            if a.when is not None:
                out.append(Component(f"{a.id}#needed", a.when))
            out.append(Component(f"{a.id}#granted", {"field": standing, "eq": "granted"}))
            out.append(Component(f"{a.id}#refused", {"field": standing, "eq": "refused"}))
        return tuple(out)


@dataclass(frozen=True)
class Role:
    """What a kind of body may do in an edition, in one sentence, for the 'why'."""

    statement: str
    basis: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Component:
    """A named condition, evaluated by the engine to True, False or unknown.

    The engine knows only components; what a component means is the caller's."""

    id: str
    when: dict = field(compare=False, hash=False)


@dataclass(frozen=True)
class Edition:
    """An edition of the policy: the powers and rules in force in one jurisdiction over one period."""

    id: str
    title: str
    jurisdiction: str
    start: str
    end: str
    summary: str
    rules: tuple[Rule, ...]
    file: str = ""
    powers: tuple[Power, ...] = ()
    roles: dict[str, Role] = field(default_factory=dict, compare=False, hash=False)
    targets: tuple[str, ...] = ()

    def covers(self, jurisdiction: str, date: str) -> bool:
        """Whether the edition is in force in a jurisdiction on a date."""
        return self.jurisdiction == jurisdiction and self.start <= date <= self.end

    def rule(self, rule_id: str) -> Rule:
        """The rule of this edition with a given id."""
        return next(r for r in self.rules if r.id == rule_id)

    def power(self, power_id: str) -> Power:
        """The power of this edition with a given id."""
        return next(p for p in self.powers if p.id == power_id)

    @cached_property
    def derived(self) -> dict:
        """Tables a later stage derives from this edition and reads often (the
        verdict's: checker/evaluate/verdict.py), each made once and kept with
        the edition. Not a field: equality and hashing are unchanged, and a
        copy made with ``dataclasses.replace`` starts with none."""
        return {}

    @cached_property
    def components(self) -> tuple[Component, ...]:
        """Every named condition of the edition, in policy order: each power's
        components, then one per rule (built once per edition)."""
        out: list[Component] = []
        for power in self.powers:
            out += power.components()
        return tuple(out) + tuple(Component(rule.id, rule.when) for rule in self.rules)


@dataclass(frozen=True)
class Policy:
    """A policy read and checked: its editions, the bodies' lifespans and the negotiation file."""

    directory: str
    editions: tuple[Edition, ...]
    lifespans: dict[str, dict] = field(compare=False, hash=False)
    negotiation: dict = field(compare=False, hash=False, default_factory=dict)
    sources: dict = field(compare=False, hash=False, default_factory=dict)  # key -> rules.sources.Source

    def source(self, key: str):
        """The register's entry for a source key, or None."""
        return self.sources.get(key)

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
    from .sources import register_dir

    found = sorted(register_dir(root).glob("*.yaml"))  # the shipped register when it has none of its own
    found += [root / name for name in ("bodies.yaml", "negotiation.yaml") if (root / name).exists()]
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
    from .sources import read_register

    problems: list[Diagnostic] = []
    lifespans, negotiation = {}, {}
    register = read_register(root, problems)
    if (root / "bodies.yaml").exists():
        lifespans = _read_plain(root / "bodies.yaml", "bodies", problems)
    if (root / "negotiation.yaml").exists():
        from .negotiation import read_negotiation  # schema and path checks: `vires fix` relies on it

        negotiation = read_negotiation(root / "negotiation.yaml", display_path(root / "negotiation.yaml"), problems)
    commons, editions = {}, []
    for path in sorted((root / "common").glob("*.yaml")):
        entry = _read_rule_file(path, root, problems, register)
        if entry is not None:
            commons[path.relative_to(root).as_posix()] = entry
    for path in sorted((root / "editions").glob("*.yaml")):
        entry = _read_rule_file(path, root, problems, register)
        if entry is not None:
            editions.append(entry)
    return {"directory": str(root), "lifespans": lifespans or {}, "negotiation": negotiation or {},
            "register": {key: asdict(source) for key, source in register.items()},
            "commons": commons, "editions": editions}, problems


def build_policy(sources: dict, limits_checked: bool = False) -> tuple[Policy | None, list[Diagnostic]]:
    """The Policy made of what ``read_sources`` read. ``limits_checked``: the
    sources come from a policy cache entry of this very policy and code, so
    durable's limits were checked when it was written (two thirds of building
    the shipped policy; ``checker.rules.cache``)."""
    problems: list[Diagnostic] = []
    editions = []
    for entry in sources["editions"]:
        edition = _edition(entry, sources["commons"], problems)
        if edition:
            editions.append(edition)
    if not problems and not limits_checked:  # the limits of a well-formed policy only
        for edition in editions:
            problems += over_limits(edition)
    if problems:
        return None, problems
    editions.sort(key=lambda e: (e.jurisdiction, e.start))
    from .sources import Source

    register = {key: Source(**entry) for key, entry in sources["register"].items()}
    return Policy(sources["directory"], tuple(editions), sources["lifespans"], sources["negotiation"], register), []


def over_limits(edition: Edition) -> list[Diagnostic]:
    """A diagnostic for each component of the edition that durable-rules'
    fixed tables cannot hold (checker/rules/compile.py, LIMITS), at its rule or power."""
    from .compile import check_budget  # pure Python: durable is not loaded

    out = []
    for problem in check_budget(edition):
        owner = (problem.component or "").split("#")[0].split("/")[0]
        found = next((x for x in edition.rules + edition.powers if x.id == owner), None)
        file, line = (found.file, found.line) if found else (edition.file, 1)
        out.append(Diagnostic("policy.over_limit", problem.message(), file, line, 1, hint=(
            "split the condition into several, or test fewer values in it")))
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
            continue
        local = span.get("in", {})
        if not isinstance(local, dict) or not all(
                isinstance(over, dict) and set(over) <= {"label", "from", "to", "hint"}
                and all(looks_like_date(over[k]) for k in ("from", "to") if k in over)
                and all(isinstance(over[k], str) for k in ("label", "hint") if k in over)
                for over in local.values()):
            problems.append(doc.diagnostic("policy.bad_bodies", f"'in:' of '{kind}' must map each "
                                           "jurisdiction to its own label, from, to or hint",
                                           ("bodies", kind, "in"),
                                           "e.g. in: {northern_ireland: {to: 2022-03-31, hint: ...}}"))
    return bodies


def _read_rule_file(path: Path, root: Path, problems, register):
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
    for i, rule in enumerate(doc.data.get("rules", [])):
        problems += check_condition(rule["when"], ("rules", i, "when"), doc)
    for i, power in enumerate(doc.data.get("powers", [])):
        problems += _check_power(doc, power, ("powers", i))
    for kind in doc.data.get("roles", {}):
        problems += _check_values(doc, ("roles", kind), [kind], "maker.kind", key=True)
    problems += _check_sources(doc, register)
    problems += _check_values(doc, ("targets",), doc.data.get("targets", []), "change.target")
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


def _check_sources(doc, register) -> list[Diagnostic]:
    """A diagnostic for each source key a power, a part of one, a rule or a role cites that the register lacks."""
    from .sources import check_cited

    out = []
    for i, rule in enumerate(doc.data.get("rules", [])):
        out += check_cited(doc, ("rules", i, "sources"), rule["sources"], register, "policy.unknown_source")
    for i, power in enumerate(doc.data.get("powers", [])):
        out += check_cited(doc, ("powers", i, "sources"), power["sources"], register, "policy.unknown_source")
        for group in ("limits", "steps", "approvals"):
            for j, part in enumerate(power.get(group, [])):
                out += check_cited(doc, ("powers", i, group, j, "sources"), part.get("sources") or [],
                                   register, "policy.unknown_source")
    for kind, role in doc.data.get("roles", {}).items():
        out += check_cited(doc, ("roles", kind, "sources"), role["sources"], register, "policy.unknown_source")
    return out


def _check_values(doc, path, values, field, key=False) -> list[Diagnostic]:
    """A diagnostic for each value that the fact field cannot take."""
    from .facts import fields

    known = fields()[field]["values"]
    out = []
    for i, value in enumerate(values):
        if value not in known:
            where = path if key else path + (i,)
            out.append(doc.diagnostic("policy.bad_value", f"'{value}' is not an allowed value for {field}",
                                      where, did_you_mean(value, known), key=key))
    return out


def _check_power(doc, power: dict, path: tuple) -> list[Diagnostic]:
    """What the policy schema cannot say of a power: its values, conditions and part names."""
    holder = power["holder"]
    out = _check_values(doc, path + ("holder", "kinds"), holder["kinds"], "maker.kind")
    if "co_commissioning" in holder:
        out += _check_values(doc, path + ("holder", "co_commissioning"), holder["co_commissioning"],
                             "maker.co_commissioning")
        if holder["kinds"] != ["ccg"]:
            out.append(doc.diagnostic("policy.levels_not_ccg", "co-commissioning levels are a CCG's: "
                                      "a holder with levels must be kinds: [ccg]", path + ("holder",),
                                      "give the CCG power its own entry"))
    out += _check_values(doc, path + ("instruments",), power["instruments"], "change.instrument")
    out += _check_values(doc, path + ("targets",), power["targets"], "change.target")
    if "when" in power:
        out += check_condition(power["when"], path + ("when",), doc)
    names: dict[str, tuple] = {}
    for group in ("limits", "steps", "approvals"):
        for i, part in enumerate(power.get(group, [])):
            where = path + (group, i)
            if part["id"] == "made" or part["id"] in names:
                out.append(doc.diagnostic(
                    "policy.duplicate_id", f"the part name '{part['id']}' is "
                    + ("reserved for the maker's own decision" if part["id"] == "made" else
                       "used twice in this power"), where + ("id",),
                    "give each limit, step and approval of a power its own name"))
            names[part["id"]] = where
            if "when" in part:
                out += check_condition(part["when"], where + ("when",), doc)
            if group == "approvals":
                out += _check_values(doc, where, [part["body"]], "maker.kind", key=False)[:1]
            if part.get("precondition") and group != "steps":
                out.append(doc.diagnostic("policy.bad_value", "only a step can be a precondition",
                                          where + ("precondition",), "remove precondition"))
    return out


def _rules(doc) -> list[Rule]:
    out = []
    for i, r in enumerate(doc.data.get("rules", [])):
        out.append(Rule(r["id"], r["statement"].strip(), r["basis"].strip(), tuple(r["sources"]),
                        r["when"], r["effect"]["kind"], doc.file, doc.locate(("rules", i))[0]))
    return out


def _part(power: dict, kind: str, data: dict) -> Part:
    return Part(f"{power['id']}/{data['id']}", kind, data["statement"].strip(),
                (data.get("basis") or power["basis"]).strip(),
                tuple(data.get("sources") or power["sources"]), data.get("when"),
                data.get("body"), bool(data.get("precondition", False)))


#: The maker's own decision, which every power needs (docs/policy-format.md, "Powers").
MADE_STATEMENT = "The maker formally decides to make the change: until it has, nothing has been made."


def _powers(doc) -> list[Power]:
    out = []
    for i, p in enumerate(doc.data.get("powers", [])):
        made = Part(f"{p['id']}/made", "made", MADE_STATEMENT, p["basis"].strip(), tuple(p["sources"]))
        out.append(Power(
            p["id"], p["statement"].strip(), p["basis"].strip(), tuple(p["sources"]),
            tuple(p["holder"]["kinds"]), tuple(p["holder"].get("co_commissioning", ())),
            tuple(p["instruments"]), tuple(p["targets"]), p.get("when"),
            tuple(_part(p, "limit", x) for x in p.get("limits", [])),
            tuple(_part(p, "step", x) for x in p.get("steps", [])),
            (made,) + tuple(_part(p, "approval", x) for x in p.get("approvals", [])),
            doc.file, doc.locate(("powers", i))[0]))
    return out


def _roles(doc) -> dict[str, Role]:
    return {kind: Role(r["statement"].strip(), r["basis"].strip(), tuple(r["sources"]))
            for kind, r in doc.data.get("roles", {}).items()}


def _edition(entry, commons, problems) -> Edition | None:
    doc, data = entry["doc"], entry["doc"].data
    rules, powers, roles = _rules(doc), _powers(doc), {}
    targets = tuple(data.get("targets", ()))
    for name in entry["includes"]:
        if name in commons:  # (a common file with problems stops the load before this)
            common = commons[name]["doc"]
            rules += _rules(common)
            # A shared power reaches only the parts of the contract this edition
            # has (the Network Contract DES did not exist in 2014), and none at
            # all where it has none of them.
            for power in _powers(common):
                kept = tuple(t for t in power.targets if t in targets) if targets else power.targets
                if kept:
                    powers.append(replace(power, targets=kept))
            roles.update(_roles(common))
    roles.update(_roles(doc))  # the edition's own words win over a shared set's
    seen: dict[str, str] = {}
    for item in powers + rules:
        if item.id in seen:
            problems.append(Diagnostic(
                "policy.duplicate_id", f"the id '{item.id}' is used twice in edition "
                f"'{data.get('edition')}'", item.file, item.line, 1,
                hint=f"the other is at {seen[item.id]}; power and rule ids must be unique"))
        seen[item.id] = f"{item.file}:{item.line}"
    if any(key not in data for key in ("edition", "jurisdiction", "from")):
        return None  # reported as policy.missing_field by _read_rule_file
    for power in _powers(doc):
        outside = [t for t in power.targets if targets and t not in targets]
        if outside:
            problems.append(Diagnostic(
                "policy.target_not_in_edition", f"power '{power.id}' reaches {', '.join(outside)}, "
                f"which edition '{data['edition']}' does not list among its targets",
                power.file, power.line, 1, hint="add it to the edition's targets, or remove it from the power"))
    return Edition(data["edition"], data["title"], data["jurisdiction"], data["from"],
                   data.get("to") or OPEN_END, (data.get("summary") or "").strip(),
                   tuple(rules), doc.file, tuple(powers), roles, targets)
