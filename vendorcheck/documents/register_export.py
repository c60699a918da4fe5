"""The register as Word (A4 landscape, base template styles, 和暦) and Excel (openpyxl, header
row, filters on); the CSV goes through csv_export. Input: headers and rows of plain values."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from vendorcheck.documents import docx_helpers as dh
from vendorcheck.documents.csv_export import neutralise
from vendorcheck.domain.jp import wareki

EAST_ASIAN_FONT = "ＭＳ 明朝"


def _cell_text(value: object) -> str:
    if isinstance(value, dt.date):
        return wareki(value)
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    return dh.clean_text(value)


def _set_cell(cell, text: str, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.font.size = Pt(8)
    run.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def register_docx(
    title: str,
    organisation: str,
    issued_on: dt.date,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
) -> bytes:
    """A landscape A4 table with a repeated header row, one row per entry."""
    document = dh.open_template()
    styles = dh.paragraph_styles(document, (dh.TITLE, dh.DATE, dh.BODY))
    section = document.sections[0]
    if section.page_width < section.page_height:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    dh.add_paragraph(document, title, styles[dh.TITLE])
    dh.add_paragraph(
        document, f"{wareki(issued_on, full_width=True)}　{organisation}", styles[dh.DATE]
    )
    table = document.add_table(rows=1, cols=len(headers))
    table.style = document.styles["Table Grid"]
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        _set_cell(cell, header, bold=True)
    _repeat_header(table.rows[0])
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            _set_cell(cell, _cell_text(value))
    if not rows:
        dh.add_paragraph(document, "登録されている項目はありません。", styles[dh.BODY])
    dh.set_core_properties(document, title, issued_on)
    document.core_properties.category = "台帳"
    dh.scrub_package(document)
    return dh.to_bytes(document)


def _xlsx_value(value: object) -> object:
    """Keep dates and numbers typed; text that a spreadsheet would run as a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, (dt.date, int, float)):
        return value
    return neutralise(dh.clean_text(value))


def register_xlsx(
    sheet_title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for values in rows:
        sheet.append([_xlsx_value(v) for v in values])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    last = get_column_letter(max(1, len(headers)))
    sheet.auto_filter.ref = f"A1:{last}{max(1, sheet.max_row)}"
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(header) * 2))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
