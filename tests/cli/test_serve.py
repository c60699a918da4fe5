"""vendorcheck serve and gunicorn on loopback: pages, the access log, the port, --production."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import requests

from tests.cli.servers import running
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("VENDORCHECK_")}
    env.update(VENDORCHECK_INSTANCE_PATH=str(tmp_path / "instance"), **extra)
    return env


def _vendorcheck(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "vendorcheck"), *args],
        cwd=tmp_path,
        env=_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_serve_answers_pages_and_logs_each_request_with_tokens_masked(tmp_path):
    port = free_port()
    command = [str(BIN / "vendorcheck"), "serve", "--port", str(port)]
    env = _environment(tmp_path, VENDORCHECK_THREADS="2")
    with running(command, tmp_path, env, port) as server:
        login = requests.get(f"{server.base}/login", timeout=30)
        assert login.status_code == 200 and "ログイン" in login.text
        portal = requests.get(f"{server.base}/p/SECRET-token-123/", timeout=30)
        assert portal.status_code == 404
    output = server.output
    assert f"http://127.0.0.1:{port}/ で起動しました（スレッド 2" in output
    assert "method=GET path=/login status=200 ms=" in output
    assert "method=GET path=/p/<token>/ status=404" in output
    assert "SECRET-token-123" not in output
    assert f"ログイン画面: http://127.0.0.1:{port}/login" in output


def test_a_port_in_use_gives_one_japanese_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _vendorcheck(tmp_path, "serve", "--port", str(port))
    assert result.returncode == 1
    assert result.stdout == ""  # nothing else was done
    assert result.stderr.strip() == (
        f"ポート {port} は既に使われています。--port で別のポートを指定するか、"
        "設定 VENDORCHECK_PORT を変えてください。"
    )


def test_production_refuses_without_secret_key_and_base_url(tmp_path):
    result = _vendorcheck(tmp_path, "serve", "--production", "--port", str(free_port()))
    assert result.returncode == 2
    assert "VENDORCHECK_BASE_URL、VENDORCHECK_SECRET_KEY が必要です" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "instance" / "vendorcheck.db").exists()  # nothing was started


def test_the_documented_gunicorn_command_serves_pages(tmp_path):
    operations = (ROOT / "docs" / "OPERATIONS.md").read_text(encoding="utf-8")
    documented = next(
        line.strip() for line in operations.splitlines() if line.strip().startswith("gunicorn ")
    )
    port = free_port()
    env = _environment(tmp_path)
    assert _vendorcheck(tmp_path, "init").returncode == 0
    arguments = documented.replace("127.0.0.1:8000", f"127.0.0.1:{port}").split()
    arguments = [argument.strip("'") for argument in arguments]
    with running([str(BIN / "gunicorn"), *arguments[1:]], tmp_path, env, port) as server:
        login = requests.get(f"{server.base}/login", timeout=30)
        assert login.status_code == 200 and "ログイン" in login.text
    assert "method=GET path=/login status=200" in server.output
