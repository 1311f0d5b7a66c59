"""Building into and serving from a remote SPARQL 1.1 store (the Oxigraph server from PyPI):
publishing is gated and atomic, replicas agree, and credentials are never shown."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from govlod.namespaces import CANONICAL_BASE
from govlod.stores.remote import layout, loading
from govlod.stores.remote.connection import Connection, public_url
from tests.helpers import (
    PROJECT,
    RunningOxigraph,
    RunningServer,
    RunningVirtuoso,
    free_port,
    run_govlod,
    virtuoso_missing,
)

DATA = PROJECT / "data"
NOVARA_ONLY = ["--data", str(DATA / "provincia-novara")]
RELEASE = layout.release_graph(CANONICAL_BASE)
# One query, so one snapshot of the store: the build it names and the size of the default graph.
SNAPSHOT = f"""SELECT ?build (COUNT(*) AS ?triples) WHERE {{
  GRAPH {RELEASE} {{ ?release <http://purl.org/dc/terms/identifier> ?build }} ?s ?p ?o }} GROUP BY ?build"""


Remote = RunningOxigraph | RunningVirtuoso


@pytest.fixture(params=["oxigraph-server", "virtuoso"])
def remote(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Remote]:
    running: Remote
    if request.param == "virtuoso":
        missing = virtuoso_missing()
        if missing is not None:
            pytest.skip(missing)
        running = RunningVirtuoso(tmp_path / "virtuoso")
    else:
        running = RunningOxigraph(tmp_path / "oxigraph")
    yield running
    running.stop()


def _connection(remote: Remote) -> Connection:
    return Connection(remote.settings())


def _graphs_in_store(connection: Connection) -> list[str]:
    """Every named graph that holds a triple, by a scan (govlod itself never lists them)."""
    rows = connection.solutions("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return sorted(str(row["g"].value) for row in rows)


def _snapshot(remote: Remote) -> tuple[str, int]:
    """The served build and the size of the served default graph, as one query sees them."""
    connection = _connection(remote)
    dataset = {}
    if not connection.engine.own_default_graph:
        dataset = {"default-graph-uri": [layout.union_graph(CANONICAL_BASE).value], "named-graph-uri": [RELEASE.value]}
    try:
        rows = connection.solutions(SNAPSHOT, dataset)
    finally:
        connection.close()
    assert len(rows) == 1
    return rows[0]["build"].value, int(rows[0]["triples"].value)


def _build(remote: Remote, store: Path, *extra: str) -> str:
    built = run_govlod("build", "--store", str(store), *remote.options, *extra)
    assert built.returncode == 0, built.stderr
    return _snapshot(remote)[0]


def test_a_build_fills_the_served_graphs_and_the_default_graph_and_names_itself(remote: Remote, tmp_path: Path) -> None:
    build = _build(remote, tmp_path / "store")
    assert (tmp_path / "store" / "builds" / build / "build.json").is_file()
    assert not (tmp_path / "store" / "builds" / build / "oxigraph").exists()  # the triples are in the remote store
    connection = _connection(remote)
    graphs = _graphs_in_store(connection)
    served = layout.served_graphs(connection, CANONICAL_BASE)
    connection.close()
    assert RELEASE.value in graphs
    assert not [g for g in graphs if g.startswith(layout.staging_space(CANONICAL_BASE))]
    assert layout.staging_record(CANONICAL_BASE).value not in graphs
    own = {RELEASE.value, layout.union_graph(CANONICAL_BASE).value}
    ours = {g for g in graphs if g.startswith(CANONICAL_BASE)}  # not the engine's own (Virtuoso has some)
    assert set(served) == ours - own and CANONICAL_BASE + "graph/provincia-novara/dataset" in served
    record = (tmp_path / "store" / "builds" / build / "build.json").read_text()
    assert f'"triples": {_snapshot(remote)[1]}' in record


def test_a_build_that_does_not_conform_leaves_the_remote_store_as_it_was(remote: Remote, tmp_path: Path) -> None:
    served = _build(remote, tmp_path / "store")
    before = _snapshot(remote)
    invalid = run_govlod(
        "build",
        "--store",
        str(tmp_path / "store"),
        *remote.options,
        "--data",
        str(DATA),
        "--data",
        str(PROJECT / "tests" / "validation_cases" / "dangling-reference.ttl"),
    )
    assert invalid.returncode == 1, invalid.stderr
    assert _snapshot(remote) == before and before[0] == served
    connection = _connection(remote)
    staged = [g for g in _graphs_in_store(connection) if g.startswith(layout.staging_space(CANONICAL_BASE))]
    connection.close()
    assert staged == []


def test_graphs_left_by_an_interrupted_build_are_dropped_by_the_next(remote: Remote, tmp_path: Path) -> None:
    _build(remote, tmp_path / "store")
    left = layout.staged_name(CANONICAL_BASE + "graph/provincia-novara/dataset", "interrupted", CANONICAL_BASE)
    connection = _connection(remote)
    # What a build killed while loading leaves: its graphs recorded, then some of them loaded.
    layout.record_staging(
        connection, "interrupted", CANONICAL_BASE, [CANONICAL_BASE + "graph/provincia-novara/dataset"]
    )
    connection.update(f"INSERT DATA {{ GRAPH {left} {{ <urn:x:a> <urn:x:b> <urn:x:c> }} }}")
    assert left.value in _graphs_in_store(connection)
    _build(remote, tmp_path / "store", *NOVARA_ONLY)
    assert left.value not in _graphs_in_store(connection)
    assert layout.staged_graphs(connection, CANONICAL_BASE) == []
    connection.close()


def test_readers_see_the_old_build_or_the_new_one_never_a_mix(remote: Remote, tmp_path: Path) -> None:
    first = _build(remote, tmp_path / "store")
    old = _snapshot(remote)
    seen: set[tuple[str, int]] = set()
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            seen.add(_snapshot(remote))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        second = _build(remote, tmp_path / "store", *NOVARA_ONLY)
    finally:
        stop.set()
        watcher.join()
    new = _snapshot(remote)
    assert second != first and new[1] < old[1]
    assert seen <= {old, new} and old in seen


def test_two_replicas_over_one_store_answer_alike_and_switch_together(remote: Remote, tmp_path: Path) -> None:
    store = tmp_path / "store"
    _build(remote, store)
    replicas = [RunningServer(store, *remote.options) for _ in range(2)]
    try:
        path = "doc/organization/coordinamento-enti-gestori-novara/tavolo-politico.ttl"
        answers = [httpx.get(replica.url + path) for replica in replicas]
        assert answers[0].status_code == 200
        assert answers[0].headers["etag"] == answers[1].headers["etag"]
        assert answers[0].content == answers[1].content
        rebuilt = _build(remote, store, *NOVARA_ONLY)
        for replica in replicas:
            assert _eventually_serves(replica, rebuilt)
    finally:
        for replica in replicas:
            replica.stop()


def _eventually_serves(replica: RunningServer, build: str) -> bool:
    import time

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if httpx.get(replica.url + "health").json().get("build") == build:
            return True
        time.sleep(0.2)
    return False


def test_credentials_never_appear_in_messages_logs_or_health(remote: Remote, tmp_path: Path) -> None:
    unreachable = f"http://someone:pa55word@127.0.0.1:{free_port()}/query"
    failed = run_govlod(
        "build", "--store", str(tmp_path / "store"), "--store-url", unreachable, "--store-password", "hunter2"
    )
    assert failed.returncode == 2
    assert "cannot reach the store at http://127.0.0.1:" in failed.stderr
    assert "pa55word" not in failed.stderr + failed.stdout and "hunter2" not in failed.stderr + failed.stdout

    secret = {"GOVLOD_STORE_USER": "publisher", "GOVLOD_STORE_PASSWORD": "hunter2"}
    built = run_govlod("build", "--store", str(tmp_path / "store"), *remote.options, env=secret)
    assert built.returncode == 0 and "hunter2" not in built.stdout + built.stderr
    served = RunningServer(tmp_path / "store", *remote.options, "--store-password", "hunter2", "--store-user", "x")
    try:
        pages = [httpx.get(served.url + p).text for p in ("health", "", "sparql?query=ASK%7B%7D", "doc/nothing.html")]
    finally:
        served.stop()
    assert not [page for page in pages if "hunter2" in page]
    assert "hunter2" not in served.log.read_text()


def test_a_url_is_shown_without_its_user_information() -> None:
    assert public_url("https://user:secret@store.example:8890/sparql?x=1") == "https://store.example:8890/sparql?x=1"
    assert public_url("http://store.example/sparql") == "http://store.example/sparql"


# Triples per graph, the default graph under the name "default": the whole store in one answer.
PER_GRAPH = """SELECT ?g (COUNT(*) AS ?n) WHERE {
  { ?s ?p ?o BIND("default" AS ?g) } UNION { GRAPH ?g { ?s ?p ?o } } } GROUP BY ?g"""


def test_a_store_without_a_data_endpoint_gets_the_same_triples_through_sparql_update(tmp_path: Path) -> None:
    remote, update_only = RunningOxigraph(tmp_path / "oxigraph"), RunningOxigraph(tmp_path / "update-only")
    try:
        _build(remote, tmp_path / "store")
        options = [o for o in update_only.options if not o.endswith("/store")]
        options.remove("--store-data-url")
        built = run_govlod("build", "--store", str(tmp_path / "other"), *options)
        assert built.returncode == 0, built.stderr
        counts = []
        for running in (remote, update_only):
            connection = _connection(running)
            rows = connection.solutions(PER_GRAPH)
            connection.close()
            counts.append({str(r["g"].value): int(r["n"].value) for r in rows if r["g"].value != RELEASE.value})
        assert counts[0] == counts[1] and counts[0]["default"] > 1000
    finally:
        remote.stop()
        update_only.stop()


def test_insert_data_requests_are_bounded_and_keep_connected_blank_nodes_in_one_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(loading, "CHUNK_QUADS", 1)  # every quad, or group of blank nodes, a piece
    p, graph = ox.NamedNode("urn:x:p"), ox.NamedNode("urn:x:g")
    ground = [ox.Quad(ox.NamedNode(f"urn:x:s{i}"), p, ox.Literal(str(i)), graph) for i in range(5)]
    top, inner, alone = ox.BlankNode("top"), ox.BlankNode("inner"), ox.BlankNode("alone")
    chained = [  # <s0> p [ p [ p "x" ] ], across the named graph and the default graph
        ox.Quad(ox.NamedNode("urn:x:s0"), p, top, graph),
        ox.Quad(top, p, inner, ox.DefaultGraph()),
        ox.Quad(inner, p, ox.Literal("x"), graph),
    ]
    single = [ox.Quad(ox.NamedNode("urn:x:s1"), p, alone, graph), ox.Quad(alone, p, ox.Literal("y"), graph)]
    quads = [ground[0], chained[2], *ground[1:3], single[1], chained[0], *ground[3:], single[0], chained[1]]
    one_quad = len(loading._graph_blocks(ground[:1]))
    requests = list(loading.insert_data_requests(quads, max_bytes=2 * one_quad + 1))
    data, templates = [r for r in requests if "INSERT DATA" in r], [r for r in requests if "WHERE" in r]
    assert len(data) == 3 and len(templates) == 2  # 2 + 2 + 1 ground quads; each group of blank nodes whole
    assert not [r for r in data if "_:" in r]
    assert sorted(r.count("_:") for r in templates) == [2, 4]
    assert [r for r in templates if "_:top" in r and "_:inner" in r]
    store = ox.Store()
    for request in requests:
        store.update(request)
    assert len(store) == 10
    found = store.query(
        "SELECT ?v WHERE { GRAPH <urn:x:g> { <urn:x:s0> <urn:x:p> ?b } ?b <urn:x:p> ?c "
        "GRAPH <urn:x:g> { ?c <urn:x:p> ?v } }"
    )
    assert [row["v"].value for row in found] == ["x"]  # type: ignore[union-attr]
