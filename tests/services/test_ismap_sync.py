"""vendorcheck ismap sync against a real HTTP server on loopback: 200, 304 with ETag, 404,
500 then 200, slow, oversized, wrong content type, an HTML error page, and the lock."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from vendorcheck.services import ismap_import, ismap_sync
from vendorcheck.services.audit import Actor
from vendorcheck.store.models import IsmapEntry, IsmapImport, IsmapSource

LIST = "登録番号,サービス名,事業者名\r\nC21-0008-2,架空クラウド,株式会社架空\r\n".encode("cp932")
CSV = "text/csv; charset=shift_jis"
ACTOR = Actor.system("test")
LISTS = ismap_import.ListSettings.from_config({})


class ListServer:
    """Each path answers a queue of (status, headers, body, delay); the last one repeats."""

    def __init__(self) -> None:
        self.answers: dict[str, list[tuple[int, dict, bytes, float]]] = {}
        self.seen: list[tuple[str, dict]] = []
        self.base_url = ""

    def route(self, path: str, *answers: tuple[int, dict, bytes, float]) -> str:
        self.answers[path] = list(answers)
        return self.base_url + path


@pytest.fixture
def list_server() -> Iterator[ListServer]:
    state = ListServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            state.seen.append((self.path, dict(self.headers)))
            queue = state.answers.get(self.path) or [(404, {}, b"not found", 0)]
            status, headers, body, delay = queue.pop(0) if len(queue) > 1 else queue[0]
            if delay:
                time.sleep(delay)
            etag = headers.get("ETag")
            if status == 200 and etag and self.headers.get("If-None-Match") == etag:
                status, body = 304, b""
            self.send_response(status)
            for name, value in {"Content-Type": "text/plain", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def settings_for(url: str, **extra) -> ismap_sync.SyncSettings:
    values = {"urls": (("ismap", url),), "timeout": 2, "retries": 2, "backoff": 0.01}
    return ismap_sync.SyncSettings(**{**values, **extra})


def run(url: str, **extra) -> ismap_sync.SyncOutcome:
    (outcome,) = ismap_sync.sync(settings_for(url, **extra), LISTS, ACTOR)
    return outcome


def test_200_imports_then_304_with_etag_imports_nothing(db, list_server):
    url = list_server.route("/list.csv", (200, {"Content-Type": CSV, "ETag": '"v1"'}, LIST, 0))
    first = run(url)
    assert first.state == "imported" and IsmapEntry.select().count() == 1
    source = IsmapSource.get(IsmapSource.url == url)
    assert source.etag == '"v1"' and source.succeeded and source.locked_until is None
    second = run(url)
    assert second.state == "unchanged" and "変わっていません" in second.message
    assert list_server.seen[-1][1].get("If-None-Match") == '"v1"'
    assert IsmapImport.select().count() == 1


def test_500_then_200_succeeds_on_retry(db, list_server):
    url = list_server.route(
        "/flaky.csv", (500, {}, b"oops", 0), (200, {"Content-Type": CSV}, LIST, 0)
    )
    assert run(url).state == "imported"
    assert len(list_server.seen) == 2


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ((404, {}, b"no", 0), "HTTP 404"),
        ((500, {}, b"down", 0), "HTTP 500"),
        ((200, {"Content-Type": "image/png"}, b"\x89PNG", 0), "Content-Type"),
        ((200, {"Content-Type": "text/csv; charset=euc-jp"}, LIST, 0), "euc-jp"),
        ((200, {"Content-Type": CSV}, b"x" * 5000, 0), "大きすぎます"),
        ((200, {"Content-Type": CSV}, LIST, 3), "応答がありませんでした"),
        (
            (
                200,
                {"Content-Type": "text/html; charset=utf-8"},
                "<html><body><h1>メンテナンス中</h1></body></html>".encode(),
                0,
            ),
            "表が見つかりません",
        ),
    ],
)
def test_failures_leave_the_stored_list_untouched_with_a_japanese_reason(
    db, list_server, answer, message
):
    good = list_server.route("/good.csv", (200, {"Content-Type": CSV}, LIST, 0))
    run(good)
    url = list_server.route("/bad", answer)
    outcome = run(url, max_bytes=4000, timeout=1, retries=1)
    assert outcome.failed and message in outcome.message
    assert IsmapEntry.select().where(IsmapEntry.removed_on.is_null()).count() == 1
    source = IsmapSource.get(IsmapSource.url == url)
    assert not source.succeeded and message in source.result and source.locked_until is None


def test_unreachable_server_is_retried_then_reported(db):
    outcome = run("http://127.0.0.1:9/list.csv", retries=1)
    assert outcome.failed and "接続できませんでした" in outcome.message


def test_a_running_sync_holds_the_lock(db, list_server):
    url = list_server.route("/list.csv", (200, {"Content-Type": CSV}, LIST, 0))
    source = ismap_sync._source(url)
    assert ismap_sync._lock(source)
    outcome = run(url)
    assert outcome.state == "busy" and IsmapEntry.select().count() == 0


def test_sync_command_reports_and_exits_1_on_failure(app, runner, db, list_server):
    url = list_server.route("/list.csv", (200, {"Content-Type": CSV}, LIST, 0))
    app.config.update(ISMAP_SYNC_URL=url, ISMAP_SYNC_RETRIES=0)
    done = runner.invoke(args=["ismap", "sync"])
    assert done.exit_code == 0 and "取り込みました" in done.output
    app.config.update(ISMAP_SYNC_URL=list_server.base_url + "/missing")
    failed = runner.invoke(args=["ismap", "sync"])
    assert failed.exit_code == 1 and "HTTP 404" in failed.output
    app.config.update(ISMAP_SYNC_URL="")
    unset = runner.invoke(args=["ismap", "sync"])
    assert unset.exit_code == 2 and "ISMAP_SYNC_URL" in unset.output


def test_the_same_bytes_without_etag_are_imported_once(db, list_server):
    """Another process (or a server without validators) fetching an unchanged list again."""
    url = list_server.route("/plain.csv", (200, {"Content-Type": CSV}, LIST, 0))
    assert run(url).state == "imported"
    second = run(url)
    assert second.state == "unchanged" and "前回取り込んだものと同じ" in second.message
    assert IsmapImport.select().count() == 1
    list_server.route("/plain.csv", (200, {"Content-Type": CSV}, LIST + LIST[-40:], 0))
    assert run(url).state in ("imported", "failed")  # new bytes are read again
