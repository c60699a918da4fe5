"""Start a real server process on loopback for a test, wait for it, stop it, keep its output."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests


@dataclass
class ServerRun:
    base: str
    output: str = ""


@contextmanager
def running(command: list[str], cwd: Path, env: dict[str, str], port: int) -> Iterator[ServerRun]:
    """Run the server until the block ends; ``output`` holds its stdout and stderr afterwards."""
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    run = ServerRun(f"http://127.0.0.1:{port}")
    try:
        _wait_for(f"{run.base}/login", process)
        yield run
    finally:
        process.terminate()
        run.output, _ = process.communicate(timeout=30)


def _wait_for(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped: {process.communicate()}")
        try:
            requests.get(url, timeout=30)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")
