"""The fast validity check never says "valid" where jsonschema finds an error.

checker/load/predicate.py answers True only for certainly valid documents;
everything else goes to jsonschema. Thousands of random mutations of the
case library and the shipped policy files (values swapped for values of
other types, near-miss dates and numbers, keys added, dropped and misspelt)
are checked against jsonschema itself.
"""
from __future__ import annotations

import copy
import random

import pytest

from checker.load.validate import _predicate, _validator
from checker.load.yamlfile import load_yaml
from conftest import CASES, REPO

ODD_VALUES = [None, True, False, 0, 1, 1.0, 1.5, -1, 4, 5, 100, 101, 520, "", "x", "qof", "england",
              "ccg", "2014-01-20", "2014-02-30", "2014-1-20", "Bad Id", "2016/17", "2016-17",
              [], {}, ["a"], ["a", "a"], [{}], {"kind": "ccg"}, {"kind": "ccg", "co_commissioning": "full"}]


def _documents(kind: str) -> list:
    if kind in ("scheme", "case"):
        paths = sorted(CASES.glob("*.yaml"))
    elif kind == "policy":  # editions and shared files (the sources register has its own schema)
        paths = sorted(p for p in (REPO / "policy").glob("*/*.yaml") if p.parent.name != "sources")
    else:
        paths = [REPO / "policy" / "negotiation.yaml"]
    return [load_yaml(p)[0].data for p in paths if p.exists()]


def _nodes(data, path=()):
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _nodes(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _nodes(value, path + (i,))


def _mutate(data, rng: random.Random):
    data = copy.deepcopy(data)
    for _ in range(rng.choice((1, 1, 2, 3))):
        path, node = rng.choice(list(_nodes(data)))
        if not path:
            continue
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        roll = rng.random()
        if roll < 0.6:
            parent[last] = copy.deepcopy(rng.choice(ODD_VALUES))
        elif roll < 0.75 and isinstance(parent, dict):
            del parent[last]
        elif roll < 0.85 and isinstance(parent, dict):
            parent[str(last)[:-1] or "x"] = parent.pop(last)  # a misspelt key
        elif isinstance(node, dict):
            node[rng.choice(["extra", "kind", "status", "field", "eq", "id"])] = rng.choice(ODD_VALUES)
        elif isinstance(node, list):
            node.append(copy.deepcopy(rng.choice(node)) if node else rng.choice(ODD_VALUES))
    return data


@pytest.mark.parametrize("kind", ["scheme", "policy", "case", "negotiation"])
def test_fast_yes_is_never_wrong(kind):
    quick, exact = _predicate(kind), _validator(kind)
    assert quick is not None, "the schema uses a keyword checker.load.predicate does not know"
    documents = _documents(kind)
    if not documents:
        pytest.skip(f"no {kind} documents in this tree")
    rng = random.Random(f"vires-{kind}")
    said_yes = agreed_no = 0
    for _ in range(1500):
        mutant = _mutate(rng.choice(documents), rng)
        valid = exact.is_valid(mutant)
        if quick(mutant):
            said_yes += 1
            assert valid, f"fast check said valid, jsonschema says: {next(exact.iter_errors(mutant)).message}"
        elif not valid:
            agreed_no += 1
    assert said_yes > 30 and agreed_no > 300  # both answers were exercised


def test_library_and_shipped_policy_take_the_fast_path():
    for kind in ("scheme", "policy"):
        assert all(_predicate(kind)(d) for d in _documents(kind))
