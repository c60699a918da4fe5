"""Checking a claimed ISMAP / ISMAP-LIU registration against the stored list entry (pure).

A claim names a number, and may name the list, the provider, the service procured, the day
the registration must last until (contract end or review date) and whether the vendor said
part of the use falls outside the audited statement's scope.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass

from vendorcheck.domain.ismap import (
    LIST_NAMES,
    LIST_SHORT,
    normalise_number,
    normalise_provider,
    normalise_service,
)
from vendorcheck.domain.jp import wareki
from vendorcheck.domain.scorecard import SEVERITY_LABELS

NEAR_RATIO = 0.6
STATE_LABELS = {
    "verified": "✓ リストで確認済み",
    "not_found": "✗ リストにない番号",
    "removed": "✗ リストから削除された番号",
    "wrong_list": "✗ 別のリストの番号",
    "other_provider": "✗ 別の事業者の登録",
    "expired": "✗ 登録の有効期限切れ",
    "expires_before_end": "✗ 契約期間中に有効期限",
    "other_service": "✗ 別のサービスの登録",
    "out_of_scope": "△ 言明の対象範囲を確認",
    "unchecked": "－ 照合できません",
}
UNVERIFIABLE = frozenset({"not_found", "removed", "other_provider"})
SERVICE_LABELS = {
    "exact": "一致",
    "near": "近い名称（職員が確認してください）",
    "different": "一致しません",
    "": "照合していません",
}


@dataclass(frozen=True)
class Entry:
    """What a check needs from a stored list entry."""

    number: str
    list_kind: str
    service: str
    provider: str
    corporate_number: str = ""
    valid_until: dt.date | None = None
    valid_until_computed: bool = False
    scope: str = ""
    removed_on: dt.date | None = None


@dataclass(frozen=True)
class Claim:
    number: str
    list_kind: str | None = None  # ismap / ismap_liu as claimed, None when not said
    provider: str = ""
    corporate_number: str = ""
    service: str = ""
    until: dt.date | None = None
    partly_out_of_scope: bool = False


@dataclass(frozen=True)
class ClaimCheck:
    claim: Claim
    entry: Entry | None
    state: str  # a key of STATE_LABELS: the most serious problem found
    service_match: str  # a key of SERVICE_LABELS
    findings: tuple[tuple[str, str], ...]  # (severity, reason), most serious first
    notes: tuple[str, ...]  # what staff should look at, without a finding

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def service_label(self) -> str:
        return SERVICE_LABELS[self.service_match]

    @property
    def labelled_findings(self) -> tuple[tuple[str, str], ...]:
        """(重大度の表示名, reason) of each finding, for pages and reports."""
        return tuple((SEVERITY_LABELS[severity], reason) for severity, reason in self.findings)

    @property
    def verified(self) -> bool:
        return self.state == "verified"

    def summary(self) -> str:
        """One line for the annex and reports: list, number and validity as verified."""
        if self.entry is None or self.state in UNVERIFIABLE:
            return f"登録番号 {normalise_number(self.claim.number)}（ISMAPリストで確認できません）"
        validity = wareki(self.entry.valid_until) if self.entry.valid_until else "記載なし"
        return (
            f"{LIST_NAMES[self.entry.list_kind]}、登録番号 {self.entry.number}、有効期限 {validity}"
        )


def service_match(claimed: str, listed: str) -> str:
    """exact, near (one name holds the other, or close spelling) or different."""
    a, b = normalise_service(claimed), normalise_service(listed)
    if not a or not b:
        return ""
    if a == b:
        return "exact"
    if a in b or b in a or difflib.SequenceMatcher(None, a, b).ratio() >= NEAR_RATIO:
        return "near"
    return "different"


def provider_matches(claim: Claim, entry: Entry) -> bool:
    if claim.corporate_number and entry.corporate_number:
        return claim.corporate_number == entry.corporate_number
    return normalise_provider(claim.provider) == normalise_provider(entry.provider)


def check_claim(claim: Claim, entry: Entry | None, today: dt.date) -> ClaimCheck:
    """Judge one claim; findings carry the severities scoring uses."""
    number = normalise_number(claim.number)
    if entry is None:
        reason = f"登録番号 {number} はISMAP・ISMAP-LIUのどちらのリストにもありません"
        return ClaimCheck(claim, None, "not_found", "", (("high", reason),), ())
    findings: list[tuple[str, str, str]] = []  # (state, severity, reason)
    notes: list[str] = []
    if entry.removed_on is not None:
        findings.append(
            (
                "removed",
                "high",
                f"登録番号 {number} は {wareki(entry.removed_on)} にリストから削除されています",
            )
        )
    if claim.list_kind and claim.list_kind != entry.list_kind:
        severity = "high" if claim.list_kind == "ismap" else "low"
        findings.append(
            (
                "wrong_list",
                severity,
                f"{LIST_SHORT[claim.list_kind]}に登録と回答していますが、登録番号 {number} は"
                f"{LIST_NAMES[entry.list_kind]}の番号です",
            )
        )
    if (claim.provider or claim.corporate_number) and not provider_matches(claim, entry):
        findings.append(
            (
                "other_provider",
                "high",
                f"登録番号 {number} の事業者は「{entry.provider}」で、回答した事業者"
                f"（{claim.provider}）と一致しません",
            )
        )
    if entry.valid_until is not None:
        computed = "（監査対象期間の末日から算出）" if entry.valid_until_computed else ""
        if entry.valid_until < today:
            findings.append(
                (
                    "expired",
                    "high",
                    f"登録の有効期限 {wareki(entry.valid_until)}{computed}を過ぎています",
                )
            )
        elif claim.until is not None and entry.valid_until < claim.until:
            findings.append(
                (
                    "expires_before_end",
                    "medium",
                    f"登録の有効期限 {wareki(entry.valid_until)}{computed}が{wareki(claim.until)}"
                    "（契約期間の終了日又は見直し日）より前です。更新の予定を確認してください",
                )
            )
    else:
        notes.append("リストに有効期限も監査対象期間も記載がないため、有効期限を確認できません。")
    match = service_match(claim.service, entry.service) if claim.service else ""
    if match == "near":
        notes.append(
            f"リストのサービス名は「{entry.service}」です。調達するサービスと同じか確認してください。"
        )
    elif match == "different":
        findings.append(
            (
                "other_service",
                "medium",
                f"リストのサービス名「{entry.service}」が調達するサービス（{claim.service}）と一致しません",
            )
        )
    if claim.partly_out_of_scope:
        scope = entry.scope or "（リストに記載なし）"
        notes.append(f"一部が言明の対象範囲外との回答です。リストの対象範囲: {scope}")
        if (
            claim.service
            and entry.scope
            and service_match(claim.service, entry.scope) == "different"
        ):
            findings.append(
                ("out_of_scope", "low", "調達するサービスが言明の対象範囲の記載に見当たりません")
            )
    order = {"high": 0, "medium": 1, "low": 2}
    findings.sort(key=lambda item: order[item[1]])
    state = findings[0][0] if findings else "verified"
    return ClaimCheck(
        claim,
        entry,
        state,
        match,
        tuple((severity, reason) for _, severity, reason in findings),
        tuple(notes),
    )


def lasting_check(claim: Claim, entry: Entry | None) -> tuple[bool, dt.date | None]:
    """What a claim's check says apart from the passing of days, to store with the claim:
    whether the lists fail to bear it out on any day (a high or medium finding other than
    expiry: not listed, removed, another provider or service, the registration ending before
    the claim's end), and the listed validity, after which it fails as expired."""
    check = check_claim(claim, entry, dt.date.min)  # no day is after any registration's end
    failed = any(severity in ("high", "medium") for severity, _ in check.findings)
    return failed, entry.valid_until if entry is not None else None


def failing_from(failed: bool, listed_until: dt.date | None) -> dt.date | None:
    """The first day a stored check fails (dt.date.min: on every day; None: on none)."""
    if failed:
        return dt.date.min
    if listed_until is None or listed_until == dt.date.max:
        return None
    return listed_until + dt.timedelta(days=1)


def fails_on(failed: bool, listed_until: dt.date | None, today: dt.date) -> bool:
    """A stored check as of `today`: what check_claim(claim, entry, today) finds high or medium."""
    since = failing_from(failed, listed_until)
    return since is not None and since <= today
