"""One access log line per request, with vendor link tokens masked.

The line is written to the ``vendorcheck.access`` logger when the response has been sent:
``2026-12-01T09:30:00+09:00 access method=GET path=/p/<token>/sections/1 status=200
ms=12.4 client=127.0.0.1`` (one line, key=value, easy to grep). ``vendorcheck serve`` and
``vendorcheck.wsgi`` send it to stdout; the query string is left out (it may carry data).
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from collections.abc import Callable, Iterable, Iterator

from vendorcheck.domain.jp import JST
from vendorcheck.web.errors import loggable_path

access_log = logging.getLogger("vendorcheck.access")


def access_line(method: str, path: str, status: str, milliseconds: float, client: str) -> str:
    return (
        f"{dt.datetime.now(JST).isoformat(timespec='seconds')} access method={method} "
        f"path={loggable_path(path) or '/'} status={status} ms={milliseconds:.1f} client={client}"
    )


class _Logged:
    """The response body; the line is written when the server closes it (after sending)."""

    def __init__(self, body: Iterable[bytes], on_close: Callable[[], None]) -> None:
        self._body = body
        self._on_close = on_close

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._body)

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._on_close()


class AccessLog:
    """WSGI middleware that logs each request once."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable):
        started = time.perf_counter()
        status = ["-"]

        def recording_start(status_line: str, headers, exc_info=None):
            status[0] = status_line.split(" ", 1)[0]
            return start_response(status_line, headers, exc_info)

        def write() -> None:
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    access_line(
                        environ.get("REQUEST_METHOD", "-"),
                        environ.get("PATH_INFO", ""),
                        status[0],
                        (time.perf_counter() - started) * 1000,
                        environ.get("REMOTE_ADDR", "-"),
                    )
                )

        try:
            body = self.app(environ, recording_start)
        except BaseException:
            status[0] = "500"
            write()
            raise
        return _Logged(body, write)


def log_to_stdout() -> None:
    """Send the access lines (and nothing else) to stdout, one per line."""
    if any(getattr(handler, "vendorcheck_stdout", False) for handler in access_log.handlers):
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.vendorcheck_stdout = True  # type: ignore[attr-defined]
    access_log.addHandler(handler)
    access_log.setLevel(logging.INFO)
    access_log.propagate = False
