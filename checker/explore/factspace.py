"""The finite fact space of an edition: every value its rules distinguish.

A rule can only tell apart the values its conditions name, so for each
edition the schemes that matter are finite. A **dimension** is one
independent choice in a scheme (a field such as ``change.instrument``, the
scheme's ``date``, when it takes effect, or the contents of a list); its
**values** are scheme fragments: every value a condition names, one "any
other" value, and for numbers and dates each boundary with the points on
either side of it. ``lint`` and ``verify`` build schemes from these values
and run them through the real engine.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

from ..dates import CONTRACT_YEAR_START, add_days, in_contract_month, is_open
from ..load.scheme import existed_during, semantic_problems
from ..load.yamlfile import Document
from ..rules.conditions import atoms, quantifiers
from ..rules.facts import DEFAULTS, LISTS, fields

ORDERING = ("lt", "le", "gt", "ge", "between")
#: The fact fields each dimension decides (timing follows effective_from).
SCALAR_DIMENSIONS = {
    "effective_from": ("effective_from", "timing.month_of_contract_year", "timing.in_year"),
    "change.alternative_work": ("change.alternative_work.present",
                                "change.alternative_work.measurement"),
}


@dataclass(frozen=True)
class Dimension:
    """One independent choice in a scheme, and the values of it that the rules tell apart."""

    name: str
    values: tuple[tuple, ...]  # each a tuple of (scheme path, value) assignments; () = left out
    labels: tuple[str, ...]
    short: tuple[int, ...] = ()  # indices of the values used when lists must be short (0..1 items)

    def indices(self, short=False):
        """The indices of the values to use (with ``short``, those that keep lists to 0 or 1 item)."""
        return self.short if short and self.short else tuple(range(len(self.values)))


def dimension_of(item_of, field) -> str:
    """The dimension a tested fact field belongs to."""
    if item_of or field.split(".")[0] in LISTS:
        return item_of or field.split(".")[0]
    for name, members in SCALAR_DIMENSIONS.items():
        if field in members:
            return name
    return field


class FactSpace:
    """The dimensions of one edition, and the schemes built from them."""

    def __init__(self, edition, lifespans: dict, max_list: int = 2):
        self.edition = edition
        self.lifespans = lifespans or {}
        self.max_list = max_list
        self.atoms: dict[str, list[tuple]] = {}  # dimension -> [(list, field, op, value)]
        self.rule_dims: dict[str, tuple[str, ...]] = {}  # what a rule's verdict depends on
        self.condition_dims: dict[str, tuple[str, ...]] = {}  # what its firing depends on
        for rule in edition.rules:
            dims = []
            for atom in atoms(rule.when):
                dim = dimension_of(atom[0], atom[1])
                self.atoms.setdefault(dim, []).append(atom)
                if dim not in dims:
                    dims.append(dim)
            if any(d in LISTS for d in dims) and "date" not in dims:
                dims.append("date")  # which bodies exist depends on the date
            self.condition_dims[rule.id] = tuple(dims)
            if rule.effect == "approval_required" and "decisions" not in dims:
                dims.append("decisions")  # the approval's status comes from decisions
            self.rule_dims[rule.id] = tuple(dims)
        self.approval_bodies = list(dict.fromkeys(
            r.body for r in edition.rules if r.effect == "approval_required"))
        self.dimensions = {d.name: d for d in self._dimensions()}

    # -- building the dimensions -------------------------------------------------
    def _dimensions(self):
        yield self._dates()
        yield self._effective_from()
        yield self._effective_to()
        for name, spec in fields().items():
            if name.split(".")[0] in LISTS or dimension_of(None, name) != name:
                continue
            if name in ("jurisdiction", "date", "effective_from", "effective_to"):
                continue
            yield self._scalar(name, spec)
        yield self._alternative_work()
        for name in LISTS:
            yield self._list(name)

    def _named(self, dim, field=None):
        return [a for a in self.atoms.get(dim, []) if field is None or a[1] == field]

    def _dates(self):
        start, end = self.edition.start, self.edition.end
        points = {start, add_days(start, 366) if is_open(end) else end}
        for _, _, op, value in self._named("date"):
            for v in (value if op == "between" else [value] if op in ORDERING + ("eq", "ne") else value):
                points.update({add_days(v, -1), v, add_days(v, 1)})
        for span in self.lifespans.values():
            for v in (span["from"], span["to"]):
                if not is_open(v):
                    points.update({add_days(v, -1), v, add_days(v, 1)})
        inside = sorted(p for p in points if start <= p <= end)
        return Dimension("date", tuple(((("date",), p),) for p in inside), tuple(inside))

    def _effective_from(self):
        values, labels = [()], ["= date"]
        months = set()
        for _, field, op, value in self._named("effective_from"):
            vals = value if isinstance(value, list) else [value]
            if field == "timing.month_of_contract_year":
                for v in vals:
                    months.update(m for m in (v - 1, v, v + 1) if 1 <= m <= 12)
            elif field == "timing.in_year":
                months.add(1)
            else:
                for v in vals:
                    for d in (add_days(v, -1), v, add_days(v, 1)):
                        values.append(((("effective_from",), d),))
                        labels.append(d)
        year = int(self.edition.start[:4])
        if any(a[1] == "timing.in_year" for a in self._named("effective_from")):
            values.append(((("effective_from",), f"{year}-{CONTRACT_YEAR_START}"),))
            labels.append(f"{year}-{CONTRACT_YEAR_START} (1 April)")
        for m in sorted(months):
            iso = in_contract_month(year, m)
            values.append(((("effective_from",), iso),))
            labels.append(f"{iso} (month {m})")
        return Dimension("effective_from", tuple(values), tuple(labels))

    def _effective_to(self):
        values, labels = [()], ["open"]
        for _, _, op, value in self._named("effective_to"):
            for v in (value if isinstance(value, list) else [value]):
                for d in (add_days(v, -1), v, add_days(v, 1)):
                    values.append(((("effective_to",), d),))
                    labels.append(d)
        return Dimension("effective_to", tuple(values), tuple(labels))

    def _scalar(self, name, spec):
        path = tuple(name.split("."))
        named = self._named(name)
        required = name in ("change.target", "change.instrument")
        values, labels = ([] if required else [()]), ([] if required else ["left out"])
        default = DEFAULTS.get(name)
        chosen = [] if required else [default]

        def add(v):
            if v not in chosen:
                chosen.append(v)
                values.append(((path, v),))
                labels.append(str(v).lower() if isinstance(v, bool) else str(v))

        kind = spec["type"]
        if kind == "enum":
            for _, _, op, value in named:
                for v in (value if isinstance(value, list) else [value]):
                    add(v)
            other = [v for v in spec["values"] if v not in chosen]
            if other and (named or required):
                add(other[0])
        elif kind == "bool" and named:
            add(not default)
        elif kind in ("int", "number"):
            step = 1 if kind == "int" else 0.5
            low, high = spec.get("min", float("-inf")), spec.get("max", float("inf"))
            for _, _, op, value in named:
                for v in (value if isinstance(value, list) else [value]):
                    for p in (v - step, v, v + step):
                        if low <= p <= high:
                            add(p)
        return Dimension(name, tuple(values), tuple(labels))

    def _alternative_work(self):
        values, labels = [()], ["none"]
        named = self._named("change.alternative_work")
        if named:
            spec = fields()["change.alternative_work.measurement"]
            wanted = [v for _, f, _, value in named if f.endswith("measurement")
                      for v in (value if isinstance(value, list) else [value])]
            other = [v for v in spec["values"] if v not in wanted][:1]
            for m in dict.fromkeys(wanted + other):
                values.append(((("change", "alternative_work"), {"measurement": m}),))
                labels.append(f"work measured: {m}")
        return Dimension("change.alternative_work", tuple(values), tuple(labels))

    def _alive(self, kind) -> bool:
        return existed_during(self.lifespans, kind, self.edition.start, self.edition.end)

    def _items(self, name):
        named = self._named(name)
        spec = fields()
        if name in ("proposers", "parties"):
            kinds = [v for _, f, _, val in named if f == "kind"
                     for v in (val if isinstance(val, list) else [val])]
            cos = [v for _, f, _, val in named if f == "co_commissioning"
                   for v in (val if isinstance(val, list) else [val])]
            if cos:
                kinds.append("ccg")
            kinds += [k for k in spec["proposers.kind"]["values"] if k not in kinds and self._alive(k)][:1]
            levels = [c for c in dict.fromkeys(cos) if c != "not_applicable"]
            levels += [c for c in spec["proposers.co_commissioning"]["values"]
                       if c not in levels and c != "not_applicable"][:1]
            for kind in dict.fromkeys(kinds):
                if not self._alive(kind):
                    continue
                if kind == "ccg" and cos:
                    for level in levels:
                        yield {"kind": kind, "co_commissioning": level}
                else:
                    yield {"kind": kind}
        elif name == "decisions":
            bodies = [v for _, f, _, val in named if f == "body"
                      for v in (val if isinstance(val, list) else [val])] + self.approval_bodies
            bodies += [k for k in spec["decisions.body"]["values"] if k not in bodies and self._alive(k)][:1]
            informal = self._informal_statuses()
            for body in dict.fromkeys(bodies):
                if not self._alive(body):
                    continue
                for status in spec["decisions.status"]["values"]:
                    yield {"body": {"kind": body}, "status": status}
                    if status in informal:
                        yield {"body": {"kind": body}, "status": status, "formality": "informal"}
        else:
            bodies = [v for _, f, _, val in named for v in (val if isinstance(val, list) else [val])]
            bodies += [k for k in spec["objections.body"]["values"] if k not in bodies and self._alive(k)][:1]
            for body in dict.fromkeys(bodies):
                if self._alive(body):
                    yield {"body": {"kind": body}}

    def _informal_statuses(self):
        """Statuses worth an informal variant: granted (an informal grant is not
        an approval, checker.evaluate.verdict) and any status a condition tests beside
        formality."""
        out = {"granted"}
        for rule in self.edition.rules:
            for where in (w for name, w in quantifiers(rule.when) if name == "decisions"):
                tested = [(f, v) for _, f, _, v in atoms(where, "decisions")]
                if any(f == "formality" for f, _ in tested):
                    statuses = [x for f, v in tested if f == "status"
                                for x in (v if isinstance(v, list) else [v])]
                    out.update(statuses or fields()["decisions.status"]["values"])
        return out

    def _list(self, name):
        if name not in self.atoms and not (name == "decisions" and self.approval_bodies):
            base = [{"kind": "other"}] if name == "proposers" else []
            value = ((((name,), base),) if base else ())
            return Dimension(name, (value,), ("other",) if base else ("empty",))
        items = list(self._items(name))
        lowest = 1 if name == "proposers" else 0
        values, labels, short = [], [], []
        for size in range(lowest, self.max_list + 1):
            for combo in itertools.combinations_with_replacement(range(len(items)), size):
                if size <= 1:
                    short.append(len(values))
                values.append((((name,), [items[i] for i in combo]),) if combo else ())
                labels.append("[" + ", ".join(_item_label(items[i]) for i in combo) + "]")
        return Dimension(name, tuple(values), tuple(labels), tuple(short))

    # -- schemes ----------------------------------------------------------------------
    def scheme(self, choice: dict) -> dict:
        """The scheme for a choice of value index per dimension (others: the first)."""
        data = {"id": "verify", "title": "verify", "jurisdiction": self.edition.jurisdiction,
                "date": self.edition.start, "proposers": [{"kind": "other"}],
                "change": {"target": "qof", "instrument": "local_variation"}}
        for name, dim in self.dimensions.items():
            for path, value in dim.values[choice.get(name, 0)]:
                node = data
                for part in path[:-1]:
                    node = node.setdefault(part, {})
                node[path[-1]] = value
        return data

    def valid(self, data: dict) -> bool:
        """Whether the scheme is valid input beyond its schema: every body
        existed on its date and the change ends no earlier than it starts,
        exactly as ``vires check`` requires (``checker.load.scheme``)."""
        return not semantic_problems(Document(data, "<fact space>"), self.lifespans)

    def describe(self, choice: dict) -> dict:
        """A choice in words: each dimension's label for the value chosen."""
        return {name: self.dimensions[name].labels[i] for name, i in sorted(choice.items())}

    def product(self, names, short=False):
        """Every choice over the named dimensions (the others at their first value)."""
        names = [n for n in names if n in self.dimensions]
        ranges = [self.dimensions[n].indices(short) for n in names]
        for combo in itertools.product(*ranges):
            yield dict(zip(names, combo))

    def size(self, names, short=False) -> int:
        """How many choices the product over the named dimensions holds."""
        total = 1
        for n in names:
            if n in self.dimensions:
                total *= len(self.dimensions[n].indices(short))
        return total


def _item_label(item) -> str:
    if "body" in item:
        return item["body"]["kind"] + (f" {item['status']}" if "status" in item else "") + \
            (" (informal)" if item.get("formality") == "informal" else "")
    return item["kind"] + (f" ({item['co_commissioning']})" if "co_commissioning" in item else "")


def pairwise(space: FactSpace, names, short=True):
    """A covering array: every pair of values of every two named dimensions
    appears in at least one choice (greedy, deterministic)."""
    names = [n for n in names if n in space.dimensions]
    ranges = {n: space.dimensions[n].indices(short) for n in names}
    uncovered = {(a, va, b, vb) for a, b in itertools.combinations(names, 2)
                 for va in ranges[a] for vb in ranges[b]}
    rows = []
    while uncovered:
        a, va, b, vb = min(uncovered)
        row = {a: va, b: vb}
        for n in names:
            if n in row:
                continue
            row[n] = max(ranges[n], key=lambda v: sum(
                ((m, row[m], n, v) if names.index(m) < names.index(n) else (n, v, m, row[m]))
                in uncovered for m in row))
        for x, y in itertools.combinations(names, 2):
            uncovered.discard((x, row[x], y, row[y]))
        rows.append(row)
    return rows
