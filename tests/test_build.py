"""`govlod build`: a fresh store per build, switched atomically; bad data or an interruption change nothing."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from govlod import build as build_module
from govlod.build import DataDoesNotConform, build
from govlod.settings import Settings
from govlod.sources import SourceFile
from govlod.store import StoreFolder
from govlod.terms import triples_to_graph
from tests.helpers import PROJECT, run_govlod
from tests.seed import BUNDLED_GRAPHS


def _settings(tmp_path: Path, data: list[Path] | None = None, **extra: object) -> Settings:
    return Settings(home=PROJECT, data=data or [PROJECT / "data"], store=tmp_path / "store", **extra)  # type: ignore[arg-type]


def _count(folder: StoreFolder, query: str) -> int:
    store, _, _ = folder.open_read_only()
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return int(next(iter(solutions))[0].value)  # type: ignore[union-attr]


def test_build_loads_each_file_into_its_graph_and_the_union_as_default(tmp_path: Path) -> None:
    result = build(_settings(tmp_path))
    folder = StoreFolder(tmp_path / "store")
    info = folder.info()
    assert info == result.info
    assert set(info.graphs) == BUNDLED_GRAPHS
    in_graphs = _count(
        folder, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
    )
    assert info.triples == in_graphs == _count(folder, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert set(result.timings) == {"parse", "validate", "load", "compact", "statistics", "dumps", "index", "total"}


def test_rebuild_switches_current_and_keeps_the_previous_build_readable(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    first = build(settings)
    reader, _, _ = StoreFolder(settings.store_dir).open_read_only()  # a server holding the old build
    second = build(settings)
    assert first.path != second.path
    assert StoreFolder(settings.store_dir).current_build() == second.path
    assert bool(reader.query("ASK { ?s ?p ?o }"))
    assert first.info.version == second.info.version  # same content, same dataset version


def test_invalid_data_leaves_the_store_untouched(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    good = build(settings)
    broken = tmp_path / "broken"
    shutil.copytree(PROJECT / "data", broken)
    shutil.copy(PROJECT / "tests" / "validation_cases" / "seat-without-role.ttl", broken / "seat.ttl")
    with pytest.raises(DataDoesNotConform):
        build(_settings(tmp_path, data=[broken]))
    assert StoreFolder(settings.store_dir).current_build() == good.path


def test_interrupted_build_leaves_the_store_untouched_and_is_cleaned_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path)
    good = build(settings)

    real = build_module.stage

    def failing_stage(sources: list[SourceFile], *args: object, **kwargs: object) -> None:
        real(sources[:2], *args, **kwargs)  # type: ignore[arg-type]
        raise KeyboardInterrupt  # as if the operator pressed Ctrl-C half-way through parsing

    monkeypatch.setattr(build_module, "stage", failing_stage)
    with pytest.raises(KeyboardInterrupt):
        build(settings, check=False)
    monkeypatch.setattr(build_module, "stage", real)
    folder = StoreFolder(settings.store_dir)
    assert folder.current_build() == good.path
    assert not list((settings.store_dir / "builds").glob("*.partial")), "the half-loaded build is removed"
    after = build(settings, check=False)
    assert not list((settings.store_dir / "builds").glob("*.partial"))
    assert folder.current_build() == after.path


def test_base_iri_rewrites_project_iris_only(tmp_path: Path) -> None:
    settings = _settings(tmp_path, base_iri="http://127.0.0.1:8123/")
    build(settings, check=False)
    folder = StoreFolder(settings.store_dir)
    assert (
        _count(
            folder, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER (STRSTARTS(STR(?s), 'https://w3id.org/govlod/')) }"
        )
        == 0
    )
    assert (
        _count(
            folder,
            "ASK { <http://127.0.0.1:8123/id/organization/sercop> <http://127.0.0.1:8123/ontology#partitaIVA> '05728560961' }".replace(
                "ASK", "SELECT (COUNT(*) AS ?n) WHERE"
            ),
        )
        == 1
    )
    assert _count(folder, "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/ns/org#hasUnit> ?o }") == 6
    assert all(g.startswith("http://127.0.0.1:8123/graph/") for g in folder.info().graphs)


def test_build_command_reports_counts_and_timing(tmp_path: Path) -> None:
    result = run_govlod("build", "--store", str(tmp_path / "store"))
    assert result.returncode == 0, result.stderr
    assert "parsed 7 files" in result.stdout
    assert "validated in" in result.stdout
    assert "triples in 7 named graphs" in result.stdout


def test_build_command_refuses_invalid_data_with_exit_one(tmp_path: Path) -> None:
    case = PROJECT / "tests" / "validation_cases" / "seat-without-role.ttl"
    result = run_govlod("build", "--store", str(tmp_path / "store"), "--data", str(case))
    assert result.returncode == 1
    assert "exactly one role" in result.stderr
    assert "the store was not changed" in result.stderr
    assert not (tmp_path / "store" / "current").exists()


def test_every_graph_records_its_source_pages_and_the_build(tmp_path: Path) -> None:
    result = build(_settings(tmp_path))
    store, _, build_id = StoreFolder(tmp_path / "store").open_read_only()
    query = """SELECT ?page ?modified ?activity WHERE {
        GRAPH <https://w3id.org/govlod/graph/sercop-rhodense/piano-sociale-di-zona> {
          <https://w3id.org/govlod/graph/sercop-rhodense/piano-sociale-di-zona>
              <http://www.w3.org/ns/prov#wasDerivedFrom> ?page ;
              <http://www.w3.org/ns/prov#wasGeneratedBy> ?activity .
          ?page <https://w3id.org/govlod/ontology#lastModifiedOnSource> ?modified } } ORDER BY ?modified"""
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    rows = [(s["page"].value, s["modified"].value, s["activity"].value) for s in solutions]  # type: ignore[union-attr]
    assert [r[1] for r in rows] == ["2021-07-22", "2021-07-24"]
    assert {r[2] for r in rows} == {f"https://w3id.org/govlod/id/build/{build_id}"}
    assert build_id == result.path.name


def test_the_dumped_default_graph_is_the_served_one_blank_nodes_included(tmp_path: Path) -> None:
    """The dumps read the validated memory store completed with the added triples; the endpoint
    reads the on-disk store: the same graph, blank nodes linked the same way."""
    extra = tmp_path / "data" / "example"
    extra.mkdir(parents=True)
    # A table known by no IRI: the build adds its ORG types to the blank node itself.
    (extra / "unnamed.ttl").write_text(
        "@prefix gl: <https://w3id.org/govlod/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '[] a gl:GovernanceTable ; rdfs:label "Tavolo senza IRI"@it .\n',
        encoding="utf-8",
    )
    result = build(_settings(tmp_path, data=[PROJECT / "data", tmp_path / "data"]), check=False)
    (dump,) = (result.path / "dumps").glob("*.nt.gz")
    with gzip.open(dump) as handle:
        dumped = triples_to_graph(q.triple for q in ox.parse(handle, format=ox.RdfFormat.N_TRIPLES))
    store, _, _ = StoreFolder(tmp_path / "store").open_read_only()
    served = triples_to_graph(q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    (table,) = {s for s in served.subjects() if isinstance(s, rdflib.BNode)}
    assert (table, rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/org#Organization")) in served
    assert len(dumped) == len(served) == result.info.triples
    assert isomorphic(dumped, served)
