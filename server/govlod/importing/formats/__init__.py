"""The input formats of `govlod import`, one module each, behind one interface: a path in, the rows of
each sheet it holds and the problems found reading it out.

- `csv_sheets`: one CSV file per sheet, named after it (`posti.csv`);
- `xlsx`: an Excel workbook, one worksheet per sheet (`posti`), read with openpyxl;
- `ods`: an OpenDocument spreadsheet, one table per sheet, read with odfdo.

Every reader leaves the checking of values to `records`, so the same record gives the same problem
whatever the format; what differs is only how a place is named (`posti.csv:7` or `posti!D7`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from govlod.importing.sheets import Problem, Row, Sheet

WORKBOOK_SUFFIXES = (".xlsx", ".ods")


@dataclass
class Read:
    """What a reader found: sheet name -> data rows, and the problems with the file or its sheets."""

    rows: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


Reader = Callable[[Path, Sequence[Sheet]], Read]


def reader_for(path: Path) -> Reader | None:
    """The reader of a file, by its name's suffix; None for a file no reader takes.

    Imported here, not at the top: a user importing CSV files needs neither openpyxl nor lxml."""
    match path.suffix.lower():
        case ".csv":
            from govlod.importing.formats import csv_sheets

            return csv_sheets.read
        case ".xlsx":
            from govlod.importing.formats import xlsx

            return xlsx.read
        case ".ods":
            from govlod.importing.formats import ods

            return ods.read
    return None


def column_letter(index: int) -> str:
    """The letters a spreadsheet shows above a column: 1 -> A, 26 -> Z, 27 -> AA."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
