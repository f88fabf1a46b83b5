"""The finite fact space of an edition: every value its powers and rules distinguish.

A condition can only tell apart the values it names, so for each edition the
schemes that matter are finite. A **dimension** is one independent choice in
a scheme (the maker, the targets, a field such as ``change.instrument``,
where one kind of body stands, when the change takes effect, the contents of
a list); its **values** are scheme fragments: every value a condition or a
power names, one "any other" value, for numbers and dates each boundary with
the points on either side of it, and the fact not known (``unknown``, or left
out where the schema has no ``unknown``). A **component** (a power's holder,
instrument, target, when, limits, steps and approvals, or a rule) reads a
few dimensions; ``lint`` and ``verify`` build schemes from these values and
run them through the real checker.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

from ..dates import add_days, in_contract_month, is_open
from ..load.scheme import existed_during, lifespan
from ..rules.conditions import atoms, quantifiers
from ..rules.facts import LISTS, UNKNOWN, body_kinds, fields

ORDERING = ("lt", "le", "gt", "ge", "between")
#: The dimension each derived fact field belongs to.
DERIVED = {
    "timing.month_of_contract_year": "effective_from",
    "timing.in_year": "effective_from",
    "change.alternative_work.present": "change.alternative_work",
    "change.alternative_work.measurement": "change.alternative_work",
    "maker.kind": "maker",
    "maker.co_commissioning": "maker",
    "change.target": "change.targets",
}
#: Where a kind of body can stand, each made by one decision of that kind
#: (no decision at all first): the values of a ``standing.<kind>`` dimension.
STANDING_VALUES = (
    ("none", None),
    ("granted", {"status": "granted", "formality": "formal"}),
    ("informal", {"status": "granted", "formality": "informal"}),
    ("refused", {"status": "refused"}),
    ("pending", {"status": "pending"}),
    ("unknown", {"status": UNKNOWN}),
    ("granted, formality unknown", {"status": "granted", "formality": UNKNOWN}),
)
#: Dimensions that add items to the scheme's ``decisions`` rather than set a field.
APPEND = "+"


@dataclass(frozen=True)
class Dimension:
    """One independent choice in a scheme, and the values of it that the policy tells apart."""

    name: str
    values: tuple[tuple, ...]  # each a tuple of (scheme path, value) assignments; () = left out
    labels: tuple[str, ...]
    short: tuple[int, ...] = ()  # indices of the values used when lists must be short (0..1 items)
    unknown: tuple[int, ...] = ()  # indices of the values that leave a fact the verdict reads unknown

    def indices(self, short=False) -> tuple[int, ...]:
        """The indices of the values to use (with ``short``, those that keep lists to 0 or 1 item)."""
        return self.short if short and self.short else tuple(range(len(self.values)))


def _listed(value) -> list:
    return value if isinstance(value, list) else [value]


class FactSpace:
    """The dimensions of one edition, what each component reads, and the schemes built from them."""

    def __init__(self, edition, lifespans: dict, max_list: int = 2):
        self.edition = edition
        self.lifespans = lifespans or {}
        self.max_list = max_list
        self.powers = list(edition.powers)
        self.atoms: dict[str, list[tuple]] = {}  # dimension -> [(list, field, op, value)]
        # the kinds of body whose standing the verdict reads: approvals' bodies and makers
        kinds = [k for p in self.powers for k in p.holder_kinds]
        kinds += [a.body for p in self.powers for a in p.approvals if a.body]
        self.standing_kinds = [k for k in dict.fromkeys(kinds) if self._alive(k)]
        self.reads: dict[str, tuple[str, ...]] = {}  # component owner (power or rule id) -> dimensions
        for power in self.powers:
            self.reads[power.id] = self._power_reads(power)
        for rule in edition.rules:
            self.reads[rule.id] = self._condition_reads(rule.when)
        self.dimensions = {d.name: _mark_unknown(d) for d in self._dimensions()}
        self.order = list(self.dimensions)

    # -- what each component reads ------------------------------------------------
    def dimension_of(self, item_of, field) -> list[str]:
        """The dimensions a tested fact field belongs to."""
        if item_of or field.split(".")[0] in LISTS:
            return [item_of or field.split(".")[0], "date"]  # which bodies exist depends on the date
        if field == "maker.standing":
            return ["maker"] + [f"standing.{k}" for k in self.standing_kinds]
        if field.startswith("standing."):
            return [field]
        return [DERIVED.get(field, field)]

    def condition_reads(self, cond) -> tuple[str, ...]:
        """The dimensions a condition reads (each list it quantifies over with the date)."""
        out: list[str] = []
        for atom in atoms(cond) if cond is not None else ():
            out += self.dimension_of(atom[0], atom[1])
        return tuple(dict.fromkeys(out))

    def _condition_reads(self, cond) -> tuple[str, ...]:
        out: list[str] = []
        if cond is None:
            return ()
        for atom in atoms(cond):
            dims = self.dimension_of(atom[0], atom[1])
            self.atoms.setdefault(dims[0], []).append(atom)  # the others only decide what it means
            out += dims
        return tuple(dict.fromkeys(out))

    def _power_reads(self, power) -> tuple[str, ...]:
        out = ["maker", "change.instrument", "change.targets"]
        out += [f"standing.{k}" for k in power.holder_kinds if k in self.standing_kinds]  # made
        for cond in [power.when] + [p.when for p in power.limits + power.steps + power.approvals]:
            out += self._condition_reads(cond)
        out += [f"standing.{a.body}" for a in power.approvals if a.body and a.body in self.standing_kinds]
        return tuple(dict.fromkeys(out))

    # -- building the dimensions ----------------------------------------------------
    def _dimensions(self):
        yield self._dates()
        yield self._maker()
        yield self._targets()
        yield self._instrument()
        yield self._effective_from()
        yield self._effective_to()
        for name, spec in fields().items():
            if name.split(".")[0] in LISTS or "." not in name or name in DERIVED:
                continue
            if name.split(".")[0] in ("maker", "standing", "timing") or name.startswith("change.alternative_work"):
                continue
            if name in ("change.instrument", "change.target"):
                continue
            yield self._scalar(name, spec)
        yield self._alternative_work()
        for name in LISTS:
            yield self._list(name)
        for kind in self.standing_kinds:
            yield self._standing(kind)

    def _named(self, dim, field=None):
        return [a for a in self.atoms.get(dim, []) if field is None or a[1] == field]

    def _alive(self, kind) -> bool:
        return existed_during(self.lifespans, kind, self.edition.start, self.edition.end,
                              self.edition.jurisdiction)

    def _dates(self):
        start, end = self.edition.start, self.edition.end
        points = {start, add_days(start, 366) if is_open(end) else end}
        for _, _, op, value in self._named("date"):
            for v in _listed(value):
                points.update({add_days(v, -1), v, add_days(v, 1)})
        for kind in self.lifespans:
            span = lifespan(self.lifespans, kind, self.edition.jurisdiction) or {}
            for v in (span["from"], span["to"]):
                if not is_open(v):
                    points.update({add_days(v, -1), v, add_days(v, 1)})
        inside = sorted(p for p in points if start <= p <= end) or [start]  # an empty period: its start
        return Dimension("date", tuple(((("date",), p),) for p in inside), tuple(inside))

    def _levels(self) -> list[str]:
        """CCG levels the policy names (holders and conditions), then one other."""
        named = [lv for p in self.powers for lv in p.holder_levels]
        named += [v for _, f, _, val in self.atoms.get("maker", []) if f == "maker.co_commissioning"
                  for v in _listed(val)]
        for list_name in ("requested_by", "parties"):
            named += [v for _, f, _, val in self._named(list_name, "co_commissioning") for v in _listed(val)]
        levels = [lv for lv in dict.fromkeys(named) if lv != "not_applicable"]
        return levels + [lv for lv in fields()["maker.co_commissioning"]["values"]
                         if lv not in levels and lv != "not_applicable"][:1]

    def _maker(self):
        """The makers: the powers' holders first (policy order), then every
        other kind alive in the edition; a CCG at each level named, one other
        and none given; then a maker not known."""
        named = [k for p in self.powers for k in p.holder_kinds]
        named += [v for _, f, _, val in self.atoms.get("maker", []) if f == "maker.kind" for v in _listed(val)]
        kinds = [k for k in dict.fromkeys(named + body_kinds()) if self._alive(k)]
        values, labels = [], []
        for kind in kinds:
            if kind == "ccg":
                for level in self._levels():
                    values.append(((("maker",), {"kind": kind, "co_commissioning": level}),))
                    labels.append(f"ccg ({level})")
                values.append(((("maker",), {"kind": kind}),))
                labels.append("ccg (level unknown)")
            else:
                values.append(((("maker",), {"kind": kind}),))
                labels.append(kind)
        values.append(((("maker",), UNKNOWN),))
        labels.append(UNKNOWN)
        return Dimension("maker", tuple(values), tuple(labels))

    def _targets(self):
        """One act per target of the edition, one outside it, and two acts at once."""
        every = fields()["change.target"]["values"]
        own = list(self.edition.targets) or list(every)
        singles = own + [t for t in every if t not in own][:1]
        pairs = list(zip(own, own[1:]))
        values = [((("change", "targets"), [t]),) for t in singles]
        values += [((("change", "targets"), list(p)),) for p in pairs]
        labels = singles + [" + ".join(p) for p in pairs]
        return Dimension("change.targets", tuple(values), tuple(labels), tuple(range(len(singles))))

    def _instrument(self):
        named = [i for p in self.powers for i in p.instruments]
        named += [v for _, _, _, val in self._named("change.instrument") for v in _listed(val)]
        every = fields()["change.instrument"]["values"]
        ordered = list(dict.fromkeys(named + every))
        values = [((("change", "instrument"), v),) for v in ordered] + [((("change", "instrument"), UNKNOWN),)]
        return Dimension("change.instrument", tuple(values), tuple(ordered) + (UNKNOWN,))

    def _effective_from(self):
        named = self._named("effective_from")
        if not named:
            return Dimension("effective_from", ((),), ("left out",))
        values, labels = [], []
        year = int(self.edition.start[:4])
        months = set()
        for _, field, op, value in named:
            for v in _listed(value):
                if field == "timing.month_of_contract_year":
                    months.update(m for m in (v - 1, v, v + 1) if 1 <= m <= 12)
                elif field == "timing.in_year":
                    months.add(1)
                else:
                    for d in (add_days(v, -1), v, add_days(v, 1)):
                        values.append(((("effective_from",), d),))
                        labels.append(d)
        if any(a[1] == "timing.in_year" for a in named):
            first = in_contract_month(year, 1, day=1)
            values.append(((("effective_from",), first),))
            labels.append(f"{first} (1 April)")
        for m in sorted(months):
            iso = in_contract_month(year, m, day=2)
            values.append(((("effective_from",), iso),))
            labels.append(f"{iso} (month {m})")
        values.append(())
        labels.append("left out")
        return Dimension("effective_from", tuple(values), tuple(labels))

    def _effective_to(self):
        values, labels = [], []
        for _, _, op, value in self._named("effective_to"):
            for v in _listed(value):
                for d in (add_days(v, -1), v, add_days(v, 1)):
                    values.append(((("effective_to",), d),))
                    labels.append(d)
        return Dimension("effective_to", tuple(values) + ((),), tuple(labels) + ("left out",))

    def _scalar(self, name, spec) -> Dimension:
        path = tuple(name.split("."))
        named = self._named(name)
        if not named:
            return Dimension(name, ((),), ("left out",))
        chosen: list = []
        values, labels = [], []

        def add(v):
            if v not in chosen:
                chosen.append(v)
                values.append(((path, v),))
                labels.append(str(v).lower() if isinstance(v, bool) else str(v))

        kind = spec["type"]
        if kind in ("enum", "bool"):
            for _, _, _, value in named:
                for v in _listed(value):
                    add(v)
            every = spec["values"] if kind == "enum" else [True, False]
            for v in [v for v in every if v not in chosen][:1 if kind == "enum" else 2]:
                add(v)
        else:
            step = 1 if kind == "int" else 0.5
            low, high = spec.get("min", float("-inf")), spec.get("max", float("inf"))
            for _, _, op, value in named:
                for v in _listed(value):
                    for p in (v - step, v, v + step):
                        if low <= p <= high:
                            add(p)
        values.append(((path, UNKNOWN),))
        labels.append(UNKNOWN)
        return Dimension(name, tuple(values), tuple(labels))

    def _alternative_work(self):
        path = ("change", "alternative_work")
        named = self._named("change.alternative_work")
        if not named:
            return Dimension("change.alternative_work", ((),), ("left out",))
        spec = fields()["change.alternative_work.measurement"]
        wanted = [v for _, f, _, value in named if f.endswith("measurement") for v in _listed(value)]
        other = [v for v in spec["values"] if v not in wanted][:1]
        values, labels = [((path, "none"),)], ["none"]
        for m in dict.fromkeys(wanted + other + [UNKNOWN]):
            values.append(((path, {"measurement": m}),))
            labels.append(f"work measured: {m}")
        values.append(((path, UNKNOWN),))
        labels.append(UNKNOWN)
        return Dimension("change.alternative_work", tuple(values), tuple(labels))

    def _standing(self, kind):
        values, labels = [], []
        for label, decision in STANDING_VALUES:
            values.append(((("decisions", APPEND), [{"body": {"kind": kind}, **decision}]),) if decision else ())
            labels.append(label)
        return Dimension(f"standing.{kind}", tuple(values), tuple(labels))

    def _bodies(self, name):
        named = self._named(name)
        key = "body" if name in ("decisions", "objections") else "kind"
        kinds = [v for _, f, _, val in named if f == key for v in _listed(val)]
        levels = [v for _, f, _, val in named if f == "co_commissioning" for v in _listed(val)]
        if levels:
            kinds.append("ccg")
        kinds += [k for k in body_kinds() if k not in kinds and self._alive(k)][:1]
        return [k for k in dict.fromkeys(kinds) if self._alive(k)], bool(levels)

    def _items(self, name):
        kinds, levelled = self._bodies(name)
        if name in ("requested_by", "parties"):
            for kind in kinds:
                if kind == "ccg" and levelled:
                    for level in self._levels():
                        yield {"kind": kind, "co_commissioning": level}
                yield {"kind": kind}  # a CCG without its level: the level not known
        elif name == "decisions":
            informal = self._informal_statuses()
            statuses = fields()["decisions.status"]["values"]
            for body in kinds:
                for status in statuses:
                    formal = {"formality": "formal"} if status == "granted" else {}
                    yield {"body": {"kind": body}, "status": status, **formal}
                    if status in informal:
                        yield {"body": {"kind": body}, "status": status, "formality": "informal"}
                yield {"body": {"kind": body}, "status": UNKNOWN}
                yield {"body": {"kind": body}, "status": "granted", "formality": UNKNOWN}
        else:
            for body in kinds:
                yield {"body": {"kind": body}}

    def _informal_statuses(self):
        """Statuses worth an informal variant: granted (an informal grant is not
        an approval) and any status a condition tests beside formality."""
        out = {"granted"}
        for cond in [r.when for r in self.edition.rules]:
            for where in (w for name, w in quantifiers(cond) if name == "decisions"):
                tested = [(f, v) for _, f, _, v in atoms(where, "decisions")]
                if any(f == "formality" for f, _ in tested):
                    statuses = [x for f, v in tested if f == "status" for x in _listed(v)]
                    out.update(statuses or fields()["decisions.status"]["values"])
        return out

    def _list(self, name):
        if name not in self.atoms:
            return Dimension(name, ((),), ("empty",))
        items = list(self._items(name))
        path = (name, APPEND) if name == "decisions" else (name,)
        values, labels, short = [], [], []
        for size in range(0, self.max_list + 1):
            for combo in itertools.combinations_with_replacement(range(len(items)), size):
                if size <= 1:
                    short.append(len(values))
                values.append(((path, [items[i] for i in combo]),) if combo else ())
                labels.append("[" + ", ".join(_item_label(items[i]) for i in combo) + "]")
        return Dimension(name, tuple(values), tuple(labels), tuple(short))

    # -- the values that matter to one power -------------------------------------------
    def focus(self, power) -> dict[str, tuple[int, ...]]:
        """For a power, the values of the maker, instrument and targets that
        matter to it: those it names, one other, and the fact not known."""
        out = {}
        maker = self.dimensions["maker"]
        mine = [i for i, v in enumerate(maker.values) if _maker_kind(v) in power.holder_kinds]
        other = [i for i, v in enumerate(maker.values) if _maker_kind(v) not in power.holder_kinds + (UNKNOWN,)]
        out["maker"] = tuple(mine + other[:1] + [len(maker.values) - 1])
        instrument = self.dimensions["change.instrument"]
        mine = [i for i, v in enumerate(instrument.values) if v[0][1] in power.instruments]
        other = [i for i, v in enumerate(instrument.values) if v[0][1] not in power.instruments + (UNKNOWN,)]
        out["change.instrument"] = tuple(mine + other[:1] + [len(instrument.values) - 1])
        targets = self.dimensions["change.targets"]
        mine = [i for i, v in enumerate(targets.values) if len(v[0][1]) == 1 and v[0][1][0] in power.targets]
        other = [i for i in targets.short if targets.values[i][0][1][0] not in power.targets]
        both = [i for i, v in enumerate(targets.values) if len(v[0][1]) > 1
                and set(v[0][1]) & set(power.targets)]
        out["change.targets"] = tuple(mine + other[:1] + both[:1])
        return out

    # -- schemes ----------------------------------------------------------------------
    def scheme(self, choice: dict) -> dict:
        """The scheme for a choice of value index per dimension (others: the first)."""
        data: dict = {"id": "verify", "title": "verify", "jurisdiction": self.edition.jurisdiction,
                      "date": self.edition.start, "change": {}}
        for name, dim in self.dimensions.items():
            for path, value in dim.values[choice.get(name, 0)]:
                if path[-1] == APPEND:
                    data.setdefault(path[0], []).extend(value)
                    continue
                node = data
                for part in path[:-1]:
                    node = node.setdefault(part, {})
                node[path[-1]] = value
        return data

    def describe(self, choice: dict) -> dict:
        """A choice in words: each dimension's label for the value chosen."""
        return {name: self.dimensions[name].labels[i] for name, i in sorted(choice.items())}

    def ranges(self, names, short=False, focus=None) -> dict[str, tuple[int, ...]]:
        """The value indices to try for each named dimension (``focus``: narrower ones)."""
        out = {}
        for n in names:
            if n in self.dimensions:
                out[n] = (focus or {}).get(n) or self.dimensions[n].indices(short)
        return out

    def product(self, names, short=False, focus=None):
        """Every choice over the named dimensions (the others at their first value)."""
        ranges = self.ranges(names, short, focus)
        for combo in itertools.product(*ranges.values()):
            yield dict(zip(ranges, combo))

    def size(self, names, short=False, focus=None) -> int:
        """How many choices the product over the named dimensions holds."""
        total = 1
        for r in self.ranges(names, short, focus).values():
            total *= len(r)
        return total


def _mark_unknown(dim: Dimension) -> Dimension:
    """The dimension with the indices of its values that leave a fact unknown
    (list items are not counted: the verdict does not read lists)."""
    if dim.name in LISTS or len(dim.values) < 2:
        return dim
    unknown = tuple(i for i, label in enumerate(dim.labels) if UNKNOWN in label or label == "left out")
    return replace(dim, unknown=unknown)


def _maker_kind(value) -> str:
    maker = value[0][1]
    return maker["kind"] if isinstance(maker, dict) else maker


def _item_label(item) -> str:
    if "body" in item:
        text = item["body"]["kind"]
        if "status" in item:
            text += f" {item['status']}"
        if item.get("formality") in ("informal", UNKNOWN):
            text += f" ({item['formality']})"
        return text
    return item["kind"] + (f" ({item['co_commissioning']})" if "co_commissioning" in item else "")


def pairwise(space: FactSpace, names, short=True, focus=None):
    """A covering array: every pair of values of every two named dimensions
    appears in at least one choice (greedy, deterministic)."""
    ranges = space.ranges(names, short, focus)
    names = list(ranges)
    uncovered = {(a, va, b, vb) for a, b in itertools.combinations(names, 2)
                 for va in ranges[a] for vb in ranges[b]}
    if not uncovered:
        yield from ({n: r[0] for n, r in ranges.items()} for _ in range(1))
        return
    position = {n: i for i, n in enumerate(names)}
    while uncovered:
        a, va, b, vb = min(uncovered)
        row = {a: va, b: vb}
        for n in names:
            if n in row:
                continue
            row[n] = max(ranges[n], key=lambda v: sum(
                ((m, row[m], n, v) if position[m] < position[n] else (n, v, m, row[m])) in uncovered
                for m in row))
        for x, y in itertools.combinations(names, 2):
            uncovered.discard((x, row[x], y, row[y]))
        yield row
