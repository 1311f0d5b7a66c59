"""`govlod validate`: exit codes, and messages that say where the problem is."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import PROJECT, run_govlod

CASES = PROJECT / "tests" / "validation_cases"


def test_bundled_data_validates_with_exit_zero() -> None:
    result = run_govlod("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "conforms: " in result.stdout
    assert "0 violations" in result.stdout


def test_violations_exit_one_and_name_file_property_value_and_message() -> None:
    case = CASES / "wrong-partita-iva-check-digit.ttl"
    result = run_govlod("validate", str(case), "--lang", "it")
    assert result.returncode == 1
    assert str(case) in result.stdout
    assert 'gl:partitaIVA "05728560962"' in result.stdout
    assert "l'ultima cifra dovrebbe essere 1" in result.stdout


def test_turtle_syntax_error_exits_two_with_file_line_and_column(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        '@prefix ex: <http://example.org/> .\n\nex:a ex:b "unterminated .\nex:c ex:d ex:e .\n',
        encoding="utf-8",
    )
    result = run_govlod("validate", str(broken))
    assert result.returncode == 2
    assert result.stderr.startswith(f"{broken}:3:")
    assert "syntax error" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_broken_file_is_reported_at_once(tmp_path: Path) -> None:
    (tmp_path / "one.ttl").write_text("<a> <b> .\n", encoding="utf-8")
    (tmp_path / "two.ttl").write_bytes(b'<http://x/a> <http://x/b> "caf\xe9" .\n')
    result = run_govlod("validate", str(tmp_path))
    assert result.returncode == 2
    assert f"{tmp_path / 'one.ttl'}:1:" in result.stderr
    assert f"{tmp_path / 'two.ttl'}:1: not UTF-8 encoded" in result.stderr


def test_missing_path_exits_two_with_a_clear_message(tmp_path: Path) -> None:
    result = run_govlod("validate", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"{tmp_path / 'nowhere'}: no such file or folder"


def test_json_report_lists_findings_for_machines() -> None:
    import json

    result = run_govlod("validate", str(CASES / "seat-without-role.ttl"), "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    assert any("exactly one role" in f["messages"]["en"] for f in report["findings"])
