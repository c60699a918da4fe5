"""The contract side of the demonstration data: what each demo case handles, the answers that
raise a contract conflict, and staff's resolutions of them (one resolved conflict per kind)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from vendorcheck.domain.clauses import Clause
from vendorcheck.services import contract_terms
from vendorcheck.services.assessments import latest_answers, questionnaire_of
from vendorcheck.services.audit import Actor
from vendorcheck.store.models import Assessment

# case key → (personal information, 特定個人情報): 住民税課税資料 and 住民情報 carry 個人番号.
HANDLING = {
    "outsourcing": (True, True),
    "system": (True, True),
    "cloud": (True, False),
    "sns": (False, False),
}

# case key → answers of the accepted assessment: one that raises a contract conflict (resolved
# below), and for SNS the account the case is about
CONFLICT_ANSWERS = {
    "outsourcing": {"contract.damages": "cap_reasonable"},
    "system": {"contract.damages": "cap_reasonable"},
    "cloud": {"audit.right_to_audit": "reports_only"},
    "sns": {
        "terms.change_report": "periodic",
        "account.platform": "line",
        "account.name": "架空市公式（LINE ID: @kakuu_city）",
        "account.url": "https://page.line.me/kakuu_city",
    },
}

# the topic of a conflict → the individual condition staff accept, and why
CONDITIONS = {
    "損害賠償の範囲": (
        "この特記事項に違反したことによる損害の賠償の額は、本契約の契約金額を上限とする。"
        "ただし、受託者の故意又は重大な過失によるとき、及び個人情報の漏えい等によるときは、この限りでない。",
        "上限は契約金額以上であり、故意・重過失及び個人情報の漏えい等を上限の対象外としているため、法務担当と協議の上受け入れる。",
    ),
    "監査及び検査": (
        "委託者が行う監査及び検査は、受託者が提供する第三者による監査報告書（ISMAP の監査結果を"
        "含む。）及び委託者の書面による質問への回答をもって代えるものとする。ただし、事故が発生した"
        "ときは、委託者は、受託者と協議の上、実地の確認を求めることができる。",
        "多数の利用者が共用するクラウドサービスであり、ISMAP の監査結果と書面による質問への回答で"
        "管理状況を確認できるため、事故時の実地確認を留保して受け入れる。",
    ),
    "準拠法": (
        "約款の準拠法の定めにかかわらず、本契約及びこの特記事項の解釈は日本法による。",
        "事業者が日本法を準拠法とする個別合意に応じると回答しているため。",
    ),
    "利用規約の変更の報告": (
        "利用規約の変更の報告は、定期報告に併せて行うことをもって足りるものとする。ただし、変更が"
        "本アカウントの運用又は委託者に不利益を及ぼすおそれがあるときは、知った日から７日以内に報告する。",
        "公開情報の発信に限るアカウントであり、半年ごとの確認で影響は限定的であるため。",
    ),
    "管轄裁判所": (
        "約款の管轄の定めにかかわらず、本契約に関する紛争は委託者の事務所の所在地を管轄する日本国内の裁判所で解決する。",
        "事業者が日本国内の裁判所とする個別合意に応じると回答しているため。",
    ),
}
GENERIC_REASON = "取り扱う情報の区分と業務の内容から影響は限定的であり、次回の確認で改善を求める。"


def _condition(state: contract_terms.ConflictState) -> tuple[str, str]:
    conflict = state.conflict
    if conflict.topic in CONDITIONS:
        return CONDITIONS[conflict.topic]
    text = (
        f"「{conflict.topic}」については、受託者が本契約の締結前に書面で示した方法により"
        "履行し、その状況を定期報告において報告するものとする。"
    )
    return text, GENERIC_REASON


def resolve_all(
    actor: Actor,
    assessment: Assessment,
    clauses: Sequence[Clause],
    positions: Mapping[str, object],
) -> int:
    """Accept every open contract conflict of one assessment with a reasoned condition."""
    assessment = Assessment.get_by_id(assessment.id)
    answers, _version = latest_answers(assessment)
    _result, states = contract_terms.analyse(
        assessment, questionnaire_of(assessment), answers, clauses, positions
    )
    count = 0
    for state in states:
        if state.resolved:
            continue
        text, reason = _condition(state)
        contract_terms.resolve(
            actor, assessment, state.conflict, decision="accept", condition_text=text, reason=reason
        )
        count += 1
    return count
