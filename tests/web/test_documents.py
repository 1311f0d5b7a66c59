"""Dereferencing: 303 from /id/ to /doc/, negotiation, suffixes, validators, HEAD, 404 and 406."""

from __future__ import annotations

import json

import httpx
import pytest
import rdflib

from tests.helpers import RunningServer
from tests.seed import ENTI_GESTORI

TABLE = "organization/coordinamento-enti-gestori-novara/tavolo-politico"
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "suffix"),
    [
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/rdf+xml", "rdf"),
        ("application/n-triples", "nt"),
        (BROWSER, "html"),
        ("application/ld+json;q=0.5, text/turtle;q=0.9", "ttl"),
        (None, "ttl"),
        ("*/*", "ttl"),
    ],
)
def test_id_redirects_to_the_document_chosen_by_accept(
    linked_server: RunningServer, accept: str | None, suffix: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = httpx.get(f"{linked_server.url}id/{TABLE}", headers=headers)
    assert response.status_code == 303
    assert response.headers["location"] == f"{linked_server.url}doc/{TABLE}.{suffix}"
    assert "Accept" in response.headers["vary"]


def test_id_with_nothing_acceptable_is_406(linked_server: RunningServer) -> None:
    response = httpx.get(f"{linked_server.url}id/{TABLE}", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.text


# rdflib's own JSON-LD parser still calls its deprecated ConjunctiveGraph internals.
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize(
    ("suffix", "media_type", "rdflib_format"),
    [
        ("ttl", "text/turtle", "turtle"),
        ("jsonld", "application/ld+json", "json-ld"),
        ("rdf", "application/rdf+xml", "xml"),
        ("nt", "application/n-triples", "nt"),
    ],
)
def test_suffix_bypasses_negotiation_and_gives_the_resource_triples(
    linked_server: RunningServer, suffix: str, media_type: str, rdflib_format: str
) -> None:
    response = httpx.get(f"{linked_server.url}doc/{TABLE}.{suffix}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert "content-location" not in response.headers
    graph = rdflib.Graph().parse(data=response.content, format=rdflib_format)
    table = rdflib.URIRef(f"{linked_server.url}id/{TABLE}")
    assert (
        table,
        ORG.unitOf,
        rdflib.URIRef(f"{linked_server.url}id/organization/coordinamento-enti-gestori-novara"),
    ) in graph
    assert (table, rdflib.RDFS.label, rdflib.Literal("Tavolo Politico", lang="it")) in graph
    # labels of what it points to travel with it
    assert graph.value(
        rdflib.URIRef(f"{linked_server.url}id/organization/coordinamento-enti-gestori-novara"), rdflib.RDFS.label
    )


def test_json_ld_is_compacted_with_a_context(linked_server: RunningServer) -> None:
    document = httpx.get(f"{linked_server.url}doc/{TABLE}.jsonld").json()
    assert document["@context"]["org"] == "http://www.w3.org/ns/org#"
    context = document["@context"]

    def expanded(identifier: str) -> str:
        prefix, _, local = identifier.partition(":")
        return context[prefix] + local if prefix in context else identifier

    ids = {expanded(node["@id"]) for node in document["@graph"]}
    assert f"{linked_server.url}id/{TABLE}" in ids
    assert all(not key.startswith("http") for node in document["@graph"] for key in node)  # every property compacted


def test_generic_document_negotiates_and_names_its_representation(linked_server: RunningServer) -> None:
    response = httpx.get(f"{linked_server.url}doc/{TABLE}", headers={"Accept": "application/rdf+xml"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/rdf+xml")
    assert response.headers["content-location"] == f"{linked_server.url}doc/{TABLE}.rdf"
    assert response.headers["vary"].startswith("Accept")


def test_format_parameter_works_too(linked_server: RunningServer) -> None:
    response = httpx.get(f"{linked_server.url}doc/{TABLE}", params={"format": "nt"}, headers={"Accept": "text/turtle"})
    assert response.headers["content-type"].startswith("application/n-triples")


def test_link_headers_list_every_other_format(linked_server: RunningServer) -> None:
    link = httpx.get(f"{linked_server.url}doc/{TABLE}.ttl").headers["link"]
    for suffix, media_type in (
        ("jsonld", "application/ld+json"),
        ("rdf", "application/rdf+xml"),
        ("nt", "application/n-triples"),
        ("html", "text/html"),
    ):
        assert f'<{linked_server.url}doc/{TABLE}.{suffix}>; rel="alternate"; type="{media_type}"' in link
    assert f"{TABLE}.ttl>" not in link


def test_validators_give_304(linked_server: RunningServer) -> None:
    url = f"{linked_server.url}doc/{TABLE}.ttl"
    first = httpx.get(url)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert httpx.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert httpx.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert httpx.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200
    assert httpx.get(url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200
    other_format = httpx.get(f"{linked_server.url}doc/{TABLE}.nt", headers={"If-None-Match": etag})
    assert other_format.status_code == 200  # each representation has its own tag


def test_head_works_like_get(linked_server: RunningServer) -> None:
    head = httpx.head(f"{linked_server.url}doc/{TABLE}.ttl")
    get = httpx.get(f"{linked_server.url}doc/{TABLE}.ttl")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert httpx.head(f"{linked_server.url}id/{TABLE}").status_code == 303


def test_unknown_resource_is_404_as_negotiated(linked_server: RunningServer) -> None:
    page = httpx.get(f"{linked_server.url}doc/organization/nowhere", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "text/html" in page.headers["content-type"]
    assert "organization/nowhere" in page.text
    rdf = httpx.get(f"{linked_server.url}doc/organization/nowhere.ttl")
    assert rdf.status_code == 404
    assert rdf.headers["content-type"].startswith("text/turtle")
    assert len(rdflib.Graph().parse(data=rdf.text, format="turtle")) == 0


def test_unsupported_format_is_406(linked_server: RunningServer) -> None:
    assert httpx.get(f"{linked_server.url}doc/{TABLE}", headers={"Accept": "application/pdf"}).status_code == 406
    assert httpx.get(f"{linked_server.url}doc/{TABLE}", params={"format": "csv"}).status_code == 406


def test_html_page_shows_labels_links_and_embedded_json_ld(linked_server: RunningServer) -> None:
    page = httpx.get(f"{linked_server.url}doc/{TABLE}.html", headers={"Accept-Language": "it"})
    assert page.status_code == 200
    text = page.text
    assert "<h1>Tavolo Politico</h1>" in text
    for body in ENTI_GESTORI:
        of_body = f"del {body}" if body.startswith("Comune") else f"di {body}"
        assert f"Delegato dell&#39;Assemblea {of_body} (Tavolo Politico)" in text
    assert f'value="{linked_server.url}id/{TABLE}"' in text  # the IRI, copyable
    embedded = text.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert json.loads(embedded)["name"] == "Tavolo Politico"
    english = httpx.get(f"{linked_server.url}doc/{TABLE}.html", params={"lang": "en"})
    assert "<h1>Political table</h1>" in english.text


def test_rdflib_dereferences_an_iri_through_the_redirect(linked_server: RunningServer) -> None:
    iri = f"{linked_server.url}id/organization/sercop"
    graph = rdflib.Graph().parse(iri)
    assert (
        rdflib.URIRef(iri),
        rdflib.URIRef(f"{linked_server.url}ontology#partitaIVA"),
        rdflib.Literal("05728560961"),
    ) in graph


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE", "PATCH"])
def test_documents_cannot_be_written_through_http(server: RunningServer, method: str) -> None:
    """Graph Store Protocol style writes are refused: data changes only through `govlod build`."""
    target = server.url + "doc/organization/sercop.ttl"
    before = httpx.get(target).text
    turtle = "<https://w3id.org/govlod/id/organization/sercop> <http://www.w3.org/2000/01/rdf-schema#label> 'x' ."
    answer = httpx.request(method, target, content=turtle, headers={"Content-Type": "text/turtle"})
    assert answer.status_code == 405 and "GET" in answer.headers["allow"]
    assert httpx.get(target).text == before
