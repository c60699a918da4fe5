"""Excel workbooks of lists as shown on screen; text can never turn into a formula."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from vendorcheck.documents.csv_export import FORMULA_STARTS
from vendorcheck.domain.jp import clean_for_xml

_SHEET_TITLE_LIMIT = 31  # Excel's limit
_SHEET_TITLE_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})
_WIDEST_COLUMN = 60


def _put(cell: Cell, value: object) -> None:
    """Write one value; text stays text even when it starts like a formula."""
    if value is None:
        cell.value = ""
    elif isinstance(value, bool):
        cell.value = "はい" if value else "いいえ"
    elif isinstance(value, int | float | dt.date):
        cell.value = value
    else:
        text = clean_for_xml(str(value))
        cell.value = text
        cell.data_type = "s"  # never "f": =, +, -, @ at the start are shown, not evaluated
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True


def _width(value: object) -> int:
    text = "" if value is None else str(value)
    # Japanese characters take about two columns of an Excel width unit.
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def to_xlsx_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """One sheet: a bold header row frozen at the top, then the rows; returns .xlsx bytes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (title.translate(_SHEET_TITLE_FORBIDDEN) or "一覧")[:_SHEET_TITLE_LIMIT]
    widths = [_width(name) for name in header]
    for column, name in enumerate(header, start=1):
        cell = sheet.cell(row=1, column=column)
        _put(cell, name)
        cell.font = Font(bold=True)
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column)
            _put(cell, value)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if column <= len(widths):
                widths[column - 1] = max(widths[column - 1], _width(value))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, _WIDEST_COLUMN)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
