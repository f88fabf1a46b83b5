"""The policy cache on disk: used when nothing changed, never stale."""
from __future__ import annotations

import os
import shutil

import pytest

from checker.rules import cache as policy_cache
from checker.rules.policy import read_policy
from conftest import policy_copy, run_console


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
        return read_policy(directory)
    return read, calls


def test_second_load_comes_from_the_cache(policy_dir, cache):
    read, calls = counting_reader()
    first, problems = policy_cache.load_cached(policy_dir, read)
    second, _ = policy_cache.load_cached(policy_dir, read)
    assert problems == [] and len(calls) == 1
    assert second == first
    assert [r.id for e in second.editions for r in e.rules] == [r.id for e in first.editions for r in e.rules]


def test_an_edited_policy_file_is_read_again(policy_dir, cache):
    read, calls = counting_reader()
    policy_cache.load_cached(policy_dir, read)
    edition = policy_dir / "editions" / "england-2013.yaml"
    text = edition.read_text()
    assert text.count("body: nhse_national\n") == 1
    edition.write_text(text.replace("body: nhse_national\n", "body: secretary_of_state\n"))
    policy, _ = policy_cache.load_cached(policy_dir, read)
    assert len(calls) == 2
    power = policy.edition("england-2013").power("eng13.area-team-local-scheme")
    assert power.part("eng13.area-team-local-scheme/national-sign-off").body == "secretary_of_state"


def test_a_changed_checker_module_changes_the_key(policy_dir, monkeypatch, tmp_path):
    fake = tmp_path / "pkg"
    shutil.copytree(policy_cache._PACKAGE, fake)
    monkeypatch.setattr(policy_cache, "_PACKAGE", fake)
    same = policy_cache.policy_key(policy_dir)
    (fake / "rules" / "conditions.py").write_text((fake / "rules" / "conditions.py").read_text() + "\n# edited\n")
    assert policy_cache.policy_key(policy_dir) != same


def test_damaged_or_foreign_entries_are_ignored(policy_dir, cache):
    read, calls = counting_reader()
    policy_cache.load_cached(policy_dir, read)
    (entry,) = cache.glob("policy-*.pickle")
    entry.write_bytes(b"not a pickle")
    policy, problems = policy_cache.load_cached(policy_dir, read)
    assert policy is not None and problems == [] and len(calls) == 2
    os.chmod(entry, 0o666)  # writable by others: not trusted
    policy_cache.load_cached(policy_dir, read)
    assert len(calls) == 3


def test_a_policy_with_diagnostics_is_not_cached(policy_dir, cache):
    (policy_dir / "editions" / "wales.yaml").write_text("edition: wales\ntitle: [\n")
    policy, problems = policy_cache.load_cached(policy_dir, read_policy)
    assert policy is None and problems
    assert not list(cache.glob("policy-*.pickle"))


def test_no_cache_switch_and_unwritable_folder(policy_dir, cache, monkeypatch, tmp_path):
    monkeypatch.setenv("VIRES_NO_CACHE", "1")
    policy_cache.load_cached(policy_dir, read_policy)
    assert not cache.exists()
    monkeypatch.delenv("VIRES_NO_CACHE")
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("")
    monkeypatch.setenv("VIRES_CACHE_DIR", str(blocker / "cache"))
    policy, problems = policy_cache.load_cached(policy_dir, read_policy)
    assert policy is not None and problems == []


def test_cli_gives_the_same_report_with_a_warm_cache(cache):
    # In new processes: the cache folder is read from the environment at start-up.
    first = run_console("check", "--format", "json", "cases/leeds-2017.yaml", env={"VIRES_CACHE_DIR": str(cache)})
    assert list(cache.glob("policy-*.pickle"))
    second = run_console("check", "--format", "json", "cases/leeds-2017.yaml", env={"VIRES_CACHE_DIR": str(cache)})
    assert first.returncode == second.returncode == 1
    assert first.stdout == second.stdout
