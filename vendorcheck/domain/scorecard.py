"""The scorecard as data: verdicts, severities and statuses with their Japanese labels, the
reviewer's inputs (Review, Remediation) and what scoring returns (Scorecard and its parts).
scoring.py computes it; reports, comparisons and pages read it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

from vendorcheck.domain.questionnaire import Text

VERDICT_CONFORMING = "適合"
VERDICT_CONDITIONAL = "条件付適合"
VERDICT_NONCONFORMING = "不適合"
SEVERITIES = ("mandatory", "high", "medium", "low")  # most serious first
SEVERITY_LABELS = MappingProxyType({"mandatory": "必須", "high": "高", "medium": "中", "low": "低"})
STATUSES = ("scored", "na", "pending_review", "unanswered", "not_scored", "hidden")
COUNTED = frozenset({"scored", "unanswered"})  # the statuses that enter a weighted mean
# Every state is named in words with a mark, never by colour alone (printed in grey too).
REQUIREMENT_STATUS_LABELS = MappingProxyType(
    {"met": "✓ 満たす", "partly": "△ 一部満たす", "not_met": "✗ 満たさない", "na": "－ 評価対象外"}
)
QUESTION_STATUS_LABELS = MappingProxyType(
    {
        "scored": "採点済み",
        "na": "該当しない",
        "pending_review": "審査待ち",
        "unanswered": "未回答（0点）",
        "not_scored": "採点対象外",
        "hidden": "対象外",
    }
)
# The same states explained, for the staff pages beside each answer.
QUESTION_STATUS_EXPLAINED = MappingProxyType(
    {
        "scored": "採点済み",
        "na": "該当しない（点数の計算に含めない）",
        "pending_review": "審査待ち（審査担当者の評点が必要）",
        "unanswered": "未回答（0点）",
        "not_scored": "採点対象外",
        "hidden": "対象外の質問",
    }
)
VERDICT_MARKS = MappingProxyType(
    {VERDICT_CONFORMING: "✓", VERDICT_CONDITIONAL: "△", VERDICT_NONCONFORMING: "✗"}
)


@dataclass(frozen=True)
class Review:
    """A reviewer's score (0..1) for a question, with the reason recorded for audit."""

    score: float
    reason: str

    def __post_init__(self) -> None:
        if not 0 <= self.score <= 1:
            raise ValueError("審査の評点は 0 から 1 の範囲で入力してください。")
        if not self.reason.strip():
            raise ValueError("評点の理由を入力してください。")


@dataclass(frozen=True)
class Remediation:
    """An improvement the vendor promises for a gap; accepted ones lift 不適合."""

    question_id: str
    action: str
    due: dt.date | None = None
    accepted: bool = False


class QuestionScore(NamedTuple):
    """How one question scored; status is one of STATUSES (a named tuple: built per question, so cheap)."""

    question_id: str
    section_id: str
    applies: bool
    automatic: float | None
    reviewed: float | None
    final: float | None
    weight: float
    status: str
    requirements: tuple[str, ...]


@dataclass(frozen=True)
class SectionScore:
    """A section's weighted score and its progress (required questions that apply)."""

    id: str
    title: Text
    score: float | None
    answered: int
    required: int


@dataclass(frozen=True)
class RequirementResult:
    """Whether one requirement id is met, with the questions and reason behind it."""

    id: str
    status: str  # met, partly, not_met, na
    question_ids: tuple[str, ...]
    reason_ja: str


@dataclass(frozen=True)
class Gap:
    """An unmet mandatory question or a finding; accepted remediation marks it remediated."""

    question_id: str
    severity: str
    reason_ja: str
    remediated: bool


@dataclass(frozen=True)
class Scorecard:
    """Everything a reviewer needs to trace the verdict back to answers."""

    questionnaire_id: str
    questionnaire_version: int
    tier: int
    total: float | None
    threshold: float
    verdict: str
    verdict_reasons: tuple[str, ...]
    complete: bool
    questions: tuple[QuestionScore, ...]
    sections: tuple[SectionScore, ...]
    requirements: tuple[RequirementResult, ...]
    gaps: tuple[Gap, ...]

    def question(self, question_id: str) -> QuestionScore:
        for result in self.questions:
            if result.question_id == question_id:
                return result
        raise KeyError(question_id)
