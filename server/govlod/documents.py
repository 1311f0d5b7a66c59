"""What a resource's document holds, read from the store: its own triples, the closure over its
blank nodes, the labels and types of the resources it points to, and the links pointing to it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from govlod.sparql.executor import QueryExecutor
from govlod.sparql.worker import QueryJob

MAX_TRIPLES = 20_000
MAX_INCOMING = 500

_LABELS = "<http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel>"
_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def description_query(iri: str) -> str:
    """CONSTRUCT of the document of `iri`; blank nodes are followed three levels deep."""
    r = f"<{iri}>"
    return f"""
CONSTRUCT {{ {r} ?p ?o . ?b1 ?p1 ?o1 . ?b2 ?p2 ?o2 . ?b3 ?p3 ?o3 . ?o ?lp ?label . ?o {_TYPE} ?type .
            ?pp <http://www.w3.org/2000/01/rdf-schema#label> ?pl . }}
WHERE {{
  {{ {r} ?pp ?x . ?pp <http://www.w3.org/2000/01/rdf-schema#label> ?pl }}
  UNION
  {{ {r} ?p ?o .
     OPTIONAL {{ FILTER (isIRI(?o)) ?o ?lp ?label . FILTER (?lp IN ({_LABELS.replace("|", ", ")})) }}
     OPTIONAL {{ FILTER (isIRI(?o)) ?o {_TYPE} ?type }} }}
  UNION {{ {r} ?q1 ?b1 . FILTER (isBlank(?b1)) ?b1 ?p1 ?o1 }}
  UNION {{ {r} ?q1 ?b1 . ?b1 ?q2 ?b2 . FILTER (isBlank(?b1) && isBlank(?b2)) ?b2 ?p2 ?o2 }}
  UNION {{ {r} ?q1 ?b1 . ?b1 ?q2 ?b2 . ?b2 ?q3 ?b3 .
           FILTER (isBlank(?b1) && isBlank(?b2) && isBlank(?b3)) ?b3 ?p3 ?o3 }}
}}"""


def incoming_query(iri: str) -> str:
    return f"""
SELECT DISTINCT ?s ?p ?label WHERE {{
  ?s ?p <{iri}> . FILTER (isIRI(?s))
  OPTIONAL {{ ?s {_LABELS} ?label . FILTER (LANG(?label) = "it" || LANG(?label) = "") }}
}} ORDER BY ?p ?s LIMIT {MAX_INCOMING}"""


@dataclass
class Document:
    iri: str
    triples: list[ox.Triple]
    incoming: list[dict[str, Any]] = field(default_factory=list)

    @property
    def exists(self) -> bool:
        subject = ox.NamedNode(self.iri)
        return any(t.subject == subject for t in self.triples)


async def read_document(executor: QueryExecutor, iri: str, with_incoming: bool = False) -> Document:
    """The document of `iri` (its `exists` is false when the store says nothing about it)."""
    job = QueryJob(query=description_query(iri), format="ntriples", max_rows=MAX_TRIPLES)
    body, _ = await executor.collect(job)
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
    subject = ox.NamedNode(iri)
    # The resource's own statements first, then the rest: serialisers group by subject in order.
    triples.sort(key=lambda t: (t.subject != subject, str(t.subject), str(t.predicate), str(t.object)))
    document = Document(iri=iri, triples=triples)
    if with_incoming and document.exists:
        job = QueryJob(query=incoming_query(iri), format="json", max_rows=MAX_INCOMING)
        body, _ = await executor.collect(job)
        document.incoming = json.loads(body)["results"]["bindings"]
    return document
