"""Reading .xlsx workbooks: what the user sees in a cell is what the importer reads, and a problem is
named by sheet and cell."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl

from govlod.importing.definitions import SHEETS
from govlod.importing.formats import xlsx
from tests.importing.workbooks import write_xlsx

ENTI = ["codice", "nome", "tipologia", "partita_iva", "codice_istat"]


def test_codes_keep_their_leading_zeros_typed_as_text_or_shown_by_a_zeros_format(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "enti.xlsx", {"enti": [ENTI, ["comune-novara", "Comune di Novara", "comune", "05728560961", 3106]]}
    )
    book = openpyxl.load_workbook(path)
    book["enti"]["E2"].number_format = "000000"  # Excel's way of showing a number as a six-digit code
    book.save(path)
    read = xlsx.read(path, SHEETS)
    assert read.problems == []
    [row] = read.rows["enti"]
    assert row.get("partita_iva") == "05728560961" and row.get("codice_istat") == "003106"
    assert (row.file, row.number, row.letters) == ("enti", 2, {c: "ABCDE"[i] for i, c in enumerate(ENTI)})


def test_numbers_dates_and_empty_cells_read_as_the_user_sees_them(tmp_path: Path) -> None:
    header = ["codice", "tavolo", "nome", "ruolo", "quanti", "eventuale", "requisiti"]
    posti = [header, ["p", "t", "Posto", "delegato", 2.0, True, None]]
    appartenenze = [["persona", "posto", "dal", "al"], ["Maria Rossi", "p", datetime(2024, 3, 1), date(2025, 1, 31)]]
    read = xlsx.read(write_xlsx(tmp_path / "b.xlsx", {"posti": posti, "appartenenze": appartenenze}), SHEETS)
    assert read.problems == []
    assert read.rows["posti"][0].cells == {
        "codice": "p",
        "tavolo": "t",
        "nome": "Posto",
        "ruolo": "delegato",
        "quanti": "2",
        "eventuale": "true",
        "requisiti": "",
    }
    assert read.rows["appartenenze"][0].get("dal") == "2024-03-01"
    assert read.rows["appartenenze"][0].get("al") == "2025-01-31"


def test_other_sheets_are_ignored_and_sheet_names_match_whatever_the_case(tmp_path: Path) -> None:
    read = xlsx.read(
        write_xlsx(tmp_path / "b.xlsx", {"Enti ": [ENTI, ["a", "A", "comune", "", ""]], "note": [["x"]]}), SHEETS
    )
    assert read.problems == []
    assert list(read.rows) == ["enti"] and read.rows["enti"][0].file == "Enti "


def test_a_header_problem_names_the_header_row(tmp_path: Path) -> None:
    read = xlsx.read(write_xlsx(tmp_path / "b.xlsx", {"enti": [["codice", "nome"], ["a", "A"]]}), SHEETS)
    assert [str(p) for p in read.problems] == ["enti!1:1: missing column(s): tipologia"]


def test_a_workbook_without_known_sheets_is_a_problem(tmp_path: Path) -> None:
    read = xlsx.read(write_xlsx(tmp_path / "b.xlsx", {}), SHEETS)
    assert [str(p) for p in read.problems] == [
        "b.xlsx: no sheet govlod knows; name the sheets: " + ", ".join(sheet.name for sheet in SHEETS)
    ]
