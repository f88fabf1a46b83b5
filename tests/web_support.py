"""What the web app's tests share: an app on a throwaway store, and a file
of `vires new` answers turned into the web form's answers."""
from __future__ import annotations

from pathlib import Path

from checker.cli.new import Answers, Interview
from checker.rules.policy import load_policy
from checker.web import form
from conftest import REPO

LEEDS_ANSWERS = REPO / "docs" / "examples" / "leeds-2017.answers"


def form_answers(path: Path = LEEDS_ANSWERS) -> dict[str, str]:
    """The web form's answers ({key: text}) that a file of `vires new` answers
    gives, read by the CLI's own interview so the two cannot drift apart."""
    out: dict[str, str] = {}
    answers = Answers(path.read_text("utf-8").splitlines())
    asking = Interview(answers, policy=load_policy(None))
    read, take = asking._read, answers.next
    current: dict = {}

    def next_line():
        text = take()
        if text is not None and current.get("key"):
            out[current["key"]] = text.strip()
        return text

    def read_one(ask, path, node, default, required, field=True):
        current["key"] = (form.key_of(path) if field else "#" + form.key_of(path)) if path else None
        return read(ask, path, node, default, required, field)

    answers.next = next_line  # type: ignore[method-assign]
    asking._read = read_one  # type: ignore[method-assign]
    asking.run()
    return {k: v for k, v in out.items() if v != ""}


def step_of(key: str) -> int:
    """The number of the form step that asks for an answer."""
    top = key.lstrip("#").split(".")[0]
    for n, step in enumerate(form.STEPS, 1):
        if any(item.path[0] == top for item in step.flow):
            return n
    raise KeyError(key)


def client(tmp_path):
    """A test client of the web app on a store of its own."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from checker.web.app import create_app

    return TestClient(create_app(f"sqlite:///{tmp_path / 'vires.db'}"), raise_server_exceptions=False)


def csrf(web) -> str:
    """The CSRF token the app gave this client (asking for the home page first when it has none)."""
    if not web.cookies.get("vires_csrf"):
        web.get("/")
    return web.cookies.get("vires_csrf")


def build_through_the_form(web, answers: dict) -> str:
    """Answer every step of a new draft as a person would (each list's count
    first, then its items); the draft's id."""
    token = csrf(web)
    draft = web.post("/drafts", data={"csrf": token}, follow_redirects=False).headers["location"].split("/")[2]
    for n, _ in enumerate(form.STEPS, 1):
        mine = {k: v for k, v in answers.items() if step_of(k) == n}
        counts = {k: v for k, v in mine.items() if k.startswith("#")}
        if counts:
            web.post(f"/drafts/{draft}/{n}", data={"csrf": token, **counts}, follow_redirects=False)
        multi = [k for k in mine if k == "change.targets"]
        answer = web.post(f"/drafts/{draft}/{n}", data={"csrf": token, **mine, "go": "next", "multi": multi},
                          follow_redirects=False)
        assert answer.status_code == 303, answer.text
    return draft


def free_port() -> int:
    """A TCP port free on this computer now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A command that serves the web app, started in its own process group
    and stopped with it (``with Server([...], port) as url:``)."""

    def __init__(self, command: list[str], port: int, env: dict | None = None, timeout: float = 60):
        self.command, self.port, self.env, self.timeout = command, port, env, timeout

    def __enter__(self) -> str:
        import os
        import subprocess
        import time
        import urllib.request

        self.process = subprocess.Popen(self.command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, env={**os.environ, **(self.env or {})}, start_new_session=True)
        url = f"http://127.0.0.1:{self.port}/"
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url, timeout=2).read()
                return url
            except OSError:
                if self.process.poll() is not None:
                    raise AssertionError(f"{self.command} stopped: {self.process.stderr.read()}") from None
                time.sleep(0.1)
        self.__exit__()
        raise AssertionError(f"{self.command} did not answer within {self.timeout} s")

    def __exit__(self, *_):
        import os
        import signal
        import subprocess

        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.stdout, self.stderr = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.stdout, self.stderr = self.process.communicate()
