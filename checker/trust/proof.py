"""What a proof finds, as data: properties with their counterexamples, the
witnesses of live powers and rules, the dead ones, the overlaps, and the
cases compared with the engine (``checker.trust.prover`` finds them;
``checker.reporters.prove`` words them)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Witness:
    """A scheme the solver found, and its outcome by the spec."""

    scheme: dict
    verdict: str
    decided_by: tuple[str, ...]
    powers_used: tuple[str, ...] = ()
    note: str = ""  # what else the reader must know to run it (asking: the verdict without the request)


@dataclass
class Property:
    """One property of one edition: whether it holds, and if not, a counterexample."""

    name: str
    holds: bool
    counterexample: Witness | None = None
    detail: str = ""  # what the counterexample breaks, or why the property is vacuous


@dataclass
class Dead:
    """A power that no scheme uses, or a rule that fires for none: how far it gets, and why."""

    id: str
    kind: str  # power | rule
    reached: str  # power: none, candidate, covers; rule: none
    why: tuple[str, ...]  # the parts, rules or powers that stop it (an unsat core), or conjuncts of a rule
    nearest: Witness | None = None
    elsewhere: tuple[str, ...] = ()  # editions where it is live (then it is no failure)


@dataclass
class Overlap:
    """Two powers or decisive rules that can both apply to one scheme, with a witness."""

    first: str
    second: str
    kind: str  # powers | rule_power | rules
    witness: Witness
    either_used: tuple[str, ...] = ()  # powers: which of the two can be the one used while both cover
    rule_decides: bool = True  # rule_power: the rule is among decided_by in the witness


@dataclass
class CaseCheck:
    """A case file: the engine's answer and the solver's, for the same scheme."""

    file: str
    engine: tuple[str, ...]  # the verdicts the engine gives (one, or an undetermined answer's)
    solver: tuple[str, ...]  # the verdicts of the scheme's completions
    engine_decided_by: tuple[str, ...] = ()
    solver_decided_by: tuple[str, ...] = ()
    agrees: bool = True


@dataclass
class EditionProof:
    """What the solver proved of one edition."""

    edition: str
    seconds: float = 0.0
    properties: list[Property] = field(default_factory=list)
    live: dict[str, Witness] = field(default_factory=dict)  # power or rule id -> a witness
    dead: list[Dead] = field(default_factory=list)
    silent_parts: list[str] = field(default_factory=list)  # parts of powers that never decide
    overlaps: list[Overlap] = field(default_factory=list)
    cases: list[CaseCheck] = field(default_factory=list)
    slots: dict[str, int] = field(default_factory=dict)

    @property
    def failures(self) -> int:
        """How many properties fail, dead powers and rules and case disagreements included."""
        return (sum(not p.holds for p in self.properties) + sum(not d.elsewhere for d in self.dead)
                + sum(not c.agrees for c in self.cases))
