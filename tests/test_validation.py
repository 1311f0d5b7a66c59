"""The SHACL shapes: the bundled data conforms, and each rule rejects a small broken example."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from stdnum import luhn
from stdnum.it import iva

from govlod.sources import SourceFile
from govlod.validation import Shapes, ValidationReport, format_report, validate_sources

CASES = Path(__file__).parent / "validation_cases"
VALID = Path(__file__).parent / "validation_valid"
BODY = "https://w3id.org/govlod/id/organization/"


def _header(path: Path, key: str) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"# {key}: "):
            return line.split(": ", 1)[1]
    raise AssertionError(f"{path.name} has no '# {key}:' line")


def _shown(name: str) -> str:
    """How the report shows a node: test nodes have no prefix of their own, so appear in full."""
    if name.startswith("ex:"):
        return f"<https://w3id.org/govlod/id/test/{name[3:]}>"
    return name


def test_bundled_data_conforms(bundled: list[SourceFile], shapes: Shapes) -> None:
    report = validate_sources(bundled, shapes)
    assert report.conforms, format_report(report)
    assert report.findings == []


@pytest.mark.parametrize("case", sorted(CASES.glob("*.ttl")), ids=lambda p: p.stem)
def test_broken_example_is_rejected_with_its_message(case: Path, validate_with_ontology) -> None:  # type: ignore[no-untyped-def]
    report: ValidationReport = validate_with_ontology([case])
    expected_focus = {_shown(name) for name in _header(case, "focus").split()}
    expected_message = _header(case, "expect")
    assert not report.conforms
    matching = [f for f in report.violations if expected_message in f.message("en")]
    assert matching, format_report(report)
    assert {f.focus for f in matching} == expected_focus
    for finding in matching:
        assert finding.message("it") != finding.message("en"), "an Italian message is missing"
        assert finding.files == (str(case),)


def test_named_membership_with_interval_is_expressible(validate_with_ontology) -> None:  # type: ignore[no-untyped-def]
    report: ValidationReport = validate_with_ontology([VALID])
    assert report.conforms, format_report(report)


def test_check_digit_constraint_agrees_with_python_stdnum(tmp_path: Path, validate_with_ontology) -> None:  # type: ignore[no-untyped-def]
    generator = random.Random(20261122)
    numbers = {f"{generator.randrange(10**11):011d}" for _ in range(30)}
    numbers |= {"05728560961", "00000000000", "99999999999", "12345678903"}
    lines = ["@prefix gl: <https://w3id.org/govlod/ontology#> ."]
    for number in sorted(numbers):
        lines.append(f'<{BODY}n{number}> gl:partitaIVA "{number}" ; gl:codiceFiscale "{number}" .')
    data = tmp_path / "numbers.ttl"
    data.write_text("\n".join(lines), encoding="utf-8")

    report = validate_with_ontology([data])

    def flagged(about: str) -> set[str]:
        return {f.value.strip('"') for f in report.violations if f.value and about in f.message("en")}

    # python-stdnum's Partita IVA check is the Luhn digit plus the provincial office code.
    assert flagged("check digit") == {n for n in numbers if not luhn.is_valid(n)}
    assert flagged("VAT number") | flagged("check digit") == {n for n in numbers if not iva.is_valid(n)}
    assert "05728560961" not in flagged("")
    assert 0 < len(flagged("check digit")) < len(numbers)


def test_report_groups_problems_by_file_and_focus_node(validate_with_ontology) -> None:  # type: ignore[no-untyped-def]
    case = CASES / "wrong-partita-iva-check-digit.ttl"
    text = format_report(validate_with_ontology([case]), lang="en")
    lines = text.splitlines()
    assert lines[0] == str(case)
    assert lines[1].strip().startswith("body:ente-c")
    assert 'gl:partitaIVA "05728560962"' in lines[2]
    assert "the last digit should be 1" in lines[2]
    assert lines[-1].startswith("does not conform:")


def test_personal_tax_code_rule_agrees_with_python_stdnum(tmp_path: Path, validate_with_ontology) -> None:  # type: ignore[no-untyped-def]
    from stdnum.it import codicefiscale

    generator = random.Random(20261122)
    stems = ["RSSMRA80A01H501", "BNCGVN75T41F205", "VRDLGU62C15L219", "MRTNNA90E50Z112", "RSSMRA80A01H5LM"]
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    codes = set()
    for stem in stems:
        right = stem + codicefiscale.calc_check_digit(stem)
        wrong = stem + generator.choice([c for c in letters if c != right[-1]])
        codes |= {right, wrong}
    lines = ["@prefix gl: <https://w3id.org/govlod/ontology#> ."]
    lines += [f'<{BODY}p{n}> gl:codiceFiscale "{code}" .' for n, code in enumerate(sorted(codes))]
    data = tmp_path / "people.ttl"
    data.write_text("\n".join(lines), encoding="utf-8")
    report = validate_with_ontology([data])
    flagged = {f.value.strip('"') for f in report.violations if f.value and "check character" in f.message("en")}
    assert flagged == {code for code in codes if not codicefiscale.is_valid(code)}
    assert len(flagged) == len(stems)
