"""The SPARQL 1.1 Service Description of the endpoint, as RDF triples."""

from __future__ import annotations

import pyoxigraph as ox

from govlod.media import FORMATS
from govlod.namespaces import RDF_TYPE
from govlod.store import BuildInfo

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def service_description(endpoint: str, info: BuildInfo, timeout: float, max_rows: int) -> list[ox.Triple]:
    service = ox.NamedNode(endpoint)
    dataset = ox.BlankNode("dataset")
    default_graph = ox.BlankNode("defaultGraph")
    triples: list[ox.Triple] = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), service),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, DCT_TITLE, ox.Literal("govlod SPARQL endpoint", language="en")),
        ox.Triple(
            service,
            RDFS_COMMENT,
            ox.Literal(
                f"Read-only. Queries stop after {timeout:g} s; answers hold at most {max_rows} rows "
                "or triples. SERVICE is disabled. The default graph is the union of the named "
                "graphs, one per source file.",
                language="en",
            ),
        ),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _sd("Graph")),
        ox.Triple(
            default_graph,
            ox.NamedNode(VOID + "triples"),
            ox.Literal(str(info.triples), datatype=XSD_INTEGER),
        ),
    ]
    for media in FORMATS:
        if media.w3c_iri:
            triples.append(ox.Triple(service, _sd("resultFormat"), ox.NamedNode(media.w3c_iri)))
    for index, (name, count) in enumerate(sorted(info.graphs.items())):
        named = ox.BlankNode(f"namedGraph{index}")
        graph = ox.BlankNode(f"graph{index}")
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), ox.NamedNode(name)),
            ox.Triple(named, _sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, _sd("Graph")),
            ox.Triple(graph, ox.NamedNode(VOID + "triples"), ox.Literal(str(count), datatype=XSD_INTEGER)),
        ]
    return triples
