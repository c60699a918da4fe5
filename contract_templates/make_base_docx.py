"""Rebuild contract_templates/base.docx: the styles every generated annex uses.

Run from the repository root:

    .venv/bin/python contract_templates/make_base_docx.py

base.docx holds styles, page set-up and the footer only. Legal staff may
open it in Word and change a style (font, size, indents); the generator
never sets formatting itself, so the change shows in every new annex.
Running this script again overwrites such edits.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from lxml import etree

OUTPUT = Path(__file__).with_name("base.docx")

EAST_ASIAN_FONT = "游明朝"
LATIN_FONT = "Century"
BODY_SIZE = Pt(10.5)
CHAR = 210  # one full-width character at 10.5 pt, in twentieths of a point

# Paragraph styles: size, bold, alignment, indents in full-width characters (left, first_line,
# hanging), space before / after in points, keep with next. All are based on Normal.
STYLES: dict[str, dict] = {
    "VC Title": {"size": Pt(14), "bold": True, "align": WD_ALIGN_PARAGRAPH.CENTER, "after": 18},
    "VC Date": {"align": WD_ALIGN_PARAGRAPH.RIGHT, "after": 12},
    "VC Body": {"first_line": 1, "align": WD_ALIGN_PARAGRAPH.JUSTIFY},
    "VC Article Heading": {"bold": True, "before": 10.5, "keep_next": True},
    "VC Item": {"left": 1, "hanging": 1, "align": WD_ALIGN_PARAGRAPH.JUSTIFY},
    "VC Sub Item": {"left": 2, "hanging": 1, "align": WD_ALIGN_PARAGRAPH.JUSTIFY},
    "VC Closing": {"align": WD_ALIGN_PARAGRAPH.RIGHT, "before": 10.5},
    "VC Footer": {"size": Pt(9), "align": WD_ALIGN_PARAGRAPH.CENTER},
}

# Word's PAGE field as runs: begin, instruction, separator, placeholder result, end.
PAGE_FIELD_RUNS = (
    '<w:fldChar w:fldCharType="begin"/>',
    '<w:instrText xml:space="preserve"> PAGE </w:instrText>',
    '<w:fldChar w:fldCharType="separate"/>',
    "<w:t>1</w:t>",
    '<w:fldChar w:fldCharType="end"/>',
)


def set_fonts(rpr) -> None:
    """Name the Latin and East Asian fonts explicitly (no theme fonts, which would win)."""
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    fonts = OxmlElement("w:rFonts")
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    fonts.set(qn("w:cs"), LATIN_FONT)
    rpr.insert(0, fonts)


def set_doc_defaults(document) -> None:
    styles = document.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(int(BODY_SIZE.pt * 2)))
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "ja-JP")
    spacing = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = spacing.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")


def indent_element(left: float, first_line: float, hanging: float):
    ind = OxmlElement("w:ind")
    if left:
        ind.set(qn("w:left"), str(int(left * CHAR)))
        ind.set(qn("w:leftChars"), str(int(left * 100)))
    if hanging:
        ind.set(qn("w:hanging"), str(int(hanging * CHAR)))
        ind.set(qn("w:hangingChars"), str(int(hanging * 100)))
    elif first_line:
        ind.set(qn("w:firstLine"), str(int(first_line * CHAR)))
        ind.set(qn("w:firstLineChars"), str(int(first_line * 100)))
    return ind


def add_style(document, name: str, spec: dict) -> None:
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    style.font.size = spec.get("size", BODY_SIZE)
    style.font.bold = spec.get("bold", False)
    set_fonts(style.element.get_or_add_rPr())
    fmt = style.paragraph_format
    fmt.alignment = spec.get("align", WD_ALIGN_PARAGRAPH.LEFT)
    fmt.space_before = Pt(spec.get("before", 0))
    fmt.space_after = Pt(spec.get("after", 0))
    if spec.get("keep_next"):
        fmt.keep_with_next = True
    fmt.widow_control = True
    left, first, hanging = spec.get("left", 0), spec.get("first_line", 0), spec.get("hanging", 0)
    if left or first or hanging:
        style.element.get_or_add_pPr().append(indent_element(left, first, hanging))


def set_page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(30)
    section.bottom_margin = Mm(25)
    section.left_margin = Mm(25)
    section.right_margin = Mm(25)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(12.5)


def add_page_number_footer(document) -> None:
    """Footer: '- N -' centred, N being Word's PAGE field."""
    footer = document.sections[0].footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = document.styles["VC Footer"]
    paragraph.add_run("- ")
    for inner in PAGE_FIELD_RUNS:
        paragraph._p.append(parse_xml(f"<w:r {nsdecls('w')}>{inner}</w:r>"))
    paragraph.add_run(" -")


def register_fonts(document) -> None:
    """List the fonts in fontTable.xml so Word and LibreOffice substitute sensibly."""
    part = document.part.part_related_by(RT.FONT_TABLE)
    table = parse_xml(part.blob)
    entries = {
        EAST_ASIAN_FONT: ("Yu Mincho", "80", "roman", "02020400000000000000"),
        LATIN_FONT: ("", "00", "roman", "02040604050505020304"),
    }
    for name, (alt, charset, family, panose) in entries.items():
        for old in table.findall(qn("w:font")):
            if old.get(qn("w:name")) == name:
                table.remove(old)
        alt_xml = f'<w:altName w:val="{alt}"/>' if alt else ""
        table.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}">{alt_xml}'
                f'<w:panose1 w:val="{panose}"/><w:charset w:val="{charset}"/>'
                f'<w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>'
            )
        )
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def drop_thumbnail(document) -> None:
    """Remove python-docx's stock preview picture, which would not show this document."""
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rel_id]


def clear_body(document) -> None:
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def clear_properties(document) -> None:
    props = document.core_properties
    props.author = ""
    props.last_modified_by = ""
    props.title = "情報セキュリティに関する特記事項（様式）"
    props.subject = ""
    props.comments = "vendorcheck が特記事項の作成に使う様式です。本文は入力しないでください。"
    props.keywords = ""
    props.revision = 1


def build(output: Path = OUTPUT) -> Path:
    document = Document()
    clear_body(document)
    set_doc_defaults(document)
    for name, spec in STYLES.items():
        add_style(document, name, spec)
    set_page(document)
    add_page_number_footer(document)
    register_fonts(document)
    drop_thumbnail(document)
    clear_properties(document)
    document.save(str(output))
    return output


if __name__ == "__main__":
    target = build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT)
    print(f"wrote {target}")
