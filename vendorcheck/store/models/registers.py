"""The register of external services and SNS accounts (migration 0005)."""

from __future__ import annotations

from peewee import (
    BlobField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from vendorcheck.store.models.base import BaseModel, StoredFile, utcnow
from vendorcheck.store.models.people import Department, Staff
from vendorcheck.store.models.vetting import (
    Assessment,
    Case,
    GeneratedAnnex,
    QuestionnaireSnapshot,
    Vendor,
)


class RegisterEntry(BaseModel):
    """One external service or SNS account in the register, from application to retirement."""

    entry_type = CharField(max_length=10, index=True)  # service, sns
    name = CharField(max_length=200)
    name_normalized = CharField(max_length=200, index=True)  # NFKC, case-folded: for search
    status = CharField(max_length=12, index=True)  # applied, approved, active, suspended, retired
    department = ForeignKeyField(Department, null=True, on_delete="SET NULL", index=True)
    provider_name = CharField(max_length=200, default="")
    vendor = ForeignKeyField(Vendor, null=True, on_delete="SET NULL")
    url = CharField(max_length=500, default="")
    purpose = TextField(default="")
    classification_level = CharField(max_length=20, default="")
    case = ForeignKeyField(Case, null=True, on_delete="SET NULL")
    assessment = ForeignKeyField(Assessment, null=True, on_delete="SET NULL")
    annex = ForeignKeyField(GeneratedAnnex, null=True, on_delete="SET NULL")
    ismap_number = CharField(max_length=40, default="")
    data_location = CharField(max_length=200, default="")
    governing_law = CharField(max_length=200, default="")
    platform = CharField(max_length=40, default="")
    account_name = CharField(max_length=200, default="")
    account_handle = CharField(max_length=200, default="")
    audience = CharField(max_length=300, default="")
    content = TextField(default="")
    posters = CharField(max_length=300, default="")
    response_hours = CharField(max_length=200, default="")
    notes = TextField(default="")
    mfa_enabled = BooleanField(default=False)
    platform_verified = BooleanField(default=False)
    official_page_url = CharField(max_length=500, default="")
    last_post_on = DateField(null=True)  # for the dormant-account flag
    listed_on_website = BooleanField(null=True)  # last check-official-links result
    link_checked_at = DateTimeField(null=True)
    link_check_note = CharField(max_length=300, default="")
    link_check_leased_until = DateTimeField(null=True)  # a running check-official-links (0016)
    start_date = DateField(null=True)
    next_review_on = DateField(null=True, index=True)
    retired_on = DateField(null=True)
    retirement_note = TextField(default="")
    needs_responsible = BooleanField(default=False, index=True)  # 責任者 vacant or disabled
    # The ISMAP check of ismap_number as stored at the save and at each list import (0020):
    # the lists do not bear it out on any day, and the listed validity (past it: expired).
    ismap_check_failed = BooleanField(default=False)
    ismap_listed_until = DateField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class RegisterFlag(BaseModel):
    """A flag an entry raises and the first day it does (domain/registers.flag_dates): a row per
    flag of each entry not retired, written by services/register_flags.py in the transaction of
    every change the flags read (migration 0021). The dashboard counts and lists them with
    `since <= today` along the indexes below; the department, its order and the entry's name
    are copies for those indexes, written with the rows."""

    entry = ForeignKeyField(RegisterEntry, backref="+", on_delete="CASCADE", index=False)
    flag = CharField(max_length=20)  # a key of domain/registers.FLAG_LABELS
    since = DateField()  # registers.ALWAYS (0001-01-01) for the flags no date waits for
    in_use = BooleanField()  # the entry's state is one of registers.IN_USE
    department = ForeignKeyField(
        Department, null=True, on_delete="SET NULL", backref="+", index=False
    )
    department_order = IntegerField(null=True)  # Department.sort_order (set when it is made)
    name_normalized = CharField(max_length=200)

    class Meta:
        indexes = (
            (("entry", "flag"), True),
            (("in_use", "since", "department", "flag"), False),  # counted in this month
            # the board's flagged entries in the order it shows them, the first 20 read off it
            (("in_use", "department_order", "name_normalized", "entry", "flag", "since"), False),
            # and of one department (its order is the same on every row)
            (("in_use", "department", "name_normalized", "entry", "flag", "since"), False),
        )


class RegisterFlagCount(BaseModel):
    """How many entries in use of a department raise a flag from a day in a month: the sums
    of register_flag by month of `since` (0001-01-01 for the flags no date waits for), kept
    with its rows (migration 0021). The board adds the months before this one to the rows of
    this month up to today, so it sums a few hundred counts, not every flag."""

    department_key = IntegerField()  # the department's id, 0 for none
    flag = CharField(max_length=20)
    month = DateField()  # the first day of the month
    entries = IntegerField(default=0)

    class Meta:
        indexes = ((("department_key", "flag", "month"), True),)


class UseApplication(BaseModel):
    """利用申請: a section applies to use a service or open an SNS account, with its self-check."""

    entry = ForeignKeyField(RegisterEntry, backref="applications", on_delete="CASCADE")
    kind = CharField(max_length=20)  # cloud_light, sns, cloud
    status = CharField(max_length=12, index=True)  # draft, submitted, returned, approved, rejected
    snapshot = ForeignKeyField(QuestionnaireSnapshot, null=True, on_delete="RESTRICT")
    tier = IntegerField(default=1)
    draft_answers = TextField(default="{}")
    draft_revision = IntegerField(default=0)
    last_saved_at = DateTimeField(null=True)
    submitted_answers = TextField(default="{}")
    submitted_version = IntegerField(default=0)
    submitted_at = DateTimeField(null=True)
    applicant = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=utcnow)
    decided_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    decided_at = DateTimeField(null=True)
    decision_reason = TextField(default="")


class ApplicationEvidence(StoredFile):
    """A file attached to a self-check answer (kept in the database like vendor evidence)."""

    application = ForeignKeyField(UseApplication, backref="evidence", on_delete="CASCADE")
    question_id = CharField(max_length=100)
    removed_at = DateTimeField(null=True)


class RegisterPerson(BaseModel):
    """One dated assignment of a role: rows are only added, so every past date can be answered.

    The assignment in force on a day is the latest row of that role whose effective_from is
    on or before the day; a row without staff and name leaves the role vacant from then on.
    """

    entry = ForeignKeyField(RegisterEntry, backref="people", on_delete="CASCADE")
    role = CharField(max_length=20)  # responsible, deputy, administrator
    staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    name = CharField(max_length=100, default="")
    department_name = CharField(max_length=100, default="")
    effective_from = DateField()
    reason = TextField(default="")
    changed_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    recorded_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("entry", "role", "effective_from"), False),)


class RegisterReview(BaseModel):
    """A periodic review (AUD-02): the checklist answered and its result."""

    entry = ForeignKeyField(RegisterEntry, backref="reviews", on_delete="CASCADE")
    reviewed_on = DateField()
    checklist = TextField()  # JSON: item id -> true/false
    result = CharField(max_length=10)  # ok, action
    note = TextField(default="")
    next_review_on = DateField(null=True)
    staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=utcnow)


class OperatingProcedure(BaseModel):
    """An SNS 運用手順書 as generated: each generation is a new version, never changed."""

    entry = ForeignKeyField(RegisterEntry, backref="procedures", on_delete="CASCADE")
    version = IntegerField()
    inputs = TextField()
    content_hash = CharField(max_length=64)
    docx = BlobField()
    created_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("entry", "version"), True),)


class RetirementEvidence(StoredFile):
    """Proof that a retired entry's data was disposed of and its accounts deleted (CLD-16)."""

    entry = ForeignKeyField(RegisterEntry, backref="retirement_files", on_delete="CASCADE")
    uploaded_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")


class ApplicationVersion(BaseModel):
    """A submitted version of a use application, frozen (migration 0011: UPDATE and DELETE are
    refused by triggers): the register fields, the proposed 責任者 and the self-check answers as
    the approver saw them, so a resubmission after a return shows what changed."""

    application = ForeignKeyField(UseApplication, backref="versions", on_delete="CASCADE")
    version = IntegerField()
    fields = TextField(default="{}")  # JSON: register field name -> value as submitted
    responsible = TextField(default="{}")  # JSON: name, department of the proposed 責任者
    answers = TextField(default="{}")  # JSON: question id -> answer (the applicable ones)
    submitted_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    submitted_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("application", "version"), True),)


class ApplicationApprover(BaseModel):
    """A staff member the organisation names as approver of use applications (besides the
    ciso and admin): for every department, or for one (department None: all)."""

    staff = ForeignKeyField(Staff, backref="+", on_delete="CASCADE")
    department = ForeignKeyField(Department, null=True, on_delete="CASCADE", backref="+")
    added_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    added_at = DateTimeField(default=utcnow)
