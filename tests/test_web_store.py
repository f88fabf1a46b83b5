"""Drafts, their history and the decision record: on SQLite always, and on
PostgreSQL where its server programs are installed (CI installs them), in a
throwaway cluster started for the test."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from checker.web.store import Store, default_url, engine_url, policy_hash
from conftest import REPO

PG_BIN = next((Path(d) for d in (os.environ.get("VIRES_PG_BIN", ""),
                                 *sorted(map(str, Path("/usr/lib/postgresql").glob("*/bin")), reverse=True),
                                 "/usr/local/bin", "/usr/bin")
               if d and (Path(d) / "pg_ctl").is_file() and (Path(d) / "initdb").is_file()), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres_url():
    """A PostgreSQL server of its own, in a temporary folder, for this module's tests."""
    if PG_BIN is None:
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed "
                    "(Debian: apt-get install postgresql; CI installs it)")
    folder = Path(tempfile.mkdtemp(prefix="vires-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: run it as nobody
        shutil.chown(folder, "nobody")
        run_as = ["runuser", "-u", "nobody", "--"]
        # nobody must pass through the session's private temporary folder
        # (tests/conftest.py makes it 0700) to reach its own
        parent = folder.parent
        parent.chmod(parent.stat().st_mode | 0o011)
    data, port = folder / "data", _free_port()
    try:
        subprocess.run(run_as + [str(PG_BIN / "initdb"), "-D", str(data), "-U", "vires", "--auth=trust", "-E",
                                 "UTF8"], check=True, capture_output=True)
        subprocess.run(run_as + [str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", "-l", str(folder / "log"), "-o",
                                 f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "start"],
                       check=True, capture_output=True)
    except subprocess.CalledProcessError as failed:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {failed.stderr.decode(errors='replace')[-500:]}") from failed
    try:
        yield f"postgresql://vires@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(run_as + [str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'vires.db'}" if request.param == "sqlite" else request.getfixturevalue(
        "postgres_url")
    found = Store(url)
    yield found
    if request.param == "postgresql":
        from checker.web.store import metadata
        metadata.drop_all(found.engine)
    found.close()


def test_a_draft_keeps_its_answers_and_every_version_of_them(store):
    draft = store.new_draft()
    assert store.draft(draft) == {}
    store.save_draft(draft, {"title": "A scheme"})
    store.save_draft(draft, {"title": "A scheme"})  # unchanged: no new version
    store.save_draft(draft, {"title": "A scheme", "place": "Leeds"})
    assert store.draft(draft) == {"title": "A scheme", "place": "Leeds"}
    assert [answers for _, answers in store.history(draft)] == [
        {}, {"title": "A scheme"}, {"title": "A scheme", "place": "Leeds"}]
    assert store.draft("no-such-draft") is None
    with pytest.raises(KeyError):
        store.save_draft("no-such-draft", {})


def test_a_record_keeps_the_scheme_edition_policy_version_verdict_and_time(store):
    scheme = {"id": "leeds-2017", "title": "Leeds <b>deal</b> \u2014 80%"}
    result = {"verdict": "ultra_vires", "edition": "england-2015", "decided_by": ["no-power:qof"]}
    first = store.record(scheme, result, "a" * 64, draft_id="d1")
    second = store.record(scheme, dict(result, verdict="valid"), "b" * 64)
    got = store.get_record(first)
    assert (got["scheme"], got["result"], got["policy_hash"], got["edition"], got["verdict"], got["draft_id"]) == (
        scheme, result, "a" * 64, "england-2015", "ultra_vires", "d1")
    assert got["created"].endswith("+00:00")
    assert {r["id"] for r in store.recent_records()} == {first, second}
    assert store.get_record("nothing") is None


def test_the_store_kind_follows_its_url(store):
    assert store.kind in ("sqlite", "postgresql")


def test_the_default_store_is_a_file_in_the_users_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("VIRES_STORE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_url() == f"sqlite:///{tmp_path}/vires/vires.db"
    monkeypatch.setenv("VIRES_STORE", "postgresql://u@h/db")
    assert default_url() == "postgresql://u@h/db"
    assert engine_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"


def test_the_policy_hash_changes_with_any_policy_file(tmp_path):
    copy = tmp_path / "policy"
    shutil.copytree(REPO / "policy", copy)
    before = policy_hash(copy)
    assert before == policy_hash(REPO / "policy")
    path = next(copy.glob("editions/*.yaml"))
    path.write_text(path.read_text() + "\n# changed\n")
    assert policy_hash(copy) != before
