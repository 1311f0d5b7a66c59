"""What a resource's document holds, read from the store: its own triples, the closure over its
blank nodes, the labels and types of the resources it points to, and the links pointing to it."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from govlod.sparql.reader import BuildReader

MAX_TRIPLES = 20_000
MAX_INCOMING = 500

_LABELS = "<http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel>"
_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


# ?r is the resource: bound by the reader to a checked IRI term (see govlod.sparql.reader).
DESCRIPTION = f"""
CONSTRUCT {{ ?r ?p ?o . ?b1 ?p1 ?o1 . ?b2 ?p2 ?o2 . ?b3 ?p3 ?o3 . ?o ?lp ?label . ?o {_TYPE} ?type .
            ?pp <http://www.w3.org/2000/01/rdf-schema#label> ?pl . }}
WHERE {{
  {{ ?r ?pp ?x . ?pp <http://www.w3.org/2000/01/rdf-schema#label> ?pl }}
  UNION
  {{ ?r ?p ?o .
     OPTIONAL {{ FILTER (isIRI(?o)) ?o ?lp ?label . FILTER (?lp IN ({_LABELS.replace("|", ", ")})) }}
     OPTIONAL {{ FILTER (isIRI(?o)) ?o {_TYPE} ?type }} }}
  UNION {{ ?r ?q1 ?b1 . FILTER (isBlank(?b1)) ?b1 ?p1 ?o1 }}
  UNION {{ ?r ?q1 ?b1 . ?b1 ?q2 ?b2 . FILTER (isBlank(?b1) && isBlank(?b2)) ?b2 ?p2 ?o2 }}
  UNION {{ ?r ?q1 ?b1 . ?b1 ?q2 ?b2 . ?b2 ?q3 ?b3 .
           FILTER (isBlank(?b1) && isBlank(?b2) && isBlank(?b3)) ?b3 ?p3 ?o3 }}
}}"""

INCOMING = f"""
SELECT DISTINCT ?s ?p ?label WHERE {{
  ?s ?p ?r . FILTER (isIRI(?s))
  OPTIONAL {{ ?s {_LABELS} ?label . FILTER (LANG(?label) = "it" || LANG(?label) = "") }}
}} ORDER BY ?p ?s LIMIT {MAX_INCOMING}"""


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

    @property
    def exists(self) -> bool:
        return any(isinstance(t.subject, ox.NamedNode) and t.subject.value == self.iri for t in self.triples)


def read_document(reader: BuildReader, build_id: str, iri: str, with_incoming: bool = False) -> Document:
    """The document of `iri` in the build (its `exists` is false when the store says nothing about it)."""
    try:
        subject = ox.NamedNode(iri)
    except ValueError:  # not an IRI (a space, a quote...): nothing in the store can be about it
        return Document(iri=iri, triples=[])
    triples = reader.construct(build_id, DESCRIPTION, {"r": subject}, MAX_TRIPLES)
    # The resource's own statements first, then the rest: serialisers group by subject in order.
    triples.sort(key=lambda t: (t.subject != subject, str(t.subject), str(t.predicate), str(t.object)))
    document = Document(iri=iri, triples=triples)
    if with_incoming and document.exists:
        for row in reader.select(build_id, INCOMING, {"r": subject}, MAX_INCOMING):
            source, predicate, label = row["s"], row["p"], row.get("label")
            assert isinstance(source, ox.NamedNode) and isinstance(predicate, ox.NamedNode)
            text = label.value if isinstance(label, ox.Literal) else None
            document.incoming.append(Link(source.value, predicate.value, text))
    return document
