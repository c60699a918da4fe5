"""The bid comparison for the selection committee: a Word report (A4 landscape) and a CSV."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.shared import Mm

from vendorcheck.documents import csv_export
from vendorcheck.documents import docx_helpers as dh
from vendorcheck.domain.comparison import (
    NOT_SUBMITTED,
    Bidder,
    Comparison,
    format_score,
    severity_label,
)
from vendorcheck.domain.jp import to_full_width_digits, wareki

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HEADING_FONT = "游ゴシック"  # table headings; body text keeps the template's 游明朝
HEADER_FILL = "D9D9D9"  # light grey: prints readably in black and white
MAX_COLUMNS = 8  # value columns per table on A4 landscape; wider matrices are split
KIND_LABELS = {"summary": "総合", "section": "セクション", "requirement": "要件"}
REPORT_STYLES = (dh.TITLE, dh.DATE, dh.BODY, dh.ARTICLE_HEADING, dh.ITEM)


@dataclass(frozen=True)
class ReportHeader:
    """What the report says about itself: who issues it, for which case, when."""

    organisation: str
    case_title: str
    issued_on: dt.date
    details: tuple[tuple[str, str], ...] = ()  # (label, value) lines under the title


# --- tables ---------------------------------------------------------------------------------


def _run(text: str, heading: bool) -> str:
    fonts = f'<w:rPr><w:rFonts w:eastAsia="{HEADING_FONT}"/><w:b/></w:rPr>' if heading else ""
    lines = dh.clean_text(text).split("\n")
    body = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in lines)
    return f"<w:r>{fonts}{body}</w:r>"


def _cell(text: object, heading: bool, width: int) -> str:
    shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/>' if heading else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}</w:tcPr>'
        f"<w:p>{_run('' if text is None else str(text), heading)}</w:p></w:tc>"
    )


def text_width(document: DocxDocument) -> int:
    """The width between the margins, in twentieths of a point."""
    section = document.sections[-1]
    return int((section.page_width - section.left_margin - section.right_margin) / 635)


def add_table(
    document: DocxDocument,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    weights: Sequence[float] | None = None,
    *,
    row_headings: bool = False,
) -> None:
    """Append a bordered table, built as one XML fragment (python-docx's cell API is slow).

    The header row repeats on every page; with row_headings, the first column is shaded too.
    """
    weights = list(weights or [1] * len(header))
    total = sum(weights)
    available = text_width(document)
    widths = [int(available * weight / total) for weight in weights]
    border = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    parts = [
        f'<w:tbl xmlns:w="{W_NS}"><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        f'<w:tblBorders>{border}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar>'
        "</w:tblPr><w:tblGrid>",
        *(f'<w:gridCol w:w="{width}"/>' for width in widths),
        "</w:tblGrid><w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>",
        *(_cell(text, True, width) for text, width in zip(header, widths, strict=True)),
        "</w:tr>",
    ]
    for row in rows:
        parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        parts.extend(
            _cell(text, row_headings and n == 0, width)
            for n, (text, width) in enumerate(zip(row, widths, strict=True))
        )
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    table = parse_xml("".join(parts))
    document.element.body._insert_tbl(table)


def cell_lines(text: str) -> str:
    """Break before a parenthesis so a narrow cell never wraps inside a word:
    「条件付適合（未確定）」 prints as 「条件付適合」 and 「（未確定）」 on two lines."""
    return text.replace("（", "\n（") if "（" in text and not text.startswith("（") else text


SHORT_QUESTION = 30


WAREKI_DATE = re.compile(r"(?:令和|平成|昭和)(?:元|\d+)年\d+月\d+日")


def full_width_dates(text: str) -> str:
    """和暦 dates in the reports' full-width digits, as in the annexes (令和９年６月１９日)."""
    return WAREKI_DATE.sub(lambda match: to_full_width_digits(match.group(0)), text)


def with_question_texts(text: str, texts: Mapping[str, str]) -> str:
    """Replace the question ids the scoring names in its reasons with the questions' own words
    (「a.multi（0.75）」 becomes 「「情報セキュリティ方針を…」（0.75）」), so a report shows no ids;
    the dates the reasons give are written in full-width 和暦."""
    text = full_width_dates(text)
    known = sorted((qid for qid in texts if qid in text), key=len, reverse=True)
    if not known:
        return text
    pattern = re.compile("|".join(re.escape(qid) for qid in known))

    def words(match: re.Match[str]) -> str:
        question = texts[match.group(0)]
        short = (
            question if len(question) <= SHORT_QUESTION else question[: SHORT_QUESTION - 1] + "…"
        )
        return f"「{short}」"

    return pattern.sub(words, text)


def chunks(items: Sequence, size: int = MAX_COLUMNS) -> list[Sequence]:
    return [items[start : start + size] for start in range(0, len(items), size)] or [items]


# --- the report -----------------------------------------------------------------------------


def set_landscape(document: DocxDocument) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin = section.right_margin = Mm(20)


def summary_rows(order: Sequence[Bidder]) -> list[list[object]]:
    return [
        [
            f"{bidder.rank}位" if bidder.rank else "－",
            bidder.label,
            format_score(bidder.total) if bidder.submitted else NOT_SUBMITTED,
            cell_lines(bidder.verdict_text),
            f"{bidder.open_mandatory}件" if bidder.submitted else "－",
            f"{bidder.findings}件" if bidder.submitted else "－",
            bidder.note,
        ]
        for bidder in order
    ]


def _gap_rows(comparison: Comparison, bidder: Bidder) -> list[list[object]]:
    rows = []
    for gap in bidder.gaps:
        text = comparison.question_text(gap.question_id)
        rows.append(
            [
                severity_label(gap.severity),
                text or "（質問文なし）",
                with_question_texts(gap.reason_ja, comparison.question_texts),
                "承認済み" if gap.remediated else "なし",
            ]
        )
    return rows


def build_comparison_docx(
    comparison: Comparison,
    header: ReportHeader,
    order: Sequence[Bidder] | None = None,
    template_path: Path | str | None = None,
) -> bytes:
    """Return the .docx of the comparison: summary, section scores, requirements, gaps."""
    order = tuple(order or comparison.ordered())
    document = dh.open_template(template_path)
    set_landscape(document)
    styles = dh.paragraph_styles(document, REPORT_STYLES)

    def say(text: str, style: str = dh.BODY) -> None:
        dh.add_paragraph(document, text, styles[style])

    say("入札者の情報セキュリティ確認結果の比較", dh.TITLE)
    say(wareki(header.issued_on, full_width=True), dh.DATE)
    say(header.organisation, dh.DATE)
    say(f"案件: {header.case_title}", dh.ITEM)
    for label, value in header.details:
        say(f"{label}: {value}", dh.ITEM)
    submitted = len(comparison.submitted)
    say(
        f"比較した事業者: {len(order)}社（うち提出済み {submitted}社、未提出 {len(order) - submitted}社）",
        dh.ITEM,
    )

    say("１　総合結果", dh.ARTICLE_HEADING)
    say(
        "順位は、判定（適合、条件付適合、不適合の順）が同じ事業者の間で総合点の高い順に付けています。"
        "判定と総合点が同じ事業者は同じ順位です。"
    )
    add_table(
        document,
        ["順位", "事業者", "総合点", "判定", "必須の未充足", "その他の指摘", "状態"],
        summary_rows(order),
        [1, 4, 1.2, 2, 1.4, 1.4, 2],
    )

    say("２　セクション別の得点", dh.ARTICLE_HEADING)
    say("各セクションの得点（0〜100点）です。画面の棒グラフと同じ内容を表で示します。")
    for part in chunks(comparison.sections):
        add_table(
            document,
            ["事業者", *(title for _, title in part)],
            [
                [
                    bidder.label,
                    *(
                        format_score(bidder.section_score(sid))
                        if bidder.submitted
                        else NOT_SUBMITTED
                        for sid, _ in part
                    ),
                ]
                for bidder in order
            ],
            [3, *[1] * len(part)],
            row_headings=True,
        )
        say("")

    requirement_rows = comparison.rows_of("requirement")
    say("３　要件ごとの充足状況", dh.ARTICLE_HEADING)
    say("✓ 満たす、△ 一部満たす、✗ 満たさない、－ 評価対象外。")
    for part in chunks(order):
        add_table(
            document,
            ["要件", *(bidder.label for bidder in part)],
            [
                [row.note or row.label, *(row.cell(b).text for b in part)]
                for row in requirement_rows
            ],
            [4, *[1] * len(part)],
            row_headings=True,
        )
        say("")

    say("４　事業者ごとの指摘事項", dh.ARTICLE_HEADING)
    for number, bidder in enumerate(order, start=1):
        score = f"、総合点 {format_score(bidder.total)}" if bidder.submitted else ""
        say(f"（{number}）{bidder.label}（{bidder.verdict_text}{score}）", dh.ITEM)
        if not bidder.submitted:
            say("回答が提出されていません。")
        elif not bidder.gaps:
            say("指摘事項はありません。")
        else:
            add_table(
                document,
                ["重大度", "質問", "内容", "是正措置"],
                _gap_rows(comparison, bidder),
                [1, 4, 6, 1.2],
            )
            say("")
    dh.set_core_properties(document, f"入札者の比較 {header.case_title}", header.issued_on)
    document.core_properties.category = "入札者の比較"
    dh.scrub_package(document)
    return dh.to_bytes(document)


# --- CSV ------------------------------------------------------------------------------------


def _csv_value(row_key: str, bidder: Bidder, text: str, value: object) -> object:
    """Numbers as plain numbers (sortable in Excel); everything else as shown on screen."""
    if not bidder.submitted:
        return NOT_SUBMITTED
    if isinstance(value, bool) or value is None:
        return text
    if isinstance(value, float):
        return format_score(value)
    if isinstance(value, int) and row_key in {"rank", "mandatory", "findings"}:
        return value
    return text


def comparison_csv(comparison: Comparison, order: Sequence[Bidder] | None = None) -> bytes:
    """Return the comparison as UTF-8-with-BOM CSV, one column per vendor, formulas neutralised."""
    order = tuple(order or comparison.ordered())
    header = ["種類", "項目", *(bidder.label for bidder in order)]
    rows: list[list[object]] = [["事業者", "状態", *(bidder.note for bidder in order)]]
    for row in comparison.rows:
        cells = [
            _csv_value(row.key, bidder, row.cell(bidder).text, row.cell(bidder).value)
            for bidder in order
        ]
        rows.append([KIND_LABELS[row.kind], row.label, *cells])
    return csv_export.to_csv_bytes(header, rows)
