"""The evidence file question type: answers are the ids of uploaded evidence."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from vendorcheck.domain.questionnaire.types.base import (
    CleanResult,
    FreeAnswerType,
    Problems,
    SheetRule,
    as_items,
)

FILE_KINDS = ("pdf", "image", "office")
EVIDENCE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class FileType(FreeAnswerType):
    """Evidence files, stored as the ids of uploaded evidence."""

    name: ClassVar[str] = "file"
    label_ja: ClassVar[str] = "添付ファイル"
    keys: ClassVar[frozenset[str]] = frozenset({"scoring", "accept"})
    widget: ClassVar[str] = "file"
    holds_evidence: ClassVar[bool] = True
    scoring: str = "answered"
    accept: tuple[str, ...] = FILE_KINDS

    @classmethod
    def parse_settings(cls, raw: Mapping[str, object], problems: Problems) -> dict[str, object]:
        accept = raw.get("accept", list(FILE_KINDS))
        if not isinstance(accept, list) or not accept or not set(accept) <= set(FILE_KINDS):
            problems.append('accept は ["pdf", "image", "office"] の中から1つ以上指定してください')
            return {}
        return {"accept": tuple(kind for kind in FILE_KINDS if kind in accept)}

    def sheet_rule(self) -> SheetRule:
        return SheetRule(
            "none", prompt="ファイルはポータルで添付してください（このシートでは回答できません）。"
        )

    def clean(self, raw: object) -> CleanResult:
        evidence_ids = [str(item).strip() for item in as_items(raw) if item is not None]
        evidence_ids = [item for item in dict.fromkeys(evidence_ids) if item]
        if not all(EVIDENCE_ID.fullmatch(item) for item in evidence_ids):
            return None, "添付ファイルを確認できませんでした。もう一度添付してください。"
        return (tuple(evidence_ids) or None), None

    def display_value(self, value: object, lang: str) -> str:
        count = len(as_items(value))
        return f"{count} file(s) attached" if lang == "en" else f"添付ファイル {count} 件"
