"""Every problem `govlod import` finds is told in Italian, the users' language, and in English: the
place and the Italian message on one line, the English message lined up under it on the next.

`bilingual_problems` reads that output back for the other tests of the importer: it checks the two
languages of every problem and of the count, and gives each problem in both."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from govlod.importing.command import import_sheets
from govlod.importing.sheets import Problem, Row
from tests.helpers import PROJECT

CASES = PROJECT / "tests" / "import_cases"
IMPORTING = PROJECT / "server" / "govlod" / "importing"
COUNT = re.compile(r"^(\d+) problems?: nothing was written$")


def bilingual_problems(stderr: str) -> list[tuple[str, str]]:
    """The problems `govlod import` reported, each as ("place: Italian message", "place: English
    message"), once it is checked that each is told in both languages, Italian first, the English line
    lined up under the Italian message, and the count in Italian and then in English."""
    assert "Traceback" not in stderr
    *lines, count_it, count_en = stderr.splitlines()
    found = COUNT.match(count_en)
    assert found, count_en
    count = int(found.group(1))
    assert count_it == f"{count} problem{'a' if count == 1 else 'i'}: non è stato scritto nulla"
    assert len(lines) == 2 * count, stderr
    problems = []
    for italian, english in zip(lines[::2], lines[1::2], strict=True):
        indent = len(english) - len(english.lstrip(" "))
        place = italian[:indent]
        # The Italian line begins with the place; the English one, beneath, where the Italian message begins.
        assert indent > 0 and place.endswith(": ") and not place.startswith(" "), (italian, english)
        assert italian[indent:].strip() and english[indent:].strip(), (italian, english)
        assert italian[indent:] != english[indent:], f"no Italian for: {english.strip()}"
        problems.append((italian, place + english[indent:]))
    return problems


def english_lines(stderr: str) -> list[str]:
    """The problems reported, each as "place: English message", as `str(Problem)` gives them."""
    return [english for _, english in bilingual_problems(stderr)]


def italian_lines(stderr: str) -> list[str]:
    """The problems reported, each as "place: Italian message"."""
    return [italian for italian, _ in bilingual_problems(stderr)]


def test_a_csv_problem_is_told_in_italian_then_in_english_lined_up_under_it() -> None:
    problem = Row("posti.csv", 7, {"ruolo": "capo"}).problem(
        "ruolo",
        "'capo' is not in the role list; use one of: assessore",
        "'capo' non è nell'elenco role; usa uno di: assessore",
    )
    assert problem.bilingual() == (
        "posti.csv:7: ruolo: 'capo' non è nell'elenco role; usa uno di: assessore\n"
        "                    'capo' is not in the role list; use one of: assessore"
    )
    assert str(problem) == "posti.csv:7: ruolo: 'capo' is not in the role list; use one of: assessore"


def test_a_workbook_problem_is_told_by_cell_in_italian_then_in_english() -> None:
    row = Row("posti", 7, {"ruolo": "capo"}, letters={"codice": "A", "ruolo": "D"})
    problem = row.problem("ruolo", "'capo' is not in the role list", "'capo' non è nell'elenco role")
    assert problem.bilingual() == (
        "posti!D7 (ruolo): 'capo' non è nell'elenco role\n                  'capo' is not in the role list"
    )
    whole_row = Problem("posti", 1, None, "missing column(s): tavolo", "1:1", "manca la colonna: tavolo")
    assert whole_row.bilingual() == "posti!1:1: manca la colonna: tavolo\n           missing column(s): tavolo"


def test_a_problem_without_a_row_and_one_whose_message_has_line_breaks_keep_their_column() -> None:
    problem = Problem("persone.csv", None, None, "not a sheet govlod knows", italian="non è un foglio")
    assert problem.bilingual() == "persone.csv: non è un foglio\n             not a sheet govlod knows"
    # A cell's text may hold line breaks: its lines stay under the message, never under the place.
    broken = Row("appartenenze.csv", 2, {}).problem("dal", "'1\n2' is not a date", "'1\n2' non è una data")
    assert broken.bilingual().splitlines() == [
        "appartenenze.csv:2: dal: '1",
        "                         2' non è una data",
        "                         '1",
        "                         2' is not a date",
    ]


def test_a_problem_without_italian_is_told_as_before() -> None:
    problem = Problem("enti.csv", 2, "codice", "duplicate code 'a'")
    assert problem.bilingual() == str(problem) == "enti.csv:2: codice: duplicate code 'a'"


def _calls_without_italian(path: Path) -> list[str]:
    """The calls in one module that make a problem and give it no Italian, or an empty one."""
    # The callable, the number of arguments that include the Italian, and the keyword that gives it.
    makers = {"Problem": (6, "italian"), "problem": (3, "italian"), "fail": (4, "italian"), "WorkbookError": (2, "")}
    missing = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name not in makers:
            continue
        position, keyword = makers[name]
        given = node.args[position - 1] if len(node.args) >= position else None
        given = next((k.value for k in node.keywords if k.arg == keyword), given)
        empty = isinstance(given, ast.Constant) and not (isinstance(given.value, str) and given.value.strip())
        if given is None or empty or any(isinstance(a, ast.Starred) for a in node.args):
            missing.append(f"{path.relative_to(PROJECT)}:{node.lineno}: {name}(...)")
    return missing


def test_no_problem_is_made_without_italian_anywhere_in_the_importer() -> None:
    modules = sorted(IMPORTING.rglob("*.py"))
    assert IMPORTING / "records.py" in modules and IMPORTING / "formats" / "workbook.py" in modules
    assert [call for path in modules for call in _calls_without_italian(path)] == []


@pytest.mark.parametrize("case", sorted(p for p in CASES.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_every_problem_found_in_the_bad_sheets_has_its_italian(case: Path, tmp_path: Path) -> None:
    result = import_sheets([case], "prova", tmp_path, PROJECT / "ontology")
    assert result.problems
    for problem in result.problems:
        assert problem.italian.strip() and problem.italian != problem.message, problem
