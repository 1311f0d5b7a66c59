"""`govlod export`: a publisher's data back into the sheets `govlod import` reads, so that it can be
edited in a spreadsheet and imported again.

The rows are rebuilt from the data by `inverses`, sheet by sheet. The round trip is not taken on
trust; the importer itself is the judge:

- the rebuilt rows are imported in memory by `records.build_records`, which notes which row wrote
  which triple. A row the importer refuses, or one that would write a triple the data does not hold,
  is left out (a refused optional cell is emptied instead), and the rows are rebuilt without it,
  until every triple the rows give back is one of the data's;
- the data's triples that no row gives back are what the sheets cannot hold yet: reported by
  predicate and class, and the export refused unless it is asked to be partial;
- the file written is read back by the importer's own reader and imported again before it replaces
  anything: the same triples, or nothing is written.

So importing an export of data that the sheets hold whole gives the same triples, and the importer's
output, sorted, the same bytes."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from govlod.importing import records as forward
from govlod.importing.command import code_lists, read_sheets
from govlod.importing.definitions import SHEETS
from govlod.importing.formats.workbook import MAX_FILE_BYTES, MAX_UNPACKED_BYTES
from govlod.importing.inverses import INVERSES, Context, Graph, Record
from govlod.importing.iris import concept_iri
from govlod.importing.records import TYPE, XSD
from govlod.importing.sheets import Problem, Row, Sheet
from govlod.importing.templates import build_template, readme_text, workbook_bytes, workbook_path
from govlod.namespaces import project_prefixes
from govlod.sources import SourceError, discover, os_reason, parse


class ExportError(Exception):
    """Nothing can be exported: the message says why, in one line."""


@dataclass(frozen=True)
class LeftOut:
    """A row, or one cell of a row, that the export leaves out, and why."""

    sheet: str
    what: str  # the row, as the user finds it: its code, or its first cells
    why: str
    column: str | None = None  # the cell's column, when only the cell is left empty

    def __str__(self) -> str:
        return f"{self.what}" + (f" ({self.column})" if self.column else "") + f": {self.why}"


CODED = {sheet.name for sheet in SHEETS if "codice" in sheet.columns}  # the sheets other rows refer to


def rebuild_rows(x: Context) -> dict[str, list[Record]]:
    """Every sheet's rows, less those left out and with the cells emptied that are to be."""
    rebuilt: dict[str, list[Record]] = {}
    x.codes = {}
    for sheet in SHEETS:
        kept = []
        for record in sorted(INVERSES[sheet.name](x), key=lambda r: r.order):
            if (sheet.name, record.key) in x.excluded:
                continue
            cells = {
                column: "" if (sheet.name, record.key, column) in x.emptied else record.cells.get(column, "")
                for column in sheet.columns
            }
            kept.append(Record(record.key, cells, record.order))
        rebuilt[sheet.name] = kept
        if sheet.name in CODED:  # how other rows name these: by codice, or owner/codice in a scoped sheet
            x.codes[sheet.name] = {record.key: sheet.reference(record.cells["codice"], record.cells) for record in kept}
    return rebuilt


def _as_rows(rebuilt: Mapping[str, list[Record]]) -> dict[str, list[Row]]:
    by_name = {sheet.name: sheet for sheet in SHEETS}
    return {
        name: [Row(by_name[name].file, number, dict(r.cells)) for number, r in enumerate(found, start=2)]
        for name, found in rebuilt.items()
    }


def _describe(sheet: Sheet, cells: Mapping[str, str]) -> str:
    """A row as the user finds it in the sheet: its code, or its first cells."""
    if cells.get("codice"):
        return cells["codice"]
    return " ".join(cells[column] for column in sheet.required[:2])


@dataclass
class Export:
    """The rows rebuilt from the data, what they give back, and what the sheets cannot hold."""

    publisher: str
    sources: list[Path]
    data: frozenset[ox.Triple]
    rows: dict[str, list[Record]]
    triples: set[ox.Triple]  # what importing the rows gives: a part of `data`, or all of it
    left_out: list[LeftOut]

    @property
    def name(self) -> str | None:
        """The file to import back into, when the data is one file not named after the publisher (a
        bundled publisher's coordinamento-enti-gestori.ttl): `govlod import --name` replaces it."""
        if (
            len(self.sources) == 1
            and self.sources[0].stem != self.publisher
            and forward.CODE.match(self.sources[0].stem)
        ):
            return self.sources[0].stem
        return None

    @property
    def missing(self) -> list[ox.Triple]:
        """The data's triples no row gives back."""
        return sorted(self.data - self.triples, key=lambda t: (str(t.predicate), str(t.subject), str(t.object)))

    @property
    def records(self) -> dict[str, list[list[str]]]:
        by_name = {sheet.name: sheet for sheet in SHEETS}
        return {
            name: [[r.cells[column] for column in by_name[name].columns] for r in found]
            for name, found in self.rows.items()
        }

    def counts(self) -> str:
        return ", ".join(f"{name} {len(found)}" for name, found in self.rows.items())

    def summary(self) -> list[str]:
        """What the sheets cannot hold, a line for each predicate and class with a count and an
        example, then the rows left out and why; no lines when the sheets hold everything."""
        missing = self.missing
        if not missing:
            return []
        groups: dict[str, list[ox.Triple]] = defaultdict(list)
        for triple in missing:
            groups[_group(triple)].append(triple)
        shown = [str(source) for source in self.sources[:3]]
        more = len(self.sources) - len(shown)
        sources = ", ".join(shown) + (f" and {more} more file{'s' if more != 1 else ''}" if more else "")
        lines = [
            f"the sheets cannot hold {len(missing)} of the {len(self.data)} triples of {sources}: "
            "no column holds them yet, or not as the data has them"
        ]
        for name, found in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
            lines.append(f"  {len(found):>5}  {name}, e.g. {_show(found[0])}")
        by_sheet: dict[str, list[LeftOut]] = defaultdict(list)
        for item in self.left_out:
            by_sheet[item.sheet].append(item)
        if by_sheet:
            lines.append("left out, as importing them would not give the data back:")
        for sheet in SHEETS:
            if items := by_sheet.get(sheet.name):
                cells = sum(1 for item in items if item.column)
                counted = [_count(len(items) - cells, "row"), _count(cells, "cell")]
                lines.append(f"  {sheet.name}: {' and '.join(c for c in counted if c)}, e.g. {items[0]}")
        return lines


def _count(number: int, what: str) -> str:
    return f"{number} {what}{'s' if number != 1 else ''}" if number else ""


PREFIXES = sorted(project_prefixes().items(), key=lambda item: -len(item[1]))


def _compact(iri: str) -> str:
    for prefix, namespace in PREFIXES:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    if isinstance(term, ox.NamedNode):
        return _compact(term.value)
    if isinstance(term, ox.Literal):
        text = term.value if len(term.value) <= 40 else term.value[:39] + "…"
        shown = '"' + text.replace("\n", " ") + '"'
        if term.language:
            return f"{shown}@{term.language}"
        if term.datatype.value != XSD + "string":
            return f"{shown}^^{_compact(term.datatype.value)}"
        return shown
    return str(term)


def _show(triple: ox.Triple) -> str:
    return f"{_term(triple.subject)} {_term(triple.predicate)} {_term(triple.object)}"


def _group(triple: ox.Triple) -> str:
    """What a triple is grouped under: "a CLASS" for its type, else its predicate, and the language
    of its literal where it is not Italian (the sheets write English text in a few columns only, so
    what they lack in English is told apart)."""
    if triple.predicate.value == TYPE and isinstance(triple.object, ox.NamedNode):
        return f"a {_compact(triple.object.value)}"
    name = _compact(triple.predicate.value)
    if isinstance(triple.object, ox.Literal) and triple.object.language not in (None, "it"):
        return f"{name} @{triple.object.language}"
    return name


def rebuild(
    data: frozenset[ox.Triple], publisher: str, codes: dict[str, set[str]], sources: Sequence[Path] = ()
) -> Export:
    """The rows the data becomes, each one that the importer gives back as the data has it."""
    by_file = {sheet.file: sheet for sheet in SHEETS}
    concepts = {scheme: {concept_iri(scheme, code): code for code in found} for scheme, found in codes.items()}
    x = Context(Graph(data), publisher, concepts, excluded={}, emptied={})
    left_out: list[LeftOut] = []
    while True:
        rebuilt = rebuild_rows(x)
        built = forward.build_records(_as_rows(rebuilt), publisher, codes, trace=True)
        changed = False
        for problem in built.problems:
            changed |= _leave_out(problem, by_file, rebuilt, x, left_out)
        if built.problems:
            if not changed:  # the importer refuses rows the export cannot mend: a fault of the inverse
                raise ExportError(f"the rows rebuilt from the data are refused: {built.problems[0]}")
            continue
        assert built.made_by is not None
        extra = sorted(built.triples - data, key=str)
        for triple in extra:
            for file, number in sorted(built.made_by.get(triple, ())):
                sheet = by_file[file]
                record = rebuilt[sheet.name][number - 2]
                if (sheet.name, record.key) not in x.excluded:
                    why = f"it would write {_show(triple)}, which the data does not hold"
                    x.excluded[(sheet.name, record.key)] = why
                    left_out.append(LeftOut(sheet.name, _describe(sheet, record.cells), why))
                    changed = True
        if not extra:
            return Export(publisher, list(sources), data, rebuilt, built.triples, left_out)
        if not changed:
            raise ExportError(f"the rows rebuilt from the data write what it does not hold: {_show(extra[0])}")


def _leave_out(
    problem: Problem, by_file: Mapping[str, Sheet], rebuilt: Mapping[str, list[Record]], x: Context, left: list[LeftOut]
) -> bool:
    """Empty the optional cell a problem is in, or leave its row out; whether anything changed."""
    sheet = by_file[problem.file]
    assert problem.row is not None  # the importer names the row of every problem with a record
    record = rebuilt[sheet.name][problem.row - 2]
    what = _describe(sheet, record.cells)
    if problem.column in sheet.optional and record.cells.get(problem.column):
        place = (sheet.name, record.key, problem.column)
        if place in x.emptied:
            return False
        x.emptied[place] = problem.message
        left.append(LeftOut(sheet.name, what, problem.message, problem.column))
        return True
    if (sheet.name, record.key) in x.excluded:
        return False
    x.excluded[(sheet.name, record.key)] = problem.message
    left.append(LeftOut(sheet.name, what, problem.message))
    return True


def output_format(kind: str | None, out: Path) -> str:
    """The format to write: as given, or as `--out` names it (govlod.ods), else xlsx; a workbook name
    of another format is refused rather than taken for a folder."""
    named = out.suffix.lower().removeprefix(".")
    if named in ("xlsx", "ods"):
        if kind not in (None, named):
            raise ExportError(f"--out {out} names an .{named} workbook, not the {kind} asked for with --format")
        return named
    return kind or "xlsx"


def default_data(data_root: Path, publisher: str) -> Path:
    """The file `govlod import --publisher PUBLISHER` writes, which is what is exported by default."""
    folder = data_root / publisher
    path = folder / f"{publisher}.ttl"
    if not folder.is_dir():
        raise ExportError(
            f"unknown publisher '{publisher}': there is no {folder} (govlod import --publisher {publisher} "
            f"writes {path}); name the data to export with --data"
        )
    if not path.is_file():
        raise ExportError(
            f"{path}: no such file (govlod import --publisher {publisher} writes it); "
            f"to export the publisher's other files, name them: --data {folder}"
        )
    return path


def load(paths: Sequence[Path]) -> tuple[frozenset[ox.Triple], list[Path]]:
    """The triples of every RDF file given (or found in the folders given), and those files."""
    try:
        sources = discover(paths)
        if not sources:
            raise ExportError(f"{', '.join(map(str, paths))}: no RDF files (.ttl, .nt, .rdf, .jsonld) to export")
        triples: set[ox.Triple] = set()
        for source in sources:
            triples.update(parse(source).triples)
    except SourceError as error:
        raise ExportError(str(error)) from None
    return frozenset(triples), [source.path for source in sources]


def _reimported(paths: list[Path], publisher: str, codes: dict[str, set[str]]) -> set[ox.Triple]:
    """What `govlod import` makes of the files written: read by its own readers, then built."""
    problems: list[Problem] = []
    rows = read_sheets(paths, problems)
    if problems:
        raise ExportError(f"the sheets written do not read back: {problems[0]}")
    built = forward.build_records(rows, publisher, codes)
    if built.problems:
        raise ExportError(f"the sheets written do not import back: {built.problems[0]}")
    return built.triples


def _check(expected: set[ox.Triple], found: set[ox.Triple]) -> None:
    if found != expected:
        differ = sorted(found ^ expected, key=str)[0]
        raise ExportError(f"the sheets written do not import back to the data exported: {_show(differ)}")


def _temporary_beside(path: Path) -> Path:
    """A new empty file in the folder of `path`, named to stay hidden and read as the same format."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=path.suffix)
    os.close(handle)
    return Path(name)


def _write(path: Path, data: bytes) -> None:
    with path.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def _check_size(workbook: bytes, path: Path) -> None:
    """Refuse a workbook larger than `govlod import` reads, which could not be imported again."""
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if len(workbook) > MAX_FILE_BYTES or unpacked > MAX_UNPACKED_BYTES:
        raise ExportError(
            f"{path}: the workbook would be {len(workbook) // 2**20} MiB, {unpacked // 2**20} MiB unpacked, more than "
            f"govlod import reads ({MAX_FILE_BYTES // 2**20} MiB, {MAX_UNPACKED_BYTES // 2**20} MiB unpacked): "
            "export the data as CSV sheets (--format csv), or each publisher's files apart"
        )


def write(exported: Export, kind: str, out: Path, codes: dict[str, set[str]]) -> list[Path]:
    """Write the rows as a filled-in template: a workbook at `out` (or `out`/govlod.KIND when `out` is a
    folder), or CSV sheets in the folder `out`. Each file is written beside its place, read back and
    imported, and only then renamed into place. The files written."""
    template = build_template(codes, records=exported.records, publisher=exported.publisher, name=exported.name)
    path = out if kind == "csv" else workbook_path(kind, out)
    try:
        if kind == "csv":
            return _write_csv(exported, template.sheets, readme_text(template), out, codes)
        data = workbook_bytes(kind, template)
        _check_size(data, path)
        temporary = _temporary_beside(path)
        try:
            _write(temporary, data)
            _check(exported.triples, _reimported([temporary], exported.publisher, codes))
            temporary.chmod(0o644)  # a file to share, not a private temporary one
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        return [path]
    except OSError as error:
        # Named by what was to be written, not by the temporary file beside it that failed first.
        raise ExportError(f"{path}: cannot write: {os_reason(error)}") from None


def _write_csv(
    exported: Export, sheets: Sequence[Sheet], readme: str, folder: Path, codes: dict[str, set[str]]
) -> list[Path]:
    from govlod.importing.formats.csv_sheets import sheet_text

    records = exported.records
    try:
        texts = {sheet.file: sheet_text(sheet.columns, records.get(sheet.name, ())) for sheet in sheets}
    except ValueError as error:
        raise ExportError(f"{folder}: cannot write the CSV sheets: {error}") from None
    texts["README.txt"] = readme
    folder.mkdir(parents=True, exist_ok=True)
    # The sheets are written and checked together in a folder of their own, then moved in one by
    # one: each file is replaced whole, and none before all of them import back.
    staging = Path(tempfile.mkdtemp(dir=folder, prefix=".govlod-export-"))
    try:
        for name, text in texts.items():
            _write(staging / name, text.encode("utf-8"))
            (staging / name).chmod(0o644)
        _check(exported.triples, _reimported([staging], exported.publisher, codes))
        written = []
        for name in texts:
            os.replace(staging / name, folder / name)
            written.append(folder / name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def export_data(paths: Sequence[Path], publisher: str, ontology_dir: Path) -> tuple[Export, dict[str, set[str]]]:
    """The rows of the data in `paths`, as the publisher `publisher` imported them."""
    if not forward.CODE.match(publisher):
        raise ExportError(f"--publisher: '{publisher}' is not a slug: use a-z, 0-9 and -")
    data, sources = load(paths)
    codes = code_lists(ontology_dir)
    return rebuild(data, publisher, codes, sources), codes
