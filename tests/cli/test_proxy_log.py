"""The reverse proxy's documented access log (docs/OPERATIONS.md, the nginx block): a real nginx
on loopback, configured with that block as written, in front of a real vendorcheck server;
its log holds the requests with every link token masked, and no token at all."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import requests

from tests.cli.servers import running
from tests.cli.test_serve import BIN, ROOT, _environment, _vendorcheck
from tests.conftest import free_port, missing

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SECRETS = ("SECRET-vendor-token-123", "SECRET-contract-token-9")


def _documented_nginx_block() -> str:
    operations = (ROOT / "docs" / "OPERATIONS.md").read_text(encoding="utf-8")
    match = re.search(r"```nginx\n(.*?)```", operations, flags=re.DOTALL)
    assert match, "docs/OPERATIONS.md has no nginx block"
    return match.group(1)


def _nginx_conf(folder: Path, port: int, upstream: int, log: Path) -> str:
    block = _documented_nginx_block()
    assert "/var/log/nginx/vendorcheck.log" in block
    block = block.replace("/var/log/nginx/vendorcheck.log", str(log))
    temp = folder / "temp"
    return f"""
daemon off;
master_process off;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
    client_body_temp_path {temp};
    proxy_temp_path {temp};
    fastcgi_temp_path {temp};
    uwsgi_temp_path {temp};
    scgi_temp_path {temp};
{block}
    server {{
        listen 127.0.0.1:{port};
        location / {{ proxy_pass http://127.0.0.1:{upstream}; proxy_set_header Host $host; }}
    }}
}}
"""


def test_the_documented_nginx_log_format_writes_no_token(tmp_path):
    if not Path(NGINX).exists():
        missing("nginx is not installed (apt-get install nginx-light)")
    assert _vendorcheck(tmp_path, "init").returncode == 0
    app_port, proxy_port = free_port(), free_port()
    folder = tmp_path / "nginx"
    (folder / "temp").mkdir(parents=True)
    log = folder / "access.log"
    conf = folder / "nginx.conf"
    conf.write_text(_nginx_conf(folder, proxy_port, app_port, log), encoding="utf-8")
    checked = subprocess.run([NGINX, "-t", "-c", str(conf)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    app = [str(BIN / "vendorcheck"), "serve", "--port", str(app_port)]
    with running(app, tmp_path, _environment(tmp_path), app_port):
        proxy = [NGINX, "-c", str(conf)]
        with running(proxy, tmp_path, _environment(tmp_path), proxy_port) as served:
            vendor = requests.get(f"{served.base}/p/{SECRETS[0]}/s/intro?x=1", timeout=30)
            referred = {"Referer": f"{served.base}/c/{SECRETS[1]}/reports"}
            contract = requests.get(f"{served.base}/c/{SECRETS[1]}/", headers=referred, timeout=30)
            assert vendor.status_code == 404 and contract.status_code == 404
            assert requests.get(f"{served.base}/login", headers=referred, timeout=30).ok
    written = log.read_text(encoding="utf-8")
    assert '"GET /p/<token>/s/intro" 404' in written, written
    assert '"GET /c/<token>/" 404' in written, written
    assert '"GET /login" 200' in written, written
    assert not any(secret in written for secret in SECRETS), written
    assert "SECRET" not in written and "x=1" not in written
