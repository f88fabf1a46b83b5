"""Ctrl-C exits 130 with one line, wherever it lands: in vires' own code, in
durable-rules' (which catches every exception an action raises and logs its
traceback), or in verify's worker processes. On main it sometimes exited 3
('a bug in vires') and printed durable's tracebacks, one per worker.

The signal is sent as a terminal sends it, to the whole process group, once
`vires` has taken over the interrupt (its SIGALRM handler is installed), at
times spread over the run."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CASES, VIRES

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")

COMMANDS = {
    "verify, one process": ["verify", "--jobs", "1"],
    "verify, a pool of workers": ["verify", "--jobs", "2"],
    "check, many files": ["check", "--format", "table", *sorted(map(str, CASES.glob("*.yaml"))) * 100],
}


def _handling_interrupts(pid: int) -> bool:
    """Whether vires has installed its handlers (SIGALRM is caught only once main() runs)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = int(next(line for line in status.splitlines() if line.startswith("SigCgt:")).split()[1], 16)
    return bool(caught & (1 << (signal.SIGALRM - 1)))


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_ctrl_c_exits_130_with_one_line(name):
    chance = random.Random(15)
    for delay in (chance.uniform(0.0, 1.5) for _ in range(4)):
        proc = subprocess.Popen([str(VIRES), *COMMANDS[name]], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True, start_new_session=True, env=dict(os.environ, VIRES_NO_CACHE="1"))
        ready = time.monotonic() + 5  # (a vires that never installs the handler is interrupted all the same)
        while not _handling_interrupts(proc.pid) and proc.poll() is None and time.monotonic() < ready:
            time.sleep(0.01)
        time.sleep(delay)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise AssertionError(f"{name}: still running 60 s after Ctrl-C")
        if proc.returncode in (0, 1):  # it finished first: nothing to interrupt
            continue
        lines = [line for line in err.splitlines() if line.strip()]
        assert (proc.returncode, lines) == (130, ["vires: interrupted"]), f"{name} after {delay:.2f} s:\n{err}"


def test_an_interrupt_inside_durable_waits_until_it_is_out():
    """In process: an interrupt whose frame is durable's is put off."""
    from checker.cli.app import _in_durable

    def durable_like():
        code = compile("frame = sys._getframe()", f"{os.sep}x{os.sep}durable{os.sep}engine.py", "exec")
        scope = {"sys": sys}
        exec(code, scope)
        return scope["frame"]
    assert _in_durable(durable_like())
    assert not _in_durable(sys._getframe())


STUCK_WORKERS = """
import multiprocessing, signal, sys, time
from checker.evaluate.checker import checker_for
from checker.trust import verify

def stuck(directory, edition_id):
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a worker Ctrl-C does not end (say, blocked on a lock)
    time.sleep(600)

def interrupt(signum, frame):
    raise KeyboardInterrupt

verify._verify_one = stuck
signal.signal(signal.SIGALRM, interrupt)
signal.alarm(3)
started = time.monotonic()
try:
    verify.verify_policy(checker_for().policy, jobs=2)
except KeyboardInterrupt:
    print("interrupted after", round(time.monotonic() - started), "s; workers left:", len(multiprocessing.active_children()))
"""


def test_an_interrupted_verify_leaves_no_worker_behind():
    """`vires verify` hung once in CI after Ctrl-C: Python 3.11's process pool
    stopped its manager thread (InvalidStateError on a cancelled future)
    before terminating the workers, and a worker that had not exited was
    joined for ever at exit. verify_policy now kills its workers itself when
    the map is interrupted: here they ignore SIGINT and sleep, and the run
    still ends at once, with none left."""
    proc = subprocess.Popen([sys.executable, "-c", STUCK_WORKERS], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the workers too
        raise AssertionError("verify_policy still running 120 s after the interrupt")
    assert proc.returncode == 0, err
    words = out.split()
    assert words[:2] == ["interrupted", "after"] and int(words[2]) < 30 and words[-1] == "0", out
