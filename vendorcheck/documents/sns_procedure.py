"""Write an SNS 運用手順書 as a Word document on the base template's styles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from vendorcheck.documents import docx_helpers as dh
from vendorcheck.documents.annex import PARAGRAPH_STYLES
from vendorcheck.domain.jp import to_full_width_digits, wareki
from vendorcheck.domain.sns_procedure import ProcedureText


def build_procedure_docx(
    text: ProcedureText,
    organisation: str,
    issued_on: dt.date,
    template_path: Path | str | None = None,
) -> bytes:
    document = dh.open_template(template_path)
    styles = dh.paragraph_styles(document, dh.ANNEX_STYLES)
    dh.add_paragraph(document, text.title, styles[dh.TITLE])
    dh.add_paragraph(
        document, f"{wareki(issued_on, full_width=True)}　{organisation}", styles[dh.DATE]
    )
    dh.add_paragraph(document, "ソーシャルメディア運用方針", styles[dh.ARTICLE_HEADING])
    for paragraph in text.policy:
        dh.add_paragraph(document, paragraph.text, styles[PARAGRAPH_STYLES[paragraph.kind]])
    for number, (heading, paragraphs) in enumerate(text.sections, start=1):
        dh.add_paragraph(
            document,
            f"第{to_full_width_digits(str(number))}　{heading}",
            styles[dh.ARTICLE_HEADING],
        )
        for paragraph in paragraphs:
            dh.add_paragraph(document, paragraph.text, styles[PARAGRAPH_STYLES[paragraph.kind]])
    dh.set_core_properties(document, text.title, issued_on)
    document.core_properties.category = "SNS運用手順書"
    dh.scrub_package(document)
    return dh.to_bytes(document)
