"""The distributions that ontology/codelists.ttl declares for each code list: their download URLs ask
the endpoint for exactly what the export writes to the list's Turtle and CSV files."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import DCAT, DCTERMS, RDF

from govlod.ndc.queries import csv_query, turtle_query
from tests.ndc.conftest import DCATAPIT_DATASET, graph_of

EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"


def _download_query(graph: rdflib.Graph, dataset: rdflib.term.Node, file_type: str) -> tuple[str, str]:
    """The query and format of the dataset's distribution of `file_type`, from its download URL."""
    for distribution in graph.objects(dataset, DCAT.distribution):
        if graph.value(distribution, DCTERMS.format) == rdflib.URIRef(EU_FILE_TYPE + file_type):
            url = urlsplit(str(graph.value(distribution, DCAT.downloadURL)))
            assert url.scheme == "https" and url.netloc == "w3id.org" and url.path == "/govlod/sparql"
            params = parse_qs(url.query)
            return params["query"][0], params["format"][0]
    raise AssertionError(f"{dataset} has no {file_type} distribution")


def test_the_turtle_download_url_answers_with_the_file_s_code_list(
    vocabularies: list[Path], bundled_default_graph: ox.Store
) -> None:
    for folder in vocabularies:
        graph = graph_of(folder / f"{folder.name}.ttl")
        [dataset] = list(graph.subjects(RDF.type, DCATAPIT_DATASET))
        query, media = _download_query(graph, dataset, "RDF_TURTLE")
        assert media == "turtle" and query == turtle_query(folder.name)
        answer = bundled_default_graph.query(query)
        assert isinstance(answer, ox.QueryTriples)
        served = {(t.subject.value, t.predicate.value, str(t.object)) for t in answer}
        scheme_and_concepts = {dataset, *graph.subjects(rdflib.namespace.SKOS.inScheme, dataset)}
        written = {(str(s), str(p), o.n3()) for s, p, o in graph if s in scheme_and_concepts}
        assert written and written <= served


def test_the_csv_download_url_answers_with_the_file_s_rows(
    vocabularies: list[Path], bundled_default_graph: ox.Store
) -> None:
    for folder in vocabularies:
        graph = graph_of(folder / f"{folder.name}.ttl")
        [dataset] = list(graph.subjects(RDF.type, DCATAPIT_DATASET))
        query, media = _download_query(graph, dataset, "CSV")
        assert media == "csv" and query == csv_query(folder.name)
        answer = bundled_default_graph.query(query)
        assert isinstance(answer, ox.QuerySolutions)
        served = ox.QueryResultsFormat.CSV
        text = answer.serialize(format=served)
        assert text is not None
        endpoint_rows = list(csv.reader(io.StringIO(text.decode("utf-8"), newline="")))
        file_rows = list(
            csv.reader(io.StringIO((folder / f"{folder.name}.csv").read_text(encoding="utf-8"), newline=""))
        )
        assert endpoint_rows == file_rows


@pytest.mark.parametrize("key", ["role", "body-kind"])
def test_the_queries_find_a_list_on_a_store_with_another_base(key: str, bundled_default_graph: ox.Store) -> None:
    """A local instance rewrites every IRI to its own base; the queries match the list by its path."""
    local = ox.Store()
    base, rebased = "https://w3id.org/govlod/", "http://127.0.0.1:8000/"

    def move(
        term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple,
    ) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple:
        if isinstance(term, ox.NamedNode) and term.value.startswith(base):
            return ox.NamedNode(rebased + term.value[len(base) :])
        return term

    local.extend(ox.Quad(move(q.subject), move(q.predicate), move(q.object)) for q in bundled_default_graph)  # type: ignore[arg-type]
    canonical = bundled_default_graph.query(csv_query(key))
    moved = local.query(csv_query(key))
    assert isinstance(canonical, ox.QuerySolutions) and isinstance(moved, ox.QuerySolutions)
    assert len(list(moved)) == len(list(canonical)) > 0


def test_a_key_that_could_break_out_of_the_query_is_refused() -> None:
    with pytest.raises(ValueError):
        turtle_query('role") } #')
