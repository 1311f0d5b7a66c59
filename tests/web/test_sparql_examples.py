"""`/sparql/examples`: the query page's examples as SPARQL examples in the SIB format, each of which,
sent to the endpoint it names, answers with rows on the bundled data."""

from __future__ import annotations

import httpx
import pytest
import rdflib
from rdflib.namespace import RDF, RDFS, SH

from govlod.web.examples import example_queries, used_prefixes
from tests.helpers import RunningServer

SCHEMA = rdflib.Namespace("https://schema.org/")
TEXTS = (SH.select, SH.ask, SH.construct)


@pytest.fixture(scope="module")
def examples(linked_server: RunningServer) -> rdflib.Graph:
    answer = httpx.get(linked_server.url + "sparql/examples", headers={"Accept": "text/turtle"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/turtle")
    return rdflib.Graph().parse(data=answer.text, format="turtle")


def test_every_example_of_the_query_page_is_published(examples: rdflib.Graph, linked_server: RunningServer) -> None:
    published = set(examples.subjects(RDF.type, SH.SPARQLExecutable))
    assert {str(e).rsplit("#", 1)[-1] for e in published} == {q.slug for q in example_queries()}
    for example in published:
        comments = {c.language for c in examples.objects(example, RDFS.comment) if isinstance(c, rdflib.Literal)}
        assert comments == {"it", "en"}, example
        assert examples.value(example, SCHEMA.target) == rdflib.URIRef(linked_server.url + "sparql")
        assert sum(1 for text in TEXTS if examples.value(example, text) is not None) == 1, example
        declarations = examples.value(example, SH.prefixes)
        assert declarations is not None and any(examples.objects(declarations, SH.declare))


def test_the_executable_class_matches_the_query_form(examples: rdflib.Graph) -> None:
    selects = set(examples.subjects(RDF.type, SH.SPARQLSelectExecutable))
    constructs = set(examples.subjects(RDF.type, SH.SPARQLConstructExecutable))
    assert selects and constructs
    assert all(examples.value(e, SH.select) is not None for e in selects)
    assert all(examples.value(e, SH.construct) is not None for e in constructs)


def test_every_example_returns_rows_from_its_target(examples: rdflib.Graph) -> None:
    for example in examples.subjects(RDF.type, SH.SPARQLExecutable):
        target = str(examples.value(example, SCHEMA.target))
        query = next(str(t) for text in TEXTS if (t := examples.value(example, text)) is not None)
        if examples.value(example, SH.construct) is not None:
            answer = httpx.post(target, data={"query": query}, headers={"Accept": "application/n-triples"})
            assert answer.status_code == 200, (example, answer.text)
            assert answer.text.strip(), f"{example} constructs no triple"
        else:
            answer = httpx.post(target, data={"query": query}, headers={"Accept": "application/sparql-results+json"})
            assert answer.status_code == 200, (example, answer.text)
            assert answer.json()["results"]["bindings"], f"{example} returns no row"


def test_the_examples_are_negotiated_like_every_document(linked_server: RunningServer) -> None:
    url = linked_server.url + "sparql/examples"
    jsonld = httpx.get(url, headers={"Accept": "application/ld+json"})
    assert jsonld.status_code == 200 and jsonld.headers["content-type"].startswith("application/ld+json")
    assert jsonld.headers["content-location"].endswith("/sparql/examples.jsonld")
    assert httpx.get(url + ".nt").headers["content-type"].startswith("application/n-triples")
    assert httpx.get(url).headers["content-type"].startswith("text/turtle")  # no Accept: Turtle
    page = httpx.get(url, headers={"Accept": "text/html"})
    assert page.status_code == 303 and page.headers["location"] == linked_server.url + "sparql"
    assert httpx.get(url, headers={"Accept": "image/png"}).status_code == 406


def test_only_the_prefixes_a_query_uses_are_declared_in_it() -> None:
    prefixes = {"gl": "https://w3id.org/govlod/ontology#", "graph": "https://w3id.org/govlod/graph/", "org": "o#"}
    assert used_prefixes("SELECT ?graph WHERE { GRAPH ?graph { ?s a gl:Seat } }", prefixes) == {"gl": prefixes["gl"]}
    assert used_prefixes("SELECT * { ?s <http://x/org:y> ?o }", prefixes) == {}


def test_the_query_page_links_to_the_published_examples(linked_server: RunningServer) -> None:
    page = httpx.get(f"{linked_server.url}sparql", headers={"Accept": "text/html"}).text
    assert f'<a href="{linked_server.url}sparql/examples" type="text/turtle">' in page
