"""The questionnaire catalogue: questionnaires/*.toml loaded once, reloaded on change, and
the JSON snapshots that invitations store so later edits never change an issued assessment."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from vendorcheck.domain.questionnaire import (
    Questionnaire,
    QuestionnaireError,
    check_directory,
    load_questionnaire,
)
from vendorcheck.domain.requirements import (
    QUESTION_COVERAGE,
    Requirement,
    default_requirements_path,
    load_requirements,
)
from vendorcheck.services.errors import NotFound
from vendorcheck.services.toml_folder import TomlFolder, shared_folder


@dataclass(frozen=True)
class BrokenFile:
    """A questionnaire file that could not be loaded, with every problem found in it."""

    name: str
    errors: tuple[str, ...]


@dataclass(frozen=True)
class _Loaded:
    questionnaires: dict[str, Questionnaire]
    broken: tuple[BrokenFile, ...]
    errors: tuple[str, ...]


def _read_folder(directory: Path) -> _Loaded:
    loaded: dict[str, Questionnaire] = {}
    broken: list[BrokenFile] = []
    for path in sorted(directory.glob("*.toml")):
        try:
            loaded[path.stem] = load_questionnaire(path)
        except QuestionnaireError as error:
            broken.append(BrokenFile(path.name, tuple(error.errors)))
        except OSError as error:
            broken.append(BrokenFile(path.name, (f"{path.name}: 読み込めません（{error}）",)))
    try:
        errors = tuple(check_directory(directory))
    except OSError as error:  # a file removed while it was being read
        errors = (f"{directory}: 読み込めません（{error}）",)
    return _Loaded(loaded, tuple(broken), errors)


class QuestionnaireCatalogue:
    """Every questionnaire of one folder; re-read when a file is added, removed or changed."""

    def __init__(self, directory: Path | str, folder: TomlFolder[_Loaded] | None = None) -> None:
        self._folder = folder or TomlFolder(directory, _read_folder)
        self.directory = self._folder.directory

    @property
    def errors(self) -> list[str]:
        """Every problem check_directory reports (files, coverage, well-known ids), in Japanese."""
        return list(self._folder.current().errors)

    @property
    def broken(self) -> tuple[BrokenFile, ...]:
        """The files that could not be loaded at all."""
        return self._folder.current().broken

    def errors_for(self, file_name: str) -> list[str]:
        """Return the problems reported for one file (by its name, e.g. cloud.toml)."""
        prefix = f"{file_name}: "
        return [error for error in self.errors if error.startswith(prefix)]

    def all(self) -> list[Questionnaire]:
        loaded = self._folder.current().questionnaires
        return [loaded[key] for key in sorted(loaded)]

    def get(self, questionnaire_id: str) -> Questionnaire | None:
        return self._folder.current().questionnaires.get(questionnaire_id)

    def get_questionnaire(self, questionnaire_id: str) -> Questionnaire:
        """The questionnaire of the folder, or NotFound (a page addressing one that is not
        there, or one that does not load)."""
        questionnaire = self.get(questionnaire_id)
        if questionnaire is None:
            raise NotFound(
                f"確認書「{questionnaire_id}」はありません。読み込みエラーがないか一覧で確認してください。"
            )
        return questionnaire

    def for_kind(self, kind: str, respondent: str | None = None) -> list[Questionnaire]:
        """The questionnaires of a kind, optionally only those a given respondent answers."""
        return [
            questionnaire
            for questionnaire in self.all()
            if kind in questionnaire.kinds
            and (respondent is None or questionnaire.respondent == respondent)
        ]


def catalogue(app_config: Mapping[str, object]) -> QuestionnaireCatalogue:
    """Return the catalogue of the configured folder (one shared cache per folder)."""
    directory = str(app_config["QUESTIONNAIRES_DIR"])
    return QuestionnaireCatalogue(directory, shared_folder(directory, _read_folder))


# --- snapshots -----------------------------------------------------------------------------

_SNAPSHOT_CACHE_SIZE = 64
_snapshots: OrderedDict[str, Questionnaire] = OrderedDict()
_snapshots_lock = threading.Lock()


class SnapshotError(ValueError):
    """A stored snapshot that does not rebuild into the questionnaire it claims to be."""


def snapshot_json(questionnaire: Questionnaire) -> tuple[str, str]:
    """Return (content hash, canonical JSON) to store with an invitation."""
    text = json.dumps(
        questionnaire.to_snapshot(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return questionnaire.content_hash, text


def kept_snapshot(content_hash: str) -> Questionnaire | None:
    """The questionnaire of a snapshot already rebuilt in this process, by its hash, or None."""
    with _snapshots_lock:
        cached = _snapshots.get(content_hash)
        if cached is not None:
            _snapshots.move_to_end(content_hash)
        return cached


def questionnaire_from_snapshot(json_text: str, content_hash: str | None = None) -> Questionnaire:
    """Rebuild a stored snapshot, keeping the most recently used ones in memory by hash."""
    key = content_hash or hashlib.sha256(json_text.encode("utf-8")).hexdigest()
    with _snapshots_lock:
        cached = _snapshots.get(key)
        if cached is not None:
            _snapshots.move_to_end(key)
            return cached
    try:
        questionnaire = Questionnaire.from_snapshot(json.loads(json_text))
    except (ValueError, TypeError) as error:
        raise SnapshotError(f"保存された確認書の控えを読み込めません（{error}）") from error
    if content_hash is not None and questionnaire.content_hash != content_hash:
        raise SnapshotError("保存された確認書の控えが、記録されたハッシュ値と一致しません。")
    with _snapshots_lock:
        _snapshots[key] = questionnaire
        while len(_snapshots) > _SNAPSHOT_CACHE_SIZE:
            _snapshots.popitem(last=False)
    return questionnaire


# --- requirement coverage ------------------------------------------------------------------

_GROUP_HEADING = re.compile(r"^##\s+(.*\(([A-Z]{2,4})\).*)$")


@dataclass(frozen=True)
class RequirementGroup:
    code: str
    heading: str
    requirements: tuple[Requirement, ...]


def requirement_groups() -> list[RequirementGroup]:
    """Return the catalogue of docs/REQUIREMENTS.md grouped under its headings, in order."""
    catalogue_rows = load_requirements()
    headings: dict[str, str] = {}
    for line in default_requirements_path().read_text(encoding="utf-8").splitlines():
        match = _GROUP_HEADING.match(line)
        if match:
            headings.setdefault(match.group(2), match.group(1).strip())
    grouped: dict[str, list[Requirement]] = {}
    for requirement in catalogue_rows.values():
        grouped.setdefault(requirement.group, []).append(requirement)
    order = [code for code in headings if code in grouped] + [
        code for code in grouped if code not in headings
    ]
    return [
        RequirementGroup(code, headings.get(code, code), tuple(grouped[code])) for code in order
    ]


@dataclass(frozen=True)
class CoverageColumn:
    """One column of the coverage matrix: what a source asks (or states) per requirement id.

    kind is "questionnaire" today; later columns (contract clauses) reuse the same shape.
    """

    kind: str
    key: str
    label: str
    cells: Mapping[str, tuple[str, ...]]
    required: frozenset[str]

    def missing(self, requirement_id: str) -> bool:
        return requirement_id in self.required and not self.cells.get(requirement_id)


def questionnaire_columns(questionnaires: list[Questionnaire]) -> list[CoverageColumn]:
    """Return a coverage column per questionnaire: requirement id → the question ids."""
    return [
        CoverageColumn(
            kind="questionnaire",
            key=questionnaire.id,
            label=questionnaire.title.ja,
            cells=questionnaire.requirement_index,
            required=frozenset(
                requirement_id
                for kind in questionnaire.kinds
                for requirement_id in QUESTION_COVERAGE.get(kind, ())
            ),
        )
        for questionnaire in questionnaires
    ]
