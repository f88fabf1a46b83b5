"""`vires new` at a terminal (a real pseudo-terminal) and with awkward
answers: Ctrl-C keeps the answers given as a draft and the next run offers
to continue from it; Ctrl-D at a question does the same, not the error meant
for answer files; a byte that is not UTF-8, superscript digits, a 1 MB title
or a share answered `nan` are refused as bad answers (exit 2), never exit 3;
and `vires new` never writes a file that vires then refuses."""
from __future__ import annotations

import os
import pty
import select
import signal
import time

import pytest

import checker
from checker.cli.new import Answers, Interview, write_scheme
from checker.rules.policy import load_policy
from conftest import REPO, VIRES, run_vires

ANSWERS = [line for line in (REPO / "docs" / "examples" / "leeds-2017.answers").read_text().splitlines()
           if not line.startswith("#")]


class Terminal:
    """`vires ARGS` on a pseudo-terminal in ``cwd``: type lines, read the screen."""

    def __init__(self, cwd, *args):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: vires, with the terminal as its stdin, stdout and stderr
            os.chdir(cwd)
            os.execv(str(VIRES), [str(VIRES), *map(str, args)])
        self.screen = ""
        self.answered = 0  # prompts answered so far

    def read_until(self, text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while text not in self.screen:
            left = deadline - time.monotonic()
            assert left > 0, f"waited for {text!r}; the screen shows:\n{self.screen[-2000:]}"
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:  # the child ended
                    chunk = b""
                if not chunk:
                    assert text in self.screen, f"ended before {text!r}:\n{self.screen[-2000:]}"
                self.screen += chunk.decode("utf-8", "replace")
        return self.screen

    def answer(self, line: str) -> None:
        """Wait for the next prompt, then type a line."""
        self.key(line.encode() + b"\r")

    def read_until_count(self, text: str, count: int) -> None:
        deadline = time.monotonic() + 60
        while self.screen.count(text) < count:
            assert time.monotonic() < deadline, self.screen[-2000:]
            ready, _, _ = select.select([self.fd], [], [], 1)
            if ready:
                self.screen += os.read(self.fd, 65536).decode("utf-8", "replace")

    def key(self, keys: bytes) -> None:
        """Wait for the next prompt, then type (b'\\x03' is Ctrl-C, b'\\x04' Ctrl-D)."""
        self.read_until_count("> ", self.answered + 1)
        self.answered += 1
        os.write(self.fd, keys)

    def exit_code(self) -> int:
        with pytest.raises(AssertionError):
            self.read_until("\0", timeout=30)  # read everything until the child ends
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)


@pytest.fixture
def folder(tmp_path):
    return tmp_path


def test_ctrl_c_keeps_the_answers_and_the_next_run_continues_from_them(folder):
    term = Terminal(folder, "new", "-o", "leeds.yaml")
    for line in ANSWERS[:4]:
        term.answer(line)
    term.key(b"\x03")
    assert term.exit_code() == 130
    draft = folder / "vires-new-draft.answers"
    assert "Your 4 answer(s) are kept in vires-new-draft.answers" in term.screen
    assert "Traceback" not in term.screen and "internal error" not in term.screen
    assert [l for l in draft.read_text().splitlines() if not l.startswith("#")] == ANSWERS[:4]

    term = Terminal(folder, "new", "-o", "leeds.yaml")
    term.read_until("Continue from it?")
    term.answer("yes")
    term.read_until("Continuing after your 4 answer(s).")
    for line in ANSWERS[4:]:
        term.answer(line)
    term.answer("no")  # check it now? no
    assert term.exit_code() == 0
    assert "Wrote leeds.yaml." in term.screen
    assert not draft.exists()
    built, case = checker.check_file(folder / "leeds.yaml"), checker.check_file(REPO / "cases" / "leeds-2017.yaml")
    assert built.finding_ids() == case.finding_ids()


def test_ctrl_d_at_a_question_stops_like_ctrl_c(folder):
    term = Terminal(folder, "new")
    for line in ANSWERS[:2]:
        term.answer(line)
    term.key(b"\x04")
    assert term.exit_code() == 130
    assert "stopped (Ctrl-D)" in term.screen and "Your 2 answer(s) are kept" in term.screen
    assert "the answers ended before this question" not in term.screen  # the error meant for answer files


def test_a_draft_answer_that_no_longer_fits_is_asked_again(folder):
    (folder / "vires-new-draft.answers").write_text("\n".join(ANSWERS[:3] + ["2017-02-30"]) + "\n")
    term = Terminal(folder, "new")
    term.read_until("Continue from it?")
    term.answer("")
    term.read_until("your draft's answer '2017-02-30' does not fit: '2017-02-30' is not a date: "
                    "February 2017 has no day 30")
    term.answer("2017-02-02")
    term.read_until("A short name for it")
    os.kill(term.pid, signal.SIGINT)
    assert term.exit_code() == 130
    kept = [l for l in (folder / "vires-new-draft.answers").read_text().splitlines() if not l.startswith("#")]
    assert kept == ANSWERS[:4]


# --- awkward answers from a file: exit 2 with a located message, never 3 ------------

def _answers_with(line: int, text: str) -> str:
    answers = list(ANSWERS)
    answers[line - 1] = text
    return "\n".join(answers) + "\n"


@pytest.mark.parametrize("line, text, words", [
    (1, "x" * 1_000_000, "an answer here holds at most 2,000"),
    (20, "nan", "'nan' is not a number"),
    (20, "inf", "'inf' is not a number"),
    (24, "\u00b2", "'\u00b2' is not one of the choices"),  # a superscript two: isdigit() says yes
    (10, "\u00b3", "'\u00b3' is not a whole number"),
])
def test_an_awkward_answer_is_a_bad_answer(line, text, words, tmp_path):
    proc = run_vires("new", "-o", tmp_path / "s.yaml", input=_answers_with(line, text))
    assert proc.returncode == 2, proc.stderr
    assert f"<stdin>:{line}:1: error: " in proc.stderr and words in proc.stderr
    assert not (tmp_path / "s.yaml").exists()


def test_a_byte_that_is_not_utf8_on_standard_input_is_located_and_named(tmp_path):
    data = _answers_with(2, "Sant\u00e9").encode("latin-1")
    import subprocess

    proc = subprocess.run([str(VIRES), "new", "-o", str(tmp_path / "s.yaml")], input=data, capture_output=True,
                          timeout=120)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert "<stdin>:2:5: error: byte 0xe9 is not UTF-8 text: the file seems to be saved as Windows-1252 or " \
           "Latin-1, where 0xe9 is \u00e9 [input.not_utf8]" in err


@pytest.mark.parametrize("args", [["whatif", "--set", "decisions.\u00b2.status=granted"],
                                  ["whatif", "--remove", "objections.\u00b9"],
                                  ["fix", "--free", "proposers.\u00b2.co_commissioning"]])
def test_superscript_digits_in_a_path_are_bad_input(args):
    proc = run_vires(args[0], REPO / "cases" / "leeds-2017.yaml", *args[1:])
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "internal error" not in proc.stderr


@pytest.mark.parametrize("title", ["yes", "012", "1:30", "- a list?", "x # y", "a #hash", "x: y", "'quoted'", ".nan",
                                   "Sant\u00e9 \u201cquoted\u201d", "trailing space ", "tab\there", "null", "@at"])
def test_new_writes_only_files_that_check_reads_back_the_same(title, tmp_path):
    asking = Interview(Answers([title] + ANSWERS[1:]), policy=load_policy(None))
    data = asking.run()
    assert data["title"] == title.strip()
    written = write_scheme(data, tmp_path / "s.yaml")
    assert checker.check_file(written).title == title.strip()
