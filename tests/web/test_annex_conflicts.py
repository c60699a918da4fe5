"""Contract conflicts on real questionnaires: each class of answer is either carried into the
annex as a variant or named as a conflict that staff resolve before the final annex, which is
read back with python-docx."""

from __future__ import annotations

import io

import docx
import pytest

from tests.conftest import csrf_token
from tests.web.test_annexes import make_assessment
from vendorcheck.domain import assessment_status
from vendorcheck.services import annexes as annex_service
from vendorcheck.services import clause_library as clause_service
from vendorcheck.services import contract_terms
from vendorcheck.services.audit import Actor
from vendorcheck.store.models import Assessment, ConflictResolution, GeneratedAnnex, Remediation


@pytest.fixture
def officer(login_as, db):
    return login_as("officer")


def docx_text(row: GeneratedAnnex) -> str:
    document = docx.Document(io.BytesIO(annex_service.docx_bytes(row)))
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def headings(row: GeneratedAnnex) -> list[str]:
    document = docx.Document(io.BytesIO(annex_service.docx_bytes(row)))
    return [p.text for p in document.paragraphs if p.style.name == "VC Article Heading"]


def generate(app, assessment) -> GeneratedAnnex:
    clauses = clause_service.clause_library(app.config)
    return annex_service.generate(
        Actor.system("test"),
        Assessment.get_by_id(assessment.id),
        clauses=clauses,
        positions=clause_service.clause_positions(app.config),
    )


def conflicts(app, assessment):
    clauses = clause_service.clause_library(app.config)
    inputs = annex_service.gather(
        Assessment.get_by_id(assessment.id),
        clauses=clauses,
        positions=clause_service.clause_positions(app.config),
    )
    return inputs.conflicts


def post_resolution(client, assessment, key, **form):
    token = csrf_token(client, f"/assessments/{assessment.id}/annex")
    data = {"csrf_token": token, "key": key, **form}
    return client.post(f"/assessments/{assessment.id}/annex/conflicts", data=data)


def test_a_stronger_first_report_promise_is_carried_into_the_annex(app, officer):
    assessment = make_assessment(
        app, "outsourcing", overrides={"incident.report_hours": "within_1h"}
    )
    assert conflicts(app, assessment) == ()
    text = docx_text(generate(app, assessment))
    assert "知った時から１時間以内に" in text and "２４時間以内" not in text


def test_no_commitment_is_a_conflict_that_blocks_the_final_annex_until_accepted(
    app, client, officer
):
    assessment = make_assessment(
        app, "outsourcing", overrides={"incident.report_hours": "no_commitment"}
    )
    page = client.get(f"/assessments/{assessment.id}/annex").get_data(as_text=True)
    assert "契約上の相違（1 件）" in page and "事故の第一報の期限" in page
    assert "（案）情報セキュリティに関する特記事項" in page
    token = csrf_token(client, f"/assessments/{assessment.id}/annex")
    refused = client.post(f"/assessments/{assessment.id}/annex", data={"csrf_token": token})
    assert refused.status_code == 409 and "契約上の相違が 1 件解決されていない" in refused.get_data(
        as_text=True
    )
    assert GeneratedAnnex.select().count() == 0
    bad = post_resolution(
        client, assessment, "incident.report_hours=no_commitment", decision="accept"
    )
    assert bad.status_code == 400 and "個別条件の文言を入力してください" in bad.get_data(
        as_text=True
    )
    condition = "事故の第一報は、受託者が事故を確認した後、受託者の営業時間内に行うものとする。"
    done = post_resolution(
        client,
        assessment,
        "incident.report_hours=no_commitment",
        decision="accept",
        condition_text=condition,
        reason="代替事業者がなく、夜間の連絡体制は別途協議するため。",
    )
    assert done.status_code == 302
    assert ConflictResolution.select().count() == 1
    row = generate(app, assessment)
    assert "第" in headings(row)[-2] and headings(row)[-2].endswith("（個別条件）")
    text = docx_text(row)
    assert "この特記事項の他の条の定めにかかわらず" in text and condition in text
    assert "（案）" not in text


def test_a_damages_cap_is_a_conflict_resolved_by_a_remediation(app, client, officer):
    assessment = make_assessment(app, "system", overrides={"contract.damages": "cap_low"})
    (state,) = conflicts(app, assessment)
    assert state.conflict.topic == "損害賠償の範囲"
    assert "「違反した場合の措置」" in state.conflict.explanation
    response = post_resolution(
        client,
        assessment,
        state.conflict.key,
        decision="remediate",
        condition_text="契約金額以上の上限とする損害賠償の条件を書面で受け入れること",
        reason="上限が契約金額未満のため。",
        due_on="2099-03-31",
    )
    assert response.status_code == 302
    assert Remediation.get().accepted
    text = docx_text(generate(app, assessment))
    assert "契約金額以上の上限とする損害賠償の条件を書面で受け入れること（期限：" in text
    assert (
        "住民その他の本人への通知" in text and "損害の賠償その他の請求をすることができない" in text
    )


def test_foreign_data_location_selects_the_variant_without_recital_or_contradiction(app, officer):
    assessment = make_assessment(
        app,
        "cloud",
        overrides={
            "legal.data_location": "foreign",
            "legal.foreign_location_detail": "シンガポール",
        },
    )
    assert [s.conflict.question_id for s in conflicts(app, assessment)] == []
    row = generate(app, assessment)
    text = docx_text(row)
    assert any(h.endswith("（データの所在（国外での保存又は処理））") for h in headings(row))
    assert "届け出た国又は地域（シンガポール）" in text
    assert "回答している" not in text and "日本国内を選択しなければならない" not in text


@pytest.mark.parametrize(
    ("overrides", "question_id"),
    [
        ({"audit.right_to_audit": "reports_only"}, "audit.right_to_audit"),
        ({"purpose.ai_training": "used"}, "purpose.ai_training"),
        ({"cert.ismap_scope": "partly"}, "cert.ismap_scope"),
        (
            {
                "legal.governing_law": "other",
                "legal.governing_law_detail": "米国カリフォルニア州法",
            },
            "legal.governing_law",
        ),
    ],
)
def test_cloud_answers_weaker_than_an_article_are_conflicts(app, officer, overrides, question_id):
    assessment = make_assessment(app, "cloud", overrides=overrides)
    assert [s.conflict.question_id for s in conflicts(app, assessment)] == [question_id]
    with pytest.raises(annex_service.UnresolvedConflicts):
        generate(app, assessment)


@pytest.mark.parametrize(
    ("overrides", "present", "absent"),
    [
        (
            {"sla.backup": "customer_only"},
            "バックアップを取得する義務を負わない",
            "別の施設に保存しなければならない",
        ),
        ({"purpose.ai_training": "opt_out"}, "学習に利用しない設定", "（回答なし）"),
        (
            {"audit.right_to_audit": "reports_and_questions"},
            "質問を受けた日から",
            "実地に監査又は検査を行うことができる",
        ),
    ],
)
def test_cloud_answers_that_select_a_variant(app, officer, overrides, present, absent):
    assessment = make_assessment(app, "cloud", overrides=overrides)
    assert conflicts(app, assessment) == ()
    text = docx_text(generate(app, assessment))
    assert present in text and absent not in text


def test_remote_maintenance_article_only_when_the_vendor_maintains_remotely(app, officer):
    without = make_assessment(app, "system", overrides={"ops.remote_maintenance": "no"})
    assert not any(h.endswith("（遠隔保守）") for h in headings(generate(app, without)))
    with_remote = make_assessment(
        app, "system", vendor_name="株式会社遠隔保守", overrides={"ops.remote_maintenance": "yes"}
    )
    assert any(h.endswith("（遠隔保守）") for h in headings(generate(app, with_remote)))


def test_a_declared_subcontractor_is_named(app, officer):
    assessment = make_assessment(
        app,
        "outsourcing",
        overrides={"sub.uses_subcontractors": "yes", "sub.details": "株式会社阿蘇データ入力"},
    )
    assert "届け出た再委託先（株式会社阿蘇データ入力）" in docx_text(generate(app, assessment))


def test_the_sns_annex_identifies_the_platform_and_the_account(app, officer):
    assessment = make_assessment(app, "sns", overrides={"account.name": "阿蘇広域公式"})
    text = docx_text(generate(app, assessment))
    assert "アカウント名：阿蘇広域公式" in text and "ソーシャルメディアサービス：" in text


def test_an_sns_operator_without_mfa_is_a_conflict_and_its_promises_and_subcontractor_carry(
    app, officer
):
    weak = make_assessment(app, "sns", overrides={"takeover.mfa": "partial"})
    (state,) = [s for s in conflicts(app, weak) if s.conflict.question_id == "takeover.mfa"]
    assert state.conflict.topic == "多要素認証"
    assert state.conflict.articles == ("アカウントの管理及び乗っ取り対策",)
    with pytest.raises(annex_service.UnresolvedConflicts):
        generate(app, weak)
    strong = make_assessment(
        app,
        "sns",
        vendor_name="株式会社阿蘇ソーシャル",
        overrides={
            "incident.report_hours": "within_1h",
            "sub.uses_subcontractors": "yes",
            "sub.details": "株式会社阿蘇動画制作（動画の制作）",
        },
    )
    assert conflicts(app, strong) == ()
    text = docx_text(generate(app, strong))
    assert "知った時から１時間以内に" in text
    assert "届け出た再委託先（株式会社阿蘇動画制作（動画の制作））" in text


def test_personal_information_articles_follow_the_case(app, officer):
    plain = make_assessment(app, "outsourcing")
    plain_headings = headings(generate(app, plain))
    assert not any("個人情報" in h for h in plain_headings)
    assessment = make_assessment(app, "outsourcing", vendor_name="株式会社個人情報")
    case = Assessment.get_by_id(assessment.id).case
    contract_terms.set_case_handling(Actor.system("test"), case, personal=False, specific=True)
    row = generate(app, assessment)
    titles = [h.split("（", 1)[1].rstrip("）") for h in headings(row)]
    assert titles[0] == "定義"
    for title in (
        "個人情報の保護",
        "個人情報の目的外利用、提供及び複製の禁止",
        "個人情報の取扱いの再委託",
        "個人情報の取扱状況の調査",
        "個人情報の漏えい等の報告",
        "個人情報の返還及び消去",
        "個人情報取扱者の監督",
        "特定個人情報の取扱い",
    ):
        assert title in titles, title
    text = docx_text(row)
    assert "個人情報保護法第６６条第２項" in text and "番号法第１０条第１項" in text
    assert "(10)　特定個人情報" in text


@pytest.mark.parametrize("state", [assessment_status.REJECTED, assessment_status.RETURNED])
def test_a_rejected_or_returned_assessment_gives_only_a_draft(app, client, officer, state):
    assessment = make_assessment(app, "outsourcing")
    Assessment.update(status=state).where(Assessment.id == assessment.id).execute()
    page = client.get(f"/assessments/{assessment.id}/annex").get_data(as_text=True)
    assert "（案）情報セキュリティに関する特記事項" in page
    with pytest.raises(annex_service.Conflict):
        generate(app, assessment)


def test_annex_check_lists_conflicts_and_fails_while_one_is_open(app, officer, runner):
    assessment = make_assessment(app, "outsourcing", overrides={"contract.damages": "exclude"})
    open_result = runner.invoke(args=["annex", str(assessment.id), "--check"])
    assert open_result.exit_code == 1
    assert "［未解決］損害賠償の範囲" in open_result.output
    (state,) = conflicts(app, assessment)
    contract_terms.resolve(
        Actor.system("test"),
        Assessment.get_by_id(assessment.id),
        state.conflict,
        decision="accept",
        condition_text="損害賠償の額は、契約金額を上限とする。ただし、故意又は重大な過失によるときは、この限りでない。",
        reason="市場の標準的な条件であり、法務担当と協議済み。",
    )
    done = runner.invoke(args=["annex", str(assessment.id), "--check"])
    assert done.exit_code == 0 and "［解決済み］損害賠償の範囲" in done.output
