"""Fixtures shared by the whole suite: the bundled dataset, its shapes and an in-memory store of it."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox
import pytest

from govlod.entailment import OrgView
from govlod.settings import Settings
from govlod.sources import SourceFile, discover, parse
from govlod.stores.embedded import EmbeddedReads
from govlod.stores.interface import Reads
from govlod.stores.remote import layout, loading
from govlod.stores.remote.connection import Connection
from govlod.stores.remote.reads import RemoteReads
from govlod.validation import Shapes, ValidationReport, dataset_sources, load_shapes, validate_sources
from tests.helpers import RunningOxigraph, RunningServer, RunningVirtuoso, run_govlod, virtuoso_missing

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


STORES = ["embedded", "oxigraph-server", "virtuoso"]  # every test of a running server runs on each


@contextlib.contextmanager
def _store_options(kind: str, folder: Path) -> Iterator[list[str]]:
    """The `govlod serve` options for a kind of store, with the remote store running meanwhile."""
    if kind == "embedded":
        yield []
        return
    remote: RunningOxigraph | RunningVirtuoso
    if kind == "virtuoso":
        missing = virtuoso_missing()
        if missing is not None:
            pytest.skip(missing)
        remote = RunningVirtuoso(folder / "virtuoso", timeout_seconds=2)
    else:
        remote = RunningOxigraph(folder / "oxigraph", timeout_seconds=2)
    try:
        yield remote.options
    finally:
        remote.stop()


@pytest.fixture(scope="session", params=STORES)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """`govlod serve` on the bundled data, with a short timeout and a row limit below the data size."""
    folder = tmp_path_factory.mktemp(f"served-{request.param}")
    with _store_options(request.param, folder) as options:
        running = RunningServer(folder / "store", "--query-timeout", "2", "--max-rows", "1000", *options)
        running.store_kind = request.param
        yield running
        running.stop()


@pytest.fixture(scope="session", params=STORES)
def linked_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """`govlod serve` whose IRIs are rewritten to its own address, so that they dereference."""
    folder = tmp_path_factory.mktemp(f"linked-{request.param}")
    with _store_options(request.param, folder) as options:
        running = RunningServer(folder / "store", *options, base_iri="http://127.0.0.1:{port}/")
        running.store_kind = request.param
        yield running
        running.stop()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningOxigraph]:
    """One Oxigraph server for tests that fill it themselves."""
    running = RunningOxigraph(tmp_path_factory.mktemp("oxigraph"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningVirtuoso]:
    """One Virtuoso for tests that fill it themselves."""
    missing = virtuoso_missing()
    if missing is not None:
        pytest.skip(missing)
    running = RunningVirtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield running
    running.stop()


@pytest.fixture(params=STORES)
def reads_of(request: pytest.FixtureRequest) -> Callable[[ox.Store], Reads]:
    """Reads of a store's default graph: by the embedded store, or by a remote store holding a copy
    where govlod puts a served build's default graph on that engine."""
    if request.param == "embedded":
        return EmbeddedReads.over
    remote: RunningOxigraph | RunningVirtuoso = request.getfixturevalue(
        "virtuoso_server" if request.param == "virtuoso" else "oxigraph_server"
    )
    settings = remote.settings()
    connection = Connection(settings)
    request.addfinalizer(connection.close)

    def copy(store: ox.Store) -> Reads:
        target = layout.served_default(connection.engine, settings.base_iri)
        connection.update(f"DROP SILENT {'DEFAULT' if isinstance(target, ox.DefaultGraph) else f'GRAPH {target}'}")
        quads = (ox.Quad(q.subject, q.predicate, q.object, target) for q in store)
        for update in loading.insert_data_requests(quads, connection.engine):
            connection.update(update)
        return RemoteReads(connection, settings.base_iri)

    return copy


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store folder built from the bundled data, to copy."""
    store = tmp_path_factory.mktemp("previous") / "store"
    result = run_govlod("build", "--store", str(store), "--skip-validation")
    assert result.returncode == 0, result.stderr
    return store


@pytest.fixture
def previous_store(built_store: Path, tmp_path: Path) -> Path:
    """A store folder serving one complete build, which a failed or killed build must leave serving."""
    store = tmp_path / "store"
    shutil.copytree(built_store, store, symlinks=True)
    return store
