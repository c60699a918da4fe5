"""vendorcheck annex and vendorcheck check-clauses."""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import docx
import pytest

from tests.commands import command_runner
from tests.web.test_annexes import ORGANISATION, article_numbers, assert_clean, make_assessment
from vendorcheck.app import create_app
from vendorcheck.domain.clauses import load_clauses
from vendorcheck.services import annexes as annex_service
from vendorcheck.store.models import AuditEvent, GeneratedAnnex

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_CLAUSES = ROOT / "contract_templates" / "clauses"


def _output(result) -> str:
    """What the user sees: stdout and stderr interleaved (click 8.2 and later)."""
    return result.output


# --- vendorcheck annex ---------------------------------------------------------------------


def test_annex_writes_the_stored_docx_of_a_new_version(app, db, runner, tmp_path):
    assessment = make_assessment(app, "outsourcing")
    target = tmp_path / "特記事項.docx"
    result = runner.invoke(args=["annex", str(assessment.id), "-o", str(target)])
    assert result.exit_code == 0, _output(result)
    row = GeneratedAnnex.get(GeneratedAnnex.assessment == assessment.id)
    data = target.read_bytes()
    assert data == annex_service.docx_bytes(row)
    assert f"第1版（{len(annex_service.clause_ids_of(row))} 条" in result.output
    assert row.content_hash in result.output
    assert hashlib.sha256(data).hexdigest() == row.content_hash
    paragraphs = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    numbers = article_numbers(paragraphs)
    assert numbers and numbers == list(range(1, len(numbers) + 1))
    assert ORGANISATION in "\n".join(paragraphs)
    assert_clean(paragraphs)
    assert row.created_by is None
    event = AuditEvent.get(AuditEvent.action == "annex.generate")
    assert event.actor_label == "コマンド annex"

    again = runner.invoke(
        args=["annex", str(assessment.id), "-o", str(target), "--optional", "liability_insurance"]
    )
    assert again.exit_code == 0, _output(again)
    second = GeneratedAnnex.get(GeneratedAnnex.version == 2)
    assert "liability_insurance" in annex_service.clause_ids_of(second)
    assert target.read_bytes() == annex_service.docx_bytes(second)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["annex", "99999", "-o", "{tmp}/a.docx"],
            1,
            "回答（アセスメント）ID 99999 は見つかりません",
        ),
        (["annex", "abc", "-o", "{tmp}/a.docx"], 2, "回答ID「abc」は数字で指定してください"),
        (["annex", "{id}"], 2, "書き出すファイルを -o で指定してください"),
        (["annex", "{id}", "-o", "{tmp}/no/such/folder/a.docx"], 1, "フォルダーがありません"),
        (["annex", "{id}", "-o", "{tmp}"], 1, "同じ名前のフォルダーがあります"),
        (
            ["annex", "{id}", "-o", "{tmp}/a.docx", "--optional", "no_such_clause"],
            1,
            "条項「no_such_clause」は、この特記事項で選べる任意の条文ではありません",
        ),
    ],
)
def test_annex_errors_exit_non_zero_in_japanese_and_store_nothing(
    app, db, runner, tmp_path, args, code, message
):
    assessment = make_assessment(app, "outsourcing")
    filled = [a.format(tmp=tmp_path, id=assessment.id) for a in args]
    result = runner.invoke(args=filled)
    assert result.exit_code == code
    assert message in _output(result)
    assert GeneratedAnnex.select().count() == 0
    assert not (tmp_path / "a.docx").exists()


def test_annex_of_an_unsubmitted_assessment_is_refused(app, db, runner, tmp_path):
    assessment = make_assessment(app, "outsourcing", submit=False)
    result = runner.invoke(args=["annex", str(assessment.id), "-o", str(tmp_path / "a.docx")])
    assert result.exit_code == 1
    assert "提出された回答がないため、特記事項を作成できません" in _output(result)
    assert GeneratedAnnex.select().count() == 0 and not (tmp_path / "a.docx").exists()


# --- vendorcheck check-clauses -------------------------------------------------------------


def cli_runner(tmp_path: Path, clauses_dir: Path | None = None):
    """A CLI runner for an app whose CLAUSES_DIR setting is the given folder (no database)."""
    config = {
        "TESTING": True,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret-key",
    }
    if clauses_dir is not None:
        config["CLAUSES_DIR"] = str(clauses_dir)
    return command_runner(create_app(config))


def test_check_clauses_passes_on_the_shipped_files(tmp_path):
    result = cli_runner(tmp_path).invoke(args=["check-clauses"])
    assert result.exit_code == 0, _output(result)
    count = len(load_clauses(SHIPPED_CLAUSES))
    assert f"条文 {count} 件を確認しました。問題はありません。" in result.output


def test_check_clauses_fails_naming_the_file_and_the_clause(tmp_path):
    folder = tmp_path / "clauses"
    shutil.copytree(SHIPPED_CLAUSES, folder)
    approved = folder / "subcontracting_approved.toml"
    text = approved.read_text(encoding="utf-8")
    approved.write_text(text.replace('in = ["yes"]', 'in = ["maybe"]'), encoding="utf-8")
    general = folder / "general.toml"
    general.write_text(
        general.read_text(encoding="utf-8").replace("{{ 組織名 }}", "{{ 住所 }}", 1),
        encoding="utf-8",
    )
    result = cli_runner(tmp_path, folder).invoke(args=["check-clauses"])
    assert result.exit_code == 1
    output = _output(result)
    assert (
        "subcontracting_approved.toml: 条項「subcontracting_approved」: "
        "「maybe」は質問「sub.uses_subcontractors」の選択肢にありません"
    ) in output
    assert "general.toml: 条項「general」: 本文で使えない名前「住所」が使われています" in output
    assert "条文に 2 件の問題があります" in output


def test_check_clauses_reports_a_requirement_no_clause_states(tmp_path):
    folder = tmp_path / "clauses"
    shutil.copytree(SHIPPED_CLAUSES, folder)
    (folder / "publication.toml").unlink()
    result = cli_runner(tmp_path, folder).invoke(args=["check-clauses"])
    assert result.exit_code == 1
    assert "要件 OUT-16 を定める条がありません" in _output(result)
