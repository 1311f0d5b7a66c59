"""VoID: the dataset's statistics, computed from the store when it is built (never written by hand),
and their description as RDF: partitions by class and property, dumps, and linksets."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from govlod.namespaces import RDF_TYPE
from govlod.store import BuildInfo

VOID = "http://rdfs.org/ns/void#"
DCT = "http://purl.org/dc/terms/"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
CC_BY = ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")

# Datasets this one links to: (key, title, namespace of their IRIs)
LINK_TARGETS = (
    (
        "territorial-classifications",
        "Classificazioni territoriali italiane (OntoPiA)",
        "https://w3id.org/italia/controlled-vocabulary/territorial-classifications/",
    ),
    ("urn-nir", "Normattiva URN:NIR", "urn:nir:"),
    ("wikidata", "Wikidata", "http://www.wikidata.org/entity/"),
)


def _one(store: ox.Store, query: str) -> int:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return int(next(iter(solutions))[0].value)


def _counts(store: ox.Store, query: str) -> list[tuple[str, int]]:
    """(IRI, count) rows of a two-variable SELECT, in the order of their IRIs (GROUP BY has none)."""
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return sorted((row[0].value, int(row[1].value)) for row in solutions)


def statistics(store: ox.Store) -> dict[str, Any]:
    """Counts over the default graph, which is what the endpoint and the dumps serve."""
    stats: dict[str, Any] = {
        "triples": _one(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
        "entities": _one(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER (isIRI(?s)) }"),
        "distinct_subjects": _one(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        "distinct_objects": _one(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
        "classes": dict(_counts(store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c")),
        "properties": dict(_counts(store, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")),
        "linksets": [],
    }
    for key, title, namespace in LINK_TARGETS:
        rows = _counts(
            store,
            f"""SELECT ?p (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o .
                 FILTER (isIRI(?o) && STRSTARTS(STR(?o), "{namespace}")) }} GROUP BY ?p""",
        )
        for predicate, count in rows:
            link = {"target": key, "title": title, "namespace": namespace, "predicate": predicate, "triples": count}
            stats["linksets"].append(link)
    return stats


def _vocabularies(names: list[str]) -> list[str]:
    spaces = set()
    for iri in names:
        cut = max(iri.rfind("#"), iri.rfind("/"))
        if cut > 0:
            spaces.add(iri[: cut + 1])
    return sorted(spaces)


def v(name: str) -> ox.NamedNode:
    return ox.NamedNode(VOID + name)


def integer(number: int) -> ox.Literal:
    return ox.Literal(str(number), datatype=XSD_INTEGER)


TITLES = (
    ox.Literal("govlod: governance della programmazione sociale", language="it"),
    ox.Literal("govlod: governance of social-services planning", language="en"),
)


def void_triples(info: BuildInfo, server: str) -> list[ox.Triple]:
    """The VoID description; `server` is where this instance answers (ends with '/')."""
    stats = info.statistics
    dataset = ox.NamedNode(f"{server}.well-known/void#dataset")
    triples = [
        ox.Triple(dataset, RDF_TYPE, v("Dataset")),
        ox.Triple(
            dataset,
            ox.NamedNode(DCT + "title"),
            ox.Literal("govlod: governance della programmazione sociale", language="it"),
        ),
        ox.Triple(
            dataset,
            ox.NamedNode(DCT + "title"),
            ox.Literal("govlod: governance of social-services planning", language="en"),
        ),
        ox.Triple(dataset, ox.NamedNode(DCT + "license"), CC_BY),
        ox.Triple(dataset, ox.NamedNode(DCT + "modified"), ox.Literal(info.built_at, datatype=XSD_DATETIME)),
        ox.Triple(dataset, v("sparqlEndpoint"), ox.NamedNode(f"{server}sparql")),
        ox.Triple(dataset, v("uriSpace"), ox.Literal(f"{info.base_iri}id/")),
        ox.Triple(dataset, v("rootResource"), ox.NamedNode(server)),
        ox.Triple(dataset, v("triples"), integer(stats["triples"])),
        ox.Triple(dataset, v("entities"), integer(stats["entities"])),
        ox.Triple(dataset, v("distinctSubjects"), integer(stats["distinct_subjects"])),
        ox.Triple(dataset, v("distinctObjects"), integer(stats["distinct_objects"])),
        ox.Triple(dataset, v("classes"), integer(len(stats["classes"]))),
        ox.Triple(dataset, v("properties"), integer(len(stats["properties"]))),
    ]
    for dump in info.dumps:
        triples.append(ox.Triple(dataset, v("dataDump"), ox.NamedNode(f"{server}dumps/{dump['name']}")))
    for vocabulary in _vocabularies([*stats["properties"], *stats["classes"]]):
        triples.append(ox.Triple(dataset, v("vocabulary"), ox.NamedNode(vocabulary)))
    for kind, subject_key, count_key, counts in (
        ("class", "class", "entities", stats["classes"]),
        ("property", "property", "triples", stats["properties"]),
    ):
        for index, (iri, count) in enumerate(sorted(counts.items())):
            partition = ox.NamedNode(f"{server}.well-known/void#{kind}-{index}")
            triples += [
                ox.Triple(dataset, v(f"{kind}Partition"), partition),
                ox.Triple(partition, v(subject_key), ox.NamedNode(iri)),
                ox.Triple(partition, v(count_key), integer(count)),
            ]
    for index, link in enumerate(stats["linksets"]):
        linkset = ox.NamedNode(f"{server}.well-known/void#linkset-{index}")
        target = ox.NamedNode(f"{server}.well-known/void#target-{link['target']}")
        triples += [
            ox.Triple(linkset, RDF_TYPE, v("Linkset")),
            ox.Triple(dataset, v("subset"), linkset),
            ox.Triple(linkset, v("subjectsTarget"), dataset),
            ox.Triple(linkset, v("objectsTarget"), target),
            ox.Triple(linkset, v("linkPredicate"), ox.NamedNode(link["predicate"])),
            ox.Triple(linkset, v("triples"), integer(link["triples"])),
            ox.Triple(target, RDF_TYPE, v("Dataset")),
            ox.Triple(target, ox.NamedNode(DCT + "title"), ox.Literal(link["title"])),
            ox.Triple(target, v("uriSpace"), ox.Literal(link["namespace"])),
        ]
    # Grouped by subject (a stable sort keeps each group's order): readable Turtle.
    return sorted(triples, key=lambda t: str(t.subject))
