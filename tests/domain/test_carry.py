"""Carrying answers into a changed questionnaire: same id and fingerprint only, never guessed."""

from __future__ import annotations

import copy

from tests.answering import raw_answer
from vendorcheck.domain.questionnaire import Questionnaire, load_questionnaire
from vendorcheck.domain.questionnaire.carry import CHECK, PREVIOUS, carry_answers, fingerprints

SOURCE = load_questionnaire("questionnaires/cloud_light.toml")


def _answers(questionnaire: Questionnaire) -> dict[str, object]:
    answers = {}
    for question in questionnaire.questions:
        raw = raw_answer(question)
        if raw is not None:
            value, error = question.clean(raw if question.answer_type.multiple else raw[0])
            assert error is None
            answers[question.id] = list(value) if isinstance(value, tuple) else value
    return answers


def test_unchanged_questions_are_copied_changed_ones_marked_and_removed_ones_reported():
    data = copy.deepcopy(SOURCE.to_snapshot())
    first, _second = data["sections"][0]["questions"][:2]
    first["text"]["ja"] += "（改訂）"
    removed = data["sections"][0]["questions"].pop(1)
    data["version"] = SOURCE.version + 1
    current = Questionnaire.from_snapshot(data)
    answers = _answers(SOURCE)
    carried = carry_answers(fingerprints(SOURCE), answers, current)
    assert first["id"] in carried.changed and first["id"] not in carried.copied
    assert removed["id"] in carried.unknown
    untouched = [q.id for q in current.questions if q.id in answers and q.id != first["id"]]
    assert all(
        qid in carried.copied
        for qid in untouched
        if not current.question(qid).answer_type.holds_evidence
    )
    assert carried.marks[first["id"]] == CHECK
    assert {carried.marks[qid] for qid in carried.copied} == {PREVIOUS}


def test_a_changed_option_list_is_a_changed_question():
    data = copy.deepcopy(SOURCE.to_snapshot())
    question = next(q for s in data["sections"] for q in s["questions"] if q.get("options"))
    question["options"][0]["label"]["ja"] = "別の選択肢"
    carried = carry_answers(
        fingerprints(SOURCE), _answers(SOURCE), Questionnaire.from_snapshot(data)
    )
    assert question["id"] in carried.changed


def test_evidence_is_handed_back_to_copy_only_where_the_files_can_be_copied():
    files = [q for q in SOURCE.questions if q.answer_type.holds_evidence]
    assert files, "the questionnaire asks for evidence"
    answers = {files[0].id: ["12", "13"]}
    from_a_file = carry_answers(fingerprints(SOURCE), answers, SOURCE)
    assert files[0].id in from_a_file.changed and not from_a_file.evidence
    in_this_database = carry_answers(fingerprints(SOURCE), answers, SOURCE, files_copyable=True)
    assert in_this_database.evidence == {files[0].id: ("12", "13")}
    assert files[0].id not in in_this_database.changed
    assert files[0].id not in in_this_database.marks  # attached files, seen and removable
    changed = copy.deepcopy(SOURCE.to_snapshot())
    question = next(
        q for s in changed["sections"] for q in s["questions"] if q["id"] == files[0].id
    )
    question["text"]["ja"] += "（改訂）"
    carried = carry_answers(
        fingerprints(SOURCE), answers, Questionnaire.from_snapshot(changed), files_copyable=True
    )
    assert files[0].id in carried.changed and not carried.evidence
