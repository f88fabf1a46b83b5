"""Compiling an edition's components into durable-rules ruleset definitions.

Pure Python: nothing here imports durable, so the policy loader can check an
edition against durable's limits (``check_budget``) without loading it. The
engine (``checker.rules.engine``) creates the rulesets planned here.

Terms. A **component** is a named condition (``policy.Component``). Its
**truth** for a fact record is three-valued (Kleene): True, False, or None
when it depends on facts that are ``UNKNOWN`` (docs/policy-format.md). A
**form** is how an edition is compiled:

- ``plain``, for fact records with no unknown field the edition reads: each
  component compiles to one test, which holds when the component is true;
- ``dual``, for records with unknowns: each component compiles to two
  tests, *sure* (the component is true) and *maybe* (it is not false).
  Truth is True if a sure test held, None if only a maybe test did, else False.

A durable rule stands for one test, or for one top-level ``$or`` branch of
it, and for every component (sure or maybe) with an equal test or branch
(``DurableRule.meanings``): fewer rules, and no ``$or`` node whose branches
durable pushes on its stack all at once (see ``compile_rules``).

How three values become durable tests. ``not`` is pushed down to the
comparisons, as durable cannot negate a test: surely(not C) = not maybe(C)
and maybe(not C) = not surely(C); ``all``/``any`` distribute over both. An
unknown scalar field is *left out* of the fact sent to durable, and a flag
``u__<field>: true`` is sent instead. durable never visits a test on a
missing property (events.c:1747-1786: the root's children are reached
through the fact's own properties), so every comparison on it is false, with
``$neq`` too. Hence, for a comparison A on field F:

- surely(A) = A                     (false when F is missing)
- maybe(A)  = {$or: [u__F == true, A]}

which needs no "known" test: fewer tests and fewer ``$and``/``$or`` per rule
than a placeholder value guarded by a known-flag (the one exception is a
comparison true of every known value, ``not_in: []``, compiled to ``$ex``).
``engine.check_core_api`` pins that behaviour of durable.

Lists. durable 2.0.28 mis-evaluates ``$or`` across different fields of one
list item (events.c:1654-1688; a random differential test found it), so each
item gets one signature field per set of item fields a quantifier tests,
e.g. ``sig__body__status = "area_team|refused"``, and a quantifier compiles
to a same-field ``$or`` over the signatures whose item truth (computed here,
over each field's finite domain, ``UNKNOWN`` included in the dual form) is
the one wanted: surely(some) = ``$iany`` over signatures that are True,
maybe(some) = over True or unknown; ``none`` is ``not some``, an ``$iall``
over the others. ``$iall`` is false on an empty list, so every list ends
with a padding item ``~pad``, which every ``$iall`` accepts. A quantifier's
``$or`` is closed by a ``$neq`` on the same field, so that its last node is
an ordinary test: durable reads an uninitialised byte of the ``$or``'s
forward node there (rete.c:1312-1320) and sometimes refuses the ruleset with
error 102, for a byte-identical definition that works on the next call; with
glibc's MALLOC_PERTURB_ making fresh bytes 0x09 or 0x0C, 15 and 21 of 70
creations of the shipped editions' rulesets failed without the closing
test, and none with it (tests/test_engine.py).

Limits. durable's tables are fixed in size and some overflows hang at 100%
CPU or crash instead of failing (``LIMITS`` below). Every definition is
measured by emulating how durable builds its network before durable sees
it. An edition over a per-ruleset limit is split into as many rulesets as
the budget needs, each with its own sentinel; the engine asserts the fact
into each and takes the union. A component over a per-rule limit cannot be
split: ``check_budget`` names it and the limit.
"""
from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass, field
from decimal import Decimal

from .conditions import atoms, fields_of, operator, quantifiers
from .facts import UNKNOWN, fields

SEP = "__"
PAD = "~pad"
SENTINEL = "__fact"
TRUE = {SENTINEL: "scheme"}
FALSE = {SENTINEL: "never"}
FLAG = "u" + SEP
SEEN = "seen"
PLAIN, DUAL = "plain", "dual"
FORMS = (PLAIN, DUAL)
SURE, MAYBE = "sure", "maybe"
_SWAP = {SURE: MAYBE, MAYBE: SURE}
_NEVER = "~never"
_INT_RANGE = (-(2 ** 63), 2 ** 63 - 1)
_OTHER = "~other"


# -- the limits ----------------------------------------------------------------

@dataclass(frozen=True)
class Limit:
    """One of durable 2.0.28's fixed tables. ``scope`` says whether splitting
    an edition into several rulesets helps (``ruleset``) or not (``rule``)."""
    name: str
    allowed: int
    scope: str
    where: str
    beyond: str


#: durable-rules 2.0.28's limits, read in its source (file:line at commit 4ab1896,
#: "Bumping version" 2.0.28) and probed on raw rulesets; tests/test_limits.py
#: checks the stack and connective figures against durable at the boundary.
LIMITS = (
    Limit("children of one test", 511, "ruleset",
          "NEXT_BUCKET_LENGTH 512, rules.h:47; probed from hash & 0x1F",
          "512: assert_fact loops forever (events.c:1749); 513: create_ruleset loops forever "
          "(findAlpha, rete.c:1001)"),
    Limit("alpha stack while matching", 64, "ruleset",
          "MAX_STACK_SIZE 64, events.c:18, 1734, 1753, 1776",
          "error 303 on assert (an upper bound is computed here: equality tests on one field "
          "count once, every other test as possibly true)"),
    Limit("$or branches ending at one test", 127, "ruleset",
          "NEXT_LIST_LENGTH 128, rules.h:48; rete.c:811-817",
          "128: reads run past the list; 129: error 107"),
    Limit("rules ending at one test", 255, "ruleset",
          "BETA_LIST_LENGTH 256, rules.h:49; rete.c:789-795",
          "256: segfault; 257: error 108"),
    Limit("rules per ruleset", 4095, "ruleset",
          "MAX_ACTIONS 4096, rete.c:41, 1748-1750", "error 106"),
    Limit("fact properties", 252, "ruleset",
          "MAX_OBJECT_PROPERTIES 255, state.h:20, state.c:1392-1396 (sid and id are two more)",
          "error 302 on assert"),
    Limit("$and/$or per rule", 15, "rule",
          "MAX_SEQUENCE_EXPRESSIONS 32, rete.h:41; two entries each, rete.c:52-59",
          "error 113 on create_ruleset"),
    Limit("values in one quantifier", 511, "rule",
          "the array hash table, NEXT_BUCKET_LENGTH 512; events.c:1656",
          "512: isArrayMatch loops forever on an item matching none; 513: error 106"),
    Limit("item signature fields", 252, "rule",
          "MAX_OBJECT_PROPERTIES 255 for each list item", "error 302 on assert"),
)
_LIMIT = {limit.name: limit for limit in LIMITS}

#: Property names durable reserves: a fact field whose 32-bit FNV-1a hash equals
#: one of these, or another field's, is confused with it (durable compares
#: names by hash only: rete.c:11-39, state.h:4-5, state.c:65-75, 1359-1376).
RESERVED = ("all", "any", "pri", "count", "cap", "dist", "$lt", "$lte", "$gt", "$gte", "$eq",
            "$neq", "$mt", "$imt", "$iall", "$iany", "$ex", "$nex", "$or", "$and", "$m", "name",
            "$add", "$sub", "$mul", "$div", "$l", "$r", "$forward", "id", "sid", "$s")


def fnv1a_32(text: str) -> int:
    """durable's hash of a property name (json.c:401-440)."""
    value = 0x811C9DC5
    for byte in text.encode():
        value = ((value ^ byte) * 16777619) & 0xFFFFFFFF
    return value


@dataclass(frozen=True)
class BudgetProblem:
    """A component (or, with ``component`` None, the edition) that durable cannot hold."""
    component: str | None
    limit: str
    value: int
    allowed: int
    form: str
    detail: str = ""

    def message(self) -> str:
        """The problem in words: what needs how much, and what durable allows."""
        who = f"component '{self.component}'" if self.component else "the edition"
        when = "" if self.form == PLAIN else " when some facts are unknown"
        more = f" ({self.detail})" if self.detail else ""
        return (f"{who} needs {self.value} {self.limit}{when}; durable-rules 2.0.28 allows "
                f"{self.allowed}{more}")


# -- conditions to durable tests -----------------------------------------------

def text_of(value) -> str:
    """A value as it appears in an item signature."""
    return "true" if value is True else "false" if value is False else str(value)


def signature_name(names) -> str:
    """The flat property name of an item signature over some item fields."""
    return "sig" + SEP + SEP.join(names)


def flat_name(path: str) -> str:
    """A field's or list's name in durable's flat facts: 'change.scope' -> 'change__scope'."""
    flat = path.replace(".", SEP)
    if SEP in path or flat.startswith(FLAG):
        raise ValueError(f"a field name cannot contain '{SEP}' nor be '{FLAG}...' once flat: {path}")
    return flat


def item_truth(cond: dict, item: dict):
    """Kleene truth (True, False, None) of an item condition for one item."""
    op = operator(cond)
    if op in ("all", "any"):
        found = [item_truth(c, item) for c in cond[op]]
        decisive = op == "any"  # any: one True decides; all: one False decides
        if decisive in found:
            return decisive
        return None if None in found else not decisive
    if op == "not":
        inner = item_truth(cond["not"], item)
        return None if inner is None else not inner
    value = item[cond["field"]]
    if value == UNKNOWN:
        return None
    return _holds(op, value, cond[op])


def _holds(op, value, target) -> bool:
    if op == "eq":
        return value == target
    if op == "ne":
        return value != target
    if op == "in":
        return value in target
    if op == "not_in":
        return value not in target
    raise ValueError(f"'{op}' cannot be compiled inside 'where' (item fields are compared by value)")


def _rank(test: dict) -> int:
    """Order of the parts of an $and: single tests, then $or/$and, then
    quantifiers, so that tests are shared between rules and quantifier
    nodes (never shared: rete.c findAlpha) sit deep in the network."""
    (key,) = test
    return 2 if key in ("$iany", "$iall") else 1 if key in ("$and", "$or") else 0


def _join(joiner: str, parts: list) -> dict:
    """$and/$or of parts, nested same connectives spliced in, TRUE/FALSE folded."""
    unit, zero = (TRUE, FALSE) if joiner == "$and" else (FALSE, TRUE)
    flat: list = []
    for part in parts:
        if part == zero:
            return zero
        if part == unit:
            continue
        if joiner in part:
            flat.extend(part[joiner])
        else:
            flat.append(part)
    if not flat:
        return unit
    if len(flat) == 1:
        return flat[0]
    if joiner == "$and":
        flat.sort(key=_rank)
    return {joiner: flat}


_NEGATED = {"lt": "ge", "le": "gt", "gt": "le", "ge": "lt", "eq": "ne", "ne": "eq",
            "in": "not_in", "not_in": "in"}
_DURABLE_OP = {"lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte", "ne": "$neq"}


def _comparison(name: str, op: str, value, negate: bool) -> dict:
    if op == "between":
        low, high = value
        if negate:
            return _join("$or", [_test(name, "lt", low), _test(name, "gt", high)])
        return _join("$and", [_test(name, "ge", low), _test(name, "le", high)])
    if negate:
        op = _NEGATED[op]
    if op in ("in", "not_in"):
        parts = [_test(name, "eq" if op == "in" else "ne", v) for v in value]
        return _join("$or" if op == "in" else "$and", parts)
    return _test(name, op, value)


def _test(name: str, op: str, value) -> dict:
    if op == "eq":
        return {name: value}
    return {_DURABLE_OP[op]: {name: value}}


def _one_of(key: str, values: list) -> dict:
    """A same-field $or over signatures, closed by a $neq on that field (error 102)."""
    tests = [{key: v} for v in values]
    if len(tests) == 1:
        return tests[0]
    return {"$and": [{"$or": tests}, {"$neq": {key: _NEVER}}]}


class _Compiler:
    """Compiles conditions into durable tests."""

    def __init__(self, unknowns: bool, domains: dict, tables: dict):
        self.unknowns = unknowns
        self.domains = domains  # (list, item field) -> its values, UNKNOWN included when unknowns
        self.tables = tables  # (list, where as JSON) -> [(signature, item truth)], shared

    def compile(self, cond: dict, want: str, neg: bool) -> dict:
        """durable's test for want(cond) (SURE: true; MAYBE: not false), negated if ``neg``."""
        op = operator(cond)
        if op in ("all", "any"):
            joiner = "$and" if (op == "all") != neg else "$or"
            return _join(joiner, [self.compile(c, want, neg) for c in cond[op]])
        if op == "not":  # sure(not C) = not maybe(C); maybe(not C) = not sure(C)
            return self.compile(cond["not"], _SWAP[want], not neg)
        if op == "some":
            return self._quantifier(cond["some"], cond["where"], want, neg)
        if op == "none":  # none = not some
            return self._quantifier(cond["none"], cond["where"], _SWAP[want], not neg)
        return self._atom(cond, op, want, neg)

    def _atom(self, cond: dict, op: str, want: str, neg: bool) -> dict:
        name = flat_name(cond["field"])
        test = _comparison(name, op, cond[op], neg)
        if not self.unknowns:
            return test
        if (want == SURE) != neg:  # sure(A), or not maybe(A): A on a known field
            return {"$ex": {name: 1}} if test == TRUE else test
        return _join("$or", [{FLAG + name: True}, test])  # maybe(A), or not sure(A)

    def _quantifier(self, list_name: str, where: dict, want: str, neg: bool) -> dict:
        names = tuple(sorted({f for _, f in fields_of(where)}))
        wanted = (True,) if want == SURE else (True, None)
        inside: list[str] = []
        outside: list[str] = []
        for sig, truth in self._table(list_name, names, where):
            (inside if truth in wanted else outside).append(sig)
        if not inside:  # no item can be wanted: some is false, every item unwanted is true
            return TRUE if neg else FALSE
        key = "$i." + signature_name(names)
        if not neg:
            return {"$iany": {flat_name(list_name): _one_of(key, inside)}}
        return {"$iall": {flat_name(list_name): _one_of(key, outside + [PAD])}}


    def _table(self, list_name: str, names: tuple, where: dict) -> list:
        """Every signature of the item fields ``names``, with the item truth of ``where``."""
        key = (list_name, json.dumps(where, sort_keys=True, default=str))
        table = self.tables.get(key)
        if table is None:
            table = self.tables[key] = []
            for combo in itertools.product(*(self.domains[(list_name, n)] for n in names)):
                table.append(("|".join(text_of(v) for v in combo), item_truth(where, dict(zip(names, combo)))))
        return table


def item_domains(components, unknowns: bool) -> dict:
    """(list, item field) -> the values its signatures enumerate. Enums and
    booleans take their finite values; any other type takes the constants
    the components compare it with, and one more value for all the rest."""
    specs = fields()
    out: dict = {}
    mentioned: dict = {}
    for component in components:
        for list_name, name, op, value in atoms(component.when):
            if list_name is None:
                continue
            mentioned.setdefault((list_name, name), set()).update(
                value if op in ("in", "not_in") else [value])
    for (list_name, name), values in mentioned.items():
        spec = specs[f"{list_name}.{name}"]
        if spec["type"] == "enum":
            domain = list(spec["values"])
        elif spec["type"] == "bool":
            domain = [True, False]
        else:
            domain = sorted(values, key=repr) + [_OTHER]
        out[(list_name, name)] = domain + ([UNKNOWN] if unknowns else [])
    return out


# -- the plan: rulesets of an edition in one form -------------------------------

@dataclass(frozen=True)
class DurableRule:
    """One rule of a ruleset, standing for every component (sure or maybe)
    whose test, or one of whose top-level ``$or`` branches, it is."""
    name: str
    test: dict
    meanings: tuple[tuple[int, bool], ...]  # (component index, True for its sure/plain truth)
    scalars: frozenset  # flat names of the scalar fields it reads
    signatures: tuple  # ((list flat name, item field names), ...) it reads


@dataclass(frozen=True)
class RulesetPlan:
    """One durable ruleset: its definition, and what its facts must hold."""
    rules: tuple[DurableRule, ...]
    scalars: tuple[str, ...]  # flat names of the scalar fields its rules read
    signatures: dict = field(compare=False)  # list flat name -> item field tuples
    figures: dict = field(compare=False)
    # (list, ((signature key, item fields), ...), padding item, open fields): for flat_fact
    item_keys: tuple = field(compare=False, default=())

    def definition(self) -> dict:
        """The durable ruleset definition of this part: its rules and the sentinel."""
        out = {r.name: {"all": [{"m": r.test}]} for r in self.rules}
        out[SEEN] = {"all": [{"m": TRUE}]}
        return out


@dataclass(frozen=True)
class EditionPlan:
    """An edition compiled in one form (plain or dual): its components and the rulesets that hold them."""

    edition: str
    form: str
    components: tuple[str, ...]
    rulesets: tuple[RulesetPlan, ...]
    problems: tuple[BudgetProblem, ...]


def compile_rules(components, form: str, problems: list | None = None) -> list[DurableRule]:
    """The durable rules of the components in one form, in policy order.

    A test's top-level ``$or`` branches become rules of their own (a rule
    fires if any does): no ``$or`` node, whose branches durable pushes on its
    stack all at once, and fewer ``$and``/``$or`` per rule. Equal tests become
    one rule with several meanings: in the dual form, maybe(A) = {u__F or A}
    shares A with sure(A), and every component on F shares ``u__F``. A test
    that is never true needs no rule. Given ``problems``, a branch over a
    per-rule limit is left out and added to it."""
    unknowns = form == DUAL
    domains = item_domains(components, unknowns)
    wants = (SURE,) if form == PLAIN else (SURE, MAYBE)
    tables: dict = {}
    found: dict[str, tuple[dict, list]] = {}  # test as JSON -> (test, meanings)
    for index, component in enumerate(components):
        for want in wants:
            test = _Compiler(unknowns, domains, tables).compile(component.when, want, False)
            for branch in test["$or"] if "$or" in test else [test] if test != FALSE else []:
                over = _rule_problems(branch, component.id, form) if problems is not None else []
                if over:
                    problems += over  # type: ignore[operator]
                    continue
                meanings = found.setdefault(json.dumps(branch, sort_keys=True), (branch, []))[1]
                if (index, want == SURE) not in meanings:
                    meanings.append((index, want == SURE))
    out = []
    for number, (test, meanings) in enumerate(found.values()):
        scalars, signatures = _reads(test)
        out.append(DurableRule(f"r{number}", test, tuple(meanings), frozenset(scalars),
                               tuple(sorted(signatures))))
    return out


def _reads(test: dict) -> tuple[set, set]:
    """(scalar fields, (list, item field names) signatures) a durable test reads."""
    scalars: set[str] = set()
    signatures: set[tuple] = set()
    ((key, value),) = test.items()
    if key in ("$and", "$or"):
        for part in value:
            more = _reads(part)
            scalars |= more[0]
            signatures |= more[1]
    elif key in ("$iany", "$iall"):
        ((lst, inner),) = value.items()
        signatures |= {(lst, tuple(k.split(SEP)[1:])) for k in _item_keys(inner)}
    else:
        name = next(iter(value)) if key in _OPERATORS else key
        if name.startswith(FLAG):
            scalars.add(name[len(FLAG):])
        elif name != SENTINEL:
            scalars.add(name)
    return scalars, signatures


def _item_keys(test) -> set[str]:
    """The item properties ('sig__a__b') a quantifier's condition tests."""
    if isinstance(test, list):
        return set().union(*(_item_keys(t) for t in test)) if test else set()
    if not isinstance(test, dict):
        return set()
    out = set()
    for key, value in test.items():
        if key.startswith("$i."):
            out.add(key[3:])
        else:
            out |= _item_keys(value)
    return out


def plan_edition(edition, form: str) -> EditionPlan:
    """The rulesets of an edition in one form, split as durable's limits need."""
    components = edition.components
    ids = [c.id for c in components]
    if len(set(ids)) != len(ids):
        raise ValueError(f"edition {edition.id} has two components with one id")
    problems: list[BudgetProblem] = []
    rules = compile_rules(components, form, problems)
    parts = _split(rules, ids, form, problems)
    open_fields = {(flat_name(lst), name): frozenset(text_of(v) for v in domain if v != _OTHER)
                   for (lst, name), domain in item_domains(components, False).items() if _OTHER in domain}
    rulesets = tuple(_ruleset(part, figures, open_fields) for part, figures in parts)
    for ruleset in rulesets:
        problems += _collisions(ruleset, form)
    worst: dict = {}  # one problem per component, limit and form: a sure and a maybe rule may both have it
    for problem in problems:
        key = (problem.component, problem.limit, problem.detail if problem.component is None else "")
        if key not in worst or problem.value > worst[key].value:
            worst[key] = problem
    return EditionPlan(edition.id, form, tuple(ids), rulesets, tuple(worst.values()))


def check_budget(edition) -> list[BudgetProblem]:
    """What of the edition durable cannot hold, in either form; empty if all fits."""
    out: list[BudgetProblem] = []
    for form in FORMS:
        out += plan_edition(edition, form).problems
    return out


def _ruleset(rules: list[DurableRule], figures: dict, open_fields: dict | None = None) -> RulesetPlan:
    """The ruleset of these rules. ``open_fields``: (list, item field) -> the
    texts its signatures name, for item fields without a finite domain (any
    other value is signed ``~other``)."""
    scalars = sorted(set().union(*(r.scalars for r in rules))) if rules else []
    signatures: dict = {}
    for rule in rules:
        for lst, names in rule.signatures:
            signatures.setdefault(lst, set()).add(names)
    sigs = {lst: tuple(sorted(n)) for lst, n in sorted(signatures.items())}
    keys = tuple((lst, tuple((signature_name(n), n) for n in names), {signature_name(n): PAD for n in names},
                  {f: texts for (of, f), texts in (open_fields or {}).items() if of == lst})
                 for lst, names in sigs.items())
    return RulesetPlan(tuple(rules), tuple(scalars), sigs, figures, keys)


def _properties(rules) -> int:
    """Properties of a ruleset's facts: each field read (or, unknown, its flag
    instead), each list, and the sentinel."""
    scalars = set().union(*(r.scalars for r in rules)) if rules else set()
    lists = {lst for r in rules for lst, _ in r.signatures}
    return len(scalars) + len(lists) + 1


def ruleset_figures(rules) -> dict:
    """The per-ruleset figures of LIMITS for these rules plus the sentinel."""
    network = _Network()
    network.add(TRUE)  # the sentinel
    for rule in rules:
        network.add(rule.test)
    figures = network.figures()
    figures["rules per ruleset"] = len(rules) + 1
    figures["fact properties"] = _properties(rules)
    return figures


def _over(figures: dict) -> list[str]:
    return [name for name, value in figures.items() if value > _LIMIT[name].allowed]


def _split(rules, ids, form, problems) -> list[tuple[list[DurableRule], dict]]:
    """Consecutive groups of rules, each within the per-ruleset limits, with
    their figures: halves until each fits (a rule that does not fit alone is
    a problem)."""
    figures = ruleset_figures(rules)
    over = _over(figures)
    if not over:
        return [(rules, figures)]
    if len(rules) == 1:
        whose = dict.fromkeys(ids[index] for index, _ in rules[0].meanings)
        problems += [BudgetProblem(component, name, figures[name], _LIMIT[name].allowed, form,
                                   "even in a ruleset of its own")
                     for component in whose for name in over]
        return []
    middle = len(rules) // 2
    return _split(rules[:middle], ids, form, problems) + _split(rules[middle:], ids, form, problems)


def _rule_problems(test: dict, component: str, form: str) -> list[BudgetProblem]:
    connectives, values = _shape(test)
    figures = {"$and/$or per rule": connectives, "values in one quantifier": values}
    per_list: dict = {}
    for lst, _ in _reads(test)[1]:
        per_list[lst] = per_list.get(lst, 0) + 1
    figures["item signature fields"] = max(per_list.values(), default=0)
    return [BudgetProblem(component, name, value, _LIMIT[name].allowed, form)
            for name, value in figures.items() if value > _LIMIT[name].allowed]


def _shape(test: dict) -> tuple[int, int]:
    """($and/$or connectives in a test, the most values one of its quantifiers accepts)."""
    ((key, value),) = test.items()
    if key in ("$and", "$or"):
        shapes = [_shape(part) for part in value]
        return 1 + sum(c for c, _ in shapes), max(v for _, v in shapes)
    if key in ("$iany", "$iall"):
        ((_, inner),) = value.items()
        if "$and" in inner:  # _one_of: {$and: [{$or: [values]}, {$neq: ...}]}
            return 2, len(inner["$and"][0]["$or"])
        return 0, 1
    return 0, 0


def _collisions(ruleset: RulesetPlan, form: str) -> list[BudgetProblem]:
    """Property names durable would confuse: it tells names apart by hash only.
    The fact's own names among themselves and with durable's; each list's
    signature names among themselves."""
    top = list(ruleset.scalars) + list(ruleset.signatures) + [SENTINEL]
    if form == DUAL:
        top += [FLAG + n for n in ruleset.scalars]
    groups = [top] + [[signature_name(n) for n in sigs] for sigs in ruleset.signatures.values()]
    out = []
    for names in groups:
        seen = {fnv1a_32(n): f"durable's own '{n}'" for n in RESERVED}
        for name in names:
            other = seen.get(fnv1a_32(name))
            if other is not None:
                out.append(BudgetProblem(None, "distinct property names", 1, 0, form,
                                         f"'{name}' has the 32-bit hash of {other}"))
            seen[fnv1a_32(name)] = f"'{name}'"
    return out


_OPERATORS = ("$lt", "$lte", "$gt", "$gte", "$eq", "$neq", "$ex", "$nex", "$mt", "$imt")


class _Node:
    __slots__ = ("kind", "hash", "unique", "array", "forward", "rules", "peak")

    def __init__(self, kind: str):
        self.kind = kind  # root | test | quantifier | forward
        self.hash: dict = {}  # shared children: test key -> node (findAlpha shares equal tests)
        self.unique: list = []  # never-shared children in the same table ($iany/$iall)
        self.array: list = []  # a quantifier's item tests
        self.forward: list = []  # $or nodes this node leads to (its nextList)
        self.rules = 0  # rules ending here
        self.peak: int | None = None


class _Network:
    """How durable 2.0.28 builds its alpha network from a definition (createAlpha
    rete.c:1133-1345, findAlpha 962-1077, linkAlpha 773-843), for the figures
    its fixed tables limit."""

    def __init__(self):
        self.root = _Node("root")
        self.nodes = [self.root]

    def add(self, test: dict) -> None:
        self._alpha(test, self.root, False).rules += 1

    def _new(self, kind: str) -> _Node:
        node = _Node(kind)
        self.nodes.append(node)
        return node

    def _alpha(self, test: dict, parent: _Node, to_array: bool) -> _Node:
        ((name, value),) = test.items()
        if name == "$and":
            node = parent
            for part in value:
                node = self._alpha(part, node, to_array)
                to_array = False
            return node
        if name == "$or":
            forward = self._new("forward")
            for part in value:
                self._alpha(part, parent, to_array).forward.append(forward)
            return forward
        if name in ("$iany", "$iall"):
            ((_, inner),) = value.items()
            node = self._new("quantifier")
            (parent.array if to_array and parent.kind == "quantifier" else parent.unique).append(node)
            self._alpha(inner, node, True)
            return node
        if name in _OPERATORS:
            ((prop, target),) = value.items()
            key = (prop, name, type(target).__name__, target)
        else:
            key = (name, "$eq", type(value).__name__, value)
        if to_array and parent.kind == "quantifier":
            node = self._new("test")
            parent.array.append(node)
            return node
        found = parent.hash.get(key)
        if found is None:
            found = parent.hash[key] = self._new("test")
        return found

    @staticmethod
    def _pushes(node: _Node) -> int:
        """At most how many nodes durable pushes on its stack when it pops ``node``."""
        equal, other = set(), 0
        for (prop, op, _, _) in node.hash:
            if op == "$eq":
                equal.add(prop)  # one value: at most one equality per property holds
            else:
                other += 1
        return len(equal) + other + len(node.unique) + len(node.forward)

    def _peak(self, root: _Node) -> int:
        """At most how many nodes are on durable's stack at once, below ``root``:
        k pushed by a node, then the deepest of them popped last (k - 1 + its peak).
        Iterative: an ``$and`` of many tests is a chain as deep as it is long."""
        todo = [(root, False)]
        while todo:
            node, ready = todo.pop()
            if node.peak is not None:
                continue
            children = list(itertools.chain(node.hash.values(), node.unique, node.forward))
            if not ready:
                todo.append((node, True))
                todo.extend((c, False) for c in children if c.peak is None)
                continue
            k = self._pushes(node)
            below = max((c.peak or 0 for c in children), default=0)
            node.peak = 0 if k == 0 else max(k, k - 1 + below)
        return root.peak or 0

    def figures(self) -> dict:
        return {
            "children of one test": max(len(n.hash) + len(n.unique) for n in self.nodes),
            "alpha stack while matching": self._peak(self.root),
            "$or branches ending at one test": max(len(n.forward) for n in self.nodes),
            "rules ending at one test": max(n.rules for n in self.nodes),
        }


# -- facts ---------------------------------------------------------------------

class FactReader:
    """Takes from a (nested) fact record only the fields an edition's rules
    read, and says whether any of them is unknown."""

    def __init__(self, scalars, lists):
        self.scalars = tuple((name, tuple(name.split(SEP))) for name in sorted(scalars))
        self.lists = tuple((lst, tuple(lst.split(SEP)), names) for lst, names in sorted(lists.items()))

    @classmethod
    def for_components(cls, components) -> FactReader:
        """Every scalar field the components compare, and every list item
        field they quantify over."""
        scalars: set[str] = set()
        lists: dict[str, set] = {}
        for component in components:
            for list_name, name, _, _ in atoms(component.when):
                if list_name is None:
                    scalars.add(flat_name(name))
            for list_name, where in quantifiers(component.when):
                lists.setdefault(flat_name(list_name), set()).update(n for _, n, _, _ in atoms(where, list_name))
        return cls(scalars, {lst: tuple(sorted(n)) for lst, n in lists.items()})

    def read(self, facts: dict) -> tuple[dict, dict, bool, bool]:
        """(scalar values by flat name, list items by flat name, whether any
        is unknown, whether any is a number durable needs ``dumps`` for)."""
        values = {}
        unknown = careful = False
        for name, path in self.scalars:
            value = _at(facts, path, name)
            kind = type(value)
            if kind is str:
                unknown = unknown or value == UNKNOWN
            elif kind is float or (kind is int and not _INT_RANGE[0] <= value <= _INT_RANGE[1]):
                careful = True
            values[name] = value
        items = {}
        for lst, path, names in self.lists:
            found = _at(facts, path, lst)
            if not isinstance(found, list):
                raise KeyError(f"the facts' '{lst.replace(SEP, '.')}' is not a list")
            for item in found:
                for n in names:
                    if item[n] == UNKNOWN:
                        unknown = True
            items[lst] = found
        return values, items, unknown, careful


def _at(facts: dict, path: tuple, name: str):
    node = facts
    try:
        for key in path:
            node = node[key]
    except (KeyError, TypeError):
        raise KeyError(f"the facts have no field '{name.replace(SEP, '.')}'") from None
    return node


def flat_fact(ruleset: RulesetPlan, form: str, values: dict, items: dict) -> dict:
    """durable's flat fact for one ruleset: only the fields it reads; in the
    dual form an unknown field is left out and flagged ``u__<field>: true``."""
    fact: dict = {}
    if form == PLAIN:
        for name in ruleset.scalars:
            fact[name] = values[name]
    else:
        for name in ruleset.scalars:
            value = values[name]
            if value == UNKNOWN:
                fact[FLAG + name] = True
            else:
                fact[name] = value
    for lst, keys, pad, open_fields in ruleset.item_keys:
        if open_fields:
            rows = [{key: "|".join([_open_text(item[f], open_fields.get(f)) for f in names])
                     for key, names in keys} for item in items[lst]]
        else:
            rows = [{key: "|".join([v if type(v) is str else text_of(v) for v in map(item.__getitem__, names)])
                     for key, names in keys} for item in items[lst]]
        rows.append(pad)
        fact[lst] = rows
    fact[SENTINEL] = "scheme"
    return fact


def _open_text(value, known) -> str:
    """An item value's text in its signature: for a field without a finite
    domain, a value no condition names is ``~other``."""
    text = value if type(value) is str else text_of(value)
    if known is None or text in known or text == UNKNOWN:
        return text
    return _OTHER


# -- JSON that durable reads ----------------------------------------------------


def dumps(data, careful: bool | None = None) -> str:
    """JSON as durable 2.0.28 reads it: floats without exponents (its parser
    takes an exponent only after a fraction, json.c:320-365, so ``1e-05`` is
    error 204), no NaN or infinity (read as null, or error 202), integers
    within 64 bits (beyond, atoll saturates). Raises ValueError otherwise.
    ``careful=False`` says the caller knows there is no float nor large int."""
    if careful is False or (careful is None and not _needs_care(data)):
        return json.dumps(data)
    return _dumps(data)


def _needs_care(data) -> bool:
    kind = type(data)
    if kind is dict:
        return any(_needs_care(v) for v in data.values())
    if kind is list:
        return any(_needs_care(v) for v in data)
    if kind is float:
        return True
    return kind is int and not _INT_RANGE[0] <= data <= _INT_RANGE[1]


def _dumps(data) -> str:
    kind = type(data)
    if kind is dict:
        return "{" + ", ".join(json.dumps(k) + ": " + _dumps(v) for k, v in data.items()) + "}"
    if kind is list:
        return "[" + ", ".join(_dumps(v) for v in data) + "]"
    if kind is float:
        return plain_float(data)
    if kind is int and not _INT_RANGE[0] <= data <= _INT_RANGE[1]:
        raise ValueError(f"durable-rules cannot hold the integer {data} (64 bits at most)")
    return json.dumps(data)


def plain_float(value: float) -> str:
    """``value`` in positional notation: 1e-05 -> 0.00001, 1e+16 -> 10000000000000000.0."""
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"durable-rules cannot hold the number {value!r}")
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
        if "." not in text:
            text += ".0"
    return text
