"""The list pattern on cases, vendors, assessments and the audit log: sort, page, filter,
keyword search, Excel download of what is shown (formulas neutralised), breadcrumbs."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl

from tests.web.test_cases import SYSTEM, invite, make_case
from vendorcheck.services import audit
from vendorcheck.services.vendors import create_vendor

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _titles_in_order(html: str) -> list[str]:
    return re.findall(r'<a href="/cases/\d+">([^<]+)</a>', html)


def _sheet(response):
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    return workbook.active


def test_case_list_sorts_by_a_column_both_ways_and_marks_it(client, login_as, db):
    login_as("officer")
    for title in ("う案件", "あ案件", "い案件"):
        make_case(title=title)
    html = client.get("/cases/?sort=title&order=asc").get_data(as_text=True)
    assert _titles_in_order(html) == ["あ案件", "い案件", "う案件"]
    assert 'aria-sort="ascending"' in html
    html = client.get("/cases/?sort=title&order=desc").get_data(as_text=True)
    assert _titles_in_order(html) == ["う案件", "い案件", "あ案件"]
    assert 'aria-sort="descending"' in html
    # an unknown column falls back to the default order instead of failing
    assert client.get("/cases/?sort=nonsense&order=sideways&page=abc").status_code == 200


def test_case_list_pages_keep_the_filter_in_every_link(client, login_as, db):
    login_as("officer")
    for number in range(55):
        make_case(title=f"保守業務{number:02d}")
    make_case(title="別の案件")
    html = client.get("/cases/?text=保守&sort=title").get_data(as_text=True)
    assert "全 55 件（1〜50 件目を表示）" in html
    assert len(_titles_in_order(html)) == 50
    next_link = re.search(r'<a href="([^"]+)" rel="next">', html).group(1).replace("&amp;", "&")
    assert "text=" in next_link and "sort=title" in next_link and "page=2" in next_link
    second = client.get(next_link).get_data(as_text=True)
    assert _titles_in_order(second) == [
        "保守業務50",
        "保守業務51",
        "保守業務52",
        "保守業務53",
        "保守業務54",
    ]
    assert "別の案件" not in second
    # a page past the end shows the last page
    assert "保守業務54" in client.get("/cases/?text=保守&sort=title&page=99").get_data(as_text=True)


def test_case_list_excel_holds_every_filtered_row_and_neutralises_formulas(client, login_as, db):
    login_as("officer")
    make_case(title='=HYPERLINK("http://evil.example","押す")')
    make_case(title="@SUM(A1)")
    make_case(title="対象外の案件")
    response = client.get("/cases/?text=HYPERLINK&sort=title&format=xlsx")
    sheet = _sheet(response)
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["案件名", "種類", "所管部局"]
    titles = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert titles == ['=HYPERLINK("http://evil.example","押す")']
    cell = sheet["A2"]
    assert cell.data_type == "s"
    with zipfile.ZipFile(io.BytesIO(response.data)) as package:
        sheet_xml = package.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    at_sheet = _sheet(client.get("/cases/?text=SUM&format=xlsx"))
    assert at_sheet["A2"].value == "@SUM(A1)" and at_sheet["A2"].data_type == "s"


def test_vendor_list_search_sort_and_excel(client, login_as, db):
    login_as("officer")
    create_vendor(SYSTEM, name="株式会社いろは", contact_name="山田")
    create_vendor(SYSTEM, name="株式会社あいう", contact_name="+81 佐藤")
    create_vendor(SYSTEM, name="合同会社ABC")
    html = client.get("/vendors/?q=株式会社&sort=name").get_data(as_text=True)
    names = re.findall(r'<a href="/vendors/\d+">([^<]+)</a>', html)
    assert names == ["株式会社あいう", "株式会社いろは"]
    assert '<nav class="breadcrumbs"' in html
    sheet = _sheet(client.get("/vendors/?q=株式会社&sort=contact&order=desc&format=xlsx"))
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [r[0] for r in rows] == ["株式会社いろは", "株式会社あいう"]
    assert rows[1][2] == "+81 佐藤" and sheet["C3"].data_type == "s"


def test_assessment_list_filters_by_status_and_names_the_questionnaire(app, client, login_as, db):
    login_as("officer")
    case = make_case(title="共通案件", kind="cloud")
    vendor = create_vendor(SYSTEM, name="株式会社クラウド")
    other = create_vendor(SYSTEM, name="株式会社別")
    invite(app, case, vendor, other)
    html = client.get("/assessments/?text=クラウド").get_data(as_text=True)
    assert "株式会社クラウド" in html and "株式会社別" not in html
    assert "（第" in html and "版）" in html
    assert "<code>cloud</code>" not in html
    assert "招待済み" in client.get("/assessments/?status=invited").get_data(as_text=True)
    sheet = _sheet(client.get("/assessments/?sort=vendor&format=xlsx"))
    assert [row[1].value for row in sheet.iter_rows(min_row=2)] == [
        "株式会社クラウド",
        "株式会社別",
    ]


def test_audit_log_sorts_searches_and_downloads_excel(client, login_as, db):
    login_as("admin")
    with db.atomic():
        audit.record(SYSTEM, "test.one", "case", 1, summary="一番目の記録")
        audit.record(SYSTEM, "test.two", "case", 2, summary="=1+1 という記録")
    html = client.get("/audit/?text=記録&sort=action&order=asc").get_data(as_text=True)
    html = html[html.index("<tbody>") :]
    assert html.index("test.one") < html.index("test.two")
    assert "令和" in html
    html = client.get("/audit/?text=記録&sort=action&order=desc").get_data(as_text=True)
    html = html[html.index("<tbody>") :]
    assert html.index("test.two") < html.index("test.one")
    sheet = _sheet(client.get("/audit/?text=記録&format=xlsx"))
    summaries = [row[4].value for row in sheet.iter_rows(min_row=2)]
    assert sorted(summaries) == ["=1+1 という記録", "一番目の記録"]
    assert all(row[4].data_type == "s" for row in sheet.iter_rows(min_row=2))
