"""Drive the vendor portal in Chromium the way a vendor would."""

from __future__ import annotations

from tests.answering import TINY_PDF, raw_answer


def dom_id(question_id: str) -> str:
    return "q-" + question_id.replace(".", "-")


def follow_up_of(questionnaire, trigger_id: str):
    """The first question shown only by an answer to the trigger question."""
    return next(
        q for q in questionnaire.questions if q.show_if and trigger_id in str(q.show_if.to_data())
    )


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


def revise_and_resubmit(
    page, url: str, question, comment: str, new_text: str, version: int
) -> None:
    """As a vendor after a return: see the reviewer's comment, change the answer, submit again."""
    import re

    page.goto(f"{url}s/{question.section_id}")
    assert comment in page.locator(f"#{dom_id(question.id)}-comments").inner_text()
    page.locator(f"#{dom_id(question.id)}--answer").fill(new_text)
    with page.expect_navigation():
        page.get_by_role("button", name="保存する", exact=True).click()
    page.goto(url + "confirm")
    page.get_by_role("button", name="提出する").click()
    page.wait_for_url(re.compile(r"/p/[^/]+/$"))
    assert f"第{version}版として提出しました" in page.content()
