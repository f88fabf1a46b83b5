"""Load benchmark of `vires serve`: distinct schemes POSTed to /api/check by
concurrent clients against the server on this machine, beside the
in-process throughput of `checker.check` on the same schemes, in one run.

Prints, one figure per line (docs/performance.md explains each):
checker.check in one process and one thread; then, for the server with one
worker process and with two (``--workers``), requests per second, latency
p50/p95/p99, errors (non-200 answers or failed connections; must be 0), and
the ratio to the in-process figure (goal: at least 0.5, with p99 under
100 ms).

The schemes: every case of the library, each copied with its own id, title
and number of points (``distinct_schemes``), so no two requests send the
same document. The server is `vires serve` in its own process with a
throwaway SQLite store; the clients are threads with one keep-alive
connection each (``Client``: a socket, not http.client), in this process. Both share the machine's
cores, as a local deployment would.

    .venv/bin/python bench/serve_load.py              # 32 clients for 30 s
    .venv/bin/python bench/serve_load.py --smoke      # 32 clients for 2 s
    .venv/bin/python bench/serve_load.py --clients 8 --seconds 10 --workers 2
"""
from __future__ import annotations

import argparse
import copy
import datetime
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


def start_server(port: int, store: Path, workers: int = 1) -> subprocess.Popen:
    server = subprocess.Popen([str(VIRES), "serve", "--port", str(port), "--store", f"sqlite:///{store}",
                               "--workers", str(workers)],
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


class Client:
    """One keep-alive HTTP/1.1 connection that POSTs JSON and reads the
    answer by its Content-Length: a few lines of Python per request, where
    http.client parses every answer's headers with the email package (about
    as much CPU as a third of a check), so the clients, which share the
    machine with the server, take less of it from what is measured."""

    def __init__(self, port: int):
        self.port = port
        self.sock: socket.socket | None = None
        self.buffer = b""

    def post(self, path: str, body: bytes) -> int:
        """The status of POSTing ``body`` to ``path`` (OSError when the connection fails)."""
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.buffer = b""
        self.sock.sendall(b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                          b"Content-Length: %d\r\n\r\n" % (path.encode(), len(body)) + body)
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self._more()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        length = next((int(x.split(b":", 1)[1]) for x in lines[1:] if x.lower().startswith(b"content-length:")),
                      None)
        if length is None:
            raise OSError("an answer without Content-Length")
        while len(self.buffer) < length:
            self.buffer += self._more()
        self.buffer = self.buffer[length:]
        return status

    def _more(self) -> bytes:
        data = self.sock.recv(65536)
        if not data:
            raise OSError("the server closed the connection")
        return data

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def load(port: int, bodies: list[bytes], clients: int, seconds: float) -> tuple[list[float], int, float]:
    """(latencies in seconds, errors, elapsed) of ``clients`` threads POSTing for ``seconds``."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client(n: int) -> None:
        connection = Client(port)
        i = n
        start.wait()
        while time.perf_counter() < stop_at[0]:
            body = bodies[i % len(bodies)]
            i += clients
            began = time.perf_counter()
            try:
                if connection.post("/api/check", body) != 200:
                    errors[n] += 1
            except (OSError, ValueError, IndexError):
                errors[n] += 1
                connection.close()
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
    parser.add_argument("--workers", type=lambda text: [int(n) for n in text.split(",")], default=[1, 2],
                        help="the `vires serve --workers` values to run, one after the other (default: 1,2)")
    args = parser.parse_args()
    seconds = 2.0 if args.smoke else args.seconds
    line("machine", f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}, "
                    f"{datetime.date.today().isoformat()}")
    line("python", platform.python_version())
    schemes = distinct_schemes(2_000 if args.smoke else 20_000)
    bodies = [json.dumps(s).encode() for s in schemes]
    # checker.check is timed before the served runs and after them, and their
    # mean is the figure the ratios divide by: one run alone moved by a fifth.
    before = in_process(schemes, min(seconds, 10.0))
    line("in process: checker.check, before", f"{before:,.0f} checks/s (one thread, distinct schemes)")
    runs = [(workers, serve(bodies, workers, args.clients, seconds)) for workers in args.workers]
    after = in_process(schemes, min(seconds, 10.0))
    line("in process: checker.check, after", f"{after:,.0f} checks/s")
    rate = (before + after) / 2
    line("in process: checker.check", f"{rate:,.0f} checks/s (the mean of the two)")
    for workers, (served, latencies, errors) in runs:
        p99 = percentile(latencies, 99) * 1000 if latencies else float("nan")
        line(f"{workers} worker(s): ratio served / in process",
             f"{served / rate:.2f}, p99 {p99:.1f} ms (goal: at least 0.5, p99 under 100 ms)")

def serve(bodies: list[bytes], workers: int, clients: int, seconds: float) -> tuple[float, list[float], int]:
    """(requests/s, latencies, errors) of `vires serve --workers N` under
    ``clients`` clients for ``seconds``, each figure printed."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="vires-load-") as folder:
        server = start_server(port, Path(folder) / "load.db", workers)
        try:
            load(port, bodies[:64], min(clients, 4) * workers, 1.0 + workers)  # warm each worker
            latencies, errors, elapsed = load(port, bodies[64:], clients, seconds)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(15)
    served = len(latencies) / elapsed
    name = f"{workers} worker(s)"
    line(f"{name}: clients, seconds", f"{clients} clients, {elapsed:.1f} s, {len(latencies):,} answers")
    line(f"{name}: requests/s", f"{served:,.0f} requests/s")
    if latencies:
        line(f"{name}: latency p50/p95/p99", " / ".join(f"{percentile(latencies, p) * 1000:.1f}"
                                                       for p in (50, 95, 99)) + " ms")
        line(f"{name}: mean latency", f"{statistics.mean(latencies) * 1000:.1f} ms")
    line(f"{name}: errors", str(errors))
    return served, latencies, errors

if __name__ == "__main__":
    main()
