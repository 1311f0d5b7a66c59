"""Provenance of each named graph: the source pages its facts come from, and the build that loaded it,
so that a harvester can trace any triple back to a web page."""

from __future__ import annotations

import pyoxigraph as ox

from govlod.namespaces import GRAPH_SPACE, ID_SPACE, VOCABULARY
from govlod.sources import SourceFile

PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SOURCE_PAGE = ox.NamedNode(VOCABULARY + "SourcePage")
DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")


def build_activity(build_id: str) -> ox.NamedNode:
    return ox.NamedNode(f"{ID_SPACE}build/{build_id}")


def graph_provenance(source: SourceFile, pages: list[str], build_id: str, built_at: str) -> list[ox.Triple]:
    """What the graph of one source file says about itself (IRIs at the canonical base).

    `pages` are the gl:SourcePage resources the file describes.
    """
    graph = ox.NamedNode(source.graph)
    name = source.graph.removeprefix(GRAPH_SPACE)
    triples = [
        ox.Triple(graph, TYPE, ox.NamedNode(PROV + "Entity")),
        ox.Triple(graph, RDFS_LABEL, ox.Literal(f"Grafo {name}", language="it")),
        ox.Triple(graph, RDFS_LABEL, ox.Literal(f"Graph {name}", language="en")),
        ox.Triple(graph, ox.NamedNode(PROV + "wasGeneratedBy"), build_activity(build_id)),
        ox.Triple(graph, ox.NamedNode(PROV + "generatedAtTime"), ox.Literal(built_at, datatype=DATETIME)),
        ox.Triple(graph, ox.NamedNode(DCT + "source"), ox.Literal(source.path.name)),
    ]
    for page in pages:
        triples.append(ox.Triple(graph, ox.NamedNode(PROV + "wasDerivedFrom"), ox.NamedNode(page)))
    return triples


def activity_triples(build_id: str, built_at: str, version: str) -> list[ox.Triple]:
    activity = build_activity(build_id)
    return [
        ox.Triple(activity, TYPE, ox.NamedNode(PROV + "Activity")),
        ox.Triple(activity, RDFS_LABEL, ox.Literal(f"govlod build {build_id}", language="it")),
        ox.Triple(activity, RDFS_LABEL, ox.Literal(f"govlod build {build_id}", language="en")),
        ox.Triple(activity, ox.NamedNode(PROV + "endedAtTime"), ox.Literal(built_at, datatype=DATETIME)),
        ox.Triple(activity, ox.NamedNode(DCT + "identifier"), ox.Literal(version)),
    ]
