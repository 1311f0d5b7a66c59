"""`govlod export`: a publisher's data back into the sheets, which import again into the same bytes, in
every format and after a spreadsheet program has saved them; the exported workbook is the template
filled in; what the sheets cannot hold is named and refused (or, with --partial, left out, the rest a
part of the data); bad input is one line, and nothing is ever half-written."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pyoxigraph as ox
import pytest
import rdflib
from odfdo import Document
from openpyxl.utils import get_column_letter
from rdflib.compare import isomorphic

from govlod.importing import export
from govlod.importing.definitions import SHEETS
from govlod.importing.export import ExportError, export_data, write
from govlod.importing.formats.csv_sheets import delimiter_of, sheet_text
from govlod.importing.templates import ROWS, data_rows
from tests.faults import unprivileged
from tests.helpers import PROJECT, run_govlod
from tests.importing.test_messages import english_lines
from tests.importing.test_templates import DROPDOWNS
from tests.importing.workbooks import EXAMPLE, check_workbook_layout

NOVARA = PROJECT / "data" / "provincia-novara" / "coordinamento-enti-gestori.ttl"
ONTOLOGY = PROJECT / "ontology"
FORMATS = ("xlsx", "ods", "csv")

# Sheets with what is hard to carry through a cell: separators, quotes, a leading "=" or "'", runs of
# spaces, tabs, line breaks, leading zeros, a coordination of eight members (more ";" than ","),
# memberships with and without an end, a seat held by several, positions past 9, numbers abroad.
MEMBERS = ["provincia-novara", "comune-novara", "cisa-24", "cisa-ovest-ticino", "ciss-borgomanero", "ispa-arona"]
TRICKY: dict[str, list[list[str]]] = {
    "enti": [
        [
            "codice",
            "nome",
            "tipologia",
            "partita_iva",
            "codice_fiscale",
            "codice_ipa",
            "codice_istat",
            "nel_territorio_di",
        ],
        ["provincia-novara", "Provincia di Novara", "provincia", "", "", "p_no", "003", ""],
        ["comune-novara", 'Comune di Novara; capoluogo, "città"', "comune", "", "", "", "003106", "provincia-novara"],
        ["cisa-24", "=CISA 24", "ente-gestore", "", "", "", "", "provincia-novara"],
        ["cisa-ovest-ticino", "'CISA Ovest Ticino", "ente-gestore", "", "", "", "", "provincia-novara"],
        ["ciss-borgomanero", "CISS  Borgomanero\t(Novara)", "ente-gestore", "", "", "", "", "provincia-novara"],
        ["ispa-arona", "ISPA\nArona", "ente-gestore", "", "", "", "", "provincia-novara"],
        ["sercop", "Sercop", "azienda-speciale-consortile", "05728560961", "05728560961", "", "", ""],
    ],
    "coordinamenti": [
        ["codice", "nome", "istituito_da", "membri"],
        ["coord-novara", "Coordinamento", "provincia-novara", ";".join([*MEMBERS, "sercop"])],
    ],
    "tavoli": [
        ["codice", "nome", "tipologia", "parte_di"],
        ["tavolo-politico", "Tavolo Politico", "tavolo-politico", "coord-novara"],
        ["tavolo-tecnico", "Tavolo Tecnico", "tavolo-tecnico", "coord-novara"],
    ],
    "posti": [
        ["codice", "tavolo", "nome", "ruolo", "per_conto_di", "designato_da", "requisiti", "quanti", "eventuale"],
        ["presidente", "tavolo-politico", "Presidente", "presidente", "provincia-novara", "", "", "1", "no"],
        [
            "delegato-cisa-24",
            "tavolo-politico",
            "Delegato",
            "delegato",
            "cisa-24",
            "cisa-24",
            "Sindaci  o Assessori",
            "007",
            "no",
        ],
        ["consulenti", "tavolo-tecnico", "Consulenti", "consulente", "", "", "", "", "sì"],
    ],
    "appartenenze": [
        ["persona", "posto", "dal", "al"],
        ["Mario Rossi", "presidente", "2024-03-01", "2025-02-28"],
        ["Mario Rossi", "delegato-cisa-24", "2023-01-10", ""],
        ["Anna Bianchi", "presidente", "2025-03-01", ""],
    ],
    "obiettivi": [
        ["organo", "posizione", "testo"],
        ["coord-novara", "1", "Primo obiettivo"],
        ["coord-novara", "2", "Secondo, con virgola; e punto e virgola"],
        ["coord-novara", "10", "Decimo obiettivo"],
        ["tavolo-tecnico", "1", "Un obiettivo lungo " * 10],
    ],
    "norme": [
        ["organo", "urn", "titolo"],
        ["coord-novara", "urn:nir:stato:legge:2000-11-08;328", "Legge quadro"],
        ["tavolo-politico", "urn:nir:stato:legge:2000-11-08;328", "Legge quadro"],
        ["coord-novara", "urn:nir:regione.piemonte:legge:2004-01-08;1", "Norme regionali"],
    ],
    "contatti": [
        ["organo", "nome", "telefono", "fax", "email", "pec"],
        [
            "provincia-novara",
            "Ufficio Politiche Sociali",
            "0321.378 851;0041 44 123 45 67",
            "0321.378 848",
            "e.m@provincia.novara.it",
            "",
        ],
        [
            "coord-novara",
            "Ufficio Politiche Sociali",
            "0321.378 851;0041 44 123 45 67",
            "0321.378 848",
            "e.m@provincia.novara.it",
            "",
        ],
        ["sercop", "Sercop a.s.c", "", "", "", "sercop@legalmail.it"],
    ],
}


# TRICKY with the English names, English eligibility and the source's words, as hard to carry: the same
# text in both languages, quotes, separators, line breaks, and a seat with its source text only.
ENGLISH_COLUMNS: dict[str, dict[str, dict[str, str]]] = {
    "enti": {
        "provincia-novara": {"nome_en": "Province of Novara"},
        "comune-novara": {"nome_en": 'Municipality of Novara; capital, "city"'},
        "cisa-24": {"nome_en": "=CISA 24"},
    },
    "coordinamenti": {"coord-novara": {"nome_en": "Coordination of the managing bodies"}},
    "tavoli": {"tavolo-politico": {"nome_en": "Political table"}, "tavolo-tecnico": {"nome_en": "Tavolo Tecnico"}},
    "posti": {
        "presidente": {
            "nome_en": "Chair",
            "testo_fonte": "l'Assessore alle Politiche Sociali in qualità di Presidente",
        },
        "delegato-cisa-24": {
            "nome_en": "Delegate",
            "requisiti_en": "Mayors  or councillors\nfor social services",
            "testo_fonte": "7 delegati (Sindaci o Assessori ai servizi sociali), uno per Ente; scelti dall'Assemblea",
        },
        "consulenti": {"testo_fonte": "Consulenti"},
    },
}


def _with_english() -> dict[str, list[list[str]]]:
    sheets = {name: [list(row) for row in rows] for name, rows in TRICKY.items()}
    for name, by_code in ENGLISH_COLUMNS.items():
        header, *rows = sheets[name]
        columns = [
            c for c in ("nome_en", "requisiti_en", "testo_fonte") if any(c in cells for cells in by_code.values())
        ]
        sheets[name] = [header + columns] + [
            row + [by_code.get(row[0], {}).get(c, "") for c in columns] for row in rows
        ]
    return sheets


def _sheets(folder: Path, sheets: dict[str, list[list[str]]]) -> Path:
    folder.mkdir(parents=True)
    for name, rows in sheets.items():
        # ";" where the values hold so many that the importer would take the file for a ";" sheet.
        (folder / f"{name}.csv").write_text(sheet_text(rows[0], rows[1:]), encoding="utf-8")
    return folder


def _import(source: Path, out: Path, publisher: str = "prova") -> Path:
    result = run_govlod("import", str(source), "--publisher", publisher, "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out / f"{publisher}.ttl"


def _export(
    data: Path, kind: str, out: Path, *extra: str, publisher: str = "prova"
) -> subprocess.CompletedProcess[str]:
    return run_govlod(
        "export", "--publisher", publisher, "--data", str(data), "--format", kind, "--out", str(out), *extra
    )


def _target(tmp_path: Path, kind: str, name: str = "export") -> Path:
    return tmp_path / (name if kind == "csv" else f"{name}.{kind}")


def _triples(path: Path) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)}


@pytest.mark.parametrize("kind", FORMATS)
def test_the_example_sheets_export_and_import_back_to_the_same_bytes(kind: str, tmp_path: Path) -> None:
    original = _import(EXAMPLE, tmp_path / "first", "esempio")
    target = _target(tmp_path, kind)
    result = _export(original, kind, target, publisher="esempio")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # nothing the sheets cannot hold
    assert "rows: enti 4, uffici 0, cariche 0, coordinamenti 1, partecipazione 0, tavoli 2, posti 2" in result.stdout
    again = _import(target, tmp_path / "again", "esempio")
    assert again.read_bytes() == original.read_bytes()


@pytest.mark.parametrize("kind", FORMATS)
def test_every_kind_of_cell_comes_back_as_it_was(kind: str, tmp_path: Path) -> None:
    original = _import(_sheets(tmp_path / "sheets", TRICKY), tmp_path / "first")
    target = _target(tmp_path, kind)
    result = _export(original, kind, target)
    assert result.returncode == 0, result.stderr
    assert _import(target, tmp_path / "again").read_bytes() == original.read_bytes()


@pytest.mark.parametrize("kind", FORMATS)
def test_english_names_and_the_source_text_come_back_as_they_were(kind: str, tmp_path: Path) -> None:
    original = _import(_sheets(tmp_path / "sheets", _with_english()), tmp_path / "first")
    data = _triples(original)
    english = {(t.predicate.value.rsplit("#", 1)[-1], t.object.value) for t in data if _language(t) == "en"}
    assert ("label", "Political table") in english and ("label", "Coordination of the managing bodies") in english
    assert ("eligibility", "Mayors  or councillors\nfor social services") in english
    quoted = {t.object.value for t in data if t.predicate.value.endswith("#sourceText") and _language(t) == "it"}
    assert len(quoted) == 3
    target = _target(tmp_path, kind)
    result = _export(original, kind, target)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert _import(target, tmp_path / "again").read_bytes() == original.read_bytes()


def _language(triple: ox.Triple) -> str | None:
    return triple.object.language if isinstance(triple.object, ox.Literal) else None


def test_the_same_data_gives_the_same_bytes_and_rows_in_a_fixed_order(tmp_path: Path) -> None:
    original = _import(_sheets(tmp_path / "sheets", TRICKY), tmp_path / "first")
    for kind in FORMATS:
        first, second = _target(tmp_path, kind, "one"), _target(tmp_path, kind, "two")
        assert _export(original, kind, first).returncode == 0
        assert _export(original, kind, second).returncode == 0
        if kind == "csv":
            assert sorted(p.name for p in first.iterdir()) == sorted([*(s.file for s in SHEETS), "README.txt"])
            assert all((first / p.name).read_bytes() == p.read_bytes() for p in second.iterdir())
        else:
            assert first.read_bytes() == second.read_bytes()
    with (tmp_path / "one" / "obiettivi.csv").open(encoding="utf-8", newline="") as sheet:
        text = sheet.read()
    positions = [
        (row["organo"], row["posizione"]) for row in csv.DictReader(text.splitlines(), delimiter=delimiter_of(text))
    ]
    assert positions == [("coord-novara", "1"), ("coord-novara", "2"), ("coord-novara", "10"), ("tavolo-tecnico", "1")]
    members = (tmp_path / "one" / "coordinamenti.csv").read_text(encoding="utf-8")
    assert ";".join(sorted([*MEMBERS, "sercop"])) in members  # several codes, one cell, sorted


def _exported_rows(sheet: str) -> int:
    """How many rows the export of TRICKY gives a sheet: its rows, but one for the contact point that
    TRICKY gives twice, once for each of two bodies."""
    return len(TRICKY.get(sheet, [[]])) - 1 - (sheet == "contatti")


def test_an_exported_xlsx_is_the_template_filled_in_with_its_notes_and_dropdowns(tmp_path: Path) -> None:
    original = _import(_sheets(tmp_path / "sheets", TRICKY), tmp_path / "first")
    assert _export(original, "xlsx", tmp_path / "export.xlsx").returncode == 0
    book = openpyxl.load_workbook(tmp_path / "export.xlsx")
    check_workbook_layout(book)
    assert any("--publisher prova" in str(c.value) for row in book["Leggimi"].iter_rows() for c in row)
    for sheet in SHEETS:
        worksheet = book[sheet.name]
        found = {}
        for validation in worksheet.data_validations.dataValidation:
            [cells] = validation.sqref.ranges
            assert cells.coord.endswith(f"{ROWS + 1}")
            found[cells.coord.split(":")[0].rstrip("0123456789")] = validation.formula1
        assert sorted(found) == sorted(DROPDOWNS[sheet.name])
        assert all(DROPDOWNS[sheet.name][column] in formula for column, formula in found.items())
        assert worksheet.max_row == 1 + _exported_rows(sheet.name)
    dates = book["appartenenze"]["C2"]
    assert dates.is_date and dates.number_format == "yyyy-mm-dd"
    [name] = [row[1] for row in book["enti"].iter_rows(min_row=2) if row[0].value == "cisa-24"]
    assert name.value == "=CISA 24" and name.data_type == "s"  # text, not a formula


def test_an_exported_ods_is_the_template_filled_in_with_its_dropdowns(tmp_path: Path) -> None:
    original = _import(_sheets(tmp_path / "sheets", TRICKY), tmp_path / "first")
    assert _export(original, "ods", tmp_path / "export.ods").returncode == 0
    document = Document(tmp_path / "export.ods")
    tables = {table.name: table for table in document.body.get_tables()}
    assert list(tables) == ["Leggimi", *(s.name for s in SHEETS), "liste"]
    validations = document.body.get_elements("table:content-validations/table:content-validation")
    named = {v.get_attribute_string("table:name") for v in validations}
    for sheet in SHEETS:
        rows = tables[sheet.name].get_elements("table:table-row")
        filled = _exported_rows(sheet.name)
        assert rows[filled + 1].get_attribute_integer("table:number-rows-repeated") == ROWS - filled
        for row in rows[1:]:
            cells = row.get_elements("table:table-cell")
            names = {
                get_column_letter(i): c.get_attribute_string("table:content-validation-name")
                for i, c in enumerate(cells, start=1)
            }
            assert {column for column, name in names.items() if name} == set(DROPDOWNS[sheet.name])
            assert {name for name in names.values() if name} <= named


def test_a_spreadsheet_program_saves_the_export_and_it_imports_back_the_same(tmp_path: Path) -> None:
    office = shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    original = _import(_sheets(tmp_path / "sheets", TRICKY), tmp_path / "first")
    for kind, other in (("xlsx", "ods"), ("ods", "xlsx")):
        assert _export(original, kind, tmp_path / f"export.{kind}").returncode == 0
        saved = tmp_path / f"saved-{kind}"
        converted = subprocess.run(
            [
                office,
                "--headless",
                "--norestore",
                "--convert-to",
                other,
                "--outdir",
                str(saved),
                str(tmp_path / f"export.{kind}"),
            ],
            env={**os.environ, "HOME": str(tmp_path / "home")},  # a profile of its own, not the user's
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert converted.returncode == 0, converted.stderr
        again = _import(saved / f"export.{other}", tmp_path / f"again-{kind}")
        assert again.read_bytes() == original.read_bytes()


BUNDLED = {
    "provincia-novara": NOVARA,
    "sercop-rhodense": PROJECT / "data" / "sercop-rhodense" / "piano-sociale-di-zona.ttl",
}


def _graph(path: Path) -> rdflib.Graph:
    """The triples of a file, or of every Turtle file of a folder."""
    graph = rdflib.Graph()
    for file in sorted(path.glob("*.ttl")) if path.is_dir() else [path]:
        graph.parse(file, format="turtle")
    return graph


@pytest.mark.parametrize("kind", FORMATS)
@pytest.mark.parametrize("publisher", sorted(BUNDLED))
def test_a_bundled_publisher_exports_whole_and_imports_back_isomorphic_and_valid(
    publisher: str, kind: str, tmp_path: Path
) -> None:
    target = _target(tmp_path, kind)
    folder = BUNDLED[publisher].parent  # all of the publisher's files: its data and its dataset's record
    result = _export(folder, kind, target, publisher=publisher)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # the sheets hold every triple: nothing to warn of
    again = _import(target, tmp_path / "again", publisher)
    imported, bundled = _graph(again), _graph(folder)
    assert isomorphic(imported, bundled), sorted(map(str, set(imported) ^ set(bundled)))[:5]
    # The same IRIs and literals with their languages, not only the same shape.
    assert set(imported) == set(bundled)
    checked = run_govlod("validate", str(tmp_path / "again"))
    assert checked.returncode == 0, checked.stdout
    # Importing the export once more writes the same bytes.
    target_again = _target(tmp_path, kind, "export-again")
    assert _export(again, kind, target_again, publisher=publisher).returncode == 0
    assert _import(target_again, tmp_path / "third", publisher).read_bytes() == again.read_bytes()


def test_an_export_of_a_bundled_file_says_how_to_import_it_back_in_its_place(tmp_path: Path) -> None:
    data = tmp_path / "data" / "sercop-rhodense"
    shutil.copytree(BUNDLED["sercop-rhodense"].parent, data)
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    result = _export(data / "piano-sociale-di-zona.ttl", "xlsx", tmp_path / "sercop.xlsx", publisher="sercop-rhodense")
    assert result.returncode == 0, result.stderr
    command = "govlod import govlod.xlsx --publisher sercop-rhodense --name piano-sociale-di-zona"
    book = openpyxl.load_workbook(tmp_path / "sercop.xlsx")
    assert any(command in str(c.value) for row in book["Leggimi"].iter_rows() for c in row)
    told = result.stdout.splitlines()[-1]
    sheets = tmp_path / "sercop.xlsx"
    assert (
        told == f"to import it again: govlod import {sheets} --publisher sercop-rhodense --name piano-sociale-di-zona"
    )
    imported = run_govlod(*told.removeprefix("to import it again: govlod ").split(), "--out", str(data))
    assert imported.returncode == 0, imported.stderr
    # The file is replaced, no other is added: the named graph keeps its IRI.
    assert sorted(p.name for p in data.iterdir()) == sorted(before)
    again = data / "piano-sociale-di-zona.ttl"
    assert isomorphic(rdflib.Graph().parse(again), rdflib.Graph().parse(BUNDLED["sercop-rhodense"]))
    assert again.read_text(encoding="utf-8").startswith(
        "# Imported by govlod import --publisher sercop-rhodense --name piano-sociale-di-zona:"
    )
    refused = run_govlod("import", str(tmp_path / "sercop.xlsx"), "--publisher", "sercop-rhodense", "--name", "../x")
    assert refused.returncode == 1
    assert english_lines(refused.stderr) == ["--name: '../x' is not a slug: use a-z, 0-9 and -"]


def test_the_bundled_rhodense_model_has_a_row_in_each_of_its_sheets() -> None:
    exported, _ = export_data([BUNDLED["sercop-rhodense"]], "sercop-rhodense", ONTOLOGY)
    rows = {name: [r.cells for r in found] for name, found in exported.rows.items()}
    assert [r["codice"] for r in rows["piani"]] == ["piano-sociale-di-zona-rhodense"]
    [plan] = rows["piani"]
    assert (plan["ambito"], plan["gestito_da"], plan["governato_da"], plan["ufficio_di_piano"]) == (
        "rhodense",
        "sercop",
        "programmazione-zonale-rhodense",
        "ufficio-di-piano",
    )
    [structure] = rows["coordinamenti"]
    assert structure["tipologia"] == "struttura-governo-programmazione-zonale"
    assert structure["livelli"] == "gestione;indirizzo-politico;partecipazione"
    assert [r["categorie"] for r in rows["partecipazione"]] == ["altri-attori;terzo-settore"]
    assert [(r["posizione"], r["funzione"]) for r in rows["attivita"]] == [
        (str(n), "connessione-coordinamento") for n in range(1, 6)
    ]
    [contact] = rows["contatti"]
    assert (contact["indirizzo"], contact["cap"], contact["comune"]) == ("Via dei Cornaggia 33", "20017", "015182")
    assert sorted(r["aggiornata_il"] for r in rows["fonti"]) == ["2021-07-22", "2021-07-24"]


def test_the_bundled_novara_offices_are_named_body_slash_code() -> None:
    exported, _ = export_data([NOVARA], "provincia-novara", ONTOLOGY)
    seats = {r.cells["codice"]: r.cells for r in exported.rows["posti"]}
    assert seats["presidente"]["di_diritto"] == "provincia-novara/assessore-politiche-sociali"
    assert seats["tecnico-delegato-cisa-24"]["designato_da"] == "cisa-24/direttore"
    assert seats["funzionario-coordinamento-tecnico"]["scelto_in"] == "settore-politiche-sociali"
    assert seats["delegato-cisa-24"]["ruoli_ammessi"] == "assessore;sindaco"
    offices = {(r.cells["ente"], r.cells["codice"]): r.cells for r in exported.rows["cariche"]}
    assert len(offices) == 16 and offices[("provincia-novara", "dirigente-settore-politiche-sociali")]["ufficio"] == (
        "settore-politiche-sociali"
    )


def _with_what_no_sheet_holds(tmp_path: Path) -> Path:
    """The Novara data and two statements no column holds: a German label and a homepage."""
    edited = tmp_path / "edited.ttl"
    coordination = "<https://w3id.org/govlod/id/organization/coordinamento-enti-gestori-novara>"
    extra = (
        f'{coordination} <http://www.w3.org/2000/01/rdf-schema#label> "Koordinierung"@de .\n'
        f"{coordination} <http://xmlns.com/foaf/0.1/homepage> <https://www.provincia.novara.it/> .\n"
    )
    data = ox.serialize(sorted(_triples(NOVARA), key=str), format=ox.RdfFormat.N_TRIPLES).decode()
    edited.write_text(data + extra, encoding="utf-8")
    return edited


def test_what_the_sheets_cannot_hold_is_named_and_nothing_written(tmp_path: Path) -> None:
    edited = _with_what_no_sheet_holds(tmp_path)
    result = _export(edited, "xlsx", tmp_path / "out" / "novara.xlsx", publisher="provincia-novara")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    total = len(_triples(NOVARA)) + 2
    assert lines[0].startswith(f"govlod: the sheets cannot hold 2 of the {total} triples ") and str(edited) in lines[0]
    assert lines[1].split(", e.g. ")[0].split() == ["1", "foaf:homepage"]
    assert lines[2].split(", e.g. ")[0].split() == ["1", "rdfs:label", "@de"]
    assert lines[-1] == "nothing was written; --partial writes what the sheets can hold"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind", FORMATS)
def test_a_partial_export_writes_all_but_what_the_sheets_cannot_hold(kind: str, tmp_path: Path) -> None:
    edited = _with_what_no_sheet_holds(tmp_path)
    target = _target(tmp_path, kind)
    result = _export(edited, kind, target, "--partial", publisher="provincia-novara")
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(f"warning: the sheets cannot hold 2 of the {len(_triples(NOVARA)) + 2} triples")
    again = _import(target, tmp_path / "again", "provincia-novara")
    assert _triples(again) == _triples(NOVARA)


def test_what_only_some_triples_lack_leaves_out_only_their_rows(tmp_path: Path) -> None:
    original = _import(EXAMPLE, tmp_path / "first", "esempio")
    sercop = "<https://w3id.org/govlod/id/organization/sercop>"
    text = original.read_text(encoding="utf-8")
    edited = tmp_path / "edited.ttl"
    # An English comment (no column holds it), and a Partita IVA without the org:identifier the importer
    # adds to it: Sercop's row would write a triple the data does not hold, so it is left out.
    comment = f'{sercop} <http://www.w3.org/2000/01/rdf-schema#comment> "Sercop"@en .\n'
    edited.write_text(text + comment, encoding="utf-8")
    kept = {
        t for t in _triples(edited) if not (str(t.subject) == sercop and t.predicate.value.endswith("org#identifier"))
    }
    edited.write_text(ox.serialize(sorted(kept, key=str), format=ox.RdfFormat.N_TRIPLES).decode(), encoding="utf-8")
    refused = _export(edited, "csv", tmp_path / "refused", publisher="esempio")
    assert refused.returncode == 2
    assert 'rdfs:comment @en, e.g. body:sercop rdfs:comment "Sercop"@en' in refused.stderr
    assert '  enti: 1 row, e.g. sercop: it would write body:sercop org:identifier "05728560961"' in refused.stderr
    assert not (tmp_path / "refused").exists()
    partial = _export(edited, "csv", tmp_path / "partial", "--partial", publisher="esempio")
    assert partial.returncode == 0, partial.stderr
    again = _triples(_import(tmp_path / "partial", tmp_path / "again", "esempio"))
    assert again <= kept
    assert {t for t in kept - again if "sercop" not in str(t.subject) + str(t.object)} == set()  # only Sercop's


def test_the_default_data_is_the_file_govlod_import_writes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    for folder in ("ontology", "shapes"):
        (home / folder).symlink_to(PROJECT / folder)
    env = {"GOVLOD_HOME": str(home)}
    assert run_govlod("import", str(EXAMPLE), "--publisher", "esempio", env=env).returncode == 0
    result = run_govlod("export", "--publisher", "esempio", "--out", str(tmp_path / "esempio.ods"), env=env)
    assert result.returncode == 0, result.stderr
    assert f"wrote {tmp_path / 'esempio.ods'}" in result.stdout  # the format as --out names it
    again = _import(tmp_path / "esempio.ods", tmp_path / "again", "esempio")
    assert again.read_bytes() == (home / "data" / "esempio" / "esempio.ttl").read_bytes()
    # A bundled publisher's folder holds other files than the import's: named, not guessed.
    (home / "data" / "provincia-novara").mkdir()
    result = run_govlod("export", "--publisher", "provincia-novara", "--out", str(tmp_path / "x.xlsx"), env=env)
    assert result.returncode == 1
    assert result.stderr.strip().endswith(f"name them: --data {home / 'data' / 'provincia-novara'}")


def _bad_turtle(tmp_path: Path) -> Path:
    path = tmp_path / "bad.ttl"
    path.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b "x" ;\n  ex:c .\n', encoding="utf-8")
    return path


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.ttl"
    path.write_bytes(b"")
    return path


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (lambda t: ["--publisher", "nessuno"], "govlod: unknown publisher 'nessuno': there is no "),
        (lambda t: ["--publisher", "Non Slug", "--data", str(NOVARA)], "govlod: --publisher: 'Non Slug' is not a slug"),
        (lambda t: ["--publisher", "prova", "--data", str(t / "missing.ttl")], "no such file or folder"),
        (lambda t: ["--publisher", "prova", "--data", str(_bad_turtle(t))], "bad.ttl:3:8: syntax error"),
        (lambda t: ["--publisher", "prova", "--data", str(_empty(t))], "empty.ttl: empty file: it holds no RDF"),
        (
            lambda t: ["--publisher", "prova", "--data", str(NOVARA), "--format", "csv"],
            "names an .xlsx workbook, not the csv",
        ),
    ],
    ids=["unknown-publisher", "not-a-slug", "missing-file", "syntax-error", "empty-file", "format-and-name-disagree"],
)
def test_bad_input_is_one_line_and_nothing_is_written(
    args: Callable[[Path], list[str]], expected: str, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = run_govlod("export", *args(tmp_path), "--out", str(out / "export.xlsx"))
    assert result.returncode == 1, result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("govlod: "), result.stderr
    assert expected in result.stderr
    assert list(out.iterdir()) == []


def test_a_folder_that_cannot_be_written_keeps_what_it_held(tmp_path: Path) -> None:
    original = _import(EXAMPLE, tmp_path / "first", "esempio")
    out = tmp_path / "out"
    out.mkdir()
    (out / "govlod.xlsx").write_bytes(b"the previous export")
    out.chmod(0o555)
    try:
        result = run_govlod(
            "export", "--publisher", "esempio", "--data", str(original), "--out", str(out), preexec=unprivileged()
        )
    finally:
        out.chmod(0o755)
    assert result.returncode == 1
    assert result.stderr.startswith(f"govlod: {out}") and result.stderr.strip().endswith(
        "cannot write: permission denied"
    )
    assert [p.name for p in out.iterdir()] == ["govlod.xlsx"] and (
        out / "govlod.xlsx"
    ).read_bytes() == b"the previous export"


@pytest.mark.parametrize("kind", FORMATS)
def test_sheets_that_would_not_import_back_are_never_put_in_place(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = _import(EXAMPLE, tmp_path / "first", "esempio")
    exported, codes = export_data([original], "esempio", ONTOLOGY)
    out = tmp_path / "out"
    out.mkdir()
    previous = out / ("enti.csv" if kind == "csv" else f"govlod.{kind}")
    previous.write_text("the previous export", encoding="utf-8")
    # As if a format lost a value on the way: the check reads back less than was exported.
    monkeypatch.setattr(export, "_reimported", lambda *_: set(list(exported.triples)[1:]))
    with pytest.raises(ExportError, match="do not import back to the data exported"):
        write(exported, kind, out, codes)
    assert [p.name for p in out.iterdir()] == [previous.name]
    assert previous.read_text(encoding="utf-8") == "the previous export"


def test_dropdowns_reach_past_the_last_record() -> None:
    assert data_rows({}) == ROWS
    assert data_rows({"enti": [[""]] * (ROWS - 100)}) == ROWS
    assert data_rows({"enti": [[""]] * (ROWS - 99)}) == 2 * ROWS


def test_a_csv_sheet_is_written_with_commas_and_read_back_whatever_its_values_hold() -> None:
    many = [["coord", "Coordinamento", "ente-a", ";".join(f"ente-{i}" for i in range(20))]]
    text = sheet_text(["codice", "nome", "istituito_da", "membri"], many)
    assert text.startswith("codice,nome,") and delimiter_of(text) == ","  # the header row decides
    assert list(csv.reader(text.splitlines()))[1] == many[0]


def test_a_value_the_importer_refuses_empties_only_its_cell(tmp_path: Path) -> None:
    original = _import(EXAMPLE, tmp_path / "first", "esempio")
    # A Partita IVA with a wrong check digit, as hand-written Turtle may hold: the row keeps the rest.
    edited = tmp_path / "edited.ttl"
    text = original.read_text(encoding="utf-8").replace('gl:partitaIVA "05728560961"', 'gl:partitaIVA "05728560962"')
    edited.write_text(
        text
        + '<https://w3id.org/govlod/id/organization/sercop> <http://www.w3.org/ns/org#identifier> "05728560962" .\n',
        encoding="utf-8",
    )
    refused = _export(edited, "xlsx", tmp_path / "refused.xlsx", publisher="esempio")
    assert refused.returncode == 2
    assert "  enti: 1 cell, e.g. sercop (partita_iva): '05728560962' is not a valid Partita IVA" in refused.stderr
    partial = _export(edited, "xlsx", tmp_path / "partial.xlsx", "--partial", publisher="esempio")
    assert partial.returncode == 0, partial.stderr
    again, data = _triples(_import(tmp_path / "partial.xlsx", tmp_path / "again", "esempio")), _triples(edited)
    assert again <= data
    assert sorted(str(t.object) for t in data - again) == ['"05728560962"', '"05728560962"']


def test_the_command_is_listed_in_the_help() -> None:
    result = run_govlod("--help")
    assert result.returncode == 0
    assert "export    write a publisher's data back as the sheets" in result.stdout


def test_a_refusal_over_many_files_names_the_first_three(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    edited = _with_what_no_sheet_holds(tmp_path).read_text(encoding="utf-8").splitlines(keepends=True)
    for number in range(5):  # the statements dealt out over five files
        (folder / f"part-{number}.nt").write_text("".join(edited[number::5]), encoding="utf-8")
    result = _export(folder, "csv", tmp_path / "out", publisher="provincia-novara")
    assert result.returncode == 2
    first = result.stderr.splitlines()[0]
    assert f"{folder / 'part-0.nt'}, {folder / 'part-1.nt'}, {folder / 'part-2.nt'} and 2 more files:" in first


def test_a_workbook_larger_than_the_importer_reads_is_refused_before_it_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exported, codes = export_data([NOVARA], "provincia-novara", ONTOLOGY)
    monkeypatch.setattr(export, "MAX_UNPACKED_BYTES", 64 * 1024)  # the Novara workbook unpacks to more
    with pytest.raises(ExportError, match=r"more than govlod import reads .* export the data as CSV sheets"):
        write(exported, "xlsx", tmp_path / "novara.xlsx", codes)
    assert list(tmp_path.iterdir()) == []
    assert write(exported, "csv", tmp_path / "csv", codes)  # CSV sheets have no such bound
