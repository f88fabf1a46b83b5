"""The policy cache on disk (checker/rules/cache.py): used when nothing
changed, never stale, never a way to run code or change a verdict.

On main the cache was a pickle (a planted entry ran its code on the next
`vires check`), keyed on each module's size and modification time (a
same-size edit was ignored), with no integrity check (a corrupted entry of
the right shape changed verdicts; one of the wrong shape made every run exit
3), and its key read every file under the policy folder whole. Each test
below plants what an attacker or an accident would leave there."""
from __future__ import annotations

import errno
import hashlib
import json
import os
import pickle
import shutil
import time

import pytest

from checker.rules import cache as policy_cache
from checker.rules.policy import build_policy, policy_files, read_sources
from conftest import CASES, policy_copy, run_console, run_vires

LEEDS = CASES / "leeds-2017.yaml"


@pytest.fixture
def policy_dir(tmp_path):
    return policy_copy(tmp_path)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("VIRES_CACHE_DIR", str(folder))
    monkeypatch.delenv("VIRES_NO_CACHE", raising=False)
    return folder


def counting_reader():
    calls = []

    def read(directory):
        calls.append(directory)
        return read_sources(directory)
    return read, calls


def load(policy_dir, read=read_sources):
    return policy_cache.load_cached(policy_dir, read, build_policy, policy_files)


def entry_of(policy_dir, cache):
    return cache / f"policy-{policy_cache.policy_key(policy_dir, policy_files(policy_dir))}.json"


def rules(policy) -> list:
    return ([(e.id, r.id, r.effect, r.line) for e in policy.editions for r in e.rules]
            + [(e.id, p.id, p.instruments, p.targets, p.line) for e in policy.editions for p in e.powers])


def test_second_load_comes_from_the_cache(policy_dir, cache):
    read, calls = counting_reader()
    first, problems = load(policy_dir, read)
    second, _ = load(policy_dir, read)
    assert problems == [] and len(calls) == 1
    assert second == first and rules(second) == rules(first)
    assert second.lifespans == first.lifespans and second.negotiation == first.negotiation


def test_an_entry_is_plain_json_with_its_digest_and_key(policy_dir, cache):
    load(policy_dir)
    entry = entry_of(policy_dir, cache)
    head, body = entry.read_bytes().split(b"\n", 1)
    assert head == f"vires-policy-cache {policy_cache.FORMAT} {hashlib.sha256(body).hexdigest()}".encode()
    assert json.loads(body)["key"] in entry.name
    assert oct(entry.stat().st_mode & 0o777) == "0o600" and oct(cache.stat().st_mode & 0o777) == "0o700"


def test_an_edited_policy_file_is_read_again(policy_dir, cache):
    read, calls = counting_reader()
    load(policy_dir, read)
    edition = policy_dir / "editions" / "england-2013.yaml"
    text = edition.read_text()
    assert text.count("body: nhse_national\n") == 1
    edition.write_text(text.replace("body: nhse_national\n", "body: secretary_of_state\n"))
    policy, _ = load(policy_dir, read)
    assert len(calls) == 2
    power = policy.edition("england-2013").power("eng13.area-team-local-scheme")
    assert power.part("eng13.area-team-local-scheme/national-sign-off").body == "secretary_of_state"


def test_a_same_size_code_edit_with_the_old_time_changes_the_key(policy_dir, monkeypatch, tmp_path):
    fake = tmp_path / "pkg"
    shutil.copytree(policy_cache._PACKAGE, fake, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(policy_cache, "_PACKAGE", fake)
    same = policy_cache.policy_key(policy_dir, policy_files(policy_dir))
    module = fake / "rules" / "conditions.py"
    before = module.stat()
    text = module.read_text()
    assert '"lt"' in text
    module.write_text(text.replace('"lt"', '"LT"', 1))  # same size
    os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the old modification time
    assert module.stat().st_size == before.st_size and module.stat().st_mtime_ns == before.st_mtime_ns
    assert policy_cache.policy_key(policy_dir, policy_files(policy_dir)) != same


class _RunsCode:
    """A pickle that runs a shell command when it is loaded."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_planted_pickle_is_never_run(policy_dir, cache, tmp_path):
    marker = tmp_path / "the-pickle-ran"
    cache.mkdir(mode=0o700)
    payload = pickle.dumps(_RunsCode(marker))
    entry_of(policy_dir, cache).write_bytes(payload)  # where the entry goes
    (cache / f"policy-{'0' * 64}.pickle").write_bytes(payload)  # where main looked
    for path in cache.iterdir():
        path.chmod(0o600)
    proc = run_console("check", "--policy", policy_dir, LEEDS, env={"VIRES_CACHE_DIR": str(cache)})
    assert proc.returncode == 1 and "ULTRA VIRES" in proc.stdout, proc.stderr
    assert not marker.exists()
    assert entry_of(policy_dir, cache).read_bytes().startswith(b"vires-policy-cache ")  # rebuilt
    assert not list(cache.glob("*.pickle"))  # and the old format swept away


def _forge(entry, change, digest=True):
    """Rewrite an entry's JSON body with ``change`` applied; with ``digest``,
    give it a matching digest line (anyone can compute one)."""
    head, body = entry.read_bytes().split(b"\n", 1)
    new = change(body.decode()).encode()
    if digest:
        head = f"vires-policy-cache {policy_cache.FORMAT} {hashlib.sha256(new).hexdigest()}".encode()
    entry.write_bytes(head + b"\n" + new)


def _soften_leeds_rule(body: str) -> str:
    # The delegated CCG's power is made to reach a direct change of QOF payments,
    # so Leeds (ultra vires: no power) would come out pending: a verdict-changing
    # edit of the right shape.
    data = json.loads(body)
    text = json.dumps(data)
    needle = '"eng15.delegated-ccg-local-scheme"'
    assert needle in text
    start = text.index(needle)
    was = text.index('"local_incentive_scheme"', start)
    return text[:was] + '"direct_payment_change"' + text[was + len('"local_incentive_scheme"'):]


#: The same edit in the policy's own file (england-2015.yaml).
WIDENED = ("instruments: [local_incentive_scheme, local_enhanced_service]\n    targets: [qof, local_services]",
           "instruments: [direct_payment_change, local_enhanced_service]\n    targets: [qof, local_services]")


def _check_leeds(policy_dir, cache):
    return run_console("check", "--format", "table", "--policy", policy_dir, LEEDS,
                       env={"VIRES_CACHE_DIR": str(cache)})


def test_an_entry_edited_to_change_a_verdict_is_not_served(policy_dir, cache):
    assert "ultra_vires" in _check_leeds(policy_dir, cache).stdout
    entry = entry_of(policy_dir, cache)
    _forge(entry, _soften_leeds_rule, digest=False)  # damaged or edited: the digest no longer matches
    proc = _check_leeds(policy_dir, cache)
    assert proc.returncode == 1 and "ultra_vires" in proc.stdout, proc.stdout + proc.stderr


def test_an_entry_from_another_key_is_not_served(policy_dir, cache, tmp_path):
    """A well-formed entry with a correct digest, but written for another
    policy (here: the softened rule), copied under this policy's name."""
    other = policy_copy(tmp_path / "other", "editions/england-2015.yaml", *WIDENED)
    assert "pending" in _check_leeds(other, cache).stdout  # that policy's answer differs
    foreign = entry_of(other, cache)
    shutil.copy(foreign, entry_of(policy_dir, cache))
    proc = _check_leeds(policy_dir, cache)
    assert proc.returncode == 1 and "ultra_vires" in proc.stdout, proc.stdout + proc.stderr


@pytest.mark.parametrize("change", [
    lambda body: body.replace('"editions"', '"editionz"'),  # right digest and key, wrong shape
    lambda body: json.dumps({**json.loads(body), "sources": {"list": [1, 2]}}),
    lambda body: body[: len(body) // 2],  # cut short: not JSON
    lambda body: json.dumps({**json.loads(body), "sources": {"document": {"data": 1}}}),
])
def test_an_entry_of_the_wrong_shape_is_rebuilt_never_exit_3(change, policy_dir, cache):
    _check_leeds(policy_dir, cache)
    entry = entry_of(policy_dir, cache)
    _forge(entry, change)
    for _ in range(2):  # rebuilt, then served
        proc = _check_leeds(policy_dir, cache)
        assert proc.returncode == 1 and "ultra_vires" in proc.stdout, proc.stderr
    assert entry.read_bytes().split(b"\n", 1)[0].endswith(
        hashlib.sha256(entry.read_bytes().split(b"\n", 1)[1]).hexdigest().encode())


def test_damaged_or_foreign_entries_and_folders_are_ignored(policy_dir, cache, tmp_path):
    read, calls = counting_reader()
    load(policy_dir, read)
    entry = entry_of(policy_dir, cache)
    entry.write_bytes(b"not an entry")
    policy, problems = load(policy_dir, read)
    assert policy is not None and problems == [] and len(calls) == 2
    os.chmod(entry, 0o666)  # writable by others: not trusted
    load(policy_dir, read)
    assert len(calls) == 3
    os.chmod(entry, 0o600)
    load(policy_dir, read)
    assert len(calls) == 3
    os.chmod(cache, 0o777)  # a folder others can write to: neither read nor written
    load(policy_dir, read)
    assert len(calls) == 4
    os.chmod(cache, 0o700)
    if os.getuid() == 0:  # root can give the folder away: someone else's folder is not used
        os.chown(cache, 65534, 65534)
        load(policy_dir, read)
        assert len(calls) == 5
        os.chown(cache, 0, 0)


def test_symbolic_links_are_not_followed(policy_dir, cache, tmp_path, monkeypatch):
    read, calls = counting_reader()
    load(policy_dir, read)
    real = entry_of(policy_dir, cache)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    moved = elsewhere / real.name
    real.rename(moved)
    real.symlink_to(moved)  # the entry is a link
    load(policy_dir, read)
    assert len(calls) == 2
    link = tmp_path / "cache-link"
    link.symlink_to(cache)  # the folder is a link
    monkeypatch.setenv("VIRES_CACHE_DIR", str(link))
    load(policy_dir, read)
    load(policy_dir, read)
    assert len(calls) == 4


def test_only_the_files_the_loader_reads_are_hashed(policy_dir, monkeypatch):
    (policy_dir / "stray.bin").write_bytes(b"x" * 1000)
    (policy_dir / "editions" / "notes.txt").write_text("not read")
    read = []
    real = policy_cache.read_bytes
    monkeypatch.setattr(policy_cache, "read_bytes", lambda path: read.append(path) or real(path))
    policy_cache.policy_key(policy_dir, policy_files(policy_dir))
    assert sorted(p.relative_to(policy_dir).as_posix() for p in read) == sorted(
        p.relative_to(policy_dir).as_posix() for p in policy_files(policy_dir))
    assert all(p.suffix == ".yaml" for p in read)


def test_a_huge_stray_file_is_never_read(policy_dir, cache):
    with open(policy_dir / "stray.iso", "wb") as handle:  # 700 MB, sparse: costs no disk
        handle.truncate(700 * 2**20)
    started = time.perf_counter()
    policy, problems = load(policy_dir)
    assert policy is not None and problems == []
    assert time.perf_counter() - started < 5


def test_a_policy_file_over_the_limit_is_not_hashed_and_the_loader_says_why(policy_dir, cache):
    with open(policy_dir / "editions" / "huge.yaml", "wb") as handle:
        handle.truncate(700 * 2**20)
    assert policy_cache.policy_key(policy_dir, policy_files(policy_dir)) is None
    policy, problems = load(policy_dir)
    assert policy is None and problems[0].code == "input.too_large"


def test_a_folder_without_editions_is_refused_at_once():
    started = time.perf_counter()
    proc = run_vires("check", "--policy", "/usr/share", LEEDS)
    assert proc.returncode == 2 and "[policy.no_editions]" in proc.stderr
    assert time.perf_counter() - started < 2  # main: 9 s hashing /usr/share first


def test_a_policy_with_diagnostics_is_not_cached(policy_dir, cache):
    (policy_dir / "editions" / "wales.yaml").write_text("edition: wales\ntitle: [\n")
    policy, problems = load(policy_dir)
    assert policy is None and problems
    assert not cache.exists() or not list(cache.glob("policy-*"))


def test_no_cache_switch_and_unwritable_folder(policy_dir, cache, monkeypatch, tmp_path):
    monkeypatch.setenv("VIRES_NO_CACHE", "1")
    load(policy_dir)
    assert not cache.exists()
    monkeypatch.delenv("VIRES_NO_CACHE")
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("")
    monkeypatch.setenv("VIRES_CACHE_DIR", str(blocker / "cache"))
    policy, problems = load(policy_dir)
    assert policy is not None and problems == []


def test_a_full_disk_leaves_no_entry_and_no_temporary_file(policy_dir, cache, monkeypatch):
    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(policy_cache, "write_all", full)
    policy, problems = load(policy_dir)
    assert policy is not None and problems == []
    assert list(cache.iterdir()) == []


def test_old_entries_and_dead_writers_temporary_files_are_swept(policy_dir, cache, monkeypatch):
    monkeypatch.setattr(policy_cache, "KEEP", 2)
    cache.mkdir(mode=0o700)
    for n in range(4):
        (cache / f"policy-{n:064d}.json").write_text("old")
        os.utime(cache / f"policy-{n:064d}.json", (n, n))
    dead = cache / ".policy-x.json.1.2.tmp"
    dead.write_text("half")
    os.utime(dead, (0, 0))
    load(policy_dir)
    assert sorted(p.name for p in cache.iterdir()) == sorted(
        [entry_of(policy_dir, cache).name, f"policy-{3:064d}.json"])


def test_cli_gives_the_same_report_with_a_warm_cache(cache):
    # In new processes: the cache folder is read from the environment at start-up.
    first = run_console("check", "--format", "json", LEEDS, env={"VIRES_CACHE_DIR": str(cache)})
    assert list(cache.glob("policy-*.json"))
    second = run_console("check", "--format", "json", LEEDS, env={"VIRES_CACHE_DIR": str(cache)})
    assert first.returncode == second.returncode == 1
    assert first.stdout == second.stdout
