"""A contract for a service links to its register entry (chosen when the contract is made or
later on the contract page, shown on both pages); a review of the entry asks for the
re-confirmation of the contract's answers, pre-filled like every reuse."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token
from tests.monitoring_helpers import SYSTEM, make_contract
from tests.registers_entries import make_entry
from tests.registers_helpers import as_user, staff_of
from tests.web.test_annexes import make_assessment
from vendorcheck.domain import assessment_status
from vendorcheck.domain import registers as reg
from vendorcheck.domain.questionnaire.carry import PREVIOUS
from vendorcheck.services import annexes as annex_service
from vendorcheck.services import clause_library as clause_service
from vendorcheck.services import review
from vendorcheck.services.assessments import read_draft
from vendorcheck.store.models import (
    Assessment,
    AuditEvent,
    Contract,
    MailMessage,
    Reconfirmation,
    RegisterEntry,
)


@pytest.fixture
def officer(client, make_staff, db):
    staff = staff_of(make_staff, "officer")
    as_user(client, staff)
    return staff


def _service_entry(**fields) -> RegisterEntry:
    return make_entry(entry_type=reg.SERVICE, name="文書管理クラウド", **fields)


def test_the_entry_of_the_assessment_is_offered_when_a_contract_is_made(app, client, officer):
    assessment = make_assessment(app, "outsourcing")
    assessment = review.decide(
        SYSTEM, assessment, assessment_status.ACCEPTED, "試験のため承認", confirm_pending=True
    )
    annex_service.generate(
        SYSTEM,
        assessment,
        clauses=clause_service.clause_library(app.config),
        positions=clause_service.clause_positions(app.config),
    )
    entry = _service_entry(assessment=assessment.id)
    make_entry(entry_type=reg.SERVICE, name="よその部局のサービス", department="消防部局")
    make_entry(name="公式 X")  # an SNS account is no choice
    path = f"/assessments/{assessment.id}/contract"
    page = client.get(path).get_data(as_text=True)
    assert f'<option selected value="{entry.id}">文書管理クラウド' in page or (
        f'value="{entry.id}" selected' in page
    )
    assert "よその部局のサービス" not in page and "公式 X" not in page
    data = {
        "csrf_token": csrf_token(client, path),
        "annex_version": "1",
        "number": "R9-100",
        "title": "文書管理クラウドの利用契約",
        "starts_on": "2027-04-01",
        "ends_on": "2028-03-31",
        "responsible_person": "阿蘇 太郎",
        "contact_email": "report@example.jp",
        "report_frequency": "quarterly",
        "report_due_days": "10",
        "register_entry": str(entry.id),
    }
    other = RegisterEntry.get(RegisterEntry.name == "よその部局のサービス")
    refused = client.post(path, data={**data, "register_entry": str(other.id)})
    assert refused.status_code == 400
    assert "契約と同じ部局の台帳の項目を選んでください。" in refused.get_data(as_text=True)
    assert not Contract.select().exists()
    created = client.post(path, data=data)
    assert created.status_code == 302
    contract = Contract.get(Contract.number == "R9-100")
    assert contract.register_entry_id == entry.id
    detail = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert f'href="/registers/{entry.id}"' in detail and "文書管理クラウド" in detail
    entry_page = client.get(f"/registers/{entry.id}").get_data(as_text=True)
    assert "R9-100" in entry_page and f'href="/contracts/{contract.id}"' in entry_page


def test_staff_link_and_unlink_an_entry_on_the_contract_page(app, client, officer):
    contract, _ = make_contract(app)
    entry = _service_entry()
    sns = make_entry(name="公式 Instagram")
    path = f"/contracts/{contract.id}/register-entry"
    token = csrf_token(client, f"/contracts/{contract.id}")
    refused = client.post(path, data={"csrf_token": token, "register_entry": str(sns.id)})
    assert refused.status_code == 302
    assert Contract.get_by_id(contract.id).register_entry_id is None
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "外部サービスの台帳の項目だけです" in page
    linked = client.post(path, data={"csrf_token": token, "register_entry": str(entry.id)})
    assert linked.status_code == 302
    assert Contract.get_by_id(contract.id).register_entry_id == entry.id
    event = AuditEvent.get(AuditEvent.action == "contract.register_link")
    assert "文書管理クラウド" in event.summary
    assert "R8-契-001" in client.get(f"/registers/{entry.id}").get_data(as_text=True)
    listing = client.get("/contracts/").get_data(as_text=True)
    assert "文書管理クラウド" in listing
    client.post(path, data={"csrf_token": token, "register_entry": "0"})
    assert Contract.get_by_id(contract.id).register_entry_id is None
    assert "この項目に結び付いた契約はありません" in client.get(f"/registers/{entry.id}").get_data(
        as_text=True
    )
    bogus = client.post(path, data={"csrf_token": token, "register_entry": "9" * 30})
    assert bogus.status_code == 302  # a number no row has is "no entry": nothing breaks


def test_a_review_of_the_entry_asks_for_the_re_confirmation(app, client, officer):
    contract, _ = make_contract(app)
    entry = _service_entry()
    Contract.update(register_entry=entry).where(Contract.id == contract.id).execute()
    path = f"/registers/{entry.id}/reconfirmation"
    token = csrf_token(client, f"/registers/{entry.id}")
    before = client.post(path, data={"csrf_token": token, "contract_id": str(contract.id)})
    assert before.status_code == 302
    assert "先に定期点検の結果を記録してください" in client.get(f"/registers/{entry.id}").get_data(
        as_text=True
    )
    assert not Reconfirmation.select().exists()
    items = [key for key, _ in reg.review_items(reg.SERVICE)]
    client.post(
        f"/registers/{entry.id}/reviews",
        data={"csrf_token": token, "item": items[:-1], "note": "契約の回答を確かめる"},
    )
    page = client.get(f"/registers/{entry.id}").get_data(as_text=True)
    assert "点検を受けて再確認を依頼する（R8-契-001）" in page
    asked = client.post(path, data={"csrf_token": token, "contract_id": str(contract.id)})
    assert asked.status_code == 302
    row = Reconfirmation.get()
    assert row.contract_id == contract.id and row.register_review.entry_id == entry.id
    draft = read_draft(Assessment.get_by_id(row.assessment_id))
    assert draft.answers and set(draft.carried.values()) == {PREVIOUS}
    mail = MailMessage.select().order_by(MailMessage.id.desc()).first()
    assert "定期点検" in mail.body and mail.to_address == "report@example.jp"
    page = client.get(f"/registers/{entry.id}").get_data(as_text=True)
    assert "回答待ち・評価待ち" in page and "点検を受けて再確認を依頼する" not in page
    again = client.post(path, data={"csrf_token": token, "contract_id": str(contract.id)})
    assert again.status_code == 302 and Reconfirmation.select().count() == 1
    other, _ = make_contract(app, number="R8-別", vendor_name="別の事業者")
    missing = client.post(path, data={"csrf_token": token, "contract_id": str(other.id)})
    assert missing.status_code == 404  # not this entry's contract
    assert "台帳の定期点検から" in client.get(f"/contracts/{contract.id}").get_data(as_text=True)


def test_staff_of_another_department_cannot_ask_from_the_review(app, client, make_staff, db):
    contract, _ = make_contract(app)
    entry = _service_entry()
    Contract.update(register_entry=entry).where(Contract.id == contract.id).execute()
    as_user(client, staff_of(make_staff, "officer", department="消防部局"))
    token = csrf_token(client, "/")
    response = client.post(
        f"/registers/{entry.id}/reconfirmation",
        data={"csrf_token": token, "contract_id": str(contract.id)},
    )
    assert response.status_code == 403 and not Reconfirmation.select().exists()
