"""Register entries made directly through the services, for tests that start from an account
in use (the journey test covers the application pages)."""

from __future__ import annotations

import datetime as dt
import itertools

from vendorcheck.domain import registers as reg
from vendorcheck.domain.jp import normalize
from vendorcheck.services import register_flags, register_people
from vendorcheck.services.audit import Actor
from vendorcheck.store.models import Department, RegisterEntry

_numbers = itertools.count(1)


def make_entry(
    *,
    entry_type: str = reg.SNS,
    department: str = "事務部局",
    responsible: str = "高橋 真理",
    status: str = reg.ACTIVE,
    **fields,
) -> RegisterEntry:
    number = next(_numbers)
    values = {
        "name": f"架空市公式アカウント{number}",
        "platform": "x" if entry_type == reg.SNS else "",
        "account_name": f"架空市公式{number}" if entry_type == reg.SNS else "",
        "classification_level": "1",
        "start_date": dt.date(2025, 4, 1),
        "next_review_on": dt.date(2027, 3, 31),
        "mfa_enabled": True,
        "platform_verified": True,
        **fields,
    }
    entry = RegisterEntry.create(
        entry_type=entry_type,
        status=status,
        department=Department.get(Department.name == department),
        name_normalized=normalize(values["name"]),
        **values,
    )
    register_flags.refresh([entry])  # as every save of an entry does
    register_people.add_assignment(
        Actor.system("test"),
        entry,
        register_people.PersonInput(reg.RESPONSIBLE, name=responsible, department_name=department),
        effective_from=values["start_date"],
        reason="試験",
    )
    return RegisterEntry.get_by_id(entry.id)
