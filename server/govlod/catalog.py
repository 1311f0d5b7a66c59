"""The DCAT-AP_IT catalog: the editable metadata in data/catalog.ttl, completed with what the build
knows (dates, distributions with sizes and checksums, the SPARQL data service) and with the types
of the controlled values it uses, so that the official DCAT-AP 3 shapes and AgID's DCAT-AP_IT
rules find everything they check."""

from __future__ import annotations

from urllib.parse import urlencode

import pyoxigraph as ox

from govlod.sparql.worker import QueryJob
from govlod.store import BuildInfo
from govlod.stores.interface import Queries

DCAT = "http://www.w3.org/ns/dcat#"
DCATAPIT = "http://dati.gov.it/onto/dcatapit#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SPDX = "http://spdx.org/rdf/terms#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
XSD = "http://www.w3.org/2001/XMLSchema#"
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
VCARD = "http://www.w3.org/2006/vcard/ns#"

LICENCE = EU + "licence/CC_BY_4_0"
LICENCE_NAMES = ("Creative Commons Attribuzione 4.0 Internazionale", "Creative Commons Attribution 4.0 International")
# CKAN (ckanext-dcat) resolves a distribution's licence by comparing its IRI with the URLs of CKAN's
# licence register, or else its dct:title with the register's titles; the EU authority IRI is no
# register URL, so the title is what lets a stock CKAN recognise the licence: the name the register
# gives CC BY ("cc-by"), with the version stated apart, as DCAT-AP_IT does (owl:versionInfo).
LICENCE_TITLE = "Creative Commons Attribution"
LICENCE_VERSION = "4.0"
LICENCE_PAGE = "https://creativecommons.org/licenses/by/4.0/"
# The ADMS licence type DCAT-AP_IT asks for (dct:type of a licence document).
LICENCE_TYPE = ("http://purl.org/adms/licencetype/Attribution", "Attribuzione", "Attribution")
LANGUAGE = EU + "language/ITA"
FREQUENCY = EU + "frequency/IRREG"
THEMES = {
    EU + "data-theme/SOCI": ("Popolazione e società", "Population and society"),
    EU + "data-theme/GOVE": ("Governo e settore pubblico", "Government and public sector"),
}
# The sub-theme (dct:subject) of each theme: the EuroVoc micro-thesaurus that the national mapping of
# data themes to EuroVoc assigns to it and that fits social-services governance.
SUBJECTS = {
    EU + "data-theme/SOCI": ("http://eurovoc.europa.eu/100214", "protezione sociale", "social protection"),
    EU + "data-theme/GOVE": (
        "http://eurovoc.europa.eu/100169",
        "potere esecutivo e amministrazione pubblica",
        "executive power and public service",
    ),
}
# Identifiers of an agent, best first.
IDENTIFIERS = ("ipaCode", "partitaIVA", "codiceFiscale")
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


async def catalog_triples(queries: Queries, info: BuildInfo, server: str) -> list[ox.Triple]:
    body, _ = await queries.collect(QueryJob(query=metadata_query(), format="ntriples", max_rows=100_000))
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
    triples += _agents(triples, info.base_iri + "ontology#")

    for dataset in datasets:
        d = _n(dataset)
        dataset_facts: list[tuple[str, ox.NamedNode | ox.Literal]] = [
            (DCT + "modified", modified),
            (DCT + "language", _n(LANGUAGE)),
            (DCT + "accrualPeriodicity", _n(FREQUENCY)),
            *((DCAT + "theme", _n(theme)) for theme in THEMES),
            *((DCT + "subject", _n(subject)) for subject, _, _ in SUBJECTS.values()),
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
    triples = _contact_points(triples, info.base_iri + "ontology#")
    # The data may already state what the catalog adds (a type, a name): each statement once.
    return list(dict.fromkeys(triples + _controlled_values(triples)))


def _agents(triples: list[ox.Triple], vocabulary: str) -> list[ox.Triple]:
    """Publishers and rights holders as DCAT-AP_IT agents, with the name and the one identifier it asks for."""
    agents = sorted(
        {
            t.object.value
            for t in triples
            if t.predicate in (_n(DCT + "publisher"), _n(DCT + "rightsHolder")) and isinstance(t.object, ox.NamedNode)
        }
    )
    added: list[ox.Triple] = []
    for agent in agents:
        a = _n(agent)
        facts = [t for t in triples if t.subject == a]
        added += [ox.Triple(a, TYPE, _n(FOAF + "Agent")), ox.Triple(a, TYPE, _n(DCATAPIT + "Agent"))]
        if not any(t.predicate == _n(FOAF + "name") for t in facts):
            added += [ox.Triple(a, _n(FOAF + "name"), t.object) for t in facts if t.predicate == _n(RDFS_LABEL)]
        if any(t.predicate == _n(DCT + "identifier") for t in facts):
            continue
        # The IPA code identifies a public administration in Italy; the VAT number any other body.
        codes = {t.predicate.value: t.object for t in facts if isinstance(t.object, ox.Literal)}
        found = next((codes[vocabulary + name] for name in IDENTIFIERS if vocabulary + name in codes), None)
        added.append(ox.Triple(a, _n(DCT + "identifier"), found or _text(agent)))
    return added


def _contact_points(triples: list[ox.Triple], vocabulary: str) -> list[ox.Triple]:
    """Contact points as DCAT-AP_IT describes them: a dcatapit:Organization with an e-mail address and
    at most one telephone, the office's own number rather than a fax."""
    points = {t.object for t in triples if t.predicate == _n(DCAT + "contactPoint")}
    has_telephone, has_email = _n(VCARD + "hasTelephone"), _n(VCARD + "hasEmail")
    voice = {t.subject for t in triples if t.predicate == TYPE and t.object == _n(VCARD + "Voice")}
    dropped: set[ox.Triple] = set()
    added: list[ox.Triple] = []
    for point in sorted((p for p in points if isinstance(p, ox.NamedNode)), key=str):
        facts = [t for t in triples if t.subject == point]
        added.append(ox.Triple(point, TYPE, _n(DCATAPIT + "Organization")))
        phones: list[ox.NamedNode | ox.BlankNode] = sorted(
            (
                t.object
                for t in facts
                if t.predicate == has_telephone and isinstance(t.object, ox.NamedNode | ox.BlankNode)
            ),
            key=str,
        )
        if phones:
            kept = next((phone for phone in phones if phone in voice), phones[0])
            dropped |= {t for t in facts if t.predicate == has_telephone and t.object != kept}
            # vCard's telephone kinds (Voice, Fax, …) are subclasses of TelephoneType, the class DCAT-AP_IT names.
            added.append(ox.Triple(kept, TYPE, _n(VCARD + "TelephoneType")))
        if not any(t.predicate == has_email for t in facts):
            # A body that publishes only its certified address (PEC) is reached there.
            added += [ox.Triple(point, has_email, t.object) for t in facts if t.predicate == _n(vocabulary + "pec")]
    kept_triples = [t for t in triples if t not in dropped]
    still_used = {t.object for t in kept_triples}
    orphans = {t.object for t in dropped} - still_used
    return [t for t in kept_triples if t.subject not in orphans] + added


def _distribution_common(
    distribution: ox.NamedNode, title: str, description: tuple[str, str], media: str, file_type: str
) -> list[ox.Triple]:
    return [
        ox.Triple(distribution, TYPE, _n(DCAT + "Distribution")),
        ox.Triple(distribution, TYPE, _n(DCATAPIT + "Distribution")),
        ox.Triple(distribution, _n(DCT + "title"), _text(title, "it")),
        ox.Triple(distribution, _n(DCT + "description"), _text(description[0], "it")),
        ox.Triple(distribution, _n(DCT + "description"), _text(description[1], "en")),
        ox.Triple(distribution, _n(DCAT + "mediaType"), _n(IANA + media)),
        ox.Triple(distribution, _n(DCT + "format"), _n(EU + "file-type/" + file_type)),
        ox.Triple(distribution, _n(DCT + "license"), _n(LICENCE)),
    ]


def _dump_distribution(dataset: ox.NamedNode, dump: dict[str, object], server: str) -> list[ox.Triple]:
    url = _n(f"{server}dumps/{dump['name']}")
    distribution = _n(f"{server}catalog#dump-{dump['name']}")
    checksum = _n(f"{server}catalog#checksum-{dump['name']}")
    media = str(dump["media_type"])
    packed = " compresso con gzip" if dump["compressed"] else ""
    description = (
        f"Tutti i dati del progetto in un solo file {media}{packed}, come caricati nell'ultima build.",
        f"All the project's data in one {media} file{' compressed with gzip' if packed else ''}, "
        "as loaded by the latest build.",
    )
    triples = [
        ox.Triple(dataset, _n(DCAT + "distribution"), distribution),
        *_distribution_common(distribution, f"Dump {media}", description, media, FILE_TYPES[str(dump["format"])]),
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
        description = (
            f"Le triple del file sorgente {name}.ttl, in Turtle, lette dall'endpoint SPARQL.",
            f"The triples of the source file {name}.ttl, in Turtle, read from the SPARQL endpoint.",
        )
        triples += [
            ox.Triple(dataset, _n(DCAT + "distribution"), distribution),
            *_distribution_common(distribution, f"Grafo {name} (Turtle)", description, "text/turtle", "RDF_TURTLE"),
            ox.Triple(distribution, _n(DCAT + "accessURL"), url),
            ox.Triple(distribution, _n(DCAT + "downloadURL"), url),
            ox.Triple(distribution, _n(DCAT + "accessService"), _n(f"{server}sparql")),
        ]
    return triples


def _controlled_values(triples: list[ox.Triple]) -> list[ox.Triple]:
    """The types and labels of the controlled values used, which the DCAT-AP shapes and the
    DCAT-AP_IT rules check: each value gets the DCAT-AP 3 class and, where DCAT-AP_IT names its
    own (licences) or a superclass (media types), that one too."""
    typed: list[ox.Triple] = []
    by_property = {
        DCT + "language": (DCT + "LinguisticSystem",),
        DCT + "license": (DCT + "LicenseDocument", DCATAPIT + "LicenseDocument"),
        DCT + "accrualPeriodicity": (DCT + "Frequency",),
        DCT + "spatial": (DCT + "Location",),
        DCAT + "mediaType": (DCT + "MediaType", DCT + "MediaTypeOrExtent"),
        DCAT + "compressFormat": (DCT + "MediaType", DCT + "MediaTypeOrExtent"),
        DCT + "format": (DCT + "MediaTypeOrExtent",),
        SPDX + "algorithm": (SPDX + "ChecksumAlgorithm",),
        FOAF + "homepage": (FOAF + "Document",),
    }
    seen: set[tuple[str, str]] = set()
    for t in triples:
        for cls in by_property.get(t.predicate.value, ()):
            if isinstance(t.object, ox.NamedNode) and (t.object.value, cls) not in seen:
                seen.add((t.object.value, cls))
                typed.append(ox.Triple(t.object, TYPE, _n(cls)))
    if (LICENCE, DCT + "LicenseDocument") in seen:
        typed += _licence()
    scheme = _n(EU + "data-theme")
    typed += [
        ox.Triple(scheme, TYPE, _n(SKOS + "ConceptScheme")),
        ox.Triple(scheme, _n(DCT + "title"), _text("Data theme", "en")),
    ]
    for theme, (label_it, label_en) in THEMES.items():
        typed += [*_concept(theme, label_it, label_en), ox.Triple(_n(theme), _n(SKOS + "inScheme"), scheme)]
    for subject, label_it, label_en in SUBJECTS.values():
        typed += _concept(subject, label_it, label_en)
    return typed


def _licence() -> list[ox.Triple]:
    """The licence as DCAT-AP_IT describes it (names, version, type) and as CKAN recognises it (title)."""
    licence, (kind, kind_it, kind_en), page = _n(LICENCE), LICENCE_TYPE, _n(LICENCE_PAGE)
    return [
        ox.Triple(licence, _n(FOAF + "name"), _text(LICENCE_NAMES[0], "it")),
        ox.Triple(licence, _n(FOAF + "name"), _text(LICENCE_NAMES[1], "en")),
        # One title only: ckanext-dcat reads the one in CKAN's default language or else the first, so a
        # second title in another language could be the one compared on a portal set to that language.
        ox.Triple(licence, _n(DCT + "title"), _text(LICENCE_TITLE, "en")),
        ox.Triple(licence, _n(OWL + "versionInfo"), _text(LICENCE_VERSION)),
        ox.Triple(licence, _n(FOAF + "homepage"), page),
        ox.Triple(page, TYPE, _n(FOAF + "Document")),
        ox.Triple(licence, _n(DCT + "type"), _n(kind)),
        *_concept(kind, kind_it, kind_en),
    ]


def _concept(iri: str, label_it: str, label_en: str) -> list[ox.Triple]:
    return [
        ox.Triple(_n(iri), TYPE, _n(SKOS + "Concept")),
        ox.Triple(_n(iri), _n(SKOS + "prefLabel"), _text(label_it, "it")),
        ox.Triple(_n(iri), _n(SKOS + "prefLabel"), _text(label_en, "en")),
    ]
