"""Helpers for the register tests: staff of a department, an SNS application filled in and
submitted through the pages, and an approved account in use."""

from __future__ import annotations

import re

from tests.answering import TINY_PDF, section_form
from tests.conftest import csrf_token, login
from vendorcheck.services import demo_scale, self_checks
from vendorcheck.services import questionnaires as questionnaire_service
from vendorcheck.store.models import Department, UseApplication

SNS_FIELDS = {
    "name": "架空市防災情報",
    "provider_name": "LINEヤフー株式会社",
    "url": "https://line.me/R/ti/p/@kakuu-bousai",
    "purpose": "防災情報・避難情報の発信",
    "classification_level": "1",
    "platform": "line",
    "account_name": "架空市防災情報",
    "account_handle": "@kakuu-bousai",
    "audience": "市民・市内在勤者",
    "content": "気象警報、避難情報、防災訓練のお知らせ",
    "posters": "危機管理課の担当職員",
    "response_hours": "平日 8時30分〜17時15分",
    "official_page_url": "https://www.city.kakuu.example.jp/sns.html",
    "mfa_enabled": "1",
    "start_date": "2026-04-01",
}


def department_id(name: str = "事務部局") -> int:
    return Department.get(Department.name == name).id


def staff_of(make_staff, role: str, department: str = "事務部局", **extra):
    return make_staff(role, department_id=department_id(department), **extra)


def as_user(client, staff) -> None:
    if client.get("/login").status_code == 302:  # someone is logged in
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    response = login(client, staff.login_id)
    assert response.status_code == 302, response.get_data(as_text=True)


def apply_for_sns(client, responsible_id: int, **overrides) -> int:
    token = csrf_token(client, "/applications/new?kind=sns")
    data = {
        **SNS_FIELDS,
        "department_id": str(department_id()),
        "staff_id": str(responsible_id),
        "csrf_token": token,
        **overrides,
    }
    response = client.post("/applications/new?kind=sns", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return int(re.search(r"/applications/(\d+)", response.headers["Location"]).group(1))


def answer_self_check(client, application_id: int) -> None:
    """Answer every applicable required question through the pages, attaching files."""
    for _round in range(4):
        application = UseApplication.get_by_id(application_id)
        questionnaire = self_checks.questionnaire_of(application)
        for section in questionnaire.sections:
            current = UseApplication.get_by_id(application_id)
            token = csrf_token(client, f"/applications/{application_id}/s/{section.id}")
            files = {
                f"file__{q.id}": (_pdf(), "evidence.pdf")
                for q in section.questions
                if q.type == "file" and q.id in self_checks.readiness(current).missing
            }
            response = client.post(
                f"/applications/{application_id}/s/{section.id}",
                data={
                    **section_form(questionnaire, section.id),
                    **files,
                    "csrf_token": token,
                    "revision": str(current.draft_revision),
                    "action": "save",
                },
                content_type="multipart/form-data",
            )
            assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        if self_checks.readiness(UseApplication.get_by_id(application_id)).ready:
            return
    raise AssertionError(self_checks.readiness(UseApplication.get_by_id(application_id)))


def _pdf():
    import io

    return io.BytesIO(TINY_PDF)


def submit_application(client, application_id: int):
    application = UseApplication.get_by_id(application_id)
    token = csrf_token(client, f"/applications/{application_id}")
    return client.post(
        f"/applications/{application_id}/submit",
        data={"csrf_token": token, "revision": str(application.draft_revision)},
    )


def decide(client, application_id: int, decision: str, reason: str):
    token = csrf_token(client, f"/applications/{application_id}")
    return client.post(
        f"/applications/{application_id}/decide",
        data={"csrf_token": token, "decision": decision, "reason": reason},
    )


def load_scale_data(app, scale: demo_scale.Scale) -> None:
    """The made-up history of demo_scale at this scale, with the app's questionnaires."""
    catalogue = questionnaire_service.catalogue(app.config)
    demo_scale.load_scale(
        lambda kind: next(iter(catalogue.for_kind(kind)), None),
        password="Scale-Test-Password-17",
        scale=scale,
    )
