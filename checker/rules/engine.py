"""The rule engine: an edition's components evaluated on durable-rules' C core.

This is the only module that imports durable. It drives the compiled core,
the extension module ``durable_rules_engine`` of durable-rules 2.0.28,
directly, without durable's Python host. The functions it calls (their
signatures are those of durable's src/rulespy/rules.c; ``check_core_api``
checks that they still behave so):

- ``create_ruleset(name, definition_json) -> handle``
- ``assert_fact(handle, fact_json) -> (code, state_offset)``: code 0 means
  a rule matched; 1 that none did; 2 that the fact's id is already in the
  session; any failure raises ``error`` ("Could not assert fact, error code: N")
- ``start_action_for_state(handle, state_offset) -> (state_json, messages_json) | None``
- ``complete_and_start_action(handle, state_offset) -> messages_json | None``
- ``retract_fact(handle, fact_json) -> (code, state_offset)``
- ``delete_state(handle, sid)``, ``delete_ruleset(handle)``, and ``error``.

What a check does (``checker.rules.compile`` plans the rulesets): read the
fields the edition's components test from the fact record; if none is
unknown, use the edition's ``plain`` rulesets, else its ``dual`` ones (each
compiled and created on first use); for each ruleset, assert the flat fact,
start the first pending action, complete each in turn until none is left,
collecting the rule names, and retract the fact. Truth is read from which
rules fired. A ``Family`` (``RuleEngine.family``) serves the many related
records of one check's split on unknown facts: it asks durable only for
records with field values some component has not yet been evaluated on.
durable's traps, and what is done about each:

- **No Python actions.** A rule's pending action is only read: the messages
  of a count-1 rule are ``{"<rule name>": {"m": <the fact>}}``, so the name
  is the text between the first two quotes; the actions are drained one by
  one with ``complete_and_start_action`` (rule order; a rule appears once per
  ``$or`` branch that matched, so names are collected as a set). There is no
  action code that could raise, and nothing durable could swallow into a
  state's ``exception`` key, as its host does.
- **MessageNotHandled.** A fact no rule matches is code 1, and ``$iall`` on
  an empty list is false: every ruleset has a sentinel rule ``seen`` that
  matches every fact (``__fact == "scheme"``), and each check requires code 0
  and ``seen`` among the names, else ``EngineError``.
- **Sessions and sid.** Each ruleset keeps one session, sid ``v``, for its
  whole life; the fact has the explicit id ``f`` and is retracted after
  each check, so the session holds nothing between checks. This avoids
  durable's 318 KB per new session and its limit of 1,024 live sessions
  (a 1,025th half-built session segfaults when reused). On any failure the
  session is deleted, and the next check makes a new one. sids are ASCII
  letters: durable keeps a sid in its escaped JSON form and compares it by a
  32-bit hash only.
- **The uninitialised action context.** ``delete_state`` after a failed
  assert can crash the process on a state-pool slot that never completed an
  action (``createStateNode`` leaves ``context`` unset, ``deleteStateNode``
  frees it). Right after ``create_ruleset``, one full assert, start,
  complete, delete cycle (the warm-up) leaves the slot every later session
  reuses with a NULL context.
- **Error 102.** ``create_ruleset`` reads an uninitialised byte when a
  quantifier's condition ends in an ``$or`` and sometimes refuses a valid
  definition with error 102; ``compile`` closes every such ``$or`` with an
  ordinary test, which removes the cause. Creation is still retried, as a
  last resort, a few times; a ruleset that cannot be created is an
  ``EngineError``.
- **Numbers.** durable's JSON parser rejects exponents (``1e-05``: error
  204) and reads NaN as null: floats are written positionally, and NaN,
  infinity and integers beyond 64 bits are an ``EngineError``.
- **Limits.** durable's tables are fixed, and some overflows hang at 100%
  CPU: every definition is measured first (``compile.LIMITS``), an edition
  is split over as many rulesets as needed, and a component that cannot fit
  is an ``EngineError`` when its edition is evaluated (the policy loader
  refuses it earlier, ``policy.over_limit``).
- **Threads.** The core has unlocked globals and every ruleset's state is
  shared by its sessions; its calls never release the GIL, but a check is a
  sequence of them on one session. One lock is held for each check's whole
  sequence and for every creation and deletion of a ruleset.
- **Memory.** durable never frees a ruleset unless told (235 to 380 KB for
  an edition's plain ruleset, 445 to 710 KB for its dual one, measured with
  glibc's ``mallinfo2``): ``close()`` deletes the engine's rulesets, and so
  does garbage collection of the engine. A ruleset's session costs more
  (370 to 920 KB: fixed index tables for each rule). An engine keeps every
  session unless told otherwise: with ``live_sessions = N``, only the N
  rulesets used last keep theirs; the others' sessions are deleted (after a
  completed check, as the warm-up does) and made again on their next
  check, about 25 µs of CPU. `vires check` sets 4 for its run, so that a
  batch over every edition holds 4 sessions, not up to 24 (12 editions, two
  forms; docs/performance.md, batches); the server and the Python API,
  where speed matters more, keep them all.
"""
from __future__ import annotations

import functools
import itertools
import operator
import threading
import weakref
from collections.abc import Callable

import durable_rules_engine as core

from ..memo import Memo, key_of
from .compile import (
    DUAL,
    PLAIN,
    SEEN,
    SEP,
    EditionPlan,
    FactReader,
    dumps,
    flat_fact,
    plan_edition,
)

#: The functions of durable's core this module calls.
CORE_FUNCTIONS = ("create_ruleset", "assert_fact", "start_action_for_state",
                  "complete_and_start_action", "retract_fact", "delete_state",
                  "delete_ruleset", "error")
DURABLE_VERSION = "2.0.28"
_SID, _FACT_ID, _WARM_SID = "v", "f", "w"
_CREATE_TRIES = 3
#: A truth as the memo keeps it (one byte), and back.
_CODE = {False: 0, True: 1, None: 2}
_TRUTH = (False, True, None)
#: One lock for every call sequence into durable's core (module docstring, "Threads").
_LOCK = threading.RLock()
_ruleset_names = itertools.count()


class EngineError(RuntimeError):
    """The engine failed to evaluate a scheme: a bug, never a verdict."""


class _Form:
    """An edition planned in one form, and how to read what fired."""

    def __init__(self, plan: EditionPlan):
        if plan.problems:
            raise EngineError(f"edition {plan.edition} does not fit durable-rules: "
                              + "; ".join(p.message() for p in plan.problems))
        self.plan = plan
        # rule name -> ((component index, True for its sure or plain truth), ...)
        self.meaning = {r.name: r.meanings for rs in plan.rulesets for r in rs.rules}


class RuleEngine:
    """Evaluates the components of every edition of a policy."""

    def __init__(self, policy, memo_size: int = 0):
        self.memo = Memo(memo_size)  # off unless asked for: the shared Checker asks
        self._editions = {e.id: e for e in policy.editions}
        self._components: dict[str, tuple[str, ...]] = {}
        self._readers: dict[str, FactReader] = {}
        self._grouped: dict[str, tuple] = {}  # Family's groups of components, by edition
        self._forms: dict[tuple[str, str], _Form] = {}  # planned (pure Python)
        self._created: dict[tuple[str, str], list[int]] = {}  # their rulesets in durable
        self._handles: list[int] = []  # every ruleset this engine created and has not deleted
        #: How many rulesets keep their session between checks; None: all (module docstring, "Memory").
        self.live_sessions: int | None = None
        self._live: dict[int, None] = {}  # rulesets whose session is kept, the last used last
        weakref.finalize(self, _delete_rulesets, self._handles)  # garbage collection deletes them too

    def truths(self, edition_id: str, facts: dict) -> dict[str, bool | None]:
        """Three-valued truth of every component of the edition: True, False, or None (unknown).

        A pure function of the edition and the facts, so it is remembered
        (``self.memo``) when the engine has a memo."""
        ids = self._ids(edition_id)
        key = key_of(edition_id, facts) if self.memo.size > 0 else None
        found = self.memo.get(key)
        if found is None:
            truths = self._evaluate(edition_id, facts)
            if key is not None:  # kept as a byte a component: 92 bytes for 59, not 512 as a tuple
                self.memo.put(key, bytes(map(_CODE.__getitem__, truths)))
            return dict(zip(ids, truths))
        return dict(zip(ids, map(_TRUTH.__getitem__, found)))

    def family(self, edition_id: str, needed, known=()) -> Family:
        """An evaluator of the components ``needed`` over a family of related
        fact records (``Family``), knowing already the (facts, truths) pairs
        ``known``."""
        family = Family(self, edition_id, needed)
        for facts, truths in known:
            family.learn(facts, truths)
        return family

    def fired(self, edition_id: str, facts: dict) -> list[str]:
        """Ids of the components that are surely true, in policy order."""
        return [cid for cid, truth in self.truths(edition_id, facts).items() if truth is True]

    def close(self) -> None:
        """Delete this engine's rulesets in durable. The engine stays usable:
        a later check creates what it needs again."""
        with _LOCK:
            self._created.clear()
            self._live.clear()
            _delete_rulesets(self._handles)

    def __enter__(self) -> RuleEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- evaluating -----------------------------------------------------------

    def _ids(self, edition_id: str) -> tuple[str, ...]:
        ids = self._components.get(edition_id)
        if ids is None:
            if edition_id not in self._editions:
                raise KeyError(f"the policy has no edition '{edition_id}'")
            components = self._editions[edition_id].components
            self._readers[edition_id] = FactReader.for_components(components)
            ids = self._components[edition_id] = tuple(c.id for c in components)
        return ids

    def _groups(self, edition_id: str) -> tuple:
        """The edition's components grouped by the fields they read: ((scalar
        names, ((list name, item fields), ...), component indexes), ...)."""
        groups = self._grouped.get(edition_id)
        if groups is None:
            self._ids(edition_id)
            by_fields: dict[tuple, list[int]] = {}
            for index, component in enumerate(self._editions[edition_id].components):
                reader = FactReader.for_components([component])
                fields = (tuple(name for name, _ in reader.scalars),
                          tuple((lst, names) for lst, _, names in reader.lists))
                by_fields.setdefault(fields, []).append(index)
            groups = self._grouped[edition_id] = tuple(
                (scalars, lists, tuple(indexes)) for (scalars, lists), indexes in by_fields.items())
        return groups

    def _evaluate(self, edition_id: str, facts: dict) -> tuple:
        try:
            values, items, unknown, careful = self._readers[edition_id].read(facts)
        except (KeyError, TypeError) as err:
            raise EngineError(f"the facts do not fit edition {edition_id}: {err}") from None
        key = (edition_id, DUAL if unknown else PLAIN)
        form = self._forms.get(key)
        if form is None:  # compiled outside the lock: pure Python
            form = self._forms[key] = _Form(plan_edition(self._editions[edition_id], key[1]))
        texts = []
        for part in form.plan.rulesets:
            fact = flat_fact(part, key[1], values, items)
            fact["sid"], fact["id"] = _SID, _FACT_ID
            try:
                texts.append(dumps(fact, careful))
            except ValueError as err:
                raise EngineError(str(err)) from None
        names: set[str] = set()
        with _LOCK:
            handles = self._created.get(key)
            if handles is None:
                handles = self._created[key] = self._create_all(form.plan, "_".join(key))
            for handle, text in zip(handles, texts):
                self._keep_session(handle)
                found = _run(handle, text)
                if SEEN not in found:  # each ruleset's own sentinel
                    raise EngineError("the engine did not see the facts (the sentinel rule did not fire)")
                names.update(found)
        return _truths(form, names, len(self._components[edition_id]))

    def _keep_session(self, handle: int) -> None:
        """Mark the ruleset's session as used last; delete the session of the
        ruleset used longest ago when more than ``live_sessions`` are kept
        (the caller holds the lock; that session is idle: its check completed)."""
        live = self._live  # kept even with no bound, so that a bound set later applies to every session
        live.pop(handle, None)
        live[handle] = None
        while self.live_sessions is not None and len(live) > max(1, self.live_sessions):
            oldest = next(iter(live))
            del live[oldest]
            _forget_session(oldest, _SID)

    def _create_all(self, plan: EditionPlan, label: str) -> list[int]:
        """Create the plan's rulesets (the caller holds the lock); all or none."""
        created: list[int] = []
        try:
            for part in plan.rulesets:
                created.append(_create(part.definition(), label))
        except BaseException:
            _delete_rulesets(created)
            raise
        self._handles.extend(created)
        return created


class Family:
    """The truths of some components of an edition (``needed``) over a family
    of related fact records: a scheme's, and those ``checker.evaluate.unknowns``
    fills in from it, which differ from it in a field or two.

    A component's truth is a function of the values of the fields it reads
    (its truth in the dual form, for values all known, is its truth in the
    plain form; tests/test_differential.py holds both to the reference
    evaluator). So the truths durable gave for one record are remembered
    per group of components that read the same fields, keyed by those
    fields' values; a record whose every needed group was seen with the
    same values is answered from them without asking durable, and any other
    goes to ``RuleEngine.truths``, whose answer is remembered too. Every
    truth given was thus durable's for the same values. One family serves
    one check: nothing of one scheme answers for another (the engine's memo
    does that, by whole record). Not thread-safe; a check has its own.

    Values that compare equal are the same to the engine: a field holds
    values of one kind, yes/no, text or a number (the scheme schema, which
    keeps true and false apart from 1 and 0; ``checker.rules.facts.fields``),
    and 1 and 1.0 are the same number to durable."""

    def __init__(self, engine: RuleEngine, edition_id: str, needed):
        self._engine, self._edition = engine, edition_id
        ids, wanted = engine._ids(edition_id), set(needed)
        # the groups with a needed component, each with the ids of those it has
        groups = [(scalars, lists, mine) for scalars, lists, indexes in engine._groups(edition_id)
                  for mine in [tuple(ids[i] for i in indexes if ids[i] in wanted)] if mine]
        # what to read from a record, each field once, in one comprehension per
        # depth (reading is most of the time a family takes): scalars one, two,
        # three keys deep (more: none yet), then the lists with the item fields read
        paths = sorted({tuple(name.split(SEP)) for scalars, _, _ in groups for name in scalars})
        self._one = tuple(p[0] for p in paths if len(p) == 1)
        self._two = tuple(p for p in paths if len(p) == 2)
        self._three = tuple(p for p in paths if len(p) == 3)
        self._deeper = tuple(p for p in paths if len(p) > 3)
        self._lists = tuple(sorted({(tuple(lst.split(SEP)), fields) for _, lists, _ in groups
                                    for lst, fields in lists}))
        order = [(name,) for name in self._one] + [*self._two, *self._three, *self._deeper]
        at: dict[tuple, int] = {(path, None): i for i, path in enumerate(order)}
        at.update({lst: len(at) + i for i, lst in enumerate(self._lists)})
        # per group: its key (which of the values read), the needed ids it holds, what was seen
        self._groups: list[tuple[Callable, tuple[str, ...], dict]] = []
        for scalars, lists, mine in groups:
            where = [at[(tuple(n.split(SEP)), None)] for n in scalars]
            where += [at[(tuple(lst.split(SEP)), fields)] for lst, fields in lists]
            pick = operator.itemgetter(*where) if where else (lambda values: ())
            self._groups.append((pick, mine, {}))  # seen: key -> {needed id: truth}

    def __call__(self, facts: dict) -> dict[str, bool | None]:
        """The truth of each needed component for ``facts`` (only those, and in
        the same order for every record of the family)."""
        try:
            values = self._read(facts)
            out: dict[str, bool | None] = {}
            for pick, _, seen in self._groups:
                found = seen.get(pick(values))
                if found is None:
                    break
                out.update(found)
            else:
                return out
        except (KeyError, TypeError, IndexError):
            pass  # a field missing (RuleEngine.truths says what is wrong), or a value that cannot be a key
        return self.learn(facts, self._engine.truths(self._edition, facts))

    def learn(self, facts: dict, truths: dict[str, bool | None]) -> dict[str, bool | None]:
        """Remember the truths of every needed component (``RuleEngine.truths``)
        for ``facts``; they are returned as a call would give them. A record
        with a value that cannot be a key is answered, not remembered."""
        try:
            values = self._read(facts)
        except (KeyError, TypeError, IndexError):
            values = None
        out: dict[str, bool | None] = {}
        for pick, mine, seen in self._groups:
            found = {cid: truths[cid] for cid in mine}
            if values is not None:
                try:
                    seen[pick(values)] = found
                except TypeError:  # unhashable: a list or mapping where the schema has one value
                    pass
            out.update(found)
        return out

    def _read(self, facts: dict) -> list:
        """The value of each field the groups read: a scalar's value, a list's
        items as tuples of the item fields read."""
        values = [facts[a] for a in self._one]
        values += [facts[a][b] for a, b in self._two]
        values += [facts[a][b][c] for a, b, c in self._three]
        values += [functools.reduce(operator.getitem, path, facts) for path in self._deeper]
        values += [tuple([tuple([item[f] for f in fields]) for item in functools.reduce(operator.getitem, path, facts)])
                   for path, fields in self._lists]
        return values


def _truths(form: _Form, names: set[str], count: int) -> tuple:
    """Component truths from the rules that fired: True if a rule standing for
    its sure (or plain) truth fired, None if only one for its maybe truth did,
    else False."""
    out: list = [False] * count
    maybe: set[int] = set()
    meaning = form.meaning
    for name in names:
        if name != SEEN:
            for index, sure in meaning[name]:
                if sure:
                    out[index] = True
                else:
                    maybe.add(index)
    for index in maybe:
        if out[index] is False:
            out[index] = None
    if form.plan.form == DUAL:
        for index, truth in enumerate(out):
            if truth is True and index not in maybe:
                raise EngineError(f"component {form.plan.components[index]} is surely true "
                                  "but not possibly true: a compiler bug")
    return tuple(out)


# -- the core's call sequences (all under _LOCK) -----------------------------------

def _drain(handle: int, state: int) -> list[str]:
    """Names of the rules with a pending action for the session, in durable's order."""
    names = []
    result = core.start_action_for_state(handle, state)
    messages = result[1] if result is not None else None
    while messages is not None:
        names.append(messages[2:messages.index('"', 2)])  # '{"<rule name>": {"m": ...}}'
        messages = core.complete_and_start_action(handle, state)
    return names


def _run(handle: int, text: str) -> list[str]:
    """One check on a ruleset's session: assert, drain, retract. On any
    failure the session is deleted (safe after the warm-up)."""
    done = False
    try:
        code, state = core.assert_fact(handle, text)
        if code != 0:
            raise EngineError(f"durable-rules did not take the facts (assert_fact code {code})")
        names = _drain(handle, state)
        code, _ = core.retract_fact(handle, text)
        if code != 0:
            raise EngineError(f"durable-rules did not retract the facts (retract_fact code {code})")
        done = True
        return names
    except core.error as err:
        raise EngineError(f"durable-rules failed to evaluate the facts: {err}") from None
    finally:
        if not done:
            _forget_session(handle, _SID)


def _forget_session(handle: int, sid: str) -> None:
    try:
        core.delete_state(handle, sid)
    except core.error:  # 309: there was no session (the assert failed before making it)
        pass


def _create(definition: dict, label: str) -> int:
    """Create a ruleset and warm it up; retry error 102 as a last resort."""
    text = dumps(definition)
    last = None
    for _ in range(_CREATE_TRIES):
        try:
            handle = core.create_ruleset(f"vires{next(_ruleset_names)}_{label}", text)
            break
        except core.error as err:
            if "error code: 102" not in str(err):
                raise EngineError(f"durable-rules could not create the ruleset for {label}: {err}") from None
            last = err
    else:
        raise EngineError(f"durable-rules could not create the ruleset for {label}: {last}")
    try:
        _warm_up(handle)
    except BaseException:
        core.delete_ruleset(handle)
        raise
    return handle


def _warm_up(handle: int) -> None:
    """One full cycle on a fact only the sentinel reads (module docstring)."""
    text = dumps({"__fact": "scheme", "sid": _WARM_SID, "id": _WARM_SID})
    try:
        code, state = core.assert_fact(handle, text)
        names = _drain(handle, state) if code == 0 else []
        core.delete_state(handle, _WARM_SID)
    except core.error as err:
        raise EngineError(f"durable-rules failed the warm-up of a new ruleset: {err}") from None
    if SEEN not in names:
        raise EngineError("the sentinel rule did not fire on the warm-up fact")


def _delete_rulesets(handles: list[int]) -> None:
    """Delete rulesets, their session first: delete_ruleset frees the network
    but not the sessions (about 320 KB each, measured)."""
    with _LOCK:
        while handles:
            handle = handles.pop()
            _forget_session(handle, _SID)
            core.delete_ruleset(handle)


# -- the guard: the core still behaves as this module assumes --------------------

def check_core_api() -> None:
    """Raise EngineError, saying what changed, unless durable is 2.0.28 and its
    core round-trips a tiny ruleset as this module assumes: the message
    format, the drain order, retraction, a missing field failing every test
    (``$neq`` and ``$ex`` too: the dual form's unknown fields rely on it), and
    ``$iall`` being false on an empty list."""
    from importlib.metadata import version

    found = version("durable_rules")
    if found != DURABLE_VERSION:
        raise EngineError(f"durable-rules is {found}, this engine was written and checked for "
                          f"{DURABLE_VERSION}: check its traps (this module's docstring) and its limits "
                          "(compile.LIMITS) against the new source before using it")
    missing = [name for name in CORE_FUNCTIONS if not hasattr(core, name)]
    if missing:
        raise EngineError(f"durable_rules_engine has no {', '.join(missing)}")
    rules = {"a": {"all": [{"m": {"x": 1}}]},
             "b": {"all": [{"m": {"$iany": {"l": {"$i.k": "v"}}}}]},
             "c": {"all": [{"m": {"$or": [{"$neq": {"y": 1}}, {"$ex": {"y": 1}}]}}]},
             "d": {"all": [{"m": {"$iall": {"l": {"$i.k": "v"}}}}]},
             "e": {"all": [{"m": {"$ex": {"x": 1}}}]},
             SEEN: {"all": [{"m": {"__fact": "scheme"}}]}}
    with _LOCK:
        handle = _create(rules, "probe")
        try:
            _probe(handle)
        finally:
            core.delete_ruleset(handle)


def _probe(handle: int) -> None:
    def fail(what):
        raise EngineError(f"durable_rules_engine changed: {what}")

    text = dumps({"__fact": "scheme", "x": 1, "l": [{"k": "v"}], "sid": _SID, "id": _FACT_ID})
    code, state = core.assert_fact(handle, text)
    if (type(code), type(state), code) != (int, int, 0):
        fail(f"assert_fact returned {(code, state)!r}, not (0, <state offset>)")
    result = core.start_action_for_state(handle, state)
    if not (isinstance(result, tuple) and len(result) == 2):
        fail(f"start_action_for_state returned {result!r}")
    import json

    if json.loads(result[0]) != {"sid": _SID, "id": f"sid-{_SID}", "$s": 1}:
        fail(f"the session state is {result[0]}")
    messages, order = result[1], []
    while messages is not None:
        decoded = json.loads(messages)
        name = messages[2:messages.index('"', 2)]
        if list(decoded) != [name] or decoded[name]["m"]["x"] != 1:
            fail(f"an action's messages are {messages}, not {{\"<rule>\": {{\"m\": <fact>}}}}")
        order.append(name)
        messages = core.complete_and_start_action(handle, state)
    if order != ["a", "b", "d", "e", SEEN]:
        fail(f"the rules fired {order}, not a, b, d, e, {SEEN} in definition order "
             "(c tests a missing field, with $neq and $ex, and must not fire)")
    if core.retract_fact(handle, text)[0] != 0:
        fail("retract_fact did not return code 0")
    code, state = core.assert_fact(handle, dumps({"__fact": "scheme", "l": [], "sid": _SID, "id": _FACT_ID}))
    names = _drain(handle, state) if code == 0 else []
    if code != 0 or names != [SEEN]:
        fail(f"after a retraction the same id asserts as code {code} firing {names}; "
             "$iall on an empty list must be false")
    core.delete_state(handle, _SID)
    try:
        core.delete_state(handle, _SID)
    except core.error as err:
        if "309" not in str(err):
            fail(f"deleting a deleted session raised {err}")
    else:
        fail("deleting a deleted session did not fail")
