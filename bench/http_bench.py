"""Shared helpers for the HTTP benchmarks: serve a WSGI app with waitress, load it, report."""

from __future__ import annotations

import logging
import re
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests
from waitress.server import create_server


@dataclass
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0

    def line(self, baseline: Result | None = None) -> str:
        ratio = (
            f"  {100 * self.rps / baseline.rps:5.1f}% of bare" if baseline and baseline.rps else ""
        )
        return (
            f"{self.name:<28} {self.rps:8.1f} req/s  p50 {statistics.median(self.latencies_ms):6.2f} ms"
            f"  p99 {self.percentile(0.99):6.2f} ms  errors {self.errors}{ratio}"
        )


class Served:
    """A WSGI app served by waitress on a free loopback port, in a background thread."""

    def __init__(self, app, threads: int = 8) -> None:
        # A load generator queues requests behind busy threads on purpose: waitress's warning
        # for each one would bury the figures.
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        self.server = create_server(app, host="127.0.0.1", port=0, threads=threads, ident="bench")
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        # Let the requests still in flight (a load generator's last ones) finish writing before
        # the server's sockets close under them.
        self.server.task_dispatcher.shutdown(cancel_pending=False, timeout=10)
        self.server.close()


def load(
    name: str,
    make_session: Callable[[], requests.Session],
    request: Callable[[requests.Session], requests.Response],
    *,
    total: int = 600,
    concurrency: int = 4,
    ok: Callable[[requests.Response], bool] = lambda r: r.ok,
) -> Result:
    """Send `total` requests from `concurrency` clients, each with its own session."""
    per_client = total // concurrency
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def client() -> None:
        nonlocal errors
        session = make_session()
        request(session)  # warm-up
        for _ in range(per_client):
            start = time.perf_counter()
            response = request(session)
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok(response) else 1

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for future in [pool.submit(client) for _ in range(concurrency)]:
            future.result()
    return Result(name, per_client * concurrency, errors, time.perf_counter() - started, latencies)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no csrf token in page")
    return match.group(1)


def bare_flask_app():
    from flask import Flask

    bare = Flask("bare")

    @bare.route("/")
    def hello():
        return "hello"

    return bare
