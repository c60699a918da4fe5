"""Every requirement id has a Japanese heading for the pages and documents that show it."""

from __future__ import annotations

from vendorcheck.domain.requirements import (
    default_requirements_path,
    load_requirements,
    load_titles,
    titles_path,
)


def test_every_requirement_has_a_japanese_title_and_no_stray_ids():
    catalogue = load_requirements()
    titles = load_titles(titles_path(default_requirements_path()))
    assert set(titles) == set(catalogue)
    for requirement in catalogue.values():
        assert requirement.title_ja and requirement.label == requirement.title_ja
        assert any("\u3040" <= ch <= "\u9fff" for ch in requirement.title_ja), requirement.id
