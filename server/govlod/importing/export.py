"""`govlod export`: a publisher's data back into the sheets `govlod import` reads, so that it can be
edited in a spreadsheet and imported again.

The inverse of `records`, sheet by sheet: each function below finds the resources one sheet's rows
become and rebuilds their cells (codes from the IRIs' last segments, through the same IRI builders;
code-list values from the concepts' notations; references as the codes of other rows; dates,
numbers, `sì`/`no`; several values joined with ";").

The round trip is not taken on trust; the importer itself is the judge:

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

import os
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

import pyoxigraph as ox

from govlod.importing import records as forward
from govlod.importing.command import code_lists, read_sheets
from govlod.importing.records import (
    GL,
    ORG,
    RDFS_LABEL,
    SHEETS,
    TIME,
    TYPE,
    VCARD,
    XSD,
    contact_iri,
    legislation_iri,
    membership_iri,
    objective_iri,
    organization_iri,
    seat_iri,
    table_iri,
    telephone_iri,
)
from govlod.importing.sheets import Problem, Row, Sheet
from govlod.importing.templates import build_template, readme_text, workbook_bytes, workbook_path
from govlod.namespaces import project_prefixes
from govlod.sources import SourceError, discover, os_reason, parse

ELI = "http://data.europa.eu/eli/ontology#"
DCT_IDENTIFIER = "http://purl.org/dc/terms/identifier"
# What no cell of every format gives back: XML 1.0 refuses these control characters (and Excel with
# it), and a carriage return comes back from XML and CSV readers as a line break.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")
TEL = re.compile(r"^tel:\+(\d{2})-(\d+)$")


class ExportError(Exception):
    """Nothing can be exported: the message says why, in one line."""


@dataclass(frozen=True)
class Record:
    """One row of a sheet. `key` names it from one rebuilding to the next: its resource's IRI (in the
    sheets with a codice, whose rows others refer to by that IRI), or its link (owner, then resource)."""

    key: str
    cells: dict[str, str]
    order: tuple[object, ...]  # where it goes in its sheet


@dataclass(frozen=True)
class LeftOut:
    """A row, or one cell of a row, that the export leaves out, and why."""

    sheet: str
    what: str  # the row, as the user finds it: its code, or its first cells
    why: str
    column: str | None = None  # the cell's column, when only the cell is left empty

    def __str__(self) -> str:
        return f"{self.what}" + (f" ({self.column})" if self.column else "") + f": {self.why}"


class Graph:
    """The data's triples, looked up by subject and by class."""

    def __init__(self, triples: Iterable[ox.Triple]):
        self.triples = frozenset(triples)
        self.out: dict[str, dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]]] = {}
        self.typed: dict[str, list[str]] = defaultdict(list)
        for triple in self.triples:
            if not isinstance(triple.subject, ox.NamedNode):
                continue  # no row makes a blank node
            subject = triple.subject.value
            self.out.setdefault(subject, {}).setdefault(triple.predicate.value, []).append(triple.object)
            if triple.predicate.value == TYPE and isinstance(triple.object, ox.NamedNode):
                self.typed[triple.object.value].append(subject)
        # One order for everything read: what is chosen among several values never depends on parsing.
        for predicates in self.out.values():
            for objects in predicates.values():
                objects.sort(key=str)
        for subjects in self.typed.values():
            subjects.sort()

    def of_type(self, cls: str) -> list[str]:
        return self.typed.get(cls, [])

    def iris(self, subject: str, predicate: str) -> list[str]:
        objects = self.out.get(subject, {}).get(predicate, [])
        return [o.value for o in objects if isinstance(o, ox.NamedNode)]

    def has(self, subject: str, predicate: str, obj: str) -> bool:
        return ox.Triple(ox.NamedNode(subject), ox.NamedNode(predicate), ox.NamedNode(obj)) in self.triples

    def literal(self, subject: str, predicate: str, fits: Callable[[ox.Literal], bool]) -> str:
        """The first value that `fits` the literal the importer writes and that a cell holds as it is."""
        for obj in self.out.get(subject, {}).get(predicate, []):
            if isinstance(obj, ox.Literal) and fits(obj) and _cell_safe(obj.value):
                return obj.value
        return ""

    def italian(self, subject: str, predicate: str) -> str:
        return self.literal(subject, predicate, lambda lit: lit.language == "it")

    def english(self, subject: str, predicate: str) -> str:
        return self.literal(subject, predicate, lambda lit: lit.language == "en")

    def plain(self, subject: str, predicate: str) -> str:
        return self.literal(
            subject, predicate, lambda lit: lit.language is None and lit.datatype.value == XSD + "string"
        )

    def typed_value(self, subject: str, predicate: str, datatype: str) -> str:
        return self.literal(subject, predicate, lambda lit: lit.language is None and lit.datatype.value == datatype)


def _cell_safe(text: str) -> bool:
    """Whether a cell gives the text back unchanged: the importer strips cells, and no workbook holds
    control characters."""
    return bool(text) and text == text.strip() and not UNSAFE.search(text)


def _code(iri: str, mint: Callable[[str], str]) -> str | None:
    """The row's code: the IRI's last segment, when the sheets mint this very IRI from it."""
    code = iri.rsplit("/", 1)[-1]
    return code if mint(code) == iri else None


def _integer(text: str) -> str:
    return text if text.isdigit() else ""


@dataclass
class Context:
    """What the rows of one sheet may refer to: the rows rebuilt before them, the code lists, and
    what is being left out."""

    graph: Graph
    publisher: str
    concepts: dict[str, dict[str, str]]  # code list -> concept IRI -> notation
    excluded: dict[tuple[str, str], str]  # (sheet, record key) -> why it is left out
    emptied: dict[tuple[str, str, str], str]  # (sheet, record key, column) -> why the cell is left empty
    codes: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet -> IRI -> code of its kept rows

    def notation(self, iris: Sequence[str], scheme: str) -> str:
        concepts = self.concepts.get(scheme, {})
        return next((concepts[iri] for iri in iris if iri in concepts), "")

    def ref(self, iris: Sequence[str], *sheets: str) -> str:
        """The code of the first of `iris` that is a row of one of `sheets`; "" when none is."""
        for iri in iris:
            for sheet in sheets:
                if iri in self.codes.get(sheet, {}):
                    return self.codes[sheet][iri]
        return ""

    def owners(self, *sheets: str) -> list[tuple[str, str]]:
        """(IRI, code) of the kept rows of `sheets`: the bodies, tables or coordinations rows may belong to."""
        return [(iri, code) for sheet in sheets for iri, code in sorted(self.codes.get(sheet, {}).items())]


def enti(x: Context) -> list[Record]:
    g = x.graph
    found: list[tuple[str, dict[str, str]]] = []
    for iri in g.of_type(GL + "PublicBody"):
        code = _code(iri, organization_iri)
        cells = {
            "codice": code or "",
            "nome": g.italian(iri, RDFS_LABEL),
            "tipologia": x.notation(g.iris(iri, ORG + "classification"), "body-kind"),
            "partita_iva": g.plain(iri, GL + "partitaIVA"),
            "codice_fiscale": g.plain(iri, GL + "codiceFiscale"),
            "codice_ipa": g.plain(iri, GL + "ipaCode"),
            "codice_istat": g.plain(iri, GL + "istatCode"),
            "nome_en": g.english(iri, RDFS_LABEL),
        }
        if code and cells["nome"] and cells["tipologia"]:
            found.append((iri, cells))
    # A body's territory is another row of this sheet: known once every row is.
    bodies = {iri: cells["codice"] for iri, cells in found if ("enti", iri) not in x.excluded}
    return [
        Record(iri, {**cells, "nel_territorio_di": _code_among(g.iris(iri, GL + "withinTerritoryOf"), bodies)}, (iri,))
        for iri, cells in found
    ]


def _code_among(iris: Sequence[str], codes: Mapping[str, str]) -> str:
    return next((codes[iri] for iri in iris if iri in codes), "")


def coordinamenti(x: Context) -> list[Record]:
    g = x.graph
    found = []
    for iri in g.of_type(GL + "Coordination"):
        code = _code(iri, organization_iri)
        founder = x.ref(g.iris(iri, GL + "establishedBy"), "enti")
        name = g.italian(iri, RDFS_LABEL)
        if not code or not founder or not name:
            continue
        members = sorted({x.ref([member], "enti") for member in g.iris(iri, ORG + "hasMember")} - {""})
        cells = {
            "codice": code,
            "nome": name,
            "istituito_da": founder,
            "membri": ";".join(members),
            "nome_en": g.english(iri, RDFS_LABEL),
        }
        found.append(Record(iri, cells, (iri,)))
    return found


def tavoli(x: Context) -> list[Record]:
    g = x.graph
    found = []
    for iri in g.of_type(GL + "GovernanceTable"):
        for parent in g.iris(iri, ORG + "unitOf"):
            coordination = x.codes.get("coordinamenti", {}).get(parent)
            code = _code(iri, partial(table_iri, parent))
            if coordination is None or code is None:
                continue
            cells = {
                "codice": code,
                "nome": g.italian(iri, RDFS_LABEL),
                "tipologia": x.notation(g.iris(iri, ORG + "classification"), "governance-body-kind"),
                "parte_di": coordination,
                "nome_en": g.english(iri, RDFS_LABEL),
            }
            if cells["nome"] and cells["tipologia"]:
                found.append(Record(iri, cells, (coordination, code)))
            break
    return found


def posti(x: Context) -> list[Record]:
    g = x.graph
    found = []
    for iri in g.of_type(GL + "Seat"):
        for table in g.iris(iri, ORG + "postIn"):
            table_code = x.codes.get("tavoli", {}).get(table)
            code = _code(iri, partial(seat_iri, table))
            if table_code is None or code is None:
                continue
            optional = g.typed_value(iri, GL + "optional", XSD + "boolean") == "true"
            cells = {
                "codice": code,
                "tavolo": table_code,
                "nome": g.italian(iri, RDFS_LABEL),
                "ruolo": x.notation(g.iris(iri, ORG + "role"), "role"),
                "per_conto_di": x.ref(g.iris(iri, GL + "represents"), "enti"),
                "designato_da": x.ref(g.iris(iri, GL + "designatedBy"), "enti"),
                "requisiti": g.italian(iri, GL + "eligibility"),
                "quanti": _integer(g.typed_value(iri, GL + "numberOfHolders", XSD + "integer")),
                "eventuale": "sì" if optional else "no",
                "nome_en": g.english(iri, RDFS_LABEL),
                "requisiti_en": g.english(iri, GL + "eligibility"),
                "testo_fonte": g.italian(iri, GL + "sourceText"),
            }
            if cells["nome"] and cells["ruolo"]:
                found.append(Record(iri, cells, (table_code, code)))
            break
    return found


def _day(g: Graph, interval: str, end: str) -> str:
    """The date an interval begins or ends on (`end`: time:hasBeginning or time:hasEnd), as YYYY-MM-DD."""
    for instant in g.iris(interval, TIME + end):
        text = g.typed_value(instant, TIME + "inXSDDate", XSD + "date")
        try:
            return date.fromisoformat(text).isoformat() if text else ""
        except ValueError:
            return ""
    return ""


def appartenenze(x: Context) -> list[Record]:
    g = x.graph
    found = []
    for iri in g.of_type(ORG + "Membership"):
        seats = [seat for seat in g.iris(iri, GL + "holdsSeat") if seat in x.codes.get("posti", {})]
        people = g.iris(iri, ORG + "member")
        intervals = g.iris(iri, ORG + "memberDuring")
        if not seats or not people or not intervals:
            continue
        person = g.italian(people[0], RDFS_LABEL)
        start, end = _day(g, intervals[0], "hasBeginning"), _day(g, intervals[0], "hasEnd")
        if not person or not start or membership_iri(x.publisher, person, seats[0], date.fromisoformat(start)) != iri:
            continue
        cells = {"persona": person, "posto": x.codes["posti"][seats[0]], "dal": start, "al": end}
        found.append(Record(iri, cells, (cells["posto"], start, person)))
    return found


def obiettivi(x: Context) -> list[Record]:
    g = x.graph
    found = []
    for owner, owner_code in x.owners("tavoli", "coordinamenti"):
        for iri in g.iris(owner, GL + "hasObjective"):
            position = _integer(g.typed_value(iri, GL + "order", XSD + "integer"))
            text = g.italian(iri, GL + "fullText")
            if position and text and objective_iri(owner, position) == iri:
                cells = {"organo": owner_code, "posizione": position, "testo": text}
                found.append(Record(f"{owner} {iri}", cells, (owner_code, int(position))))
    return found


def norme(x: Context) -> list[Record]:
    g = x.graph
    found = []
    for owner, owner_code in x.owners("tavoli", "coordinamenti"):
        for iri in g.iris(owner, GL + "legalBasis"):
            urn = g.plain(iri, DCT_IDENTIFIER)
            title = g.italian(iri, ELI + "title")
            if urn and title and legislation_iri(urn) == iri:
                cells = {"organo": owner_code, "urn": urn, "titolo": title}
                found.append(Record(f"{owner} {iri}", cells, (owner_code, urn)))
    return found


def _numbers(g: Graph, contact: str, kind: str) -> str:
    """A contact point's numbers of one kind (vcard:Voice, vcard:Fax), written as the importer reads them."""
    numbers = []
    for node in g.iris(contact, VCARD + "hasTelephone"):
        if not g.has(node, TYPE, VCARD + kind):
            continue
        for value in g.iris(node, VCARD + "hasValue"):
            found = TEL.match(value)
            if found and telephone_iri(contact, value) == node:
                text = f"+{found.group(1)} {found.group(2)}"
                if forward.telephone(text) == value:
                    numbers.append(text)
    return ";".join(sorted(numbers))


def _mail(g: Graph, contact: str, predicate: str) -> str:
    mails = [iri.removeprefix("mailto:") for iri in g.iris(contact, predicate) if iri.startswith("mailto:")]
    return next((mail for mail in mails if _cell_safe(mail) and ";" not in mail), "")


def contatti(x: Context) -> list[Record]:
    g = x.graph
    found = []
    for owner, owner_code in x.owners("enti", "tavoli", "coordinamenti"):
        for iri in g.iris(owner, GL + "contactPoint"):
            name = g.plain(iri, VCARD + "fn")
            if not name or contact_iri(x.publisher, name) != iri:
                continue
            cells = {
                "organo": owner_code,
                "nome": name,
                "telefono": _numbers(g, iri, "Voice"),
                "fax": _numbers(g, iri, "Fax"),
                "email": _mail(g, iri, VCARD + "hasEmail"),
                "pec": _mail(g, iri, GL + "pec"),
            }
            found.append(Record(f"{owner} {iri}", cells, (owner_code, name)))
    return found


# Each sheet's inverse, in the order the importer reads the sheets: a row refers only to rows before it.
INVERSES: dict[str, Callable[[Context], list[Record]]] = {
    "enti": enti,
    "coordinamenti": coordinamenti,
    "tavoli": tavoli,
    "posti": posti,
    "appartenenze": appartenenze,
    "obiettivi": obiettivi,
    "norme": norme,
    "contatti": contatti,
}
assert tuple(INVERSES) == tuple(sheet.name for sheet in SHEETS)
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
        if sheet.name in CODED:
            x.codes[sheet.name] = {record.key: record.cells["codice"] for record in kept}
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
        sources = ", ".join(map(str, self.sources))
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
    concepts = {scheme: {forward.concept_iri(scheme, code): code for code in found} for scheme, found in codes.items()}
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


def write(exported: Export, kind: str, out: Path, codes: dict[str, set[str]]) -> list[Path]:
    """Write the rows as a filled-in template: a workbook at `out` (or `out`/govlod.KIND when `out` is a
    folder), or CSV sheets in the folder `out`. Each file is written beside its place, read back and
    imported, and only then renamed into place. The files written."""
    template = build_template(codes, records=exported.records, publisher=exported.publisher)
    path = out if kind == "csv" else workbook_path(kind, out)
    try:
        if kind == "csv":
            return _write_csv(exported, template.sheets, readme_text(template), out, codes)
        data = workbook_bytes(kind, template)
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
