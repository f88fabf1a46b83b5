"""The lint checks that need the engine: can a rule fire, can it ever decide?

Both are settled over each edition's finite fact space
(``checker.explore.factspace``), running the real engine on the schemes of
``checker.trust.verify``'s covering design:

- ``lint.never_fires``: over the full product of the values its own
  conditions distinguish, the rule fires for no valid scheme of any edition
  that has it (often a body that did not exist in the edition's period);
- ``lint.shadowed``: a ``refused`` or ``approval_required`` rule that fires
  only when an ``ultra_vires`` rule fires too (ultra vires takes precedence,
  docs/policy-format.md), or an ``approval_required`` rule that fires only
  when an earlier rule requiring the same body's approval fires (the first
  one is the one reported). Checked over the full product of the values
  both rules distinguish; the rule could never be decisive.
"""
from __future__ import annotations

from ..diagnostics import Diagnostic
from ..explore.factspace import FactSpace
from ..rules.facts import scheme_facts
from .verify import rule_design


class _Runner:
    """Which rules fire for a choice of values, remembered per scheme."""

    def __init__(self, engine, edition, lifespans):
        self.engine, self.edition = engine, edition
        self.space = FactSpace(edition, lifespans)
        self.order = list(self.space.dimensions)
        self.cache = {}

    def fired(self, choice):
        key = tuple(choice.get(n, 0) for n in self.order)
        if key not in self.cache:
            data = self.space.scheme(choice)
            self.cache[key] = (frozenset(self.engine.fired(self.edition.id, scheme_facts(data)))
                               if self.space.valid(data) else None)
        return self.cache[key]


def semantic_checks(policy) -> list[Diagnostic]:
    """The diagnostics of rules that can never fire, or never decide, in any edition that has them."""
    from ..rules.engine import RuleEngine  # durable is loaded only for these checks

    with RuleEngine(policy) as engine:  # closing frees durable's rulesets
        return _semantic_checks(policy, engine)


def _semantic_checks(policy, engine) -> list[Diagnostic]:
    fires: dict[tuple, bool] = {}
    shadows: dict[tuple, str] = {}
    editions: dict[tuple, list[str]] = {}
    rules = {}
    for edition in policy.editions:
        runner = _Runner(engine, edition, policy.lifespans)
        for rule in edition.rules:
            key = (rule.file, rule.line, rule.id)
            rules[key] = rule
            editions.setdefault(key, []).append(edition.id)
            fired_here = any(rule.id in (f or ()) for f in map(runner.fired, rule_design(runner.space, rule, True)))
            fires[key] = fires.get(key, False) or fired_here
            if fired_here and rule.effect in ("refused", "approval_required"):
                by = _shadowed_by(runner, rule)
                # a shared rule is shadowed only if it is so in every edition that has it
                shadows[key] = by if key not in shadows else (shadows[key] and by)
    out = []
    for key, rule in rules.items():
        where = ", ".join(editions[key])
        if not fires[key]:
            out.append(Diagnostic(
                "lint.never_fires", f"rule '{rule.id}' can never fire: no valid scheme of {where} "
                "satisfies its condition", rule.file, rule.line, 1, hint=(
                    "check the values it needs against each other and against the edition's "
                    "period (a body must exist on the scheme's date: policy/bodies.yaml)")))
        elif shadows.get(key):
            out.append(Diagnostic(
                "lint.shadowed", f"rule '{rule.id}' ({rule.effect}) fires only when "
                f"{shadows[key]} fires too, which decides instead, so it can never decide a "
                f"verdict in {where}", rule.file, rule.line, 1, severity="warning", hint=(
                    "narrow the other rule, drop this one, or make it a risk if it is only a warning")))
    return out


def _shadowed_by(runner, rule) -> str:
    """The rule that always takes the decision from ``rule``, or ''.

    A rival shadows the rule if it fires in every scheme of the product of
    both rules' values in which the rule fires. The search goes the other
    way, so it is short when there is no shadow: for each choice of the
    rule's own values that fires it, try the rival's other values until one
    leaves the rival silent."""
    rivals = [r for r in runner.edition.rules if r.effect == "ultra_vires"]
    if rule.effect == "approval_required":
        index = runner.edition.rules.index(rule)
        rivals += [r for r in runner.edition.rules[:index]
                   if r.effect == "approval_required" and r.body == rule.body]
    space, own = runner.space, runner.space.condition_dims[rule.id]
    for choice in rule_design(space, rule, True):
        if not rivals:
            return ""
        fired = runner.fired(choice)
        if not fired or rule.id not in fired:
            continue
        for rival in list(rivals):
            others = [d for d in space.condition_dims[rival.id] if d not in own]
            for extra in space.product(others, short=True):
                both = runner.fired({**choice, **extra})
                if both and rule.id in both and rival.id not in both:
                    rivals.remove(rival)  # a scheme where the rule decides without this rival
                    break
    return f"'{rivals[0].id}' ({rivals[0].effect})" if rivals else ""
