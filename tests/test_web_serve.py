"""`vires serve` as a user starts it: on this computer only by default, the
web stack imported by this command alone, and a bad store refused plainly."""
from __future__ import annotations

import re
import subprocess
import sys
import urllib.request

from conftest import REPO, VIRES, run_vires
from web_support import Server, free_port


def test_the_cli_does_not_import_the_web_stack():
    code = ("import sys, checker, checker.cli, checker.cli.app\n"
            "from checker.cli.app import load_command\n"
            "for name in ('check', 'report', 'whatif', 'new'): load_command(name)\n"
            "web = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('fastapi', 'starlette', 'uvicorn', 'jinja2', 'sqlalchemy', 'multipart', 'psycopg', 'pydantic'))\n"
            "print(web)")
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert ran.stdout.strip() == "[]"


def _listening_on(port: int) -> set[str]:
    """The addresses a port is listened on (IPv4, from /proc/net/tcp; state 0A is LISTEN)."""
    out = set()
    for line in open("/proc/net/tcp").read().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:
            out.add(".".join(str(int(address[i:i + 2], 16)) for i in (6, 4, 2, 0)))
    return out


def test_serve_listens_on_localhost_and_answers(tmp_path):
    port = free_port()
    server = Server([str(VIRES), "serve", "--port", str(port), "--store", f"sqlite:///{tmp_path}/v.db"], port)
    with server as url:
        assert "Start a new scheme" in urllib.request.urlopen(url).read().decode()
        assert _listening_on(port) == {"127.0.0.1"}
    assert url in server.stderr and f"sqlite:///{tmp_path}/v.db" in server.stderr


def _children(pid: int) -> list[int]:
    """The process ids whose parent is ``pid`` (from /proc)."""
    import os

    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry))
    return out


def test_serve_with_workers_answers_from_each_with_the_policy_given(tmp_path):
    import json
    import shutil
    from concurrent.futures import ThreadPoolExecutor

    # a copy of the shipped policy with its own title for Leeds' edition: the workers must use the policy given
    policy = tmp_path / "policy"
    shutil.copytree(REPO / "policy", policy)
    edition = policy / "editions" / "england-2015.yaml"
    title = "England, April 2015 to June 2022 (primary care co-commissioning)"
    assert title in edition.read_text()
    edition.write_text(edition.read_text().replace(title, "England 2015, the copy given to the workers"))
    port = free_port()
    body = json.dumps(__import__("yaml").safe_load((REPO / "cases" / "leeds-2017.yaml").read_text()),
                      default=str).encode()

    def check(_):
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/check", body,
                                         {"content-type": "application/json"})
        return json.loads(urllib.request.urlopen(request, timeout=30).read())

    command = [str(VIRES), "serve", "--port", str(port), "--store", f"sqlite:///{tmp_path}/v.db",
               "--policy", str(policy), "--workers", "2"]
    with Server(command, port, timeout=120) as url:
        assert "Start a new scheme" in urllib.request.urlopen(url).read().decode()
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(check, range(40)))
        assert {(a["verdict"], a["edition_title"]) for a in answers} == {
            ("ultra_vires", "England 2015, the copy given to the workers")}
        assert len(_children(server_pid := _serve_pid(port))) >= 2, server_pid  # uvicorn's two workers
        assert _listening_on(port) == {"127.0.0.1"}


def test_a_worker_that_cannot_build_its_app_says_why_and_stops_with_uvicorns_code(tmp_path):
    # the policy folder given to the workers is gone (edited away after serve started)
    code = ("import os\nfrom checker.web import app\n"
            f"os.environ[app.STORE_VARIABLE] = 'sqlite:///{tmp_path}/v.db'\n"
            f"os.environ[app.POLICY_VARIABLE] = '{tmp_path}/no-such-policy'\n"
            "app.app_from_environment()\n")
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert ran.returncode == 3, ran.stderr  # uvicorn's STARTUP_FAILURE: its supervisor stops
    assert "a worker could not start" in ran.stderr and "no editions/ folder" in ran.stderr
    assert "Traceback" not in ran.stderr


def _serve_pid(port: int) -> int:
    """The process listening on ``port`` that started the workers (the one whose command line is `vires serve`)."""
    import os

    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                command = open(f"/proc/{entry}/cmdline").read().split("\0")
            except OSError:
                continue
            if "serve" in command and "--workers" in command and str(port) in command:
                return int(entry)
    raise AssertionError("no vires serve process")


def test_make_serve_opens_the_app(tmp_path):
    port = free_port()
    with Server(["make", "serve", f"PORT={port}"], port, env={"VIRES_STORE": f"sqlite:///{tmp_path}/v.db"},
                timeout=300) as url:
        assert "Start a new scheme" in urllib.request.urlopen(url).read().decode()
    assert (tmp_path / "v.db").is_file()


def test_a_store_that_cannot_be_opened_is_bad_input(tmp_path):
    ran = run_vires("serve", "--store", "nosuchdb://x")
    assert ran.returncode == 2 and "serve.bad_store" in ran.stderr and "postgresql://" in ran.stderr


def test_the_load_benchmark_smoke_run_prints_every_figure():
    ran = subprocess.run([sys.executable, str(REPO / "bench" / "serve_load.py"), "--smoke", "--clients", "8"],
                         cwd=REPO, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr
    figures = [r"in process: checker\.check, before\s+[\d,]+ checks/s", r"in process: checker\.check, after\s+[\d,]+",
               r"in process: checker\.check\s+[\d,]+ checks/s \(the mean"]
    for workers in ("1", "2"):  # the server with one worker process, and with two
        figures += [rf"{workers} worker\(s\): requests/s\s+[\d,]+ requests/s",
                    rf"{workers} worker\(s\): latency p50/p95/p99\s+[\d.]+ / [\d.]+ / [\d.]+ ms",
                    rf"{workers} worker\(s\): errors\s+0$",
                    rf"{workers} worker\(s\): ratio served / in process\s+\d+\.\d+, p99 [\d.]+ ms"]
    for figure in figures:
        assert re.search(figure, ran.stdout, re.M), f"missing {figure!r} in:\n{ran.stdout}"
    assert "bench/serve_load.py" in (REPO / "docs" / "performance.md").read_text()
