"""The lint checks that need the engine: can each power be used, can each
rule fire and decide, can each part of the contract be reached?

Each is settled over the edition's finite fact space
(``checker.explore.factspace``), running the real engine and the real
verdict (``checker.evaluate.verdict.assess``) on the schemes of
``checker.trust.verify``'s designs for the power or rule (and for each pair
of it with a rival):

- ``lint.power_unusable``: no kind of body the power names existed in the
  edition's period (``bodies.yaml``), or no valid scheme makes it cover an
  act (its holder, instrument, target and ``when`` all hold, and its
  limits);
- ``lint.target_unreachable``: a part of the contract the edition lists
  that no power covers in any scheme: every act on it is ultra vires
  (except ``other``, the catch-all for parts the policy does not name,
  which no power reaches by design);
- ``lint.never_fires``: a rule whose condition holds for no valid scheme; a
  step that can never be taken (the power never makes a valid act); an
  approval that is never needed;
- ``lint.shadowed``: a refusal rule that fires only where the scheme is
  ultra vires anyway, or a power that covers acts but is never the one used
  (an earlier or better power always is).

A shared power or rule (``common/``) is reported only if the defect holds in
every edition that has it.
"""
from __future__ import annotations

from collections import Counter

from ..diagnostics import Diagnostic
from ..evaluate.verdict import assess
from ..explore.factspace import FactSpace
from ..load.scheme import existed_during, semantic_problems
from ..load.yamlfile import Document
from ..rules.facts import act_facts, targets
from .verify import pair_design, power_design, rule_design

REACH = ("holder", "instrument", "target", "when")


class _Runner:
    """The acts' truths and the outcome of a choice of values, remembered per scheme."""

    def __init__(self, engine, edition, lifespans) -> None:
        self.engine, self.edition = engine, edition
        self.space = FactSpace(edition, lifespans)
        self.cache: dict = {}

    def run(self, choice):
        """(acts, outcome or None) of the choice's scheme, or None if it is not valid input."""
        key = tuple(choice.get(n, 0) for n in self.space.order)
        if key not in self.cache:
            data = self.space.scheme(choice)
            if semantic_problems(Document(data, "<fact space>"), self.space.lifespans):
                self.cache[key] = None
            else:
                acts = [(t, self.engine.truths(self.edition.id, act_facts(data, t))) for t in targets(data)]
                self.cache[key] = (acts, assess(self.edition, acts))
        return self.cache[key]


def _covers(power, t) -> bool:
    """Whether the power surely covers the act whose truths are ``t``."""
    if not all(t.get(f"{power.id}#{c}", True) is True for c in REACH):
        return False
    if not all(t.get(p.id, True) is True for p in power.limits):
        return False
    made = t.get(f"{power.id}/made#granted")
    return not any(p.precondition and made is True and t.get(p.id, True) is not True for p in power.steps)


class _Findings:
    """What the designs showed of one edition's powers, parts and rules."""

    def __init__(self) -> None:
        self.candidate: set[str] = set()
        self.covering: set[str] = set()
        self.reached: set[str] = set()  # targets some power covers
        self.used: set[str] = set()
        self.winners: dict[str, Counter] = {}  # power -> powers used where it covered
        self.true: set[str] = set()  # components surely true somewhere
        self.part_true: set[str] = set()  # steps and approvals' needs surely true where their power is a candidate
        self.fired_decided: set[str] = set()

    def record(self, edition, acts, outcome) -> None:
        used_by_act = {a.target: a.power for a in outcome.acts} if outcome else {}
        for target, t in acts:
            self.true.update(c for c, v in t.items() if v is True)
            for power in edition.powers:
                if all(t.get(f"{power.id}#{c}", True) is True for c in REACH):
                    self.candidate.add(power.id)
                    parts = [p.id for p in power.steps] + [f"{a.id}#needed" for a in power.approvals]
                    self.part_true.update(c for c in parts if t.get(c) is True)
                if _covers(power, t):
                    self.covering.add(power.id)
                    self.reached.add(target)
                    winner = used_by_act.get(target)
                    if winner:
                        self.winners.setdefault(power.id, Counter())[winner] += 1
        if outcome is not None:
            self.used.update(a.power for a in outcome.acts if a.power)
            self.fired_decided.update(outcome.decided_by)


def _explore(runner, edition) -> _Findings:
    found = _Findings()
    space = runner.space
    designs = [power_design(space, p) for p in edition.powers]
    designs += [rule_design(space, r) for r in edition.rules]
    powers = list(edition.powers)
    for i, a in enumerate(powers):
        for b in powers[i + 1:]:
            if set(a.holder_kinds) & set(b.holder_kinds) and set(a.targets) & set(b.targets):
                designs.append(pair_design(space, a, b))
    for rule in (r for r in edition.rules if r.effect == "refused"):
        designs += [pair_design(space, rule, p) for p in powers]
    for design in designs:
        for choice in design:
            ran = runner.run(choice)
            if ran is not None:
                found.record(edition, *ran)
    return found


def semantic_checks(policy, locate) -> list[Diagnostic]:
    """The diagnostics of powers, parts, rules and targets the fact space shows to be dead.
    ``locate(file, path)`` gives the line and column of a path in a policy file."""
    from ..rules.engine import RuleEngine  # durable is loaded only for these checks

    with RuleEngine(policy) as engine:  # closing frees durable's rulesets
        return _semantic_checks(policy, engine, locate)


def _key(item):
    return (item.file, item.line, item.id)


def _semantic_checks(policy, engine, locate) -> list[Diagnostic]:
    problems: dict[tuple, list] = {}  # (file, line, id, code, what) -> [(edition, message, hint)]
    editions: dict[tuple, list[str]] = {}
    out: list[Diagnostic] = []
    for edition in policy.editions:
        if edition.end < edition.start:
            continue  # no scheme can be dated in it: lint.bad_period says so
        runner = _Runner(engine, edition, policy.lifespans)
        found = _explore(runner, edition)
        note = _Notes(problems, edition.id)
        for item in list(edition.powers) + list(edition.rules):
            editions.setdefault(_key(item), []).append(edition.id)
        for power in edition.powers:
            _power_checks(policy, edition, power, found, note)
        for rule in edition.rules:
            if rule.id not in found.true:
                note(rule, "lint.never_fires", f"rule '{rule.id}' can never fire: no valid scheme of {{where}} "
                     "satisfies its condition", "check the values it needs against each other and against the "
                     "edition's period (a body must exist on the scheme's date: policy/bodies.yaml)")
            elif rule.effect == "refused" and rule.id not in found.fired_decided:
                note(rule, "lint.shadowed", f"rule '{rule.id}' (refused) fires only where the scheme is ultra "
                     "vires anyway (a prohibition fires, or no power covers an act), so it can never decide a "
                     "verdict in {where}", "narrow the other rule or the powers, drop this one, or make it a risk")
        out += _unreachable(edition, found, locate)
    for (file, line, item_id, code, what), found_in in problems.items():
        having = editions[(file, line, item_id)]
        if len({e for e, *_ in found_in}) < len(having):
            continue  # a shared power or rule is dead only if it is so in every edition that has it
        _, message, hint, where = found_in[0]
        line_at, column = locate(file, where) if where else (line, 1)
        out.append(Diagnostic(code, message.format(where=", ".join(having)), file, line_at, column,
                              hint=hint, severity=_severity(code)))
    return out


class _Notes:
    """Collects one edition's findings of a defect, by item and code."""

    def __init__(self, problems: dict, edition_id: str):
        self.problems, self.edition_id = problems, edition_id

    def __call__(self, item, code, message, hint, where=None, what="") -> None:
        self.problems.setdefault(_key(item) + (code, what), []).append((self.edition_id, message, hint, where))


def _severity(code) -> str:
    from .lint import LINT_CODES

    return LINT_CODES[code][0]


def _power_checks(policy, edition, power, found: _Findings, note) -> None:
    alive = [k for k in power.holder_kinds if existed_during(policy.lifespans, k, edition.start, edition.end,
                                                                edition.jurisdiction)]
    if not alive:
        note(power, "lint.power_unusable", f"power '{power.id}' can never be used in {{where}}: no "
             f"{' or '.join(power.holder_kinds)} existed in its period (policy/bodies.yaml)",
             "name the kind of body that held the power then, or move the power to the edition of the "
             "period when its holder existed")
        return
    if power.id not in found.covering:
        why = ("its holder, instrument, target and condition never hold together"
               if power.id not in found.candidate else
               "its limits (" + ", ".join(p.name for p in power.limits) + ") never hold together")
        note(power, "lint.power_unusable", f"power '{power.id}' can never cover an act in {{where}}: {why} "
             "for any valid scheme", "check its conditions against each other and against the values the "
             "facts can take (vires schema)")
        return
    if power.id not in found.used:
        winners = found.winners.get(power.id)
        other = f"'{winners.most_common(1)[0][0]}'" if winners else "another power"
        note(power, "lint.shadowed", f"power '{power.id}' is never the power used in {{where}}: whenever it "
             f"covers an act, {other} covers it too and is used instead",
             "narrow or remove one of them, or put first the one that should be used")
    # a part counts only where its power is a candidate: elsewhere nothing reads it
    for index, step in enumerate(power.steps):
        if step.id not in found.part_true:
            note(power, "lint.never_fires", f"step '{step.id}' can never be taken: no valid scheme of {{where}} "
                 "satisfies its condition, so the power never makes a valid act",
                 "check its condition against the values the facts can take (vires schema)",
                 ("powers", power.id, "steps", index), step.id)
    for index, approval in enumerate(power.approvals[1:]):
        if approval.when is not None and f"{approval.id}#needed" not in found.part_true:
            note(power, "lint.never_fires", f"approval '{approval.id}' is never needed: no valid scheme of "
                 "{where} satisfies its condition", "check its condition, or remove the approval",
                 ("powers", power.id, "approvals", index), approval.id)


#: The part of the contract a scheme names when the policy has no word for it:
#: no power reaches it by design (docs/policy-format.md), so lint does not report it.
CATCH_ALL = "other"


def _unreachable(edition, found: _Findings, locate) -> list[Diagnostic]:
    out = []
    for index, target in enumerate(edition.targets):
        if target in found.reached or target == CATCH_ALL:
            continue
        reaching = [p.id for p in edition.powers if target in p.targets]
        why = ("no power reaches it" if not reaching else
               f"the powers that reach it ({', '.join(reaching)}) never cover an act on it")
        line, column = locate(edition.file, ("targets", index))
        out.append(Diagnostic(
            "lint.target_unreachable", f"no act on '{target}' can ever be covered in edition '{edition.id}': "
            f"{why}, so every such act is ultra vires", edition.file, line, column,
            hint="add the power that reaches it, or remove it from the edition's targets if this part of the "
                 "contract cannot be changed in this period", severity=_severity("lint.target_unreachable")))
    return out
