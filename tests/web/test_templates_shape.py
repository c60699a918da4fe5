"""Tables, key/value lists and labels are written by the macros only (templates/macros/).

A page template that writes <table>, <dl> or <label> itself would drift from the shared markup
(captions, th scope, the frame that scrolls, the label's class and for); these tests keep the
rule, and check that the macros themselves still write what the pages rely on."""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parents[2] / "vendorcheck" / "web" / "templates"
MACROS = TEMPLATES / "macros"
HAND_WRITTEN = re.compile(r"<(table|dl|label)[\s>]", re.IGNORECASE)


def _page_templates():
    return [p for p in sorted(TEMPLATES.rglob("*.html")) if MACROS not in p.parents]


def _environment():
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def test_no_template_outside_the_macros_writes_a_table_a_list_or_a_label():
    found = []
    for path in _page_templates():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in HAND_WRITTEN.finditer(line):
                found.append(f"{path.relative_to(TEMPLATES)}:{number}: <{match.group(1)}")
    assert _page_templates(), "no templates found"
    assert found == [], "write these through macros/table.html or macros/form.html:\n" + "\n".join(
        found
    )


def test_the_rule_sees_a_hand_written_table_list_and_label():
    samples = ['<table class="x">', "<dl>", '<label for="q">', "<TABLE>"]
    assert all(HAND_WRITTEN.search(sample) for sample in samples)
    assert not HAND_WRITTEN.search("{{ field_label('q', '検索') }} <tablet> <dlx>")


@dataclass(frozen=True)
class MacroCase:
    """A macro call rendered on its own, and what its HTML must and must not contain."""

    source: str
    present: tuple[str, ...]
    context: dict = field(default_factory=dict)
    absent: tuple[str, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)


MACRO_CASES = {
    "table: caption, scope, row anchors and figures": MacroCase(
        '{% from "macros/table.html" import table %}'
        '{% macro anchor(row) %}id="row-{{ row.id }}"{% endmacro %}'
        "{% macro odd(row) %}{% if row.id is odd %}odd{% endif %}{% endmacro %}"
        "{% call(row) table('一覧', ['名称', {'label': '件数', 'numeric': true}], rows, "
        "row_attrs=anchor, row_class=odd, raw_ids=true, sticky=true) %}"
        '<th scope="row">{{ row.name }}</th><td class="number">{{ row.count }}</td>{% endcall %}',
        context={
            "rows": [{"id": 1, "name": "<甲>", "count": 3}, {"id": 2, "name": "乙", "count": 10}]
        },
        present=(
            '<div class="table-wrap table-wrap--sticky" data-raw-id>',
            "<table>",
            '<caption class="visually-hidden">一覧</caption>',
            '<th scope="col">名称</th><th scope="col" class="number">件数</th>',
            '<tr id="row-1" class="odd"><th scope="row">&lt;甲&gt;</th>',
            '<tr id="row-2"><th scope="row">乙</th><td class="number">10</td></tr>',
        ),
    ),
    "an empty table says so across all columns": MacroCase(
        '{% from "macros/table.html" import table %}'
        "{% call(row) table(none, ['甲', '乙', '丙'], [], empty='ありません。') %}<td></td>{% endcall %}",
        present=('<tr><td colspan="3">ありません。</td></tr>',),
        absent=("<caption",),
    ),
    "grouped table: one body per group with its heading": MacroCase(
        '{% from "macros/table.html" import grouped_table %}'
        "{% call(row) grouped_table('表', ['項目', sorted], groups, group_class='g') %}"
        "<td>{{ row }}</td><td>値</td>{% endcall %}",
        context={
            "sorted": {
                "label": Markup('<a href="?sort=x">並べ替え</a>'),
                "attrs": {"aria-sort": "ascending"},
            },
            "groups": [
                {"heading": "総合", "rows": ["a"], "id": "group-1"},
                {"heading": "要件", "rows": ["b", "c"]},
            ],
        },
        present=(
            '<tr class="g"><th scope="rowgroup" colspan="2" id="group-1">総合</th></tr>',
            '<tr class="g"><th scope="rowgroup" colspan="2">要件</th></tr>',
            '<th scope="col" aria-sort="ascending"><a href="?sort=x">並べ替え</a></th>',
        ),
        counts={"<tbody>": 2},
    ),
    "the summary list and the label macros": MacroCase(
        '{% from "macros/table.html" import summary_list, summary_row, summary_term, summary_value %}'
        '{% from "macros/form.html" import field_label %}'
        "{% call summary_list('summary x', id='s') %}{{ summary_row('案件', '<名>') }}"
        "{{ summary_row('空', '') }}{% call summary_row('リンク', id='l') %}<a href=\"/\">開く</a>{% endcall %}"
        "{{ summary_term('二つ') }}{{ summary_value('一', {'data-one': ''}) }}{{ summary_value('二') }}{% endcall %}"
        "{{ field_label('q', '検索') }}|{{ field_label('f', 'ファイルを選ぶ', class_='button', hidden=true) }}|"
        '{% call field_label(none, class_=none) %}年度<input name="y">{% endcall %}',
        present=(
            '<dl class="summary x" id="s">',
            "<dt>案件</dt><dd>&lt;名&gt;</dd>",
            "<dt>空</dt><dd>—</dd>",
            '<dt>リンク</dt><dd id="l"><a href="/">開く</a></dd>',
            '<dt>二つ</dt><dd data-one="">一</dd><dd>二</dd>',
            '<label class="form-label" for="q">検索</label>',
            '<label class="button" for="f" aria-hidden="true">ファイルを選ぶ</label>',
            '<label>年度<input name="y"></label>',
        ),
    ),
}


@pytest.mark.parametrize("case", MACRO_CASES.values(), ids=MACRO_CASES.keys())
def test_the_macros_write_what_the_pages_rely_on(case: MacroCase):
    html = _environment().from_string(case.source).render(**case.context)
    assert [part for part in case.present if part not in html] == [], html
    assert [part for part in case.absent if part in html] == [], html
    assert {part: html.count(part) for part in case.counts} == case.counts, html
