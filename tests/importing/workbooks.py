"""Workbooks for the tests, written with the libraries govlod reads them with: openpyxl and odfdo."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from odfdo import Document, Table

from govlod.importing.definitions import SHEETS
from govlod.importing.templates import hint
from tests.helpers import PROJECT

TEMPLATES = PROJECT / "data" / "templates"
EXAMPLE = TEMPLATES / "esempio"

Cells = list[list[object]]  # rows of cell values, the header first


def example_sheets() -> dict[str, Cells]:
    """The example sheets of data/templates/esempio/, as rows of text cells."""
    sheets = {}
    for path in sorted(EXAMPLE.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            sheets[path.stem] = [list(row) for row in csv.reader(handle)]
    return sheets


def write_xlsx(path: Path, sheets: dict[str, Cells], text_format: bool = False) -> Path:
    """A new workbook with a "Leggimi" sheet first (which the importer ignores) and `sheets`."""
    book = openpyxl.Workbook()
    readme = book.active
    assert readme is not None
    readme.title = "Leggimi"
    readme["A1"] = "istruzioni"
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if text_format:
            for row in sheet.iter_rows():
                for cell in row:
                    cell.number_format = "@"
    book.save(path)
    return path


def write_ods(path: Path, sheets: dict[str, Cells]) -> Path:
    document = Document("spreadsheet")
    body = document.body
    body.clear()
    readme = Table("Leggimi")
    readme.set_value("A1", "istruzioni")
    body.append(readme)
    for name, rows in sheets.items():
        table = Table(name)
        for y, row in enumerate(rows):
            for x, value in enumerate(row):
                if value not in ("", None):
                    table.set_value((x, y), value)
        body.append(table)
    document.save(path)
    return path


def fill_xlsx(template: Path, path: Path, sheets: dict[str, Cells]) -> Path:
    """The template with `sheets`' data rows typed under its headers, as a user fills it in."""
    book = openpyxl.load_workbook(template)
    for name, rows in sheets.items():
        sheet = book[name]
        header = [cell.value for cell in sheet[1]]
        for y, row in enumerate(rows[1:], start=2):
            for column, value in zip(rows[0], row, strict=True):
                if value != "":
                    sheet.cell(row=y, column=header.index(column) + 1, value=value)
    book.save(path)
    return path


def fill_ods(template: Path, path: Path, sheets: dict[str, Cells]) -> Path:
    document = Document(template)
    for name, rows in sheets.items():
        table = document.body.get_table(name=name)
        assert table is not None
        header = [str(value) for value in table.get_row(0).get_values()]
        for y, row in enumerate(rows[1:], start=1):
            for column, value in zip(rows[0], row, strict=True):
                if value != "":
                    table.set_value((header.index(column), y), value)
    document.save(path)
    return path


def zip_with(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def replace_part(workbook: Path, name: str, data: bytes, out: Path) -> Path:
    """The workbook with one of its parts replaced, the others as they were."""
    with zipfile.ZipFile(workbook) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[name] = data
    out.write_bytes(zip_with(parts))
    return out


def check_workbook_layout(book: Any) -> None:
    """A template's layout, filled in or not: Leggimi first, a sheet per kind with its columns in the
    first row and each column's hint as the header cell's note, the hidden lists last."""
    assert book.sheetnames == ["Leggimi", *(s.name for s in SHEETS), "liste"]
    assert book["liste"].sheet_state == "hidden"
    for sheet in SHEETS:
        header = book[sheet.name][1]
        assert [c.value for c in header] == list(sheet.columns)
        assert all(c.comment is not None and c.comment.text == hint(sheet, c.value) for c in header)
