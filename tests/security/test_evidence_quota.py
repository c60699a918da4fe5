"""Evidence quotas per question and per assessment (count and bytes), and archives whose declared
unpacked size is absurd: refused with a Japanese message, nothing half-saved (both databases)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from tests.answering import TINY_PDF
from vendorcheck.domain.uploads import DEFAULT_QUOTA, EvidenceQuota, UploadRejected, check_upload
from vendorcheck.services import answers as answer_service
from vendorcheck.services.assessments import questionnaire_of, refreshed
from vendorcheck.store.models import AuditEvent, Evidence

LIMIT = 10**6


def _pdf(size: int) -> bytes:
    return TINY_PDF + b"%" * (size - len(TINY_PDF))


def _docx(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def file_questions(invite):
    _path, assessment = invite("cloud")
    questions = [q for q in questionnaire_of(assessment).questions if q.type == "file"]
    assert len(questions) >= 2, "the cloud questionnaire has two file questions"
    return assessment, questions


def _live(assessment) -> int:
    return (
        Evidence.select()
        .where(Evidence.assessment == assessment.id, Evidence.removed_at.is_null())
        .count()
    )


def _add(assessment, question, data=TINY_PDF, quota=DEFAULT_QUOTA, name="証跡.pdf"):
    return answer_service.add_evidence(
        refreshed(assessment), question.id, name, data, max_bytes=LIMIT, quota=quota
    )


def test_the_files_per_question_limit_refuses_the_next_file(file_questions):
    assessment, (question, other, *_rest) = file_questions
    quota = EvidenceQuota(files_per_question=2)
    _add(assessment, question, quota=quota)
    _add(assessment, question, quota=quota)
    revision = refreshed(assessment).draft_revision
    with pytest.raises(answer_service.SaveRefused) as refused:
        _add(assessment, question, quota=quota, name="3件目.pdf")
    assert "「3件目.pdf」を添付できませんでした" in refused.value.message
    assert "この質問に添付できるファイルは2件まで" in refused.value.message
    assert _live(assessment) == 2 and refreshed(assessment).draft_revision == revision
    _add(assessment, other, quota=quota)  # another question still takes files


def test_the_bytes_per_question_limit_counts_what_is_stored(file_questions):
    assessment, (question, *_rest) = file_questions
    quota = EvidenceQuota(bytes_per_question=3000)
    _add(assessment, question, _pdf(2000), quota=quota)
    with pytest.raises(answer_service.SaveRefused) as refused:
        _add(assessment, question, _pdf(1500), quota=quota)
    assert "この質問に添付できるファイルの合計" in refused.value.message
    assert _live(assessment) == 1


def test_the_assessment_limits_cover_every_question(file_questions):
    assessment, (first, second, *_rest) = file_questions
    by_count = EvidenceQuota(files_per_assessment=2)
    _add(assessment, first, quota=by_count)
    _add(assessment, second, quota=by_count)
    with pytest.raises(answer_service.SaveRefused) as refused:
        _add(assessment, first, quota=by_count)
    assert "この回答全体で添付できるファイルは2件まで" in refused.value.message
    by_bytes = EvidenceQuota(bytes_per_assessment=len(TINY_PDF) * 2 + 10)
    with pytest.raises(answer_service.SaveRefused) as refused:
        _add(assessment, second, quota=by_bytes)
    assert "この回答全体で添付できるファイルの合計" in refused.value.message
    assert _live(assessment) == 2


def test_a_removed_file_frees_its_place_in_the_same_save(file_questions):
    assessment, (question, *_rest) = file_questions
    quota = EvidenceQuota(files_per_question=1)
    stored = _add(assessment, question, quota=quota)
    current = refreshed(assessment)
    result = answer_service.save_section(
        current,
        question.section_id,
        None,
        current.draft_revision,
        uploads=[answer_service.Upload(question.id, "差し替え.pdf", TINY_PDF)],
        remove_evidence=stored.id,
        max_bytes=LIMIT,
        quota=quota,
    )
    assert [e.filename for e in result.added] == ["差し替え.pdf"] and _live(assessment) == 1


def test_several_files_in_one_save_are_refused_together(file_questions):
    assessment, (question, *_rest) = file_questions
    current = refreshed(assessment)
    saves = AuditEvent.select().where(AuditEvent.action == "assessment.save").count()
    with pytest.raises(answer_service.SaveRefused):
        answer_service.save_section(
            current,
            question.section_id,
            None,
            current.draft_revision,
            uploads=[answer_service.Upload(question.id, f"{n}.pdf", TINY_PDF) for n in range(3)],
            max_bytes=LIMIT,
            quota=EvidenceQuota(files_per_question=2),
        )
    assert _live(assessment) == 0
    assert refreshed(assessment).draft_revision == current.draft_revision
    assert AuditEvent.select().where(AuditEvent.action == "assessment.save").count() == saves


def test_the_portal_applies_the_configured_quota(app, client, invite):
    app.config["EVIDENCE_MAX_FILES_PER_QUESTION"] = 1
    path, assessment = invite("cloud")
    question = next(q for q in questionnaire_of(assessment).questions if q.type == "file")
    section = f"{path}s/{question.section_id}"
    for attempt in range(2):
        page = client.get(section).get_data(as_text=True)
        response = client.post(
            section,
            data={
                "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
                "revision": str(refreshed(assessment).draft_revision),
                "action": "save",
                f"file__{question.id}": (io.BytesIO(TINY_PDF), f"{attempt}.pdf"),
            },
            content_type="multipart/form-data",
        )
    assert response.status_code == 400
    assert "この質問に添付できるファイルは1件まで" in response.get_data(as_text=True)
    assert _live(assessment) == 1


def test_an_office_file_declaring_an_absurd_unpacked_size_is_refused():
    bomb = _docx({"word/document.xml": b"\0" * (210 * 1024 * 1024)})
    assert len(bomb) < LIMIT
    with pytest.raises(UploadRejected, match="展開後のサイズが大きすぎる"):
        check_upload("報告書.docx", bomb, max_bytes=LIMIT)


def test_an_office_file_with_too_many_members_is_refused():
    crowded = _docx({f"word/media/{n}.xml": b"x" for n in range(6000)})
    with pytest.raises(UploadRejected, match="含まれるファイルが多すぎる"):
        check_upload("報告書.docx", crowded, max_bytes=10 * LIMIT)


def test_an_ordinary_office_file_is_still_accepted():
    normal = _docx({"word/document.xml": b"<w:document/>" * 1000})
    assert check_upload("報告書.docx", normal, max_bytes=LIMIT).kind == "office"
