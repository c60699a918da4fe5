"""Question types answered by picking from a list of options: choice and multi."""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from vendorcheck.domain.questionnaire.i18n import Text, parse_text
from vendorcheck.domain.questionnaire.types.base import (
    NA,
    NA_LABEL,
    AnswerChoice,
    AutomaticScore,
    CleanResult,
    Option,
    Problems,
    QuestionType,
    SampleFacts,
    SheetRule,
    as_items,
    is_number,
    parse_bool,
    parse_severity,
)

OPTION_VALUE = re.compile(r"[a-z0-9_]+")


def _parse_option(item: object, index: int, exclusive_ok: bool, problems: Problems) -> Option:
    if not isinstance(item, Mapping) or not isinstance(item.get("value"), str):
        problems.append(f"{index}番目の選択肢: value を文字列で指定してください")
        return Option(f"#{index}", Text("?"), 0.0)
    value = item["value"]
    where = f"選択肢 '{value}': "
    allowed = {"value", "label", "score", "finding"} | ({"exclusive"} if exclusive_ok else set())
    problems.extend(f"{where}未知のキー '{key}'" for key in sorted(set(item) - allowed))
    if not OPTION_VALUE.fullmatch(value):
        problems.append(f"{where}value は半角英小文字・数字・_ で指定してください")
    if value == NA:
        problems.append(f"{where}'na' は「該当しない」用の値です（allow_na を使ってください）")
    try:
        label = parse_text(item.get("label"))
    except ValueError as error:
        problems.append(f"{where}label: {error}")
        label = Text(value)
    score = item.get("score")
    if not is_number(score) or not 0 <= score <= 1:  # type: ignore[operator]
        problems.append(f"{where}score は 0 から 1 までの数値で指定してください")
        score = 0.0
    finding = parse_severity(item.get("finding"), problems, where)
    exclusive = item.get("exclusive", False)
    if not isinstance(exclusive, bool):
        problems.append(f"{where}exclusive は true か false で指定してください")
    return Option(value, label, float(score), finding, exclusive is True)  # type: ignore[arg-type]


def parse_options(raw: object, problems: Problems, *, exclusive_ok: bool) -> tuple[Option, ...]:
    """Parse the options list of a choice or multi question, reporting every problem."""
    if not isinstance(raw, list) or len(raw) < 2:
        problems.append("選択肢 (options) を2つ以上指定してください")
        return ()
    options: dict[str, Option] = {}
    for index, item in enumerate(raw, start=1):
        option = _parse_option(item, index, exclusive_ok, problems)
        if option.value in options:
            problems.append(f"選択肢 '{option.value}' が重複しています")
        options.setdefault(option.value, option)
    return tuple(options.values())


@dataclass(frozen=True)
class ChoiceType(QuestionType):
    """One option from a list; scores the chosen option's score."""

    name: ClassVar[str] = "choice"
    label_ja: ClassVar[str] = "単一選択"
    keys: ClassVar[frozenset[str]] = frozenset({"options", "allow_na"})
    widget: ClassVar[str] = "choice"
    exclusive_ok: ClassVar[bool] = False  # whether an option may be `exclusive`
    options: tuple[Option, ...] = ()
    allow_na: bool = False

    @classmethod
    def parse(cls, raw: Mapping[str, object], problems: Problems) -> QuestionType:
        options = parse_options(raw.get("options"), problems, exclusive_ok=cls.exclusive_ok)
        return cls(options=options, allow_na=parse_bool(raw, "allow_na", problems))

    @property
    def option_values(self) -> tuple[str, ...]:
        values = tuple(option.value for option in self.options)
        return (*values, NA) if self.allow_na else values

    @property
    def scores(self) -> bool:
        return True

    @property
    def choices(self) -> tuple[AnswerChoice, ...]:
        listed = tuple(AnswerChoice(o.value, o.label, o.exclusive) for o in self.options)
        # 該当しない excludes the other options where several may be chosen.
        return (*listed, AnswerChoice(NA, NA_LABEL, self.multiple)) if self.allow_na else listed

    @classmethod
    def raw_option_values(cls, table: Mapping[str, object]) -> frozenset[str]:
        na = {NA} if table.get("allow_na") else set()
        options = table.get("options") or []
        return frozenset({str(option.get("value")) for option in options} | na)  # type: ignore[union-attr]

    def sample_answer(self, rank: float, facts: SampleFacts) -> list[str]:
        ranked = sorted(self.options, key=lambda option: -option.score)
        return [ranked[round(rank * (len(ranked) - 1))].value]

    @functools.cached_property
    def _options_by_value(self) -> dict[str, Option]:
        return {option.value: option for option in self.options}

    def option(self, value: object) -> Option | None:
        return self._options_by_value.get(value) if isinstance(value, str) else None

    @functools.cached_property
    def _values_by_label(self) -> dict[str, str]:
        labels = {unicodedata.normalize("NFKC", c.label.ja).strip(): c.value for c in self.choices}
        return labels | {choice.value: choice.value for choice in self.choices}

    def sheet_rule(self) -> SheetRule:
        return SheetRule(
            "list",
            tuple(choice.label.ja for choice in self.choices),
            prompt="一覧から選んでください。",
        )

    def sheet_value(self, value: object) -> object:
        labels = {choice.value: choice.label.ja for choice in self.choices}
        return "、".join(labels.get(str(item), str(item)) for item in as_items(value))

    def from_sheet(self, cell: object) -> object:
        text = "" if cell is None else unicodedata.normalize("NFKC", str(cell)).strip()
        return self._values_by_label.get(text, text)

    def clean_text(self, text: str) -> CleanResult:
        return (text, None) if self.option(text) else (None, "選択肢の中から選んでください。")

    def automatic_score(self, value: object) -> AutomaticScore:
        if value == NA:
            return NA
        chosen = [self.option(item) for item in as_items(value)]
        return min(1.0, sum(option.score for option in chosen if option is not None))

    def findings(self, value: object) -> tuple[tuple[str, str], ...]:
        chosen = [self.option(item) for item in as_items(value)]
        return tuple(
            (option.finding, f"「{option.label.ja}」が選ばれています")
            for option in chosen
            if option is not None and option.finding
        )

    def display_value(self, value: object, lang: str) -> str:
        labels = [(self.option(item), item) for item in as_items(value)]
        return "、".join(option.label.get(lang) if option else str(raw) for option, raw in labels)


@dataclass(frozen=True)
class MultiType(ChoiceType):
    """Several options at once; the score is the capped sum of the chosen options."""

    name: ClassVar[str] = "multi"
    label_ja: ClassVar[str] = "複数選択"
    exclusive_ok: ClassVar[bool] = True
    multiple: ClassVar[bool] = True

    def sheet_rule(self) -> SheetRule:
        labels = "／".join(choice.label.ja for choice in self.choices)
        return SheetRule(
            "any", prompt=f"当てはまるものを1行に1つずつ（または「、」で区切って）記入: {labels}"
        )

    def sheet_value(self, value: object) -> object:
        labels = {choice.value: choice.label.ja for choice in self.choices}
        return "\n".join(labels.get(str(item), str(item)) for item in as_items(value))

    def from_sheet(self, cell: object) -> object:
        text = "" if cell is None else unicodedata.normalize("NFKC", str(cell))
        values = []
        for line in (line.strip() for line in re.split(r"[\n;；]", text)):
            if line in self._values_by_label:  # a whole label, even one holding 、
                values.append(self._values_by_label[line])
                continue
            parts = (part.strip() for part in re.split(r"[、,，]", line))
            values.extend(self._values_by_label.get(part, part) for part in parts if part)
        return values

    def clean(self, raw: object) -> CleanResult:
        chosen = [
            value for value in dict.fromkeys(str(item).strip() for item in as_items(raw)) if value
        ]
        lone = [value for value in chosen if value == NA and self.allow_na] + [
            option.label.ja
            for option in self.options
            if option.exclusive and option.value in chosen
        ]
        if lone and len(chosen) > 1:
            label = NA_LABEL.ja if lone[0] == NA else lone[0]
            return None, f"「{label}」を選ぶときは、ほかの選択肢は選ばないでください。"
        if chosen == [NA] and self.allow_na:
            return NA, None
        if any(self.option(value) is None for value in chosen):
            return None, "選択肢の中から選んでください。"
        order = [option.value for option in self.options]
        return (tuple(sorted(chosen, key=order.index)) or None), None

    def sample_answer(self, rank: float, facts: SampleFacts) -> list[str]:
        plain = [o for o in self.options if not o.exclusive]
        scoring = sorted((o for o in plain if o.score > 0), key=lambda option: -option.score)
        if not scoring:
            return [plain[0].value]
        exclusive = [o for o in self.options if o.exclusive]
        if rank >= 0.8 and exclusive:
            return [exclusive[0].value]
        return [o.value for o in scoring[: max(1, math.ceil(len(scoring) * (1 - rank)))]]
