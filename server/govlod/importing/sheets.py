"""What every input format yields and every check reports: the sheets govlod knows, their rows, and
the problems found in them, each named the way the user's own program shows the place."""

from __future__ import annotations

import dataclasses
import errno
from collections.abc import Mapping
from dataclasses import dataclass, field

from govlod.sources import os_reason


@dataclass(frozen=True)
class Problem:
    file: str  # a CSV file's name, a workbook sheet's name, or the path given on the command line
    row: int | None  # 1 is the header line; data rows start at 2, as a spreadsheet numbers them
    column: str | None
    message: str  # in English
    cell: str | None = None  # in a workbook: "D7", or "7:7" for a whole row, as the spreadsheet names it
    italian: str = ""  # the message in Italian, the users' language: every problem is reported in both

    @property
    def place(self) -> str:
        """Where the problem is: posti!D7 (ruolo) in a workbook, posti.csv:7: ruolo in a CSV file."""
        if self.cell is not None:
            return f"{self.file}!{self.cell}" + (f" ({self.column})" if self.column else "")
        return (
            self.file + (f":{self.row}" if self.row is not None else "") + (f": {self.column}" if self.column else "")
        )

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"

    def bilingual(self) -> str:
        """The place and the Italian message, then the English one on the next line, lined up under it."""
        if not self.italian:
            return str(self)
        head = f"{self.place}: "
        indent = "\n" + " " * len(head)  # a message's own line breaks (a cell's text) keep to its column
        return head + self.italian.replace("\n", indent) + indent + self.message.replace("\n", indent)


@dataclass(frozen=True)
class Row:
    file: str
    number: int
    cells: dict[str, str]
    # Column name -> column letter, for rows read from a workbook sheet; None for a CSV file.
    letters: Mapping[str, str] | None = None

    def get(self, column: str) -> str:
        return self.cells.get(column, "").strip()

    def with_cells(self, cells: dict[str, str]) -> Row:
        """The same row (file, number, columns' places) holding other values: one of several codes in a cell."""
        return dataclasses.replace(self, cells=cells)

    def problem(self, column: str | None, message: str, italian: str = "") -> Problem:
        """A problem in this row's `column` (or the whole row), named by cell in a workbook; `message` in
        English, `italian` the same in Italian."""
        cell = None
        if self.letters is not None:
            letter = self.letters.get(column or "")
            cell = f"{letter}{self.number}" if letter else f"{self.number}:{self.number}"
        return Problem(self.file, self.number, column, message, cell, italian)


@dataclass(frozen=True)
class CodeList:
    """A column whose values come from a code list of the vocabulary (ontology/*.ttl), several separated
    by ";" when `several`."""

    scheme: str
    several: bool = False


@dataclass(frozen=True)
class Choices:
    """A column whose values come from a short fixed list."""

    values: tuple[str, ...]


@dataclass(frozen=True)
class Reference:
    """A column holding the code of a row of other sheets (several, separated by ";", when `several`)."""

    sheets: tuple[str, ...]
    several: bool = False


Allowed = CodeList | Choices | Reference


@dataclass(frozen=True)
class Sheet:
    """One kind of record: its name, its columns (required ones first), and what a template tells about them."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    about: str = ""  # a line or two on what the sheet holds, for the templates' "Leggimi" sheet
    hints: Mapping[str, str] = field(default_factory=dict)  # column -> how to fill it in, in Italian
    allowed: Mapping[str, Allowed] = field(default_factory=dict)  # column -> where its values come from
    dates: tuple[str, ...] = ()  # columns holding dates: every other column of a template is formatted as text
    # The column whose code a row's codice is unique within, for sheets whose codes repeat from one
    # owner to the next (every body has its "presidente"): other sheets then name a row "owner/codice".
    scope: str | None = None

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.required, *self.optional)

    def reference(self, code: str, cells: Mapping[str, str]) -> str:
        """How other rows name the row of `code` and `cells`: its code, or owner/code in a scoped sheet."""
        return f"{cells.get(self.scope, '').strip()}/{code}" if self.scope else code


def header_problem(sheet: Sheet, columns: list[str]) -> tuple[str, str] | None:
    """What is wrong with a sheet's header row, whatever the format: a missing or an unknown column, in
    English and in Italian."""
    missing = [c for c in sheet.required if c not in columns]
    if missing:
        italian = "manca la colonna" if len(missing) == 1 else "mancano le colonne"
        return f"missing column(s): {', '.join(missing)}", f"{italian}: {', '.join(missing)}"
    unknown = [c for c in columns if c and c not in sheet.columns]
    if unknown:
        italian = "colonna sconosciuta" if len(unknown) == 1 else "colonne sconosciute"
        return (
            f"unknown column(s): {', '.join(unknown)}; the columns are: {', '.join(sheet.columns)}",
            f"{italian}: {', '.join(unknown)}; le colonne sono: {', '.join(sheet.columns)}",
        )
    return None


# Why a file could not be read or written, in Italian: `govlod.sources.os_reason` says it in English.
_ITALIAN_REASONS = {
    errno.ENOSPC: "spazio esaurito sul disco",
    errno.EFBIG: "file troppo grande (un limite del file system o del processo: ulimit -f)",
    errno.EDQUOT: "quota del disco superata",
    errno.EACCES: "permesso negato",
    errno.EPERM: "permesso negato",
    errno.EROFS: "file system di sola lettura",
    errno.ENOENT: "file o cartella inesistente",
    errno.ENOTDIR: "c'è un file dove dovrebbe esserci una cartella",
    errno.EISDIR: "è una cartella, non un file",
}


def italian_reason(error: OSError) -> str:
    """`os_reason` in Italian, for the errors a user can do something about; in English for any other."""
    return _ITALIAN_REASONS.get(error.errno or -1) or os_reason(error)
