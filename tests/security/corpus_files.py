"""The files the import and upload forms take, made with the hostile corpus in their cells.

A form whose file field wants a real file (a チェックシート, an answer file, a register or an
ISMAP list) gets one here instead of the filler's small PDF: `prepared(client, form, marker,
corpus)` returns the files by field name, the markers each cell or file name carries (so what
is imported is looked for in the database like what is typed) and the fields to leave out
(the ISMAP trial-run box, so that the list is really imported). Cells that only take a shape
(numbers, dates, choices, codes) keep a valid value; the free-text cells take the corpus."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tests.security.forms import Form
from vendorcheck.documents.checksheet_writer import ANSWER_COLUMN, COMMENT_COLUMN, ID_COLUMN
from vendorcheck.domain.jp import today_jst
from vendorcheck.domain.questionnaire.carry import question_fingerprint
from vendorcheck.domain.register_fields import fields_for
from vendorcheck.domain.registers import SERVICE, SNS
from vendorcheck.services import answer_files
from vendorcheck.services.assessments import questionnaire_of
from vendorcheck.services.demo_ismap import demo_list
from vendorcheck.services.register_exports import HEADERS
from vendorcheck.store.models import Assessment, Department

FIRST_CELL = 40  # cell markers count from f40: the typed fields of a form keep f00–f39
TEXT_TYPES = {"text"}


@dataclass
class Prepared:
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    markers: dict[str, str] = field(default_factory=dict)  # cells: stored once imported
    left_out: set[str] = field(default_factory=set)
    names: dict[str, str] = field(default_factory=dict)  # file names: stored or not


class _Cells:
    """Corpus values for the cells of one file, each led by its own marker."""

    def __init__(self, marker: str, corpus: tuple[str, ...], what: str) -> None:
        self.marker, self.corpus, self.what = marker, corpus, what
        self.markers: dict[str, str] = {}
        self.names: dict[str, str] = {}

    def name(self, suffix: str) -> str:
        """A file name that carries a marker and corpus text (as a browser would send it)."""
        own = f"{self.marker}f99x"
        self.names[own] = f"{self.what} ファイル名"
        return own + "<script>alert(9)</script>" + suffix

    def next(self, cell: str, *, plain: bool = False, xlsx: bool = False) -> str:
        number = FIRST_CELL + len(self.markers)
        assert number < 99, f"{self.what}: too many cells for two-digit markers"
        own = f"{self.marker}f{number:02d}x"
        self.markers[own] = f"{self.what} {cell}"
        typed = self.corpus[number % len(self.corpus)]
        if xlsx:  # a workbook cannot hold control characters (Excel cannot type them either),
            # and a cell led by "=" is a formula, which the sheet reader rightly refuses
            return own + ILLEGAL_CHARACTERS_RE.sub("", typed)
        if plain:  # a cell of its own syntax (a name split at "（"): the marker and plain text
            return own + re.sub(r"[（）]", "", typed)
        return typed + own if typed.startswith(("=", "+", "-", "@")) else own + typed


def _assessment_of(action: str, tokens: dict[int, str]) -> Assessment:
    """The assessment a staff page names by id, or a portal page by its token (of the world)."""
    staff = re.match(r"^/assessments/(\d+)/", action)
    if staff:
        return Assessment.get_by_id(int(staff.group(1)))
    token = re.match(r"^/p/([^/]+)/", action).group(1)
    return Assessment.get_by_id(next(i for i, t in tokens.items() if t == token))


def checksheet(client, form: Form, marker: str, corpus: tuple[str, ...], tokens) -> Prepared:
    """The sheet as the page offers it, with the corpus in the free-text answers and comments of
    every other question: the vendor's sheet the even ones, the staff's sheet the odd ones, so
    that what each imports stays for the page checks (choices, numbers and dates, and the other
    questions, keep what the sheet holds)."""
    download = form.action.rstrip("/") + ("/download" if form.action.startswith("/p/") else ".xlsx")
    response = client.get(download)
    assert response.status_code == 200, f"{download}: {response.status_code}"
    questionnaire = questionnaire_of(_assessment_of(form.action, tokens))
    cells = _Cells(marker, corpus, form.action)
    workbook = load_workbook(io.BytesIO(response.data))
    turn = 0 if form.action.startswith("/p/") else 1
    asked = 0
    for sheet in workbook.worksheets[1:-1]:
        for row in range(5, sheet.max_row + 1):
            question_id = sheet.cell(row, ID_COLUMN).value
            if not question_id:
                continue
            asked += 1
            if asked % 2 != turn or len(cells.markers) > 54:
                continue
            question = questionnaire.question(question_id)
            if question.type in TEXT_TYPES:
                sheet.cell(row, ANSWER_COLUMN).value = cells.next(f"{question_id} 回答", xlsx=True)
            sheet.cell(row, COMMENT_COLUMN).value = cells.next(f"{question_id} 備考", xlsx=True)
    output = io.BytesIO()
    workbook.save(output)
    files = {"workbook": (output.getvalue(), cells.name(".xlsx"))}
    return Prepared(files, cells.markers, names=cells.names)


def answer_file(client, form: Form, marker: str, corpus: tuple[str, ...], tokens) -> Prepared:
    """An answer file of the questionnaire with the corpus in every free-text answer."""
    questionnaire = questionnaire_of(_assessment_of(form.action, tokens))
    cells = _Cells(marker, corpus, form.action)
    answers = [
        {
            "question_id": question.id,
            "fingerprint": question_fingerprint(question),
            "value": cells.next(f"{question.id} 回答"),
        }
        for question in questionnaire.questions
        if question.type in TEXT_TYPES
    ]
    data = {
        "format": answer_files.FORMAT,
        "format_version": answer_files.FORMAT_VERSION,
        "questionnaire": {
            "id": questionnaire.id,
            "version": questionnaire.version,
            "content_hash": questionnaire.content_hash,
            "title": questionnaire.title.ja,
        },
        "answers": answers,
    }
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    files = {"answer_file": (body, cells.name(".json"))}
    return Prepared(files, cells.markers, names=cells.names)


def register(client, form: Form, marker: str, corpus: tuple[str, ...], tokens) -> Prepared:
    """A register CSV in the export's columns: one service and one SNS account whose text
    columns carry the corpus (URLs, dates, flags and the platform keep their shapes)."""
    cells = _Cells(marker, corpus, form.action)
    department = Department.select().where(Department.active == True).first()  # noqa: E712
    shaped = {
        "種類": ("外部サービス", "SNS アカウント"),
        "部局": (department.name, department.name),
        "状態": ("", ""),
        "URL": ("https://example.jp/{own}", "https://example.jp/@{own}"),
        "公式アカウント一覧を掲載した公式ウェブサイトのページ": ("", "https://example.jp/sns"),
        "プラットフォーム": ("", "x"),
        "取り扱う情報の最も高い分類": ("1", "1"),
        "ISMAP 登録番号": ("", ""),
    }
    rows = []
    for number, entry_type in enumerate((SERVICE, SNS)):
        taken = {spec.label for spec in fields_for(entry_type) if spec.kind in ("text", "long")}
        row = []
        for header in HEADERS:
            if header in shaped:
                value = shaped[header][number].format(own=f"{marker}r{number}")
            elif header in ("責任者", "副責任者", "管理者・担当者"):  # 氏名（部局）
                value = cells.next(f"{number + 1}行目 {header}", plain=True)
            elif header in taken:  # the other type's columns stay empty
                value = cells.next(f"{number + 1}行目 {header}")
            else:
                value = ""
            row.append(value)
        rows.append(row)
    output = io.StringIO()
    csv.writer(output).writerows([list(HEADERS), *rows])
    files = {"file": (output.getvalue().encode("utf-8-sig"), cells.name(".csv"))}
    return Prepared(files, cells.markers, names=cells.names)


def ismap_list(client, form: Form, marker: str, corpus: tuple[str, ...], tokens) -> Prepared:
    """The demonstration list with two more registrations whose service, provider, scope and
    regions carry the corpus; imported for real (not a trial run)."""
    cells = _Cells(marker, corpus, form.action)
    base = demo_list(today_jst()).decode("utf-8-sig").strip().splitlines()
    rows = list(csv.reader(base))
    for number in range(2):
        what = f"C26-09{number:02d}-1"
        rows.append(
            [
                what,
                "ISMAP",
                cells.next(f"{what} クラウドサービス名"),
                cells.next(f"{what} 事業者名"),
                "2026/04/01",
                "2025年4月1日～2026年3月31日",
                "",
                cells.next(f"{what} 言明の対象範囲"),
                cells.next(f"{what} リージョン"),
            ]
        )
    output = io.StringIO()
    csv.writer(output).writerows(rows)
    files = {"file": (output.getvalue().encode("utf-8-sig"), cells.name(".csv"))}
    return Prepared(files, cells.markers, {"dry_run"}, cells.names)


# Imports that overwrite the answers typed into the sections: typed after those forms, so that
# what they import is what the pages show at the end.
TYPED_AFTER = re.compile(r"/checksheet/?$")

BUILDERS: tuple[tuple[re.Pattern[str], Callable[..., Prepared]], ...] = (
    (re.compile(r"/checksheet/?$"), checksheet),
    (re.compile(r"^/p/[^/]+/answers/file$"), answer_file),
    (re.compile(r"^/registers/import$"), register),
    (re.compile(r"^/ismap/import$"), ismap_list),
)


def prepared(
    client, form: Form, marker: str, corpus: tuple[str, ...], tokens: dict[int, str]
) -> Prepared | None:
    """The files a form takes, made with the corpus, or None for a form of no such file."""
    for pattern, build in BUILDERS:
        if pattern.search(form.action):
            return build(client, form, marker, corpus, tokens)
    return None
