"""`vires whatif`: what if the scheme were changed like this?"""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from typer.core import TyperCommand

from .common import (
    Format,
    FormatOption,
    PolicyOption,
    SchemeArgument,
    command_app,
    fail_input,
    verdict_exit,
)

app = command_app()

_OPS = {"set_": "set", "add": "add", "remove": "remove"}


class OrderedChanges(TyperCommand):
    """Keeps the command-line order of --set/--add/--remove: click keeps each
    option's values in order, but not the order across the three options,
    and changes apply in the order they are written. The parser reports the
    parameters in the order it met them (one entry per occurrence)."""

    def make_parser(self, ctx):
        """click's parser, made to note the order in which the change options were met."""
        parser = super().make_parser(ctx)
        parse_args = parser.parse_args

        def parse_in_order(args):
            opts, rest, order = parse_args(args)
            ctx.meta["vires.change_order"] = [p.name for p in order if p.name in _OPS]
            return opts, rest, order

        parser.parse_args = parse_in_order
        return parser


def ordered_changes(ctx, values: dict) -> list[tuple[str, str]]:
    """(op, text) for each change option, in command-line order."""
    queues = {name: list(values[name] or []) for name in _OPS}
    return [(_OPS[name], queues[name].pop(0)) for name in ctx.meta.get("vires.change_order", [])]


@app.command(cls=OrderedChanges)
def whatif(
    ctx: typer.Context,
    file: Path = SchemeArgument,
    set_: Optional[List[str]] = typer.Option(None, "--set", metavar="PATH=VALUE", show_default=False,
                                             help="Set the value at a dotted path, e.g. "
                                                  "change.instrument=local_incentive_scheme (VALUE is YAML)."),
    add: Optional[List[str]] = typer.Option(None, "--add", metavar="PATH=VALUE", show_default=False,
                                            help="Append VALUE to the list at PATH (created if absent)."),
    remove: Optional[List[str]] = typer.Option(None, "--remove", metavar="PATH", show_default=False,
                                               help="Remove the field or list item at PATH, e.g. objections.0."),
    format: Format = FormatOption,
    policy: Optional[Path] = PolicyOption,
):
    """What if the scheme were changed? The verdict before and after, and why.

    Changes apply in the order given. Exit codes are those of check for the
    changed scheme: 0 valid, 1 ultra vires, refused or pending, 4
    undetermined; 2 if a change makes the scheme bad input."""
    from ..diagnostics import InputError
    from ..evaluate.checker import checker_for
    from ..explore.whatif import compare, parse_option

    options = ordered_changes(ctx, {"set_": set_, "add": add, "remove": remove})
    try:
        checker = checker_for(policy)
        scheme = checker.load(file)
        changes = [parse_option(op, text, str(file)) for op, text in options]
        comparison = compare(checker, scheme, changes)
    except InputError as err:
        fail_input(err.diagnostics)
    if format == Format.json:
        from ..reporters.whatif import render_json as render
    else:
        from ..reporters.whatif import render_text as render
    typer.echo(render(comparison), nl=False)
    raise typer.Exit(verdict_exit(comparison.after.verdict))
