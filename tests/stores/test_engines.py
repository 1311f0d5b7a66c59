"""What engines do differently, put right in govlod: answers read as the standard says, and the
dataset a visitor's query runs on, whatever the engine's default graph is."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from govlod.namespaces import CANONICAL_BASE
from govlod.sparql.worker import QueryJob
from govlod.stores.remote import engines
from govlod.stores.remote.engines import OXIGRAPH, STANDARD, VIRTUOSO, FixedChunks
from govlod.stores.remote.queries import on_the_store

# A SPARQL JSON answer as Virtuoso 7.2 writes it.
VIRTUOSO_ANSWER = (
    b'{ "head": { "link": [], "vars": ["s", "b"] },\n  "results": { "distinct": false, "ordered": true, "bindings": [\n'
    b'    { "s": { "type": "bnode", "value": "nodeID://b10000" }\t, "b": { "type": "typed-literal", '
    b'"datatype": "http://www.w3.org/2001/XMLSchema#boolean", "value": "1" }},\n'
    b'    { "s": { "type": "bnode", "value": "nodeID://b10001" }\t, "b": { "type": "typed-literal", '
    b'"datatype": "http://www.w3.org/2001/XMLSchema#boolean", "value": "0" }} ] } }'
)


@pytest.mark.parametrize("size", [1, 7, 40, 4096])
def test_virtuoso_answers_are_read_as_the_standard_says_whatever_the_chunk_boundaries(size: int) -> None:
    chunks = iter([VIRTUOSO_ANSWER[i : i + size] for i in range(0, len(VIRTUOSO_ANSWER), size)])
    fixed = b"".join(FixedChunks(chunks, VIRTUOSO.answer_fixes))
    rows = list(ox.parse_query_results(fixed, ox.QueryResultsFormat.JSON))  # type: ignore[arg-type]
    assert [row["b"].value for row in rows] == ["true", "false"]  # type: ignore[union-attr]
    assert all(isinstance(row["s"], ox.BlankNode) for row in rows)
    assert rows[0]["s"] != rows[1]["s"]


def test_the_engine_is_known_by_its_server_header() -> None:
    assert engines.identify("Oxigraph/0.5.13") is OXIGRAPH
    assert engines.identify("Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu  ") is VIRTUOSO
    assert engines.identify("Apache Jena Fuseki (5.1.0)") is STANDARD
    assert engines.identify("") is STANDARD


UNION = CANONICAL_BASE + "graph/default"
SERVED = [CANONICAL_BASE + "graph/provincia-novara/dataset"]


def _job(
    query: str, names_graphs: bool = False, default: tuple[str, ...] = (), named: tuple[str, ...] = ()
) -> QueryJob:
    return QueryJob(
        query=query,
        format="json",
        max_rows=10,
        default_graphs=default,
        named_graphs=named,
        names_graphs=names_graphs or bool(default or named),
    )


def test_on_an_engine_with_a_default_graph_of_its_own_queries_go_as_written() -> None:
    job = _job("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", names_graphs=True)
    assert on_the_store(job, OXIGRAPH, CANONICAL_BASE, SERVED) == (job.query, {})


def test_on_a_union_default_graph_engine_queries_see_only_the_served_build() -> None:
    plain = _job("SELECT * WHERE { ?s ?p ?o }")
    assert on_the_store(plain, VIRTUOSO, CANONICAL_BASE, SERVED) == (plain.query, {"default-graph-uri": [UNION]})
    graphs = _job("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", names_graphs=True)
    assert on_the_store(graphs, VIRTUOSO, CANONICAL_BASE, SERVED)[1] == {
        "default-graph-uri": [UNION],
        "named-graph-uri": SERVED,
    }


def test_a_query_s_own_dataset_is_kept_and_the_protocol_s_replaces_it() -> None:
    own = _job(f"SELECT * FROM <{SERVED[0]}> WHERE {{ ?s ?p ?o }}", names_graphs=True)
    assert on_the_store(own, VIRTUOSO, CANONICAL_BASE, SERVED) == (own.query, {})
    both = _job(own.query, default=(UNION,))
    query, parameters = on_the_store(both, VIRTUOSO, CANONICAL_BASE, SERVED)
    assert "FROM" not in query
    assert parameters == {"default-graph-uri": [UNION], "named-graph-uri": []}


def test_a_partial_answer_at_virtuoso_s_time_limit_is_a_timeout_not_an_answer() -> None:
    import httpx

    partial = httpx.Response(200, headers={"X-SQL-State": "S1TAT", "X-SQL-Message": "RC...: Returning incomplete"})
    assert VIRTUOSO.timed_out(partial)
    assert not VIRTUOSO.timed_out(httpx.Response(200))
    assert not OXIGRAPH.timed_out(partial)
    assert VIRTUOSO.says_timeout("Virtuoso S1T00 Error SR171: Transaction timed out")
