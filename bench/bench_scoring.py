"""Time scoring of a 200-question submission and loading of questionnaires/*.toml."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a plain script from any directory

from vendorcheck.domain.questionnaire import (  # noqa: E402
    Questionnaire,
    QuestionnaireError,
    check_directory,
    load_questionnaire,
    parse_questionnaire,
)
from vendorcheck.domain.requirements import load_requirements  # noqa: E402
from vendorcheck.domain.scorecard import Review  # noqa: E402
from vendorcheck.domain.scoring import score  # noqa: E402

SECTIONS, PER_SECTION = 20, 10
QUESTIONNAIRES = REPO / "questionnaires"


def synthetic_questionnaire() -> Questionnaire:
    """Build 200 questions of mixed types, with conditions, mandatory tiers and findings."""
    sections = []
    for s in range(SECTIONS):
        questions = []
        for n in range(PER_SECTION):
            question = {
                "id": f"s{s}.q{n}",
                "text": {"ja": f"質問 {s}-{n}"},
                "requirements": [f"OUT-{(s * PER_SECTION + n) % 18 + 1:02d}"],
                "weight": n % 5 + 1,
            }
            if n % 4 == 0:
                question |= {"type": "yesno", "finding": "medium", "allow_na": True}
            elif n % 4 == 1:
                question |= {
                    "type": "choice",
                    "mandatory_from_tier": 3,
                    "options": [
                        {"value": "full", "label": {"ja": "十分"}, "score": 1.0},
                        {"value": "part", "label": {"ja": "一部"}, "score": 0.5},
                        {"value": "none", "label": {"ja": "なし"}, "score": 0, "finding": "high"},
                    ],
                    "show_if": {"question": f"s{s}.q{n - 1}", "in": ["yes"]},
                }
            elif n % 4 == 2:
                question |= {
                    "type": "multi",
                    "options": [
                        {"value": v, "label": {"ja": v}, "score": 0.4} for v in ("a", "b", "c")
                    ],
                }
            else:
                question |= {"type": "text", "scoring": "reviewer"}
            questions.append(question)
        section = {"id": f"s{s}", "title": {"ja": f"セクション{s}"}, "questions": questions}
        if s % 5 == 4:
            section["show_if"] = {"tier_at_least": 2}
        sections.append(section)
    data = {
        "id": "bench",
        "version": 1,
        "kinds": ["outsourcing"],
        "title": {"ja": "ベンチマーク"},
        "thresholds": {"1": {"pass": 60}, "2": {"pass": 70}, "3": {"pass": 80}},
        "sections": sections,
    }
    return parse_questionnaire(data, "bench.toml", requirements=load_requirements())


def synthetic_answers(questionnaire: Questionnaire) -> dict[str, object]:
    answers: dict[str, object] = {}
    for index, question in enumerate(questionnaire.questions):
        answers[question.id] = {
            "yesno": ("yes", "no", "na")[index % 3],
            "choice": ("full", "part", "none")[index % 3],
            "multi": ("a", "c"),
            "text": "回答します。",
        }[question.type]
    return answers


def median_ms(action, runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def main() -> None:
    questionnaire = synthetic_questionnaire()
    answers = synthetic_answers(questionnaire)
    reviews = {q.id: Review(0.5, "一部確認") for q in questionnaire.questions[3::8]}
    card = score(questionnaire, answers, 3, reviews)  # the first call fills the lookups
    print(
        f"synthetic questionnaire: {len(questionnaire.questions)} questions, {len(answers)} answers"
    )
    print(f"  scorecard: total {card.total}, verdict {card.verdict}, {len(card.gaps)} gaps")
    cold = median_ms(lambda: score(synthetic_questionnaire(), answers, 3, reviews), 20)
    warm = median_ms(lambda: score(questionnaire, answers, 3, reviews), 500)
    print(f"  score(), median of 500 runs:            {warm:.3f} ms")
    print(f"  parse + score (no cached lookups), x20: {cold:.3f} ms")

    paths = sorted(QUESTIONNAIRES.glob("*.toml"))
    if not paths:
        print(f"no questionnaires in {QUESTIONNAIRES} yet")
        return
    catalogue = load_requirements()
    for path in paths:
        try:
            loaded = load_questionnaire(path, catalogue)
        except QuestionnaireError as error:
            print(f"{path.name}: {len(error.errors)} error(s)")
            continue
        took = median_ms(lambda path=path: load_questionnaire(path, catalogue), 20)
        print(f"{path.name}: {len(loaded.questions)} questions, load+validate {took:.2f} ms")
    took = median_ms(lambda: check_directory(QUESTIONNAIRES, catalogue), 10)
    problems = check_directory(QUESTIONNAIRES, catalogue)
    print(f"check_directory (all files): {took:.2f} ms, {len(problems)} problem(s)")
    for problem in problems:
        print(f"  {problem}")


if __name__ == "__main__":
    main()
