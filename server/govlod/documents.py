"""What a resource's document holds, read from the store: its own triples, the closure over its
blank nodes, the labels and types of the resources it points to, and the links pointing to it.

The lookups go through the store seam (govlod.stores.interface.Reads). On the embedded store each
is one of Oxigraph's quad patterns: a page of a million-triple store costs a tenth of a millisecond
where the equivalent CONSTRUCT took ten times that (planning and evaluating its UNIONs). On a remote
store each is one query, and the labels of all the resources a document links to are one query.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from govlod.namespaces import RDF_TYPE
from govlod.stores.interface import Reads

MAX_TRIPLES = 20_000
INCOMING_PAGE = 100  # links pointing to the resource shown on one page
BLANK_DEPTH = 3  # blank nodes described in a document: the resource's, theirs, and theirs

RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SKOS_PREF_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
LABEL_PREDICATES = (RDFS_LABEL, SKOS_PREF_LABEL)
TARGET_PREDICATES = (*LABEL_PREDICATES, RDF_TYPE)  # what a document tells of the resources it links to
PREDICATE_PREDICATES = (RDFS_LABEL,)  # and of the properties it uses
NOTES_SIZE = 200_000  # resources whose labels and types a server remembers (a few hundred bytes each)


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

    @property
    def more_links(self) -> bool:
        """Whether links to the resource lie beyond this page of them."""
        return self.incoming_total > self.incoming_offset + INCOMING_PAGE

    def with_links(self) -> list[ox.Triple]:
        """The document as RDF: the resource's description, then this page of the links pointing to
        it, so that a client following links reaches the structure around the resource (a table's
        seats, a body's units, a post's memberships), as a page does."""
        resource = ox.NamedNode(self.iri)
        links = (ox.Triple(ox.NamedNode(link.source), ox.NamedNode(link.predicate), resource) for link in self.incoming)
        linked = list(dict.fromkeys([*self.triples, *links]))
        # Each subject's triples together (a source may also be a resource the description names),
        # the resource's own first; the sort is stable, so each subject keeps its order.
        linked.sort(key=lambda t: (t.subject != resource, _text(t.subject)))
        return linked


class TermNotes:
    """The labels and types of resources that documents point to, remembered for one build.

    Most of a document's lookups are about what it links to, and what it links to recurs: the
    tables, roles and bodies of thousands of seats and memberships, the same few properties.
    """

    def __init__(self, reads: Reads, build_id: str, size: int = NOTES_SIZE):
        self._reads = reads
        self._build_id = build_id
        self._size = size
        # Keyed by what was asked too: a property is also the object of a few triples (the vocabulary's).
        self._notes: OrderedDict[tuple[ox.NamedNode, tuple[ox.NamedNode, ...]], tuple[ox.Triple, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def about(
        self, terms: Sequence[ox.NamedNode], predicates: tuple[ox.NamedNode, ...]
    ) -> dict[ox.NamedNode, tuple[ox.Triple, ...]]:
        """The triples of each of `terms` with one of `predicates`; those not remembered are read at once."""
        known: dict[ox.NamedNode, tuple[ox.Triple, ...]] = {}
        with self._lock:
            for term in terms:
                found = self._notes.get((term, predicates))
                if found is not None:
                    self._notes.move_to_end((term, predicates))
                    known[term] = found
        missing = [term for term in terms if term not in known]
        if missing:
            read = self._reads.about(self._build_id, missing, predicates)
            with self._lock:
                for term in missing:
                    known[term] = self._notes[(term, predicates)] = tuple(read.get(term, ()))
                while len(self._notes) > self._size:
                    self._notes.popitem(last=False)
        return known


def describe(reads: Reads, build_id: str, subject: ox.NamedNode, notes: TermNotes | None = None) -> list[ox.Triple]:
    """The resource's triples, its blank nodes' (three levels down), and the labels and types of
    the resources and properties it uses, the resource's own triples first."""
    notes = notes or TermNotes(reads, build_id)
    found: dict[ox.Triple, None] = dict.fromkeys(reads.closure(build_id, subject, BLANK_DEPTH, MAX_TRIPLES))
    own = [t for t in found if t.subject == subject]
    targets = list(dict.fromkeys(t.object for t in own if isinstance(t.object, ox.NamedNode)))
    for about_target in notes.about(targets, TARGET_PREDICATES).values():
        if len(found) >= MAX_TRIPLES:
            break
        found.update(dict.fromkeys(about_target))
    for about_property in notes.about(list(dict.fromkeys(t.predicate for t in own)), PREDICATE_PREDICATES).values():
        found.update(dict.fromkeys(about_property))
    triples = list(found)[:MAX_TRIPLES]
    # The resource's own statements first, then the rest: serialisers group by subject in order.
    triples.sort(key=lambda t: (t.subject != subject, _text(t.subject), t.predicate.value, _text(t.object)))
    return triples


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """A term's value to order by (a triple term, which has none, by its N-Triples form)."""
    return str(term) if isinstance(term, ox.Triple) else term.value


def _label(triples: Sequence[ox.Triple]) -> str | None:
    """The Italian label among a resource's label triples, else one with no language."""
    plain = None
    for triple in triples:
        label = triple.object
        if isinstance(label, ox.Literal):
            if label.language == "it":
                return label.value
            if label.language is None and plain is None:
                plain = label.value
    return plain


def incoming_links(
    reads: Reads, build_id: str, resource: ox.NamedNode, offset: int, notes: TermNotes, labelled: bool = True
) -> tuple[list[Link], dict[str, int]]:
    """One page of the resources linking to `resource`, by property then IRI, and their counts;
    with their labels when `labelled` (a page shows them; an RDF client follows the links)."""
    pairs = sorted(reads.links_to(build_id, resource))
    counts = Counter(predicate for predicate, _ in pairs)
    shown = pairs[offset : offset + INCOMING_PAGE]
    labels = {}
    if labelled:
        labels = notes.about(list(dict.fromkeys(ox.NamedNode(source) for _, source in shown)), LABEL_PREDICATES)
    page = [Link(source, predicate, _label(labels.get(ox.NamedNode(source), ()))) for predicate, source in shown]
    return page, dict(sorted(counts.items()))


def read_document(
    reads: Reads,
    build_id: str,
    iri: str,
    with_incoming: bool = False,
    incoming_offset: int = 0,
    labelled_links: bool = True,
) -> Document:
    """The document of `iri` in the build (its `exists` is false when the store says nothing about it)."""
    try:
        subject = ox.NamedNode(iri)
    except ValueError:  # not an IRI (a space, a quote...): nothing in the store can be about it
        return Document(iri=iri, triples=[])
    notes = reads.keep(build_id, "term-notes", lambda: TermNotes(reads, build_id))
    document = Document(iri=iri, triples=describe(reads, build_id, subject, notes), incoming_offset=incoming_offset)
    if with_incoming and document.exists:
        page = incoming_links(reads, build_id, subject, max(incoming_offset, 0), notes, labelled_links)
        document.incoming, document.incoming_counts = page
    return document
