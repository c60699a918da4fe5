"""Fixtures of real parts: SQLite files and PostgreSQL schemas, an SMTP server, an HTTP
server, a live app server and Chromium through Playwright."""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from tests.commands import command_runner
from tests.page_checker import page_problems
from vendorcheck.app import create_app
from vendorcheck.domain.jp import today_jst
from vendorcheck.services.organisation import UNSET_NAME
from vendorcheck.store.db import bind, open_database
from vendorcheck.store.migrate import apply_migrations
from vendorcheck.store.models import ALL_MODELS, Department, Organisation

REQUIRE_ALL = os.environ.get("VENDORCHECK_REQUIRE_ALL") == "1"
PG_URL = os.environ.get("VENDORCHECK_TEST_DATABASE_URL", "")
CHROMIUM = os.environ.get("VENDORCHECK_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "Correct-Horse-Battery-9"
TEST_ORGANISATION = "テスト市"


def missing(reason: str) -> None:
    """Skip locally; fail under VENDORCHECK_REQUIRE_ALL=1 (CI), where nothing may be skipped."""
    if REQUIRE_ALL:
        pytest.fail(f"VENDORCHECK_REQUIRE_ALL=1 but {reason}", pytrace=False)
    pytest.skip(reason)


# --- databases -----------------------------------------------------------------------------


def _seed_defaults() -> None:
    """Recreate the rows migration 0001 seeds (PostgreSQL tests truncate between tests)."""
    from importlib.util import module_from_spec, spec_from_file_location

    from vendorcheck.store.db import MIGRATIONS_DIR

    spec = spec_from_file_location("m0001", MIGRATIONS_DIR / "0001_foundation.py")
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    Organisation.create(name=UNSET_NAME)
    for order, name in enumerate(module.DEPARTMENTS, start=1):
        Department.create(name=name, sort_order=order)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = open_database(f"sqlite:///{path}")
    apply_migrations(db)
    with db.connection_context():  # the file is copied: everything out of the WAL into it
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close_all()
    return path


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[str]:
    if not PG_URL:
        missing("VENDORCHECK_TEST_DATABASE_URL is not set: PostgreSQL tests not run")
    schema = f"vctest_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = open_database(PG_URL)
    try:
        admin.connect()
    except Exception as exc:
        missing(f"PostgreSQL at {PG_URL} is not reachable: {exc}")
    admin.execute_sql(f'CREATE SCHEMA "{schema}"')
    admin.close_all()
    url = _with_search_path(PG_URL, schema)
    db = open_database(url)
    apply_migrations(db)
    db.close_all()
    yield url
    admin.connect()
    admin.execute_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.close_all()


def _with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


def _truncate_all(url: str) -> None:
    db = open_database(url)
    bind(db)
    with db.connection_context():
        tables = ", ".join(f'"{m._meta.table_name}"' for m in ALL_MODELS)
        db.execute_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        _seed_defaults()
    db.close_all()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        target = tmp_path / "vendorcheck.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}"
    url = request.getfixturevalue("pg_schema")
    _truncate_all(url)
    return url


# --- the application -----------------------------------------------------------------------


class CheckedClient(FlaskClient):
    """A test client that checks every HTML page it receives. Every response is read to its
    end and closed at once, as a WSGI server does: a streamed one (the audit CSV) left unread
    would otherwise be closed whenever the collector finds it, inside a later test, popping
    that test's contexts (and once interrupting CPython's compiler: "AST constructor
    recursion depth mismatch")."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        response = super().open(*args, **kwargs)
        if response.mimetype == "text/html" and not (300 <= response.status_code < 400):
            problems = page_problems(response.get_data(as_text=True))
            assert not problems, f"page checks failed for {response.request.path}: {problems}"
        return response


@pytest.fixture
def app(database_url, tmp_path):
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret-key",
            "BASE_URL": "http://vendorcheck.test",
        }
    )
    application.test_client_class = CheckedClient
    db = application.extensions["vendorcheck_db"]
    with db.connection_context():
        apply_migrations(db)
        # Invitations need an organisation that is set up; tests of the first run reset it.
        Organisation.update(name=TEST_ORGANISATION).execute()
    yield application
    if hasattr(db, "close_all"):
        db.close_all()
    elif not db.is_closed():
        db.close()


@pytest.fixture
def db(app):
    """An open connection for tests that call services directly."""
    database = app.extensions["vendorcheck_db"]
    database.connect(reuse_if_open=True)
    yield database
    if not database.is_closed():
        database.close()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return command_runner(app)


def home_department() -> Department:
    """The department test staff and cases belong to unless a test says otherwise."""
    return Department.get(Department.name == "事務部局")


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, f"no csrf token on {path}"
    return match.group(1)


@dataclass
class StaffFactory:
    app: object
    created: list = field(default_factory=list)

    def __call__(self, role: str = "officer", login_id: str | None = None, **extra):
        from vendorcheck.services import staff as staff_service
        from vendorcheck.services.audit import Actor

        db = self.app.extensions["vendorcheck_db"]
        with db.connection_context():
            if "department_id" not in extra:  # cases of tests belong to 事務部局 too
                extra["department_id"] = home_department().id
            staff, _ = staff_service.create_staff(
                Actor.system("test"),
                login_id=login_id or f"{role}{len(self.created) + 1}",
                display_name=extra.pop("display_name", f"{role} テスト"),
                role=role,
                password=PASSWORD,
                **extra,
            )
        self.created.append(staff)
        return staff


@pytest.fixture
def make_staff(app) -> StaffFactory:
    return StaffFactory(app)


def login(client: FlaskClient, login_id: str, password: str = PASSWORD):
    token = csrf_token(client, "/login")
    return client.post(
        "/login", data={"login_id": login_id, "password": password, "csrf_token": token}
    )


@pytest.fixture
def login_as(client, make_staff):
    """Log the test client in as a new staff member of a role; return the staff row."""

    def _login(role: str = "officer"):
        staff = make_staff(role)
        response = login(client, staff.login_id)
        assert response.status_code == 302, response.get_data(as_text=True)
        return staff

    return _login


# --- real servers on loopback --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class SmtpServer:
    host: str
    port: int
    messages: list = field(default_factory=list)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on loopback that keeps every message it receives."""
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    server = SmtpServer("127.0.0.1", free_port())

    class Handler:
        async def handle_DATA(self, _server, _session, envelope):
            message = message_from_bytes(envelope.original_content, policy=policy.default)
            server.messages.append(
                {"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "message": message}
            )
            return "250 OK"

    controller = Controller(Handler(), hostname=server.host, port=server.port)
    controller.start()
    yield server
    controller.stop()


@dataclass
class HttpServer:
    base_url: str
    routes: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)
    headers: list = field(default_factory=list)  # the request headers, in order

    def serve(
        self,
        path: str,
        body: bytes | str,
        status: int = 200,
        content_type: str = "text/plain; charset=utf-8",
        headers: dict | None = None,
        delay: float = 0.0,
    ):
        """Answer GET path; headers (e.g. Location) are added, delay seconds pass first."""
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = (status, content_type, data, headers or {}, delay)
        return self.base_url + path


@pytest.fixture
def http_server() -> Iterator[HttpServer]:
    """A real HTTP server on loopback answering the routes a test registers."""
    state = HttpServer("")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            state.requests.append(self.path)
            state.headers.append(dict(self.headers))
            status, content_type, body, headers, delay = state.routes.get(
                self.path, (404, "text/plain", b"not found", {}, 0.0)
            )
            if delay:
                time.sleep(delay)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


class CheckedPages:
    """WSGI middleware for the live server: every HTML page it serves to the browser goes
    through the same page checks as the test client's pages (raw ids, labels, one h1…)."""

    def __init__(self, app):
        self.app = app
        self.problems: list[str] = []

    def __call__(self, environ, start_response):
        seen = {}

        def remember(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, dict(headers)
            return start_response(status, headers, exc_info)

        body = b"".join(self.app(environ, remember))
        content_type = seen.get("headers", {}).get("Content-Type", "")
        if content_type.startswith("text/html") and not seen["status"].startswith("3"):
            path = environ.get("PATH_INFO", "")
            found = page_problems(body.decode("utf-8", "replace"))
            self.problems += [f"{path}: {problem}" for problem in found]
        return [body]


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app served by a real threaded HTTP server on loopback; its HTML pages are checked."""
    checked = CheckedPages(app)
    server = make_server("127.0.0.1", 0, checked, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    assert not checked.problems, "page checks failed on served pages:\n" + "\n".join(
        sorted(set(checked.problems))[:20]
    )


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        missing(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def today():
    """Today in Japan, read when the test runs: a date read when the module is imported goes
    stale when a run crosses midnight in Japan (15:00 UTC) and the app's own today moves on."""
    return today_jst()
