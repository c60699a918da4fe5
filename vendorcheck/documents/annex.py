"""Write the annex 情報セキュリティに関する特記事項 as a Word document."""

from __future__ import annotations

from pathlib import Path

from vendorcheck.documents import docx_helpers as dh
from vendorcheck.domain.clauses import Annex

PARAGRAPH_STYLES = {"item": dh.ITEM, "sub": dh.SUB_ITEM, "text": dh.BODY}


def build_annex_docx(annex: Annex, template_path: Path | str | None = None) -> bytes:
    """Return the .docx bytes of an annex, every paragraph in a style of the template."""
    document = dh.open_template(template_path)
    styles = dh.paragraph_styles(document, dh.ANNEX_STYLES)
    title = f"（案）{annex.title}" if annex.draft else annex.title
    dh.add_paragraph(document, title, styles[dh.TITLE])
    if annex.date_line:
        dh.add_paragraph(document, annex.date_line, styles[dh.DATE])
    for line in annex.preamble:
        dh.add_paragraph(document, line, styles[dh.BODY])
    for article in annex.articles:
        dh.add_paragraph(document, article.heading, styles[dh.ARTICLE_HEADING])
        for paragraph in article.paragraphs:
            dh.add_paragraph(document, paragraph.text, styles[PARAGRAPH_STYLES[paragraph.kind]])
    dh.add_paragraph(document, annex.closing, styles[dh.CLOSING])
    dh.set_core_properties(document, annex.document_title, annex.issued_on)
    dh.scrub_package(document)
    return dh.to_bytes(document)
