"""check-official-links: fetch each SNS account's page on the official website and record
whether the account's URL or handle appears on it (なりすまし対策, SNS-05). Fetching is careful:
http/https only, timeouts, a size cap, at most 3 redirects each checked again, and no private
or loopback address unless the operator allows it. Each run leases the accounts it checks, so
runs at the same time (cron on several machines) check each account once."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

from vendorcheck.domain import registers as reg
from vendorcheck.services import audit, register_flags
from vendorcheck.services.audit import Actor
from vendorcheck.store.db import database
from vendorcheck.store.leases import lease_rows
from vendorcheck.store.models import RegisterEntry, utcnow

MAX_REDIRECTS = 3
USER_AGENT = "vendorcheck/0.1 (check of the official SNS account list)"


@dataclass(frozen=True)
class FetchSettings:
    timeout_seconds: float = 10.0
    max_bytes: int = 2 * 1024 * 1024
    allow_private: bool = False


class FetchRefused(Exception):
    """The page could not be checked; the message (Japanese) says why."""


@dataclass(frozen=True)
class CheckResult:
    entry_id: int
    name: str
    url: str
    listed: bool | None  # None: the page could not be read
    note: str


def _check_address(url: str, settings: FetchSettings) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchRefused("http:// 又は https:// の URL だけを確認します")
    if not parts.hostname:
        raise FetchRefused("URL にホスト名がありません")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchRefused(f"ホスト名を解決できません（{error}）") from None
    if settings.allow_private:
        return
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            raise FetchRefused(f"内部向けのアドレス（{address}）には接続しません")


def fetch_page(url: str, settings: FetchSettings, session: requests.Session) -> str:
    """Return the page text, or raise FetchRefused with the reason."""
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        _check_address(current, settings)
        try:
            response = session.get(
                current,
                allow_redirects=False,
                stream=True,
                timeout=(settings.timeout_seconds, settings.timeout_seconds),
                headers={"User-Agent": USER_AGENT, "Accept": "text/html,text/plain;q=0.9"},
            )
        except requests.Timeout:
            raise FetchRefused("応答がタイムアウトしました") from None
        except requests.RequestException as error:
            raise FetchRefused(f"接続できません（{error.__class__.__name__}）") from None
        with response:
            if response.is_redirect:
                location = response.headers.get("Location", "")
                if not location:
                    raise FetchRefused("転送先が示されていません")
                current = urljoin(current, location)
                continue
            if response.status_code != 200:
                raise FetchRefused(f"ページを取得できません（HTTP {response.status_code}）")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > settings.max_bytes:
                raise FetchRefused("ページが大きすぎるため確認しませんでした")
            body = b""
            try:
                for chunk in response.iter_content(chunk_size=65536):
                    body += chunk
                    if len(body) > settings.max_bytes:
                        raise FetchRefused("ページが大きすぎるため確認しませんでした")
            except requests.RequestException:
                raise FetchRefused("ページの読み込み中に接続が切れました") from None
            return body.decode(response.encoding or "utf-8", errors="replace")
    raise FetchRefused(f"転送が{MAX_REDIRECTS}回を超えたため確認しませんでした")


def check_entry(entry: RegisterEntry, settings: FetchSettings, session: requests.Session):
    if not entry.official_page_url:
        return CheckResult(entry.id, entry.name, "", False, "公式ウェブサイトのページが未登録です")
    try:
        text = fetch_page(entry.official_page_url, settings, session)
    except FetchRefused as refused:
        return CheckResult(entry.id, entry.name, entry.official_page_url, None, str(refused))
    forms = reg.handle_forms(entry.account_handle, entry.url)
    if not forms:
        return CheckResult(
            entry.id, entry.name, entry.official_page_url, None, "URL・アカウント ID が未登録です"
        )
    listed = any(form in text for form in forms)
    note = "掲載を確認しました" if listed else "ページにアカウントの URL・ID が見つかりません"
    return CheckResult(entry.id, entry.name, entry.official_page_url, listed, note)


LEASE = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class CheckRun:
    """What one run did: its results, the accounts another run was checking at the time, and
    the accounts it released unchecked because half its lease had passed."""

    results: list[CheckResult]
    busy: int = 0
    left: int = 0


def _in_use():
    return RegisterEntry.select().where(
        RegisterEntry.entry_type == reg.SNS,
        RegisterEntry.status.in_((reg.APPROVED, reg.ACTIVE, reg.SUSPENDED)),
    )


def _claim() -> tuple[list[RegisterEntry], int]:
    """Lease the accounts no other run is checking, in a short transaction, so concurrent runs
    (on one machine or several) never check the same account; return them and how many are
    leased by another run. A run that dies leaves its lease, which ends after LEASE."""
    with database.atomic():
        now = utcnow()
        free = (
            _in_use()
            .where(
                RegisterEntry.link_check_leased_until.is_null()
                | (RegisterEntry.link_check_leased_until <= now)
            )
            .order_by(RegisterEntry.id)
        )
        entries = lease_rows(free, RegisterEntry.link_check_leased_until, now + LEASE)
        busy = _in_use().count() - len(entries)
    return entries, busy


def _release(entries: list[RegisterEntry]) -> None:
    if entries:
        with database.atomic():
            RegisterEntry.update(link_check_leased_until=None).where(
                RegisterEntry.id.in_([entry.id for entry in entries])
            ).execute()


def _checked(entries: list[RegisterEntry], settings: FetchSettings) -> list[CheckResult]:
    """Check the leased accounts in order until half the lease has passed."""
    started = time.monotonic()
    results = []
    with requests.Session() as session:
        session.trust_env = False  # no proxy from the environment: the address check must hold
        for entry in entries:
            if time.monotonic() - started > LEASE.total_seconds() / 2:
                break
            results.append(check_entry(entry, settings, session))
    return results


def _record(results: list[CheckResult]) -> None:
    """Write the results, end their lease and write one audit event, together."""
    with database.atomic():
        now = utcnow()
        for result in results:
            RegisterEntry.update(
                listed_on_website=result.listed,
                link_checked_at=now,
                link_check_note=result.note[:300],
                link_check_leased_until=None,
            ).where(RegisterEntry.id == result.entry_id).execute()
        register_flags.refresh_ids(result.entry_id for result in results)  # not_listed
        audit.record(
            Actor.system("check-official-links"),
            "register.link_check",
            "register_entry",
            "",
            f"公式ウェブサイトの掲載確認（{len(results)} 件: 掲載 "
            f"{sum(r.listed is True for r in results)} 件、未掲載 "
            f"{sum(r.listed is False for r in results)} 件、確認できず "
            f"{sum(r.listed is None for r in results)} 件）",
            after={"results": [(r.entry_id, r.listed, r.note) for r in results]},
        )


def check_official_links(settings: FetchSettings) -> CheckRun:
    """Check every SNS account in use that no other run is checking; write the results and one
    audit event together. A run that finds every account taken checks and writes nothing."""
    entries, busy = _claim()
    if not entries:
        return CheckRun([], busy)
    try:
        results = _checked(entries, settings)
        if results:
            _record(results)
    except BaseException:  # interrupted: the next run may check them at once
        _release(entries)
        raise
    _release(entries[len(results) :])
    return CheckRun(results, busy, len(entries) - len(results))
