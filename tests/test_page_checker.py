"""The page checker's rule against raw question and requirement ids on staff pages."""

from __future__ import annotations

from werkzeug.test import create_environ

from tests.conftest import CheckedPages
from tests.page_checker import page_problems, raw_ids

STAFF = (
    '<!doctype html><html lang="ja"><head><title>審査 | テスト市</title></head><body>'
    '<nav class="site-nav"></nav><h1>審査</h1>{}</body></html>'
)
PORTAL = '<!doctype html><html lang="ja"><head><title>回答 | x</title></head><body><h1>回答</h1>{}</body></html>'


def _raw_id_problems(body: str, page: str = STAFF) -> list[str]:
    return [p for p in page_problems(page.format(body)) if p.startswith("raw question")]


def test_question_and_requirement_ids_in_page_text_fail_on_staff_pages():
    assert _raw_id_problems("<p>質問 cert.ismap_number は未回答です。</p>")
    assert _raw_id_problems("<td><code>legal.governing_law</code></td>")
    assert _raw_id_problems("<th>CLD-04</th>")
    assert _raw_id_problems("<option>OUT-12</option>")
    assert raw_ids("満点でない質問: a.multi（0.75）。OUT-02") == ["a.multi", "OUT-02"]


def test_addresses_hosts_files_and_attributes_are_not_ids():
    body = (
        "<p>vendor@example.jp に送りました。vendorcheck.test の 規程.pdf と annex.docx、"
        "https://www.city.example.lg.jp/a.html、ISO/IEC 27001、令和8年12月22日 13:53</p>"
        '<input type="hidden" name="question_id" value="cert.ismap_number">'
        '<a href="#answer-a-policy" data-question="a.policy" title="要件 CLD-04">方針</a>'
        "<textarea>利用者が a.policy と書いた</textarea>"
        "<span data-raw-id>CLD-04</span><div data-raw-id><p>cert.isms と OUT-01</p></div>"
    )
    assert _raw_id_problems(body) == []


def test_the_rule_applies_to_staff_pages_only():
    assert _raw_id_problems("<p>cert.isms</p>", PORTAL) == []


def test_the_live_server_checks_every_html_page_it_serves(app):
    """Pages the browser tests fetch go through the same checks (tests/conftest.CheckedPages)."""

    @app.route("/raw-id-page")
    def raw_id_page():
        return '<html lang="ja"><title>頁</title><nav class="site-nav"></nav><h1>頁</h1>cert.ismap_number</html>'

    checked = CheckedPages(app)
    body = b"".join(checked(create_environ("/raw-id-page"), lambda *_args: None))
    assert b"cert.ismap_number" in body
    assert checked.problems == [
        "/raw-id-page: raw question or requirement ids shown to staff: ['cert.ismap_number']"
    ]
