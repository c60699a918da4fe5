"""Bid comparison: the page, sorting, the differing filter, the SVG chart, CSV and Word
read back, the approval-file report, roles, and a constant number of queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tomllib
import xml.etree.ElementTree as ET
from urllib.parse import quote
from zoneinfo import ZoneInfo

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from tests.conftest import home_department
from vendorcheck.documents.comparison_report import full_width_dates, with_question_texts
from vendorcheck.domain.jp import wareki
from vendorcheck.domain.questionnaire import parse_questionnaire
from vendorcheck.domain.scoring import score
from vendorcheck.services import answers as answer_service
from vendorcheck.services import comparison as comparison_service
from vendorcheck.services.assessments import questionnaire_of, submission_answers
from vendorcheck.services.audit import Actor
from vendorcheck.services.invitations import LinkSettings, invite
from vendorcheck.services.review import remediations_of, reviews_of
from vendorcheck.store.models import (
    Assessment,
    Case,
    Organisation,
    Remediation,
    ReviewScore,
    Submission,
    Vendor,
)

SVG_NS = "{http://www.w3.org/2000/svg}"
EVIL = '=HYPERLINK("http://evil.example/","押して")'
TAGGED = "<b>こだま</b>電子"
QUESTIONNAIRE = parse_questionnaire(
    tomllib.loads(
        """
id = "bid_test"
version = 1
respondent = "vendor"
kinds = ["outsourcing"]
title = { ja = "比較テスト用確認書" }

[thresholds]
"1" = { pass = 50 }
"2" = { pass = 70 }
"3" = { pass = 80 }

[[sections]]
id = "org"
title = { ja = "管理体制" }

[[sections.questions]]
id = "org.policy"
type = "choice"
text = { ja = "情報セキュリティ方針を定めていますか。" }
requirements = ["OUT-01"]
weight = 3
mandatory_from_tier = 2
options = [
  { value = "yes", label = { ja = "定めている" }, score = 1.0 },
  { value = "partly", label = { ja = "策定中" }, score = 0.5 },
  { value = "no", label = { ja = "定めていない" }, score = 0.0, finding = "high" },
]

[[sections.questions]]
id = "org.training"
type = "choice"
text = { ja = "従業員に研修を行っていますか。" }
requirements = ["OUT-02"]
weight = 1
options = [
  { value = "yes", label = { ja = "毎年行っている" }, score = 1.0 },
  { value = "no", label = { ja = "行っていない" }, score = 0.0 },
]

[[sections]]
id = "tech"
title = { ja = "技術的対策" }

[[sections.questions]]
id = "tech.mfa"
type = "choice"
text = { ja = "管理者は多要素認証を使っていますか。" }
requirements = ["OUT-03"]
weight = 2
options = [
  { value = "yes", label = { ja = "使っている" }, score = 1.0 },
  { value = "no", label = { ja = "使っていない" }, score = 0.0 },
]

[[sections.questions]]
id = "tech.logs"
type = "choice"
text = { ja = "アクセスログを保存していますか。" }
requirements = ["OUT-03"]
weight = 1
options = [
  { value = "yes", label = { ja = "1年以上保存" }, score = 1.0 },
  { value = "no", label = { ja = "保存していない" }, score = 0.0 },
]
"""
    ),
    "bid_test.toml",
)
ALL_YES = {"org.policy": "yes", "org.training": "yes", "tech.mfa": "yes", "tech.logs": "yes"}
ACTOR = Actor.system("test")


# --- building cases ------------------------------------------------------------------------


def _vendor(name: str) -> Vendor:
    return Vendor.create(name=name, name_normalized=name.casefold())


def _answer_and_submit(assessment: Assessment, answers: dict[str, str]) -> None:
    for section in QUESTIONNAIRE.sections:
        fresh = Assessment.get_by_id(assessment.id)
        form = {f"q__{q.id}": [answers[q.id]] for q in section.questions if q.id in answers}
        result = answer_service.save_section(fresh, section.id, form, fresh.draft_revision)
        assert not result.errors, result.errors
    fresh = Assessment.get_by_id(assessment.id)
    answer_service.submit(fresh, fresh.draft_revision, answer_service.vendor_actor(fresh, ""))


def make_case(bidders: list[tuple[str, dict[str, str] | None]], title: str = "庁内LAN更新") -> Case:
    """A tier-2 case with one assessment per (vendor name, answers or None: not submitted)."""
    case = Case.create(
        title=title,
        kind="outsourcing",
        classification_level="2",
        tier=2,
        department=home_department(),
    )
    vendors = [_vendor(name) for name, _ in bidders]
    links = invite(
        ACTOR,
        case,
        [vendor.id for vendor in vendors],
        QUESTIONNAIRE,
        deadline=None,
        language="ja",
        settings=LinkSettings("http://vendorcheck.test"),
    )
    for link, (_, answers) in zip(links, bidders, strict=True):
        if answers is not None:
            _answer_and_submit(link.assessment, answers)
    return case


def assessments_by_name(case: Case) -> dict[str, Assessment]:
    return {a.vendor.name: a for a in Assessment.select().where(Assessment.case == case)}


def expected_card(assessment: Assessment):
    """The scorecard straight from the scoring function, for checking every export."""
    newest = (
        Submission.select()
        .where(Submission.assessment == assessment)
        .order_by(Submission.version.desc())
        .first()
    )
    return score(
        QUESTIONNAIRE,
        submission_answers(newest),
        assessment.case.tier,
        reviews_of(assessment),
        remediations_of(assessment),
    )


@pytest.fixture
def bids(db):
    """Six bidders: ranks 1, 2, 2 (tie), 4 (remediation accepted), 5 (不適合), 未提出."""
    Organisation.update(name="阿蘇広域行政事務組合").execute()
    case = make_case(
        [
            ("株式会社あおば", ALL_YES),
            (EVIL, {**ALL_YES, "org.training": "no"}),
            (TAGGED, {**ALL_YES, "org.training": "no"}),
            ("株式会社さくら", {**ALL_YES, "org.policy": "partly"}),
            ("株式会社つばめ", {**ALL_YES, "org.policy": "no"}),
            ("株式会社みどり", None),
        ]
    )
    named = assessments_by_name(case)
    ReviewScore.create(
        assessment=named["株式会社あおば"],
        question_id="tech.logs",
        score=0.5,
        reason="保存期間が半年しかない",
    )
    Remediation.create(
        assessment=named["株式会社さくら"],
        question_id="org.policy",
        action="方針を令和8年3月までに制定する",
        due_on=dt.date(2026, 3, 31),
        accepted=True,
    )
    return case


@pytest.fixture
def officer(login_as):
    return login_as("officer")


def _page(client, case, query: str = ""):
    response = client.get(f"/cases/{case.id}/comparison{query}")
    return response, response.get_data(as_text=True)


def _summary_order(html: str) -> list[str]:
    summary = html.split('class="comparison-summary"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<th scope="row">(.*?)</th>', summary)


def _escaped(name: str) -> str:
    return (
        name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
    )


# --- the page ------------------------------------------------------------------------------


def test_page_ranks_vendors_with_scores_from_the_scoring_function(client, officer, bids):
    response, html = _page(client, bids)
    assert response.status_code == 200
    assert "入札者の比較: 庁内LAN更新" in html
    named = assessments_by_name(bids)
    cards = {name: expected_card(a) for name, a in named.items() if a.submitted_version}
    assert [round(c.total, 1) for c in cards.values()] == [c.total for c in cards.values()]
    assert _summary_order(html) == [
        "株式会社あおば",
        _escaped(EVIL),
        _escaped(TAGGED),
        "株式会社さくら",
        "株式会社つばめ",
        "株式会社みどり",
    ]
    summary = html.split('class="comparison-summary"', 1)[1].split("</table>", 1)[0]
    for card in cards.values():
        assert f'<td class="number">{card.total:.1f}</td>' in summary
    assert [c.verdict for c in cards.values()] == ["適合", "適合", "適合", "条件付適合", "不適合"]
    assert summary.count("<td>2位</td>") == 2 and "<td>3位</td>" not in summary
    assert "<td>4位</td>" in summary and "<td>5位</td>" in summary
    assert "未提出（招待済み）" in summary
    assert "<b>こだま" not in html and "&lt;b&gt;こだま&lt;/b&gt;電子" in html
    assert "管理体制" in html and "技術的対策" in html and "OUT-03" in html
    assert "◆差あり" in html
    assert "保存期間が半年" not in html  # review reasons stay on the review page
    assert "方針を定めていますか" in html  # a gap names its question
    for name, assessment in named.items():
        link = f'href="/assessments/{assessment.id}/report.docx"'
        assert (link in html) == bool(assessment.submitted_version), name


def test_sorting_by_column_and_reversing(client, officer, bids):
    _, html = _page(client, bids, "?sort=-total")
    assert _summary_order(html) == [
        "株式会社つばめ",
        "株式会社さくら",
        _escaped(EVIL),
        _escaped(TAGGED),
        "株式会社あおば",
        "株式会社みどり",
    ]
    assert 'aria-sort="ascending"' in html
    _, html = _page(client, bids, "?sort=total")
    assert 'aria-sort="descending"' in html and 'href="/cases/' in html
    assert f'href="/cases/{bids.id}/comparison?sort=-total"' in html  # the toggle
    _, html = _page(client, bids, "?sort=section:tech")
    assert _summary_order(html) == [  # equal section scores keep the rank order
        _escaped(EVIL),
        _escaped(TAGGED),
        "株式会社さくら",
        "株式会社つばめ",
        "株式会社あおば",  # 83.3: its log answer was marked down by the reviewer
        "株式会社みどり",
    ]
    _, html = _page(client, bids, "?sort=name")
    assert _summary_order(html)[0] == _escaped(TAGGED)  # "<" sorts before kana
    response, html = _page(client, bids, "?sort=%3Cscript%3E")
    assert response.status_code == 200 and "<script>" not in html
    assert _summary_order(html)[0] == "株式会社あおば"


def test_differing_filter_keeps_only_rows_where_vendors_differ(client, officer, db):
    case = make_case([("甲社", ALL_YES), ("乙社", {**ALL_YES, "tech.logs": "no"}), ("丙社", None)])
    _, everything = _page(client, case)
    response, html = _page(client, case, "?differing=1")
    assert response.status_code == 200
    matrix = html.split('class="comparison-matrix"', 1)[1].split("</table>", 1)[0]
    assert "技術的対策" in matrix and "OUT-03" in matrix
    assert "管理体制" not in matrix and "OUT-01" not in matrix
    assert "差がある行だけを表示しています" in html
    assert 'id="differing" name="differing" value="1" checked' in html
    full = everything.split('class="comparison-matrix"', 1)[1].split("</table>", 1)[0]
    assert "管理体制" in full and "OUT-01" in full
    same = make_case([("丁社", ALL_YES), ("戊社", ALL_YES)], title="同点の案件")
    _, html = _page(client, same, "?differing=1")
    assert "差がある行はありません" in html


def test_chart_is_well_formed_svg_with_escaped_vendor_names(client, officer, bids):
    _, html = _page(client, bids)
    markup = re.search(r"<svg .*?</svg>", html, re.S).group(0)
    root = ET.fromstring(markup)
    assert root.tag == f"{SVG_NS}svg" and root.get("role") == "img"
    assert root.find(f"{SVG_NS}title").text == "事業者ごとのセクション別得点"
    assert TAGGED in root.find(f"{SVG_NS}desc").text
    texts = [el.text for el in root.iter(f"{SVG_NS}text")]
    assert TAGGED in texts and "株式会社みどり" in texts and "未提出" in texts
    assert "<b>" not in markup
    assert not list(root.iter(f"{SVG_NS}script")) and "style=" not in markup
    for element in root.iter():  # nothing external: no links, only local patterns
        assert not any("href" in name for name in element.attrib), element.attrib
        fill = element.get("fill", "#")
        assert fill.startswith(("#", "url(#")), fill
    labels = {el.text for el in root.iter(f"{SVG_NS}text")}
    for name, assessment in assessments_by_name(bids).items():
        if assessment.submitted_version:
            card = expected_card(assessment)
            assert {f"{s.score:.1f}" for s in card.sections} <= labels, name
    standalone = client.get(f"/cases/{bids.id}/comparison.svg")
    assert standalone.status_code == 200 and standalone.mimetype == "image/svg+xml"
    assert "sandbox" in standalone.headers["Content-Security-Policy"]
    assert ET.fromstring(standalone.get_data()).tag == f"{SVG_NS}svg"


def test_csv_reads_back_in_excel_form_with_totals_from_scoring(client, officer, bids):
    response = client.get(f"/cases/{bids.id}/comparison.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''" + quote("入札者比較_庁内LAN更新.csv", safe="") in disposition
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:2] == ["種類", "項目"]
    assert "'" + EVIL in header and EVIL not in header and TAGGED in header
    by_label = {row[1]: row for row in rows[1:]}
    named = assessments_by_name(bids)
    for column, name in enumerate(header[2:], start=2):
        assessment = named[name.removeprefix("'")]
        if not assessment.submitted_version:
            assert by_label["総合点"][column] == "未提出"
            continue
        card = expected_card(assessment)
        assert float(by_label["総合点"][column]) == card.total
        assert by_label["判定"][column] == card.verdict
        assert by_label["管理体制"][column] == f"{card.sections[0].score:.1f}"
        open_mandatory = sum(1 for g in card.gaps if g.severity == "mandatory" and not g.remediated)
        assert int(by_label["必須の質問の未充足（是正未承認）"][column]) == open_mandatory
    assert [int(v) for v in by_label["順位"][2:7]] == [1, 2, 2, 4, 5]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t")) for row in rows for cell in row)


def test_word_report_is_landscape_japanese_and_totals_match_scoring(client, officer, bids):
    response = client.get(f"/cases/{bids.id}/comparison.docx")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    assert (
        "filename*=UTF-8''" + quote("入札者比較_庁内LAN更新.docx", safe="")
        in (response.headers["Content-Disposition"])
    )
    document = docx.Document(io.BytesIO(response.get_data()))
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    assert round(section.page_width.mm) == 297 and round(section.page_height.mm) == 210
    defaults = document.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "游明朝"
    heading_fonts = {el.get(qn("w:eastAsia")) for el in document.element.body.iter(qn("w:rFonts"))}
    assert "游ゴシック" in heading_fonts
    text = "\n".join(p.text for p in document.paragraphs)
    today = dt.datetime.now(ZoneInfo("Asia/Tokyo")).date()
    assert wareki(today, full_width=True) in text and "令和" in text
    assert "阿蘇広域行政事務組合" in text and "案件: 庁内LAN更新" in text
    summary = document.tables[0]
    assert [c.text for c in summary.rows[0].cells][:4] == ["順位", "事業者", "総合点", "判定"]
    named = assessments_by_name(bids)
    rows = {row.cells[1].text: [c.text for c in row.cells] for row in summary.rows[1:]}
    assert set(rows) == set(named)
    for name, assessment in named.items():
        if assessment.submitted_version:
            card = expected_card(assessment)
            assert float(rows[name][2]) == card.total
            assert rows[name][3] == card.verdict
        else:
            assert rows[name][2] == "未提出"
    sections = document.tables[1]
    assert [c.text for c in sections.rows[0].cells] == ["事業者", "管理体制", "技術的対策"]
    assert "方針を令和8年3月" not in text  # remediation text belongs to the approval report
    all_cells = " ".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "情報セキュリティ方針を定めていますか。" in all_cells  # the gaps name their question
    assert "必須" in all_cells and "承認済み" in all_cells
    assert not re.search(r"\b[A-Z]{2,4}-[0-9]{2}\b", all_cells), "a requirement id is printed"
    assert "確認の段階" not in text and "確認の段階" not in all_cells


def test_approval_report_holds_answers_scorecard_and_remediations(client, officer, bids):
    assessment = assessments_by_name(bids)["株式会社さくら"]
    response = client.get(f"/assessments/{assessment.id}/report.docx")
    assert response.status_code == 200
    assert (
        quote("確認結果報告書_庁内LAN更新_株式会社さくら.docx", safe="")
        in (response.headers["Content-Disposition"])
    )
    document = docx.Document(io.BytesIO(response.get_data()))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    card = expected_card(assessment)
    assert "情報セキュリティ確認結果報告書（決裁用）" in text
    assert f"判定: {card.verdict}" in text and f"総合点: {card.total:.1f}点" in text
    texts = {q.id: q.text.ja for q in questionnaire_of(assessment).questions}
    assert all(f"・{with_question_texts(reason, texts)}" in text for reason in card.verdict_reasons)
    assert "株式会社さくら" in cells and "第1版" in cells
    assert "情報セキュリティ方針を定めていますか。" in cells and "策定中" in cells
    assert (
        "方針を令和8年3月までに制定する" in cells
        and wareki(dt.date(2026, 3, 31), full_width=True) in cells
    )
    assert "△ 一部満たす" in cells or "✓ 満たす" in cells
    # names and question texts, never raw ids; no jargon
    assert not re.search(r"\b[A-Z]{2,4}-[0-9]{2}\b", cells), "a requirement id is printed"
    assert not re.search(r"\b[a-z_]+\.[a-z_]+\b", cells), "a question id is printed"
    assert "確認の段階" not in cells
    reviewed = assessments_by_name(bids)["株式会社あおば"]
    cells = "\n".join(
        c.text
        for t in docx.Document(
            io.BytesIO(client.get(f"/assessments/{reviewed.id}/report.docx").get_data())
        ).tables
        for r in t.rows
        for c in r.cells
    )
    assert "審査: 保存期間が半年しかない" in cells


# --- roles, missing things, empty cases --------------------------------------------------


def test_viewer_can_read_every_comparison_view(client, login_as, bids):
    login_as("viewer")
    assessment = assessments_by_name(bids)["株式会社あおば"]
    for path in (
        f"/cases/{bids.id}/comparison",
        f"/cases/{bids.id}/comparison.svg",
        f"/cases/{bids.id}/comparison.csv",
        f"/cases/{bids.id}/comparison.docx",
        f"/assessments/{assessment.id}/report.docx",
    ):
        assert client.get(path).status_code == 200, path


def test_anonymous_visitors_are_sent_to_login(client, bids):
    response = client.get(f"/cases/{bids.id}/comparison.csv")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_case_and_assessment_answer_404_in_japanese(client, officer, db):
    for path in (
        "/cases/9999/comparison",
        "/cases/9999/comparison.csv",
        "/cases/9999/comparison.docx",
        "/cases/9999/comparison.svg",
        "/assessments/9999/report.docx",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "見つかりません" in response.get_data(as_text=True)


def test_case_without_submissions_says_so_and_refuses_exports(client, officer, db):
    case = make_case([("株式会社ひかり", None), ("株式会社のぞみ", None)], title="未提出の案件")
    response, html = _page(client, case)
    assert response.status_code == 200
    assert "まだどの事業者も回答を提出していないため、比較できません。" in html
    assert "株式会社ひかり: 未提出（招待済み）" in html and "<svg" not in html
    for suffix in ("csv", "docx"):
        refused = client.get(f"/cases/{case.id}/comparison.{suffix}")
        assert refused.status_code == 409
        assert "比較できません" in refused.get_data(as_text=True)
    assessment = assessments_by_name(case)["株式会社ひかり"]
    refused = client.get(f"/assessments/{assessment.id}/report.docx")
    assert refused.status_code == 409
    assert "提出された回答がないため" in refused.get_data(as_text=True)


def test_case_with_nobody_invited_says_so(client, officer, db):
    case = Case.create(
        title="招待前の案件",
        kind="outsourcing",
        classification_level="2",
        tier=2,
        department=home_department(),
    )
    _, html = _page(client, case)
    assert "まだ事業者を招待していない" in html


def test_case_detail_links_to_the_comparison(app, client, officer, bids):
    html = client.get(f"/cases/{bids.id}").get_data(as_text=True)
    assert f'href="/cases/{bids.id}/comparison"' in html


# --- speed: a constant number of queries ---------------------------------------------------


def _count_queries(db, monkeypatch, action) -> int:
    statements: list[str] = []
    original = db.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        statements.append(sql)
        return original(sql, params, *args, **kwargs)

    monkeypatch.setattr(db, "execute_sql", counting)
    try:
        action()
    finally:
        monkeypatch.undo()
    return len(statements)


def test_compare_case_issues_the_same_number_of_queries_for_3_and_12_vendors(db, monkeypatch):
    def answers(n: int) -> dict[str, str] | None:
        if n % 4 == 3:
            return None
        return {**ALL_YES, "org.training": "yes" if n % 2 else "no"}

    small = make_case([(f"少数{n}", answers(n)) for n in range(3)], title="3社")
    large = make_case([(f"多数{n}", answers(n)) for n in range(12)], title="12社")
    named = assessments_by_name(large)
    ReviewScore.create(assessment=named["多数0"], question_id="tech.logs", score=0.5, reason="短い")
    Remediation.create(assessment=named["多数1"], question_id="org.policy", action="制定する")
    comparison_service.clear_cache()
    results = {}

    def run(case, label):
        results[label] = comparison_service.compare_case(case)

    few = _count_queries(db, monkeypatch, lambda: run(small, "small"))
    many = _count_queries(db, monkeypatch, lambda: run(large, "large"))
    assert few == many <= 5
    assert len(results["large"].bidders) == 12 and len(results["large"].submitted) == 9
    for bidder in results["large"].submitted:
        assessment = Assessment.get_by_id(int(bidder.key))
        assert bidder.scorecard == expected_card(assessment)


def test_dates_in_report_texts_are_full_width_wareki_like_the_annexes():
    reason = "登録の有効期限 令和9年6月19日が令和10年1月30日（契約期間の終了日）より前です。"
    assert full_width_dates(reason) == (
        "登録の有効期限 令和９年６月１９日が令和１０年１月３０日（契約期間の終了日）より前です。"
    )
    assert with_question_texts("cert.x: 令和元年5月1日", {"cert.x": "登録番号"}) == (
        "「登録番号」: 令和元年５月１日"
    )
    assert full_width_dates("第10823456(05)号、5団体") == "第10823456(05)号、5団体"
