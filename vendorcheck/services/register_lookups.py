"""Reads the register pages need from other journeys: accepted cloud assessments a service can
be linked to, and the staff and departments a register form offers."""

from __future__ import annotations

from vendorcheck.domain import assessment_status
from vendorcheck.domain.access import Reader
from vendorcheck.store.models import Assessment, Case, Vendor


def accepted_cloud_assessments(reader: Reader) -> list[Assessment]:
    """Accepted assessments of cloud (機密性2以上) cases the reader's department owns."""
    query = (
        Assessment.select(Assessment, Case, Vendor)
        .join(Case)
        .switch(Assessment)
        .join(Vendor)
        .where(Assessment.status == assessment_status.ACCEPTED, Case.kind == "cloud")
    )
    if not reader.sees_all:
        query = query.where(Case.department == (reader.department_id or 0))
    return list(query.order_by(Assessment.decided_at.desc()))
