"""check-official-links against a real HTTP server on loopback: found, not found, redirect
chain, timeout, oversized page, private addresses refused unless allowed, the User-Agent, and
the lease that keeps a second run off the accounts a first one is checking."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.registers_entries import make_entry
from vendorcheck.domain import registers as reg
from vendorcheck.services import official_links
from vendorcheck.services.registers import entry_flags
from vendorcheck.store.models import AuditEvent, RegisterEntry, utcnow

ALLOWED = official_links.FetchSettings(timeout_seconds=1.0, max_bytes=4096, allow_private=True)


def _check(page: str, settings=ALLOWED, **entry) -> RegisterEntry:
    created = make_entry(official_page_url=page, **entry)
    official_links.check_official_links(settings)
    return RegisterEntry.get_by_id(created.id)


def test_an_account_listed_on_the_page_is_recorded_as_listed(db, http_server):
    url = http_server.serve(
        "/sns.html",
        '<ul><li><a href="https://x.com/kakuu_city">架空市公式 X</a></li></ul>',
        content_type="text/html; charset=utf-8",
    )
    entry = _check(url, url="https://x.com/kakuu_city", account_handle="@kakuu_city")
    assert entry.listed_on_website is True and entry.link_checked_at is not None
    assert http_server.headers[-1]["User-Agent"].startswith("vendorcheck/")
    assert AuditEvent.select().where(AuditEvent.action == "register.link_check").count() == 1


def test_an_account_missing_from_the_page_is_flagged(db, http_server):
    url = http_server.serve("/sns.html", "<p>公式アカウント: @other_city</p>")
    entry = _check(url, url="https://x.com/kakuu_city", account_handle="kakuu_city")
    assert entry.listed_on_website is False
    assert "not_listed" in entry_flags(entry)


def test_a_chain_of_three_redirects_is_followed_and_a_fourth_is_refused(db, http_server):
    http_server.serve("/final", "@kakuu_city")
    for hop, target in (("/r3", "/final"), ("/r2", "/r3"), ("/r1", "/r2")):
        http_server.serve(hop, "", 302, headers={"Location": target})
    followed = _check(http_server.base_url + "/r1", account_handle="@kakuu_city")
    assert followed.listed_on_website is True
    http_server.serve("/r0", "", 301, headers={"Location": "/r1"})
    refused = _check(http_server.base_url + "/r0", account_handle="@kakuu_city", name="別の項目")
    assert refused.listed_on_website is None and "転送が3回を超えた" in refused.link_check_note


def test_a_slow_page_times_out(db, http_server):
    url = http_server.serve("/slow", "@kakuu_city", delay=2.5)
    entry = _check(url, account_handle="@kakuu_city")
    assert entry.listed_on_website is None and "タイムアウト" in entry.link_check_note


def test_an_oversized_page_is_not_read(db, http_server):
    url = http_server.serve("/big", "x" * 10000 + "@kakuu_city")
    entry = _check(url, account_handle="@kakuu_city")
    assert entry.listed_on_website is None and "大きすぎる" in entry.link_check_note


def test_private_and_loopback_addresses_are_refused_by_default(db, http_server):
    url = http_server.serve("/sns.html", "@kakuu_city")
    entry = _check(
        url, official_links.FetchSettings(timeout_seconds=1.0), account_handle="@kakuu_city"
    )
    assert entry.listed_on_website is None and "内部向けのアドレス" in entry.link_check_note
    assert http_server.requests == []


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "http:// 又は https://"),
        ("ftp://example.jp/list", "http:// 又は https://"),
        ("http://10.0.0.1/list", "内部向けのアドレス"),
        ("http://[::1]/list", "内部向けのアドレス"),
    ],
)
def test_other_schemes_and_private_targets_are_refused_without_a_request(url, message):
    with pytest.raises(official_links.FetchRefused, match=message):
        official_links.fetch_page(url, official_links.FetchSettings(), None)


def test_the_command_prints_each_result(runner, db, http_server):
    runner.app.config["OFFICIAL_LINKS_ALLOW_PRIVATE"] = True
    url = http_server.serve("/sns.html", "https://x.com/kakuu_city")
    make_entry(official_page_url=url, url="https://x.com/kakuu_city")
    result = runner.invoke(args=["check-official-links"])
    assert result.exit_code == 0, result.output
    assert "掲載あり" in result.output and "1 件を確認しました" in result.output
    assert RegisterEntry.get().status == reg.ACTIVE


def test_an_account_another_run_is_checking_is_left_to_it_until_its_lease_ends(
    runner, db, http_server
):
    runner.app.config["OFFICIAL_LINKS_ALLOW_PRIVATE"] = True
    url = http_server.serve("/sns.html", "https://x.com/kakuu_city")
    entry = make_entry(official_page_url=url, url="https://x.com/kakuu_city")
    leased = utcnow() + dt.timedelta(minutes=5)
    RegisterEntry.update(link_check_leased_until=leased).execute()
    result = runner.invoke(args=["check-official-links"])
    assert result.exit_code == 0, result.output
    assert "1 件は別の check-official-links が確認中のため" in result.output
    assert http_server.requests == []
    assert AuditEvent.select().where(AuditEvent.action == "register.link_check").count() == 0
    assert RegisterEntry.get_by_id(entry.id).link_checked_at is None

    # a run that died leaves its lease; once the lease ends, the next run checks the account
    RegisterEntry.update(link_check_leased_until=utcnow() - dt.timedelta(seconds=1)).execute()
    run = official_links.check_official_links(ALLOWED)
    assert [r.entry_id for r in run.results] == [entry.id] and run.busy == 0
    assert RegisterEntry.get_by_id(entry.id).link_check_leased_until is None
    assert AuditEvent.select().where(AuditEvent.action == "register.link_check").count() == 1


def test_with_no_account_in_use_the_command_says_so_and_records_nothing(runner, db):
    make_entry(official_page_url="http://127.0.0.1:9/", status=reg.RETIRED)
    result = runner.invoke(args=["check-official-links"])
    assert result.exit_code == 0, result.output
    assert "確認する SNS アカウント（承認済み・利用中・休止中）はありません" in result.output
    assert AuditEvent.select().where(AuditEvent.action == "register.link_check").count() == 0
