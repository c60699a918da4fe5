"""Bilingual text values: Japanese always, English where a foreign vendor needs it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

TEXT_FORM_HINT = '{ ja = "…", en = "…" } の形で指定してください'


@dataclass(frozen=True)
class Text:
    """A user-facing text in Japanese, optionally with an English version."""

    ja: str
    en: str | None = None

    def get(self, lang: str = "ja") -> str:
        """Return the text in the language asked for, falling back to Japanese."""
        if lang == "en" and self.en:
            return self.en
        return self.ja

    def to_data(self) -> dict[str, str]:
        """Return the TOML/JSON form, leaving out a missing English text."""
        return {"ja": self.ja} if self.en is None else {"ja": self.ja, "en": self.en}

    def __str__(self) -> str:
        return self.ja


def parse_text(value: object) -> Text:
    """Parse a TOML text table; raise ValueError with a Japanese message when malformed."""
    if not isinstance(value, Mapping):
        raise ValueError(f"文言は {TEXT_FORM_HINT}")
    unknown = sorted(set(value) - {"ja", "en"})
    if unknown:
        raise ValueError(f"文言に未知のキー '{unknown[0]}' があります（ja と en だけが使えます）")
    ja = value.get("ja")
    if not isinstance(ja, str) or not ja.strip():
        raise ValueError("日本語の文言 (ja) がありません")
    en = value.get("en")
    if en is not None and not isinstance(en, str):
        raise ValueError("英語の文言 (en) は文字列で指定してください")
    # An empty English text would show a blank label; treat it as absent.
    english = en.strip() if en is not None else ""
    return Text(ja=ja.strip(), en=english or None)
