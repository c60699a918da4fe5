"""The CISO's queue on the dashboard: answers waiting for a decision and remediations waiting
for approval, oldest first, with their age and verdict."""

from __future__ import annotations

import datetime as dt

from tests.web.test_review_bugs import _submitted_with
from vendorcheck.domain.jp import today_jst
from vendorcheck.services import judgement
from vendorcheck.services.audit import Actor
from vendorcheck.services.ciso_queue import ciso_queue


def test_ciso_sees_what_waits_with_age_and_verdict(client, login_as, make_staff, db):
    officer = make_staff("officer")
    assessment = _submitted_with(officer, {"a.policy": "no", "a.detail": "策定中です。"})
    judgement.add_remediation(
        Actor("staff", officer.id, officer.display_name),
        assessment,
        "a.policy",
        "方針を策定する",
        today_jst() + dt.timedelta(days=60),
    )
    login_as("ciso")
    html = client.get("/").get_data(as_text=True)
    queue = html.split('id="ciso-queue-title"', 1)[1].split("</section>", 1)[0]
    assert "判断・承認を待っているもの（2 件）" in html
    assert queue.index("回答の判断") < queue.index("是正措置の承認")  # the oldest first
    assert "0日" in queue and "（未確定）" in queue
    assert "情報セキュリティ方針はありますか。" in queue  # the question by its text
    assert f'href="/assessments/{assessment.id}#decide"' in queue
    later = ciso_queue(today=today_jst() + dt.timedelta(days=20))
    assert [(item.kind, item.age_days) for item in later] == [("decision", 20), ("remediation", 20)]
    assert not later[0].complete


def test_an_officer_does_not_get_the_ciso_queue(client, login_as, db):
    login_as("officer")
    assert 'id="ciso-queue-title"' not in client.get("/").get_data(as_text=True)
