"""Fixtures shared by the whole suite: the bundled dataset, its shapes and an in-memory store of it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox
import pytest

from govlod.entailment import OrgView
from govlod.settings import Settings
from govlod.sources import SourceFile, discover, parse
from govlod.validation import Shapes, ValidationReport, dataset_sources, load_shapes, validate_sources
from tests.helpers import RunningServer

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(home=PROJECT)


@pytest.fixture(scope="session")
def shapes(settings: Settings) -> Shapes:
    return load_shapes(settings.shapes_dir)


@pytest.fixture(scope="session")
def ontology(settings: Settings) -> list[SourceFile]:
    return discover([settings.ontology_dir], graph_prefix="ontology/")


@pytest.fixture(scope="session")
def bundled(settings: Settings) -> list[SourceFile]:
    return dataset_sources(settings.data, settings.ontology_dir)


@pytest.fixture(scope="session")
def bundled_store(bundled: list[SourceFile]) -> ox.Store:
    """The bundled data and ontology, one named graph per file, queried as their union."""
    store = ox.Store()
    parsed = [parse(source) for source in bundled]
    view = OrgView(t for item in parsed if "/graph/ontology/" in item.source.graph for t in item.triples)
    for item in parsed:
        graph = ox.NamedNode(item.source.graph)
        triples = [*item.triples, *view.implied(item.triples)]
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    return store


@pytest.fixture(scope="session")
def bundled_default_graph(bundled_store: ox.Store) -> ox.Store:
    """The bundled data as a served store's default graph holds it: the union of the graphs."""
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in bundled_store)
    return store


@pytest.fixture(scope="session")
def validate_with_ontology(shapes: Shapes, ontology: list[SourceFile]):  # type: ignore[no-untyped-def]
    def run(paths: Sequence[Path]) -> ValidationReport:
        return validate_sources(discover(paths) + ontology, shapes)

    return run


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """`govlod serve` on the bundled data, with a short timeout and a row limit below the data size."""
    running = RunningServer(tmp_path_factory.mktemp("served") / "store", "--query-timeout", "2", "--max-rows", "1000")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def linked_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """`govlod serve` whose IRIs are rewritten to its own address, so that they dereference."""
    running = RunningServer(tmp_path_factory.mktemp("linked") / "store", base_iri="http://127.0.0.1:{port}/")
    yield running
    running.stop()
