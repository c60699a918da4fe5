"""The requirement catalogue (docs/REQUIREMENTS.md) and what each kind must cover."""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from vendorcheck.shipped import REQUIREMENTS, shipped_path

REQUIREMENT_ID = re.compile(r"[A-Z]{2,4}-\d{2}")
KINDS = ("outsourcing", "system", "cloud", "cloud_light", "sns")
KIND_LABELS = MappingProxyType(
    {
        "outsourcing": "業務委託",
        "system": "情報システムに関する業務委託",
        "cloud": "外部サービス（機密性2以上）",
        "cloud_light": "外部サービス（機密性2未満）",
        "sns": "ソーシャルメディア",
    }
)


@dataclass(frozen=True)
class Requirement:
    """One row of the catalogue; phase is empty for groups whose table has no phase."""

    id: str
    group: str
    phase: str
    text: str
    title_ja: str = ""  # the Japanese heading from docs/requirements_ja.toml

    @property
    def label(self) -> str:
        """What a page shows: the Japanese heading, or the catalogue text when there is none."""
        return self.title_ja or self.text


def default_requirements_path() -> Path:
    """Return the shipped catalogue (docs/REQUIREMENTS.md in a checkout, package data when installed)."""
    return shipped_path(REQUIREMENTS)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse_requirements(markdown: str) -> dict[str, Requirement]:
    """Read every requirement row from the catalogue's markdown tables."""
    found: dict[str, Requirement] = {}
    header: list[str] = []
    for line in markdown.splitlines():
        if not line.lstrip().startswith("|"):
            header = []
            continue
        cells = _cells(line)
        if not header:
            header = [cell.casefold() for cell in cells]
            continue
        if not REQUIREMENT_ID.fullmatch(cells[0]):
            continue  # the |---| separator row, or a table that is not a catalogue
        row = dict(zip(header, cells, strict=False))
        requirement_id = cells[0]
        if requirement_id in found:
            raise ValueError(f"要件ID {requirement_id} が要件一覧に二度あります")
        found[requirement_id] = Requirement(
            id=requirement_id,
            group=requirement_id.split("-")[0],
            phase=row.get("phase", ""),
            text=row.get("requirement", cells[-1]),
        )
    return found


def titles_path(requirements_path: Path) -> Path:
    """The Japanese headings file that sits beside the catalogue."""
    return requirements_path.with_name("requirements_ja.toml")


def load_titles(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return {str(key): str(value) for key, value in tomllib.load(fh).items()}


@functools.cache
def _load_cached(path: Path) -> Mapping[str, Requirement]:
    titles = load_titles(titles_path(path))
    catalogue = parse_requirements(path.read_text(encoding="utf-8"))
    return MappingProxyType(
        {
            rid: dataclasses.replace(req, title_ja=titles.get(rid, ""))
            for rid, req in catalogue.items()
        }
    )


def load_requirements(path: Path | str | None = None) -> Mapping[str, Requirement]:
    """Return the catalogue read from path (default: the repository's), cached per path."""
    resolved = Path(path).resolve() if path is not None else default_requirements_path()
    return _load_cached(resolved)


def ids_in_range(
    group: str, first: int, last: int, catalogue: Mapping[str, Requirement] | None = None
) -> tuple[str, ...]:
    """Return the ids group-first .. group-last; with a catalogue, insist each exists."""
    ids = tuple(f"{group}-{number:02d}" for number in range(first, last + 1))
    if catalogue is not None and (absent := missing_ids(ids, catalogue)):
        raise KeyError(f"要件一覧にない要件IDです: {', '.join(absent)}")
    return ids


def missing_ids(ids: tuple[str, ...], catalogue: Mapping[str, Requirement]) -> tuple[str, ...]:
    """Return the ids that the catalogue does not define."""
    return tuple(requirement_id for requirement_id in ids if requirement_id not in catalogue)


# Ranges are spelled out here, not read from the catalogue at import time, so that importing
# the domain never touches the file system; tests check every id against the catalogue.
QUESTION_COVERAGE: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "outsourcing": ids_in_range("OUT", 1, 18),
        "system": ids_in_range("OUT", 1, 19),
        "cloud": ids_in_range("CLD", 4, 16),
        "cloud_light": ids_in_range("CLL", 1, 2),
        "sns": ids_in_range("SNS", 1, 9),
    }
)

# No cloud_light: a 約款 service signs no annex; its result is the use approval (registers).
CONTRACT_COVERAGE: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "outsourcing": ids_in_range("OUT", 4, 17),
        "system": (*ids_in_range("OUT", 4, 17), "OUT-19"),
        "cloud": (*ids_in_range("CLD", 5, 12), "CLD-16"),
        "sns": ("SNS-03", "SNS-04", "SNS-09"),
    }
)


@dataclass(frozen=True)
class WellKnownQuestion:
    """A question other parts of vendorcheck read, so questionnaires must keep it as is."""

    id: str
    type: str
    values: tuple[str, ...]  # the option values, for choice and yesno; empty otherwise
    kinds: tuple[str, ...]


_ALL_BUT_SNS = ("outsourcing", "system", "cloud")
_ISMS = ("certified_scope_covers", "certified_other_scope", "in_progress", "none")
_REPORT_HOURS = ("within_1h", "within_24h", "within_72h", "no_commitment")

# The table "Well-known question ids" of docs/QUESTIONNAIRE_FORMAT.md.
WELL_KNOWN_QUESTIONS: tuple[WellKnownQuestion, ...] = (
    WellKnownQuestion("sub.uses_subcontractors", "yesno", ("yes", "no"), _ALL_BUT_SNS),
    WellKnownQuestion("legal.governing_law", "choice", ("jp", "other"), ("cloud",)),
    WellKnownQuestion("legal.jurisdiction", "choice", ("jp", "other"), ("cloud",)),
    WellKnownQuestion(
        "legal.data_location", "choice", ("jp_only", "jp_and_foreign", "foreign"), ("cloud",)
    ),
    WellKnownQuestion("cert.isms", "choice", _ISMS, _ALL_BUT_SNS),
    WellKnownQuestion("cert.isms_number", "text", (), _ALL_BUT_SNS),
    WellKnownQuestion("cert.isms_expiry", "date", (), _ALL_BUT_SNS),
    WellKnownQuestion(
        "cert.ismap", "choice", ("ismap", "ismap_liu", "applying", "none"), ("cloud",)
    ),
    WellKnownQuestion("cert.ismap_number", "ismap_number", (), ("cloud",)),
    WellKnownQuestion("incident.report_hours", "choice", _REPORT_HOURS, _ALL_BUT_SNS),
    WellKnownQuestion("exit.deletion_certificate", "yesno", ("yes", "no"), _ALL_BUT_SNS),
    # read by the clause variants of the annex (contract_templates/clauses)
    WellKnownQuestion("sub.details", "text", (), ("outsourcing", "system")),
    WellKnownQuestion("sub.list", "text", (), ("cloud",)),
    WellKnownQuestion("legal.foreign_location_detail", "text", (), ("cloud",)),
    WellKnownQuestion(
        "sla.backup",
        "choice",
        ("daily_offsite", "daily_same_site", "customer_only", "none"),
        ("cloud",),
    ),
    WellKnownQuestion("purpose.ai_training", "choice", ("never", "opt_out", "used"), ("cloud",)),
    WellKnownQuestion(
        "audit.right_to_audit",
        "choice",
        ("onsite", "reports_and_questions", "reports_only", "none"),
        ("cloud",),
    ),
    WellKnownQuestion("ops.remote_maintenance", "yesno", ("yes", "no"), ("system",)),
    WellKnownQuestion(
        "account.platform",
        "choice",
        ("x", "facebook", "instagram", "line", "youtube", "tiktok", "other"),
        ("sns",),
    ),
    WellKnownQuestion("account.name", "text", (), ("sns",)),
    WellKnownQuestion("account.url", "url", (), ("sns",)),
)


def coverage_problems(kinds: Iterable[str], asked: Collection[str]) -> list[str]:
    """List, in Japanese, each id the kinds require that no question asks."""
    return [
        f"種別 {kind} の確認書には要件 {requirement_id} を扱う質問が必要です"
        for kind in kinds
        for requirement_id in QUESTION_COVERAGE.get(kind, ())
        if requirement_id not in asked
    ]


def well_known_problems(
    kinds: Iterable[str], shapes: Mapping[str, tuple[str, tuple[str, ...] | None]]
) -> list[str]:
    """List, in Japanese, each well-known question that is missing or shaped differently."""
    # shapes: every question id of the questionnaire → (type, option values or None).
    problems = []
    for expected in WELL_KNOWN_QUESTIONS:
        served = [kind for kind in kinds if kind in expected.kinds]
        if not served:
            continue
        where, values = f"質問 {expected.id}: ", ", ".join(expected.values)
        if expected.id not in shapes:
            wanted = f"type = {expected.type}" + (f"、値 {values}" if values else "")
            problems.append(f"{where}種別 {served[0]} の確認書に必要な質問がありません（{wanted}）")
            continue
        type_name, option_values = shapes[expected.id]
        actual = tuple(value for value in option_values or () if value != "na")
        if type_name != expected.type:
            problems.append(f"{where}type は {expected.type} にしてください（いまは {type_name}）")
        elif expected.values and set(actual) != set(expected.values):
            now = ", ".join(actual)
            problems.append(f"{where}選択肢の値は {values} にしてください（いまは {now}）")
    return problems
