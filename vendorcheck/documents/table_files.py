"""Read a table from a file people download: CSV (UTF-8, UTF-8 with BOM, Shift_JIS/CP932),
Excel (.xlsx, with openpyxl) or a web page saved as HTML (the first table with a header row
that the caller recognises, read with the standard library's HTML parser)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

ENCODINGS = ("utf-8-sig", "cp932")
MAX_ROWS = 100_000
LINK_WORDS = frozenset({"", "詳細", "詳細はこちら", "リンク", "link", "detail", "details"})


class TableFileError(ValueError):
    """The file is not a table we can read; the message is Japanese and says why."""


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[object, ...]], ...]  # (line or row number, cells)
    format: str  # csv, xlsx, html
    encoding: str = ""


def file_format(data: bytes, filename: str = "") -> str:
    """csv, xlsx or html: by content first, then by the file name."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<head", b"<body")):
        return "html"
    name = filename.lower()
    if name.endswith((".html", ".htm")):
        return "html"
    if name.endswith(".xls"):
        raise TableFileError(
            "古い Excel 形式（.xls）は読めません。.xlsx か CSV で保存してください。"
        )
    return "csv"


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM) or CP932; raise TableFileError for anything else."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise TableFileError(
        "文字コードを判別できません。UTF-8 又は Shift_JIS（CP932）の CSV で保存してください。"
    )


def _pick_header(
    rows: Sequence[tuple[int, tuple[object, ...]]], is_header: Callable[[Sequence[str]], bool]
) -> int:
    for position, (_, cells) in enumerate(rows[:30]):
        if is_header([str(cell or "") for cell in cells]):
            return position
    return next((i for i, (_, cells) in enumerate(rows) if any(cells)), 0)


def _table(rows, is_header, fmt: str, encoding: str = "") -> Table:
    if not rows:
        raise TableFileError("ファイルに表がありません（空のファイルです）。")
    if len(rows) > MAX_ROWS:
        raise TableFileError(f"行数が多すぎます（上限 {MAX_ROWS:,} 行）。")
    start = _pick_header(rows, is_header)
    headers = tuple(" ".join(str(cell or "").split()) for cell in rows[start][1])
    return Table(headers, tuple(rows[start + 1 :]), fmt, encoding)


def read_csv(data: bytes, is_header) -> Table:
    text, encoding = decode_text(data)
    if "\x00" in text:
        raise TableFileError("CSV ではないファイルです（制御文字が含まれています）。")
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [(reader.line_num, tuple(cells)) for cells in reader]
    except csv.Error as error:
        raise TableFileError(f"CSV の {reader.line_num} 行目を読めません（{error}）。") from error
    return _table(rows, is_header, "csv", encoding)


def read_xlsx(data: bytes, is_header) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise TableFileError("Excel ファイル（.xlsx）として開けません。") from error
    try:
        for sheet in workbook.worksheets:
            rows = []
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                rows.append((number, tuple(cells)))
                if len(rows) > MAX_ROWS:
                    break
            while rows and not any(cell not in (None, "") for cell in rows[-1][1]):
                rows.pop()
            if rows:
                return _table(rows, is_header, "xlsx")
    finally:
        workbook.close()
    raise TableFileError("Excel ファイルに表がありません（すべてのシートが空です）。")


class _TableCollector(HTMLParser):
    """Collect every table's rows of cell text; nested markup inside cells becomes text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[tuple[int, tuple[str, ...]]]] = []
        self._stack: list[list] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "template"}:
            self._skip += 1
        elif tag == "table":
            self._stack.append([])
        elif tag == "tr" and self._stack:
            self._row = []
        elif tag in {"td", "th"} and self._row is not None:
            self._cell = []
        elif tag == "a" and self._cell is not None:
            href = dict(attrs).get("href") or ""
            if href.startswith(("http://", "https://")):
                self._links.append(href)
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"}:
            self._skip = max(0, self._skip - 1)
        elif tag in {"td", "th"} and self._cell is not None and self._row is not None:
            text = " ".join("".join(self._cell).split())
            if self._links and text.casefold() in LINK_WORDS:
                text = self._links[0]  # a 「詳細」 link: its address is the value
            self._row.append(text)
            self._cell, self._links = None, []
        elif tag == "tr" and self._row is not None and self._stack:
            self._stack[-1].append((self.getpos()[0], tuple(self._row)))
            self._row = None
        elif tag == "table" and self._stack:
            self.tables.append(self._stack.pop())

    def handle_data(self, data):
        if self._cell is not None and not self._skip:
            self._cell.append(data)


def read_html(data: bytes, is_header) -> Table:
    text, encoding = _decode_html(data)
    collector = _TableCollector()
    collector.feed(text)
    collector.close()
    for rows in collector.tables:
        if any(is_header(list(cells)) for _, cells in rows[:5]):
            return _table(rows, is_header, "html", encoding)
    raise TableFileError(
        "保存したページにリストの表が見つかりません。ISMAP のリストのページを保存したファイルか"
        "確認してください（エラーページやログインページではありませんか）。"
    )


def _decode_html(data: bytes) -> tuple[str, str]:
    head = data[:2048].decode("ascii", "ignore").lower()
    if "shift_jis" in head or "shift-jis" in head or "windows-31j" in head:
        try:
            return data.decode("cp932"), "cp932"
        except UnicodeDecodeError:
            pass
    return decode_text(data)


def read_table(data: bytes, filename: str, is_header: Callable[[Sequence[str]], bool]) -> Table:
    """Read the table of a CSV, XLSX or saved HTML file; is_header recognises the header row."""
    if not data.strip():
        raise TableFileError("ファイルが空です。")
    fmt = file_format(data, filename)
    reader = {"csv": read_csv, "xlsx": read_xlsx, "html": read_html}[fmt]
    return reader(data, is_header)
