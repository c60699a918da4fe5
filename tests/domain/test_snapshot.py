"""Questionnaire snapshots: complete, JSON-able, round-trip, with a stable content hash."""

from __future__ import annotations

import json
import tomllib

import pytest

from vendorcheck.domain.questionnaire import Questionnaire, QuestionnaireError, parse_questionnaire

EVERY_TYPE = """
id = "everything"
version = 3
respondent = "vendor"
kinds = ["cloud", "system"]
title = { ja = "全種類", en = "Every type" }
description = { ja = "説明" }

[thresholds]
"1" = { pass = 50 }
"2" = { pass = 70.5 }
"3" = { pass = 80 }

[[sections]]
id = "main"
title = { ja = "本体" }
description = { ja = "セクションの説明", en = "About" }

[[sections.questions]]
id = "main.choice"
type = "choice"
text = { ja = "選んでください。" }
hint = { ja = "ヒント" }
requirements = ["CLD-10", "CLD-09"]
weight = 2.5
mandatory_from_tier = 2
allow_na = true
options = [
  { value = "a", label = { ja = "甲" }, score = 1 },
  { value = "b", label = { ja = "乙", en = "B" }, score = 0.25, finding = "medium" },
]

[[sections.questions]]
id = "main.multi"
type = "multi"
text = { ja = "複数選んでください。" }
requirements = ["CLD-14"]
options = [
  { value = "x", label = { ja = "X" }, score = 0.5 },
  { value = "none", label = { ja = "いずれも該当しない" }, score = 0, exclusive = true },
]

[[sections.questions]]
id = "main.yesno"
type = "yesno"
expected = "no"
finding = "low"
text = { ja = "はいかいいえ" }
requirements = ["OUT-12"]
show_if = { any = [{ question = "main.choice", in = ["a", "na"] }, { tier_at_least = 3 }] }

[[sections]]
id = "extra"
title = { ja = "追加" }
show_if = { not = { question = "main.multi", answered = true } }

[[sections.questions]]
id = "extra.text"
type = "text"
multiline = true
max_length = 200
scoring = "reviewer"
required = false
text = { ja = "自由記述" }
requirements = ["OUT-01"]

[[sections.questions]]
id = "extra.number"
type = "number"
min = 0
max = 100
unit = { ja = "%", en = "%" }
text = { ja = "稼働率" }
requirements = ["CLD-12"]
weight = 0

[[sections.questions]]
id = "extra.date"
type = "date"
text = { ja = "有効期限" }
requirements = ["OUT-02"]

[[sections.questions]]
id = "extra.file"
type = "file"
accept = ["pdf"]
text = { ja = "証明書" }
requirements = ["OUT-02"]

[[sections.questions]]
id = "extra.corp"
type = "corporate_number"
text = { ja = "法人番号" }
requirements = ["OUT-03"]

[[sections.questions]]
id = "extra.ismap"
type = "ismap_number"
text = { ja = "ISMAP登録番号" }
requirements = ["CLD-09"]

[[sections.questions]]
id = "extra.url"
type = "url"
scoring = "answered"
text = { ja = "URL" }
requirements = ["CLD-12"]

[[sections.questions]]
id = "extra.email"
type = "email"
text = { ja = "連絡先" }
requirements = ["OUT-14"]
"""


def build(text: str = EVERY_TYPE) -> Questionnaire:
    return parse_questionnaire(tomllib.loads(text), "everything.toml")


def test_snapshot_survives_json_and_rebuilds_an_equal_questionnaire():
    questionnaire = build()
    snapshot = json.loads(json.dumps(questionnaire.to_snapshot(), ensure_ascii=False))
    rebuilt = Questionnaire.from_snapshot(snapshot)
    assert rebuilt == questionnaire
    assert rebuilt.to_snapshot() == questionnaire.to_snapshot()
    assert rebuilt.content_hash == questionnaire.content_hash


def test_snapshot_is_complete_with_defaults_filled_in():
    snapshot = build().to_snapshot()
    multi = snapshot["sections"][0]["questions"][1]
    assert multi["weight"] == 1
    assert multi["required"] is True
    assert multi["allow_na"] is False
    date = snapshot["sections"][1]["questions"][2]
    assert date["scoring"] == "none"
    file = snapshot["sections"][1]["questions"][3]
    assert (file["scoring"], file["accept"]) == ("answered", ["pdf"])


def test_hash_is_a_stable_sha256_hex_for_the_same_content():
    first, second = build(), build()
    assert first.content_hash == second.content_hash
    assert len(first.content_hash) == 64
    assert int(first.content_hash, 16) >= 0


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('text = { ja = "稼働率" }', 'text = { ja = "稼働率（年間）" }'),
        ("weight = 2.5", "weight = 3"),
        ("score = 0.25", "score = 0.3"),
        ('"2" = { pass = 70.5 }', '"2" = { pass = 71 }'),
        ("version = 3", "version = 4"),
        ("{ tier_at_least = 3 }", "{ tier_at_least = 2 }"),
        ('en = "B"', 'en = "Bee"'),
    ],
)
def test_hash_changes_when_content_changes(old, new):
    assert old in EVERY_TYPE
    assert build(EVERY_TYPE.replace(old, new)).content_hash != build().content_hash


def test_hash_ignores_toml_layout_and_explicit_defaults():
    relaid = EVERY_TYPE.replace(
        'id = "main.multi"', 'id = "main.multi"\nweight = 1\nrequired = true'
    )
    assert build(relaid).content_hash == build().content_hash


def test_a_tampered_snapshot_is_refused():
    snapshot = build().to_snapshot()
    snapshot["sections"][0]["questions"][0]["weight"] = 50
    with pytest.raises(QuestionnaireError, match=r"snapshot: 質問 main\.choice: weight"):
        Questionnaire.from_snapshot(snapshot)
