"""Question types for addresses on the net: URL and e-mail."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urlsplit

from vendorcheck.domain.questionnaire.types.base import (
    CleanResult,
    FreeAnswerType,
    HtmlAttributes,
    SampleFacts,
)

# Addresses are typed as they are: no spelling help, no automatic completion.
ADDRESS_ATTRIBUTES = (("maxlength", "2000"), ("autocomplete", "off"), ("spellcheck", "false"))
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class UrlType(FreeAnswerType):
    """An http(s) address."""

    name: ClassVar[str] = "url"
    label_ja: ClassVar[str] = "URL"
    input_attributes: ClassVar[HtmlAttributes] = (("type", "url"), *ADDRESS_ATTRIBUTES)

    def sample_answer(self, rank: float, facts: SampleFacts) -> list[str]:
        return [f"{facts.website}/security"]

    def clean_text(self, text: str) -> CleanResult:
        parts = urlsplit(text)
        if parts.scheme in ("http", "https") and parts.netloc and not re.search(r"\s", text):
            return text, None
        return None, "URLは http:// または https:// から始まる形で入力してください。"


@dataclass(frozen=True)
class EmailType(FreeAnswerType):
    """An e-mail address."""

    name: ClassVar[str] = "email"
    label_ja: ClassVar[str] = "メールアドレス"
    input_attributes: ClassVar[HtmlAttributes] = (("type", "email"), *ADDRESS_ATTRIBUTES)

    def sample_answer(self, rank: float, facts: SampleFacts) -> list[str]:
        return [facts.email]

    def clean_text(self, text: str) -> CleanResult:
        # Vendors often type a full-width ＠ through the IME; NFKC folds it.
        address = unicodedata.normalize("NFKC", text).strip()
        if EMAIL.fullmatch(address):
            return address, None
        return None, "メールアドレスは name@example.jp の形で入力してください。"
