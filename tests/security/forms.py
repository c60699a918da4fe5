"""The POST forms a page renders, read with html.parser, and filled with the hostile corpus.

`post_forms(html)` returns every ``<form method=post>`` with its fields; `fill(form, marker,
corpus)` gives each free-text field (text, textarea, search, url, email, tel) a value that
starts with a marker naming the form and the field, then a corpus string (cut to maxlength);
`fill(..., valid=True)` gives fields that validation would refuse (emails, URLs, dates,
numbers) a valid-looking value that still carries the marker where the kind allows. Selects
and radios get their first real option, checkboxes are ticked, hidden fields (the CSRF token)
kept. A field the filler does not know is returned by name, so a new kind of field fails."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

TINY_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
FREE_TEXT = {"text", "search", "url", "email", "tel", "textarea"}
KEPT = {"hidden", "submit", "button", "reset", "image"}
MARKER = re.compile(r"vcx\d{3}f\d{2}x")


@dataclass
class Field:
    name: str
    kind: str  # input type, "textarea" or "select"
    value: str = ""
    maxlength: int | None = None
    options: list[str] = field(default_factory=list)
    checked: bool = False
    required: bool = False
    selected: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    page: str
    fields: list[Field] = field(default_factory=list)
    enctype: str = ""

    @property
    def key(self) -> tuple[str, tuple[str, ...]]:
        return self.action, tuple(sorted({f.name for f in self.fields}))


class _FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = Form(
                    a.get("action") or self.page, self.page, enctype=a.get("enctype", "")
                )
                self.forms.append(self._form)
            return
        form = self._form
        if form is None or not a.get("name") or "disabled" in a:
            if tag == "option" and self._select is not None and "disabled" not in a:
                self._select.options.append(a.get("value", ""))
                if "selected" in a:
                    self._select.selected.append(a.get("value", ""))
            return
        maxlength = int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None
        required = "required" in a
        if tag == "input":
            kind = a.get("type", "text").lower()
            form.fields.append(
                Field(
                    a["name"],
                    kind,
                    a.get("value", ""),
                    maxlength,
                    checked="checked" in a,
                    required=required,
                )
            )
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea", "", maxlength, required=required)
            form.fields.append(self._textarea)
        elif tag == "select":
            self._select = Field(a["name"], "select", required=required)
            form.fields.append(self._select)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def post_forms(html: str, page: str) -> list[Form]:
    parser = _FormParser(page)
    parser.feed(html)
    return parser.forms


def _valid_looking(item: Field, marker: str) -> str | None:
    """A value validation accepts for a field whose kind or name asks for a shape."""
    name = item.name.lower()
    if "extra_levels" in name:
        return ""  # optional lines of its own syntax (区分=段階)
    if item.kind == "email" or "email" in name or "mail" in name:
        return f"{marker}@example.jp"
    if item.kind == "url" or "url" in name or "website" in name:
        return f"https://example.jp/{marker}?q=%3Cscript%3E"
    dates = ("_on", "date", "_at", "_from", "_until", "expiry", "deadline", "_start", "_end")
    if item.kind == "date" or any(hint in name for hint in dates):
        return "2027-03-31"
    numeric = ("amount", "count", "days", "year", "months", "records", "hours")
    if item.kind == "number" or name.endswith(numeric):
        return "1"
    if "corporate_number" in name:  # staff forms: optional, and one number names one vendor
        return "7000012050002" if name.startswith("q__") else ""
    if "ismap" in name and "number" in name:
        return "C21-0008-2"
    if item.kind == "tel" or "phone" in name or name == "tel":
        return "03-1234-5678"
    if "login_id" in name:
        return marker
    return None


def fill(
    form: Form,
    marker: str,
    corpus: tuple[str, ...],
    valid: bool | str = False,
    files: dict[str, tuple[bytes, str]] | None = None,
    left_out: set[str] = frozenset(),
):
    """(form data as a dict of lists, the markers given, the fields that could not be filled).

    `files` are the real files a field takes (tests/security/corpus_files.py), given in every
    round; `left_out` names fields not sent (a trial-run box)."""
    files = files or {}
    data: dict[str, list[str]] = {}
    markers: dict[str, str] = {}
    unknown: list[str] = []
    radios_done: set[str] = set()
    for number, item in enumerate(form.fields):
        own = f"{marker}f{number:02d}x"
        if item.name in left_out:
            continue
        if item.kind in KEPT:
            if item.kind == "hidden":
                data.setdefault(item.name, []).append(item.value)
            continue
        if item.kind in FREE_TEXT:
            value = _valid_looking(item, own) if valid else None
            held = item.value and not MARKER.search(item.value)  # not typed by this suite
            if value and held and not MARKER.search(value):
                value = item.value  # a shaped value the page already holds (法人番号, dates)
            if value is None:  # formula-leading strings lead, so exports must neutralise them
                typed = corpus[number % len(corpus)]
                value = typed + own if typed.startswith(("=", "+", "-", "@")) else own + typed
            if item.maxlength is not None and len(value) > item.maxlength:
                value = (own + value.replace(own, ""))[: item.maxlength]
            if MARKER.search(value):
                markers[own] = item.name
            data.setdefault(item.name, []).append(value)
        elif item.kind in ("date", "number", "month", "datetime-local", "time"):
            value = _valid_looking(item, own) or ""
            value = {"month": "2027-03", "time": "10:00"}.get(item.kind, value)
            if item.kind == "datetime-local":
                value = "2025-04-01T10:00"  # a moment past: when something was found
            data.setdefault(item.name, []).append(item.value or value)
        elif item.kind == "select":
            real = [o for o in item.options if o not in ("", "0")]
            chosen = [o for o in item.selected if o not in ("", "0")]  # not the placeholder
            options = chosen if valid and chosen else real or item.options
            if valid == "last":
                options = real[-1:] or options
            if not options:
                if item.required:
                    unknown.append(f"{form.action} {item.name} (select without options)")
                continue
            data.setdefault(item.name, []).append(options[0])
        elif item.kind == "radio":
            if item.name not in radios_done:
                radios_done.add(item.name)
                data.setdefault(item.name, []).append(item.value)
        elif item.kind == "checkbox":
            if not valid or item.name not in data:  # valid: one box (not an exclusive pair)
                data.setdefault(item.name, []).append(item.value or "on")
        elif item.kind == "password":
            data.setdefault(item.name, []).append("")
        elif item.kind == "file":
            if item.name in files:  # a real file of the kind the form imports
                content, filename = files[item.name]
                data.setdefault(item.name, []).append((io.BytesIO(content), filename))
            elif valid:  # a real small PDF whose name carries the marker
                data.setdefault(item.name, []).append((io.BytesIO(TINY_PDF), f"{own}.pdf"))
                markers[own] = item.name
        else:
            unknown.append(f"{form.action} {item.name} ({item.kind})")
    return data, markers, unknown
