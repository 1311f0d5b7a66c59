"""`govlod import`: the example sheets import and validate; every kind of bad input gets its exact message,
all problems are reported at once, and nothing is written (or half-written) when anything is wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import PROJECT, run_govlod
from tests.importing.test_messages import bilingual_problems

CASES = PROJECT / "tests" / "import_cases"
EXAMPLE = PROJECT / "data" / "templates" / "esempio"  # the templates filled in with examples


def test_example_sheets_import_into_valid_turtle(tmp_path: Path) -> None:
    result = run_govlod("import", str(EXAMPLE), "--publisher", "esempio", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    output = tmp_path / "esempio.ttl"
    assert f"to {output}" in result.stdout
    checked = run_govlod("validate", str(tmp_path))
    assert checked.returncode == 0, checked.stdout
    text = output.read_text(encoding="utf-8")
    assert 'gl:partitaIVA "05728560961"' in text
    assert "tel:+39-0321-378-851" in text and "tel:+39-0321-378844" in text  # the groups as typed
    # ISTAT codes are linked to the national vocabulary
    assert (
        "<https://w3id.org/italia/controlled-vocabulary/territorial-classifications/cities/003106-(1948-01-01)>" in text
    )
    assert "<https://w3id.org/italia/controlled-vocabulary/territorial-classifications/provinces/003>" in text
    # a body lies within the territory of another row's body, named by its code
    assert "body:comune-novara" in text and "gl:withinTerritoryOf body:provincia-novara" in text


def test_reimporting_unchanged_sheets_gives_identical_bytes(tmp_path: Path) -> None:
    for folder in ("first", "second"):
        assert (
            run_govlod("import", str(EXAMPLE), "--publisher", "esempio", "--out", str(tmp_path / folder)).returncode
            == 0
        )
    assert (tmp_path / "first" / "esempio.ttl").read_bytes() == (tmp_path / "second" / "esempio.ttl").read_bytes()


@pytest.mark.parametrize("case", sorted(p for p in CASES.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_bad_sheet_gets_its_message_and_nothing_is_written(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    previous = out / "prova.ttl"
    previous.write_text("# the previous import\n", encoding="utf-8")
    sheets = tmp_path / "sheets"
    shutil.copytree(case, sheets, ignore=shutil.ignore_patterns("expect*.txt"))
    result = run_govlod("import", str(sheets), "--publisher", "prova", "--out", str(out))
    assert result.returncode == 1
    # Every problem in Italian and in English, each language in its own file: line by line as printed,
    # the place first ("posti.csv:7: ruolo: ..."), as `str(Problem)` gives it in English.
    problems = bilingual_problems(result.stderr)
    italian = "\n".join(it for it, _ in problems)
    english = "\n".join(en for _, en in problems)
    assert (case / "expect.txt").read_text(encoding="utf-8").strip() in english
    assert (case / "expect_it.txt").read_text(encoding="utf-8").strip() in italian
    assert "nothing was written" in result.stderr
    assert "non è stato scritto nulla" in result.stderr
    assert previous.read_text(encoding="utf-8") == "# the previous import\n"  # untouched
    assert sorted(p.name for p in out.iterdir()) == ["prova.ttl"]  # no temporary file left behind


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    (tmp_path / "enti.csv").write_text(
        "codice,nome,tipologia,partita_iva\nente-a,Ente A,ospedale,\nente-b,Ente B,comune,12345678901\nente-a,Ente A bis,comune,\n",
        encoding="utf-8",
    )
    result = run_govlod("import", str(tmp_path), "--publisher", "prova", "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    problems = bilingual_problems(result.stderr)
    assert [italian.split(": ")[:2] for italian, _ in problems] == [
        ["enti.csv:2", "tipologia"],
        ["enti.csv:3", "partita_iva"],
        ["enti.csv:4", "codice"],
    ]
    assert problems[2][1].startswith("enti.csv:4: codice: duplicate code")
    assert problems[2][0].startswith("enti.csv:4: codice: codice 'ente-a' ripetuto")
    assert result.stderr.endswith("3 problemi: non è stato scritto nulla\n3 problems: nothing was written\n")
    assert not (tmp_path / "out").exists()
