"""The wheel carries its data: built from the source, installed into a fresh venv outside the
checkout, it checks, loads the demonstration and serves pages from another folder.

The fresh venv gets vendorcheck only from the wheel; its dependencies are borrowed from the
test venv through a .pth line (the test venv's own editable vendorcheck is not on that path),
so the test needs no index and stays fast.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import requests

from tests.cli.servers import running
from tests.conftest import free_port
from vendorcheck.shipped import SHIPPED_PARTS

ROOT = Path(__file__).resolve().parents[2]
BUILD_FILES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md")
SCRIPTS = "Scripts" if os.name == "nt" else "bin"


def _copy_source(target: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "vendorcheck", target / "vendorcheck", ignore=ignore)
    for part in SHIPPED_PARTS:
        source = ROOT / part
        (target / part).parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=ignore)
        else:
            shutil.copy2(source, target / part)
    for name in BUILD_FILES:
        shutil.copy2(ROOT / name, target / name)
    return target


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    return result


def _fresh_venv_with_the_wheel(tmp_path: Path) -> Path:
    source = _copy_source(tmp_path / "source")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-build-isolation",
            "--no-deps",
            "-w",
            str(tmp_path / "dist"),
            str(source),
        ]
    )
    (wheel,) = (tmp_path / "dist").glob("vendorcheck-*.whl")
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / SCRIPTS / "python"
    purelib = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    site_packages = Path(purelib.stdout.strip())
    (site_packages / "borrowed_dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ]
    )
    return venv


def test_the_wheel_works_from_another_folder(tmp_path):
    venv = _fresh_venv_with_the_wheel(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    home = tmp_path / "home"
    env = {key: value for key, value in os.environ.items() if not key.startswith("VENDORCHECK_")}
    env.update(HOME=str(home), USERPROFILE=str(home), LOCALAPPDATA=str(home / "AppData"))
    env.pop("XDG_DATA_HOME", None)
    env.pop("PYTHONPATH", None)
    command = str(venv / SCRIPTS / "vendorcheck")

    def run(*args: str) -> subprocess.CompletedProcess:
        return _run([command, *args], cwd=elsewhere, env=env)

    where = _run(
        [str(venv / SCRIPTS / "python"), "-c", "import vendorcheck; print(vendorcheck.__file__)"],
        cwd=elsewhere,
        env=env,
    )
    assert Path(where.stdout.strip()).is_relative_to(venv)

    assert "問題はありません" in run("check-questionnaires").stdout
    assert "問題はありません" in run("check-clauses").stdout
    settings = run("settings").stdout
    instance = Path(settings.splitlines()[0].removeprefix("VENDORCHECK_INSTANCE_PATH="))
    assert not instance.is_relative_to(venv) and instance.is_relative_to(home)
    demo = run("demo").stdout
    assert "デモデータを読み込みました" in demo
    assert (instance / "vendorcheck.db").is_file()
    assert not list(venv.rglob("vendorcheck.db")) and not (venv / "instance").exists()

    pages = textwrap.dedent(
        """
        import time

        from vendorcheck.app import create_app
        from vendorcheck.store.models import Staff

        app = create_app()
        db = app.extensions["vendorcheck_db"]
        with db.connection_context():
            staff = Staff.get(Staff.role == "ciso")
            staff.must_change_password = False
            staff.save()
        client = app.test_client()
        with client.session_transaction() as session:
            session["staff_id"] = staff.id
            session["nonce"] = staff.session_nonce
            session["login_at"] = session["seen_at"] = int(time.time())
        for path in ("/clauses", "/questionnaires/"):
            response = client.get(path)
            print(path, response.status_code, len(response.get_data(as_text=True)))
            assert response.status_code == 200, path
        """
    )
    printed = _run([str(venv / SCRIPTS / "python"), "-c", pages], cwd=elsewhere, env=env).stdout
    assert "/clauses 200" in printed and "/questionnaires/ 200" in printed

    port = free_port()
    with running([command, "serve", "--port", str(port)], elsewhere, env, port) as server:
        login = requests.get(f"{server.base}/login", timeout=30)
        assert login.status_code == 200 and "ログイン" in login.text
        css = requests.get(f"{server.base}/static/css/app.css", timeout=30)
    assert "path=/login status=200" in server.output
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
