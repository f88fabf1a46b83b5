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

STDIN = "<stdin>"
SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schemas" / "scheme.schema.json"


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
    again. Answers may instead come from standard input, one a line, in the
    order `vires new --questions` lists: a bad answer is then an error
    (exit 2), and when the answers run out the remaining questions take
    their defaults.
    """
    import sys

    from ..atomic import output_problems
    from ..load.interview import CHECK_QUESTION
    from ..reporters.interview import render_flow
    from ..rules.policy import load_policy

    if questions:
        typer.echo(render_flow(), nl=False)
        raise typer.Exit(0)
    if output is not None and output_problems(output, force):
        fail_input(output_problems(output, force))  # before the questions, not after
    interactive = sys.stdin.isatty()
    say = (lambda text: typer.echo(text, err=False)) if interactive else None
    prompt = (lambda: typer.echo("> ", nl=False)) if interactive else None
    asking = Interview(Answers(sys.stdin, prompt=prompt), say=say, policy=load_policy(None))
    try:
        data = asking.run()
        target = output or Path(f"{data['id']}.yaml")
        if output_problems(target, force):
            fail_input(output_problems(target, force))
        written = write_scheme(data, target, force=force)
    except InputError as err:
        fail_input(err.diagnostics)
    except FileExistsError:  # created by someone else while the questions were asked
        fail_input(output_problems(target, False))
    typer.echo(f"Wrote {written}.")
    try:
        check_now = asking.confirm(CHECK_QUESTION, default=True)
    except InputError as err:
        fail_input(err.diagnostics)
    if check_now:
        from ..evaluate.checker import checker_for
        from ..reporters.text import render_results

        checker = checker_for(None)
        typer.echo(render_results([checker.check_scheme(checker.load(written))]), nl=False)
    else:
        typer.echo(f"Check it later with: vires check {written}")


class Answers:
    """Answers from a stream of lines, one a line; skips '#' comment lines."""

    def __init__(self, lines: Iterable[str], file: str = STDIN, prompt: Callable | None = None):
        self._lines = iter(lines)
        self.file = file
        self.line = 0
        self.prompt = prompt  # shown before each line is read, at a terminal

    def next(self) -> str | None:
        """The next answer, or None when the answers have ended."""
        if self.prompt:
            self.prompt()
        for raw in self._lines:
            self.line += 1
            if not raw.lstrip().startswith("#"):
                return raw.rstrip("\r\n")
        return None


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
            if self.say:
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
        the scheme (how many items, whether to check)."""
        if self.say:
            self.say(render_question(ask, path if field else (), node, default, required))
        while True:
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
    """Validate a built scheme as `vires check` would load it, then write it whole."""
    from ..atomic import write_atomically
    from ..load.scheme import scheme_from_data
    from ..reporters.scheme_yaml import render_scheme
    from ..rules.policy import load_policy

    target = Path(target)
    _, problems = scheme_from_data(data, str(target), load_policy(None).lifespans)
    if problems:
        raise InputError(problems)
    return write_atomically(target, render_scheme(data, schema_reference(target)), overwrite=force)
