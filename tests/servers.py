"""Real `vendorcheck serve` processes for the fault and multi-process tests: each on a free
loopback port with its own instance folder, started, killed with SIGKILL and restarted."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.conftest import free_port

VENDORCHECK = str(Path(sys.executable).parent / "vendorcheck")
SECRET = "fault-test-secret-key"


def command_env(instance: Path, database_url: str, **settings: object) -> dict[str, str]:
    """The environment of a vendorcheck process: its instance folder, the database, settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENDORCHECK_")}
    env |= {
        "VENDORCHECK_INSTANCE_PATH": str(instance),
        "VENDORCHECK_DATABASE_URL": database_url,
        "VENDORCHECK_SECRET_KEY": SECRET,
        "PYTHONUNBUFFERED": "1",
    }
    env |= {f"VENDORCHECK_{name}": str(value) for name, value in settings.items()}
    return env


def run_command(instance: Path, database_url: str, *args: str, **settings) -> subprocess.Popen:
    """Start a vendorcheck command in its own process (the caller waits or kills it)."""
    instance.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [VENDORCHECK, *args],
        env=command_env(instance, database_url, **settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@dataclass
class Server:
    instance: Path
    database_url: str
    settings: dict[str, object] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> Server:
        self.instance.mkdir(parents=True, exist_ok=True)
        log = open(self.instance / f"serve-{time.time_ns()}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [VENDORCHECK, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=command_env(
                self.instance, self.database_url, BASE_URL=self.base, THREADS=8, **self.settings
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server stopped: {self.log()}")
            try:
                if requests.get(f"{self.base}/login", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.2)
        raise AssertionError(f"the server did not answer in {timeout} s: {self.log()}")

    def kill9(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill9()

    def log(self) -> str:
        logs = sorted(self.instance.glob("serve-*.log"))
        return logs[-1].read_text(errors="replace")[-3000:] if logs else ""


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_of(session: requests.Session, url: str) -> str:
    match = CSRF.search(session.get(url, timeout=30).text)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def staff_session(server: Server, login_id: str, password: str) -> requests.Session:
    session = requests.Session()
    token = csrf_of(session, f"{server.base}/login")
    response = session.post(
        f"{server.base}/login",
        data={"login_id": login_id, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:500]
    return session
