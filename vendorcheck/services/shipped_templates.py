"""Copy the shipped questionnaires and clause files out, for an organisation to edit its own."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from vendorcheck.config import default_clauses_dir, default_questionnaires_dir
from vendorcheck.services.errors import ServiceError


@dataclass(frozen=True)
class CopiedTemplates:
    questionnaires: Path
    clauses: Path
    files: int


def copy_templates(target: Path | str) -> CopiedTemplates:
    """Copy the *.toml files (and their README) into target/questionnaires and target/clauses.

    Refuses when either folder already holds files: an organisation's edits are never
    overwritten.
    """
    target = Path(target).expanduser().resolve()
    plan = (
        (default_questionnaires_dir(), target / "questionnaires"),
        (default_clauses_dir(), target / "clauses"),
    )
    for _source, destination in plan:
        if destination.exists() and any(destination.iterdir()):
            raise ServiceError(
                f"フォルダー「{destination}」には既にファイルがあります。空のフォルダーか新しいフォルダーを指定してください。"
            )
    files = 0
    try:
        for source, destination in plan:
            destination.mkdir(parents=True, exist_ok=True)
            for path in sorted(source.iterdir()):
                if path.is_file() and path.suffix in {".toml", ".md"}:
                    shutil.copy2(path, destination / path.name)
                    files += 1
    except OSError as error:
        raise ServiceError(
            f"「{target}」にコピーできません（{error.strerror or error}）。フォルダーと権限を確認してください。"
        ) from error
    return CopiedTemplates(plan[0][1], plan[1][1], files)
