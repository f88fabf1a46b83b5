"""Hostile and mistaken input: every defect gives a located diagnostic, exit 2,
no traceback and nothing on stdout.

Each file in tests/bad_inputs/ (schemes) and tests/bad_policies/ (policy
editions) is one defect, named after it. Its first line says what vires must
answer: ``# expect: CODE LINE HINT-FRAGMENT``. A new file there becomes a
test by existing. Defects that are binary, huge or easier to generate are
made here, in tmp_path.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

import checker
from checker.load.yamlfile import MAX_BYTES, MAX_DEPTH, MAX_NODES
from conftest import CASES, REPO, run_vires

BAD_INPUTS = REPO / "tests" / "bad_inputs"
BAD_POLICIES = REPO / "tests" / "bad_policies"
A_CASE = CASES / "leeds-2017.yaml"


def expectation(path: Path) -> tuple[str, int, str]:
    first = path.read_bytes().split(b"\n", 1)[0].decode("ascii")
    assert first.startswith("# expect: "), f"{path.name} must start with '# expect: CODE LINE HINT'"
    code, line, hint = first[len("# expect: "):].split(" ", 2)
    return code, int(line), hint


def assert_rejected(proc, shown: str, code: str, line: int, hint: str) -> None:
    """Exit 2, nothing on stdout, no traceback, and the first diagnostic is
    ``shown:line:column: error: ... [code]`` followed by its hint."""
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert "\x1b[" not in proc.stderr  # no colour codes when not a terminal
    head, hint_line = proc.stderr.splitlines()[:2]
    where = f"{shown}:{line}:" if line else f"{shown}:"
    assert head.startswith(where), head
    assert head.endswith(f"[{code}]"), head
    assert hint_line.startswith("  hint: ") and hint in hint_line, hint_line


def assert_first_diagnostic(err, code: str, line: int, hint: str) -> None:
    first = err.diagnostics[0]
    assert (first.code, first.line) == (code, line), first
    assert hint in first.hint


# -- schemes ---------------------------------------------------------------

SCHEME_FILES = sorted(BAD_INPUTS.glob("*.yaml"))


@pytest.mark.parametrize("path", SCHEME_FILES, ids=lambda p: p.stem)
def test_bad_scheme_file_is_rejected_with_a_located_diagnostic(path):
    code, line, hint = expectation(path)
    shown = path.relative_to(REPO).as_posix()
    assert_rejected(run_vires("check", shown), shown, code, line, hint)
    with pytest.raises(checker.InputError) as err:
        checker.check_file(path)
    assert_first_diagnostic(err.value, code, line, hint)


def test_corpus_covers_every_defect_the_issue_names():
    names = {p.stem for p in SCHEME_FILES}
    assert {"comment_only", "not_yaml", "list_not_mapping", "scalar_not_mapping", "duplicate_key",
            "unknown_field", "wrong_type", "unknown_value", "invalid_date", "end_before_start",
            "area_team_in_2017", "icb_in_2014", "ccg_in_2023", "not_utf8", "deep_nesting",
            "alias_bomb"} <= names
    # The earlier scheme format, and facts that may be unknown (issue 11).
    assert {"proposers_split", "target_not_a_list", "not_stated", "opt_in_maybe", "share_out_of_range",
            "maker_not_a_body", "granted_without_formality"} <= names


def test_no_message_says_not_valid_under_any_of_the_given_schemas():
    """A field that may be unknown is explained against its own node."""
    for path in SCHEME_FILES:
        proc = run_vires("check", path.relative_to(REPO).as_posix())
        assert "any of the given schemas" not in proc.stderr, path.name


def _alias_chain(levels: int) -> str:
    """Anchors each holding the previous one: shallow text, deep once expanded."""
    lines = ["a0: &a0 [x]"] + [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


GENERATED = {
    # name: (bytes, code, line, hint)
    "empty": (b"", "input.empty", 1, "start from an example"),
    "binary": (b"id: x\ntitle: y\n\x00\x01\x02\xff", "input.binary", 3, "plain UTF-8 text"),
    "utf16": ("id: x\n".encode("utf-16"), "input.utf16", 1, "save the file as UTF-8: in Notepad"),
    "utf16_no_bom": ("id: x\ntitle: y\n".encode("utf-16-le"), "input.utf16", 1, "save the file as UTF-8"),
    "utf16_big_endian_no_bom": ("id: x\ntitle: y\n".encode("utf-16-be"), "input.utf16", 1,
                                "save the file as UTF-8"),
    "latin1": ("id: x\ntitle: Sant\u00e9\n".encode("latin-1"), "input.not_utf8", 2, "save the file as UTF-8"),
    "windows_1252": ("id: x\ntitle: \u201cquoted\u201d\n".encode("cp1252"), "input.not_utf8", 2,
                     "Encoding: UTF-8"),
    "too_large": (b"# padding\n" * (MAX_BYTES // 10 + 1), "input.too_large", MAX_BYTES // 10 + 1,
                  "a few kilobytes"),
    "too_many_values": (("a: [" + "1, " * (MAX_NODES + 1) + "1]\n").encode(), "input.too_many_nodes", 1,
                        "is this the right file?"),
    "deep_alias_chain": (_alias_chain(MAX_DEPTH + 10).encode(), "input.too_deep", MAX_DEPTH,
                         "write the values out"),
}


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_bad_file_is_rejected(name, tmp_path):
    content, code, line, hint = GENERATED[name]
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(content)
    assert_rejected(run_vires("check", path), str(path), code, line, hint)


@pytest.mark.parametrize("content, named", [
    ("id: x\ntitle: \u201cquoted\u201d\n".encode("cp1252"), "Windows-1252, where 0x93 is \u201c"),
    ("id: x\ntitle: Sant\u00e9\n".encode("latin-1"), "Windows-1252 or Latin-1, where 0xe9 is \u00e9"),
], ids=["windows_1252", "latin1"])
def test_a_legacy_encoding_is_named_with_the_character_it_meant(content, named, tmp_path):
    path = tmp_path / "legacy.yaml"
    path.write_bytes(content)
    proc = run_vires("check", path)
    assert named in proc.stderr.splitlines()[0]
    assert "UTF-16" not in proc.stderr and "binary" not in proc.stderr


def test_utf8_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + A_CASE.read_bytes())
    assert checker.check_file(path).verdict == checker.check_file(A_CASE).verdict


def test_size_and_nesting_limits_are_the_documented_ones():
    doc = (REPO / "docs" / "diagnostics.md").read_text()
    for limit in (f"{MAX_BYTES:,}", f"{MAX_DEPTH}", f"{MAX_NODES:,}"):
        assert limit in doc


# -- the alias bomb: fast and small ----------------------------------------

def _wide_bomb() -> str:
    """A thousand values, aliased a thousand times, a thousand times over:
    10^9 values from 20 kB of text."""
    row = "[" + ", ".join(["lol"] * 1000) + "]"
    return (f"a: &a {row}\n"
            "b: &b [" + ", ".join(["*a"] * 1000) + "]\n"
            "c: [" + ", ".join(["*b"] * 1000) + "]\n")


@pytest.mark.parametrize("text", [(BAD_INPUTS / "alias_bomb.yaml").read_text(), _wide_bomb()],
                         ids=["nine_by_nine", "thousand_by_thousand"])
def test_alias_bomb_is_refused_in_under_a_second_with_bounded_memory(text, tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(text)
    checker.check_file(A_CASE)  # warm: imports and the policy are not the bomb's cost
    tracemalloc.start()
    started = time.process_time()  # CPU time: the machine's other work does not count
    with pytest.raises(checker.InputError) as err:
        checker.check_file(path)
    elapsed = time.process_time() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert err.value.diagnostics[0].code == "input.too_many_nodes"
    assert elapsed < 1.0
    assert peak < 32 * 2**20  # the fully expanded document would need gigabytes


def test_alias_bomb_in_a_fresh_process_stays_small():
    """Resident memory of a whole `vires check` on the bomb, measured by the
    process itself: the interpreter and its libraries, and little more.

    The peak is the process's own memory map's (VmHWM), not getrusage's
    ru_maxrss: Linux carries ru_maxrss over an exec, so a child that pytest
    starts (by vfork) would report pytest's own peak once pytest has grown."""
    script = ("import re, sys\n"
              "from checker.cli import main\n"
              f"sys.argv = ['vires', 'check', {str(BAD_INPUTS / 'alias_bomb.yaml')!r}]\n"
              "try:\n    main()\n"
              "except SystemExit as done:\n"
              "    status = open('/proc/self/status').read()\n"
              "    print(done.code, re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1))\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    code, max_rss_kb = proc.stdout.split()
    assert code == "2"
    assert int(max_rss_kb) < 150 * 1024  # Linux reports kilobytes


# -- policy files (--policy DIR) -------------------------------------------

def _policy_with(tmp_path, edition: Path | None = None) -> Path:
    policy = tmp_path / "policy"
    (policy / "editions").mkdir(parents=True)
    if edition is not None:
        shutil.copy(edition, policy / "editions" / edition.name)
    return policy


POLICY_FILES = sorted(BAD_POLICIES.glob("*.yaml"))


@pytest.mark.parametrize("path", POLICY_FILES, ids=lambda p: p.stem)
def test_bad_policy_file_is_rejected_with_a_located_diagnostic(path, tmp_path):
    code, line, hint = expectation(path)
    policy = _policy_with(tmp_path, path)
    shown = str(policy / "editions" / path.name)
    assert_rejected(run_vires("check", "--policy", policy, A_CASE), shown, code, line, hint)


def test_policy_corpus_covers_the_kinds_of_mistake():
    names = {p.stem for p in POLICY_FILES}
    assert {"broken_yaml", "unknown_field_in_rule", "bad_condition", "duplicate_rule_id",
            "unknown_fact_field", "unknown_value_in_condition", "alias_bomb"} <= names


BAD_BODIES = {
    "bodies: [ccg, icb]\n": ("policy.bad_bodies", 1, "e.g. ccg: {label"),
    "bodies:\n  ccg: {label: CCG}\n": ("policy.bad_bodies", 2, "e.g. ccg: {label"),
    "kinds: {}\n": ("policy.bad_bodies", 1, "start the file with 'bodies:'"),
    "bodies: {ccg: &c [*c]}\n": ("input.recursive_alias", 1, "write the values out"),
    "bodies:\n  ccg: {label: CCG, from: 2013-04-01, to: 2022-06-30, in: [wales]}\n":
        ("policy.bad_bodies", 2, "e.g. in: {northern_ireland:"),
    "bodies:\n  ccg: {label: CCG, from: 2013-04-01, to: 2022-06-30, in: {wales: {to: soon}}}\n":
        ("policy.bad_bodies", 2, "e.g. in: {northern_ireland:"),
}


@pytest.mark.parametrize("text", sorted(BAD_BODIES))
def test_bad_bodies_file_is_rejected(text, tmp_path):
    code, line, hint = BAD_BODIES[text]
    policy = _policy_with(tmp_path, REPO / "policy" / "editions" / "england-2015.yaml")
    shutil.copytree(REPO / "policy" / "common", policy / "common")
    (policy / "bodies.yaml").write_text(text)
    assert_rejected(run_vires("check", "--policy", policy, A_CASE), str(policy / "bodies.yaml"),
                    code, line, hint)


def test_policy_folder_without_editions_is_rejected(tmp_path):
    proc = run_vires("check", "--policy", tmp_path, A_CASE)
    assert_rejected(proc, str(tmp_path), "policy.no_editions", 0, "a policy folder holds editions/")


def test_binary_policy_file_is_rejected(tmp_path):
    policy = _policy_with(tmp_path)
    (policy / "editions" / "binary.yaml").write_bytes(b"edition: x\n\x00\x00\x00")
    assert_rejected(run_vires("check", "--policy", policy, A_CASE),
                    str(policy / "editions" / "binary.yaml"), "input.binary", 2, "plain UTF-8 text")


# -- every code is documented ----------------------------------------------

def emitted_codes() -> set[str]:
    """Every diagnostic code in checker/: code-shaped literals ("ns.name"),
    plus the validator's f"{prefix}.name" codes for each document kind
    validated, leaving out fact names, file names and module names."""
    import re

    from checker.rules.facts import fields

    source = "\n".join(p.read_text() for p in sorted((REPO / "checker").rglob("*.py")))
    not_codes = {name.split(".")[0] for name in fields()} | {"checker", "vires", "http"}  # http.*: ASGI messages
    literals = {f"{ns}.{name}" for ns, name in re.findall(r"[\"']([a-z]+)\.([a-z][a-z_]*)[\"']", source)
                if ns not in not_codes and name not in ("yaml", "md", "json", "txt", "py", "html", "css", "pdf")
                and not name.endswith("_")}
    prefixes = set(re.findall(r"validate_document\([^)]*?,\s*\"[a-z]+\",\s*\"([a-z]+)\"\)", source))
    kinds = set(re.findall(r"f\"\{prefix\}\.([a-z_]+)\"", source))
    return literals | {f"{p}.{k}" for p in prefixes for k in kinds}


def test_every_diagnostic_code_is_documented():
    codes = emitted_codes()
    assert {"input.too_many_nodes", "scheme.unknown_field", "policy.bad_condition"} <= codes
    documented = (REPO / "docs" / "diagnostics.md").read_text()
    missing = sorted(c for c in codes if f"`{c}`" not in documented)
    assert not missing, f"add these codes to docs/diagnostics.md: {missing}"


def _patterned(node, path=()):
    """(path, pattern) of every field of the scheme schema that has a pattern."""
    from checker.load.schema import load_schema

    root = load_schema("scheme")
    if "$ref" in node:
        node = root["$defs"][node["$ref"].rsplit("/", 1)[1]]
    if "pattern" in node:
        yield path, node["pattern"]
    for key, child in node.get("properties", {}).items():
        yield from _patterned(child, path + (key,))
    if isinstance(node.get("items"), dict):
        yield from _patterned(node["items"], path + (0,))


def test_no_hint_shows_a_regular_expression():
    """On main a contract year written 2016-17 got the hint 'it must match ^[0-9]{4}/[0-9]{2}$'."""
    import copy

    import yaml

    from checker.load.schema import load_schema

    leeds = yaml.safe_load(A_CASE.read_text())
    found = list(_patterned(load_schema("scheme")))
    assert len(found) >= 3
    for path, pattern in found:
        data = copy.deepcopy(leeds)
        node = data
        for part, following in zip(path, path[1:]):
            node = node[part] if isinstance(part, int) else node.setdefault(
                part, [{}] if isinstance(following, int) else {})
        node[path[-1]] = "Not Right"
        with pytest.raises(checker.InputError) as err:
            checker.check(data)
        for d in err.value.diagnostics:
            assert pattern not in d.hint and not any(mark in d.hint for mark in ("^[", "]$", "{4}")), (path, d.hint)
def test_a_health_board_lives_on_where_only_northern_irelands_closed(tmp_path):
    """bodies.yaml's ``in:``: Northern Ireland's health board closed on 31
    March 2022 (tests/bad_inputs/ni_health_board_in_2026.yaml); Wales's Local
    Health Boards did not, so the same scheme in Wales is checked."""
    text = (BAD_INPUTS / "ni_health_board_in_2026.yaml").read_text()
    welsh = tmp_path / "welsh-board-2026.yaml"
    welsh.write_text(text.replace("northern_ireland", "wales").replace("Health and Social Care Board",
                                                                        "a Local Health Board"))
    proc = run_vires("check", "--format", "json", welsh)
    assert proc.returncode in (0, 1, 4), proc.stderr
    assert "body_not_in_existence" not in proc.stderr
    assert '"edition": "wales-2023"' in proc.stdout
