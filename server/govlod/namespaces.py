"""The IRI spaces of the project and the prefixes used in every serialisation and query page."""

from __future__ import annotations

from typing import Final

import pyoxigraph as ox

CANONICAL_BASE: Final = "https://w3id.org/govlod/"
"""Every IRI the project mints lives under this base; `--base-iri` rewrites it at build time."""

VOCABULARY: Final = CANONICAL_BASE + "ontology#"
ONTOLOGY_IRI: Final = CANONICAL_BASE + "ontology"
ID_SPACE: Final = CANONICAL_BASE + "id/"
GRAPH_SPACE: Final = CANONICAL_BASE + "graph/"

STANDARD_PREFIXES: Final[dict[str, str]] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "time": "http://www.w3.org/2006/time#",
    "schema": "https://schema.org/",
    "cv": "http://data.europa.eu/m8g/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "sh": "http://www.w3.org/ns/shacl#",
}

RDF_TYPE: Final = ox.NamedNode(STANDARD_PREFIXES["rdf"] + "type")
"""`rdf:type`, as a term: the one property every part of the build and server looks up."""


def project_prefixes(base: str = CANONICAL_BASE) -> dict[str, str]:
    """Prefixes for the project's own IRI spaces under `base`, followed by the standard ones."""
    own = {
        "gl": base + "ontology#",
        "id": base + "id/",
        "body": base + "id/organization/",
        "post": base + "id/post/",
        "concept": base + "id/concept/",
        "scheme": base + "id/scheme/",
        "graph": base + "graph/",
    }
    return {**own, **STANDARD_PREFIXES}


def rebase(iri: str, base: str) -> str:
    """Move an IRI from the canonical base to `base`; IRIs outside the project are unchanged."""
    if base != CANONICAL_BASE and iri.startswith(CANONICAL_BASE):
        return base + iri[len(CANONICAL_BASE) :]
    return iri
