"""The rule engine: policy rules compiled onto durable-rules, and evaluated.

This is the only module that imports ``durable``. Each edition becomes one
ruleset; each policy rule becomes one durable rule whose condition is a test
on a single fact (the scheme's facts), and whose action records that the
rule fired. The durable-rules 2.0.28 traps, and what is done about each:

- ``when_all(a, b)`` joins two facts: every rule here has exactly one
  condition on the one fact ``m``; combinations are ``$and``/``$or`` inside it.
- A fact no rule consumes raises ``MessageNotHandledException``: a sentinel
  rule matches every scheme fact, and its firing is checked.
- An exception inside an action is swallowed into the returned state's
  ``exception`` key: that key is checked and turned into ``EngineError``.
- The module-global host is created lazily and breaks under threads: an
  explicit host is created here, with its background dispatcher threads
  switched off, and every call into it holds one lock.
- State persists per session id: every check gets a fresh session id and
  its state is deleted afterwards, so nothing accumulates.
- ``get_facts`` order is not stable: it is never used; fired rules are
  reported in policy order.
- Creating a ruleset very occasionally fails inside durable's C code with
  "Could not create ruleset, error code: 102" for the same, byte-identical
  definition that succeeds on the next call (seen in two full test runs,
  not reproduced in 540 further runs of `vires check`). Creation is retried a few times
  from a freshly compiled definition; a ruleset that still cannot be created
  is an ``EngineError``. Evaluation itself is never retried.

Semantics the policy language needs and durable lacks are compiled away:

- ``not`` is pushed down to the comparisons (durable has no negation of a
  test), and facts are total (``$neq`` is false on a missing field).
- Inside list items, durable 2.0.28 mis-evaluates ``$or`` across different
  fields (a random differential test found it). So each item is given one
  signature field per set of item fields that a quantifier tests, e.g.
  ``sig__body__status = "area_team|refused"``, and ``some``/``none`` compile
  to a same-field ``$or`` over the signatures that satisfy (or fail) the
  item condition, enumerated at compile time over the fields' finite values.
- ``$iall`` is false on an empty list, so every list ends with a padding
  item whose signatures are ``~pad``, which ``none`` accepts.
"""
from __future__ import annotations

import itertools
import threading

from durable import engine as durable

from ..memo import Memo, key_of
from .conditions import fields_of, operator
from .facts import LISTS, fields

_SEP = "__"
_PAD = "~pad"
_SENTINEL = "__fact"
_TRUE = {_SENTINEL: "scheme"}
_FALSE = {_SENTINEL: "never"}
_ruleset_names = itertools.count()


class EngineError(RuntimeError):
    """The engine failed to evaluate a scheme: a bug, never a verdict."""


class _QuietHost(durable.Host):
    """A host without the dispatcher threads: all actions run synchronously
    inside assert_fact, so no background thread can take our actions.

    Rulesets are compiled on first use, through durable's own hook for a
    ruleset it has not seen (``load_ruleset``): a `vires check` of one scheme
    compiles one edition, not all of them (docs/performance.md)."""

    def __init__(self, compile_ruleset):
        self._compile_ruleset = compile_ruleset
        super().__init__()

    def _run(self):
        pass

    def load_ruleset(self, ruleset_name):
        return {ruleset_name: self._compile_ruleset(ruleset_name)}


def _text(value) -> str:
    return "true" if value is True else "false" if value is False else str(value)


def signature_name(names) -> str:
    """The name of the signature field for a set of item fields: 'sig__body__status'."""
    return "sig" + _SEP + _SEP.join(names)


def signature(item: dict, names) -> str:
    """A list item's signature over some of its fields: 'area_team|refused'."""
    return "|".join(_text(item[n]) for n in names)


def _item_holds(cond: dict, item: dict) -> bool:
    """Truth of an item condition for one concrete item (compile time only)."""
    op = operator(cond)
    if op == "all":
        return all(_item_holds(c, item) for c in cond["all"])
    if op == "any":
        return any(_item_holds(c, item) for c in cond["any"])
    if op == "not":
        return not _item_holds(cond["not"], item)
    value, target = item[cond["field"]], cond[op]
    return {"eq": lambda: value == target, "ne": lambda: value != target,
            "in": lambda: value in target, "not_in": lambda: value not in target}[op]()


def _domain(list_name, field):
    spec = fields()[f"{list_name}.{field}"]
    return spec["values"] if spec["type"] == "enum" else [True, False]


class _Compiler:
    """Compiles conditions, recording which item signatures each list needs."""

    def __init__(self):
        self.signatures = {name: set() for name in LISTS}

    def compile(self, cond: dict, negate: bool = False) -> dict:
        op = operator(cond)
        if op in ("all", "any"):
            parts = [self.compile(c, negate) for c in cond[op]]
            joiner = "$and" if (op == "all") != negate else "$or"
            return parts[0] if len(parts) == 1 else {joiner: parts}
        if op == "not":
            return self.compile(cond["not"], not negate)
        if op in ("some", "none"):
            return self._quantifier(cond[op], cond["where"], (op == "some") != negate)
        return _comparison(cond["field"].replace(".", _SEP), op, cond[op], negate)

    def _quantifier(self, list_name, where, exists):
        names = tuple(sorted({f for _, f in fields_of(where)}))
        self.signatures[list_name].add(names)
        key = "$i." + signature_name(names)
        combos = itertools.product(*(_domain(list_name, n) for n in names))
        holding, failing = [], []
        for combo in combos:
            item = dict(zip(names, combo))
            (holding if _item_holds(where, item) else failing).append(signature(item, names))
        if exists:
            if not holding:
                return _FALSE
            return {"$iany": {list_name: _one_of(key, holding)}}
        return {"$iall": {list_name: _one_of(key, failing + [_PAD])}}


def _one_of(key, values):
    tests = [{key: v} for v in values]
    return tests[0] if len(tests) == 1 else {"$or": tests}


_NEGATED = {"lt": "ge", "le": "gt", "gt": "le", "ge": "lt", "eq": "ne", "ne": "eq",
            "in": "not_in", "not_in": "in"}
_DURABLE_OP = {"lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte", "ne": "$neq"}


def _comparison(name, op, value, negate):
    if op == "between":
        low, high = value
        if negate:
            return {"$or": [_test(name, "lt", low), _test(name, "gt", high)]}
        return {"$and": [_test(name, "ge", low), _test(name, "le", high)]}
    if negate:
        op = _NEGATED[op]
    if op in ("in", "not_in"):
        parts = [_test(name, "eq" if op == "in" else "ne", v) for v in value]
        if not parts:
            return _FALSE if op == "in" else _TRUE
        return parts[0] if len(parts) == 1 else {("$or" if op == "in" else "$and"): parts}
    return _test(name, op, value)


def _test(name, op, value):
    if op == "eq":
        return {name: value}
    return {_DURABLE_OP[op]: {name: value}}


def flatten(facts: dict, signatures: dict) -> dict:
    """Nested facts to durable's flat form: scalars under joined names, list
    items as their signatures, each list ending with the padding item."""
    out: dict = {}
    _flatten_into(out, facts, "", signatures)
    return out


def _flatten_into(out, node, prefix, signatures):
    for key, value in node.items():
        name = prefix + key
        if isinstance(value, dict):
            _flatten_into(out, value, name + _SEP, signatures)
        elif isinstance(value, list):
            wanted = signatures.get(name, ())
            items = [{signature_name(n): signature(item, n) for n in wanted} for item in value]
            items.append({signature_name(n): _PAD for n in wanted})
            out[name] = items
        else:
            out[name] = value


class RuleEngine:
    """Compiled rulesets for every edition of a policy."""

    def __init__(self, policy, memo_size: int = 0):
        self._lock = threading.Lock()
        self.memo = Memo(memo_size)  # off unless asked for: the shared Checker asks
        self._sessions = itertools.count(1)
        self._fired: list | None = None
        self._names: dict[str, str] = {}  # edition id -> ruleset name
        self._rule_ids: dict[str, list[str]] = {}  # edition id -> its rule ids, in policy order
        self._editions: dict = {}  # ruleset name -> edition
        self._signatures: dict[str, dict] = {}  # ruleset name -> the item signatures its rules test
        for edition in policy.editions:
            name = f"vires{next(_ruleset_names)}_{edition.id}"
            self._names[edition.id] = name
            self._rule_ids[edition.id] = [r.id for r in edition.rules]
            self._editions[name] = edition
        self._host = _QuietHost(self._compile)

    def _compile(self, name: str) -> dict:
        """The durable ruleset of one edition (called by the host, under our lock)."""
        compiler = _Compiler()
        rules = {
            f"r{i}": {"all": [{"m": compiler.compile(rule.when)}], "run": self._recorder(i)}
            for i, rule in enumerate(self._editions[name].rules)
        }
        rules["seen"] = {"all": [{"m": _TRUE}], "run": self._recorder(-1)}
        self._signatures[name] = {k: sorted(v) for k, v in compiler.signatures.items()}
        return rules

    _CREATE_TRIES = 5

    def _ensure_ruleset(self, name: str) -> None:
        """Compile the edition into durable on first use (caller holds the lock)."""
        for attempt in range(self._CREATE_TRIES):
            try:
                self._host.get_ruleset(name)  # load_ruleset compiles a fresh definition
                return
            except Exception as err:  # durable raises a bare C-extension error here
                if "Could not create ruleset" not in str(err):
                    raise
                last = err
        raise EngineError(f"durable-rules could not create the ruleset for {name}: {last}")

    def _recorder(self, index):
        def record(c):
            self._fired.append(index)
        return record

    def fired(self, edition_id: str, facts: dict) -> list[str]:
        """Ids of the rules of ``edition_id`` whose conditions hold, in policy order.

        The answer is a pure function of the edition and the facts, so it is
        remembered (``self.memo``): the same facts are not sent through
        durable twice. docs/performance.md gives the figures with and without."""
        key = key_of(edition_id, facts) if self.memo.size > 0 else None
        found = self.memo.get(key)
        if found is not None:
            return list(found)
        ids = self._evaluate(edition_id, facts)
        self.memo.put(key, tuple(ids))
        return ids

    def _evaluate(self, edition_id: str, facts: dict) -> list[str]:
        name = self._names[edition_id]
        with self._lock:
            self._ensure_ruleset(name)
        fact = flatten(facts, self._signatures[name])
        fact[_SENTINEL] = "scheme"
        with self._lock:
            sid = str(next(self._sessions))
            fact["sid"] = sid
            self._fired = []
            try:
                state = self._host.assert_fact(name, fact)
            except durable.MessageNotHandledException as err:
                raise EngineError("no rule consumed the scheme fact") from err
            finally:
                fired, self._fired = self._fired, None
                self._host.delete_state(name, sid)
        if isinstance(state, dict) and "exception" in state:
            raise EngineError(f"a rule action failed: {state['exception']}")
        if -1 not in fired:
            raise EngineError("the engine did not see the scheme")
        ids = self._rule_ids[edition_id]
        return [ids[i] for i in sorted(set(fired)) if i >= 0]
