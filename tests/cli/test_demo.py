"""vendorcheck demo: realistic data through the real services, only into an empty database."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from pathlib import Path

import docx
import pytest

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain import monitoring as rules
from vendorcheck.domain.jp import is_valid_corporate_number
from vendorcheck.domain.scorecard import (
    VERDICT_CONDITIONAL,
    VERDICT_CONFORMING,
    VERDICT_NONCONFORMING,
)
from vendorcheck.services import annexes as annex_service
from vendorcheck.services import clause_library as clause_service
from vendorcheck.services import contract_end, invitations, periodic_reports, review
from vendorcheck.services import staff as staff_service
from vendorcheck.services import vendors as vendor_service
from vendorcheck.services.assessments import latest_answers, questionnaire_of, read_draft
from vendorcheck.services.audit import Actor
from vendorcheck.services.organisation import get_organisation
from vendorcheck.store.models import (
    AccessToken,
    Assessment,
    AuditEvent,
    Case,
    ConflictResolution,
    Contract,
    CorrectiveRequest,
    Evidence,
    Finding,
    Incident,
    MailMessage,
    Remediation,
    ReviewComment,
    Staff,
    Vendor,
    VendorCertification,
)

ROOT = Path(__file__).resolve().parents[2]
LOGIN = re.compile(r"ログイン ID (\S+)\s+仮パスワード (\S+)")


@pytest.fixture
def demo(runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_prints_logins_that_work_for_every_role(demo):
    logins = dict(LOGIN.findall(demo))
    assert set(logins) == {"admin", "ciso", "officer", "viewer"}
    roles = {login_id: Staff.get(Staff.login_id == login_id).role for login_id in logins}
    assert roles == {"admin": "admin", "ciso": "ciso", "officer": "officer", "viewer": "viewer"}
    for login_id, password in logins.items():
        staff = staff_service.authenticate(login_id, password, "127.0.0.1")
        assert staff.must_change_password
    assert "http://vendorcheck.test/login" in demo


def test_demo_produces_each_state_and_one_case_of_each_vendor_answered_kind(demo):
    assert get_organisation().name == "架空市"
    assert get_organisation().classification_scheme == "r6"
    # the SNS case is an outsourced operation (運用委託), answered with the vendor questionnaire
    assert {case.kind for case in Case.select()} == {"outsourcing", "system", "cloud", "sns"}
    assert Case.select().count() == 4
    sns = Assessment.select().join(Case).where(Case.kind == "sns")
    assert {questionnaire_of(a).id for a in sns} == {"sns_outsourcing"}
    assert {a.status for a in Assessment.select()} == set(status.STORED)
    vendors = list(Vendor.select())
    assert 6 <= len(vendors) <= 8
    assert all(is_valid_corporate_number(vendor.corporate_number) for vendor in vendors)
    assert VendorCertification.select().count() >= len(vendors) - 1
    actions = {event.action for event in AuditEvent.select(AuditEvent.action)}
    assert {
        "staff.create",
        "vendor.create",
        "case.create",
        "assessment.invite",
        "assessment.submit",
        "assessment.return",
        "assessment.accept",
        "assessment.reject",
        "remediation.accept",
    } <= actions
    assert MailMessage.select().count() >= Assessment.select().count()  # invitations at least


def test_demo_assessments_look_answered_by_real_vendors(demo):
    in_progress = Assessment.get(Assessment.status == status.IN_PROGRESS)
    questionnaire = questionnaire_of(in_progress)
    answered = read_draft(in_progress).answers
    assert 0 < len(answered) < len(questionnaire.questions), "a partial draft"
    returned = Assessment.get(Assessment.status == status.RETURNED)
    comments = ReviewComment.select().where(ReviewComment.assessment == returned)
    assert comments.count() >= 2 and returned.submitted_version == 1
    accepted = (
        Assessment.select()
        .where(Assessment.status == status.ACCEPTED)
        .order_by(Assessment.id)
        .get()
    )  # the first one
    assert accepted.decided_by.role == "ciso" and accepted.decision_reason
    assert review.scorecard(accepted).verdict == VERDICT_CONFORMING
    rejected = Assessment.get(Assessment.status == status.REJECTED)
    assert rejected.decision_reason
    evidence = list(Evidence.select())
    assert evidence and all(bytes(item.data).startswith(b"%PDF-") for item in evidence)
    answers, version = latest_answers(accepted)
    assert version == 1
    assert is_valid_corporate_number(answers["company.corporate_number"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", answers["cert.isms_expiry"])
    assert "主要株主" in answers["org.capital_officers"], "text answers in Japanese"
    assert accepted.vendor.address in answers["org.work_locations"]


def test_demo_prints_a_working_link_for_each_open_assessment(demo):
    urls = re.findall(r"http://vendorcheck\.test/p/([A-Za-z0-9_-]+)/", demo)
    open_ids = {
        a.id for a in Assessment.select().where(Assessment.status.in_(status.EDITABLE_BY_VENDOR))
    }
    assert len(urls) == len(open_ids) == 3
    settings = invitations.LinkSettings("http://vendorcheck.test")
    assert {invitations.resolve_link(t, "127.0.0.1", settings).id for t in urls} == open_ids
    # every assessment has a link; a returned one also got a fresh link in its return mail
    with_links = AccessToken.select(AccessToken.assessment).distinct().count()
    assert with_links == Assessment.select().count()
    returned = Assessment.get(Assessment.status == status.RETURNED)
    assert AccessToken.select().where(AccessToken.assessment == returned).count() == 2


def test_cloud_bidders_differ_clearly_for_the_comparison(demo):
    cloud = Case.get(Case.kind == "cloud")
    bidders = list(Assessment.select().where(Assessment.case == cloud))
    assert len(bidders) >= 5
    assert sorted(b.status for b in bidders).count(status.ACCEPTED) == 1  # the chosen one
    assert {b.status for b in bidders} == {status.SUBMITTED, status.ACCEPTED}
    cards = {bidder.vendor.name: review.scorecard(bidder) for bidder in bidders}
    verdicts = [card.verdict for card in cards.values()]
    assert VERDICT_CONFORMING in verdicts and VERDICT_NONCONFORMING in verdicts
    assert len({card.total for card in cards.values()}) == len(cards), "clearly different"
    failing = [card for card in cards.values() if card.verdict == VERDICT_NONCONFORMING]
    assert any(gap.severity == "mandatory" and not gap.remediated for gap in failing[0].gaps)
    remediated = [
        card
        for card in cards.values()
        if card.verdict == VERDICT_CONDITIONAL and any(gap.remediated for gap in card.gaps)
    ]
    assert len(remediated) == 1
    mandatory = [gap for gap in remediated[0].gaps if gap.severity == "mandatory"]
    assert mandatory and all(gap.remediated for gap in mandatory)
    assert Remediation.select().where(Remediation.accepted == True).count() == len(  # noqa: E712
        {gap.question_id for gap in mandatory}
    )
    assert {bidder.language for bidder in bidders} == {"ja", "en"}


def test_demo_refuses_to_run_twice(runner, demo):
    counts = (Vendor.select().count(), Case.select().count(), AuditEvent.select().count())
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 1
    assert "既にデータがあります" in again.output and "空のデータベース" in again.output
    assert (Vendor.select().count(), Case.select().count(), AuditEvent.select().count()) == counts


def test_demo_refuses_a_database_with_real_data(runner, db):
    vendor_service.create_vendor(Actor.system("test"), name="株式会社ほんもの")
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 1 and "事業者 1 件" in result.output
    assert Staff.select().count() == 0 and Case.select().count() == 0


def test_demo_refuses_when_staff_other_than_administrators_exist(runner, db, make_staff):
    make_staff("viewer")
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 1 and "管理者以外の職員 1 名" in result.output


def test_demo_after_init_keeps_the_existing_administrator(runner, db):
    assert runner.invoke(args=["init"]).exit_code == 0
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "ログイン ID admin" in result.output and "既存のアカウント" in result.output
    assert Staff.select().where(Staff.role == "admin").count() == 1


def test_demo_leaves_nothing_behind_when_it_fails_halfway(app, runner, db, tmp_path):
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    for name in ("outsourcing", "system"):  # no cloud questionnaire
        shutil.copy(ROOT / "questionnaires" / f"{name}.toml", folder)
    app.config["QUESTIONNAIRES_DIR"] = str(folder)
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 1 and "確認書が見つかりません" in result.output
    assert (Staff.select().count(), Vendor.select().count(), Case.select().count()) == (0, 0, 0)
    assert get_organisation().name != "架空市"


def test_demo_register_has_flagged_sns_accounts_services_and_a_change_of_responsible(demo):
    from vendorcheck.domain import registers as reg
    from vendorcheck.services.official_accounts import official_accounts
    from vendorcheck.services.registers import entry_flags
    from vendorcheck.store.models import RegisterEntry, RegisterPerson, UseApplication

    sns = list(RegisterEntry.select().where(RegisterEntry.entry_type == reg.SNS))
    services = list(RegisterEntry.select().where(RegisterEntry.entry_type == reg.SERVICE))
    assert len(sns) >= 5 and len(services) >= 5
    flags = {entry.name: entry_flags(entry) for entry in sns}
    assert any("no_mfa" in f for f in flags.values())
    assert any("not_listed" in f for f in flags.values())
    cloud = next(e for e in services if e.case_id)
    assert cloud.case.kind == "cloud" and cloud.assessment.status == status.ACCEPTED
    assert cloud.status == reg.ACTIVE
    waiting = UseApplication.get(UseApplication.kind == "cloud_light")
    assert waiting.status == reg.SUBMITTED and waiting.entry.status == reg.APPLIED
    changed = RegisterPerson.select().where(RegisterPerson.reason.contains("交代"))
    assert changed.count() == 1
    assert len(official_accounts()) == len(sns)
    assert not Assessment.select().join(Case).where(Case.kind == "cloud_light").exists()
    answered = {questionnaire_of(a).respondent for a in Assessment.select()}
    assert answered == {"vendor"}, "a department self-check is never sent to a vendor"


def test_demo_has_a_running_and_a_closing_contract(demo):
    running = Contract.get(Contract.status == rules.ACTIVE)
    reports = periodic_reports.reports_of(running)
    assert reports[0].status == "accepted"
    overdue = periodic_reports.overdue_reports(dt.datetime.now(dt.UTC).replace(tzinfo=None))
    assert [r.id for r in overdue] == [reports[1].id]
    incident = Incident.get(Incident.contract == running)
    assert incident.late and Finding.get(Finding.source == "incident").source_id == incident.id
    assert CorrectiveRequest.get(CorrectiveRequest.contract == running).status == "open"
    closing = Contract.get(Contract.status == rules.CLOSING)
    items = {item.key: item.status for item in contract_end.items_of(closing)}
    assert items == {
        "return": "confirmed",
        "disposal": "submitted",
        "certificate": "open",
        "accounts": "open",
    }
    assert "契約履行中の事業者用リンク" in demo and demo.count("/c/") == 2
    assert closing.register_entry.assessment_id == closing.assessment_id  # the cloud service
    assert running.register_entry_id is None  # an outsourcing contract is for no service


def _annex_text(row) -> tuple[list[str], str]:
    document = docx.Document(io.BytesIO(annex_service.docx_bytes(row)))
    headings = [p.text for p in document.paragraphs if p.style.name == "VC Article Heading"]
    return headings, "\n".join(p.text for p in document.paragraphs)


def test_demo_has_a_resolved_contract_conflict_and_a_final_annex_for_each_kind(demo, app):
    clauses = clause_service.clause_library(app.config)
    positions = clause_service.clause_positions(app.config)
    accepted = {
        a.case.kind: a
        for a in Assessment.select()
        .where(Assessment.status == status.ACCEPTED)
        .order_by(Assessment.id.desc())
    }
    assert set(accepted) == {"outsourcing", "system", "cloud", "sns"}
    for kind, assessment in accepted.items():
        inputs = annex_service.gather(assessment, clauses=clauses, positions=positions)
        assert inputs.conflicts and not inputs.unresolved, kind
        assert (
            ConflictResolution.select().where(ConflictResolution.assessment == assessment).exists()
        )
        row = annex_service.generate(
            Actor.system("test"), assessment, clauses=clauses, positions=positions
        )
        headings, text = _annex_text(row)
        assert headings[0].endswith("（定義）") and headings[-2].endswith("（個別条件）"), kind
        assert "回答している" not in text and "（回答なし）" not in text, kind
        if kind == "outsourcing":  # 住民税課税資料: 個人番号 included
            assert any(h.endswith("（個人情報の保護）") for h in headings)
            assert any(h.endswith("（特定個人情報の取扱い）") for h in headings)
            assert "個人情報保護法第６６条第２項" in text and "番号法" in text
        if kind == "sns":
            assert "ソーシャルメディアサービス：LINE公式アカウント" in text
            assert "アカウント名：架空市公式（LINE ID: @kakuu_city）" in text
