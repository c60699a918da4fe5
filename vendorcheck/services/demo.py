"""Demonstration data for an empty database: a fictional city (架空市), its staff, vendors, one
case of each kind and assessments in every state, built through the real services so that the
audit log, the outbox and the scorecards look as they would in use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.clauses import Clause
from vendorcheck.domain.jp import today_jst
from vendorcheck.domain.questionnaire import Questionnaire
from vendorcheck.domain.roles import role_label
from vendorcheck.services import answers as answer_service
from vendorcheck.services import cases as case_service
from vendorcheck.services import (
    demo_contract_terms,
    demo_registers,
    invitations,
    judgement,
    organisation_settings,
    review,
)
from vendorcheck.services import organisation as organisation_service
from vendorcheck.services import staff as staff_service
from vendorcheck.services import vendors as vendor_service
from vendorcheck.services.audit import Actor
from vendorcheck.services.contract_links import ContractLinkSettings
from vendorcheck.services.demo_answers import PROFILES, Profile, corporate_number, fill_in
from vendorcheck.services.demo_contracts import DemoContractLink, load_demo_contracts
from vendorcheck.services.demo_ismap import CLAIMS, import_demo_list
from vendorcheck.services.errors import ServiceError
from vendorcheck.store.db import database
from vendorcheck.store.models import Assessment, Case, Department, Staff, Vendor

ORGANISATION = "架空市"
MAIL_DOMAIN = "city.kakuu.example.jp"
SYSTEM = Actor.system("コマンド demo")


class DemoRefused(ServiceError):
    """The database already holds data; demonstration data goes only into an empty one."""


REMEDIATION_ACTIONS = {
    "crypto.mfa": "管理者・利用者の全アカウントで多要素認証を必須にできる設定を提供する。",
    "exit.deletion_certificate": "契約終了時にデータ消去証明書を発行する手順を整備し、契約書に明記する。",
    "incident.procedure": "インシデント対応手順に基づく訓練を年1回実施し、結果を報告する。",
}


# key, name, base 12 digits of 法人番号, address, contact, mail domain label, service, certifications
VENDORS = (
    ("mirai", "株式会社みらいクラウド", "010401087654", "東京都千代田区丸の内一丁目1番1号", "青木 美咲",
     "mirai-cloud", "みらい電子申請クラウド スタンダードプラン（電子申請・アンケート・集計）",
     (("ismap", "C22-0101-1", "みらい電子申請クラウド", 300), ("isms", "IS 612345", "クラウドサービスの開発及び運用", 400))),
    ("nihon_dc", "日本データセンター株式会社", "020001034567", "大阪府大阪市北区梅田二丁目2番2号", "井上 健太",
     "nihon-dc", "NDC フォーム＆集計サービス（自治体向けプラン）",
     (("ismap", "C23-0077-1", "NDC フォーム＆集計サービス", 500), ("pmark", "10823456(04)", "", 200))),
    ("sakura", "株式会社さくら情報サービス", "011001045678", "神奈川県横浜市中区本町三丁目3番3号", "佐々木 陽子",
     "sakura-is", "さくらWebアンケート ビジネス版",
     (("isms", "IS 700123", "システム開発及び保守", 180),)),
    ("yamabiko", "有限会社やまびこシステム", "030002056789", "長野県長野市大字南長野四丁目4番4号", "山口 大輔",
     "yamabiko-sys", "やまびこ申請ポータル（クラウド版）",
     (("isms", "IS 655432", "ソフトウェア開発", 45),)),
    ("northwind", "ノースウィンド・クラウド合同会社", "010403067890", "東京都港区六本木五丁目5番5号", "Emily Carter",
     "northwind", "Northwind Forms Enterprise",
     (("soc2", "SOC 2 Type 2 (2024)", "Northwind Forms", 240),)),
    ("kakuu_print", "株式会社架空印刷", "040001078901", "架空県架空市本町一丁目2番3号", "松本 恵",
     "kakuu-print", "課税資料のデータ入力・印刷・封入封緘",
     (("pmark", "10650321(06)", "", 365), ("isms", "IS 598765", "データエントリー及び印刷", 250))),
    ("towa", "株式会社東和システム開発", "050001089012", "架空県架空市駅前二丁目8番1号", "中村 誠",
     "towa-sd", "住民情報システム（税務）の改修",
     (("isms", "IS 621098", "システム開発、運用及び保守", 330),)),
    ("hikari", "株式会社ひかりソーシャル", "011101090123", "東京都渋谷区神南一丁目6番7号", "木村 彩",
     "hikari-social", "公式SNSアカウントの運用支援",
     ()),
)  # fmt: skip

# key, kind, title, classification level (令和6年10月 scheme), days to the answer deadline, description
CASES = (
    ("outsourcing", "outsourcing", "住民税課税資料のデータ入力業務委託（令和7年度）", "3B", 21,
     "給与支払報告書等の課税資料のパンチ入力及び検証を委託する。"),
    ("system", "system", "住民情報システム（税務）改修業務", "3A", 14,
     "税制改正に伴う住民情報システムの改修。本番データを用いた移行作業を含む。"),
    ("cloud", "cloud", "電子申請・アンケート集計クラウドサービスの導入", "2", 10,
     "市民向け電子申請とアンケート集計に利用するクラウドサービスを選定する（5者から見積り）。"),
    ("sns", "sns", "市公式LINEアカウントの運用支援業務委託", "2", 14,
     "市公式LINEアカウントの投稿の原稿作成、配信及び問合せの一次対応を委託する（運用委託）。"),
)  # fmt: skip

# case, vendor, profile, final state, language
ASSESSMENTS = (
    ("outsourcing", "kakuu_print", "excellent", status.ACCEPTED, "ja"),
    ("system", "towa", "good", status.RETURNED, "ja"),
    ("system", "sakura", "weak_development", status.REJECTED, "ja"),
    ("cloud", "mirai", "excellent", status.ACCEPTED, "ja"),
    ("cloud", "nihon_dc", "good", status.SUBMITTED, "ja"),
    ("cloud", "sakura", "fair", status.SUBMITTED, "ja"),
    ("cloud", "yamabiko", "remediation", status.SUBMITTED, "ja"),
    ("cloud", "northwind", "foreign_law", status.SUBMITTED, "en"),
    ("system", "nihon_dc", "good", status.ACCEPTED, "ja"),
    ("sns", "hikari", "good", status.ACCEPTED, "ja"),
    ("outsourcing", "towa", "good", status.INVITED, "ja"),
    ("system", "kakuu_print", "good", status.IN_PROGRESS, "ja"),
)  # every kind a vendor answers has an accepted assessment, so an annex can be generated for
# each (the SNS case is an outsourced operation, answered with the vendor questionnaire
# sns_outsourcing); the department self-checks (cloud_light, sns) are use applications
# (demo_registers)

STAFF = (
    ("ciso", "ciso", "佐藤 修一", "事務部局"),
    ("officer", "officer", "高橋 真理", "事務部局"),
    ("viewer", "viewer", "田中 翔", "事務部局"),
)


@dataclass(frozen=True)
class Login:
    login_id: str
    role: str
    password: str | None  # None: an existing account whose password we do not know


@dataclass(frozen=True)
class OpenLink:
    case_title: str
    vendor_name: str
    state: str
    url: str


@dataclass
class DemoResult:
    logins: list[Login] = field(default_factory=list)
    links: list[OpenLink] = field(default_factory=list)
    cases: int = 0
    vendors: int = 0
    assessments: int = 0
    ismap_entries: int = 0
    register_entries: int = 0
    contract_links: list[DemoContractLink] = field(default_factory=list)


def refusal_reason() -> str | None:
    """Say why demonstration data must not be loaded here, or None for an empty database."""
    cases = Case.select().count()
    vendors = Vendor.select().count()
    staff = Staff.select().where(Staff.role != "admin").count()
    if not (cases or vendors or staff):
        return None
    return (
        f"このデータベースには既にデータがあります（案件 {cases} 件、事業者 {vendors} 件、"
        f"管理者以外の職員 {staff} 名）。実際のデータを壊さないよう、デモデータは読み込みません。"
        "デモデータは空のデータベースにだけ読み込めます（例: 環境変数 VENDORCHECK_INSTANCE_PATH に"
        "空のフォルダーを指定して vendorcheck demo を実行してください）。"
    )


def _remediate(officer: Staff, assessment: Assessment, today: dt.date) -> int:
    """Accept a remediation for every open mandatory gap, as the reviewing officer would."""
    card = review.scorecard(assessment)
    gaps = dict.fromkeys(
        gap.question_id for gap in card.gaps if gap.severity == "mandatory" and not gap.remediated
    )
    actor = Actor("staff", officer.id, officer.display_name)
    for question_id in gaps:
        action = REMEDIATION_ACTIONS.get(question_id, "指摘事項を是正し、結果を書面で報告する。")
        due = today + dt.timedelta(days=90)
        remediation = judgement.add_remediation(
            actor, assessment, question_id, action, due, today=today
        )
        judgement.accept_remediation(actor, assessment, remediation.id)
    return len(gaps)


def _return_comments(assessment: Assessment) -> dict[str, str]:
    """Comments on the two weakest scored answers."""
    card = review.scorecard(assessment)
    scored = [q for q in card.questions if q.status == "scored" and q.weight > 0]
    weakest = sorted(scored, key=lambda q: (q.final, -q.weight))[:2]
    return {
        q.question_id: "回答の根拠となる規程の名称と、直近の実施状況（実施日・対象）を追記してください。"
        for q in weakest
    }


def _settle(
    assessment: Assessment,
    target: str,
    profile: Profile,
    people: Mapping[str, Staff],
    today: dt.date,
    revision: int,
    links: invitations.LinkSettings,
) -> Assessment:
    """Take a filled-in assessment to its final state: submitted, returned, accepted, rejected."""
    vendor_actor = answer_service.vendor_actor(assessment, "")
    answer_service.submit(Assessment.get_by_id(assessment.id), revision, vendor_actor)
    assessment = Assessment.get_by_id(assessment.id)
    officer, ciso = people["officer"], people["ciso"]
    officer_actor = Actor("staff", officer.id, officer.display_name)
    if profile.remediate:
        _remediate(officer, assessment, today)
    if target == status.RETURNED:
        review.return_to_vendor(
            officer_actor,
            assessment,
            "2つの質問について追記をお願いします。修正のうえ再提出してください。",
            _return_comments(assessment),
            links=links,
        )
    elif target == status.ACCEPTED:
        for question_id in review.pending_review(review.scorecard(assessment)):
            judgement.set_review_score(
                officer_actor,
                assessment,
                question_id,
                1.0,
                "記述の内容を確認し、要件を満たすと判断した。",
            )
        review.decide(
            Actor("staff", ciso.id, ciso.display_name),
            assessment,
            status.ACCEPTED,
            "必須項目をすべて満たし、総合点も合格点を上回っているため承認する。",
        )
    elif target == status.REJECTED:
        review.decide(
            officer_actor,
            assessment,
            status.REJECTED,
            "開発環境の分離と脆弱性診断（必須項目）が本案件の求める水準に達しておらず、是正の見込みも示されなかったため。",
        )
    return Assessment.get_by_id(assessment.id)


def _create_people(result: DemoResult) -> dict[str, Staff]:
    created = staff_service.bootstrap_admin()
    if created:
        result.logins.append(Login(created[0].login_id, role_label("admin"), created[1]))
    else:
        for admin in Staff.select().where(Staff.role == "admin").order_by(Staff.id):
            result.logins.append(Login(admin.login_id, role_label("admin"), None))
    people = {}
    for login_id, role, name, department in STAFF:
        staff, password = staff_service.create_staff(
            SYSTEM,
            login_id=login_id,
            display_name=name,
            role=role,
            email=f"{login_id}@{MAIL_DOMAIN}",
            department_id=Department.get(Department.name == department).id,
        )
        people[role] = staff
        result.logins.append(Login(staff.login_id, role_label(role), password))
    return people


def _create_vendors(officer: Actor, today: dt.date) -> tuple[dict[str, Vendor], dict[str, str]]:
    vendors, services = {}, {}
    for key, name, base, address, contact, domain, service, certifications in VENDORS:
        vendor = vendor_service.create_vendor(
            officer,
            name=name,
            corporate_number=corporate_number(base),
            address=address,
            contact_name=contact,
            contact_email=f"security@{domain}.example.jp",
            website=f"https://www.{domain}.example.jp",
        )
        for kind, number, scope, days in certifications:
            vendor_service.add_certification(
                officer,
                vendor.id,
                kind=kind,
                number=number,
                scope=scope,
                expires_on=today + dt.timedelta(days=days),
            )
        vendors[key], services[key] = vendor, service
    return vendors, services


def load_demo(
    questionnaire_for: Callable[[str, str], Questionnaire | None],
    links: invitations.LinkSettings,
    *,
    max_evidence_bytes: int,
    today: dt.date | None = None,
    contracts: tuple[Sequence[Clause], ContractLinkSettings] | None = None,
    positions: Mapping[str, object] | None = None,
) -> DemoResult:
    """Load the demonstration data in one transaction, or raise DemoRefused."""
    today = today or today_jst()
    result = DemoResult()
    with database.atomic():
        reason = refusal_reason()
        if reason:
            raise DemoRefused(reason)
        organisation_settings.update_organisation(
            SYSTEM,
            name=ORGANISATION,
            classification_scheme="r6",
            classification_extra_levels="",
            party_terms="itaku",
            incident_report_hours=24,
        )
        people = _create_people(result)
        officer = people["officer"]
        officer_actor = Actor("staff", officer.id, officer.display_name)
        vendors, services = _create_vendors(officer_actor, today)
        result.ismap_entries = import_demo_list(SYSTEM, today)
        department = Department.get(Department.name == "事務部局").id
        organisation_service.update_department(  # the portal's help box: whom vendors ask
            SYSTEM,
            department,
            name="事務部局",
            active=True,
            contact=organisation_service.DepartmentContact(
                "情報政策課 高橋", "03-1234-5678 内線2101", "johosys@city.example.jp"
            ),
        )
        cases = {}
        for key, kind, title, level, days, description in CASES:
            deadline = today + dt.timedelta(days=days)
            cases[key] = case_service.create_case(
                officer_actor,
                case_service.CaseInput(
                    title=title,
                    kind=kind,
                    department_id=department,
                    classification_level=level,
                    contract_start=today + dt.timedelta(days=60),
                    contract_end=today + dt.timedelta(days=60 + 364),
                    answer_deadline=deadline,
                    description=description,
                    personal_information=demo_contract_terms.HANDLING[key][0],
                    specific_personal_information=demo_contract_terms.HANDLING[key][1],
                ),
                today=today,
            )
        settled: dict[str, Assessment] = {}
        for case_key, vendor_key, profile_key, target, language in ASSESSMENTS:
            case, vendor, profile = cases[case_key], vendors[vendor_key], PROFILES[profile_key]
            if vendor_key in CLAIMS:
                profile = replace(profile, overrides={**profile.overrides, **CLAIMS[vendor_key]})
            if target == status.ACCEPTED and case_key in demo_contract_terms.CONFLICT_ANSWERS:
                overrides = {**profile.overrides, **demo_contract_terms.CONFLICT_ANSWERS[case_key]}
                profile = replace(profile, overrides=overrides)
            questionnaire = questionnaire_for(case.kind, "vendor")
            if questionnaire is None:
                raise ServiceError(f"種別 {case.kind} の確認書が見つかりません。")
            (link,) = invitations.invite(
                officer_actor,
                case,
                [vendor.id],
                questionnaire,
                deadline=case.answer_deadline,
                language=language,
                settings=links,
            )
            assessment = link.assessment
            if target != status.INVITED:
                revision = fill_in(
                    assessment,
                    profile,
                    services[vendor_key],
                    today=today,
                    max_evidence_bytes=max_evidence_bytes,
                    sections=2 if target == status.IN_PROGRESS else None,
                )
                if target != status.IN_PROGRESS:
                    assessment = _settle(
                        assessment, target, profile, people, today, revision, links
                    )
                    if target == status.ACCEPTED or vendor_key == "northwind":
                        settled.setdefault(case_key, assessment)
            assessment = Assessment.get_by_id(assessment.id)
            if assessment.status in status.EDITABLE_BY_VENDOR:
                label = status.LABELS[assessment.status]
                result.links.append(OpenLink(case.title, vendor.name, label, link.url))
        result.register_entries = demo_registers.load_registers(people, questionnaire_for, today)
        if contracts is not None:
            clauses, contract_links = contracts
            for assessment in settled.values():  # one resolved contract conflict (or more) a kind
                demo_contract_terms.resolve_all(officer_actor, assessment, clauses, positions or {})
            result.contract_links = load_demo_contracts(
                officer_actor, clauses, contract_links, today, positions=positions or {}
            )
        result.cases, result.vendors, result.assessments = (
            len(cases),
            len(vendors),
            len(ASSESSMENTS),
        )
    return result
