"""Error pages in Japanese for every status the application returns."""

from __future__ import annotations

import errno
import logging
import re

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from vendorcheck.services.errors import Forbidden, NotFound

log = logging.getLogger("vendorcheck.web")

MESSAGES: dict[int, tuple[str, str]] = {
    400: (
        "要求の内容が正しくありません",
        "送信された内容を処理できませんでした。入力内容を確認して、もう一度お試しください。",
    ),
    403: (
        "この操作を行う権限がありません",
        "このページを利用する権限がありません。必要な場合は、システム管理者に役割の変更を依頼してください。",
    ),
    404: (
        "ページが見つかりません",
        "アドレスが間違っているか、ページが削除された可能性があります。",
    ),
    405: (
        "この方法ではアクセスできません",
        "ページの操作方法が正しくありません。画面のボタンやリンクから操作してください。",
    ),
    410: (
        "このリンクは無効になりました",
        "リンクの有効期限が切れたか、取り消されています。送信元の担当者に新しいリンクを依頼してください。",
    ),
    413: (
        "送信されたデータが大きすぎます",
        "ファイルまたは入力の合計が上限を超えています。サイズを小さくして、もう一度お試しください。",
    ),
    429: (
        "しばらく時間をおいてください",
        "短時間に多くの要求がありました。しばらく待ってから、もう一度お試しください。",
    ),
    507: (
        "保存する場所が足りません",
        "サーバーのディスクが一杯のため、保存できませんでした。今回の内容は保存されていません。"
        "時間をおいてもう一度お試しください。解決しない場合はシステム管理者に連絡してください"
        "（ディスクの空きを確保する必要があります）。",
    ),
    500: (
        "システムエラーが発生しました",
        "処理中に問題が発生しました。入力した内容は保存されていない可能性があります。時間をおいて再度お試しいただき、解決しない場合はシステム管理者に連絡してください。",
    ),
}


def render_error(status: int, detail: str | None = None):
    title, message = MESSAGES.get(status, MESSAGES[500])
    return render_template(
        "error.html", status=status, title=title, message=detail or message
    ), status


def _http_error(error: HTTPException):
    status = error.code or 500
    detail = getattr(error, "japanese_detail", None)
    return render_error(status if status in MESSAGES else 500 if status >= 500 else 400, detail)


def _csrf_error(_error: CSRFError):
    return render_error(
        400,
        "フォームの有効期限が切れたか、正しくない送信です。ブラウザでページを再読み込みしてから、"
        "もう一度送信してください。",
    )


def _not_found(error: NotFound):
    """A service found nothing for the ids in the URL: the Japanese 404 with its message
    (as JSON to a script that asks for JSON, such as the autosave)."""
    if request.accept_mimetypes.best == "application/json":
        return jsonify(ok=False, message=error.message), 404
    return render_error(404, error.message)


def loggable_path(path: str) -> str:
    """Hide a vendor link's token: tokens never appear in logs."""
    return re.sub(r"^/(p|c)/[^/]+", r"/\1/<token>", path)


def _forbidden(error: Forbidden):
    return render_error(403, error.message)


DISK_FULL_SIGNS = ("database or disk is full", "no space left on device", "disk full")


def _is_disk_full(error: BaseException | None) -> bool:
    """Is a full disk behind the error (SQLite's SQLITE_FULL, ENOSPC, PostgreSQL's 53100)?"""
    while error is not None:
        text = str(error).lower()
        if getattr(error, "errno", None) == errno.ENOSPC or any(s in text for s in DISK_FULL_SIGNS):
            return True
        if getattr(error, "pgcode", None) == "53100":
            return True
        error = error.__cause__ or error.__context__
    return False


def _unexpected(error: Exception):
    if _is_disk_full(error):
        log.error("disk full on %s %s: %s", request.method, loggable_path(request.path), error)
        return render_error(507)
    log.exception(
        "unhandled error on %s %s", request.method, loggable_path(request.path), exc_info=error
    )
    return render_error(500)


def install(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(Forbidden, _forbidden)
    app.register_error_handler(Exception, _unexpected)
