"""Staff administration, departments and organisation settings."""

from __future__ import annotations

import re

from tests.conftest import csrf_token, login
from vendorcheck.store.models import AuditEvent, Department, Organisation, Staff


def _create(client, **data):
    token = csrf_token(client, "/admin/staff/new")
    return client.post("/admin/staff/new", data={"csrf_token": token, "department_id": "0", **data})


def test_admin_creates_staff_and_sees_the_one_time_password_once(app, client, login_as, db):
    login_as("admin")
    response = _create(
        client,
        login_id="tanaka",
        display_name="田中 一郎",
        email="tanaka@example.jp",
        role="officer",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "仮パスワード" in html
    password = re.search(r'<code class="secret">([^<]+)</code>', html).group(1)
    staff = Staff.get(Staff.login_id == "tanaka")
    assert staff.must_change_password and staff.password_hash.startswith("scrypt:")
    assert password not in staff.password_hash
    event = AuditEvent.get(
        AuditEvent.action == "staff.create", AuditEvent.summary.contains("tanaka")
    )
    assert "tanaka" in event.summary and '"role": "officer"' in event.after
    other = app.test_client()
    assert login(other, "tanaka", password).headers["Location"] == "/password"


def test_duplicate_or_malformed_login_ids_are_refused_with_input_kept(client, login_as, db):
    login_as("admin")
    _create(client, login_id="sato", display_name="佐藤", role="viewer")
    duplicate = _create(client, login_id="sato", display_name="別の佐藤", role="viewer")
    html = duplicate.get_data(as_text=True)
    assert duplicate.status_code == 400 and "既に使われています" in html
    assert 'value="別の佐藤"' in html  # nothing the user typed is lost
    bad = _create(client, login_id="<script>", display_name="x", role="viewer")
    assert bad.status_code == 400 and "半角英数字" in bad.get_data(as_text=True)
    assert "<script>" not in bad.get_data(as_text=True).split("</h1>", 1)[1].split("<form")[0]
    no_role = _create(client, login_id="nobody", display_name="x", role="superuser")
    assert no_role.status_code == 400
    assert Staff.select().where(Staff.login_id.in_(["nobody"])).count() == 0


def test_changing_role_and_disabling_is_audited_and_ends_sessions(
    app, client, login_as, make_staff, db
):
    login_as("admin")
    target = make_staff("officer", login_id="suzuki")
    target_client = app.test_client()
    login(target_client, "suzuki")
    token = csrf_token(client, f"/admin/staff/{target.id}")
    response = client.post(
        f"/admin/staff/{target.id}",
        data={
            "csrf_token": token,
            "display_name": "鈴木",
            "email": "",
            "role": "viewer",
            "department_id": "1",
        },
    )
    assert response.status_code == 302
    changed = Staff.get_by_id(target.id)
    assert changed.role == "viewer" and not changed.active and changed.department.name == "事務部局"
    event = AuditEvent.get(AuditEvent.action == "staff.update")
    assert '"role": "officer"' in event.before and '"role": "viewer"' in event.after
    assert target_client.get("/").status_code == 302  # the disabled account's session ended


def test_last_admin_cannot_be_demoted(client, login_as, db):
    admin = login_as("admin")
    token = csrf_token(client, f"/admin/staff/{admin.id}")
    response = client.post(
        f"/admin/staff/{admin.id}",
        data={
            "csrf_token": token,
            "display_name": "管理者",
            "role": "viewer",
            "active": "y",
            "department_id": "0",
        },
    )
    assert response.status_code == 400
    assert Staff.get_by_id(admin.id).role == "admin"


def test_reset_password_gives_a_new_one_time_password(client, login_as, make_staff, db):
    login_as("admin")
    target = make_staff("viewer", login_id="yamada")
    token = csrf_token(client, "/admin/staff")
    response = client.post(f"/admin/staff/{target.id}/reset-password", data={"csrf_token": token})
    assert response.status_code == 200 and "仮パスワード" in response.get_data(as_text=True)
    assert Staff.get_by_id(target.id).must_change_password
    assert (
        client.post("/admin/staff/99999/reset-password", data={"csrf_token": token}).status_code
        == 302
    )


def test_unknown_staff_id_is_404(client, login_as):
    login_as("admin")
    assert client.get("/admin/staff/424242").status_code == 404


def test_departments_are_seeded_and_editable(client, login_as, db):
    login_as("admin")
    html = client.get("/admin/departments").get_data(as_text=True)
    for name in ("事務部局", "監査委員部局", "消防部局", "議会事務局"):
        assert name in html
    token = csrf_token(client, "/admin/departments")
    assert (
        client.post("/admin/departments", data={"csrf_token": token, "name": "企業局"}).status_code
        == 302
    )
    duplicate = client.post("/admin/departments", data={"csrf_token": token, "name": "企業局"})
    assert duplicate.status_code == 400 and "既に登録されています" in duplicate.get_data(
        as_text=True
    )
    empty = client.post("/admin/departments", data={"csrf_token": token, "name": "  "})
    assert empty.status_code == 400 and "部局名を入力してください。" in empty.get_data(as_text=True)
    too_long = client.post("/admin/departments", data={"csrf_token": token, "name": "部" * 101})
    assert too_long.status_code == 400
    department = Department.get(Department.name == "企業局")
    renamed = client.post(
        f"/admin/departments/{department.id}", data={"csrf_token": token, "name": "公営企業局"}
    )
    assert renamed.status_code == 302
    assert Department.get_by_id(department.id).name == "公営企業局"
    assert not Department.get_by_id(department.id).active  # unticked checkbox disables
    assert AuditEvent.select().where(AuditEvent.object_type == "department").count() == 2


def test_organisation_settings_are_saved_and_validated(client, login_as, db):
    login_as("admin")
    token = csrf_token(client, "/admin/organisation")
    data = {
        "csrf_token": token,
        "name": "架空市",
        "classification_scheme": "r6",
        "classification_extra_levels": "2A=2\n2B=2",
        "party_terms": "kou",
        "incident_report_hours": "24",
    }
    assert client.post("/admin/organisation", data=data).status_code == 302
    organisation = Organisation.get()
    assert (organisation.name, organisation.classification_scheme, organisation.party_terms) == (
        "架空市",
        "r6",
        "kou",
    )
    page = client.get("/admin/organisation").get_data(as_text=True)
    assert "2A" in page and "自治体機密性3A" in page
    bad_levels = client.post(
        "/admin/organisation", data={**data, "classification_extra_levels": "2A=9"}
    )
    assert bad_levels.status_code == 400 and "区分=段階" in bad_levels.get_data(as_text=True)
    bad_hours = client.post("/admin/organisation", data={**data, "incident_report_hours": "abc"})
    assert bad_hours.status_code == 400
    bad_scheme = client.post("/admin/organisation", data={**data, "classification_scheme": "nope"})
    assert bad_scheme.status_code == 400
    assert Organisation.get().classification_extra_levels == "2A=2\n2B=2"
    assert AuditEvent.select().where(AuditEvent.action == "organisation.update").count() == 1
