"""OpenDocument spreadsheets (.ods, LibreOffice's own format), read and written with odfdo.

odfdo parses with lxml (no network access, libxml2's limits on entity expansion); before it sees a
file, `workbook.load_archive` has streamed every XML part through defusedxml and refused any DTD,
so no entity is declared at all.

An .ods cell stores its value and also the text the program shows for it. A number shown as digits
with leading zeros (a code in a cell formatted 000000) comes through as that text, "003106"; any
other number as the number itself, written plainly (1234, not the "1.234" an Italian locale shows).
Dates come as ISO dates; rows and cells repeated by the file's compression are counted, and the
empty ones (LibreOffice writes a million of them after the last row) are skipped without expanding."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from lxml.etree import LxmlError
from odfdo import Annotation, Cell, Column, Document, Element, Row, Table

from govlod.importing import templates
from govlod.importing.formats import Read
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

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
ODS = Kind(
    ".ods",
    "an OpenDocument spreadsheet (.ods)",
    "save it from your spreadsheet program as ODF Spreadsheet (.ods)",
    lambda archive: "mimetype" in archive.namelist() and archive.read("mimetype").strip() == MIMETYPE.encode(),
    "un foglio di calcolo OpenDocument (.ods)",
    "salvalo dal tuo programma di fogli di calcolo come Foglio elettronico ODF (.ods)",
)
ROWS = "descendant::table:table-row"  # in row groups and header rows too, in the order shown
CELLS = "table:table-cell|table:covered-table-cell"  # a merged-over cell still takes its column
WIDEST_HEADER = 1024  # header cells looked at; LibreOffice repeats an empty one to column 16384
NUMBERS = {"float", "percentage", "currency"}
FIXED_DATE = datetime(2000, 1, 1)


def _shown(cell: Element) -> str:
    return "\n".join(paragraph.inner_text for paragraph in cell.get_elements("text:p"))


def cell_text(cell: Element) -> str:
    """What the user sees in a cell, as text (see the module's notes)."""
    kind = cell.get_attribute_string("office:value-type")
    if kind is None or not isinstance(cell, Cell):
        return _shown(cell)  # no value: an empty cell, or text some other program wrote untyped
    value = cell.value
    if kind in NUMBERS:
        shown = _shown(cell).strip()
        if shown.isdigit() and shown.startswith("0") and value_text(value) == shown.lstrip("0"):
            return shown
    return value_text(value)


def _repeated(element: Element, attribute: str) -> int:
    count = element.get_attribute_integer(attribute)
    return count if count is not None and count > 0 else 1


def _texts(row: Element, width: int) -> list[str]:
    texts: list[str] = []
    for cell in row.get_elements(CELLS):
        text = cell_text(cell)
        texts.extend([text] * min(_repeated(cell, "table:number-columns-repeated"), width - len(texts)))
        if len(texts) >= width:
            break
    return texts


def _lines(table: Element) -> Iterator[tuple[int, list[str]]]:
    number = 0
    width = WIDEST_HEADER
    for row in table.get_elements(ROWS):
        repeated = _repeated(row, "table:number-rows-repeated")
        texts = _texts(row, width)
        if number == 0:
            width = header_width(texts)  # the data rows are read as wide as the header
            texts = texts[:width]
        if not any(text.strip() for text in texts) and number > 0:
            number += repeated  # empty rows, however many, are counted, not expanded
        else:
            for _ in range(repeated):
                number += 1
                if number > LAST_ROW:
                    return
                yield number, texts
        if number >= LAST_ROW:
            return


def read(path: Path, sheets: Sequence[Sheet]) -> Read:
    """The rows of the spreadsheet's tables govlod knows; other tables ("Leggimi", "liste") are ignored."""
    result = Read()
    try:
        raw = load_archive(path, ODS)
        document = Document(io.BytesIO(raw))
        tables = {table.name or "": table for table in document.body.get_tables()}
        for title, sheet in find_sheets(tables, sheets, result, path.name).items():
            result.rows[sheet.name] = sheet_rows(sheet, title, _lines(tables[title]), result.problems)
    except WorkbookError as error:
        result.problems.append(Problem(path.name, None, None, error.message, italian=error.italian))
    except (LxmlError, KeyError, ValueError, TypeError, AttributeError, IndexError) as error:
        # A well-formed archive whose parts are not what a spreadsheet program writes.
        result.problems.append(
            Problem(
                path.name,
                None,
                None,
                f"not a spreadsheet odfdo can read ({error})",
                italian=f"non è un foglio di calcolo che odfdo sa leggere ({error})",
            )
        )
    return result


# The template's styles: bold headers for required columns, text cells (a code keeps its leading
# zeros as typed), date cells shown as ISO dates, wider columns, and a hidden "liste" sheet.
STYLES = (
    '<number:text-style style:name="N-testo"><number:text-content/></number:text-style>',
    '<number:date-style style:name="N-data"><number:year number:style="long"/><number:text>-</number:text>'
    '<number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/>'
    "</number:date-style>",
    '<style:style style:name="testo" style:family="table-cell" style:data-style-name="N-testo"/>',
    '<style:style style:name="data" style:family="table-cell" style:data-style-name="N-data"/>',
    '<style:style style:name="obbligatoria" style:family="table-cell" style:data-style-name="N-testo">'
    '<style:text-properties fo:font-weight="bold"/></style:style>',
    '<style:style style:name="titolo" style:family="table-cell">'
    '<style:text-properties fo:font-weight="bold" fo:font-size="14pt"/></style:style>',
    '<style:style style:name="colonna" style:family="table-column">'
    '<style:table-column-properties style:column-width="4cm"/></style:style>',
    '<style:style style:name="colonna-larga" style:family="table-column">'
    '<style:table-column-properties style:column-width="20cm"/></style:style>',
    '<style:style style:name="nascosto" style:family="table">'
    '<style:table-properties table:display="false"/></style:style>',
)


def _range(sheet: str, letter: str, first: int, last: int) -> str:
    return f"[${sheet}.${letter}${first}:.${letter}${last}]"


def _list_condition(dropdown: templates.Dropdown, rows: int) -> str:
    """As in the .xlsx template: fixed values or stacked codes from "liste", or one sheet's codes,
    as long as the filled part of its column."""
    last = rows + 1
    if dropdown.source is not None:
        sheet, letter = dropdown.source
        listed = f"OFFSET([${sheet}.${letter}$2];0;0;MAX(1;COUNTA({_range(sheet, letter, 2, last)}));1)"
    else:
        assert dropdown.listed is not None
        column = dropdown.listed
        if column.values:
            listed = _range(templates.LISTS, column.letter, 2, len(column.values) + 1)
        else:
            count = "+".join(f"COUNTA({_range(s, c, 2, last)})" for s, c in column.sources)
            listed = f"OFFSET([${templates.LISTS}.${column.letter}$2];0;0;MAX(1;{count});1)"
    return f"of:cell-content-is-in-list({listed})"


def _stacked_formula(sources: Sequence[tuple[str, str]], rows: int) -> str:
    last = rows + 1
    formula = '""'
    for index in reversed(range(len(sources))):
        sheet, letter = sources[index]
        before = "".join(f"-COUNTA({_range(s, c, 2, last)})" for s, c in sources[:index])
        position = f"ROW()-1{before}"
        column = _range(sheet, letter, 2, last)
        formula = f"IF({position}<=COUNTA({column});INDEX({column};{position});{formula})"
    return "of:=" + formula


def _validations(template: templates.Template) -> tuple[Element, dict[tuple[str, str], str]]:
    """The content validations, and their names by (sheet, column)."""
    validations = Element.from_tag("table:content-validations")
    names: dict[tuple[str, str], str] = {}
    for sheet in template.sheets:
        for dropdown in template.dropdowns[sheet.name]:
            name = f"{sheet.name}-{dropdown.column}"
            names[(sheet.name, dropdown.column)] = name
            kind = "stop" if dropdown.strict else "information"  # "information" lets "a;b" in
            validations.append(
                Element.from_tag(
                    f"<table:content-validation table:name={quoteattr(name)}"
                    f" table:condition={quoteattr(_list_condition(dropdown, template.rows))}"
                    ' table:allow-empty-cell="true" table:display-list="unsorted"'
                    f' table:base-cell-address="${sheet.name}.{dropdown.letter}2">'
                    f'<table:help-message table:title={quoteattr(dropdown.column)} table:display="true">'
                    f"<text:p>{escape(dropdown.hint)}</text:p></table:help-message>"
                    f'<table:error-message table:title={quoteattr(dropdown.column)} table:display="true"'
                    f' table:message-type="{kind}"><text:p>Scegli un valore dall\'elenco.</text:p>'
                    "</table:error-message></table:content-validation>"
                )
            )
    return validations, names


def _text_cell(text: str, style: str | None = None) -> Cell:
    return Cell(text, style=style)


SPACES = re.compile(r" +")


def _paragraph(line: str) -> str:
    """A line of a cell as ODF text, shown as it is: a spreadsheet program collapses runs of spaces
    and drops them at either end of a paragraph, so those are written as text:s, tabs as text:tab."""

    def spaces(found: re.Match[str]) -> str:
        count = len(found.group())
        if count == 1 and found.start() > 0 and found.end() < len(line):
            return " "
        return "<text:s/>" if count == 1 else f'<text:s text:c="{count}"/>'

    return "<text:p>" + SPACES.sub(spaces, escape(line)).replace("\t", "<text:tab/>") + "</text:p>"


def _record_cell(column: str, text: str, sheet: Sheet, validation: str | None) -> str:
    """A record's cell as ODF XML, formatted as the template's empty cells of its column are: text
    (each line a paragraph), or a date."""
    attributes = f" table:content-validation-name={quoteattr(validation)}" if validation else ""
    if column in sheet.dates:
        attributes = ' table:style-name="data"' + attributes
        if not text:
            return f"<table:table-cell{attributes}/>"
        day = date.fromisoformat(text).isoformat()
        return (
            f'<table:table-cell{attributes} office:value-type="date" office:date-value="{day}">'
            f"<text:p>{day}</text:p></table:table-cell>"
        )
    attributes = ' table:style-name="testo"' + attributes
    if not text:
        return f"<table:table-cell{attributes}/>"
    # The value is also kept whole in office:string-value, which odfdo reads before the paragraphs.
    paragraphs = "".join(_paragraph(line) for line in text.split("\n"))
    return (
        f'<table:table-cell{attributes} office:value-type="string" office:string-value={quoteattr(text)}>'
        f"{paragraphs}</table:table-cell>"
    )


def _record_rows(
    sheet: Sheet, names: dict[tuple[str, str], str], records: Sequence[Sequence[str]], empty: int
) -> list[Element]:
    """The records' rows and then `empty` empty rows, written as XML and parsed at once: building them
    cell by cell with odfdo takes minutes for a few tens of thousands of records."""
    validations = [names.get((sheet.name, column)) for column in sheet.columns]
    rows = [
        "<table:table-row>"
        + "".join(
            _record_cell(column, text, sheet, validation)
            for column, text, validation in zip(sheet.columns, record, validations, strict=True)
        )
        + "</table:table-row>"
        for record in records
    ]
    if empty:
        cells = "".join(_record_cell(c, "", sheet, v) for c, v in zip(sheet.columns, validations, strict=True))
        rows.append(f'<table:table-row table:number-rows-repeated="{empty}">{cells}</table:table-row>')
    # Parsed inside table:table-rows, which odfdo leaves as it is (a table:table would get a column).
    parsed = Element.from_tag(f"<table:table-rows>{''.join(rows)}</table:table-rows>")
    return list(parsed.children)


def _data_sheet(sheet: Sheet) -> Table:
    """A sheet's columns and its header, each header cell with its note; the rows come after."""
    table = Table(sheet.name)
    for _ in sheet.columns:
        table.append(Column(style="colonna", default_cell_style="testo"))
    header = Row()
    for index, column in enumerate(sheet.columns, start=1):
        cell = _text_cell(column, "obbligatoria" if column in sheet.required else None)
        note = Annotation(
            templates.hint(sheet, column), creator="govlod", date=FIXED_DATE, name=f"{sheet.name}-{index}"
        )
        cell.insert(note, position=0)  # a note comes before the cell's text, as ODF orders them
        header.append(cell)
    table.append(header)
    return table


def _lists_sheet(template: templates.Template) -> Table:
    table = Table(templates.LISTS, style="nascosto")
    titles = Row()
    for listed in template.lists:
        titles.append(_text_cell(listed.title))
    table.append(titles)
    last = max((len(c.values) or template.rows * len(c.sources) for c in template.lists), default=0) + 1
    specs: list[tuple[str, ...]] = []
    for number in range(2, last + 1):
        row: list[str] = []
        for listed in template.lists:
            if listed.values:
                row.append(listed.values[number - 2] if number - 2 < len(listed.values) else "")
            else:
                row.append("=" if number - 2 < template.rows * len(listed.sources) else "")
        specs.append(tuple(row))
    # Consecutive rows alike are written once, repeated, as spreadsheet programs write them.
    start = 0
    while start < len(specs):
        end = start
        while end + 1 < len(specs) and specs[end + 1] == specs[start]:
            end += 1
        row_element = Row(repeated=end - start + 1 if end > start else None)
        for listed, text in zip(template.lists, specs[start], strict=True):
            if text == "=":
                formula = Cell(text="", cell_type="string")
                formula.set_attribute("table:formula", _stacked_formula(listed.sources, template.rows))
                row_element.append(formula)
            else:
                row_element.append(_text_cell(text) if text else Cell())
        table.append(row_element)
        start = end + 1
    return table


def _readme_sheet(template: templates.Template) -> Table:
    table = Table(templates.README)
    table.append(Column(style="colonna"))
    table.append(Column(style="colonna"))
    table.append(Column(style="colonna-larga"))
    for index, line in enumerate(template.readme):
        row = Row()
        for text in line:
            row.append(_text_cell(text, "titolo" if index == 0 else None))
        if not line:
            row.append(Cell())
        table.append(row)
    return table


def template_bytes(template: templates.Template) -> bytes:
    """The template as an .ods spreadsheet, the same bytes for the same template (filled in, when it
    has records)."""
    document = Document("spreadsheet")
    body = document.body
    body.clear()
    for style in STYLES:
        document.insert_style(style, automatic=True)
    validations, names = _validations(template)
    body.append(validations)
    body.append(_readme_sheet(template))
    for sheet in template.sheets:
        table = _data_sheet(sheet)
        # The rows join the table once it is in the document: lxml moves a subtree into another
        # document node by node, which takes seconds for a sheet of thousands of records.
        body.append(table)
        records = template.records.get(sheet.name, ())
        table.extend(_record_rows(sheet, names, records, max(template.rows - len(records), 0)))
    body.append(_lists_sheet(template))
    document.meta.set_language("it-IT")
    out = io.BytesIO()
    document.save(out)
    return templates.normalized_zip(out.getvalue(), stored=("mimetype",))
