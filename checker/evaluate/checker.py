"""Checking schemes: pick the edition, evaluate the rules, decide the verdict.

A Checker holds one loaded policy and its compiled rule engine; it is safe
to share between threads. ``checker_for`` keeps one per policy directory.
"""
from __future__ import annotations

import threading

from ..diagnostics import InputError
from ..load.scheme import Scheme, load_scheme, scheme_from_data
from ..rules.facts import scheme_facts
from ..rules.policy import Policy, load_policy
from .explain import determined, undetermined
from .result import Result
from .unknowns import acts_of, resolve
from .verdict import assess, decisive_components


class Checker:
    """The checker of one policy: its editions compiled onto the rule engine, ready to check schemes."""

    def __init__(self, policy: Policy):
        from ..rules.engine import RuleEngine  # imported here: durable is loaded only to check

        self.policy = policy
        self.engine = RuleEngine(policy, memo_size=4096)  # docs/performance.md

    def edition_for(self, scheme: Scheme):
        """The policy edition in force for a scheme's jurisdiction and date; InputError when none is."""
        data = scheme.data
        edition = self.policy.edition_for(data["jurisdiction"], data["date"])
        if edition is None:
            where = scheme.doc.locate(("date",))
            raise InputError([self.policy.no_edition(data["jurisdiction"], data["date"], scheme.file,
                                                     where[0], where[1])])
        return edition

    def check_scheme(self, scheme: Scheme) -> Result:
        """The result of checking one valid scheme: its verdict and the power it rests on (or the
        power missing), approvals, steps, risks and routes; or, when the verdict depends on facts
        the scheme does not give, the verdict for each value."""
        edition = self.edition_for(scheme)

        def evaluate(facts):
            return self.engine.truths(edition.id, facts)

        records = scheme_facts(scheme.data)
        acts = acts_of(scheme.data, evaluate, records)
        outcome = assess(edition, acts)
        if outcome is not None:
            result = determined(edition, scheme.data, acts, outcome, records)
        else:
            # each scheme filled in on the way differs in a fact or two: a Family asks
            # durable again only for truths it has not seen for the same values
            family = self.engine.family(edition.id, decisive_components(edition),
                                        [(records[target], truths) for target, truths in acts])
            resolution = resolve(edition, scheme.data, acts, records, family, self.policy.lifespans)
            only = resolution.branches[0] if len(resolution.branches) == 1 else None
            if only is not None and not only.given and resolution.complete:
                # every value of every fact split on gave one outcome: it does not depend on them
                result = determined(edition, scheme.data, acts, only.outcome, records)
            else:
                result = undetermined(edition, scheme.data, acts, resolution, records)
        result.file = scheme.file
        result.sources = {k: self.policy.sources[k] for k in sorted(result.cited())
                          if k in self.policy.sources}
        return result

    def load(self, path) -> Scheme:
        """The scheme in a file, validated against this policy; InputError when it is bad input."""
        scheme, problems = load_scheme(path, self.policy.lifespans)
        if problems or scheme is None:
            raise InputError(problems)
        return scheme

    def from_data(self, data, file="<data>") -> Scheme:
        """The scheme held in ``data``, validated against this policy; InputError when it is bad input."""
        scheme, problems = scheme_from_data(data, file, self.policy.lifespans)
        if problems or scheme is None:
            raise InputError(problems)
        return scheme


_checkers: dict = {}
_lock = threading.Lock()


def checker_for(policy_dir=None) -> Checker:
    """The shared Checker for a policy directory (default: the shipped policy)."""
    if policy_dir is None and None in _checkers:
        return _checkers[None]  # no path to resolve: most of the cost of a cached check
    policy = load_policy(policy_dir)
    with _lock:
        found = _checkers.get(policy.directory)
        if found is None:
            found = _checkers[policy.directory] = Checker(policy)
        if policy_dir is None:
            _checkers[None] = found
        return found
