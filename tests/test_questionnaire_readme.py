"""The guides for questionnaire authors name every question type the loader knows."""

from __future__ import annotations

from pathlib import Path

import pytest

from vendorcheck.domain.questionnaire.types import QUESTION_TYPES

ROOT = Path(__file__).resolve().parents[1]
GUIDES = [ROOT / "questionnaires" / "README.md", ROOT / "docs" / "QUESTIONNAIRE_FORMAT.md"]


@pytest.mark.parametrize("guide", GUIDES, ids=lambda path: path.name)
def test_every_question_type_is_explained(guide):
    text = guide.read_text(encoding="utf-8")
    missing = [name for name in QUESTION_TYPES if f"`{name}`" not in text]
    assert missing == [], f"{guide.relative_to(ROOT)} does not mention the types {missing}"


def test_the_staff_guide_names_each_type_in_japanese_as_the_code_does():
    text = GUIDES[0].read_text(encoding="utf-8")
    for name, question_type in QUESTION_TYPES.items():
        assert f"| `{name}` | {question_type.label_ja} |" in text, name


def test_the_staff_guide_explains_how_to_run_the_check():
    text = GUIDES[0].read_text(encoding="utf-8")
    assert "vendorcheck check-questionnaires" in text
    assert "make check-questionnaires" in text
