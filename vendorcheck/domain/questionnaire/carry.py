"""Carry answers from an earlier questionnaire (or an answer file) into the current one.

A question's fingerprint covers what a vendor answered to: its type, text and the type's
settings (options, bounds). An answer is carried only to a question of the same id and the
same fingerprint, and only when it cleans again; every other answered question is reported
(changed: 要確認; unknown: not in the current questionnaire). Nothing is guessed.

Evidence files are carried only where the caller can copy the files themselves (an earlier
assessment in the same database, not an answer file): then an unchanged file question's
evidence ids are handed back in `evidence` for the caller to copy, unmarked (the vendor sees
the files attached and can remove them); otherwise the question is 要確認.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from vendorcheck.domain.questionnaire.model import Questionnaire
from vendorcheck.domain.questionnaire.questions import Question

PREVIOUS = "previous"  # copied from an earlier answer, not yet confirmed (前回の回答)
CHECK = "check"  # answered before but the question changed: not copied (要確認)
CARRIED_LABELS = {PREVIOUS: "前回の回答", CHECK: "要確認"}


def question_fingerprint(question: Question) -> str:
    """sha256 of what the vendor answered to: type, text and the type's settings."""
    data = {"type": question.type, "text": question.text.to_data()} | question.answer_type.to_data()
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def fingerprints(questionnaire: Questionnaire) -> dict[str, str]:
    return {question.id: question_fingerprint(question) for question in questionnaire.questions}


@dataclass(frozen=True)
class Carried:
    copied: dict[str, object]  # question id → answer, cleaned again by the current question
    changed: tuple[
        str, ...
    ]  # answered before, but the question changed (or the answer no longer fits)
    unknown: tuple[str, ...]  # answered before, no such question now
    evidence: dict[str, tuple[str, ...]] = field(default_factory=dict)  # question id → files

    @property
    def marks(self) -> dict[str, str]:
        return {qid: PREVIOUS for qid in self.copied} | {qid: CHECK for qid in self.changed}


def _raw(question: Question, value: object) -> object:
    if question.answer_type.multiple:
        return [str(item) for item in value] if isinstance(value, list | tuple) else [str(value)]
    return str(value)


def carry_answers(
    previous: Mapping[str, str],
    answers: Mapping[str, object],
    current: Questionnaire,
    *,
    files_copyable: bool = False,
) -> Carried:
    """Carry `answers` given to questions with the `previous` fingerprints into `current`."""
    now = fingerprints(current)
    copied: dict[str, object] = {}
    evidence: dict[str, tuple[str, ...]] = {}
    changed, unknown = [], []
    for question_id, value in answers.items():
        if question_id not in now:
            unknown.append(question_id)
            continue
        question = current.question(question_id)
        if previous.get(question_id) != now[question_id]:
            changed.append(question_id)
            continue
        if question.answer_type.holds_evidence:
            files = tuple(str(item) for item in value) if isinstance(value, list | tuple) else ()
            if files_copyable and files:
                evidence[question_id] = files
            else:
                changed.append(question_id)  # the vendor attaches the files again
            continue
        cleaned, error = question.clean(_raw(question, value))
        if error or cleaned is None:
            changed.append(question_id)
        else:
            copied[question_id] = list(cleaned) if isinstance(cleaned, tuple) else cleaned
    order = list(now)
    return Carried(
        copied, tuple(sorted(changed, key=order.index)), tuple(sorted(unknown)), evidence
    )
