"""One access log line per request, with vendor link tokens masked.

The line is written to the ``vendorcheck.access`` logger when the response starts (``ms`` is
the time the application took to answer, before the body is sent):
``2026-12-01T09:30:00+09:00 access method=GET path=/p/<token>/sections/1 status=200
ms=12.4 client=127.0.0.1`` (one line, key=value, easy to grep). ``vendorcheck serve`` and
``vendorcheck.wsgi`` send it to stdout; the query string is left out (it may carry data).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sys
import time
from collections.abc import Callable

from vendorcheck.domain.jp import JST
from vendorcheck.web.errors import loggable_path

access_log = logging.getLogger("vendorcheck.access")
TOKEN_IN_TEXT = re.compile(r"/(p|c)/[^/\s\"?]+")  # a vendor or contract link anywhere in a line


def mask_tokens(text: str) -> str:
    """Replace the token of every vendor or contract link in a line by <token>."""
    return TOKEN_IN_TEXT.sub(r"/\1/<token>", text)


class TokenMaskingFilter(logging.Filter):
    """A logging filter for other servers' access logs (gunicorn's ``gunicorn.access``): the
    line is formatted, then every link token in it is masked (docs/OPERATIONS.md)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = mask_tokens(record.getMessage()), None
        return True


def access_line(method: str, path: str, status: str, milliseconds: float, client: str) -> str:
    return (
        f"{dt.datetime.now(JST).isoformat(timespec='seconds')} access method={method} "
        f"path={loggable_path(path) or '/'} status={status} ms={milliseconds:.1f} client={client}"
    )


class AccessLog:
    """WSGI middleware that logs each request once."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable):
        started = time.perf_counter()
        logged = False

        def write(status: str) -> None:
            nonlocal logged
            logged = True
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    access_line(
                        environ.get("REQUEST_METHOD", "-"),
                        environ.get("PATH_INFO", ""),
                        status,
                        (time.perf_counter() - started) * 1000,
                        environ.get("REMOTE_ADDR", "-"),
                    )
                )

        def logging_start(status_line: str, headers, exc_info=None):
            write(status_line.split(" ", 1)[0])  # before the body goes out: never lost
            return start_response(status_line, headers, exc_info)

        try:
            return self.app(environ, logging_start)
        except BaseException:
            if not logged:
                write("500")
            raise


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
