"""The compiled shapes against pySHACL, the reference: the same results on every example.

Results are compared as (focus node, path, constraint component, severity); pySHACL's nested
details of sh:node are not results of the report, and neither are the engine's.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox
import pytest
from bench.generate import generate

from govlod.loading import load_sources
from govlod.shacl import engine, reference
from govlod.sources import SourceFile, discover
from govlod.terms import triples_to_graph
from govlod.validation import Shapes

CASES = Path(__file__).parents[1] / "validation_cases"
Key = tuple[str, str, str, str]


def _both(files: Sequence[SourceFile], shapes: Shapes) -> tuple[set[Key], set[Key]]:
    store = ox.Store()
    load_sources(store, files)
    data = triples_to_graph(ox.Triple(q.subject, q.predicate, q.object) for q in store)
    outcome = engine.run(store, shapes.graph)
    assert outcome.delegated == {}, "every bundled shape compiles"
    fast = {r.key() for r in outcome.results if not r.detail}
    return fast, {r.key() for r in reference.validate(data, shapes.rdflib)}


@pytest.mark.parametrize("case", sorted(CASES.glob("*.ttl")), ids=lambda p: p.stem)
def test_each_broken_example_gives_the_results_of_pyshacl(
    case: Path, shapes: Shapes, ontology: list[SourceFile]
) -> None:
    fast, slow = _both(discover([case]) + ontology, shapes)
    assert fast == slow
    assert fast, "each example breaks at least one rule"


def test_bundled_data_gives_no_result_in_either_engine(bundled: list[SourceFile], shapes: Shapes) -> None:
    assert _both(bundled, shapes) == (set(), set())


def test_generated_data_with_planted_problems_gives_the_results_of_pyshacl(
    tmp_path: Path, shapes: Shapes, ontology: list[SourceFile]
) -> None:
    generate(4000, tmp_path / "data")
    planted = [
        "seat-without-role",
        "membership-ends-before-it-begins",
        "wrong-partita-iva-check-digit",
        "dangling-reference",
    ]
    for name in planted:
        shutil.copy(CASES / f"{name}.ttl", tmp_path / "data" / f"planted-{name}.ttl")
    fast, slow = _both(discover([tmp_path / "data"]) + ontology, shapes)
    assert fast == slow
    assert len(fast) >= len(planted)


def test_nested_problems_are_reported_as_details_of_the_result(shapes: Shapes, ontology: list[SourceFile]) -> None:
    store = ox.Store()
    load_sources(store, discover([CASES / "membership-ends-before-it-begins.ttl"]) + ontology)
    results = engine.run(store, shapes.graph).results
    [top] = [r for r in results if not r.detail]
    [detail] = [r for r in results if r.detail]
    assert top.component == "NodeConstraintComponent"
    assert detail.component == "SPARQLConstraintComponent"
    assert top.value == detail.focus
    assert any("before it begins" in m.value for m in detail.messages)


def test_a_shape_the_compiler_cannot_express_goes_to_pyshacl(tmp_path: Path) -> None:
    shapes_file = tmp_path / "shapes.ttl"
    shapes_file.write_text(
        """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:OneOfShape a sh:NodeShape ; sh:targetClass ex:Thing ;
            sh:xone ( [ sh:class ex:A ] [ sh:class ex:B ] ) .
        ex:LabelShape a sh:NodeShape ; sh:targetClass ex:Thing ;
            sh:property [ sh:path ex:label ; sh:minCount 1 ] .""",
        encoding="utf-8",
    )
    data = tmp_path / "data.ttl"
    data.write_text(
        """@prefix ex: <http://example.org/> .
        ex:both a ex:Thing , ex:A , ex:B ; ex:label "x" .
        ex:one a ex:Thing , ex:A .""",
        encoding="utf-8",
    )
    from govlod.validation import format_report, load_shapes, validate_sources

    report = validate_sources(discover([data]), load_shapes(tmp_path))
    assert set(report.delegated) == {"http://example.org/OneOfShape"}
    assert "sh:xone" in report.delegated["http://example.org/OneOfShape"]
    assert "checked by pySHACL, not on the store: http://example.org/OneOfShape" in format_report(report)
    assert {f.focus for f in report.findings} == {"<http://example.org/both>", "<http://example.org/one>"}
