"""Questionnaires speak in the organisation's own words, in one register, without 「前問」."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from vendorcheck.domain.classification import build_scheme
from vendorcheck.domain.questionnaire.wording import PLACEHOLDERS, localise, wording
from vendorcheck.services.questionnaires import QuestionnaireCatalogue

ROOT = Path(__file__).resolve().parents[2]
QUESTIONNAIRES = QuestionnaireCatalogue(ROOT / "questionnaires").all()


def japanese_texts(questionnaire) -> list[str]:
    found: list[str] = []

    def walk(item):
        if isinstance(item, dict):
            if isinstance(item.get("ja"), str):
                found.append(item["ja"])
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)

    walk(questionnaire.to_snapshot())
    return found


@pytest.mark.parametrize("questionnaire", QUESTIONNAIRES, ids=lambda q: q.id)
def test_texts_use_placeholders_one_register_and_no_previous_question(questionnaire):
    for text in japanese_texts(questionnaire):
        bare = re.sub(r"\{[^{}]+\}", "", text)
        assert "当組合" not in bare and "当団体" not in bare, text
        assert "記入してください" not in text, text
        assert "前問" not in text, text
        assert "機密性3" not in bare and "機密性2以上" not in bare, text
        assert set(re.findall(r"\{([^{}]+)\}", text)) <= set(PLACEHOLDERS), text


def test_localise_fills_the_term_and_the_levels_of_the_scheme():
    cloud = next(q for q in QUESTIONNAIRES if q.id == "cloud")
    words = wording("当組合", build_scheme("r6", {}))
    assert (
        words["機密性3"] == "自治体機密性3A・3B・3C" and words["機密性2以上"] == "自治体機密性2以上"
    )
    text = json.dumps(localise(cloud, words).to_snapshot(), ensure_ascii=False)
    assert "当組合" in text and "{当団体}" not in text and "自治体機密性3A・3B・3C" in text
    classic = wording("当市", build_scheme("classic", {}))
    assert classic["機密性3"] == "機密性3" and classic["当団体"] == "当市"


def test_the_cloud_subcontracting_question_does_not_expect_no():
    cloud = next(q for q in QUESTIONNAIRES if q.id == "cloud")
    question = cloud.question("sub.uses_subcontractors")
    assert question.answer_type.expected == "yes" and question.weight == 0


@pytest.mark.parametrize("name", ["outsourcing", "system", "cloud"])
def test_the_selection_questions_are_asked(name):
    questionnaire = next(q for q in QUESTIONNAIRES if q.id == name)
    ids = {question.id for question in questionnaire.questions}
    assert {"business.antisocial", "business.financial", "business.cyber_insurance"} <= ids
    if name != "cloud":
        assert {"pi.handling_rules", "pi.access_logs", "pi.take_out", "pi.leak_report"} <= ids
    if name == "system":
        assert "ops.backup_restore" in ids
