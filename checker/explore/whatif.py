"""What-if: apply a negotiator's changes to a scheme and compare the results.

A **change** is one edit of the scheme as written: ``set`` a value at a
dotted path, ``add`` an item to a list (creating the list if absent), or
``remove`` a key or a list item. Paths are dotted and list items are
numbered from 0: ``decisions.1.status``, ``change.instrument``. Values are
YAML, read by the project's loader (dates stay text).

A **comparison** is the result before and after (either may be
``undetermined``), with what appeared and disappeared: the findings, the
power each act rests on, and the ids that decided the verdict; and, for
each, the changed facts its components test: the contrastive "why" a
negotiator asks for. Facts are per act (one record per target), so a
change is explained act by act. Setting a fact the scheme left unknown
**settles** it: the comparison lists the facts to find out before that the
changes give. ``vires fix`` builds its answers with the same functions, so
every fix replays through ``whatif``.
"""
from __future__ import annotations

import copy
import shlex
from dataclasses import dataclass, field, replace

from ..diagnostics import Diagnostic, InputError, format_path
from ..evaluate.result import Approval, Finding, PowerUse, Result
from ..load.yamlfile import Document, parse_yaml, yaml_text
from ..rules.conditions import fields_of
from ..rules.facts import LISTS, act_facts, maker, targets


@dataclass(frozen=True)
class Change:
    """One edit of a scheme as written: set, add or remove at a dotted path."""

    op: str
    path: str
    value: object = None

    def __hash__(self):  # values may be mappings (a decision to add)
        return hash((self.op, self.path, yaml_text(self.value)))

    @property
    def parts(self) -> tuple:
        """The path as keys and list indexes: ('decisions', 1, 'status')."""
        return split_path(self.path)

    def to_dict(self) -> dict:
        """The change as plain data (``change_from_dict`` reads it back)."""
        out: dict[str, object] = {"op": self.op, "path": self.path}
        if self.op != "remove":
            out["value"] = self.value
        return out

    def option(self, quote: bool = True) -> str:
        """The command-line option that makes this change (quoted for a shell)."""
        text = self.path if self.op == "remove" else f"{self.path}={yaml_text(self.value)}"
        return f"--{self.op} {shell_quote(text) if quote else text}"


def shell_quote(text: str) -> str:
    """Quote for a POSIX shell, preferring double quotes (readable around YAML's single ones)."""
    if shlex.quote(text) == text:
        return text
    if not any(c in text for c in '"$`\\!'):
        return f'"{text}"'
    return shlex.quote(text)


def change_from_dict(item: dict) -> Change:
    """The change that ``Change.to_dict`` wrote."""
    return Change(item["op"], item["path"], item.get("value"))


def split_path(path: str) -> tuple:
    """A dotted path as keys and list indexes: 'decisions.1.status' -> ('decisions', 1, 'status')."""
    return tuple(int(p) if p.isascii() and p.isdigit() else p for p in path.split("."))  # not '²'


def parse_option(op: str, text: str, file: str) -> Change:
    """``PATH=VALUE`` (or ``PATH`` for remove) from the command line."""
    where = f"--{op} {text}"
    if op == "remove":
        path, value = text, None
    else:
        path, sep, raw = text.partition("=")
        if not sep:
            raise _bad(file, where, "a change needs PATH=VALUE", "e.g. --set change.instrument=local_incentive_scheme")
        if not raw.strip():
            raise _bad(file, where, "no value after '='", "write a value; '' is empty text")
        doc, problems = parse_yaml(raw, where)
        if problems or doc is None:
            raise InputError([replace(p, file=file, line=0, column=0,
                                      message=f"{where}: the value is not valid YAML: {p.message}")
                              for p in problems])
        value = doc.data
    path = path.strip()
    if not path or any(not part for part in path.split(".")):
        raise _bad(file, where, f"'{path}' is not a dotted path",
                   "write the path with dots and number list items from 0, e.g. decisions.1.status")
    return Change(op, path, value)


def _bad(file, where, message, hint, line=0, column=0, path=()) -> InputError:
    return InputError([Diagnostic("whatif.bad_change", f"{where}: {message}", file, line, column,
                                  tuple(path), hint)])


def apply_changes(data: dict, changes, doc: Document | None = None, file: str = "<data>") -> dict:
    """A copy of ``data`` with the changes applied in order; raises InputError
    located at the nearest part of the scheme that exists."""
    out = copy.deepcopy(data)
    for change in changes:
        _apply(out, change, doc, file)
    return out


def _apply(data, change: Change, doc, file):
    parts = change.parts

    def fail(message, hint, upto):
        line, column = doc.locate(parts[:upto]) if doc else (0, 0)
        return _bad(file, change.option(quote=False), message, hint, line, column, parts[:upto])

    node = data
    for depth, part in enumerate(parts[:-1]):
        node = _step(node, part, change, depth, parts, fail, create=change.op != "remove")
    last = parts[-1]
    here = format_path(parts)
    if isinstance(node, list):
        if not isinstance(last, int):
            raise fail(f"{format_path(parts[:-1])} is a list: number its items from 0", "e.g. decisions.0",
                       len(parts) - 1)
        if last >= len(node):
            raise fail(f"there is no {here}: {format_path(parts[:-1])} has {len(node)} item(s)",
                       f"items are numbered 0 to {len(node) - 1}" if node else "the list is empty",
                       len(parts) - 1)
    elif isinstance(node, dict):
        if isinstance(last, int):
            raise fail(f"{format_path(parts[:-1]) or 'the scheme'} is a mapping, not a list",
                       "name a field instead of a number", len(parts) - 1)
    else:
        raise fail(f"{format_path(parts[:-1])} holds a single value, not fields or items",
                   "change the value itself", len(parts) - 1)
    if change.op == "set":
        node[last] = copy.deepcopy(change.value)
    elif change.op == "add":
        if isinstance(node, dict) and last not in node:
            node[last] = []
        target = node[last]
        if not isinstance(target, list):
            raise fail(f"{here} is not a list, so nothing can be added to it", "use --set to replace a value",
                       len(parts))
        target.append(copy.deepcopy(change.value))
    else:
        if isinstance(node, dict) and last not in node:
            raise fail(f"there is no {here} to remove", "check the spelling of the path", len(parts) - 1)
        del node[last]


def _step(node, part, change, depth, parts, fail, create):
    if isinstance(node, list):
        if not isinstance(part, int):
            raise fail(f"{format_path(parts[:depth])} is a list: number its items from 0",
                       f"e.g. {'.'.join(map(str, parts[:depth]))}.0", depth)
        if part >= len(node):
            raise fail(f"there is no {format_path(parts[:depth + 1])}: "
                       f"{format_path(parts[:depth])} has {len(node)} item(s)",
                       f"items are numbered 0 to {len(node) - 1}" if node else "the list is empty", depth)
        return node[part]
    if isinstance(node, dict):
        if isinstance(part, int):
            raise fail(f"{format_path(parts[:depth]) or 'the scheme'} is a mapping, not a list",
                       "name a field instead of a number", depth)
        if part not in node:
            if not create:
                raise fail(f"there is no {format_path(parts[:depth + 1])}", "check the spelling of the path",
                           depth)
            node[part] = {}
        return node[part]
    raise fail(f"{format_path(parts[:depth])} holds a single value, not fields or items",
               "change the value itself", depth)


def changed_scheme(checker, scheme, changes):
    """The scheme after the changes, validated; diagnostics point into the
    original file and name the change that made the input bad."""
    data = apply_changes(scheme.data, changes, scheme.doc, scheme.file)
    try:
        changed = checker.from_data(data, scheme.file)
        checker.edition_for(changed)  # a changed date or jurisdiction may leave every edition
        return changed
    except InputError as err:
        raise InputError([_relocate(d, scheme, changes) for d in err.diagnostics]) from None


def _relocate(d: Diagnostic, scheme, changes) -> Diagnostic:
    line, column = scheme.doc.locate(d.path)
    culprits = [c for c in changes if _related(c.parts, tuple(d.path))] or list(changes)
    after = ", ".join(c.option(quote=False) for c in culprits)
    return replace(d, line=line, column=column, message=f"after {after}: {d.message}")


def _related(a: tuple, b: tuple) -> bool:
    n = min(len(a), len(b))
    return a[:n] == b[:n]


@dataclass
class Comparison:
    """A scheme's result before and after a set of changes, and what the changes made differ.

    ``appeared``/``disappeared`` are findings (powers used and rules that
    fired); ``powers_appeared``/``powers_disappeared`` the power each act
    rests on; ``decided_appeared``/``decided_disappeared`` what each id of
    ``decided_by`` says. ``because`` gives, for each of these ids, the changed
    facts its components test; ``moved`` the changed facts of each act;
    ``settled`` the facts the verdict depended on before that the changes give."""

    before: Result
    after: Result
    changes: list[Change]
    appeared: list[Finding] = field(default_factory=list)
    disappeared: list[Finding] = field(default_factory=list)
    because: dict[str, list[str]] = field(default_factory=dict)  # id -> changed facts its components test
    powers_appeared: list[PowerUse] = field(default_factory=list)
    powers_disappeared: list[PowerUse] = field(default_factory=list)
    decided_appeared: list[Finding] = field(default_factory=list)
    decided_disappeared: list[Finding] = field(default_factory=list)
    moved: dict[str, list[str]] = field(default_factory=dict)  # target -> changed facts of its act
    settled: list[str] = field(default_factory=list)  # dotted scheme paths
    maker: str | None = None  # the kind of body that makes the change after it, if known

    def now_given(self) -> list[Approval]:
        """The approvals formally given after the changes that were not before."""
        before = {(a.body, a.rule) for a in self.before.approvals_given}
        return [a for a in self.after.approvals_given if (a.body, a.rule) not in before]

    def now_needed(self) -> list[Approval]:
        """The approvals needed after the changes that were not before."""
        before = {(a.body, a.rule) for a in self.before.approvals_needed}
        return [a for a in self.after.approvals_needed if (a.body, a.rule) not in before]

    def power_because(self, use: PowerUse) -> list[str]:
        """The changed facts of one act that the components of the power it rests on (or rested on) test."""
        return self.because.get(f"{use.target}:{use.power}", [])


def compare(checker, scheme, changes, before: Result | None = None) -> Comparison:
    """Check the scheme as it is and as changed, and explain the difference."""
    before = before or checker.check_scheme(scheme)
    changed = changed_scheme(checker, scheme, changes)
    after = checker.check_scheme(changed)
    return explain(checker, scheme.data, changed.data, before, after, changes)


def explain(checker, data_before, data_after, before: Result, after: Result, changes) -> Comparison:
    """The comparison of two results: the findings, powers used and deciding ids that
    appeared and disappeared, and for each the changed facts its components test."""
    moved = moved_facts(data_before, data_after)
    every = list(dict.fromkeys(name for names in moved.values() for name in names))
    made_by = maker(data_after)
    c = Comparison(before, after, list(changes), moved=moved, settled=settled(before, changes),
                   maker=made_by["kind"] if made_by else None)
    c.appeared, c.disappeared = _delta(before.findings, after.findings, lambda f: f.rule)
    c.decided_appeared, c.decided_disappeared = _delta(before.why, after.why, lambda f: f.rule)
    c.powers_appeared, c.powers_disappeared = _delta(before.powers_used, after.powers_used,
                                                     lambda u: (u.target, u.power))
    old, new = checker.policy.edition(before.edition), checker.policy.edition(after.edition)
    for items, edition in ((c.appeared + c.decided_appeared, new), (c.disappeared + c.decided_disappeared, old)):
        for item in items:
            target = item.rule.removeprefix("no-power:") if item.rule.startswith("no-power:") else None
            names = moved.get(target, []) if target else every
            c.because[item.rule] = _tested(names, finding_fields(edition, item.rule))
    for uses, edition in ((c.powers_appeared, new), (c.powers_disappeared, old)):
        for use in uses:
            c.because[f"{use.target}:{use.power}"] = _tested(moved.get(use.target, []),
                                                                finding_fields(edition, use.power))
    return c


def _delta(before, after, key) -> tuple[list, list]:
    """The items of ``after`` not in ``before``, and those of ``before`` not in ``after``, by key."""
    old, new = {key(x) for x in before}, {key(x) for x in after}
    return [x for x in after if key(x) not in old], [x for x in before if key(x) not in new]


def _tested(names: list[str], tested: set) -> list[str]:
    """The changed facts among those tested; a changed list of targets counts for ``change.target``."""
    return [n for n in names if n in tested or (n == "change.targets" and "change.target" in tested)]


def moved_facts(data_before: dict, data_after: dict) -> dict[str, list[str]]:
    """For each act of either scheme (by target), the names of its facts that
    differ; an act that only one of them makes has ``change.targets`` moved."""
    old, new = targets(data_before), targets(data_after)
    out = {}
    for target in dict.fromkeys(old + new):
        if target in old and target in new:
            out[target] = changed_facts(act_facts(data_before, target), act_facts(data_after, target))
        else:
            out[target] = ["change.targets"]
    return out


def settled(before: Result, changes) -> list[str]:
    """The facts the verdict depended on (``before``'s facts to find out) that the changes give."""
    if before.undetermined is None:
        return []
    return [fact for fact in before.undetermined.ask
            if any(_related(change.parts, split_path(fact)) for change in changes)]


def finding_fields(edition, finding_id: str) -> set:
    """The fact fields that the components behind an id test, as full names
    (decisions.status): a power's components; a part's, with its power's reach
    (holder, instrument, target, when); a rule's; for
    ``no-power:<target>``, what decides whether any power reaches an act at
    all (every power's holder, instrument, target and when)."""
    if edition is None:
        return set()
    if finding_id.startswith("no-power:"):
        reach = {f"{p.id}#{x}" for p in edition.powers for x in ("holder", "instrument", "target", "when")}
        chosen = [c for c in edition.components if c.id in reach]
    else:
        # A part of a power (a limit, step or approval) decides only where its power
        # reaches the act: what moves the power's reach bears on it too.
        owner = finding_id.split("/")[0] if "/" in finding_id else None
        reach = {f"{owner}#{x}" for x in ("holder", "instrument", "target", "when")} if owner else set()
        chosen = [c for c in edition.components if c.id == finding_id or c.id in reach
                  or c.id.split("#")[0] == finding_id or c.id.split("#")[0].split("/")[0] == finding_id]
    return {f"{i}.{n}" if i else n for c in chosen for i, n in fields_of(c.when)}


def changed_facts(before: dict, after: dict, prefix: str = "") -> list[str]:
    """Names of the facts that differ; for a list, each item field that differs."""
    out = []
    for key in before:
        name = prefix + key
        old, new = before[key], after[key]  # fact records have every key
        if isinstance(old, dict):
            out += changed_facts(old, new, name + ".")
        elif isinstance(old, list) and name in LISTS:
            out += [f"{name}.{f}" for f in LISTS[name]
                    if [i[f] for i in old] != [i[f] for i in new]]
        elif old != new:
            out.append(name)
    return out
