"""Connections kept per process (store/db.py) and queries with their SQL text kept
(store/prepared.py), on both databases: a request's connection goes back to the pool with no
transaction open, a forked child never uses its parent's connections, a kept query gives the
same rows as the query built anew."""

from __future__ import annotations

import os

from vendorcheck.services import dashboard_cache
from vendorcheck.services import staff as staff_service
from vendorcheck.store.db import close_request_connection, open_request_connection
from vendorcheck.store.models import Department, Staff


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
