"""An edition's semantics in z3, written from docs/policy-format.md alone.

A **record** is the facts of one scheme as solver variables: each scalar
fact (a value or unknown), each list as a few item **slots** (present or
not, in file order), and which targets the scheme names (one act each).
From a record the encoding derives what the spec derives (``timing.*``,
``maker.*``, ``standing.<kind>`` from the latest decision), the Kleene
truth of every component in every act as a pair of booleans (``sure``: the
condition is true; ``maybe``: it is not false; unknown is maybe and not
sure); ``checker.trust.outcome`` builds the spec's verdict from those truths.

Nothing here reads ``checker.evaluate``: the engine and this encoding are
two translations of one document, and ``checker.trust.prove`` compares them.
Enums and booleans are integers (an index into their values, ``U`` for
unknown); numbers are reals, whole numbers integers and dates the integer
``10000*year + 100*month + day`` (which orders as the ISO text does), each
with a flag that says whether it is known.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..load.scheme import lifespan
from ..rules.conditions import atoms, operator, quantifiers
from ..rules.facts import LISTS, STANDINGS, fields
from ..rules.policy import Edition
from .solver import z3

#: The integer of an unknown enum or boolean.
U = -1
#: Decision statuses whose standing is the status itself.
_PLAIN_STATUS = ("refused", "pending", "not_sought")


def _join(make, xs: list):
    """z3's n-ary And or Or, made straight through the C API (z3.And checks and
    coerces every argument in Python, which is most of the cost of building)."""
    ctx = xs[0].ctx
    args = (z3.Ast * len(xs))(*(x.as_ast() for x in xs))
    return z3.BoolRef(make(ctx.ref(), len(xs), args), ctx)


def _fold(xs, unit: bool, make):
    """A conjunction (``unit`` True) or disjunction (``unit`` False) with the Python
    booleans among ``xs`` folded away: ``unit`` drops out, its opposite decides."""
    out = []
    for x in xs:
        if x is (not unit):
            return not unit
        if x is not unit:
            out.append(x)
    return unit if not out else out[0] if len(out) == 1 else _join(make, out)


def AND(*xs):
    """Conjunction that folds Python booleans away."""
    return _fold(xs, True, z3.Z3_mk_and)


def OR(*xs):
    """Disjunction that folds Python booleans away."""
    return _fold(xs, False, z3.Z3_mk_or)


def NOT(x):
    """Negation that folds Python booleans away."""
    return (not x) if isinstance(x, bool) else z3.BoolRef(z3.Z3_mk_not(x.ctx.ref(), x.as_ast()), x.ctx)


def as_bool(x, ctx):
    """A z3 boolean (of the context ``ctx``) for a folded value."""
    return z3.BoolVal(x, ctx) if isinstance(x, bool) else x


def IFF(a, b):
    """Equivalence that folds Python booleans away."""
    if isinstance(a, bool) and isinstance(b, bool):
        return a == b
    if isinstance(a, bool):
        a, b = b, a
    return a == as_bool(b, a.ctx)


def holds_in(model, x) -> bool:
    """Whether a folded value is true in a model."""
    return x if isinstance(x, bool) else z3.is_true(model.eval(x, model_completion=True))


def date_key(iso: str) -> int:
    """The integer of an ISO date, ordered as its text."""
    return int(iso[:4]) * 10000 + int(iso[5:7]) * 100 + int(iso[8:10])


def key_date(key: int) -> str:
    """The ISO date of a date integer."""
    return f"{key // 10000:04d}-{key // 100 % 100:02d}-{key % 100:02d}"


@dataclass
class Fact:
    """One fact of a record: its type, its value (a z3 term or a Python constant) and whether it is known."""

    type: str  # enum | bool | int | number | date | const (a Python value, always known)
    value: object
    known: object = True
    values: tuple = ()  # enum and bool: the values the index counts

    def index(self, v) -> int:
        """The integer that stands for a value of this enum or boolean."""
        return self.values.index(v)


@dataclass
class Slot:
    """One item of a list: whether it is there, and its fields."""

    present: object
    fields: dict[str, Fact]


class Record:
    """The facts of one scheme checked against an edition, as solver variables,
    with the constraints that make them a valid scheme's (``constraints``)."""

    def __init__(self, edition: Edition, lifespans: dict, name: str, slots: dict[str, int],
                 complete: bool = False, unordered: tuple[str, ...] = (), ctx=None):
        self.edition, self.lifespans, self.name, self.complete = edition, lifespans, name, complete
        #: The z3 context of every term of the record (one per prover: a run does not depend on the last)
        self.ctx = ctx or z3.Context()
        self.constraints: list = []
        self.spec = fields()
        self.kinds = tuple(self.spec["maker.kind"]["values"])
        self.levels = tuple(self.spec["maker.co_commissioning"]["values"])  # CCG levels, then not_applicable
        self.target_names = tuple(self.spec["change.target"]["values"])
        self.facts: dict[str, Fact] = {}
        self.components = components(edition)
        #: Every variable of the scheme, by name: (its term, whether it is known)
        self.raw: dict[str, tuple] = {}
        #: Each date variable's year, month and day (the same date is the same three)
        self.date_parts: dict[str, tuple] = {}
        self._dates()
        self._maker()
        for name in ("change.instrument", "change.scope", "change.income"):
            self.facts[name] = self._enum(name, self.spec[name]["values"])
        for name in ("change.practice_opt_in", "change.remaining_indicators_continue",
                     "consultations.lmc", "consultations.gpc"):
            self.facts[name] = self._enum(name, (False, True), "bool")
        self._numbers()
        self._alternative_work()
        self.lists = {name: [self._slot(name, i) for i in range(slots.get(name, 0))] for name in LISTS}
        for list_name, items in self.lists.items():  # present slots first: order among absent ones is no fact
            if list_name in unordered:
                continue
            for a, b in zip(items, items[1:]):
                self.constraints.append(z3.Implies(b.present, a.present))
        self._standings()
        self.targets = {t: z3.Bool(f"{name}.target.{t}", self.ctx) for t in self.target_names}
        self.constraints.append(z3.Or(*self.targets.values()))
        self._truths: dict = {}

    # --- variables -----------------------------------------------------

    def _var(self, name: str, sort=z3.Int):
        return sort(f"{self.name}.{name}", self.ctx)

    def _known(self, name: str):
        if self.complete:
            return True
        return self._var(f"{name}?", z3.Bool)

    def _enum(self, name: str, values, type_="enum", unknown=True) -> Fact:
        v = self._var(name)
        can_be_unknown = unknown and not self.complete
        self.raw[name] = (v, (v != U) if can_be_unknown else True)
        self.constraints.append(z3.Or(v == U, z3.And(v >= 0, v < len(values))) if can_be_unknown
                                else z3.And(v >= 0, v < len(values)))
        return Fact(type_, v, (v != U) if can_be_unknown else True, tuple(values))

    def _date(self, name: str):
        y, m, d = self._var(f"{name}.y"), self._var(f"{name}.m"), self._var(f"{name}.d")
        leap = z3.Or(z3.And(y % 4 == 0, y % 100 != 0), y % 400 == 0)
        days = z3.If(z3.Or(m == 4, m == 6, m == 9, m == 11), 30,
                     z3.If(m == 2, z3.If(leap, 29, 28), 31))
        self.constraints += [y >= 1, y <= 9999, m >= 1, m <= 12, d >= 1, d <= days]
        self.date_parts[name] = (y, m, d)
        return y, m, d, y * 10000 + m * 100 + d

    def _dates(self):
        edition = self.edition
        _, _, _, key = self._date("date")
        self.raw["date"] = (key, True)
        self.constraints += [key >= date_key(edition.start), key <= date_key(edition.end)]
        self.date = key
        self.facts["date"] = Fact("date", key)
        self.facts["jurisdiction"] = Fact("const", edition.jurisdiction)
        _, m, d, start = self._date("effective_from")
        known_start = self._known("effective_from")
        _, _, _, end = self._date("effective_to")
        known_end = self._known("effective_to")
        self.raw.update({"effective_from": (start, known_start), "effective_to": (end, known_end)})
        # scheme.end_before_start: the change cannot end before it begins
        self.constraints.append(z3.Implies(as_bool(AND(known_start, known_end), self.ctx), end >= start))
        self.facts["effective_from"] = Fact("date", start, known_start)
        self.facts["effective_to"] = Fact("date", end, known_end)
        # April is month 1 of the contract year; 1 April begins it
        self.facts["timing.month_of_contract_year"] = Fact("int", z3.If(m >= 4, m - 3, m + 9), known_start)
        in_year = z3.If(z3.And(m == 4, d == 1), 0, 1)
        self.facts["timing.in_year"] = Fact("bool", in_year, known_start, (False, True))

    def _exists(self, kind_var):
        """The kind of a body named on the scheme's date existed then (bodies.yaml)."""
        for i, kind in enumerate(self.kinds):
            span = lifespan(self.lifespans, kind, self.edition.jurisdiction)
            if span:
                self.constraints.append(z3.Implies(kind_var == i, z3.And(
                    self.date >= date_key(span["from"]), self.date <= date_key(span["to"]))))

    def _co(self, kind_var, co_var, unknown_body=None):
        """A CCG's level is one of its levels or unknown; any other body's is not_applicable."""
        ccg, na = self.kinds.index("ccg"), self.levels.index("not_applicable")
        level = z3.And(co_var >= 0, co_var < na)
        if not self.complete:
            level = z3.Or(level, co_var == U)
        rule = z3.If(kind_var == ccg, level, co_var == na)
        if unknown_body is not None:
            rule = z3.If(unknown_body, co_var == U, rule)
        self.constraints.append(rule)

    def _maker(self):
        kind = self._enum("maker.kind", self.kinds)
        co = self._var("maker.co_commissioning")
        self.raw["maker.co_commissioning"] = (co, True if self.complete else co != U)
        self._exists(kind.value)
        self._co(kind.value, co, None if self.complete else kind.value == U)
        self.facts["maker.kind"] = kind
        self.facts["maker.co_commissioning"] = Fact("enum", co, True if self.complete else co != U, self.levels)

    def _numbers(self):
        share = self._var("change.share_of_points", z3.Real)
        weeks = self._var("consultations.local_weeks")
        level = self._var("circumstances.national_incident_level")
        self.constraints += [share >= 0, share <= 100, weeks >= 0, level >= 0, level <= 4]
        for name, value, type_ in (("change.share_of_points", share, "number"),
                                   ("consultations.local_weeks", weeks, "int"),
                                   ("circumstances.national_incident_level", level, "int")):
            self.facts[name] = Fact(type_, value, self._known(name))
            self.raw[name] = (value, self.facts[name].known)

    def _alternative_work(self):
        present = self._enum("change.alternative_work.present", (False, True), "bool")
        measures = tuple(self.spec["change.alternative_work.measurement"]["values"])
        measurement = self._enum("change.alternative_work.measurement", measures)
        p, m = present.value, measurement.value
        # unknown: both unknown; 'none': not present, measurement none; a mapping: present
        self.constraints.append(z3.If(p == U, m == U, z3.Implies(p == 0, m == measures.index("none"))))
        self.facts["change.alternative_work.present"] = present
        self.facts["change.alternative_work.measurement"] = measurement

    def _slot(self, list_name: str, i: int) -> Slot:
        present = self._var(f"{list_name}.{i}", z3.Bool)
        out: dict[str, Fact] = {}
        for item_field in LISTS[list_name]:
            values = self.spec[f"{list_name}.{item_field}"]["values"]
            name = f"{list_name}.{i}.{item_field}"
            if item_field in ("kind", "body"):  # a body's kind is always given
                out[item_field] = self._enum(name, values, unknown=False)
            elif item_field == "co_commissioning":
                co = self._var(name)
                self.raw[name] = (co, True if self.complete else co != U)
                self._co(out["kind"].value, co)
                out[item_field] = Fact("enum", co, True if self.complete else co != U, tuple(values))
            else:
                out[item_field] = self._enum(name, values)
        if list_name != "decisions":  # a decision may carry its own date, in its body's lifetime
            self._exists(next(iter(out.values())).value)
        return Slot(present, out)

    def _standings(self):
        """standing.<kind> from the latest decision by a body of that kind (file
        order stands for date order: see docs/proof.md), and maker.standing.
        Each is a variable of its own, defined by one implication per slot."""
        st = {s: i for i, s in enumerate(STANDINGS)}
        statuses = self.spec["decisions.status"]["values"]
        slots = self.lists["decisions"]
        latest, value = [], []
        for i, slot in enumerate(slots):
            body = slot.fields["body"].value
            later = [z3.And(other.present, other.fields["body"].value == body) for other in slots[i + 1:]]
            latest.append(z3.And(slot.present, *(z3.Not(x) for x in later)))
            status, formality = slot.fields["status"].value, slot.fields["formality"].value
            plain = z3.IntVal(st["not_sought"], self.ctx)
            for name in _PLAIN_STATUS:
                plain = z3.If(status == statuses.index(name), st[name], plain)
            granted = z3.If(formality == U, U, z3.If(formality == 1, st["informal"], st["granted"]))
            value.append(z3.If(status == U, U, z3.If(status == statuses.index("granted"), granted, plain)))

        def standing_of(kind_term, name: str):
            var = self._var(name)
            mine = [z3.And(latest[i], slot.fields["body"].value == kind_term) for i, slot in enumerate(slots)]
            self.constraints += [z3.Implies(m, var == v) for m, v in zip(mine, value)]
            no_decision = z3.And(kind_term != U, *(z3.Not(m) for m in mine))  # a kind that never decided
            self.constraints.append(z3.Implies(no_decision, var == st["not_sought"]))
            return var

        self.standing = {}
        read = read_standings(self.edition)
        for k, kind in enumerate(self.kinds):
            if kind not in read:
                continue  # no component reads it: it has no variable
            var = standing_of(z3.IntVal(k, self.ctx), f"standing.{kind}")
            self.standing[kind] = var
            self.facts[f"standing.{kind}"] = Fact("enum", var, True if self.complete else var != U, STANDINGS)
        maker = self.facts["maker.kind"].value
        var = standing_of(maker, "maker.standing")
        self.constraints.append(z3.Implies(maker == U, var == U))  # no maker, no standing
        self.facts["maker.standing"] = Fact("enum", var, True if self.complete else var != U, STANDINGS)

    # --- truth ---------------------------------------------------------

    def truth(self, cond: dict, target: str, item: Slot | None = None) -> tuple:
        """The Kleene truth of a condition in the act on ``target``: (sure, maybe)."""
        op = operator(cond)
        if op == "not":
            sure, maybe = self.truth(cond["not"], target, item)
            return NOT(maybe), NOT(sure)
        if op in ("all", "any"):
            parts = [self.truth(c, target, item) for c in cond[op]]
            join = AND if op == "all" else OR
            return join(*(s for s, _ in parts)), join(*(m for _, m in parts))
        if op in ("some", "none"):
            parts = [(s.present, self.truth(cond["where"], target, s)) for s in self.lists[cond[op]]]
            sure = OR(*(AND(p, s) for p, (s, _) in parts))
            maybe = OR(*(AND(p, m) for p, (_, m) in parts))
            return (sure, maybe) if op == "some" else (NOT(maybe), NOT(sure))
        if item is not None:
            fact = item.fields[cond["field"]]
        elif cond["field"] == "change.target":
            fact = Fact("const", target)
        else:
            fact = self.facts[cond["field"]]
        test = self._test(fact, op, cond[op])
        return AND(fact.known, test), OR(NOT(fact.known), test)

    @staticmethod
    def _test(fact: Fact, op: str, v):
        if fact.type in ("enum", "bool"):
            def const(x):
                return fact.index(x)
        elif fact.type == "date":
            def const(x):
                return date_key(x)
        else:
            def const(x):
                return Fraction(str(x)) if fact.type == "number" or x != int(x) else int(x)
        x = fact.value
        if fact.type == "const":  # the jurisdiction, an act's target: known Python values
            return {"eq": lambda: x == v, "ne": lambda: x != v, "in": lambda: x in v,
                    "not_in": lambda: x not in v}[op]()
        if fact.type == "int" and not isinstance(x, int) and op in ("lt", "le", "gt", "ge", "between", "eq",
                                                                     "ne", "in", "not_in"):
            values = v if isinstance(v, list) else [v]
            if any(not float(c).is_integer() for c in values):
                x = z3.ToReal(x)

        def lit(c):
            c = const(c)
            return z3.RealVal(c, x.ctx) if isinstance(c, Fraction) else c

        if op == "eq":
            return x == lit(v)
        if op == "ne":
            return x != lit(v)
        if op == "in":
            return OR(*(x == lit(c) for c in v))
        if op == "not_in":
            return AND(*(x != lit(c) for c in v))
        if op == "between":
            return z3.And(x >= lit(v[0]), x <= lit(v[1]))
        return {"lt": lambda: x < lit(v), "le": lambda: x <= lit(v), "gt": lambda: x > lit(v),
                "ge": lambda: x >= lit(v)}[op]()

    def truths(self, target: str) -> dict[str, tuple]:
        """The (sure, maybe) of every component of the act on ``target``; a
        component the edition does not have (a power with no ``when``) is true."""
        if target not in self._truths:
            shared = self._truths.setdefault(None, {})
            out = {}
            for cid, cond in self.components:
                if any(f == "change.target" and lst is None for lst, f, _, _ in atoms(cond)):
                    out[cid] = self.truth(cond, target)
                else:  # the same in every act
                    if cid not in shared:
                        shared[cid] = self.truth(cond, target)
                    out[cid] = shared[cid]
            self._truths[target] = out
        return self._truths[target]


def components(edition: Edition) -> list[tuple[str, dict]]:
    """Every component of the edition with its condition, from the spec's table
    ("Components"); a part without ``when`` has no component (it holds)."""
    out: list[tuple[str, dict]] = []
    for p in edition.powers:
        holder: list[dict] = [{"field": "maker.kind", "in": list(p.holder_kinds)}]
        if p.holder_levels:
            holder.append({"field": "maker.co_commissioning", "in": list(p.holder_levels)})
        out += [(f"{p.id}#holder", {"all": holder}), (f"{p.id}#instrument", {"field": "change.instrument",
                                                                            "in": list(p.instruments)}),
                (f"{p.id}#target", {"field": "change.target", "in": list(p.targets)})]
        if p.when is not None:
            out.append((f"{p.id}#when", p.when))
        out += [(x.id, x.when) for x in p.limits + p.steps if x.when is not None]
        for a in p.approvals:
            standing = "maker.standing" if a.kind == "made" else f"standing.{a.body}"
            if a.when is not None:
                out.append((f"{a.id}#needed", a.when))
            out += [(f"{a.id}#granted", {"field": standing, "eq": "granted"}),
                    (f"{a.id}#refused", {"field": standing, "eq": "refused"})]
    return out + [(r.id, r.when) for r in edition.rules]


def read_standings(edition: Edition) -> set[str]:
    """The kinds of body whose standing some component reads as ``standing.<kind>``."""
    return {f.split(".", 1)[1] for _, cond in components(edition) for lst, f, _, _ in atoms(cond)
            if lst is None and f.startswith("standing.")}


def slot_counts(edition: Edition, at_least: dict[str, int] | None = None) -> dict[str, int]:
    """How many item slots each list needs so that every fact record of the
    edition has one with the same truths (docs/proof.md): two per quantifier
    over the list (an item that makes its condition true, one that makes it
    unknown), and for decisions one more for each kind of body whose standing
    a component reads and one for the maker's (the latest decision of each)."""
    found: dict[str, int] = {name: 0 for name in LISTS}
    for _, cond in components(edition):
        for name, _ in quantifiers(cond):
            found[name] += 2
    found["decisions"] += len(read_standings(edition)) + 1
    for name, n in (at_least or {}).items():
        found[name] = max(found[name], n)
    return found
