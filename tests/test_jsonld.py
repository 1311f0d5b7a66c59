"""Compact JSON-LD: short, and read back by rdflib as the very triples it was made from."""

from __future__ import annotations

import json
import warnings

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from govlod.documents import describe
from govlod.jsonld import compact_jsonld
from govlod.namespaces import ID_SPACE, VOCABULARY, project_prefixes
from govlod.stores.embedded import EmbeddedReads
from govlod.terms import triples_to_graph

EX = "http://example.org/"
PREFIXES = {"ex": EX, "xsd": "http://www.w3.org/2001/XMLSchema#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}


def _read_back(body: bytes) -> rdflib.Graph:
    """The triples rdflib's own JSON-LD parser reads (it warns about rdflib's own deprecated calls)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return rdflib.Graph().parse(data=body, format="json-ld")


def test_iris_become_compact_iris_and_single_values_lose_their_array() -> None:
    a, label = ox.NamedNode(EX + "a"), ox.NamedNode(PREFIXES["rdfs"] + "label")
    document = json.loads(compact_jsonld([ox.Triple(a, label, ox.Literal("Tavolo"))], PREFIXES))
    assert document["@id"] == "ex:a"
    assert document["rdfs:label"] == "Tavolo"
    assert document["@context"] == PREFIXES


def test_types_languages_datatypes_and_blank_nodes_read_back_as_the_same_graph() -> None:
    a, b = ox.NamedNode(EX + "a"), ox.BlankNode("b1")
    triples = [
        ox.Triple(a, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(EX + "Table")),
        ox.Triple(a, ox.NamedNode(EX + "name"), ox.Literal("Tavolo", language="it")),
        ox.Triple(a, ox.NamedNode(EX + "name"), ox.Literal("Table", language="en")),
        ox.Triple(a, ox.NamedNode(EX + "seats"), ox.Literal("12", datatype=ox.NamedNode(PREFIXES["xsd"] + "integer"))),
        ox.Triple(a, ox.NamedNode(EX + "address"), b),
        ox.Triple(b, ox.NamedNode(EX + "town"), ox.NamedNode("http://other.example/novara")),
        # A local name that would read back as a different IRI stays a full IRI.
        ox.Triple(a, ox.NamedNode(EX + "see"), ox.NamedNode(EX + "//x")),
    ]
    body = compact_jsonld(triples, PREFIXES)
    document = json.loads(body)
    node = next(n for n in document["@graph"] if n["@id"] == "ex:a")
    assert node["@type"] == "ex:Table"
    assert node["ex:seats"] == {"@value": "12", "@type": "xsd:integer"}
    assert node["ex:see"] == {"@id": EX + "//x"}
    assert isomorphic(_read_back(body), triples_to_graph(triples))


@pytest.mark.parametrize(
    "resource",
    [ID_SPACE + "organization/coordinamento-enti-gestori-novara/tavolo-politico", VOCABULARY + "GovernanceTable"],
)
def test_documents_of_the_bundled_data_read_back_as_the_same_graph(bundled_store: ox.Store, resource: str) -> None:
    union = ox.Store()
    union.extend(ox.Quad(q.subject, q.predicate, q.object) for q in bundled_store)
    triples = describe(EmbeddedReads.over(union), "build", ox.NamedNode(resource))
    assert triples
    body = compact_jsonld(triples, project_prefixes("https://example.org/"))
    assert isomorphic(_read_back(body), triples_to_graph(triples))
