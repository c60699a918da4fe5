"""Build a contract the way staff would: an accepted assessment, a stored annex, a contract."""

from __future__ import annotations

import datetime as dt

from tests.web.test_annexes import make_assessment
from vendorcheck.domain import assessment_status
from vendorcheck.services import annexes as annex_service
from vendorcheck.services import clause_library as clause_service
from vendorcheck.services import contract_links, contracts, review
from vendorcheck.services.audit import Actor
from vendorcheck.store.models import Contract

SYSTEM = Actor.system("test")
LINKS = contract_links.ContractLinkSettings("http://vendorcheck.test")
START, END = dt.date(2026, 4, 1), dt.date(2027, 3, 31)


def make_contract(
    app,
    kind: str = "outsourcing",
    *,
    number: str = "R8-契-001",
    starts_on: dt.date = START,
    ends_on: dt.date = END,
    frequency: str = "quarterly",
    vendor_name: str = "株式会社阿蘇情報サービス",
) -> tuple[Contract, str]:
    """A contract in 履行中 and the vendor's contract link URL."""
    assessment = make_assessment(app, kind, vendor_name=vendor_name)
    assessment = review.decide(
        SYSTEM, assessment, assessment_status.ACCEPTED, "試験のため承認", confirm_pending=True
    )
    clauses = clause_service.clause_library(app.config)
    annex = annex_service.generate(
        SYSTEM, assessment, clauses=clauses, positions=clause_service.clause_positions(app.config)
    )
    contract, link = contracts.create_contract(
        SYSTEM,
        assessment,
        contracts.ContractInput(
            annex_version=annex.version,
            number=number,
            title=f"{kind} の業務委託契約",
            starts_on=starts_on,
            ends_on=ends_on,
            responsible_person="阿蘇 太郎",
            contact_email="report@example.jp",
            report_frequency=frequency,
            report_due_days=10,
        ),
        clauses=clauses,
        links=LINKS,
    )
    return contract, link.url


def token_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]
