"""Submitted versions of a use application: each submission freezes the register fields, the
proposed 責任者 and the self-check answers (the rows are never changed, by trigger), and a
resubmission after a return shows the approver what changed since the version before."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from vendorcheck.domain import registers as reg
from vendorcheck.domain.jp import wareki
from vendorcheck.domain.questionnaire import Questionnaire
from vendorcheck.domain.register_fields import FIELDS_BY_NAME, fields_for
from vendorcheck.services import register_people
from vendorcheck.services.audit import Actor
from vendorcheck.services.organisation import organisation_scheme
from vendorcheck.store.models import ApplicationVersion, UseApplication

EMPTY = "（なし）"


@dataclass(frozen=True)
class Change:
    """One difference between two versions, as people read it."""

    part: str  # 申請内容, 責任者, 自己点検
    label: str
    before: str
    after: str


def _fields_of(entry) -> dict[str, object]:
    values = {}
    for spec in fields_for(entry.entry_type):
        value = getattr(entry, spec.name)
        values[spec.name] = value.isoformat() if isinstance(value, dt.date) else value
    return values


def _responsible_of(entry) -> dict[str, str]:
    holder = register_people.holders_on(entry, dt.date.max)[reg.RESPONSIBLE]
    if holder is None:
        return {}
    return {"name": holder.name, "department": holder.department_name}


def record(actor: Actor, application: UseApplication, answers: dict) -> ApplicationVersion:
    """Freeze what is being submitted (inside the submission's transaction)."""
    entry = application.entry
    return ApplicationVersion.create(
        application=application,
        version=application.submitted_version,
        fields=json.dumps(_fields_of(entry), ensure_ascii=False, sort_keys=True),
        responsible=json.dumps(_responsible_of(entry), ensure_ascii=False, sort_keys=True),
        answers=json.dumps(answers, ensure_ascii=False, sort_keys=True),
        submitted_by=actor.id if actor.kind == "staff" else None,
    )


def versions_of(application: UseApplication) -> list[ApplicationVersion]:
    """Every submitted version, newest first."""
    return list(
        ApplicationVersion.select()
        .where(ApplicationVersion.application == application)
        .order_by(ApplicationVersion.version.desc())
    )


def _load(text: str) -> dict:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def field_text(name: str, value: object) -> str:
    """A register field's value as people read it (和暦 dates, labels for codes)."""
    spec = FIELDS_BY_NAME.get(name)
    if value is None or value == "":
        return EMPTY
    if spec is not None and spec.kind == "bool":
        return "はい" if value else "いいえ"
    if spec is not None and spec.kind == "date":
        try:
            return wareki(dt.date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if spec is not None and spec.kind == "platform":
        return reg.PLATFORMS.get(str(value), str(value))
    if name == "classification_level":
        try:
            return organisation_scheme().level(str(value)).label_ja
        except KeyError:
            return str(value)
    return str(value)


def _person_text(person: dict) -> str:
    if not person.get("name"):
        return EMPTY
    department = person.get("department")
    return f"{person['name']}（{department}）" if department else str(person["name"])


def changes(
    previous: ApplicationVersion, current: ApplicationVersion, questionnaire: Questionnaire | None
) -> list[Change]:
    """What differs between two versions: fields in their declared order, then the 責任者,
    then the self-check answers in questionnaire order."""
    found: list[Change] = []
    before_fields, after_fields = _load(previous.fields), _load(current.fields)
    if before_fields:  # versions recorded before migration 0011 kept no fields
        for name, spec in FIELDS_BY_NAME.items():
            old, new = before_fields.get(name), after_fields.get(name)
            if (old or "") != (new or "") and not (old is False and new is None):
                found.append(
                    Change("申請内容", spec.label, field_text(name, old), field_text(name, new))
                )
        before_person, after_person = _load(previous.responsible), _load(current.responsible)
        if before_person != after_person:
            found.append(
                Change("責任者", "責任者", _person_text(before_person), _person_text(after_person))
            )
    before_answers, after_answers = _load(previous.answers), _load(current.answers)
    if questionnaire is not None:
        for question in questionnaire.questions:
            old, new = before_answers.get(question.id), after_answers.get(question.id)
            if old != new:
                found.append(
                    Change(
                        "自己点検",
                        question.text.ja,
                        question.display(old) if old not in (None, "", []) else EMPTY,
                        question.display(new) if new not in (None, "", []) else EMPTY,
                    )
                )
    return found


def answers_of(version: ApplicationVersion) -> dict:
    return _load(version.answers)


def fields_text(version: ApplicationVersion) -> list[tuple[str, str]]:
    """The register fields of a version as (label, text), in their declared order."""
    values = _load(version.fields)
    return [
        (spec.label, field_text(name, values[name]))
        for name, spec in FIELDS_BY_NAME.items()
        if name in values
    ]


def responsible_text(version: ApplicationVersion) -> str:
    return _person_text(_load(version.responsible))
