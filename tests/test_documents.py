"""A resource's document, read by the embedded store's lookups or a remote store's queries, holds what
its SPARQL description holds."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pyoxigraph as ox
import pytest
from rdflib.compare import isomorphic

from govlod.documents import INCOMING_PAGE, TermNotes, describe, incoming_links, read_document
from govlod.namespaces import ID_SPACE, VOCABULARY
from govlod.stores.embedded import EmbeddedReads
from govlod.stores.interface import Reads
from govlod.terms import triples_to_graph

ReadsOf = Callable[[ox.Store], Reads]
BUILD = "build"  # the reads of one store answer for any build id

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


def test_every_resource_has_the_triples_of_its_sparql_description(default_graph: ox.Store, reads_of: ReadsOf) -> None:
    reads = reads_of(default_graph)
    resources = _resources(default_graph)
    assert len(resources) > 100
    for resource in resources:
        expected = default_graph.query(DESCRIPTION, substitutions={ox.Variable("r"): resource})
        assert isinstance(expected, ox.QueryTriples)
        expected_triples, found = list(expected), describe(reads, BUILD, resource)
        # A remote store names blank nodes its own way: the same graph, up to their names.
        assert isomorphic(triples_to_graph(found), triples_to_graph(expected_triples)), resource
        assert len(set(found)) == len(set(expected_triples)), resource


def test_blank_nodes_are_described_three_levels_down(reads_of: ReadsOf) -> None:
    store = ox.Store()
    resource, has = ox.NamedNode(ID_SPACE + "a"), ox.NamedNode(VOCABULARY + "has")
    chain = [ox.BlankNode() for _ in range(4)]
    store.add(ox.Quad(resource, has, chain[0]))
    for upper, lower in itertools.pairwise(chain):
        store.add(ox.Quad(upper, has, lower))
    for depth, node in enumerate(chain):
        store.add(ox.Quad(node, ox.NamedNode(VOCABULARY + "depth"), ox.Literal(str(depth))))
    found = describe(reads_of(store), BUILD, resource)
    depths = sorted(t.object.value for t in found if t.predicate == ox.NamedNode(VOCABULARY + "depth"))
    assert depths == ["0", "1", "2"]  # the fourth node is named, not described
    assert len(found) == 1 + 2 * 3


def test_the_resource_s_own_triples_come_first(default_graph: ox.Store, reads_of: ReadsOf) -> None:
    resource = ox.NamedNode(NOVARA + "/tavolo-politico")
    triples = describe(reads_of(default_graph), BUILD, resource)
    own = [t.subject == resource for t in triples]
    assert own[0] and own == sorted(own, reverse=True)


def test_incoming_links_are_paged_and_counted_by_property(reads_of: ReadsOf) -> None:
    store = ox.Store()
    target = ox.NamedNode(ID_SPACE + "law/1")
    cites, label = ox.NamedNode(VOCABULARY + "legalBasis"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    total = INCOMING_PAGE + 30
    for n in range(total):
        source = ox.NamedNode(f"{ID_SPACE}table/{n:04d}")
        store.add(ox.Quad(source, cites, target))
        store.add(ox.Quad(source, label, ox.Literal(f"Tavolo {n}", language="it")))
    store.add(ox.Quad(ox.BlankNode(), cites, target))  # no page to link to: not listed
    reads = reads_of(store)
    notes = TermNotes(reads, BUILD)
    first, counts = incoming_links(reads, BUILD, target, 0, notes)
    second, _ = incoming_links(reads, BUILD, target, INCOMING_PAGE, notes)
    assert counts == {cites.value: total}
    assert len(first) == INCOMING_PAGE and len(second) == 30
    assert first[0].source.endswith("/0000") and first[0].label == "Tavolo 0"
    assert {link.source for link in first}.isdisjoint(link.source for link in second)


def test_remembered_labels_and_types_give_the_same_documents(default_graph: ox.Store) -> None:
    reads = EmbeddedReads.over(default_graph)
    notes = TermNotes(reads, BUILD, size=3)  # tiny: remembered terms are also forgotten again
    for resource in _resources(default_graph)[:150]:
        assert describe(reads, BUILD, resource, notes) == describe(reads, BUILD, resource)
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
    reads = EmbeddedReads.over(store)
    notes = TermNotes(reads, BUILD)
    for subject in (resource, other, resource):
        assert describe(reads, BUILD, subject, notes) == describe(reads, BUILD, subject)


def test_a_document_as_rdf_carries_the_links_pointing_to_its_resource(
    default_graph: ox.Store,
) -> None:
    # Seats point at their table, and nothing points back: the table's document must name them.
    table = f"{NOVARA}/tavolo-politico"
    document = read_document(EmbeddedReads.over(default_graph), BUILD, table, with_incoming=True)
    post_in = ox.NamedNode("http://www.w3.org/ns/org#postIn")
    seats = {q.subject for q in default_graph.quads_for_pattern(None, post_in, ox.NamedNode(table))}
    linked = document.with_links()
    assert len(seats) == 15
    assert {t.subject for t in linked if t.predicate == post_in and t.object == ox.NamedNode(table)} == seats
    assert len(linked) == len(set(linked))  # a link that is also the description's is not said twice
    assert not document.more_links


def test_a_document_with_more_links_than_a_page_says_so_and_its_pages_hold_them_all() -> None:
    store = ox.Store()
    target = ox.NamedNode(ID_SPACE + "law/1")
    cites = ox.NamedNode(VOCABULARY + "legalBasis")
    store.add(ox.Quad(target, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("Legge")))
    for n in range(INCOMING_PAGE + 5):
        store.add(ox.Quad(ox.NamedNode(f"{ID_SPACE}table/{n:04d}"), cites, target))
    reads = EmbeddedReads.over(store)
    pages = [read_document(reads, BUILD, target.value, True, offset) for offset in (0, INCOMING_PAGE)]
    links = [{t.subject for t in page.with_links() if t.predicate == cites} for page in pages]
    assert [page.more_links for page in pages] == [True, False]
    assert len(links[0]) == INCOMING_PAGE and len(links[1]) == 5 and links[0].isdisjoint(links[1])
