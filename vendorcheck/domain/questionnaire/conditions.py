"""Show-if conditions as data: parsed into frozen objects and evaluated, never eval'd."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass

Applies = Callable[[str], bool]

CONDITION_FORMS = (
    '{ question = "ID", in = [...] }',
    '{ question = "ID", answered = true }',
    "{ tier_at_least = N }",
    "{ all = [...] }",
    "{ any = [...] }",
    "{ not = ... }",
)


class ConditionError(ValueError):
    """A condition table that does not match any of the condition forms."""


@dataclass(frozen=True)
class AnswerIn:
    """True when the question applies and its answer is one of the values."""

    question: str
    values: tuple[str, ...]

    def to_data(self) -> dict[str, object]:
        return {"question": self.question, "in": list(self.values)}


@dataclass(frozen=True)
class Answered:
    """True when the question applies and has an answer."""

    question: str

    def to_data(self) -> dict[str, object]:
        return {"question": self.question, "answered": True}


@dataclass(frozen=True)
class TierAtLeast:
    """True when the tier of the information handled is at least this."""

    tier: int

    def to_data(self) -> dict[str, object]:
        return {"tier_at_least": self.tier}


@dataclass(frozen=True)
class AllOf:
    """True when every condition is true."""

    conditions: tuple[Condition, ...]

    def to_data(self) -> dict[str, object]:
        return {"all": [condition.to_data() for condition in self.conditions]}


@dataclass(frozen=True)
class AnyOf:
    """True when at least one condition is true."""

    conditions: tuple[Condition, ...]

    def to_data(self) -> dict[str, object]:
        return {"any": [condition.to_data() for condition in self.conditions]}


@dataclass(frozen=True)
class Not:
    """True when the condition is false."""

    condition: Condition

    def to_data(self) -> dict[str, object]:
        return {"not": self.condition.to_data()}


Condition = AnswerIn | Answered | TierAtLeast | AllOf | AnyOf | Not


def _expect_keys(raw: Mapping[str, object], keys: set[str]) -> None:
    if set(raw) != keys:
        extra = sorted(set(raw) - keys)
        problem = f"未知のキー '{extra[0]}'" if extra else f"キー {sorted(keys)} が必要です"
        raise ConditionError(f"条件の形が正しくありません（{problem}）")


def _parse_list(raw: object, key: str) -> tuple[Condition, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConditionError(f"条件 {key} には条件を1つ以上並べたリストを指定してください")
    return tuple(parse_condition(item) for item in raw)


def parse_condition(raw: object) -> Condition:
    """Parse a TOML condition table; raise ConditionError with a Japanese message."""
    if not isinstance(raw, Mapping):
        raise ConditionError("条件は表（{ … }）で指定してください")
    if "question" in raw:
        question = raw["question"]
        if not isinstance(question, str) or not question:
            raise ConditionError("条件の question には質問IDを文字列で指定してください")
        if "in" in raw:
            _expect_keys(raw, {"question", "in"})
            values = raw["in"]
            if not isinstance(values, list) or not values:
                raise ConditionError(
                    "条件の in には選択肢の値を1つ以上並べたリストを指定してください"
                )
            if not all(isinstance(value, str) for value in values):
                raise ConditionError("条件の in の値は文字列で指定してください")
            return AnswerIn(question, tuple(values))
        if "answered" in raw:
            _expect_keys(raw, {"question", "answered"})
            if raw["answered"] is not True:
                raise ConditionError(
                    "answered には true を指定してください（未回答を条件にするには not を使います）"
                )
            return Answered(question)
        raise ConditionError("question を使う条件には in か answered を指定してください")
    if "tier_at_least" in raw:
        _expect_keys(raw, {"tier_at_least"})
        tier = raw["tier_at_least"]
        if isinstance(tier, bool) or tier not in (1, 2, 3):
            raise ConditionError("tier_at_least には 1, 2, 3 のいずれかを指定してください")
        return TierAtLeast(int(tier))
    for key, combine in (("all", AllOf), ("any", AnyOf)):
        if key in raw:
            _expect_keys(raw, {key})
            return combine(_parse_list(raw[key], key))
    if "not" in raw:
        _expect_keys(raw, {"not"})
        return Not(parse_condition(raw["not"]))
    raise ConditionError("条件の形が正しくありません。使える形: " + "、".join(CONDITION_FORMS))


def walk(condition: Condition) -> Iterator[Condition]:
    """Yield the condition and every condition nested in it."""
    yield condition
    if isinstance(condition, AllOf | AnyOf):
        for child in condition.conditions:
            yield from walk(child)
    elif isinstance(condition, Not):
        yield from walk(condition.condition)


def referenced_questions(condition: Condition | None) -> frozenset[str]:
    """Return the ids of the questions whose answers the condition reads."""
    if condition is None:
        return frozenset()
    return frozenset(
        node.question for node in walk(condition) if isinstance(node, AnswerIn | Answered)
    )


def has_answer(value: object) -> bool:
    """Tell whether a cleaned answer value counts as answered ("na" does)."""
    if value is None or value == "":
        return False
    if type(value) in (list, tuple, set, frozenset, dict):  # exact types: this runs per question
        return len(value) > 0  # type: ignore[arg-type]
    return True


def _answer_is_one_of(value: object, values: tuple[str, ...]) -> bool:
    if isinstance(value, list | tuple | set | frozenset):  # multi: any chosen value counts
        return any(item in values for item in value)
    return value in values


def evaluate(
    condition: Condition | None, answers: Mapping[str, object], tier: int, applies: Applies
) -> bool:
    """Evaluate a condition; a question that does not apply satisfies no condition on it."""
    match condition:
        case None:
            return True
        case AnswerIn(question, values):
            return applies(question) and _answer_is_one_of(answers.get(question), values)
        case Answered(question):
            return applies(question) and has_answer(answers.get(question))
        case TierAtLeast(minimum):
            return tier >= minimum
        case AllOf(children):
            return all(evaluate(child, answers, tier, applies) for child in children)
        case AnyOf(children):
            return any(evaluate(child, answers, tier, applies) for child in children)
        case Not(child):
            return not evaluate(child, answers, tier, applies)
    raise TypeError(f"not a condition: {condition!r}")


def reference_problems(
    condition: Condition | None,
    earlier: Mapping[str, tuple[str, ...] | None],
    known: Collection[str],
) -> list[str]:
    """List what is wrong with the questions a condition reads, in Japanese."""
    # earlier: each question before the condition's item → values `in` may test (None: none).
    if condition is None:
        return []
    problems: list[str] = []
    for node in walk(condition):
        if not isinstance(node, AnswerIn | Answered):
            continue
        if node.question not in known:
            problems.append(f"show_if が存在しない質問 '{node.question}' を参照しています")
        elif node.question not in earlier:
            problems.append(f"show_if はこれより前の質問だけを参照できます（'{node.question}'）")
        elif isinstance(node, AnswerIn):
            values = earlier[node.question]
            if values is None:
                target = f"'{node.question}'"
                problems.append(
                    f"show_if の in は choice, multi, yesno の質問にだけ使えます（{target}）"
                )
                continue
            problems.extend(
                f"show_if の値 '{value}' は質問 '{node.question}' の選択肢にありません"
                for value in node.values
                if value not in values
            )
    return problems


def find_cycles(depends_on: Mapping[str, Collection[str]]) -> list[tuple[str, ...]]:
    """Return each cycle in a dependency graph once, as the path that closes it."""
    cycles: list[tuple[str, ...]] = []
    state: dict[str, str] = {}  # "visiting" while on the current path, then "done"

    def visit(node: str, path: list[str]) -> None:
        state[node] = "visiting"
        for target in sorted(depends_on.get(node, ())):
            if state.get(target) == "visiting":
                cycles.append((*path[path.index(target) :], target))
            elif target not in state:
                visit(target, [*path, target])
        state[node] = "done"

    for node in sorted(depends_on):
        if node not in state:
            visit(node, [node])
    return cycles
