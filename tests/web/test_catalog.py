"""The DCAT-AP_IT catalog: zero violations against the official DCAT-AP 3.0.1 shapes and the project's
DCAT-AP_IT shapes, and a harvest that uses nothing but HTTP and an independent parser."""

from __future__ import annotations

import gzip
import hashlib

import httpx
import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from rdflib.namespace import SH

from tests.helpers import PROJECT, RunningServer

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
OFFICIAL_SHAPES = PROJECT.parent / "shared" / "standards" / "dcat-ap-3.0.1-SHACL.ttl"


@pytest.fixture(scope="module")
def catalog(linked_server: RunningServer) -> rdflib.Graph:
    return rdflib.Graph().parse(
        data=httpx.get(linked_server.url + "catalog", headers={"Accept": "text/turtle"}).text, format="turtle"
    )


def _official_shapes() -> rdflib.Graph:
    shapes = rdflib.Graph().parse(OFFICIAL_SHAPES)
    # The 3.0.1 release refers to two property shapes it never defines; pyshacl refuses such
    # references, and shapes that do not exist constrain nothing, so only the references go.
    for shape, missing in list(shapes.subject_objects(SH.property)):
        if (missing, None, None) not in shapes:
            shapes.remove((shape, SH.property, missing))
    return shapes


@pytest.mark.skipif(not OFFICIAL_SHAPES.exists(), reason="the official shapes live in ../shared/standards")
def test_catalog_has_zero_violations_of_dcat_ap_3(catalog: rdflib.Graph) -> None:
    conforms, _, text = pyshacl.validate(catalog, shacl_graph=_official_shapes(), inference="none")
    assert conforms, text


def test_catalog_has_the_dcat_ap_it_mandatory_fields(catalog: rdflib.Graph) -> None:
    shapes = rdflib.Graph().parse(PROJECT / "shapes" / "catalog" / "dcat-ap_it-shapes.ttl")
    conforms, _, text = pyshacl.validate(catalog, shacl_graph=shapes, inference="none")
    assert conforms, text
    datasets = set(catalog.subjects(rdflib.RDF.type, rdflib.URIRef("http://dati.gov.it/onto/dcatapit#Dataset")))
    assert len(datasets) == 3  # the whole dataset and one per publisher


def test_dcat_ap_it_shapes_catch_a_missing_field(catalog: rdflib.Graph) -> None:
    broken = rdflib.Graph()
    for triple in catalog:
        if triple[1] != rdflib.URIRef("http://purl.org/dc/terms/rightsHolder"):
            broken.add(triple)
    shapes = rdflib.Graph().parse(PROJECT / "shapes" / "catalog" / "dcat-ap_it-shapes.ttl")
    conforms, _, text = pyshacl.validate(broken, shacl_graph=shapes, inference="none")
    assert not conforms and "the rights holder is missing" in text


def test_dcat_ap_it_shapes_catch_a_contact_point_that_is_not_one(catalog: rdflib.Graph) -> None:
    vcard = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
    organisation = rdflib.URIRef("http://dati.gov.it/onto/dcatapit#Organization")
    broken = rdflib.Graph()
    for triple in catalog:
        if triple[2] != organisation:
            broken.add(triple)
    point = next(catalog.objects(None, DCAT.contactPoint))
    broken.add((point, vcard.hasTelephone, rdflib.URIRef("tel:+39-0321-000000")))
    broken.add((point, vcard.hasTelephone, rdflib.URIRef("tel:+39-0321-000001")))
    shapes = rdflib.Graph().parse(PROJECT / "shapes" / "catalog" / "dcat-ap_it-shapes.ttl")
    conforms, _, text = pyshacl.validate(broken, shacl_graph=shapes, inference="none")
    assert not conforms
    assert "must be a dcatapit:Organization" in text and "at most one telephone number" in text


def test_publishers_are_agents_with_identifiers(linked_server: RunningServer, catalog: rdflib.Graph) -> None:
    sercop = rdflib.URIRef(linked_server.url + "id/organization/sercop")
    assert (sercop, rdflib.RDF.type, rdflib.URIRef("http://dati.gov.it/onto/dcatapit#Agent")) in catalog
    assert (sercop, rdflib.URIRef("http://purl.org/dc/terms/identifier"), rdflib.Literal("05728560961")) in catalog


def test_harvest_round_trip_over_http(linked_server: RunningServer, catalog: rdflib.Graph) -> None:
    answer = httpx.get(
        linked_server.url + "sparql",
        params={"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/n-triples"},
    )
    endpoint = {
        str(t)
        for t in ox.parse(answer.content, format=ox.RdfFormat.N_TRIPLES)
        if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)
    }
    checked = 0
    for distribution in catalog.subjects(SPDX.checksum, None):
        url = str(catalog.value(distribution, DCAT.downloadURL))
        body = httpx.get(url).content
        checksum = catalog.value(distribution, SPDX.checksum)
        assert hashlib.sha256(body).hexdigest() == str(catalog.value(checksum, SPDX.checksumValue))
        assert len(body) == int(str(catalog.value(distribution, DCAT.byteSize)))
        media = str(catalog.value(distribution, DCAT.mediaType)).removeprefix(
            "http://www.iana.org/assignments/media-types/"
        )
        data = gzip.decompress(body) if catalog.value(distribution, DCAT.compressFormat) else body
        statements = list(ox.parse(data, format=ox.RdfFormat.from_media_type(media)))
        assert len(statements) == int(str(catalog.value(distribution, VOID.triples)))
        if media != "application/n-quads":
            got = {
                str(ox.Triple(q.subject, q.predicate, q.object))
                for q in statements
                if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
            }
            assert got == endpoint, url
        checked += 1
    assert checked == 5


def test_catalog_is_served_in_every_format(linked_server: RunningServer) -> None:
    for accept, media in (
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/ld+json", "application/ld+json"),
        ("text/html", "text/html"),
    ):
        response = httpx.get(linked_server.url + "catalog", headers={"Accept": accept})
        assert response.status_code == 200 and response.headers["content-type"].startswith(media)


def test_the_licence_is_described_for_dcat_ap_it_and_for_ckan(catalog: rdflib.Graph) -> None:
    dct, foaf = rdflib.Namespace("http://purl.org/dc/terms/"), rdflib.Namespace("http://xmlns.com/foaf/0.1/")
    licences = set(catalog.objects(None, dct.license))
    assert licences == {rdflib.URIRef("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")}
    (licence,) = licences
    assert {(n.language, str(n)) for n in catalog.objects(licence, foaf.name) if isinstance(n, rdflib.Literal)} == {
        ("it", "Creative Commons Attribuzione 4.0 Internazionale"),
        ("en", "Creative Commons Attribution 4.0 International"),
    }
    # CKAN matches a licence IRI it does not know by its dct:title against its register's titles, and
    # reads the title in the portal's language or else the first: one title, the register's name for CC BY.
    assert list(catalog.objects(licence, dct.title)) == [rdflib.Literal("Creative Commons Attribution", lang="en")]
    assert list(catalog.objects(licence, rdflib.OWL.versionInfo)) == [rdflib.Literal("4.0")]
    assert list(catalog.objects(licence, foaf.homepage)) == [
        rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")
    ]
    assert list(catalog.objects(licence, dct.type)) == [rdflib.URIRef("http://purl.org/adms/licencetype/Attribution")]
