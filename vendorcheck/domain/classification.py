"""Information classification schemes (CLS-01..03) and the tier each level maps to."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

LEVEL_CODE = re.compile(r"[0-9A-Z][0-9A-Z_-]{0,19}")
TIERS = (1, 2, 3)
TIER_LABELS = {
    1: "区分1（機密性1）",
    2: "区分2（機密性2）",
    3: "区分3（機密性3・自治体機密性3A/3B/3C）",
}
CONFIDENTIAL_FROM_TIER = 2  # "機密性2以上" decides the CLD rule set over CLL (CLS-02)


@dataclass(frozen=True)
class Level:
    """One confidentiality level: a stable ascii code, its Japanese label, its tier."""

    code: str
    label_ja: str
    tier: int


@dataclass(frozen=True)
class Scheme:
    """A classification scheme: its levels from most to least confidential."""

    id: str
    label_ja: str
    levels: tuple[Level, ...]
    level_prefix_ja: str = "機密性"

    def level(self, code: str) -> Level:
        """Return the level with this code; raise KeyError naming the scheme otherwise."""
        for level in self.levels:
            if level.code == code:
                return level
        raise KeyError(f"分類「{self.label_ja}」に区分 '{code}' はありません")

    def tier_for(self, code: str) -> int:
        return self.level(code).tier

    def tier_or_lowest(self, code: str) -> int:
        """The tier of a level; 1 for no level, or one the scheme does not have (any more)."""
        return next((level.tier for level in self.levels if level.code == code), 1)

    def handles_confidential(self, code: str) -> bool:
        return handles_confidential(self.level(code))


def with_tier(label: str, tier: int) -> str:
    """A class with the tier of checks it asks for, as staff pages say it: 「機密性2（確認の段階 2）」."""
    return f"{label}（確認の段階 {tier}）"


def handles_confidential(level: Level) -> bool:
    """Tell whether the level is 機密性2以上, so external services follow the CLD rules."""
    return level.tier >= CONFIDENTIAL_FROM_TIER


def external_service_kind(level: Level) -> str:
    """Return the questionnaire kind for an external service handling this level."""
    return "cloud" if handles_confidential(level) else "cloud_light"


def _levels(prefix: str, tiers: Mapping[str, int]) -> tuple[Level, ...]:
    return tuple(Level(code, f"{prefix}{code}", tier) for code, tier in tiers.items())


CLASSIC = Scheme(
    id="classic",
    label_ja="機密性 3/2/1（従来の分類）",
    levels=_levels("機密性", {"3": 3, "2": 2, "1": 1}),
)
R6 = Scheme(
    id="r6",
    label_ja="自治体機密性 3A/3B/3C/2/1（令和6年10月改定）",
    levels=_levels("自治体機密性", {"3A": 3, "3B": 3, "3C": 3, "2": 2, "1": 1}),
    level_prefix_ja="自治体機密性",
)
SCHEMES: Mapping[str, Scheme] = MappingProxyType({CLASSIC.id: CLASSIC, R6.id: R6})

# 完全性 and 可用性 do not change the tier; they are recorded alongside (CLS-01).
INTEGRITY_LEVELS = (Level("2", "完全性2", 2), Level("1", "完全性1", 1))
AVAILABILITY_LEVELS = (Level("2", "可用性2", 2), Level("1", "可用性1", 1))


def build_scheme(name: str, extra_levels: Mapping[str, int] | None = None) -> Scheme:
    """Return a registered scheme with local sub-levels (e.g. {"2A": 2, "2B": 2}) added."""
    if name not in SCHEMES:
        raise ValueError(f"未知の分類方式 '{name}' です（{', '.join(SCHEMES)} のいずれか）")
    base = SCHEMES[name]
    extra = dict(extra_levels or {})
    for code, tier in extra.items():
        if not LEVEL_CODE.fullmatch(code):
            raise ValueError(
                f"区分 '{code}' は半角の英大文字・数字（20文字以内）で指定してください"
            )
        if any(level.code == code for level in base.levels):
            raise ValueError(f"区分 '{code}' は分類「{base.label_ja}」にすでにあります")
        if isinstance(tier, bool) or tier not in TIERS:
            raise ValueError(f"区分 '{code}' の tier は 1, 2, 3 のいずれかにしてください")
    added = _levels(base.level_prefix_ja, dict(sorted(extra.items())))
    # Most confidential first; a sub-level follows the standard levels of its tier.
    ordered = sorted((*base.levels, *added), key=lambda level: -level.tier)
    return Scheme(base.id, base.label_ja, tuple(ordered), base.level_prefix_ja)
