"""The hostile corpus typed through every POST form the pages render, then checked inert.

The forms come from the pages of the URL map (tests/security/world.py fills their ids), so a
new form is covered by itself: each is read with html.parser (tests/security/forms.py), every
free-text field filled with a marker and a corpus string, and submitted through the test
client as an administrator (the portal and contract-link forms with their token). A field the
filler cannot fill fails the suite by name. What was stored is found by searching the database
for the markers; then every page and export is fetched again and checked inert the way
test_hostile_corpus.py checks it. The import and upload forms take real files with the corpus
in their cells (tests/security/corpus_files.py), each imported cell is looked for in the
database right after its import, and a form that refuses every fill fails with its messages."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import docx
import pytest
from peewee import CharField, TextField

from tests.security import corpus_files
from tests.security import forms as f
from tests.security import world as w
from tests.security.test_hostile_corpus import (
    CORPUS,
    SKIPPED_ENDPOINTS,
    _export_problems,
    _html_problems,
)
from vendorcheck.store import models
from vendorcheck.store.models import BaseModel, Case, GeneratedAnnex

# Forms not typed into: they end the session or take away what the later forms need.
UNTYPED_ACTIONS = re.compile(r"/logout$|/password$|/reset-password$|/revoke$|/remove$")
# Forms that close or decide something: typed last, so the forms they would lock are done.
LAST_ACTIONS = re.compile(
    r"/(submit|decide|complete|return|confirm|end|retire|status|link|reissue)(/\d+)?$"
)
SECTION_LINK = re.compile(r"^/(p/[^/]+|applications/\d+)/s/[^/?#]+$")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") or ""
        if tag == "a" and SECTION_LINK.match(href):
            self.links.append(href)


def _pages(app, world) -> list[str]:
    pages, unfilled = [], []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        if rule.endpoint == "static":
            continue
        filled = w.values(rule, world)
        if w.unfilled(rule, filled):
            unfilled.append(w.unfilled(rule, filled))
            continue
        pages.append(w.url(rule, filled))
    assert unfilled == [], f"add these parameters to tests/security/world.py: {unfilled}"
    return pages


def _extra_pages(world, invite) -> list[str]:
    """Pages whose forms the URL map's rows cannot accept: the contract form of an assessment
    with a saved 特記事項 (the invited one has none), and the answer-file form of a second
    invitation (an answer file fills only an empty draft; the first one is typed into)."""
    annexed = GeneratedAnnex.select(GeneratedAnnex.assessment).order_by(GeneratedAnnex.id).first()
    path, second = invite("cloud", vendor_name="回答ファイルの事業者")
    world.assessment_tokens[second.id] = path.strip("/").split("/")[1]
    return [f"/assessments/{annexed.assessment_id}/contract", f"{path.rstrip('/')}/answers/file"]


def _docx_texts(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    return texts + [c.text for t in document.tables for r in t.rows for c in r.cells]


def _shape(action: str) -> str:
    action = re.sub(r"^/(p|c)/[^/]+", r"/\1/<token>", action)
    return re.sub(r"/\d+", "/<id>", action)


def _fresh(client, form: f.Form) -> f.Form:
    response = client.get(form.page)
    if response.status_code == 200:
        for again in f.post_forms(response.get_data(True), form.page):
            if again.key == form.key:
                return again
    return form


def _stored_markers() -> set[str]:
    found: set[str] = set()
    for model in vars(models).values():
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or model is BaseModel:
            continue
        if not model._meta.database.table_exists(model._meta.table_name):
            continue  # an abstract base
        columns = [c for c in model._meta.sorted_fields if isinstance(c, (CharField, TextField))]
        for column in columns:
            for (value,) in model.select(column).where(column.contains("vcx")).tuples():
                found |= set(f.MARKER.findall(value or ""))
    return found


def _crawl(client, queue: list[str], seen_pages: set[str], forms: dict) -> dict:
    """The POST forms of the pages queued and of the section pages they link to."""
    while queue:
        page = queue.pop(0)
        if page in seen_pages:
            continue
        seen_pages.add(page)
        response = client.get(page)
        if response.mimetype != "text/html" or response.status_code != 200:
            continue
        body = response.get_data(True)
        links = _Links()
        links.feed(body)
        queue += [link for link in links.links if link not in seen_pages]
        for form in f.post_forms(body, page):
            if not UNTYPED_ACTIONS.search(form.action):
                forms.setdefault(form.key, form)
    return forms


def _turn(form: f.Form) -> int:
    """Typed forms first, then the imports that overwrite them, then what closes something."""
    if LAST_ACTIONS.search(form.action):
        return 2
    return 1 if corpus_files.TYPED_AFTER.search(form.action) else 0


def _reason(response) -> str:
    """The error messages of a refused form's page, for the failure message."""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(True)))
    return f"{response.status_code} " + " / ".join(re.findall(r"エラー: ([^ ]{1,120})", text))


def _confirm(client, form: f.Form, body: str, accepted: set, refused: set) -> list[str]:
    """Post the confirmation forms a preview shows (a チェックシート's 保存): 5xx are errors."""
    errors = []
    for again in f.post_forms(body, form.page):
        if not again.action.endswith("/confirm"):
            continue
        data, _markers, _missing = f.fill(again, "vcx999", CORPUS, valid=True)
        response = client.post(again.action, data=data)
        if response.status_code >= 500:
            errors.append(f"{again.action} ({form.action}): {response.status_code}")
        shape = _shape(again.action)
        (accepted if response.status_code in (302, 303) else refused).add(shape)
    return errors


@pytest.fixture
def typed(app, client, runner, invite, login_as):
    world = w.build_world(runner, invite)
    # The invitation helper makes a cloud case of tier 1, which the case form rightly refuses
    # to save as it stands (a cloud case handles 機密性2以上, and its kind is fixed once invited).
    Case.update(classification_level="2", tier=2).where(
        Case.id == world.assessment.case_id
    ).execute()
    login_as("admin")
    plain = w.plain_client(app, client)
    pages = _pages(app, world) + _extra_pages(world, invite)
    seen_pages: set[str] = set()
    forms = _crawl(plain, list(pages), seen_pages, {})
    given: dict[str, str] = {}
    unknown, errors, refused, accepted = [], [], set(), set()
    imported = 0  # the cells of imported files found stored
    reasons: dict[str, str] = {}
    done: set[tuple] = set()
    number = 0
    while pending := [form for key, form in forms.items() if key not in done]:
        form = min(pending, key=_turn)
        done.add(form.key)
        marker, number = f"vcx{number:03d}", number + 1
        made = corpus_files.prepared(plain, form, marker, CORPUS, world.assessment_tokens)
        if made is not None:
            given |= made.markers | made.names
        for valid in (False, True, "last"):
            form = _fresh(plain, form)  # the revision and token as the page shows them now
            data, markers, missing = f.fill(
                form,
                marker,
                CORPUS,
                valid=valid,
                files=made.files if made else None,
                left_out=made.left_out if made else frozenset(),
            )
            unknown += missing if not valid else []
            response = plain.post(form.action, data=data)
            if response.status_code >= 500:
                errors.append(f"{form.action} ({form.page}): {response.status_code}")
            shown = response.status_code == 200 and "error-summary" not in response.get_data(True)
            if response.status_code in (302, 303) or shown:  # shown: a page of the result
                accepted.add(_shape(form.action))
                if (
                    form.page in pages and not shown
                ):  # what the form made (a new application): its forms too
                    location = urlsplit(response.headers["Location"]).path
                    forms = _crawl(plain, [location], seen_pages, forms)
                if shown:  # a preview: its confirmation is posted as it stands
                    errors += _confirm(plain, form, response.get_data(True), accepted, refused)
                if made is not None:  # every imported cell stored (later forms may change it)
                    lost = sorted(set(made.markers) - _stored_markers())
                    errors += [f"imported but not stored: {given[m]}" for m in lost]
                    imported += len(made.markers) - len(lost)
                break
        else:
            refused.add(_shape(form.action))
            reasons[_shape(form.action)] = _reason(response)
        given |= {m: f"{form.action} {name}" for m, name in markers.items()}
    refused -= accepted  # refused for one row (a decided application), stored for another
    stored = _stored_markers()
    errors += [
        f"{action}: every fill refused (teach tests/security/forms.py or corpus_files.py): "
        f"{reasons.get(action, '')}"
        for action in sorted(refused)
    ]
    assert imported > 100, f"only {imported} imported cells stored"
    return world, plain, pages + sorted(seen_pages - set(pages)), given, stored, unknown, errors


def test_every_form_takes_the_corpus_and_every_page_and_export_stays_inert(typed):
    world, client, pages, given, stored, unknown, errors = typed
    assert unknown == [], f"teach tests/security/forms.py these fields: {unknown}"
    assert errors == [], "\n".join(errors)
    stored_fields = sorted({given[m] for m in stored if m in given})
    assert len(stored_fields) > 50, stored_fields
    stored_forms = {field.split(" ")[0] for field in stored_fields}
    for portal in (world.token, world.contract_token):  # vendor-typed, through the portals
        assert any(action.startswith(("/p/" + portal, "/c/" + portal)) for action in stored_forms)
    problems, seen, exports, words = [], 0, 0, ""
    for page in pages:
        for target in (page, f"{page}?format=xlsx"):
            response = client.get(target)
            assert response.status_code < 500, f"{target}: {response.status_code}"
            seen += 1
            if response.mimetype == "text/html":
                problems += [f"{target}: {p}" for p in _html_problems(response.get_data(True))]
            else:
                problems += [f"{target}: {p}" for p in _export_problems(response)]
                if response.mimetype.endswith("wordprocessingml.document"):
                    words += "\n".join(_docx_texts(response.data))
                exports += response.mimetype != "image/svg+xml"
    assert problems == [], "\n".join(problems)
    assert seen > 150 and exports >= 8
    typed_in_word = [m for m in stored if m in words]  # Word keeps the corpus as literal text
    assert typed_in_word, "no typed value reached a Word export"
    assert '"><img src=x onerror=alert(2)>' in words or '<script>alert("vc1")</script>' in words
