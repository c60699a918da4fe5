"""Connections kept per process (store/db.py) and queries with their SQL text kept
(store/prepared.py), on both databases: a request's connection goes back to the pool with no
transaction open, a forked child never uses its parent's connections, a kept query gives the
same rows as the query built anew."""

from __future__ import annotations

import os

from tests.invitation import invite_vendor
from vendorcheck.services import audit, dashboard_cache
from vendorcheck.services import staff as staff_service
from vendorcheck.services.audit import Actor
from vendorcheck.services.invitations import LinkSettings, resolve_link
from vendorcheck.store.db import (
    bind,
    close_request_connection,
    open_database,
    open_request_connection,
)
from vendorcheck.store.models import Assessment, Case, Department, Staff, Vendor


def test_a_request_reuses_the_pooled_connection_and_rolls_back_what_it_left_open(app, db):
    db.close()
    open_request_connection()
    first = db.connection()
    db.execute_sql("BEGIN")  # a handler that began a transaction by hand and failed
    Department.create(name="途中", sort_order=99)
    close_request_connection()
    open_request_connection()
    assert db.connection() is first  # the same connection: no new PRAGMAs, no new session
    assert not Department.select().where(Department.name == "途中").exists()
    close_request_connection()


def test_a_forked_child_opens_its_own_connection(app, db):
    db.connect(reuse_if_open=True)
    parent = db.connection()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer whether it got a connection of its own that works
        try:
            ok = db.connection() is not parent and db.execute_sql("SELECT 1").fetchone()[0] == 1
            os.write(writer, b"1" if ok else b"0")
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(reader, 1) == b"1"
    assert db.connection() is parent and db.execute_sql("SELECT 1").fetchone()[0] == 1


def test_kept_queries_give_what_the_query_built_anew_gives(app, db, make_staff):
    member = make_staff("officer")
    found = staff_service.find_staff(member.id)
    assert found.__data__ == Staff.get_by_id(member.id).__data__
    assert staff_service.find_staff(member.id + 1000) is None
    newest = dashboard_cache.data_stamp()
    assert newest[0] > 0 and newest[1] > 0


def test_a_kept_query_with_joins_gives_the_joined_rows_without_more_queries(app, db):
    link = invite_vendor(
        app.config,
        kind="cloud",
        base_url="http://vendorcheck.test",
        vendor_name="株式会社結合",
        contact_email="join@example.jp",
        case_title="結合の確認",
    )
    token = link.url.rstrip("/").rsplit("/", 1)[-1]
    settings = LinkSettings("http://vendorcheck.test")
    resolve_link(token, "127.0.0.1", settings)  # the first use builds the text
    queries = []
    original = db.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        queries.append(sql)
        return original(sql, params, *args, **kwargs)

    db.execute_sql = counting
    try:
        opened = resolve_link(token, "127.0.0.1", settings)
        seen = (opened.case.title, opened.vendor.name, opened.case.department)
    finally:
        del db.execute_sql
    assert len(queries) == 2  # the throttle count and the link with its rows; none lazily
    expected = Assessment.get_by_id(link.assessment.id)
    assert opened.__data__ == expected.__data__
    assert opened.case.__data__ == Case.get_by_id(expected.case_id).__data__
    assert seen == ("結合の確認", "株式会社結合", None)  # no department: the outer join says so
    assert opened.vendor.__data__ == Vendor.get_by_id(expected.vendor_id).__data__


def test_a_stream_closed_late_closes_its_own_database_not_the_one_bound_now(app, db, tmp_path):
    audit.record(Actor.system("テスト"), "test.event", "test", 1, "流す記録")
    stream = audit.iter_all(audit.AuditFilter())
    assert next(stream).action  # the stream holds a connection of the app's database
    other = open_database(f"sqlite:///{tmp_path / 'other.db'}")
    bind(other)  # another application's database is bound (as the next test's app does)
    try:
        with other.connection_context(), other.atomic():
            other.execute_sql("CREATE TABLE kept (n INTEGER)")
            stream.close()  # the dropped stream is collected now
            assert not other.is_closed() and other.in_transaction()
            other.execute_sql("INSERT INTO kept (n) VALUES (1)")
        with other.connection_context():
            assert other.execute_sql("SELECT n FROM kept").fetchone()[0] == 1
    finally:
        bind(db)
