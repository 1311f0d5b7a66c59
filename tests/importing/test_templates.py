"""`govlod template`: the committed templates are what the command writes, byte for byte; every column
has a hint; the dropdowns are there, read back with the libraries a spreadsheet file is read with."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from odfdo import Document
from openpyxl.utils import get_column_letter

from govlod.importing.definitions import SHEETS
from govlod.importing.templates import hint
from tests.helpers import run_govlod
from tests.importing.workbooks import TEMPLATES, check_workbook_layout

# Column -> what its dropdown offers, in every format: a code list, or another sheet's codes.
DROPDOWNS = {
    "enti": {"C": "liste!$A$", "H": "enti!$A$", "L": "fonti!$A$"},
    "uffici": {"B": "enti!$A$", "D": "fonti!$A$"},
    "cariche": {"B": "enti!$A$", "D": "liste!$B$", "E": "uffici!$A$", "F": "fonti!$A$"},
    "coordinamenti": {"C": "liste!$C$", "D": "enti!$A$", "E": "enti!$A$", "F": "liste!$D$", "I": "fonti!$A$"},
    "partecipazione": {"B": "coordinamenti!$A$", "D": "liste!$E$", "E": "liste!$D$", "G": "fonti!$A$"},
    "tavoli": {"C": "liste!$C$", "D": "coordinamenti!$A$", "E": "piani!$A$", "G": "fonti!$A$"},
    # No dropdown for di_diritto (F) and designato_da (G): a body's office is named body/code.
    "posti": {
        "B": "tavoli!$A$",
        "D": "liste!$B$",
        "E": "enti!$A$",
        "H": "liste!$F$",
        "I": "liste!$E$",
        "J": "liste!$G$",
        "K": "liste!$B$",
        "O": "liste!$H$",
    },
    "appartenenze": {"B": "posti!$A$"},
    "ambiti": {"C": "fonti!$A$"},
    "piani": {"C": "ambiti!$A$", "D": "enti!$A$", "E": "coordinamenti!$A$", "F": "tavoli!$A$", "H": "fonti!$A$"},
    "obiettivi": {"A": "liste!$I$", "E": "liste!$J$", "F": "liste!$A$"},
    "funzioni": {"B": "liste!$I$"},
    "attivita": {"A": "liste!$I$", "D": "funzioni!$A$", "F": "liste!$J$", "G": "liste!$A$"},
    "norme": {"A": "liste!$I$", "F": "enti!$A$"},
    "contatti": {"C": "liste!$J$", "D": "liste!$K$", "E": "contatti!$B$"},
    "fonti": {"C": "enti!$A$"},
    "dataset": {"D": "enti!$A$", "G": "contatti!$B$", "I": "fonti!$A$"},
}


def test_the_committed_templates_are_what_the_command_writes(tmp_path: Path) -> None:
    for kind in ("csv", "xlsx", "ods"):
        result = run_govlod("template", "--format", kind, "--out", str(tmp_path))
        assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in tmp_path.iterdir())
    committed = sorted(p.name for p in TEMPLATES.iterdir() if p.is_file())
    assert written == committed
    drifted = [name for name in written if (tmp_path / name).read_bytes() != (TEMPLATES / name).read_bytes()]
    assert drifted == [], "regenerate data/templates with govlod template (see README.md)"


def test_every_column_of_every_sheet_has_a_hint_short_enough_for_a_dropdown_prompt() -> None:
    for sheet in SHEETS:
        assert set(sheet.hints) == set(sheet.columns), sheet.name
        assert all(len(hint(sheet, column)) <= 255 for column in sheet.columns)  # Excel's limit for a prompt


def test_the_xlsx_template_has_notes_on_its_headers_and_dropdowns() -> None:
    book = openpyxl.load_workbook(TEMPLATES / "govlod.xlsx")
    check_workbook_layout(book)
    assert any("https://w3id.org/govlod/ontology" in str(c.value) for row in book["Leggimi"].iter_rows() for c in row)
    for sheet in SHEETS:
        worksheet = book[sheet.name]
        found = {}
        for validation in worksheet.data_validations.dataValidation:
            assert validation.type == "list"
            [cells] = validation.sqref.ranges
            found[cells.coord.split(":")[0].rstrip("0123456789")] = validation.formula1
            assert cells.coord.endswith("1001")
        assert sorted(found) == sorted(DROPDOWNS[sheet.name])
        assert all(DROPDOWNS[sheet.name][column] in formula for column, formula in found.items())
    roles = [c.value for c in book["liste"]["B"][1:] if c.value]
    assert "presidente" in roles and "delegato" in roles


def test_the_ods_template_has_notes_on_its_headers_and_dropdowns() -> None:
    document = Document(TEMPLATES / "govlod.ods")
    tables = {table.name: table for table in document.body.get_tables()}
    assert list(tables) == ["Leggimi", *(s.name for s in SHEETS), "liste"]
    conditions = {
        v.get_attribute_string("table:name"): v.get_attribute_string("table:condition")
        for v in document.body.get_elements("table:content-validations/table:content-validation")
    }
    for sheet in SHEETS:
        table = tables[sheet.name]
        header = table.get_elements("table:table-row")[0]
        notes = [cell.get_element("office:annotation") for cell in header.get_elements("table:table-cell")]
        assert [n.text_content if n else None for n in notes] == [hint(sheet, c) for c in sheet.columns]
        data = table.get_elements("table:table-row")[1]
        assert data.get_attribute_integer("table:number-rows-repeated") == 1000
        names = [c.get_attribute_string("table:content-validation-name") for c in data.get_elements("table:table-cell")]
        found = {get_column_letter(i): conditions[name] for i, name in enumerate(names, start=1) if name}
        assert sorted(found) == sorted(DROPDOWNS[sheet.name])
        for column, condition in found.items():
            target, letter = DROPDOWNS[sheet.name][column].split("!")
            assert f"[${target}.{letter}" in str(condition) and str(condition).startswith("of:cell-content-is-in-list(")
