"""The department rule for cases and what hangs off them (assessments, reviews, scorecards,
comparisons, annexes) and for contracts and their period (reports, incidents, inspections,
corrective requests, the end): find the department that owns a case, an assessment or a
contract, and check a reader against it. Register entries and applications check the same rule in their services."""

from __future__ import annotations

from collections.abc import Mapping

from vendorcheck.domain.access import REFUSED_CHANGE, REFUSED_READ, Reader
from vendorcheck.services.errors import Forbidden
from vendorcheck.store.models import Assessment, Case, Contract, Department

_UNKNOWN = object()


def owning_department(view_args: Mapping[str, object]) -> object:
    """The department id owning the case, assessment or contract named in a URL, or _UNKNOWN."""
    if isinstance(view_args.get("assessment_id"), int):
        row = (
            Assessment.select(Case.department)
            .join(Case)
            .where(Assessment.id == view_args["assessment_id"])
            .tuples()
            .first()
        )
        return row[0] if row else _UNKNOWN
    if isinstance(view_args.get("case_id"), int):
        row = Case.select(Case.department).where(Case.id == view_args["case_id"]).tuples().first()
        return row[0] if row else _UNKNOWN
    if isinstance(view_args.get("contract_id"), int):
        row = (
            Contract.select(Contract.department)
            .where(Contract.id == view_args["contract_id"])
            .tuples()
            .first()
        )
        return row[0] if row else _UNKNOWN
    return _UNKNOWN


def check(reader: Reader, view_args: Mapping[str, object], *, change: bool) -> None:
    """Raise Forbidden when the reader may not read (or change) what the URL names."""
    department = owning_department(view_args)
    if department is _UNKNOWN:
        return  # no such object (the view answers 404) or nothing department-owned
    department_id = department if isinstance(department, int) else None
    if change and not reader.may_change(department_id):
        raise Forbidden(REFUSED_CHANGE)
    if not reader.may_read(department_id):
        raise Forbidden(REFUSED_READ)


def check_department(reader: Reader, department_id: int | None) -> None:
    """For a case being created or moved to a department: may the reader change it there?
    An unknown or closed department is left to the case's own check (a 400 with the field)."""
    department = Department.get_or_none(Department.id == (department_id or 0))
    if department is not None and department.active and not reader.may_change(department.id):
        raise Forbidden(REFUSED_CHANGE)
