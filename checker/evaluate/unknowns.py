"""Unknown facts: the verdict for each value, and what to find out first.

Silence in a scheme is a question to ask, never a "no". When the verdict of
a scheme depends on facts it leaves unknown (``checker.evaluate.verdict``
cannot settle it), vires **splits** on one of them: it fills in each value
the edition's conditions tell apart (a **value class**), checks again, and
goes on splitting until every branch has one outcome. The result is a list
of **branches**: the facts given on the way (``Filled``) and the outcome for
every scheme that agrees with them.

Which fact to split on: the scheme path read by the most unknown components
the verdict depends on; ties go to the earlier field in ``ASK_ORDER`` (the
scheme schema's order), then to the earlier path. Value classes: a yes/no
fact, yes and no; a fixed choice, each value in the schema's order (a maker,
each kind of body that existed on the scheme's date); a number or a date,
the ranges its edition's conditions distinguish, each filled in with its
lowest member. Siblings with the same outcome are shown as one branch.

A split checks many schemes that differ from each other in a fact or two;
what each does not change is not redone: the engine is asked only for
truths not yet seen for the same field values (``checker.rules.engine.Family``),
each assignment of truths is assessed once, each path's value classes are
found once (docs/performance.md, "The split").
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..dates import add_days, contract_year_start, in_contract_month
from ..load.schema import fixed_values, node_at, unwrap
from ..load.scheme import existed
from ..rules.conditions import atoms
from ..rules.facts import UNKNOWN, act_facts, body_kinds, fields, scheme_facts, targets, unknown_sources
from ..rules.policy import Edition
from .verdict import Outcome, Truths, assess, decisive_components, essence, unread

#: The order in which vires asks for facts, by the first keys of a path.
ASK_ORDER = (
    ("maker",), ("change", "instrument"), ("change", "practice_opt_in"), ("change", "scope"),
    ("change", "share_of_points"), ("change", "income"), ("change", "remaining_indicators_continue"),
    ("change", "alternative_work"), ("decisions",), ("consultations", "lmc"), ("consultations", "gpc"),
    ("consultations", "local_weeks"), ("circumstances", "national_incident_level"),
    ("effective_from",), ("effective_to",), ("requested_by",), ("parties",),
)
#: The most branches an answer lists; a scheme that needs more is told to settle facts first.
MAX_BRANCHES = 64


@dataclass(frozen=True)
class Filled:
    """A fact filled in on the way to a branch: its scheme path and the values
    of its class (one value, or several that gave the same outcome)."""

    path: tuple
    values: tuple
    ranges: tuple = ()  # numbers: ((low, high), ...) of the class; dates: ((first, last), ...)


@dataclass(frozen=True)
class Leaf:
    """The outcome of every scheme that agrees with the facts given."""

    given: tuple[Filled, ...]
    outcome: Outcome


@dataclass(frozen=True)
class Resolution:
    """A scheme's answer with unknowns: its branches, the facts to find out, and
    whether every branch was listed (False past ``MAX_BRANCHES``)."""

    branches: tuple[Leaf, ...]
    ask: tuple[tuple, ...]
    complete: bool = True


def acts_of(data: dict, evaluate: Callable[[dict], Truths],
            records: dict[str, dict] | None = None) -> list[tuple[str, Truths]]:
    """Each act of a scheme (target, truths), its facts (``records``, by target,
    when already built) evaluated by ``evaluate``."""
    return [(t, evaluate(facts)) for t, facts in (records or scheme_facts(data)).items()]


def _order(path: tuple) -> tuple:
    for rank, prefix in enumerate(ASK_ORDER):
        if path[:len(prefix)] == prefix:
            return (rank, tuple(str(p) for p in path))
    return (len(ASK_ORDER), tuple(str(p) for p in path))


def split_path(edition: Edition, data: dict, acts: list[tuple[str, Truths]],
               records: dict[str, dict] | None = None, reads: dict[str, set] | None = None) -> tuple | None:
    """The scheme path to split on: read by the most unknown decisive components.
    ``reads``: the fields each component reads, as far as found (filled in here;
    ``resolve`` keeps one for all its splits)."""
    reads = {} if reads is None else reads
    conditions: dict | None = None
    decisive = set(decisive_components(edition))
    records = records or scheme_facts(data)
    counts: dict[tuple, int] = {}
    sources: dict | None = None
    for target, truths in acts:
        if None not in truths.values():
            continue  # nothing unknown in this act
        # the same for every act: the acts' records differ in change.target alone, never unknown
        sources = sources if sources is not None else unknown_sources(data, records[target])
        skip = unread(edition, truths)
        for cid, value in truths.items():
            if value is not None or cid not in decisive or cid in skip:
                continue
            if cid not in reads:
                conditions = conditions or {c.id: c.when for c in edition.components}
                reads[cid] = {f"{lst}.{f}" if lst else f for lst, f, _, _ in atoms(conditions[cid])}
            for field in reads[cid]:
                for path in sources.get(field, ()):
                    counts[path] = counts.get(path, 0) + 1
    if not counts:
        return None
    return min(counts, key=lambda p: (-counts[p], _order(p)))


def fill(data: dict, path: tuple, value) -> dict:
    """A copy of a scheme with the fact at ``path`` set to ``value``. Only the
    mappings and lists along the path are copied; the rest is shared with
    ``data``, which no check changes."""
    out = dict(data)
    node: dict | list = out
    for part in path[:-1]:
        key = int(part) if isinstance(node, list) else part
        child = node[key] if isinstance(node, list) else node.get(key)
        if isinstance(child, list):  # keep a list: decisions.1.status
            child = list(child)
        elif isinstance(child, dict):
            child = dict(child)
        else:
            child = {}
        node[key] = child
        node = child
    if isinstance(node, list):
        node[int(path[-1])] = value
    else:
        node[path[-1]] = value
    return out


def _fact_fields(path: tuple) -> list[str]:
    """The fact fields a scheme path settles (for the conditions that split its values)."""
    head = ".".join(str(p) for p in path if not isinstance(p, int) and not str(p).isdigit())
    if head == "effective_from":
        return ["effective_from", "timing.month_of_contract_year", "timing.in_year"]
    return [head]


def _thresholds(edition: Edition, names: list[str]) -> list:
    out = []
    for component in edition.components:
        for lst, field, op, value in atoms(component.when):
            full = f"{lst}.{field}" if lst else field
            if full in names and op in ("eq", "ne", "lt", "le", "gt", "ge", "between", "in", "not_in"):
                out += value if isinstance(value, list) else [value]
    return out


def _classes_by_atoms(edition: Edition, names: list[str], candidates: list, facts_of) -> list[list]:
    """Candidates grouped by the truth of every comparison on ``names``."""
    comparisons = [(f"{lst}.{f}" if lst else f, op, v) for c in edition.components
                   for lst, f, op, v in atoms(c.when) if (f"{lst}.{f}" if lst else f) in names]
    groups: dict[tuple, list] = {}
    for candidate in candidates:
        facts = facts_of(candidate)
        key = tuple(_compare(facts[name], op, v) for name, op, v in comparisons)
        groups.setdefault(key, []).append(candidate)
    return list(groups.values())


def _compare(x, op, v) -> bool:
    return {"eq": lambda: x == v, "ne": lambda: x != v, "lt": lambda: x < v, "le": lambda: x <= v,
            "gt": lambda: x > v, "ge": lambda: x >= v, "in": lambda: x in v,
            "not_in": lambda: x not in v, "between": lambda: v[0] <= x <= v[1]}[op]()


def _ranges(values: list) -> tuple:
    """Integer or date members as contiguous (low, high) ranges."""
    out: list[list] = []
    for v in sorted(values):
        if out and _next(out[-1][1]) == v:
            out[-1][1] = v
        else:
            out.append([v, v])
    return tuple((a, b) for a, b in out)


def _next(v):
    return add_days(v, 1) if isinstance(v, str) else v + 1


def value_classes(edition: Edition, data: dict, path: tuple, lifespans: dict) -> list[Filled]:
    """The values a scheme path can take that the edition tells apart, each as a Filled."""
    if path == ("maker",):
        kinds = [k for k in body_kinds() if existed(lifespans, k, data["date"], data.get("jurisdiction"))]
        return [Filled(path, ({"kind": k},)) for k in kinds]
    if path == ("change", "alternative_work"):
        return [Filled(path, ("none",)), Filled(path, ({"measurement": UNKNOWN},))]
    names = _fact_fields(path)
    spec = fields().get(names[0])
    node, _ = unwrap(node_at(path))
    values = [v for v in (fixed_values(node) or []) if v != UNKNOWN]
    if values:
        return [Filled(path, (v,)) for v in values]
    if names[0] == "effective_from":
        return _date_classes(edition, data, path, names)
    if names[0] == "effective_to":
        return _end_classes(edition, data, path)
    low, high = (spec or {}).get("min", 0), (spec or {}).get("max", 0)
    integer = (spec or {}).get("type") == "int"
    points = {low, high}
    for t in _thresholds(edition, names):
        if isinstance(t, (int, float)) and not isinstance(t, bool):
            points.update({t - 1, t, t + 1} if integer else {t})
    points = {p for p in points if low <= p <= high}
    if not integer:
        ordered = sorted(points)
        points.update((a + b) / 2 for a, b in zip(ordered, ordered[1:]))
    candidates = sorted(points)
    groups = _classes_by_atoms(edition, names, candidates, lambda v: {names[0]: v})
    out = []
    for group in sorted(groups, key=min):
        ranges = _ranges(group) if integer else tuple((v, v) for v in sorted(group))
        if integer:  # a class holds every integer of the gaps its members bound
            ranges = _fill_int_ranges(edition, names, ranges, low, high, group)
        out.append(Filled(path, (min(group),), ranges))
    return out


def _fill_int_ranges(edition, names, ranges, low, high, group):
    """Widen each candidate range to every integer with the same comparisons."""
    key = lambda v: tuple(_compare(v, op, t) for lst, f, op, t in
                          (a for c in edition.components for a in atoms(c.when))
                          if (f"{lst}.{f}" if lst else f) in names)
    want = key(group[0])
    members = [v for v in range(low, high + 1) if key(v) == want] if high - low <= 10_000 else group
    return _ranges(members)


def _date_classes(edition: Edition, data: dict, path: tuple, names: list[str]) -> list[Filled]:
    year = contract_year_start(data["date"])
    candidates = set()
    for month in range(1, 13):
        first = in_contract_month(year, month, day=1)
        candidates.update({first, add_days(first, 1)})
    for t in _thresholds(edition, ["effective_from"]):
        if isinstance(t, str):
            candidates.update({add_days(t, -1), t, add_days(t, 1)})

    def facts_of(v):
        facts = act_facts({**data, "effective_from": v}, targets(data)[0])
        return {"effective_from": v, "timing.month_of_contract_year": facts["timing"]["month_of_contract_year"],
                "timing.in_year": facts["timing"]["in_year"]}
    groups = _classes_by_atoms(edition, names, sorted(candidates), facts_of)
    return [Filled(path, (min(g),), tuple((v, v) for v in sorted(g))) for g in sorted(groups, key=min)]


def _end_classes(edition: Edition, data: dict, path: tuple) -> list[Filled]:
    """effective_to: the day before, of and after each date the edition compares it with
    (the scheme's date when it compares it with none)."""
    candidates = {data["date"]}
    for t in _thresholds(edition, ["effective_to"]):
        if isinstance(t, str):
            candidates.update({add_days(t, -1), t, add_days(t, 1)})
    groups = _classes_by_atoms(edition, ["effective_to"], sorted(candidates), lambda v: {"effective_to": v})
    return [Filled(path, (min(g),), tuple((v, v) for v in sorted(g))) for g in sorted(groups, key=min)]


def resolve(edition: Edition, data: dict, acts: list[tuple[str, Truths]], records: dict[str, dict],
            evaluate: Callable[[dict], Truths], lifespans: dict) -> Resolution:
    """Every outcome of a scheme whose verdict depends on unknown facts, given
    its acts and their fact records (``acts_of``). ``evaluate`` gives the truth
    of at least every component the verdict reads (``decisive_components``):
    ``assess`` and ``split_path`` read no other."""
    ask: list[tuple] = []
    complete = [True]
    root = (acts, records)
    # Many schemes filled in on the way have the same truths (a fact that
    # changes no component the verdict reads): each is assessed once. Below
    # the root every act's truths hold the same components in the same order
    # (``evaluate``'s), so the targets and truth values are the whole key.
    outcomes: dict[tuple, Outcome | None] = {}
    classes: dict[tuple, list[Filled]] = {}  # by path: the same for every scheme on the way
    reads: dict[str, set] = {}  # split_path's fields read by each component

    def explore(scheme: dict, given: tuple) -> list[Leaf]:
        if given:
            records = scheme_facts(scheme)
            acts = acts_of(scheme, evaluate, records)
            key = tuple((target, tuple(truths.values())) for target, truths in acts)
            if key not in outcomes:
                outcomes[key] = assess(edition, acts)
            outcome = outcomes[key]
        else:  # the scheme itself, already evaluated
            acts, records = root
            outcome = assess(edition, acts)
        if outcome is not None:
            return [Leaf(given, outcome)]
        path = split_path(edition, scheme, acts, records, reads)
        if path is None or len(given) > 24:
            raise RuntimeError("an unknown component reads no unknown fact")  # a bug, never a verdict
        if path not in ask:
            ask.append(path)
        children: list[list[Leaf]] = []
        listed = 0  # branches in children
        if path not in classes:
            classes[path] = value_classes(edition, scheme, path, lifespans)
        for value in classes[path]:
            if listed >= MAX_BRANCHES:
                complete[0] = False
                break
            children.append(explore(fill(scheme, path, value.values[0]), given + (value,)))
            listed += len(children[-1])
        return _merge(children)

    branches = explore(data, ())
    return Resolution(tuple(branches), tuple(ask), complete[0])


def _merge(children: list[list[Leaf]]) -> list[Leaf]:
    """Siblings that are single branches with the same outcome become one branch."""
    out: list[Leaf] = []
    kinds: list[tuple] = []  # the essence of each branch of out, worked out once
    for branches in children:
        if len(branches) == 1:
            leaf = branches[0]
            kind = essence(leaf.outcome)
            twin = next((i for i, b in enumerate(out) if kinds[i] == kind
                         and b.given[:-1] == leaf.given[:-1] and b.given and leaf.given
                         and b.given[-1].path == leaf.given[-1].path), None)
            if twin is not None:  # the merged branch keeps its essence
                last, new = out[twin].given[-1], leaf.given[-1]
                merged = Filled(last.path, last.values + new.values, last.ranges + new.ranges)
                out[twin] = Leaf(out[twin].given[:-1] + (merged,), leaf.outcome)
                continue
        out.extend(branches)
        kinds.extend(essence(b.outcome) for b in branches)
    if len(out) == 1 and out[0].given:  # every value gave the same outcome: the fact does not matter
        return [Leaf(out[0].given[:-1], out[0].outcome)]
    return out
