"""Output never destroys input: `-o` refuses an input file, a device, a pipe,
a folder and (without --force) an existing or read-only file; every file
vires writes (briefings, schemes, docs) is written whole or not at all, with
the permissions the umask gives; a full disk or a read-only folder is a
clear message and exit 2, with nothing half-written and nothing left behind.

Faults are real where the machine allows: a file-size limit (RLIMIT_FSIZE,
any user) makes a write fail as a full disk does, and, as root, a tiny or
read-only tmpfs is mounted for the test."""
from __future__ import annotations

import contextlib
import errno
import os
import resource
import signal
import stat
import subprocess
import sys

import pytest

from checker.atomic import write_atomically
from conftest import CASES, REPO, VIRES, policy_copy, run_vires

LEEDS = CASES / "leeds-2017.yaml"


@pytest.fixture
def scheme(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_bytes(LEEDS.read_bytes())
    return path


def refused(proc, code):
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"[{code}]" in proc.stderr and "Traceback" not in proc.stderr


# --- what -o refuses -------------------------------------------------------------

@pytest.mark.parametrize("force", [[], ["--force"]])
def test_a_briefing_is_never_written_over_its_scheme(scheme, force):
    before = scheme.read_bytes()
    refused(run_vires("report", scheme, "-o", scheme, *force), "output.is_input")
    link = scheme.parent / "link.yaml"
    link.symlink_to(scheme)
    refused(run_vires("report", scheme, "-o", link, *force), "output.is_input")
    assert scheme.read_bytes() == before


def test_a_briefing_is_never_written_over_a_policy_file(scheme, tmp_path):
    policy = policy_copy(tmp_path)
    edition = policy / "editions" / "wales.yaml"
    before = edition.read_bytes()
    refused(run_vires("report", scheme, "--policy", policy, "-o", edition, "--force"), "output.is_input")
    assert edition.read_bytes() == before


def test_an_existing_file_needs_force(scheme, tmp_path):
    out = tmp_path / "briefing.md"
    out.write_text("precious\n")
    refused(run_vires("report", scheme, "-o", out), "output.exists")
    assert out.read_text() == "precious\n"
    proc = run_vires("report", scheme, "-o", out, "--force")
    assert proc.returncode == 0, proc.stderr
    assert out.read_text().startswith("# Leeds")


def test_a_read_only_file_is_not_replaced_even_with_force(scheme, tmp_path):
    out = tmp_path / "briefing.md"
    out.write_text("kept\n")
    out.chmod(0o444)
    refused(run_vires("report", scheme, "-o", out, "--force"), "output.read_only")
    assert out.read_text() == "kept\n"


@pytest.mark.parametrize("target", ["/dev/null", "FIFO", "FOLDER"])
def test_a_device_a_pipe_or_a_folder_is_refused(target, scheme, tmp_path):
    if target == "FIFO":
        target = tmp_path / "pipe.md"
        os.mkfifo(target)
    elif target == "FOLDER":
        target = tmp_path
    code = "output.is_folder" if target == tmp_path else "output.not_regular"
    refused(run_vires("report", scheme, "-o", target, "--force"), code)
    if target == "/dev/null":
        assert stat.S_ISCHR(os.stat("/dev/null").st_mode)  # still a device


def test_new_refuses_to_write_over_its_own_answers(tmp_path):
    answers = tmp_path / "leeds.answers"
    answers.write_bytes((REPO / "docs" / "examples" / "leeds-2017.answers").read_bytes())
    before = answers.read_bytes()
    with open(answers, "rb") as stdin:
        proc = subprocess.run([str(VIRES), "new", "-o", str(answers), "--force"], stdin=stdin,
                              capture_output=True, text=True, timeout=120)
    refused(proc, "output.is_input")
    assert answers.read_bytes() == before


# --- permissions -----------------------------------------------------------------

@contextlib.contextmanager
def umask(mask):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_written_files_follow_the_umask(mask, mode, scheme, tmp_path):
    """On main every briefing and scheme was created 0600, whatever the umask."""
    out = tmp_path / "b.html"
    built = tmp_path / "built.yaml"
    with umask(mask):
        assert run_vires("report", scheme, "-o", out).returncode == 0
        proc = run_vires("new", "-o", built, input=(REPO / "docs" / "examples" / "leeds-2017.answers").read_text())
        assert proc.returncode == 0, proc.stderr
    assert stat.S_IMODE(out.stat().st_mode) == mode
    assert stat.S_IMODE(built.stat().st_mode) == mode


def test_a_replaced_file_keeps_its_permissions(scheme, tmp_path):
    out = tmp_path / "b.md"
    out.write_text("old\n")
    out.chmod(0o640)
    with umask(0o002):
        assert run_vires("report", scheme, "-o", out, "--force").returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


# --- faults: a full disk, a read-only folder ---------------------------------------

def run_with_file_limit(args, limit: int, cwd=REPO, stdin=None):
    """`vires ARGS` in a new process that may write no file larger than
    ``limit`` bytes: a write beyond it fails (EFBIG), as on a full disk."""
    def limit_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write, do not kill the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return subprocess.run([str(VIRES), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120,
                          preexec_fn=limit_files, input=stdin, env=dict(os.environ, VIRES_NO_CACHE="1"))


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_report_on_a_full_disk_says_so_and_leaves_the_old_file(scheme, tmp_path):
    out = tmp_path / "b.html"
    out.write_text("the old briefing\n")
    proc = run_with_file_limit(["report", scheme, "-o", out, "--force"], 4096)
    assert proc.returncode == 2, proc.stderr
    assert f"could not write {out}: the file would be too large for this disk; nothing was written" in proc.stderr
    assert "[output.write_failed]" in proc.stderr and "internal error" not in proc.stderr
    assert out.read_text() == "the old briefing\n" and leftovers(tmp_path) == []


def test_docs_on_a_full_disk_leave_every_document_whole(tmp_path):
    out = tmp_path / "docs"
    out.mkdir()
    for name in ("cases.md", "model.md"):
        (out / name).write_text(f"old {name}\n")
    proc = run_with_file_limit(["docs", "--out", out], 20_000)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "[output.write_failed]" in proc.stderr
    assert {(out / n).read_text() for n in ("cases.md", "model.md")} <= {"old cases.md\n", "old model.md\n",
                                                                         (REPO / "docs" / "model.md").read_text()}
    assert (out / "cases.md").read_text() == "old cases.md\n"  # 85 kB: never half-written
    assert leftovers(out) == []


def test_new_on_a_full_disk_says_so_and_writes_nothing(tmp_path):
    answers = (REPO / "docs" / "examples" / "leeds-2017.answers").read_text()
    proc = run_with_file_limit(["new", "-o", tmp_path / "s.yaml"], 1000, stdin=answers)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "[output.write_failed]" in proc.stderr
    assert not (tmp_path / "s.yaml").exists() and leftovers(tmp_path) == []


def test_the_reasons_a_write_fails_are_put_in_words(tmp_path):
    from checker.atomic import write_failed

    for code, words in [(errno.ENOSPC, "the disk is full"), (errno.EROFS, "the disk is read-only"),
                        (errno.EACCES, "you may not write in that folder")]:
        d = write_failed(tmp_path / "x.html", OSError(code, os.strerror(code)))
        assert d.code == "output.write_failed" and words in d.message and d.hint


def test_write_atomically_leaves_the_target_and_no_temporary_file_on_error(tmp_path, monkeypatch):
    target = tmp_path / "t.md"
    target.write_text("old\n")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr("checker.atomic.os.fsync", full)
    with pytest.raises(OSError):
        write_atomically(target, "new text\n" * 1000)
    assert target.read_text() == "old\n" and os.listdir(tmp_path) == ["t.md"]


@contextlib.contextmanager
def tmpfs(path, options):
    """A tmpfs mounted at ``path`` (root only; skips the test otherwise)."""
    if os.geteuid() != 0 or sys.platform != "linux":
        pytest.skip("mounting a tmpfs needs root on Linux")
    path.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
                      capture_output=True).returncode != 0:
        pytest.skip("this machine does not let the tests mount a tmpfs")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_report_on_a_really_full_disk(scheme, tmp_path):
    with tmpfs(tmp_path / "disk", "size=64k") as disk:
        with open(disk / "filler", "wb") as handle:  # fill it but for a few kilobytes
            with contextlib.suppress(OSError):
                handle.write(b"x" * (60 * 1024))
        out = disk / "b.html"
        proc = run_vires("report", scheme, "-o", out)
        assert proc.returncode == 2 and "the disk is full" in proc.stderr, proc.stderr
        assert not out.exists() and leftovers(disk) == []


@contextlib.contextmanager
def read_only_folder(path):
    """A folder nobody may write in: a read-only tmpfs as root (whom
    permissions do not stop), else a folder with its write bits removed."""
    if os.geteuid() == 0:
        with tmpfs(path, "ro,size=64k") as folder:
            yield folder
        return
    path.mkdir()
    path.chmod(0o555)
    try:
        yield path
    finally:
        path.chmod(0o755)


@pytest.mark.parametrize("command", ["report", "new"])
def test_output_into_a_read_only_folder(command, scheme, tmp_path):
    with read_only_folder(tmp_path / "ro") as folder:
        if command == "report":
            proc = run_vires("report", scheme, "-o", folder / "b.html")
        else:
            proc = run_vires("new", "-o", folder / "s.yaml",
                             input=(REPO / "docs" / "examples" / "leeds-2017.answers").read_text())
        assert proc.returncode == 2 and "[output.write_failed]" in proc.stderr, proc.stderr
        assert "you may not write in that folder" in proc.stderr or "read-only" in proc.stderr
        assert os.listdir(folder) == []
