"""The answers of one or several vendors as an Excel workbook for the selection committee:
one row per question, one column per vendor. Every text cell is written as text, so an answer
that starts like a formula (=, +, -, @) is shown, never evaluated."""

from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from vendorcheck.documents.checksheet_writer import FONT
from vendorcheck.domain.jp import clean_for_xml


@dataclass(frozen=True)
class AnswerRow:
    number: str
    section: str
    question: str
    cells: tuple[str, ...]  # one answer per vendor, as displayed


@dataclass(frozen=True)
class AnswerTable:
    title: str
    notes: tuple[str, ...]  # lines under the title: case, organisation, versions
    vendors: tuple[str, ...]
    rows: tuple[AnswerRow, ...]


def _text(sheet, row: int, column: int, value: str, font: Font, wrap: Alignment):
    cell = sheet.cell(row, column)
    cell.value = clean_for_xml(value)
    cell.data_type = "s"  # always text: a leading "=" stays a character
    cell.font, cell.alignment = font, wrap
    return cell


def write_answers_workbook(table: AnswerTable) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "回答一覧"
    body, bold = Font(name=FONT, size=10), Font(name=FONT, size=10, bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    _text(sheet, 1, 1, table.title, Font(name=FONT, size=14, bold=True), Alignment())
    for offset, line in enumerate(table.notes, start=2):
        _text(sheet, offset, 1, line, body, Alignment())
    header_row = len(table.notes) + 3
    headers = ("番号", "セクション", "質問", *table.vendors)
    grey = PatternFill("solid", fgColor="D9D9D9")
    for column, header in enumerate(headers, start=1):
        _text(sheet, header_row, column, header, bold, wrap).fill = grey
    for row, item in enumerate(table.rows, start=header_row + 1):
        for column, value in enumerate((item.number, item.section, item.question, *item.cells), 1):
            _text(sheet, row, column, value, body, wrap)
    for column, width in enumerate((7, 18, 48, *([28] * len(table.vendors))), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(header_row + 1, 4)
    last = header_row + len(table.rows)
    sheet.print_area = f"A1:{get_column_letter(len(headers))}{last}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
