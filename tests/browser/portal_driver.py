"""Drive the vendor portal in Chromium the way a vendor would."""

from __future__ import annotations

from tests.answering import TINY_PDF, raw_answer


def dom_id(question_id: str) -> str:
    return "q-" + question_id.replace(".", "-")


def fill_visible_questions(page, questionnaire, section_id: str) -> int:
    """Answer every visible question of the section on screen; return how many were answered."""
    answered = 0
    for _round in range(3):  # an answer can reveal a follow-up question
        for question in questionnaire.section(section_id).questions:
            box = page.locator(f"#{dom_id(question.id)}")
            if box.count() == 0 or not box.is_visible():
                continue
            value = raw_answer(question)
            if value is None:
                if question.required and box.locator(".evidence__list li").count() == 0:
                    page.set_input_files(
                        f"#{dom_id(question.id)}--file",
                        files=[
                            {"name": "証跡.pdf", "mimeType": "application/pdf", "buffer": TINY_PDF}
                        ],
                    )
                    answered += 1
                continue
            if question.type in ("choice", "yesno", "multi"):
                target = page.locator(f'input[name="q__{question.id}"][value="{value[0]}"]')
                if not target.is_checked():
                    target.check()
                    answered += 1
            else:
                control = page.locator(f"#{dom_id(question.id)}--answer")
                if control.input_value() != value[0]:
                    control.fill(value[0])
                    answered += 1
    return answered
