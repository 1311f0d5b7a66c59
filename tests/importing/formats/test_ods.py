"""Reading .ods spreadsheets: the text a cell shows for a code, ISO dates, repeated rows and cells."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from odfdo import Cell, Document, Row, Table

from govlod.importing.definitions import SHEETS
from govlod.importing.formats import ods
from tests.importing.workbooks import write_ods

ENTI = ["codice", "nome", "tipologia", "partita_iva", "codice_istat"]


def _document(path: Path, *rows: Row) -> Path:
    document = Document("spreadsheet")
    document.body.clear()
    table = Table("enti")
    header = Row()
    for column in ENTI:
        header.append(Cell(column))
    table.append(header)
    for row in rows:
        table.append(row)
    document.body.append(table)
    document.save(path)
    return path


def test_a_number_shown_with_leading_zeros_reads_as_the_code_shown(tmp_path: Path) -> None:
    row = Row()
    for cell in (
        Cell("comune-novara"),
        Cell("Comune di Novara"),
        Cell("comune"),
        Cell("05728560961"),
        Cell(3106, text="003106"),
    ):
        row.append(cell)
    read = ods.read(_document(tmp_path / "b.ods", row), SHEETS)
    assert read.problems == []
    [found] = read.rows["enti"]
    assert found.get("codice_istat") == "003106" and found.get("partita_iva") == "05728560961"


def test_a_number_shown_in_a_locale_format_reads_as_the_number(tmp_path: Path) -> None:
    row = Row()
    for cell in (Cell("a"), Cell("A"), Cell("comune"), Cell(""), Cell(1234, text="1.234")):
        row.append(cell)
    [found] = ods.read(_document(tmp_path / "b.ods", row), SHEETS).rows["enti"]
    assert found.get("codice_istat") == "1234"


def test_repeated_empty_rows_are_counted_not_expanded(tmp_path: Path) -> None:
    first, gap, last = Row(), Row(repeated=1_000_000), Row()
    for cell in (Cell("a"), Cell("A"), Cell("comune")):
        first.append(cell)
    gap.append(Cell(repeated=16_000))
    for cell in (Cell("b"), Cell("B"), Cell("comune")):
        last.append(cell)
    rows = ods.read(_document(tmp_path / "b.ods", first, gap, last), SHEETS).rows["enti"]
    assert [(r.get("codice"), r.number) for r in rows] == [("a", 2), ("b", 1_000_003)]


def test_dates_read_as_iso_dates(tmp_path: Path) -> None:
    sheets = {"appartenenze": [["persona", "posto", "dal", "al"], ["Maria Rossi", "p", date(2024, 3, 1), ""]]}
    [row] = ods.read(write_ods(tmp_path / "b.ods", sheets), SHEETS).rows["appartenenze"]
    assert row.cells == {"persona": "Maria Rossi", "posto": "p", "dal": "2024-03-01", "al": ""}
    assert row.problem("dal", "x").cell == "C2"
