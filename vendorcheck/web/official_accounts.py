"""The public list of the organisation's official SNS accounts (なりすまし対策): a page, JSON and
CSV, without login, showing nothing but the public columns, cacheable by browsers and proxies."""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, Response, current_app, render_template, request

from vendorcheck.documents.csv_export import to_csv_bytes
from vendorcheck.services.errors import NotFound
from vendorcheck.services.official_accounts import PUBLIC_HEADINGS, official_accounts
from vendorcheck.services.organisation import get_organisation

bp = Blueprint("official_accounts", __name__)

CACHE_SECONDS = 300


def _public(response: Response) -> Response:
    """Cacheable for a few minutes, revalidated by ETag; no cookie is read or set."""
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response.add_etag()
    response.vary.discard("Cookie")
    return response.make_conditional(request)


def _enabled() -> None:
    if not current_app.config["OFFICIAL_ACCOUNTS_PUBLIC"]:
        raise NotFound("公式アカウントの一覧は公開していません。")


@bp.route("/official-accounts")
def page():
    _enabled()
    response = Response(
        render_template(
            "official_accounts/index.html",
            accounts=official_accounts(),
            organisation=get_organisation().name,
            headings=PUBLIC_HEADINGS,
        ),
        mimetype="text/html",
    )
    return _public(response)


@bp.route("/official-accounts.json")
def as_json():
    _enabled()
    body = json.dumps(
        {
            "organisation": get_organisation().name,
            "accounts": [vars(account) for account in official_accounts()],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    response = Response(body, mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"  # the website may fetch it to embed
    return _public(response)


@bp.route("/official-accounts.csv")
def as_csv():
    _enabled()
    data = to_csv_bytes(PUBLIC_HEADINGS, (a.as_row() for a in official_accounts()))
    response = Response(data, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="official-accounts.csv"'
    response.headers["ETag"] = hashlib.sha256(data).hexdigest()[:32]
    return _public(response)
