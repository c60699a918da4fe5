"""The demonstration register: five SNS accounts (one without MFA, one not on the official
website) and five external services (one from the accepted cloud case, one cloud_light
application waiting for approval), one 責任者 change in the history, built through the real
application, self-check, approval and register services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from vendorcheck.domain import assessment_status
from vendorcheck.domain import registers as reg
from vendorcheck.domain.access import Reader
from vendorcheck.domain.questionnaire import Questionnaire
from vendorcheck.services import (
    applications,
    register_import,
    register_people,
    registers,
    self_checks,
)
from vendorcheck.services.audit import Actor
from vendorcheck.services.demo_answers import PROFILES, TINY_PDF, raw_answer
from vendorcheck.services.errors import ServiceError
from vendorcheck.store.models import Assessment, Case, Department, Staff, UseApplication, Vendor

SITE = "https://www.city.kakuu.example.jp/shisei/koho/sns.html"

# name, platform, handle, purpose, content, audience, mfa, listed on the website, days since start
SNS_ACCOUNTS = (
    ("架空市公式 X", "x", "@kakuu_city", "市政情報の発信", "イベント、募集、市政のお知らせ", "市民", True, True, 900),
    ("架空市防災情報 LINE", "line", "@kakuu-bousai", "防災情報・避難情報の発信", "気象警報、避難情報、防災訓練", "市民・市内在勤者", True, True, 700),
    ("架空市公式 Instagram", "instagram", "@kakuu_city_official", "観光・魅力の発信", "観光地、季節の行事、特産品", "市外の方を含む一般", False, True, 500),
    ("架空市公式 YouTube", "youtube", "@kakuu-city-ch", "動画による広報", "市長会見、広報番組", "市民", True, True, 400),
    ("架空市子育て応援 LINE", "line", "@kakuu-kosodate", "子育て支援情報の発信", "健診、手当、子育てイベント", "子育て世帯", True, False, 120),
)  # fmt: skip

# name, provider, url, purpose, ismap number, days since start
EXISTING_SERVICES = (
    ("オンラインストレージ（公開資料の共有）", "株式会社ひかりソーシャル", "https://storage.example.jp", "公開予定資料の外部共有", "", 800),
    ("Web アンケート作成サービス", "株式会社さくら情報サービス", "https://enquete.example.jp", "市民意見の募集（個人情報を含まない）", "", 600),
    ("施設予約の案内チャットボット", "有限会社やまびこシステム", "https://chat.example.jp", "施設予約の案内", "", 300),
)  # fmt: skip


def _answer_self_check(reader: Reader, application: UseApplication, today: dt.date) -> None:
    """Answer the department's self-check well, through the same saves the pages use."""
    questionnaire = self_checks.questionnaire_of(application)
    entry = application.entry
    provider = Vendor(
        name=entry.provider_name or entry.name,
        website=entry.url or SITE,
        contact_email="info@example.jp",
        address="",
        corporate_number="",
    )
    profile = PROFILES["excellent"]
    for _round in range(3):  # answers can reveal follow-up questions
        for section in questionnaire.sections:
            current = UseApplication.get_by_id(application.id)
            draft = self_checks.read_draft(current)
            applicable = questionnaire.applicable_questions(draft.answers, current.tier)
            form = {
                f"q__{q.id}": raw_answer(
                    q, provider, entry.name, profile, "ja", today, current.tier
                )
                for q in section.questions
                if not q.answer_type.holds_evidence and q.id in applicable
            }
            _revision, errors = self_checks.save_section(
                reader, application.id, section.id, form, current.draft_revision
            )
            if errors:
                raise ServiceError(f"デモの自己点検を保存できません: {errors}")
        missing = self_checks.readiness(UseApplication.get_by_id(application.id)).missing
        for question_id in missing:
            if questionnaire.question(question_id).answer_type.holds_evidence:
                self_checks.add_evidence(
                    reader, application.id, question_id, "terms.pdf", TINY_PDF, max_bytes=10**6
                )
        if self_checks.readiness(UseApplication.get_by_id(application.id)).ready:
            return
    raise ServiceError("デモの自己点検に答えきれませんでした。")


def _apply(
    officer: Actor,
    reader: Reader,
    kind: str,
    department: Department,
    fields: Mapping[str, object],
    responsible: Staff,
    questionnaire: Questionnaire | None,
    today: dt.date,
    assessment_id: int | None = None,
) -> UseApplication:
    application = applications.start(
        officer,
        reader,
        applications.ApplicationInput(
            kind=kind,
            department_id=department.id,
            fields=fields,
            responsible=register_people.PersonInput(reg.RESPONSIBLE, staff_id=responsible.id),
            assessment_id=assessment_id,
        ),
        questionnaire,
        today=today,
    )
    if application.snapshot_id:
        _answer_self_check(reader, application, today)
    current = UseApplication.get_by_id(application.id)
    return self_checks.submit(officer, reader, current.id, current.draft_revision)


def _approve_and_start(ciso: Actor, officer: Actor, reader: Reader, application_id: int):
    approver = Reader(ciso.id, "ciso", None)
    application = applications.decide(
        ciso, approver, application_id, "approve", "自己点検・確認結果に問題がないため承認する。"
    )
    registers.move_status(officer, reader, application.entry_id, reg.ACTIVE)


def load_registers(
    people: Mapping[str, Staff],
    questionnaire_for: Callable[[str, str], Questionnaire | None],
    today: dt.date,
) -> int:
    """Build the demonstration register (inside the demo's transaction); return its size."""
    officer_staff, ciso_staff = people["officer"], people["ciso"]
    officer = Actor("staff", officer_staff.id, officer_staff.display_name)
    ciso = Actor("staff", ciso_staff.id, ciso_staff.display_name)
    department = Department.get_by_id(officer_staff.department_id)
    reader = Reader(officer_staff.id, officer_staff.role, department.id)
    sns = questionnaire_for("sns", "department")
    light = questionnaire_for("cloud_light", "department")
    if sns is None or light is None or "department" not in (sns.respondent, light.respondent):
        raise ServiceError("自己点検の確認書（sns・cloud_light）が見つかりません。")
    for name, platform, handle, purpose, content, audience, mfa, listed, days in SNS_ACCOUNTS:
        fields = {
            "name": name,
            "provider_name": reg.PLATFORMS[platform],
            "url": f"https://{platform}.example.com/{handle.lstrip('@')}",
            "purpose": purpose,
            "classification_level": "1",
            "platform": platform,
            "account_name": name,
            "account_handle": handle,
            "audience": audience,
            "content": content,
            "posters": f"{department.name} 広報担当",
            "response_hours": "平日 8時30分〜17時15分",
            "official_page_url": SITE if listed else "",
            "mfa_enabled": mfa,
            "platform_verified": platform in ("x", "line", "youtube"),
            "start_date": today - dt.timedelta(days=days),
        }
        application = _apply(officer, reader, "sns", department, fields, officer_staff, sns, today)
        _approve_and_start(ciso, officer, reader, application.id)
        if name == "架空市公式 X":  # one change of 責任者 in the history
            register_people.change_person(
                officer,
                reader,
                application.entry_id,
                register_people.PersonInput(reg.RESPONSIBLE, staff_id=ciso_staff.id),
                effective_from=today - dt.timedelta(days=200),
                reason="広報体制の見直し（令和の組織改正）による交代",
            )
    accepted = (
        Assessment.select()
        .join(Case)
        .where(Case.kind == "cloud", Assessment.status == assessment_status.ACCEPTED)
        .first()
    )
    if accepted is not None:
        cloud = _apply(
            officer,
            reader,
            "cloud",
            department,
            {
                "name": "電子申請・アンケート集計クラウド",
                "url": "https://www.mirai-cloud.example.jp",
                "purpose": accepted.case.description,
                "classification_level": accepted.case.classification_level,
                "ismap_number": "C22-0101-1",
                "data_location": "日本国内",
                "governing_law": "日本法",
                "start_date": today,
            },
            officer_staff,
            None,
            today,
            assessment_id=accepted.id,
        )
        _approve_and_start(ciso, officer, reader, cloud.id)
    _apply(
        officer,
        reader,
        "cloud_light",
        department,
        {
            "name": "オンライン会議サービス（住民説明会・庁内会議）",
            "provider_name": "株式会社みらいクラウド",
            "url": "https://meet.example.jp",
            "purpose": "公開予定の資料だけを扱う住民説明会と庁内会議",
            "classification_level": "1",
        },
        officer_staff,
        light,
        today,
    )  # left waiting for the approver
    for name, provider, url, purpose, ismap, days in EXISTING_SERVICES:
        register_import.create_existing_entry(
            officer,
            reg.SERVICE,
            department,
            {
                "name": name,
                "provider_name": provider,
                "url": url,
                "purpose": purpose,
                "classification_level": "1",
                "ismap_number": ismap,
                "mfa_enabled": True,
                "start_date": today - dt.timedelta(days=days),
            },
            register_people.PersonInput(reg.RESPONSIBLE, staff_id=officer_staff.id),
            status=reg.ACTIVE,
            reason="導入済みのサービスを台帳に登録",
            today=today,
        )
    return len(SNS_ACCOUNTS) + len(EXISTING_SERVICES) + 1 + (accepted is not None)
