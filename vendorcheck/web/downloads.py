"""Files leave the application only as downloads the browser never renders or sniffs."""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import Response, flash

SVG_TYPE = "image/svg+xml"
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_PLAIN_NAME = re.compile(r"[A-Za-z0-9._ -]{1,200}")
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,10}")


def name_part(text: str, limit: int = 60, default: str = "案件") -> str:
    """A piece of a download's file name: no path or reserved characters, not too long."""
    return _UNSAFE_IN_NAME.sub("_", text).strip()[:limit] or default


def fallback_name(filename: str, stem: str) -> str:
    """An ASCII name for old clients: the name itself when plain, else the stem and extension."""
    if _PLAIN_NAME.fullmatch(filename):
        return filename
    extension = filename.rsplit(".", 1)[-1] if "." in filename else ""
    return stem + (f".{extension}" if _EXTENSION.fullmatch(extension) else "")


def attachment(data: bytes, filename: str, content_type: str, *, ascii_stem: str) -> Response:
    """Send bytes as an attachment; the real (Japanese) name goes in RFC 5987 filename*."""
    response = Response(data, mimetype=content_type)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{fallback_name(filename, ascii_stem)}"; '
        f"filename*=UTF-8''{quote(filename, safe='')}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def flash_download(message: str, url: str, link_text: str) -> None:
    """A success message that carries the download link of what was just made."""
    flash({"text": message, "url": url, "link": link_text}, "success")
