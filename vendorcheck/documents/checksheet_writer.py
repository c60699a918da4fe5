"""Write the Excel チェックシート of an assessment: a cover sheet and one sheet per section.

Input is plain data (`Checksheet`), output the .xlsx bytes. The id column is hidden, only
answer and comment cells are unlocked, and the sheets are protected without a password.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from vendorcheck.domain.jp import clean_for_xml
from vendorcheck.domain.questionnaire.types import SheetRule

FONT = "游ゴシック"  # Japanese font; LibreOffice substitutes a CJK font where it is missing
COVER_TITLE = "表紙"
CHOICES_TITLE = "選択肢"
HEADER_ROW = 4
FIRST_ROW = HEADER_ROW + 1
# (header, width); the first column holds the question id and is hidden.
COLUMNS = (
    ("ID", 4),
    ("番号", 7),
    ("質問", 48),
    ("補足", 30),
    ("関連する要件", 24),
    ("必須", 7),
    ("回答する条件", 26),
    ("回答", 30),
    ("備考（コメント）", 28),
    ("添付ファイル", 22),
)
ID_COLUMN, ANSWER_COLUMN, COMMENT_COLUMN = 1, 8, 9
STAMP_LABELS = {
    "questionnaire_id": "確認書ID",
    "version": "確認書の版",
    "content_hash": "内容ハッシュ",
    "assessment_id": "回答番号",
    "revision": "保存番号",
    "checksum": "照合コード",
}
STAMP_HEADING = "照合情報（この欄は変更しないでください）"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
MANDATORY_MARKS = {"mandatory": "◎", "required": "○", "optional": "－"}


@dataclass(frozen=True)
class SheetQuestion:
    """One question row: what it says and what is filled in already."""

    id: str
    number: str
    text: str
    hint: str
    requirements: str  # Japanese requirement titles, one a line
    mark: str  # a key of MANDATORY_MARKS
    condition: str  # when the question applies, in words ("" when always)
    rule: SheetRule
    answer: object  # the cell value (None when unanswered)
    comment: str
    evidence: str  # which files to attach in the portal, and what is attached


@dataclass(frozen=True)
class SheetSection:
    id: str
    title: str
    description: str
    questions: tuple[SheetQuestion, ...]


@dataclass(frozen=True)
class SheetStamp:
    """What identifies the workbook on upload: questionnaire, assessment, draft, checksum."""

    questionnaire_id: str
    version: int
    content_hash: str
    assessment_id: int
    revision: int
    checksum: str


@dataclass(frozen=True)
class Checksheet:
    title: str
    facts: tuple[tuple[str, str], ...]  # (label, value) on the cover: case, organisation, deadline
    how_to_fill: tuple[str, ...]
    how_to_return: tuple[str, ...]
    sections: tuple[SheetSection, ...]
    stamp: SheetStamp


def _cell(sheet: Worksheet, row: int, column: int, value: object):
    """Write one value: text without the characters XML forbids, and text stays text even when
    it starts like a formula (=, +, -, @), so an answer is never evaluated."""
    cell = sheet.cell(row, column)
    if isinstance(value, str):
        cell.value = clean_for_xml(value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def sheet_title(index: int, title: str) -> str:
    """A section sheet's name: its number and title, without the characters Excel forbids."""
    clean = "".join(ch for ch in title if ch not in "[]:*?/\\'")
    return f"{index}.{clean}"[:31]


def _styles(workbook: Workbook) -> None:
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    styles = (
        NamedStyle("vc_body", font=Font(name=FONT, size=10), alignment=wrap, border=border),
        NamedStyle(
            "vc_header",
            font=Font(name=FONT, size=10, bold=True),
            alignment=Alignment(wrap_text=True, vertical="center", horizontal="center"),
            border=border,
            fill=PatternFill("solid", fgColor="D9D9D9"),
        ),
        NamedStyle(
            "vc_answer",
            font=Font(name=FONT, size=10),
            alignment=wrap,
            border=border,
            fill=PatternFill("solid", fgColor="FFF9DB"),
            protection=Protection(locked=False),
        ),
        NamedStyle("vc_title", font=Font(name=FONT, size=14, bold=True)),
        NamedStyle("vc_text", font=Font(name=FONT, size=10), alignment=wrap),
        NamedStyle("vc_label", font=Font(name=FONT, size=10, bold=True), alignment=wrap),
    )
    for style in styles:
        workbook.add_named_style(style)


def _style(cell, name: str):
    """Give a cell a named style; later cells of the same workbook copy the first one's style
    array (assigning a named style by name is a lookup per cell, slow on a large sheet)."""
    workbook = cell.parent.parent
    arrays = workbook.__dict__.setdefault("_vendorcheck_style_arrays", {})
    if name in arrays:
        cell._style = copy.copy(arrays[name])
    else:
        cell.style = name
        arrays[name] = copy.copy(cell._style)
    return cell


def _a4(sheet: Worksheet, last_row: int, last_column: int, *, landscape: bool) -> None:
    sheet.print_area = f"A1:{get_column_letter(last_column)}{last_row}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.oddFooter.center.text = "&P / &N"


def _protect(sheet: Worksheet) -> None:
    sheet.protection.sheet = True  # no password: only the unlocked cells can be typed in
    sheet.protection.formatRows = False  # rows may be made taller to read long answers


def _cover(sheet: Worksheet, checksheet: Checksheet) -> None:
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 70
    _style(_cell(sheet, 1, 1, checksheet.title), "vc_title")
    row = 3
    for label, value in checksheet.facts:
        _style(_cell(sheet, row, 1, label), "vc_label")
        _style(_cell(sheet, row, 2, value), "vc_text")
        row += 1
    for heading, lines in (
        ("記入のしかた", checksheet.how_to_fill),
        ("返送のしかた", checksheet.how_to_return),
    ):
        row += 1
        _style(_cell(sheet, row, 1, heading), "vc_label")
        for line in lines:
            _style(_cell(sheet, row, 2, line), "vc_text")
            row += 1
    row += 1
    _style(_cell(sheet, row, 1, STAMP_HEADING), "vc_label")
    row += 1
    for key, label in STAMP_LABELS.items():
        _style(_cell(sheet, row, 1, label), "vc_label")
        _style(_cell(sheet, row, 2, str(getattr(checksheet.stamp, key))), "vc_text")
        row += 1
    _a4(sheet, row, 2, landscape=False)
    _protect(sheet)


class _Choices:
    """The hidden sheet listing each drop-down's choices, one column per distinct list."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet, self.ranges = sheet, {}

    def range_of(self, choices: tuple[str, ...]) -> str:
        if choices not in self.ranges:
            column = len(self.ranges) + 1
            for row, label in enumerate(choices, start=1):
                _cell(self.sheet, row, column, label)
            letter = get_column_letter(column)
            self.ranges[choices] = (
                f"{quote_sheetname(CHOICES_TITLE)}!${letter}$1:${letter}${len(choices)}"
            )
        return self.ranges[choices]


def _validation(rule: SheetRule, choices: _Choices) -> DataValidation | None:
    """The data validation of a rule; lists stop a wrong entry, the others only warn (the
    upload validates every cell exactly as the web form does)."""
    common = {"allow_blank": True, "showInputMessage": True, "showErrorMessage": True}
    if rule.kind == "list":
        return DataValidation(type="list", formula1=choices.range_of(rule.choices), **common)
    if rule.kind == "decimal":
        low = rule.minimum if rule.minimum is not None else -1e15
        high = rule.maximum if rule.maximum is not None else 1e15
        return DataValidation(
            type="decimal", operator="between", formula1=str(low), formula2=str(high),
            errorStyle="warning", **common,
        )  # fmt: skip
    if rule.kind == "date":
        return DataValidation(
            type="date", operator="greaterThan", formula1="1", errorStyle="warning", **common
        )
    if rule.kind == "text_length":
        low = int(rule.minimum or 0)
        return DataValidation(
            type="textLength", operator="between", formula1=str(low),
            formula2=str(int(rule.maximum or 32767)), errorStyle="warning", **common,
        )  # fmt: skip
    return None


def _number_format(rule: SheetRule) -> str:
    return {"date": DATE_FORMAT, "decimal": "General"}.get(rule.kind, "@")


def _section_sheet(sheet: Worksheet, section: SheetSection, choices: _Choices) -> None:
    _style(_cell(sheet, 1, 2, section.title), "vc_title")
    if section.description:
        _style(_cell(sheet, 2, 2, section.description), "vc_text")
    for column, (header, width) in enumerate(COLUMNS, start=1):
        _style(_cell(sheet, HEADER_ROW, column, header), "vc_header")
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.column_dimensions["A"].hidden = True
    validations: dict[SheetRule, DataValidation | None] = {}
    for row, question in enumerate(section.questions, start=FIRST_ROW):
        values = (
            question.id,
            question.number,
            question.text,
            question.hint,
            question.requirements,
            MANDATORY_MARKS[question.mark],
            question.condition,
        )
        for column, value in enumerate(values, start=1):
            _style(_cell(sheet, row, column, value), "vc_body")
        rule = question.rule
        answer = _cell(sheet, row, ANSWER_COLUMN, question.answer)
        if rule.kind == "none":
            _style(answer, "vc_body")
        else:
            _style(answer, "vc_answer")
            answer.number_format = _number_format(rule)
            if rule not in validations:
                validations[rule] = _validation(rule, choices)
                if validations[rule] is not None:
                    validations[rule].prompt = rule.prompt  # type: ignore[union-attr]
                    sheet.add_data_validation(validations[rule])
            if validations[rule] is not None:
                validations[rule].add(answer.coordinate)  # type: ignore[union-attr]
        _style(_cell(sheet, row, COMMENT_COLUMN, question.comment or None), "vc_answer")
        sheet.cell(row, COMMENT_COLUMN).number_format = "@"
        _style(_cell(sheet, row, len(COLUMNS), question.evidence), "vc_body")
    last = FIRST_ROW + len(section.questions) - 1
    sheet.freeze_panes = sheet.cell(FIRST_ROW, 3)
    _a4(sheet, max(last, HEADER_ROW), len(COLUMNS), landscape=True)
    sheet.print_area = f"B1:{get_column_letter(len(COLUMNS))}{max(last, HEADER_ROW)}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _protect(sheet)


def write_checksheet(checksheet: Checksheet) -> bytes:
    """Build the workbook and return its .xlsx bytes."""
    workbook = Workbook()
    _styles(workbook)
    cover = workbook.active
    cover.title = COVER_TITLE
    _cover(cover, checksheet)
    choices_sheet = workbook.create_sheet(CHOICES_TITLE)
    choices = _Choices(choices_sheet)
    for index, section in enumerate(checksheet.sections, start=1):
        sheet = workbook.create_sheet(sheet_title(index, section.title))
        _section_sheet(sheet, section, choices)
    workbook.move_sheet(choices_sheet, offset=len(checksheet.sections))
    choices_sheet.sheet_state = "hidden"
    _protect(choices_sheet)
    workbook.security = WorkbookProtection(lockStructure=True)  # no password; sheets stay put
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
