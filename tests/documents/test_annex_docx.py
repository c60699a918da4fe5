"""The Word annex, read back with python-docx."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st

from vendorcheck.documents import docx_helpers
from vendorcheck.documents.annex import build_annex_docx
from vendorcheck.domain.clauses import AnnexContext, load_clauses, render_annex, select_clauses
from vendorcheck.domain.contract_terms import TimeLimits
from vendorcheck.domain.jp import wareki
from vendorcheck.domain.requirements import CONTRACT_COVERAGE

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "contract_templates" / "base.docx"
CLAUSES = load_clauses(ROOT / "contract_templates" / "clauses")
VC_STYLES = set(docx_helpers.ANNEX_STYLES)
HEADING = re.compile(r"第([０-９]+)条（(.+)）")
START, END, ISSUED = dt.date(2025, 4, 1), dt.date(2026, 3, 31), dt.date(2025, 3, 14)


def make_annex(kind="outsourcing", tier=2, answers=None, **overrides):
    values = {
        "organisation_name": "阿蘇広域行政事務組合",
        "vendor_name": "株式会社阿蘇情報サービス",
        "case_title": "住民情報システム運用保守業務",
        "kind": kind,
        "tier": tier,
        "contract_start": START,
        "contract_end": END,
        "incident_report_hours": 24,
        "answers_display": {},
        "remediations": [("多要素認証を導入する", dt.date(2025, 9, 30))],
        "issued_on": ISSUED,
    }
    values.update(overrides)
    values["limits"] = TimeLimits(incident_report_hours=values.pop("incident_report_hours"))
    context = AnnexContext(**values)
    selected = select_clauses(
        CLAUSES, kind, tier, answers or {}, has_remediations=bool(context.remediations)
    )
    return render_annex(selected, context)


def read(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def all_text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


@pytest.mark.parametrize("tier", (1, 2, 3))
@pytest.mark.parametrize("kind", list(CONTRACT_COVERAGE))
def test_every_kind_and_tier_reads_back_numbered_and_covered(kind, tier):
    annex = make_annex(kind, tier)
    document = read(build_annex_docx(annex))
    headings = [p.text for p in document.paragraphs if p.style.name == "VC Article Heading"]
    numbers = [int(HEADING.fullmatch(h).group(1).translate(_HALF)) for h in headings]
    assert numbers == list(range(1, len(annex.articles) + 1))
    titles = [HEADING.fullmatch(h).group(2) for h in headings]
    by_title = {}
    for article in annex.articles:
        by_title.setdefault(article.title, set()).update(article.covers)
    covered = set().union(*(by_title[title] for title in titles))
    assert set(CONTRACT_COVERAGE[kind]) <= covered
    text = all_text(document)
    assert "{{" not in text and "{%" not in text and "}}" not in text


_HALF = str.maketrans("０１２３４５６７８９", "0123456789")


def test_document_order_title_preamble_articles_closing():
    document = read(build_annex_docx(make_annex()))
    paragraphs = document.paragraphs
    assert (paragraphs[0].style.name, paragraphs[0].text) == (
        "VC Title",
        "情報セキュリティに関する特記事項",
    )
    assert (paragraphs[1].style.name, paragraphs[1].text) == (
        "VC Date",
        wareki(ISSUED, full_width=True),
    )
    assert paragraphs[2].style.name == "VC Body"
    assert paragraphs[4].text == "第１条（定義）"
    assert (paragraphs[-1].style.name, paragraphs[-1].text) == ("VC Closing", "以上")


def test_names_and_wareki_dates_are_present():
    text = all_text(read(build_annex_docx(make_annex())))
    for expected in (
        "阿蘇広域行政事務組合",
        "株式会社阿蘇情報サービス",
        "住民情報システム運用保守業務",
        "令和７年４月１日",
        "令和８年３月３１日",
        "令和７年９月３０日",  # the remediation's due date
        "２４時間以内",
    ):
        assert expected in text


def test_items_and_sub_items_use_their_styles():
    document = read(build_annex_docx(make_annex(answers={"sub.uses_subcontractors": "yes"})))
    for paragraph in document.paragraphs:
        if re.match(r"[０-９]+\u3000", paragraph.text):
            assert paragraph.style.name == "VC Item", paragraph.text
        elif paragraph.text.startswith("("):
            assert paragraph.style.name == "VC Sub Item", paragraph.text


def test_only_template_styles_and_no_direct_formatting():
    data = build_annex_docx(make_annex("cloud", 3))
    document = read(data)
    assert {p.style.name for p in document.paragraphs} <= VC_STYLES
    body = document.element.body
    for p in body.iter(qn("w:p")):
        ppr = p.find(qn("w:pPr"))
        assert ppr is not None and [child.tag for child in ppr] == [qn("w:pStyle")]
        for run in p.iter(qn("w:r")):
            assert run.find(qn("w:rPr")) is None


def test_east_asian_fonts_are_set_in_the_styles():
    document = read(build_annex_docx(make_annex()))
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "游明朝"
    assert fonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would override it
    for name in VC_STYLES:
        fonts = document.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == "游明朝", name
        assert fonts.get(qn("w:ascii")) == "Century", name
        assert fonts.get(qn("w:asciiTheme")) is None, name


def test_page_is_a4_portrait_with_page_numbers_in_the_footer():
    document = read(build_annex_docx(make_annex()))
    section = document.sections[0]
    size = (round(section.page_width.mm), round(section.page_height.mm))
    margins = [round(m.mm) for m in (section.top_margin, section.bottom_margin)]
    margins += [round(m.mm) for m in (section.left_margin, section.right_margin)]
    assert size == (210, 297) and margins == [30, 25, 25, 25]
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("- ") and footer.text.endswith(" -")
    instructions = [t.text for t in footer._p.iter(qn("w:instrText"))]
    assert instructions == [" PAGE "]


def test_core_properties_name_the_annex_and_nobody():
    data = build_annex_docx(make_annex())
    props = read(data).core_properties
    assert props.title == "情報セキュリティに関する特記事項（住民情報システム運用保守業務）"
    assert props.author == "" and props.last_modified_by == ""
    assert props.created.date() == ISSUED
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        app = archive.read("docProps/app.xml").decode("utf-8")
        settings = archive.read("word/settings.xml").decode("utf-8")
    assert "Company" not in app and "Manager" not in app
    assert "attachedTemplate" not in settings


def test_metadata_word_adds_to_an_edited_template_is_removed(tmp_path):
    edited = tmp_path / "edited.docx"
    with zipfile.ZipFile(TEMPLATE) as source, zipfile.ZipFile(edited, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "docProps/app.xml":
                data = data.replace(b"</Properties>", b"<Company>SecretCo</Company></Properties>")
            elif item.filename == "word/settings.xml":
                data = data.replace(b"<w:zoom ", b'<w:attachedTemplate r:id="rIdTpl"/><w:zoom ', 1)
            elif item.filename == "word/_rels/settings.xml.rels":
                continue
            target.writestr(item, data)
        target.writestr(
            "word/_rels/settings.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rIdTpl" TargetMode="External" Target="file:///C:/Users/tanaka/'
            'Normal.dotm" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/attachedTemplate"/></Relationships>',
        )
    with zipfile.ZipFile(edited) as archive:
        assert b"tanaka" in archive.read("word/_rels/settings.xml.rels")
    data = build_annex_docx(make_annex(), template_path=edited)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"SecretCo" not in everything and b"tanaka" not in everything


HOSTILE = {
    "control": "株式会社\x00制御\x01\x08\x0b\x0c\x1f文字\ufffe",
    "long": "長" * 100_000,
    "emoji": "絵文字😀🏯👩‍💻株式会社",
    "rtl": "右から\u200f左\u202eevil\u202c\u2067x\u2069",
    "html": '<script>alert("x")</script>&amp;<b>',
    "braces": "{{ 委託者 }}{% for x in y %}",
    "lines": "一行目\n２　偽の項\r\n(1)　偽の号\u2028三行目",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_vendor_text_is_kept_or_cleaned_never_a_crash(name):
    text = HOSTILE[name]
    annex = make_annex(
        "cloud",
        3,
        answers={"legal.governing_law": "other", "exit.deletion_certificate": "no"},
        vendor_name=text,
        case_title=text,
        answers_display={"legal.governing_law": text, "exit.deletion_certificate": text},
        remediations=[(text, None)],
    )
    document = read(build_annex_docx(annex))
    body = all_text(document)
    assert document.core_properties.title.startswith("情報セキュリティに関する特記事項")
    if name == "control":
        assert "株式会社制御文字" in body and "\x00" not in body and "\x01" not in body
    elif name == "long":
        assert "長" * 100_000 in body
    elif name == "emoji":
        assert "絵文字😀🏯👩‍💻株式会社" in body
    elif name == "rtl":
        assert "右から\u200f左evilx" in body and "\u202e" not in body
    elif name == "html":
        assert '<script>alert("x")</script>&amp;<b>' in body
    elif name == "braces":
        assert "{{ 委託者 }}{% for x in y %}" in body  # printed as typed, never evaluated
    elif name == "lines":
        assert "一行目 ２　偽の項 (1)　偽の号 三行目" in body
        assert not any(p.text.startswith("２　偽の項") for p in document.paragraphs)


@settings(max_examples=40, deadline=None)
@given(typed=st.text(max_size=200))
def test_any_typed_text_gives_a_readable_document(typed):
    annex = make_annex(
        "cloud",
        2,
        answers={"legal.jurisdiction": "other"},
        vendor_name=typed,
        case_title=typed,
        answers_display={"legal.jurisdiction": typed},
        remediations=[(typed, None)],
    )
    document = read(build_annex_docx(annex))
    headings = [p for p in document.paragraphs if p.style.name == "VC Article Heading"]
    assert len(headings) == len(annex.articles)


def test_party_terms_kou_otsu_throughout():
    annex = make_annex("system", 3, party_terms=("甲", "乙"))
    text = all_text(read(build_annex_docx(annex)))
    assert "（以下「甲」という。）" in text and "（以下「乙」という。）" in text
    assert "委託者" not in text and "受託者" not in text


def test_a_copy_of_the_template_can_be_passed(tmp_path):
    copy = tmp_path / "様式.docx"
    shutil.copy(TEMPLATE, copy)
    document = read(build_annex_docx(make_annex(), template_path=copy))
    assert document.paragraphs[0].text == "情報セキュリティに関する特記事項"


def test_template_text_is_not_carried_into_the_annex(tmp_path):
    template = docx.Document(str(TEMPLATE))
    template.add_paragraph("様式の説明文（本文ではない）")
    path = tmp_path / "edited.docx"
    template.save(str(path))
    assert "様式の説明文" not in all_text(read(build_annex_docx(make_annex(), path)))


def test_a_template_without_the_styles_is_refused(tmp_path):
    path = tmp_path / "plain.docx"
    docx.Document().save(str(path))
    with pytest.raises(docx_helpers.TemplateError, match="VC Title"):
        build_annex_docx(make_annex(), template_path=path)


def test_a_missing_template_is_refused(tmp_path):
    with pytest.raises(docx_helpers.TemplateError, match="開けません"):
        build_annex_docx(make_annex(), template_path=tmp_path / "none.docx")


def test_committed_base_docx_matches_its_build_script(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "make_base_docx", ROOT / "contract_templates" / "make_base_docx.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fresh = read(module.build(tmp_path / "base.docx").read_bytes())
    committed = docx.Document(str(TEMPLATE))
    for name in VC_STYLES | {"VC Footer"}:
        assert fresh.styles[name].element.xml == committed.styles[name].element.xml, name
