"""CSV sheets: one UTF-8 file per sheet, named after it, the header on the first line; and the empty
CSV templates, which hold only that header (a hint line would be read as a record), or the sheets
`govlod export` fills in."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from govlod.importing.formats import Read
from govlod.importing.sheets import Problem, Row, Sheet, header_problem, italian_reason
from govlod.sources import os_reason


def _not_csv(raw: bytes) -> tuple[int, str, str] | None:
    """(line, why, why in Italian) when the bytes are plainly no CSV sheet: a binary file, an XML file,
    nothing at all."""
    if not raw.strip():
        return (
            1,
            "the sheet is empty: it needs at least its header row",
            "il foglio è vuoto: serve almeno la riga di intestazione",
        )
    if b"\0" in raw:
        return (
            raw[: raw.index(b"\0")].count(b"\n") + 1,
            "binary data, not a CSV sheet: save the sheet as CSV UTF-8",
            "dati binari, non un foglio CSV: salva il foglio come CSV UTF-8",
        )
    if raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        # Never handed to an XML parser: the importer reads CSV only.
        return (
            1,
            "an XML or HTML file, not a CSV sheet: save the sheet as CSV UTF-8",
            "un file XML o HTML, non un foglio CSV: salva il foglio come CSV UTF-8",
        )
    return None


def _sheet_text(path: Path, sheet: Sheet, problems: list[Problem]) -> str | None:
    """The sheet's text, or None when it cannot be read as a CSV sheet (the problem added)."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        problems.append(
            Problem(
                sheet.file,
                None,
                None,
                f"cannot read {path}: {os_reason(error)}",
                italian=f"impossibile leggere {path}: {italian_reason(error)}",
            )
        )
        return None
    if (refused := _not_csv(raw)) is not None:
        line, why, italian = refused
        problems.append(Problem(sheet.file, line, None, why, italian=italian))
        return None
    try:
        return raw.decode("utf-8-sig")  # spreadsheets often add a byte-order mark
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.append(
            Problem(
                sheet.file,
                line,
                None,
                "not UTF-8: save the sheet as CSV UTF-8",
                italian="non è in UTF-8: salva il foglio come CSV UTF-8",
            )
        )
        return None


def delimiter_of(text: str) -> str:
    """The separator a sheet is read with, from its header row alone: column names hold neither ","
    nor ";", whereas values may hold many ("a;b;c" in membri). Italian spreadsheets export ";"."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def sheet_text(columns: Sequence[str], records: Sequence[Sequence[str]] = ()) -> str:
    """A sheet as CSV text, separated by "," (its header row says so, whatever the values hold)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(records)
    return out.getvalue()


def read_sheet(path: Path, sheet: Sheet, problems: list[Problem]) -> list[Row]:
    """The sheet's rows; problems with the file itself are added to `problems`."""
    text = _sheet_text(path, sheet, problems)
    if text is None:
        return []
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter_of(text))
    columns = [c.strip() for c in reader.fieldnames or []]
    if (wrong := header_problem(sheet, columns)) is not None:
        problems.append(Problem(sheet.file, 1, None, wrong[0], italian=wrong[1]))
        return []
    rows = []
    for number, record in enumerate(reader, start=2):
        cells = {(k or "").strip(): (v or "") for k, v in record.items()}
        if any(v.strip() for v in cells.values()):
            rows.append(Row(sheet.file, number, cells))
    return rows


def read(path: Path, sheets: Sequence[Sheet]) -> Read:
    """One CSV file: the rows of the sheet it is named after."""
    result = Read()
    sheet = next((s for s in sheets if s.file == path.name), None)
    if sheet is None:
        names = ", ".join(s.file for s in sheets)
        result.problems.append(
            Problem(
                path.name,
                None,
                None,
                f"not a sheet govlod knows; the sheets are: {names}",
                italian=f"non è un foglio che govlod conosce; i fogli sono: {names}",
            )
        )
        return result
    result.rows[sheet.name] = read_sheet(path, sheet, result.problems)
    return result


def write_template(sheets: Sequence[Sheet], folder: Path, readme: str) -> list[Path]:
    """One CSV file per sheet holding its header, and README.txt with what the workbooks put in notes."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for sheet in sheets:
        path = folder / sheet.file
        path.write_text(sheet_text(sheet.columns), encoding="utf-8")
        written.append(path)
    path = folder / "README.txt"
    path.write_text(readme, encoding="utf-8")
    written.append(path)
    return written
