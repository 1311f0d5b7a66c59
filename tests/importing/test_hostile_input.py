"""`govlod import` given files that are no CSV sheet (XML that attacks its parser, binary data,
nothing, a folder), or places it cannot read or write: one line per problem, nothing expanded or
fetched, and the previous import left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from govlod.importing.definitions import SHEETS
from tests.faults import (
    SECRET,
    billion_laughs,
    limit_memory,
    listener,
    unprivileged,
    xxe_local_file,
    xxe_remote,
)
from tests.helpers import PROJECT, run_govlod
from tests.importing.test_messages import english_lines

EXAMPLE = PROJECT / "data" / "templates" / "esempio"
PREVIOUS = "# the previous import\n"
SHEET_NAMES = ", ".join(sheet.file for sheet in SHEETS)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An output folder holding a previous import, which no failed import may touch."""
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "prova.ttl").write_text(PREVIOUS, encoding="utf-8")
    return folder


def _assert_untouched(out: Path) -> None:
    assert (out / "prova.ttl").read_text(encoding="utf-8") == PREVIOUS
    assert sorted(p.name for p in out.iterdir()) == ["prova.ttl"]  # no temporary file left behind


def _problems(stderr: str) -> list[str]:
    """The problems reported, in English, once their Italian and the count are checked."""
    return english_lines(stderr)


def test_xml_is_refused_as_a_sheet_and_never_parsed(tmp_path: Path, out: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    sheets = tmp_path / "sheets"
    sheets.mkdir()
    with listener() as fetched:
        (sheets / "enti.csv").write_text(xxe_local_file(secret), encoding="utf-8")
        (sheets / "tavoli.csv").write_text(xxe_remote(fetched.port), encoding="utf-8")
        (sheets / "posti.csv").write_text(billion_laughs(), encoding="utf-8")
        (tmp_path / "hostile.rdf").write_text(billion_laughs(), encoding="utf-8")
        result = run_govlod(
            "import",
            str(sheets),
            str(tmp_path / "hostile.rdf"),
            "--publisher",
            "prova",
            "--out",
            str(out),
            preexec=limit_memory,
            timeout=120,
        )
        assert not fetched.connected(), "an entity was fetched"
    not_csv = "an XML or HTML file, not a CSV sheet: save the sheet as CSV UTF-8"
    assert result.returncode == 1
    assert _problems(result.stderr) == [
        f"hostile.rdf: not a sheet govlod knows; the sheets are: {SHEET_NAMES}, "
        "or a workbook (.xlsx, .ods) with sheets so named",
        f"enti.csv:1: {not_csv}",
        f"tavoli.csv:1: {not_csv}",
        f"posti.csv:1: {not_csv}",
    ]
    assert SECRET not in result.stdout + result.stderr
    _assert_untouched(out)


def test_sheets_that_are_no_text_get_one_line_each(tmp_path: Path, out: Path) -> None:
    sheets = tmp_path / "sheets"
    sheets.mkdir()
    (sheets / "enti.csv").write_bytes(b"codice,nome,tipologia\nente-a,Ente\x00A,comune\n")
    (sheets / "coordinamenti.csv").write_bytes(b"")
    (sheets / "tavoli.csv").write_text("codice,nome,tipologia,parte_di\n", encoding="utf-8")
    (sheets / "tavoli.csv").chmod(0o000)
    (sheets / "posti.csv").mkdir()
    (sheets / "appartenenze.csv").write_bytes("persona,posto,dal\nNicolò,posto-a,2024-01-01\n".encode("latin-1"))
    result = run_govlod("import", str(sheets), "--publisher", "prova", "--out", str(out), preexec=unprivileged())
    assert result.returncode == 1
    assert _problems(result.stderr) == [
        "enti.csv:2: binary data, not a CSV sheet: save the sheet as CSV UTF-8",
        "coordinamenti.csv:1: the sheet is empty: it needs at least its header row",
        f"tavoli.csv: cannot read {sheets / 'tavoli.csv'}: permission denied",
        f"posti.csv: cannot read {sheets / 'posti.csv'}: a folder, not a file",
        "appartenenze.csv:2: not UTF-8: save the sheet as CSV UTF-8",
    ]
    _assert_untouched(out)


@pytest.mark.parametrize("mode", [0o755, 0o000], ids=["empty", "unreadable"])
def test_a_folder_without_readable_sheets_never_empties_the_previous_import(
    mode: int, tmp_path: Path, out: Path
) -> None:
    sheets = tmp_path / "sheets"
    sheets.mkdir()
    sheets.chmod(mode)
    try:
        result = run_govlod("import", str(sheets), "--publisher", "prova", "--out", str(out), preexec=unprivileged())
    finally:
        sheets.chmod(0o755)
    expected = (
        f"{sheets}: no sheets found; the sheets are: {SHEET_NAMES}"
        if mode
        else f"{sheets}: cannot read the folder: permission denied"
    )
    assert result.returncode == 1
    assert _problems(result.stderr) == [expected]
    _assert_untouched(out)


def test_an_output_folder_without_write_permission_keeps_the_previous_import(out: Path) -> None:
    out.chmod(0o555)
    try:
        result = run_govlod("import", str(EXAMPLE), "--publisher", "prova", "--out", str(out), preexec=unprivileged())
    finally:
        out.chmod(0o755)
    assert result.returncode == 1
    assert _problems(result.stderr) == [f"{out / 'prova.ttl'}: cannot write: permission denied"]
    _assert_untouched(out)
