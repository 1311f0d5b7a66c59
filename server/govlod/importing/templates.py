"""`govlod template`: the empty workbooks (and CSV files) a publisher fills in for `govlod import`.

What a template says is decided here once, from the sheets' definitions and the vocabulary's code
lists; `formats/xlsx.py`, `formats/ods.py` and `formats/csv_sheets.py` only write it down:

- a first sheet, "Leggimi", with a line on each sheet, how to fill in each column, and the link to
  the vocabulary;
- one sheet per kind of record, its header row holding the column names the importer reads, each
  header cell with a note (the hint), and nothing else: the hints never sit where data is read;
- dropdown lists where a column takes a code-list value (from a hidden "liste" sheet) or the code of
  a row of another sheet (from that sheet's `codice` column, or, when the code may be of a row of
  several sheets, from a column of "liste" that stacks their codes with formulas).

`govlod export` writes the same template filled in: a Template with records, whose dropdowns reach
far enough past the last record to leave room for more."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from govlod.importing.definitions import SHEETS
from govlod.importing.formats import column_letter
from govlod.importing.sheets import Choices, CodeList, Reference, Sheet
from govlod.namespaces import CANONICAL_BASE

FORMATS = ("xlsx", "ods", "csv")
NAME = "govlod"  # the workbook's file name: govlod.xlsx, govlod.ods
README = "Leggimi"
LISTS = "liste"
ROWS = 1000  # data rows of each sheet given dropdowns and cell formats: rows 2 to 1001
SPARE_ROWS = 100  # rows with dropdowns left below a filled-in sheet's last record, at the least
PUBLISHER = "codice-del-tuo-ente"  # the --publisher a template's instructions show
VOCABULARY = CANONICAL_BASE + "ontology"
# Written into every archive in place of the time of writing, so the same template gives the same bytes.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class ListColumn:
    """A column of the hidden "liste" sheet: fixed values, or the codes of the rows of several sheets."""

    letter: str
    title: str
    values: tuple[str, ...] = ()
    sources: tuple[tuple[str, str], ...] = ()  # (sheet, letter of its codice column), stacked in this order


@dataclass(frozen=True)
class Dropdown:
    """A column's dropdown list: from a column of "liste", or from the codice column of one sheet."""

    column: str
    letter: str  # the column's letter in its own sheet
    hint: str
    strict: bool  # refuse values not in the list; off where a cell holds several codes separated by ";"
    listed: ListColumn | None = None
    source: tuple[str, str] | None = None  # (sheet, letter of its codice column)


@dataclass(frozen=True)
class Template:
    sheets: tuple[Sheet, ...]
    readme: tuple[tuple[str, ...], ...]  # the rows of the "Leggimi" sheet
    lists: tuple[ListColumn, ...]
    dropdowns: dict[str, tuple[Dropdown, ...]]  # sheet name -> its dropdowns
    # Sheet name -> the records filled in, each its cells in the sheet's column order (dates as
    # YYYY-MM-DD); none in an empty template.
    records: Mapping[str, Sequence[Sequence[str]]] = field(default_factory=dict)
    rows: int = ROWS  # data rows given dropdowns and cell formats, from row 2


def code_column(sheet: Sheet) -> str:
    return column_letter(sheet.columns.index("codice") + 1)


def hint(sheet: Sheet, column: str) -> str:
    """The column's hint, saying whether it must be filled in (a code may be left empty: see its hint)."""
    needed = "" if column == "codice" else "Obbligatoria." if column in sheet.required else "Facoltativa."
    return f"{sheet.hints.get(column, '')} {needed}".strip()


def import_command(publisher: str, name: str | None = None) -> str:
    """The command that imports a filled-in workbook: into data/PUBLISHER/NAME.ttl when NAME is given."""
    return f"govlod import govlod.xlsx --publisher {publisher}" + (f" --name {name}" if name else "")


def readme_rows(
    sheets: Sequence[Sheet], publisher: str = PUBLISHER, name: str | None = None
) -> tuple[tuple[str, ...], ...]:
    rows: list[tuple[str, ...]] = [
        ("Modello per govlod import",),
        ("Compila un foglio per ogni tipo di dato. La prima riga ha i nomi delle colonne: non cambiarli.",),
        ("Ogni intestazione ha una nota che spiega la colonna; le colonne con un elenco ne accettano i valori.",),
        ("I codici (colonne codice) collegano i fogli tra loro: un posto nomina il codice del suo tavolo e così via.",),
        (f"Importa il file con: {import_command(publisher, name)}",),
        ("Il vocabolario (significato dei dati ed elenchi di codici):", VOCABULARY),
        (),
        ("Foglio", "Contenuto"),
        *((sheet.name, sheet.about) for sheet in sheets),
        (),
        ("Foglio", "Colonna", "Come compilarla"),
        *((sheet.name, column, hint(sheet, column)) for sheet in sheets for column in sheet.columns),
    ]
    return tuple(rows)


def data_rows(records: Mapping[str, Sequence[Sequence[str]]]) -> int:
    """How many rows get dropdowns: the template's thousand, or whole thousands past the longest
    sheet's records with room for at least SPARE_ROWS more, so that every code can be picked."""
    longest = max((len(found) for found in records.values()), default=0)
    return max(ROWS, -(-(longest + SPARE_ROWS) // ROWS) * ROWS)


def build_template(
    codes: dict[str, set[str]],
    sheets: Sequence[Sheet] = SHEETS,
    records: Mapping[str, Sequence[Sequence[str]]] | None = None,
    publisher: str = PUBLISHER,
    name: str | None = None,  # the file the data was exported from, when it is not data/PUBLISHER/PUBLISHER.ttl
) -> Template:
    """The template's content, whatever the format it is written in; with `records`, filled in."""
    by_name = {sheet.name: sheet for sheet in sheets}
    lists: dict[object, ListColumn] = {}
    dropdowns: dict[str, tuple[Dropdown, ...]] = {}
    for sheet in sheets:
        found = []
        for index, column in enumerate(sheet.columns, start=1):
            allowed = sheet.allowed.get(column)
            if allowed is None:
                continue
            if isinstance(allowed, Reference) and any(by_name[name].scope for name in allowed.sheets):
                continue  # its rows are named owner/codice, a value no column of the sheets holds
            letter = column_letter(index)
            strict = not (isinstance(allowed, (Reference, CodeList)) and allowed.several)
            if isinstance(allowed, Reference) and len(allowed.sheets) == 1:
                target = by_name[allowed.sheets[0]]
                found.append(
                    Dropdown(column, letter, hint(sheet, column), strict, source=(target.name, code_column(target)))
                )
                continue
            # One list for the columns of one source, whether they take one value or several.
            key = dataclasses.replace(allowed, several=False) if not isinstance(allowed, Choices) else allowed
            if key not in lists:
                place = column_letter(len(lists) + 1)
                match allowed:
                    case CodeList(scheme):
                        lists[key] = ListColumn(place, scheme, values=tuple(sorted(codes.get(scheme, ()))))
                    case Choices(values):
                        lists[key] = ListColumn(place, "/".join(values), values=values)
                    case Reference(names):
                        stacked = tuple((name, code_column(by_name[name])) for name in names)
                        lists[key] = ListColumn(place, " + ".join(names), sources=stacked)
            found.append(Dropdown(column, letter, hint(sheet, column), strict, listed=lists[key]))
        dropdowns[sheet.name] = tuple(found)
    filled = dict(records or {})
    readme = readme_rows(sheets, publisher, name)
    return Template(tuple(sheets), readme, tuple(lists.values()), dropdowns, filled, data_rows(filled))


def readme_text(template: Template) -> str:
    """The "Leggimi" sheet as plain text, for the CSV templates, which cannot hold notes."""
    lines = [
        "Fogli CSV esportati con govlod export, da reimportare con govlod import: un file per foglio."
        if template.records
        else "Modelli CSV per govlod import: un file per foglio, con la sola riga delle intestazioni.",
        "Salva ogni foglio come CSV UTF-8, con il nome del file invariato (es. posti.csv).",
        "Le stesse spiegazioni, con elenchi a discesa, sono nei modelli govlod.xlsx e govlod.ods.",
        "",
    ]
    for row in template.readme[1:]:
        lines.append("\t".join(row))
    allowed = [f"{column.title}: {', '.join(column.values)}" for column in template.lists if column.values]
    return "\n".join([*lines, "", "Elenchi di codici", *allowed]) + "\n"


def normalized_zip(data: bytes, stored: Sequence[str] = ()) -> bytes:
    """The same archive with fixed times and attributes, its parts in their order, so that writing the
    same template twice gives the same bytes; the parts named in `stored` are kept uncompressed
    (OpenDocument's "mimetype", which must come first and unpacked)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_TIME)
            fixed.create_system = 3  # as on Unix, wherever it is written
            fixed.external_attr = 0o644 << 16
            fixed.compress_type = zipfile.ZIP_STORED if info.filename in stored else zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info), compresslevel=9)
    return out.getvalue()


def workbook_path(kind: str, out: Path) -> Path:
    """The workbook `--out` names: the file itself, or govlod.KIND in the folder it names."""
    return out if out.suffix.lower() == f".{kind}" else out / f"{NAME}.{kind}"


def workbook_bytes(kind: str, template: Template) -> bytes:
    """The template as an .xlsx or .ods workbook, the same bytes for the same template."""
    if kind == "xlsx":
        from govlod.importing.formats import xlsx

        return xlsx.template_bytes(template)
    from govlod.importing.formats import ods

    return ods.template_bytes(template)


def write_template(kind: str, out: Path, codes: dict[str, set[str]]) -> list[Path]:
    """Write the template in `kind` (xlsx, ods or csv): a workbook at `out` (or `out`/govlod.KIND when
    `out` is a folder), or the CSV files in the folder `out`. The files written."""
    from govlod.importing.command import write_atomically

    template = build_template(codes)
    if kind == "csv":
        from govlod.importing.formats import csv_sheets

        return csv_sheets.write_template(template.sheets, out, readme_text(template))
    path = workbook_path(kind, out)
    write_atomically(path, workbook_bytes(kind, template))
    path.chmod(0o644)  # a file to share, not the private temporary file it was written as
    return [path]
