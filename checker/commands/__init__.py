"""Sub-commands of `vires` beyond check and schema, one module each.

Each module here does ``from ..cli import app`` and registers its commands
with ``@app.command()``; ``checker.cli`` imports them all at start-up.
Keep heavy imports inside the command functions so that start-up stays fast.
"""
