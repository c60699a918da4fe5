"""Cases (案件): create, validate, edit, list with filters, and the dashboard counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.conftest import csrf_token
from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.jp import today_jst
from vendorcheck.services import assessment_board, invitations
from vendorcheck.services import cases as case_service
from vendorcheck.services.audit import Actor
from vendorcheck.services.questionnaires import catalogue
from vendorcheck.services.vendors import create_vendor
from vendorcheck.store.models import (
    Assessment,
    AuditEvent,
    Case,
    Department,
    Organisation,
    Submission,
    utcnow,
)

SYSTEM = Actor.system("test")


def case_form(**overrides) -> dict[str, str]:
    data = {
        "title": "住民情報システム運用保守業務委託",
        "kind": "system",
        "department_id": str(Department.get(Department.name == "事務部局").id),
        "classification_level": "2",
        "contract_start": "2030-04-01",
        "contract_end": "2031-03-31",
        "answer_deadline": (today_jst() + dt.timedelta(days=30)).isoformat(),
        "description": "運用保守の委託",
    }
    data.update(overrides)
    return data


def post_case(client, path: str = "/cases/new", **overrides):
    token = csrf_token(client, path)
    return client.post(path, data={"csrf_token": token, **case_form(**overrides)})


def make_case(**overrides) -> Case:
    """Create a case through the service (a test's starting point, not what it checks)."""
    values = {
        "title": "テスト案件",
        "kind": "outsourcing",
        "department_id": Department.get(Department.name == "事務部局").id,
        "classification_level": "2",
        "answer_deadline": today_jst() + dt.timedelta(days=30),
    }
    values.update(overrides)
    return case_service.create_case(SYSTEM, case_service.CaseInput(**values))


def invite(app, case: Case, *vendors, deadline: dt.date | None = None):
    questionnaire = catalogue(app.config).for_kind(case.kind)[0]
    return invitations.invite(
        SYSTEM,
        case,
        [v.id for v in vendors],
        questionnaire,
        deadline=deadline,
        language="ja",
        settings=invitations.LinkSettings(base_url="http://vendorcheck.test"),
    )


def test_officer_creates_a_case_with_tier_from_the_scheme_and_audit(client, login_as, db):
    login_as("officer")
    assert client.get("/cases/new").status_code == 200
    response = post_case(client)
    assert response.status_code == 302
    case = Case.get(Case.title == "住民情報システム運用保守業務委託")
    assert response.headers["Location"] == f"/cases/{case.id}"
    assert (case.kind, case.classification_level, case.tier) == ("system", "2", 2)
    assert case.contract_end == dt.date(2031, 3, 31) and case.department.name == "事務部局"
    event = AuditEvent.get(AuditEvent.action == "case.create")
    assert event.object_id == str(case.id) and '"tier": 2' in event.after
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "情報システムに関する業務委託" in page and "機密性2" in page and "令和12年4月1日" in page


def test_r6_scheme_levels_are_offered_and_stored_with_their_tier(client, login_as, db):
    Organisation.update(classification_scheme="r6").execute()
    login_as("officer")
    assert "自治体機密性3A" in client.get("/cases/new").get_data(as_text=True)
    assert post_case(client, classification_level="3A").status_code == 302
    case = Case.get()
    assert (case.classification_level, case.tier) == ("3A", 3)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": "  "}, "案件名を入力してください。"),
        ({"kind": ""}, "案件の種類を選択してください。"),
        ({"kind": "bogus"}, "案件の種類を選択してください。"),
        ({"department_id": ""}, "所管部局を選択してください。"),
        ({"department_id": "9999"}, "所管部局を一覧から選択してください。"),
        ({"classification_level": ""}, "取り扱う情報の分類を選択してください。"),
        ({"classification_level": "3A"}, "取り扱う情報の分類を一覧から選択してください。"),
        ({"contract_end": "2030-03-31"}, "契約終了日には契約開始日以降の日付を入力してください。"),
        ({"contract_start": "2030-02-30"}, "契約開始日は 2025-04-01 のように"),
        ({"answer_deadline": "2000-01-01"}, "回答期限には今日以降の日付を入力してください。"),
        ({"title": "件" * 201}, "案件名は200文字以内で入力してください。"),
        ({"description": "x" * 4001}, "概要は4000文字以内で入力してください。"),
    ],
)
def test_bad_case_input_is_refused_with_the_input_kept(client, login_as, db, overrides, message):
    login_as("officer")
    response = post_case(client, **{"title": "入力を保持する案件", **overrides})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    if "title" not in overrides:
        assert 'value="入力を保持する案件"' in html
    assert Case.select().count() == 0
    assert AuditEvent.select().where(AuditEvent.action == "case.create").count() == 0


def test_inactive_department_is_not_offered_or_accepted_for_a_new_case(client, login_as, db):
    department = Department.get(Department.name == "消防部局")
    Department.update(active=False).where(Department.id == department.id).execute()
    login_as("officer")
    assert "消防部局" not in client.get("/cases/new").get_data(as_text=True)
    response = post_case(client, department_id=str(department.id))
    assert response.status_code == 400 and "所管部局を一覧から選択" in response.get_data(
        as_text=True
    )


def test_full_width_dates_are_normalised(client, login_as, db):
    login_as("officer")
    response = post_case(client, contract_start="２０３０－０４－０１", contract_end="2031/03/31")
    assert response.status_code == 302
    case = Case.get()
    assert (case.contract_start, case.contract_end) == (dt.date(2030, 4, 1), dt.date(2031, 3, 31))


@pytest.mark.parametrize(
    ("kind", "level", "suggested"),
    [
        ("cloud", "1", "外部サービス（機密性2未満）"),
        ("cloud_light", "2", "外部サービス（機密性2以上）"),
        ("cloud_light", "3", "外部サービス（機密性2以上）"),
    ],
)
def test_cloud_kind_must_match_the_tier_cls02(client, login_as, db, kind, level, suggested):
    login_as("officer")
    response = post_case(client, kind=kind, classification_level=level)
    html = response.get_data(as_text=True)
    # the rule is CLS-02; staff read the kind to choose, not the requirement id (issue 16)
    assert response.status_code == 400 and suggested in html and "CLS-02" not in html
    assert Case.select().count() == 0
    fitting = "2" if kind == "cloud" else "1"
    assert post_case(client, kind=kind, classification_level=fitting).status_code == 302


def test_edit_case_is_audited_with_before_and_after(client, login_as, db):
    login_as("officer")
    case = make_case()
    page = client.get(f"/cases/{case.id}/edit").get_data(as_text=True)
    assert 'value="テスト案件"' in page
    response = post_case(client, f"/cases/{case.id}/edit", title="改題した案件", kind="outsourcing")
    assert response.status_code == 302
    assert Case.get_by_id(case.id).title == "改題した案件"
    event = AuditEvent.get(AuditEvent.action == "case.update")
    assert "テスト案件" in event.before and "改題した案件" in event.after
    bad = post_case(client, f"/cases/{case.id}/edit", contract_end="2000-01-01")
    assert bad.status_code == 400 and Case.get_by_id(case.id).contract_end == dt.date(2031, 3, 31)


def test_unchanged_past_deadline_can_be_kept_when_editing(client, login_as, db, today):
    login_as("officer")
    case = make_case()
    past = today - dt.timedelta(days=5)
    Case.update(answer_deadline=past).where(Case.id == case.id).execute()
    response = post_case(
        client, f"/cases/{case.id}/edit", kind="outsourcing", answer_deadline=past.isoformat()
    )
    assert response.status_code == 302


def test_unknown_case_is_404(client, login_as):
    login_as("officer")
    for path in ("/cases/4242", "/cases/4242/edit", "/cases/4242/invite"):
        response = client.get(path)
        assert response.status_code == 404 and "案件は登録されていません" in response.get_data(
            as_text=True
        )


def test_viewer_reads_cases_but_cannot_change_them(client, login_as, db):
    case = make_case()
    login_as("viewer")
    index = client.get("/cases/")
    assert index.status_code == 200 and "テスト案件" in index.get_data(as_text=True)
    assert "案件を作成する" not in index.get_data(as_text=True)
    detail = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "テスト案件" in detail and "案件を編集する" not in detail
    for path in ("/cases/new", f"/cases/{case.id}/edit", f"/cases/{case.id}/invite"):
        assert client.get(path).status_code == 403
    token = csrf_token(client, "/cases/")
    events = AuditEvent.select().count()
    for path in ("/cases/new", f"/cases/{case.id}/edit"):
        response = client.post(path, data={"csrf_token": token, **case_form(title="不正な変更")})
        assert response.status_code == 403
    assert Case.select().count() == 1 and Case.get_by_id(case.id).title == "テスト案件"
    assert AuditEvent.select().count() == events


def _vendor(name: str, email: str = ""):
    return create_vendor(SYSTEM, name=name, contact_email=email)


def test_list_filters_by_department_kind_status_and_text(app, client, login_as, db, today):
    fire = Department.get(Department.name == "消防部局")
    outsourcing = make_case(title="庁舎清掃業務委託")
    sns = make_case(title="公式Xアカウント", kind="sns", department_id=fire.id)
    system = make_case(title="基幹系システム更改", kind="system")
    alpha, beta = _vendor("アルファ株式会社"), _vendor("ベータ合同会社")
    invite(app, outsourcing, alpha)
    invite(app, system, beta, deadline=today + dt.timedelta(days=3))
    Assessment.update(deadline=today - dt.timedelta(days=1)).where(
        Assessment.case == system.id
    ).execute()
    login_as("ciso")  # sees every department; test_department_access covers the others

    def titles(query: str) -> set[str]:
        response = client.get(f"/cases/?{query}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        return {
            t for t in ("庁舎清掃業務委託", "公式Xアカウント", "基幹系システム更改") if t in html
        }

    assert titles("") == {"庁舎清掃業務委託", "公式Xアカウント", "基幹系システム更改"}
    assert titles(f"department={fire.id}") == {"公式Xアカウント"}
    assert titles("kind=system") == {"基幹系システム更改"}
    assert titles("status=invited") == {"庁舎清掃業務委託"}
    assert titles("status=expired") == {"基幹系システム更改"}
    assert titles("status=submitted") == set()
    assert titles("text=清掃") == {"庁舎清掃業務委託"}
    assert titles("text=ﾍﾞｰﾀ") == {"基幹系システム更改"}  # by vendor name, half-width kana
    assert len(titles("status=bogus&kind=nope&department=abc")) == 3  # bad filters are ignored
    page = client.get("/cases/?status=expired").get_data(as_text=True)
    assert "期限切れ: 1件" in page and '<form method="get"' in page
    assert sns.id and outsourcing.id


def _count_queries(db, monkeypatch) -> list[str]:
    executed: list[str] = []
    original = db.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        executed.append(sql)
        return original(sql, params, *args, **kwargs)

    monkeypatch.setattr(db, "execute_sql", counting)
    return executed


def test_list_and_dashboard_use_the_same_few_queries_however_many_rows(app, db, monkeypatch, today):
    first = make_case(title="一件目")
    invite(app, first, _vendor("一社目"))
    executed = _count_queries(db, monkeypatch)
    case_service.list_cases(case_service.CaseFilter())
    assessment_board.dashboard()
    few = len(executed)
    monkeypatch.undo()
    for n in range(5):
        case = make_case(title=f"案件{n}")
        invite(app, case, _vendor(f"事業者{n}a"), _vendor(f"事業者{n}b"), deadline=today)
    executed = _count_queries(db, monkeypatch)
    rows = case_service.list_cases(case_service.CaseFilter())
    board = assessment_board.dashboard()
    for row in rows:
        _ = row.case.department.name
    for a in board.upcoming:
        _ = (a.case.title, a.vendor.name)
    assert len(executed) == few <= 6
    assert len(rows) == 6 and board.counts[status.INVITED] == 11 and len(board.upcoming) == 10


def test_dashboard_counts_link_to_filtered_lists_and_shows_what_needs_attention(
    app, client, login_as, db, today
):
    soon = make_case(title="期限間近の案件")
    late = make_case(title="期限切れの案件")
    done = make_case(title="提出済みの案件")
    invite(app, soon, _vendor("間近株式会社"), deadline=today + dt.timedelta(days=5))
    invite(app, late, _vendor("遅延株式会社"), deadline=today + dt.timedelta(days=1))
    Assessment.update(deadline=today - dt.timedelta(days=2), status=status.IN_PROGRESS).where(
        Assessment.case == late.id
    ).execute()
    invite(app, done, _vendor("提出株式会社"))
    submitted = Assessment.get(Assessment.case == done.id)
    Submission.create(assessment=submitted, version=1, answers="{}", submitted_at=utcnow())
    Assessment.update(status=status.SUBMITTED, submitted_version=1).where(
        Assessment.id == submitted.id
    ).execute()
    login_as("viewer")
    html = client.get("/").get_data(as_text=True)
    counts = html.split('id="status-counts"')[1].split("</section>")[0]
    assert 'href="/cases/?status=invited">招待済み: 1件' in counts
    assert 'href="/cases/?status=expired">期限切れ: 1件' in counts
    assert 'href="/cases/?status=submitted">提出済み: 1件' in counts
    assert "回答中: 0件" in counts  # the overdue one counts as expired, not twice
    waiting = html.split('id="waiting-review"')[1].split("</section>")[0]
    overdue = html.split('id="overdue"')[1].split("</section>")[0]
    upcoming = html.split('id="upcoming"')[1].split("</section>")[0]
    assert "提出株式会社" in waiting and "第1版" in waiting
    assert "遅延株式会社" in overdue and "期限切れ" in overdue and "間近株式会社" not in overdue
    assert "間近株式会社" in upcoming and "遅延株式会社" not in upcoming
    assert "自分の最近の操作" in html  # the existing sections stay
    listed = client.get("/cases/?status=expired").get_data(as_text=True)
    assert "期限切れの案件" in listed and "期限間近の案件" not in listed
    assert re.search(r"招待済み: 1件", client.get("/cases/?status=invited").get_data(as_text=True))


def test_empty_dashboard_invites_officers_to_create_a_case(client, login_as, db):
    login_as("officer")
    html = client.get("/").get_data(as_text=True)
    assert "まだ事業者を招待した案件はありません" in html and 'href="/cases/new"' in html


def test_a_case_records_personal_information_and_specific_personal_information(
    client, login_as, db
):
    login_as("officer")
    response = post_case(client, personal_information="y", specific_personal_information="y")
    assert response.status_code == 302
    case = Case.get()
    assert case_service.handles_of(case) == {
        "personal_information",
        "specific_personal_information",
    }
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "特定個人情報（個人番号を含む情報）を取り扱う" in page
    event = AuditEvent.get(AuditEvent.action == "case.personal_information")
    assert '"specific": true' in event.after
    edit = client.get(f"/cases/{case.id}/edit").get_data(as_text=True)
    box = re.search(r'<input[^>]*id="specific_personal_information"[^>]*>', edit)
    assert box and "checked" in box.group(0)
