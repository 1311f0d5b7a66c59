"""The DCAT-AP_IT catalog: the editable metadata in data/catalog.ttl, completed with what the build
knows (dates, distributions with sizes and checksums, the SPARQL data service) and with the types
of the controlled values it uses, so that the official DCAT-AP 3 shapes find everything they check."""

from __future__ import annotations

from urllib.parse import urlencode

import pyoxigraph as ox

from govlod.sparql.executor import QueryExecutor
from govlod.sparql.worker import QueryJob
from govlod.store import BuildInfo

DCAT = "http://www.w3.org/ns/dcat#"
DCATAPIT = "http://dati.gov.it/onto/dcatapit#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SPDX = "http://spdx.org/rdf/terms#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
XSD = "http://www.w3.org/2001/XMLSchema#"
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
VCARD = "http://www.w3.org/2006/vcard/ns#"

LICENCE = EU + "licence/CC_BY_4_0"
LANGUAGE = EU + "language/ITA"
FREQUENCY = EU + "frequency/IRREG"
THEMES = {
    EU + "data-theme/SOCI": ("Popolazione e società", "Population and society"),
    EU + "data-theme/GOVE": ("Governo e settore pubblico", "Government and public sector"),
}
FILE_TYPES = {
    "turtle": "RDF_TURTLE",
    "ntriples": "RDF_N_TRIPLES",
    "nquads": "RDF_N_QUADS",
    "jsonld": "JSON_LD",
    "rdfxml": "RDF_XML",
}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _text(value: str, lang: str | None = None) -> ox.Literal:
    return ox.Literal(value, language=lang) if lang else ox.Literal(value)


def _typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=_n(XSD + datatype))


def _instances(triples: list[ox.Triple], cls: str) -> list[str]:
    return sorted({t.subject.value for t in triples if t.predicate == TYPE and t.object == _n(cls)})  # type: ignore[union-attr]


def metadata_query() -> str:
    return f"""CONSTRUCT {{ ?x ?p ?o . ?o2 ?p2 ?o3 }} WHERE {{
      {{ ?x a <{DCAT}Catalog> }} UNION {{ ?x a <{DCAT}Dataset> }}
      UNION {{ ?d a <{DCAT}Dataset> . ?d <{DCT}publisher>|<{DCT}rightsHolder>|<{DCAT}contactPoint> ?x }}
      UNION {{ ?c a <{DCAT}Catalog> ; <{DCT}publisher> ?x }}
      ?x ?p ?o .
      OPTIONAL {{ ?x <{DCAT}contactPoint>|<{VCARD}hasTelephone>|<{VCARD}hasAddress> ?o2 . ?o2 ?p2 ?o3 }}
    }}"""


async def catalog_triples(executor: QueryExecutor, info: BuildInfo, server: str) -> list[ox.Triple]:
    body, _ = await executor.collect(QueryJob(query=metadata_query(), format="ntriples", max_rows=100_000))
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
    add = triples.append
    modified = _typed(info.built_at, "dateTime")
    catalogs, datasets = _instances(triples, DCAT + "Catalog"), _instances(triples, DCAT + "Dataset")
    service = _n(f"{server}sparql")

    for catalog in catalogs:
        c = _n(catalog)
        for p, o in (
            (DCT + "modified", modified),
            (DCT + "language", _n(LANGUAGE)),
            (DCAT + "themeTaxonomy", _n(EU + "data-theme")),
            (FOAF + "homepage", _n(server)),
            (DCAT + "service", service),
        ):
            add(ox.Triple(c, _n(p), o))
    # Agents: publishers and rights holders, with the name and identifier DCAT-AP_IT asks for.
    agents = sorted(
        {
            t.object.value
            for t in triples
            if t.predicate in (_n(DCT + "publisher"), _n(DCT + "rightsHolder")) and isinstance(t.object, ox.NamedNode)
        }
    )
    for agent in agents:
        a = _n(agent)
        add(ox.Triple(a, TYPE, _n(FOAF + "Agent")))
        add(ox.Triple(a, TYPE, _n(DCATAPIT + "Agent")))
        names = [t.object for t in triples if t.subject == a and t.predicate == _n(RDFS_LABEL)]
        for name in names:
            add(ox.Triple(a, _n(FOAF + "name"), name))
        identifiers = [
            t.object for t in triples if t.subject == a and t.predicate.value.endswith(("#ipaCode", "#partitaIVA"))
        ]
        add(ox.Triple(a, _n(DCT + "identifier"), identifiers[0] if identifiers else _text(agent)))

    for dataset in datasets:
        d = _n(dataset)
        dataset_facts: list[tuple[str, ox.NamedNode | ox.Literal]] = [
            (DCT + "modified", modified),
            (DCT + "language", _n(LANGUAGE)),
            (DCT + "accrualPeriodicity", _n(FREQUENCY)),
            *((DCAT + "theme", _n(theme)) for theme in THEMES),
        ]
        for p, o in dataset_facts:
            add(ox.Triple(d, _n(p), o))
        add(ox.Triple(service, _n(DCAT + "servesDataset"), d))
        slug = dataset.rstrip("/").rsplit("/", 1)[-1]
        if slug == "govlod":
            for dump in info.dumps:
                triples += _dump_distribution(d, dump, server)
        else:
            triples += _graph_distributions(d, slug, info, server)

    triples += [
        ox.Triple(service, TYPE, _n(DCAT + "DataService")),
        ox.Triple(service, _n(DCT + "title"), _text("Endpoint SPARQL di govlod", "it")),
        ox.Triple(service, _n(DCT + "title"), _text("govlod SPARQL endpoint", "en")),
        ox.Triple(service, _n(DCAT + "endpointURL"), service),
        ox.Triple(service, _n(DCAT + "endpointDescription"), service),
        ox.Triple(service, _n(DCT + "license"), _n(LICENCE)),
    ]
    return triples + _controlled_values(triples)


def _distribution_common(distribution: ox.NamedNode, title: str, media: str, file_type: str) -> list[ox.Triple]:
    return [
        ox.Triple(distribution, TYPE, _n(DCAT + "Distribution")),
        ox.Triple(distribution, TYPE, _n(DCATAPIT + "Distribution")),
        ox.Triple(distribution, _n(DCT + "title"), _text(title, "it")),
        ox.Triple(distribution, _n(DCAT + "mediaType"), _n(IANA + media)),
        ox.Triple(distribution, _n(DCT + "format"), _n(EU + "file-type/" + file_type)),
        ox.Triple(distribution, _n(DCT + "license"), _n(LICENCE)),
    ]


def _dump_distribution(dataset: ox.NamedNode, dump: dict[str, object], server: str) -> list[ox.Triple]:
    url = _n(f"{server}dumps/{dump['name']}")
    distribution = _n(f"{server}catalog#dump-{dump['name']}")
    checksum = _n(f"{server}catalog#checksum-{dump['name']}")
    triples = [
        ox.Triple(dataset, _n(DCAT + "distribution"), distribution),
        *_distribution_common(
            distribution, f"Dump {dump['media_type']}", str(dump["media_type"]), FILE_TYPES[str(dump["format"])]
        ),
        ox.Triple(distribution, _n(DCAT + "accessURL"), url),
        ox.Triple(distribution, _n(DCAT + "downloadURL"), url),
        ox.Triple(distribution, _n(DCAT + "byteSize"), _typed(str(dump["bytes"]), "nonNegativeInteger")),
        ox.Triple(distribution, _n(SPDX + "checksum"), checksum),
        ox.Triple(checksum, TYPE, _n(SPDX + "Checksum")),
        ox.Triple(checksum, _n(SPDX + "algorithm"), _n(SPDX + "checksumAlgorithm_sha256")),
        ox.Triple(checksum, _n(SPDX + "checksumValue"), _typed(str(dump["sha256"]), "hexBinary")),
        ox.Triple(distribution, _n("http://rdfs.org/ns/void#triples"), _typed(str(dump["triples"]), "integer")),
    ]
    if dump["compressed"]:
        triples.append(ox.Triple(distribution, _n(DCAT + "compressFormat"), _n(IANA + "application/gzip")))
    return triples


def _graph_distributions(dataset: ox.NamedNode, slug: str, info: BuildInfo, server: str) -> list[ox.Triple]:
    """A publisher's data: each of its source files' graph, as Turtle from the SPARQL endpoint."""
    triples = []
    for graph in sorted(info.graphs):
        if f"/graph/{slug}/" not in graph:
            continue
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        url = _n(f"{server}sparql?{urlencode({'query': query, 'format': 'turtle'})}")
        name = graph.rsplit("/graph/", 1)[-1]
        distribution = _n(f"{server}catalog#graph-{name.replace('/', '-')}")
        triples += [
            ox.Triple(dataset, _n(DCAT + "distribution"), distribution),
            *_distribution_common(
                distribution, f"Grafo {graph.rsplit('/graph/', 1)[-1]} (Turtle)", "text/turtle", "RDF_TURTLE"
            ),
            ox.Triple(distribution, _n(DCAT + "accessURL"), url),
            ox.Triple(distribution, _n(DCAT + "downloadURL"), url),
            ox.Triple(distribution, _n(DCAT + "accessService"), _n(f"{server}sparql")),
        ]
    return triples


def _controlled_values(triples: list[ox.Triple]) -> list[ox.Triple]:
    """The types and labels of the controlled values used, which the DCAT-AP shapes check."""
    typed: list[ox.Triple] = []
    by_property = {
        DCT + "language": DCT + "LinguisticSystem",
        DCT + "license": DCT + "LicenseDocument",
        DCT + "accrualPeriodicity": DCT + "Frequency",
        DCT + "spatial": DCT + "Location",
        DCAT + "mediaType": DCT + "MediaType",
        DCAT + "compressFormat": DCT + "MediaType",
        DCT + "format": DCT + "MediaTypeOrExtent",
        SPDX + "algorithm": SPDX + "ChecksumAlgorithm",
        FOAF + "homepage": FOAF + "Document",
    }
    seen: set[tuple[str, str]] = set()
    for t in triples:
        cls = by_property.get(t.predicate.value)
        if cls and isinstance(t.object, ox.NamedNode) and (t.object.value, cls) not in seen:
            seen.add((t.object.value, cls))
            typed.append(ox.Triple(t.object, TYPE, _n(cls)))
    scheme = _n(EU + "data-theme")
    typed += [
        ox.Triple(scheme, TYPE, _n(SKOS + "ConceptScheme")),
        ox.Triple(scheme, _n(DCT + "title"), _text("Data theme", "en")),
    ]
    for theme, (label_it, label_en) in THEMES.items():
        typed += [
            ox.Triple(_n(theme), TYPE, _n(SKOS + "Concept")),
            ox.Triple(_n(theme), _n(SKOS + "prefLabel"), _text(label_it, "it")),
            ox.Triple(_n(theme), _n(SKOS + "prefLabel"), _text(label_en, "en")),
            ox.Triple(_n(theme), _n(SKOS + "inScheme"), scheme),
        ]
    return typed
