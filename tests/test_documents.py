"""A resource's document, read by index lookups, holds what its SPARQL description holds."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from govlod.documents import INCOMING_PAGE, TermNotes, describe, incoming_links
from govlod.namespaces import ID_SPACE, VOCABULARY

_LABELS = "<http://www.w3.org/2000/01/rdf-schema#label>, <http://www.w3.org/2004/02/skos/core#prefLabel>"
_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"

# What a document is, said in SPARQL: the reference the lookups are checked against.
DESCRIPTION = f"""
CONSTRUCT {{ ?r ?p ?o . ?b1 ?p1 ?o1 . ?b2 ?p2 ?o2 . ?b3 ?p3 ?o3 . ?o ?lp ?label . ?o {_TYPE} ?type .
            ?pp <http://www.w3.org/2000/01/rdf-schema#label> ?pl . }}
WHERE {{
  {{ ?r ?pp ?x . ?pp <http://www.w3.org/2000/01/rdf-schema#label> ?pl }}
  UNION
  {{ ?r ?p ?o .
     OPTIONAL {{ FILTER (isIRI(?o)) ?o ?lp ?label . FILTER (?lp IN ({_LABELS})) }}
     OPTIONAL {{ FILTER (isIRI(?o)) ?o {_TYPE} ?type }} }}
  UNION {{ ?r ?q1 ?b1 . FILTER (isBlank(?b1)) ?b1 ?p1 ?o1 }}
  UNION {{ ?r ?q1 ?b1 . ?b1 ?q2 ?b2 . FILTER (isBlank(?b1) && isBlank(?b2)) ?b2 ?p2 ?o2 }}
  UNION {{ ?r ?q1 ?b1 . ?b1 ?q2 ?b2 . ?b2 ?q3 ?b3 .
           FILTER (isBlank(?b1) && isBlank(?b2) && isBlank(?b3)) ?b3 ?p3 ?o3 }}
}}"""

NOVARA = ID_SPACE + "organization/coordinamento-enti-gestori-novara"


@pytest.fixture(scope="module")
def default_graph(bundled_default_graph: ox.Store) -> ox.Store:
    return bundled_default_graph


def _resources(store: ox.Store) -> list[ox.NamedNode]:
    subjects = {q.subject for q in store if isinstance(q.subject, ox.NamedNode)}
    return sorted(subjects, key=str)


def test_every_resource_has_the_triples_of_its_sparql_description(default_graph: ox.Store) -> None:
    resources = _resources(default_graph)
    assert len(resources) > 100
    for resource in resources:
        expected = default_graph.query(DESCRIPTION, substitutions={ox.Variable("r"): resource})
        assert isinstance(expected, ox.QueryTriples)
        assert set(describe(default_graph, resource)) == set(expected), resource


def test_the_resource_s_own_triples_come_first(default_graph: ox.Store) -> None:
    resource = ox.NamedNode(NOVARA + "/tavolo-politico")
    triples = describe(default_graph, resource)
    own = [t.subject == resource for t in triples]
    assert own[0] and own == sorted(own, reverse=True)


def test_incoming_links_are_paged_and_counted_by_property(default_graph: ox.Store) -> None:
    store = ox.Store()
    target = ox.NamedNode(ID_SPACE + "law/1")
    cites, label = ox.NamedNode(VOCABULARY + "legalBasis"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    total = INCOMING_PAGE + 30
    for n in range(total):
        source = ox.NamedNode(f"{ID_SPACE}table/{n:04d}")
        store.add(ox.Quad(source, cites, target))
        store.add(ox.Quad(source, label, ox.Literal(f"Tavolo {n}", language="it")))
    store.add(ox.Quad(ox.BlankNode(), cites, target))  # no page to link to: not listed
    first, counts = incoming_links(store, target, 0)
    second, _ = incoming_links(store, target, INCOMING_PAGE)
    assert counts == {cites.value: total}
    assert len(first) == INCOMING_PAGE and len(second) == 30
    assert first[0].source.endswith("/0000") and first[0].label == "Tavolo 0"
    assert {link.source for link in first}.isdisjoint(link.source for link in second)


def test_remembered_labels_and_types_give_the_same_documents(default_graph: ox.Store) -> None:
    notes = TermNotes(default_graph, size=3)  # tiny: remembered terms are also forgotten again
    for resource in _resources(default_graph)[:150]:
        assert describe(default_graph, resource, notes) == describe(default_graph, resource)
    assert len(notes._notes) == 3


def test_a_property_that_is_also_linked_to_is_remembered_for_each_use() -> None:
    store = ox.Store()
    resource, other = ox.NamedNode(ID_SPACE + "a"), ox.NamedNode(ID_SPACE + "b")
    prop = ox.NamedNode(VOCABULARY + "partOf")
    rdfs_label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    store.add(ox.Quad(resource, ox.NamedNode(VOCABULARY + "seeAlso"), prop))  # the property as an object
    store.add(ox.Quad(other, prop, resource))  # and as a predicate
    store.add(ox.Quad(prop, rdfs_label, ox.Literal("fa parte di", language="it")))
    store.add(ox.Quad(prop, rdf_type, ox.NamedNode("http://www.w3.org/2002/07/owl#ObjectProperty")))
    notes = TermNotes(store)
    for subject in (resource, other, resource):
        assert describe(store, subject, notes) == describe(store, subject)
