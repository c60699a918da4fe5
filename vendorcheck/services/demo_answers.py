"""Answers for demonstration data: what a vendor of a given quality would type into any
questionnaire, sent through the vendor's own services (drafts, evidence)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from vendorcheck.domain.jp import corporate_number_check_digit
from vendorcheck.domain.questionnaire import Question
from vendorcheck.domain.questionnaire.types import SampleFacts
from vendorcheck.services import answers as answer_service
from vendorcheck.services.assessments import questionnaire_of
from vendorcheck.services.errors import ServiceError
from vendorcheck.store.models import Assessment, Vendor

TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def corporate_number(base12: str) -> str:
    return f"{corporate_number_check_digit(base12)}{base12}"


@dataclass(frozen=True)
class Profile:
    """How a vendor answers: rank 0 picks the best option, 1 the worst; mandatory questions
    are met unless an override says otherwise."""

    rank: float
    spread: float = 0.0
    overrides: Mapping[str, str] = field(default_factory=dict)
    optional_evidence: bool = True
    remediate: bool = False


PROFILES = {
    "excellent": Profile(0.0),
    "good": Profile(0.12, 0.15),
    "fair": Profile(0.6, 0.3, optional_evidence=False),
    # Below the bar for development work: two mandatory gaps, so the officer rejects it.
    "weak_development": Profile(
        0.45,
        0.3,
        {"build.environment_separation": "separated", "build.vuln_assessment": "tool_only"},
        optional_evidence=False,
    ),
    # Three mandatory gaps, each with an accepted remediation: passes only with conditions.
    "remediation": Profile(
        0.2,
        0.15,
        {
            "crypto.mfa": "optional",
            "exit.deletion_certificate": "no",
            "incident.procedure": "documented",
        },
        remediate=True,
    ),
    # Terms under foreign law and courts: a mandatory requirement at tier 2 is not met.
    "foreign_law": Profile(
        0.1,
        0.1,
        {
            "legal.governing_law": "other",
            "legal.jurisdiction": "other",
            "legal.data_location": "jp_and_foreign",
        },
    ),
}

TEXTS = {
    "ownership_detail": "親会社はありません（独立系）。主要株主は創業者一族（48%）及び従業員持株会（12%）、すべて日本国内です。",
    "capital_officers": "親会社なし。主要株主: 代表取締役（35%）、取引金融機関（10%）。役員: 代表取締役 1名、取締役 3名、監査役 1名。",
    "operation_locations": "運用・保守: 東京本社（日本）。データセンター: 東京都及び大阪府（日本国内のみ）。問合せ窓口: 東京本社。",
    "work_locations": "本社（{address}）の入退室管理された専用作業室のみで作業します。",
    "public_sector_record": "令和4年度から都道府県2団体・市町村14団体に提供しています（うち電子申請の用途で9団体）。",
    "track_record": "令和4〜6年度に県内市町村5団体から同種業務を受託しています（いずれも契約期間満了まで履行）。",
    "handling_restrictions_detail": "要配慮個人情報の入力は、個別契約で暗号化オプションを利用する場合に限り認めています。",
    "ismap_application": "令和7年3月に申請済みです。登録の見込みは令和8年度上期です。",
    "isms_number": "IS 612345（認証機関: 一般財団法人日本品質保証機構）",
    "pmark_details": "第10823456(05)号、有効期間は令和7年4月1日から令和9年3月31日まで",
    "foreign_location_detail": "暗号化したバックアップのみを米国（オレゴン州）のリージョンに保存します。",
    "governing_law_detail": "米国カリフォルニア州法です。日本法を準拠法とする個別合意は協議可能です。",
    "jurisdiction_detail": "米国カリフォルニア州の裁判所です。東京地方裁判所とする個別合意は協議可能です。",
    "recovery_targets": "RTO 4時間、RPO 24時間。大規模災害時は大阪のデータセンターへ切り替えます（年1回訓練）。",
    "customer_tasks": "管理者アカウントの多要素認証の有効化、接続元IPアドレスの制限、利用者アカウントの四半期ごとの棚卸し、監査ログの月次確認を推奨します。",
    "list": "株式会社ほくとデータセンター（日本、データセンター設備の運用。データの内容にはアクセスしません）",
    "details": f"株式会社かすみ入力センター（法人番号 {corporate_number('010001012345')}、東京都台東区、資本関係なし）",
    "work_scope": "繁忙期（1〜3月）の入力作業の一部。処理量の増加に対応するため。",
    "information": "入力用の課税資料の画像データ。暗号化した回線で受け渡し、作業後に消去証明書を提出させます。",
    "responsible_person": "業務部 部長 鈴木 一郎",
    "foreign_nationals_management": "外国籍の従事者は本業務に従事させません。",
    "reservations": "特にありません。",
    "purpose": "防災情報・イベント情報を市民に発信します。主な対象は市内在住・在勤の方です。",
    "content": "防災情報（随時）、イベント・手続きのお知らせ（週2〜3回）。",
    "posters": "広報課の職員2名及び運用受託事業者。",
    "response_hours": "コメント・メッセージへの個別の回答は行わず、問合せ窓口を案内します。",
    "names": "責任者: 広報課長 山本 花子／副責任者: 広報課 主査 小林 健",
    "work": "住民説明会及び庁内会議のオンライン開催に利用します。",
    "risk_notes": "約款上、事業者の責任は利用料金の範囲に限られます。公開予定の資料のみを扱い、個人情報は入力しません。",
    "description": "会議の日時、参加者の氏名・所属、公開予定の会議資料。",
    "administrator": "情報政策課 主任 伊藤 翔",
}
TEXTS_EN = {
    "governing_law_detail": "Laws of the State of California, USA. An agreement under Japanese law can be discussed for enterprise contracts.",
    "jurisdiction_detail": "Courts of San Francisco County, California. The Tokyo District Court can be agreed individually.",
    "foreign_location_detail": "Encrypted backups only are stored in our US (Oregon) region.",
}
GENERIC = "当社の情報セキュリティ基本方針及び関連規程に基づき対応しています。責任者を定め、実施状況を年1回以上点検しています。"
GENERIC_EN = "Handled under our information security policy; an owner is assigned and compliance is reviewed at least annually."
WEAK = "個別にご相談ください。"


def _fraction(seed: str) -> float:
    return int(hashlib.sha256(seed.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF


def _date_for(question_id: str, today: dt.date) -> str:
    days = 400 if "expir" in question_id else 30 if "start" in question_id else 365
    return (today + dt.timedelta(days=days)).isoformat()


def _text_for(question: Question, vendor: Vendor, service: str, profile: Profile, lang: str):
    name = question.id.split(".")[-1]
    if question.id.endswith("company.name"):
        return vendor.name
    if name in {"service_name"} or question.id == "service.name":
        return f"{service}（{vendor.name}）"
    if name == "address":
        return vendor.address
    if name == "contact":
        return f"情報セキュリティ推進室 {vendor.contact_name}（電話 03-1234-5678）"
    if question.id == "account.name":
        return "架空市公式（LINE ID: @kakuu_city）"
    if profile.rank >= 0.3 and getattr(question.answer_type, "scoring", "") == "reviewer":
        return WEAK
    if lang == "en":
        return TEXTS_EN.get(name, GENERIC_EN)
    return TEXTS.get(name, GENERIC).format(address=vendor.address)


def raw_answer(
    question: Question,
    vendor: Vendor,
    service: str,
    profile: Profile,
    lang: str,
    today: dt.date,
    tier: int,
) -> list[str]:
    """The form value a vendor of this profile would send for one (non-file) question."""
    if question.id in profile.overrides:
        return [profile.overrides[question.id]]
    jitter = (2 * _fraction(f"{vendor.name}:{question.id}") - 1) * profile.spread
    rank = 0.0 if question.is_mandatory(tier) else min(1.0, max(0.0, profile.rank + jitter))
    facts = SampleFacts(
        text=_text_for(question, vendor, service, profile, lang),
        date=_date_for(question.id, today),
        website=vendor.website,
        email=vendor.contact_email,
        corporate_number=vendor.corporate_number or "",
    )
    return question.answer_type.sample_answer(rank, facts)


def fill_in(
    assessment: Assessment,
    profile: Profile,
    service: str,
    *,
    today: dt.date,
    max_evidence_bytes: int,
    sections: int | None = None,
) -> int:
    """Answer the first `sections` sections (all by default) through the vendor's services,
    attach a small PDF to the file questions that apply, and return the draft revision."""
    questionnaire = questionnaire_of(assessment)
    tier, vendor = assessment.case.tier, assessment.vendor
    answers: dict[str, object] = {}
    chosen = questionnaire.sections[:sections] if sections else questionnaire.sections
    revision = assessment.draft_revision
    for section in chosen:
        form: dict[str, list[str]] = {}
        for question in section.questions:
            if question.answer_type.holds_evidence:  # attached below
                continue
            if question.id not in questionnaire.applicable_questions(answers, tier):
                continue
            raw = raw_answer(question, vendor, service, profile, assessment.language, today, tier)
            value, error = question.clean(raw)
            if error:
                raise ServiceError(f"デモの回答が確認書に合いません（{question.id}: {error}）")
            answers[question.id] = value
            form[f"q__{question.id}"] = raw
        result = answer_service.save_section(
            Assessment.get_by_id(assessment.id), section.id, form, revision
        )
        if result.errors:
            raise ServiceError(f"デモの回答を保存できません: {result.errors}")
        revision = result.revision
    applicable = questionnaire.applicable_questions(answers, tier)
    for section in chosen:
        for question in section.questions:
            wanted = question.required or question.mandatory_from_tier or profile.optional_evidence
            if question.answer_type.holds_evidence and question.id in applicable and wanted:
                answer_service.add_evidence(
                    Assessment.get_by_id(assessment.id),
                    question.id,
                    f"{question.id.replace('.', '_')}.pdf",
                    TINY_PDF,
                    max_bytes=max_evidence_bytes,
                )
    return Assessment.get_by_id(assessment.id).draft_revision
