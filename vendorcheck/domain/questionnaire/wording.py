"""The organisation's own words in questionnaires: 「{当団体}」 becomes its term (当組合, 当市 …),
「{機密性3}」 and 「{機密性2以上}」 the levels of its classification scheme."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from vendorcheck.domain.classification import Scheme
from vendorcheck.domain.questionnaire.model import Questionnaire

PLACEHOLDERS = ("当団体", "機密性3", "機密性2以上")
PLACEHOLDER = re.compile(r"\{([^{}\s]{1,20})\}")
DEFAULT_SELF_TERM = "当団体"


def wording(self_term: str, scheme: Scheme) -> dict[str, str]:
    """The text each placeholder stands for, for one organisation."""
    top = [level for level in scheme.levels if level.tier == 3]
    prefix = scheme.level_prefix_ja
    if len(top) > 1:
        codes = "・".join(level.label_ja.removeprefix(prefix) for level in top)
        third = f"{prefix}{codes}"
    else:
        third = top[0].label_ja if top else "機密性3"
    return {
        "当団体": (self_term or DEFAULT_SELF_TERM).strip(),
        "機密性3": third,
        "機密性2以上": f"{prefix}2以上",
    }


def unknown_placeholders(text: str) -> list[str]:
    return [name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS]


def fill(text: str, words: Mapping[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: words.get(m.group(1), m.group(0)), text)


def localise(questionnaire: Questionnaire, words: Mapping[str, str]) -> Questionnaire:
    """The questionnaire with every placeholder of its texts filled in (a new object)."""
    data = questionnaire.to_snapshot()
    text = json.dumps(data, ensure_ascii=False)
    if "{" not in text:
        return questionnaire
    filled = json.loads(text, object_hook=lambda item: _fill_strings(item, words))
    return Questionnaire.from_snapshot(filled)


def _fill_strings(item: dict, words: Mapping[str, str]) -> dict:
    return {
        key: fill(value, words) if isinstance(value, str) else value for key, value in item.items()
    }
