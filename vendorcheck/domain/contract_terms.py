"""The time limits an annex states: the organisation's defaults, and a vendor's stronger promise."""

from __future__ import annotations

from dataclasses import dataclass, replace

from vendorcheck.domain.jp import to_full_width_digits


@dataclass(frozen=True)
class Limit:
    """One configurable time limit: its name in clause bodies, its setting and its bounds."""

    name: str  # the name a clause body uses, e.g. 書面報告期限日数
    field: str  # the attribute of TimeLimits and the organisation setting
    label: str  # what staff read on the settings page
    unit: str
    default: int
    maximum: int
    help: str = ""


LIMITS = (
    Limit("報告期限時間", "incident_report_hours", "事故の第一報の期限", "時間", 24, 720),
    Limit(
        "書面報告期限日数", "written_report_days", "事故等の書面による報告の期限", "日", 7, 90,
        "事故を知った日から、原因・影響・再発防止策を書面で報告させるまでの日数です。",
    ),
    Limit(
        "返還期限日数", "return_days", "情報資産の返還・消去の期限", "日", 30, 180,
        "業務の終了又は契約の解除の日から、情報資産を返還又は消去させるまでの日数です。",
    ),
    Limit(
        "消去証明期限日数", "erasure_certificate_days", "消去証明書の提出期限", "日", 14, 90,
        "消去の完了の日から、消去証明書を提出させるまでの日数です。",
    ),
    Limit(
        "是正計画期限日数", "corrective_plan_days", "改善計画の提出期限", "日", 14, 90,
        "監査等の結果、改善を求めた日から、改善計画を提出させるまでの日数です。",
    ),
)  # fmt: skip
DAY_LIMITS = LIMITS[1:]  # set on the organisation page beside the first-report hours
LIMIT_NAMES = frozenset(limit.name for limit in LIMITS)
LIMIT_BY_NAME = {limit.name: limit for limit in LIMITS}


@dataclass(frozen=True)
class TimeLimits:
    """The limits one annex states (hours for the first report, days for the others)."""

    incident_report_hours: int = 24
    written_report_days: int = 7
    return_days: int = 30
    erasure_certificate_days: int = 14
    corrective_plan_days: int = 14

    def value(self, name: str) -> int:
        return int(getattr(self, LIMIT_BY_NAME[name].field))

    def template_values(self) -> dict[str, str]:
        """The limits as full-width numbers, by the names clause bodies use."""
        return {limit.name: to_full_width_digits(str(self.value(limit.name))) for limit in LIMITS}

    def with_promises(self, promises: dict[str, int]) -> TimeLimits:
        """Carry a vendor's promise into the annex where it is shorter than the default."""
        changes = {
            LIMIT_BY_NAME[name].field: value
            for name, value in promises.items()
            if name in LIMIT_BY_NAME and value < self.value(name)
        }
        return replace(self, **changes) if changes else self
