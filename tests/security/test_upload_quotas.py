"""The one evidence quota on every table of stored files beside the portal's: the self-check of a
use application, a register entry's retirement proof and a contract's evidence by link
(count and bytes per subject and per owner, from the settings), and Office zips whose directory
declares an absurd unpacked size, refused on each. Nothing is stored when a file is refused."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from tests.answering import TINY_PDF
from tests.monitoring_helpers import SYSTEM, make_contract, token_of
from tests.registers_entries import make_entry
from tests.registers_helpers import apply_for_sns, as_user, staff_of
from vendorcheck.domain.access import SYSTEM_READER
from vendorcheck.domain.uploads import EvidenceQuota
from vendorcheck.services import contracts, periodic_reports, registers, self_checks
from vendorcheck.services.errors import ServiceError
from vendorcheck.store.models import (
    ApplicationEvidence,
    ContractEvidence,
    RegisterEntry,
    RetirementEvidence,
    UseApplication,
)

LIMIT = 10**6


def bomb() -> bytes:
    """A small .docx whose directory declares 210 MB unpacked."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (210 * 1024 * 1024))
    return buffer.getvalue()


@pytest.fixture
def application(client, make_staff):
    officer = staff_of(make_staff, "officer")
    as_user(client, officer)
    application_id = apply_for_sns(client, officer.id)
    questionnaire = self_checks.questionnaire_of(UseApplication.get_by_id(application_id))
    files = [q.id for q in questionnaire.questions if q.type == "file"]
    assert files, "the SNS self-check has a file question"
    return application_id, files[0]


def _add_to_application(application_id, question_id, quota, data=TINY_PDF, name="規約.pdf"):
    return self_checks.add_evidence(
        SYSTEM_READER, application_id, question_id, name, data, max_bytes=LIMIT, quota=quota
    )


def test_a_self_check_question_takes_no_more_files_than_the_quota(application):
    application_id, question_id = application
    quota = EvidenceQuota(files_per_question=2)
    _add_to_application(application_id, question_id, quota)
    _add_to_application(application_id, question_id, quota)
    with pytest.raises(ServiceError, match="この質問に添付できるファイルは2件まで"):
        _add_to_application(application_id, question_id, quota)
    assert ApplicationEvidence.select().count() == 2


def test_a_use_application_takes_no_more_bytes_than_the_quota(application):
    application_id, question_id = application
    quota = EvidenceQuota(bytes_per_assessment=len(TINY_PDF) + 10)
    _add_to_application(application_id, question_id, quota)
    with pytest.raises(ServiceError, match="この利用申請全体で添付できるファイルの合計"):
        _add_to_application(application_id, question_id, quota)
    draft = self_checks.read_draft(UseApplication.get_by_id(application_id))
    assert len(draft.answers[question_id]) == 1 and ApplicationEvidence.select().count() == 1


def test_the_self_check_page_applies_the_configured_quota(app, client, application):
    app.config["EVIDENCE_MAX_FILES_PER_QUESTION"] = 1
    application_id, question_id = application
    section = self_checks.questionnaire_of(UseApplication.get_by_id(application_id))
    section_id = section.question(question_id).section_id
    path = f"/applications/{application_id}/s/{section_id}"
    for attempt in range(2):
        page = client.get(path).get_data(as_text=True)
        response = client.post(
            path,
            data={
                "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
                "revision": str(UseApplication.get_by_id(application_id).draft_revision),
                f"file__{question_id}": (io.BytesIO(TINY_PDF), f"{attempt}.pdf"),
            },
            content_type="multipart/form-data",
        )
    assert response.status_code == 400
    assert "この質問に添付できるファイルは1件まで" in response.get_data(as_text=True)
    assert ApplicationEvidence.select().count() == 1


def test_a_self_check_refuses_an_office_bomb(application):
    application_id, question_id = application
    with pytest.raises(ServiceError, match="展開後のサイズが大きすぎる"):
        _add_to_application(application_id, question_id, EvidenceQuota(), bomb(), "規約.docx")
    assert ApplicationEvidence.select().count() == 0


def _retire(entry, files, quota=None):
    return registers.retire(
        SYSTEM,
        SYSTEM_READER,
        entry.id,
        note="令和8年4月1日にアカウントを削除",
        disposed=True,
        accounts_deleted=True,
        files=files,
        max_bytes=LIMIT,
        quota=quota or EvidenceQuota(),
    )


def test_retirement_evidence_is_held_to_the_quota_and_nothing_is_half_retired(db):
    entry = make_entry()
    files = [(f"削除完了{n}.pdf", TINY_PDF) for n in range(3)]
    with pytest.raises(ServiceError, match="廃止の証跡に添付できるファイルは2件まで"):
        _retire(entry, files, EvidenceQuota(files_per_question=2))
    with pytest.raises(ServiceError, match="廃止の証跡で添付できるファイルの合計"):
        _retire(entry, files[:2], EvidenceQuota(bytes_per_assessment=len(TINY_PDF) + 1))
    assert RetirementEvidence.select().count() == 0
    assert RegisterEntry.get_by_id(entry.id).status != "retired"
    _retire(entry, files[:2], EvidenceQuota(files_per_question=2))
    assert RetirementEvidence.select().count() == 2


def test_retirement_refuses_an_office_bomb(db):
    entry = make_entry()
    with pytest.raises(ServiceError, match="展開後のサイズが大きすぎる"):
        _retire(entry, [("証明書.docx", bomb())])
    assert RetirementEvidence.select().count() == 0


@pytest.fixture
def contract(app, db):
    return make_contract(app)


def test_contract_evidence_is_held_to_the_quota_per_subject_and_per_contract(contract):
    row, _url = contract
    per_subject = EvidenceQuota(files_per_question=1)
    contracts.add_evidence(SYSTEM, row, "report.1", "a.pdf", TINY_PDF, max_bytes=LIMIT)
    with pytest.raises(ServiceError, match="この報告・項目に添付できるファイルは1件まで"):
        contracts.add_evidence(
            SYSTEM, row, "report.1", "b.pdf", TINY_PDF, max_bytes=LIMIT, quota=per_subject
        )
    contracts.add_evidence(
        SYSTEM, row, "report.2", "c.pdf", TINY_PDF, max_bytes=LIMIT, quota=per_subject
    )
    per_contract = EvidenceQuota(files_per_assessment=2)
    with pytest.raises(ServiceError, match="この契約全体で添付できるファイルは2件まで"):
        contracts.add_evidence(
            SYSTEM, row, "report.3", "d.pdf", TINY_PDF, max_bytes=LIMIT, quota=per_contract
        )
    assert ContractEvidence.select().count() == 2


def test_the_contract_link_applies_the_configured_quota_and_refuses_bombs(app, client, contract):
    app.config["EVIDENCE_MAX_FILES_PER_QUESTION"] = 1
    row, url = contract
    report = periodic_reports.reports_of(row)[0]
    path = f"/c/{token_of(url)}/reports/{report.id}"
    messages = []
    for name, data in [("1.pdf", TINY_PDF), ("2.pdf", TINY_PDF), ("報告.docx", bomb())]:
        page = client.get(path).get_data(as_text=True)
        response = client.post(
            path,
            data={
                "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
                "action": "save",
                "file": (io.BytesIO(data), name),
            },
            content_type="multipart/form-data",
        )
        messages.append(response.get_data(as_text=True))
    assert "この報告・項目に添付できるファイルは1件まで" in messages[1]
    assert "展開後のサイズが大きすぎる" in messages[2]
    assert [e.filename for e in contracts.evidence_for(row)] == ["1.pdf"]
