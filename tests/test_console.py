"""The installed `vires` command end to end, each run a new process: the
console script, exit codes 2 and 3 without a traceback, Ctrl-C. (Most tests
run the command line in process, through the same entry point: conftest.)"""
from __future__ import annotations

import signal
import subprocess
import sys
import time

from conftest import CASES, REPO, run_console

#: Run the entry point in a new process after breaking the checker, to see how a bug ends.
BROKEN = ("import sys\n"
          "from checker.evaluate.checker import Checker\n"
          "def bug(self, scheme):\n"
          "    raise KeyError('simulated')\n"
          "Checker.check_scheme = bug\n"
          "from checker.cli import main\n"
          "sys.argv = ['vires', 'check', 'cases/leeds-2017.yaml']\n"
          "main()\n")


def test_the_console_script_runs_the_command_line():
    proc = run_console("--help")
    assert proc.returncode == 0 and proc.stdout.startswith("Usage: vires ")
    proc = run_console("check", CASES / "leeds-2017.yaml")
    assert proc.returncode == 1 and "ULTRA VIRES" in proc.stdout


def test_bad_input_exits_2_with_a_located_message_and_no_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: t\njurisdiction: englnd\n")
    proc = run_console("check", bad)
    assert proc.returncode == 2 and proc.stdout == ""
    assert f"{bad}:3:15: error: 'englnd' is not an allowed value" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run_console("check", "--policy", tmp_path, CASES / "leeds-2017.yaml")
    assert proc.returncode == 2 and "[policy.no_editions]" in proc.stderr and "Traceback" not in proc.stderr


def test_usage_errors_exit_2():
    for args in (["nope"], ["check"], ["check", "--format", "xml", "cases/leeds-2017.yaml"]):
        proc = run_console(*args)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, args


def test_a_bug_exits_3_with_one_line_and_the_details_on_request():
    proc = subprocess.run([sys.executable, "-c", BROKEN], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 3 and proc.stdout == ""
    assert proc.stderr.startswith("vires: internal error: KeyError: 'simulated'\n")
    assert "Traceback" not in proc.stderr
    proc = subprocess.run([sys.executable, "-c", BROKEN], cwd=REPO, capture_output=True, text=True, timeout=60,
                          env={**__import__("os").environ, "VIRES_DEBUG": "1"})
    assert proc.returncode != 3 and "Traceback" in proc.stderr and "KeyError: 'simulated'" in proc.stderr


def test_ctrl_c_exits_130_without_a_traceback():
    # `vires new` waits for answers on standard input; the child says when its
    # imports are done, so the interrupt reaches the command, not the imports.
    script = ("import sys\nfrom checker.cli import main\nsys.argv = ['vires', 'new']\n"
              "print('ready', flush=True)\nmain()\n")
    child = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "ready\n"
        child.stdin.write("A title\n")
        child.stdin.flush()
        time.sleep(1.0)  # the policy is loaded and the next answer is awaited
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=30)
    finally:
        child.kill()
    assert child.returncode == 130, err
    assert "Traceback" not in err
    assert err.strip() == "vires: interrupted"
