"""Read TOML-shaped data into the parts of a questionnaire, reporting every problem."""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Mapping

from vendorcheck.domain.questionnaire.conditions import (
    Condition,
    ConditionError,
    find_cycles,
    parse_condition,
    reference_problems,
    referenced_questions,
)
from vendorcheck.domain.questionnaire.i18n import Text, parse_text
from vendorcheck.domain.questionnaire.questions import DEFAULT_WEIGHT, TIERS, Question, Section
from vendorcheck.domain.questionnaire.types import QUESTION_TYPES, QuestionType, is_number
from vendorcheck.domain.requirements import KINDS, REQUIREMENT_ID, Requirement

ITEM_ID = re.compile(r"[a-z0-9_]+")
QUESTION_ID = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)+")
FILE_KEYS = frozenset(
    {"id", "version", "respondent", "kinds", "title", "description", "thresholds", "sections"}
)
# Who answers a questionnaire: a bidder by link, or the applying section inside vendorcheck.
RESPONDENTS = ("vendor", "department")
SECTION_KEYS = frozenset({"id", "title", "description", "show_if", "questions"})
QUESTION_KEYS = frozenset(
    {"id", "type", "text", "hint", "requirements", "weight"}
    | {"mandatory_from_tier", "required", "show_if"}
)
ALL_QUESTION_KEYS = QUESTION_KEYS.union(*(kind.keys for kind in QUESTION_TYPES.values()))


class QuestionnaireError(ValueError):
    """Raised with every problem found, each naming the file, the item and the problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = list(errors)


def _did_you_mean(key: str, known: frozenset[str]) -> str:
    close = difflib.get_close_matches(key, sorted(known), n=1)
    return f"（{close[0]} の誤りではありませんか）" if close else ""


class _Reader:
    """Turn parsed TOML into a questionnaire's fields, collecting every problem on the way."""

    def __init__(
        self, source: str, catalogue: Mapping[str, Requirement] | None, file_rules: bool = False
    ) -> None:
        self.source = source
        self.catalogue = catalogue
        self.file_rules = file_rules  # a file a person edits, not a stored snapshot
        self.problems: list[str] = []

    def report(self, where: str, message: str) -> None:
        self.problems.append(f"{self.source}: {where}{message}")

    def unknown_keys(self, where: str, table: Mapping[str, object], known: frozenset[str]) -> None:
        for key in sorted(set(table) - known):
            self.report(where, f"未知のキー '{key}'{_did_you_mean(key, known)}")

    def text(
        self, where: str, table: Mapping[str, object], key: str, required: bool = False
    ) -> Text | None:
        if key not in table:
            if required:
                self.report(where, f"{key} がありません")
            return None
        try:
            return parse_text(table[key])
        except ValueError as error:
            self.report(where, f"{key}: {error}")
            return None

    def condition(self, where: str, table: Mapping[str, object]) -> Condition | None:
        if "show_if" not in table:
            return None
        try:
            return parse_condition(table["show_if"])
        except ConditionError as error:
            self.report(where, f"show_if: {error}")
            return None

    def questionnaire(
        self, data: Mapping[str, object], expected_id: str | None
    ) -> dict[str, object]:
        self.unknown_keys("", data, FILE_KEYS)
        file_id = data.get("id")
        if not isinstance(file_id, str) or not ITEM_ID.fullmatch(file_id):
            self.report("", "id は半角英小文字・数字・_ で指定してください")
        elif expected_id is not None and file_id != expected_id:
            self.report("", f"id '{file_id}' はファイル名 '{expected_id}' と同じにしてください")
        version = data.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            self.report("", "version は1以上の整数で指定してください")
        kinds = data.get("kinds")
        if not isinstance(kinds, list) or not kinds or len(set(map(str, kinds))) < len(kinds):
            self.report(
                "", f"kinds には種別を重複なく1つ以上指定してください（{', '.join(KINDS)}）"
            )
            kinds = []
        for kind in kinds:
            if kind not in KINDS:
                self.report("kinds: ", f"未知の種別 '{kind}' です（{', '.join(KINDS)}）")
        respondent = self.respondent(data)
        title = self.text("", data, "title", required=True)
        description = self.text("", data, "description")
        thresholds = self.thresholds(data.get("thresholds"))
        sections = self.sections(data.get("sections"))
        self.check_conditions(sections)
        return {
            "id": str(file_id),
            "version": version if isinstance(version, int) else 0,
            "kinds": tuple(map(str, kinds)),
            "title": title or Text("?"),
            "thresholds": thresholds,
            "sections": sections,
            "description": description,
            "respondent": respondent,
        }

    def respondent(self, data: Mapping[str, object]) -> str:
        """Who answers: required in a file; a snapshot without it was issued to a vendor."""
        if "respondent" not in data and not self.file_rules:
            return "vendor"
        value = data.get("respondent")
        if value not in RESPONDENTS:
            self.report(
                "",
                'respondent には "vendor"（事業者がリンクから回答）又は'
                ' "department"（申請する課が vendorcheck 内で回答）を指定してください',
            )
            return "vendor"
        return str(value)

    def thresholds(self, raw: object) -> tuple[tuple[int, float], ...]:
        if not isinstance(raw, Mapping):
            self.report("", 'thresholds に区分 "1" "2" "3" の合格点を指定してください')
            return ()
        self.unknown_keys("thresholds: ", raw, frozenset(str(tier) for tier in TIERS))
        marks: list[tuple[int, float]] = []
        for tier in TIERS:
            entry = raw.get(str(tier))
            mark = entry.get("pass") if isinstance(entry, Mapping) else None
            if not isinstance(entry, Mapping) or set(entry) != {"pass"} or not is_number(mark):
                self.report(
                    "thresholds: ", f'区分 "{tier}" を {{ pass = 0〜100 }} で指定してください'
                )
            elif not 0 <= mark <= 100:  # type: ignore[operator]
                self.report("thresholds: ", f'区分 "{tier}" の合格点は 0〜100 で指定してください')
            else:
                marks.append((tier, mark))  # type: ignore[arg-type]
        for (low_tier, low), (high_tier, high) in itertools.pairwise(marks):
            if high < low:
                self.report(
                    "thresholds: ",
                    f"区分{high_tier}の合格点 {high} が区分{low_tier}の {low} より低くなっています",
                )
        return tuple(marks)

    def sections(self, raw: object) -> tuple[Section, ...]:
        if not isinstance(raw, list) or not raw:
            self.report("", "セクション ([[sections]]) が1つもありません")
            return ()
        sections: list[Section] = []
        seen_questions: set[str] = set()
        for index, table in enumerate(raw, start=1):
            if not isinstance(table, Mapping):
                self.report("", f"{index}番目のセクションが表になっていません")
                continue
            section_id = table.get("id")
            where = f"セクション {section_id}: "
            if not isinstance(section_id, str) or not ITEM_ID.fullmatch(section_id):
                self.report(
                    f"{index}番目のセクション: ", "id は半角英小文字・数字・_ で指定してください"
                )
                continue
            if any(section.id == section_id for section in sections):
                self.report(where, "セクションIDが重複しています")
                continue
            self.unknown_keys(where, table, SECTION_KEYS)
            title = self.text(where, table, "title", required=True)
            questions = self.questions(section_id, table.get("questions"), seen_questions)
            sections.append(
                Section(
                    id=section_id,
                    title=title or Text("?"),
                    questions=questions,
                    description=self.text(where, table, "description"),
                    show_if=self.condition(where, table),
                )
            )
        return tuple(sections)

    def questions(self, section_id: str, raw: object, seen: set[str]) -> tuple[Question, ...]:
        if not isinstance(raw, list) or not raw:
            self.report(f"セクション {section_id}: ", "質問 ([[sections.questions]]) がありません")
            return ()
        questions = []
        for index, table in enumerate(raw, start=1):
            question_id = table.get("id") if isinstance(table, Mapping) else None
            if not isinstance(question_id, str) or not QUESTION_ID.fullmatch(question_id):
                self.report(
                    f"セクション {section_id} の{index}番目の質問: ",
                    f"id は「{section_id}.名前」の形（半角英小文字・数字・_）で指定してください",
                )
            elif not question_id.startswith(f"{section_id}."):
                self.report(f"質問 {question_id}: ", f"id は「{section_id}.」で始めてください")
            elif question_id in seen:
                self.report(f"質問 {question_id}: ", "質問IDが重複しています")
            else:
                seen.add(question_id)
                questions.append(self.question(section_id, question_id, table))  # type: ignore[arg-type]
        return tuple(questions)

    def question(self, section_id: str, question_id: str, table: Mapping[str, object]) -> Question:
        where = f"質問 {question_id}: "
        answer_class = QUESTION_TYPES.get(str(table.get("type")))
        if answer_class is None:
            known = ", ".join(QUESTION_TYPES)
            self.report(where, f"未知の質問の種類 type = '{table.get('type')}' です（{known}）")
            self.unknown_keys(where, table, ALL_QUESTION_KEYS)
        else:
            self.unknown_keys(where, table, QUESTION_KEYS | answer_class.keys)
        type_problems: list[str] = []
        answer_type = answer_class.parse(table, type_problems) if answer_class else QuestionType()
        for problem in type_problems:
            self.report(where, problem)
        text = self.text(where, table, "text", required=True)
        weight = table.get("weight", DEFAULT_WEIGHT)
        if not is_number(weight) or not 0 <= weight <= 10:  # type: ignore[operator]
            self.report(where, "weight は 0 から 10 までの数値で指定してください")
            weight = DEFAULT_WEIGHT
        mandatory = table.get("mandatory_from_tier")
        if mandatory is not None and (isinstance(mandatory, bool) or mandatory not in TIERS):
            self.report(where, "mandatory_from_tier は 1, 2, 3 のいずれかで指定してください")
            mandatory = None
        required = table.get("required", True)
        if not isinstance(required, bool):
            self.report(where, "required は true か false で指定してください")
        return Question(
            id=question_id,
            section_id=section_id,
            text=text or Text("?"),
            answer_type=answer_type,
            requirements=self.requirement_ids(where, table.get("requirements")),
            weight=weight,  # type: ignore[arg-type]
            hint=self.text(where, table, "hint"),
            mandatory_from_tier=mandatory,  # type: ignore[arg-type]
            required=required is not False,
            show_if=self.condition(where, table),
        )

    def requirement_ids(self, where: str, raw: object) -> tuple[str, ...]:
        if not isinstance(raw, list) or not raw or not all(isinstance(item, str) for item in raw):
            self.report(where, 'requirements に要件IDを1つ以上指定してください（例: ["CLD-10"]）')
            return ()
        for requirement_id in sorted({item for item in raw if raw.count(item) > 1}):
            self.report(where, f"要件ID '{requirement_id}' が重複しています")
        for requirement_id in raw:
            unknown = self.catalogue is not None and requirement_id not in self.catalogue
            if not REQUIREMENT_ID.fullmatch(requirement_id) or unknown:
                self.report(where, f"未知の要件ID '{requirement_id}'")
        return tuple(dict.fromkeys(raw))

    def check_conditions(self, sections: tuple[Section, ...]) -> None:
        known = {question.id for section in sections for question in section.questions}
        earlier: dict[str, tuple[str, ...] | None] = {}
        depends_on: dict[str, set[str]] = {}
        for section in sections:
            for problem in reference_problems(section.show_if, earlier, known):
                self.report(f"セクション {section.id}: ", problem)
            for question in section.questions:
                for problem in reference_problems(question.show_if, earlier, known):
                    self.report(f"質問 {question.id}: ", problem)
                earlier[question.id] = question.answer_type.option_values
                # A question also depends on whatever its section's condition reads.
                depends_on[question.id] = set(referenced_questions(question.show_if))
                depends_on[question.id] |= referenced_questions(section.show_if)
        for cycle in find_cycles(depends_on):
            self.report(f"質問 {cycle[0]}: ", f"show_if が循環しています（{' → '.join(cycle)}）")


def read_questionnaire(
    data: Mapping[str, object],
    source: str,
    expected_id: str | None,
    requirements: Mapping[str, Requirement] | None,
    file_rules: bool = False,
) -> dict[str, object]:
    """Return a questionnaire's fields read from data; raise QuestionnaireError with every problem.

    file_rules: the data is a file a person edits, so `respondent` must be written out.
    """
    reader = _Reader(source, requirements, file_rules)
    fields = reader.questionnaire(data, expected_id)
    if reader.problems:
        raise QuestionnaireError(reader.problems)
    return fields
