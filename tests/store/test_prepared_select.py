"""store.prepared.PreparedSelect: a select's text built once, its rows (joins included) the
same as running the query, values put in their places among the constants, and a value a
field would convert refused when the text is built."""

from __future__ import annotations

import datetime as dt

import pytest

from vendorcheck.store.models import Department, Staff
from vendorcheck.store.prepared import PreparedSelect, given


def _staff(key, since):
    return (
        Staff.select(Staff, Department)
        .join(Department)
        .where(Staff.role.in_(key), Staff.created_at >= since, Staff.active == True)  # noqa: E712
        .order_by(Staff.login_id)
        .limit(10)
    )


def test_rows_are_those_of_the_query_with_each_run_s_values(db, make_staff):
    make_staff("officer", login_id="a-officer")
    make_staff("viewer", login_id="b-viewer")
    make_staff("admin", login_id="c-admin")
    prepared = PreparedSelect(_staff)
    long_ago, tomorrow = dt.datetime(2000, 1, 1), dt.datetime.now() + dt.timedelta(days=1)
    for key in (("officer", "viewer"), ("admin",)):
        for since in (long_ago, tomorrow, long_ago):
            rows = prepared.rows(key, since)
            expected = list(_staff(key, since))
            assert [(s.id, s.department.name) for s in rows] == [
                (s.id, s.department.name) for s in expected
            ]
    assert [s.login_id for s in prepared.rows(("officer", "viewer"), long_ago)] == [
        "a-officer",
        "b-viewer",
    ]
    assert len(prepared._texts) == 2  # one text per database kind and key


def test_a_value_a_field_converts_is_refused(db):
    prepared = PreparedSelect(lambda key, active: Staff.select().where(Staff.active == active))
    with pytest.raises(ValueError, match="converted or left out"):
        prepared.rows(None, True)


def test_ids_given_in_a_list_are_values_with_a_text_per_number_of_them(db, make_staff):
    staff = [make_staff("officer", login_id=f"officer-{n}") for n in range(3)]
    prepared = PreparedSelect(
        lambda _key, *ids: Staff.select().where(Staff.id.in_(given(ids))).order_by(Staff.id)
    )
    ids = [s.id for s in staff]
    assert [s.login_id for s in prepared.rows(None, *ids)] == [s.login_id for s in staff]
    assert [s.id for s in prepared.rows(None, ids[2], ids[0])] == [ids[0], ids[2]]
    assert [s.id for s in prepared.rows(None, ids[1], ids[2])] == [ids[1], ids[2]]
    assert prepared.rows(None) == []
    assert len(prepared._texts) == 3  # two, three and no ids
