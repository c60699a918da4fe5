"""Sync the ISMAP lists from the configured URLs: conditional requests (ETag / Last-Modified),
timeouts, retries with backoff, a size cap, content checks, and a lock in the database so
that cron runs at the same time (on one machine or several) never import twice."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import requests
from peewee import IntegrityError

from vendorcheck.domain import ismap as lists
from vendorcheck.domain.uploads import XLSX_TYPE
from vendorcheck.services.audit import Actor
from vendorcheck.services.ismap_import import ImportRefused, ImportReport, ListSettings, import_file
from vendorcheck.store.db import database
from vendorcheck.store.models import IsmapSource, utcnow

LOCK_MINUTES = 15
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
ACCEPTED_TYPES = frozenset(
    {
        "text/csv",
        "application/csv",
        "text/plain",
        "text/tab-separated-values",
        XLSX_TYPE,
        "application/octet-stream",
        "text/html",
        "application/xhtml+xml",
    }
)
ACCEPTED_CHARSETS = frozenset(
    {"utf-8", "utf8", "shift_jis", "shift-jis", "cp932", "windows-31j", "sjis"}
)
USER_AGENT = "vendorcheck-ismap-sync/1"


@dataclass(frozen=True)
class SyncSettings:
    urls: tuple[tuple[str, str], ...]  # (list kind, URL)
    timeout: float = 30
    retries: int = 3
    max_bytes: int = 20 * 1024 * 1024
    backoff: float = 1.0  # seconds before the first retry; doubled each time

    @classmethod
    def from_config(cls, config: Mapping[str, object]) -> SyncSettings:
        urls = tuple(
            (kind, str(config.get(name) or "").strip())
            for kind, name in ((lists.ISMAP, "ISMAP_SYNC_URL"), (lists.LIU, "ISMAP_LIU_SYNC_URL"))
            if str(config.get(name) or "").strip()
        )
        return cls(
            urls,
            float(config.get("ISMAP_SYNC_TIMEOUT_SECONDS") or 30),  # type: ignore[arg-type]
            int(config.get("ISMAP_SYNC_RETRIES") or 0),  # type: ignore[call-overload]
            int(config.get("ISMAP_MAX_MB") or 20) * 1024 * 1024,  # type: ignore[call-overload]
        )


@dataclass(frozen=True)
class SyncOutcome:
    url: str
    list_kind: str
    state: str  # imported, unchanged, busy, failed
    message: str
    report: ImportReport | None = None

    @property
    def failed(self) -> bool:
        return self.state == "failed"


class FetchError(Exception):
    """The list could not be fetched; the message is Japanese."""


def _source(url: str) -> IsmapSource:
    found = IsmapSource.get_or_none(IsmapSource.url == url)
    if found is not None:
        return found
    try:
        with database.atomic():
            return IsmapSource.create(url=url)
    except IntegrityError:  # another run created it at the same moment
        return IsmapSource.get(IsmapSource.url == url)


def _lock(source: IsmapSource) -> bool:
    now = utcnow()
    with database.atomic():
        taken = (
            IsmapSource.update(locked_until=now + dt.timedelta(minutes=LOCK_MINUTES))
            .where(
                IsmapSource.id == source.id,
                IsmapSource.locked_until.is_null() | (IsmapSource.locked_until < now),
            )
            .execute()
        )
    return taken == 1


def _record(source: IsmapSource, **changes) -> None:
    with database.atomic():
        IsmapSource.update(locked_until=None, checked_at=utcnow(), **changes).where(
            IsmapSource.id == source.id
        ).execute()


def _media_type(response: requests.Response) -> tuple[str, str]:
    raw = response.headers.get("Content-Type", "")
    media, _, params = raw.partition(";")
    charset = ""
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.strip().lower(), charset


def _body(response: requests.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(
            f"リストが大きすぎます（{int(declared):,} バイト、上限 {max_bytes:,} バイト）。"
        )
    chunks, size = [], 0
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"リストが大きすぎます（上限 {max_bytes:,} バイト）。")
        chunks.append(chunk)
    return b"".join(chunks)


def fetch(
    url: str,
    source: IsmapSource,
    settings: SyncSettings,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[int, bytes, requests.structures.CaseInsensitiveDict]:
    """GET with validators, retrying timeouts, connection errors and 5xx with backoff."""
    headers = {"User-Agent": USER_AGENT}
    if source.etag:
        headers["If-None-Match"] = source.etag
    if source.last_modified:
        headers["If-Modified-Since"] = source.last_modified
    problem = ""
    for attempt in range(settings.retries + 1):
        if attempt:
            sleep(settings.backoff * 2 ** (attempt - 1))
        try:
            with requests.get(
                url, headers=headers, timeout=settings.timeout, stream=True, allow_redirects=True
            ) as response:
                if response.status_code in RETRY_STATUSES:
                    problem = f"サーバーが HTTP {response.status_code} を返しました"
                    continue
                if response.status_code == 304:
                    return 304, b"", response.headers
                if response.status_code != 200:
                    raise FetchError(
                        f"リストを取得できません（HTTP {response.status_code}）。URL が正しいか確認してください。"
                    )
                media, charset = _media_type(response)
                if media and media not in ACCEPTED_TYPES:
                    raise FetchError(
                        f"リストではない形式が返されました（Content-Type: {media}）。URL を確認してください。"
                    )
                if charset and charset not in ACCEPTED_CHARSETS:
                    raise FetchError(
                        f"文字コード {charset} のリストは読めません（UTF-8 又は Shift_JIS のみ）。"
                    )
                return 200, _body(response, settings.max_bytes), response.headers
        except requests.Timeout:
            problem = f"{settings.timeout:g} 秒以内に応答がありませんでした"
        except requests.ConnectionError:
            problem = "接続できませんでした"
        except requests.RequestException as error:
            raise FetchError(f"リストを取得できません（{type(error).__name__}）。") from error
    raise FetchError(f"リストを取得できません（{problem}。{settings.retries + 1} 回試しました）。")


def sync_one(
    kind: str,
    url: str,
    settings: SyncSettings,
    list_settings: ListSettings,
    actor: Actor,
    sleep: Callable[[float], None] = time.sleep,
) -> SyncOutcome:
    source = _source(url)
    if not _lock(source):
        return SyncOutcome(url, kind, "busy", "別の同期が実行中のため、今回は何もしませんでした。")
    try:
        status, data, headers = fetch(url, source, settings, sleep)
        if status == 304:
            message = "リストは前回の取り込みから変わっていません（取り込みは不要でした）。"
            _record(source, result=message, succeeded=True)
            return SyncOutcome(url, kind, "unchanged", message)
        digest = hashlib.sha256(data).hexdigest()
        last = IsmapSource.get_by_id(source.id)  # as the last sync, in any process, left it
        if last.succeeded and digest == last.content_sha256:
            message = "取得したリストは前回取り込んだものと同じです（取り込みは不要でした）。"
            _record(source, result=message, succeeded=True)
            return SyncOutcome(url, kind, "unchanged", message)
        report = import_file(data, url, list_settings, actor, default_list=kind, how="sync")
    except (FetchError, ImportRefused) as error:
        message = f"{error} 保存しているリストは変更していません。"
        if isinstance(error, ImportRefused):
            message = f"取得した内容をリストとして読めません: {error}"
        _record(source, result=message, succeeded=False)
        return SyncOutcome(url, kind, "failed", message)
    except BaseException:
        _record(source, result="同期が中断されました。", succeeded=False)
        raise
    message = f"リストを取り込みました（追加 {len(report.added)} 件、変更 {len(report.changed)} 件、削除 {len(report.removed)} 件）。"
    _record(
        source,
        result=message,
        succeeded=True,
        synced_at=utcnow(),
        content_sha256=digest,
        etag=(headers.get("ETag") or "")[:300],
        last_modified=(headers.get("Last-Modified") or "")[:100],
    )
    return SyncOutcome(url, kind, "imported", message, report)


def sync(
    settings: SyncSettings,
    list_settings: ListSettings,
    actor: Actor,
    sleep: Callable[[float], None] = time.sleep,
) -> list[SyncOutcome]:
    """Sync every configured list; an unreachable or wrong list changes nothing stored."""
    return [
        sync_one(kind, url, settings, list_settings, actor, sleep) for kind, url in settings.urls
    ]
