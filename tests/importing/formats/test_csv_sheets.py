"""CSV sheets: the separator is the header row's, whatever the values hold."""

from __future__ import annotations

from pathlib import Path

from govlod.importing.definitions import COORDINAMENTI
from govlod.importing.formats.csv_sheets import delimiter_of, read_sheet, sheet_text
from govlod.importing.sheets import Problem

MEMBERS = ";".join(f"ente-{n}" for n in range(12))  # more ";" than "," in the whole first rows


def test_a_comma_sheet_whose_values_hold_many_semicolons_reads_by_its_header(tmp_path: Path) -> None:
    text = "codice,nome,istituito_da,membri\n" + f'coord,"Coordinamento, Novara",provincia,{MEMBERS}\n'
    assert text[:2048].count(";") > text[:2048].count(",")
    path = tmp_path / "coordinamenti.csv"
    path.write_text(text, encoding="utf-8")
    problems: list[Problem] = []
    rows = read_sheet(path, COORDINAMENTI, problems)
    assert problems == []
    assert [(r.get("codice"), r.get("nome"), r.get("membri")) for r in rows] == [
        ("coord", "Coordinamento, Novara", MEMBERS)
    ]


def test_a_semicolon_sheet_as_italian_spreadsheets_export_it(tmp_path: Path) -> None:
    path = tmp_path / "coordinamenti.csv"
    path.write_text("codice;nome;istituito_da;membri\ncoord;Coordinamento, Novara;provincia;a;b\n", encoding="utf-8")
    assert delimiter_of(path.read_text(encoding="utf-8")) == ";"


def test_written_sheets_read_back_whatever_their_values() -> None:
    text = sheet_text(COORDINAMENTI.required, [("coord", "Nome; con; punti e virgola", "provincia", MEMBERS)])
    assert delimiter_of(text) == ","
