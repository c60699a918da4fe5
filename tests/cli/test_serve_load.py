"""Serving under many connections: idle keep-alive clients and the connection limit from the
settings, and the documented gunicorn configuration whose access log masks link tokens."""

from __future__ import annotations

import re
import socket
import time
from contextlib import ExitStack

import requests

from tests.cli.servers import running
from tests.cli.test_serve import BIN, ROOT, _environment, _vendorcheck
from tests.conftest import free_port

IDLE_CLIENTS = 60


def _idle_keepalive_client(port: int, *, read: bool = True) -> socket.socket:
    """A browser-like client: one request on a keep-alive connection, then silence."""
    client = socket.create_connection(("127.0.0.1", port), timeout=30)
    client.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n")
    if not read:
        return client
    received = b""
    while b"</html>" not in received:
        chunk = client.recv(65536)
        assert chunk, "the server closed a keep-alive connection"
        received += chunk
    assert received.startswith(b"HTTP/1.1 200")
    return client


def _new_visitor_seconds(base: str, timeout: float) -> float | None:
    started = time.monotonic()
    try:
        response = requests.get(f"{base}/login", timeout=timeout)
    except requests.Timeout:
        return None
    assert response.status_code == 200
    return time.monotonic() - started


def _serve(tmp_path, port: int, **settings: str):
    command = [str(BIN / "vendorcheck"), "serve", "--port", str(port)]
    return running(command, tmp_path, _environment(tmp_path, **settings), port)


def test_sixty_idle_keepalive_clients_do_not_stall_a_new_visitor(tmp_path):
    port = free_port()
    with _serve(tmp_path, port, VENDORCHECK_THREADS="4") as server, ExitStack() as stack:
        for _ in range(IDLE_CLIENTS):
            stack.callback(_idle_keepalive_client(port).close)
        seconds = _new_visitor_seconds(server.base, timeout=10)
        assert seconds is not None and seconds < 5, seconds
    assert "スレッド 4、同時接続 100" in server.output


def test_the_connection_limit_comes_from_the_settings(tmp_path):
    """Below the idle clients, the limit does stall a new visitor: the setting is in force."""
    port = free_port()
    settings = {"VENDORCHECK_CONNECTION_LIMIT": "40", "VENDORCHECK_CHANNEL_TIMEOUT_SECONDS": "60"}
    with _serve(tmp_path, port, **settings) as server, ExitStack() as stack:
        for _ in range(45):
            stack.callback(_idle_keepalive_client(port, read=False).close)
        time.sleep(1)
        assert _new_visitor_seconds(server.base, timeout=3) is None
    assert "同時接続 40" in server.output


def _documented_gunicorn_config() -> str:
    operations = (ROOT / "docs" / "OPERATIONS.md").read_text(encoding="utf-8")
    match = re.search(r"```python\n(# gunicorn\.conf\.py.*?)```", operations, flags=re.DOTALL)
    assert match, "docs/OPERATIONS.md has no gunicorn.conf.py block"
    return match.group(1)


def test_the_documented_gunicorn_config_masks_tokens_in_its_access_log(tmp_path):
    port = free_port()
    config = _documented_gunicorn_config().replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    (tmp_path / "gunicorn.conf.py").write_text(config, encoding="utf-8")
    assert _vendorcheck(tmp_path, "init").returncode == 0
    command = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "vendorcheck.wsgi:app"]
    with running(command, tmp_path, _environment(tmp_path), port) as server:
        assert requests.get(f"{server.base}/p/SECRET-token-123/", timeout=30).status_code == 404
        referred = {"Referer": f"{server.base}/c/SECRET-contract-9/reports"}
        assert requests.get(f"{server.base}/login", headers=referred, timeout=30).ok
    output = server.output
    assert '"GET /p/<token>/ HTTP/1.1" 404' in output, output  # gunicorn's own access line
    assert "method=GET path=/p/<token>/ status=404" in output  # and vendorcheck's
    assert "SECRET" not in output
