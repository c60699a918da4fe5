"""Bid comparison: several vendors' scorecards side by side, ranked (pure, no I/O)."""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from vendorcheck.domain.scorecard import (
    REQUIREMENT_STATUS_LABELS,
    SEVERITY_LABELS,
    VERDICT_CONDITIONAL,
    VERDICT_CONFORMING,
    VERDICT_NONCONFORMING,
    Gap,
    Scorecard,
)

VERDICT_ORDER = (VERDICT_CONFORMING, VERDICT_CONDITIONAL, VERDICT_NONCONFORMING)  # best first
NOT_SUBMITTED = "未提出"
NO_SCORE = "－"
SUMMARY_ROWS = (
    ("rank", "順位"),
    ("total", "総合点"),
    ("verdict", "判定"),
    ("mandatory", "必須の質問の未充足（是正未承認）"),
    ("findings", "その他の指摘"),
)
# Sort keys and their natural direction (True: highest first).
SORTS = MappingProxyType(
    {"rank": False, "name": False, "total": True, "verdict": False, "mandatory": False}
)
SORT_LABELS = MappingProxyType(
    {
        "rank": "順位",
        "name": "事業者名",
        "total": "総合点",
        "verdict": "判定",
        "mandatory": "必須の未充足",
    }
)
DEFAULT_SORT = "rank"


def format_score(value: float | None) -> str:
    """Show a score with one decimal, as scoring rounds it (72.5, 100.0)."""
    return NO_SCORE if value is None else f"{value:.1f}"


@dataclass(frozen=True)
class Bid:
    """One vendor's input: a label and its scorecard (None when nothing was submitted)."""

    label: str
    scorecard: Scorecard | None
    key: str = ""  # a stable id for links (the assessment id); the label when empty
    note: str = ""  # e.g. 提出済み（第2版）


@dataclass(frozen=True)
class Bidder:
    """A bid placed in the comparison: its position in the input, its rank, its figures."""

    index: int
    key: str
    label: str
    scorecard: Scorecard | None
    rank: int | None
    note: str

    @property
    def submitted(self) -> bool:
        return self.scorecard is not None

    @property
    def total(self) -> float | None:
        return self.scorecard.total if self.scorecard else None

    @property
    def verdict(self) -> str:
        return self.scorecard.verdict if self.scorecard else NOT_SUBMITTED

    @property
    def verdict_text(self) -> str:
        """The verdict, marked 未確定 while answers wait for review or are missing."""
        if self.scorecard is None:
            return NOT_SUBMITTED
        return self.scorecard.verdict + ("" if self.scorecard.complete else "（未確定）")

    @property
    def gaps(self) -> tuple[Gap, ...]:
        return self.scorecard.gaps if self.scorecard else ()

    @property
    def open_mandatory(self) -> int:
        return sum(1 for g in self.gaps if g.severity == "mandatory" and not g.remediated)

    @property
    def findings(self) -> int:
        return sum(1 for g in self.gaps if g.severity != "mandatory")

    def section_score(self, section_id: str) -> float | None:
        for section in self.scorecard.sections if self.scorecard else ():
            if section.id == section_id:
                return section.score
        return None


@dataclass(frozen=True)
class Cell:
    value: object  # what is compared: a number, a status, a verdict, or None
    text: str


@dataclass(frozen=True)
class Row:
    """One line of the comparison; cells follow Comparison.bidders (input order)."""

    key: str
    kind: str  # summary, section, requirement
    label: str
    cells: tuple[Cell, ...]
    differs: bool
    note: str = ""  # e.g. the requirement's wording from the catalogue

    def cell(self, bidder: Bidder) -> Cell:
        return self.cells[bidder.index]


@dataclass(frozen=True)
class Comparison:
    bidders: tuple[Bidder, ...]
    rows: tuple[Row, ...]
    sections: tuple[tuple[str, str], ...]  # (id, title) over every bid's questionnaire
    question_texts: Mapping[str, str] = field(default_factory=dict)

    @property
    def submitted(self) -> tuple[Bidder, ...]:
        return tuple(bidder for bidder in self.bidders if bidder.submitted)

    def differing_rows(self) -> tuple[Row, ...]:
        """The rows where the submitted vendors do not all have the same value."""
        return tuple(row for row in self.rows if row.differs)

    def row(self, key: str) -> Row:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)

    def rows_of(self, kind: str) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.kind == kind)

    def question_text(self, question_id: str) -> str:
        return self.question_texts.get(question_id, "")

    def sort_options(self) -> tuple[tuple[str, str], ...]:
        """Every valid sort key with its Japanese label (sections included)."""
        options = list(SORT_LABELS.items())
        options += [
            (f"section:{sid}", f"セクション「{title}」の得点") for sid, title in self.sections
        ]
        return tuple(options)

    def normalise_sort(self, spec: str | None) -> str:
        """Return spec when it names a known key (optionally with a leading -), else the default."""
        key = (spec or "").removeprefix("-")
        section_id = key.removeprefix("section:")
        if spec and (key in SORTS or (section_id != key and section_id in dict(self.sections))):
            return spec
        return DEFAULT_SORT

    def ordered(self, spec: str | None = DEFAULT_SORT) -> tuple[Bidder, ...]:
        """The bidders sorted by a key; unsubmitted and unscored ones always come last."""
        spec = self.normalise_sort(spec)
        reverse = spec.startswith("-")
        key = spec.removeprefix("-")
        value = _sort_value(key)
        highest_first = SORTS.get(key, True) != reverse
        present = [b for b in self.bidders if b.submitted and value(b) is not None]
        absent = [b for b in self.bidders if not b.submitted or value(b) is None]
        tie_break = sorted(present, key=lambda b: (b.rank or 0, b.index))
        ordered = sorted(tie_break, key=value, reverse=highest_first)  # type: ignore[arg-type]
        return (*ordered, *sorted(absent, key=lambda b: (not b.submitted, b.index)))


def _sort_value(key: str) -> Callable[[Bidder], object]:
    if key == "name":
        return lambda b: unicodedata.normalize("NFKC", b.label).casefold()
    if key == "rank":
        return lambda b: b.rank
    if key == "total":
        return lambda b: b.total
    if key == "verdict":
        return lambda b: VERDICT_ORDER.index(b.verdict) if b.submitted else None
    if key == "mandatory":
        return lambda b: b.open_mandatory if b.submitted else None
    section_id = key.removeprefix("section:")
    return lambda b: b.section_score(section_id)


def _rank_key(card: Scorecard) -> tuple[int, float]:
    total = card.total if card.total is not None else float("-inf")
    return VERDICT_ORDER.index(card.verdict), -total


def rank(scorecards: Sequence[Scorecard | None]) -> tuple[int | None, ...]:
    """Rank by verdict (適合 > 条件付適合 > 不適合), then total; ties share a rank (1, 1, 3)."""
    keys = [_rank_key(card) if card is not None else None for card in scorecards]
    placed = sorted(key for key in keys if key is not None)
    return tuple(None if key is None else bisect_left(placed, key) + 1 for key in keys)


def _differs(row_cells: Sequence[Cell], bidders: Sequence[Bidder]) -> bool:
    values = [
        cell.value for cell, bidder in zip(row_cells, bidders, strict=True) if bidder.submitted
    ]
    return len(values) >= 2 and len(set(values)) > 1


def _summary_cells(key: str, bidder: Bidder) -> Cell:
    if not bidder.submitted:
        return Cell(None, NOT_SUBMITTED)
    if key == "rank":
        return Cell(bidder.rank, f"{bidder.rank}位")
    if key == "total":
        return Cell(bidder.total, format_score(bidder.total))
    if key == "verdict":
        return Cell(bidder.verdict, bidder.verdict_text)
    count = bidder.open_mandatory if key == "mandatory" else bidder.findings
    return Cell(count, f"{count}件")


def build_comparison(
    bids: Sequence[Bid],
    question_texts: Mapping[str, str] | None = None,
    requirement_texts: Mapping[str, str] | None = None,
) -> Comparison:
    """Put the bids side by side: summary, section and requirement rows, ranks."""
    ranks = rank([bid.scorecard for bid in bids])
    bidders = tuple(
        Bidder(i, bid.key or bid.label, bid.label, bid.scorecard, ranks[i], bid.note)
        for i, bid in enumerate(bids)
    )
    sections: dict[str, str] = {}
    requirements: dict[str, None] = {}
    for bid in bids:
        for section in bid.scorecard.sections if bid.scorecard else ():
            sections.setdefault(section.id, section.title.ja)
        for result in bid.scorecard.requirements if bid.scorecard else ():
            requirements.setdefault(result.id, None)
    rows: list[Row] = []

    def add(key: str, kind: str, label: str, cells: Sequence[Cell], note: str = "") -> None:
        rows.append(Row(key, kind, label, tuple(cells), _differs(cells, bidders), note))

    for key, label in SUMMARY_ROWS:
        add(key, "summary", label, [_summary_cells(key, b) for b in bidders])
    for section_id, title in sections.items():
        cells = []
        for bidder in bidders:
            score = bidder.section_score(section_id)
            cells.append(Cell(score, format_score(score) if bidder.submitted else NOT_SUBMITTED))
        add(f"section:{section_id}", "section", title, cells)
    by_bidder = [
        {r.id: r for r in b.scorecard.requirements} if b.scorecard else {} for b in bidders
    ]
    texts = requirement_texts or {}
    for requirement_id in sorted(requirements):
        cells = []
        for bidder, results in zip(bidders, by_bidder, strict=True):
            result = results.get(requirement_id)
            if not bidder.submitted:
                cells.append(Cell(None, NOT_SUBMITTED))
            elif result is None:
                cells.append(Cell(None, NO_SCORE))
            else:
                cells.append(Cell(result.status, REQUIREMENT_STATUS_LABELS[result.status]))
        add(
            f"req:{requirement_id}",
            "requirement",
            requirement_id,
            cells,
            texts.get(requirement_id, ""),
        )
    return Comparison(
        bidders, tuple(rows), tuple(sections.items()), MappingProxyType(dict(question_texts or {}))
    )


def severity_label(severity: str) -> str:
    return SEVERITY_LABELS.get(severity, severity)
