"""Shared python-docx helpers: open the base template, add styled paragraphs, clean metadata."""

from __future__ import annotations

import datetime as dt
import functools
import io
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph

from vendorcheck.domain.jp import clean_for_xml
from vendorcheck.shipped import BASE_DOCX, shipped_path

DEFAULT_TEMPLATE = shipped_path(BASE_DOCX)

# Paragraph styles defined in base.docx (contract_templates/make_base_docx.py).
TITLE = "VC Title"
DATE = "VC Date"
BODY = "VC Body"
ARTICLE_HEADING = "VC Article Heading"
ITEM = "VC Item"
SUB_ITEM = "VC Sub Item"
CLOSING = "VC Closing"
ANNEX_STYLES = (TITLE, DATE, BODY, ARTICLE_HEADING, ITEM, SUB_ITEM, CLOSING)

# Replaces docProps/app.xml, where Word records the company and manager of whoever saved
# the template last.
_NEUTRAL_APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>vendorcheck</Application><DocSecurity>0</DocSecurity></Properties>"
)
_ATTACHED_TEMPLATE = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
)


CORE_PROPERTY_LIMIT = 255  # python-docx refuses longer core-property values


class TemplateError(ValueError):
    """The Word template cannot be used (missing file or style)."""


@functools.lru_cache(maxsize=8)
def _template_bytes(path: str, modified: float) -> bytes:
    return Path(path).read_bytes()


def open_template(template_path: Path | str | None = None) -> DocxDocument:
    """Open a fresh copy of the base template with an empty body (its styles kept)."""
    path = Path(template_path) if template_path is not None else DEFAULT_TEMPLATE
    try:
        data = _template_bytes(str(path), path.stat().st_mtime)
    except OSError as error:
        raise TemplateError(f"Word の様式ファイルを開けません: {path}（{error}）") from error
    document = Document(io.BytesIO(data))
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return document


def paragraph_styles(document: DocxDocument, names: tuple[str, ...]) -> dict[str, ParagraphStyle]:
    """Look the named paragraph styles up once; a missing one is a template error."""
    found = {
        style.name: style
        for style in document.styles
        if style.type == WD_STYLE_TYPE.PARAGRAPH and style.name in names
    }
    missing = [name for name in names if name not in found]
    if missing:
        raise TemplateError(
            f"Word の様式ファイルに段落スタイル「{'」「'.join(missing)}」がありません"
        )
    return found


def clean_text(text: object) -> str:
    """Text safe for a Word paragraph: no XML-forbidden characters, no bidi overrides."""
    return clean_for_xml("" if text is None else str(text))


def add_paragraph(document: DocxDocument, text: str, style: ParagraphStyle) -> Paragraph:
    """Append a paragraph in a template style; no direct formatting is ever set.

    Works on the XML directly because python-docx resolves the style by walking every
    style of the template on each paragraph, which dominated the time of a whole annex.
    """
    p = document.element.body.add_p()
    p.style = style.style_id
    p.add_r().text = clean_text(text)
    return Paragraph(p, document._body)


def set_core_properties(document: DocxDocument, title: str, issued_on: dt.date) -> None:
    """Set the title and dates; blank every field that could name a person."""
    props = document.core_properties
    props.title = clean_text(title)[:CORE_PROPERTY_LIMIT]
    props.subject = ""
    props.author = ""
    props.last_modified_by = ""
    props.keywords = ""
    props.comments = ""
    props.category = "契約書特記事項"
    props.language = "ja-JP"
    props.revision = 1
    moment = dt.datetime.combine(issued_on, dt.time())
    props.created = moment
    props.modified = moment
    props.last_printed = moment


def scrub_package(document: DocxDocument) -> None:
    """Drop template metadata Word adds: company, custom properties, the template's file path."""
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.CUSTOM_PROPERTIES:
            del package.rels[rel_id]
        elif rel.reltype == RT.EXTENDED_PROPERTIES and not rel.is_external:
            rel.target_part._blob = _NEUTRAL_APP_XML
    settings_part = document.part.part_related_by(RT.SETTINGS)
    for element in settings_part.element.findall(qn("w:attachedTemplate")):
        settings_part.element.remove(element)
    rels = settings_part.rels
    for rel_id, rel in list(rels.items()):
        if rel.reltype == _ATTACHED_TEMPLATE:  # its target is a path such as C:\Users\name
            del rels[rel_id]


def to_bytes(document: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
