"""The server's own lookups on a remote store: each one query, request values as terms.

Blank nodes have no name a second query could use, so a document's blank nodes come in the same
answer as the resource's own triples (one CONSTRUCT, as deep as the embedded store goes).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

import pyoxigraph as ox

from govlod.sparql.binding import bound
from govlod.stores.interface import Bindings, Row
from govlod.stores.remote import layout
from govlod.stores.remote.connection import Connection, Parameters

T = TypeVar("T")


def closure_query(subject: ox.NamedNode, depth: int) -> str:
    """A CONSTRUCT of the subject's triples and of its blank nodes' triples, `depth` levels down."""
    template = ["?s ?p ?o ."]
    nested = ""
    for level in range(depth, 0, -1):
        node, below = ("?o" if level == 1 else f"?o{level - 1}"), f"?o{level}"
        template.append(f"{node} ?p{level} {below} .")
        nested = f"OPTIONAL {{ FILTER (isBlank({node})) {node} ?p{level} {below} {nested}}} "
    return f"CONSTRUCT {{ {' '.join(template)} }} WHERE {{ VALUES ?s {{ {subject} }} ?s ?p ?o {nested}}}"


class RemoteReads:
    blocking = True  # each read is a request to the store

    def __init__(self, connection: Connection, base_iri: str):
        self._connection = connection
        self._base_iri = base_iri
        self._kept: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def keep(self, build_id: str, name: str, make: Callable[[], T]) -> T:
        with self._lock:
            kept = self._kept.get((build_id, name))
        if kept is None:
            made = make()  # outside the lock: making may read the store
            with self._lock:
                # What was kept for an older build is not read again.
                self._kept = {key: value for key, value in self._kept.items() if key[0] == build_id}
                kept = self._kept.setdefault((build_id, name), made)
        return cast(T, kept)

    @property
    def _dataset(self) -> Parameters:
        """The served union as the default graph, on an engine whose own is the union of all graphs."""
        if self._connection.engine.own_default_graph:
            return {}
        return {"default-graph-uri": [layout.union_graph(self._base_iri).value]}

    def select(self, build_id: str, query: str, bindings: Bindings, limit: int) -> list[Row]:
        return self._connection.solutions(bound(query, bindings), self._dataset)[:limit]

    def closure(self, build_id: str, subject: ox.NamedNode, depth: int, limit: int) -> list[ox.Triple]:
        triples = self._connection.triples(closure_query(subject, depth), self._dataset)
        own = [t for t in triples if t.subject == subject]
        return (own + [t for t in triples if t.subject != subject])[:limit]

    def about(
        self, build_id: str, terms: Sequence[ox.NamedNode], predicates: Sequence[ox.NamedNode]
    ) -> dict[ox.NamedNode, list[ox.Triple]]:
        found: dict[ox.NamedNode, list[ox.Triple]] = defaultdict(list)
        if terms and predicates:
            subjects = " ".join(str(term) for term in dict.fromkeys(terms))
            properties = " ".join(str(predicate) for predicate in predicates)
            query = f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {subjects} }} VALUES ?p {{ {properties} }} ?s ?p ?o }}"
            for row in self._connection.solutions(query, self._dataset):
                subject, predicate, value = row["s"], row["p"], row["o"]
                assert isinstance(subject, ox.NamedNode) and isinstance(predicate, ox.NamedNode)
                found[subject].append(ox.Triple(subject, predicate, value))
        order = {predicate: rank for rank, predicate in enumerate(predicates)}
        return {term: sorted(found.get(term, []), key=lambda t: order[t.predicate]) for term in terms}

    def links_to(self, build_id: str, resource: ox.NamedNode) -> set[tuple[str, str]]:
        query = f"SELECT DISTINCT ?p ?s WHERE {{ ?s ?p {resource} FILTER (isIRI(?s)) }}"
        return {
            (predicate.value, source.value)
            for row in self._connection.solutions(query, self._dataset)
            if isinstance(predicate := row.get("p"), ox.NamedNode) and isinstance(source := row.get("s"), ox.NamedNode)
        }
