"""The contract annex in the application: preview, generated versions, downloads, the clause
library and the coverage matrix reaching the clauses."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import json
import re
import shutil
from pathlib import Path

import docx
import pytest
from peewee import DatabaseError

from tests.answering import TINY_PDF, section_form
from tests.conftest import csrf_token, home_department
from vendorcheck.domain.clauses import load_clauses
from vendorcheck.domain.jp import today_jst, wareki
from vendorcheck.domain.requirements import CONTRACT_COVERAGE
from vendorcheck.services import annexes as annex_service
from vendorcheck.services import answers as answer_service
from vendorcheck.services import invitations, organisation_settings
from vendorcheck.services import organisation as organisation_service
from vendorcheck.services.assessments import questionnaire_of
from vendorcheck.services.audit import Actor
from vendorcheck.services.questionnaires import catalogue
from vendorcheck.store.models import (
    Assessment,
    AuditEvent,
    Case,
    GeneratedAnnex,
    Remediation,
    Vendor,
)

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_CLAUSES = ROOT / "contract_templates" / "clauses"
ORGANISATION = "阿蘇広域行政事務組合"
START, END = dt.date(2027, 4, 1), dt.date(2028, 3, 31)
HEADING = re.compile(r"第([０-９]+)条（(.+)）")
PREVIEW_PART = re.compile(r'<(h3|h4|p) class="annex-[a-z]+"[^>]*>(.*?)</\1>', re.S)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TIER = {"outsourcing": 2, "system": 3, "cloud": 2, "cloud_light": 1, "sns": 1}


# --- building a submitted assessment through the services ----------------------------------


def _fill(assessment: Assessment, overrides: dict[str, str]) -> None:
    """Answer every section validly (overrides first), attaching files where required."""
    questionnaire = questionnaire_of(assessment)
    for _round in range(3):  # answers can reveal follow-up questions
        for section in questionnaire.sections:
            form = section_form(questionnaire, section.id)
            for question in section.questions:
                if question.id in overrides:
                    form[f"q__{question.id}"] = [overrides[question.id]]
            fresh = Assessment.get_by_id(assessment.id)
            result = answer_service.save_section(fresh, section.id, form, fresh.draft_revision)
            assert not result.errors, result.errors
        missing = answer_service.readiness(Assessment.get_by_id(assessment.id)).missing
        for question_id in missing:
            if questionnaire.question(question_id).type == "file":
                answer_service.add_evidence(  # a fresh row each time: it rewrites the draft
                    Assessment.get_by_id(assessment.id),
                    question_id,
                    "evidence.pdf",
                    TINY_PDF,
                    max_bytes=10**6,
                )
        if answer_service.readiness(Assessment.get_by_id(assessment.id), questionnaire).ready:
            return
    raise AssertionError(answer_service.readiness(Assessment.get_by_id(assessment.id)))


def make_assessment(
    app,
    kind: str = "outsourcing",
    *,
    vendor_name: str = "株式会社阿蘇情報サービス",
    case_title: str | None = None,
    overrides: dict[str, str] | None = None,
    submit: bool = True,
) -> Assessment:
    """A case of a kind with contract dates, one invited vendor, answered and submitted."""
    organisation = organisation_service.get_organisation()
    if organisation.name != ORGANISATION:
        organisation_settings.update_organisation(
            Actor.system("test"),
            name=ORGANISATION,
            classification_scheme=organisation.classification_scheme,
            classification_extra_levels="",
            party_terms="itaku",
            incident_report_hours=24,
        )
    questionnaire = catalogue(app.config).for_kind(kind, respondent="vendor")[0]
    vendor = Vendor.create(
        name=vendor_name, name_normalized=vendor_name, contact_email="vendor@example.jp"
    )
    tier = TIER[kind]
    case = Case.create(
        title=case_title or f"{kind} の業務",
        kind=kind,
        classification_level=str(tier),
        tier=tier,
        contract_start=START,
        contract_end=END,
        department=home_department(),
    )
    link = invitations.invite(
        Actor.system("test"),
        case,
        [vendor.id],
        questionnaire,
        deadline=None,
        language="ja",
        settings=invitations.LinkSettings("http://vendorcheck.test"),
    )[0]
    assessment = Assessment.get_by_id(link.assessment.id)
    _fill(assessment, overrides or {})
    if submit:
        fresh = Assessment.get_by_id(assessment.id)
        answer_service.submit(fresh, fresh.draft_revision, Actor.system("test"))
    return Assessment.get_by_id(assessment.id)


def read_docx(data: bytes) -> list[str]:
    return [paragraph.text for paragraph in docx.Document(io.BytesIO(data)).paragraphs]


def article_numbers(paragraphs: list[str]) -> list[int]:
    headings = [HEADING.fullmatch(text) for text in paragraphs]
    return [int(match.group(1).translate(_HALF)) for match in headings if match]


_HALF = str.maketrans("０１２３４５６７８９", "0123456789")


def preview_texts(page: str) -> list[str]:
    return [html.unescape(text) for _tag, text in PREVIEW_PART.findall(page)]


def assert_clean(paragraphs: list[str]) -> None:
    text = "\n".join(paragraphs)
    for marker in ("{{", "}}", "{%", "%}", "{#"):
        assert marker not in text
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", text)


def _generate(client, assessment, *optional: str):
    token = csrf_token(client, f"/assessments/{assessment.id}/annex")
    return client.post(
        f"/assessments/{assessment.id}/annex",
        data={"csrf_token": token, "optional": list(optional)},
    )


@pytest.fixture
def officer(login_as, db):
    return login_as("officer")


# --- preview and generation ----------------------------------------------------------------


@pytest.mark.parametrize("kind", [k for k in CONTRACT_COVERAGE if k != "sns"])
def test_preview_and_generated_docx_have_the_same_numbered_articles(app, client, officer, kind):
    assessment = make_assessment(app, kind)
    page = client.get(f"/assessments/{assessment.id}/annex")
    assert page.status_code == 200
    shown = preview_texts(page.get_data(as_text=True))
    assert shown[0] == "情報セキュリティに関する特記事項"
    assert "第１条（定義）" in shown and "第２条（総則）" in shown

    created = _generate(client, assessment)
    assert created.status_code == 302
    row = GeneratedAnnex.get(GeneratedAnnex.assessment == assessment.id)
    data = annex_service.docx_bytes(row)
    assert row.version == 1 and row.submission_version == 1
    assert row.content_hash == hashlib.sha256(data).hexdigest()
    paragraphs = read_docx(data)
    assert paragraphs == shown  # the preview is the Word text, paragraph by paragraph
    numbers = article_numbers(paragraphs)
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) == len(annex_service.clause_ids_of(row))
    text = "\n".join(paragraphs)
    assert ORGANISATION in text and "株式会社阿蘇情報サービス" in text
    assert wareki(today_jst(), full_width=True) in paragraphs[1]
    assert f"{wareki(START, full_width=True)}から{wareki(END, full_width=True)}まで" in text
    assert_clean(paragraphs)
    inputs = json.loads(row.inputs)
    assert inputs["organisation"] == ORGANISATION and inputs["case"]["kind"] == kind
    assert inputs["contract_start"] == START.isoformat()
    event = AuditEvent.get(AuditEvent.action == "annex.generate")
    after = json.loads(event.after)
    assert after["content_hash"] == row.content_hash
    assert after["clause_ids"] == annex_service.clause_ids_of(row)
    listed = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "特記事項の第1版を作成しました" in listed and row.content_hash in listed


def test_answers_choose_the_clauses_and_are_stored_with_the_annex(app, client, officer):
    assessment = make_assessment(
        app,
        "cloud",
        overrides={
            "legal.data_location": "foreign",
            "legal.foreign_location_detail": "シンガポール",
            "sub.uses_subcontractors": "no",
        },
    )
    assert _generate(client, assessment).status_code == 302
    row = GeneratedAnnex.get(GeneratedAnnex.assessment == assessment.id)
    ids = annex_service.clause_ids_of(row)
    assert "cloud_data_location_foreign" in ids and "cloud_data_location" not in ids
    assert "cloud_subcontracting_none" in ids and "cloud_subcontracting" not in ids
    inputs = json.loads(row.inputs)
    assert inputs["condition_answers"]["legal.data_location"] == "foreign"
    assert inputs["answers_used"]["legal.foreign_location_detail"] == "シンガポール"
    text = "\n".join(read_docx(annex_service.docx_bytes(row)))
    assert "届け出た国又は地域（シンガポール）" in text and "回答している" not in text


def test_party_terms_and_report_hours_come_from_the_organisation(app, client, officer):
    # a vendor promising no shorter first report than the organisation's limit
    assessment = make_assessment(
        app, "outsourcing", overrides={"incident.report_hours": "within_72h"}
    )
    organisation_settings.update_organisation(
        Actor.system("test"),
        name=ORGANISATION,
        classification_scheme="classic",
        classification_extra_levels="",
        party_terms="kou",
        incident_report_hours=48,
    )
    page = client.get(f"/assessments/{assessment.id}/annex").get_data(as_text=True)
    text = "\n".join(preview_texts(page))
    assert "（以下「甲」という。）" in text and "（以下「乙」という。）" in text
    assert "４８時間以内" in text and "受託者" not in text


def test_version_one_downloads_exactly_as_stored_after_version_two(app, client, officer):
    assessment = make_assessment(app, "outsourcing")
    assert _generate(client, assessment).status_code == 302
    first = GeneratedAnnex.get(GeneratedAnnex.assessment == assessment.id)
    Vendor.update(name="株式会社新商号").where(Vendor.id == assessment.vendor_id).execute()
    assert _generate(client, assessment).status_code == 302
    second = GeneratedAnnex.get(
        GeneratedAnnex.assessment == assessment.id, GeneratedAnnex.version == 2
    )
    assert second.content_hash != first.content_hash

    response = client.get(f"/assessments/{assessment.id}/annex/1.docx")
    assert response.status_code == 200
    assert response.data == annex_service.docx_bytes(first)
    assert hashlib.sha256(response.data).hexdigest() == first.content_hash
    assert "株式会社阿蘇情報サービス" in "\n".join(read_docx(response.data))
    assert response.mimetype == DOCX_TYPE
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="annex-{assessment.id}-v1.docx"' in disposition
    assert "filename*=UTF-8''%E7%89%B9%E8%A8%98%E4%BA%8B%E9%A0%85_" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    newer = client.get(f"/assessments/{assessment.id}/annex/2.docx")
    assert "株式会社新商号" in "\n".join(read_docx(newer.data))
    missing = client.get(f"/assessments/{assessment.id}/annex/3.docx")
    assert missing.status_code == 404 and "第3版はありません" in missing.get_data(as_text=True)


def test_optional_clause_is_included_only_when_chosen(app, client, officer):
    assessment = make_assessment(app, "outsourcing")  # tier 2: liability_insurance is offered
    base = f"/assessments/{assessment.id}/annex"
    plain = client.get(base).get_data(as_text=True)
    assert 'name="optional" value="liability_insurance"' in plain
    assert "（損害賠償の履行の確保）" not in "\n".join(preview_texts(plain))
    chosen = client.get(f"{base}?optional=liability_insurance").get_data(as_text=True)
    assert "（損害賠償の履行の確保）" in "\n".join(preview_texts(chosen))

    assert _generate(client, assessment).status_code == 302
    assert _generate(client, assessment, "liability_insurance").status_code == 302
    without, with_it = (
        GeneratedAnnex.get(GeneratedAnnex.assessment == assessment.id, GeneratedAnnex.version == v)
        for v in (1, 2)
    )
    assert "liability_insurance" not in annex_service.clause_ids_of(without)
    assert "liability_insurance" in annex_service.clause_ids_of(with_it)
    assert json.loads(with_it.inputs)["optional_choices"] == {"liability_insurance": True}
    text = read_docx(annex_service.docx_bytes(with_it))
    assert any(p.endswith("（損害賠償の履行の確保）") for p in text)
    numbers = article_numbers(text)
    assert numbers == list(range(1, len(numbers) + 1))

    refused = _generate(client, assessment, "no_such_clause")
    assert refused.status_code == 400
    assert "選べる任意の条文ではありません" in refused.get_data(as_text=True)
    assert GeneratedAnnex.select().count() == 2


def test_accepted_remediations_appear_in_the_individual_conditions_article(app, client, officer):
    assessment = make_assessment(app, "system")
    Remediation.create(
        assessment=assessment,
        question_id="crypto.mfa",
        action="管理者アカウントに多要素認証を導入する。",
        due_on=dt.date(2027, 9, 30),
        accepted=True,
    )
    Remediation.create(
        assessment=assessment,
        question_id="exit.deletion_certificate",
        action="受け入れていない是正案",
        accepted=False,
    )
    assert _generate(client, assessment).status_code == 302
    row = GeneratedAnnex.get(GeneratedAnnex.assessment == assessment.id)
    assert annex_service.clause_ids_of(row)[-2:] == ["individual_conditions", "consultation"]
    paragraphs = read_docx(annex_service.docx_bytes(row))
    start = next(i for i, p in enumerate(paragraphs) if p.endswith("（個別条件）"))
    article = "\n".join(paragraphs[start : start + 4])
    assert "(1)　管理者アカウントに多要素認証を導入する。（期限：令和９年９月３０日）" in article
    assert "受け入れていない是正案" not in "\n".join(paragraphs)
    assert json.loads(row.inputs)["remediations"] == [
        {"action": "管理者アカウントに多要素認証を導入する。", "due": "2027-09-30"}
    ]


def test_vendor_text_with_control_characters_and_html_does_not_break_it(app, client, officer):
    name = "株式会社<script>alert(1)</script>\x01テスト\x0b\u202e"
    assessment = make_assessment(
        app, "outsourcing", vendor_name=name, case_title="保守\n１　偽の項"
    )
    Remediation.create(
        assessment=assessment,
        question_id="crypto.mfa",
        action="<b>対策</b>\x07を講じる\n(2)　偽の号",
        accepted=True,
    )
    page = client.get(f"/assessments/{assessment.id}/annex")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "<script>alert" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert _generate(client, assessment).status_code == 302
    row = GeneratedAnnex.get(GeneratedAnnex.assessment == assessment.id)
    paragraphs = read_docx(annex_service.docx_bytes(row))
    assert_clean(paragraphs)
    text = "\n".join(paragraphs)
    assert "株式会社<script>alert(1)</script>テスト" in text and "\u202e" not in text
    assert "「保守 １　偽の項」" in text  # typed line breaks never start a new paragraph
    assert "<b>対策</b>を講じる (2)　偽の号（期限：委託者と協議して定める日）" in text
    assert not any(p.startswith("１　偽の項") or p.startswith("(2)　偽の号") for p in paragraphs)


def test_nothing_submitted_shows_a_japanese_message_and_stores_nothing(app, client, officer):
    assessment = make_assessment(app, "outsourcing", submit=False)
    page = client.get(f"/assessments/{assessment.id}/annex").get_data(as_text=True)
    assert "提出された回答がないため、特記事項を作成できません" in page
    assert "この内容で特記事項を作成する" not in page
    refused = _generate(client, assessment)
    assert refused.status_code == 409
    assert "提出された回答がないため、特記事項を作成できません" in refused.get_data(as_text=True)
    assert GeneratedAnnex.select().count() == 0
    assert AuditEvent.select().where(AuditEvent.action == "annex.generate").count() == 0


def test_viewer_sees_the_preview_but_cannot_generate(app, client, login_as, db):
    assessment = make_assessment(app, "system")
    login_as("viewer")
    page = client.get(f"/assessments/{assessment.id}/annex").get_data(as_text=True)
    assert "第２条（総則）" in page and "この内容で特記事項を作成する" not in page
    token = csrf_token(client, f"/assessments/{assessment.id}/annex")
    response = client.post(f"/assessments/{assessment.id}/annex", data={"csrf_token": token})
    assert response.status_code == 403
    assert "この操作を行う権限がありません" in response.get_data(as_text=True)
    assert GeneratedAnnex.select().count() == 0


def test_review_page_links_to_the_annex(app, client, officer):
    assessment = make_assessment(app, "cloud")
    page = client.get(f"/assessments/{assessment.id}").get_data(as_text=True)
    assert f'href="/assessments/{assessment.id}/annex"' in page


def test_unknown_assessment_is_404_in_japanese_and_anonymous_go_to_login(app, client, officer):
    missing = client.get("/assessments/99999/annex")
    assert missing.status_code == 404 and "見つかりません" in missing.get_data(as_text=True)
    assert client.get("/assessments/99999/annex/1.docx").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    for path in ("/clauses", "/assessments/1/annex", "/assessments/1/annex/1.docx"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_stored_annex_can_never_be_changed(app, client, officer, make_staff):
    assessment = make_assessment(app, "outsourcing")
    assert _generate(client, assessment).status_code == 302
    row = GeneratedAnnex.get(GeneratedAnnex.assessment == assessment.id)
    database = app.extensions["vendorcheck_db"]
    for change in ({"docx": b"forged"}, {"content_hash": "0" * 64}, {"clause_ids": "[]"}):
        with pytest.raises(DatabaseError), database.atomic():
            GeneratedAnnex.update(**change).where(GeneratedAnnex.id == row.id).execute()
    other = make_staff("officer", login_id="other1")
    with pytest.raises(DatabaseError), database.atomic():
        GeneratedAnnex.update(created_by=other.id).where(GeneratedAnnex.id == row.id).execute()
    # Only forgetting a deleted author is allowed (ON DELETE SET NULL).
    GeneratedAnnex.update(created_by=None).where(GeneratedAnnex.id == row.id).execute()
    assert annex_service.docx_bytes(GeneratedAnnex.get_by_id(row.id)) == annex_service.docx_bytes(
        row
    )


# --- the clause library and the coverage matrix --------------------------------------------


def test_clause_library_lists_every_clause_and_filters_by_kind(client, officer):
    clauses = load_clauses(SHIPPED_CLAUSES)
    page = client.get("/clauses").get_data(as_text=True)
    for clause in clauses:
        assert f'id="clause-{clause.id}"' in page
    assert "職員が案件ごとに選んだときだけ含めます" in page  # liability_insurance
    assert "「sub.uses_subcontractors」" not in page  # conditions are shown in words
    assert "の回答が「はい」のとき" in page  # subcontracting_approved
    assert "の回答が「はい」ではない（未回答を含む）のとき" in page  # subcontracting_prohibited
    sns = client.get("/clauses?kind=sns").get_data(as_text=True)
    assert 'id="clause-sns_account"' in sns and 'id="clause-cloud_exit"' not in sns
    assert "SNS-03" in sns and "✗ 未対応" not in sns
    assert client.get("/clauses?kind=unknown").status_code == 400


def test_coverage_matrix_reaches_the_clauses(client, officer):
    page = client.get("/questionnaires/coverage").get_data(as_text=True)
    assert 'data-column-kind="clauses"' in page
    assert "/clauses?kind=outsourcing#clause-general" in page
    assert "/clauses?kind=cloud#clause-cloud_exit" in page
    assert "liability_insurance</code></a>（任意）" in page
    assert "特記事項の条文（業務委託）: " not in page  # every contract requirement is covered


def test_coverage_marks_contract_requirements_no_clause_covers(app, client, officer, tmp_path):
    folder = tmp_path / "clauses"
    shutil.copytree(SHIPPED_CLAUSES, folder)
    (folder / "publication.toml").unlink()  # the only clause stating OUT-16
    app.config["CLAUSES_DIR"] = str(folder)
    page = client.get("/questionnaires/coverage").get_data(as_text=True)
    assert "特記事項の条文（業務委託）: OUT-16 未対応" in page
    broken = folder / "general.toml"
    broken.write_text(broken.read_text(encoding="utf-8") + "\nbogus = 1\n", encoding="utf-8")
    page = client.get("/questionnaires/coverage").get_data(as_text=True)
    assert "条文ファイルを読み込めないため" in page
    library = client.get("/clauses").get_data(as_text=True)
    assert "general.toml: 条項「general」: 未知のキー「bogus」があります" in library
