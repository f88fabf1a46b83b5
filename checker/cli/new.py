"""`vires new`: build a scheme file by answering questions, at a terminal or
from a file of answers.

The questions and what an answer may be are ``checker.load.interview``'s;
their words are ``checker.reporters.interview``'s. This module reads the
answers (``Answers``), asks the questions in order (``Interview``: at a
terminal a bad answer is asked again; from a file it is a located error,
because re-reading would take the next answer out of order) and saves the
scheme, validated exactly as `vires check` would load it before anything is
written, so the builder never leaves an invalid file behind.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable, Optional

import typer

from .common import command_app, fail_input

app = command_app()
from ..diagnostics import Diagnostic, InputError
from ..load import interview
from ..load.interview import FLOW, SKIP, Group, Question
from ..load.schema import node_at, unwrap
from ..reporters.interview import render_item_heading, render_question, render_retry
from ..reporters.neutral import for_terminal

STDIN = "<stdin>"
SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schemas" / "scheme.schema.json"


#: Where `vires new` keeps the answers given so far when it is stopped at a
#: terminal (Ctrl-C, or Ctrl-D at a question): in the current folder, as an
#: answers file, so the next `vires new` there can continue from them.
DRAFT = Path("vires-new-draft.answers")


class Stopped(Exception):
    """The person at the terminal ended the answers (Ctrl-D at a question)."""


@app.command()
def new(
    output: Optional[Path] = typer.Option(None, "--output", "-o", show_default=False,
                                          help="File to write (default: the scheme's short name, .yaml)."),
    force: bool = typer.Option(False, "--force", help="Overwrite the output file if it exists."),
    questions: bool = typer.Option(False, "--questions",
                                   help="List the questions in the order answers are read, and stop."),
):
    """Build a scheme file by answering plain questions, then check it.

    At a terminal each question is explained and a bad answer is asked
    again; Ctrl-C (or Ctrl-D) stops, keeping the answers given so far in
    vires-new-draft.answers, and the next `vires new` in the same folder
    offers to continue from them. Answers may instead come from standard
    input, one a line, in the order `vires new --questions` lists: a bad
    answer is then an error (exit 2), and when the answers run out the
    remaining questions take their defaults.
    """
    import sys

    from ..atomic import output_problems, write_failed
    from ..load.interview import CHECK_QUESTION
    from ..reporters.interview import render_flow
    from ..rules.policy import load_policy
    from .common import input_files

    if questions:
        typer.echo(render_flow(), nl=False)
        raise typer.Exit(0)
    if output is not None and output_problems(output, force, input_files()):
        fail_input(output_problems(output, force, input_files()))  # before the questions, not after
    interactive = sys.stdin.isatty()
    say = (lambda text: typer.echo(text, err=False)) if interactive else None
    prompt = (lambda: typer.echo("> ", nl=False)) if interactive else None
    answers = Answers(getattr(sys.stdin, "buffer", sys.stdin), prompt=prompt, stop_at_end=interactive)
    asking = Interview(answers, say=say, policy=load_policy(None))
    try:
        if interactive:
            offer_draft(answers, say)
        data = asking.run()
    except (KeyboardInterrupt, Stopped) as stop:
        if not interactive:  # the answers are in a file already: no draft to keep
            raise
        stopped(answers, "Ctrl-D" if isinstance(stop, Stopped) else "Ctrl-C")
    except InputError as err:
        fail_input(err.diagnostics)
    target = output or Path(f"{data['id']}.yaml")
    if output_problems(target, force, input_files()):
        fail_input(output_problems(target, force, input_files()))
    try:
        written = write_scheme(data, target, force=force)
    except InputError as err:
        fail_input(err.diagnostics)
    except FileExistsError:  # created by someone else while the questions were asked
        fail_input(output_problems(target, False))
    except OSError as err:  # a full disk, a read-only folder: nothing was written
        fail_input([write_failed(target, err)])
    if interactive and answers.from_draft:
        DRAFT.unlink(missing_ok=True)
    typer.echo(f"Wrote {for_terminal(written)}.")
    try:
        check_now = asking.confirm(CHECK_QUESTION, default=True)
    except InputError as err:
        fail_input(err.diagnostics)
    except (KeyboardInterrupt, Stopped):
        check_now = False
    if check_now:
        from ..evaluate.checker import checker_for
        from ..reporters.text import render_results

        checker = checker_for(None)
        typer.echo(render_results([checker.check_scheme(checker.load(written))]), nl=False)
    else:
        typer.echo(f"Check it later with: vires check {for_terminal(written)}")


def offer_draft(answers: "Answers", say) -> None:
    """At a terminal, when a draft is here: offer to continue from its answers."""
    from ..load.yamlfile import read_text

    if not DRAFT.is_file():
        return
    text, problems = read_text(DRAFT)
    if problems or text is None:
        return
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    say(f"\nA draft of an earlier `vires new` in this folder holds {len(lines)} answer(s) ({DRAFT}).\n"
        "Continue from it? (yes/no)\n  [yes]")
    while True:
        reply = (answers.next(record=False) or "").strip().lower()
        if reply in ("", "y", "yes"):
            answers.replay(lines)
            say(f"Continuing after your {len(lines)} answer(s).")
            return
        if reply in ("n", "no"):
            say(f"Starting again; {DRAFT} is kept until the new scheme is written.")
            return
        say("  ! answer yes or no. Try again:")


def stopped(answers: "Answers", how: str):
    """End `vires new` stopped at a terminal: keep the answers given as a draft (exit 130)."""
    from ..atomic import write_atomically, write_failed

    if not answers.given:
        typer.echo(f"\nvires new: stopped ({how}); no answer was given, so nothing was kept.", err=True)
        raise typer.Exit(130)
    head = ("# Answers to `vires new`, kept when it was stopped. Run `vires new` in this folder to\n"
            "# continue from them, or `vires new < vires-new-draft.answers` to use them as they are.\n")
    try:
        write_atomically(DRAFT, head + "\n".join(answers.given) + "\n")
    except OSError as err:
        fail_input([write_failed(DRAFT, err)])
    typer.echo(f"\nvires new: stopped ({how}). Your {len(answers.given)} answer(s) are kept in {DRAFT}: "
               "run `vires new` here again to continue from them.", err=True)
    raise typer.Exit(130)


class Answers:
    """Answers from a stream of lines, one a line (text, or bytes decoded as
    UTF-8 with a located error); skips '#' comment lines. ``given`` holds
    every answer read so far; ``replay`` puts a draft's answers first."""

    def __init__(self, lines: Iterable, file: str = STDIN, prompt: Callable | None = None,
                 stop_at_end: bool = False):
        self._lines = iter(lines)
        self.file = file
        self.line = 0
        self.prompt = prompt  # shown before each line is read, at a terminal
        self.stop_at_end = stop_at_end  # at a terminal, the end of input (Ctrl-D) stops the interview
        self.given: list[str] = []
        self.pending: list[str] = []  # a draft's answers, read before the stream
        self.from_draft = False

    @property
    def replaying(self) -> bool:
        """Whether the next answer comes from a draft."""
        return bool(self.pending)

    def replay(self, lines: list[str]) -> None:
        """Read these answers (a draft's) before the stream's."""
        self.pending = list(lines)
        self.from_draft = True

    def next(self, record: bool = True) -> str | None:
        """The next answer, or None when the answers have ended."""
        text = self.pending.pop(0) if self.pending else self._read()
        if text is not None and record:
            self.given.append(text)
        return text

    def _read(self) -> str | None:
        if self.prompt:
            self.prompt()
        for raw in self._lines:
            self.line += 1
            if isinstance(raw, bytes):
                raw = self._decode(raw)
            if self.line == 1:
                raw = raw.lstrip("\ufeff")
            if not raw.lstrip().startswith("#"):
                return raw.rstrip("\r\n")
        if self.stop_at_end:
            raise Stopped()
        return None

    def _decode(self, raw: bytes) -> str:
        from ..load.yamlfile import SAVE_AS_UTF8, legacy_encoding

        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as err:
            byte = raw[err.start]
            raise InputError([Diagnostic(
                "input.not_utf8", f"byte 0x{byte:02x} is not UTF-8 text" + legacy_encoding(raw, byte),
                self.file, self.line, err.start + 1, hint=SAVE_AS_UTF8)]) from None


class Interview:
    """Asks FLOW's questions and builds the scheme.

    ``say`` shows questions and complaints (None when answers come from a
    file, which is then read strictly); ``policy`` supplies body lifespans and
    edition coverage for the checks a schema cannot make.
    """

    def __init__(self, answers: Answers, say: Callable[[str], None] | None = None, policy=None):
        self.answers = answers
        self.say = say
        self.policy = policy
        self.scheme: dict = {}

    def run(self) -> dict:
        """Ask every question of the flow; the scheme the answers build."""
        self._ask_all(FLOW, ())
        return self.scheme

    def _ask_all(self, flow, prefix):
        for step in flow:
            if isinstance(step, Group):
                self._ask_group(step)
                continue
            path = prefix + step.path
            if interview.settled(self.scheme, path):
                continue  # a field above it is written out ('unknown', 'none')
            if step.when is None or step.when(self.scheme, interview.item_at(self.scheme, path[:-1])):
                self._ask(step, path)

    def _ask_group(self, group: Group):
        count = self._read(group.ask, group.path, interview.count_node(group), group.default,
                           required=True, field=False)
        for i in range(count):
            if self.say and not self.answers.replaying:
                self.say(render_item_heading(group, i + 1, count))
            self._ask_all(group.questions, group.path + (i,))

    def _ask(self, question: Question, path: tuple):
        node = unwrap(node_at(path))[0]  # a field that may be 'unknown' is asked for its own value
        parent = interview.item_at(self.scheme, path[:-1])
        default = question.default(self.scheme, parent) if callable(question.default) else question.default
        needed = interview.required(path) or bool(question.needed and question.needed(self.scheme, parent))
        value = self._read(question.ask, path, node, default, required=needed)
        if isinstance(value, interview.Settle):
            interview.set_field(self.scheme, value.path, value.value)
        elif value is not SKIP:
            interview.set_field(self.scheme, path, value)

    def confirm(self, ask: str, default: bool = True) -> bool:
        """A last yes/no question, read like the others (EOF: the default)."""
        return self._read(ask, (), {"type": "boolean"}, default, required=True, field=False)

    def _read(self, ask, path, node, default, required, field=True):
        """One answer; ``field`` is false for answers that are not a field of
        the scheme (how many items, whether to check). A draft's answer that
        no longer fits ends the draft: the question is asked at the terminal."""
        show = lambda: self.say and self.say(render_question(ask, path if field else (), node, default, required))
        if not self.answers.replaying:
            show()
        while True:
            from_draft = self.answers.replaying
            text = self.answers.next()
            if text is None:
                if default is not None:
                    return default
                if not required:
                    return SKIP
                raise InputError([self._diagnostic(
                    "interview.no_answer", f"the answers ended before this question, which needs one: {ask}",
                    path, "add a line for it; `vires new --questions` lists the questions in order",
                    line=self.answers.line + 1)])
            try:
                return interview.accept(text.strip(), path if field else (), node, default, required,
                                        self.scheme, self.policy)
            except interview.BadAnswer as bad:
                self.answers.given.pop()  # not an answer: a draft keeps only the answers that count
                if from_draft and self.say:
                    self.answers.pending.clear()
                    show()
                    self.say(render_retry(f"your draft's answer '{text}' does not fit: {bad.message}", bad.hint))
                    continue
                if not self.say:
                    raise InputError([self._diagnostic(
                        "interview.bad_answer", f"{bad.message} (question: {ask})", path, bad.hint)]) from None
                self.say(render_retry(bad.message, bad.hint))

    def _diagnostic(self, code, message, path, hint, line=None) -> Diagnostic:
        return Diagnostic(code, message, self.answers.file, line or self.answers.line, 1, path, hint)


def schema_reference(target: Path) -> str:
    """The scheme schema's path as seen from the file's folder, for editors."""
    try:
        return Path(os.path.relpath(SCHEMA_FILE, target.resolve().parent)).as_posix()
    except ValueError:  # another drive on Windows: no relative path exists
        return SCHEMA_FILE.as_uri()


def write_scheme(data: dict, target, force: bool = False) -> Path:
    """Write a built scheme whole, once its text reads back, through the
    loader `vires check` uses, as a valid scheme (within the input limits,
    each value as written): `vires new` never writes a file vires refuses."""
    from ..atomic import write_atomically
    from ..load.scheme import scheme_from_text
    from ..reporters.scheme_yaml import render_scheme
    from ..rules.policy import load_policy

    target = Path(target)
    text = render_scheme(data, schema_reference(target))
    _, problems = scheme_from_text(text, str(target), load_policy(None).lifespans)
    if problems:
        raise InputError(problems)
    return write_atomically(target, text, overwrite=force)
