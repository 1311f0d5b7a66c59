"""VoID counts equal SPARQL counts; crawlers find the sitemap and every document page in it."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest
import rdflib
import xmlschema

from tests.helpers import RunningServer

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
SCHEMAS = Path(__file__).parent / "sitemaps"
SITEMAP_SCHEMA = xmlschema.XMLSchema(SCHEMAS / "sitemap.xsd")
SITEINDEX_SCHEMA = xmlschema.XMLSchema(SCHEMAS / "siteindex.xsd")


def _count(server: RunningServer, query: str) -> int:
    answer = httpx.get(server.url + "sparql", params={"query": query}).json()
    return int(answer["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def void(linked_server: RunningServer) -> rdflib.Graph:
    return rdflib.Graph().parse(linked_server.url + ".well-known/void", format="turtle")


def test_void_dataset_counts_equal_sparql_counts(linked_server: RunningServer, void: rdflib.Graph) -> None:
    dataset = rdflib.URIRef(linked_server.url + ".well-known/void#dataset")
    for prop, query in (
        (VOID.triples, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
        (VOID.distinctSubjects, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        (VOID.distinctObjects, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
        (VOID.entities, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER (isIRI(?s)) }"),
    ):
        assert int(void.value(dataset, prop)) == _count(linked_server, query), prop  # type: ignore[arg-type]
    assert void.value(dataset, VOID.sparqlEndpoint) == rdflib.URIRef(linked_server.url + "sparql")
    assert str(void.value(dataset, VOID.uriSpace)) == linked_server.url + "id/"
    dumps = {str(d) for d in void.objects(dataset, VOID.dataDump)}
    listed = {d["url"] for d in httpx.get(linked_server.url + "dumps/").json()["dumps"]}
    assert dumps == listed


def test_void_partitions_equal_sparql_counts(linked_server: RunningServer, void: rdflib.Graph) -> None:
    for partition in void.objects(None, VOID.classPartition):
        cls = void.value(partition, VOID["class"])
        assert int(void.value(partition, VOID.entities)) == _count(
            linked_server, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{cls}> }}"
        )  # type: ignore[arg-type]
    partitions = list(void.objects(None, VOID.propertyPartition))
    assert len(partitions) > 50
    for partition in partitions[:20]:
        prop = void.value(partition, VOID.property)
        assert int(void.value(partition, VOID.triples)) == _count(
            linked_server, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{prop}> ?o }}"
        )  # type: ignore[arg-type]


def test_void_linksets_count_links_to_the_national_vocabularies(
    linked_server: RunningServer, void: rdflib.Graph
) -> None:
    counts = {}
    for linkset in void.subjects(rdflib.RDF.type, VOID.Linkset):
        target = void.value(linkset, VOID.objectsTarget)
        key = (str(void.value(target, VOID.uriSpace)), str(void.value(linkset, VOID.linkPredicate)))
        counts[key] = int(void.value(linkset, VOID.triples))  # type: ignore[arg-type]
    territorial = "https://w3id.org/italia/controlled-vocabulary/territorial-classifications/"
    # Provincia di Novara, Regione Piemonte and Comune di Novara; Rho, where Sercop's address is
    assert counts[(territorial, "http://www.w3.org/2004/02/skos/core#exactMatch")] == 3
    assert counts[(territorial, linked_server.url + "ontology#inMunicipality")] == 1
    assert counts[("urn:nir:", "http://www.w3.org/2002/07/owl#sameAs")] == 2


def test_home_page_points_to_void(linked_server: RunningServer) -> None:
    link = httpx.get(linked_server.url).headers["link"]
    assert link == f'<{linked_server.url}.well-known/void>; rel="describedby"; type="text/turtle"'


def _locations(xml: bytes, schema: xmlschema.XMLSchema) -> list[str]:
    schema.validate(xml)
    return [str(e.text) for e in ET.fromstring(xml).iter(f"{{{SITEMAP}}}loc")]


def test_robots_points_to_a_sitemap_index_listing_every_document_page_once(linked_server: RunningServer) -> None:
    robots = httpx.get(linked_server.url + "robots.txt").text
    assert f"Sitemap: {linked_server.url}sitemap.xml" in robots
    files = _locations(httpx.get(linked_server.url + "sitemap.xml").content, SITEINDEX_SCHEMA)
    assert files[0] == f"{linked_server.url}sitemaps/pages.xml.gz" and len(files) == 2
    locations: list[str] = []
    for file in files:
        answer = httpx.get(file)
        assert answer.headers["content-type"] == "application/gzip"
        plain = gzip.decompress(answer.content)
        assert len(plain) < 50 * 2**20
        locations += _locations(plain, SITEMAP_SCHEMA)
    subjects = _count(
        linked_server,
        f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER (STRSTARTS(STR(?s), "{linked_server.url}id/")) }}',
    )
    pages = [url for url in locations if "/doc/" in url]
    assert len(pages) == len(set(pages)) == subjects
    assert f"{linked_server.url}doc/organization/coordinamento-enti-gestori-novara/tavolo-politico.html" in pages
    assert httpx.get(f"{linked_server.url}sitemaps/resources-2.xml.gz").status_code == 404
    assert httpx.get(f"{linked_server.url}sitemaps/anything.xml").status_code == 404
    page = httpx.get(str(locations[-1]))
    assert page.status_code == 200
