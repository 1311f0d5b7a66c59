"""Excel workbooks (.xlsx), read and written with openpyxl.

Reading is read-only (rows streamed, never the whole sheet in memory) and takes values, not
formulas: a formula's last computed value, as the user saw it. openpyxl parses the XML parts with
defusedxml (installed with govlod), and `workbook.load_archive` has already refused any part with a
DTD before openpyxl opens the file.

A code typed into a cell formatted as text arrives as typed ("003106"). A code typed into a number
cell is a number: Excel shows its leading zeros only when the cell's format is made of zeros
("000000", Excel's "Special" formats), and then they are put back here, as many as the format
shows; otherwise the number is the text (the zeros are gone in Excel too). Dates arrive as ISO
dates, whole numbers without ".0", booleans as true/false."""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from govlod.importing import templates
from govlod.importing.formats import Read, column_letter
from govlod.importing.formats.workbook import (
    LAST_ROW,
    Kind,
    WorkbookError,
    find_sheets,
    header_width,
    load_archive,
    sheet_rows,
    value_text,
)
from govlod.importing.sheets import Problem, Sheet

ZEROS_FORMAT = re.compile(r"^0+$")  # "000000": a code shown with its leading zeros
XLSX = Kind(
    ".xlsx",
    "an Excel workbook (.xlsx)",
    "save it from your spreadsheet program as Excel 2007-365 (.xlsx)",
    lambda archive: "xl/workbook.xml" in archive.namelist(),
    "una cartella di lavoro Excel (.xlsx)",
    "salvalo dal tuo programma di fogli di calcolo come Excel 2007-365 (.xlsx)",
)
FIXED_DATE = datetime(2000, 1, 1)  # the template's creation and modification date, fixed for stable bytes


def cell_text(cell: Any) -> str:
    """What the user sees in a cell, as text (see the module's notes)."""
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0 and float(value).is_integer():
        shown = getattr(cell, "number_format", "General") or "General"
        if ZEROS_FORMAT.match(shown):
            return str(int(value)).zfill(len(shown))
    return value_text(value)


def _lines(worksheet: Any, width: int) -> Iterator[tuple[int, list[str]]]:
    # max_row bounds openpyxl's filling-in of missing rows: a hostile sheet may name row 10**12.
    rows = worksheet.iter_rows(min_row=1, max_row=LAST_ROW, max_col=max(width, 1))
    for number, cells in enumerate(rows, start=1):
        yield number, [cell_text(cell) for cell in cells]


def read(path: Path, sheets: Sequence[Sheet]) -> Read:
    """The rows of the workbook's sheets govlod knows; other sheets ("Leggimi", "liste") are ignored."""
    result = Read()
    try:
        raw = load_archive(path, XLSX)
        with warnings.catch_warnings():
            # openpyxl warns of what it drops (data validations, extensions); values are not touched.
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True, keep_links=False)
            try:
                for title, sheet in find_sheets(book.sheetnames, sheets, result, path.name).items():
                    worksheet = book[title]
                    header = next(worksheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
                    width = header_width([value_text(value) for value in header])
                    result.rows[sheet.name] = sheet_rows(sheet, title, _lines(worksheet, width), result.problems)
            finally:
                book.close()
    except WorkbookError as error:
        result.problems.append(Problem(path.name, None, None, error.message, italian=error.italian))
    except (InvalidFileException, KeyError, ValueError, TypeError, zipfile.BadZipFile) as error:
        # A well-formed archive whose parts are not what Excel writes: openpyxl's own reason.
        result.problems.append(
            Problem(
                path.name,
                None,
                None,
                f"not a workbook openpyxl can read ({error})",
                italian=f"non è una cartella di lavoro che openpyxl sa leggere ({error})",
            )
        )
    return result


def _list_formula(dropdown: templates.Dropdown, rows: int) -> str:
    """The validation's list: fixed values or stacked codes from "liste", or the codes of one sheet,
    as long as the filled part of its column (OFFSET and COUNTA), so that no empty entries show."""
    last = rows + 1
    if dropdown.source is not None:
        sheet, letter = dropdown.source
        return f"OFFSET({sheet}!${letter}$2,0,0,MAX(1,COUNTA({sheet}!${letter}$2:${letter}${last})),1)"
    assert dropdown.listed is not None
    listed = dropdown.listed
    if listed.values:
        return f"{templates.LISTS}!${listed.letter}$2:${listed.letter}${len(listed.values) + 1}"
    count = "+".join(f"COUNTA({s}!${c}$2:${c}${last})" for s, c in listed.sources)
    return f"OFFSET({templates.LISTS}!${listed.letter}$2,0,0,MAX(1,{count}),1)"


def _stacked_formula(sources: Sequence[tuple[str, str]], rows: int) -> str:
    """The k-th code of the sheets' codice columns taken one after the other (k = the row less one),
    or nothing past the last: the filled rows are counted, so the codes are expected without gaps."""
    last = rows + 1
    formula = '""'
    for index in reversed(range(len(sources))):
        sheet, letter = sources[index]
        before = "".join(f"-COUNTA({s}!${c}$2:${c}${last})" for s, c in sources[:index])
        position = f"ROW()-1{before}"
        column = f"{sheet}!${letter}$2:${letter}${last}"
        formula = f"IF({position}<=COUNTA({column}),INDEX({column},{position}),{formula})"
    return "=" + formula


def _write_records(worksheet: Worksheet, sheet: Sheet, records: Sequence[Sequence[str]]) -> None:
    """The records below the header: text cells, and date cells in the date columns."""
    for number, record in enumerate(records, start=2):
        for index, (column, text) in enumerate(zip(sheet.columns, record, strict=True), start=1):
            if not text:
                continue
            cell = worksheet.cell(row=number, column=index)
            if column in sheet.dates:
                cell.value = date.fromisoformat(text)
                cell.number_format = "yyyy-mm-dd"
            else:
                cell.value = text
                # A text starting with "=" is a text, not a formula: what was exported is read back.
                cell.data_type = "s"
                cell.number_format = "@"


def _write_sheet(
    worksheet: Worksheet,
    sheet: Sheet,
    dropdowns: Sequence[templates.Dropdown],
    records: Sequence[Sequence[str]],
    rows: int,
) -> None:
    worksheet.append(list(sheet.columns))
    _write_records(worksheet, sheet, records)
    last = rows + 1
    for index, column in enumerate(sheet.columns, start=1):
        cell = worksheet.cell(row=1, column=index)
        note = Comment(templates.hint(sheet, column), "govlod")
        note.width, note.height = 300, 110
        cell.comment = note
        cell.font = Font(bold=column in sheet.required)
        letter = column_letter(index)
        worksheet.column_dimensions[letter].width = max(14, len(column) + 4)
        # The column's format, which Excel and LibreOffice give every cell typed into it: text keeps
        # what is typed (003106 stays 003106); a date column shows dates as ISO dates.
        worksheet.column_dimensions[letter].number_format = "yyyy-mm-dd" if column in sheet.dates else "@"
    worksheet.freeze_panes = "A2"
    for dropdown in dropdowns:
        validation = DataValidation(
            type="list",
            formula1=_list_formula(dropdown, rows),
            allow_blank=True,
            showErrorMessage=dropdown.strict,
            showInputMessage=True,
            promptTitle=dropdown.column[:32],
            prompt=dropdown.hint[:255],
            errorTitle=dropdown.column[:32],
            error="Scegli un valore dall'elenco.",
        )
        validation.add(f"{dropdown.letter}2:{dropdown.letter}{last}")
        worksheet.add_data_validation(validation)


def template_bytes(template: templates.Template) -> bytes:
    """The template as an .xlsx workbook, the same bytes for the same template (filled in, when it
    has records)."""
    book = openpyxl.Workbook()
    readme = book.active
    assert readme is not None
    readme.title = templates.README
    for row in template.readme:
        readme.append(list(row))
        for cell in readme[readme.max_row]:
            if cell.value == templates.VOCABULARY:
                cell.hyperlink = templates.VOCABULARY
    readme["A1"].font = Font(bold=True, size=14)
    readme.column_dimensions["A"].width = 16
    readme.column_dimensions["B"].width = 22
    readme.column_dimensions["C"].width = 100
    for sheet in template.sheets:
        records = template.records.get(sheet.name, ())
        _write_sheet(book.create_sheet(sheet.name), sheet, template.dropdowns[sheet.name], records, template.rows)
    lists = book.create_sheet(templates.LISTS)
    lists.sheet_state = "hidden"
    for listed in template.lists:
        lists[f"{listed.letter}1"] = listed.title
        if listed.values:
            for number, value in enumerate(listed.values, start=2):
                lists[f"{listed.letter}{number}"] = value
        else:
            formula = _stacked_formula(listed.sources, template.rows)
            for number in range(2, template.rows * len(listed.sources) + 2):
                lists[f"{listed.letter}{number}"] = formula
    book.calculation.fullCalcOnLoad = True  # no value is stored for the formulas: computed on opening
    book.properties.creator = "govlod"
    book.properties.created = FIXED_DATE
    book.properties.modified = FIXED_DATE
    out = io.BytesIO()
    # ExcelWriter, not Workbook.save, which stamps the time of saving as the modification date.
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    return templates.normalized_zip(out.getvalue())
