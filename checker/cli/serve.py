"""`vires serve`: the web app and its JSON API (checker.web), on this computer.

The web stack (FastAPI, uvicorn, Jinja2, SQLAlchemy) is imported here, when
the command runs, never by the other commands.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import PolicyOption, command_app, fail_input

app = command_app()


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host",
                             help="Address to listen on. The default is this computer only; 0.0.0.0 opens it "
                                  "to the network (put it behind a proxy with TLS and sign-in)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    store: Optional[str] = typer.Option(None, "--store", show_default=False,
                                        help="Where drafts and the decision record are kept: a URL such as "
                                             "sqlite:///path/vires.db or postgresql://user@host/db (default: "
                                             "$VIRES_STORE, else vires.db in your data folder)."),
    policy: Optional[Path] = PolicyOption,
    workers: int = typer.Option(1, "--workers", min=1, max=32,
                                help="Processes answering requests. One is enough for a few people; give the "
                                     "number of CPU cores for a server that many use at once."),
):
    """The web app: build a scheme in a form, check it, try what-ifs,
    download the briefing; and a JSON API.

    Open the address it prints in a browser. Stop it with Ctrl-C."""
    from ..diagnostics import Diagnostic, InputError

    try:
        import uvicorn

        from ..web.app import POLICY_VARIABLE, STORE_VARIABLE, create_app
        from ..web.store import default_url
    except ImportError as err:
        fail_input([Diagnostic("serve.not_installed", f"the web app's libraries are not installed ({err.name})",
                               "vires serve", hint="install them with: pip install 'vires[web]' (make install does)")])
    url = store or default_url()
    try:
        web = create_app(url, policy)
    except InputError as err:
        fail_input(err.diagnostics)
    except Exception as err:  # the store cannot be opened: a bad URL, a server not running
        fail_input([Diagnostic("serve.bad_store", f"cannot open the store {url}: {err}", "vires serve",
                               hint="give --store sqlite:///PATH or postgresql://USER@HOST/DB")])
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"vires is running at http://{shown}:{port}/ (stop it with Ctrl-C)\n"
               f"drafts and the decision record: {url}", err=True)
    if workers == 1:
        uvicorn.run(web, host=host, port=port, log_level="warning")
        return
    # Each worker process builds its own app from the same store and policy
    # (checker.web.app.app_from_environment); the app built above has already
    # opened the store and created its tables, so the workers do not race to.
    import os

    os.environ[STORE_VARIABLE] = url
    os.environ[POLICY_VARIABLE] = str(policy.resolve()) if policy else ""
    uvicorn.run("checker.web.app:app_from_environment", factory=True, workers=workers,
                host=host, port=port, log_level="warning")
