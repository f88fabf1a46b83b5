"""Load benchmark of `vires serve`: distinct schemes POSTed to /api/check by
concurrent clients against the server on this machine, beside the
in-process throughput of `checker.check` on the same schemes, in one run.

Prints, one figure per line (docs/performance.md explains each):
requests per second, latency p50/p95/p99, errors (non-200 answers or
failed connections; must be 0), checker.check in one process and one
thread, and the ratio of the two (goal: at least 0.5, with p99 under
100 ms).

The schemes: every case of the library, each copied with its own id, title
and number of points (``distinct_schemes``), so no two requests send the
same document. The server is `vires serve` in its own process with a
throwaway SQLite store; the clients are threads with one keep-alive
connection each (http.client), in this process. Both share the machine's
cores, as a local deployment would.

    .venv/bin/python bench/serve_load.py              # 32 clients for 30 s
    .venv/bin/python bench/serve_load.py --smoke      # 32 clients for 2 s
    .venv/bin/python bench/serve_load.py --clients 8 --seconds 10
"""
from __future__ import annotations

import argparse
import copy
import datetime
import http.client
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
VIRES = Path(sys.executable).with_name("vires")


def line(label: str, value: str) -> None:
    print(f"{label:<44} {value}", flush=True)


def distinct_schemes(count: int) -> list[dict]:
    """``count`` valid schemes, no two alike: the case library's, each copy
    with its own id, title and number of points."""
    import checker
    from checker.evaluate.checker import checker_for

    base = [checker_for().load(path).data for path in sorted((ROOT / "cases").glob("*.yaml"))]
    out = []
    for i in range(count):
        data = copy.deepcopy(base[i % len(base)])
        data["id"] = f"load-{i}"
        data["title"] = f"{data['title']} (copy {i})"
        data["change"]["points"] = i % 1000
        out.append(json.loads(json.dumps(data, default=str)))
    checker.check(out[0])  # valid input, or this raises
    return out


def in_process(schemes: list[dict], seconds: float) -> float:
    """checker.check's rate over the schemes, one thread, for ``seconds``."""
    import checker

    for scheme in schemes[:50]:
        checker.check(scheme)
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        checker.check(schemes[done % len(schemes)])
        done += 1
    return done / (time.perf_counter() - started)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, store: Path) -> subprocess.Popen:
    server = subprocess.Popen([str(VIRES), "serve", "--port", str(port), "--store", f"sqlite:///{store}"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"vires serve stopped: {server.stderr.read().decode()}")
            time.sleep(0.1)
    raise SystemExit("vires serve did not start within 60 s")


def load(port: int, bodies: list[bytes], clients: int, seconds: float) -> tuple[list[float], int, float]:
    """(latencies in seconds, errors, elapsed) of ``clients`` threads POSTing for ``seconds``."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client(n: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = n
        start.wait()
        while time.perf_counter() < stop_at[0]:
            body = bodies[i % len(bodies)]
            i += clients
            began = time.perf_counter()
            try:
                connection.request("POST", "/api/check", body, {"content-type": "application/json"})
                answer = connection.getresponse()
                answer.read()
                if answer.status != 200:
                    errors[n] += 1
            except (OSError, http.client.HTTPException):
                errors[n] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            latencies[n].append(time.perf_counter() - began)
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join()
    return [x for each in latencies for x in each], sum(errors), time.perf_counter() - began


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a 2-second run: the same lines")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    seconds = 2.0 if args.smoke else args.seconds
    line("machine", f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}, "
                    f"{datetime.date.today().isoformat()}")
    line("python", platform.python_version())
    schemes = distinct_schemes(2_000 if args.smoke else 20_000)
    bodies = [json.dumps(s).encode() for s in schemes]
    rate = in_process(schemes, min(seconds, 10.0))
    line("in process: checker.check", f"{rate:,.0f} checks/s (one thread, distinct schemes)")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="vires-load-") as folder:
        server = start_server(port, Path(folder) / "load.db")
        try:
            load(port, bodies[:64], min(args.clients, 4), 1.0)  # warm: imports, the first checks
            latencies, errors, elapsed = load(port, bodies[64:], args.clients, seconds)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(15)
    served = len(latencies) / elapsed
    line("served: clients, seconds", f"{args.clients} clients, {elapsed:.1f} s, {len(latencies):,} answers")
    line("served: requests/s", f"{served:,.0f} requests/s")
    if latencies:
        line("served: latency p50/p95/p99", " / ".join(f"{percentile(latencies, p) * 1000:.1f}"
                                                       for p in (50, 95, 99)) + " ms")
        line("served: mean latency", f"{statistics.mean(latencies) * 1000:.1f} ms")
    line("served: errors", str(errors))
    line("ratio served / in process", f"{served / rate:.2f} (goal: at least 0.5, p99 under 100 ms)")


if __name__ == "__main__":
    main()
