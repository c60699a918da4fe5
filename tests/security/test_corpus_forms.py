"""The hostile corpus typed through every POST form the pages render, then checked inert.

The forms come from the pages of the URL map (tests/security/world.py fills their ids), so a
new form is covered by itself: each is read with html.parser (tests/security/forms.py), every
free-text field filled with a marker and a corpus string, and submitted through the test
client as an administrator (the portal and contract-link forms with their token). A field the
filler cannot fill fails the suite by name. What was stored is found by searching the database
for the markers; then every page and export is fetched again and checked inert the way
test_hostile_corpus.py checks it."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import docx
import pytest
from peewee import CharField, TextField

from tests.security import forms as f
from tests.security import world as w
from tests.security.test_hostile_corpus import (
    CORPUS,
    SKIPPED_ENDPOINTS,
    _export_problems,
    _html_problems,
)
from vendorcheck.store import models
from vendorcheck.store.models import BaseModel

# Forms not typed into: they end the session or take away what the later forms need.
UNTYPED_ACTIONS = re.compile(r"/logout$|/password$|/reset-password$|/revoke$|/remove$")
# Forms that close or decide something: typed last, so the forms they would lock are done.
LAST_ACTIONS = re.compile(
    r"/(submit|decide|complete|return|confirm|end|retire|status|link|reissue)(/\d+)?$"
)
# Forms whose POST the filler has not yet got past validation: the imports and check sheets
# want a real workbook or CSV (the corpus inside imported files is not typed here), the case
# edit refuses its kind once vendors are invited, the approver and contract forms refuse the
# filler's choices. Each is named:
# a new form that refuses every fill fails the suite until it is taught here or in forms.py.
KNOWN_REFUSED = {
    "/admin/organisation/approvers",
    "/assessments/<id>/checksheet",
    "/assessments/<id>/contract",
    "/cases/<id>/edit",
    "/ismap/import",
    "/p/<token>/answers/file",
    "/p/<token>/checksheet/",
    "/registers/import",
}
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


@pytest.fixture
def typed(app, client, runner, invite, login_as):
    world = w.build_world(runner, invite)
    login_as("admin")
    plain = w.plain_client(app, client)
    pages = _pages(app, world)
    seen_pages: set[str] = set()
    forms = _crawl(plain, list(pages), seen_pages, {})
    given: dict[str, str] = {}
    unknown, errors, refused, accepted = [], [], set(), set()
    done: set[tuple] = set()
    number = 0
    while pending := [form for key, form in forms.items() if key not in done]:
        form = min(pending, key=lambda form: bool(LAST_ACTIONS.search(form.action)))
        done.add(form.key)
        marker, number = f"vcx{number:03d}", number + 1
        for valid in (False, True, "last"):
            form = _fresh(plain, form)  # the revision and token as the page shows them now
            data, markers, missing = f.fill(form, marker, CORPUS, valid=valid)
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
                break
        else:
            refused.add(_shape(form.action))
        given |= {m: f"{form.action} {name}" for m, name in markers.items()}
    refused -= accepted  # refused for one row (a decided application), stored for another
    stored = _stored_markers()
    newly_refused = sorted(set(refused) - KNOWN_REFUSED)
    now_accepted = sorted(KNOWN_REFUSED - set(refused))
    errors += [f"{action}: now accepted, take it out of KNOWN_REFUSED" for action in now_accepted]
    errors += [
        f"{action}: every fill refused (teach tests/security/forms.py)" for action in newly_refused
    ]
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
