"""The solver's questions about one edition: its properties, witnesses and overlaps.

``checker.trust.encode`` writes an edition's semantics (docs/policy-format.md)
as z3 formulas over a **record** of solver variables that stands for any
scheme the edition checks, unknown facts included. This module asks the
solver questions about those formulas. A **property** holds when its
negation has no model; when it has one, the model is a **counterexample**,
written back as a scheme (``checker.trust.witness``) that `vires check` runs.
The properties, for every edition (docs/proof.md says what each guarantees):

- ``one_verdict``: every **definite** scheme (one vires settles without
  splitting on a fact, so every fully known one) has exactly one of the four
  verdicts, each act exactly one status, and a non-empty ``decided_by``;
- ``valid_names_power``: a valid scheme names, for each act, a power held by
  its maker whose limits and steps hold and whose approvals, the maker's own
  decision first, were formally granted;
- ``unknown_is_sound``: every fact a component reads that a scheme gives
  keeps its value in every completion of the scheme; with Kleene's
  connectives, a component vires finds true or false with facts unknown is
  so in every completion, and a verdict it settles holds whatever they are;
- ``asking_never_beyond_powers``: adding a body to ``requested_by`` never
  makes a scheme ultra vires;
- ``reachable``: every power is the power used for some scheme, and every
  rule fires for some scheme, each with a **witness** (a power or rule dead
  in every edition that has it fails, with the nearest scheme and why).

Beside them: the **overlaps** (two powers that cover the same act, a
prohibition or refusal that fires while a power covers, two such rules that
fire together), each with a witness; the parts of powers that never decide;
and, for one scheme (``judge``), the verdicts of all its completions.
"""
from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

from ..rules.conditions import atoms, quantifiers
from ..rules.facts import STANDINGS
from ..rules.policy import Edition
from .encode import AND, NOT, OR, Record, U, as_bool, components, date_key, holds_in, slot_counts
from .outcome import VERDICTS, definite, verdict
from .proof import Dead, EditionProof, Overlap, Property, Witness
from .solver import z3
from .witness import completes, fix, scheme_of


class SolverGaveUp(RuntimeError):
    """z3 answered 'unknown': a proof neither holds nor fails (a bug to report)."""


@dataclass(frozen=True)
class Judgement:
    """The solver's answer for one scheme: the verdicts of its completions and,
    when there is one, the ``decided_by`` every completion shares."""

    verdicts: tuple[str, ...]
    decided_by: frozenset | None = None


class EditionProver:
    """The solver's questions about one edition (``prove``), and its answer for
    one scheme (``judge``), over records with the given list slots."""

    def __init__(self, edition: Edition, lifespans: dict, at_least: dict[str, int] | None = None):
        self.edition, self.lifespans = edition, lifespans
        self.slots = slot_counts(edition, at_least)
        self.ctx = z3.Context()  # the prover's own: what ran before in this process changes nothing
        self.record = Record(edition, lifespans, "r", self.slots, ctx=self.ctx)
        self.verdict = verdict(self.record)
        self.solver = z3.Solver(ctx=self.ctx)
        self.solver.add(*self.record.constraints)
        self._names = itertools.count()
        self.definite = self._track(definite(self.record))
        self.preferences = self._preferences(self.record, self.solver)
        self._pair: tuple | None = None

    # --- solving ---------------------------------------------------------

    def _track(self, expr, solver=None):
        """A fresh literal that implies ``expr`` in the solver (to assume, and to find in cores)."""
        lit = z3.Bool(f"?{next(self._names)}", self.ctx)
        (solver or self.solver).add(z3.Implies(lit, as_bool(expr, self.ctx)))
        return lit

    def _preferences(self, record: Record, solver) -> list:
        """Literals for a readable witness: each fact unknown, each list item and act absent,
        the date the edition's first day; a witness keeps those it can."""
        out = [self._track(record.date == date_key(self.edition.start), solver)]
        for _, known in record.raw.values():
            if not isinstance(known, bool):
                out.append(self._track(z3.Not(known), solver))
        for slots in record.lists.values():
            out += [self._track(z3.Not(s.present), solver) for s in slots]
        out += [self._track(z3.Not(t), solver) for t in record.targets.values()]
        return out

    def _check(self, solver, *assumptions):
        found = solver.check(*assumptions)
        if found == z3.unknown:
            raise SolverGaveUp(f"{self.edition.id}: {solver.reason_unknown()}")
        return found == z3.sat

    def _solve(self, goal, *assume, solver=None, preferences=None):
        """A model of ``goal`` (under the assumed literals) that keeps as many
        preferences as it can, or None when ``goal`` has no model."""
        solver = solver or self.solver
        solver.push()
        try:
            solver.add(as_bool(goal, self.ctx))
            if not self._check(solver, *assume):  # no model at all: no core to minimise
                return None
            active = list(self.preferences if preferences is None else preferences)
            while True:  # give up, one at a time, the first preference each conflict names
                if self._check(solver, *assume, *active):
                    return solver.model()
                core = {c.get_id() for c in solver.unsat_core()}
                drop = next((p for p in active if p.get_id() in core), None)
                if drop is None:  # cannot be: the goal alone had a model
                    raise SolverGaveUp(f"{self.edition.id}: an unsatisfiable core without a preference")
                active.remove(drop)
        finally:
            solver.pop()

    def _holds(self, goal, *assume, solver=None) -> bool:
        """Whether ``goal`` has a model (under the assumed literals)."""
        solver = solver or self.solver
        solver.push()
        try:
            solver.add(as_bool(goal, self.ctx))
            return self._check(solver, *assume)
        finally:
            solver.pop()

    def _witness(self, model, what: str, record: Record | None = None, result=None) -> Witness:
        record = record or self.record
        result = result or self.verdict
        true = lambda e: holds_in(model, e)  # noqa: E731
        verdict_ = next(v for v in VERDICTS if true(result.is_[v]))
        scheme = scheme_of(model, record, slug(f"prove-{self.edition.id}-{what}"),
                           f"A scheme the solver found: {what}")
        return Witness(scheme, verdict_, _decided_order(result, verdict_, true), tuple(
            p for p, e in result.used.items() if true(e)))

    def find(self, expr, what: str) -> Witness | None:
        """A readable witness of a definite scheme for which ``expr`` holds."""
        model = self._solve(expr, self.definite)
        return None if model is None else self._witness(model, what)

    # --- the properties ---------------------------------------------------

    def prove(self) -> EditionProof:
        """Every property of the edition, its live and dead powers and rules, its overlaps."""
        started = time.perf_counter()
        proof = EditionProof(self.edition.id, slots=dict(self.slots))
        proof.properties = [self.one_verdict(), self.valid_names_power(), self.unknown_is_sound(),
                            self.asking_never_beyond_powers()]
        self.reachability(proof)
        self.overlaps(proof)
        proof.seconds = time.perf_counter() - started
        return proof

    def _counter(self, name: str, broken, what: str) -> Property:
        found = self.find(broken, what)
        return Property(name, found is None, found, "" if found is None else what)

    def one_verdict(self) -> Property:
        """Exactly one verdict, exactly one status per act, and a reason, for every definite scheme."""
        v = self.verdict
        fires = OR(*(v.fired[x.id] for x in self.edition.rules if x.effect in ("ultra_vires", "refused")))
        # valid as the spec's first paragraph says it: a power covers every act and was granted
        valid = AND(*(OR(NOT(a.present), a.valid) for a in v.acts.values()), NOT(fires))
        verdicts = [v.is_["ultra_vires"], v.is_["refused"], v.is_["pending"], valid]
        broken = [NOT(_exactly_one(verdicts)), NOT(OR(*v.decided_by.values()))]
        for a in v.acts.values():
            broken.append(AND(a.present, NOT(_exactly_one([a.uncovered, a.refused, a.pending, a.valid]))))
        return self._counter("one_verdict", OR(*broken), "not exactly one verdict, status or reason")

    def valid_names_power(self) -> Property:
        """Valid only with a power used for every act, held by the maker, within its limits, formally granted."""
        r, v = self.record, self.verdict
        granted = STANDINGS.index("granted")
        maker = r.facts["maker.kind"].value
        level = r.facts["maker.co_commissioning"].value
        good = []
        for a in v.acts.values():
            truths = r.truths(a.target)
            val = lambda cid: truths.get(cid, (True, True))[0]  # noqa: E731
            options = []
            for p in self.edition.powers:
                holder = OR(*(maker == r.kinds.index(k) for k in p.holder_kinds))
                if p.holder_levels:
                    holder = AND(holder, OR(*(level == r.levels.index(x) for x in p.holder_levels)))
                approvals = [r.facts["maker.standing"].value == granted]
                approvals += [z3.Implies(as_bool(val(f"{x.id}#needed"), self.ctx), r.standing[x.body] == granted)
                              for x in p.approvals if x.kind != "made"]
                options.append(AND(a.used[p.id], v.decided_by.get(p.id, False), holder, *approvals,
                                   *(val(x.id) for x in p.limits + p.steps)))
            good.append(OR(NOT(a.present), OR(*options)))
        only_powers = AND(*(NOT(e) for rid, e in v.decided_by.items()
                            if rid not in {p.id for p in self.edition.powers}))
        return self._counter("valid_names_power", AND(v.is_["valid"], NOT(AND(*good, only_powers))),
                             "valid without a granted power for every act")

    def _completion(self):
        """The record, a complete record that fills in its unknown facts, and a solver that holds both."""
        if self._pair is None:
            full = Record(self.edition, self.lifespans, "c", self.slots, complete=True, ctx=self.ctx)
            solver = z3.Solver(ctx=self.ctx)
            solver.add(*self.record.constraints, *full.constraints, *completes(full, self.record))
            self._pair = (full, verdict(full), solver, self._preferences(self.record, solver))
        return self._pair

    def unknown_is_sound(self) -> Property:
        """Every fact a component reads that the record knows has the same value in
        every completion, which knows them all: with Kleene's connectives, which
        keep a known truth when more is known, no component known with facts
        unknown differs in a completion (docs/proof.md)."""
        full, _, solver, preferences = self._completion()
        read = {f for _, cond in self.record.components for lst, f, _, _ in atoms(cond) if lst is None}
        pairs = [(name, self.record.facts[name].known, self.record.facts[name].value, full.facts[name])
                 for name in sorted(read) if name in self.record.facts and self.record.facts[name].type != "const"]
        for list_name, slots in self.record.lists.items():
            for i, (mine, theirs) in enumerate(zip(slots, full.lists[list_name])):
                pairs += [(f"{list_name}.{i}.{f}", AND(mine.present, fact.known), fact.value, theirs.fields[f])
                          for f, fact in mine.fields.items()]
        for name, known, value, theirs in pairs:
            broken = AND(known, theirs.value != value)
            if theirs.type in ("enum", "bool"):
                broken = OR(broken, theirs.value == U)
            model = self._solve(broken, solver=solver, preferences=preferences)
            if model is not None:
                found = self._witness(model, f"{name} differs in a completion")
                found.note = "completed: " + _short(scheme_of(model, full, "completion", "completion"))
                return Property("unknown_is_sound", False, found, f"{name} is known, and differs in a completion")
        return Property("unknown_is_sound", True)

    def asking_never_beyond_powers(self) -> Property:
        """Adding a requester never turns a scheme that is not ultra vires into one that is."""
        if not any(name == "requested_by" for _, cond in components(self.edition)
                   for name, _ in quantifiers(cond)):
            return Property("asking_never_beyond_powers", True, detail="no condition reads requested_by")
        more = dict(self.slots, requested_by=self.slots["requested_by"] + 1)
        # the same scheme with one more requester, in a slot of its own (the order of a list is no fact)
        asked = Record(self.edition, self.lifespans, "b", more, unordered=("requested_by",), ctx=self.ctx)
        result = verdict(asked)
        broken = AND(NOT(self.verdict.is_["ultra_vires"]), result.is_["ultra_vires"], definite(asked))
        self.solver.push()
        try:
            self.solver.add(*asked.constraints, *_same_but_one_request(self.record, asked))
            model = self._solve(broken, self.definite)
        finally:
            self.solver.pop()
        if model is None:
            return Property("asking_never_beyond_powers", True)
        without = self._witness(model, "")
        found = self._witness(model, "a request makes it ultra vires", asked, result)
        found.note = (f"without its last requested_by entry it is {without.verdict}, "
                      f"decided by {', '.join(without.decided_by)}")
        return Property("asking_never_beyond_powers", False, found, "a request made it ultra vires")

    # --- reachability and overlaps -------------------------------------

    def reachability(self, proof: EditionProof) -> None:
        """A witness for every power used and every rule fired, or how far each gets and why not."""
        v = self.verdict
        goals = [(p.id, "power", v.used[p.id]) for p in self.edition.powers]
        goals += [(r.id, "rule", v.fired[r.id]) for r in self.edition.rules]
        parts = {x.id: v.decided_by.get(x.id, False) for p in self.edition.powers
                 for x in p.limits + p.steps + p.approvals}
        pending = list(goals)
        while pending:
            gid, kind, expr = pending.pop(0)
            found = self._solve(expr, self.definite)
            if found is None:
                proof.dead.append(self._dead(gid, kind))
                continue
            proof.live[gid] = self._witness(found, f"{gid} {'used' if kind == 'power' else 'fires'}")
            # the same scheme may witness more: it saves a query each
            true = lambda e: holds_in(found, e)  # noqa: E731
            for other in [g for g in pending if true(g[2])]:
                pending.remove(other)
                proof.live[other[0]] = proof.live[gid]
            parts = {x: e for x, e in parts.items() if not true(e)}
        for x, e in parts.items():
            if not self._holds(e, self.definite):
                proof.silent_parts.append(x)
        proof.live = {g: proof.live[g] for g, _, _ in goals if g in proof.live}

    def _dead(self, gid: str, kind: str) -> Dead:
        v = self.verdict
        if kind == "rule":
            cond = self.edition.rule(gid).when
            parts = cond["all"] if "all" in cond else [cond]
            names = {i: f"{gid}: when.all[{i}]" if "all" in cond else f"{gid}: when" for i in range(len(parts))}
            why = self._core(self.record.target_names,
                             lambda t: self.record.targets[t],
                             {names[i]: (lambda t, c=c: self.record.truth(c, t)[0]) for i, c in enumerate(parts)})
            return Dead(gid, kind, "none", tuple(dict.fromkeys(why)))
        power = self.edition.power(gid)
        acts = [a for a in v.acts.values() if a.target in power.targets]
        candidate = OR(*(AND(a.present, a.candidate[gid]) for a in acts))
        covers = OR(*(AND(a.present, a.covers[gid]) for a in acts))
        if self.find(candidate, "") is None:
            return Dead(gid, kind, "none", (f"{gid}: holder, instrument, target and when never hold together",))
        if self.find(covers, "") is None:
            why = self._core(acts, lambda a: AND(a.present, a.candidate[gid]),
                                     {x.id: (lambda a, x=x: self.record.truths(a.target).get(x.id, (True, True))[0])
                                      for x in power.limits + tuple(s for s in power.steps if s.precondition)})
            return Dead(gid, kind, "candidate", why, self.find(candidate, f"{gid} nearest: a candidate"))
        rules = {r.id: (lambda a, r=r: NOT(v.fired[r.id])) for r in self.edition.rules if r.effect == "ultra_vires"}
        rules.update({q.id: (lambda a, q=q: NOT(a.covers[q.id])) for q in self.edition.powers if q.id != gid})
        why = self._core(acts, lambda a: AND(a.present, a.covers[gid], NOT(v.is_["ultra_vires"]), a.used[gid]),
                         rules)
        return Dead(gid, kind, "covers", why, self.find(covers, f"{gid} nearest: it covers"))

    def _core(self, cases, base, assumptions: dict) -> tuple[str, ...]:
        """The assumptions (name -> condition of a case) that cannot all hold with
        ``base`` in a case (an act, a target), gathered over every case where they cannot."""
        why: list[str] = []
        for case in cases:
            self.solver.push()
            try:
                self.solver.add(as_bool(base(case), self.ctx))
                lits = {name: self._track(f(case)) for name, f in assumptions.items()}
                ids = {lit.get_id(): name for name, lit in lits.items()}
                if not self._check(self.solver, self.definite, *lits.values()):
                    why += [ids[c.get_id()] for c in self.solver.unsat_core() if c.get_id() in ids]
            finally:
                self.solver.pop()
        return tuple(dict.fromkeys(why))

    def overlaps(self, proof: EditionProof) -> None:
        """Pairs of powers that cover one act, and decisive rules that fire with a power covering or together."""
        v, powers = self.verdict, self.edition.powers
        for p, q in itertools.combinations(powers, 2):
            if not (set(p.holder_kinds) & set(q.holder_kinds) and set(p.instruments) & set(q.instruments)
                    and set(p.targets) & set(q.targets)):
                continue  # no act can reach both: no query needed
            both = {a.target: AND(a.present, a.covers[p.id], a.covers[q.id]) for a in v.acts.values()}
            found = self.find(OR(*both.values()), f"{p.id} and {q.id} both cover an act")
            if found is None:
                continue
            either = tuple(x.id for x in (p, q) if self._holds(OR(*(
                AND(b, v.acts[t].used[x.id]) for t, b in both.items())), self.definite))
            proof.overlaps.append(Overlap(p.id, q.id, "powers", found, either))
        rules = [r for r in self.edition.rules if r.effect in ("ultra_vires", "refused")]
        for r in rules:
            for p in powers:
                covers = OR(*(AND(a.present, a.covers[p.id]) for a in v.acts.values()))
                what = f"{r.id} fires while {p.id} covers"
                found = self.find(AND(v.fired[r.id], covers, v.decided_by[r.id]), what)
                if found is not None:
                    proof.overlaps.append(Overlap(r.id, p.id, "rule_power", found))
                    continue
                found = self.find(AND(v.fired[r.id], covers), what)
                if found is not None:  # it fires then, but something worse always decides
                    proof.overlaps.append(Overlap(r.id, p.id, "rule_power", found, rule_decides=False))
        for r, s in itertools.combinations(rules, 2):
            found = self.find(AND(v.fired[r.id], v.fired[s.id]), f"{r.id} and {s.id} both fire")
            if found is not None:
                proof.overlaps.append(Overlap(r.id, s.id, "rules", found))

    # --- one scheme --------------------------------------------------------

    def judge(self, data: dict) -> Judgement:
        """The verdicts of every completion of a scheme, and the ``decided_by``
        they share when they share one (its lists must fit the slots; none at
        all if the scheme is outside the record's fact space)."""
        full, result, solver, _ = self._completion()
        solver.push()
        try:
            solver.add(*fix(self.record, data))
            if not self._check(solver):
                return Judgement(())  # outside the fact space: the encoding and the loader disagree
            model = solver.model()
            true = lambda e: holds_in(model, e)  # noqa: E731
            first = next(v for v in VERDICTS if true(result.is_[v]))
            ids = frozenset(i for i, e in result.decided_by.items() if true(e))
            other = OR(NOT(result.is_[first]), *(NOT(e) if i in ids else e for i, e in result.decided_by.items()))
            if not self._holds(other, solver=solver):
                return Judgement((first,), ids)
            return Judgement(tuple(v for v in VERDICTS if self._holds(result.is_[v], solver=solver)))
        finally:
            solver.pop()


def _exactly_one(xs):
    return AND(OR(*xs), *(NOT(AND(a, b)) for a, b in itertools.combinations(xs, 2)))


def _same_but_one_request(record: Record, asked: Record) -> list:
    """``asked`` is ``record`` with one more body in requested_by, last."""
    out = [z3.And(*(a == b for a, b in zip(asked.date_parts[n], record.date_parts[n])))
           if n in record.date_parts else asked.raw[n][0] == t for n, (t, _) in record.raw.items()]
    for name, slots in record.lists.items():
        out += [a.present == b.present for a, b in zip(asked.lists[name], slots)]
    out.append(asked.lists["requested_by"][-1].present)
    out += [asked.targets[t] == record.targets[t] for t in record.targets]
    return out


def _decided_order(result, verdict_: str, true) -> tuple[str, ...]:
    """``decided_by`` in the spec's order: the rules (policy order), then each act's reasons."""
    out = [r for r, e in result.fired.items() if verdict_ in ("ultra_vires", "refused")
           and any(x.id == r and x.effect == verdict_ for x in result.record.edition.rules) and true(e)]
    for a in result.acts.values():
        if true(a.present):
            out += [rid for rid, e in a.reasons[verdict_].items() if true(e)]
    return tuple(dict.fromkeys(out))


def slug(text: str) -> str:
    """Text as a scheme id: lower case, hyphens for the rest."""
    out = "".join(c if c.isalnum() else "-" for c in text.lower())
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")[:80].strip("-")


def _short(data: dict) -> str:
    skip = {"id", "title", "jurisdiction"}
    return "; ".join(f"{k}: {v}" for k, v in data.items() if k not in skip)
