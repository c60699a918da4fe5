"""Checks applied to every HTML page the tests fetch (STYLE.md: notifications-admin habit)."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

_UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}

# Raw ids that people must never read on a staff page (issue 16: names, not ids).
# A question id is "section.question" in lower case with underscores (cert.ismap_number); the
# lookarounds keep out mail addresses, host names, paths and file names (vendor@example.jp,
# vendorcheck.test, 規程.pdf).
QUESTION_ID = re.compile(
    r"(?<![\w@./:-])[a-z][a-z0-9]*(?:_[a-z0-9]+)*\.[a-z][a-z0-9]*(?:_[a-z0-9]+)*(?![\w@./:-])"
)
_NOT_QUESTION_SUFFIXES = {
    "jp",
    "com",
    "net",
    "org",
    "test",
    "example",
    "local",
    "lg",
    "go",
    "pdf",
    "docx",
    "xlsx",
    "xls",
    "csv",
    "txt",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "html",
    "toml",
    "py",
    "svg",
    "zip",
    "json",
}
# A requirement id from REQUIREMENTS.md: OUT-12, CLD-04, AUD-01, SNS-03, CLS-02, CLL-01.
REQUIREMENT_ID = re.compile(r"(?<![\w-])(?:OUT|CLD|CLL|CLS|SNS|AUD)-\d{2}(?![\w-])")
# Text the reader does not see as page text, or typed by a user, is not checked; an element may
# also say that it shows an id on purpose (the questionnaire preview for editors of the files).
_UNCHECKED_TEXT = {"script", "style", "textarea", "title"}
RAW_ID_ALLOWED = "data-raw-id"


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.html_lang: str | None = None
        self.ids: list[str] = []
        self.h1_texts: list[str] = []
        self.title = ""
        self.label_for: set[str] = set()
        self.controls: list[dict[str, str]] = []
        self.forms: list[dict] = []
        self._stack: list[str] = []
        self._in_title = False
        self._h1_depth = 0
        self._label_depth = 0
        self._form: dict | None = None
        self.staff_page = False
        self.raw_ids: list[str] = []
        self._unchecked: list[str] = []  # open elements whose text is not checked for ids

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "nav" and "site-nav" in a.get("class", ""):
            self.staff_page = True
        if tag in _UNCHECKED_TEXT or RAW_ID_ALLOWED in a:
            self._unchecked.append(tag)
        if tag == "html":
            self.html_lang = a.get("lang")
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "title":
            self._in_title = True
        elif tag == "h1":
            self._h1_depth += 1
            self.h1_texts.append("")
        elif tag == "label":
            self._label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        elif tag == "form":
            self._form = {"attrs": a, "has_csrf": False}
            self.forms.append(self._form)
        elif tag in {"input", "select", "textarea"}:
            if self._form is not None and a.get("name") == "csrf_token":
                self._form["has_csrf"] = True
            if tag != "input" or a.get("type", "text") not in _UNLABELLED_TYPES:
                self.controls.append(
                    {**a, "_tag": tag, "_wrapped": "1" if self._label_depth else ""}
                )

    def handle_endtag(self, tag: str) -> None:
        if self._unchecked and self._unchecked[-1] == tag:
            self._unchecked.pop()
        if tag == "title":
            self._in_title = False
        elif tag == "h1" and self._h1_depth:
            self._h1_depth -= 1
        elif tag == "label" and self._label_depth:
            self._label_depth -= 1
        elif tag == "form":
            self._form = None

    def handle_data(self, data: str) -> None:
        if not self._unchecked:
            self.raw_ids.extend(raw_ids(data))
        if self._in_title:
            self.title += data
        if self._h1_depth:
            self.h1_texts[-1] += data


def raw_ids(text: str) -> list[str]:
    """Question and requirement ids written in a piece of page text."""
    found = [
        m.group(0)
        for m in QUESTION_ID.finditer(text)
        if m.group(0).rsplit(".", 1)[1] not in _NOT_QUESTION_SUFFIXES
    ]
    return found + REQUIREMENT_ID.findall(text)


def _squash(text: str) -> str:
    return " ".join(text.split())


def page_problems(html: str) -> list[str]:
    """Return what is wrong with a page; an empty list when it passes."""
    parser = _PageParser()
    parser.feed(html)
    problems = []
    if parser.html_lang != "ja":
        problems.append(f'<html lang="ja"> expected, got lang={parser.html_lang!r}')
    if len(parser.h1_texts) != 1:
        problems.append(f"exactly one <h1> expected, found {len(parser.h1_texts)}")
    elif not _squash(parser.title).startswith(_squash(parser.h1_texts[0])):
        problems.append(f"<title> {parser.title!r} does not start with <h1> {parser.h1_texts[0]!r}")
    duplicates = [i for i, n in Counter(parser.ids).items() if n > 1]
    if duplicates:
        problems.append(f"duplicate ids: {duplicates}")
    for control in parser.controls:
        labelled = (
            control.get("id") in parser.label_for
            or control.get("aria-label")
            or control.get("aria-labelledby")
            or control["_wrapped"]
        )
        if not labelled:
            problems.append(f"<{control['_tag']} name={control.get('name')!r}> has no label")
    if parser.staff_page and parser.raw_ids:
        shown = sorted(set(parser.raw_ids))[:8]
        problems.append(f"raw question or requirement ids shown to staff: {shown}")
    for form in parser.forms:
        attrs = form["attrs"]
        if "action" not in attrs:
            problems.append(f"a form has no action attribute: {attrs}")
        if attrs.get("method", "get").lower() == "post" and not form["has_csrf"]:
            problems.append(f"POST form without csrf_token: action={attrs.get('action')!r}")
    return problems
