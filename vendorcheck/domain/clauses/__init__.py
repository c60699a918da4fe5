"""Contract clauses: the clause library, the annex rendered from it, and the full check.

This is the package's public face.
"""

from __future__ import annotations

from vendorcheck.domain.clauses.annex import Annex, AnnexContext, render_annex
from vendorcheck.domain.clauses.check import answer_scenarios, check_clauses, coverage_problems
from vendorcheck.domain.clauses.library import (
    Clause,
    ClauseError,
    load_clauses,
    read_clause_files,
    select_clauses,
)
from vendorcheck.domain.clauses.text import clean_value

__all__ = [
    "Annex",
    "AnnexContext",
    "Clause",
    "ClauseError",
    "answer_scenarios",
    "check_clauses",
    "clean_value",
    "coverage_problems",
    "load_clauses",
    "read_clause_files",
    "render_annex",
    "select_clauses",
]
