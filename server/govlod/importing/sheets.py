"""Reading the CSV sheets: encoding, columns and rows, with every problem named by file, row and column."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from govlod.sources import os_reason


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # 1 is the header line; data rows start at 2, as a spreadsheet numbers them
    column: str | None
    message: str

    def __str__(self) -> str:
        where = (
            self.file + (f":{self.row}" if self.row is not None else "") + (f": {self.column}" if self.column else "")
        )
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Row:
    file: str
    number: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "").strip()


@dataclass(frozen=True)
class Sheet:
    """One kind of record: its file name and its columns (required ones first)."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def file(self) -> str:
        return f"{self.name}.csv"


def _not_csv(raw: bytes) -> tuple[int, str] | None:
    """(line, why) when the bytes are plainly no CSV sheet: a binary file, an XML file, nothing at all."""
    if not raw.strip():
        return 1, "the sheet is empty: it needs at least its header row"
    if b"\0" in raw:
        return raw[: raw.index(b"\0")].count(b"\n") + 1, "binary data, not a CSV sheet: save the sheet as CSV UTF-8"
    if raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        # Never handed to an XML parser: the importer reads CSV only.
        return 1, "an XML or HTML file, not a CSV sheet: save the sheet as CSV UTF-8"
    return None


def _sheet_text(path: Path, sheet: Sheet, problems: list[Problem]) -> str | None:
    """The sheet's text, or None when it cannot be read as a CSV sheet (the problem added)."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        problems.append(Problem(sheet.file, None, None, f"cannot read {path}: {os_reason(error)}"))
        return None
    if (refused := _not_csv(raw)) is not None:
        problems.append(Problem(sheet.file, refused[0], None, refused[1]))
        return None
    try:
        return raw.decode("utf-8-sig")  # spreadsheets often add a byte-order mark
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.append(Problem(sheet.file, line, None, "not UTF-8: save the sheet as CSV UTF-8"))
        return None


def read_sheet(path: Path, sheet: Sheet, problems: list[Problem]) -> list[Row]:
    """The sheet's rows; problems with the file itself are added to `problems`."""
    text = _sheet_text(path, sheet, problems)
    if text is None:
        return []
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","  # Italian spreadsheets export ";"
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in sheet.required if c not in columns]
    if missing:
        problems.append(Problem(sheet.file, 1, None, f"missing column(s): {', '.join(missing)}"))
        return []
    unknown = [c for c in columns if c and c not in (*sheet.required, *sheet.optional)]
    if unknown:
        known = ", ".join((*sheet.required, *sheet.optional))
        problems.append(
            Problem(sheet.file, 1, None, f"unknown column(s): {', '.join(unknown)}; the columns are: {known}")
        )
        return []
    rows = []
    for number, record in enumerate(reader, start=2):
        cells = {(k or "").strip(): (v or "") for k, v in record.items()}
        if any(v.strip() for v in cells.values()):
            rows.append(Row(sheet.file, number, cells))
    return rows
