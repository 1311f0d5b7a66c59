"""What the two workbook formats share: refusing a file before a library parses it, turning a cell's
value into the text the user sees, and turning a sheet's lines into rows named by cell.

Both .xlsx and .ods are zip archives of XML parts. Before openpyxl or odfdo sees one, the archive is
checked whole: its size, the room its parts take once unpacked (a few kilobytes can unpack to
gigabytes), and every XML part streamed once through defusedxml with DTDs forbidden, so that no
entity is ever declared, expanded or fetched, whatever the library would do with it."""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler

import defusedxml.sax
from defusedxml import DefusedXmlException

from govlod.importing.formats import Read, column_letter
from govlod.importing.sheets import Problem, Row, Sheet, header_problem, italian_reason
from govlod.sources import os_reason

MAX_FILE_BYTES = 32 * 2**20  # a governance workbook is well under a megabyte; this leaves room for logos
MAX_UNPACKED_BYTES = 128 * 2**20  # what all the parts may take once unpacked
MAX_PARTS = 2000
MAX_ROWS = 100_000  # records per sheet: more than every municipality of Italy
LAST_ROW = 2**20  # the last row of a sheet in Excel and LibreOffice
XML_PARTS = (".xml", ".rels", ".rdf")  # the parts a reader parses as XML


class WorkbookError(Exception):
    """The file cannot be read as a workbook; the message says why and what to do, for a user, in
    English and in Italian."""

    def __init__(self, message: str, italian: str):
        super().__init__(message)
        self.message = message
        self.italian = italian


@dataclass(frozen=True)
class Kind:
    """One workbook format: how it is named to the user and how its archive is recognised."""

    suffix: str
    name: str
    save_as: str
    marker: Callable[[zipfile.ZipFile], bool]  # whether the archive's parts are of this format
    italian_name: str  # `name` and `save_as` in Italian
    italian_save_as: str


def _what_else(raw: bytes) -> tuple[str, str]:
    """What a file that is no zip archive most likely is, to tell the user in their terms: in English
    and in Italian."""
    binary = "binary data", "dati binari"
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        return (
            "an old-style Excel file (.xls) or a password-protected workbook",
            "un vecchio file Excel (.xls) o una cartella di lavoro protetta da password",
        )
    if raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "an XML or HTML file", "un file XML o HTML"
    if b"\0" in raw[:4096]:
        return binary
    try:
        text = raw[:4096].decode("utf-8-sig")
    except UnicodeDecodeError:
        return binary
    first = text.splitlines()[0] if text.strip() else ""
    if "," in first or ";" in first:
        return (
            "a CSV file: name it after its sheet, e.g. posti.csv",
            "un file CSV: chiamalo come il suo foglio, ad esempio posti.csv",
        )
    return "a text file", "un file di testo"


def _check_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse a part that declares a DTD or is no well-formed XML, streamed by defusedxml's expat reader."""
    with archive.open(info) as stream:
        try:
            defusedxml.sax.parse(stream, ContentHandler(), forbid_dtd=True)
        except DefusedXmlException:
            raise WorkbookError(
                f"its part {info.filename} declares a DOCTYPE, which is refused, as its entities could read "
                "files or expand without limit: save the workbook again from your spreadsheet program",
                f"la sua parte {info.filename} dichiara un DOCTYPE, che viene rifiutato perché le sue entità "
                "potrebbero leggere file o espandersi senza limiti: salva di nuovo la cartella di lavoro dal tuo "
                "programma di fogli di calcolo",
            ) from None
        except SAXParseException as error:
            raise WorkbookError(
                f"damaged: its part {info.filename} is no well-formed XML (line {error.getLineNumber()}): "
                "save the workbook again from your spreadsheet program",
                f"danneggiato: la sua parte {info.filename} non è XML ben formato (riga {error.getLineNumber()}): "
                "salva di nuovo la cartella di lavoro dal tuo programma di fogli di calcolo",
            ) from None


def load_archive(path: Path, kind: Kind) -> bytes:
    """The workbook's bytes, once the archive has passed every check; WorkbookError otherwise."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise WorkbookError(
                f"{size // 2**20} MiB is more than the {MAX_FILE_BYTES // 2**20} MiB govlod reads",
                f"{size // 2**20} MiB sono più dei {MAX_FILE_BYTES // 2**20} MiB che govlod legge",
            )
        raw = path.read_bytes()
    except OSError as error:
        raise WorkbookError(
            f"cannot read: {os_reason(error)}", f"impossibile leggere: {italian_reason(error)}"
        ) from error
    if not raw.strip():
        raise WorkbookError(f"the file is empty, not {kind.name}", f"il file è vuoto: non è {kind.italian_name}")
    if not raw.startswith(b"PK\x03\x04"):
        what, italian = _what_else(raw)
        raise WorkbookError(
            f"not {kind.name} but {what}; {kind.save_as}",
            f"non è {kind.italian_name} ma {italian}; {kind.italian_save_as}",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_PARTS:
                raise WorkbookError(
                    f"{len(infos)} parts in the archive, more than the {MAX_PARTS} govlod reads",
                    f"{len(infos)} parti nell'archivio, più delle {MAX_PARTS} che govlod legge",
                )
            # Python's zipfile never unpacks more than a part's declared size, so the declared sizes bound the work.
            unpacked = sum(info.file_size for info in infos)
            if unpacked > MAX_UNPACKED_BYTES:
                raise WorkbookError(
                    f"its parts unpack to {unpacked // 2**20} MiB, more than the {MAX_UNPACKED_BYTES // 2**20} MiB "
                    "govlod reads: keep only the sheets to import",
                    f"le sue parti, decompresse, occupano {unpacked // 2**20} MiB, più dei "
                    f"{MAX_UNPACKED_BYTES // 2**20} MiB che govlod legge: tieni solo i fogli da importare",
                )
            if any(info.flag_bits & 0x1 for info in infos):
                raise WorkbookError("encrypted: save it without a password", "cifrato: salvalo senza password")
            if not kind.marker(archive):
                raise WorkbookError(
                    f"a zip archive, but not {kind.name}; {kind.save_as}",
                    f"un archivio zip, ma non {kind.italian_name}; {kind.italian_save_as}",
                )
            for info in infos:
                # Empty parts are common (LibreOffice's Configurations2/accelerator/current.xml): nothing to parse.
                if info.file_size and info.filename.lower().endswith(XML_PARTS):
                    _check_xml(archive, info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as error:
        raise WorkbookError(
            f"a damaged zip archive ({error}); {kind.save_as}",
            f"un archivio zip danneggiato ({error}); {kind.italian_save_as}",
        ) from None
    return raw


def value_text(value: object) -> str:
    """A cell's value as text: numbers without a needless ".0", dates as ISO dates, empty as empty."""
    match value:
        case None:
            return ""
        case bool():
            return "true" if value else "false"
        case int():
            return str(value)
        case float() if math.isfinite(value) and value.is_integer():
            return str(int(value))
        case Decimal() if value.is_finite() and value == value.to_integral_value():
            return str(int(value))
        case Decimal():
            return format(value.normalize(), "f")
        case datetime() if value.time() == time(0):
            return value.date().isoformat()  # a date typed in a cell formatted as date and time
        case datetime():
            return value.isoformat(sep=" ")
        case date() | time():
            return value.isoformat()
        case timedelta():
            return str(value)
    return str(value)


def find_sheets(titles: Iterable[str], sheets: Sequence[Sheet], result: Read, file: str) -> dict[str, Sheet]:
    """The workbook's sheets govlod knows, title -> sheet, matched whatever the case; others are ignored."""
    by_name = {sheet.name: sheet for sheet in sheets}
    found: dict[str, Sheet] = {}
    seen: dict[str, str] = {}
    for title in titles:
        sheet = by_name.get(title.strip().lower())
        if sheet is None:
            continue  # "Leggimi", "liste", a user's own notes
        if sheet.name in seen:
            result.problems.append(
                Problem(
                    file,
                    None,
                    None,
                    f"two sheets hold {sheet.name}: '{seen[sheet.name]}' and '{title}'",
                    italian=f"due fogli contengono {sheet.name}: '{seen[sheet.name]}' e '{title}'",
                )
            )
            continue
        seen[sheet.name] = title
        found[title] = sheet
    if not found:
        names = ", ".join(sheet.name for sheet in sheets)
        result.problems.append(
            Problem(
                file,
                None,
                None,
                f"no sheet govlod knows; name the sheets: {names}",
                italian=f"nessun foglio che govlod conosce; dai ai fogli questi nomi: {names}",
            )
        )
    return found


def sheet_rows(sheet: Sheet, title: str, lines: Iterable[tuple[int, list[str]]], problems: list[Problem]) -> list[Row]:
    """The data rows of one worksheet, given its lines as (row number, cell texts), the header first.

    Empty lines are skipped, as in a CSV sheet; every row remembers its columns' letters, so that a
    problem is named by the cell the user has to change."""
    iterator = iter(lines)
    header = next(iterator, None)
    if header is None:
        problems.append(
            Problem(
                title,
                1,
                None,
                "the sheet is empty: it needs its header row",
                "1:1",
                "il foglio è vuoto: serve la riga di intestazione",
            )
        )
        return []
    columns = [cell.strip() for cell in header[1]] if header[0] == 1 else []  # the header is row 1, or missing
    if (wrong := header_problem(sheet, columns)) is not None:
        problems.append(Problem(title, 1, None, wrong[0], "1:1", wrong[1]))
        return []
    letters = {column: column_letter(index) for index, column in enumerate(columns, start=1) if column}
    rows: list[Row] = []
    for number, cells in iterator:
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) == MAX_ROWS:
            message = f"more than {MAX_ROWS} rows: govlod imports at most {MAX_ROWS} records per sheet"
            italian = f"più di {MAX_ROWS} righe: govlod importa al massimo {MAX_ROWS} record per foglio"
            problems.append(Problem(title, number, None, message, f"{number}:{number}", italian))
            break
        padded = [*cells, *[""] * (len(columns) - len(cells))]  # a row may end before the header does
        rows.append(Row(title, number, {c: v for c, v in zip(columns, padded, strict=False) if c}, letters))
    return rows


def header_width(cells: Sequence[str]) -> int:
    """How many columns the header row spans: up to its last filled cell (formatting reaches further)."""
    width = len(cells)
    while width and not cells[width - 1].strip():
        width -= 1
    return width
