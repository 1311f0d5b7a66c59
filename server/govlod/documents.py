"""What a resource's document holds, read from the store: its own triples, the closure over its
blank nodes, the labels and types of the resources it points to, and the links pointing to it.

A document is a handful of index lookups, not a query: the resource is a term, each lookup is one
of Oxigraph's quad patterns, and a page of a million-triple store costs a tenth of a millisecond
where the equivalent CONSTRUCT took ten times that (planning and evaluating its UNIONs).
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from govlod.namespaces import RDF_TYPE
from govlod.sparql.reader import BuildReader

MAX_TRIPLES = 20_000
INCOMING_PAGE = 100  # links pointing to the resource shown on one page
BLANK_DEPTH = 3  # blank nodes described in a document: the resource's, theirs, and theirs

RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SKOS_PREF_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
LABEL_PREDICATES = (RDFS_LABEL, SKOS_PREF_LABEL)
TARGET_PREDICATES = (*LABEL_PREDICATES, RDF_TYPE)  # what a document tells of the resources it links to
PREDICATE_PREDICATES = (RDFS_LABEL,)  # and of the properties it uses
NOTES_SIZE = 200_000  # resources whose labels and types a server remembers (a few hundred bytes each)
DEFAULT_GRAPH = ox.DefaultGraph()


@dataclass(frozen=True)
class Link:
    """A resource pointing to the document's resource, with its label when it has one."""

    source: str
    predicate: str
    label: str | None


@dataclass
class Document:
    iri: str
    triples: list[ox.Triple]
    incoming: list[Link] = field(default_factory=list)
    # Every link pointing to the resource, counted by property (not only the page shown).
    incoming_counts: dict[str, int] = field(default_factory=dict)
    incoming_offset: int = 0

    @property
    def exists(self) -> bool:
        return any(isinstance(t.subject, ox.NamedNode) and t.subject.value == self.iri for t in self.triples)

    @property
    def incoming_total(self) -> int:
        return sum(self.incoming_counts.values())


def _triples(
    store: ox.Store, subject: ox.NamedNode | ox.BlankNode, predicate: ox.NamedNode | None = None
) -> Iterator[ox.Triple]:
    return (
        ox.Triple(q.subject, q.predicate, q.object)
        for q in store.quads_for_pattern(subject, predicate, None, DEFAULT_GRAPH)
    )


class TermNotes:
    """The labels and types of resources that documents point to, remembered for one build.

    Most of a document's lookups are about what it links to, and what it links to recurs: the
    tables, roles and bodies of thousands of seats and memberships, the same few properties.
    """

    def __init__(self, store: ox.Store, size: int = NOTES_SIZE):
        self._store = store
        self._size = size
        # Keyed by what was asked too: a property is also the object of a few triples (the vocabulary's).
        self._notes: OrderedDict[tuple[ox.NamedNode, tuple[ox.NamedNode, ...]], tuple[ox.Triple, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def about(self, term: ox.NamedNode, predicates: tuple[ox.NamedNode, ...]) -> tuple[ox.Triple, ...]:
        """The triples of `term` with one of `predicates`."""
        key = (term, predicates)
        with self._lock:
            found = self._notes.get(key)
            if found is not None:
                self._notes.move_to_end(key)
                return found
        found = tuple(t for predicate in predicates for t in _triples(self._store, term, predicate))
        with self._lock:
            self._notes[key] = found
            if len(self._notes) > self._size:
                self._notes.popitem(last=False)
        return found


def describe(store: ox.Store, subject: ox.NamedNode, notes: TermNotes | None = None) -> list[ox.Triple]:
    """The resource's triples, its blank nodes' (three levels down), and the labels and types of
    the resources and properties it uses, the resource's own triples first."""
    notes = notes or TermNotes(store)
    own = list(_triples(store, subject))
    found: dict[ox.Triple, None] = dict.fromkeys(own)
    frontier = [t.object for t in own if isinstance(t.object, ox.BlankNode)]
    described: set[ox.BlankNode] = set()
    for _ in range(BLANK_DEPTH):
        deeper: list[ox.BlankNode] = []
        for node in frontier:
            if node in described or len(found) >= MAX_TRIPLES:
                continue
            described.add(node)
            for triple in _triples(store, node):
                found[triple] = None
                if isinstance(triple.object, ox.BlankNode):
                    deeper.append(triple.object)
        frontier = deeper
    for target in dict.fromkeys(t.object for t in own if isinstance(t.object, ox.NamedNode)):
        if len(found) >= MAX_TRIPLES:
            break
        found.update(dict.fromkeys(notes.about(target, TARGET_PREDICATES)))
    for used in dict.fromkeys(t.predicate for t in own):
        found.update(dict.fromkeys(notes.about(used, PREDICATE_PREDICATES)))
    triples = list(found)[:MAX_TRIPLES]
    # The resource's own statements first, then the rest: serialisers group by subject in order.
    triples.sort(key=lambda t: (t.subject != subject, str(t.subject), str(t.predicate), str(t.object)))
    return triples


def _label(store: ox.Store, resource: ox.NamedNode) -> str | None:
    """The Italian label of a resource, else one with no language."""
    plain = None
    for predicate in LABEL_PREDICATES:
        for quad in store.quads_for_pattern(resource, predicate, None, DEFAULT_GRAPH):
            label = quad.object
            if isinstance(label, ox.Literal):
                if label.language == "it":
                    return label.value
                if label.language is None and plain is None:
                    plain = label.value
    return plain


def incoming_links(store: ox.Store, resource: ox.NamedNode, offset: int) -> tuple[list[Link], dict[str, int]]:
    """One page of the resources linking to `resource`, by property then IRI, and their counts."""
    pairs = sorted(
        {
            (q.predicate.value, q.subject.value)
            for q in store.quads_for_pattern(None, None, resource, DEFAULT_GRAPH)
            if isinstance(q.subject, ox.NamedNode)
        }
    )
    counts = Counter(predicate for predicate, _ in pairs)
    page = [
        Link(source, predicate, _label(store, ox.NamedNode(source)))
        for predicate, source in pairs[offset : offset + INCOMING_PAGE]
    ]
    return page, dict(sorted(counts.items()))


def read_document(
    reader: BuildReader, build_id: str, iri: str, with_incoming: bool = False, incoming_offset: int = 0
) -> Document:
    """The document of `iri` in the build (its `exists` is false when the store says nothing about it)."""
    try:
        subject = ox.NamedNode(iri)
    except ValueError:  # not an IRI (a space, a quote...): nothing in the store can be about it
        return Document(iri=iri, triples=[])
    store = reader.store(build_id)
    notes = reader.keep(build_id, "term-notes", lambda: TermNotes(store))
    document = Document(iri=iri, triples=describe(store, subject, notes), incoming_offset=incoming_offset)
    if with_incoming and document.exists:
        document.incoming, document.incoming_counts = incoming_links(store, subject, max(incoming_offset, 0))
    return document
