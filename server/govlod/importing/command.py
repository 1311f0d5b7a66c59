"""`govlod import`: CSV sheets or workbooks in, one Turtle file out, written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from govlod.importing.definitions import SHEETS
from govlod.importing.formats import WORKBOOK_SUFFIXES, reader_for
from govlod.importing.records import CODE, build_records
from govlod.importing.sheets import Problem, Row, italian_reason
from govlod.namespaces import ID_SPACE, project_prefixes
from govlod.sources import os_reason

SKOS = "http://www.w3.org/2004/02/skos/core#"


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    output: Path | None = None
    triples: int = 0


def code_lists(ontology_dir: Path) -> dict[str, set[str]]:
    """Allowed codes per list, read from the vocabulary's code lists: list name -> notations."""
    lists: dict[str, set[str]] = {}
    for path in sorted(ontology_dir.glob("*.ttl")):
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if quad.predicate.value == SKOS + "notation" and quad.subject.value.startswith(ID_SPACE + "concept/"):
                scheme = quad.subject.value.removeprefix(ID_SPACE + "concept/").split("/")[0]
                lists.setdefault(scheme, set()).add(quad.object.value)
    return lists


def _sheet_files(paths: list[Path], problems: list[Problem]) -> tuple[dict[str, Path], list[Path]]:
    """The CSV sheets given (sheet file name -> path) and the workbooks, in the order given."""
    known = {sheet.file: sheet for sheet in SHEETS}
    found: dict[str, Path] = {}
    workbooks: list[Path] = []
    for path in paths:
        if not path.exists():
            problems.append(
                Problem(str(path), None, None, "no such file or folder", italian="file o cartella inesistente")
            )
            continue
        try:
            # Listed here, not by Path.glob, which finds nothing in a folder it cannot read.
            files = sorted(p for p in path.iterdir() if p.suffix == ".csv") if path.is_dir() else [path]
        except OSError as error:
            problems.append(
                Problem(
                    str(path),
                    None,
                    None,
                    f"cannot read the folder: {os_reason(error)}",
                    italian=f"impossibile leggere la cartella: {italian_reason(error)}",
                )
            )
            continue
        for file in files:
            if file.suffix.lower() in WORKBOOK_SUFFIXES:
                workbooks.append(file)
            elif file.name not in known:
                names = ", ".join(known)
                csv = file.suffix.lower() == ".csv"
                also = "" if csv else ", or a workbook (.xlsx, .ods) with sheets so named"
                also_italian = "" if csv else ", oppure una cartella di lavoro (.xlsx, .ods) con fogli chiamati così"
                problems.append(
                    Problem(
                        file.name,
                        None,
                        None,
                        f"not a sheet govlod knows; the sheets are: {names}{also}",
                        italian=f"non è un foglio che govlod conosce; i fogli sono: {names}{also_italian}",
                    )
                )
            elif file.name in found:
                problems.append(
                    Problem(
                        file.name,
                        None,
                        None,
                        f"given twice ({found[file.name]} and {file})",
                        italian=f"indicato due volte ({found[file.name]} e {file})",
                    )
                )
            else:
                found[file.name] = file
    if not found and not workbooks and not problems:  # an import of nothing would empty the publisher's file
        names = ", ".join(known)
        problems.append(
            Problem(
                ", ".join(map(str, paths)),
                None,
                None,
                f"no sheets found; the sheets are: {names}",
                italian=f"nessun foglio trovato; i fogli sono: {names}",
            )
        )
    return found, workbooks


def read_sheets(paths: list[Path], problems: list[Problem]) -> dict[str, list[Row]]:
    """Every sheet given, as CSV files or in workbooks: sheet name -> rows; problems added to `problems`."""
    files, workbooks = _sheet_files(paths, problems)
    rows: dict[str, list[Row]] = {}
    origin: dict[str, Path] = {}
    sources = [files[sheet.file] for sheet in SHEETS if sheet.file in files] + workbooks
    for path in sources:
        reader = reader_for(path)
        assert reader is not None  # _sheet_files keeps only the files a reader takes
        read = reader(path, SHEETS)
        problems.extend(read.problems)
        for name, found in read.rows.items():
            if name in origin:
                problems.append(
                    Problem(
                        name,
                        None,
                        None,
                        f"given twice ({origin[name]} and {path})",
                        italian=f"indicato due volte ({origin[name]} e {path})",
                    )
                )
                continue
            origin[name] = path
            rows[name] = found
    return rows


def write_atomically(path: Path, data: bytes) -> None:
    """The new file appears whole or not at all: written beside it, then renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def import_sheets(
    paths: list[Path], publisher: str, out: Path, ontology_dir: Path, name: str | None = None
) -> ImportResult:
    result = ImportResult()
    for option, value in (("--publisher", publisher), ("--name", name)):
        if value is not None and not CODE.match(value):
            result.problems.append(
                Problem(
                    option,
                    None,
                    None,
                    f"'{value}' is not a slug: use a-z, 0-9 and -",
                    italian=f"'{value}' non è un nome breve valido (slug): usa solo a-z, 0-9 e -",
                )
            )
    if result.problems:
        return result
    rows = read_sheets(paths, result.problems)
    if result.problems:  # unreadable sheets: their rows would only add confusing follow-on errors
        return result
    built = build_records(rows, publisher, code_lists(ontology_dir))
    result.problems = built.problems
    if result.problems:
        return result
    # Sorted statements and a fixed prefix table: the same sheets give the same bytes.
    triples = sorted(built.triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=project_prefixes()) or b""
    # The serialiser's prefix lines come in no promised order: sort them so the bytes never move.
    lines = data.split(b"\n")
    prefixes = sorted(line for line in lines if line.startswith(b"@prefix"))
    data = b"\n".join([*prefixes, *(line for line in lines if not line.startswith(b"@prefix"))])
    named = f" --name {name}" if name and name != publisher else ""
    header = f"# Imported by govlod import --publisher {publisher}{named}: edit the sheets, not this file.\n".encode()
    output = out / f"{name or publisher}.ttl"
    try:
        write_atomically(output, header + data)
    except OSError as error:  # a full disk, a folder without permission: the old file stays as it was
        result.problems.append(
            Problem(
                str(output),
                None,
                None,
                f"cannot write: {os_reason(error)}",
                italian=f"impossibile scrivere: {italian_reason(error)}",
            )
        )
        return result
    result.output = output
    result.triples = len(triples)
    return result
