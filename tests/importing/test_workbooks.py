"""`govlod import` given workbooks: the same records give the same Turtle from CSV, .xlsx and .ods (and
from the templates filled in); problems are named by sheet and cell; hostile or mistaken files get
one clear line each, and nothing is written, fetched or expanded."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.faults import SECRET, billion_laughs, limit_memory, listener, xxe_local_file
from tests.helpers import run_govlod
from tests.importing.test_messages import english_lines, italian_lines
from tests.importing.workbooks import (
    EXAMPLE,
    TEMPLATES,
    example_sheets,
    fill_ods,
    fill_xlsx,
    replace_part,
    write_ods,
    write_xlsx,
)


def _import(path: Path, out: Path) -> tuple[int, str]:
    result = run_govlod(
        "import", str(path), "--publisher", "esempio", "--out", str(out), preexec=limit_memory, timeout=120
    )
    assert "Traceback" not in result.stderr
    return result.returncode, result.stderr


def test_the_same_records_give_the_same_turtle_from_csv_xlsx_ods_and_filled_templates(tmp_path: Path) -> None:
    sheets = example_sheets()
    sources = {
        "csv": EXAMPLE,
        "xlsx": write_xlsx(tmp_path / "esempio.xlsx", sheets),
        "ods": write_ods(tmp_path / "esempio.ods", sheets),
        "xlsx-template": fill_xlsx(TEMPLATES / "govlod.xlsx", tmp_path / "compilato.xlsx", sheets),
        "ods-template": fill_ods(TEMPLATES / "govlod.ods", tmp_path / "compilato.ods", sheets),
    }
    outputs = {}
    for name, source in sources.items():
        code, stderr = _import(source, tmp_path / name)
        assert code == 0, stderr
        outputs[name] = (tmp_path / name / "esempio.ttl").read_bytes()
    assert b'gl:partitaIVA "05728560961"' in outputs["csv"]
    assert b"003106" in outputs["csv"]
    assert all(data == outputs["csv"] for data in outputs.values()), [
        n for n, d in outputs.items() if d != outputs["csv"]
    ]


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_problems_are_named_by_sheet_and_cell_and_nothing_is_written(kind: str, tmp_path: Path) -> None:
    sheets = example_sheets()
    posti = sheets["posti"]
    posti.extend([[f"posto-{n}", "tavolo-tecnico", f"Posto {n}", "consulente", "", "", "", "", ""] for n in range(3)])
    posti.append(["posto-x", "tavolo-tecnico", "Posto X", "capo", "ente-ignoto", "", "", "uno", ""])  # row 7
    sheets["enti"][2][6] = "999999"  # row 3, column G
    path = (write_xlsx if kind == "xlsx" else write_ods)(tmp_path / f"b.{kind}", sheets)
    code, stderr = _import(path, tmp_path / "out")
    assert code == 1
    lines = english_lines(stderr)
    assert "enti!G3 (codice_istat): '999999' is not the ISTAT code of a current Italian municipality" in lines
    assert any(line.startswith("posti!D7 (ruolo): 'capo' is not in the role list; use one of: ") for line in lines)
    assert "posti!E7 (per_conto_di): unknown reference 'ente-ignoto': no row of enti has that code" in lines
    assert "posti!H7 (quanti): 'uno' is not a whole number of holders" in lines
    assert len(lines) == 4
    assert "posti!H7 (quanti): 'uno' non è un numero intero di titolari" in italian_lines(stderr)
    assert not (tmp_path / "out").exists()


def _huge_sheet(tmp_path: Path) -> Path:
    """A workbook of a few hundred kilobytes whose sheet unpacks to 200 MiB."""
    template = write_xlsx(tmp_path / "small.xlsx", {"enti": [["codice", "nome", "tipologia"]]})
    with zipfile.ZipFile(template) as archive:
        sheet = next(n for n in archive.namelist() if n.startswith("xl/worksheets/"))
    filler = b"<!--" + b" " * (200 * 2**20) + b"-->"
    return replace_part(template, sheet, filler, tmp_path / "huge.xlsx")


def _with_doctype(kind: str, tmp_path: Path) -> Path:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    if kind == "xlsx":
        source = write_xlsx(tmp_path / "s.xlsx", {"enti": [["codice", "nome", "tipologia"]]})
        return replace_part(source, "xl/workbook.xml", xxe_local_file(secret).encode(), tmp_path / "xxe.xlsx")
    source = write_ods(tmp_path / "s.ods", {"enti": [["codice", "nome", "tipologia"]]})
    return replace_part(source, "content.xml", billion_laughs().encode(), tmp_path / "laughs.ods")


HOSTILE = {
    "not-a-zip.xlsx": (
        lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
        "not an Excel workbook (.xlsx) but binary data",
    ),
    "csv.xlsx": (
        lambda p: p.write_text("codice,nome,tipologia\na,A,comune\n"),
        "not an Excel workbook (.xlsx) but a CSV file",
    ),
    "xlsx.ods": (
        lambda p: p.write_bytes((TEMPLATES / "govlod.xlsx").read_bytes()),
        "a zip archive, but not an OpenDocument spreadsheet (.ods)",
    ),
    "damaged.ods": (lambda p: p.write_bytes((TEMPLATES / "govlod.ods").read_bytes()[:5000]), "a damaged zip archive"),
    "old.xlsx": (
        lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
        "an old-style Excel file (.xls)",
    ),
}


@pytest.mark.parametrize("name", [*HOSTILE, "huge.xlsx", "xxe.xlsx", "laughs.ods"])
def test_a_file_that_is_no_workbook_gets_one_line_and_nothing_is_parsed_or_fetched(name: str, tmp_path: Path) -> None:
    if name in HOSTILE:
        write, expected = HOSTILE[name]
        path = tmp_path / name
        write(path)
    elif name == "huge.xlsx":
        path, expected = _huge_sheet(tmp_path), "its parts unpack to 200 MiB, more than the 128 MiB govlod reads"
    else:
        path = _with_doctype(Path(name).suffix[1:], tmp_path)
        expected = "declares a DOCTYPE, which is refused"
    with listener() as fetched:
        code, stderr = _import(path, tmp_path / "out")
        assert not fetched.connected()
    [problem] = english_lines(stderr)
    assert problem.startswith(f"{path.name}: ") and expected in problem, problem
    assert code == 1 and SECRET not in stderr
    assert not (tmp_path / "out").exists()


def test_a_sheet_given_twice_is_a_problem(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "b.xlsx", {"enti": [["codice", "nome", "tipologia"], ["a", "A", "comune"]]})
    code, stderr = _import(path, tmp_path / "out")
    assert code == 0, stderr
    code, stderr = _import(tmp_path, tmp_path / "out2")  # a folder: its CSV files only, and it has none
    assert code == 1 and "no sheets found" in stderr
    (tmp_path / "enti.csv").write_text("codice,nome,tipologia\nb,B,comune\n", encoding="utf-8")
    result = run_govlod(
        "import", str(tmp_path / "enti.csv"), str(path), "--publisher", "x", "--out", str(tmp_path / "o3")
    )
    assert result.returncode == 1
    assert f"enti: given twice ({tmp_path / 'enti.csv'} and {path})" in english_lines(result.stderr)
