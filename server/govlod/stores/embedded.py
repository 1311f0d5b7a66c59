"""The embedded store: an on-disk Oxigraph build, read in this process for the server's own
queries (visitors' queries run in the processes of govlod.sparql.executor).

The queries behind documents and pages are the server's own: small, bounded, written beside the
code that uses them. Sending them through a pipe as text and reading SPARQL JSON back cost more
than running them, so they read the build's store directly, opened read-only. Values that come
from a request (the IRI of the document, the reader's language) enter a query as terms (see
govlod.sparql.binding); documents are a handful of Oxigraph quad patterns, not queries at all.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar, cast

import pyoxigraph as ox

from govlod.sparql.binding import bound
from govlod.store import StoreFolder, engine_path
from govlod.stores.interface import Bindings, Row

T = TypeVar("T")
DEFAULT_GRAPH = ox.DefaultGraph()


class EmbeddedReads:
    """Read-only stores of the builds being served, opened on first use; one build at a time."""

    blocking = False  # index lookups in this process: cheaper than a hand-over to a thread

    def __init__(self, folder: StoreFolder | None):
        self._folder = folder
        self._fixed: ox.Store | None = None
        self._stores: dict[str, ox.Store] = {}
        self._kept: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()  # the reader is used from the server's worker threads

    @classmethod
    def over(cls, store: ox.Store) -> EmbeddedReads:
        """Reads of one store whatever build is named: a build being made, or a test's store."""
        reads = cls(None)
        reads._fixed = store
        return reads

    def store(self, build_id: str) -> ox.Store:
        if self._fixed is not None:
            return self._fixed
        assert self._folder is not None
        with self._lock:
            store = self._stores.get(build_id)
            if store is None:
                store = ox.Store.read_only(str(engine_path(self._folder.build_path(build_id))))
                # The previous build is no longer served once a request names the new one.
                self._stores = {build_id: store}
                self._kept = {}
            return store

    def keep(self, build_id: str, name: str, make: Callable[[], T]) -> T:
        """What `make` makes, made once for the build and kept while the build is read."""
        self.store(build_id)
        with self._lock:
            kept = self._kept.get((build_id, name))
        if kept is None:
            # Made outside the lock, since making may read the store; two threads may both make
            # it, and the first one kept is the one every later caller gets.
            made = make()
            with self._lock:
                kept = self._kept.setdefault((build_id, name), made)
        return cast(T, kept)

    def select(self, build_id: str, query: str, bindings: Bindings, limit: int) -> list[Row]:
        """Rows of a SELECT with `bindings` in place of their variables, at most `limit`."""
        solutions = self.store(build_id).query(bound(query, bindings))
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        rows: list[Row] = []
        for solution in solutions:
            if len(rows) >= limit:
                break
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = value
            rows.append(row)
        return rows

    def construct(self, build_id: str, query: str, bindings: Bindings, limit: int) -> list[ox.Triple]:
        """The triples of a CONSTRUCT, at most `limit`."""
        triples = self.store(build_id).query(bound(query, bindings))
        assert isinstance(triples, ox.QueryTriples)
        found: list[ox.Triple] = []
        for triple in triples:
            if len(found) >= limit:
                break
            found.append(triple)
        return found

    def closure(self, build_id: str, subject: ox.NamedNode, depth: int, limit: int) -> list[ox.Triple]:
        store = self.store(build_id)
        found: dict[ox.Triple, None] = dict.fromkeys(_triples(store, subject))
        frontier = [t.object for t in found if isinstance(t.object, ox.BlankNode)]
        described: set[ox.BlankNode] = set()
        for _ in range(depth):
            deeper: list[ox.BlankNode] = []
            for node in frontier:
                if node in described or len(found) >= limit:
                    continue
                described.add(node)
                for triple in _triples(store, node):
                    found[triple] = None
                    if isinstance(triple.object, ox.BlankNode):
                        deeper.append(triple.object)
            frontier = deeper
        return list(found)[:limit]

    def about(
        self, build_id: str, terms: Sequence[ox.NamedNode], predicates: Sequence[ox.NamedNode]
    ) -> dict[ox.NamedNode, list[ox.Triple]]:
        store = self.store(build_id)
        return {term: [t for p in predicates for t in _triples(store, term, p)] for term in terms}

    def links_to(self, build_id: str, resource: ox.NamedNode) -> set[tuple[str, str]]:
        return {
            (q.predicate.value, q.subject.value)
            for q in self.store(build_id).quads_for_pattern(None, None, resource, DEFAULT_GRAPH)
            if isinstance(q.subject, ox.NamedNode)
        }


def _triples(
    store: ox.Store, subject: ox.NamedNode | ox.BlankNode, predicate: ox.NamedNode | None = None
) -> Iterator[ox.Triple]:
    # `Quad.triple` hands over the quad's own terms: building a Triple from its three parts costs
    # several times more, and a document reads a few dozen quads.
    return (q.triple for q in store.quads_for_pattern(subject, predicate, None, DEFAULT_GRAPH))
