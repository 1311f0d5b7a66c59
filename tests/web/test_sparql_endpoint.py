"""The SPARQL endpoint of a running `govlod serve`, through real clients: SPARQLWrapper, rdflib, httpx."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import time
import xml.etree.ElementTree as ET

import httpx
import pytest
import rdflib
from SPARQLWrapper import CSV, JSON, TSV, XML, SPARQLWrapper

from govlod.settings import Settings
from tests.helpers import RunningServer

TABLES = """PREFIX gl: <https://w3id.org/govlod/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?table ?label WHERE { ?table a gl:GovernanceTable ; rdfs:label ?label FILTER (LANG(?label) = "it") }
ORDER BY ?label"""
DELEGATES = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX gl: <https://w3id.org/govlod/ontology#>
SELECT ?seat ?body WHERE {
  ?seat org:postIn <https://w3id.org/govlod/id/organization/coordinamento-enti-gestori-novara/tavolo-politico> ;
        org:role <https://w3id.org/govlod/id/concept/role/delegato> ; gl:represents ?body }"""
STRUCTURE = """PREFIX org: <http://www.w3.org/ns/org#>
CONSTRUCT { ?c org:hasUnit ?u . ?u org:unitOf ?c } WHERE { ?c org:hasUnit ?u }"""
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
TABLE_LABELS = ["Tavolo Politico", "Tavolo Tecnico", "Tavolo di coordinamento dei servizi sociali di base"]


def _wrapper(server: RunningServer, query: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "sparql")
    client.setQuery(query)
    client.setMethod(method)
    return client


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_reads_json_results(server: RunningServer, method: str) -> None:
    client = _wrapper(server, TABLES, method)
    client.setReturnFormat(JSON)
    bindings = client.query().convert()["results"]["bindings"]  # type: ignore[index,call-overload]
    assert sorted(b["label"]["value"] for b in bindings) == sorted(TABLE_LABELS)
    assert all(b["label"]["xml:lang"] == "it" for b in bindings)


def test_sparqlwrapper_reads_xml_results(server: RunningServer) -> None:
    client = _wrapper(server, DELEGATES)
    client.setReturnFormat(XML)
    document = client.query().convert()
    namespace = "{http://www.w3.org/2005/sparql-results#}"
    results = document.getElementsByTagName("result")  # type: ignore[union-attr]
    assert len(results) == 7
    assert namespace  # the DOM API hides namespaces; the tag names above are the spec's


@pytest.mark.parametrize("fmt", [CSV, TSV])
def test_sparqlwrapper_reads_csv_and_tsv(server: RunningServer, fmt: str) -> None:
    client = _wrapper(server, TABLES)
    client.setReturnFormat(fmt)
    text = client.query().convert().decode("utf-8")  # type: ignore[union-attr]
    lines = text.splitlines()
    rows = [line.split("\t") for line in lines] if fmt == TSV else list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + len(TABLE_LABELS)
    if fmt == TSV:
        assert rows[0] == ["?table", "?label"]
        assert '"Tavolo Politico"@it' in {r[1] for r in rows[1:]}
    else:
        assert rows[0] == ["table", "label"]
        assert "Tavolo Politico" in {r[1] for r in rows[1:]}


# rdflib's own TriG and N-Quads parsers still call its deprecated ConjunctiveGraph internals.
@pytest.mark.filterwarnings("ignore:.*(ConjunctiveGraph|default_context).*:DeprecationWarning")
@pytest.mark.parametrize(
    ("media_type", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/trig", "trig"),
        ("application/n-quads", "nquads"),
    ],
)
def test_rdflib_parses_every_construct_format(server: RunningServer, media_type: str, rdflib_format: str) -> None:
    response = httpx.get(server.url + "sparql", params={"query": STRUCTURE}, headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    graph = rdflib.Dataset() if rdflib_format in ("trig", "nquads") else rdflib.Graph()
    graph.parse(data=response.content, format=rdflib_format)
    org = rdflib.Namespace("http://www.w3.org/ns/org#")
    triples = set(graph.triples((None, org.hasUnit, None)))  # type: ignore[arg-type]
    # Novara: two tables of the coordination, two offices of the Province; Rhodense: table and Ufficio di Piano.
    assert len(triples) == 6
    assert len(set(graph.triples((None, org.unitOf, None)))) == len(triples)  # type: ignore[arg-type]


def test_accept_q_values_choose_the_format(server: RunningServer) -> None:
    response = httpx.get(
        server.url + "sparql",
        params={"query": TABLES},
        headers={"Accept": "application/sparql-results+json;q=0.5, text/csv;q=0.9, text/html;q=0.1"},
    )
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["vary"].startswith("Accept")


def test_format_parameter_overrides_accept(server: RunningServer) -> None:
    response = httpx.get(
        server.url + "sparql", params={"query": TABLES, "format": "tsv"}, headers={"Accept": "text/csv"}
    )
    assert response.headers["content-type"].startswith("text/tab-separated-values")


def test_nothing_acceptable_is_406_listing_the_formats(server: RunningServer) -> None:
    response = httpx.get(server.url + "sparql", params={"query": TABLES}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text
    graph_as_table = httpx.get(server.url + "sparql", params={"query": STRUCTURE, "format": "csv"})
    assert graph_as_table.status_code == 406


def test_ask_answers_true_and_false(server: RunningServer) -> None:
    yes = httpx.get(server.url + "sparql", params={"query": "ASK { ?s ?p ?o }"}).json()
    no = httpx.get(server.url + "sparql", params={"query": "ASK { <urn:x> <urn:y> <urn:z> }"}).json()
    assert (yes["boolean"], no["boolean"]) == (True, False)
    as_xml = httpx.get(server.url + "sparql", params={"query": "ASK {}", "format": "xml"})
    assert ET.fromstring(as_xml.content).find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"  # type: ignore[union-attr]


def test_describe_returns_the_resource_triples(server: RunningServer) -> None:
    iri = "https://w3id.org/govlod/id/organization/sercop"
    response = httpx.get(
        server.url + "sparql", params={"query": f"DESCRIBE <{iri}>"}, headers={"Accept": "text/turtle"}
    )
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    assert (
        rdflib.URIRef(iri),
        rdflib.URIRef("https://w3id.org/govlod/ontology#partitaIVA"),
        rdflib.Literal("05728560961"),
    ) in graph


def test_post_direct_and_form_give_the_same_answer(server: RunningServer) -> None:
    direct = httpx.post(
        server.url + "sparql",
        content=TABLES.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    form = httpx.post(
        server.url + "sparql", data={"query": TABLES}, headers={"Accept": "application/sparql-results+json"}
    )
    assert direct.status_code == form.status_code == 200
    assert direct.json() == form.json()


def test_named_graph_parameters_set_the_dataset(server: RunningServer) -> None:
    graph = "https://w3id.org/govlod/graph/sercop-rhodense/piano-sociale-di-zona"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/govlod/ontology#PublicBody> }"
    everything = httpx.get(server.url + "sparql", params={"query": count}).json()
    only_sercop = httpx.get(server.url + "sparql", params={"query": count, "default-graph-uri": graph}).json()
    assert int(everything["results"]["bindings"][0]["n"]["value"]) == 11
    assert int(only_sercop["results"]["bindings"][0]["n"]["value"]) == 1
    named = httpx.get(
        server.url + "sparql",
        params=[("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"), ("named-graph-uri", graph)],
    ).json()
    assert [b["g"]["value"] for b in named["results"]["bindings"]] == [graph]


def test_protocol_parameter_overrides_from_clause(server: RunningServer) -> None:
    graph = "https://w3id.org/govlod/graph/sercop-rhodense/piano-sociale-di-zona"
    query = (
        "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/govlod/graph/provincia-novara/coordinamento-enti-gestori> "
        "WHERE { ?s a <https://w3id.org/govlod/ontology#PublicBody> }"
    )
    answer = httpx.get(server.url + "sparql", params={"query": query, "default-graph-uri": graph}).json()
    assert int(answer["results"]["bindings"][0]["n"]["value"]) == 1


@pytest.mark.parametrize(
    ("request_args", "status", "message"),
    [
        ({"method": "GET", "params": {"query": "SELECT * WHERE { ?s ?p }"}}, 400, "syntax error: error at 1:"),
        ({"method": "GET", "params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "given 2 times"),
        ({"method": "GET", "params": {"query": "  "}}, 400, "the query is empty"),
        ({"method": "GET", "params": {"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}}, 403, "queries only"),
        ({"method": "GET", "params": {"update": "CLEAR ALL"}}, 403, "queries only"),
        (
            {"method": "POST", "content": b"CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}},
            403,
            "queries only",
        ),
        (
            {"method": "POST", "content": b"ASK {}", "headers": {"Content-Type": "text/plain"}},
            415,
            "unsupported Content-Type",
        ),
        ({"method": "POST", "content": b"ASK {}"}, 415, "needs a Content-Type"),
        (
            {
                "method": "POST",
                "content": b"ASK {}",
                "headers": {"Content-Type": "application/sparql-query; charset=latin-1"},
            },
            415,
            "must be UTF-8",
        ),
        (
            {"method": "POST", "content": b"ASK { \xff }", "headers": {"Content-Type": "application/sparql-query"}},
            400,
            "not valid UTF-8",
        ),
        ({"method": "POST", "data": {"nothing": "here"}}, 400, "has no query"),
        ({"method": "PUT", "content": b"ASK {}"}, 405, "not allowed"),
        ({"method": "DELETE"}, 405, "not allowed"),
        (
            {"method": "GET", "params": {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}},
            400,
            "SERVICE",
        ),
    ],
)
def test_protocol_errors_get_their_status_and_a_clear_message(
    server: RunningServer, request_args: dict[str, object], status: int, message: str
) -> None:
    response = httpx.request(url=server.url + "sparql", **request_args)  # type: ignore[arg-type]
    assert response.status_code == status
    assert message in response.text
    assert "Traceback" not in response.text
    if status == 405:
        assert "POST" in response.headers["allow"]


def test_results_stop_at_the_row_limit(server: RunningServer) -> None:
    answer = httpx.get(server.url + "sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert answer.headers["govlod-max-rows"] == "1000"
    assert len(answer.json()["results"]["bindings"]) == 1000


def test_a_query_over_the_timeout_is_stopped_while_others_are_answered(server: RunningServer) -> None:
    async def scenario() -> tuple[httpx.Response, list[float]]:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            slow = asyncio.create_task(client.get("sparql", params={"query": SLOW}))
            await asyncio.sleep(0.3)
            latencies = []
            for _ in range(5):
                started = time.perf_counter()
                quick = await client.get("health")
                assert quick.status_code == 200
                latencies.append(time.perf_counter() - started)
            return await slow, latencies

    slow, latencies = asyncio.run(scenario())
    assert slow.status_code == 503
    assert "longer than the 2 s limit" in slow.text
    assert max(latencies) < 1.5  # answered while the slow query was still running
    after = httpx.get(server.url + "sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert after.json()["boolean"] is True  # the stopped query's process was replaced


def test_repeated_query_is_answered_from_the_cache(server: RunningServer) -> None:
    query = TABLES + " # cache test"
    first = httpx.get(server.url + "sparql", params={"query": query})
    second = httpx.get(server.url + "sparql", params={"query": query})
    assert first.headers["govlod-cache"] == "miss"
    assert second.headers["govlod-cache"] == "hit"
    assert first.content == second.content
    as_csv = httpx.get(server.url + "sparql", params={"query": query, "format": "csv"})
    assert as_csv.headers["govlod-cache"] == "miss"  # the format is part of the key


def test_service_description_describes_endpoint_and_dataset(server: RunningServer) -> None:
    response = httpx.get(server.url + "sparql", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    endpoint = rdflib.URIRef(server.url + "sparql")
    assert (endpoint, rdflib.RDF.type, sd.Service) in graph
    assert (endpoint, sd.supportedLanguage, sd.SPARQL11Query) in graph
    assert (endpoint, sd.resultFormat, rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_TSV")) in graph
    triples = graph.value(
        graph.value(graph.value(endpoint, sd.defaultDataset), sd.defaultGraph),
        rdflib.URIRef("http://rdfs.org/ns/void#triples"),
    )
    health = httpx.get(server.url + "health").json()
    assert int(triples) == health["triples"]  # type: ignore[arg-type]
    assert len(list(graph.objects(None, sd.namedGraph))) == health["graphs"]


def test_cors_allows_any_origin_on_sparql(server: RunningServer) -> None:
    preflight = httpx.options(
        server.url + "sparql",
        headers={"Origin": "https://portal.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] in ("*", "https://portal.example")
    simple = httpx.get(server.url + "sparql", params={"query": "ASK {}"}, headers={"Origin": "https://portal.example"})
    assert simple.headers["access-control-allow-origin"] == "*"


def test_query_page_renders_results_with_labels_and_downloads(server: RunningServer) -> None:
    page = httpx.get(server.url + "sparql", params={"query": DELEGATES}, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "CISA Ovest Ticino" in page.text  # a label, not the IRI
    for fmt in ("json", "xml", "csv", "tsv"):
        assert f"format={fmt}" in page.text
    assert "<textarea" in page.text and "org:postIn" in page.text


def test_query_page_offers_a_dozen_working_examples(server: RunningServer) -> None:
    import re
    from html import unescape

    page = httpx.get(server.url + "sparql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "PREFIX gl: &lt;https://w3id.org/govlod/ontology#&gt;" in page.text
    links = re.findall(r'<li><a href="([^"]+sparql\?query=[^"]+)">', page.text)
    assert len(links) >= 12
    for link in links:
        answer = httpx.get(unescape(link), headers={"Accept": "text/html"})
        assert answer.status_code == 200, unescape(link)
        assert "Risultati" in answer.text


def test_query_page_shows_syntax_errors_to_people(server: RunningServer) -> None:
    page = httpx.get(server.url + "sparql", params={"query": "SELEC nonsense"}, headers={"Accept": "text/html"})
    assert page.status_code == 400
    assert "syntax error" in page.text
    assert "SELEC nonsense" in page.text  # the query stays in the editor


def test_json_results_keep_datatypes_and_languages(server: RunningServer) -> None:
    query = """SELECT ?order ?text WHERE { ?o <https://w3id.org/govlod/ontology#order> ?order ;
               <https://w3id.org/govlod/ontology#fullText> ?text } LIMIT 1"""
    binding = httpx.get(server.url + "sparql", params={"query": query}).json()["results"]["bindings"][0]
    assert binding["order"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
    assert binding["text"]["xml:lang"] == "it"
    assert json.dumps(binding)


def test_head_gives_the_headers_of_get_without_a_body(server: RunningServer) -> None:
    query = {"query": TABLES + " # head test"}
    head = httpx.head(server.url + "sparql", params=query)
    get = httpx.get(server.url + "sparql", params=query)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]


def test_openapi_describes_the_sparql_route(server: RunningServer) -> None:
    paths = httpx.get(server.url + "openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/sparql"])
    assert "/health" in paths


def test_a_query_longer_than_the_limit_is_refused_naming_the_limit(server: RunningServer) -> None:
    longest = Settings.model_fields["max_query_length"].default
    query = "ASK {}" + "#" * longest
    answer = httpx.post(server.url + "sparql", data={"query": query})
    assert answer.status_code == 413 and str(longest) in answer.text


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_a_dataset_parameter_that_is_not_an_iri_is_a_bad_request(server: RunningServer, parameter: str) -> None:
    answer = httpx.get(server.url + "sparql", params={"query": "ASK {}", parameter: "null"})  # was 500
    assert answer.status_code == 400 and parameter in answer.text and "'null'" in answer.text
