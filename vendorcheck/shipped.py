"""The files vendorcheck ships: default questionnaires, clauses, base.docx, the requirements.

In a checkout they are the repository's own folders (``questionnaires/``,
``contract_templates/``, ``docs/REQUIREMENTS.md``), which staff edit. An installed wheel
carries copies as package data under ``vendorcheck/_shipped/`` (``setup.py`` maps the folders
there at build time), found through ``importlib.resources``. Settings folders override both.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

PACKAGED = "_shipped"

# The source of each shipped part in a checkout, relative to the repository root; the wheel
# holds the same relative paths under vendorcheck/_shipped/.
QUESTIONNAIRES = "questionnaires"
CLAUSES = "contract_templates/clauses"
BASE_DOCX = "contract_templates/base.docx"
SNS_PROCEDURE = "contract_templates/sns_procedure.toml"
REQUIREMENTS = "docs/REQUIREMENTS.md"
REQUIREMENT_TITLES = "docs/requirements_ja.toml"

SHIPPED_PARTS = (QUESTIONNAIRES, "contract_templates", REQUIREMENTS, REQUIREMENT_TITLES)


def checkout_root() -> Path | None:
    """The repository this package runs from, or None when it is installed."""
    root = Path(__file__).resolve().parents[1]
    if (root / "pyproject.toml").is_file() and (root / QUESTIONNAIRES).is_dir():
        return root
    return None


def shipped_path(part: str) -> Path:
    """Where a shipped file or folder is: the package data of a wheel, else the checkout's."""
    packaged = resources.files(__package__).joinpath(PACKAGED, *part.split("/"))
    if packaged.is_dir() or packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[1] / part
