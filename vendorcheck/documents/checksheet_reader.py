"""Read an uploaded チェックシート back into plain data, refusing files that are not one.

The bytes are checked before openpyxl opens them (size, the zip directory's declared sizes,
macros, encryption); formulas are never evaluated: a formula in an answer cell is reported.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from vendorcheck.documents.checksheet_writer import (
    ANSWER_COLUMN,
    CHOICES_TITLE,
    COLUMNS,
    COMMENT_COLUMN,
    COVER_TITLE,
    FIRST_ROW,
    HEADER_ROW,
    ID_COLUMN,
    STAMP_LABELS,
    SheetStamp,
)

MAX_WORKBOOK_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # the sum of the sizes the zip directory declares
MAX_ENTRIES = 500
MAX_RATIO = 200  # declared size / compressed size of one entry
MAX_ROWS = 2000  # rows read per sheet
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class WorkbookRejected(ValueError):
    """The file is not a チェックシート that can be read; the message (Japanese) says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SheetRow:
    """One question row as found: where it is, its hidden id, and the cells typed in."""

    sheet: str
    row: int
    question_id: str
    answer: object
    comment: str
    formula: bool  # the answer or comment cell holds a formula (never evaluated)


@dataclass(frozen=True)
class ReadChecksheet:
    stamp: SheetStamp
    sheets: tuple[tuple[str, tuple[SheetRow, ...]], ...]  # section sheets in workbook order

    @property
    def rows(self) -> tuple[SheetRow, ...]:
        return tuple(row for _, rows in self.sheets for row in rows)


def check_container(data: bytes, filename: str = "") -> None:
    """Refuse what is not a plain .xlsx before any parser sees it."""
    if not data:
        raise WorkbookRejected("ファイルが空です。ダウンロードしたチェックシートを選んでください。")
    if len(data) > MAX_WORKBOOK_BYTES:
        raise WorkbookRejected(
            f"ファイルが大きすぎます（上限 {MAX_WORKBOOK_BYTES // (1024 * 1024)} MB）。"
            "ダウンロードしたチェックシートに記入したものを選んでください。"
        )
    if filename.lower().endswith((".xlsm", ".xltm", ".xlsb")):
        raise WorkbookRejected(
            "マクロ有効ブック（.xlsm など）は受け付けていません。Excel ブック（.xlsx）で保存し直してください。"
        )
    if data.startswith(OLE_MAGIC):
        raise WorkbookRejected(
            "パスワード付きのファイル、または古い形式（.xls）のファイルは読めません。"
            "パスワードを外し、Excel ブック（.xlsx）で保存し直してください。"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise WorkbookRejected(
            "Excel ブック（.xlsx）として読めませんでした。ファイルが壊れていないか確認してください。"
        ) from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
            raise WorkbookRejected("ファイルを展開すると大きすぎるため、読み込みませんでした。")
        if any(e.compress_size and e.file_size / e.compress_size > MAX_RATIO for e in entries):
            raise WorkbookRejected("ファイルの圧縮率が異常なため、読み込みませんでした。")
        names = {entry.filename.lower() for entry in entries}
    if any(name.endswith("vbaproject.bin") for name in names):
        raise WorkbookRejected(
            "マクロを含むブックは受け付けていません。Excel ブック（.xlsx）で保存し直してください。"
        )
    if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
        raise WorkbookRejected("Excel ブック（.xlsx）ではありません。")


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _stamp(sheet: Worksheet) -> SheetStamp:
    found: dict[str, str] = {}
    by_label = {label: key for key, label in STAMP_LABELS.items()}
    for label, value in sheet.iter_rows(min_col=1, max_col=2, max_row=200, values_only=True):
        key = by_label.get(_text(label))
        if key:
            found[key] = _text(value)
    missing = [STAMP_LABELS[key] for key in STAMP_LABELS if not found.get(key)]
    if missing:
        raise WorkbookRejected(
            f"表紙の照合情報（{'・'.join(missing)}）が見つかりません。"
            "vendorcheck からダウンロードしたチェックシートを使ってください。"
        )
    try:
        return SheetStamp(
            questionnaire_id=found["questionnaire_id"],
            version=int(found["version"]),
            content_hash=found["content_hash"],
            assessment_id=int(found["assessment_id"]),
            revision=int(found["revision"]),
            checksum=found["checksum"],
        )
    except ValueError:
        raise WorkbookRejected(
            "表紙の照合情報が書き換えられています。ダウンロードし直してください。"
        ) from None


def _is_formula(cell: object) -> bool:
    return getattr(cell, "data_type", None) == "f"


def _section_rows(sheet: Worksheet) -> tuple[SheetRow, ...]:
    if sheet.merged_cells.ranges:
        where = ", ".join(str(cells) for cells in list(sheet.merged_cells.ranges)[:3])
        raise WorkbookRejected(
            f"シート「{sheet.title}」に結合されたセル（{where}）があります。セルの結合を解除してからアップロードしてください。"
        )
    headers = [_text(sheet.cell(HEADER_ROW, column).value) for column in range(1, len(COLUMNS) + 1)]
    if headers != [header for header, _ in COLUMNS]:
        raise WorkbookRejected(
            f"シート「{sheet.title}」の列の並びが変わっています（{HEADER_ROW}行目の見出し）。"
            "列を追加・削除・移動せずに記入してください。"
        )
    rows = []
    last = min(sheet.max_row, FIRST_ROW + MAX_ROWS)
    for cells in sheet.iter_rows(min_row=FIRST_ROW, max_row=last, max_col=len(COLUMNS)):
        question_id = _text(cells[ID_COLUMN - 1].value)
        answer, comment = cells[ANSWER_COLUMN - 1], cells[COMMENT_COLUMN - 1]
        if not question_id:
            if any(_text(cell.value) for cell in cells):
                raise WorkbookRejected(
                    f"シート「{sheet.title}」の{cells[0].row}行目に、質問のない行があります。行を追加・移動せずに記入してください。"
                )
            continue
        rows.append(
            SheetRow(
                sheet.title,
                cells[0].row,
                question_id,
                answer.value,
                _text(comment.value),
                _is_formula(answer) or _is_formula(comment),
            )
        )
    return tuple(rows)


def read_checksheet(data: bytes, filename: str = "") -> ReadChecksheet:
    """Read a filled チェックシート; raise WorkbookRejected when it is not one."""
    check_container(data, filename)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops
            workbook = load_workbook(io.BytesIO(data), data_only=False, keep_vba=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise WorkbookRejected(
            "Excel ブック（.xlsx）として読めませんでした。ファイルが壊れていないか確認してください。"
        ) from exc
    if COVER_TITLE not in workbook.sheetnames:
        raise WorkbookRejected(
            "表紙のシートがありません。vendorcheck からダウンロードしたチェックシートを使ってください。"
        )
    stamp = _stamp(workbook[COVER_TITLE])
    sheets = tuple(
        (sheet.title, _section_rows(sheet))
        for sheet in workbook.worksheets
        if sheet.title not in (COVER_TITLE, CHOICES_TITLE)
    )
    return ReadChecksheet(stamp, sheets)
